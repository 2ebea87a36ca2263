"""`feedwatch notify`: for each target, claim what is new for it, send it, record the outcome.

Claiming before sending (storage/notifications.py) is what keeps two concurrent runs, or two
fetchers in team mode, from sending anything twice; a failed send goes back to pending with
backoff and is retried by a later run. A dry run reads the same events and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..config_notify import NotifyTarget, TargetUnusable
from ..storage import notifications as ledger
from ..storage.db import Database
from . import events
from .deliver import message_key, scrub, send
from .render import Message


@dataclass(slots=True)
class TargetReport:
    """What one run did for one target; `line()` is its line of `notify` output."""
    name: str
    sent: list[str] = field(default_factory=list)         # message summaries
    failed: list[str] = field(default_factory=list)       # "summary: reason"
    preview: list[Message] = field(default_factory=list)  # a dry run's messages
    waiting: ledger.Waiting | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not (self.waiting and self.waiting.events)

    def line(self) -> str:
        if self.dry_run:
            return (f"{self.name}: would send " + ", ".join(m.summary for m in self.preview)) if self.preview \
                else f"{self.name}: nothing new"
        parts = []
        if self.sent:
            parts.append("sent " + ", ".join(self.sent))
        w = self.waiting
        if self.failed:
            parts.append("failed: " + "; ".join(self.failed)
                         + (f"; will retry after {_clock(w.next_attempt)}" if w and w.next_attempt else ""))
        elif w and w.events:
            parts.append(f"{w.events} event{'s' * (w.events != 1)} waiting to retry after "
                         f"{_clock(w.next_attempt)}" + (f" (last error: {w.error})" if w.error else ""))
        return f"{self.name}: " + ("; ".join(parts) if parts else "nothing new")


def _clock(stamp: str | None) -> str:
    return f"{stamp[:10]} {stamp[11:16]} UTC" if stamp else "?"


def notify_all(db: Database, config, *, now: datetime | None = None, dry_run: bool = False,
               kinds: tuple[str, ...] | None = None, period=None, force: bool = False) -> list[TargetReport]:
    """Every configured target's report, in config order. `kinds` narrows the events; `period` with
    `force` posts that digest even if it was sent before (`digest --post`)."""
    now = now or datetime.now(UTC)
    targets = [t for t in config.notify if kinds is None or any(k in t.events for k in kinds)]
    return [notify_target(db, config, t, now, dry_run=dry_run, kinds=kinds, period=period, force=force)
            for t in targets]


def notify_target(db: Database, config, target: NotifyTarget, now: datetime, *, dry_run: bool = False,
                  kinds=None, period=None, force: bool = False) -> TargetReport:
    report = TargetReport(target.name, dry_run=dry_run)
    found = events.collect(db, config, target, now, record=not dry_run, kinds=kinds, period=period)
    if dry_run:
        for kind, candidates in found.items():
            due = set(ledger.due_now(db, target.name, [c.key for c in candidates], now))
            chosen = [c for c in candidates if c.key in due or (force and kind == "digest")]
            report.preview += events.messages(db, config, kind, chosen)
        return report
    try:
        url = target.resolve_url() if found else ""    # used only when something was found
    except TargetUnusable as exc:
        report.failed.append(str(exc))
        return report
    for kind, candidates in found.items():
        if force and kind == "digest":
            for c in candidates:
                ledger.reopen(db, target.name, c.key)
        claimed = set(ledger.claim(db, target.name, [(c.key, c.kind) for c in candidates], now))
        for message in events.messages(db, config, kind, [c for c in candidates if c.key in claimed]):
            result = send(url, message.title, message.markdown, message.html, message_key(target.name, message.events))
            error = None if result.ok else scrub(result.error or "delivery failed", url)
            ledger.finish(db, target.name, list(message.events), now, error)
            if error is None:
                report.sent.append(message.summary)
            else:
                report.failed.append(f"{message.summary}: {error}")
    report.waiting = ledger.waiting(db, target.name, now)
    return report
