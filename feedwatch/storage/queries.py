"""Read queries for the CLI and the digest: items (as `ListedItem`s) and source health.

Everything that asks the database a question lives in `feedwatch.storage`; item lists come back
as the one row type every list reads (`rows.ListedItem`), with JSON columns decoded.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .db import Database
from .predicates import AFFECTS_MIN_SCORE, NEWEST_FIRST, affects, recency
from .rows import ListedItem, QueryError, merged_tags, parse_since

__all__ = ["ListedItem", "QueryError", "SourceHealth", "list_items", "merged_tags", "parse_since", "period_items",
           "source_health"]

_JSON_LISTS = ("authors", "categories", "tags", "user_tags", "enrich_tags")


def list_items(db: Database, *, person: str = "", source: str | None = None, since: str | None = None,
               limit: int | None = None, query: str | None = None) -> list[ListedItem]:
    """Items newest first (by published date, else first-seen), whole, with their merged tags, asset
    links and the person's triage state (`state`, `starred`, `hidden`).

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
           "relevance, enrich_state, enrich_error, note, story_lead, COALESCE(story_id, id) AS story, "
           "CASE WHEN story_id IS NULL THEN 1 ELSE (SELECT COUNT(*) FROM items m WHERE m.story_id = items.story_id) "
           "END AS story_size FROM items")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += NEWEST_FIRST
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = int(limit)
    rows = db.query(sql, params)
    from .enrichment import links_for
    from .triage import UNTOUCHED, states
    links = links_for(db, [r["id"] for r in rows]) if rows else {}
    mine = states(db, person, [r["id"] for r in rows])
    out = []
    for r in rows:
        for key in _JSON_LISTS:
            r[key] = json.loads(r[key])
        state = mine.get(r["id"], UNTOUCHED)
        item_links = links.get(r["id"], [])
        out.append(ListedItem(
            id=r["id"], source=r["source"], title=r["title"], published=r["published"], first_seen=r["first_seen"],
            tags=merged_tags(r), user_tags=r["user_tags"], relevance=r["relevance"],
            assets=[link["asset"] for link in item_links], state=state["state"], starred=bool(state["starred"]),
            hidden=bool(state["hidden"]), story=r["story"], story_size=r["story_size"], members=[r["id"]],
            lead=bool(r["story_lead"]), guid=r["guid"], url=r["url"], arxiv_id=r["arxiv_id"],
            arxiv_version=r["arxiv_version"], summary=r["summary"], ai_summary=r["ai_summary"], authors=r["authors"],
            categories=r["categories"], extra=json.loads(r["extra"]), updated=r["updated"],
            changed_at=r["changed_at"], change_note=r["change_note"], enrich_tags=r["enrich_tags"],
            enrich_state=r["enrich_state"], enrich_error=r["enrich_error"], note=r["note"], links=item_links))
    return out


_PERIOD_ITEMS = ("SELECT id, source, url, title, substr(ai_summary, 1, 1000) AS ai_summary, "
                 "substr(summary, 1, 1000) AS summary, published, first_seen, tags, enrich_tags, user_tags, "
                 "CASE WHEN EXISTS (SELECT 1 FROM item_triage t WHERE t.item_id = items.id AND t.starred = 1) "
                 "THEN 1 ELSE 0 END AS starred, "   # the digest is the team's: starred by anyone
                 f"relevance, COALESCE(story_id, id) AS story, story_lead FROM items WHERE {recency()} >= :since "
                 f"AND {recency()} < :until")
_PERIOD_LINKS = ("SELECT l.item_id, l.asset, l.reason, l.score, l.origin, l.status, l.updated_by FROM asset_links l "
                 f"JOIN items i ON i.id = l.item_id WHERE {recency('i')} >= :since AND {recency('i')} < :until "
                 f"AND {affects('l')}")


def period_items(db: Database, since: str, until: str) -> tuple[list[ListedItem], list[dict[str, Any]]]:
    """The digest's reading of [since, until), from one snapshot: the items dated in it (texts cut
    to 1,000 characters; `starred`: by anyone on the team) and their links that affect our stack
    (`predicates.affects`)."""
    params = {"since": since, "until": until}
    with db.transaction(write=False) as c:
        rows = c.execute(_PERIOD_ITEMS, params)
        links = c.execute(_PERIOD_LINKS, {**params, "min_score": AFFECTS_MIN_SCORE})
    decode = _list_decoder()
    out = []
    for r in rows:
        r.update(tags=decode(r["tags"]), enrich_tags=decode(r["enrich_tags"]), user_tags=decode(r["user_tags"]))
        out.append(ListedItem(
            id=r["id"], source=r["source"], title=r["title"], published=r["published"], first_seen=r["first_seen"],
            tags=merged_tags(r), user_tags=r["user_tags"], relevance=r["relevance"], starred=bool(r["starred"]),
            story=r["story"], lead=bool(r["story_lead"]), url=r["url"], summary=r["summary"],
            ai_summary=r["ai_summary"], enrich_tags=r["enrich_tags"]))
    return out, links


def _list_decoder() -> Callable[[str | None], list[str]]:
    """json.loads for tag lists, each distinct one decoded once (a week repeats a few lists thousands of times)."""
    seen: dict[str, list[str]] = {}

    def decode(raw: str | None) -> list[str]:
        raw = raw or "[]"
        found = seen.get(raw)
        if found is None:
            found = seen[raw] = [t for t in json.loads(raw) if isinstance(t, str)]
        return found
    return decode


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
