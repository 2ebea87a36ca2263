"""The notification ledger: which event went to which target, exactly once (migration 0009).

A run inserts the events it found and claims them in one transaction: the claim is an UPDATE
whose WHERE only matches a row nobody else holds (pending and due, or a lapsed lease), so of two
concurrent runs only one gets a row back from RETURNING (SQLite serialises write transactions;
PostgreSQL re-checks the WHERE after waiting for the other's row lock). The network send happens
after that transaction commits; its outcome is recorded by `finish`. A run that dies mid-send
leaves a lease that lapses after `LEASE`, and the event is retried then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .db import Database
from .predicates import affects

LEASE = timedelta(minutes=10)        # longer than any send (Apprise calls are bounded well below this)
LOOKBACK = timedelta(days=7)         # a new target gets the last week's links, not the whole history
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes after the n-th failed attempt, at most an hour."""
    return min(BACKOFF_FIRST * (1 << max(0, attempts - 1)), BACKOFF_MAX)


def target_since(db: Database, name: str, now: datetime, *, record: bool = True) -> str:
    """When links start counting as new for this target (first seen minus LOOKBACK); `record`
    remembers it (a dry run does not)."""
    rows = db.query("SELECT since FROM notify_targets WHERE name = :n", {"n": name})
    if rows:
        return str(rows[0]["since"])
    since = iso(now - LOOKBACK)
    if record:
        with db.transaction() as c:
            c.execute("INSERT INTO notify_targets (name, since) VALUES (:n, :s) ON CONFLICT (name) DO NOTHING",
                      {"n": name, "s": since})
        return str(db.query("SELECT since FROM notify_targets WHERE name = :n", {"n": name})[0]["since"])
    return since


def sent_events(db: Database, target: str, kind: str) -> set[str]:
    return {r["event"] for r in db.query("SELECT event FROM notifications WHERE target = :t AND kind = :k "
                                         "AND state = 'sent'", {"t": target, "k": kind})}


def pending_events(db: Database, target: str, kind: str) -> list[str]:
    """Events of a kind that were claimed before and are not delivered yet (failed, or in flight)."""
    return [r["event"] for r in db.query("SELECT event FROM notifications WHERE target = :t AND kind = :k "
                                         "AND state <> 'sent' ORDER BY event", {"t": target, "k": kind})]


def due_now(db: Database, target: str, events: list[str], now: datetime) -> list[str]:
    """Which of `events` a claim would get now (read only: what a dry run would send)."""
    if not events:
        return []
    held = {r["event"]: r for r in db.query(
        "SELECT event, state, next_attempt, claim_until FROM notifications WHERE target = :t", {"t": target})}
    stamp = iso(now)
    return [e for e in events if e not in held or _claimable(held[e], stamp)]


def _claimable(row: dict[str, Any], stamp: str) -> bool:
    if row["state"] == "pending":
        return row["next_attempt"] is None or row["next_attempt"] <= stamp
    return row["state"] == "sending" and (row["claim_until"] or "") < stamp


_CLAIM = ("UPDATE notifications SET state = 'sending', claim_until = :lease, attempts = attempts + 1 "
          "WHERE target = :t AND event = :e "
          "AND ((state = 'pending' AND (next_attempt IS NULL OR next_attempt <= :now)) "
          "OR (state = 'sending' AND claim_until < :now)) RETURNING event")


def claim(db: Database, target: str, events: list[tuple[str, str]], now: datetime) -> list[str]:
    """Record (event, kind) pairs as pending if new, and claim those nobody else holds; returns the
    claimed events, in the given order. Insert and claim are one transaction."""
    if not events:
        return []
    stamp, lease = iso(now), iso(now + LEASE)
    got = []
    with db.transaction() as c:
        c.executemany("INSERT INTO notifications (target, event, kind, state, attempts, created_at) "
                      "VALUES (:t, :e, :k, 'pending', 0, :now) ON CONFLICT (target, event) DO NOTHING",
                      [{"t": target, "e": e, "k": k, "now": stamp} for e, k in events])
        for e, _ in events:
            if c.execute(_CLAIM, {"t": target, "e": e, "now": stamp, "lease": lease}):
                got.append(e)
    return got


