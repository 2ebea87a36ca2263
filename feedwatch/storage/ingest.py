"""Writing fetched entries: dedupe, insert, update, and the source's fetch state, in one transaction.

Identity rules, in order: the same (source, guid) is the same item; an arXiv id is one paper
whatever listing, query or version it arrives through; otherwise a canonical URL seen once in the
batch matches an item another source already delivered. A re-fetch updates changed content but
never touches what a user did (state, star, user tags, note).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..entry import Entry
from ..story_titles import signature
from .db import Conn, Database
from .params import in_lists

_TRACKING_PREFIXES = ("utm_", "mc_", "fbclid", "gclid", "ref_src", "_hs")


@dataclass(slots=True)
class WriteCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(slots=True)
class SourceState:
    """What the fetcher needs to know about a source before fetching it."""
    name: str
    etag: str | None = None
    last_modified: str | None = None
    url: str = ""
    consecutive_errors: int = 0
    next_due: str | None = None
    last_success: str | None = None
    last_status: int | None = None


def canonical_url(url: str | None) -> str | None:
    """A key for "the same page": https, lower-case host, no default port or tracking parameters.

    The fragment is kept: some changelogs give each version its own #anchor on one page.
    """
    if not url:
        return None
    if ("?" not in url and "#" not in url and "%" not in url and url.startswith("https://") and url.islower()
            and ":" not in url[8:] and url.count("/") >= 3 and url.isascii() and url.isprintable() and " " not in url):
        return url[:-1] if url.endswith("/") and url.count("/") > 3 else url   # already canonical: the common case
    return _canonical_url(url)


def _canonical_url(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not host:
            return None
        port = parts.port
    except ValueError:
        return None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PREFIXES)]
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return urlunsplit(("https", netloc, path, urlencode(query), parts.fragment))


# Reused encoders: json.dumps() with any non-default option builds a new JSONEncoder per call.
# Same options, so the same output.
_JSON = json.JSONEncoder(ensure_ascii=False).encode
_JSON_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def content_hash(e: Entry, extra: str | None = None) -> str:
    """`extra` is e.extra already encoded as sorted JSON ("" when empty), if the caller has it."""
    h = hashlib.sha1()
    if extra is None:
        extra = _JSON_SORTED(e.extra) if e.extra else ""
    joined = "\x00".join((e.title, e.url or "", e.summary, e.content, "\x1f".join(e.authors), e.published or "",
                          str(e.arxiv_version or ""), extra))
    h.update(joined.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def load_source_states(db: Database) -> dict[str, SourceState]:
    rows = db.query("SELECT name, url, etag, last_modified, consecutive_errors, next_due, last_success, last_status "
                    "FROM sources")
    return {r["name"]: SourceState(**r) for r in rows}


_INSERT_ITEM = (
    "INSERT INTO items (source, guid, url, canonical_url, arxiv_id, arxiv_version, title, summary, content, "
    "authors, categories, extra, published, updated, first_seen, content_hash, tags, story_links, story_sig) "
    "VALUES (:source, :guid, :url, :canonical_url, :arxiv_id, :arxiv_version, :title, :summary, :content, :authors, "
    ":categories, :extra, :published, :updated, :now, :content_hash, :tags, :story_links, :story_sig)")
_UPDATE_ITEM = (
    "UPDATE items SET url = :url, canonical_url = :canonical_url, arxiv_version = :arxiv_version, "
    "title = :title, summary = :summary, content = :content, authors = :authors, categories = :categories, "
    "extra = :extra, published = COALESCE(:published, published), updated = :updated, story_links = :story_links, "
    "story_sig = :story_sig, "
    "content_hash = :content_hash, changed_at = :now, change_note = :change_note WHERE id = :id")
_QUEUE = "INSERT INTO story_queue (item_id, published, sig, evidence) VALUES (:i, :p, :g, :e)"
_LINK = ("INSERT INTO item_sources (source, guid, item_id, content_hash) VALUES (:source, :guid, :item_id, "
         ":content_hash) ON CONFLICT (source, guid) DO UPDATE SET item_id = :item_id, "
         "content_hash = :content_hash")
_UPSERT_SOURCE = (
    "INSERT INTO sources (name, kind, url, title, etag, last_modified, last_attempt, last_success, "
    "last_status, last_error, consecutive_errors, next_due) VALUES (:name, :kind, :url, :title, :etag, "
    ":last_modified, :last_attempt, :last_success, :last_status, :last_error, :consecutive_errors, :next_due) "
    "ON CONFLICT (name) DO UPDATE SET kind = :kind, url = :url, title = CASE WHEN :title = '' THEN "
    "sources.title ELSE :title END, etag = :etag, last_modified = :last_modified, last_attempt = :last_attempt, "
    "last_success = COALESCE(:last_success, sources.last_success), last_status = :last_status, "
    "last_error = :last_error, consecutive_errors = :consecutive_errors, next_due = :next_due")


def _row(e: Entry, source: str, tags: list[str], now: str, h: str, canon: str | None,
         extra: str | None = None) -> dict[str, Any]:
    if extra is None:
        extra = _JSON_SORTED(e.extra) if e.extra else ""
    return {
        "source": source, "guid": e.guid, "url": e.url, "canonical_url": canon,
        "arxiv_id": e.arxiv_id, "arxiv_version": e.arxiv_version, "title": e.title, "summary": e.summary,
        "content": e.content, "authors": _json_list(e.authors), "categories": _json_list(e.categories),
        "extra": extra or "{}",
        "published": e.published, "updated": e.updated, "now": now, "content_hash": h,
        "tags": _json_list(sorted(set(tags))),
        # whether the text links a paper (story grouping then reads the body; most items it never has to)
        "story_links": 1 if links_paper(e.summary) or links_paper(e.content) else 0,
        "story_sig": signature(e.title),        # what a near-identical title shares (story grouping)
    }


def links_paper(text: str) -> bool:
    """Whether a text may link a paper (an arXiv or Hugging Face papers page): then grouping reads it."""
    return "arxiv.org/" in text or "huggingface.co/papers/" in text


def _json_list(values: list[str]) -> str:
    """JSON for a list of strings (authors, categories, tags: cleaned text, so mostly nothing to escape)."""
    if not values:
        return "[]"
    try:
        joined = '", "'.join(values)
    except TypeError:          # not all strings: let the encoder say what they are
        return _JSON(values)
    if '"' in joined or "\\" in joined or not joined.isprintable():
        return _JSON(values)
    return f'["{joined}"]'     # what json.dumps(values, ensure_ascii=False) gives: nothing needs escaping


@dataclass(slots=True)
class Prepared:
    """What storing an entry needs that no other writer can change, worked out before the write lock
    is taken (see prepare_entries): the fetch's workers then hold the lock only for the SQL."""
    entry: Entry
    extra: str                         # entry.extra as sorted JSON ("" when empty)
    hash: str
    canon: str | None
    row: dict[str, Any] | None = None  # the insert row, when the entry looked new
    evidence: str | None = None        # its grouping evidence, with the row


