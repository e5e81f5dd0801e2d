"""Assignments: graded quizzes for a section, their rules, extensions, overrides and final scores."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from app import clock, randomness
from app.extensions import db
from app.models import Assignment, Attempt, Contest, Enrollment, Extension, ScoreOverride, Section, User
from app.services import audit, lti_grades
from course import attempts as lifecycle
from course import gradebook
from course.catalog import Course
from course.drawing import draw
from course.gradebook import COUNTING, AttemptScore
from course.model import Question
from course.qtypes import AUTO_GRADED, QUESTION_TYPES

POLICIES = ("after_submit", "after_due", "never")


class AssignmentError(ValueError):
    """An assignment request that cannot be honoured; the message is for the user."""


@dataclass(frozen=True)
class AssignmentSettings:
    """Everything an instructor sets for a graded quiz."""

    title: str
    lesson_ids: tuple[str, ...]
    objective_ids: tuple[str, ...]
    question_types: tuple[str, ...]
    num_questions: int
    opens_at: datetime
    due_at: datetime
    time_limit_minutes: int | None
    attempts_allowed: int
    counting: str
    points: float
    feedback_policy: str
    answers_policy: str
    grace_seconds: int = lifecycle.DEFAULT_GRACE_SECONDS


def pool(course: Course, lesson_ids, objective_ids, question_types) -> list[Question]:
    """The questions an assignment may draw from.

    No types chosen means every auto-graded type: an essay is drawn only when the instructor
    ticked it, since someone then has to grade every answer.
    """
    types = set(question_types) if question_types else set(AUTO_GRADED)
    return [
        q
        for q in course.questions
        if q.lesson in lesson_ids and (not objective_ids or q.objective in objective_ids) and q.type in types
    ]


def dropped_questions(assignment_id: int) -> set[str]:
    """Questions an instructor dropped from the assignment by resolving a contest: later attempts do not draw them."""
    stmt = (
        select(Contest.question_id)
        .join(Attempt, Attempt.id == Contest.attempt_id)
        .where(Attempt.assignment_id == assignment_id, Contest.status == "dropped")
    )
    return set(db.session.scalars(stmt))


def assignment_pool(course: Course, assignment: Assignment) -> list[Question]:
    """What an attempt at the assignment draws from: its settings' pool less the questions dropped from it."""
    dropped = dropped_questions(assignment.id)
    candidates = pool(course, assignment.lesson_ids, assignment.objective_ids, assignment.question_types)
    return [q for q in candidates if q.id not in dropped]


def check_settings(course: Course, s: AssignmentSettings) -> None:
    """Refuse settings that would make an unusable assignment, with a message saying why."""
    if not s.title.strip():
        raise AssignmentError("Give the assignment a title.")
    unknown = [i for i in s.lesson_ids if i not in course.lesson_by_id]
    if not s.lesson_ids or unknown:
        raise AssignmentError("Choose at least one lesson of the course.")
    objectives = {o.id for i in s.lesson_ids for o in course.lesson_by_id[i].meta.objectives}
    if any(o not in objectives for o in s.objective_ids):
        raise AssignmentError("Every chosen objective must belong to a chosen lesson.")
    if any(t not in QUESTION_TYPES for t in s.question_types):
        raise AssignmentError("Unknown question type.")
    available = len(pool(course, s.lesson_ids, s.objective_ids, s.question_types))
    if not 1 <= s.num_questions <= available:
        raise AssignmentError(f"Choose between 1 and {available} questions (that many match your choices).")
    if s.due_at <= s.opens_at:
        raise AssignmentError("The due date must be after the opening date.")
    if s.counting not in COUNTING or s.feedback_policy not in POLICIES or s.answers_policy not in POLICIES:
        raise AssignmentError("Choose one of the offered options.")
    if not 0 <= s.grace_seconds <= lifecycle.MAX_GRACE_SECONDS:
        raise AssignmentError(f"Grace must be between 0 and {lifecycle.MAX_GRACE_SECONDS} seconds.")
    if s.points <= 0 or s.attempts_allowed < 0:
        raise AssignmentError("Points must be positive and attempts zero (unlimited) or more.")


def create(actor: User, section: Section, course: Course, s: AssignmentSettings) -> Assignment:
    """Create an assignment for a section after checking its settings."""
    check_settings(course, s)
    assignment = Assignment(
        section_id=section.id,
        title=s.title.strip(),
        lesson_ids=list(s.lesson_ids),
        objective_ids=list(s.objective_ids),
        question_types=list(s.question_types),
        num_questions=s.num_questions,
        opens_at=s.opens_at,
        due_at=s.due_at,
        time_limit_minutes=s.time_limit_minutes,
        attempts_allowed=s.attempts_allowed,
        counting=s.counting,
        points=s.points,
        feedback_policy=s.feedback_policy,
        answers_policy=s.answers_policy,
        grace_seconds=s.grace_seconds,
        created_at=clock.now(),
    )
    db.session.add(assignment)
    audit.record(actor.id, "assignment.create", f"section {section.id}", title=assignment.title)
    db.session.commit()
    return assignment


