"""attempt.question_hashes: the digest of each drawn question, so pages of an unchanged question skip its snapshot

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27 18:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    # Attempts stored before this have none: they read their snapshots, as before.
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column("question_hashes", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("attempt") as batch:
        batch.drop_column("question_hashes")
