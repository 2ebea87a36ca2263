"""Which catalogue data counts now: the configured catalogues' stored data once any of them has
been updated successfully, the bundled snapshot until then (never both)."""

from __future__ import annotations

from ..config import Config
from ..storage import catalogs as store
from ..storage.db import Database
from . import snapshot
from .catalog import Catalogue
from .entries import CatalogEntry


def load_catalogue(db: Database, config: Config) -> tuple[Catalogue, bool]:
    """(the merged catalogue, whether it is the bundled snapshot)."""
    names = [c.name for c in config.catalogs]
    rows = store.load_models(db, names) if names and store.any_catalog_stored(db) else []
    if not rows:
        _, entries = snapshot.load()
        return Catalogue(entries, [snapshot.NAME]), True
    found = [CatalogEntry(catalog=r["catalog"], model_id=r["model_id"], key=r["model_key"], provider=r["provider"],
                          status=r["status"], deprecation_date=r["deprecation_date"],
                          shutdown_date=r["shutdown_date"], earliest_shutdown=r["earliest_shutdown"],
                          replacement=r["replacement"], release_date=r["release_date"],
                          source_url=r["source_url"], aliases=r["aliases"], alias_of=r["alias_of"])
             for r in rows]
    return Catalogue(found, names), False


def known_models(db: Database, config: Config) -> frozenset[str]:
    """Every canonical model id (`catalog_key`) the catalogues in use list, aliases included."""
    return load_catalogue(db, config)[0].known_keys()
