"""The class dashboard at scale: the heatmap weakest first, grouped by lesson, without unassessed objectives; a few queries."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from app import clock
from app.extensions import db
from app.models import Answer, Enrollment, Role
from app.services import accounts, sections
from app.services.content import get_course
from app.services.dashboard import heatmap_columns
from app.services.demo import create_demo
from tests.conftest import PASSWORD, Auth
from tests.statements import recorded

REAL_COURSE = Path(__file__).resolve().parents[2]


@pytest.fixture()
def app_config() -> dict:
    """The real course: seven lessons, and an overview whose objectives no question assesses."""
    return {"LESSONS_DIR": str(REAL_COURSE / "lessons"), "QUESTION_BANK": str(REAL_COURSE / "question_bank.yaml")}


def heatmap_rows(html: str) -> list[str]:
    """The learners' emails in the heatmap's row order."""
    body = html.split('<table class="heatmap">', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', body)


def below_mastery(html: str) -> list[str]:
    """The emails of the "Below mastery" list, in order."""
    part = html.split("Below mastery (", 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li><a [^>]*>([^<]+)</a>", part)


@pytest.fixture()
def graded_class(app, client):
    """An instructor's section of five learners with known answers; returns the dashboard's HTML."""
    with app.app_context():
        course = get_course()
        teacher = accounts.create_user("teacher@example.org", PASSWORD, Role.INSTRUCTOR)
        section = sections.create_section(teacher, "Seminar A", "Spring 2027", "UTC")
        first, second = (g.objectives for g in heatmap_columns(course)[:2])
        question = {q.objective: q.id for q in course.self_graded}
        now = clock.now()
        # (email, [(objective, score), ...]): the need order is zed, bea (one answer), cat (two), amy; dan never started.
        plan = {
            "amy@example.org": [(o.id, 1.0) for o in first] * 3 + [(o.id, 0.4) for o in second],
            "bea@example.org": [(first[0].id, 0.5)],
            "cat@example.org": [(first[0].id, 0.5), (first[0].id, 0.5)],
            "dan@example.org": [],
            "zed@example.org": [(first[1].id, 0.0), (first[2].id, 0.25)],
        }
        for email, answers in plan.items():
            user = accounts.create_user(email, PASSWORD)
            db.session.add(Enrollment(section_id=section.id, user_id=user.id))
            db.session.flush()
            if answers:
                db.session.execute(
                    insert(Answer),
                    [
                        {
                            "user_id": user.id,
                            "question_id": question[objective],
                            "objective_id": objective,
                            "mode": "practice",
                            "score": score,
                            "answered_at": now - timedelta(minutes=i),
                        }
                        for i, (objective, score) in enumerate(answers)
                    ],
                )
        db.session.commit()
        section_id = section.id
    Auth(client).login("teacher@example.org")
    return client.get(f"/teach/sections/{section_id}/dashboard").get_data(as_text=True)


def test_heatmap_lists_the_weakest_learner_first_and_says_so(graded_class):
    assert heatmap_rows(graded_class) == [
        "zed@example.org",
        "bea@example.org",
        "cat@example.org",
        "amy@example.org",
        "dan@example.org",
    ]
    assert "Weakest first" in graded_class and "ties by fewer answers" in graded_class


def test_below_mastery_is_sorted_by_need_not_by_name(graded_class):
    # amy masters 5 of 30 objectives: still below half, but least in need of the four who started.
    assert below_mastery(graded_class) == ["zed@example.org", "bea@example.org", "cat@example.org", "amy@example.org"]
    assert "mean score 1%, 2 answers" in graded_class  # zed: (0 + 0.25) / 30 objectives


def test_columns_are_grouped_by_lesson_and_objectives_without_questions_are_hidden(app, graded_class):
    with app.app_context():
        course = get_course()
    assessed = {q.objective for q in course.self_graded}
    overview = course.lessons[0]
    assert not any(o.id in assessed for o in overview.meta.objectives), "the overview lesson has no questions"
    groups = heatmap_columns(course)
    assert [g.id for g in groups] == [lesson.id for lesson in course.lessons[1:]]
    assert all(o.id in assessed for g in groups for o in g.objectives)

    table = graded_class.split('<table class="heatmap">', 1)[1].split("</table>", 1)[0]
    headers = re.findall(r'<th scope="colgroup" colspan="(\d+)"[^>]*><span[^>]*>([^<]+)</span>', table)
    assert [title for _, title in headers] == [g.title.replace("'", "&#39;") for g in groups]
    assert [int(span) for span, _ in headers] == [len(g.objectives) for g in groups]
    objective_headers = re.findall(r'<th scope="col" class="objective', table)
    assert len(objective_headers) == sum(len(g.objectives) for g in groups)
    assert "O1 Explain" in table and "Objective 1: " + groups[0].objectives[0].text.replace("'", "&#39;") in table
    for objective in overview.meta.objectives:
        assert objective.text not in table
    # A row has a cell per shown objective, plus the mean.
    first_row = table.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert first_row.count("<td") == 1 + sum(len(g.objectives) for g in groups)


def count_dashboard_statements(app, client, learners: int, seed: int) -> int:
    """Create a demo section of `learners` and count the SQL statements of its dashboard's second load."""
    with app.app_context():
        section_id = create_demo(get_course(), learners=learners, seed=seed).section.id
        db.session.remove()
    url = f"/teach/sections/{section_id}/dashboard"
    assert client.get(url).status_code == 200  # the first load may close expired attempts; count a steady one
    with recorded(app) as statements:
        html = client.get(url).get_data(as_text=True)
    assert len(heatmap_rows(html)) == learners
    return len(statements)


