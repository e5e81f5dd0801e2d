"""An assignment's life cycle: edit (locks once attempted), duplicate, delete or archive, release answers now,
and preview as a student with nothing recorded; every new route is 404 for another instructor."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Assignment, Attempt, AttemptAnswer, AuditLog, ReviewCard, User
from app.services import assignment_lifecycle as life
from app.services.assignments import AssignmentError
from app.services.content import get_course
from tests.app.test_teaching import assignment_fields, classroom, create_section, post, student_starts, submit_attempt  # noqa: F401
from tests.conftest import T0, csrf_from, make_user


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_actions(app):
    with app.app_context():
        return [a.action for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]


def edit(client, assignment_id, **over):
    url = f"/teach/assignments/{assignment_id}/edit"
    return post(client, url, page_url=url, **assignment_fields(**over))


def test_edit_page_is_prefilled_and_saves_every_setting_before_attempts(app, client, classroom):
    aid = classroom["assignment"]
    html = client.get(f"/teach/assignments/{aid}/edit").get_data(as_text=True)
    assert 'value="Quiz 1"' in html and 'value="2026-03-09T09:00"' in html and "can no longer change" not in html
    response = edit(client, aid, title="Quiz one", num_questions="4", time_limit_minutes="20", counting="last")
    assert response.status_code == 302
    with app.app_context():
        a = db.session.get(Assignment, aid)
        assert (a.title, a.num_questions, a.time_limit_minutes, a.counting) == ("Quiz one", 4, 20, "last")
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "assignment.edit"))
        assert entry.detail["changes"]["num_questions"] == {"before": 3, "after": 4}


def test_with_attempts_the_draw_and_count_settings_lock_and_the_page_says_why(app, client, classroom):
    aid = classroom["assignment"]
    ann = classroom["students"][0]
    submit_attempt(ann, student_starts(ann, aid).headers["Location"])
    html = client.get(f"/teach/assignments/{aid}/edit").get_data(as_text=True)
    assert "Settings fixed by the attempts made" in html and "can no longer change" in html
    assert 'name="num_questions"' not in html and 'name="lessons"' not in html and 'name="time_limit_minutes"' not in html
    # Locked fields sent anyway are ignored; the allowed ones change.
    response = edit(client, aid, title="Quiz 1b", num_questions="5", counting="last", points="20", answers_policy="after_submit")
    assert response.status_code == 302
    with app.app_context():
        a = db.session.get(Assignment, aid)
        assert (a.title, a.points, a.answers_policy, a.num_questions, a.counting) == ("Quiz 1b", 20, "after_submit", 3, "highest")
    # Attempts allowed cannot go below what a learner used.
    submit_attempt(ann, student_starts(ann, aid).headers["Location"])
    response = edit(client, aid, attempts_allowed="1")
    assert response.status_code == 400 and "already used 2 attempts" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assignment, aid).attempts_allowed == 2


def test_the_service_refuses_a_locked_change(app, classroom):
    ann = classroom["students"][0]
    student_starts(ann, classroom["assignment"])
    with app.app_context():
        a = db.session.get(Assignment, classroom["assignment"])
        actor = db.session.scalar(select(User).where(User.email == "instructor@example.org"))
        with pytest.raises(AssignmentError, match="number of questions"):
            life.update(actor, a, get_course(), replace(life.settings_of(a), num_questions=2))


def test_a_due_date_change_moves_an_attempt_in_progress(app, client, classroom, fixed_clock):
    aid = classroom["assignment"]
    ann = classroom["students"][0]
    student_starts(ann, aid)
    assert edit(client, aid, due_at="2026-03-12T09:00").status_code == 302
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert attempt.deadline.replace(tzinfo=None).isoformat() == "2026-03-12T09:00:00"


def test_duplicate_copies_settings_without_attempts_into_a_section_of_mine(app, client, classroom):
    aid = classroom["assignment"]
    ann = classroom["students"][0]
    submit_attempt(ann, student_starts(ann, aid).headers["Location"])
    other_section = create_section(client, name="Seminar B")
    url = f"/teach/assignments/{aid}/duplicate"
    assert "Seminar B" in client.get(url).get_data(as_text=True)
    response = post(client, url, page_url=url, section_id=str(other_section))
    assert response.status_code == 302
    copy_id = int(re.search(r"/assignments/(\d+)/edit", response.headers["Location"]).group(1))
    with app.app_context():
        copy = db.session.get(Assignment, copy_id)
        assert (copy.title, copy.section_id, copy.num_questions, copy.lesson_ids) == (
            "Quiz 1 (copy)",
            other_section,
            3,
            ["01-demo"],
        )
    assert count(app, Attempt, Attempt.assignment_id == copy_id) == 0
    assert "assignment.duplicate" in audit_actions(app)
    # The copy has no attempts, so everything is editable.
    assert "can no longer change" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_duplicate_into_another_instructors_section_is_404(app, client, classroom, auth):
    url = f"/teach/assignments/{classroom['assignment']}/duplicate"
    page = client.get(url).get_data(as_text=True)
    auth.logout()
    make_user(app, "other-teacher@example.org", role="instructor")
    auth.login("other-teacher@example.org")
    theirs = create_section(client, name="Theirs")
    auth.logout()
    auth.login("instructor@example.org")
    response = client.post(url, data={"csrf_token": csrf_from(client.get(url).get_data(as_text=True)), "section_id": str(theirs)})
    assert response.status_code == 404 and page
    assert count(app, Assignment) == 1


def test_delete_when_nobody_attempted(app, client, classroom):
    aid = classroom["assignment"]
    url = f"/teach/assignments/{aid}/delete"
    assert "Delete “Quiz 1”?" in client.get(url).get_data(as_text=True)
    assert post(client, url, page_url=url, action="delete").status_code == 302
    assert count(app, Assignment) == 0 and "assignment.delete" in audit_actions(app)


def test_with_attempts_delete_is_refused_and_archive_hides_it_from_learners(app, client, classroom, fixed_clock):
    aid = classroom["assignment"]
    ann, bob = classroom["students"]
    submit_attempt(ann, student_starts(ann, aid).headers["Location"])
    url = f"/teach/assignments/{aid}/delete"
    html = client.get(url).get_data(as_text=True)
    assert "Archive “Quiz 1”?" in html and "cannot be deleted" in html
    post(client, url, page_url=url, action="delete")
    assert count(app, Assignment) == 1
    assert post(client, url, page_url=url, action="archive").status_code == 302
    assert "Archived" in client.get(f"/teach/assignments/{aid}").get_data(as_text=True)
    # Hidden from learners' lists, and neither the start page nor Start exists for them.
    assert "Quiz 1" not in bob.get("/assignments").get_data(as_text=True)
    assert bob.get(f"/assignments/{aid}/start").status_code == 404
    page = bob.get("/assignments").get_data(as_text=True)
    assert bob.post(f"/assignments/{aid}/start", data={"csrf_token": csrf_from(page)}).status_code == 404
    assert count(app, Attempt, Attempt.assignment_id == aid) == 1
    # Grades stay in the exports.
    csv = client.get(f"/teach/sections/{classroom['section']}/grades.canvas.csv").get_data(as_text=True)
    assert "Quiz 1" in csv
    assert "assignment.archive" in audit_actions(app)
    # Restored, it is back.
    assert post(client, url, page_url=url, action="restore").status_code == 302
    assert "Quiz 1" in bob.get("/assignments").get_data(as_text=True)


def test_release_answers_now_shows_answers_to_a_learner_who_submitted(app, client, classroom, fixed_clock):
    aid = classroom["assignment"]
    ann = classroom["students"][0]
    attempt_id = submit_attempt(ann, student_starts(ann, aid).headers["Location"])
    assert "Evidence from the reading" not in ann.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    url = f"/teach/assignments/{aid}/release"
    assert "Release answers now?" in client.get(url).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assignment, aid).answers_policy == "after_due"  # the GET changed nothing
    assert post(client, url, page_url=url).status_code == 302
    assert "Evidence from the reading" in ann.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "assignment.release_answers"))
        assert entry.detail["before"]["answers_policy"] == "after_due"


def tables(app):
    return [count(app, model) for model in (Attempt, AttemptAnswer, Answer, ReviewCard, AuditLog)]


def test_preview_takes_the_assignment_as_a_learner_and_records_nothing(app, client, classroom, fixed_clock):
    aid = classroom["assignment"]
    assert (
        edit(client, aid, time_limit_minutes="20", feedback_policy="after_submit", answers_policy="after_submit").status_code
        == 302
    )
    before = tables(app)
    start = client.get(f"/teach/assignments/{aid}/preview").get_data(as_text=True)
    assert "The clock starts when you press Start" in start and "Nothing is recorded" in start
    page = client.post(f"/teach/assignments/{aid}/preview", data={"csrf_token": csrf_from(start)}).get_data(as_text=True)
    assert "Question 1" in page and "question 1 of 3" in page and "20 minutes left" in page
    for step in range(3):
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        data = {"csrf_token": csrf_from(page), "token": token, "index": str(step), "go": "next"}
        response = client.post(f"/teach/assignments/{aid}/preview/answer", data=data)
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_data(as_text=True)
    assert "Review and submit" in page and "0 of 3 questions answered" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    results = client.post(f"/teach/assignments/{aid}/preview/submit", data={"csrf_token": csrf_from(page), "token": token})
    html = results.get_data(as_text=True)
    assert "Score:" in html and "Nothing was recorded" in html and "Evidence from the reading" in html
    assert tables(app) == before


def test_preview_applies_the_feedback_policy(app, client, classroom, fixed_clock):
    aid = classroom["assignment"]
    edit(client, aid, feedback_policy="after_due", answers_policy="after_due")
    start = client.get(f"/teach/assignments/{aid}/preview").get_data(as_text=True)
    page = client.post(f"/teach/assignments/{aid}/preview", data={"csrf_token": csrf_from(start)}).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    html = client.post(f"/teach/assignments/{aid}/preview/submit", data={"csrf_token": csrf_from(page), "token": token}).get_data(
        as_text=True
    )
    assert "shows feedback on this assignment after the due date" in html and "Evidence from the reading" not in html


def test_a_forged_or_foreign_preview_token_starts_again(app, client, classroom):
    aid = classroom["assignment"]
    start = client.get(f"/teach/assignments/{aid}/preview").get_data(as_text=True)
    response = client.post(f"/teach/assignments/{aid}/preview/submit", data={"csrf_token": csrf_from(start), "token": "forged"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/teach/assignments/{aid}/preview")


def test_preview_time_limit_is_enforced_as_for_a_learner(app, client, classroom, fixed_clock):
    aid = classroom["assignment"]
    edit(client, aid, time_limit_minutes="10", grace_seconds="0")
    start = client.get(f"/teach/assignments/{aid}/preview").get_data(as_text=True)
    page = client.post(f"/teach/assignments/{aid}/preview", data={"csrf_token": csrf_from(start)}).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    fixed_clock["now"] = T0 + timedelta(minutes=11)
    html = client.post(
        f"/teach/assignments/{aid}/preview/answer",
        data={"csrf_token": csrf_from(page), "token": token, "index": "0", "go": "next"},
    ).get_data(as_text=True)
    assert "Time ran out" in html


NEW_ROUTES = [
    ("GET", "/edit"),
    ("POST", "/edit"),
    ("GET", "/duplicate"),
    ("POST", "/duplicate"),
    ("GET", "/delete"),
    ("POST", "/delete"),
    ("GET", "/release"),
    ("POST", "/release"),
    ("GET", "/preview"),
    ("POST", "/preview"),
    ("POST", "/preview/answer"),
    ("POST", "/preview/submit"),
]


def test_another_instructor_gets_404_from_every_new_route(app, client, classroom, auth):
    aid = classroom["assignment"]
    auth.logout()
    make_user(app, "other-teacher@example.org", role="instructor")
    auth.login("other-teacher@example.org")
    token = csrf_from(client.get("/teach/").get_data(as_text=True))
    for method, suffix in NEW_ROUTES:
        url = f"/teach/assignments/{aid}{suffix}"
        data = {"csrf_token": token, "action": "delete", "section_id": str(classroom["section"]), "index": "0", "token": "x"}
        response = client.open(url, method=method, data=data if method == "POST" else None)
        assert response.status_code == 404, (method, url, response.status_code)
    assert count(app, Assignment) == 1 and audit_actions(app).count("assignment.delete") == 0


def test_preview_counts_only_answers_as_saved_and_enter_goes_forward(app, client, classroom, fixed_clock):
    aid = classroom["assignment"]
    start = client.get(f"/teach/assignments/{aid}/preview").get_data(as_text=True)
    page = client.post(f"/teach/assignments/{aid}/preview", data={"csrf_token": csrf_from(start)}).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf_from(page), "token": token, "index": "0", "go": "next"}  # a blank save
    page = client.post(f"/teach/assignments/{aid}/preview/answer", data=data).get_data(as_text=True)
    assert "question 2 of 3 · 0 saved" in page
    form = page.split('action="/teach/assignments/', 1)[1]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'value="next"' in first_button  # Enter presses the first submit button: it goes forward
