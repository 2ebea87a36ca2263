"""Move a whole database between SQLite and PostgreSQL (or make a backup): `feedwatch export` / `import`.

Format (JSON Lines, UTF-8, "\\n" line ends)::

    {"feedwatch_export": 1, "schema": "0005"}
    {"table": "sources", "row": {"consecutive_errors": 0, "etag": null, "kind": "feed", ...}}
    {"table": "items", "row": {"ai_summary": "...", "id": 1, ...}}
    ...

The first line is a header: the format version and the schema revision (Alembic) of the database
it came from. Then one line per row: tables in dependency order (`TABLES`), each table's rows in
primary-key order (text keys by code point, as SQLite's BINARY and PostgreSQL's "C" collation
compare them), each row's keys sorted. The same data therefore exports to byte-identical output
from either backend, and an export -> import -> export round trip is byte-identical too.

Derived search objects (SQLite: `items_fts`, `search_queue`; PostgreSQL: the generated column
`items.search_vector`) are not exported: an import into SQLite queues every item for indexing and
PostgreSQL computes its column itself. Ids are kept as they are (links between tables stay intact);
on PostgreSQL the id sequences are moved past the imported ids afterwards.

The export is streamed (keyset pages of `PAGE` rows, one read transaction, so it is a consistent
snapshot); the import runs in batches of `BATCH` rows inside one transaction, so a failure at any
line leaves the target database exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..errors import FeedwatchError
from .db import Conn, Database, StorageError

FORMAT = 1
PAGE = 500
BATCH = 500


class TransferError(FeedwatchError):
    """A one-line reason an export or import could not be done (bad file, schema mismatch, ...)."""


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    key: tuple[str, ...]                      # the primary key, the export's row order
    text_key: frozenset[str] = frozenset()    # key columns compared as text (collation matters)
    serial: str | None = None                 # an autoincrement id column (a SERIAL sequence on PostgreSQL)


# Dependency order: a table comes after every table it references. A migration that adds a table
# must add it here (tests/test_transfer.py compares this list with the schema).
TABLES: tuple[Table, ...] = (
    Table("sources", ("name",), frozenset({"name"})),
    Table("items", ("id",), serial="id"),
    Table("item_sources", ("source", "guid"), frozenset({"source", "guid"})),
    Table("item_triage", ("person", "item_id"), frozenset({"person"})),
    Table("enrichments", ("id",), serial="id"),
    Table("asset_links", ("item_id", "asset"), frozenset({"asset"})),
    Table("llm_spend", ("day",), frozenset({"day"})),
    Table("experiments", ("id",), serial="id"),
    Table("experiment_items", ("experiment_id", "item_id")),
    Table("experiment_assets", ("experiment_id", "asset"), frozenset({"asset"})),
    Table("experiment_links", ("experiment_id", "url"), frozenset({"url"})),
    Table("experiment_history", ("id",), serial="id"),
    Table("fetch_failures", ("id",), serial="id"),
    Table("catalogs", ("name",), frozenset({"name"})),
    Table("catalog_models", ("catalog", "provider", "model_id"), frozenset({"catalog", "provider", "model_id"})),
    Table("lifecycle_proposals", ("asset", "model"), frozenset({"asset", "model"})),
    Table("story_keys", ("key",), frozenset({"key"})),
    Table("notify_targets", ("name",), frozenset({"name"})),
    Table("notifications", ("target", "event"), frozenset({"target", "event"})),
)
_BY_NAME = {t.name: t for t in TABLES}
DERIVED_COLUMNS = {"items": frozenset({"search_vector"})}      # PostgreSQL's generated search column
DERIVED_TABLES = ("items_fts", "search_queue")                  # SQLite's search index and its queue
# Work a later pass does, not exported: an item waiting for story grouping is imported as a story of its own.
TRANSIENT_TABLES = ("story_queue",)
# Not exported either: `db_changes` (a counter open apps poll; an import bumps it like any write).


@dataclass(slots=True)
class TransferCounts:
    schema: str = ""
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def describe(self) -> str:
        """"12 rows (5 items, 5 item_sources, 2 sources)": the non-empty tables, in export order."""
        parts = [f"{n} {t}" for t, n in self.rows.items() if n]
        return f"{self.total} row{'s' if self.total != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")


# -- export ----------------------------------------------------------------------------------------

def header_line(schema: str) -> bytes:
    return (json.dumps({"feedwatch_export": FORMAT, "schema": schema}) + "\n").encode("utf-8")


def export_database(db: Database, out: BinaryIO, *, page: int = PAGE) -> TransferCounts:
    """Write the whole database to `out` (a binary stream) as JSON Lines; returns the row counts."""
    from .migrate import current_revision

    if current_revision(db) is None:
        raise TransferError("the database has no schema yet: nothing to export")
    counts = TransferCounts()
    with db.transaction(write=False) as c:
        if db.dialect == "postgresql":   # one snapshot for every table, as SQLite's read transaction is
            c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        counts.schema = c.execute("SELECT version_num FROM alembic_version")[0]["version_num"]
        out.write(header_line(counts.schema))
        for table in TABLES:
            columns = _columns(c, db.dialect, table.name)
            prefix = b'{"table": ' + json.dumps(table.name).encode("utf-8") + b', "row": '
            n = 0
            for row in _pages(c, db.dialect, table, columns, page):
                out.write(prefix + _dump_row(table.name, row) + b"}\n")
                n += 1
            counts.rows[table.name] = n
    return counts


def _dump_row(table: str, row: dict[str, Any]) -> bytes:
    try:
        return json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeError) as exc:
        raise TransferError(f"cannot export a row of {table}: {exc}") from None


def _pages(c: Conn, dialect: str, table: Table, columns: list[str], page: int) -> Iterator[dict[str, Any]]:
    """Every row of `table`, in primary-key order, read `page` rows at a time (keyset pagination)."""
    def col(name: str) -> str:
        # PostgreSQL sorts text by the database's locale unless told otherwise; "C" is code point
        # order, which is what SQLite's default BINARY collation (UTF-8 bytes) gives
        if dialect == "postgresql" and name in table.text_key:
            return f'{_q(name)} COLLATE "C"'
        return _q(name)

    keys = [col(k) for k in table.key]
    select = f"SELECT {', '.join(_q(c_) for c_ in columns)} FROM {_q(table.name)}"
    order = f" ORDER BY {', '.join(keys)} LIMIT {int(page)}"
    if len(keys) == 1:
        after = f" WHERE {keys[0]} > :k0"
    else:
        after = f" WHERE ({', '.join(keys)}) > ({', '.join(f':k{i}' for i in range(len(keys)))})"
    rows = c.execute(select + order)
    while rows:
        yield from rows
        if len(rows) < page:
            return
        last = rows[-1]
        rows = c.execute(select + after + order, {f"k{i}": last[k] for i, k in enumerate(table.key)})


def _columns(c: Conn, dialect: str, table: str) -> list[str]:
    """The table's stored (exported and importable) columns, as the database has them."""
    if dialect == "sqlite":
        names = [r["name"] for r in c.execute(f"PRAGMA table_info({_q(table)})")]
    else:
        names = [r["column_name"] for r in c.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = :t AND is_generated <> 'ALWAYS' ORDER BY ordinal_position", {"t": table})]
    if not names:
        raise TransferError(f"the database has no table {table}")
    derived = DERIVED_COLUMNS.get(table, frozenset())
    return [n for n in names if n not in derived]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- import ----------------------------------------------------------------------------------------

def import_database(db: Database, lines: Iterable[bytes], *, replace: bool = False, name: str = "the export",
                    batch: int = BATCH) -> TransferCounts:
    """Load an export into `db`, in one transaction: all of it or (on any error) nothing.

    `lines` are the export's lines as bytes (a file opened "rb"). Refuses a database that already
    holds data unless `replace` (which then empties it first), and an export of another schema revision.
    Raises `TransferError` with a one-line message naming the line at fault.
    """
    from .migrate import HEAD, current_revision

    it = iter(lines)
    schema = _read_header(next(it, None), name)
    current = current_revision(db)
    if schema != current:
        raise TransferError(_schema_message(name, schema, current, HEAD))
    counts = TransferCounts(schema=schema, rows={t.name: 0 for t in TABLES})
    with db.transaction() as c:
        columns = {t.name: set(_columns(c, db.dialect, t.name)) for t in TABLES}
        if replace:
            _empty(c, db.dialect)
        else:
            full = [t.name for t in TABLES if c.execute(f"SELECT 1 AS x FROM {_q(t.name)} LIMIT 1")]
            if full:
                raise TransferError(f"the database is not empty (it has {_and(full)}); import into an empty "
                                    "database, or pass --replace to delete everything in it first")
        loader = _Loader(c, name, batch, counts)
        position = 0
        for lineno, raw in enumerate(it, start=2):
            if not raw.strip():
                continue
            table, row = _parse_line(raw, lineno, name)
            spec = _BY_NAME.get(table)
            if spec is None:
                raise TransferError(f"{name}: line {lineno}: unknown table {table!r}")
            index = TABLES.index(spec)
            if index < position:
                raise TransferError(f"{name}: line {lineno}: table {table} after {TABLES[position].name} "
                                    "(an export lists tables in dependency order)")
            position = index
            unknown = sorted(set(row) - columns[table])
            if unknown:
                raise TransferError(f"{name}: line {lineno}: table {table} has no column {unknown[0]!r}")
            loader.add(table, row, lineno)
        loader.flush()
        if db.dialect == "sqlite":
            # the insert trigger has queued each item already; this also covers a database whose
            # triggers were missing, and costs one statement
            c.execute("INSERT OR IGNORE INTO search_queue (item_id) SELECT id FROM items")
        else:
            for t in TABLES:
                if t.serial:
                    c.execute(f"SELECT setval(pg_get_serial_sequence(:t, :col), COALESCE(MAX({_q(t.serial)}), 0) + 1, "
                              f"false) AS v FROM {_q(t.name)}", {"t": t.name, "col": t.serial})
    return counts


def _read_header(raw: bytes | None, name: str) -> str:
    if raw is None or not raw.strip():
        raise TransferError(f"{name} is empty: not a feedwatch export")
    try:
        header = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        header = None
    if not isinstance(header, dict) or "feedwatch_export" not in header:
        raise TransferError(f'{name}: line 1: not a feedwatch export (expected a header like '
                            f'{{"feedwatch_export": {FORMAT}, "schema": "..."}})')
    if header["feedwatch_export"] != FORMAT:
        raise TransferError(f"{name}: export format {header['feedwatch_export']!r} is not supported by this "
                            f"feedwatch (it reads format {FORMAT}); upgrade feedwatch")
    schema = header.get("schema")
    if not isinstance(schema, str) or not schema:
        raise TransferError(f"{name}: line 1: the header names no schema revision")
    return schema


def _schema_message(name: str, schema: str, current: str | None, head: str) -> str:
    base = f"{name} is at schema revision {schema} but the database is at {current or 'none'}"
    if schema > head:
        return base + f"; it comes from a newer feedwatch (this one knows up to {head}): upgrade feedwatch"
    if current is not None and schema < current:
        return (base + "; upgrade the database it came from (`feedwatch --db SOURCE db upgrade`) "
                "and export it again")
    return base + "; run `feedwatch db upgrade` on this database first"


def _parse_line(raw: bytes, lineno: int, name: str) -> tuple[str, dict[str, Any]]:
    try:
        obj = json.loads(raw)
    except UnicodeDecodeError:
        raise TransferError(f"{name}: line {lineno}: not UTF-8 text") from None
    except ValueError as exc:
        detail = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise TransferError(f"{name}: line {lineno}: not valid JSON ({detail})") from None
    if not (isinstance(obj, dict) and isinstance(obj.get("table"), str) and isinstance(obj.get("row"), dict)):
        raise TransferError(f'{name}: line {lineno}: expected {{"table": "...", "row": {{...}}}}')
    row = obj["row"]
    for key, value in row.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
            raise TransferError(f"{name}: line {lineno}: column {key!r} of {obj['table']} holds "
                                f"{type(value).__name__} {json.dumps(value)[:40]}, not a text, number or null")
    return obj["table"], row


class _Loader:
    """Rows waiting to be inserted, one executemany per table and column set (`batch` rows at most)."""

    def __init__(self, c: Conn, name: str, batch: int, counts: TransferCounts):
        self.c, self.name, self.batch, self.counts = c, name, max(1, batch), counts
        self.key: tuple[str, tuple[str, ...]] | None = None
        self.rows: list[dict[str, Any]] = []
        self.first = self.last = 0

    def add(self, table: str, row: dict[str, Any], lineno: int) -> None:
        key = (table, tuple(sorted(row)))
        if key != self.key or len(self.rows) >= self.batch:
            self.flush()
            self.key, self.first = key, lineno
        self.rows.append({f"c{i}": row[col] for i, col in enumerate(key[1])})
        self.last = lineno

    def flush(self) -> None:
        if not self.rows or self.key is None:
            return
        table, cols = self.key
        sql = (f"INSERT INTO {_q(table)} ({', '.join(_q(col) for col in cols)}) "
               f"VALUES ({', '.join(f':c{i}' for i in range(len(cols)))})")
        try:
            self.c.executemany(sql, self.rows)
        except StorageError:
            raise
        except Exception as exc:   # sqlite3 and the PostgreSQL driver raise different types
            where = f"line {self.first}" if self.first == self.last else f"lines {self.first}-{self.last}"
            raise TransferError(f"{self.name}: {where} ({table}): {_first_line(exc)}") from None
        self.counts.rows[table] += len(self.rows)
        self.rows = []


def _empty(c: Conn, dialect: str) -> None:
    """--replace: delete every row, children before parents; on SQLite also the search index."""
    for name in (*TRANSIENT_TABLES, *(t.name for t in reversed(TABLES))):
        c.execute(f"DELETE FROM {_q(name)}")
    if dialect == "sqlite":
        for name in reversed(DERIVED_TABLES):
            c.execute(f"DELETE FROM {_q(name)}")


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _first_line(exc: BaseException) -> str:
    import re
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return re.sub(r"^\([\w.]+\) ", "", line)    # SQLAlchemy's "(psycopg.errors.UniqueViolation) " prefix
