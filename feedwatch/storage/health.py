"""Fetch failures over time: one row per failed fetch of a source (table `fetch_failures`, migration 0004).

`sources` keeps only each source's latest attempt; the weekly digest needs "which sources failed
this week" even when they recovered since, so the fetcher also appends a row here on failure.
Times are ISO 8601 UTC text ("YYYY-MM-DDTHH:MM:SSZ"); windows are half-open, since <= at < until.
"""

from __future__ import annotations

from typing import Any

from ..text import clean_line
from .db import Conn, Database

ERROR_MAX = 500


def record_fetch_failure(conn: Conn, source: str, at: str, status: int | None, error: str | None) -> None:
    """Append one failure, inside the caller's transaction (the one that records the attempt in `sources`).

    `status` is the HTTP status when there was one (None for timeouts, DNS errors, parse errors...).
    """
    conn.execute("INSERT INTO fetch_failures (source, at, status, error) VALUES (:source, :at, :status, :error)",
                 {"source": source, "at": at, "status": None if status is None else int(status),
                  "error": clean_line(error or "", ERROR_MAX)})


def failures_between(db: Database, since: str, until: str) -> list[dict[str, Any]]:
    """Every failure with since <= at < until, oldest first: dicts with id, source, at, status, error."""
    return db.query("SELECT id, source, at, status, error FROM fetch_failures WHERE at >= :since AND at < :until "
                    "ORDER BY at, id", {"since": since, "until": until})


def failures_by_source(db: Database, since: str, until: str) -> list[dict[str, Any]]:
    """One dict per source that failed in the window, most failures first:
    source, failures (count), first_at, last_at, last_status, last_error (of its latest failure)."""
    out: dict[str, dict[str, Any]] = {}
    for r in failures_between(db, since, until):
        s = out.setdefault(r["source"], {"source": r["source"], "failures": 0, "first_at": r["at"]})
        s["failures"] += 1
        s.update(last_at=r["at"], last_status=r["status"], last_error=r["error"])
    return sorted(out.values(), key=lambda s: (-s["failures"], s["source"]))


def prune_fetch_failures(conn: Conn, before: str) -> None:
    """Forget failures older than `before` (the digest only looks back a week or so)."""
    conn.execute("DELETE FROM fetch_failures WHERE at < :before", {"before": before})