def of_section(section_id: int) -> list[Assignment]:
    """A section's assignments by due date."""
    return list(db.session.scalars(select(Assignment).where(Assignment.section_id == section_id).order_by(Assignment.due_at)))


def extension_for(assignment: Assignment, user_id: int) -> Extension | None:
    """The learner's extension, if any."""
    return db.session.get(Extension, (assignment.id, user_id))


class _Unset(enum.Enum):
    """A sentinel for "not passed, load it", apart from None, which means "there is none"."""

    UNSET = enum.auto()


_UNSET: Final = _Unset.UNSET


def effective_due(assignment: Assignment, user_id: int, extension: Extension | None | Literal[_Unset.UNSET] = _UNSET) -> datetime:
    """The due date for this learner, after any extension (pass it if already loaded)."""
    ext = extension_for(assignment, user_id) if extension is _UNSET else extension
    return lifecycle.effective_due(clock.aware(assignment.due_at), clock.aware(ext.due_at) if ext else None)


def attempts(assignment: Assignment, user_id: int) -> list[Attempt]:
    """The learner's attempts at an assignment, oldest first."""
    stmt = select(Attempt).where(Attempt.assignment_id == assignment.id, Attempt.user_id == user_id).order_by(Attempt.started_at)
    return list(db.session.scalars(stmt))


def is_enrolled(user_id: int, section_id: int) -> bool:
    """Whether the learner is on the section's roster."""
    return db.session.get(Enrollment, (section_id, user_id)) is not None


