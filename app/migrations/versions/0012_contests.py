"""contests: a learner's challenge to a question they answered, and its outcome

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 17:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("paragraph", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="open", nullable=False),
        sa.Column("response", sa.String(length=2000), nullable=True),
        sa.Column("resolver_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'rejected', 'accepted', 'dropped')", name=op.f("ck_contest_status_known")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_contest_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"], name=op.f("fk_contest_attempt_id_attempt"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["answer_id"], ["answer.id"], name=op.f("fk_contest_answer_id_answer"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["section_id"], ["section.id"], name=op.f("fk_contest_section_id_section"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["resolver_id"], ["users.id"], name=op.f("fk_contest_resolver_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest")),
    )
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contest_question_id"), ["question_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contest_attempt_id"), ["attempt_id"], unique=False)
        batch_op.create_index("ix_contest_section_status", ["section_id", "status"], unique=False)
        batch_op.create_index("ix_contest_user_created", ["user_id", "created_at"], unique=False)


def downgrade():
    op.drop_table("contest")