def known_guids(db: Database, sources: list[str]) -> dict[str, set[str]]:
    """The guids each of these sources has stored: a read that takes no write lock (see prepare_entries)."""
    out: dict[str, set[str]] = {name: set() for name in sources}
    for inside, params in in_lists(sorted(set(sources)), "s"):
        for r in db.query(f"SELECT source, guid FROM item_sources WHERE source IN ({inside})", params):
            out[r["source"]].add(r["guid"])
    return out


def prepare_entries(source: str, entries: list[Entry], tags: list[str], now: str,
                    evidence: Callable[[Entry, str | None, bool], str] | None = None,
                    known: Container[str] | None = None) -> list[Prepared]:
    """One source's entries, the first of each guid, with their hash and canonical URL, and, for
    each entry whose guid is not in `known` (the source's guids as read before the lock), the row
    that inserts it and its evidence. With `known` None, rows are built later, as they are needed.

    Storing then re-reads what is stored under the lock and decides from that; a row built here
    for an entry that turned out to be known already is not used."""
    out: list[Prepared] = []
    seen: set[str] = set()
    for e in entries:
        if e.guid in seen:
            continue
        seen.add(e.guid)
        extra = _JSON_SORTED(e.extra) if e.extra else ""
        canon = canonical_url(e.url)
        p = Prepared(e, extra, content_hash(e, extra), canon)
        if known is not None and e.guid not in known:
            p.row = _row(e, source, tags, now, p.hash, canon, extra)
            if evidence is not None:
                p.evidence = evidence(e, canon, p.row["story_links"] == 1)
        out.append(p)
    return out


