"""Enrichment storage: which items need work, the enrichment log (which is also the LLM cache),
asset links that respect a user's decision, and the daily LLM spend.

An item needs enrichment when it was never enriched or its content changed since; with --redo,
also when it was enriched by another enricher, model or prompt version. `enriched_key` records
"enricher:model:prompt_version:content_hash" of the enrichment in force.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..enrichment import EnrichFailure, Enrichment, ItemText
from .db import Conn, Database
from .params import in_lists
from .predicates import NEWEST_FIRST, linked

if TYPE_CHECKING:
    from ..enrichment import LinkSuggestion

RETRY_BASE = 5 * 60
RETRY_MAX = 24 * 3600


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def pending_items(db: Database, *, key_prefix: str, source: str | None = None, limit: int | None = None,
                  redo: bool = False, now: str | None = None, ignore_backoff: bool = False) -> list[ItemText]:
    """Items to enrich with the enricher identified by key_prefix ("enricher:model:prompt_version:").

    `ignore_backoff` (`enrich --now`): items waiting for an LLM retry are taken at once."""
    now = now or _iso(_now())
    where = []
    params: dict[str, Any] = {"prefix": key_prefix, "now": now}
    if redo:   # anything not enriched by exactly this enricher, model and prompt version
        where.append("(enriched_key IS NULL OR enriched_key <> (:prefix || content_hash))")
    else:      # never enriched, or its content changed since (by whichever enricher)
        where.append("(enriched_key IS NULL OR enriched_key NOT LIKE ('%:' || content_hash))")
    if not ignore_backoff:
        where.append("(enrich_after IS NULL OR enrich_after <= :now)")
    if source:
        where.append("EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = items.id AND s.source = :source)")
        params["source"] = source
    sql = ("SELECT id, source, title, summary, content, authors, categories, extra, content_hash FROM items"
           + (" WHERE " + " AND ".join(where) if where else "")
           + NEWEST_FIRST)
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = int(limit)
    out = []
    loads = json.loads
    for r in db.query(sql, params):
        authors, categories, extra = r["authors"], r["categories"], r["extra"]
        # most items store the empty defaults: skip the JSON decoder for those
        out.append(ItemText(id=r["id"], source=r["source"], title=r["title"], summary=r["summary"],
                            content=r["content"], authors=[] if authors == "[]" else loads(authors),
                            categories=[] if categories == "[]" else loads(categories),
                            extra={} if extra == "{}" else loads(extra),
                            content_hash=r["content_hash"]))
    return out


def cached(db: Database, cache_keys: list[str]) -> dict[str, dict[str, Any]]:
    """The newest enrichment stored under each cache key (the LLM cache)."""
    found: dict[str, dict[str, Any]] = {}
    for inside, params in in_lists(cache_keys, "k"):
        rows = db.query(f"SELECT cache_key, summary, tags, links, relevance, dropped FROM enrichments "
                        f"WHERE cache_key IN ({inside}) ORDER BY id", params)
        for r in rows:
            found[r["cache_key"]] = r
    return found


def save_results(db: Database, results: list[Enrichment], failures: list[EnrichFailure], *,
                 hashes: dict[int, str], cache_keys: dict[int, str], key_prefix: str,
                 stopgaps: Sequence[Enrichment] = ()) -> None:
    """Store a batch in one transaction: item fields, the log row, and the links.

    `stopgaps`: the offline enrichment of items the LLM failed on. It lands at once (summary, tags,
    rule-based links) but leaves `enriched_key` alone, so the item stays pending and the LLM answer
    replaces it when it comes; a user's link decisions are kept either way. An item whose current
    content is enriched already (a failed `--redo`) keeps that enrichment instead.

    One executemany per statement kind (not one execute per link), and each JSON value encoded once.
    """
    now = _now()
    stamp = _iso(now)
    with db.transaction() as c:
        existing = _links_of(c, [e.item_id for e in results])
        updates, log = [], []
        links_plan = _LinkPlan(stamp)
        for e in results:
            h = hashes[e.item_id]
            tags = e.tags
            stored_tags = sorted(set(tags))
            stored_json = json.dumps(stored_tags)
            updates.append({"summary": e.summary, "tags": stored_json, "relevance": e.relevance,
                            "key": key_prefix + h, "id": e.item_id})
            if not e.cached:
                log.append({"item_id": e.item_id, "cache_key": cache_keys[e.item_id], "enricher": e.enricher,
                            "model": e.model, "pv": e.prompt_version, "hash": h, "summary": e.summary,
                            "tags": stored_json if tags == stored_tags else json.dumps(tags),
                            "links": json.dumps([_link_dict(x) for x in e.links]) if e.links else "[]",
                            "relevance": e.relevance, "pt": e.prompt_tokens, "ct": e.completion_tokens,
                            "cost": e.cost_usd, "latency": e.latency_ms,
                            "dropped": json.dumps(e.dropped) if e.dropped else "{}", "now": stamp})
            links_plan.add(e.item_id, e.links, existing.get(e.item_id, {}))
        c.executemany(
            "UPDATE items SET ai_summary = :summary, enrich_tags = :tags, relevance = :relevance, "
            "enrich_state = 'done', enrich_error = NULL, enrich_attempts = 0, enrich_after = NULL, "
            "enriched_key = :key WHERE id = :id", updates)
        c.executemany(
            "INSERT INTO enrichments (item_id, cache_key, enricher, model, prompt_version, content_hash, "
            "summary, tags, links, relevance, prompt_tokens, completion_tokens, cost_usd, latency_ms, "
            "dropped, created_at) VALUES (:item_id, :cache_key, :enricher, :model, :pv, :hash, :summary, "
            ":tags, :links, :relevance, :pt, :ct, :cost, :latency, :dropped, :now)", log)
        stopgaps = _bare(c, stopgaps)
        stopgap_links = _links_of(c, [e.item_id for e in stopgaps]) if stopgaps else {}
        for e in stopgaps:
            links_plan.add(e.item_id, e.links, stopgap_links.get(e.item_id, {}))
        c.executemany("UPDATE items SET ai_summary = :summary, enrich_tags = :tags, relevance = :relevance "
                      "WHERE id = :id", [{"summary": e.summary, "tags": json.dumps(sorted(set(e.tags))),
                                          "relevance": e.relevance, "id": e.item_id} for e in stopgaps])
        links_plan.run(c)
        for f in failures:
            rows = c.execute("SELECT enrich_attempts FROM items WHERE id = :id", {"id": f.item_id})
            attempts = (rows[0]["enrich_attempts"] if rows else 0) + 1
            wait = min(RETRY_BASE * 2 ** (attempts - 1), RETRY_MAX)
            c.execute("UPDATE items SET enrich_state = 'pending', enrich_error = :error, enrich_attempts = :n, "
                      "enrich_after = :after WHERE id = :id",
                      {"error": f.error[:500], "n": attempts, "after": _iso(now + timedelta(seconds=wait)),
                       "id": f.item_id})


def _bare(c: Conn, stopgaps: Sequence[Enrichment]) -> list[Enrichment]:
    """The stopgaps of items with no enrichment of their current content."""
    if not stopgaps:
        return []
    done: set[int] = set()
    for inside, params in in_lists([e.item_id for e in stopgaps]):
        done.update(r["id"] for r in c.execute(
            f"SELECT id FROM items WHERE id IN ({inside}) "
            "AND enriched_key IS NOT NULL AND enriched_key LIKE ('%:' || content_hash)", params))
    return [e for e in stopgaps if e.item_id not in done]


def waiting_for_llm(db: Database) -> tuple[int, str | None]:
    """How many items wait for an LLM retry (they show their offline enrichment meanwhile), and the
    latest retry time among them."""
    rows = db.query("SELECT COUNT(*) AS n, MAX(enrich_after) AS until FROM items "
                    "WHERE enrich_state = 'pending' AND enrich_error IS NOT NULL AND enrich_after IS NOT NULL")
    return (int(rows[0]["n"]), rows[0]["until"]) if rows else (0, None)


def _link_dict(link: LinkSuggestion) -> dict[str, Any]:
    return {"asset": link.asset, "reason": link.reason, "score": link.score, "origin": link.origin}


def _links_of(c: Conn, item_ids: list[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """Current links of many items in one query per 500 (not one per item)."""
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for inside, params in in_lists(item_ids):
        for r in c.execute(f"SELECT item_id, asset, status, origin FROM asset_links WHERE item_id IN ({inside})",
                           params):
            out.setdefault(r["item_id"], {})[r["asset"]] = r
    return out


# The status/origin guards repeat the plan's own test in SQL: a user who confirms or dismisses a link
# between the enricher's read and its write (PostgreSQL, READ COMMITTED) keeps their decision.
_UNDECIDED = " AND status = 'suggested' AND origin <> 'user'"
_DELETE_LINK = "DELETE FROM asset_links WHERE item_id = :id AND asset = :asset" + _UNDECIDED
_INSERT_LINK = ("INSERT INTO asset_links (item_id, asset, reason, score, origin, status, created_at, updated_at) "
                "VALUES (:id, :asset, :reason, :score, :origin, 'suggested', :now, :now) "
                "ON CONFLICT (item_id, asset) DO NOTHING")
_UPDATE_LINK = ("UPDATE asset_links SET reason = :reason, score = :score, origin = :origin, updated_at = :now "
                "WHERE item_id = :id AND asset = :asset" + _UNDECIDED)


class _LinkPlan:
    """The deletes, inserts and updates that replace suggestions, run as one executemany each.

    Different items' rows never interact, and within one item the deletes touch other assets than
    the inserts and updates, so running all deletes, then all inserts, then all updates gives the
    rows that item-by-item statements give.
    """

    def __init__(self, stamp: str):
        self.stamp = stamp
        self.deletes: list[dict[str, Any]] = []
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []

    def add(self, item_id: int, links: list[LinkSuggestion], current: dict[str, dict[str, Any]]) -> None:
        if not current and not links:
            return
        if current:
            keep = {link.asset for link in links}
            for asset, row in current.items():
                if asset not in keep and row["status"] == "suggested" and row["origin"] != "user":
                    self.deletes.append({"id": item_id, "asset": asset})
        for link in links:
            old = current.get(link.asset)
            if old is None:
                self.inserts.append({"id": item_id, "asset": link.asset, "reason": link.reason, "score": link.score,
                                     "origin": link.origin, "now": self.stamp})
            elif old["status"] == "suggested" and old["origin"] != "user":
                self.updates.append({"id": item_id, "asset": link.asset, "reason": link.reason, "score": link.score,
                                     "origin": link.origin, "now": self.stamp})

    def run(self, c: Conn) -> None:
        for sql, rows in ((_DELETE_LINK, self.deletes), (_INSERT_LINK, self.inserts), (_UPDATE_LINK, self.updates)):
            if rows:
                c.executemany(sql, rows)


def replace_suggestions(c: Conn, item_id: int, links: list[LinkSuggestion], stamp: str,
                        current: dict[str, dict[str, Any]] | None = None) -> None:
    """New suggestions replace old ones; a user's confirm, dismiss or own link is never touched."""
    if current is None:
        current = _links_of(c, [item_id]).get(item_id, {})
    plan = _LinkPlan(stamp)
    plan.add(item_id, links, current)
    plan.run(c)


