"""A real gunicorn server (2 workers) on a private database, for fault tests."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """Start, stop and kill workers of a gunicorn serving the app."""

    def __init__(self, database_url: str, workers: int = 2):
        self.database_url = database_url
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "fault-test-secret",
            "OVERSIGHT_ENV": "production",
            "FLASK_SESSION_COOKIE_SECURE": "false",
            "FLASK_LOGIN_RATE_LIMIT": "100000 per minute",
            "FLASK_LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute",
        }

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--no-control-socket",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        for _ in range(200):  # bounded wait for the server to answer
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("gunicorn did not start: " + self.process.stderr.read(4000).decode(errors="replace"))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if self.process and self.process.stderr:
            self.process.stderr.close()

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def request(self, method: str, path: str, body: dict | None = None, cookie: str | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Cookie": cookie} if cookie else {}
            data = None
            if body is not None:
                data = urllib.parse.urlencode(body, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
        finally:
            conn.close()


class Browser:
    """A minimal cookie-keeping client for one learner."""

    def __init__(self, server: Server):
        self.server, self.cookie = server, None

    def call(self, method, path, body=None):
        status, headers, text = self.server.request(method, path, body, self.cookie)
        if "Set-Cookie" in headers:
            self.cookie = headers["Set-Cookie"].split(";", 1)[0]
        return status, headers, text

    def token(self, path="/account/login") -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', self.call("GET", path)[2]).group(1)

    def login(self, email: str, password: str) -> None:
        status, headers, _ = self.call(
            "POST", "/account/login", {"email": email, "password": password, "csrf_token": self.token()}
        )
        assert status == 302, status


@pytest.fixture()
def server_db(database_url):
    """The session's migrated database, emptied after the test."""
    from app import create_app
    from tests.conftest import base_config, empty_tables

    app = create_app(
        {**base_config(database_url), "LESSONS_DIR": str(ROOT / "lessons"), "QUESTION_BANK": str(ROOT / "question_bank.yaml")}
    )
    yield app
    with app.app_context():
        from app.extensions import db

        empty_tables()
        db.engine.dispose()


@pytest.fixture()
def server(server_db, database_url):
    """A running gunicorn on the test database."""
    srv = Server(database_url)
    srv.start()
    yield srv
    srv.stop()
