"""LTI 1.3 Advantage with a real platform (lti1p3platform) on loopback: launch, deep linking, AGS, NRPS, refusals."""

from __future__ import annotations

import json
import os
import re
import time
from html import unescape
from pathlib import Path

import jwt
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.lti.models import LtiContext, LtiIdentity, LtiScoreSync
from app.models import Assignment, AuditLog, Enrollment, Section, User
from tests.conftest import csrf_from
from tests.live_server import serve
from tests.lti_platform import CLIENT_ID, DEPLOYMENT_ID, LMS, Browser, LaunchSpec, rsa_pair

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


@pytest.fixture()
def lms(app, runner):
    """The tool served on loopback, a platform served beside it, and the platform registered in the tool."""
    with serve(app) as tool_url:
        platform = LMS()
        platform.tool = tool_url
        with serve(platform.app) as base:
            platform.base = base
            platform.register_with_tool(runner)
            yield platform


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def refusals(app) -> list[AuditLog]:
    with app.app_context():
        return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "lti.launch_refused")))


def instructor_launch(lms: LMS, browser: Browser, **extra) -> str:
    response = browser.launch(lms, LaunchSpec(sub="teacher-1", roles=[INSTRUCTOR], email="teacher@uni.example", **extra))
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def make_assignment(browser: Browser, tool: str, section_id: int, **over: str) -> int:
    url = f"{tool}/teach/sections/{section_id}/assignments/new"
    token = csrf_from(browser.http.get(url).text)
    response = browser.http.post(
        url,
        data={
            "csrf_token": token,
            "title": "Week 3 quiz",
            "lessons": ["01-demo"],
            "num_questions": "2",
            "opens_at": "2026-01-01T09:00",
            "due_at": "2030-01-01T09:00",
            "time_limit_minutes": "",
            "attempts_allowed": "2",
            "counting": "highest",
            "points": "10",
            "feedback_policy": "after_submit",
            "answers_policy": "after_due",
            **over,
        },
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_round_trip_launch_deep_link_take_assignment_and_score_reaches_the_platform(app, lms):
    teacher = Browser()
    landing = instructor_launch(lms, teacher)
    section_id = int(re.search(r"/teach/sections/(\d+)$", landing).group(1))
    with app.app_context():
        section = db.session.get(Section, section_id)
        assert section.name == "Digital authoritarianism 2026"
        context = db.session.scalar(select(LtiContext))
        assert (context.context_id, context.section_id) == ("course-42", section_id)
        assert context.memberships_url == f"{lms.base}/memberships"
    assignment_id = make_assignment(teacher, lms.tool, section_id)

    # Deep linking: the instructor picks a lesson and the assignment; the platform accepts the signed response.
    to_picker = teacher.launch(lms, LaunchSpec(sub="teacher-1", roles=[INSTRUCTOR], deep_linking=True))
    assert to_picker.status_code == 302 and "/lti/deep-link/" in to_picker.headers["Location"]
    picker_url = lms.tool + to_picker.headers["Location"]
    picker = teacher.http.get(picker_url)
    assert "Week 3 quiz" in picker.text
    back = teacher.http.post(
        picker_url,
        data={"csrf_token": csrf_from(picker.text), "lesson": "01-demo", "assignment": str(assignment_id)},
    )
    assert back.status_code == 200
    action = unescape(re.search(r'<form method="post" action="([^"]+)" id="lti-return"', back.text).group(1))
    token = re.search(r'name="JWT" value="([^"]+)"', back.text).group(1)
    assert action == f"{lms.base}/deep_link_return"
    assert f"form-action 'self' {lms.base}" in back.headers["Content-Security-Policy"]
    accepted = teacher.http.post(action, data={"JWT": token})
    assert accepted.json() == {"accepted": 2}
    lesson_item, assignment_item = lms.deep_link_items
    assert lesson_item["custom"] == {"oversight_target": "lesson:01-demo"}
    assert assignment_item["custom"] == {"oversight_target": f"assignment:{assignment_id}"}
    assert assignment_item["lineItem"]["scoreMaximum"] == 10
    assert assignment_item["lineItem"]["resourceId"] == f"assignment-{assignment_id}"

    # The platform makes the gradebook column; a learner launches the placed assignment and takes it.
    lineitem = lms.add_line_item("Week 3 quiz", 10, f"assignment-{assignment_id}")
    learner = Browser()
    spec = LaunchSpec(
        sub="student-7",
        roles=[LEARNER],
        email="s7@uni.example",
        custom={"oversight_target": f"assignment:{assignment_id}"},
        lineitem=lineitem,
    )
    to_start = learner.launch(lms, spec)
    assert to_start.status_code == 302 and to_start.headers["Location"].endswith(f"/assignments/{assignment_id}/start")
    start_page = learner.http.get(lms.tool + to_start.headers["Location"])
    started = learner.http.post(
        f"{lms.tool}/assignments/{assignment_id}/start", data={"csrf_token": csrf_from(start_page.text)}, allow_redirects=False
    )
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", started.headers["Location"]).group(1))
    finish = learner.http.get(f"{lms.tool}/quiz/attempts/{attempt_id}/finish")
    done = learner.http.post(f"{lms.tool}/quiz/attempts/{attempt_id}/finish", data={"csrf_token": csrf_from(finish.text)})
    assert done.status_code == 200

    assert len(lms.scores) == 1
    score = lms.scores[0]
    assert score["lineitem"] == lineitem
    assert score["userId"] == "student-7"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (0.0, 10)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert score["timestamp"] and score["content_type"] == "application/vnd.ims.lis.v1.score+json"
    with app.app_context():
        learner_user = db.session.scalar(select(User).join(LtiIdentity).where(LtiIdentity.sub == "student-7"))
        assert learner_user.email == "s7@uni.example" and learner_user.role == "student"
        assert db.session.get(Enrollment, (section_id, learner_user.id)) is not None
        row = db.session.scalar(select(LtiScoreSync))
        assert row.status == "sent" and row.tries == 0

    # An override by the instructor is posted too.
    page = teacher.http.get(f"{lms.tool}/teach/assignments/{assignment_id}")
    overridden = teacher.http.post(
        f"{lms.tool}/teach/assignments/{assignment_id}/override",
        data={"csrf_token": csrf_from(page.text), "user_id": str(learner_user.id), "points": "7.5", "reason": "Viva"},
    )
    assert overridden.status_code == 200
    assert [s["scoreGiven"] for s in lms.scores] == [0.0, 7.5]
    if os.environ.get("LTI_ROUNDTRIP_LOG"):  # what the platform received, for a person to read
        received = {"deep_link_items": lms.deep_link_items, "scores": lms.scores}
        Path(os.environ["LTI_ROUNDTRIP_LOG"]).write_text(json.dumps(received, indent=2))


def test_a_failed_score_post_is_kept_shown_and_retried(app, lms, runner):
    teacher = Browser()
    section_id = int(instructor_launch(lms, teacher).rsplit("/", 1)[1])
    assignment_id = make_assignment(teacher, lms.tool, section_id)
    lineitem = lms.add_line_item("Week 3 quiz", 10, f"assignment-{assignment_id}")
    learner = Browser()
    learner.launch(
        lms, LaunchSpec(sub="s1", roles=[LEARNER], custom={"oversight_target": f"assignment:{assignment_id}"}, lineitem=lineitem)
    )
    lms.fail_scores = 1
    page = learner.http.get(f"{lms.tool}/assignments/{assignment_id}/start")
    started = learner.http.post(
        f"{lms.tool}/assignments/{assignment_id}/start", data={"csrf_token": csrf_from(page.text)}, allow_redirects=False
    )
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", started.headers["Location"]).group(1))
    finish = learner.http.get(f"{lms.tool}/quiz/attempts/{attempt_id}/finish")
    assert (
        learner.http.post(
            f"{lms.tool}/quiz/attempts/{attempt_id}/finish", data={"csrf_token": csrf_from(finish.text)}
        ).status_code
        == 200
    )

    assert lms.scores == []
    status = teacher.http.get(f"{lms.tool}/teach/assignments/{assignment_id}/lms-grades")
    assert "Waiting" in status.text and "503" in status.text
    with app.app_context():
        row = db.session.scalar(select(LtiScoreSync))
        assert (row.status, row.tries) == ("pending", 1)
        assert row.next_try_at > row.changed_at  # backoff: not before a minute has passed
    retried = teacher.http.post(
        f"{lms.tool}/teach/assignments/{assignment_id}/lms-grades/retry",
        data={"csrf_token": csrf_from(status.text), "row": str(row.id)},
    )
    assert "Sent 1 grades" in retried.text
    assert len(lms.scores) == 1 and lms.scores[0]["userId"] == "s1"


def test_roster_sync_pages_through_the_platform_and_fills_the_section(app, lms):
    teacher = Browser()
    section_id = int(instructor_launch(lms, teacher).rsplit("/", 1)[1])
    lms.members = [
        {"user_id": "teacher-1", "roles": [INSTRUCTOR], "status": "Active"},
        {"user_id": "s1", "roles": [LEARNER], "status": "Active", "email": "s1@uni.example"},
        {"user_id": "s2", "roles": [LEARNER], "status": "Active"},
        {"user_id": "s3", "roles": [LEARNER], "status": "Inactive"},
        {"user_id": "s4", "roles": ["Learner"], "status": "Active"},
    ]
    page = teacher.http.get(f"{lms.tool}/teach/sections/{section_id}/lms")
    synced = teacher.http.post(f"{lms.tool}/teach/sections/{section_id}/lms/roster", data={"csrf_token": csrf_from(page.text)})
    assert "3 learners and 1 staff (3 pages read)" in synced.text
    with app.app_context():
        enrolled = db.session.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.section_id == section_id))
        assert enrolled == 3
        subs = set(db.session.scalars(select(LtiIdentity.sub)))
        assert subs == {"teacher-1", "s1", "s2", "s4"}
    # A learner on the roster launching later is the same account, not a second one.
    users_before = count(app, User)
    assert Browser().launch(lms, LaunchSpec(sub="s2", roles=[LEARNER])).status_code == 302
    assert count(app, User) == users_before


