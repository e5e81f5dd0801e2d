"""Section membership: a removal sticks until an instructor re-admits, and the join code can be replaced."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, Enrollment, Section
from tests.conftest import Auth, csrf_from, make_user


def post(client, url, page_url, **data):
    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def join(student, code):
    """Submit the join form as a student would; return the response."""
    return post(student, "/join", "/join", code=code)


def code_of(app, section_id):
    with app.app_context():
        return db.session.get(Section, section_id).join_code


def enrolled(app, section_id, user_id):
    with app.app_context():
        return db.session.get(Enrollment, (section_id, user_id)) is not None


@pytest.fixture()
def section(app, client, login_as):
    """An instructor (logged in on `client`) with a section that Ann joined on her own client."""
    instructor = login_as("instructor")
    response = post(client, "/teach/", "/teach/", name="Surveillance 101", term="")
    section_id = int(response.headers["Location"].rsplit("/", 1)[1])
    ann_id = make_user(app, "ann@example.org")
    ann = app.test_client()
    Auth(ann).login("ann@example.org")
    assert join(ann, code_of(app, section_id)).status_code == 302
    return {"id": section_id, "url": f"/teach/sections/{section_id}", "instructor": instructor, "ann": ann, "ann_id": ann_id}


def remove_ann(client, section):
    return post(client, f"{section['url']}/remove", section["url"], user_id=str(section["ann_id"]))


def new_code(client, section):
    return post(client, f"{section['url']}/code", section["url"])


def test_a_removed_student_cannot_rejoin_with_the_code(app, client, section):
    remove_ann(client, section)
    response = join(section["ann"], code_of(app, section["id"]))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "You were removed from Surveillance 101" in html and "ask your instructor" in html.lower()
    assert not enrolled(app, section["id"], section["ann_id"])


def test_a_new_join_code_replaces_the_old_one_at_once(app, client, section):
    old = code_of(app, section["id"])
    response = new_code(client, section)
    assert response.status_code == 302
    new = code_of(app, section["id"])
    assert new != old and new in client.get(section["url"]).get_data(as_text=True)
    make_user(app, "bob@example.org")
    bob = app.test_client()
    Auth(bob).login("bob@example.org")
    refused = join(bob, old)
    assert refused.status_code == 200 and "That code has been replaced" in refused.get_data(as_text=True)
    assert join(bob, new).status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "section.new_code"))
        assert entry.actor_id == section["instructor"] and entry.target == f"section {section['id']}"
        assert old not in str(entry.detail) and new not in str(entry.detail)  # a code is a key, not a record


def test_a_removed_student_is_told_they_were_removed_whichever_code_they_use(app, client, section):
    old = code_of(app, section["id"])
    remove_ann(client, section)
    new_code(client, section)
    for code in (old, code_of(app, section["id"])):
        html = join(section["ann"], code).get_data(as_text=True)
        assert "You were removed from Surveillance 101" in html, code
    assert not enrolled(app, section["id"], section["ann_id"])


def test_the_instructor_sees_removed_students_and_can_readmit_them(app, client, section):
    remove_ann(client, section)
    html = client.get(section["url"]).get_data(as_text=True)
    assert "Removed students (1)" in html and "ann@example.org" in html and "Re-admit" in html
    response = post(client, f"{section['url']}/readmit", section["url"], user_id=str(section["ann_id"]))
    assert response.status_code == 302
    assert enrolled(app, section["id"], section["ann_id"])
    assert "Removed students" not in client.get(section["url"]).get_data(as_text=True)
    assert "Surveillance 101" in section["ann"].get("/assignments").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "roster.readmit"))
        assert entry.actor_id == section["instructor"] and entry.subject_id == section["ann_id"]
    # Re-admitted and removed again: the block is back.
    remove_ann(client, section)
    assert "You were removed" in join(section["ann"], code_of(app, section["id"])).get_data(as_text=True)


def test_removing_twice_or_readmitting_someone_not_removed_is_explained(app, client, section):
    remove_ann(client, section)
    assert "not in this section" in client.get(remove_ann(client, section).headers["Location"]).get_data(as_text=True)
    response = post(client, f"{section['url']}/readmit", section["url"], user_id=str(section["ann_id"]))
    post(client, f"{section['url']}/readmit", section["url"], user_id=str(section["ann_id"]))
    assert "was not removed from this section" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert enrolled(app, section["id"], section["ann_id"])


def test_another_instructor_cannot_replace_the_code_or_readmit(app, client, section, auth):
    remove_ann(client, section)
    before = code_of(app, section["id"])
    auth.logout()
    make_user(app, "other-teacher@example.org", role="instructor")
    auth.login("other-teacher@example.org")
    token = csrf_from(client.get("/teach/").get_data(as_text=True))
    assert client.post(f"{section['url']}/code", data={"csrf_token": token}).status_code == 404
    assert (
        client.post(f"{section['url']}/readmit", data={"csrf_token": token, "user_id": str(section["ann_id"])}).status_code == 404
    )
    assert code_of(app, section["id"]) == before and not enrolled(app, section["id"], section["ann_id"])


def test_a_new_join_code_needs_the_csrf_token(app, client, section):
    before = code_of(app, section["id"])
    assert client.post(f"{section['url']}/code").status_code == 400
    assert code_of(app, section["id"]) == before
