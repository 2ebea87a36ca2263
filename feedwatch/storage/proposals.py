"""Migration proposals: the ledger of (asset, model) pairs that already got an experiment.

The ledger row and the experiment are written in one transaction, and the ledger's primary key
decides: a second proposal for the same pair, from this run, a later one or a colleague's
concurrent one, inserts nothing and creates nothing, even after the experiment was closed.
"""

from __future__ import annotations

from .db import Database
from .experiments import insert
from .predicates import linked


def proposed_pairs(db: Database) -> set[tuple[str, str]]:
    return {(r["asset"], r["model"]) for r in db.query("SELECT asset, model FROM lifecycle_proposals")}


def propose(db: Database, *, asset: str, model: str, title: str, hypothesis: str, due: str, now: str,
            announced_by: str) -> int | None:
    """Create the migration experiment of (asset, model) unless the ledger has it; returns its id,
    or None when it was proposed before. It links the asset and the items whose asset link says
    they announce the deprecation of `announced_by` (the model as the asset writes it)."""
    with db.transaction() as c:
        if not c.execute("INSERT INTO lifecycle_proposals (asset, model, shutdown_date, created_at) "
                         "VALUES (:a, :m, :d, :now) ON CONFLICT (asset, model) DO NOTHING RETURNING asset",
                         {"a": asset, "m": model, "d": due, "now": now}):
            return None
        suffix = f"runs on {announced_by}"
        items = [r["item_id"] for r in c.execute(
            f"SELECT item_id, reason FROM asset_links WHERE asset = :a AND {linked('asset_links')} ORDER BY item_id",
            {"a": asset}) if "deprecation" in r["reason"] and r["reason"].endswith(suffix)]
        eid = insert(c, title, hypothesis, items, [asset], who="feedwatch", now=now, due=due)
        c.execute("UPDATE lifecycle_proposals SET experiment_id = :e WHERE asset = :a AND model = :m",
                  {"e": eid, "a": asset, "m": model})
    return eid


def experiments_by_pair(db: Database) -> dict[tuple[str, str], int]:
    """(asset, model key) -> the id of its migration experiment (for the digest and the Stack view)."""
    return {(r["asset"], r["model"]): r["experiment_id"]
            for r in db.query("SELECT asset, model, experiment_id FROM lifecycle_proposals "
                              "WHERE experiment_id IS NOT NULL")}
