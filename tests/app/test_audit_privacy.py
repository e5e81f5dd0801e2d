"""The audit log names people by id, shows learners what it holds about them, and forgets them on deletion."""

import json
import os
import re
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.models import AuditLog, Enrollment, Section
from tests.conftest import PASSWORD, Auth, base_config, csrf_from, make_user, private_schema

REASON = "Ann told me in confidence about a family illness"
PSEUDONYM = re.compile(r"deleted user #[0-9a-f]{8}")


def post(client, url, page_url, **data):
    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


@pytest.fixture()
def history(app, client, login_as, fixed_clock):
    """Ann joined a section; her instructor gave her an extension, overrode her score and removed her."""
    instructor = login_as("instructor")
    response = post(client, "/teach/", "/teach/", name="Surveillance 101", term="")
    section_id = int(response.headers["Location"].rsplit("/", 1)[1])
    url = f"/teach/sections/{section_id}/assignments/new"
    response = post(
        client,
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
    assignment_url = response.headers["Location"]
    ann_id = make_user(app, "ann@example.org")
    ann = app.test_client()
    Auth(ann).login("ann@example.org")
    with app.app_context():
        code = db.session.get(Section, section_id).join_code
    assert post(ann, "/join", "/join", code=code).status_code == 302
    post(client, f"{assignment_url}/extension", assignment_url, user_id=str(ann_id), extra_minutes="15")
    post(client, f"{assignment_url}/override", assignment_url, user_id=str(ann_id), points="7", reason=REASON)
    post(client, f"/teach/sections/{section_id}/remove", f"/teach/sections/{section_id}", user_id=str(ann_id))
    with app.app_context():
        assert db.session.get(Enrollment, (section_id, ann_id)) is None
        actions = sorted(e.action for e in db.session.scalars(select(AuditLog)))
    assert actions == ["assignment.create", "extension.set", "roster.remove", "score.override"]
    return {"instructor": instructor, "ann": ann, "ann_id": ann_id, "section": section_id}


def entries(app):
    with app.app_context():
        return [
            (e.actor_id, e.action, e.target, e.subject_id, json.dumps(e.detail))
            for e in db.session.scalars(select(AuditLog).order_by(AuditLog.id))
        ]


def delete_account(client):
    page = client.get("/account/data").get_data(as_text=True)
    response = client.post("/account/delete", data={"csrf_token": csrf_from(page), "password": PASSWORD})
    assert response.headers["Location"] == "/", response.get_data(as_text=True)


def test_the_audit_log_refers_to_people_by_id_not_email(app, client, history, auth):
    auth.logout()
    make_user(app, "boss@example.org", role="admin")
    auth.login("boss@example.org")
    ann = history["ann_id"]
    post(client, f"/admin/users/{ann}/role", "/admin/users", **{f"u{ann}-role": "instructor"})
    post(client, f"/admin/users/{ann}/active", "/admin/users", active="0")
    logged = entries(app)
    assert len(logged) == 6
    for _actor, action, target, subject, detail in logged:
        assert "@" not in target and "@" not in detail, (action, target, detail)
        if action != "assignment.create":
            assert subject == ann, action
    assert {target for _, action, target, _, _ in logged if action.startswith("user.")} == {f"user {ann}"}
    assert "ann@example.org" in client.get("/admin/audit").get_data(as_text=True)  # admins still see who, from the id


def test_deleting_an_account_scrubs_the_learners_email_and_override_reasons_from_the_audit_log(app, history):
    before = entries(app)
    delete_account(history["ann"])
    after = entries(app)
    assert [(actor, action) for actor, action, *_ in after] == [(actor, action) for actor, action, *_ in before]
    everything = json.dumps(after)
    assert "ann@example.org" not in everything and REASON not in everything
    assert f"user {history['ann_id']}" not in everything
    about_ann = [row for row in after if row[1] != "assignment.create"]
    assert all(subject is None for _, _, _, subject, _ in about_ann)
    names = {match for row in about_ann for match in PSEUDONYM.findall(row[2] + row[4])}
    assert len(names) == 1, "one stable pseudonym per deleted person, so their entries still belong together"
    override = next(json.loads(detail) for _, action, _, _, detail in after if action == "score.override")
    assert override["after"] == 7 and override["reason"] is None  # the fact and the numbers stay, the words go


def test_entries_written_before_ids_with_emails_are_scrubbed_too(app, history):
    with app.app_context():
        db.session.add(
            AuditLog(
                actor_id=history["instructor"],
                action="user.role",
                target="ann@example.org",
                detail={"before": "student", "after": "instructor"},
            )
        )
        db.session.add(
            AuditLog(
                actor_id=history["instructor"],
                action="roster.remove",
                target=f"section {history['section']}",
                detail={"email": "ann@example.org"},
            )
        )
        db.session.commit()
    delete_account(history["ann"])
    everything = json.dumps(entries(app))
    assert "ann@example.org" not in everything and len(PSEUDONYM.findall(everything)) >= 2


def test_my_data_lists_the_audit_entries_about_the_learner(app, history):
    html = history["ann"].get("/account/data").get_data(as_text=True)
    assert "The audit log about you" in html
    for words in ("Removed you from a section", "Overrode your score", "Gave you an extension", REASON):
        assert words in html, words
    data = history["ann"].get("/account/data.json").get_json()
    about = data["audit_log_about_you"]
    assert sorted(e["action"] for e in about) == ["extension.set", "roster.remove", "score.override"]
    assert all(e["by"] == "an instructor" for e in about)
    assert next(e for e in about if e["action"] == "score.override")["detail"]["reason"] == REASON
    assert data["audit_log_by_you"] == []
    rows = history["ann"].get("/account/data.csv").get_data(as_text=True)
    assert rows.count("audit_about_you") == 3


def test_an_instructors_data_lists_the_actions_they_took(app, client, history):
    data = client.get("/account/data.json").get_json()
    assert sorted(e["action"] for e in data["audit_log_by_you"]) == [
        "assignment.create",
        "extension.set",
        "roster.remove",
        "score.override",
    ]
    assert "The actions you took (4)" in client.get("/account/data").get_data(as_text=True)


def test_the_privacy_page_says_what_the_audit_log_keeps_after_deletion(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "Entries about you in the audit log" in html
    assert "deleted user #" in html and "reason" in html


@pytest.fixture(params=["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else []))
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    with private_schema(os.environ["TEST_DATABASE_URL"], "mig") as url:
        yield url


def test_upgrading_replaces_emails_in_the_audit_log_with_ids(empty_database):
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    app = create_app(base_config(empty_database))
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as conn:
            for uid, email in ((1, "teacher@example.org"), (2, "ann@example.org")):
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, password_hash, role, active, session_version, is_demo, created_at)"
                        " VALUES (:id, :email, 'scrypt:x', 'student', true, 1, false, :now)"
                    ),
                    {"id": uid, "email": email, "now": now},
                )
            rows = [
                ("user.role", "ann@example.org", {"before": "student", "after": "instructor"}),
                ("roster.remove", "section 1", {"email": "ann@example.org"}),
                ("roster.remove", "section 1", {"email": "gone@example.org"}),  # an account deleted before this release
                ("score.override", "assignment 1", {"user_id": 2, "before": 5, "after": 7, "reason": "kept"}),
                ("user.deactivate", "gone@example.org", {}),
            ]
            for i, (action, target, detail) in enumerate(rows, start=1):
                conn.execute(
                    text(
                        "INSERT INTO audit_log (id, actor_id, action, target, detail, created_at)"
                        " VALUES (:id, 1, :action, :target, :detail, :now)"
                    ),
                    {"id": i, "action": action, "target": target, "detail": json.dumps(detail), "now": now},
                )
        upgrade(revision="head")
        stored = {e.id: e for e in db.session.scalars(select(AuditLog))}
        assert all("@" not in e.target and "@" not in json.dumps(e.detail) for e in stored.values())
        assert (stored[1].target, stored[1].subject_id, stored[1].detail["after"]) == ("user 2", 2, "instructor")
        assert (stored[2].subject_id, stored[2].detail) == (2, {"user_id": 2})
        assert stored[3].subject_id is None and PSEUDONYM.fullmatch(stored[3].detail["user_id"])
        assert (stored[4].subject_id, stored[4].detail["reason"]) == (2, "kept")  # the learner still exists: nothing to scrub
        assert stored[5].subject_id is None and PSEUDONYM.fullmatch(stored[5].target)
        assert stored[5].target == stored[3].detail["user_id"]  # one deleted person keeps one name across entries
        db.session.remove()
        db.engine.dispose()
