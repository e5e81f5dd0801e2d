"""Class dashboard data: completion, score distributions, mastery heatmap, who needs help."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Answer, Assignment, Attempt, Enrollment, LessonCompletion, User
from app.services import assignments as assignment_service
from course.analytics import score_histogram
from course.catalog import Course
from course.mastery import Mastery, ScoredAnswer, mastery_by_objective

BINS = 10


@dataclass(frozen=True)
class LearnerRow:
    """One learner on the dashboard."""

    user: User
    mastery: dict[str, Mastery]
    answers: int
    started: bool

    @property
    def mastered_share(self) -> float:
        """Share of the unit's objectives mastered."""
        return sum(1 for m in self.mastery.values() if m.status == "mastered") / (len(self.mastery) or 1)


BELOW_MASTERY_SHARE = 0.5  # a started learner with fewer than half the objectives mastered needs attention


def needs_attention(learners: list[LearnerRow]) -> tuple[list[LearnerRow], list[LearnerRow]]:
    """Learners who have not started, and started learners below mastery (furthest behind first)."""
    not_started = [r for r in learners if not r.started]
    below = sorted((r for r in learners if r.started and r.mastered_share < BELOW_MASTERY_SHARE), key=lambda r: r.mastered_share)
    return not_started, below


def roster_users(section_id: int) -> list[User]:
    """Enrolled students by email."""
    stmt = (
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.section_id == section_id)
        .order_by(User.email)
    )
    return list(db.session.scalars(stmt))


def completion(section_id: int, course: Course, size: int) -> list[tuple[str, str, int, int]]:
    """Per lesson: id, title, learners who completed it, roster size."""
    stmt = (
        select(LessonCompletion.lesson_id, func.count())
        .join(Enrollment, Enrollment.user_id == LessonCompletion.user_id)
        .where(Enrollment.section_id == section_id)
        .group_by(LessonCompletion.lesson_id)
    )
    done = dict(db.session.execute(stmt).all())
    return [(lesson.id, lesson.title, done.get(lesson.id, 0), size) for lesson in course.lessons]


def learner_rows(section_id: int, course: Course) -> list[LearnerRow]:
    """Every enrolled learner with mastery per objective, from one query of their answers."""
    users = roster_users(section_id)
    objectives = [o.id for lesson in course.lessons for o in lesson.meta.objectives]
    by_user: dict[int, list[ScoredAnswer]] = defaultdict(list)
    if users:
        stmt = (
            select(Answer.user_id, Answer.objective_id, Answer.score, Answer.answered_at)
            .join(Enrollment, Enrollment.user_id == Answer.user_id)
            .where(Enrollment.section_id == section_id)
        )
        for uid, objective, score, when in db.session.execute(stmt):
            by_user[uid].append(ScoredAnswer(objective, score, clock.aware(when)))
    attempted = set(
        db.session.scalars(
            select(Attempt.user_id)
            .join(Enrollment, Enrollment.user_id == Attempt.user_id)
            .where(Enrollment.section_id == section_id)
            .distinct()
        )
    )
    return [
        LearnerRow(
            u, mastery_by_objective(by_user[u.id], objectives), len(by_user[u.id]), bool(by_user[u.id]) or u.id in attempted
        )
        for u in users
    ]


def histogram(
    section_id: int, assignment: Assignment, records: assignment_service.ClassRecords | None = None
) -> tuple[list[int], int, int]:
    """Counts of final scores in ten 10%-wide bins, plus how many are graded and missing."""
    records = records or assignment_service.class_records(assignment)
    finals = [records.final_points(assignment, user.id)[0] for user in roster_users(section_id)]
    graded = [p / assignment.points for p in finals if p is not None and assignment.points]
    return score_histogram(graded, BINS), len(graded), sum(1 for p in finals if p is None)


def learner_attempts(user_id: int, section_id: int) -> list[tuple[Attempt, Assignment | None]]:
    """A learner's attempts at this section's assignments and their self-tests, newest first."""
    stmt = (
        select(Attempt, Assignment)
        .outerjoin(Assignment, Assignment.id == Attempt.assignment_id)
        .where(Attempt.user_id == user_id)
        .order_by(Attempt.started_at.desc())
    )
    return [(a, s) for a, s in db.session.execute(stmt) if s is None or s.section_id == section_id]
