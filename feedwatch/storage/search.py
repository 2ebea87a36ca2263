"""Search: the SQL of a parsed search (see search_query.py for the syntax) on each backend.

Backends: `_SqliteFts` matches against the FTS5 table `items_fts`, `_PostgresTsvector` against the
generated column `items.search_vector` (both made by migration 0003). Every other filter is the
same portable SQL on both. Results are ordered newest first, as `list_items` orders them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from .db import Conn, Database
from .params import in_list
from .predicates import NEWEST_FIRST, linked, recency, triaged, triaged_probe
from .rows import QueryError
from .search_query import Query, Term, parse_query

__all__ = ["Query", "QueryError", "Term", "count_items", "parse_query", "search_items", "sync_index", "tag_condition",
           "where_sql"]


# -- SQL -----------------------------------------------------------------------------------------

class _Params:
    """Bound parameters with unique names (q_0, q_1, ...), never clashing with the caller's."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def add(self, value: object) -> str:
        name = f"q_{len(self.values)}"
        self.values[name] = value
        return f":{name}"


_RECENCY = recency()
_WORD_PARTS = re.compile(r"[^\W_]+")
# PostgreSQL: the item's feed, enricher and user tags as one lower-cased jsonb array; the same
# expression as migration 0007's index ix_items_tag_set (columns qualified: same expression to the planner)
TAG_SET = ("CAST(LOWER(items.tags) AS jsonb) || CAST(LOWER(items.enrich_tags) AS jsonb) || "
           "CAST(LOWER(items.user_tags) AS jsonb)")


class _Backend:
    """One backend's SQL for a parsed query: conditions on `items`, and how a page and a count run.

    Everything except words and phrases is portable SQL shared by both backends (`_where`)."""

    no_limit = ""       # what a query with an OFFSET but no LIMIT needs

    def id_in(self, subquery: str) -> str:
        """items.id is one of the subquery's ids."""
        return f"items.id IN ({subquery})"

    def triaged(self, column: str, person: str, rare: bool = False) -> str:
        """The person's triage row for the item has `column` set (no row: nothing set). `rare`: few
        items have it (hidden), so the condition is cheapest as a probe per candidate item."""
        return self.id_in(triaged(f"t.{column} = 1", person))

    def like_ci(self, column: str, pattern: str) -> str:
        """Case-insensitive LIKE (ASCII at least) with backslash as the escape character."""
        return f"LOWER({column}) LIKE {pattern} ESCAPE '\\'"

    def has_tag(self, tag: str, p: _Params) -> str:
        """The item carries `tag` (lower case) among its feed, enricher or user tags (JSON lists)."""
        pattern = p.add(_like_json_string(tag))
        return "(" + " OR ".join(self.like_ci(f"items.{col}", pattern)
                                 for col in ("tags", "enrich_tags", "user_tags")) + ")"

    def match_all(self, terms: list[Term], tags: list[str], p: _Params) -> str | None:
        """Every term matches. `tags` (also checked exactly elsewhere) may narrow the text search."""
        raise NotImplementedError

    def match_any(self, terms: list[Term], p: _Params) -> str:
        raise NotImplementedError

    def match_all_but(self, terms: list[Term], excluded: list[Term], tags: list[str], p: _Params) -> str | None:
        """All of `terms` and none of `excluded` in one text-index lookup, where the backend can."""
        return None

    def page(self, c: Conn, q: Query, person: str, limit: int | None, offset: int) -> list[int]:
        where, params = _where(q, self, person)
        return self._select_ids(c, "items", where, params, limit, offset)

    def count(self, c: Conn, q: Query, person: str) -> int:
        where, params = _where(q, self, person)
        return _count(c, where, params)

    def _select_ids(self, c: Conn, source: str, where: list[str], params: dict[str, Any], limit: int | None,
                    offset: int) -> list[int]:
        sql = f"SELECT items.id FROM {source}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += NEWEST_FIRST
        if limit is not None:
            sql += " LIMIT :q_limit"
            params["q_limit"] = limit
        elif offset:
            sql += self.no_limit
        if offset:
            sql += " OFFSET :q_offset"
            params["q_offset"] = offset
        return [r["id"] for r in c.execute(sql, params)]