def set_link_status(db: Database, item_id: int, asset: str, status: str, user: str | None,
                    reason: str | None = None) -> None:
    """A user's decision on a link (confirm, dismiss) or a link they add themselves."""
    if status not in ("suggested", "confirmed", "dismissed"):
        raise ValueError(f"unknown link status {status!r}")
    stamp = _iso(_now())
    with db.transaction() as c:
        rows = c.execute("SELECT status FROM asset_links WHERE item_id = :id AND asset = :asset",
                         {"id": item_id, "asset": asset})
        if rows:
            c.execute("UPDATE asset_links SET status = :status, updated_at = :now, updated_by = :user, "
                      "reason = COALESCE(:reason, reason) WHERE item_id = :id AND asset = :asset",
                      {"status": status, "now": stamp, "user": user, "reason": reason, "id": item_id, "asset": asset})
        else:
            c.execute("INSERT INTO asset_links (item_id, asset, reason, score, origin, status, created_at, updated_at, "
                      "updated_by) VALUES (:id, :asset, :reason, 1.0, 'user', :status, :now, :now, :user)",
                      {"id": item_id, "asset": asset, "reason": reason or f"linked by {user or 'a user'}",
                       "status": status, "now": stamp, "user": user})


def links_for(db: Database, item_ids: list[int], include_dismissed: bool = False) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for inside, params in in_lists(item_ids):
        sql = ("SELECT item_id, asset, reason, score, origin, status, updated_by FROM asset_links "
               f"WHERE item_id IN ({inside})")
        if not include_dismissed:
            sql += f" AND {linked('asset_links')}"
        for r in db.query(sql + " ORDER BY item_id, score DESC, asset", params):
            out.setdefault(r.pop("item_id"), []).append(r)
    return out


def spend_today(db: Database, day: str | None = None) -> float:
    day = day or _now().strftime("%Y-%m-%d")
    rows = db.query("SELECT cost_usd FROM llm_spend WHERE day = :day", {"day": day})
    return float(rows[0]["cost_usd"]) if rows else 0.0


def add_spend(db: Database, cost: float, calls: int, prompt_tokens: int, completion_tokens: int,
              day: str | None = None) -> None:
    day = day or _now().strftime("%Y-%m-%d")
    with db.transaction() as c:
        c.execute("INSERT INTO llm_spend (day, cost_usd, calls, prompt_tokens, completion_tokens) "
                  "VALUES (:day, :cost, :calls, :pt, :ct) ON CONFLICT (day) DO UPDATE SET "
                  "cost_usd = llm_spend.cost_usd + :cost, calls = llm_spend.calls + :calls, "
                  "prompt_tokens = llm_spend.prompt_tokens + :pt, "
                  "completion_tokens = llm_spend.completion_tokens + :ct",
                  {"day": day, "cost": cost, "calls": calls, "pt": prompt_tokens, "ct": completion_tokens})
