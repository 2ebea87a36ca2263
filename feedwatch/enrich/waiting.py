"""The one line that says how many items wait for the LLM, and until when (CLI and app)."""

from __future__ import annotations

from datetime import UTC, datetime


def waiting_line(count: int, until: str | None, now: datetime | None = None) -> str:
    """e.g. "3 items wait for the LLM until 14:35 UTC (offline summaries meanwhile); ..."."""
    items = "1 item waits" if count == 1 else f"{count} items wait"
    when = ""
    if until:
        try:
            at = datetime.strptime(until, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            at = None
        if at is not None:
            today = (now or datetime.now(UTC)).date()
            when = f" until {at:%H:%M} UTC" if at.date() == today else f" until {at:%Y-%m-%d %H:%M} UTC"
    return (f"{items} for the LLM{when}, with offline summaries, tags and links meanwhile; "
            "`feedwatch enrich --now` retries now")
