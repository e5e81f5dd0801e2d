"""Essay grading: a queue per assignment, one essay at a time, scored with the question's rubric.

An essay's score is the rubric points picked over the rubric's maximum. Grading the first time
takes the attempt one essay closer to fully graded (a conditional UPDATE on the ungraded row, so
two graders racing on one essay count it once); grading again is a regrade. Both are audited,
and the attempt's total is recomputed from its stored scores in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import undefer

from app import clock
from app.extensions import db
from app.models import Assignment, Attempt, AttemptAnswer, User
from app.services import audit, lti_grades, rowcount
from course import attempts as lifecycle
from course.catalog import Course
from course.qtypes import Essay
from course.qtypes.essay import rubric_score
from course.responses import from_json

MAX_COMMENT = 4000


class GradingError(ValueError):
    """A grade that cannot be stored; the message is for the grader."""


@dataclass(frozen=True)
class EssayItem:
    """One essay answer of a submitted attempt, graded or not."""

    attempt: Attempt
    learner: User
    question: Essay
    row: AttemptAnswer
    number: int  # the learner's position in the queue, to name them without their email

    @property
    def graded(self) -> bool:
        """An instructor has given it a score."""
        return self.row.score is not None

    @property
    def text(self) -> str:
        """The learner's answer."""
        return str(from_json(self.question, self.row.response) or "")


def essay_items(assignment: Assignment, course: Course) -> list[EssayItem]:
    """Every answered essay of the assignment's submitted attempts, oldest submission first."""
    from app.services.quizzes import close_expired

    close_expired([assignment.id])
    stmt = (
        select(Attempt, AttemptAnswer, User)
        .join(AttemptAnswer, AttemptAnswer.attempt_id == Attempt.id)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.assignment_id == assignment.id, Attempt.submitted_at.is_not(None), AttemptAnswer.response.is_not(None))
        .order_by(Attempt.submitted_at, Attempt.id, AttemptAnswer.question_id)
        .options(undefer(Attempt.questions))  # read below for every row: in this query, not one query per attempt
    )
    items: list[EssayItem] = []
    numbers: dict[int, int] = {}
    for attempt, row, learner in db.session.execute(stmt):
        frozen = (attempt.questions or {}).get(row.question_id)
        if frozen is not None and frozen.get("type") != "essay":
            continue  # only essays are restored from their snapshot: the queue reads hundreds of attempts
        question = lifecycle.restore(frozen) if frozen is not None else course.question_by_id.get(row.question_id)
        if not isinstance(question, Essay) or not str(row.response or "").strip():
            continue
        numbers.setdefault(learner.id, len(numbers) + 1)
        items.append(EssayItem(attempt, learner, question, row, numbers[learner.id]))
    return items


def find(assignment: Assignment, course: Course, attempt_id: int, question_id: str) -> EssayItem | None:
    """One essay of the assignment (None if it is not one)."""
    return next((i for i in essay_items(assignment, course) if i.attempt.id == attempt_id and i.question.id == question_id), None)


def next_ungraded(items: list[EssayItem], after: tuple[int, str] | None = None) -> EssayItem | None:
    """The first ungraded essay after `after` (attempt id, question id) in queue order, wrapping around."""
    ungraded = [i for i in items if not i.graded]
    if not ungraded:
        return None
    if after is not None:
        keys = [(i.attempt.id, i.question.id) for i in items]
        start = keys.index(after) + 1 if after in keys else 0
        later = [i for i in items[start:] if not i.graded]
        if later:
            return later[0]
    return ungraded[0]


def grade_essay(actor: User, assignment: Assignment, item: EssayItem, levels: list[int], comment: str) -> float:
    """Store the rubric levels, comment and score of one essay; recompute the attempt's total. Returns the score."""
    try:
        score = rubric_score(item.question, levels)
    except ValueError as exc:
        raise GradingError(str(exc)) from None
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise GradingError(f"Keep the comment under {MAX_COMMENT:,} characters.")
    now = clock.now()
    before = item.row.score
    values = {
        "score": score,
        "rubric": list(levels),
        "comment": comment or None,
        "grader_id": actor.id,
        "graded_at": now,
        "parts": [],
        "note": None,
    }
    key = (AttemptAnswer.attempt_id == item.attempt.id) & (AttemptAnswer.question_id == item.question.id)
    # First grading only if the row is still ungraded when this UPDATE runs: a racing grader's
    # first grade turns this one into a regrade instead of counting the essay twice.
    first = (
        rowcount(
            db.session.execute(
                update(AttemptAnswer)
                .where(key, AttemptAnswer.score.is_(None))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        )
        == 1
    )
    if first:
        db.session.execute(
            update(Attempt)
            .where(Attempt.id == item.attempt.id, Attempt.pending_grading > 0)
            .values(pending_grading=Attempt.pending_grading - 1)
            .execution_options(synchronize_session=False)
        )
    else:
        before = db.session.scalar(select(AttemptAnswer.score).where(key))
        db.session.execute(update(AttemptAnswer).where(key).values(**values).execution_options(synchronize_session=False))
    total = db.session.scalar(select(func.sum(AttemptAnswer.score)).where(AttemptAnswer.attempt_id == item.attempt.id)) or 0.0
    count = len(item.attempt.question_ids)
    db.session.execute(
        update(Attempt)
        .where(Attempt.id == item.attempt.id)
        .values(score=round(total / count, 4) if count else 0.0)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        actor.id,
        "essay.grade" if first else "essay.regrade",
        f"assignment {assignment.id}",
        user_id=item.learner.id,
        attempt_id=item.attempt.id,
        question_id=item.question.id,
        levels=list(levels),
        before=before,
        after=score,
    )
    db.session.flush()
    lti_grades.grade_changed(assignment.id, [item.learner.id])
    db.session.commit()
    db.session.refresh(item.attempt)
    db.session.refresh(item.row)
    return score
