"""PostgreSQL: an index for tag:x searches (feed, enricher and user tags together).

Revision ID: 0007
Revises: 0006

Tags are JSON lists in three text columns; on PostgreSQL `tag:x` was a LOWER(...) LIKE over all
three, which no index serves, so a tag with few recent items meant testing row after row (450 ms
for `since:30d tag:paper` on 50,000 items). A GIN index (jsonb_path_ops) on the three lists joined
as one lower-cased jsonb array lets `tag:x` be a containment test (`@> '["x"]'`) that the planner
can combine with the recency index (2 ms for the same search).

The expression must stay identical to `TAG_SET` in storage/search.py: PostgreSQL only uses an
expression index for the same expression (tests/test_search.py checks the plan). Every writer
stores these columns with json.dumps, so the cast cannot fail.

SQLite: nothing to do (its search walks the recency index and tests the tags there).
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TAG_SET = ("CAST(LOWER(tags) AS jsonb) || CAST(LOWER(enrich_tags) AS jsonb) || "
           "CAST(LOWER(user_tags) AS jsonb)")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_items_tag_set ON items USING gin (({TAG_SET}) jsonb_path_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_items_tag_set")
