"""Item statistics from stored answers: one query grouped by question (and a count of each attempt's questions), then the core's analysis."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import Text, case, cast, func, select

from app.extensions import db
from app.models import Assignment, Attempt, AttemptAnswer, Enrollment, Role, Section, User
from course.analytics import ItemInfo, Responses, TestStats, analyse
from course.catalog import Course
from course.model import Question
from course.qtypes import type_of


def item_info(question: Question) -> ItemInfo:
    """What the analysis needs to know about a question's options."""
    return type_of(question).item_info(question)


def item_infos(course: Course) -> dict[str, ItemInfo]:
    """What the analysis needs to know about every question of the course."""
    return {q.id: item_info(q) for q in course.questions}


def choices_of(question: Question | None, response: Any) -> tuple[int, ...] | None:
    """The option indices a stored response picked (choice types only)."""
    if response is None or question is None:
        return None
    return type_of(question).picked_options(question, response)


SHORT_BY_ID = 500  # attempts missing rows, read by id up to this many (else through the page's filter)
# Between the JSON texts of one question's responses: JSON never holds a raw control character.
_SEPARATOR = "\x1f"


def responses_where(attempt_filter: Any, course: Course) -> Responses:
    """Every question of every submitted attempt matched, as the analysis's columns (score, options picked).

    Built for 10,000 attempts of 20 questions (200,000 answers): the database sends one row per
    question with its attempts, scores and (choice questions only) response texts each joined into
    one string, in the same row order, so Python splits a few hundred strings instead of building
    800,000 values one by one. Each distinct response text is decoded once per question (a class
    picks from a handful of options), and no object is made per response.
    """
    choice_ids = [q.id for q in course.questions if item_info(q).option_count]
    choice_set = set(choice_ids)
    answers = AttemptAnswer.__table__.c
    text = cast(answers.response, Text)
    # No NULL may reach an aggregate (it would be skipped and shift the positions): markers instead.
    response = case((answers.question_id.in_(choice_ids), func.coalesce(text, "")), else_="")
    per_question = db.session.connection().execute(
        select(
            answers.question_id,
            func.count(),
            func.aggregate_strings(cast(answers.attempt_id, Text), ","),
            func.aggregate_strings(func.coalesce(cast(answers.score, Text), "-1"), ","),
            func.aggregate_strings(response, _SEPARATOR),
        )
        .join(Attempt, Attempt.id == answers.attempt_id)
        .where(Attempt.submitted_at.is_not(None), attempt_filter)
        .group_by(answers.question_id)
    )
    pending = {q.id for q in course.questions if not type_of(q).auto_graded}
    attempt_ids: list[int | str] = []
    item_ids: list[str] = []
    scores: list[float] = []
    choices: list[tuple[int, ...] | None] = []
    waiting: list[tuple[int, str]] = []
    for question_id, count, attempts_text, scores_text, responses_text in per_question:
        attempts = list(map(int, attempts_text.split(",")))
        marks = list(map(float, scores_text.split(",")))
        texts = responses_text.split(_SEPARATOR) if question_id in choice_set else None
        if len(attempts) != count or len(marks) != count or (texts is not None and len(texts) != count):
            raise RuntimeError(f"the answers of {question_id} did not come back aligned")  # never expected
        if question_id in pending and -1.0 in marks:  # essays waiting for their grade say nothing about the item
            waiting += [(a, question_id) for a, m in zip(attempts, marks, strict=True) if m == -1.0]
            kept = [i for i, m in enumerate(marks) if m != -1.0]
            attempts, marks = [attempts[i] for i in kept], [marks[i] for i in kept]
        attempt_ids += attempts
        item_ids += [question_id] * len(attempts)
        scores += [0.0 if m == -1.0 else m for m in marks]  # unscored, and not an essay: nothing to count
        choices += _picked(course.question_by_id.get(question_id), texts) if texts is not None else [None] * len(attempts)
    _add_unanswered(attempt_filter, waiting, attempt_ids, item_ids, scores, choices)
    return Responses(attempt_ids, item_ids, scores, choices)


def _picked(question: Question | None, texts: list[str]) -> list[tuple[int, ...] | None]:
    """The options each response text picked, each distinct text decoded once ("" is no response)."""
    decoded = {text: choices_of(question, json.loads(text)) if text else None for text in set(texts)}
    return [decoded[text] for text in texts]


def _add_unanswered(
    attempt_filter: Any, waiting: list[tuple[int, str]], attempt_ids: list, item_ids: list, scores: list, choices: list
) -> None:
    """Drawn questions without a stored row (attempts submitted before every question got one) score 0."""
    stored = Counter(attempt_ids)
    stored.update(attempt_id for attempt_id, _ in waiting)
    # How many questions each attempt drew, counted by the database: the lists are read only where short.
    drawn = db.session.connection().execute(
        select(Attempt.id, func.json_array_length(Attempt.question_ids)).where(Attempt.submitted_at.is_not(None), attempt_filter)
    )
    short_ids = [attempt_id for attempt_id, length in drawn if stored[attempt_id] < length]
    if not short_ids:
        return
    # A few by id; many (an old database) with the filter, so no statement carries thousands of ids.
    which = Attempt.id.in_(short_ids) if len(short_ids) <= SHORT_BY_ID else attempt_filter
    lists = db.session.connection().execute(
        select(Attempt.id, Attempt.question_ids).where(Attempt.submitted_at.is_not(None), which)
    )
    wanted = set(short_ids)
    short = {attempt_id: qids for attempt_id, qids in lists if attempt_id in wanted}
    if not short:
        return
    answered = {(a, q) for a, q in zip(attempt_ids, item_ids, strict=True) if a in short} | set(waiting)
    for attempt_id, qids in short.items():
        for qid in qids:
            if (attempt_id, qid) not in answered:
                attempt_ids.append(attempt_id)
                item_ids.append(qid)
                scores.append(0.0)
                choices.append(None)


def for_assignment(assignment: Assignment, course: Course) -> TestStats:
    """Item statistics of one assignment's submitted attempts (overdue ones closed first)."""
    from app.services.quizzes import close_expired

    close_expired([assignment.id])
    return analyse(responses_where(Attempt.assignment_id == assignment.id, course), item_infos(course))


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
    return analyse(responses_where(condition, course), item_infos(course))
