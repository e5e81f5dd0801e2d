"""A learner's progress: lessons, mastery per objective, attempt history, what to practise next."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Answer, Attempt
from app.services.learning import answer_counts, completed_lessons
from course.catalog import Course
from course.mastery import Mastery, ScoredAnswer, mastery_by_objective, weakest


@dataclass(frozen=True)
class LessonProgress:
    """Where a learner stands on one lesson."""

    lesson_id: str
    completed: bool
    answered: int  # distinct questions answered at least once
    questions: int
    mastered: int  # objectives mastered
    objectives: int  # objectives that questions assess (an overview's may have none)


def mastery_for(user_id: int, course: Course) -> dict[str, Mastery]:
    """Mastery of every objective of the course for one learner."""
    rows = db.session.execute(select(Answer.objective_id, Answer.score, Answer.answered_at).where(Answer.user_id == user_id))
    answers = [ScoredAnswer(o, s, clock.aware(t)) for o, s, t in rows]
    objectives = [o.id for lesson in course.lessons for o in lesson.meta.objectives]
    return mastery_by_objective(answers, objectives)


def lesson_progress(user_id: int, course: Course, mastery: dict[str, Mastery] | None = None) -> dict[str, LessonProgress]:
    """Progress per lesson: completion, questions answered, objectives mastered."""
    mastery = mastery if mastery is not None else mastery_for(user_id, course)
    done = completed_lessons(user_id)
    counts = answer_counts(user_id)
    assessed = assessed_objectives(course)
    result = {}
    for lesson in course.lessons:
        questions = course.practice_questions_for(lesson.id)
        # An objective no question assesses cannot be mastered: it is not counted (it is not "0 of 4" forever).
        objectives = [o.id for o in lesson.meta.objectives if o.id in assessed]
        result[lesson.id] = LessonProgress(
            lesson.id,
            lesson.id in done,
            sum(1 for q in questions if counts.get(q.id)),
            len(questions),
            sum(1 for o in objectives if mastery[o].status == "mastered"),
            len(objectives),
        )
    return result


def assessed_objectives(course: Course) -> set[str]:
    """The objectives that practice questions assess (mastery is measured on these only)."""
    return {q.objective for q in course.self_graded}


def weakest_objectives(mastery: dict[str, Mastery], limit: int = 3) -> list[Mastery]:
    """The objectives most worth practising."""
    return weakest(mastery.values(), limit)


def submitted_attempts(user_id: int) -> list[Attempt]:
    """Submitted attempts, oldest first (for the chart)."""
    stmt = select(Attempt).where(Attempt.user_id == user_id, Attempt.submitted_at.is_not(None)).order_by(Attempt.submitted_at)
    return list(db.session.scalars(stmt))
