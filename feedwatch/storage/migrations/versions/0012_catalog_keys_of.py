"""Which canonicaliser worked out a stored catalogue's match keys.

Revision ID: 0012
Revises: 0011

`catalog_models.model_key` (and `family`, `alias_keys`, `alias_of_key`) are the canonical ids of
the model-name grammar that stored them. When the grammar learns a spelling (Azure's "gpt-35-turbo"
read as "gpt-3.5-turbo"), rows stored before would no longer meet the assets that name them until the
catalogue changed upstream. `keys_of` is the fingerprint of the canonicaliser that worked the keys
out (`lifecycle.names.fingerprint`); a catalogue whose keys are of another one is re-keyed from its
stored model ids on first use. NULL, as every catalogue stored before this revision, is another one.
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("catalogs") as batch:
        batch.add_column(sa.Column("keys_of", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("catalogs") as batch:
        batch.drop_column("keys_of")
