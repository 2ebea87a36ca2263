"""An alias that moved: `gpt-4o-mini` pointed at one snapshot and now points at another.

An asset pinned to an alias silently changes model when that happens, which is exactly the kind
of change a prompt can degrade on. When a catalogue update moves an alias an asset runs on, the
move becomes an item (source `catalog:NAME`, so it shows in triage, search and the digest) linked
to that asset with the reason; `extra._alias_move` lets the linker give the same link again when
the item is re-enriched.
"""

from __future__ import annotations

from ..config import Config
from ..enrich.linking import SCORES, move_reason
from ..enrich.mentions import catalog_key
from ..entry import Entry
from ..storage.catalogs import record_catalog_item
from ..storage.db import Database
from .entries import CatalogEntry

ALIAS_MOVE_SCORE = SCORES["alias-move"]


def alias_map(entries: list[CatalogEntry]) -> dict[str, str]:
    """alias id -> target id, as written (the same shape `storage.catalogs.alias_map` gives)."""
    out: dict[str, str] = {}
    for e in entries:
        if e.alias_of:
            out[e.model_id] = e.alias_of
        for alias in e.aliases:
            out.setdefault(alias, e.model_id)
    return out


def moved_aliases(old: dict[str, str], new: dict[str, str]) -> dict[str, tuple[str, str]]:
    """alias key -> (old target, new target) for the aliases present in both that point elsewhere now."""
    old_k = {catalog_key(a): t for a, t in old.items()}
    out = {}
    for alias, target in new.items():
        key = catalog_key(alias)
        before = old_k.get(key)
        if before is not None and catalog_key(before) != catalog_key(target):
            out[key] = (before, target)
    return out


def record_alias_moves(db: Database, config: Config, catalog: str, old: dict[str, str],
                       entries: list[CatalogEntry], now: str) -> int:
    """Write an item per moved alias that some asset runs on; returns how many."""
    moved = moved_aliases(old, alias_map(entries))
    count = 0
    for key, (before, after) in sorted(moved.items()):
        links = [(a.name, move_reason(key, before, after, a.name, m), ALIAS_MOVE_SCORE)
                 for a in config.assets for m in a.models if catalog_key(m) == key]
        if not links:
            continue
        entry = Entry(
            guid=f"alias:{key}:{after}", title=f"{key} now points to {after} (was {before})",
            summary=(f"The {catalog} catalogue moved the alias {key} from {before} to {after}. "
                     f"Everything pinned to {key} now runs on {after}."),
            published=now, extra={"_alias_move": {"alias": key, "from": before, "to": after, "catalog": catalog}})
        record_catalog_item(db, f"catalog:{catalog}", entry, links, now)
        count += 1
    return count
