"""`flask demo` on a migrated database: a section of learners whose statistics mean something."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Assignment, Attempt, Enrollment, Section, User
from app.services.content import get_course
from app.services.item_analysis import for_assignment


def test_demo_creates_a_section_with_varied_learners(app, runner):
    result = runner.invoke(args=["demo", "--learners", "40", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "with 40 learners" in result.output and "demo-instructor@example.org" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Section)) == 1
        assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 40
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == 2
        scores = list(db.session.scalars(select(Attempt.score).where(Attempt.submitted_at.is_not(None))))
        assert len(scores) >= 30 and max(scores) - min(scores) > 0.3, "abilities vary"
        assert db.session.scalar(select(func.count()).select_from(Answer)) > 200
        assert db.session.scalar(select(func.count()).select_from(User).where(User.is_demo)) == 41


def test_demo_item_statistics_are_meaningful(app, runner):
    runner.invoke(args=["demo", "--learners", "120", "--seed", "5"])
    with app.app_context():
        assignment = db.session.scalar(select(Assignment).where(Assignment.title.like("Unit quiz 1%")))
        stats = for_assignment(assignment, get_course())
    assert stats.n_attempts >= 100
    positive = [i.discrimination for i in stats.items if i.discrimination is not None and i.n >= 20]
    assert positive and sum(d > 0 for d in positive) / len(positive) > 0.8, "able learners do better on most items"
    assert stats.alpha is not None and stats.alpha > 0


def test_demo_is_reproducible_from_its_seed(app, runner):
    runner.invoke(args=["demo", "--learners", "15", "--seed", "9"])
    with app.app_context():
        first = sorted(map(str, db.session.scalars(select(Attempt.score))))  # open attempts have no score yet
    runner.invoke(args=["demo", "--learners", "15", "--seed", "9"])
    with app.app_context():
        section_ids = list(db.session.scalars(select(Section.id).order_by(Section.id)))
        second = sorted(
            map(
                str,
                db.session.scalars(
                    select(Attempt.score)
                    .join(Assignment, Assignment.id == Attempt.assignment_id)
                    .where(Assignment.section_id == section_ids[1])
                ),
            )
        )
    assert first == second


def test_a_demo_class_past_every_due_date_exports_no_in_progress_blank(app, runner, fixed_clock, login_as, client):
    """Issue 9: abandoned attempts (saved answers, never submitted) are graded at their deadline in every export."""
    from datetime import timedelta

    from app.models import AttemptAnswer
    from tests.conftest import T0

    result = runner.invoke(args=["demo", "--learners", "200", "--seed", "1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        abandoned = list(
            db.session.scalars(
                select(Attempt.id).where(Attempt.submitted_at.is_(None)).where(Attempt.id.in_(select(AttemptAnswer.attempt_id)))
            )
        )
        section_id = db.session.scalar(select(Section.id))
    assert len(abandoned) >= 5, "the demo has learners who saved answers and never came back"
    fixed_clock["now"] = T0 + timedelta(days=30)  # past every due date of the demo
    login_as("admin")
    for fmt in ("long", "wide", "canvas", "moodle"):
        export = client.get(f"/teach/sections/{section_id}/grades.{fmt}.csv")
        assert export.status_code == 200
        assert "in progress" not in export.get_data(as_text=True), fmt
    with app.app_context():
        rows = list(
            db.session.execute(select(Attempt.submitted_at, Attempt.score, Attempt.timed_out).where(Attempt.id.in_(abandoned)))
        )
        assert all(submitted is not None and score is not None and timed_out for submitted, score, timed_out in rows)
