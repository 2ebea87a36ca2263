"""Full-text search over items: FTS5 on SQLite, a tsvector + GIN index on PostgreSQL.

Revision ID: 0003
Revises: 0002

SQLite: `items_fts` is an FTS5 table with its own copy of the indexed text (title, summary,
ai_summary, content, authors, and the three tag lists as one column). It is kept up to date
*lazily*: triggers on items only queue the changed id in `search_queue` (microseconds), and
`feedwatch.storage.search.sync_index` moves queued rows into the index in bulk before a search
(and in the background in the TUI). Indexing inside the ingest transaction cost ~0.6 ms an item
here, tripling a cold fetch and making every enrichment update re-index whole items; lemon24/reader
splits `update_search()` from `update_feeds()` for the same reason. Own content (not external)
is what lets a queued row be replaced by rowid without knowing what was indexed before.

PostgreSQL: a stored generated column `items.search_vector` (to_tsvector 'simple', weighted
title A, summaries B, authors/tags C, content D) with a GIN index; no trigger needed.

Both: `ix_items_recency`, an index in list order (COALESCE(published, first_seen), id), so a page
of results, newest first, is read from an index instead of sorting every match. On SQLite it also
covers the filter columns (state, starred, the tag lists): items rows are wide (content), and a
filter-only query such as `is:unread` or `tag:x` then never reads one (100k items: ~150 ms -> ~1 ms).

None of these objects is in the SQLModel classes: tests/test_storage.py filters them out when comparing
the schema with `models.py`. A later migration that *recreates* items (batch mode with a column
drop or type change on SQLite) must drop the triggers first, recreate them after, and queue every
item again (`INSERT INTO search_queue SELECT id FROM items`).
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FTS_COLUMNS = ("title", "summary", "ai_summary", "content", "authors", "tags")
INDEXED = ("title", "summary", "ai_summary", "content", "authors", "tags", "enrich_tags", "user_tags")


_QUEUE = "INSERT OR IGNORE INTO search_queue (item_id) VALUES"

SQLITE_UP = (
    # keep every statement free of ";\n" inside it: sqlite_baseline.sql is split on that
    "CREATE VIRTUAL TABLE items_fts USING fts5(" + ", ".join(FTS_COLUMNS) + ", "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TABLE search_queue (item_id INTEGER PRIMARY KEY)",
    f"CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN {_QUEUE} (new.id); END",
    f"CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN {_QUEUE} (old.id); END",
    f"CREATE TRIGGER items_fts_au AFTER UPDATE OF {', '.join(INDEXED)} ON items BEGIN {_QUEUE} (new.id); END",
    "INSERT INTO search_queue (item_id) SELECT id FROM items",
    "CREATE INDEX ix_items_recency ON items (COALESCE(published, first_seen), id, state, starred, tags, "
    "enrich_tags, user_tags)",
)
SQLITE_DOWN = (
    "DROP INDEX IF EXISTS ix_items_recency",
    "DROP TRIGGER IF EXISTS items_fts_au",
    "DROP TRIGGER IF EXISTS items_fts_ad",
    "DROP TRIGGER IF EXISTS items_fts_ai",
    "DROP TABLE IF EXISTS items_fts",
    "DROP TABLE IF EXISTS search_queue",
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