def start_attempt(user: User, assignment: Assignment, course: Course) -> Attempt:
    """Open an attempt if the assignment is open, the learner enrolled and attempts remain.

    A second start while an attempt is open (a double click, two tabs, two devices) gets that
    attempt back. The database decides races: one open attempt per learner and assignment, and one
    row per attempt number, so two simultaneous starts can never get past `attempts_allowed`.
    """
    from app.services import quizzes

    now = clock.now()
    if not is_enrolled(user.id, assignment.section_id):
        raise AssignmentError("You are not in this assignment's section.")
    if assignment.archived_at is not None:
        raise AssignmentError("This assignment is archived: it can no longer be started.")
    if now < clock.aware(assignment.opens_at):
        raise AssignmentError("This assignment is not open yet.")
    quizzes.close_expired([assignment.id], user.id)
    extension = extension_for(assignment, user.id)
    due = effective_due(assignment, user.id, extension)
    previous = attempts(assignment, user.id)
    current = next((a for a in previous if a.submitted_at is None), None)
    if current is not None:
        current.resumed = True
        return current
    if now >= due:
        raise AssignmentError("This assignment is past its due date.")
    number = max((a.number or 0 for a in previous), default=0) + 1
    if assignment.attempts_allowed and number > assignment.attempts_allowed:
        raise AssignmentError("You have used every attempt this assignment allows.")
    seed = randomness.new_seed()
    questions = draw(assignment_pool(course, assignment), assignment.num_questions, seed)
    deadline = lifecycle.deadline_for(now, due, assignment.time_limit_minutes, extension.extra_minutes if extension else 0)
    attempt = Attempt(
        user_id=user.id,
        kind="assignment",
        assignment_id=assignment.id,
        title=assignment.title,
        seed=seed,
        question_ids=[q.id for q in questions],
        **quizzes.frozen_columns(questions, course),
        started_at=now,
        deadline=deadline,
        number=number,
        grace_seconds=assignment.grace_seconds,
        feedback_policy=assignment.feedback_policy,
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request opened an attempt (or used this number) first: hand that one back.
        db.session.rollback()
        current = db.session.scalar(
            select(Attempt).where(
                Attempt.assignment_id == assignment.id, Attempt.user_id == user.id, Attempt.submitted_at.is_(None)
            )
        )
        if current is not None:
            current.resumed = True
            return current
        raise AssignmentError("You have used every attempt this assignment allows.") from None
    return attempt


def released(policy: str, assignment: Assignment, user_id: int, submitted: bool = True) -> bool:
    """Whether a feedback or answers policy lets the learner see it now (see course.attempts.released)."""
    return lifecycle.released(policy, submitted, effective_due(assignment, user_id), clock.now())


def final_points(
    assignment: Assignment,
    user_id: int,
    attempt_rows: list[Attempt] | None = None,
    override: ScoreOverride | None | Literal[_Unset.UNSET] = _UNSET,
) -> tuple[float | None, str]:
    """The points that count for a learner, and why ("overridden", "graded", "in progress", "missing")."""
    manual = db.session.get(ScoreOverride, (assignment.id, user_id)) if override is _UNSET else override
    rows = attempts(assignment, user_id) if attempt_rows is None else attempt_rows
    scores = [
        AttemptScore(clock.aware(a.submitted_at), a.score or 0.0, (a.pending_grading or 0) > 0)
        for a in rows
        if a.submitted_at is not None
    ]
    return gradebook.final_points(
        assignment.points, assignment.counting, scores, manual.points if manual is not None else None, len(rows)
    )


@dataclass(frozen=True)
class ClassRecords:
    """Everything about one assignment for a whole roster, loaded in three queries (not three per learner)."""

    attempts: dict[int, list[Attempt]]
    overrides: dict[int, ScoreOverride]
    extensions: dict[int, Extension]

    def final_points(self, assignment: Assignment, user_id: int) -> tuple[float | None, str]:
        """final_points() from the preloaded rows."""
        return final_points(assignment, user_id, self.attempts.get(user_id, []), self.overrides.get(user_id))

    def effective_due(self, assignment: Assignment, user_id: int) -> datetime:
        """effective_due() from the preloaded rows."""
        return effective_due(assignment, user_id, self.extensions.get(user_id))


def class_records(assignment: Assignment) -> ClassRecords:
    """Load every attempt, override and extension of an assignment at once (closing overdue attempts first)."""
    from app.services.quizzes import close_expired

    close_expired([assignment.id])
    attempts: dict[int, list[Attempt]] = {}
    # Scores, times and counts only: the frozen question snapshots (large JSON) are not read here, so
    # they are not loaded (measured: decoding them was a fifth of a 500-learner dashboard).
    stmt = (
        select(Attempt)
        .where(Attempt.assignment_id == assignment.id)
        .order_by(Attempt.started_at)
        .options(defer(Attempt.questions), defer(Attempt.question_ids))
    )
    for attempt in db.session.scalars(stmt):
        attempts.setdefault(attempt.user_id, []).append(attempt)
    overrides = {
        o.user_id: o for o in db.session.scalars(select(ScoreOverride).where(ScoreOverride.assignment_id == assignment.id))
    }
    extensions = {e.user_id: e for e in db.session.scalars(select(Extension).where(Extension.assignment_id == assignment.id))}
    return ClassRecords(attempts, overrides, extensions)


def set_extension(actor: User, assignment: Assignment, user_id: int, extra_minutes: int, due_at: datetime | None) -> None:
    """Give a learner extra time and/or a later due date (replacing any earlier extension)."""
    if extra_minutes < 0 or (due_at is not None and due_at <= clock.aware(assignment.opens_at)):
        raise AssignmentError("Extra minutes must be zero or more and a new due date after the opening date.")
    ext = extension_for(assignment, user_id) or Extension(assignment_id=assignment.id, user_id=user_id)
    ext.extra_minutes, ext.due_at = extra_minutes, due_at
    db.session.add(ext)
    # An extension granted during an attempt moves that attempt's deadline too.
    due = lifecycle.effective_due(clock.aware(assignment.due_at), due_at)
    for attempt in attempts(assignment, user_id):
        if attempt.submitted_at is None:
            attempt.deadline = lifecycle.deadline_for(
                clock.aware(attempt.started_at), due, assignment.time_limit_minutes, extra_minutes
            )
    audit.record(
        actor.id,
        "extension.set",
        f"assignment {assignment.id}",
        user_id=user_id,
        extra_minutes=extra_minutes,
        due_at=due_at.isoformat() if due_at else None,
    )
    db.session.commit()


def override(actor: User, assignment: Assignment, user_id: int, new_points: float, reason: str) -> None:
    """Set a learner's score by hand; a reason is required and the change is audited."""
    reason = reason.strip()
    if not reason:
        raise AssignmentError("Give a reason for the override; it is kept in the audit log.")
    if not 0 <= new_points <= assignment.points:
        raise AssignmentError(f"The score must be between 0 and {assignment.points:g}.")
    before, _ = final_points(assignment, user_id)
    row = db.session.get(ScoreOverride, (assignment.id, user_id)) or ScoreOverride(assignment_id=assignment.id, user_id=user_id)
    row.points, row.reason, row.actor_id, row.created_at = new_points, reason[:500], actor.id, clock.now()
    db.session.add(row)
    audit.record(
        actor.id,
        "score.override",
        f"assignment {assignment.id}",
        user_id=user_id,
        before=before,
        after=new_points,
        reason=reason[:500],
    )
    lti_grades.grade_changed(assignment.id, [user_id])
    db.session.commit()


def for_student(user_id: int) -> list[tuple[Assignment, Section]]:
    """Every assignment of the student's sections, soonest due first (archived ones are hidden)."""
    stmt = (
        select(Assignment, Section)
        .join(Section, Section.id == Assignment.section_id)
        .join(Enrollment, Enrollment.section_id == Section.id)
        .where(Enrollment.user_id == user_id, Assignment.archived_at.is_(None))
        .order_by(Assignment.due_at)
    )
    return [(a, s) for a, s in db.session.execute(stmt)]
