"""What is there to tell a target: the events of each kind not yet sent to it, keyed for the ledger.

Keys name what happened, so the ledger's primary key makes each one once per target:
- `affects:<item id>:<asset>`: a link that qualifies (confirmed, or suggested scoring at least the
  target's `min_score`) and changed since the target was first seen (minus a week);
- `retirement:<asset>:<model>:<shutdown date>:<stage>`: stage `window` on entering
  `[lifecycle] propose_within`, then `30` and `7` (days left); a moved date is a new event;
- `digest:<ISO week>`: the last complete week's digest (or the period `digest --post` names).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..config_notify import NotifyTarget
from ..storage import notifications as ledger
from ..storage.db import Database
from . import render


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    kind: str
    data: Any             # a link row, a StackRow, or a digest Period


def affects(db: Database, config, target: NotifyTarget, now: datetime, *, record: bool) -> list[Candidate]:
    since = ledger.target_since(db, target.name, now, record=record)
    assets = {a.name for a in config.assets}
    rows = [r for r in ledger.new_links(db, target.name, since, target.min_score) if r["asset"] in assets]
    found = [Candidate(f"affects:{r['item_id']}:{r['asset']}", "affects", r) for r in rows]
    if record:   # claimed before, but the link no longer qualifies (dismissed, or its score fell)
        keys = {c.key for c in found}
        ledger.drop(db, target.name, [e for e in ledger.pending_events(db, target.name, "affects") if e not in keys],
                    now)
    return found


def stage(days_left: int, within: int) -> str | None:
    """The reminder a shutdown `days_left` away is due for: window, 30, 7 (None: not within)."""
    if days_left > within:
        return None
    if days_left <= 7:
        return "7"
    return "30" if days_left <= 30 else "window"


def retirements(db: Database, config, target: NotifyTarget, now: datetime) -> list[Candidate]:
    if not any(a.models for a in config.assets):
        return []
    from ..lifecycle.schedule import stack_rows
    from ..lifecycle.source import for_assets
    catalogue, _ = for_assets(db, config)
    within = config.lifecycle.propose_within // 86400
    sent = ledger.sent_events(db, target.name, "retirement")
    out = []
    for row in stack_rows(config.assets, catalogue, now.date()):
        if row.days_left is None or row.shutdown_date is None:
            continue
        s = stage(row.days_left, within)
        key = f"retirement:{row.asset}:{row.canonical}:{row.shutdown_date}:{s}"
        if s is not None and key not in sent:
            out.append(Candidate(key, "retirement", row))
    return out


def digests(db: Database, target: NotifyTarget, now: datetime, period=None) -> list[Candidate]:
    """The last complete week's digest, and any earlier one still pending; or just `period`."""
    from ..digest.week import PeriodError, last_complete_week, parse_week
    if period is not None:
        return [Candidate(f"digest:{period.label}", "digest", period)]
    sent = ledger.sent_events(db, target.name, "digest")
    periods = {}
    for key in ledger.pending_events(db, target.name, "digest"):
        try:
            p = parse_week(key.split(":", 1)[1])
        except PeriodError:   # a --post of a custom period that failed: not retried on a schedule
            continue
        periods[key] = p
    week = last_complete_week(now.date())
    periods.setdefault(f"digest:{week.label}", week)
    return [Candidate(k, "digest", p) for k, p in sorted(periods.items()) if k not in sent]


def collect(db: Database, config, target: NotifyTarget, now: datetime, *, record: bool,
            kinds: tuple[str, ...] | None = None, period=None) -> dict[str, list[Candidate]]:
    """kind -> the candidates for this target (kinds it subscribes to, optionally narrowed)."""
    wanted = [k for k in target.events if kinds is None or k in kinds]
    out: dict[str, list[Candidate]] = {}
    if "affects" in wanted:
        out["affects"] = affects(db, config, target, now, record=record)
    if "retirement" in wanted:
        out["retirement"] = retirements(db, config, target, now)
    if "digest" in wanted:
        out["digest"] = digests(db, target, now, period)
    return {k: v for k, v in out.items() if v}


def messages(db: Database, config, kind: str, chosen: list[Candidate]) -> list[render.Message]:
    """The messages that deliver `chosen` candidates of one kind: one per kind, one per digest."""
    if not chosen:
        return []
    if kind == "affects":
        return [render.affects_message([c.data for c in chosen])]
    if kind == "retirement":
        return [render.retirement_message([(c.key, c.data) for c in chosen])]
    from ..digest import build_digest, render as render_digest
    out = []
    for c in chosen:
        d = build_digest(db, config, c.data.since, c.data.until)
        out.append(render.Message("digest", f"feedwatch digest {c.data.label}",
                                  render.defang(render_digest(d, "md")), render.defang(render_digest(d, "html")),
                                  (c.key,), f"digest {c.data.label}"))
    return out
