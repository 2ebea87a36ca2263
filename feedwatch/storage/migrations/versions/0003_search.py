"""Full-text search over items: FTS5 on SQLite, a tsvector + GIN index on PostgreSQL.

Revision ID: 0003
Revises: 0002

SQLite: `items_fts` is an FTS5 *external-content* table; its content is the view `items_fts_source`
(one row per item: title, summary, ai_summary, content, authors and the union of the three tag
columns as text), so the index stores no second copy of the text and `'rebuild'` /
`'integrity-check'` work. Triggers on items keep it in sync; the UPDATE trigger fires only when an
indexed column changes, so marking read or starring never touches the index. The trigger bodies
repeat the view's expressions exactly (an external-content 'delete' must be given the values that
were indexed).

PostgreSQL: a stored generated column `items.search_vector` (to_tsvector 'simple', weighted
title A, summaries B, authors/tags C, content D) with a GIN index; no trigger needed.

Both: `ix_items_recency`, an index in list order (COALESCE(published, first_seen), id), so a page
of results, newest first, is read from an index instead of sorting every match. On SQLite it also
covers the filter columns (state, starred, the tag lists): items rows are wide (content), and a
filter-only query such as `is:unread` or `tag:x` then never reads one (100k items: ~150 ms -> ~1 ms).

None of these objects is in the SQLModel classes: tests/test_storage.py filters them out when comparing
the schema with `models.py`. A later migration that *recreates* items (batch mode with a column
drop or type change on SQLite) must drop the triggers and the view first and recreate them after,
then run `INSERT INTO items_fts(items_fts) VALUES('rebuild')`.
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FTS_COLUMNS = ("title", "summary", "ai_summary", "content", "authors", "tags")
INDEXED = ("title", "summary", "ai_summary", "content", "authors", "tags", "enrich_tags", "user_tags")


def _values(p: str) -> str:
    """The indexed values of one items row; p is '' (the view), 'new.' or 'old.' (triggers)."""
    return (f"{p}title, {p}summary, COALESCE({p}ai_summary, ''), {p}content, {p}authors, "
            f"{p}tags || ' ' || {p}enrich_tags || ' ' || {p}user_tags")


_COLS = ", ".join(FTS_COLUMNS)
_DELETE = f"INSERT INTO items_fts (items_fts, rowid, {_COLS}) VALUES ('delete', old.id, {_values('old.')});"
_INSERT = f"INSERT INTO items_fts (rowid, {_COLS}) VALUES (new.id, {_values('new.')});"

SQLITE_UP = (
    # keep every statement free of ";\n" inside it: sqlite_baseline.sql is split on that
    "CREATE VIEW items_fts_source (id, " + _COLS + ") AS SELECT id, " + _values("") + " FROM items",
    "CREATE VIRTUAL TABLE items_fts USING fts5(" + _COLS + ", content='items_fts_source', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN {_INSERT} END",
    f"CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN {_DELETE} END",
    f"CREATE TRIGGER items_fts_au AFTER UPDATE OF {', '.join(INDEXED)} ON items BEGIN {_DELETE} {_INSERT} END",
    "INSERT INTO items_fts (items_fts) VALUES ('rebuild')",
    "CREATE INDEX ix_items_recency ON items (COALESCE(published, first_seen), id, state, starred, tags, "
    "enrich_tags, user_tags)",
)
SQLITE_DOWN = (
    "DROP INDEX IF EXISTS ix_items_recency",
    "DROP TRIGGER IF EXISTS items_fts_au",
    "DROP TRIGGER IF EXISTS items_fts_ad",
    "DROP TRIGGER IF EXISTS items_fts_ai",
    "DROP TABLE IF EXISTS items_fts",
    "DROP VIEW IF EXISTS items_fts_source",
)

# 'simple': no stemming or stop words, so every typed word (model names, "gpt-4o") is findable and
# the query side (phraseto_tsquery 'simple') splits user text exactly as the document side does.
# content is capped well below the 1 MB tsvector limit so no insert can ever fail because of search.
PG_VECTOR = (
    "setweight(to_tsvector('simple', title), 'A') || "
    "setweight(to_tsvector('simple', COALESCE(ai_summary, '') || ' ' || summary), 'B') || "
    "setweight(to_tsvector('simple', authors || ' ' || tags || ' ' || enrich_tags || ' ' || user_tags), 'C') || "
    "setweight(to_tsvector('simple', left(content, 100000)), 'D')"
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(f"ALTER TABLE items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_VECTOR}) STORED")
        op.execute("CREATE INDEX ix_items_search_vector ON items USING gin (search_vector)")
        op.execute("CREATE INDEX ix_items_recency ON items ((COALESCE(published, first_seen)), id)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_items_recency")
        op.execute("DROP INDEX IF EXISTS ix_items_search_vector")
        op.execute("ALTER TABLE items DROP COLUMN IF EXISTS search_vector")
