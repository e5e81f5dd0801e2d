"""Quiz attempts: start, save every answer as the learner moves, submit exactly once, enforce time.

An attempt is a server-side record. Each move saves the current answer in its own transaction,
so a closed tab, a crash or a restart loses nothing that was acknowledged. Submitting is a
conditional UPDATE (`WHERE submitted_at IS NULL`): a double click or a replayed POST grades once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value

from app import clock, randomness
from app.extensions import db
from app.models import Answer, Attempt, AttemptAnswer, ReviewCard
from app.services import lti_grades, rowcount
from app.services.learning import schedule_card
from course import attempts as lifecycle
from course.catalog import Course
from course.drawing import draw
from course.grading import Grade, grade
from course.model import Question
from course.responses import from_json, is_answered, to_json

# The save's statements are built once, with bound parameters: building
# `insert(...).on_conflict_do_update(...)` per request made SQLAlchemy re-derive the `excluded`
# alias and the statement's cache key every time (about a quarter of a save's CPU). They are Core
# statements on the tables: the ORM's paths added nothing here but time.
_ATTEMPTS = cast(Table, Attempt.__table__)
_ANSWERS = cast(Table, AttemptAnswer.__table__)
_CLAIM_FOR_SAVE = (
    update(_ATTEMPTS)
    .where(_ATTEMPTS.c.id == bindparam("attempt_id"), _ATTEMPTS.c.submitted_at.is_(None))
    .values(position=bindparam("position"))
)


def _replacing(statement: Any) -> Any:
    """The answer upsert's conflict rule: a second save of the same question replaces the first."""
    return statement.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={"response": statement.excluded.response, "saved_at": statement.excluded.saved_at},
    )


# SQLite has no UPDATE inside WITH: there the claim and this upsert run back to back, with no
# network between them.
_SQLITE_UPSERT = _replacing(
    sqlite_insert(_ANSWERS).values(
        attempt_id=bindparam("attempt_id"),
        question_id=bindparam("question_id"),
        response=bindparam("response"),
        saved_at=bindparam("saved_at"),
    )
)


def _claim_and_upsert() -> Any:
    """PostgreSQL's save as one statement: the claim as a data-modifying CTE, the upsert fed by it.

    The answer is written only for the row the conditional UPDATE matched, in the same statement,
    so the rule is the database's as before, in one round trip instead of two.
    """
    claim = _CLAIM_FOR_SAVE.returning(_ATTEMPTS.c.id).cte("claim")
    parameters = (bindparam(name, type_=_ANSWERS.c[name].type) for name in ("question_id", "response", "saved_at"))
    upsert = _replacing(
        pg_insert(_ANSWERS).from_select(["attempt_id", "question_id", "response", "saved_at"], select(claim.c.id, *parameters))
    )
    # SQLAlchemy keeps the rowcount of UPDATE and DELETE only; this INSERT's (0: no claim) is the answer.
    return upsert.execution_options(preserve_rowcount=True)


_PG_CLAIM_AND_UPSERT = _claim_and_upsert()


class DrawnAttempt(Protocol):
    """What reading an attempt's questions needs: an `Attempt`, or a `SaveTarget` row."""

    @property
    def question_ids(self) -> Any: ...

    @property
    def question_hashes(self) -> Any: ...

    @property
    def questions(self) -> Any: ...


class SaveableAttempt(DrawnAttempt, Protocol):
    """What saving an answer needs of an attempt (an `Attempt`, or a `SaveTarget` row)."""

    @property
    def id(self) -> int: ...

    @property
    def deadline(self) -> datetime | None: ...

    @property
    def grace_seconds(self) -> int: ...

    @property
    def submitted_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class SaveTarget:
    """The columns of an attempt that saving one answer reads, as one Core row.

    A save is the most frequent request of a graded session: loading the whole ORM `Attempt`
    (identity map, every column, instance state) cost more CPU than the read's round trip.
    """

    id: int
    seed: str
    question_ids: list[str]
    question_hashes: dict[str, str] | None
    deadline: datetime | None
    grace_seconds: int
    submitted_at: datetime | None

    @cached_property
    def questions(self) -> dict[str, Any] | None:
        """The attempt's snapshots, read only when a question changed since the draw (the save's row leaves them out)."""
        return db.session.scalar(select(_ATTEMPTS.c.questions).where(_ATTEMPTS.c.id == self.id))


