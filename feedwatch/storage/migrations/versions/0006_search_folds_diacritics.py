"""PostgreSQL search folds diacritics ("cafe" finds "café", "muller" finds "Müller"), as FTS5 does on SQLite.

Revision ID: 0006
Revises: 0005

A text search configuration `feedwatch_fold`: the 'simple' parser and dictionary (no stemming,
no stop words, see 0003) with the `unaccent` dictionary in front for every word token, and a
function `feedwatch_tsconfig()` naming the configuration that the generated `items.search_vector`
and the search queries both use, so the two sides always split and fold text alike.

`unaccent` ships with PostgreSQL (contrib) and is a trusted extension, which the database's owner
may create. Where it cannot be created (not installed, no privilege), `feedwatch_tsconfig()` names
'simple' and search keeps working as before, without folding. The column is rebuilt either way
(PostgreSQL recomputes it for every row: a table rewrite, seconds for 100,000 items).

SQLite: nothing to do (FTS5's tokenizer has `remove_diacritics 2` since 0003).
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# 0003's column, with the configuration named by the function instead of 'simple'
VECTOR = (
    "setweight(to_tsvector(feedwatch_tsconfig(), title), 'A') || "
    "setweight(to_tsvector(feedwatch_tsconfig(), COALESCE(ai_summary, '') || ' ' || summary), 'B') || "
    "setweight(to_tsvector(feedwatch_tsconfig(), authors || ' ' || tags || ' ' || enrich_tags || ' ' || user_tags), "
    "'C') || setweight(to_tsvector(feedwatch_tsconfig(), left(content, 100000)), 'D')"
)
# 0003's column, to go back to
VECTOR_0003 = (
    "setweight(to_tsvector('simple', title), 'A') || "
    "setweight(to_tsvector('simple', COALESCE(ai_summary, '') || ' ' || summary), 'B') || "
    "setweight(to_tsvector('simple', authors || ' ' || tags || ' ' || enrich_tags || ' ' || user_tags), 'C') || "
    "setweight(to_tsvector('simple', left(content, 100000)), 'D')"
)
WORD_TOKENS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart"


def _rebuild_column(vector: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_items_search_vector")
    op.execute("ALTER TABLE items DROP COLUMN IF EXISTS search_vector")
    op.execute(f"ALTER TABLE items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED")
    op.execute("CREATE INDEX ix_items_search_vector ON items USING gin (search_vector)")


def _fold_configuration(bind: Any) -> bool:
    """Create unaccent (if need be) and `feedwatch_fold`; False, with nothing changed, if that fails.

    The dictionary is named with its schema: the extension may live in a schema other than ours.
    """
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
        schema = bind.execute(sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'")).scalar_one()
        bind.execute(sa.text("DROP TEXT SEARCH CONFIGURATION IF EXISTS feedwatch_fold"))
        bind.execute(sa.text("CREATE TEXT SEARCH CONFIGURATION feedwatch_fold (COPY = simple)"))
        dictionary = '"' + schema.replace('"', '""') + '".unaccent'
        bind.execute(sa.text(f"ALTER TEXT SEARCH CONFIGURATION feedwatch_fold ALTER MAPPING FOR {WORD_TOKENS} "
                             f"WITH {dictionary}, simple"))
    except sa.exc.DBAPIError:   # not installed, or not ours to create: search keeps 'simple'
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    config = "feedwatch_fold" if _fold_configuration(bind) else "simple"
    op.execute("CREATE OR REPLACE FUNCTION feedwatch_tsconfig() RETURNS regconfig LANGUAGE sql IMMUTABLE "
               f"AS $$ SELECT '{config}'::regconfig $$")
    _rebuild_column(VECTOR)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _rebuild_column(VECTOR_0003)
    op.execute("DROP FUNCTION IF EXISTS feedwatch_tsconfig()")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS feedwatch_fold")
