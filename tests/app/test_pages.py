"""Public pages, health check, error pages and security headers."""

import re

import pytest
from sqlalchemy.exc import OperationalError

from app.security import CSP


def test_home_shows_the_unit(client):
    html = client.get("/").get_data(as_text=True)
    assert "A demo lesson" in html and "A small test source" in html


def test_privacy_page_lists_what_is_stored(client):
    html = client.get("/privacy").get_data(as_text=True)
    for item in ("Email address", "Password hash", "Role", "No IP addresses"):
        assert item in html


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok"}


@pytest.fixture()
def broken_db(app, monkeypatch):
    from app.extensions import db

    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", refuse)
    monkeypatch.setattr(db.session, "get", refuse)
    monkeypatch.setattr(db.session, "scalar", refuse)


def test_healthz_reports_503_when_the_database_is_down(client, broken_db):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["db"] == "unreachable" and "did not answer" in body["reason"]


def test_pages_show_a_clear_503_when_the_database_is_down(client, broken_db):
    response = client.post("/account/login", data={"email": "a@example.org", "password": "x"})
    # The form is refused for CSRF before any query; a GET that needs the DB shows the 503 page.
    assert response.status_code == 400
    with client.session_transaction() as session:
        session["_user_id"], session["sid"] = "1.1", "a-session-token"  # a signed-in cookie: loading it needs the DB
    response = client.get("/account/password")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/privacy", "/healthz", "/account/login", "/nope", "/static/css/app.css"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    response.close()
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_each_security_header_is_sent_once_and_a_views_own_header_is_kept(client):
    """Headers the view set are not overwritten or doubled; HTML pages are kept out of shared caches."""
    names = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"]
    names += ["Cross-Origin-Opener-Policy", "Permissions-Policy", "Cache-Control"]
    page = client.get("/privacy")
    assert all(len(page.headers.getlist(name)) == 1 for name in names), page.headers
    assert page.headers["Cache-Control"] == "no-store" and page.headers["X-Frame-Options"] == "DENY"
    keys = client.get("/lti/jwks")
    assert keys.headers.getlist("Cache-Control") == ["public, max-age=3600"]
    assert len(keys.headers.getlist("Content-Security-Policy")) == 1
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_no_page_loads_anything_from_another_site(client):
    for path in ("/", "/privacy", "/account/login", "/account/register"):
        html = client.get(path).get_data(as_text=True)
        assert "http://" not in html and "https://" not in html, path


def test_pages_have_landmarks_skip_link_and_no_inline_script(client):
    html = client.get("/account/login").get_data(as_text=True)
    assert 'href="#main"' in html and '<main id="main"' in html and "<nav" in html and "<footer" in html
    # The one script every page loads is a static file that only enhances (enhance.js); none is inline.
    assert not re.search(r"<script(?![^>]*\ssrc=\"/static/)", html) and " style=" not in html and " on" + "click=" not in html
    assert '<label for="email">Email</label>' in html


def test_reading_page_gives_every_paragraph_an_anchor(client):
    html = client.get("/readings/demo-source").get_data(as_text=True)
    assert '<h2 id="first-section">First section</h2>' in html
    assert '<p id="p1" class="anchored"><a class="para-link" href="#p1"' in html
    assert 'id="p2"' in html and "Officials said the cameras reduced crime" in html
    assert "4 May 2020" in html


def test_unknown_reading_is_404(client):
    assert client.get("/readings/nope").status_code == 404


def test_reading_text_is_escaped(app, client, tmp_path):
    import shutil

    from tests.conftest import COURSE

    lessons = tmp_path / "lessons"
    shutil.copytree(COURSE / "lessons", lessons)
    source = lessons / "sources" / "demo-source.md"
    source.write_text(source.read_text().replace("Officials said", "<script>alert(1)</script> Officials said"))
    app.config["LESSONS_DIR"] = str(lessons)
    html = client.get("/readings/demo-source").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unexpected_error_shows_the_500_page_without_a_traceback(app, client, monkeypatch):
    import app.main.views as views

    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "get_course", explode)
    response = client.get("/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and "boom" not in html and "Traceback" not in html
