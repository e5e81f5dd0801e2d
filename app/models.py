"""Database tables (SQLAlchemy 2.0 typed models). Minimal personal data by design."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import Model


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and read back as an aware UTC datetime, whatever the database's time zone.

    SQLAlchemy's documented recipe: SQLite keeps no offset (an aware non-UTC value would be stored
    as its wall-clock time), and PostgreSQL returns timestamptz in the session's zone, which a page
    labelled "UTC" would then show as if it were UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # the app's clock is aware; a naive value can only be UTC already
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, timezone-aware (evaluated per row, not at import)."""
    return datetime.now(UTC)


class Role(str, enum.Enum):
    """What a user may do; each role includes none of the others' pages."""

    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Human-readable name."""
        return self.value.capitalize()


class User(UserMixin, Model):
    """An account: an email, a password hash and a role. Nothing else about the person."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.STUDENT.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change so every other session of this account ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set with a temporary password (admin or `flask users set-password`): every page but the
    # change-password form is closed until the user picks their own. Migration 0005 defaults it to false.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def set_password(self, password: str) -> None:
        """Store a scrypt hash of the password (never the password)."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """Tell whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot log in (Flask-Login reads this)."""
        return self.active

    def get_id(self) -> str:
        """Session identity: id plus version, so a password change ends other sessions."""
        return f"{self.id}.{self.session_version}"

    @property
    def role_enum(self) -> Role:
        """The role as an enum."""
        return Role(self.role)

    def has_role(self, *roles: Role | str) -> bool:
        """Tell whether the user holds one of the roles."""
        return self.role in {Role(r).value for r in roles}


class UserSession(Model):
    """One log-in on one device: the SHA-256 of the cookie's token, a device label and two times (no IP)."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuestionRecord(Model):
    """The catalogue of question ids ever loaded (`flask course load`), with a hash of each version.

    Ids are never reused: a question removed from the bank stays here, marked retired. Answers
    refer to questions by id without a foreign key, so a bank deployed before `course load` runs
    never makes an answer fail to save.
    """

    __tablename__ = "question"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    lesson_id: Mapped[str] = mapped_column(String(80), index=True)
    objective_id: Mapped[str] = mapped_column(String(80))
    type: Mapped[str] = mapped_column(String(30))
    content_hash: Mapped[str] = mapped_column(String(64))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ContentVersion(Model):
    """The version of the course content `flask course load` last recorded (one row, id 1).

    Every process keeps the course it read from the release's files; it looks at this row every
    CONTENT_CHECK_SECONDS and reads its files again when the version changed, so a `course load`
    on one host reaches every worker of every host without a restart (app/services/content.py).
    """

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[str] = mapped_column(String(64))  # SHA-256 of the lessons folder and the bank file
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def _user_fk() -> ForeignKey:
    return ForeignKey("users.id", ondelete="CASCADE")


