"""Model lifecycle: the catalogues' data, migration proposals, and experiments with a due date.

Revision ID: 0008
Revises: 0007

`catalogs` is one row per configured catalogue with its fetch state (the same fields a source
has), `catalog_models` what each says of each model, replaced whole by a successful update, so a
catalogue that breaks keeps its last good data. `model_key` is `mentions.catalog_key(model_id)`, what
assets match on; `family`, `alias_keys` and `alias_of_key` are worked out when the catalogue is read
too, so reading needs no canonicaliser (lifecycle/names.py says why). `lifecycle_proposals` remembers which
(asset, model) already got a migration
experiment, so none is proposed twice, even after it was closed or deleted; its primary key makes
two concurrent `stack --propose` runs create one. `experiments.due` is a YYYY-MM-DD or NULL.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogs",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False, server_default=""),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_attempt", sa.Text),
        sa.Column("last_success", sa.Text),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("consecutive_errors", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_due", sa.Text),
        sa.Column("models", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "catalog_models",
        sa.Column("catalog", sa.Text, sa.ForeignKey("catalogs.name", ondelete="CASCADE"), primary_key=True),
        sa.Column("provider", sa.Text, primary_key=True),
        sa.Column("model_id", sa.Text, primary_key=True),
        sa.Column("model_key", sa.Text, nullable=False),
        sa.Column("status", sa.Text),
        sa.Column("deprecation_date", sa.Text),
        sa.Column("shutdown_date", sa.Text),
        sa.Column("earliest_shutdown", sa.Text),
        sa.Column("replacement", sa.Text),
        sa.Column("release_date", sa.Text),
        sa.Column("source_url", sa.Text),
        sa.Column("aliases", sa.Text, nullable=False, server_default="[]"),
        sa.Column("alias_of", sa.Text),
        sa.Column("family", sa.Text),
        sa.Column("alias_keys", sa.Text, nullable=False, server_default="[]"),
        sa.Column("alias_of_key", sa.Text),
    )
    op.create_index("ix_catalog_models_key", "catalog_models", ["model_key"])
    op.create_table(
        "lifecycle_proposals",
        sa.Column("asset", sa.Text, primary_key=True),
        sa.Column("model", sa.Text, primary_key=True),
        sa.Column("experiment_id", sa.Integer, sa.ForeignKey("experiments.id", ondelete="SET NULL")),
        sa.Column("shutdown_date", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    with op.batch_alter_table("experiments") as batch:
        batch.add_column(sa.Column("due", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.drop_column("due")
    op.drop_table("lifecycle_proposals")
    op.drop_index("ix_catalog_models_key", table_name="catalog_models")
    op.drop_table("catalog_models")
    op.drop_table("catalogs")
