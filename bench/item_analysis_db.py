"""The item analysis page's data for 10,000 submitted attempts of one assignment, read from the database.

Setup, per backend (SQLite; PostgreSQL too when TEST_DATABASE_URL is set, keys ending `_pg`): a fresh
database (`flask --app app db upgrade`, question ids loaded), an instructor, a section and one
assignment of 20 questions drawn per attempt (course.drawing.draw) from the machine-graded
questions of the four source lessons of the real course, then, with bulk INSERTs (PostgreSQL: COPY;
SQLite: executemany), ATTEMPTS submitted attempts by 3/4 x ATTEMPTS learners (the first third of
them made a second attempt) and an attempt_answer row for every drawn question. Responses follow the
demo's model (app.services.demo): ability ~ N(0, 1), P(right) = logistic(1.7 (ability -
difficulty)), the response made by the question type's own `demo_response` and graded by
course.grading.grade, stored with to_json; 3% of the questions are left unanswered (response NULL,
score 0, as a submission stores them). Then ANALYZE.

Timed: in an app context, `app.services.item_analysis.for_assignment(assignment, get_course())`,
what GET /teach/assignments/<id>/items computes before rendering (closing overdue attempts, the
two queries, the core's `analyse`). A fresh session each run. `item_analysis_db_10k_seconds` is
the median of REPEATS runs (spread printed); `item_analysis_db_10k_attempts` the attempts analysed.

    python -m bench.item_analysis_db [--attempts 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import _harness as h

ATTEMPTS = 10_000
QUESTIONS = 20
REPEATS = 3
VARIANTS = 6  # stored responses made per question, right and wrong each


def response_pool(course: Any, questions: list[Any], rng: random.Random) -> dict[str, dict[bool, list[tuple[Any, float, list]]]]:
    """Per question, VARIANTS right and VARIANTS wrong responses as stored: (JSON, score, parts)."""
    from course.grading import grade
    from course.qtypes import type_of
    from course.responses import to_json

    pool: dict[str, dict[bool, list[tuple[Any, float, list]]]] = {}
    for q in questions:
        pool[q.id] = {}
        for right in (True, False):
            made = []
            for _ in range(VARIANTS):
                response = type_of(q).demo_response(q, right, rng)
                result = grade(q, response)
                made.append((to_json(q, response), result.score, list(result.parts)))
            pool[q.id][right] = made
    return pool


def fill(database_url: str, attempts: int, seed: int = 3) -> int:
    """The section, the assignment and its submitted attempts with answers; return the assignment id."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Assignment, Attempt, AttemptAnswer, Role, Section, User
    from app.services.content import get_course
    from course import attempts as lifecycle
    from course.drawing import draw

    rng = random.Random(seed)
    now = datetime.now(UTC)
    with h.setup_app(database_url), h.cheap_password_hashes():
        course = get_course()
        lessons = [lesson.id for lesson in course.lessons if len(lesson.meta.sources) == 1 and course.questions_for(lesson.id)]
        bank = [q for q in course.self_graded if q.lesson in lessons]
        instructor = User(email="items-bench-instructor@example.org", role=Role.INSTRUCTOR.value)
        instructor.set_password(h.STUDENT_PASSWORD)
        db.session.add(instructor)
        db.session.flush()
        section = Section(name="Item analysis bench", term="Bench", instructor_id=instructor.id, join_code="ITEMBENCH1")
        db.session.add(section)
        db.session.flush()
        assignment = Assignment(
            section_id=section.id,
            title="Unit quiz: sources",
            lesson_ids=lessons,
            objective_ids=[],
            question_types=[],
            num_questions=QUESTIONS,
            opens_at=now - timedelta(days=30),
            due_at=now - timedelta(days=2),
            attempts_allowed=2,
            counting="highest",
            points=20,
        )
        db.session.add(assignment)
        db.session.commit()
        assignment_id = assignment.id
        pool = response_pool(course, bank, rng)
        difficulty = {q.id: {1: -1.0, 2: 0.0, 3: 1.0}[q.difficulty] + rng.gauss(0, 0.5) for q in bank}
        hashes = {q.id: lifecycle.question_hash(q) for q in bank}

        conn = db.session.connection()
        learners = max(1, attempts * 3 // 4)
        emails = [f"items-learner-{i:06d}@example.org" for i in range(learners)]
        h.bulk_insert(
            conn,
            User.__table__,
            [
                {
                    "email": e,
                    "password_hash": "scrypt:1024:8:1$bench$" + "0" * 64,
                    "role": "student",
                    "active": True,
                    "session_version": 1,
                    "is_demo": False,
                    "must_change_password": False,
                    "created_at": now,
                }
                for e in emails
            ],
        )
        ids = list(conn.scalars(select(User.id).where(User.email.in_(emails)).order_by(User.id)))
        plan = [(uid, 1) for uid in ids] + [(uid, 2) for uid in ids[: attempts - learners]]
        ability = {uid: rng.gauss(0, 1) for uid in ids}
        rows, drawn_of = [], {}
        for n, (uid, number) in enumerate(plan):
            attempt_seed = f"items-{n}"
            drawn = draw(bank, QUESTIONS, attempt_seed)
            drawn_of[attempt_seed] = (uid, number, drawn)
            started = now - timedelta(days=rng.randint(3, 28), minutes=rng.randint(0, 600))
            rows.append(
                {
                    "user_id": uid, "kind": "assignment", "title": assignment.title, "seed": attempt_seed,
                    "question_ids": [q.id for q in drawn], "feedback_policy": "after_submit", "started_at": started,
                    "deadline": None, "submitted_at": started + timedelta(minutes=rng.randint(8, 25)), "timed_out": False,
                    "score": 0.0, "position": 0, "assignment_id": assignment_id, "number": number,
                    "grace_seconds": 30, "pending_grading": 0,
                }
            )  # fmt: skip
        h.bulk_insert(conn, Attempt.__table__, rows)
        attempt_ids = dict(conn.execute(select(Attempt.seed, Attempt.id).where(Attempt.assignment_id == assignment_id)).all())
        answers: list[dict[str, Any]] = []
        parts: list[Any]
        for attempt_seed, (uid, number, drawn) in drawn_of.items():
            attempt_id, submitted = attempt_ids[attempt_seed], now - timedelta(days=2)
            for q in drawn:
                if rng.random() < 0.03:
                    response, score, parts = None, 0.0, []
                else:
                    p = 1 / (1 + math.exp(-1.7 * (ability[uid] + 0.3 * (number - 1) - difficulty[q.id])))
                    response, score, parts = rng.choice(pool[q.id][rng.random() < p])
                answers.append(
                    {
                        "attempt_id": attempt_id, "question_id": q.id, "response": response, "score": score,
                        "saved_at": submitted, "parts": parts, "note": None, "question_hash": hashes[q.id],
                        "graded_at": submitted,
                    }
                )  # fmt: skip
            if len(answers) >= 50_000:
                h.bulk_insert(conn, AttemptAnswer.__table__, answers)
                answers = []
        h.bulk_insert(conn, AttemptAnswer.__table__, answers)
        db.session.commit()
        if conn.dialect.name == "postgresql":
            with db.engine.connect() as auto:
                h.analyze(auto.execution_options(isolation_level="AUTOCOMMIT"))
        else:
            with db.engine.begin() as other:
                h.analyze(other)
        return assignment_id


def time_analysis(database_url: str, assignment_id: int, repeats: int) -> tuple[list[float], int]:
    """Seconds per run of the item analysis page's data; the number of attempts it analysed."""
    from app.extensions import db
    from app.models import Assignment
    from app.services import item_analysis
    from app.services.content import get_course

    times, analysed = [], 0
    with h.setup_app(database_url) as app:
        course = get_course()
        db.session.remove()
        for _ in range(repeats):
            with app.app_context():
                began = time.perf_counter()
                assignment = db.session.get_one(Assignment, assignment_id)
                stats = item_analysis.for_assignment(assignment, course)
                times.append(time.perf_counter() - began)
                analysed = stats.n_attempts
                db.session.remove()
    return times, analysed


def run(attempts: int = ATTEMPTS, repeats: int = REPEATS) -> dict[str, float]:
    """Figures for SQLite and (when TEST_DATABASE_URL is set) PostgreSQL; raw runs to bench/results/item_analysis_db.json."""
    figures: dict[str, float] = {}
    raw: dict[str, Any] = {}
    for backend in h.backends():
        s = backend.suffix
        with h.database(backend, "items") as url:
            h.migrate(url)
            began = time.perf_counter()
            assignment_id = fill(url, attempts)
            h.log(
                f"[item_analysis_db{s}] {attempts} attempts x {QUESTIONS} answers loaded in {time.perf_counter() - began:.1f} s"
            )
            times, analysed = time_analysis(url, assignment_id, repeats)
        if analysed != attempts:
            raise SystemExit(f"item analysis saw {analysed} attempts, expected {attempts}")
        h.log(f"[item_analysis_db{s}] runs: " + ", ".join(f"{t:.2f} s" for t in times))
        figures[f"item_analysis_db_10k_seconds{s}"] = h.summarise(f"item_analysis_db_10k_seconds{s}", times)
        figures[f"item_analysis_db_10k_attempts{s}"] = analysed
        raw[backend.name] = {"attempts": attempts, "seconds": times}
    h.write_results("item_analysis_db", {"figures": figures, **raw})
    return figures


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=ATTEMPTS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    h.print_figures(run(args.attempts, args.repeats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
