"""Initial schema: sources (fetch health), items, and which source delivered which item.

Revision ID: 0001
Revises:
Timestamps are ISO 8601 UTC text ("YYYY-MM-DDTHH:MM:SSZ") and lists are JSON text, so that the
same SQL runs on SQLite and PostgreSQL and sorts correctly on both.
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False, server_default=""),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_attempt", sa.Text),
        sa.Column("last_success", sa.Text),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("consecutive_errors", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_due", sa.Text),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("guid", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("canonical_url", sa.Text),
        sa.Column("arxiv_id", sa.Text),
        sa.Column("arxiv_version", sa.Integer),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("content", sa.Text, nullable=False, server_default=""),
        sa.Column("authors", sa.Text, nullable=False, server_default="[]"),
        sa.Column("categories", sa.Text, nullable=False, server_default="[]"),
        sa.Column("extra", sa.Text, nullable=False, server_default="{}"),
        sa.Column("published", sa.Text),
        sa.Column("updated", sa.Text),
        sa.Column("first_seen", sa.Text, nullable=False),
        sa.Column("changed_at", sa.Text),
        sa.Column("change_note", sa.Text),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("tags", sa.Text, nullable=False, server_default="[]"),
        sa.Column("user_tags", sa.Text, nullable=False, server_default="[]"),
        sa.Column("state", sa.Text, nullable=False, server_default="unread"),
        sa.Column("starred", sa.Integer, nullable=False, server_default="0"),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_items_arxiv_id", "items", ["arxiv_id"], unique=True)
    op.create_index("ix_items_canonical_url", "items", ["canonical_url"])
    # list order (COALESCE(published, first_seen), id) gets its own index with the search objects in 0003;
    # every extra index here costs each of the thousands of inserts of a cold fetch
    op.create_table(
        "item_sources",
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("guid", sa.Text, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
    )
    op.create_index("ix_item_sources_item_id", "item_sources", ["item_id"])


def downgrade() -> None:
    op.drop_table("item_sources")
    op.drop_table("items")
    op.drop_table("sources")