_SAVE_TARGET = select(*(_ATTEMPTS.c[name] for name in SaveTarget.__dataclass_fields__)).where(
    _ATTEMPTS.c.id == bindparam("attempt_id"), _ATTEMPTS.c.user_id == bindparam("user_id")
)


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


def self_test_pool(user_id: int, course: Course, lesson_ids: tuple[str, ...] | None = None) -> list[Question]:
    """The questions a self-test may draw for this learner (of some lessons, or of all)."""
    from app.services.release import held_questions

    held = held_questions(user_id)  # questions of unreleased graded work are not drawn for self-tests
    return [q for q in course.self_graded if (lesson_ids is None or q.lesson in lesson_ids) and q.id not in held]


def pool_sizes(pool: list[Question]) -> dict[str, int]:
    """How many questions each lesson can give a self-test drawn from `pool` (shown beside each lesson)."""
    sizes: dict[str, int] = {}
    for question in pool:
        sizes[question.lesson] = sizes.get(question.lesson, 0) + 1
    return sizes


@dataclass(frozen=True)
class StartedAttempt:
    """A self-test just opened: its id, the questions drawn (in order) and its presentation seed."""

    id: int
    question_ids: list[str]
    seed: str


# One INSERT ... RETURNING id on the table: the ORM's unit of work (instance state, flush plan,
# identity map) cost more than the statement itself, and a start's caller needs no ORM object,
# only the new id beside what it drew.
_OPEN_ATTEMPT = _ATTEMPTS.insert().returning(_ATTEMPTS.c.id)


def start_mock(user_id: int, course: Course, settings: MockSettings, pool: list[Question] | None = None) -> StartedAttempt:
    """Draw a stratified random self-test over the chosen lessons and open an attempt.

    Asking for more questions than the lessons have gives all of them; the caller says so.
    `pool` is the learner's whole self-test pool when the caller has it already (the form lists it).
    """
    if pool is None:
        pool = self_test_pool(user_id, course, settings.lesson_ids)
    else:
        pool = [q for q in pool if q.lesson in settings.lesson_ids]
    if not pool:
        raise QuizError("Choose at least one lesson that has questions.")
    seed = randomness.new_seed()
    questions = draw(pool, settings.count, seed)
    now = clock.now()
    titles = [course.lesson_by_id[i].title for i in settings.lesson_ids if i in course.lesson_by_id]
    title = f"Self-test: {titles[0]}" if len(titles) == 1 else f"Self-test across {len(titles)} lessons"
    question_ids = [q.id for q in questions]
    attempt_id = db.session.execute(
        _OPEN_ATTEMPT,
        {
            "user_id": user_id,
            "kind": "mock",
            "title": title[:200],
            "seed": seed,
            "question_ids": question_ids,
            **frozen_columns(questions, course),
            "started_at": now,
            "deadline": lifecycle.deadline_for(now, None, settings.minutes),
            "grace_seconds": lifecycle.DEFAULT_GRACE_SECONDS,
        },
    ).scalar_one()
    db.session.commit()
    return StartedAttempt(attempt_id, question_ids, seed)


def get_attempt(attempt_id: int, user_id: int) -> Attempt | None:
    """Return the attempt if it belongs to this learner (others' attempts do not exist for them)."""
    attempt = db.session.get(Attempt, attempt_id)
    return attempt if attempt is not None and attempt.user_id == user_id else None


def save_target(attempt_id: int, user_id: int) -> SaveTarget | None:
    """What saving an answer needs of the attempt, if it belongs to this learner."""
    row = db.session.execute(_SAVE_TARGET, {"attempt_id": attempt_id, "user_id": user_id}).one_or_none()
    return None if row is None else SaveTarget(*row)


