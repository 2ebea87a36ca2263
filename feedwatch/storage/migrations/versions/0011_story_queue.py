"""Story grouping's queue: the items not grouped yet, with what grouping needs of them.

Revision ID: 0011
Revises: 0010

A fetch stores each new item's grouping evidence (`evidence`: its keys, one per line, worked out in the
parse workers; NULL: work them out from the item) and title signature in `story_queue`, so that the
pass after the fetch reads these narrow rows instead of every new item, and writes only what joins
a story: an item alone in its story keeps `items.story_id` NULL (its story is its own id), where
0010 updated every new row. Items waiting for grouping at the upgrade are queued.
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


def downgrade() -> None:
    op.execute("UPDATE items SET story_id = NULL WHERE id IN (SELECT item_id FROM story_queue)")
    op.drop_table("story_queue")
