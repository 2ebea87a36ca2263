"""Notifications: the ledger of what was sent to which target, and each target's last delivery.

Revision ID: 0009
Revises: 0008

`notifications` has one row per (target, event): its primary key is what makes delivery
exactly-once, even for two concurrent `notify` runs on a shared database. A run inserts the
events it found and claims them (`state` pending -> sending, with a lease in `claim_until`) in one
transaction; only the run whose update changed the row sends it. A failed delivery goes back to
pending with `next_attempt` pushed out (backoff). `notify_targets` keeps, per target name, when it
was first seen (what counts as new for it) and its last delivery and error, for the sources
screen. Neither table ever holds a target's URL: they name a target by its `name`.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notify_targets",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("since", sa.Text, nullable=False),
        sa.Column("last_attempt", sa.Text),
        sa.Column("last_sent", sa.Text),
        sa.Column("last_error", sa.Text),
    )
    op.create_table(
        "notifications",
        sa.Column("target", sa.Text, primary_key=True),
        sa.Column("event", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt", sa.Text),
        sa.Column("claim_until", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("sent_at", sa.Text),
    )
    op.create_index("ix_notifications_state", "notifications", ["target", "state"])


def downgrade() -> None:
    op.drop_index("ix_notifications_state", table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("notify_targets")