def frozen_columns(questions: list[Question], course: Course) -> dict[str, Any]:
    """The columns that freeze the drawn questions with a new attempt: their snapshots and their digests."""
    known = course.question_hash_by_id
    return {
        "questions": {q.id: lifecycle.snapshot(q) for q in questions},
        "question_hashes": {
            q.id: known[q.id] if course.question_by_id.get(q.id) is q else lifecycle.question_hash(q) for q in questions
        },
    }


def as_drawn(attempt: DrawnAttempt, course: Course, question_id: str) -> bool:
    """The bank's question is the one the attempt drew (equal digests), so its snapshot need not be read.

    Reading and restoring every snapshot (about 2 KB each) was most of the work of reading an
    attempt; the digests are a few bytes a question. Attempts without digests are never "as drawn".
    """
    drawn = (attempt.question_hashes or {}).get(question_id)
    return drawn is not None and drawn == course.question_hash_by_id.get(question_id)


def questions_of(attempt: DrawnAttempt, course: Course) -> list[Question]:
    """The attempt's questions as they were drawn (bank edits and removals never reach an attempt).

    While every question is as drawn they are the bank's; otherwise they come from the snapshots.
    Attempts started before snapshots existed fall back to today's bank; a question removed since
    then is left out (it is graded 0 as unanswered, as it always was).
    """
    if all(as_drawn(attempt, course, qid) for qid in attempt.question_ids):
        return [course.question_by_id[qid] for qid in attempt.question_ids]
    frozen = attempt.questions or {}
    result = []
    for qid in attempt.question_ids:
        if qid in frozen:
            result.append(lifecycle.restore(frozen[qid]))
        elif qid in course.question_by_id:
            result.append(course.question_by_id[qid])
    return result


def question_at(attempt: DrawnAttempt, course: Course, index: int) -> tuple[Question | None, int]:
    """The attempt's question at `index` (None when out of range) and how many it has.

    Saving one answer needs one question: the bank's while it is as drawn; otherwise, when every
    question is frozen (every attempt since snapshots exist) only that one is restored.
    """
    ids = attempt.question_ids
    if 0 <= index < len(ids) and as_drawn(attempt, course, ids[index]):
        return course.question_by_id[ids[index]], len(ids)
    frozen = attempt.questions or {}
    if all(qid in frozen for qid in ids):
        return (lifecycle.restore(frozen[ids[index]]) if 0 <= index < len(ids) else None), len(ids)
    questions = questions_of(attempt, course)
    return (questions[index] if 0 <= index < len(questions) else None), len(questions)


# Every question page and the finish page read these two columns: built once, run on the table.
_SAVED = select(_ANSWERS.c.question_id, _ANSWERS.c.response).where(_ANSWERS.c.attempt_id == bindparam("attempt_id"))


def saved_responses(attempt: Attempt, questions: list[Question]) -> dict[str, Any]:
    """The saved response of each answered question of the attempt."""
    return responses_in(db.session.execute(_SAVED, {"attempt_id": attempt.id}), questions)


def responses_in(rows: Iterable[Any], questions: list[Question]) -> dict[str, Any]:
    """The responses held in an attempt's answer rows, for the questions given (rows already read)."""
    by_id = {q.id: q for q in questions}
    return {r.question_id: from_json(by_id[r.question_id], r.response) for r in rows if r.question_id in by_id}


def answered_ids(questions: list[Question], saved: dict[str, Any]) -> set[str]:
    """The questions whose saved response is an answer: a blank save does not count (take, finish, counts)."""
    return {q.id for q in questions if q.id in saved and is_answered(q, saved[q.id])}


def graded_answers(attempt: Attempt) -> dict[str, AttemptAnswer]:
    """The grade stored for each question of a submitted attempt, as it was given."""
    return {r.question_id: r for r in db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id))}


