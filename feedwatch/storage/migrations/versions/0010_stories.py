"""Stories: the items that report the same thing, grouped (feedwatch/stories).

Revision ID: 0010
Revises: 0009

`items.story_id` is the id of the story an item belongs to (NULL until the grouping pass has seen it;
a lone item's story is its own id). `story_lead` marks the one item a list shows for its story,
`story_pinned` an item a person split out of or merged into a story by hand: grouping never moves
it again. `story_sig` is the title's signature (stories/titles.py): items whose titles may be
near-identical share it, so title matching looks up candidates by index; `story_links` says (set
when the item is stored) whether its text links a paper, so grouping reads only those bodies.
`story_keys` maps each piece of strong evidence (an arXiv id, a release, a model event) to the story
that has it, so a new item finds its story with one indexed lookup.

Items stored before this revision become stories of their own (no re-clustering on upgrade).
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("story_id", sa.Integer))
        batch.add_column(sa.Column("story_lead", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("story_pinned", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("story_sig", sa.Text))
        batch.add_column(sa.Column("story_links", sa.Integer, nullable=False, server_default="0"))
    op.execute("UPDATE items SET story_id = id")
    op.create_index("ix_items_story_id", "items", ["story_id"])
    op.create_index("ix_items_story_sig", "items", ["story_sig"])
    # the few items a list does not show (a story's other reports): lists exclude them cheaply
    op.create_index("ix_items_story_follower", "items", ["id"], sqlite_where=sa.text("story_lead = 0"),
                    postgresql_where=sa.text("story_lead = 0"))
    op.create_table(
        "story_keys",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("story_id", sa.Integer, nullable=False),
    )
    op.create_index("ix_story_keys_story_id", "story_keys", ["story_id"])


def downgrade() -> None:
    op.drop_index("ix_story_keys_story_id", table_name="story_keys")
    op.drop_table("story_keys")
    op.drop_index("ix_items_story_follower", table_name="items")
    op.drop_index("ix_items_story_sig", table_name="items")
    op.drop_index("ix_items_story_id", table_name="items")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("story_links")
        batch.drop_column("story_sig")
        batch.drop_column("story_pinned")
        batch.drop_column("story_lead")
        batch.drop_column("story_id")
