"""feeds.toml `[[catalogs]]` and `[lifecycle]`: the model catalogues and when to propose a
migration (kept out of config.py, the rest of the schema, to keep both small)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config_checks import Where, check_keys, http_url, interval_seconds, positive, typed

CATALOG_KINDS = ("litellm", "models-dev", "deprecations-info", "modeldeprecations")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Catalog:
    """A public model catalogue, in its real machine-readable format (see feedwatch/lifecycle)."""
    name: str
    kind: str
    url: str
    enabled: bool = True
    interval: int = 86400          # seconds between updates
    max_mb: float = 64.0           # cap on the decompressed document


@dataclass(frozen=True, slots=True)
class LifecycleSettings:
    propose_within: int = 90 * 86400   # propose a migration experiment this long before a shutdown


def parse_catalog(w: Where, index: int, table) -> Catalog:
    where = (f"catalog '{table.get('name')}'" if isinstance(table, dict) and isinstance(table.get("name"), str)
             and table.get("name") else f"catalogs[{index}]")
    if not isinstance(table, dict):
        raise w.error(where, "each [[catalogs]] entry must be a table")
    check_keys(w, where, table, {"name", "kind", "url", "enabled", "interval", "max_mb"}, {"name", "kind", "url"})
    name = typed(w, where, table, "name", str)
    if not _NAME_RE.match(name):
        raise w.error(where, "key 'name' must use lowercase letters, digits and '-' only")
    kind = table["kind"]
    if kind not in CATALOG_KINDS:
        raise w.error(where, f"key 'kind' must be one of {', '.join(CATALOG_KINDS)}, got {kind!r}")
    return Catalog(name=name, kind=kind, url=http_url(w, where, "url", typed(w, where, table, "url", str)),
                   enabled=typed(w, where, table, "enabled", bool, True),
                   interval=interval_seconds(w, where, table) or 86400,
                   max_mb=float(positive(w, where, table, "max_mb", (int, float), 64.0)))


def parse_lifecycle(w: Where, table) -> LifecycleSettings:
    where = "[lifecycle]"
    if not isinstance(table, dict):
        raise w.error(where, "must be a table")
    check_keys(w, where, table, {"propose_within"})
    return LifecycleSettings(propose_within=interval_seconds(w, where, table, "propose_within")
                             or LifecycleSettings().propose_within)
