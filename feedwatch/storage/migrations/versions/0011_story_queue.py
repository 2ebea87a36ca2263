"""Story grouping's queue: the items not grouped yet, with what grouping needs of them.

Revision ID: 0011
Revises: 0010

A fetch stores each new item's grouping evidence (`evidence`: its keys, one per line, worked out in the
parse workers; NULL: work them out from the item) and title signature in `story_queue`, so that the
pass after the fetch reads these narrow rows instead of every new item, and writes only what joins
a story: an item alone in its story keeps `items.story_id` NULL (its story is its own id), where
0010 updated every new row. Items waiting for grouping at the upgrade are queued.

The indexes on story_id, story_sig and arxiv_id leave NULL out (partial indexes): most items have
none of them, and every insert paid for an index entry no query looks up (~5% of storing an item).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_queue",
        sa.Column("item_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("published", sa.Text, nullable=False),
        sa.Column("sig", sa.Text),
        sa.Column("evidence", sa.Text),
    )
    op.execute("INSERT INTO story_queue (item_id, published, sig) "
               "SELECT id, COALESCE(published, first_seen), story_sig FROM items WHERE story_id IS NULL")
    for name, column, unique in _PARTIAL:
        op.drop_index(name, table_name="items")
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "items", [column], unique=unique, sqlite_where=where, postgresql_where=where)


_PARTIAL = (("ix_items_story_id", "story_id", False), ("ix_items_story_sig", "story_sig", False),
            ("ix_items_arxiv_id", "arxiv_id", True))


def downgrade() -> None:
    for name, column, unique in _PARTIAL:
        op.drop_index(name, table_name="items")
        op.create_index(name, "items", [column], unique=unique)
    op.execute("UPDATE items SET story_id = id WHERE story_id IS NULL")      # 0010: NULL meant not grouped
    op.execute("UPDATE items SET story_id = NULL WHERE id IN (SELECT item_id FROM story_queue)")
    op.drop_table("story_queue")
