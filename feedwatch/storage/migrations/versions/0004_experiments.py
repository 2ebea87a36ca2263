"""Experiments (shared by the team) with their linked items, assets, run links and history; fetch failures.

Revision ID: 0004
Revises: 0003

`experiments.version` starts at 1 and is bumped by every change: updates are optimistic
(`UPDATE ... WHERE id = :id AND version = :expected`), so a second person saving an experiment
they read before someone else's change is told instead of silently overwriting it.
`experiment_history` keeps who changed what and when ("status proposed -> running").

`fetch_failures` is one row per failed fetch of a source (the weekly digest lists sources that
failed in a week; `sources` only keeps the latest attempt).
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("hypothesis", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text, nullable=False, server_default="proposed"),
        sa.Column("outcome", sa.Text),
        sa.Column("owner", sa.Text),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("results", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("closed_at", sa.Text),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    )
    op.create_index("ix_experiments_updated_at", "experiments", ["updated_at"])
    op.create_table(
        "experiment_items",
        sa.Column("experiment_id", sa.Integer, sa.ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_experiment_items_item_id", "experiment_items", ["item_id"])
    op.create_table(
        "experiment_assets",
        sa.Column("experiment_id", sa.Integer, sa.ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("asset", sa.Text, primary_key=True),
    )
    op.create_index("ix_experiment_assets_asset", "experiment_assets", ["asset"])
    op.create_table(
        "experiment_links",
        sa.Column("experiment_id", sa.Integer, sa.ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("added_at", sa.Text, nullable=False),
    )
    op.create_table(
        "experiment_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("experiment_id", sa.Integer, sa.ForeignKey("experiments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("who", sa.Text, nullable=False, server_default=""),
        sa.Column("what", sa.Text, nullable=False),
    )
    op.create_index("ix_experiment_history_experiment_id", "experiment_history", ["experiment_id"])
    op.create_index("ix_experiment_history_at", "experiment_history", ["at"])
    op.create_table(
        "fetch_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("error", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_fetch_failures_at", "fetch_failures", ["at"])


def downgrade() -> None:
    op.drop_table("fetch_failures")
    op.drop_table("experiment_history")
    op.drop_table("experiment_links")
    op.drop_table("experiment_assets")
    op.drop_table("experiment_items")
    op.drop_table("experiments")