def test_roles_apply_to_the_launching_context_only(app, lms):
    instructor_launch(lms, Browser())
    with app.app_context():
        teacher = db.session.scalar(select(User).join(LtiIdentity).where(LtiIdentity.sub == "teacher-1"))
        assert teacher.role == "instructor"  # never admin, whatever the LMS says
    admin_launch = Browser().launch(
        lms, LaunchSpec(sub="lms-admin", roles=["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"])
    )
    assert admin_launch.status_code == 302
    with app.app_context():
        admin = db.session.scalar(select(User).join(LtiIdentity).where(LtiIdentity.sub == "lms-admin"))
        assert admin.role == "instructor"
        other = Section(name="Someone else's", term="", instructor_id=admin.id, join_code="ZZZZ9999")
        db.session.add(other)
        db.session.commit()
    learner = Browser()
    assert learner.launch(lms, LaunchSpec(sub="s9", roles=[LEARNER])).status_code == 302
    assert learner.http.get(f"{lms.tool}/teach/", allow_redirects=False).status_code == 403


def test_a_learner_cannot_open_a_course_no_instructor_has_set_up(app, lms):
    response = Browser().launch(lms, LaunchSpec(sub="early-bird", roles=[LEARNER]))
    assert response.status_code == 403
    assert "an instructor must open the tool first" in response.text
    assert count(app, User) == 0 and count(app, LtiIdentity) == 0


