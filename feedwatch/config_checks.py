"""Checks of TOML tables for feeds.toml: each failure is a ConfigError whose message is one line
naming the file, the section and the key (with a "did you mean" for a near-miss key).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ConfigError as ConfigError  # defined with the family; named here as before

DURATION_RE = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class Where:
    """Builds the 'file: section 'name': key' prefix of an error message."""

    def __init__(self, path: Path | None):
        self.file = str(path) if path else "<config>"

    def error(self, where: str, message: str) -> ConfigError:
        return ConfigError(f"{self.file}: {where}: {message}" if where else f"{self.file}: {message}")


def check_keys(w: Where, where: str, table: dict, allowed: set[str], required: frozenset[str] | set[str] = frozenset()):
    for key in table:
        if key not in allowed:
            hint = ""
            close = [a for a in sorted(allowed) if _similar(key, a)]
            if close:
                hint = f" (did you mean '{close[0]}'?)"
            raise w.error(where, f"unknown key '{key}'{hint}")
    for key in sorted(required):
        if key not in table:
            raise w.error(where, f"missing required key '{key}'")


def _similar(a: str, b: str) -> bool:
    import difflib
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def typed(w: Where, where: str, table: dict, key: str, types, default=None):
    if key not in table:
        return default
    value = table[key]
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise w.error(where, f"key '{key}' must be {_type_name(types)}, not a boolean")
    if not isinstance(value, types):
        raise w.error(where, f"key '{key}' must be {_type_name(types)}, got {type(value).__name__}")
    return value


def _type_name(types) -> str:
    types = types if isinstance(types, tuple) else (types,)
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             list: "a list", dict: "a table"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def str_list(w: Where, where: str, table: dict, key: str) -> tuple[str, ...]:
    value = typed(w, where, table, key, list, [])
    if not all(isinstance(v, str) for v in value):
        raise w.error(where, f"key '{key}' must be a list of strings")
    return tuple(value)


def http_url(w: Where, where: str, key: str, url: str) -> str:
    from urllib.parse import urlsplit
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise w.error(where, f"key '{key}' must be an http(s) URL, got {url!r}")
    return url.strip()


def parse_duration(text: str) -> int | None:
    """'30m' -> 1800; None when the text is not a duration."""
    m = DURATION_RE.match(text)
    return int(m.group(1)) * DURATION_UNITS[m.group(2)] if m else None


def interval_seconds(w: Where, where: str, table: dict, key: str = "interval") -> int | None:
    value = typed(w, where, table, key, str)
    if value is None:
        return None
    seconds = parse_duration(value)
    if not seconds:
        raise w.error(where, f"key '{key}' must look like \"30m\", \"6h\" or \"1d\", got {value!r}")
    return seconds


def positive(w: Where, where: str, table: dict, key: str, types, default):
    value = typed(w, where, table, key, types, default)
    if value <= 0:
        raise w.error(where, f"key '{key}' must be positive")
    return value