def test_the_dashboard_query_count_does_not_grow_with_the_class(app, client):
    with app.app_context():
        create_demo(get_course(), learners=0, seed=1)  # the demo instructor
    Auth(client).login("demo-instructor@example.org", "demo-instructor-pass")
    small = count_dashboard_statements(app, client, 10, seed=2)
    large = count_dashboard_statements(app, client, 40, seed=3)
    assert small == large, (small, large)
    assert large <= 25, large


def test_the_databases_mastery_windows_are_the_rule_applied_to_every_answer(app):
    """learner_rows takes each window in SQL; it must equal course.mastery's rule over the answers read one by one."""
    from sqlalchemy import select

    from app.services.dashboard import learner_rows
    from course.mastery import ScoredAnswer, mastery_by_objective

    with app.app_context():
        course = get_course()
        section_id = create_demo(course, learners=25, seed=7).section.id
        # Ties on the time: the most recent by id wins in SQL; a tie of equal scores changes nothing either way.
        learner = db.session.scalars(select(Enrollment.user_id).where(Enrollment.section_id == section_id)).first()
        objective = heatmap_columns(course)[0].objectives[0].id
        when = clock.now() - timedelta(hours=1)
        db.session.execute(
            insert(Answer),
            [
                {
                    "user_id": learner,
                    "question_id": "q",
                    "objective_id": objective,
                    "mode": "practice",
                    "score": 1.0,
                    "answered_at": when,
                }
                for _ in range(6)
            ],
        )
        db.session.commit()
        objectives = [o.id for group in heatmap_columns(course) for o in group.objectives]
        rows = learner_rows(section_id, course)
        assert len(rows) == 25
        compared = 0
        for row in rows:
            answers = db.session.scalars(select(Answer).where(Answer.user_id == row.user.id)).all()
            plain = mastery_by_objective(
                [ScoredAnswer(a.objective_id, a.score, clock.aware(a.answered_at)) for a in answers], objectives
            )
            assert row.mastery == plain, row.user.email
            assert row.answers == len(answers)
            compared += sum(1 for m in plain.values() if m.answers)
        assert compared > 25, "the demo gave the learners answers to compare"
