"""The stack's schedule: one row per (asset, model it lists), with what the catalogues say of that
model as of a day, most urgent first.

Urgency: a model with a shutdown date comes first, the nearest date (or the longest past) first;
then deprecated models with no date, then active ones, then models no catalogue knows. Within
that, asset then model, so the order is stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..config import Asset
from .catalog import Catalogue, Lifecycle

_RANK = {"retired": 0, "deprecated": 0, "active": 2, "unknown": 3}


@dataclass(frozen=True, slots=True)
class StackRow:
    asset: str
    model: str                       # as the asset writes it
    canonical: str
    provider: str | None
    status: str                      # active | deprecated | retired | unknown
    deprecation_date: str | None
    shutdown_date: str | None
    days_left: int | None            # shutdown minus as-of
    replacement: str | None
    sources: tuple[str, ...]
    alias_of: str | None = None      # the model is an alias of this id
    lifecycle: Lifecycle | None = None

    def to_json(self) -> dict:
        """The `stack --format jsonl` object (keys in the documented order)."""
        return {"asset": self.asset, "model": self.model, "canonical": self.canonical, "provider": self.provider,
                "status": self.status, "deprecation_date": self.deprecation_date,
                "shutdown_date": self.shutdown_date, "days_left": self.days_left, "replacement": self.replacement,
                "sources": list(self.sources)}

    def urgency(self) -> tuple:
        if self.days_left is not None:
            return (0, self.days_left, self.asset, self.model)
        return (1 if self.status in ("deprecated", "retired") else _RANK[self.status], 0, self.asset, self.model)


def stack_rows(assets: tuple[Asset, ...], catalogue: Catalogue, as_of: date,
               within_days: int | None = None) -> list[StackRow]:
    """Every (asset, model) row, most urgent first; `within_days` keeps only shutdowns up to that
    many days after as-of (past ones included)."""
    rows = []
    seen: dict[str, Lifecycle] = {}
    for asset in assets:
        for model in dict.fromkeys(asset.models):
            life = seen.get(model)
            if life is None:
                life = seen[model] = catalogue.lifecycle(model, as_of)
            days = life.days_left(as_of)
            if within_days is not None and (days is None or days > within_days):
                continue
            rows.append(StackRow(asset.name, model, life.canonical, life.provider, life.status, life.deprecation_date,
                                 life.shutdown_date, days, life.replacement, life.sources, life.alias_of, life))
    rows.sort(key=StackRow.urgency)
    return rows
