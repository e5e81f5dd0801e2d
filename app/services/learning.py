"""Practice, spaced review and lesson completion: grade, record, schedule, in one transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import clock, randomness
from app.extensions import db
from app.models import Answer, LessonCompletion, ReviewCard
from course.grading import Grade, grade
from course.model import Question
from course.responses import from_json, to_json
from course.scheduling import review


@dataclass(frozen=True)
class Recorded:
    """What recording an answer produced: its grade and when the question is due again."""

    grade: Grade
    next_due: datetime
    answer_id: int


def schedule(user_id: int, question: Question, score: float, now: datetime, confidence: str | None = None) -> datetime:
    """Put the question on (or move it along) the learner's review schedule; the caller commits."""
    card = db.session.get(ReviewCard, (user_id, question.id))
    state, due = review(card.card if card else None, score, now, confidence)
    if card is None:
        db.session.add(ReviewCard(user_id=user_id, question_id=question.id, card=state, due=due, reviews=1))
    else:
        card.card, card.due, card.reviews = state, due, card.reviews + 1
    return due


def record_answer(
    user_id: int, question: Question, response: Any, mode: str, confidence: str | None = None, nonce: str | None = None
) -> Recorded:
    """Grade a practice or review answer, store it and reschedule the question, once per form nonce.

    A replay of the same form (double click, resent POST) hits the unique (user, nonce) index and
    gets the first answer back: one answer, one schedule step, one score.
    """
    now = clock.now()
    result = grade(question, response)
    answer = Answer(
        user_id=user_id,
        question_id=question.id,
        objective_id=question.objective,
        mode=mode,
        response=to_json(question, response),
        score=result.score,
        confidence=confidence,
        answered_at=now,
        nonce=nonce,
    )
    try:
        db.session.add(answer)
        due = schedule(user_id, question, result.score, now, confidence)  # its query may flush the answer
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        first = db.session.scalar(select(Answer).where(Answer.user_id == user_id, Answer.nonce == nonce))
        if first is None:
            raise
        card = db.session.get(ReviewCard, (user_id, question.id))
        return Recorded(grade(question, from_json(question, first.response)), clock.aware(card.due) if card else now, first.id)
    return Recorded(result, due, answer.id)


def complete_lesson(user_id: int, lesson_id: str) -> None:
    """Mark a lesson complete (again is harmless)."""
    if db.session.get(LessonCompletion, (user_id, lesson_id)) is None:
        db.session.add(LessonCompletion(user_id=user_id, lesson_id=lesson_id, completed_at=clock.now()))
        db.session.commit()


def completed_lessons(user_id: int) -> set[str]:
    """Ids of the lessons a learner marked complete."""
    return set(db.session.scalars(select(LessonCompletion.lesson_id).where(LessonCompletion.user_id == user_id)))


def answer_counts(user_id: int) -> dict[str, int]:
    """How many times the learner answered each question (practice, review, quiz)."""
    rows = db.session.execute(
        select(Answer.question_id, func.count()).where(Answer.user_id == user_id).group_by(Answer.question_id)
    )
    return {qid: n for qid, n in rows}


def pick_practice_question(user_id: int, questions: list[Question], exclude: str | None = None) -> Question | None:
    """Choose the next practice question: never answered first, then least answered; random among equals."""
    if not questions:
        return None
    counts = answer_counts(user_id)
    pool = [q for q in questions if q.id != exclude] or questions
    fewest = min(counts.get(q.id, 0) for q in pool)
    candidates = [q for q in pool if counts.get(q.id, 0) == fewest]
    return randomness.choose(candidates)


def due_cards(user_id: int, now: datetime | None = None) -> list[ReviewCard]:
    """The learner's review cards due now, most overdue first."""
    stmt = (
        select(ReviewCard)
        .where(ReviewCard.user_id == user_id, ReviewCard.due <= (now or clock.now()))
        .order_by(ReviewCard.due, ReviewCard.question_id)
    )
    return list(db.session.scalars(stmt))


def due_count(user_id: int, now: datetime | None = None) -> int:
    """How many reviews are due."""
    stmt = (
        select(func.count()).select_from(ReviewCard).where(ReviewCard.user_id == user_id, ReviewCard.due <= (now or clock.now()))
    )
    return db.session.scalar(stmt) or 0


def next_due(user_id: int) -> datetime | None:
    """When the learner's next review falls due, if any card exists."""
    return clock.aware(db.session.scalar(select(func.min(ReviewCard.due)).where(ReviewCard.user_id == user_id)))
