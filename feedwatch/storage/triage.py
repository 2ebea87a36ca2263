"""What a user does to items: read/unread, star, their own tags, notes; and the views over them.

These are the only writes a user makes to items; ingestion and enrichment never touch these
columns (see ingest.py and enrichment.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .db import Database
from .queries import merged_tags

NEEDS_EXPERIMENT = "needs-experiment"   # the user tag behind the "Needs experiment" view
AFFECTS_MIN_SCORE = 0.5                 # topic-only links (0.4) show under their asset, not in "Affects our stack"


@dataclass(frozen=True, slots=True)
class View:
    """A named subset of items: inbox, starred, affects, needs-experiment, tag:X, source:X, asset:X, all."""
    kind: str
    value: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind

    def where(self) -> tuple[str, dict]:
        k, v = self.kind, self.value
        if k == "inbox":
            return "items.state = 'unread'", {}
        if k == "starred":
            return "items.starred = 1", {}
        if k == "affects":   # confirmed links, and suggestions stronger than a shared topic
            return ("EXISTS (SELECT 1 FROM asset_links l WHERE l.item_id = items.id AND (l.status = 'confirmed' "
                    "OR (l.status = 'suggested' AND l.score >= :min_score)))", {"min_score": AFFECTS_MIN_SCORE})
        if k == "needs-experiment":
            return "items.user_tags LIKE :ne", {"ne": f'%"{NEEDS_EXPERIMENT}"%'}
        if k == "tag":
            pattern = f'%"{v}"%'
            return ("(items.tags LIKE :tag OR items.enrich_tags LIKE :tag OR items.user_tags LIKE :tag)",
                    {"tag": pattern})
        if k == "source":
            return ("EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = items.id AND s.source = :src)",
                    {"src": v})
        if k == "asset":
            return ("EXISTS (SELECT 1 FROM asset_links l WHERE l.item_id = items.id AND l.asset = :asset "
                    "AND l.status <> 'dismissed')", {"asset": v})
        return "1 = 1", {}


ORDER = " ORDER BY COALESCE(items.published, items.first_seen) DESC, items.id DESC"
LIST_COLUMNS = ("items.id, items.source, items.title, items.state, items.starred, items.published, "
                "items.first_seen, items.tags, items.enrich_tags, items.user_tags, items.relevance")


def page(db: Database, view: View, *, offset: int = 0, limit: int = 200, ids: list[int] | None = None) -> list[dict]:
    """One page of list rows for a view (or for the given ids, in that order) with their linked assets."""
    where, params = view.where()
    if ids is not None:
        if not ids:
            return []
        params = {f"i{n}": v for n, v in enumerate(ids)}
        sql = f"SELECT {LIST_COLUMNS} FROM items WHERE items.id IN ({', '.join(':' + k for k in params)})"
        rows = {r["id"]: r for r in db.query(sql, params)}
        ordered = [rows[i] for i in ids if i in rows]
    else:
        params = {**params, "limit": limit, "offset": offset}
        ordered = db.query(f"SELECT {LIST_COLUMNS} FROM items WHERE {where}{ORDER} LIMIT :limit OFFSET :offset",
                           params)
    from .enrichment import links_for
    links = links_for(db, [r["id"] for r in ordered])
    for r in ordered:
        for k in ("tags", "enrich_tags", "user_tags"):
            r[k] = json.loads(r[k])
        r["tags"] = merged_tags(r)
        r.pop("enrich_tags")
        r["assets"] = [x["asset"] for x in links.get(r["id"], [])]
    return ordered


def count(db: Database, view: View) -> int:
    where, params = view.where()
    return db.query(f"SELECT COUNT(*) AS n FROM items WHERE {where}", params)[0]["n"]


def counts(db: Database) -> dict[str, int]:
    """Unread counts for the sidebar: per fixed view, tag, source and asset, in a few queries."""
    out = {"inbox": count(db, View("inbox")), "starred": count(db, View("starred")),
           "affects": count(db, View("affects")), "needs-experiment": count(db, View("needs-experiment"))}
    for r in db.query("SELECT s.source AS name, COUNT(*) AS n FROM item_sources s JOIN items i ON i.id = s.item_id "
                      "WHERE i.state = 'unread' GROUP BY s.source"):
        out[f"source:{r['name']}"] = r["n"]
    for r in db.query("SELECT l.asset AS name, COUNT(*) AS n FROM asset_links l WHERE l.status <> 'dismissed' "
                      "GROUP BY l.asset"):
        out[f"asset:{r['name']}"] = r["n"]
    return out


def any_fetch_recorded(db: Database) -> bool:
    """Whether any source was ever fetched into this database (a first start has none)."""
    return bool(db.query("SELECT name FROM sources LIMIT 1"))


def item_detail(db: Database, item_id: int) -> dict | None:
    rows = db.query("SELECT id, source, guid, url, arxiv_id, title, summary, ai_summary, content, authors, "
                    "categories, published, first_seen, changed_at, change_note, tags, enrich_tags, user_tags, "
                    "state, starred, note, relevance, enrich_error FROM items WHERE id = :id", {"id": item_id})
    if not rows:
        return None
    r = rows[0]
    for k in ("authors", "categories", "tags", "enrich_tags", "user_tags"):
        r[k] = json.loads(r[k])
    r["all_tags"] = merged_tags(r)
    r["sources"] = [x["source"] for x in db.query(
        "SELECT source FROM item_sources WHERE item_id = :id ORDER BY source", {"id": item_id})]
    from .enrichment import links_for
    r["links"] = links_for(db, [item_id], include_dismissed=True).get(item_id, [])
    return r


def set_state(db: Database, item_ids: list[int], state: str) -> None:
    if state not in ("unread", "read"):
        raise ValueError(f"unknown state {state!r}")
    _update_many(db, item_ids, "state = :state", {"state": state})


def set_starred(db: Database, item_ids: list[int], starred: bool) -> None:
    _update_many(db, item_ids, "starred = :starred", {"starred": 1 if starred else 0})


def set_user_tags(db: Database, item_id: int, tags: list[str]) -> None:
    clean = sorted({t.strip().lower() for t in tags if t.strip()})
    with db.transaction() as c:
        c.execute("UPDATE items SET user_tags = :tags WHERE id = :id", {"tags": json.dumps(clean), "id": item_id})


def toggle_user_tag(db: Database, item_id: int, tag: str) -> bool:
    """Add or remove one user tag; returns whether it is now present."""
    with db.transaction() as c:
        rows = c.execute("SELECT user_tags FROM items WHERE id = :id", {"id": item_id})
        if not rows:
            return False
        current = set(json.loads(rows[0]["user_tags"]))
        present = tag not in current
        current.symmetric_difference_update({tag})
        c.execute("UPDATE items SET user_tags = :tags WHERE id = :id",
                  {"tags": json.dumps(sorted(current)), "id": item_id})
    return present


def _update_many(db: Database, item_ids: list[int], assignment: str, params: dict) -> None:
    if not item_ids:
        return
    with db.transaction() as c:
        for i in range(0, len(item_ids), 500):
            chunk = item_ids[i:i + 500]
            p = {f"i{n}": v for n, v in enumerate(chunk)}
            c.execute(f"UPDATE items SET {assignment} WHERE id IN ({', '.join(':' + k for k in p)})", {**params, **p})
