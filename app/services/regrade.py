"""Regrading: an explicit, audited instructor action that moves one question of an assignment to today's bank.

Grades are data (stored with the question version they were given against), so a key fixed in the
bank changes nothing until an instructor looks at the before/after and confirms. Applying it
updates each submitted attempt's stored grade for that question, its frozen copy of the question,
and its total, in one transaction, and writes one audit entry with the changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from app import clock
from app.extensions import db
from app.models import Assignment, Attempt, AttemptAnswer, User
from app.services import audit, lti_grades
from app.services.quizzes import questions_of
from course import attempts as lifecycle
from course.catalog import Course
from course.grading import Grade, grade
from course.model import Question
from course.qtypes import type_of
from course.responses import from_json


class RegradeError(ValueError):
    """A regrade that cannot be done; the message is for the instructor."""


@dataclass(frozen=True)
class Change:
    """One attempt's grade for the question, and its total, before and after."""

    attempt: Attempt
    learner: User
    row: AttemptAnswer
    graded: Grade  # the new grade of the stored response
    before: float  # the question's stored score when the plan was made
    total_before: float
    total_after: float

    @property
    def after(self) -> float:
        """The question's score against today's version."""
        return self.graded.score

    @property
    def changed(self) -> bool:
        """The question's score moves."""
        return abs(self.before - self.after) > 1e-9


@dataclass(frozen=True)
class Plan:
    """What a regrade of one question across an assignment would change."""

    question: Question
    changes: list[Change]

    @property
    def changed(self) -> list[Change]:
        """Only the attempts whose score moves."""
        return [c for c in self.changes if c.changed]


def outdated_questions(assignment: Assignment, course: Course) -> dict[str, int]:
    """Question ids graded against another version than today's bank, with how many attempts each."""
    # Essays are graded by people, in the grading queue: a bank edit never regrades them.
    current = {q.id: course.question_hash_by_id[q.id] for q in course.self_graded}
    stmt = (
        select(AttemptAnswer.question_id, AttemptAnswer.question_hash)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(
            Attempt.assignment_id == assignment.id, Attempt.submitted_at.is_not(None), AttemptAnswer.question_hash.is_not(None)
        )
    )
    counts: dict[str, int] = {}
    for qid, digest in db.session.execute(stmt):
        if qid in current and digest != current[qid]:
            counts[qid] = counts.get(qid, 0) + 1
    return counts


def plan(assignment: Assignment, question_id: str, course: Course) -> Plan:
    """The before/after of regrading `question_id` in every submitted attempt of the assignment."""
    question = course.question_by_id.get(question_id)
    if question is None:
        raise RegradeError("That question is no longer in the bank, so there is no new version to regrade against.")
    if not type_of(question).auto_graded:
        raise RegradeError("Essays are graded by people: open the essay in the grading queue and grade it again.")
    submitted = (Attempt.assignment_id == assignment.id) & Attempt.submitted_at.is_not(None)
    stmt = (
        select(Attempt, AttemptAnswer, User)
        .join(AttemptAnswer, AttemptAnswer.attempt_id == Attempt.id)
        .join(User, User.id == Attempt.user_id)
        .where(submitted, AttemptAnswer.question_id == question_id)
        .order_by(User.email, Attempt.number)
        .options(undefer(Attempt.questions))  # `apply` rewrites every attempt's snapshots: read them here, not one by one
    )
    found = list(db.session.execute(stmt))
    # The other questions' stored scores, summed per attempt in one query (not one per attempt).
    others: dict[int, float | None] = {  # SUM of only NULL scores (ungraded essays) is NULL
        attempt_id: total
        for attempt_id, total in db.session.execute(
            select(AttemptAnswer.attempt_id, func.sum(AttemptAnswer.score))
            .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
            .where(submitted, AttemptAnswer.question_id != question_id)
            .group_by(AttemptAnswer.attempt_id)
        )
    }
    changes = []
    for attempt, row, learner in found:
        graded = grade(question, from_json(question, row.response))
        count = len(attempt.question_ids)
        total_after = round(((others.get(attempt.id) or 0.0) + graded.score) / count, 4) if count else 0.0
        changes.append(Change(attempt, learner, row, graded, row.score or 0.0, attempt.score or 0.0, total_after))
    return Plan(question, changes)


def apply(actor: User, assignment: Assignment, question_id: str, course: Course) -> Plan:
    """Regrade the question in every submitted attempt of the assignment, in one audited transaction."""
    result = plan(assignment, question_id, course)
    now = clock.now()
    digest = course.question_hash_by_id[question_id]  # result.question is the bank's
    for change in result.changes:
        attempt, row, graded = change.attempt, change.row, change.graded
        row.score, row.parts, row.note = graded.score, list(graded.parts), graded.note
        row.question_hash, row.graded_at = digest, now
        frozen = dict(attempt.questions or {q.id: lifecycle.snapshot(q) for q in questions_of(attempt, course)})
        frozen[question_id] = lifecycle.snapshot(result.question)
        attempt.questions = frozen
        # The digests must follow the snapshots, or a bank reverted to the old version would be taken
        # for this attempt's question again. A legacy attempt gets a digest for this question only.
        attempt.question_hashes = {**(attempt.question_hashes or {}), question_id: digest}
        attempt.score = change.total_after
    audit.record(
        actor.id,
        "regrade",
        f"assignment {assignment.id}",
        question_id=question_id,
        version=digest[:12],
        attempts=len(result.changes),
        changed=len(result.changed),
    )
    for change in result.changed:  # one entry per learner, so each can see (and on deletion forget) their own
        audit.record(
            actor.id,
            "regrade.score",
            f"assignment {assignment.id}",
            user_id=change.learner.id,
            question_id=question_id,
            attempt_id=change.attempt.id,
            before=change.before,
            after=change.after,
            total_before=change.total_before,
            total_after=change.total_after,
        )
    lti_grades.grade_changed(assignment.id, [change.learner.id for change in result.changed])
    db.session.commit()
    return result
