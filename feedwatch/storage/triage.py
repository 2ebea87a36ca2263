"""What people do to items, and the views over them.

Read / starred / hidden belong to one person (`item_triage`, keyed by person and item); user tags
and notes are shared by the team. These are the only writes a user makes to items; ingestion and
enrichment never touch them (see ingest.py and enrichment.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, get_args

from .db import Database
from .params import in_lists
from .predicates import (
    AFFECTS_MIN_SCORE,
    FOLLOWERS,
    HIDDEN,
    LEAD,
    NEWEST_FIRST,
    affects,
    hidden,
    linked,
    oldest_first,
    recency,
    triaged,
    triaged_probe,
)
from .rows import ListedItem, merged_tags

NEEDS_EXPERIMENT = "needs-experiment"   # the user tag behind the "Needs experiment" view


# What a view can be: the sidebar's fixed views, one per tag/source/asset (with a value), and the
# sidebar's non-selectable lines ("header", "info"), which list no items.
ViewKind = Literal["inbox", "starred", "hidden", "affects", "needs-experiment", "all", "tag", "source", "asset",
                   "header", "info"]
VIEW_KINDS: frozenset[str] = frozenset(get_args(ViewKind))


@dataclass(frozen=True, slots=True)
class View:
    """A named subset of items: inbox, starred, hidden, affects, needs-experiment, tag:X, source:X, asset:X, all.

    Read, starred and hidden are one person's (see `item_triage`, migration 0005); a hidden item
    shows in the "hidden" view only."""
    kind: ViewKind
    value: str = ""

    def __post_init__(self) -> None:
        if self.kind not in VIEW_KINDS:   # a typo must not silently mean "everything"
            raise ValueError(f"unknown view kind {self.kind!r} (one of {', '.join(sorted(VIEW_KINDS))})")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind

    def where(self, person: str, dialect: str, probe: bool = False) -> tuple[str, dict[str, Any]]:
        """One row per story (its lead item: feedwatch/stories), except in a source's view, which lists
        every item that source delivered; a story is in an asset's view when any of its items is.

        `probe`: the query walks few rows (a list's first pages), so the inbox tests each one against the
        person's read items (one probe a row) rather than collecting those first (see `_not_mine`)."""
        k, v = self.kind, self.value
        params: dict[str, Any] = {"person": person}
        lead = [] if k == "source" else [LEAD]
        if k == "hidden":
            return " AND ".join([*lead, _mine(HIDDEN)]), params
        conditions = [*lead, f"NOT ({_mine(HIDDEN)})"]
        if k == "inbox":
            gone = "(t.read = 1 OR t.hidden = 1)"
            conditions = [*lead, _not_mine(gone) if probe else f"NOT ({_mine(gone)})"]
        elif k == "starred":
            conditions.append(_mine("t.starred = 1"))
        elif k == "affects":   # confirmed links, and suggestions stronger than a shared topic
            conditions.append(_story_linked(affects("l")))
            params["min_score"] = AFFECTS_MIN_SCORE
        elif k == "needs-experiment":
            conditions.append("items.user_tags LIKE :ne")
            params["ne"] = f'%"{NEEDS_EXPERIMENT}"%'
        elif k == "tag":   # as search's tag:x, so the view and the search agree (and PostgreSQL uses its index)
            from .search import tag_condition
            sql, tag_params = tag_condition(v, dialect)
            conditions.append(sql)
            params.update(tag_params)
        elif k == "source":
            conditions.append("EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = items.id AND s.source = :src)")
            params["src"] = v
        elif k == "asset":
            conditions.append(_story_linked(f"l.asset = :asset AND {linked('l')}"))
            params["asset"] = v
        elif k in ("header", "info"):
            raise ValueError(f"a sidebar {k} line lists no items")
        return " AND ".join(conditions), params


def _story_linked(condition: str) -> str:
    """The row's story has a link (on alias l) that satisfies `condition`. The matching items (those
    linked, and every item of their stories) are worked out once, as a set of ids: asset links are
    few, and a list walking its recency index then tests each row by its id alone."""
    return (f"items.id IN (SELECT l.item_id FROM asset_links l WHERE {condition} UNION "
            "SELECT x.id FROM items x WHERE x.story_id IN (SELECT m.story_id FROM asset_links l "
            f"JOIN items m ON m.id = l.item_id WHERE {condition}))")


def _not_mine(condition: str) -> str:
    """items.id is not among the person's triage rows that satisfy `condition`, tested row by row
    (one primary-key probe each). The inbox's read items are most of a database: at 100,000 items
    (70% read) collecting them first costs ~45 ms, so the first page costs 45 ms that way and 4 ms
    this way; but a deep page (offset 30,000: 150 vs 520 ms) or a count (90 vs 140 ms) walks so many
    rows that the set is cheaper. Hence `probe` only for pages near the top (PROBE_DEPTH)."""
    return f"NOT {triaged_probe(condition)}"


def _mine(condition: str) -> str:
    """items.id is among the person's triage rows that satisfy `condition` (on alias t)."""
    return f"items.id IN ({triaged(condition)})"


PROBE_DEPTH = 1500   # rows from the top: a page within it probes row by row (see _not_mine)
LIST_COLUMNS = ("items.id, items.source, items.title, items.published, items.first_seen, items.tags, "
                "items.enrich_tags, items.user_tags, items.relevance, items.story_id")


def page(db: Database, view: View, person: str, *, offset: int = 0, limit: int = 200,
         ids: list[int] | None = None) -> list[ListedItem]:
    """One page of list rows for a view (or for the given ids, in that order: a search's results)
    with their story, its linked assets and the person's state; the lighter `ListedItem` (no texts)."""
    where, params = view.where(person, db.dialect, probe=offset + limit <= PROBE_DEPTH)
    if ids is not None:
        if not ids:
            return []
        rows = {r["id"]: r for inside, params in in_lists(ids)
                for r in db.query(f"SELECT {LIST_COLUMNS} FROM items WHERE items.id IN ({inside})", params)}
        ordered = [rows[i] for i in ids if i in rows]
    else:
        params = {**params, "limit": limit, "offset": offset}
        ordered = db.query(f"SELECT {LIST_COLUMNS} FROM items WHERE {where}{NEWEST_FIRST} LIMIT :limit OFFSET :offset",
                           params)
    from .enrichment import links_for
    item_ids = [r["id"] for r in ordered]
    stories = _story_members(db, ordered)
    links = links_for(db, list(dict.fromkeys(item_ids + [m for ms in stories.values() for m in ms])))
    mine = states(db, person, item_ids)
    out = []
    for r in ordered:
        members = stories.get(r["story_id"] or -1, [r["id"]])
        if r["id"] not in members:
            members = [r["id"]]
        for k in ("tags", "enrich_tags", "user_tags"):
            r[k] = json.loads(r[k])
        state = mine.get(r["id"], UNTOUCHED)
        out.append(ListedItem(
            id=r["id"], source=r["source"], title=r["title"], published=r["published"], first_seen=r["first_seen"],
            tags=merged_tags(r), user_tags=r["user_tags"], relevance=r["relevance"],
            assets=list(dict.fromkeys(x["asset"] for m in members for x in links.get(m, []))),
            state=state["state"], starred=bool(state["starred"]), hidden=bool(state["hidden"]),
            story=r["story_id"] or r["id"],
            story_size=len(members), members=members))
    return out


def _story_members(db: Database, rows: list[dict[str, Any]]) -> dict[int, list[int]]:
    """story id -> its item ids, for the rows' stories that have more than one item."""
    sids = list({r["story_id"] for r in rows if r.get("story_id") is not None})
    out: dict[int, list[int]] = {}
    for inside, p in in_lists(sids, "s"):
        for r in db.query(f"SELECT id, story_id FROM items WHERE story_id IN ({inside}) ORDER BY id", p):
            out.setdefault(r["story_id"], []).append(r["id"])
    return {k: v for k, v in out.items() if len(v) > 1}


UNTOUCHED = {"state": "unread", "starred": 0, "hidden": 0}   # an item the person never triaged


def states(db: Database, person: str, item_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The person's state of each item that has one (others are UNTOUCHED)."""
    out: dict[int, dict[str, Any]] = {}
    for inside, p in in_lists(item_ids):
        for r in db.query("SELECT item_id, read, starred, hidden FROM item_triage WHERE person = :person AND "
                          f"item_id IN ({inside})", {"person": person, **p}):
            out[r["item_id"]] = _state_of(r)
    return out


def _state_of(row: dict[str, Any]) -> dict[str, Any]:
    """An item_triage row as the list and preview use it."""
    return {"state": "read" if row["read"] else "unread", "starred": row["starred"], "hidden": row["hidden"]}


def count(db: Database, view: View, person: str) -> int:
    where, params = view.where(person, db.dialect)
    n: int = db.query(f"SELECT COUNT(*) AS n FROM items WHERE {where}", params)[0]["n"]
    return n


def counts(db: Database, person: str) -> dict[str, int]:
    """Counts for the sidebar (unread per source; not hidden everywhere), in a few queries."""
    p = {"person": person}
    gone, hid = triaged(f"(t.read = 1 OR {HIDDEN})"), hidden()
    # stories are counted, by their lead item: all items less a story's other reports (few, indexed)
    total = (db.query("SELECT COUNT(*) AS n FROM items")[0]["n"]
             - db.query(f"SELECT COUNT(*) AS n FROM ({FOLLOWERS}) x")[0]["n"])
    out = {"inbox": total - db.query(f"SELECT COUNT(*) AS n FROM ({gone}) g WHERE g.item_id NOT IN ({FOLLOWERS})",
                                     p)[0]["n"],
           "starred": db.query(f"SELECT COUNT(*) AS n FROM ({triaged('t.starred = 1 AND t.hidden = 0')}) s "
                               f"WHERE s.item_id NOT IN ({FOLLOWERS})", p)[0]["n"],
           "hidden": db.query(f"SELECT COUNT(*) AS n FROM ({hid}) h WHERE h.item_id NOT IN ({FOLLOWERS})",
                              p)[0]["n"],
           "affects": count(db, View("affects"), person),
           "needs-experiment": count(db, View("needs-experiment"), person)}
    for r in db.query(f"SELECT s.source AS name, COUNT(*) AS n FROM item_sources s WHERE s.item_id NOT IN ({gone}) "
                      "GROUP BY s.source", p):
        out[f"source:{r['name']}"] = r["n"]
    for r in db.query("SELECT l.asset AS name, COUNT(DISTINCT COALESCE(i.story_id, i.id)) AS n FROM asset_links l "
                      f"JOIN items i ON i.id = l.item_id WHERE {linked('l')} "
                      f"AND l.item_id NOT IN ({hid}) GROUP BY l.asset", p):
        out[f"asset:{r['name']}"] = r["n"]
    return out


def any_item(db: Database) -> bool:
    return bool(db.query("SELECT 1 AS x FROM items LIMIT 1"))


def any_fetch_recorded(db: Database) -> bool:
    """Whether any source was ever fetched into this database (a first start has none)."""
    return bool(db.query("SELECT name FROM sources LIMIT 1"))


def item_detail(db: Database, item_id: int, person: str) -> dict[str, Any] | None:
    """Everything the preview shows: the item, its sources and links, the person's state, and who starred it."""
    rows = db.query("SELECT id, source, guid, url, arxiv_id, title, summary, ai_summary, content, authors, "
                    "categories, published, first_seen, changed_at, change_note, tags, enrich_tags, user_tags, "
                    "note, relevance, enrich_error FROM items WHERE id = :id", {"id": item_id})
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
    everyone = db.query("SELECT person, read, starred, hidden FROM item_triage WHERE item_id = :id ORDER BY person",
                        {"id": item_id})   # one query for this person's state and who starred it
    r.update(next((_state_of(t) for t in everyone if t["person"] == person), UNTOUCHED))
    r["starred_by"] = [t["person"] for t in everyone if t["starred"]]
    r["story"] = db.query(f"SELECT o.id, o.source, o.title, o.url, {recency('o')} AS date "
                          "FROM items i JOIN items o ON o.story_id = i.story_id AND o.id <> i.id WHERE i.id = :id "
                          f"ORDER BY {oldest_first('o')} LIMIT 50", {"id": item_id})
    if r["story"]:      # a story's asset links show once: the item's own, then its other reports' for other assets
        others = links_for(db, [o["id"] for o in r["story"]])
        have = {x["asset"] for x in r["links"]}
        for o in r["story"]:
            for x in others.get(o["id"], []):
                if x["asset"] not in have:
                    have.add(x["asset"])
                    r["links"].append(x)
    return r


def set_state(db: Database, person: str, item_ids: list[int], state: str) -> None:
    if state not in ("unread", "read"):
        raise ValueError(f"unknown state {state!r}")
    _set(db, person, item_ids, "read", state == "read")


def set_starred(db: Database, person: str, item_ids: list[int], starred: bool) -> None:
    _set(db, person, item_ids, "starred", starred)


def set_hidden(db: Database, person: str, item_ids: list[int], hidden: bool) -> None:
    """Hide items from every view but "hidden" (and search, but for is:hidden); for this person only."""
    _set(db, person, item_ids, "hidden", hidden)


_FLAGS = ("read", "starred", "hidden")


def _set(db: Database, person: str, item_ids: list[int], flag: str, on: bool) -> None:
    """Set one flag of the person's triage rows (an upsert: most items have no row yet)."""
    if flag not in _FLAGS:
        raise ValueError(f"unknown triage flag {flag!r}")
    if not item_ids:
        return
    from ..dates import utc_now_iso
    now, value = utc_now_iso(), 1 if on else 0
    with db.transaction() as c:
        c.executemany(
            f"INSERT INTO item_triage (person, item_id, {flag}, updated_at) "
            f"SELECT :person, id, :value, :now FROM items WHERE id = :id "
            f"ON CONFLICT (person, item_id) DO UPDATE SET {flag} = excluded.{flag}, updated_at = excluded.updated_at",
            [{"person": person, "id": i, "value": value, "now": now} for i in dict.fromkeys(item_ids)])


def set_user_tags(db: Database, item_id: int, tags: list[str], before: list[str] | None = None) -> list[str]:
    """The item's user tags become `tags`; returns them as stored.

    With `before` (what the editor showed), only the user's own edits are applied: tags someone else
    added or removed meanwhile stay as they made them, instead of being overwritten by a stale list."""
    clean = {t.strip().lower() for t in tags if t.strip()}
    with db.transaction() as c:
        rows = c.execute("SELECT user_tags FROM items WHERE id = :id" + _locked(db), {"id": item_id})
        if not rows:
            return []
        if before is None:
            result = clean
        else:
            shown = {t.strip().lower() for t in before if t.strip()}
            result = (set(json.loads(rows[0]["user_tags"])) | (clean - shown)) - (shown - clean)
        c.execute("UPDATE items SET user_tags = :tags WHERE id = :id",
                  {"tags": json.dumps(sorted(result)), "id": item_id})
    return sorted(result)


def toggle_user_tag(db: Database, item_id: int, tag: str) -> bool:
    """Add or remove one user tag; returns whether it is now present."""
    with db.transaction() as c:
        rows = c.execute("SELECT user_tags FROM items WHERE id = :id" + _locked(db), {"id": item_id})
        if not rows:
            return False
        current = set(json.loads(rows[0]["user_tags"]))
        present = tag not in current
        current.symmetric_difference_update({tag})
        c.execute("UPDATE items SET user_tags = :tags WHERE id = :id",
                  {"tags": json.dumps(sorted(current)), "id": item_id})
    return present


def _locked(db: Database) -> str:
    """Read-modify-write of a shared row: PostgreSQL locks it (SQLite's write transaction already has)."""
    return " FOR UPDATE" if db.dialect == "postgresql" else ""
