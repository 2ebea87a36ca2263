"""The digest's "Retirements ahead": the models our assets use whose shutdown falls within
`[lifecycle] propose_within` of the period's last day, with their migration experiment.

A model already past its shutdown that an asset still lists is the most urgent of all and is
listed too (negative `days_left`). Same catalogue data as `feedwatch stack` (the configured
catalogues, or the bundled snapshot before the first update), counted from the period's last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..text import clean_line


@dataclass(frozen=True, slots=True)
class RetirementExperiment:
    id: int
    title: str
    status: str
    due: str | None


@dataclass(frozen=True, slots=True)
class Retirement:
    asset: str
    model: str                      # as the asset lists it
    shutdown_date: str
    days_left: int                  # from the period's last day; negative once past
    replacement: str | None
    experiment: RetirementExperiment | None


def retirements(db, config, last_day: str) -> tuple[Retirement, ...]:
    from ..lifecycle.schedule import stack_rows
    from ..lifecycle.source import for_assets
    from ..storage import experiments as xp
    from ..storage.proposals import experiments_by_pair
    if config is None or not config.assets:
        return ()
    as_of = date.fromisoformat(last_day)
    catalogue, _ = for_assets(db, config)
    rows = stack_rows(config.assets, catalogue, as_of, config.lifecycle.propose_within // 86400)
    pairs = experiments_by_pair(db)
    out = []
    for r in rows:
        eid = pairs.get((r.asset, r.canonical))
        found = xp.get(db, eid) if eid is not None else None
        exp = RetirementExperiment(found.id, clean_line(found.title, 200), found.status, found.due) if found else None
        out.append(Retirement(clean_line(r.asset, 100), clean_line(r.model, 160), r.shutdown_date or "",
                              r.days_left if r.days_left is not None else 0,
                              clean_line(r.replacement, 160) if r.replacement else None, exp))
    return tuple(sorted(out, key=lambda x: (x.days_left, x.asset, x.model)))


def when(r: Retirement) -> str:
    """'shuts down 2026-10-23 (in 52 days)', '... (today)', 'shut down 2026-07-05 (58 days before)'."""
    if r.days_left > 0:
        return f"shuts down {r.shutdown_date} (in {r.days_left} day{'s' if r.days_left != 1 else ''})"
    if r.days_left == 0:
        return f"shuts down {r.shutdown_date} (that day)"
    return f"shut down {r.shutdown_date} ({-r.days_left} day{'s' if r.days_left != -1 else ''} before)"


def retirement_meta(r: Retirement) -> list[str]:
    parts = [r.model, when(r)]
    if r.replacement:
        parts.append(f"replacement {r.replacement}")
    if r.experiment:
        parts.append(f"experiment #{r.experiment.id} ({r.experiment.status})")
    else:
        parts.append("no experiment yet")
    return parts
