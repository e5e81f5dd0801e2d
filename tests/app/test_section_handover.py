"""An admin hands a section over to another instructor, so the first can leave without taking grades along."""

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, AuditLog, Section, User
from tests.conftest import PASSWORD, Auth, csrf_from, make_user


def post(client, url, page_url, **data):
    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def owner(app, section_id):
    with app.app_context():
        return db.session.get(Section, section_id).instructor_id


@pytest.fixture()
def handover(app, client, login_as, fixed_clock):
    """Ada (instructor) runs two sections, Ben is another instructor; the client is logged in as an admin."""
    ada_id = make_user(app, "ada@example.org", role="instructor")
    ben_id = make_user(app, "ben@example.org", role="instructor")
    ada = app.test_client()
    Auth(ada).login("ada@example.org")
    ids = []
    for name in ("Morning section", "Evening section"):
        response = post(ada, "/teach/", "/teach/", name=name, term="")
        ids.append(int(response.headers["Location"].rsplit("/", 1)[1]))
    url = f"/teach/sections/{ids[0]}/assignments/new"
    post(
        ada,
        url,
        url,
        title="Quiz 1",
        lessons=["01-demo"],
        num_questions="3",
        opens_at="2026-03-01T09:00",
        due_at="2026-03-09T09:00",
        time_limit_minutes="",
        attempts_allowed="1",
        counting="highest",
        points="10",
        feedback_policy="after_submit",
        answers_policy="after_due",
    )
    admin_id = login_as("admin")
    return {"ada": ada, "ada_id": ada_id, "ben_id": ben_id, "sections": ids, "admin_id": admin_id}


def hand_over(client, section_id, to):
    url = f"/admin/sections/{section_id}/hand-over"
    return post(client, url, url, instructor=str(to))


def test_an_admin_hands_a_section_over_to_another_instructor(app, client, handover):
    first = handover["sections"][0]
    assert f"/admin/sections/{first}/hand-over" in client.get(f"/teach/sections/{first}").get_data(as_text=True)
    page = client.get(f"/admin/sections/{first}/hand-over").get_data(as_text=True)
    assert "Morning section" in page and "ada@example.org" in page and "ben@example.org" in page
    response = hand_over(client, first, handover["ben_id"])
    assert response.status_code == 302
    assert owner(app, first) == handover["ben_id"]
    assert "Morning section is now run by ben@example.org" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "section.hand_over"))
        assert entry.actor_id == handover["admin_id"] and entry.target == f"section {first}"
        assert entry.detail == {"from_user_id": handover["ada_id"], "to_user_id": handover["ben_id"]}
    assert handover["ada"].get(f"/teach/sections/{first}").status_code == 404
    ben = app.test_client()
    Auth(ben).login("ben@example.org")
    assert "Morning section" in ben.get("/teach/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["student", "deactivated instructor", "admin", "the same instructor", "nobody"])
def test_a_section_is_handed_over_only_to_another_active_instructor(app, client, handover, target):
    first = handover["sections"][0]
    ids = {
        "student": make_user(app, "stu@example.org"),
        "admin": handover["admin_id"],
        "the same instructor": handover["ada_id"],
        "nobody": 424242,
        "deactivated instructor": make_user(app, "old@example.org", role="instructor"),
    }
    with app.app_context():
        db.session.get(User, ids["deactivated instructor"]).active = False
        db.session.commit()
    page = client.get(f"/admin/sections/{first}/hand-over").get_data(as_text=True)
    assert "ben@example.org" in page and "stu@example.org" not in page and "old@example.org" not in page
    response = hand_over(client, first, ids[target])
    assert response.status_code == 400 and "Choose an active instructor" in response.get_data(as_text=True)
    assert owner(app, first) == handover["ada_id"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "section.hand_over")) == 0


def test_only_an_admin_can_hand_over_a_section(app, handover):
    first = handover["sections"][0]
    token = csrf_from(handover["ada"].get("/teach/").get_data(as_text=True))
    response = handover["ada"].post(
        f"/admin/sections/{first}/hand-over", data={"csrf_token": token, "instructor": str(handover["ben_id"])}
    )
    assert response.status_code == 403 and owner(app, first) == handover["ada_id"]


def delete_account(client):
    page = client.get("/account/data").get_data(as_text=True)
    return client.post("/account/delete", data={"csrf_token": csrf_from(page), "password": PASSWORD})


def test_an_instructor_who_still_runs_sections_is_told_how_to_get_them_handed_over(app, client, handover):
    hand_over(client, handover["sections"][0], handover["ben_id"])
    delete_account(handover["ada"])
    html = handover["ada"].get("/account/data").get_data(as_text=True)
    assert "You still run 1 section: Evening section" in html and "ask an admin to hand it over" in html
    with app.app_context():
        assert db.session.get(User, handover["ada_id"]) is not None


def test_an_instructor_who_handed_over_every_section_can_delete_their_account(app, client, handover):
    for section_id in handover["sections"]:
        hand_over(client, section_id, handover["ben_id"])
    response = delete_account(handover["ada"])
    assert response.headers["Location"] == "/"
    with app.app_context():
        assert db.session.get(User, handover["ada_id"]) is None
        assert {s.instructor_id for s in db.session.scalars(select(Section))} == {handover["ben_id"]}
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1  # the students' work stays
        # Ada's own actions stay accountable under a pseudonym; nothing in the log names her.
        created = db.session.scalar(select(AuditLog).where(AuditLog.action == "assignment.create"))
        assert created.actor_id is None and created.detail["actor"].startswith("deleted user #")
        everything = json.dumps([[e.target, e.detail] for e in db.session.scalars(select(AuditLog))])
        assert "ada@example.org" not in everything and f'"from_user_id": {handover["ada_id"]}' not in everything
        handed = db.session.scalars(select(AuditLog).where(AuditLog.action == "section.hand_over")).all()
        assert {e.detail["from_user_id"] for e in handed} == {created.detail["actor"]}