class LessonCompletion(Model):
    """A learner marked a lesson complete."""

    __tablename__ = "lesson_completion"

    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True)
    lesson_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Answer(Model):
    """One graded answer outside a quiz attempt (practice, review) or copied from a submitted quiz."""

    __tablename__ = "answer"
    __table_args__ = (
        Index("ix_answer_user_time", "user_id", "answered_at"),
        Index("uq_answer_user_nonce", "user_id", "nonce", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk())
    question_id: Mapped[str] = mapped_column(String(80), index=True)
    objective_id: Mapped[str] = mapped_column(String(80))
    mode: Mapped[str] = mapped_column(String(20))  # practice | review | quiz
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    score: Mapped[float] = mapped_column(Float)
    confidence: Mapped[str | None] = mapped_column(String(10), nullable=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The practice form's one-time token: a replayed submit finds the first answer instead of adding one.
    nonce: Mapped[str | None] = mapped_column(String(40), nullable=True)


class ReviewCard(Model):
    """The spaced-review schedule of one question for one learner (FSRS card state, in the app's own shape)."""

    __tablename__ = "review_card"
    __table_args__ = (Index("ix_review_card_user_due", "user_id", "due"),)

    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    # course.scheduling.CardState: {"v": 1, "state", "step", "stability", "difficulty", "due", "last_review"},
    # never fsrs's own to_dict() (rows from before migration 0008 had that shape and are still read).
    card: Mapped[Any] = mapped_column(JSON)
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    reviews: Mapped[int] = mapped_column(Integer, default=0)


class Attempt(Model):
    """A quiz attempt: the drawn questions as they were, their order seed, deadline and, once submitted, the score.

    The database holds the rules two requests could break at once: one open attempt per learner and
    assignment (a partial unique index) and one row per attempt number (so a double start cannot get
    past `attempts_allowed`). The rest of the lifecycle is `course.attempts`.
    """

    __tablename__ = "attempt"
    __table_args__ = (
        Index("ix_attempt_user_started", "user_id", "started_at"),
        Index("uq_attempt_assignment_user_number", "assignment_id", "user_id", "number", unique=True),
        Index(
            "uq_attempt_one_open",
            "assignment_id",
            "user_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
        Index(
            "ix_attempt_open_deadline",
            "deadline",
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
        CheckConstraint("pending_grading >= 0", name="pending_grading_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk())
    kind: Mapped[str] = mapped_column(String(20), default="mock")  # mock | assignment
    title: Mapped[str] = mapped_column(String(200))
    seed: Mapped[str] = mapped_column(String(40))
    question_ids: Mapped[Any] = mapped_column(JSON)
    feedback_policy: Mapped[str] = mapped_column(String(20), default="after_submit")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    timed_out: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0..1 share of the marks
    position: Mapped[int] = mapped_column(Integer, default=0)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), nullable=True, index=True)
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1, 2, ... per learner and assignment
    grace_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # {question id: snapshot}: the questions as drawn, so bank edits never change or break the attempt.
    # About 2 KB a question, so read only when asked for: a question still as drawn comes from the bank.
    questions: Mapped[Any] = mapped_column(JSON, nullable=True, deferred=True)
    # {question id: course.attempts.question_hash of the snapshot}: equal to the bank's digest exactly
    # when the bank's question is the one drawn. Every write of `questions` writes these too.
    question_hashes: Mapped[Any] = mapped_column(JSON, nullable=True)
    # Answered essays not graded yet: the attempt is "submitted, awaiting grading" while above 0.
    pending_grading: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Set (not stored) when a start request handed back the attempt already open.
    resumed = False

    @property
    def submitted(self) -> bool:
        """The attempt is closed (and graded, but for essays awaiting an instructor)."""
        return self.submitted_at is not None

    @property
    def awaiting_grading(self) -> bool:
        """Submitted with essays an instructor has not graded yet."""
        return self.submitted_at is not None and self.pending_grading > 0


class AttemptAnswer(Model):
    """The saved response to one question of an attempt, and once submitted its grade as given.

    The grade is data: score, parts and note are stored with the hash of the question version they
    were given against, read back by every page, and changed only by an audited regrade.
    """

    __tablename__ = "attempt_answer"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    parts: Mapped[Any] = mapped_column(JSON, nullable=True)
    note: Mapped[str | None] = mapped_column(String(300), nullable=True)
    question_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Graded by a person (essays): the level picked per rubric criterion, the comment, who graded.
    rubric: Mapped[Any] = mapped_column(JSON, nullable=True)
    comment: Mapped[str | None] = mapped_column(String(4000), nullable=True)
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class Section(Model):
    """A class an instructor runs; students join it with its code."""

    __tablename__ = "section"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    term: Mapped[str] = mapped_column(String(60), default="")
    instructor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    time_zone: Mapped[str] = mapped_column(
        String(64), default="UTC", server_default="UTC"
    )  # IANA name, for entering and showing times
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the instructor archives the section: no new members or attempts; its data and grades stay.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Enrollment(Model):
    """A student's membership of a section."""

    __tablename__ = "enrollment"

    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SectionRemoval(Model):
    """A student an instructor took off a section's roster: they cannot join it again until re-admitted.

    Kept apart from `enrollment` so that an enrollment row keeps meaning "a member now" for every
    query that reads rosters, grades and dashboards.
    """

    __tablename__ = "section_removal"

    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True, index=True)
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RetiredJoinCode(Model):
    """A join code a section had before it was replaced: it admits no one, but tells who tries what happened."""

    __tablename__ = "retired_join_code"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"), index=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assignment(Model):
    """A graded quiz set for a section, with its rules."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    lesson_ids: Mapped[Any] = mapped_column(JSON)
    objective_ids: Mapped[Any] = mapped_column(JSON)  # empty: every objective of the lessons
    question_types: Mapped[Any] = mapped_column(JSON)  # empty: every type
    num_questions: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=1)  # 0: unlimited
    counting: Mapped[str] = mapped_column(String(10), default="highest")  # highest | last | average | first
    points: Mapped[float] = mapped_column(Float, default=10)
    feedback_policy: Mapped[str] = mapped_column(String(20), default="after_submit")  # after_submit | after_due | never
    answers_policy: Mapped[str] = mapped_column(String(20), default="after_due")  # after_submit | after_due | never
    grace_seconds: Mapped[int] = mapped_column(Integer, default=30, server_default="30")  # answers this late still count
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when an instructor archives an assignment that has attempts (one without is deleted instead):
    # learners no longer see or start it; its grades stay in every export.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Extension(Model):
    """Extra time or a later due date for one learner on one assignment."""

    __tablename__ = "extension"

    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True)
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ScoreOverride(Model):
    """An instructor's manual score for one learner on one assignment, with the reason."""

    __tablename__ = "score_override"

    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True)
    points: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditLog(Model):
    """Who changed what: role changes, deactivations, score overrides, extensions, removals.

    People are named by id ("user 12"), never by email; `subject_id` is the person an entry is
    about. Deleting an account replaces its ids with a pseudonym (`app.services.audit.forget`).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    detail: Mapped[Any] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Contest(Model):
    """A learner's challenge to one question they answered: the reason, the paragraph that supports it, the outcome.

    It points at the graded attempt (an assignment or self-test) or the practice answer it is about;
    `section_id` says whose queue it sits in (none: admins only). Accepting or dropping regrades through
    the audited path (`app.services.contests`); the row keeps the instructor's response for the learner.
    """

    __tablename__ = "contest"
    __table_args__ = (
        Index("ix_contest_section_status", "section_id", "status"),
        Index("ix_contest_user_created", "user_id", "created_at"),
        CheckConstraint("status IN ('open', 'rejected', 'accepted', 'dropped')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk())
    question_id: Mapped[str] = mapped_column(String(80), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id", ondelete="SET NULL"), nullable=True, index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="SET NULL"), nullable=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id", ondelete="SET NULL"), nullable=True)
    reason: Mapped[str] = mapped_column(String(2000))
    paragraph: Mapped[str | None] = mapped_column(String(120), nullable=True)  # "reading-id#p12"
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    response: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    resolver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


# The LTI tool's tables live beside their code; importing them here puts them in the same metadata
# (migrations, create_all and the schema test see one set of tables).
from app.lti import models as _lti_models  # noqa: E402, F401
