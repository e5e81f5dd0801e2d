"""Sections, assignments, extensions, overrides and the class dashboard, as instructors use them."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, Attempt, AuditLog, Enrollment, ScoreOverride, Section
from tests.conftest import T0, Auth, csrf_from, make_user


def post(client, url, page_url=None, **data):
    token = csrf_from(client.get(page_url or "/teach/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def create_section(client, name="Surveillance 101", term="Spring 2027"):
    response = post(client, "/teach/", name=name, term=term)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def join_code(app, section_id):
    with app.app_context():
        return db.session.get(Section, section_id).join_code


def assignment_fields(**over):
    fields = {
        "title": "Quiz 1",
        "lessons": ["01-demo"],
        "num_questions": "3",
        "opens_at": "2026-03-01T09:00",
        "due_at": "2026-03-09T09:00",
        "time_limit_minutes": "",
        "attempts_allowed": "2",
        "counting": "highest",
        "points": "10",
        "feedback_policy": "after_submit",
        "answers_policy": "after_due",
    }
    fields.update(over)
    return fields


def create_assignment(client, section_id, **over):
    url = f"/teach/sections/{section_id}/assignments/new"
    response = post(client, url, page_url=url, **assignment_fields(**over))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture()
def classroom(app, client, login_as, fixed_clock):
    """An instructor with a section and an assignment, and two students who joined it."""
    login_as("instructor")
    section_id = create_section(client)
    assignment_id = create_assignment(client, section_id)
    code = join_code(app, section_id)
    students = []
    for email in ("ann@example.org", "bob@example.org"):
        make_user(app, email)
        other = app.test_client()
        Auth(other).login(email)
        page = other.get(f"/join/{code}").get_data(as_text=True)
        assert other.post("/join", data={"csrf_token": csrf_from(page), "code": code.lower()}).status_code == 302
        students.append(other)
    return {"section": section_id, "assignment": assignment_id, "code": code, "students": students}


def test_instructor_creates_a_section_with_a_join_code_and_link(app, client, login_as):
    login_as("instructor")
    section_id = create_section(client)
    html = client.get(f"/teach/sections/{section_id}").get_data(as_text=True)
    code = join_code(app, section_id)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", code)
    assert code in html and f"/join/{code}" in html


def test_students_join_and_appear_on_the_roster(app, client, classroom):
    html = client.get(f"/teach/sections/{classroom['section']}").get_data(as_text=True)
    assert "ann@example.org" in html and "bob@example.org" in html and "Roster (2)" in html


def test_a_wrong_code_is_explained(app, client, login_as):
    login_as("student")
    response = post(client, "/join", page_url="/join", code="NOPE1234")
    assert response.status_code == 200 and "No section has that code" in response.get_data(as_text=True)


def test_remove_a_student_is_audited(app, client, classroom):
    with app.app_context():
        ann = db.session.scalar(select(Enrollment.user_id).order_by(Enrollment.user_id))
    post(
        client,
        f"/teach/sections/{classroom['section']}/remove",
        page_url=f"/teach/sections/{classroom['section']}",
        user_id=str(ann),
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "roster.remove")) == 1


def test_an_instructor_sees_only_their_own_sections(app, client, classroom, auth):
    auth.logout()
    make_user(app, "other-teacher@example.org", role="instructor")
    auth.login("other-teacher@example.org")
    assert "Surveillance 101" not in client.get("/teach/").get_data(as_text=True)
    for url in (
        f"/teach/sections/{classroom['section']}",
        f"/teach/sections/{classroom['section']}/dashboard",
        f"/teach/assignments/{classroom['assignment']}",
        f"/teach/assignments/{classroom['assignment']}/items",
        f"/teach/sections/{classroom['section']}/grades.canvas.csv",
    ):
        assert client.get(url).status_code == 404, url


def test_an_admin_sees_every_section(app, client, classroom, auth):
    auth.logout()
    make_user(app, "boss@example.org", role="admin")
    auth.login("boss@example.org")
    assert "Surveillance 101" in client.get("/teach/").get_data(as_text=True)
    assert client.get(f"/teach/sections/{classroom['section']}").status_code == 200


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"due_at": "2026-02-01T09:00"}, "due date must be after the opening date"),
        ({"num_questions": "50"}, "Choose between 1 and 7 questions"),
        ({"lessons": []}, "Choose at least one lesson"),
        ({"objectives": ["01-demo.o1"], "types": ["ordering"]}, "Choose between 1 and 0 questions"),
    ],
)
def test_bad_assignment_settings_are_explained_and_nothing_stored(app, client, login_as, over, message):
    login_as("instructor")
    section_id = create_section(client)
    url = f"/teach/sections/{section_id}/assignments/new"
    response = post(client, url, page_url=url, **assignment_fields(**over))
    assert response.status_code in (200, 400) and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0


def student_starts(client, assignment_id):
    page = client.get("/assignments").get_data(as_text=True)
    return client.post(f"/assignments/{assignment_id}/start", data={"csrf_token": csrf_from(page)})


def submit_attempt(client, attempt_url, answer=None):
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", attempt_url).group(1))
    page = client.get(f"/quiz/attempts/{attempt_id}/finish").get_data(as_text=True)
    client.post(f"/quiz/attempts/{attempt_id}/finish", data={"csrf_token": csrf_from(page)})
    return attempt_id


def test_students_see_assignments_and_start_within_the_rules(app, client, classroom, fixed_clock):
    ann = classroom["students"][0]
    html = ann.get("/assignments").get_data(as_text=True)
    assert "Quiz 1" in html and "2026-03-09 09:00" in html
    first = student_starts(ann, classroom["assignment"])
    assert re.search(r"/quiz/attempts/\d+$", first.headers["Location"])
    again = student_starts(ann, classroom["assignment"])  # a second start resumes the open attempt
    assert again.headers["Location"] == first.headers["Location"]
    assert "attempt in progress" in ann.get(again.headers["Location"]).get_data(as_text=True)
    submit_attempt(ann, first.headers["Location"])
    second = student_starts(ann, classroom["assignment"])
    submit_attempt(ann, second.headers["Location"])
    third = student_starts(ann, classroom["assignment"])
    assert "used every attempt" in ann.get(third.headers["Location"]).get_data(as_text=True)


def test_an_assignment_cannot_start_before_it_opens_or_after_it_is_due(app, client, classroom, fixed_clock):
    ann = classroom["students"][0]
    fixed_clock["now"] = T0 - timedelta(days=2)
    assert "not open yet" in ann.get(student_starts(ann, classroom["assignment"]).headers["Location"]).get_data(as_text=True)
    fixed_clock["now"] = T0 + timedelta(days=8)
    assert "past its due date" in ann.get(student_starts(ann, classroom["assignment"]).headers["Location"]).get_data(as_text=True)


def test_a_student_outside_the_section_cannot_start_it(app, client, classroom, auth):
    auth.logout()
    make_user(app, "outsider@example.org")
    auth.login("outsider@example.org")
    page = client.get("/assignments").get_data(as_text=True)
    response = client.post(f"/assignments/{classroom['assignment']}/start", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 404


def test_extension_gives_a_later_due_date_and_is_audited(app, client, classroom, fixed_clock):
    with app.app_context():
        ann_id = db.session.scalar(select(Enrollment.user_id).order_by(Enrollment.user_id))
    url = f"/teach/assignments/{classroom['assignment']}"
    post(client, f"{url}/extension", page_url=url, user_id=str(ann_id), extra_minutes="15", due_at="2026-03-20T09:00")
    fixed_clock["now"] = T0 + timedelta(days=10)  # after the class due date, before Ann's
    ann, bob = classroom["students"]
    assert re.search(r"/quiz/attempts/\d+$", student_starts(ann, classroom["assignment"]).headers["Location"])
    assert "past its due date" in bob.get(student_starts(bob, classroom["assignment"]).headers["Location"]).get_data(as_text=True)
    assert "(extended)" in ann.get("/assignments").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "extension.set")).detail["extra_minutes"] == 15


def test_override_needs_a_reason_and_is_audited(app, client, classroom):
    with app.app_context():
        ann_id = db.session.scalar(select(Enrollment.user_id).order_by(Enrollment.user_id))
    url = f"/teach/assignments/{classroom['assignment']}"
    post(client, f"{url}/override", page_url=url, user_id=str(ann_id), points="7.5", reason="")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ScoreOverride)) == 0
    post(client, f"{url}/override", page_url=url, user_id=str(ann_id), points="7.5", reason="Question 2 was ambiguous")
    with app.app_context():
        assert db.session.get(ScoreOverride, (classroom["assignment"], ann_id)).points == 7.5
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "score.override"))
        assert entry.detail["reason"] == "Question 2 was ambiguous" and entry.detail["after"] == 7.5
    html = client.get(url).get_data(as_text=True)
    assert "7.5" in html and "overridden" in html
    assert "7.5 / 10" in classroom["students"][0].get("/assignments").get_data(as_text=True)
    post(client, f"{url}/override", page_url=url, user_id=str(ann_id), points="11", reason="too many")
    with app.app_context():
        assert db.session.get(ScoreOverride, (classroom["assignment"], ann_id)).points == 7.5


def test_override_for_someone_outside_the_section_is_404(app, client, classroom):
    outsider = make_user(app, "outsider@example.org")
    url = f"/teach/assignments/{classroom['assignment']}"
    assert post(client, f"{url}/override", page_url=url, user_id=str(outsider), points="1", reason="x").status_code == 404


def test_feedback_policy_hides_answers_until_the_due_date(app, client, classroom, fixed_clock):
    ann = classroom["students"][0]
    attempt_id = submit_attempt(ann, student_starts(ann, classroom["assignment"]).headers["Location"])
    html = ann.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    assert "Score:" in html and "Evidence from the reading" not in html and "after the due date" in html
    fixed_clock["now"] = T0 + timedelta(days=8)
    assert "Evidence from the reading" in ann.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)


def test_dashboard_shows_completion_histogram_heatmap_and_who_needs_help(app, client, classroom):
    ann = classroom["students"][0]
    submit_attempt(ann, student_starts(ann, classroom["assignment"]).headers["Location"])
    html = client.get(f"/teach/sections/{classroom['section']}/dashboard").get_data(as_text=True)
    assert "Completion per lesson" in html and "Score distribution per assignment" in html
    assert 'class="heatmap"' in html and "bob@example.org" in html.split("Not started")[1]
    assert "1 graded, 1 missing" in html
    with app.app_context():
        ann_id = db.session.scalar(select(Attempt.user_id))
    drill = client.get(f"/teach/sections/{classroom['section']}/learners/{ann_id}").get_data(as_text=True)
    assert "ann@example.org" in drill and "Quiz 1" in drill


def test_grade_export_gives_one_row_per_learner_across_sections(app, client, classroom):
    import csv
    import io

    second = create_section(client, name="Seminar B")
    create_assignment(client, second, title="Quiz B")
    ann = classroom["students"][0]
    page = ann.get(f"/join/{join_code(app, second)}").get_data(as_text=True)
    ann.post("/join", data={"csrf_token": csrf_from(page), "code": join_code(app, second)})
    from app.services.grades import grade_rows
    from course.exports.grades import export_csv

    with app.app_context():
        columns, learners = grade_rows([classroom["section"], second])
        rows = list(csv.reader(io.StringIO("".join(export_csv("wide", columns, learners)))))
    emails = [r[0] for r in rows[1:]]
    assert sorted(emails) == ["ann@example.org", "bob@example.org"]
    ann_row = next(r for r in rows if r[0] == "ann@example.org")
    assert ann_row[1] == "Surveillance 101; Seminar B"


def test_section_grade_download_is_a_csv(app, client, classroom):
    import csv
    import io

    response = client.get(f"/teach/sections/{classroom['section']}/grades.canvas.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0].strip() == "Points Possible" and len(rows) == 4


def test_the_assignment_pages_show_lesson_titles_and_objective_wording_not_ids(app, client, classroom):
    html = client.get(f"/teach/assignments/{classroom['assignment']}").get_data(as_text=True)
    assert "questions from A demo lesson" in html and "from 01-demo" not in html
