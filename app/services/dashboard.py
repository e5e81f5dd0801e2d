"""Class dashboard data: completion, score distributions, mastery heatmap, who needs help."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Assignment, Attempt, Enrollment, LessonCompletion, User
from app.services import assignments as assignment_service
from course.analytics import score_histogram
from course.catalog import Course
from course.mastery import WINDOW, Mastery, from_window

BINS = 10


@dataclass(frozen=True)
class ObjectiveColumn:
    """One heatmap column: an objective some machine-graded question assesses."""

    id: str
    number: int
    verb: str
    text: str

    @property
    def label(self) -> str:
        """A short, readable column label: its number in the lesson and the objective's verb."""
        return f"O{self.number} {self.verb}"


@dataclass(frozen=True)
class LessonColumns:
    """A lesson's group of heatmap columns."""

    id: str
    title: str
    objectives: tuple[ObjectiveColumn, ...]


def heatmap_columns(course: Course) -> list[LessonColumns]:
    """The heatmap's columns, grouped by lesson in unit order; objectives no machine-graded question assesses are left out.

    Mastery comes only from machine-graded answers (practice, review, self-tests and graded
    attempts), so an objective without such a question (an overview lesson's, say) could only
    ever show "not started".
    """
    assessed = {q.objective for q in course.self_graded}
    groups = []
    for lesson in course.lessons:
        columns = tuple(
            ObjectiveColumn(o.id, number, o.text.split(maxsplit=1)[0].strip(",.:;"), o.text)
            for number, o in enumerate(lesson.meta.objectives, start=1)
            if o.id in assessed
        )
        if columns:
            groups.append(LessonColumns(lesson.id, lesson.title, columns))
    return groups


@dataclass(frozen=True)
class LearnerRow:
    """One learner on the dashboard, with mastery of every assessed objective."""

    user: User
    mastery: dict[str, Mastery]
    answers: int
    started: bool

    @cached_property  # the sort, the "needs attention" list and the page each ask, 500 times
    def mastered_share(self) -> float:
        """Share of the assessed objectives mastered."""
        return sum(1 for m in self.mastery.values() if m.status == "mastered") / (len(self.mastery) or 1)

    @cached_property
    def mean_score(self) -> float:
        """Mean mastery score over the assessed objectives, an objective never answered counting 0."""
        return sum(m.score for m in self.mastery.values()) / (len(self.mastery) or 1)

    @property
    def need(self) -> tuple[float, int, str]:
        """Sort key, most in need first: lowest mean score, then fewer answers (less evidence), then email."""
        return (self.mean_score, self.answers, self.user.email)


BELOW_MASTERY_SHARE = 0.5  # a started learner with fewer than half the objectives mastered needs attention


def weakest_first(learners: list[LearnerRow]) -> list[LearnerRow]:
    """Started learners by need (lowest mean score, then fewer answers), then those not started, by email.

    Learners who have not started have no evidence to rank; they are listed apart under "Not
    started", and at the end of the heatmap so its top rows show who tried and is struggling.
    """
    started = sorted((r for r in learners if r.started), key=lambda r: r.need)
    return started + sorted((r for r in learners if not r.started), key=lambda r: r.user.email)


def needs_attention(learners: list[LearnerRow]) -> tuple[list[LearnerRow], list[LearnerRow]]:
    """Learners who have not started, and started learners below mastery, most in need first."""
    not_started = [r for r in learners if not r.started]
    below = sorted((r for r in learners if r.started and r.mastered_share < BELOW_MASTERY_SHARE), key=lambda r: r.need)
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


def learner_rows(section_id: int, course: Course, users: list[User] | None = None) -> list[LearnerRow]:
    """Every enrolled learner with mastery per assessed objective, weakest first, in a few queries whatever the roster's size.

    The database takes each learner's window of recent answers per objective (course.mastery's
    rule) and returns only its sum and count: a class of 500 has tens of thousands of answers, and
    reading each one took most of the dashboard's time.
    """
    users = roster_users(section_id) if users is None else users
    objectives = [o.id for group in heatmap_columns(course) for o in group.objectives]
    windows: dict[int, dict[str, Mastery]] = defaultdict(dict)
    totals: dict[int, int] = {}
    if users:
        enrolled = select(Enrollment.user_id).where(Enrollment.section_id == section_id)
        ranked = (
            select(
                Answer.user_id,
                Answer.objective_id,
                Answer.score,
                func.row_number()
                .over(partition_by=(Answer.user_id, Answer.objective_id), order_by=(Answer.answered_at.desc(), Answer.id.desc()))
                .label("recent"),
            )
            .where(Answer.user_id.in_(enrolled), Answer.objective_id.in_(objectives))
            .subquery()
        )
        recent = select(ranked.c.user_id, ranked.c.objective_id, func.sum(ranked.c.score), func.count()).where(
            ranked.c.recent <= WINDOW
        )
        for uid, objective, total, count in db.session.execute(recent.group_by(ranked.c.user_id, ranked.c.objective_id)):
            windows[uid][objective] = from_window(objective, total, count)
        totals = dict(
            db.session.execute(
                select(Answer.user_id, func.count()).where(Answer.user_id.in_(enrolled)).group_by(Answer.user_id)
            ).all()
        )
    attempted = set(
        db.session.scalars(
            select(Attempt.user_id)
            .join(Enrollment, Enrollment.user_id == Attempt.user_id)
            .where(Enrollment.section_id == section_id)
            .distinct()
        )
    )
    unanswered = {o: from_window(o, 0.0, 0) for o in objectives}  # one shared value each, not one per learner
    rows = []
    for u in users:
        held = windows.get(u.id, {})
        mastery = {o: held.get(o) or unanswered[o] for o in objectives}
        answered = totals.get(u.id, 0)
        rows.append(LearnerRow(u, mastery, answered, bool(answered) or u.id in attempted))
    return weakest_first(rows)


def histogram(
    section_id: int,
    assignment: Assignment,
    records: assignment_service.ClassRecords | None = None,
    users: list[User] | None = None,
) -> tuple[list[int], int, int]:
    """Counts of final scores in ten 10%-wide bins, plus how many are graded and missing."""
    records = records or assignment_service.class_records(assignment)
    users = roster_users(section_id) if users is None else users
    finals = [records.final_points(assignment, user.id)[0] for user in users]
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