class _SqliteFts(_Backend):
    """FTS5 over `items_fts` (rowid = items.id). Each term becomes one FTS5 string: "..." with any
    double quote doubled, which FTS5 treats as a phrase of its tokens and never as syntax; `*` after
    the closing quote makes the last token a prefix (served by the prefix='2 3' indexes).

    Plan: items rows are wide (content), so reading one costs far more than an index entry. The
    `+` before items.id in every id set (text matches, sources, assets) stops SQLite from driving
    the query from that set (one wide-row lookup per match, then a sort: ~2 us a match, 150 ms for
    a one-letter prefix on 100k items). It walks the covering index ix_items_recency newest first
    instead, tests each entry against the sets (built once) and the other filters (from the index),
    and stops at LIMIT: bounded by one pass over that index whatever the query."""

    no_limit = " LIMIT -1"

    def id_in(self, subquery: str) -> str:
        return f"+items.id IN ({subquery})"

    def like_ci(self, column: str, pattern: str) -> str:
        # SQLite's LIKE already ignores ASCII case; LOWER() on three columns would triple a scan's cost
        return f"{column} LIKE {pattern} ESCAPE '\\'"

    @staticmethod
    def fts_string(term: Term) -> str:
        return '"' + term.text.replace('"', '""') + '"' + ("*" if term.prefix else "")

    def match_all(self, terms: list[Term], tags: list[str], p: _Params) -> str | None:
        if not terms:
            return None
        expr = " AND ".join([self.fts_string(t) for t in terms] + self._tag_narrowing(tags))
        return self.id_in(f"SELECT rowid FROM items_fts WHERE items_fts MATCH {p.add(expr)}")

    def _tag_narrowing(self, tags: list[str]) -> list[str]:
        """tag:x also as a phrase in the indexed tags column: it only narrows the text match (the exact
        tag test stays in plain SQL), so a rare tag no longer means walking most of the list."""
        return ['tags : "' + t.replace('"', '""') + '"' for t in tags if any(ch.isalnum() for ch in t)]

    def match_any(self, terms: list[Term], p: _Params) -> str:
        expr = " OR ".join(self.fts_string(t) for t in terms)
        return self.id_in(f"SELECT rowid FROM items_fts WHERE items_fts MATCH {p.add(expr)}")

    def match_all_but(self, terms: list[Term], excluded: list[Term], tags: list[str], p: _Params) -> str | None:
        # FTS5's own NOT: a NOT IN over every row matching a common word took ~340 ms at 100k items
        expr = (" AND ".join([self.fts_string(t) for t in terms] + self._tag_narrowing(tags)) + " NOT (" +
                " OR ".join(self.fts_string(t) for t in excluded) + ")")
        return self.id_in(f"SELECT rowid FROM items_fts WHERE items_fts MATCH {p.add(expr)}")


