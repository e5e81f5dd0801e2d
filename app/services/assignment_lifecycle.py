"""An assignment's life after it is created: edit (with the settings attempts fix), duplicate,
delete or archive, and release its answers now. Every change is audited.

Why some settings lock: once a learner has attempted an assignment, its lessons, objectives,
types, number of questions, time limit and counting decide what every attempt was drawn from and
how it counts. Changing them would grade later attempts on other terms than earlier ones, so
they stay as they were; everything else (title, dates, points, policies, grace, attempts
allowed) can still change.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Assignment, Attempt, Section, User
from app.services import audit
from app.services.assignments import AssignmentError, AssignmentSettings, check_settings, create, extension_for
from course import attempts as lifecycle
from course.catalog import Course

# Settings fixed once an attempt exists, with the words the edit page uses for them.
LOCKED = {
    "lesson_ids": "lessons covered",
    "objective_ids": "objectives",
    "question_types": "question types",
    "num_questions": "number of questions",
    "time_limit_minutes": "time limit",
    "counting": "which attempt counts",
}
_EDITABLE = ("title", "opens_at", "due_at", "attempts_allowed", "points", "feedback_policy", "answers_policy", "grace_seconds")


def settings_of(assignment: Assignment) -> AssignmentSettings:
    """The assignment's current settings."""
    return AssignmentSettings(
        title=assignment.title,
        lesson_ids=tuple(assignment.lesson_ids),
        objective_ids=tuple(assignment.objective_ids or ()),
        question_types=tuple(assignment.question_types or ()),
        num_questions=assignment.num_questions,
        opens_at=clock.aware(assignment.opens_at),
        due_at=clock.aware(assignment.due_at),
        time_limit_minutes=assignment.time_limit_minutes,
        attempts_allowed=assignment.attempts_allowed,
        counting=assignment.counting,
        points=assignment.points,
        feedback_policy=assignment.feedback_policy,
        answers_policy=assignment.answers_policy,
        grace_seconds=assignment.grace_seconds,
    )


def attempt_count(assignment: Assignment) -> int:
    """How many attempts (open or submitted) the assignment has."""
    return db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.assignment_id == assignment.id)) or 0


def most_attempts_used(assignment: Assignment) -> int:
    """The most attempts any one learner has used."""
    return db.session.scalar(select(func.max(Attempt.number)).where(Attempt.assignment_id == assignment.id)) or 0


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def update(actor: User, assignment: Assignment, course: Course, new: AssignmentSettings) -> dict[str, tuple[Any, Any]]:
    """Change an assignment's settings; with attempts, the locked ones must stay as they were. Return what changed."""
    old = settings_of(assignment)
    new = replace(new, title=new.title.strip())
    if attempt_count(assignment):
        moved = [words for name, words in LOCKED.items() if _plain(getattr(new, name)) != _plain(getattr(old, name))]
        if moved:
            raise AssignmentError(
                f"Learners have attempted this assignment, so its {', '.join(moved)} can no longer change: "
                "every attempt must be drawn and counted on the same terms."
            )
        used = most_attempts_used(assignment)
        if new.attempts_allowed and new.attempts_allowed < used:
            raise AssignmentError(f"A learner has already used {used} attempts: allow at least {used} (or 0, unlimited).")
    check_settings(course, new)
    changed = {
        name: (getattr(old, name), getattr(new, name))
        for name in (*_EDITABLE, *LOCKED)
        if _plain(getattr(old, name)) != _plain(getattr(new, name))
    }
    if not changed:
        return {}
    for name, (_, after) in changed.items():
        setattr(assignment, name, list(after) if isinstance(after, tuple) else after)
    if {"due_at", "grace_seconds"} & changed.keys():
        _move_open_attempts(assignment)
    audit.record(
        actor.id,
        "assignment.edit",
        f"assignment {assignment.id}",
        changes={name: {"before": _plain(b), "after": _plain(a)} for name, (b, a) in changed.items()},
    )
    db.session.commit()
    return changed


def _move_open_attempts(assignment: Assignment) -> None:
    """A new due date or grace reaches attempts in progress at once, as an extension does."""
    stmt = select(Attempt).where(Attempt.assignment_id == assignment.id, Attempt.submitted_at.is_(None))
    for attempt in db.session.scalars(stmt):
        extension = extension_for(assignment, attempt.user_id)
        due = lifecycle.effective_due(clock.aware(assignment.due_at), clock.aware(extension.due_at) if extension else None)
        attempt.deadline = lifecycle.deadline_for(
            clock.aware(attempt.started_at), due, assignment.time_limit_minutes, extension.extra_minutes if extension else 0
        )
        attempt.grace_seconds = assignment.grace_seconds


def duplicate(actor: User, assignment: Assignment, target: Section, course: Course) -> Assignment:
    """A copy of the assignment's settings, titled "… (copy)", in the target section, without attempts."""
    suffix = " (copy)"
    title = assignment.title[: 200 - len(suffix)] + suffix
    copy = create(actor, target, course, replace(settings_of(assignment), title=title))
    audit.record(actor.id, "assignment.duplicate", f"assignment {copy.id}", source=assignment.id, section=target.id)
    db.session.commit()
    return copy


def delete(actor: User, assignment: Assignment) -> None:
    """Delete an assignment nobody attempted (its extensions and overrides go with it)."""
    if attempt_count(assignment):
        raise AssignmentError("Learners have attempted this assignment, so it cannot be deleted; archive it instead.")
    audit.record(
        actor.id, "assignment.delete", f"section {assignment.section_id}", assignment=assignment.id, title=assignment.title
    )
    db.session.delete(assignment)
    db.session.commit()


def set_archived(actor: User, assignment: Assignment, archived: bool) -> None:
    """Archive (learners no longer see or start it; grades stay in exports) or restore an assignment."""
    if archived == (assignment.archived_at is not None):
        return
    assignment.archived_at = clock.now() if archived else None
    audit.record(actor.id, "assignment.archive" if archived else "assignment.restore", f"assignment {assignment.id}")
    db.session.commit()


def answers_released_now(assignment: Assignment) -> bool:
    """Whether a learner who submitted already sees feedback and answers."""
    return assignment.feedback_policy == assignment.answers_policy == "after_submit"


def release_answers_now(actor: User, assignment: Assignment) -> bool:
    """Show feedback and answers to every learner with a submitted attempt from now on; False if already so."""
    if answers_released_now(assignment):
        return False
    before = {"feedback_policy": assignment.feedback_policy, "answers_policy": assignment.answers_policy}
    assignment.feedback_policy = assignment.answers_policy = "after_submit"
    audit.record(
        actor.id,
        "assignment.release_answers",
        f"assignment {assignment.id}",
        before=before,
        after={"feedback_policy": "after_submit", "answers_policy": "after_submit"},
    )
    db.session.commit()
    return True
