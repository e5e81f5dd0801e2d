"""CSRF, headers, XSS and ownership across every route; fuzzing of every form and query parameter."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.security import CSP
from tests.conftest import Auth, csrf_from, practice_token_from
from tests.security.conftest import build_urls, field_names

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED_MARKERS = ("&lt;script&gt;", "&lt;img")


def test_every_post_without_a_csrf_token_is_refused(app, client, world):
    Auth(client).login("admin@example.org")
    posts = [(rule, url) for rule, url, methods in build_urls(app, world) if "POST" in methods]
    assert len(posts) >= 15
    for rule, url in posts:
        response = client.post(url, data={"anything": "1"})
        assert response.status_code == 400, (rule.endpoint, response.status_code)


FRAMED_BY_LMS = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self' https://lms.example.edu")


@pytest.mark.parametrize("who", [None, "student@example.org", "teacher@example.org", "admin@example.org"])
def test_security_headers_on_every_response_of_every_route(app, client, world, who):
    if who:
        Auth(client).login(who)
    for rule, url, methods in build_urls(app, world):
        if "GET" not in methods or rule.endpoint == "auth.logout":
            continue
        response = client.get(url)
        response.close()
        headers = response.headers
        # The world registers one LMS, which alone may frame the pages (app.lti.frame).
        assert headers.get("Content-Security-Policy") == FRAMED_BY_LMS, rule.endpoint
        assert headers.get("X-Content-Type-Options") == "nosniff" and headers.get("Referrer-Policy") == "same-origin", (
            rule.endpoint
        )
        if response.mimetype == "text/html":
            # Scripts come from the app's own static files only: no inline script, none from elsewhere.
            html = response.get_data(as_text=True)
            assert not re.search(r"<script(?![^>]*\ssrc=\"/static/)", html), rule.endpoint


def test_session_cookie_flags_in_production(monkeypatch, tmp_path):
    from app import create_app
    from tests.conftest import make_user, migrate_to_head

    url = f"sqlite:///{tmp_path / 'prod.db'}"
    migrate_to_head(url)
    monkeypatch.setenv("OVERSIGHT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "prod-secret")
    monkeypatch.setenv("DATABASE_URL", url)
    app = create_app()
    make_user(app, "prod@example.org")
    client = app.test_client()
    https = "https://localhost"
    token = csrf_from(client.get("/account/login", base_url=https).get_data(as_text=True))
    response = client.post(
        "/account/login",
        base_url=https,
        headers={"Referer": f"{https}/account/login"},
        data={"email": "prod@example.org", "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 302
    cookie = client.get_cookie("session", domain="localhost")
    assert cookie.secure and cookie.http_only and cookie.same_site == "Lax"
    assert "Strict-Transport-Security" in client.get("/", base_url=https).headers


def test_user_text_is_rendered_inert_everywhere(app, client, world):
    """Section names, terms, assignment titles, override reasons and short answers are escaped."""
    teacher = Auth(client)
    teacher.login("teacher@example.org")
    token = csrf_from(client.get("/teach/").get_data(as_text=True))
    client.post("/teach/", data={"csrf_token": token, "name": PAYLOAD, "term": PAYLOAD})
    url = f"/teach/sections/{world['section_id']}/assignments/new"
    client.post(
        url,
        data={
            "csrf_token": csrf_from(client.get(url).get_data(as_text=True)),
            "title": PAYLOAD,
            "lessons": ["01-demo"],
            "num_questions": "2",
            "opens_at": "2020-01-01T00:00",
            "due_at": "2099-01-01T00:00",
            "attempts_allowed": "1",
            "counting": "highest",
            "points": "5",
            "feedback_policy": "after_submit",
            "answers_policy": "after_submit",
        },
    )
    page_url = f"/teach/assignments/{world['assignment_id']}"
    client.post(
        f"{page_url}/override",
        data={
            "csrf_token": csrf_from(client.get(page_url).get_data(as_text=True)),
            "user_id": str(world["user_id"]),
            "points": "1",
            "reason": PAYLOAD,
        },
    )
    pages = ["/teach/", f"/teach/sections/{world['section_id']}", page_url, f"/teach/sections/{world['section_id']}/dashboard"]
    student = app.test_client()
    Auth(student).login("student@example.org")
    page = student.get("/practice/demo-005").get_data(as_text=True)
    response = student.post(
        "/practice/demo-005", data={"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "answer": PAYLOAD}
    )
    feedback = student.get(response.headers["Location"]).get_data(as_text=True)
    checked = [client.get(p).get_data(as_text=True) for p in pages] + [
        feedback,
        student.get("/assignments").get_data(as_text=True),
        student.get("/account/data").get_data(as_text=True),
    ]
    admin = app.test_client()
    Auth(admin).login("admin@example.org")
    checked.append(admin.get("/admin/audit").get_data(as_text=True))
    for html in checked:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert sum(any(m in html for m in ESCAPED_MARKERS) for html in checked) >= 6, "the payload was stored and shown, escaped"


def test_learners_cannot_reach_each_others_data_by_guessing_ids(app, client, world):
    from app.services import accounts

    with app.app_context():
        accounts.create_user("snoop@example.org", "correct horse battery")
    Auth(client).login("snoop@example.org")
    for url in (
        f"/quiz/attempts/{world['attempt_id']}",
        f"/quiz/attempts/{world['attempt_id']}/results",
        f"/quiz/attempts/{world['attempt_id']}/finish",
        f"/practice/answers/{world['answer_id']}",
    ):
        assert client.get(url).status_code == 404, url
    export = client.get("/account/data.json").get_json()
    assert export["account"]["email"] == "snoop@example.org" and export["answers"] == [] and export["attempts"] == []


TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1.5",
            "99999999999999999999999",
            "1e309",
            "nan",
            "true",
            "\x00",
            "%00",
            "../../etc/passwd",
            "' OR 1=1 --",
            "<script>",
            "ä" * 300,
            "2026-13-45T99:99",
            "//evil.example",
            "null",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
EXTRA = ["q", "page", "objective", "after", "mode", "next", "flagged", "index", "go", "answer", "user_id", "confidence"]


@pytest.mark.parametrize("who", ["student@example.org", "admin@example.org"])
def test_fuzzing_every_form_and_query_parameter_never_gives_a_5xx(app, world, who):
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    Auth(client).login(who)
    targets = []
    for rule, url, methods in build_urls(app, world):
        if rule.endpoint in ("auth.logout", "auth.delete_account", "auth.change_password"):
            continue  # they would end the session the fuzzer runs in
        page = client.get(url) if "GET" in methods else None
        # Downloads (the unit's .imscc zip) have no fields to read.
        html = page is not None and page.mimetype == "text/html"
        names = sorted(field_names(page.get_data(as_text=True)) | set(EXTRA)) if html else EXTRA
        if page is not None:
            page.close()
        targets.append((rule.endpoint, url, methods, names))

    @settings(max_examples=8 * len(targets), deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def fuzz(data):
        endpoint, url, methods, names = data.draw(st.sampled_from(targets))
        fields = data.draw(st.dictionaries(st.sampled_from(names), TEXT, max_size=6))
        if "POST" in methods and data.draw(st.booleans()):
            response = client.post(url, data=fields)
        elif "GET" in methods:
            response = client.get(url, query_string=fields)
        else:
            response = client.post(url, data=fields)
        response.close()
        assert response.status_code < 500, (endpoint, fields, response.status_code)

    fuzz()


@pytest.mark.parametrize(("path", "field"), [("/admin/users", "q"), ("/account/login", "email"), ("/join", "code")])
def test_a_nul_byte_in_any_field_is_a_clear_400_not_a_database_error(app, client, world, path, field):
    app.config.update(WTF_CSRF_ENABLED=False)
    Auth(client).login("admin@example.org")
    assert client.get(path, query_string={field: "a\x00b"}).status_code == 400
    assert client.post(path, data={field: "a\x00b"}).status_code in (400, 405)
