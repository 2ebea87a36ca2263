"""Stored stories: which items report the same thing (see feedwatch/stories for how they are found).

An item's `story_id` is its story (NULL: a story of its own; `story_queue` holds the items not
grouped yet), `story_lead` marks the item lists show for it, `story_pinned` an item a person moved
by hand (grouping never moves it again); `story_keys` maps strong evidence to its story. Everything
a grouping pass decided is written in one transaction, so a reader sees a story before or after,
never half of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .db import Conn, Database
from .params import in_lists
from .predicates import oldest_first, recency


def any_pending(db: Database) -> bool:
    """Whether some item waits for grouping (one probe: a fetch that stored nothing new pays no more)."""
    return bool(db.query("SELECT 1 AS x FROM story_queue LIMIT 1"))


@dataclass(slots=True)         # not frozen: a frozen dataclass's __init__ is ~4x slower (100,000 of them)
class Queued:
    """An item waiting for grouping, as the fetch queued it (see migration 0011)."""
    id: int
    published: str
    sig: str | None
    evidence: str | None            # its keys, one per line; None: work them out from the item


def queued(db: Database) -> list[Queued]:
    """Every item waiting for grouping, in no order (narrow rows: 100,000 of them are ~10 MB)."""
    return [Queued(r["item_id"], r["published"], r["sig"], r["evidence"]) for r in db.query(
        "SELECT item_id, published, sig, evidence FROM story_queue")]


def grouped_signatures(db: Database) -> set[str]:
    """The title signatures of queued items that an item already grouped has too."""
    # A first fetch has grouped nothing yet: one scan of the items says so (elsewhere the first item is
    # a grouped one) and saves a look-up per queued signature.
    if not db.query("SELECT 1 AS x FROM items i WHERE NOT EXISTS "
                    "(SELECT 1 FROM story_queue q WHERE q.item_id = i.id) LIMIT 1"):
        return set()
    # each distinct signature once: a hostile feed queues 10,000 items of one title, and a join of the
    # queue with the items would pair them all with each other (10^8 rows)
    return {r["sig"] for r in db.query(
        "SELECT q.sig AS sig FROM (SELECT DISTINCT sig FROM story_queue WHERE sig IS NOT NULL) q "
        "WHERE EXISTS (SELECT 1 FROM items i WHERE i.story_sig = q.sig "
        "AND NOT EXISTS (SELECT 1 FROM story_queue o WHERE o.item_id = i.id))")}


def pending(db: Database, ids: list[int]) -> list[dict[str, Any]]:
    """What grouping reads of these queued items: the title and link, and the text (and record)
    only of an item whose evidence was not worked out when it was stored and whose text links a paper."""
    out: list[dict[str, Any]] = []
    for inside, params in in_lists(ids, "i"):
        out += db.query(
            "SELECT i.id, i.source, i.title, i.url, i.arxiv_id, q.published, i.tags, q.sig AS story_sig, "
            "q.evidence, CASE WHEN q.evidence IS NULL AND i.story_links = 1 THEN substr(i.summary, 1, 3000) || ' ' "
            "|| substr(i.content, 1, 6000) ELSE '' END AS text, "
            "CASE WHEN q.evidence IS NULL AND i.extra LIKE '%deprecation%' THEN i.extra ELSE '{}' END AS extra "
            f"FROM story_queue q JOIN items i ON i.id = q.item_id WHERE q.item_id IN ({inside})", params)
    for r in out:
        r["tags"] = json.loads(r["tags"])
        try:
            r["extra"] = json.loads(r["extra"])
        except ValueError:
            r["extra"] = {}
    return out


def stories_of_signatures(db: Database, sigs: list[str]) -> set[int]:
    """The stories of grouped items whose title has one of these signatures (title-match candidates)."""
    out: set[int] = set()
    for inside, params in in_lists(sigs, "g"):
        out |= {r["story"] for r in db.query(
            f"SELECT DISTINCT COALESCE(i.story_id, i.id) AS story FROM items i WHERE i.story_sig IN ({inside}) "
            "AND NOT EXISTS (SELECT 1 FROM story_queue q WHERE q.item_id = i.id)", params)}
    return out


def stories_of_keys(db: Database, keys: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for inside, params in in_lists(keys, "k"):
        for r in db.query(f"SELECT key, story_id FROM story_keys WHERE key IN ({inside})", params):
            out[r["key"]] = r["story_id"]
    return out


def keys_of_stories(db: Database, story_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for inside, params in in_lists(story_ids, "s"):
        for r in db.query(f"SELECT key, story_id FROM story_keys WHERE story_id IN ({inside}) ORDER BY key", params):
            out.setdefault(r["story_id"], []).append(r["key"])
    return out


def members(db: Database, story_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """story id -> its items (id, source, title, url, published, tags, arxiv_id, pinned), oldest first."""
    ids = list(dict.fromkeys(story_ids))
    out: dict[int, list[dict[str, Any]]] = {}
    for inside, params in in_lists(ids, "s"):
        for r in db.query(f"SELECT id, COALESCE(story_id, id) AS story, source, title, url, {recency()} AS published, "
                          "tags, arxiv_id, story_pinned, story_sig "
                          f"FROM items WHERE story_id IN ({inside}) OR (story_id IS NULL AND id IN ({inside})) "
                          f"ORDER BY {oldest_first()}", params):
            r["tags"] = json.loads(r["tags"])
            out.setdefault(r.pop("story"), []).append(r)
    return out


def save(db: Database, assigned: dict[int, int], keys: dict[str, int], leads: dict[int, int],
         done: list[int]) -> None:
    """Write a grouping pass: item -> story (only for items in a story with others: a lone item's
    story_id stays NULL), evidence key -> story, the lead item of each story with more than one, and
    the queued items `done` leave the queue."""
    from .ingest import lock_for_ingest  # here: the app's start (which reads stories) never needs ingest
    with db.transaction() as c:
        lock_for_ingest(c, db.dialect)          # no fetch queues an item while this one empties the queue
        c.executemany("UPDATE items SET story_id = :s WHERE id = :i AND story_pinned = 0",
                      [{"i": i, "s": s} for i, s in assigned.items()])
        if c.execute("SELECT COUNT(*) AS n FROM story_queue")[0]["n"] == len(done):
            c.execute("DELETE FROM story_queue")          # all of it (the common case): no per-row deletes
        else:
            c.executemany("DELETE FROM story_queue WHERE item_id = :i", [{"i": i} for i in done])
        c.executemany("INSERT INTO story_keys (key, story_id) VALUES (:k, :s) "
                      "ON CONFLICT (key) DO UPDATE SET story_id = excluded.story_id",
                      [{"k": k, "s": s} for k, s in keys.items() if not k.startswith("url:")])
        # (a URL is not kept: ingestion already makes one item of one canonical URL, whatever its sources)
        _set_leads(c, leads)


def _set_leads(c: Conn, leads: dict[int, int]) -> None:
    c.executemany("UPDATE items SET story_lead = CASE WHEN id = :lead THEN 1 ELSE 0 END WHERE story_id = :s",
                  [{"s": s, "lead": lead} for s, lead in leads.items()])


def story_of(db: Database, item_id: int) -> tuple[int, list[int]]:
    """(the item's story id, its items' ids); a lone or not yet grouped item is its own story."""
    rows = db.query("SELECT story_id FROM items WHERE id = :id", {"id": item_id})
    if not rows or rows[0]["story_id"] is None:
        return item_id, [item_id]
    sid = rows[0]["story_id"]
    return sid, [r["id"] for r in db.query("SELECT id FROM items WHERE story_id = :s ORDER BY id", {"s": sid})]


def split(db: Database, item_id: int) -> None:
    """Take an item out of its story by hand: it becomes a story of its own, and stays one."""
    with db.transaction() as c:
        rows = c.execute("SELECT story_id FROM items WHERE id = :id", {"id": item_id})
        if not rows:
            return
        old = rows[0]["story_id"]
        c.execute("UPDATE items SET story_id = :id, story_lead = 1, story_pinned = 1 WHERE id = :id", {"id": item_id})
        if old == item_id:        # the story had this item's id: the others go on under another
            rest = c.execute("SELECT MIN(id) AS id FROM items WHERE story_id = :s AND id <> :s", {"s": old})
            if rest[0]["id"] is None:
                return
            old = rest[0]["id"]
            c.execute("UPDATE items SET story_id = :new WHERE story_id = :item AND id <> :item",
                      {"new": old, "item": item_id})
            c.execute("UPDATE story_keys SET story_id = :new WHERE story_id = :item", {"new": old, "item": item_id})
        if old is not None:
            _relead(c, old)


def _relead(c: Conn, story_id: int) -> None:
    """A story left without a lead item gets its earliest one."""
    if c.execute("SELECT 1 AS x FROM items WHERE story_id = :s AND story_lead = 1", {"s": story_id}):
        return
    first = c.execute(f"SELECT id FROM items WHERE story_id = :s ORDER BY {oldest_first()} LIMIT 1", {"s": story_id})
    if first:
        _set_leads(c, {story_id: first[0]["id"]})


def merge(db: Database, item_id: int, into_item: int) -> None:
    """Put an item (and its story) into another item's story by hand; it stays there."""
    with db.transaction() as c:
        rows = {r["id"]: r for r in c.execute("SELECT id, story_id FROM items WHERE id IN (:a, :b)",
                                              {"a": item_id, "b": into_item})}
        if len(rows) < 2:
            return
        target = rows[into_item]["story_id"] or into_item
        source = rows[item_id]["story_id"] or item_id
        if target == source:
            return
        c.execute("UPDATE items SET story_id = :t, story_lead = 0 WHERE story_id = :s OR id = :i",
                  {"t": target, "s": source, "i": item_id})
        c.execute("UPDATE items SET story_id = :t WHERE id = :t AND story_id IS NULL", {"t": target})   # was alone
        c.execute("UPDATE items SET story_pinned = 1 WHERE id = :i", {"i": item_id})
        c.execute("UPDATE story_keys SET story_id = :t WHERE story_id = :s", {"t": target, "s": source})
        _relead(c, target)


def leads_of(db: Database, item_ids: list[int]) -> list[int]:
    """The lead items of these items' stories, in the order the items came, each story once (a
    search lists stories, not every report of one)."""
    lead: dict[int, int] = {}
    for inside, params in in_lists(item_ids, "i"):
        for r in db.query("SELECT i.id, COALESCE(l.id, i.id) AS lead FROM items i LEFT JOIN items l "
                          f"ON l.story_id = i.story_id AND l.story_lead = 1 WHERE i.id IN ({inside})", params):
            lead[r["id"]] = r["lead"]
    return list(dict.fromkeys(lead.get(i, i) for i in item_ids))
