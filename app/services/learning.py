"""Practice, spaced review and lesson completion: grade, record, schedule, in one transaction each; and what a session came to (review sessions, practice runs of ten, the week ahead)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from app import clock, randomness
from app.extensions import db
from app.models import Answer, Enrollment, LessonCompletion, ReviewCard, Section
from app.timezones import DEFAULT_ZONE, is_zone, zone
from course.grading import Grade, grade
from course.mastery import ScoredAnswer
from course.model import Question
from course.responses import from_json, to_json
from course.scheduling import ForecastDay, forecast, review
from course.study import RUN_LENGTH, SESSION_GAP, Summary, ends_a_run, session_start, summarise


@dataclass(frozen=True)
class Recorded:
    """What recording an answer produced: its grade and when the question is due again."""

    grade: Grade
    next_due: datetime
    answer_id: int


def schedule(user_id: int, question: Question, score: float, now: datetime, confidence: str | None = None) -> datetime:
    """Put the question on (or move it along) the learner's review schedule; the caller commits."""
    return schedule_card(db.session.get(ReviewCard, (user_id, question.id)), user_id, question, score, now, confidence)


def schedule_card(
    card: ReviewCard | None, user_id: int, question: Question, score: float, now: datetime, confidence: str | None = None
) -> datetime:
    """`schedule` with the learner's card for the question already read (None: it has none yet)."""
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


_COMPLETED = select(LessonCompletion.lesson_id).where(
    LessonCompletion.user_id == bindparam("user_id"), LessonCompletion.lesson_id == bindparam("lesson_id")
)


def has_completed(user_id: int, lesson_id: str) -> bool:
    """Whether the learner marked this lesson complete (every lesson page asks: one indexed row, a statement built once)."""
    return db.session.scalar(_COMPLETED, {"user_id": user_id, "lesson_id": lesson_id}) is not None


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


def next_due(user_id: int, include: Callable[[str], bool] | None = None) -> datetime | None:
    """When the learner's next review falls due, if any card exists (among the questions `include` accepts)."""
    if include is None:
        return clock.aware(db.session.scalar(select(func.min(ReviewCard.due)).where(ReviewCard.user_id == user_id)))
    rows = db.session.execute(
        select(ReviewCard.question_id, ReviewCard.due).where(ReviewCard.user_id == user_id).order_by(ReviewCard.due)
    )
    return next((clock.aware(due) for qid, due in rows if include(qid)), None)


def learner_zone(user_id: int) -> str:
    """The time zone a learner's days are counted in: that of the section they joined last, else UTC."""
    zone = db.session.scalar(
        select(Section.time_zone)
        .join(Enrollment, Enrollment.section_id == Section.id)
        .where(Enrollment.user_id == user_id)
        .order_by(Enrollment.joined_at.desc(), Section.id.desc())
        .limit(1)
    )
    return zone if is_zone(zone) else DEFAULT_ZONE


def card_due(user_id: int, question_id: str) -> datetime | None:
    """When the learner's review card for a question is due, if it has one."""
    card = db.session.get(ReviewCard, (user_id, question_id))
    return clock.aware(card.due) if card else None


def review_forecast(
    user_id: int, include: Callable[[str], bool] = lambda qid: True, now: datetime | None = None
) -> list[ForecastDay]:
    """Reviews due on each of the next 7 days in the learner's zone (today includes those due now)."""
    now = now or clock.now()
    end = now + timedelta(days=8)  # past the last day in any zone; `forecast` drops what falls later
    rows = db.session.execute(
        select(ReviewCard.question_id, ReviewCard.due).where(ReviewCard.user_id == user_id, ReviewCard.due < end)
    )
    dues = [clock.aware(due) for qid, due in rows if include(qid)]
    return forecast(dues, now, zone(learner_zone(user_id)))


def _scored(answers: Sequence[Answer]) -> list[ScoredAnswer]:
    return [ScoredAnswer(a.objective_id, a.score, clock.aware(a.answered_at)) for a in answers]


def _answers(user_id: int, mode: str, up_to: int | None = None) -> list[Answer]:
    """The learner's answers of one mode in time order (up to an answer id, when given)."""
    stmt = select(Answer).where(Answer.user_id == user_id, Answer.mode == mode)
    if up_to is not None:
        stmt = stmt.where(Answer.id <= up_to)
    return list(db.session.scalars(stmt.order_by(Answer.answered_at, Answer.id)))


@dataclass(frozen=True)
class ReviewSession:
    """The learner's latest review session: what it came to and whether it is still going."""

    summary: Summary
    started: datetime
    ended: datetime
    current: bool  # its last answer is within the session gap of now


def review_session(user_id: int, now: datetime | None = None) -> ReviewSession | None:
    """The latest run of review answers with no pause over an hour; None before the first review."""
    answers = _answers(user_id, "review")
    if not answers:
        return None
    times = [clock.aware(a.answered_at) for a in answers]
    start = session_start(times, len(times) - 1)
    current = (now or clock.now()) - times[-1] <= SESSION_GAP
    return ReviewSession(summarise(_scored(answers[start:])), times[start], times[-1], current)


def ends_practice_run(user_id: int, answer: Answer) -> bool:
    """Whether this practice answer is the tenth (twentieth, ...) of its session."""
    if answer.mode != "practice":
        return False
    times = [clock.aware(a.answered_at) for a in _answers(user_id, "practice", up_to=answer.id)]
    return bool(times) and ends_a_run(times, len(times) - 1)


def practice_run(user_id: int, answer: Answer) -> list[Answer]:
    """The run of up to ten practice answers of one session that ends with this answer."""
    answers = _answers(user_id, "practice", up_to=answer.id)
    times = [clock.aware(a.answered_at) for a in answers]
    start = max(session_start(times, len(times) - 1), len(answers) - RUN_LENGTH)
    return answers[start:]


def summarise_answers(answers: Sequence[Answer]) -> Summary:
    """Right, partly right, wrong and the weakest objective of some answers."""
    return summarise(_scored(answers))