def stored_grade(question: Question, row: AttemptAnswer | None) -> Grade:
    """The grade as stored at submission, regrade or an instructor's grading; feedback texts come from the frozen question.

    An essay without a stored score is pending; one with a score carries its rubric levels and comment.
    """
    response = from_json(question, row.response) if row is not None else None
    live = grade(question, response)
    if row is None or row.score is None:
        return live
    return replace(
        live,
        score=row.score,
        parts=tuple(row.parts) if row.parts is not None else live.parts,
        note=row.note,
        pending=False,
        rubric=tuple(row.rubric or ()),
        comment=row.comment,
    )


def state_of(attempt: Attempt, now: datetime | None = None) -> lifecycle.AttemptState:
    """The attempt's lifecycle state now."""
    return lifecycle.state(
        clock.aware(attempt.submitted_at), clock.aware(attempt.deadline), attempt.grace_seconds, now or clock.now()
    )


def out_of_time(attempt: SaveableAttempt, now: datetime) -> bool:
    """The attempt has a deadline and it (with its grace) has passed."""
    return not lifecycle.accepts_answers(clock.aware(attempt.deadline), attempt.grace_seconds, now)


def save_answer(attempt: SaveableAttempt, question: Question, response: Any, position: int) -> None:
    """Save (or replace) the response to one question, unless the attempt is closed.

    The claim on the attempt row comes first, as a conditional UPDATE in the same transaction as
    the answer: a submit that committed first makes it match no row (nothing is saved), and a
    submit that comes second waits for this transaction and then grades this answer.
    """
    now = clock.now()
    if question.id not in attempt.question_ids:
        raise QuizError("That question is not part of this attempt.")
    if attempt.submitted_at is None and out_of_time(attempt, now):
        submit(db.session.get_one(Attempt, attempt.id), timed_out=True)  # the ORM attempt itself when one was passed
        raise AttemptClosed(
            "Time is up: this answer arrived after the time limit and was not saved. "
            "Your attempt was submitted with the answers saved before then."
        )
    # One upsert instead of SELECT-then-write: two racing saves of the same question cannot
    # collide (the later one wins, as a second save would).
    row = {
        "attempt_id": attempt.id,
        "position": position,
        "question_id": question.id,
        "response": to_json(question, response),
        "saved_at": now,
    }
    if db.session.get_bind().dialect.name == "postgresql":
        claimed = rowcount(db.session.execute(_PG_CLAIM_AND_UPSERT, row))
    else:
        claimed = rowcount(db.session.execute(_CLAIM_FOR_SAVE, row))
        if claimed:
            db.session.execute(_SQLITE_UPSERT, row)
    if not claimed:
        db.session.rollback()  # which also expires any ORM attempt: it reads the submit on next use
        raise AttemptClosed("This attempt is already submitted; its answers can no longer change.")
    if isinstance(attempt, Attempt):
        set_committed_value(attempt, "position", position)  # already written by the claim: no second UPDATE
    db.session.commit()


def submit(attempt: Attempt, timed_out: bool = False, course: Course | None = None) -> bool:
    """Grade and close the attempt exactly once; return False if it was already submitted.

    An attempt closed after its deadline counts as submitted at the deadline, with the answers
    saved in time (saves past deadline + grace are refused, so every saved answer counts).
    """
    from app.services.content import get_course

    course = course or get_course()
    now = clock.now()
    deadline = clock.aware(attempt.deadline)
    late = deadline is not None and now > deadline
    timed_out = timed_out or late
    closed = lifecycle.closed_at(deadline, now) if timed_out else now
    claimed = rowcount(
        db.session.execute(
            update(Attempt)
            .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
            .values(submitted_at=closed, timed_out=timed_out)
            .execution_options(synchronize_session=False)
        )
    )
    if not claimed:
        db.session.rollback()
        db.session.refresh(attempt)
        return False
    set_committed_value(attempt, "submitted_at", closed)  # already written by the claim: no second UPDATE
    set_committed_value(attempt, "timed_out", timed_out)
    questions = questions_of(attempt, course)
    rows = graded_answers(attempt)
    # Every review card in one query (a question without one has none: no lookup per question),
    # and no flush after each question.
    cards = {
        card.question_id: card
        for card in db.session.scalars(
            select(ReviewCard).where(
                ReviewCard.user_id == attempt.user_id, ReviewCard.question_id.in_(list(attempt.question_ids))
            )
        )
    }
    with db.session.no_autoflush:
        _grade_into(attempt, questions, rows, cards, closed, now)
    if attempt.assignment_id is not None:
        lti_grades.grade_changed(attempt.assignment_id, [attempt.user_id])  # to the LMS gradebook, if linked
    db.session.commit()
    return True


