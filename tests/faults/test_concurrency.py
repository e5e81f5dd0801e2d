"""Races between two real clients (two devices) against gunicorn with two worker processes, on SQLite and PostgreSQL.

Each test lines both requests up on a barrier, so they reach the server together and, with two
workers, are served by two processes: only the database can keep the rules.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Answer, Assignment, Attempt, AttemptAnswer, Enrollment, Role, Section
from app.services import accounts
from tests.conftest import together
from tests.faults.conftest import Browser

PASSWORD = "concurrency test password"


def two_devices(server, email):
    devices = [Browser(server), Browser(server)]
    for device in devices:
        device.login(email, PASSWORD)
    return devices


def enrolled_student(app, attempts_allowed=1):
    with app.app_context():
        teacher = accounts.create_user("teacher@example.org", PASSWORD, Role.INSTRUCTOR)
        student = accounts.create_user("racer@example.org", PASSWORD)
        section = Section(name="Race", term="", instructor_id=teacher.id, join_code="RACE2026")
        db.session.add(section)
        db.session.flush()
        now = clock.now()
        assignment = Assignment(
            section_id=section.id,
            title="Race quiz",
            lesson_ids=["01-goode-2020"],
            objective_ids=[],
            question_types=["short_answer"],
            num_questions=3,
            opens_at=now - timedelta(days=1),
            due_at=now + timedelta(days=1),
            attempts_allowed=attempts_allowed,
            counting="highest",
            points=10,
            feedback_policy="after_submit",
            answers_policy="after_submit",
        )
        db.session.add(assignment)
        db.session.add(Enrollment(section_id=section.id, user_id=student.id))
        db.session.commit()
        return student.email, assignment.id


def test_two_devices_starting_at_once_open_one_attempt(server, server_db):
    email, assignment_id = enrolled_student(server_db, attempts_allowed=1)
    phone, laptop = two_devices(server, email)
    tokens = [d.token("/assignments") for d in (phone, laptop)]
    results = together(
        *(
            lambda d=d, t=t: d.call("POST", f"/assignments/{assignment_id}/start", {"csrf_token": t})
            for d, t in zip((phone, laptop), tokens, strict=True)
        )
    )
    assert [status for status, _, _ in results] == [302, 302]
    locations = {headers["Location"] for _, headers, _ in results}
    assert len(locations) == 1 and re.search(r"/quiz/attempts/\d+$", locations.pop())
    with server_db.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.assignment_id == assignment_id)) == 1


def test_a_save_racing_a_submit_is_either_graded_or_refused_never_lost_after_grading(server, server_db):
    email, assignment_id = enrolled_student(server_db)
    phone, laptop = two_devices(server, email)
    start = phone.call("POST", f"/assignments/{assignment_id}/start", {"csrf_token": phone.token("/assignments")})
    attempt_id = int(start[1]["Location"].rsplit("/", 1)[1])
    save_token, finish_token = phone.token(f"/quiz/attempts/{attempt_id}"), laptop.token(f"/quiz/attempts/{attempt_id}/finish")
    save, submit = together(
        lambda: phone.call(
            "POST",
            f"/quiz/attempts/{attempt_id}/answer",
            {"csrf_token": save_token, "index": "0", "go": "next", "answer": "late words"},
        ),
        lambda: laptop.call("POST", f"/quiz/attempts/{attempt_id}/finish", {"csrf_token": finish_token}),
    )
    assert submit[0] == 302
    with server_db.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        row = db.session.get(AttemptAnswer, (attempt_id, attempt.question_ids[0]))
        assert attempt.submitted_at is not None and row.score is not None
        if save[1]["Location"].endswith("/results"):  # refused: the submit came first
            assert row.response is None
        else:  # saved first: the submit waited for it and graded it
            assert row.response == "late words"
        assert row.graded_at is not None


def test_a_practice_form_sent_twice_at_once_records_one_answer(server, server_db):
    with server_db.app_context():
        email = accounts.create_user("practiser@example.org", PASSWORD).email
    phone = Browser(server)
    phone.login(email, PASSWORD)
    page = phone.call("GET", "/practice/goode-2020-001")[2]
    fields = {
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1),
        "practice_token": re.search(r'name="practice_token" value="([^"]+)"', page).group(1),
        "answer": "0",
    }
    first, second = together(
        lambda: phone.call("POST", "/practice/goode-2020-001", fields),
        lambda: phone.call("POST", "/practice/goode-2020-001", fields),
    )
    assert first[0] == second[0] == 302 and first[1]["Location"] == second[1]["Location"]
    with server_db.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
