"""Quiz attempts: start, save every answer as the learner moves, submit exactly once, enforce time.

An attempt is a server-side record. Each move saves the current answer in its own transaction,
so a closed tab, a crash or a restart loses nothing that was acknowledged. Submitting is a
conditional UPDATE (`WHERE submitted_at IS NULL`): a double click or a replayed POST grades once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import clock, randomness
from app.extensions import db
from app.models import Answer, Attempt, AttemptAnswer, ReviewCard
from app.services.learning import schedule
from course.catalog import Course
from course.drawing import draw
from course.grading import grade
from course.model import Question
from course.responses import from_json, to_json

class QuizError(ValueError):
    """A quiz action that cannot be done; the message is for the learner."""


class AttemptClosed(QuizError):
    """The attempt is submitted or out of time; nothing was changed."""


@dataclass(frozen=True)
class MockSettings:
    """What a learner chooses for a self-test."""

    lesson_ids: tuple[str, ...]
    count: int
    minutes: int | None


def start_mock(user_id: int, course: Course, settings: MockSettings) -> Attempt:
    """Draw a stratified random self-test over the chosen lessons and open an attempt."""
    pool = [q for q in course.questions if q.lesson in settings.lesson_ids]
    if not pool:
        raise QuizError("Choose at least one lesson that has questions.")
    seed = randomness.new_seed()
    questions = draw(pool, settings.count, seed)
    now = clock.now()
    titles = [course.lesson_by_id[i].title for i in settings.lesson_ids if i in course.lesson_by_id]
    title = f"Self-test: {titles[0]}" if len(titles) == 1 else f"Self-test across {len(titles)} lessons"
    attempt = Attempt(user_id=user_id, kind="mock", title=title[:200], seed=seed, question_ids=[q.id for q in questions],
                      started_at=now, deadline=now + timedelta(minutes=settings.minutes) if settings.minutes else None)
    db.session.add(attempt)
    db.session.commit()
    return attempt


def get_attempt(attempt_id: int, user_id: int) -> Attempt | None:
    """Return the attempt if it belongs to this learner (others' attempts do not exist for them)."""
    attempt = db.session.get(Attempt, attempt_id)
    return attempt if attempt is not None and attempt.user_id == user_id else None


def saved_responses(attempt: Attempt, course: Course) -> dict[str, Any]:
    """The saved response of each answered question of the attempt."""
    rows = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id))
    return {r.question_id: from_json(course.question_by_id[r.question_id], r.response)
            for r in rows if r.question_id in course.question_by_id}


def out_of_time(attempt: Attempt, now: datetime) -> bool:
    """The attempt has a deadline and it has passed."""
    deadline = clock.aware(attempt.deadline)
    return deadline is not None and now >= deadline


def save_answer(attempt: Attempt, question: Question, response: Any, position: int) -> None:
    """Save (or replace) the response to one question, unless the attempt is closed."""
    now = clock.now()
    if attempt.submitted:
        raise AttemptClosed("This attempt is already submitted; its answers can no longer change.")
    if out_of_time(attempt, now):
        submit(attempt, timed_out=True)
        raise AttemptClosed("Time is up: this answer arrived after the time limit and was not saved. "
                            "Your attempt was submitted with the answers saved before then.")
    if question.id not in attempt.question_ids:
        raise QuizError("That question is not part of this attempt.")
    stored = to_json(question, response)
    # One upsert instead of SELECT-then-write: fewer round trips, and two racing saves of the
    # same question cannot collide (the later one wins, as a second save would).
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(AttemptAnswer).values(attempt_id=attempt.id, question_id=question.id, response=stored, saved_at=now)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={"response": statement.excluded.response, "saved_at": statement.excluded.saved_at}))
    # An ORM-enabled UPDATE also refreshes the attempt object in this session (synchronize_session).
    db.session.execute(update(Attempt).where(Attempt.id == attempt.id).values(position=position))
    db.session.commit()


def submit(attempt: Attempt, timed_out: bool = False, course: Course | None = None) -> bool:
    """Grade and close the attempt exactly once; return False if it was already submitted."""
    from app.services.content import get_course

    course = course or get_course()
    now = clock.now()
    if not timed_out and out_of_time(attempt, now):
        timed_out = True
    closed_at = min(now, clock.aware(attempt.deadline)) if timed_out and attempt.deadline else now
    claimed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=closed_at, timed_out=timed_out)
    ).rowcount
    if not claimed:
        db.session.rollback()
        db.session.refresh(attempt)
        return False
    responses = {r.question_id: r for r in db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id))}
    # Load every review card in one query so schedule() finds them in the session, and do not
    # flush after each question (measured: 26 statements for 5 questions before, 7 after).
    list(db.session.scalars(select(ReviewCard).where(ReviewCard.user_id == attempt.user_id,
                                                     ReviewCard.question_id.in_(list(attempt.question_ids)))))
    with db.session.no_autoflush:
        _grade_into(attempt, course, responses, closed_at, now)
    db.session.commit()
    return True


def _grade_into(attempt: Attempt, course: Course, responses: dict, closed_at: datetime, now: datetime) -> None:
    total = 0.0
    for qid in attempt.question_ids:
        question = course.question_by_id.get(qid)
        if question is None:
            continue
        row = responses.get(qid)
        result = grade(question, from_json(question, row.response) if row else None)
        total += result.score
        if row is not None:
            row.score = result.score
        if result.answered:
            db.session.add(Answer(user_id=attempt.user_id, question_id=qid, objective_id=question.objective, mode="quiz",
                                  response=row.response if row else None, score=result.score, answered_at=closed_at))
            schedule(attempt.user_id, question, result.score, now)
    attempt.score = round(total / len(attempt.question_ids), 4) if attempt.question_ids else 0.0


def close_if_out_of_time(attempt: Attempt) -> bool:
    """Submit an open attempt whose time has run out; True if this call closed it."""
    if not attempt.submitted and out_of_time(attempt, clock.now()):
        return submit(attempt, timed_out=True)
    return False


def attempts_of(user_id: int, limit: int = 50) -> list[Attempt]:
    """The learner's attempts, newest first."""
    return list(db.session.scalars(select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.started_at.desc()).limit(limit)))


def open_attempts(user_id: int) -> list[Attempt]:
    """Attempts started but not submitted (closing those out of time first)."""
    result = []
    for attempt in db.session.scalars(select(Attempt).where(Attempt.user_id == user_id, Attempt.submitted_at.is_(None))):
        if not close_if_out_of_time(attempt):
            result.append(attempt)
    return result