def _grade_into(
    attempt: Attempt,
    questions: list[Question],
    rows: dict[str, AttemptAnswer],
    cards: dict[str, ReviewCard],
    closed: datetime,
    now: datetime,
) -> None:
    """Grade every question, store each grade with its question version, and total the attempt."""
    total, pending = 0.0, 0
    drawn = attempt.question_hashes or {}
    for question in questions:
        row = rows.get(question.id)
        if row is None:  # unanswered: stored too, so every question of the attempt has its grade
            row = AttemptAnswer(attempt_id=attempt.id, question_id=question.id, response=None, saved_at=closed)
            db.session.add(row)
        result = grade(question, from_json(question, row.response))
        # The digest stored at the draw is this question's (every write of a copy writes its digest).
        row.question_hash = drawn.get(question.id) or lifecycle.question_hash(question)
        if result.pending:  # an answered essay: no score until an instructor grades it
            pending += 1
            continue
        row.score, row.parts, row.note = result.score, list(result.parts), result.note
        row.graded_at = now
        total += result.score
        if result.answered:
            db.session.add(
                Answer(
                    user_id=attempt.user_id,
                    question_id=question.id,
                    objective_id=question.objective,
                    mode="quiz",
                    response=row.response,
                    score=result.score,
                    answered_at=closed,
                )
            )
            schedule_card(cards.get(question.id), attempt.user_id, question, result.score, now)
    attempt.pending_grading = pending
    attempt.score = round(total / len(attempt.question_ids), 4) if attempt.question_ids else 0.0


def close_if_out_of_time(attempt: Attempt) -> bool:
    """Submit an open attempt whose time (and grace) has run out; True if this call closed it."""
    if state_of(attempt) is lifecycle.AttemptState.OVERDUE:
        return submit(attempt, timed_out=True)
    return False


def close_expired(assignment_ids: list[int] | None = None, user_id: int | None = None) -> int:
    """Close every open attempt past its deadline and grace (all, or of some assignments or a learner).

    Grades must never wait for a learner to come back: pages and exports that read grades call this
    first, and `flask --app app attempts close-expired` runs it from cron. Returns how many it closed.
    """
    now = clock.now()
    stmt = select(Attempt).where(Attempt.submitted_at.is_(None), Attempt.deadline.is_not(None), Attempt.deadline < now)
    if assignment_ids is not None:
        if not assignment_ids:
            return 0
        stmt = stmt.where(Attempt.assignment_id.in_(assignment_ids))
    if user_id is not None:
        stmt = stmt.where(Attempt.user_id == user_id)
    closed = 0
    for attempt in list(db.session.scalars(stmt)):
        if out_of_time(attempt, now) and submit(attempt, timed_out=True):
            closed += 1
    return closed


def attempts_of(user_id: int, limit: int = 50) -> list[Attempt]:
    """The learner's attempts, newest first."""
    return list(
        db.session.scalars(select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.started_at.desc()).limit(limit))
    )


def open_attempts(user_id: int) -> list[Attempt]:
    """Attempts started but not submitted (closing those out of time first)."""
    close_expired(user_id=user_id)
    return list(db.session.scalars(select(Attempt).where(Attempt.user_id == user_id, Attempt.submitted_at.is_(None))))
