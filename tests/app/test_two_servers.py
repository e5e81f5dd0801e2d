"""Two app servers that agree (issue 15): two gunicorn instances sharing one PostgreSQL schema and one Redis.

Each server is a real `gunicorn "app:create_app()"` with two workers in its own process group, run
with production settings (only the cookies' Secure flag is off: the test talks plain HTTP on
loopback). One `requests.Session` is one browser: its cookies go to both ports, as they would to
one site behind a reverse proxy that sends each request to either server.

Runs only when TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL are set; CI sets both.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import Attempt, AttemptAnswer, Role
from tests.conftest import COURSE, PASSWORD, base_config, csrf_from, make_user, migrate_to_head, private_schema
from tests.live_server import serve
from tests.lti_platform import LMS, LaunchSpec

DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        not (DATABASE_URL and REDIS_URL),
        reason="two app servers need TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL (Redis); .ci/run sets both",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtual environment running the tests: its gunicorn and flask
FAILED_LOGINS_ALLOWED = 4  # the per-account budget the servers get (FLASK_LOGIN_ACCOUNT_RATE_LIMIT)
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
ORIGINAL_PROMPT = "How many cameras did the city install in 2017"
EDITED_PROMPT = "How many cameras did the city put up in 2017"
# A right answer for each demo question, as its form sends it (demo-007, the ordering, is read off the page).
RIGHT = {
    "demo-001": {"answer": "1500"},
    "demo-002": {"answer": "1"},
    "demo-003": {"answer": ["0", "1"]},
    "demo-004": {"answer": "false"},
    "demo-005": {"answer": "activists"},
    "demo-006": {"match-0": "Officials", "match-1": "Activists"},
}
SEQUENCE = ["Cameras installed", "Officials' claim", "Activists' claim"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """One gunicorn instance, the leader of its own process group."""

    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_until_up(self, deadline_seconds: float = 90) -> None:
        """Poll /healthz until it answers (a deadline for start-up, not a timed assertion)."""
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn at {self.url} exited with {self.process.returncode}:\n{self.output()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or a worker still preparing (a slow machine): ask again until the deadline
            time.sleep(0.2)
        pytest.fail(f"gunicorn at {self.url} did not come up:\n{self.output()}")

    def stop(self) -> None:
        """Stop the whole process group (arbiter and workers): TERM, then KILL if it lingers."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_server(env: dict[str, str], log: Path) -> Server:
    port = free_port()
    with log.open("wb") as out:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--no-control-socket", "--bind", f"127.0.0.1:{port}", "--workers", "2", "app:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown stops the workers too
        )
    return Server(f"http://127.0.0.1:{port}", process, log)


def flask_command(env: dict[str, str], *args: str) -> str:
    """Run `flask --app app ...` in a fresh process, as an operator on one host would; return its output."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@dataclass
class Cluster:
    """Two servers, the environment they share, the course files they read, and an in-process app for checks."""

    a: str
    b: str
    env: dict[str, str]
    course: Path
    observer: Flask
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:10])

    def user(self, role: Role = Role.STUDENT) -> str:
        """A fresh account (a new email per run, so Redis counters of other runs never interfere)."""
        email = f"{role.value}-{uuid.uuid4().hex[:8]}-{self.run}@example.org"
        make_user(self.observer, email, role)
        return email


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A fresh schema, the course loaded with `flask course load`, and two servers on it."""
    assert DATABASE_URL and REDIS_URL
    work = tmp_path_factory.mktemp("two-servers")
    course = work / "course"
    shutil.copytree(COURSE, course)
    with private_schema(DATABASE_URL, "two") as url:
        migrate_to_head(url)
        env = {
            **os.environ,
            "OVERSIGHT_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),  # the same on both servers
            "DATABASE_URL": url,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            # Plain HTTP on loopback: production cookies are Secure and would never come back.
            "FLASK_SESSION_COOKIE_SECURE": "false",
            "FLASK_REMEMBER_COOKIE_SECURE": "false",
            "FLASK_LESSONS_DIR": str(course / "lessons"),
            "FLASK_QUESTION_BANK": str(course / "bank.yaml"),
            # Counters of this run only, in the shared Redis database.
            "FLASK_RATELIMIT_KEY_PREFIX": f"two-servers-{uuid.uuid4().hex}",
            "FLASK_LOGIN_RATE_LIMIT": "1000 per hour",  # every request comes from 127.0.0.1: measure the per-account limit
            "FLASK_LOGIN_ACCOUNT_RATE_LIMIT": f"{FAILED_LOGINS_ALLOWED} per hour",
            # Check the content version on every request, so a `course load` is seen by the very next request.
            "FLASK_CONTENT_CHECK_SECONDS": "0",
        }
        for name in ("FLASK_APP", "TEST_DATABASE_URL", "FLASK_DEBUG"):
            env.pop(name, None)
        assert "7 questions (7 new" in flask_command(env, "course", "load")
        observer = create_app(
            {**base_config(url), "LESSONS_DIR": str(course / "lessons"), "QUESTION_BANK": str(course / "bank.yaml")}
        )
        servers = [start_server(env, work / "a.log"), start_server(env, work / "b.log")]
        try:
            for server in servers:
                server.wait_until_up()
            yield Cluster(servers[0].url, servers[1].url, env, course, observer)
        finally:
            for server in servers:
                server.stop()
            with observer.app_context():
                db.session.remove()
                db.engine.dispose()


