"""A populated world for security tests: an instructor's section, an assignment, a student's attempts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Answer, Role
from app.services import accounts, assignments, contests, learning, lti_platforms, quizzes, sections
from app.services.content import get_course
from tests.conftest import PASSWORD
from tests.world import open_quiz


@pytest.fixture()
def world(app):
    """Ids of real rows, so routes are exercised past their 404 checks."""
    with app.app_context():
        course = get_course()
        accounts.create_user("admin@example.org", PASSWORD, Role.ADMIN)
        teacher = accounts.create_user("teacher@example.org", PASSWORD, Role.INSTRUCTOR)
        student = accounts.create_user("student@example.org", PASSWORD, Role.STUDENT)
        section = sections.create_section(teacher, "Section A", "Term")
        sections.join(student, section.join_code)
        now = clock.now()
        assignment = assignments.create(
            teacher,
            section,
            course,
            open_quiz(
                "Quiz", ("01-demo",), (), 3, due_at=now + timedelta(days=1), attempts_allowed=3, answers_policy="after_submit"
            ),
        )
        attempt = quizzes.start_mock(student.id, course, quizzes.MockSettings(("01-demo",), 3, None))
        learning.record_answer(student.id, course.question_by_id["demo-005"], "activists", "practice")
        answer_id = db.session.scalar(select(Answer.id))
        answer = db.session.get(Answer, answer_id)
        contest = contests.open_for_answer(
            student, answer, course.question_by_id["demo-005"], course, "Activists fits too.", None
        )
        platform = lti_platforms.register(
            None,
            lti_platforms.PlatformDetails(
                "LMS",
                "https://lms.example.edu",
                "client",
                "https://lms.example.edu/auth",
                "https://lms.example.edu/token",
                "https://lms.example.edu/jwks",
                ("1",),
            ),
        )
        return {
            "platform_id": platform.id,
            "section_id": section.id,
            "assignment_id": assignment.id,
            "attempt_id": attempt.id,
            "user_id": student.id,
            "lesson_id": "01-demo",
            "question_id": "demo-005",
            "reading_id": "demo-source",
            "answer_id": answer_id,
            "contest_id": contest.id,
            "code": section.join_code,
            "fmt": "canvas",
        }


def build_urls(app, world):
    """Every route with real ids filled in, with its methods."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        args = {name: world.get(name, "nothing") for name in rule.arguments}
        yield rule, adapter.build(rule.endpoint, args), sorted(rule.methods - {"HEAD", "OPTIONS"})


def field_names(html: str) -> set[str]:
    """Names of the inputs, selects and textareas on a page."""
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', html)) - {"csrf_token"}
