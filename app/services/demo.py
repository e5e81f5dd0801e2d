"""Synthetic class data: a section of learners of varied ability with realistic attempts.

Each learner gets an ability drawn from N(0, 1); each question a difficulty from its bank level
(1 easy, 2 medium, 3 hard) plus noise; a response is right with probability
logistic(1.7 * (ability - difficulty)), as in a two-parameter IRT model, so item statistics come out
meaningful (harder items have lower facility, able learners score higher on every item).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from app import clock
from app.extensions import db
from app.models import Answer, Assignment, Attempt, AttemptAnswer, Enrollment, LessonCompletion, ReviewCard, Role, Section, User
from app.services import sections as section_service
from app.services.quizzes import frozen_columns
from course import attempts as lifecycle
from course.catalog import Course
from course.drawing import draw
from course.grading import grade
from course.model import Question
from course.qtypes import type_of
from course.responses import to_json
from course.scheduling import CardState, review

DEMO_PASSWORD = "demo-learner-pass"


@dataclass(frozen=True)
class DemoReport:
    """What the demo command created."""

    section: Section
    instructor_email: str
    learners: int
    attempts: int
    answers: int


def respond(question: Question, ability: float, rng: random.Random) -> Any:
    """Answer as a learner of this ability would."""
    difficulty = {1: -1.0, 2: 0.0, 3: 1.0}[question.difficulty] + rng.gauss(0, 0.5)
    right = rng.random() < 1 / (1 + math.exp(-1.7 * (ability - difficulty)))
    return type_of(question).demo_response(question, right, rng)


def create_demo(course: Course, learners: int, seed: int = 1) -> DemoReport:
    """Create an instructor, a section of `learners` students, two assignments, attempts and practice."""
    rng = random.Random(seed)
    now = clock.now()
    instructor = db.session.scalar(select(User).where(User.email == "demo-instructor@example.org"))
    if instructor is None:
        instructor = User(email="demo-instructor@example.org", role=Role.INSTRUCTOR.value, is_demo=True)
        instructor.set_password("demo-instructor-pass")
        db.session.add(instructor)
        db.session.flush()
    section = Section(
        name=f"Demo section ({learners} learners, seed {seed})",
        term="Demo term",
        instructor_id=instructor.id,
        join_code=section_service.new_code(),
        created_at=now,
    )
    db.session.add(section)
    db.session.flush()
    source_lessons = [lesson.id for lesson in course.lessons if len(lesson.meta.sources) == 1 and course.questions_for(lesson.id)]
    synthesis = [lesson.id for lesson in course.lessons if len(lesson.meta.sources) > 1 and course.questions_for(lesson.id)]
    synthesis = synthesis or source_lessons  # a course without a synthesis lesson quizzes the sources twice

    def size(lessons: list[str], wanted: int) -> int:
        return min(wanted, sum(len(course.questions_for(i)) for i in lessons))

    past = Assignment(
        section_id=section.id,
        title="Unit quiz 1: sources",
        lesson_ids=source_lessons,
        objective_ids=[],
        question_types=[],
        num_questions=size(source_lessons, 20),
        opens_at=now - timedelta(days=14),
        due_at=now - timedelta(days=7),
        time_limit_minutes=30,
        attempts_allowed=2,
        counting="highest",
        points=20,
        feedback_policy="after_submit",
        answers_policy="after_due",
        created_at=now - timedelta(days=15),
    )
    current = Assignment(
        section_id=section.id,
        title="Unit quiz 2: synthesis",
        lesson_ids=synthesis,
        objective_ids=[],
        question_types=[],
        num_questions=size(synthesis, 10),
        opens_at=now - timedelta(days=2),
        due_at=now + timedelta(days=5),
        time_limit_minutes=None,
        attempts_allowed=1,
        counting="last",
        points=10,
        feedback_policy="after_due",
        answers_policy="after_due",
        created_at=now - timedelta(days=3),
    )
    db.session.add_all([past, current])
    db.session.flush()
    password_hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")  # one hash for all: scrypt is slow by design
    start = (db.session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) or 0) + 1
    users = [
        {
            "email": f"learner{start + i:05d}@demo.example.org",
            "password_hash": password_hash,
            "role": "student",
            "active": True,
            "session_version": 1,
            "is_demo": True,
            "created_at": now - timedelta(days=20),
        }
        for i in range(learners)
    ]
    if users:
        db.session.execute(insert(User), users)
    ids = list(db.session.scalars(select(User.id).where(User.email.in_([u["email"] for u in users])).order_by(User.id)))
    if ids:
        db.session.execute(
            insert(Enrollment), [{"section_id": section.id, "user_id": uid, "joined_at": now - timedelta(days=19)} for uid in ids]
        )
    counts = {"attempts": 0, "answers": 0}
    for index, uid in enumerate(ids):
        _simulate_learner(course, uid, index, rng.gauss(0, 1), rng, past, current, source_lessons, counts)
    db.session.commit()
    return DemoReport(section, instructor.email, len(ids), counts["attempts"], counts["answers"])


def _simulate_learner(course, uid, index, ability, rng, past, current, source_lessons, counts) -> None:
    now = clock.now()
    if rng.random() < 0.08:  # some learners never start: the dashboard should show them
        return
    completions = [
        {"user_id": uid, "lesson_id": lid, "completed_at": now - timedelta(days=rng.randint(8, 18))}
        for lid in ["00-overview", *source_lessons]
        if rng.random() < 0.5 + ability / 4
    ]
    if completions:
        db.session.execute(insert(LessonCompletion), completions)
    answers: list[dict[str, Any]] = []
    cards: dict[str, tuple[CardState, datetime]] = {}
    for question in rng.sample(list(course.self_graded), k=min(len(course.self_graded), rng.randint(5, 25))):
        response = respond(question, ability, rng)
        when = now - timedelta(days=rng.randint(1, 18), minutes=rng.randint(0, 600))
        score = grade(question, response).score
        answers.append(
            {
                "user_id": uid,
                "question_id": question.id,
                "objective_id": question.objective,
                "mode": "practice",
                "response": to_json(question, response),
                "score": score,
                "confidence": None,
                "answered_at": when,
            }
        )
        state, due = review(cards.get(question.id, (None,))[0], score, when)
        cards[question.id] = (state, due)
    for assignment, tries in ((past, rng.choice([1, 1, 2])), (current, 1 if rng.random() < 0.6 else 0)):
        pool = [q for q in course.self_graded if q.lesson in assignment.lesson_ids]
        for attempt_number in range(tries):
            seed = f"demo-{index}-{assignment.title}-{attempt_number}"  # not the user id: the same seed gives the same class
            drawn = draw(pool, assignment.num_questions, seed)
            started = clock.aware(assignment.opens_at) + timedelta(hours=rng.randint(1, 100), minutes=attempt_number * 50)
            # Some learners of the open assignment start, save a few answers and never come back: the
            # grade must still appear once the due date passes (the attempt is closed then).
            abandoned = assignment is current and rng.random() < 0.1
            graded, total = [], 0.0
            for question in drawn[: rng.randint(1, max(1, len(drawn) // 2))] if abandoned else drawn:
                response = respond(question, ability + attempt_number * 0.3, rng)
                result = grade(question, response)
                total += result.score
                graded.append((question, response, result))
            deadline = lifecycle.deadline_for(started, clock.aware(assignment.due_at), assignment.time_limit_minutes)
            submitted = None if abandoned else started + timedelta(minutes=rng.randint(8, 25))
            row = db.session.execute(
                insert(Attempt).returning(Attempt.id),
                {
                    "user_id": uid,
                    "kind": "assignment",
                    "assignment_id": assignment.id,
                    "title": assignment.title,
                    "seed": seed,
                    "question_ids": [q.id for q in drawn],
                    **frozen_columns(drawn, course),
                    "feedback_policy": assignment.feedback_policy,
                    "started_at": started,
                    "deadline": deadline,
                    "grace_seconds": assignment.grace_seconds,
                    "number": attempt_number + 1,
                    "timed_out": False,
                    "submitted_at": submitted,
                    "score": None if abandoned else round(total / len(drawn), 4),
                    "position": 0,
                },
            )
            attempt_id = row.scalar_one()
            answered = {q.id for q, _, _ in graded}
            grades = [
                {
                    "attempt_id": attempt_id,
                    "question_id": q.id,
                    "response": to_json(q, r),
                    "saved_at": started,
                    **(
                        {}
                        if abandoned
                        else {
                            "score": g.score,
                            "parts": list(g.parts),
                            "note": g.note,
                            "question_hash": course.question_hash_by_id[q.id],
                            "graded_at": submitted,
                        }
                    ),
                }
                for q, r, g in graded
            ]
            if not abandoned:  # unanswered questions carry their grade too, as a real submission stores them
                grades += [
                    {
                        "attempt_id": attempt_id,
                        "question_id": q.id,
                        "response": None,
                        "saved_at": started,
                        "score": 0.0,
                        "parts": [],
                        "note": None,
                        "question_hash": course.question_hash_by_id[q.id],
                        "graded_at": submitted,
                    }
                    for q in drawn
                    if q.id not in answered
                ]
            db.session.execute(insert(AttemptAnswer), grades)
            if not abandoned:
                answers += [
                    {
                        "user_id": uid,
                        "question_id": q.id,
                        "objective_id": q.objective,
                        "mode": "quiz",
                        "response": to_json(q, r),
                        "score": g.score,
                        "confidence": None,
                        "answered_at": started,
                    }
                    for q, r, g in graded
                ]
            counts["attempts"] += 1
    if answers:
        db.session.execute(insert(Answer), answers)
        counts["answers"] += len(answers)
    if cards:
        db.session.execute(
            insert(ReviewCard),
            [
                {"user_id": uid, "question_id": qid, "card": state, "due": due, "reviews": 1}
                for qid, (state, due) in cards.items()
            ],
        )