class Browser:
    """One browser: one cookie jar, sent to either server."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def get(self, server: str, path: str) -> requests.Response:
        return self.http.get(server + path, allow_redirects=False, timeout=60)

    def post(self, server: str, path: str, data: dict) -> requests.Response:
        return self.http.post(server + path, data=data, allow_redirects=False, timeout=60)

    def login(self, server: str, email: str, password: str = PASSWORD) -> requests.Response:
        """Submit the real login form of that server, with the CSRF token its page carries."""
        token = csrf_from(self.get(server, "/account/login").text)
        return self.post(server, "/account/login", {"csrf_token": token, "email": email, "password": password})

    def signed_in(self, server: str) -> bool:
        """Whether that server takes this browser's cookie as a signed-in session."""
        response = self.get(server, "/account/sessions")
        assert response.status_code in (200, 302), response.status_code
        return response.status_code == 200


@pytest.fixture()
def browsers() -> Iterator[Callable[[], Browser]]:
    """Make browsers; close their connections after the test."""
    made: list[Browser] = []

    def make() -> Browser:
        made.append(Browser())
        return made[-1]

    yield make
    for browser in made:
        browser.http.close()


def test_a_session_made_on_one_server_is_valid_on_the_other(cluster, browsers):
    browser = browsers()
    assert browser.login(cluster.a, cluster.user()).status_code == 302
    assert browser.signed_in(cluster.b) and browser.signed_in(cluster.a)


def test_logout_on_one_server_ends_the_session_on_the_other(cluster, browsers):
    browser, copy = browsers(), browsers()
    assert browser.login(cluster.a, cluster.user()).status_code == 302
    copy.http.cookies.update(browser.http.cookies)  # the cookie copied to another device
    assert copy.signed_in(cluster.b)
    token = csrf_from(browser.get(cluster.a, "/").text)
    assert browser.post(cluster.a, "/account/logout", {"csrf_token": token}).status_code == 302
    assert not copy.signed_in(cluster.b), "a copied cookie is anonymous on B once A logged the session out"
    assert not copy.signed_in(cluster.a)


def test_a_password_change_on_one_server_ends_a_session_made_on_the_other(cluster, browsers):
    email = cluster.user()
    laptop, phone = browsers(), browsers()
    assert laptop.login(cluster.a, email).status_code == 302
    assert phone.login(cluster.b, email).status_code == 302
    token = csrf_from(phone.get(cluster.b, "/account/password").text)
    new = "a brand new passphrase"
    changed = phone.post(cluster.b, "/account/password", {"csrf_token": token, "current": PASSWORD, "new": new, "confirm": new})
    assert changed.status_code == 302, changed.text
    assert not laptop.signed_in(cluster.a) and not laptop.signed_in(cluster.b)
    assert phone.signed_in(cluster.a), "the device that changed the password stays signed in, on both servers"
    assert laptop.login(cluster.a, email, new).status_code == 302


def test_failed_log_ins_spread_over_both_servers_share_one_budget(cluster, browsers):
    email = cluster.user()
    attacker = browsers()
    servers = [cluster.a, cluster.b] * FAILED_LOGINS_ALLOWED
    codes = [attacker.login(servers[i], email, f"wrong password {i}").status_code for i in range(FAILED_LOGINS_ALLOWED)]
    assert codes == [200] * FAILED_LOGINS_ALLOWED
    assert attacker.login(cluster.a, email, "wrong again").status_code == 429
    refused = attacker.login(cluster.b, email)
    assert refused.status_code == 429 and "Too many failed log-ins for this account" in refused.text
    # The budget is the account's, not the address's: another account still signs in from the same address.
    assert browsers().login(cluster.b, cluster.user()).status_code == 302


def test_a_csrf_token_issued_by_one_server_is_accepted_by_the_other(cluster, browsers):
    browser = browsers()
    token = csrf_from(browser.get(cluster.a, "/account/login").text)  # an anonymous session's token, from A
    assert (
        browser.post(
            cluster.b, "/account/login", {"csrf_token": token, "email": cluster.user(), "password": PASSWORD}
        ).status_code
        == 302
    )
    token = csrf_from(browser.get(cluster.a, "/quiz/").text)  # a signed-in session's token, from A
    form = {"lessons": "01-demo", "count": "2", "minutes": "0"}
    forged = browser.post(cluster.b, "/quiz/", {**form, "csrf_token": "not-a-token"})
    assert forged.status_code == 400, "B checks the token (so accepting A's below means something)"
    started = browser.post(cluster.b, "/quiz/", {**form, "csrf_token": token})
    assert started.status_code == 302 and "/quiz/attempts/" in started.headers["Location"]


