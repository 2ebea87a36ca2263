"""Triage state per person (read, starred, hidden), and a change counter so every app sees others' writes.

Revision ID: 0005
Revises: 0004

In team mode several people share one database: what one of them has read or starred must not
change anybody else's inbox, while tags, asset links and experiments stay shared. So
`items.state` and `items.starred` move to `item_triage`, one row per (person, item) that someone
touched; an item without a row is unread, not starred, not hidden for that person. The states
already in the database are kept for the person who runs this upgrade (`user` in feeds.toml, else
the login name), so a single user's upgrade changes nothing they can see.

`db_changes` holds one counter, bumped by every write transaction (`Database.transaction`): an
open app polls it (one primary-key read) to notice a server-side fetch, an enrichment or a
colleague's changes without restarting. `PRAGMA data_version` would do on SQLite only.

SQLite: the columns are dropped with ALTER TABLE DROP COLUMN (3.35+), which keeps the table and
its search triggers; `ix_items_recency` covered them and is rebuilt without them first.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RECENCY_SQLITE = ("CREATE INDEX ix_items_recency ON items (COALESCE(published, first_seen), id, tags, "
                  "enrich_tags, user_tags)")
RECENCY_SQLITE_0003 = ("CREATE INDEX ix_items_recency ON items (COALESCE(published, first_seen), id, state, starred, "
                       "tags, enrich_tags, user_tags)")


def _person() -> str:
    person = context.config.attributes.get("person") if context.config is not None else None
    if person:
        return str(person)
    from feedwatch.identity import login_name
    return login_name()


def upgrade() -> None:
    op.create_table(
        "item_triage",
        sa.Column("person", sa.Text, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("read", sa.Integer, nullable=False, server_default="0"),
        sa.Column("starred", sa.Integer, nullable=False, server_default="0"),
        sa.Column("hidden", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_index("ix_item_triage_item_id", "item_triage", ["item_id"])
    op.get_bind().execute(
        sa.text("INSERT INTO item_triage (person, item_id, read, starred, hidden, updated_at) "
                "SELECT :person, id, CASE WHEN state = 'read' THEN 1 ELSE 0 END, starred, 0, :now FROM items "
                "WHERE state = 'read' OR starred <> 0"),
        {"person": _person(), "now": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")})
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_items_recency")
        op.execute("ALTER TABLE items DROP COLUMN state")
        op.execute("ALTER TABLE items DROP COLUMN starred")
        op.execute(RECENCY_SQLITE)
    else:
        op.drop_column("items", "state")
        op.drop_column("items", "starred")
    op.create_table(
        "db_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.BigInteger, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    """Back to shared state: an item is read (starred) if anybody had read (starred) it."""
    op.drop_table("db_changes")
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP INDEX IF EXISTS ix_items_recency")
        op.execute("ALTER TABLE items ADD COLUMN state TEXT NOT NULL DEFAULT 'unread'")
        op.execute("ALTER TABLE items ADD COLUMN starred INTEGER NOT NULL DEFAULT 0")
    else:
        op.add_column("items", sa.Column("state", sa.Text, nullable=False, server_default="unread"))
        op.add_column("items", sa.Column("starred", sa.Integer, nullable=False, server_default="0"))
    op.execute("UPDATE items SET state = 'read' WHERE id IN (SELECT item_id FROM item_triage WHERE read = 1)")
    op.execute("UPDATE items SET starred = 1 WHERE id IN (SELECT item_id FROM item_triage WHERE starred = 1)")
    if sqlite:
        op.execute(RECENCY_SQLITE_0003)
    op.drop_index("ix_item_triage_item_id", "item_triage")
    op.drop_table("item_triage")