class _PostgresTsvector(_Backend):
    """tsquery against the generated `items.search_vector` (GIN). The user's text is only ever a
    bound argument of phraseto_tsquery(feedwatch_tsconfig(), ...), which parses (and, since 0006,
    folds diacritics) like the column's to_tsvector does and ignores every operator character.
    PostgreSQL's parser keeps some punctuated words whole ("gpt-3.5" is 'gpt' '-3.5') where FTS5
    splits them, so a term with punctuation also matches as the phrase of its alphanumeric parts,
    as on SQLite; that also lets a half-typed "gpt-4" find "GPT-4o". For a prefix, `:*` is added
    to each lexeme of the term in the tsquery's own text form (which PostgreSQL quotes), then cast
    back.

    Plan: testing `@@` on a row detoasts its tsvector (~2 KB, ~5-10 us), and the planner neither
    counts that cost nor estimates phrases well, so left alone it picks a sequential scan for a
    common word (0.5 s on 100k items) or walks the list order for a rare phrase it thinks common
    (1.5 s). So a page first looks for its rows among the newest `window` items only (bounded
    work; enough whenever matches are not rare), and otherwise, like a count, runs with the text
    match fenced in a subquery (OFFSET 0) so it is evaluated once, from the GIN index
    (random_page_cost lowered for that transaction tips the planner that way). `tag:x` is a jsonb
    containment test on the three tag lists, served by a GIN index (migration 0007)."""

    _LEXEME_END = r"'( <[-0-9]+>|$)"
    _PREFIXED = r"':*\1"
    _FAVOUR_INDEXES = "SET LOCAL random_page_cost = 1.1"    # this transaction only; the usual SSD value

    def __init__(self, fence: bool = False):
        self.fence = fence

    def triaged(self, column: str, person: str, rare: bool = False) -> str:
        # For the "not hidden" that every search carries: NOT IN (subquery) cannot become an anti-join
        # (NULL semantics), so the planner applied it to every item by a sequential scan; a correlated
        # probe of the (person, item_id) key is an anti-join driven from the text matches (a two-word
        # search at 50k items: 100 -> 25 ms). Not for read/unread: most items have a row, and as
        # EXISTS the planner picked nested loops costing seconds for "is:unread -tag:x word".
        if not rare:
            return super().triaged(column, person)
        return triaged_probe(f"t.{column} = 1", person)

    def _one(self, text: str, prefix: bool, p: _Params) -> str:
        q = f"phraseto_tsquery(feedwatch_tsconfig(), {p.add(text)})"
        if prefix:
            q = (f"CAST(regexp_replace(CAST({q} AS text), {p.add(self._LEXEME_END)}, "
                 f"{p.add(self._PREFIXED)}, 'g') AS tsquery)")
        return q

    def tsquery(self, term: Term, p: _Params) -> str:
        q = self._one(term.text, term.prefix, p)
        parts = " ".join(_WORD_PARTS.findall(term.text))
        if parts and parts != term.text:
            q = f"({q} || {self._one(parts, term.prefix, p)})"
        return q

    def _matches(self, tsquery: str) -> str:
        if self.fence:
            return f"items.id IN (SELECT id FROM items WHERE search_vector @@ ({tsquery}) OFFSET 0)"
        return f"items.search_vector @@ ({tsquery})"

    def match_all(self, terms: list[Term], tags: list[str], p: _Params) -> str | None:
        # tags need no narrowing here: has_tag is served by its own index
        parts = [self.tsquery(t, p) for t in terms]
        return self._matches(" && ".join(parts)) if parts else None

    def has_tag(self, tag: str, p: _Params) -> str:
        # exactly migration 0007's indexed expression, or the index is not used
        return f"({TAG_SET}) @> CAST({p.add(json.dumps([tag]))} AS jsonb)"

    def match_any(self, terms: list[Term], p: _Params) -> str:
        return self._matches(" || ".join(self.tsquery(t, p) for t in terms))

    @staticmethod
    def _costly(q: Query) -> bool:
        return bool(q.terms or q.exclude_terms or q.tags or q.exclude_tags)

    def page(self, c: Conn, q: Query, person: str, limit: int | None, offset: int) -> list[int]:
        if not self._costly(q):
            return super().page(c, q, person, limit, offset)
        if limit:
            where, params = _where(q, _PostgresTsvector(fence=False), person)
            params["q_window"] = max(1000, 10 * (offset + limit))
            newest = f"(SELECT * FROM items{NEWEST_FIRST} LIMIT :q_window) items"
            ids = self._select_ids(c, newest, where, params, limit, offset)
            if len(ids) == limit:     # all of them are newer than anything outside the window
                return ids
        c.execute(self._FAVOUR_INDEXES)
        where, params = _where(q, _PostgresTsvector(fence=True), person)
        return self._select_ids(c, "items", where, params, limit, offset)

    def count(self, c: Conn, q: Query, person: str) -> int:
        if not self._costly(q):
            return super().count(c, q, person)
        c.execute(self._FAVOUR_INDEXES)
        where, params = _where(q, _PostgresTsvector(fence=True), person)
        return _count(c, where, params)


def _backend(dialect: str) -> _Backend:
    if dialect == "sqlite":
        return _SqliteFts()
    if dialect == "postgresql":
        return _PostgresTsvector()
    raise ValueError(f"no search for database dialect {dialect!r}")


def _like_json_string(value: str) -> str:
    """A LIKE pattern for `value` as an element of a JSON list (json.dumps, as every writer does)."""
    quoted = json.dumps(value)
    return "%" + quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _tag_condition(tag: str, p: _Params, backend: _Backend) -> str:
    return backend.has_tag(tag, p)


def tag_condition(tag: str, dialect: str) -> tuple[str, dict[str, Any]]:
    """SQL (on `items`) and parameters for "the item has this tag", exactly as a tag:x search tests it."""
    p = _Params()
    return _backend(dialect).has_tag(tag.lower(), p), p.values


def _source_condition(source: str, p: _Params, backend: _Backend) -> str:
    return backend.id_in(f"SELECT s.item_id FROM item_sources s WHERE s.source = {p.add(source)}")


def _asset_condition(asset: str, p: _Params, backend: _Backend) -> str:
    return backend.id_in(f"SELECT a.item_id FROM asset_links a WHERE a.asset = {p.add(asset)} AND {linked('a')}")


def _story_condition(story: int, p: _Params, backend: _Backend) -> str:
    return f"COALESCE(items.story_id, items.id) = {p.add(story)}"


def _flag_condition(flag: str, person: str, p: _Params, backend: _Backend) -> str:
    """is:unread / read / starred / hidden: the person's own triage rows (no row = unread)."""
    column = "read" if flag in ("read", "unread") else flag
    sql = backend.triaged(column, p.add(person), rare=flag == "hidden")
    return f"NOT ({sql})" if flag == "unread" else sql


