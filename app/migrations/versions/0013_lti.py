"""lti: registered platforms, the tool's keys, linked accounts and contexts, line items, grade sync, launch state

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 18:43:21.190458

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lti_key",
        sa.Column("kid", sa.String(length=100), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_lti_key")),
    )
    op.create_table(
        "lti_launch_value",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_lti_launch_value")),
    )
    with op.batch_alter_table("lti_launch_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_launch_value_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "lti_platform",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("auth_login_url", sa.String(length=500), nullable=False),
        sa.Column("auth_token_url", sa.String(length=500), nullable=False),
        sa.Column("key_set_url", sa.String(length=500), nullable=False),
        sa.Column("auth_audience", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_platform")),
        sa.UniqueConstraint("issuer", "client_id", name="issuer_client"),
    )
    op.create_table(
        "lti_deployment",
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platform.id"], name=op.f("fk_lti_deployment_platform_id_lti_platform"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("platform_id", "deployment_id", name=op.f("pk_lti_deployment")),
    )
    op.create_table(
        "lti_identity",
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platform.id"], name=op.f("fk_lti_identity_platform_id_lti_platform"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lti_identity_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("platform_id", "sub", name=op.f("pk_lti_identity")),
    )
    with op.batch_alter_table("lti_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_identity_user_id"), ["user_id"], unique=False)

    op.create_table(
        "lti_context",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("memberships_url", sa.String(length=500), nullable=True),
        sa.Column("lineitems_url", sa.String(length=500), nullable=True),
        sa.Column("ags_scopes", sa.JSON(), nullable=True),
        sa.Column("roster_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platform.id"], name=op.f("fk_lti_context_platform_id_lti_platform"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["section.id"], name=op.f("fk_lti_context_section_id_section"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_context")),
        sa.UniqueConstraint("platform_id", "context_id", name="platform_context"),
    )
    with op.batch_alter_table("lti_context", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_context_section_id"), ["section_id"], unique=False)

    op.create_table(
        "lti_context_staff",
        sa.Column("context_pk", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_pk"], ["lti_context.id"], name=op.f("fk_lti_context_staff_context_pk_lti_context"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lti_context_staff_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("context_pk", "user_id", name=op.f("pk_lti_context_staff")),
    )
    with op.batch_alter_table("lti_context_staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_context_staff_user_id"), ["user_id"], unique=False)

    op.create_table(
        "lti_line_item",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("context_pk", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignment.id"], name=op.f("fk_lti_line_item_assignment_id_assignment"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["context_pk"], ["lti_context.id"], name=op.f("fk_lti_line_item_context_pk_lti_context"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("assignment_id", "context_pk", name=op.f("pk_lti_line_item")),
    )
    op.create_table(
        "lti_score_sync",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("context_pk", sa.Integer(), nullable=False),
        sa.Column("score_given", sa.Double(), nullable=True),
        sa.Column("score_maximum", sa.Double(), nullable=False),
        sa.Column("activity_progress", sa.String(length=20), nullable=False),
        sa.Column("grading_progress", sa.String(length=20), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f("ck_lti_score_sync_status_known")),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignment.id"], name=op.f("fk_lti_score_sync_assignment_id_assignment"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["context_pk"], ["lti_context.id"], name=op.f("fk_lti_score_sync_context_pk_lti_context"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lti_score_sync_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_score_sync")),
        sa.UniqueConstraint("assignment_id", "user_id", "context_pk", name="one_row"),
    )
    with op.batch_alter_table("lti_score_sync", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_score_sync_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index("ix_lti_score_sync_due", ["status", "next_try_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_lti_score_sync_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("lti_score_sync", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_score_sync_user_id"))
        batch_op.drop_index("ix_lti_score_sync_due")
        batch_op.drop_index(batch_op.f("ix_lti_score_sync_assignment_id"))

    op.drop_table("lti_score_sync")
    op.drop_table("lti_line_item")
    with op.batch_alter_table("lti_context_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_context_staff_user_id"))

    op.drop_table("lti_context_staff")
    with op.batch_alter_table("lti_context", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_context_section_id"))

    op.drop_table("lti_context")
    with op.batch_alter_table("lti_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_identity_user_id"))

    op.drop_table("lti_identity")
    op.drop_table("lti_deployment")
    op.drop_table("lti_platform")
    with op.batch_alter_table("lti_launch_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_launch_value_expires_at"))

    op.drop_table("lti_launch_value")
    op.drop_table("lti_key")