def write_entries(c: Conn, source: str, entries: list[Entry], tags: list[str], now: str,
                  evidence: Callable[[Entry, str | None, bool], str] | None = None) -> WriteCounts:
    """Store one source's entries (inside the caller's transaction, which holds the write lock).

    Each new item is queued for story grouping, with `evidence(entry, canonical_url, links_paper)` (its
    grouping keys, see enrich.evidence) when the caller gives it: a fetch's workers work them out beside each other,
    and the pass after the fetch need not read the items again."""
    return write_prepared(c, source, prepare_entries(source, entries, tags, now), tags, now, evidence)


def write_prepared(c: Conn, source: str, batch: list[Prepared], tags: list[str], now: str,
                   evidence: Callable[[Entry, str | None, bool], str] | None = None) -> WriteCounts:
    """`write_entries` of entries already prepared with the same `tags` and `now` (see prepare_entries)."""
    counts = WriteCounts()
    if not batch:
        return counts
    known = {r["guid"]: r for r in c.execute(
        "SELECT s.guid, s.item_id, s.content_hash, i.arxiv_version FROM item_sources s "
        "JOIN items i ON i.id = s.item_id WHERE s.source = :source", {"source": source})}
    fresh = [p.entry for p in batch if p.entry.guid not in known]
    by_arxiv = _lookup(c, "arxiv_id", [e.arxiv_id for e in fresh if e.arxiv_id]) if fresh else {}
    url_counts: dict[str, int] = {}
    for p in batch:
        if p.canon:
            url_counts[p.canon] = url_counts.get(p.canon, 0) + 1
    unique_urls = [p.canon for p in batch if p.entry.guid not in known and not p.entry.arxiv_id and p.canon
                   and url_counts[p.canon] == 1]
    by_url = _lookup(c, "canonical_url", unique_urls, unique_only=True) if unique_urls else {}
    links: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    keys: list[str | None] = []               # the grouping evidence of each insert
    pending: dict[str, str] = {}          # arXiv id -> guid of the entry inserting it in this batch
    attach: list[tuple[str, str, str]] = []   # (guid, guid of the inserting entry, hash)
    for p in batch:
        e, h = p.entry, p.hash
        prev = known.get(e.guid)
        if prev is not None:
            if prev["content_hash"] == h:
                counts.unchanged += 1
                continue
            note = _version_note(prev["arxiv_version"], e.arxiv_version)
            _update(c, prev["item_id"], e, source, tags, now, h, note, p.canon)
            links.append({"source": source, "guid": e.guid, "item_id": prev["item_id"], "content_hash": h})
            counts.updated += 1
            continue
        if e.arxiv_id and e.arxiv_id in pending:   # two entries of one batch name the same paper
            attach.append((e.guid, pending[e.arxiv_id], h))
            counts.unchanged += 1
            continue
        match = by_arxiv.get(e.arxiv_id) if e.arxiv_id else by_url.get(p.canon or "")
        if match is not None:
            item_id = match["id"]
            note = _version_note(match["arxiv_version"], e.arxiv_version)
            if note:
                _update(c, item_id, e, source, tags, now, h, note, p.canon)
                counts.updated += 1
            else:
                counts.unchanged += 1
            _merge_tags(c, item_id, tags)
            links.append({"source": source, "guid": e.guid, "item_id": item_id, "content_hash": h})
            continue
        if p.row is not None:
            inserts.append(p.row)
            keys.append(p.evidence)
        else:
            row = _row(e, source, tags, now, h, p.canon, p.extra)
            inserts.append(row)
            keys.append(evidence(e, p.canon, row["story_links"] == 1) if evidence is not None else None)
        if e.arxiv_id:
            pending[e.arxiv_id] = e.guid
        counts.new += 1
    if inserts:
        before = c.execute("SELECT COALESCE(MAX(id), 0) AS m FROM items")[0]["m"]
        c.executemany(_INSERT_ITEM, inserts)
        # we hold the write lock, so every row above `before` from this source is one of ours
        ids = {r["guid"]: r["id"] for r in c.execute(
            "SELECT id, guid FROM items WHERE id > :before AND source = :source", {"before": before, "source": source})}
        links.extend({"source": source, "guid": r["guid"], "item_id": ids[r["guid"]],
                      "content_hash": r["content_hash"]} for r in inserts)
        links.extend({"source": source, "guid": g, "item_id": ids[owner], "content_hash": h} for g, owner, h in attach)
        c.executemany(_QUEUE, [{"i": ids[r["guid"]], "p": r["published"] or now, "g": r["story_sig"], "e": k}
                               for r, k in zip(inserts, keys, strict=True)])
    c.executemany(_LINK, links)
    return counts


