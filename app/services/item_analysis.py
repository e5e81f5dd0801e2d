"""Item statistics from stored answers: one query, then the core's analysis."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Assignment, Attempt, AttemptAnswer, Enrollment, Role, Section, User
from course.analytics import ItemInfo, ItemResponse, TestStats, analyse
from course.catalog import Course
from course.model import Question
from course.qtypes import type_of


def item_info(question: Question) -> ItemInfo:
    """What the analysis needs to know about a question's options."""
    return type_of(question).item_info(question)


def choices_of(question: Question | None, response: Any) -> tuple[int, ...] | None:
    """The option indices a stored response picked (choice types only)."""
    if response is None or question is None:
        return None
    return type_of(question).picked_options(question, response)


def _responses(rows: Iterable, course: Course) -> Iterator[ItemResponse]:
    for attempt_id, question_id, response, score in rows:
        question = course.question_by_id.get(question_id)
        if score is None and question is not None and not type_of(question).auto_graded:
            continue  # an essay not graded yet says nothing about the item
        yield ItemResponse(attempt_id, question_id, score or 0.0, choices_of(question, response))


def graded_rows(attempt_filter) -> Iterator[tuple]:
    """(attempt id, question id, response, score) for every question of every submitted attempt matched."""
    attempts = db.session.execute(
        select(Attempt.id, Attempt.question_ids)
        .where(Attempt.submitted_at.is_not(None), attempt_filter)
        .execution_options(yield_per=2000)
    )
    drawn = {attempt_id: list(qids) for attempt_id, qids in attempts}
    if not drawn:
        return
    stmt = (
        select(AttemptAnswer.attempt_id, AttemptAnswer.question_id, AttemptAnswer.response, AttemptAnswer.score)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(Attempt.submitted_at.is_not(None), attempt_filter)
    )
    answered: set[tuple[int, str]] = set()
    for row in db.session.execute(stmt.execution_options(yield_per=5000)):
        answered.add((row[0], row[1]))
        yield tuple(row)
    for attempt_id, qids in drawn.items():
        for qid in qids:
            if (attempt_id, qid) not in answered:
                yield attempt_id, qid, None, 0.0


def for_assignment(assignment: Assignment, course: Course) -> TestStats:
    """Item statistics of one assignment's submitted attempts (overdue ones closed first)."""
    from app.services.quizzes import close_expired

    close_expired([assignment.id])
    rows = graded_rows(Attempt.assignment_id == assignment.id)
    return analyse(_responses(rows, course), {q.id: item_info(q) for q in course.questions})


def across_bank(user: User, course: Course) -> TestStats:
    """Item statistics across every submitted attempt the user may see (an admin: all)."""
    from app.services.quizzes import close_expired

    close_expired()
    if user.has_role(Role.ADMIN):
        condition = Attempt.id.is_not(None)
    else:
        mine = (
            select(Enrollment.user_id).join(Section, Section.id == Enrollment.section_id).where(Section.instructor_id == user.id)
        )
        condition = Attempt.user_id.in_(mine)
    return analyse(_responses(graded_rows(condition), course), {q.id: item_info(q) for q in course.questions})