def test_an_lti_launch_started_on_one_server_completes_on_the_other_once(cluster, browsers):
    lms = LMS()
    lms.tool = cluster.a
    with serve(lms.app) as base:
        lms.base = base
        lms.register_with_tool(cluster.observer.test_cli_runner())
        browser = browsers()
        to_lms = browser.get(cluster.a, lms.login_url(LaunchSpec(sub="teacher-1", roles=[INSTRUCTOR])).removeprefix(cluster.a))
        assert to_lms.status_code == 302, to_lms.text  # A stored the OIDC state and nonce
        form = browser.http.get(to_lms.headers["Location"], timeout=60).json()
        data = {"id_token": form["id_token"], "state": form["state"]}
        launched = browser.post(cluster.b, "/lti/launch", data)
        assert launched.status_code == 302, launched.text  # B found them: the launch state is shared
        assert browser.signed_in(cluster.a)
        replayed = browser.post(cluster.a, "/lti/launch", data)
        assert replayed.status_code == 400 and "already used" in replayed.text, "B consumed the nonce for both servers"
        again_on_b = browser.post(cluster.b, "/lti/launch", data)
        assert again_on_b.status_code == 400 and "already used" in again_on_b.text


def test_course_load_on_one_host_reaches_both_running_servers(cluster, browsers):
    teacher = browsers()
    assert teacher.login(cluster.a, cluster.user(Role.INSTRUCTOR)).status_code == 302

    def prompts() -> list[str]:
        pages = [teacher.get(server, "/teach/questions/demo-001") for _ in range(6) for server in (cluster.a, cluster.b)]
        assert all(page.status_code == 200 for page in pages)
        return [page.text for page in pages]

    # Every worker that answers has the course cached from here on.
    assert all(ORIGINAL_PROMPT in page for page in prompts())
    bank = cluster.course / "bank.yaml"
    bank.write_text(bank.read_text().replace(ORIGINAL_PROMPT, EDITED_PROMPT, 1))
    output = flask_command(cluster.env, "course", "load")
    assert "(0 new, 1 changed, 0 retired)" in output, output
    after = prompts()  # no restart
    assert all(EDITED_PROMPT in page and ORIGINAL_PROMPT not in page for page in after)


def ordering_fields(page: str) -> dict[str, str]:
    """The right positions for the ordering question, read off its items in the order the page shows them."""
    labels = re.findall(r'<label for="(pos-\d+)">(.*?)</label>', page)
    assert len(labels) == len(SEQUENCE), labels
    return {name: str(SEQUENCE.index(html.unescape(text)) + 1) for name, text in labels}


def test_a_learner_alternating_between_servers_mid_attempt_loses_nothing(cluster, browsers):
    learner = browsers()
    assert learner.login(cluster.a, cluster.user()).status_code == 302
    start = learner.post(
        cluster.a,
        "/quiz/",
        {"csrf_token": csrf_from(learner.get(cluster.a, "/quiz/").text), "lessons": "01-demo", "count": "7", "minutes": "0"},
    )
    assert start.status_code == 302, start.text
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", start.headers["Location"]).group(1))
    with cluster.observer.app_context():
        question_ids = db.session.get(Attempt, attempt_id).question_ids
    assert sorted(question_ids) == [f"demo-00{i}" for i in range(1, 8)]
    for index, qid in enumerate(question_ids):
        server = (cluster.a, cluster.b)[index % 2]
        page = learner.get(server, f"/quiz/attempts/{attempt_id}?q={index}").text
        fields = RIGHT.get(qid) or ordering_fields(page)
        saved = learner.post(
            server,
            f"/quiz/attempts/{attempt_id}/answer",
            {"csrf_token": csrf_from(page), "index": str(index), "go": "next", **fields},
        )
        assert saved.status_code == 302, (qid, saved.text)
    with cluster.observer.app_context():
        stored = db.session.scalar(select(func.count()).select_from(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id))
    assert stored == 7, "every answer saved on either server is in the database"
    token = csrf_from(learner.get(cluster.b, "/quiz/").text)
    submitted = learner.post(cluster.b, f"/quiz/attempts/{attempt_id}/finish", {"csrf_token": token})
    assert submitted.status_code == 302 and submitted.headers["Location"].endswith(f"/quiz/attempts/{attempt_id}/results")
    results = learner.get(cluster.a, f"/quiz/attempts/{attempt_id}/results").text
    assert "Score: <strong>100%</strong>" in results
    assert results.count("Right.") == 7 and "Not answered." not in results
