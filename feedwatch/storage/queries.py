"""Read queries for the CLI (and later the TUI): items and source health.

Everything that asks the database a question lives in `feedwatch.storage`; callers get plain
dicts with JSON columns decoded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .db import Database
from .predicates import NEWEST_FIRST, recency
from .rows import QueryError, merged_tags, parse_since

__all__ = ["QueryError", "SourceHealth", "list_items", "merged_tags", "parse_since",
           "source_health"]

def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("authors", "categories", "tags", "user_tags", "enrich_tags"):
        if key in row and isinstance(row[key], str):
            row[key] = json.loads(row[key])
    if "extra" in row and isinstance(row["extra"], str):
        row["extra"] = json.loads(row["extra"])
    return row


def list_items(db: Database, *, person: str = "", source: str | None = None, since: str | None = None,
               limit: int | None = None, query: str | None = None) -> list[dict[str, Any]]:
    """Items newest first (by published date, else first-seen), with their merged tags and the
    person's triage state (`state`, `starred`, `hidden`).

    `query` is search-box text (see `feedwatch.storage.search`); a bad `since:` in it raises QueryError.
    """
    from .search import sync_index, where_sql
    where, params = where_sql(query or "", db.dialect, person)   # the person's hidden items only with is:hidden
    if query:
        sync_index(db)
    if source:
        where.append("EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = items.id AND s.source = :source)")
        params["source"] = source
    if since:
        where.append(f"{recency()} >= :since")
        params["since"] = since
    sql = ("SELECT id, source, guid, url, arxiv_id, arxiv_version, title, summary, authors, categories, extra, "
           "published, updated, first_seen, changed_at, change_note, tags, user_tags, enrich_tags, ai_summary, "
           "relevance, enrich_state, enrich_error, note, COALESCE(story_id, id) AS story, "
           "CASE WHEN story_id IS NULL THEN 1 ELSE (SELECT COUNT(*) FROM items m WHERE m.story_id = items.story_id) "
           "END AS story_size FROM items")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += NEWEST_FIRST
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = int(limit)
    rows = [_decode(r) for r in db.query(sql, params)]
    from .enrichment import links_for
    from .triage import UNTOUCHED, states
    links = links_for(db, [r["id"] for r in rows]) if rows else {}
    mine = states(db, person, [r["id"] for r in rows])
    for r in rows:
        r.update(mine.get(r["id"], UNTOUCHED))
        r["tags"] = merged_tags(r)
        r["links"] = links.get(r["id"], [])
        r["assets"] = [link["asset"] for link in r["links"]]
    return rows


@dataclass(slots=True)
class SourceHealth:
    name: str
    kind: str
    title: str
    last_attempt: str | None
    last_success: str | None
    last_status: int | None
    last_error: str | None
    consecutive_errors: int
    next_due: str | None
    items: int


def source_health(db: Database) -> dict[str, SourceHealth]:
    rows = db.query(
        "SELECT s.name, s.kind, s.title, s.last_attempt, s.last_success, s.last_status, s.last_error, "
        "s.consecutive_errors, s.next_due, (SELECT COUNT(*) FROM item_sources i WHERE i.source = s.name) "
        "AS items FROM sources s")
    return {r["name"]: SourceHealth(**r) for r in rows}
