"""essay grading: rubric levels, comment and grader per answer; how many essays an attempt awaits

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attempt_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rubric", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("comment", sa.String(length=4000), nullable=True))
        batch_op.add_column(sa.Column("grader_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_attempt_answer_grader_id_users"), "users", ["grader_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_grading", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint(batch_op.f("ck_attempt_pending_grading_not_negative"), "pending_grading >= 0")


def downgrade():
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_attempt_pending_grading_not_negative"), type_="check")
        batch_op.drop_column("pending_grading")
    with op.batch_alter_table("attempt_answer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_attempt_answer_grader_id_users"), type_="foreignkey")
        batch_op.drop_column("grader_id")
        batch_op.drop_column("comment")
        batch_op.drop_column("rubric")
