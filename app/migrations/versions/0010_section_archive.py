"""section archive: when an instructor archived a section (no new members or attempts; data kept)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 17:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
