"""Migration experiments, raised before a shutdown and not after: one per (asset, model) whose
shutdown falls within `propose_within` of the day (one already past included), never two."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..config import Config
from ..dates import utc_now_iso
from ..storage.db import Database
from ..storage.proposals import propose
from .catalog import Catalogue
from .schedule import StackRow


@dataclass(frozen=True, slots=True)
class Proposal:
    experiment_id: int
    asset: str
    model: str
    due: str

    def line(self) -> str:
        return f"proposed experiment #{self.experiment_id}: migrate {self.asset} off {self.model} before {self.due}"


def title_of(row: StackRow) -> str:
    return f"Migrate {row.asset} off {row.model} before {row.shutdown_date}"


def hypothesis_of(row: StackRow) -> str:
    said = ", ".join(row.sources) or "the catalogues"
    to = f" to {row.replacement}" if row.replacement else " to a supported model"
    return (f"{row.model} shuts down on {row.shutdown_date} (per {said}). Moving {row.asset}{to} before then "
            f"keeps it working; check that its outputs hold on the new model.")


def propose_due(db: Database, config: Config, as_of: date, catalogue: Catalogue | None = None) -> list[Proposal]:
    """The migration experiments due on `as_of` for the configured assets (`stack --propose`,
    `catalog update`, `fetch` and the app's refresh all ask this); `catalogue`: one already read."""
    from .schedule import stack_rows
    from .source import for_assets
    if catalogue is None:
        catalogue, _ = for_assets(db, config)
    return propose_migrations(db, stack_rows(config.assets, catalogue, as_of), as_of,
                              config.lifecycle.propose_within // 86400)


def propose_migrations(db: Database, rows: list[StackRow], as_of: date, within_days: int) -> list[Proposal]:
    """Create the experiments due now; the ledger makes this idempotent (and safe to run concurrently)."""
    out = []
    now = utc_now_iso()
    for row in rows:
        if row.days_left is None or row.shutdown_date is None or row.days_left > within_days:
            continue
        eid = propose(db, asset=row.asset, model=row.canonical, title=title_of(row), hypothesis=hypothesis_of(row),
                      due=row.shutdown_date, now=now, announced_by=row.model)
        if eid is not None:
            out.append(Proposal(eid, row.asset, row.model, row.shutdown_date))
    return out