def _lookup(c: Conn, column: str, values: list[str], unique_only: bool = False) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    dupes: set[str] = set()
    for clause, params in in_lists(sorted(set(values)), "v"):
        for r in c.execute(f"SELECT id, {column} AS k, arxiv_version FROM items WHERE {column} IN ({clause})",
                           params):
            if r["k"] in found:
                dupes.add(r["k"])
            found[r["k"]] = r
    if unique_only:
        for k in dupes:
            found.pop(k, None)
    return found


def _version_note(old: int | None, new: int | None) -> str | None:
    if new is not None and old is not None and new > old:
        return f"new version v{new} (was v{old})"
    return None


def _update(c: Conn, item_id: int, e: Entry, source: str, tags: list[str], now: str, h: str,
            note: str | None, canon: str | None) -> None:
    row = _row(e, source, tags, now, h, canon)
    row["id"] = item_id
    row["change_note"] = note or "content changed"
    c.execute(_UPDATE_ITEM, row)
    _merge_tags(c, item_id, tags)


def _merge_tags(c: Conn, item_id: int, tags: list[str]) -> None:
    if not tags:
        return
    rows = c.execute("SELECT tags FROM items WHERE id = :id", {"id": item_id})
    current = json.loads(rows[0]["tags"]) if rows else []
    merged = sorted(set(current) | set(tags))
    if merged != current:
        c.execute("UPDATE items SET tags = :tags WHERE id = :id", {"tags": json.dumps(merged), "id": item_id})


def record_fetch(c: Conn, *, name: str, kind: str, url: str, title: str = "", etag: str | None,
                 last_modified: str | None, attempt: str, success: bool, status: int | None,
                 error: str | None, consecutive_errors: int, next_due: str | None) -> None:
    c.execute(_UPSERT_SOURCE, {
        "name": name, "kind": kind, "url": url, "title": title, "etag": etag,
        "last_modified": last_modified, "last_attempt": attempt, "last_success": attempt if success else None,
        "last_status": status, "last_error": error, "consecutive_errors": consecutive_errors,
        "next_due": next_due})


def lock_for_ingest(c: Conn, dialect: str) -> None:
    """PostgreSQL: serialise ingest transactions (SQLite's BEGIN IMMEDIATE already does)."""
    if dialect == "postgresql":
        c.execute("SELECT pg_advisory_xact_lock(727275)")
