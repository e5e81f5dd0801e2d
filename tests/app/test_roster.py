"""Sections and roster: rename (audited), archive, remove a learner only after a confirmation naming them, undo."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, Attempt, AuditLog, Enrollment, Section, SectionRemoval
from app.services import quizzes
from app.services.content import get_course
from tests.conftest import Auth, csrf_from, make_user


def post(client, url, page_url, **data):
    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def join(student, code):
    return post(student, "/join", "/join", code=code)


def enrolled(app, section_id, user_id):
    with app.app_context():
        return db.session.get(Enrollment, (section_id, user_id)) is not None


def audit_entries(app, action, section):
    """This section's entries of that kind (a browser test's live server may share the database)."""
    with app.app_context():
        stmt = select(AuditLog).where(AuditLog.action == action, AuditLog.target == f"section {section['id']}")
        return db.session.scalars(stmt).all()


@pytest.fixture()
def section(app, client, login_as, fixed_clock):
    """An instructor (logged in on `client`) with a section, one open assignment, and Ann on the roster (her own client)."""
    instructor = login_as("instructor")
    response = post(client, "/teach/", "/teach/", name="Surveillance 101", term="Spring 2026")
    section_id = int(response.headers["Location"].rsplit("/", 1)[1])
    url = f"/teach/sections/{section_id}/assignments/new"
    post(
        client,
        url,
        url,
        title="Quiz 1",
        lessons=["01-demo"],
        num_questions="3",
        opens_at="2026-03-01T09:00",
        due_at="2026-03-09T09:00",
        time_limit_minutes="",
        attempts_allowed="2",
        counting="highest",
        points="10",
        feedback_policy="after_submit",
        answers_policy="after_due",
    )
    with app.app_context():
        code = db.session.get(Section, section_id).join_code
        assignment_id = db.session.scalar(select(Assignment.id).where(Assignment.section_id == section_id))
    assert assignment_id is not None
    ann_id = make_user(app, "ann@example.org")
    ann = app.test_client()
    Auth(ann).login("ann@example.org")
    assert join(ann, code).status_code == 302
    return {
        "id": section_id,
        "url": f"/teach/sections/{section_id}",
        "code": code,
        "instructor": instructor,
        "ann": ann,
        "ann_id": ann_id,
        "assignment": assignment_id,
    }


# Rename


def test_renaming_a_section_changes_name_and_term_and_is_audited(app, client, section):
    page = client.get(f"{section['url']}/rename").get_data(as_text=True)
    assert 'value="Surveillance 101"' in page and 'value="Spring 2026"' in page
    response = post(client, f"{section['url']}/rename", f"{section['url']}/rename", name="  Surveillance 102 ", term="Fall 2026")
    assert response.status_code == 302 and response.headers["Location"] == section["url"]
    html = client.get(section["url"]).get_data(as_text=True)
    assert "Section renamed: Surveillance 102 (Fall 2026)." in html
    with app.app_context():
        renamed = db.session.get(Section, section["id"])
        assert (renamed.name, renamed.term, renamed.join_code) == ("Surveillance 102", "Fall 2026", section["code"])
    (entry,) = audit_entries(app, "section.rename", section)
    assert entry.actor_id == section["instructor"] and entry.target == f"section {section['id']}"
    assert entry.detail == {
        "before": {"name": "Surveillance 101", "term": "Spring 2026"},
        "after": {"name": "Surveillance 102", "term": "Fall 2026"},
    }
    # Saving the same name again changes nothing and logs nothing.
    post(client, f"{section['url']}/rename", f"{section['url']}/rename", name="Surveillance 102", term="Fall 2026")
    assert len(audit_entries(app, "section.rename", section)) == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_section_needs_a_name_of_sensible_length(app, client, section, name):
    response = post(client, f"{section['url']}/rename", f"{section['url']}/rename", name=name, term="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Give the section a name." in html or "120 characters" in html
    with app.app_context():
        assert db.session.get(Section, section["id"]).name == "Surveillance 101"
    assert audit_entries(app, "section.rename", section) == []


# Archive


def test_an_archived_section_leaves_the_default_list_and_shows_under_archived(app, client, section):
    response = post(client, f"{section['url']}/archive", section["url"])
    assert response.status_code == 302
    assert "Surveillance 101 is archived" in client.get(section["url"]).get_data(as_text=True)
    index = client.get("/teach/").get_data(as_text=True)
    active, archived = index.split("<summary>Archived (1)</summary>")
    assert "Surveillance 101" not in active and "No active sections" in active
    assert "Surveillance 101" in archived.split("Create a section")[0]
    (entry,) = audit_entries(app, "section.archive", section)
    assert entry.actor_id == section["instructor"] and entry.target == f"section {section['id']}"
    # A second click does not archive (or log) twice.
    post(client, f"{section['url']}/archive", section["url"])
    assert len(audit_entries(app, "section.archive", section)) == 1


def test_students_cannot_join_or_start_an_archived_section_but_its_data_and_grades_stay(app, client, section):
    ann = section["ann"]
    start_url = f"/assignments/{section['assignment']}/start"
    # Ann submits one attempt before the term ends.
    assert post(ann, start_url, start_url).status_code == 302
    with app.app_context():
        quizzes.submit(db.session.scalar(select(Attempt).where(Attempt.user_id == section["ann_id"])), course=get_course())
    before = client.get(f"/teach/sections/{section['id']}/grades.long.csv").get_data(as_text=True)

    post(client, f"{section['url']}/archive", section["url"])

    bob_id = make_user(app, "bob@example.org")
    bob = app.test_client()
    Auth(bob).login("bob@example.org")
    refused = join(bob, section["code"])
    assert refused.status_code == 200
    assert "Surveillance 101 is archived: it takes no new students" in refused.get_data(as_text=True)
    assert not enrolled(app, section["id"], bob_id)
    # Ann is still a member (joining again is harmless) but cannot start the assignment: a clear message, no attempt.
    assert enrolled(app, section["id"], section["ann_id"])
    for response in (ann.get(start_url), post(ann, start_url, "/assignments")):
        assert response.status_code == 302 and response.headers["Location"] == "/assignments"
    message = ann.get("/assignments").get_data(as_text=True)
    assert "Surveillance 101 is archived: its assignments can no longer be started" in message
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.user_id == section["ann_id"])) == 1
    # The grades are exported exactly as before, and the instructor still sees the roster.
    export = client.get(f"/teach/sections/{section['id']}/grades.long.csv")
    assert export.status_code == 200 and export.get_data(as_text=True) == before and "ann@example.org" in before
    assert "ann@example.org" in client.get(section["url"]).get_data(as_text=True)

    # Unarchived, the section takes students and attempts again.
    post(client, f"{section['url']}/unarchive", section["url"])
    assert len(audit_entries(app, "section.unarchive", section)) == 1
    assert join(bob, section["code"]).status_code == 302 and enrolled(app, section["id"], bob_id)
    assert ann.get(start_url).status_code == 200


# Remove with confirmation, and undo


def test_the_remove_button_leads_to_a_confirmation_naming_the_learner_and_get_removes_nothing(app, client, section):
    confirm = f"{section['url']}/learners/{section['ann_id']}/remove"
    assert confirm in client.get(section["url"]).get_data(as_text=True)
    response = client.get(confirm)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Remove ann@example.org from Surveillance 101?" in html
    assert "attempts and grades are kept" in html and "cannot join this section again" in html and "re-admit" in html
    assert enrolled(app, section["id"], section["ann_id"])
    assert audit_entries(app, "roster.remove", section) == []


def test_confirming_removes_and_the_page_offers_undo_which_readmits(app, client, section):
    confirm = f"{section['url']}/learners/{section['ann_id']}/remove"
    response = post(client, confirm, confirm)
    assert response.status_code == 302 and f"removed={section['ann_id']}" in response.headers["Location"]
    assert not enrolled(app, section["id"], section["ann_id"])
    assert len(audit_entries(app, "roster.remove", section)) == 1
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ann@example.org was removed from Surveillance 101" in html and ">Undo<" in html
    # Undo is one POST with a CSRF token.
    token = csrf_from(html)
    assert client.post(f"{section['url']}/readmit", data={"user_id": str(section["ann_id"])}).status_code in (302, 400)
    assert not enrolled(app, section["id"], section["ann_id"])  # no token, no re-admission
    undo = client.post(f"{section['url']}/readmit", data={"csrf_token": token, "user_id": str(section["ann_id"])})
    assert undo.status_code == 302
    assert enrolled(app, section["id"], section["ann_id"])
    with app.app_context():
        assert db.session.get(SectionRemoval, (section["id"], section["ann_id"])) is None
    after = client.get(undo.headers["Location"]).get_data(as_text=True)
    assert "ann@example.org is back on the roster" in after and ">Undo<" not in after
    # The undo box shows only while the learner is removed (a reload of the old URL offers nothing).
    assert ">Undo<" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_removing_twice_is_explained_and_someone_off_the_roster_has_no_confirmation_page(app, client, section):
    confirm = f"{section['url']}/learners/{section['ann_id']}/remove"
    post(client, confirm, confirm)
    token = csrf_from(client.get(section["url"]).get_data(as_text=True))
    again = client.post(confirm, data={"csrf_token": token})
    assert "not in this section" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(audit_entries(app, "roster.remove", section)) == 1
    assert client.get(confirm).status_code == 404
    stranger = make_user(app, "stranger@example.org")
    assert client.get(f"{section['url']}/learners/{stranger}/remove").status_code == 404
    assert client.get(f"{section['url']}/learners/{2**40}/remove").status_code == 404


# Nobody else's section


def new_routes(section):
    base, ann = section["url"], section["ann_id"]
    return [
        ("GET", f"{base}/rename"),
        ("POST", f"{base}/rename"),
        ("POST", f"{base}/archive"),
        ("POST", f"{base}/unarchive"),
        ("GET", f"{base}/learners/{ann}/remove"),
        ("POST", f"{base}/learners/{ann}/remove"),
    ]


def test_another_instructor_guessing_ids_gets_404_on_every_new_route(app, client, section, auth):
    auth.logout()
    make_user(app, "other-teacher@example.org", role="instructor")
    auth.login("other-teacher@example.org")
    token = csrf_from(client.get("/teach/").get_data(as_text=True))
    for method, url in new_routes(section):
        data = {"csrf_token": token, "name": "Taken over", "term": ""} if method == "POST" else None
        assert client.open(url, method=method, data=data).status_code == 404, (method, url)
    with app.app_context():
        unchanged = db.session.get(Section, section["id"])
        assert unchanged.name == "Surveillance 101" and unchanged.archived_at is None
    assert enrolled(app, section["id"], section["ann_id"])


def test_an_admin_can_manage_any_section(app, client, section, auth):
    auth.logout()
    make_user(app, "boss@example.org", role="admin")
    auth.login("boss@example.org")
    assert client.get(f"{section['url']}/rename").status_code == 200
    assert post(client, f"{section['url']}/archive", section["url"]).status_code == 302
    confirm = f"{section['url']}/learners/{section['ann_id']}/remove"
    assert "Remove ann@example.org" in client.get(confirm).get_data(as_text=True)


@pytest.mark.parametrize("who", ["anonymous", "student"])
def test_students_and_anonymous_visitors_are_refused(app, client, section, auth, who):
    auth.logout()
    if who == "student":
        auth.login("ann@example.org")
    token = csrf_from(client.get("/join" if who == "student" else "/account/login").get_data(as_text=True))
    for method, url in new_routes(section):
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        if who == "student":
            assert response.status_code == 403, (method, url)
        else:
            assert response.status_code == 302 and "/account/login" in response.headers["Location"], (method, url)
    assert enrolled(app, section["id"], section["ann_id"])
