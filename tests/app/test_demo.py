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
        first = sorted(db.session.scalars(select(Attempt.score)))
    runner.invoke(args=["demo", "--learners", "15", "--seed", "9"])
    with app.app_context():
        section_ids = list(db.session.scalars(select(Section.id).order_by(Section.id)))
        second = sorted(db.session.scalars(select(Attempt.score).join(Assignment, Assignment.id == Attempt.assignment_id)
                                           .where(Assignment.section_id == section_ids[1])))
    assert first == second
