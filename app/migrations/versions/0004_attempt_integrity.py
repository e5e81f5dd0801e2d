"""attempt integrity: one open attempt, attempt numbers, graded answers with question versions, grace, section time zone

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 13:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN = sa.text("submitted_at IS NULL")


def upgrade():
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("grace_seconds", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("questions", sa.JSON(), nullable=True))
    with op.batch_alter_table("attempt_answer") as batch:
        batch.add_column(sa.Column("parts", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("note", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("question_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("answer") as batch:
        batch.add_column(sa.Column("nonce", sa.String(length=40), nullable=True))
    with op.batch_alter_table("assignment") as batch:
        batch.add_column(sa.Column("grace_seconds", sa.Integer(), server_default="30", nullable=False))
    with op.batch_alter_table("section") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False))

    # Number existing assignment attempts 1, 2, ... per learner in the order they were started.
    op.execute(
        sa.text(
            "UPDATE attempt SET number = (SELECT count(*) FROM attempt AS earlier "
            "WHERE earlier.assignment_id = attempt.assignment_id AND earlier.user_id = attempt.user_id "
            "AND (earlier.started_at < attempt.started_at OR (earlier.started_at = attempt.started_at AND earlier.id <= attempt.id))) "
            "WHERE assignment_id IS NOT NULL"
        )
    )
    # A race before this migration may have left two open attempts: keep the newest open, close the older at its start.
    op.execute(
        sa.text(
            "UPDATE attempt SET submitted_at = started_at, timed_out = true, score = 0 "
            "WHERE submitted_at IS NULL AND assignment_id IS NOT NULL AND EXISTS (SELECT 1 FROM attempt AS later "
            "WHERE later.assignment_id = attempt.assignment_id AND later.user_id = attempt.user_id "
            "AND later.submitted_at IS NULL AND later.id > attempt.id)"
        )
    )

    op.create_index("uq_attempt_assignment_user_number", "attempt", ["assignment_id", "user_id", "number"], unique=True)
    op.create_index(
        "uq_attempt_one_open", "attempt", ["assignment_id", "user_id"], unique=True, sqlite_where=OPEN, postgresql_where=OPEN
    )
    op.create_index("ix_attempt_open_deadline", "attempt", ["deadline"], sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index("uq_answer_user_nonce", "answer", ["user_id", "nonce"], unique=True)


def downgrade():
    op.drop_index("uq_answer_user_nonce", table_name="answer")
    op.drop_index("ix_attempt_open_deadline", table_name="attempt")
    op.drop_index("uq_attempt_one_open", table_name="attempt")
    op.drop_index("uq_attempt_assignment_user_number", table_name="attempt")
    with op.batch_alter_table("section") as batch:
        batch.drop_column("time_zone")
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("grace_seconds")
    with op.batch_alter_table("answer") as batch:
        batch.drop_column("nonce")
    with op.batch_alter_table("attempt_answer") as batch:
        batch.drop_column("graded_at")
        batch.drop_column("question_hash")
        batch.drop_column("note")
        batch.drop_column("parts")
    with op.batch_alter_table("attempt") as batch:
        batch.drop_column("questions")
        batch.drop_column("grace_seconds")
        batch.drop_column("number")