def _where(q: Query, backend: _Backend, person: str = "") -> tuple[list[str], dict[str, Any]]:
    """Conditions for the query; hidden items (the person's) only with is:hidden."""
    p = _Params()
    where: list[str] = []
    tags = [t.lower() for t in q.tags]
    text = backend.match_all(q.terms, list(dict.fromkeys(tags)), p)
    if text:
        where.append(text)
    if q.exclude_terms:
        where.append(f"NOT ({backend.match_any(q.exclude_terms, p)})")
    filters: tuple[tuple[Iterable[Any], Callable[[Any, _Params, _Backend], str], bool], ...] = (
        (tags, _tag_condition, False), ([t.lower() for t in q.exclude_tags], _tag_condition, True),
        (q.sources, _source_condition, False), (q.exclude_sources, _source_condition, True),
        (q.assets, _asset_condition, False), (q.exclude_assets, _asset_condition, True),
        (q.stories, _story_condition, False), (q.exclude_stories, _story_condition, True))
    for values, condition, negate in filters:
        for value in dict.fromkeys(values):
            sql = condition(value, p, backend)
            where.append(f"NOT ({sql})" if negate else sql)
    for flag in dict.fromkeys(q.flags):
        where.append(_flag_condition(flag, person, p, backend))
    for flag in dict.fromkeys(q.exclude_flags):
        where.append(f"NOT ({_flag_condition(flag, person, p, backend)})")
    if "hidden" not in q.flags and "hidden" not in q.exclude_flags:
        where.append(f"NOT ({_flag_condition('hidden', person, p, backend)})")
    if q.since:
        where.append(f"{_RECENCY} >= {p.add(q.since)}")
    if q.until:
        where.append(f"{_RECENCY} < {p.add(q.until)}")
    return where, p.values


def _count(c: Conn, where: list[str], params: dict[str, Any]) -> int:
    sql = "SELECT COUNT(*) AS n FROM items"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return int(c.execute(sql, params)[0]["n"])


# -- the API -------------------------------------------------------------------------------------

SYNC_BATCH = 2000
_FTS_VALUES = ("id, title, summary, COALESCE(ai_summary, ''), content, authors, "
               "tags || ' ' || enrich_tags || ' ' || user_tags")


def pending_index(db: Database) -> int:
    """How many items wait to be (re)indexed (always 0 on PostgreSQL, whose index is a generated column)."""
    if db.dialect != "sqlite":
        return 0
    return int(db.query("SELECT COUNT(*) AS n FROM search_queue")[0]["n"])


def sync_index(db: Database, batch: int = SYNC_BATCH) -> int:
    """Move queued items into the SQLite FTS index, a batch per transaction; returns how many.

    Safe to run from several processes at once (each batch holds the write lock; a row changed
    meanwhile is simply queued again)."""
    if db.dialect != "sqlite":
        return 0
    done = 0
    while True:
        with db.transaction() as c:
            ids = [r["item_id"] for r in c.execute("SELECT item_id FROM search_queue LIMIT :n", {"n": batch})]
            if not ids:
                return done
            clause, params = in_list(ids)   # SYNC_BATCH values: within SQLite's limit since 3.32
            c.execute(f"DELETE FROM items_fts WHERE rowid IN ({clause})", params)
            c.execute(f"INSERT INTO items_fts (rowid, title, summary, ai_summary, content, authors, tags) "
                      f"SELECT {_FTS_VALUES} FROM items WHERE id IN ({clause})", params)
            c.execute(f"DELETE FROM search_queue WHERE item_id IN ({clause})", params)
        done += len(ids)


def where_sql(query: Query | str, dialect: str, person: str = "") -> tuple[list[str], dict[str, Any]]:
    """SQL conditions on `items` (ANDed) and their parameters (named q_N), for callers that add
    their own columns and filters (`list_items`). `search_items` and `count_items` plan better.
    `person`: whose read / starred / hidden state `is:` means (see `feedwatch.identity`)."""
    q = parse_query(query) if isinstance(query, str) else query
    return _where(q, _backend(dialect), person)


def search_items(db: Database, query: Query | str, *, person: str = "", limit: int | None = None,
                 offset: int = 0) -> list[int]:
    """Ids of the items matching every part of the query, newest first."""
    q = parse_query(query) if isinstance(query, str) else query
    limit = None if limit is None else max(int(limit), 0)
    offset = max(int(offset), 0)
    if limit == 0:
        return []
    if q.terms or q.exclude_terms:
        sync_index(db)
    with db.transaction(write=False) as c:
        return _backend(db.dialect).page(c, q, person, limit, offset)


def count_items(db: Database, query: Query | str, *, person: str = "") -> int:
    """How many items match the query (for "123 matches" while typing)."""
    q = parse_query(query) if isinstance(query, str) else query
    if q.terms or q.exclude_terms:
        sync_index(db)
    with db.transaction(write=False) as c:
        return _backend(db.dialect).count(c, q, person)
