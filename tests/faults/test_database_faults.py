"""The database gone or busy: clear 503s, no tracebacks; SQLite writers wait for the lock."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import User
from tests.conftest import base_config, csrf_from, migrate_to_head

UNREACHABLE = {
    "postgresql": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
    "sqlite": "sqlite:////nonexistent-directory/oversight.db",
}


@pytest.mark.parametrize("kind", sorted(UNREACHABLE))
def test_unreachable_database_gives_503_with_a_reason_and_no_traceback(kind):
    app = create_app({**base_config(UNREACHABLE[kind]), "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    body = health.get_json()
    assert body["status"] == "error" and body["db"] == "unreachable" and "did not answer" in body["reason"]
    page = client.post("/account/login", data={"email": "a@example.org", "password": "whatever password"})
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and "Temporarily unavailable" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert client.get("/").status_code == 200, "pages that need no database still work"


def test_sqlite_writers_wait_for_the_lock_instead_of_failing(tmp_path):
    path = tmp_path / "busy.db"
    migrate_to_head(f"sqlite:///{path}")
    app = create_app(base_config(f"sqlite:///{path}"))
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    release = threading.Timer(1.0, lambda: blocker.execute("COMMIT"))
    release.start()
    client = app.test_client()
    token = csrf_from(client.get("/account/register").get_data(as_text=True))
    response = client.post(
        "/account/register",
        data={
            "email": "patient@example.org",
            "password": "a patient password",
            "confirm": "a patient password",
            "csrf_token": token,
        },
    )
    release.join()
    blocker.close()
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.email)) == "patient@example.org"
        db.engine.dispose()
