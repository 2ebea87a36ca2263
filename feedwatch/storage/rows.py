"""Leaf names of the query modules: the row every item list reads (`ListedItem`), a user-input
error, `since:` parsing, merged tags.

They live here, importing nothing of storage, so queries, search, search_query and triage
can all use them without importing one another in a cycle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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


@dataclass(slots=True)
class ListedItem:
    """One item as every list reads it: the TUI's rows (`triage.page`, also for search results),
    `feedwatch items` (`queries.list_items`) and the digest (`queries.period_items`). One type, so
    a field means the same everywhere. Read-only by convention: a screen that changes a row
    replaces it (`dataclasses.replace`) and never changes its lists in place. Not frozen: a frozen
    dataclass's __init__ costs 7 us a row here against 1.6 us, which a page of the list pays 200 times.

    The lighter queries leave the fields they do not read at their defaults (None or empty): the
    TUI's page reads no texts (url, summary, authors, ...), the digest no person's state or assets."""
    id: int
    source: str
    title: str
    published: str | None
    first_seen: str
    tags: list[str]                     # merged: the feed's, the enricher's and the user's, sorted
    user_tags: list[str] = field(default_factory=list)
    relevance: float | None = None
    assets: list[str] = field(default_factory=list)   # linked (not dismissed); in the TUI, of the whole story
    state: str = "unread"               # the reader's: "unread" | "read"
    starred: bool = False               # the reader's star (the digest's reader is the team: anyone's)
    hidden: bool = False                # the reader's
    story: int | None = None            # its story's id (an ungrouped item: its own id)
    story_size: int = 1                 # items in the story
    members: list[int] = field(default_factory=list)   # the TUI's: the story's items a key press applies to
    lead: bool = True                   # the item lists show for its story
    # the whole row: `list_items` reads these (the digest: url, summary, ai_summary), the TUI's page none
    guid: str | None = None
    url: str | None = None
    arxiv_id: str | None = None
    arxiv_version: int | None = None
    summary: str | None = None
    ai_summary: str | None = None
    authors: list[str] | None = None
    categories: list[str] | None = None
    extra: dict[str, Any] | None = None
    updated: str | None = None
    changed_at: str | None = None
    change_note: str | None = None
    enrich_tags: list[str] | None = None
    enrich_state: str | None = None
    enrich_error: str | None = None
    note: str | None = None
    links: list[dict[str, Any]] | None = None   # asset links: asset, reason, score, origin, status, updated_by

    @property
    def when(self) -> str:
        """Its date, as lists sort by it (storage.predicates.recency): published, else first seen."""
        return self.published or self.first_seen

    def to_json(self) -> dict[str, Any]:
        """The record `feedwatch items --format jsonl` prints (its keys and their order are a contract)."""
        record = {k: getattr(self, k) for k in JSONL_FIELDS}
        record["starred"] = bool(record["starred"])
        record["hidden"] = bool(record["hidden"])
        return record


JSONL_FIELDS = ("id", "source", "url", "title", "published", "summary", "authors", "tags", "assets", "state",
                "starred", "hidden", "arxiv_id", "first_seen", "updated", "change_note", "ai_summary", "relevance",
                "links", "story", "story_size")
