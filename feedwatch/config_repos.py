"""feeds.toml `[[repos]]`: the local checkouts `feedwatch assets scan` reads (kept out of config.py,
which is the rest of the schema, to keep both small)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config_checks import Where, check_keys, typed

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Repo:
    """A local checkout that `feedwatch assets scan` reads (never modifies)."""
    name: str
    path: str


def parse_repo(w: Where, index: int, table) -> Repo:
    where = f"repo '{table.get('name')}'" if isinstance(table, dict) and table.get("name") else f"repos[{index}]"
    if not isinstance(table, dict):
        raise w.error(where, "each [[repos]] entry must be a table")
    check_keys(w, where, table, {"name", "path"}, {"name", "path"})
    name = typed(w, where, table, "name", str)
    if not _NAME_RE.match(name):
        raise w.error(where, "key 'name' must use lowercase letters, digits and '-' only")
    path = typed(w, where, table, "path", str).strip()
    if not path:
        raise w.error(where, "key 'path' must not be empty")
    return Repo(name=name, path=path)
