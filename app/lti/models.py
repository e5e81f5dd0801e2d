"""Tables of the LTI 1.3 tool: registered platforms, the tool's keys, linked accounts and contexts, grade sync.

A platform is an LMS registration (issuer + client id) with its deployments. An account is linked
to a platform's user by (platform, sub), never by email, so an LMS cannot claim an existing local
account. A context (an LMS course) maps to one section. Grades to post sit in `lti_score_sync`, one
row per learner, assignment and context holding the latest score (an outbox written in the same
transaction as the grade, delivered after commit and retried with backoff).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models import UTCDateTime, utcnow


class LtiPlatform(Model):
    """An LMS registration: where to send logins and token requests and where its signing keys are."""

    __tablename__ = "lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="issuer_client"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    key_set_url: Mapped[str] = mapped_column(String(500))
    auth_audience: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiDeployment(Model):
    """A deployment id the platform may launch with (an LMS can install the tool more than once)."""

    __tablename__ = "lti_deployment"

    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"), primary_key=True)
    deployment_id: Mapped[str] = mapped_column(String(255), primary_key=True)


class LtiKey(Model):
    """One of the tool's RSA signing keys; the newest unretired one signs, retired ones stay published a while."""

    __tablename__ = "lti_key"

    kid: Mapped[str] = mapped_column(String(100), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LtiIdentity(Model):
    """An account linked to a platform's user id (`sub`)."""

    __tablename__ = "lti_identity"

    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"), primary_key=True)
    sub: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class LtiContext(Model):
    """An LMS course linked to a section, with the service endpoints its launches announced."""

    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("platform_id", "context_id", name="platform_context"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"), index=True)
    deployment_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    memberships_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    lineitems_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    ags_scopes: Mapped[Any] = mapped_column(JSON, nullable=True)
    roster_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LtiContextStaff(Model):
    """Someone the LMS says teaches this context: they may manage its section (that section only)."""

    __tablename__ = "lti_context_staff"

    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class LtiLineItem(Model):
    """The LMS gradebook column of an assignment in a context."""

    __tablename__ = "lti_line_item"

    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str] = mapped_column(String(500))


class LtiScoreSync(Model):
    """The latest score of one learner's assignment to post to one context's line item, and how posting went."""

    __tablename__ = "lti_score_sync"
    __table_args__ = (
        UniqueConstraint("assignment_id", "user_id", "context_pk", name="one_row"),
        Index("ix_lti_score_sync_due", "status", "next_try_at"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    context_pk: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    score_given: Mapped[float | None] = mapped_column(nullable=True)
    score_maximum: Mapped[float] = mapped_column()
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)


class LtiLaunchValue(Model):
    """Short-lived launch state (OIDC state parameters, nonces, launch data), shared by every worker and host."""

    __tablename__ = "lti_launch_value"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