def finish(db: Database, target: str, events: list[str], now: datetime, error: str | None) -> None:
    """Record a delivery: sent, or back to pending with backoff and the (secret-free) error."""
    stamp = iso(now)
    with db.transaction() as c:
        if error is None:
            c.executemany("UPDATE notifications SET state = 'sent', sent_at = :now, claim_until = NULL, "
                          "last_error = NULL WHERE target = :t AND event = :e",
                          [{"t": target, "e": e, "now": stamp} for e in events])
            c.execute("UPDATE notify_targets SET last_attempt = :now, last_sent = :now, last_error = NULL "
                      "WHERE name = :t", {"t": target, "now": stamp})
            return
        for e in events:
            rows = c.execute("SELECT attempts FROM notifications WHERE target = :t AND event = :e",
                             {"t": target, "e": e})
            attempts = rows[0]["attempts"] if rows else 1
            c.execute("UPDATE notifications SET state = 'pending', claim_until = NULL, next_attempt = :next, "
                      "last_error = :err WHERE target = :t AND event = :e",
                      {"t": target, "e": e, "next": iso(now + backoff(attempts)), "err": error})
        c.execute("UPDATE notify_targets SET last_attempt = :now, last_error = :err WHERE name = :t",
                  {"t": target, "now": stamp, "err": error})


def drop(db: Database, target: str, events: list[str], now: datetime) -> None:
    """Forget events that no longer have anything to say (a link dismissed meanwhile), unless
    another run is sending them right now."""
    if events:
        with db.transaction() as c:
            c.executemany("DELETE FROM notifications WHERE target = :t AND event = :e AND state <> 'sent' "
                          "AND (state = 'pending' OR claim_until < :now)",
                          [{"t": target, "e": e, "now": iso(now)} for e in events])


@dataclass(frozen=True, slots=True)
class Waiting:
    events: int
    next_attempt: str | None
    error: str | None


def waiting(db: Database, target: str, now: datetime) -> Waiting:
    """Undelivered events of a target that are backing off (not due yet)."""
    rows = db.query("SELECT next_attempt, last_error FROM notifications WHERE target = :t AND state = 'pending' "
                    "AND next_attempt > :now ORDER BY next_attempt", {"t": target, "now": iso(now)})
    return Waiting(len(rows), rows[0]["next_attempt"] if rows else None, rows[0]["last_error"] if rows else None)


def target_states(db: Database) -> dict[str, dict[str, Any]]:
    """name -> last_attempt, last_sent, last_error, pending (count): for `sources` and the TUI."""
    out = {r["name"]: {**r, "pending": 0} for r in db.query(
        "SELECT name, last_attempt, last_sent, last_error FROM notify_targets")}
    for r in db.query("SELECT target, COUNT(*) AS n FROM notifications WHERE state <> 'sent' GROUP BY target"):
        if r["target"] in out:
            out[r["target"]]["pending"] = int(r["n"])
    return out


_AFFECTS_SQL = (
    "SELECT l.item_id, l.asset, l.reason, l.score, l.status, i.title, i.url FROM asset_links l "
    "JOIN items i ON i.id = l.item_id WHERE l.updated_at >= :since "
    f"AND {affects('l')} "
    "AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.target = :t AND n.kind = 'affects' AND n.state = 'sent' "
    "AND n.event = 'affects:' || CAST(l.item_id AS TEXT) || ':' || l.asset) "
    "ORDER BY l.asset, l.status, l.score DESC, l.item_id LIMIT :limit")


def new_links(db: Database, target: str, since: str, min_score: float, limit: int = 2000) -> list[dict[str, Any]]:
    """Links that qualify for the affects event and were not sent to this target yet."""
    return db.query(_AFFECTS_SQL, {"t": target, "since": since, "min_score": min_score, "limit": limit})


def reopen(db: Database, target: str, event: str) -> None:
    """Make a sent event pending again (`digest --post` posts on request, even a week sent before)."""
    with db.transaction() as c:
        c.execute("UPDATE notifications SET state = 'pending', next_attempt = NULL WHERE target = :t AND event = :e "
                  "AND state = 'sent'", {"t": target, "e": event})
