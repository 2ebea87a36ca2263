"""Leaf names of the query modules: a user-input error, `since:` parsing, merged tags.

They live here, importing nothing of storage, so queries, search, search_query and triage
can all use them without importing one another in a cycle.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import UserInputError

_RELATIVE = re.compile(r"^(\d+)([hdw])$")


class QueryError(UserInputError):
    """Bad user input to a query (a date that is not a date, ...)."""


def parse_since(value: str, now: datetime | None = None) -> str:
    """'2026-11-01', '2026-11-01T12:00', '7d', '12h', '2w' -> ISO 8601 UTC string."""
    now = now or datetime.now(UTC)
    value = value.strip()
    m = _RELATIVE.match(value)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        delta = {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
        return (now - delta).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"not a date: {value!r} (use YYYY-MM-DD, an ISO time, or 7d / 12h / 2w)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def merged_tags(row: dict[str, Any]) -> list[str]:
    """What an item is tagged with: the source's, the enricher's and the user's tags (decoded lists)."""
    return sorted(set(row["tags"]) | set(row["enrich_tags"]) | set(row["user_tags"]))
