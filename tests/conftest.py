"""Shared fixtures: an app per test on SQLite (and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import random
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db
from app.models import Role
from app.services import accounts

DATA = Path(__file__).parent / "data"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the fixed clock's starting time
COURSE = DATA / "course"
PASSWORD = "correct horse battery"

# Property tests draw the same examples on every run (a failure found once is found again), and no
# example fails for being slow on a busy CI machine. HYPOTHESIS_PROFILE=explore searches afresh.
settings.register_profile("repeatable", derandomize=True, deadline=None, database=None, print_blob=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def base_config(database_url: str) -> dict:
    """Settings every test app shares."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "OVERSIGHT_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "LESSONS_DIR": str(COURSE / "lessons"),
        "QUESTION_BANK": str(COURSE / "bank.yaml"),
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        # Tests move the clock by days to pass due dates; session timeouts have their own tests
        # (tests/app/test_sessions.py sets the production limits).
        "SESSION_IDLE_MINUTES": 60 * 24 * 365,
        "SESSION_ABSOLUTE_HOURS": 24 * 365,
    }


def migrate_to_head(database_url: str) -> None:
    """Build the schema the way production does: by running every migration."""
    from flask_migrate import upgrade

    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for the session: a temp SQLite file or a private PG schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        migrate_to_head(url)
        yield url
        return
    with private_schema(os.environ["TEST_DATABASE_URL"], "test") as url:
        migrate_to_head(url)
        yield url


@contextmanager
def private_schema(base_url: str, prefix: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards, so runs never collide."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def empty_tables() -> None:
    """Delete every row, children first, so the next test starts clean."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture()
def app_config(request: pytest.FixtureRequest) -> dict:
    """Per-test overrides: none, or those given with `indirect=True` parametrisation; a test module may redefine this fixture."""
    return getattr(request, "param", {})


@pytest.fixture()
def app(database_url: str, app_config: dict) -> Iterator[Flask]:
    """A fresh app on the session's database, emptied after the test.

    No app context stays pushed during the test: requests must not share `g` (CSRF tokens and
    the logged-in user are cached there), so tests open a context only where they touch the DB.
    """
    application = create_app({**base_config(database_url), **app_config})
    yield application
    with application.app_context():
        empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture()
def runner(app: Flask):
    """A CLI runner."""
    return app.test_cli_runner()


def csrf_from(html: str, required: bool = True) -> str:
    """Pull the CSRF token out of a rendered form."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', html
    )
    if not required and match is None:
        return ""
    assert match, "page has no CSRF token"
    return match.group(1)


def practice_token_from(html: str) -> str:
    """Pull the practice form's signed token (question, seed, nonce) out of a rendered practice page."""
    match = re.search(r'name="practice_token" value="([^"]+)"', html)
    assert match, "page has no practice token"
    return match.group(1)


def make_user(app: Flask, email: str = "learner@example.org", role: Role = Role.STUDENT, password: str = PASSWORD) -> int:
    """Create a user directly through the service; return its id."""
    with app.app_context():
        return accounts.create_user(email, password, role).id


class Auth:
    """Log a test client in and out through the real forms."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def login(self, email: str = "learner@example.org", password: str = PASSWORD, next_url: str | None = None):
        """Submit the login form (with its CSRF token)."""
        url = "/account/login" + (f"?next={next_url}" if next_url else "")
        token = csrf_from(self.client.get(url).get_data(as_text=True), required=False)
        return self.client.post(url, data={"email": email, "password": password, "csrf_token": token})

    def logout(self):
        """Submit the logout form."""
        token = csrf_from(self.client.get("/").get_data(as_text=True), required=False)
        return self.client.post("/account/logout", data={"csrf_token": token})


@pytest.fixture()
def auth(client: FlaskClient) -> Auth:
    """The login helper."""
    return Auth(client)


@pytest.fixture()
def login_as(app: Flask, client: FlaskClient, auth: Auth):
    """Create a user of a role and log the client in as them."""

    def _login(role: Role | str, email: str | None = None) -> int:
        role = Role(role)
        email = email or f"{role.value}@example.org"
        user_id = make_user(app, email, role)
        response = auth.login(email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user_id

    return _login


@pytest.fixture(autouse=True)
def seeded_randomness(request: pytest.FixtureRequest) -> Iterator[random.Random]:
    """Make the app's random draws (attempt seeds, practice picks) a fixed sequence per test."""
    rng = random.Random(request.node.nodeid)
    # Its own MonkeyPatch, so a test's `monkeypatch` is still undone before the app fixture's teardown.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("app.randomness.new_seed", lambda: f"{rng.getrandbits(64):016x}")
        patch.setattr("app.randomness.choose", rng.choice)
        yield rng


@pytest.fixture()
def fixed_clock(monkeypatch):
    """Freeze the app's clock at T0; a test moves it by setting fixed_clock["now"]."""
    state = {"now": T0}
    monkeypatch.setattr("app.clock.now", lambda: state["now"])
    return state


@pytest.fixture()
def student(login_as) -> int:
    """A logged-in student; returns the user id."""
    return login_as("student")


def pytest_configure(config: pytest.Config) -> None:
    """In CI the PostgreSQL and Redis runs are required: refuse to run without them."""
    if os.environ.get("CI") == "true":
        missing = [name for name in ("TEST_DATABASE_URL", "TEST_REDIS_URL") if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(f"CI=true but {', '.join(missing)} not set; .ci/run sets them")


def together(*calls):
    """Run the calls in threads released at the same moment by a barrier; return their results in order."""
    import threading

    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
