"""Enrichment: AI summaries and tags on items, the enrichment log (also the LLM cache), asset links, LLM spend.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("ai_summary", sa.Text))
        batch.add_column(sa.Column("enrich_tags", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("relevance", sa.Float))
        batch.add_column(sa.Column("enrich_state", sa.Text, nullable=False, server_default="pending"))
        batch.add_column(sa.Column("enrich_error", sa.Text))
        batch.add_column(sa.Column("enrich_attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("enrich_after", sa.Text))
        batch.add_column(sa.Column("enriched_key", sa.Text))
    op.create_table(
        "enrichments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("cache_key", sa.Text, nullable=False),
        sa.Column("enricher", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False, server_default=""),
        sa.Column("prompt_version", sa.Text, nullable=False, server_default=""),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("tags", sa.Text, nullable=False, server_default="[]"),
        sa.Column("links", sa.Text, nullable=False, server_default="[]"),
        sa.Column("relevance", sa.Float),
        sa.Column("prompt_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("completion_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cost_usd", sa.Float, nullable=False, server_default="0"),
        sa.Column("latency_ms", sa.Integer, nullable=False, server_default="0"),
        sa.Column("dropped", sa.Text, nullable=False, server_default="{}"),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_index("ix_enrichments_cache_key", "enrichments", ["cache_key"])
    op.create_index("ix_enrichments_item_id", "enrichments", ["item_id"])
    op.create_table(
        "asset_links",
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("asset", sa.Text, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("score", sa.Float, nullable=False, server_default="0"),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="suggested"),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Text),
    )
    op.create_index("ix_asset_links_asset", "asset_links", ["asset"])
    op.create_table(
        "llm_spend",
        sa.Column("day", sa.Text, primary_key=True),
        sa.Column("cost_usd", sa.Float, nullable=False, server_default="0"),
        sa.Column("calls", sa.Integer, nullable=False, server_default="0"),
        sa.Column("prompt_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("completion_tokens", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("llm_spend")
    op.drop_table("asset_links")
    op.drop_table("enrichments")
    with op.batch_alter_table("items") as batch:
        for col in ("enriched_key", "enrich_after", "enrich_attempts", "enrich_error", "enrich_state",
                    "relevance", "enrich_tags", "ai_summary"):
            batch.drop_column(col)