NOW = int(time.time())


@pytest.mark.parametrize(
    ("spec", "status", "message"),
    [
        (dict(sign_with=rsa_pair()[0]), 400, "Signature verification failed"),
        (dict(claims_override={"aud": "someone-else"}), 400, "not registered"),
        (dict(claims_override={"exp": NOW - 3600, "iat": NOW - 7200}), 400, "expired"),
        (dict(claims_override={"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "not-ours"}), 400, "not recognised"),
        (dict(drop_claims=("https://purl.imsglobal.org/spec/lti/claim/roles",)), 400, "no roles claim"),
    ],
    ids=["bad-signature", "wrong-aud", "expired", "unknown-deployment", "no-roles"],
)
def test_a_bad_launch_is_refused_with_a_clear_page_nothing_created_and_audited(app, lms, spec, status, message):
    response = Browser().launch(lms, LaunchSpec(sub="mallory", roles=[INSTRUCTOR], **spec))
    assert response.status_code == status
    assert message in response.text
    assert "Oversight could not open from your LMS" in response.text
    assert count(app, User) == 0 and count(app, Section) == 0 and count(app, LtiIdentity) == 0
    assert len(refusals(app)) == 1


def test_a_replayed_id_token_is_refused(app, lms):
    browser = Browser()
    first, form = browser.last_form(lms, LaunchSpec(sub="teacher-1", roles=[INSTRUCTOR]))
    assert first.status_code == 302
    replay = Browser()
    replay.http.cookies.update(browser.http.cookies)
    again = replay.http.post(form["url"], data={"id_token": form["id_token"], "state": form["state"]}, allow_redirects=False)
    assert again.status_code == 400
    assert "already used" in again.text
    assert len(refusals(app)) == 1
    assert count(app, User) == 1


def test_a_launch_without_the_state_cookie_offers_a_new_window(app, lms):
    browser = Browser()
    to_lms = browser.http.get(lms.login_url(LaunchSpec(sub="teacher-1", roles=[INSTRUCTOR])), allow_redirects=False)
    form = browser.http.get(to_lms.headers["Location"]).json()
    blocked = Browser()  # a browser that dropped the tool's cookie (third-party cookies blocked in the LMS frame)
    response = blocked.http.post(
        form["launch_url"], data={"id_token": form["id_token"], "state": form["state"]}, allow_redirects=False
    )
    assert response.status_code == 400
    assert "Open Oversight in a new window" in response.text
    link = unescape(re.search(r'href="([^"]+lti1p3_new_window=1[^"]*)"', response.text).group(1))
    assert "login_hint=teacher-1" in link and 'target="_blank"' in response.text
    assert count(app, User) == 0


def test_jwks_publishes_both_keys_during_a_rotation_and_signs_with_the_new_one(app, lms, runner):
    before = Browser().http.get(f"{lms.tool}/lti/jwks").json()["keys"]
    assert len(before) == 1
    result = runner.invoke(args=["lti", "rotate-key"])
    assert result.exit_code == 0, result.output
    after = Browser().http.get(f"{lms.tool}/lti/jwks").json()["keys"]
    assert len(after) == 2 and before[0]["kid"] in {k["kid"] for k in after}
    # The platform still accepts the tool's signed messages: a deep-linking response is signed with the new key.
    teacher = Browser()
    section_id = int(instructor_launch(lms, teacher).rsplit("/", 1)[1])
    make_assignment(teacher, lms.tool, section_id)
    to_picker = teacher.launch(lms, LaunchSpec(sub="teacher-1", roles=[INSTRUCTOR], deep_linking=True))
    picker = teacher.http.get(lms.tool + to_picker.headers["Location"])
    back = teacher.http.post(
        lms.tool + to_picker.headers["Location"], data={"csrf_token": csrf_from(picker.text), "lesson": "01-demo"}
    )
    token = re.search(r'name="JWT" value="([^"]+)"', back.text).group(1)
    assert jwt.get_unverified_header(token)["kid"] == next(k["kid"] for k in after if k["kid"] != before[0]["kid"])
    assert teacher.http.post(f"{lms.base}/deep_link_return", data={"JWT": token}).json() == {"accepted": 1}


def test_pages_may_be_framed_by_registered_platforms_only(app, lms):
    headers = Browser().http.get(f"{lms.tool}/").headers
    assert f"frame-ancestors 'self' {lms.base}" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers


def test_without_a_platform_nobody_may_frame_the_pages(client):
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_admin_registers_a_platform_in_the_ui_and_sees_what_to_paste(app, client, login_as):
    login_as("admin")
    page = client.get("/admin/lti")
    assert "/lti/login" in page.get_data(as_text=True) and "/lti/jwks" in page.get_data(as_text=True)
    data = {
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "name": "Moodle, Example U",
        "issuer": "https://moodle.example.edu",
        "client_id": "abc123",
        "deployment_ids": "1\n2\n",
        "auth_login_url": "https://moodle.example.edu/mod/lti/auth.php",
        "auth_token_url": "https://moodle.example.edu/mod/lti/token.php",
        "key_set_url": "https://moodle.example.edu/mod/lti/certs.php",
        "auth_audience": "",
    }
    saved = client.post("/admin/lti", data=data, follow_redirects=True)
    assert "Saved Moodle, Example U" in saved.get_data(as_text=True)
    bad = client.post("/admin/lti", data={**data, "key_set_url": "not a url"})
    assert bad.status_code == 422 and "must be a full URL" in bad.get_data(as_text=True)
    with app.app_context():
        from app.lti.models import LtiDeployment, LtiPlatform

        assert db.session.scalar(select(LtiPlatform.client_id)) == "abc123"
        assert sorted(db.session.scalars(select(LtiDeployment.deployment_id))) == ["1", "2"]


def test_cli_registers_lists_and_prints_urls(runner):
    result = runner.invoke(args=["lti", "urls", "--base", "https://oversight.example.edu"])
    assert "Login initiation (OIDC) URL: https://oversight.example.edu/lti/login" in result.output
    bad = runner.invoke(
        args=[
            "lti",
            "register",
            "--name",
            "X",
            "--issuer",
            "https://lms",
            "--client-id",
            "c",
            "--login-url",
            "nope",
            "--token-url",
            "https://lms/t",
            "--jwks-url",
            "https://lms/k",
            "--deployment",
            DEPLOYMENT_ID,
        ]
    )
    assert bad.exit_code != 0 and "must be a full URL" in bad.output
    good = runner.invoke(
        args=[
            "lti",
            "register",
            "--name",
            "X",
            "--issuer",
            "https://lms",
            "--client-id",
            CLIENT_ID,
            "--login-url",
            "https://lms/a",
            "--token-url",
            "https://lms/t",
            "--jwks-url",
            "https://lms/k",
            "--deployment",
            DEPLOYMENT_ID,
        ]
    )
    assert good.exit_code == 0, good.output
    assert CLIENT_ID in runner.invoke(args=["lti", "platforms"]).output


def test_an_lti_session_cookie_works_in_a_cross_site_frame_over_https(app):
    """SameSite=None; Secure; Partitioned for LTI sessions over HTTPS, Lax for everyone else."""
    app.config["SESSION_COOKIE_SECURE"] = True

    @app.get("/_test/lti-session")
    def _lti_session():
        from flask import session

        session["lti"] = {"launch_id": "x", "section_id": 1}
        return "ok"

    client = app.test_client()
    cookie = client.get("/_test/lti-session", base_url="https://localhost").headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie
    plain = app.test_client().get("/account/login", base_url="https://localhost").headers.get("Set-Cookie", "")
    assert "SameSite=None" not in plain


def test_assignment_in_another_section_is_not_a_launch_target(app, lms):
    teacher = Browser()
    instructor_launch(lms, teacher)
    with app.app_context():
        stranger = User(email="x@example.org", role="instructor")
        stranger.set_password("a long enough password 1")
        db.session.add(stranger)
        db.session.flush()
        section = Section(name="Other", term="", instructor_id=stranger.id, join_code="QQQQ1111")
        db.session.add(section)
        db.session.flush()
        from datetime import UTC, datetime

        other = Assignment(
            section_id=section.id,
            title="Not yours",
            lesson_ids=["01-demo"],
            objective_ids=[],
            question_types=[],
            num_questions=1,
            opens_at=datetime(2026, 1, 1, tzinfo=UTC),
            due_at=datetime(2030, 1, 1, tzinfo=UTC),
        )
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    learner = Browser()
    response = learner.launch(lms, LaunchSpec(sub="s1", roles=[LEARNER], custom={"oversight_target": f"assignment:{other_id}"}))
    assert response.status_code == 302 and response.headers["Location"].endswith("/assignments")


def test_an_lms_learner_sees_downloads_and_deletes_what_is_stored_about_them(app, lms):
    teacher = Browser()
    instructor_launch(lms, teacher)
    learner = Browser()
    assert learner.launch(lms, LaunchSpec(sub="student-3", roles=[LEARNER])).status_code == 302
    data = learner.http.get(f"{lms.tool}/account/data.json").json()
    assert data["lms_accounts"] == [{"lms": "Test LMS", "lms_user_id": "student-3"}]
    page = learner.http.get(f"{lms.tool}/account/data")
    assert "Type DELETE to confirm" in page.text and "Your password" not in page.text
    wrong = learner.http.post(f"{lms.tool}/account/delete", data={"csrf_token": csrf_from(page.text), "confirm": "yes"})
    assert "nothing was deleted" in wrong.text
    done = learner.http.post(f"{lms.tool}/account/delete", data={"csrf_token": csrf_from(wrong.text), "confirm": "DELETE"})
    assert "have been deleted" in done.text
    with app.app_context():
        assert db.session.scalar(select(LtiIdentity).where(LtiIdentity.sub == "student-3")) is None


def test_an_attempt_closed_at_its_deadline_by_cron_reaches_the_lms_through_lti_sync(app, lms, runner, fixed_clock):
    from datetime import timedelta

    teacher = Browser()
    section_id = int(instructor_launch(lms, teacher).rsplit("/", 1)[1])
    assignment_id = make_assignment(teacher, lms.tool, section_id, time_limit_minutes="10")
    lineitem = lms.add_line_item("Week 3 quiz", 10, f"assignment-{assignment_id}")
    learner = Browser()
    spec = LaunchSpec(sub="s5", roles=[LEARNER], custom={"oversight_target": f"assignment:{assignment_id}"}, lineitem=lineitem)
    assert learner.launch(lms, spec).status_code == 302
    page = learner.http.get(f"{lms.tool}/assignments/{assignment_id}/start")
    started = learner.http.post(
        f"{lms.tool}/assignments/{assignment_id}/start", data={"csrf_token": csrf_from(page.text)}, allow_redirects=False
    )
    assert started.status_code == 302
    fixed_clock["now"] += timedelta(hours=1)  # the learner walked away; the deadline passed
    assert "Closed 1" in runner.invoke(args=["attempts", "close-expired"]).output
    assert lms.scores == []  # queued by the cron job, posted by the sync job
    assert "Sent 1 grades" in runner.invoke(args=["lti", "sync"]).output
    assert [(s["userId"], s["activityProgress"], s["scoreGiven"]) for s in lms.scores] == [("s5", "Completed", 0.0)]


def test_results_given_before_the_lms_column_existed_are_sent_when_it_appears(app, lms, runner):
    teacher = Browser()
    section_id = int(instructor_launch(lms, teacher).rsplit("/", 1)[1])
    assignment_id = make_assignment(teacher, lms.tool, section_id)
    page = teacher.http.get(f"{lms.tool}/teach/assignments/{assignment_id}")
    # An override before the assignment was placed in the LMS: nothing to send it to yet.
    learner = Browser()
    assert learner.launch(lms, LaunchSpec(sub="s1", roles=[LEARNER])).status_code == 302
    with app.app_context():
        learner_id = db.session.scalar(select(User.id).join(LtiIdentity).where(LtiIdentity.sub == "s1"))
    teacher.http.post(
        f"{lms.tool}/teach/assignments/{assignment_id}/override",
        data={"csrf_token": csrf_from(page.text), "user_id": str(learner_id), "points": "6", "reason": "Oral exam"},
    )
    assert lms.scores == [] and count(app, LtiScoreSync) == 0
    lineitem = lms.add_line_item("Week 3 quiz", 10, f"assignment-{assignment_id}")
    opened = teacher.launch(
        lms,
        LaunchSpec(
            sub="teacher-1", roles=[INSTRUCTOR], custom={"oversight_target": f"assignment:{assignment_id}"}, lineitem=lineitem
        ),
    )
    assert opened.headers["Location"].endswith(f"/teach/assignments/{assignment_id}")
    assert [(s["userId"], s["scoreGiven"]) for s in lms.scores] == [("s1", 6.0)]  # posted right after that launch


def test_queuing_a_class_regrade_costs_the_same_queries_for_one_learner_or_many(app):
    from datetime import UTC, datetime

    from sqlalchemy import event

    from app.lti.models import LtiLineItem, LtiPlatform
    from app.services import lti_grades

    with app.app_context():
        teacher = User(email="t@example.org", role="instructor")
        teacher.set_password("a long enough password 1")
        learners = [User(email=f"l{i}@example.org", role="student") for i in range(6)]
        for user in learners:
            user.set_password("a long enough password 1")
        db.session.add_all([teacher, *learners])
        db.session.flush()
        section = Section(name="S", term="", instructor_id=teacher.id, join_code="LTIQ1234")
        platform = LtiPlatform(
            name="LMS",
            issuer="https://lms",
            client_id="c",
            auth_login_url="https://lms/a",
            auth_token_url="https://lms/t",
            key_set_url="https://lms/k",
        )
        db.session.add_all([section, platform])
        db.session.flush()
        context = LtiContext(platform_id=platform.id, context_id="c1", section_id=section.id, deployment_id="d")
        assignment = Assignment(
            section_id=section.id,
            title="Q",
            lesson_ids=["01-demo"],
            objective_ids=[],
            question_types=[],
            num_questions=1,
            opens_at=datetime(2026, 1, 1, tzinfo=UTC),
            due_at=datetime(2030, 1, 1, tzinfo=UTC),
        )
        db.session.add_all([context, assignment])
        db.session.flush()
        db.session.add(LtiLineItem(assignment_id=assignment.id, context_pk=context.id, url="https://lms/li/1"))
        db.session.commit()

        def statements(user_ids) -> int:
            db.session.expunge_all()  # both measurements start from an empty identity map
            seen = []

            def listener(conn, cursor, statement, *args):
                if statement.lstrip().upper().startswith("SELECT"):
                    seen.append(statement)

            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                lti_grades.grade_changed(assignment.id, user_ids)
                db.session.flush()
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            db.session.rollback()
            return len(seen)

        one, many = statements([learners[0].id]), statements([u.id for u in learners])
        assert one == many  # reads do not grow with the number of learners (no query per learner)
