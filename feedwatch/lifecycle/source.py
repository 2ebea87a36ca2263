"""Which catalogue data counts now: the configured catalogues' stored data once any of them has
been updated successfully, the bundled snapshot until then (never both)."""

from __future__ import annotations

from collections.abc import Iterable

from ..config import Config
from ..storage import catalogs as store
from ..storage.db import Database
from . import snapshot
from .catalog import Catalogue
from .entries import CatalogEntry


def load_catalogue(db: Database, config: Config, models: Iterable[str] | None = None) -> tuple[Catalogue, bool]:
    """(the merged catalogue, whether it is the bundled snapshot). With `models`, only what looking
    those up needs is read from the database (all of it otherwise)."""
    names = [c.name for c in config.catalogs]
    keys = None
    if models is not None:
        from .names import model_facts
        keys = {k for f in model_facts(models).values() for k in (f["key"], f["family_key"], f["base_key"]) if k}
    if not names or not store.any_catalog_stored(db, names):
        entries = snapshot.load()[1] if keys is None else snapshot.entries_for(keys)
        return Catalogue(entries, [snapshot.NAME]), True
    rekey_stale(db, names)
    return Catalogue(_entries(store.load_models(db, names, keys)), names), False


def rekey_stale(db: Database, names: list[str]) -> None:
    """Re-key the stored catalogues whose match keys an older canonicaliser worked out (migration
    0012): once after the model-name grammar changes, so stored rows meet the ids it now gives."""
    from .entries import entry_keys
    from .names import fingerprint
    try:
        stale = store.stale_keys(db, names, fingerprint())
        with db.busy_wait(0.5):      # the app's stack screen reads on the UI thread: never wait long
            for name in stale:
                store.rekey(db, name, fingerprint(), entry_keys)
    except Exception:   # busy, a read-only role: keys of the older grammar still match all but what it learned
        pass           # since, and the next read tries again


def asset_models(config: Config) -> list[str]:
    """Every model id the configured assets list (what `stack`, proposals and the digest look up)."""
    return [m for a in config.assets for m in a.models]


def for_assets(db: Database, config: Config) -> tuple[Catalogue, bool]:
    """`load_catalogue` with only what the assets' models need."""
    return load_catalogue(db, config, asset_models(config))


def _entries(rows: list[dict]) -> list[CatalogEntry]:
    return [CatalogEntry(catalog=r["catalog"], model_id=r["model_id"], key=r["model_key"], provider=r["provider"],
                          status=r["status"], deprecation_date=r["deprecation_date"],
                          shutdown_date=r["shutdown_date"], earliest_shutdown=r["earliest_shutdown"],
                          replacement=r["replacement"], release_date=r["release_date"],
                          source_url=r["source_url"], aliases=r["aliases"], alias_of=r["alias_of"],
                          family=r["family"], alias_keys=r["alias_keys"], alias_of_key=r["alias_of_key"])
             for r in rows]


def known_models(db: Database, config: Config) -> frozenset[str]:
    """Every canonical model id (`catalog_key`) the catalogues in use list, aliases included."""
    return load_catalogue(db, config)[0].known_keys()
