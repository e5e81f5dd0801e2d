"""A learner's progress: lessons, mastery per objective, attempt history, what to practise next."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from app import clock
from app.extensions import db
from app.models import Answer, Attempt, LessonCompletion
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


@dataclass(frozen=True)
class NextUp:
    """The one thing the home page suggests doing next, and what it needs to link to it."""

    kind: str  # "resume", "review", "lesson", "practise" or "self-test"
    attempt: Attempt | None = None  # resume: the open attempt
    due: int = 0  # review: how many are due
    lesson_id: str | None = None  # lesson and practise: where to go
    objective: Mastery | None = None  # practise: the weakest objective


def next_up(
    course: Course, lessons: dict[str, LessonProgress], mastery: dict[str, Mastery], due: int, open_attempts: list[Attempt]
) -> NextUp:
    """What to do next, in this order: resume an open attempt, do due reviews, start the next
    unfinished lesson, practise the weakest objective; with all of that done, take a self-test."""
    if open_attempts:
        return NextUp("resume", attempt=min(open_attempts, key=lambda a: (a.deadline is None, a.id)))
    if due:
        return NextUp("review", due=due)
    for lesson in course.lessons:
        if not lessons[lesson.id].completed:
            return NextUp("lesson", lesson_id=lesson.id)
    weak = weakest_objectives(mastery, limit=1)
    if weak:
        return NextUp("practise", lesson_id=weak[0].objective.rsplit(".", 1)[0], objective=weak[0])
    return NextUp("self-test")


def reopen_lesson(user_id: int, lesson_id: str) -> bool:
    """Undo "mark as complete"; return whether the lesson had been marked complete."""
    result = db.session.execute(
        delete(LessonCompletion).where(LessonCompletion.user_id == user_id, LessonCompletion.lesson_id == lesson_id)
    )
    db.session.commit()
    return bool(getattr(result, "rowcount", 0))


def submitted_attempts(user_id: int) -> list[Attempt]:
    """Submitted attempts, oldest first (for the chart)."""
    stmt = select(Attempt).where(Attempt.user_id == user_id, Attempt.submitted_at.is_not(None)).order_by(Attempt.submitted_at)
    return list(db.session.scalars(stmt))
