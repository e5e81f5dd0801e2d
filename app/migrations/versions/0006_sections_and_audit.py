"""sections and audit: removals that stick, pseudonymous audit

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 13:30:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "section_removal",
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["section_id"], ["section.id"], name=op.f("fk_section_removal_section_id_section"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_section_removal_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("section_id", "user_id", name=op.f("pk_section_removal")),
    )
    with op.batch_alter_table("section_removal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_section_removal_user_id"), ["user_id"], unique=False)

    op.create_table(
        "retired_join_code",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["section_id"], ["section.id"], name=op.f("fk_retired_join_code_section_id_section"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_retired_join_code")),
    )
    with op.batch_alter_table("retired_join_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retired_join_code_section_id"), ["section_id"], unique=False)

    # Nullable, so existing rows need no default; the data step below fills it where it can.
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_subject_id"), ["subject_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_log_subject_id_users"), "users", ["subject_id"], ["id"], ondelete="SET NULL"
        )

    _audit_by_id()


def _audit_by_id():
    """Rewrite entries that name people by email: by id if the account exists, else by a pseudonym.

    Before 0006, role changes and deactivations put the email in `target`, removals put it in
    `detail`, and entries about accounts already deleted kept their `user_id` and override reason.
    """
    conn = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String))
    audit = sa.table(
        "audit_log",
        sa.column("id", sa.Integer),
        sa.column("target", sa.String),
        sa.column("detail", sa.JSON),
        sa.column("subject_id", sa.Integer),
    )
    ids = {email.strip().lower(): uid for uid, email in conn.execute(sa.select(users.c.id, users.c.email))}
    existing = set(ids.values())
    names = {}

    def gone(key):
        return names.setdefault(key, f"deleted user #{secrets.token_hex(4)}")

    for row_id, target, stored in conn.execute(sa.select(audit.c.id, audit.c.target, audit.c.detail)).all():
        if not isinstance(stored, dict):
            continue
        detail = dict(stored)
        new_target, subject, forgotten = target, None, False
        if "@" in target:
            key = target.strip().lower()
            subject = ids.get(key)
            new_target = f"user {subject}" if subject else gone(key)
            forgotten = subject is None
        email = detail.pop("email", None)
        if isinstance(email, str) and email:
            uid = ids.get(email.strip().lower())
            detail["user_id"] = uid if uid else gone(email.strip().lower())
            forgotten = forgotten or uid is None
        uid = detail.get("user_id")
        if isinstance(uid, int) and not isinstance(uid, bool):
            if uid in existing:
                subject = subject or uid
            else:
                detail["user_id"], forgotten = gone(uid), True
        if forgotten and "reason" in detail:
            detail["reason"] = None  # free text written about someone who has deleted their account
        if (new_target, detail, subject) != (target, stored, None):
            conn.execute(audit.update().where(audit.c.id == row_id).values(target=new_target, detail=detail, subject_id=subject))


def downgrade():
    # The ids and pseudonyms written by upgrade stay: emails of deleted accounts are gone for good.
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_log_subject_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audit_log_subject_id"))
        batch_op.drop_column("subject_id")

    with op.batch_alter_table("retired_join_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retired_join_code_section_id"))

    op.drop_table("retired_join_code")
    with op.batch_alter_table("section_removal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_section_removal_user_id"))

    op.drop_table("section_removal")
