"""A logged-in learner's lesson page under load, against a bare Flask "hello" app measured in the same run.

Per backend (SQLite; PostgreSQL too when TEST_DATABASE_URL is set, keys suffixed `_pg`): a fresh
database (`flask --app app db upgrade`, question ids loaded), LEARNERS students created with
app.services.accounts.create_user and logged in over HTTP through the login form, the app with
production settings, and the hello app below, both under
`gunicorn --no-control-socket -b 127.0.0.1:<port>` (the app with app/gunicorn_conf.py, as the Procfile: 2
sync workers; hello with `-w 2`). wrk `-t2 -d<DURATION>s`
rotates through the learners' session cookies GETting /lessons/01-goode-2020 (each request checks
its session in the database and reads the learner's completed lessons, as a real page view does),
GETs the same page without a cookie (the anonymous page, kept whole per course version), and GETs
/ of the hello app, at 16 and 64 connections, back to back in each run (order alternating),
REPEATS runs. Before timing, every learner's page must be their own (it offers "Mark as complete").

Keys: `lesson_page_rps_c16`, `lesson_page_rps_c64`, `hello_rps_c16`, `hello_rps_c64` (medians);
the headline keys are the **c64** figures: `lesson_page_rps`, `hello_rps`, and
`lesson_page_ratio` = median over runs of (learner's lesson c64 / hello c64 in that run);
`lesson_page_ratio_c16` likewise. The anonymous page: `lesson_page_anon_rps`,
`lesson_page_anon_ratio` (and `_c16`). `lesson_page_errors` / `lesson_page_anon_errors` /
`hello_errors`: failed requests (status >= 400 or socket errors) over all timed runs.
`lesson_page_kb`: size of the learner's page.

The floor: `lesson_floor_rps`, `lesson_floor_ratio` (and `_c16`), `lesson_floor_errors`. It is
bench.ceiling's bare Flask + Flask-SQLAlchemy app (the app's engine settings, 2 sync workers)
answering `GET /read`: one primary-key read of an ORM row and a short text, measured in the same
runs against the same hello. A signed-in page must check its session on the server (logging out on
one app server ends it on every other), so it makes at least that one read, and its ratio cannot
pass the floor's: when `lesson_floor_ratio` is under 0.8, the 0.8 target is out of reach on this
machine for any signed-in page, whatever the page does besides.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from bench import _harness as h
from bench import ceiling

LESSON = "01-goode-2020"
LEARNERS = 32
REPEATS = 3
DURATION_S = float(os.environ.get("BENCH_WRK_DURATION", "3"))
CONNECTIONS = (16, 64)


def create_hello_app() -> Flask:
    """The reference: a bare Flask app answering a short text."""
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        return "Hello, world!"

    return app


def log_in_learners(database_url: str, base_url: str, count: int) -> list[tuple[str, str, str, str]]:
    """Create `count` students, log each in over HTTP; return their wrk tuples (GET the lesson with their cookie)."""
    from app.services import accounts

    with h.setup_app(database_url), h.cheap_password_hashes():
        emails = [accounts.create_user(f"lesson-bench-{i:03d}@example.org", h.STUDENT_PASSWORD).email for i in range(count)]
    rows = []
    for email in emails:
        client = h.Client(base_url)
        try:
            h.login(client, email)
            status, _, page = client.request("GET", f"/lessons/{LESSON}")
            if status != 200 or "Mark as complete" not in page:
                raise SystemExit(f"GET /lessons/{LESSON} as {email} returned {status} without the learner's own form")
            rows.append(("GET", f"/lessons/{LESSON}", client.cookie_header(), ""))
        finally:
            client.close()
    return rows


def run_backend(backend: h.Backend, repeats: int, duration_s: float, learners: int = LEARNERS) -> tuple[dict[str, float], dict]:
    """Serve the app and the hello app; alternate wrk runs against the learner's page, the anonymous page and hello."""
    s = backend.suffix
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-lesson-") as tmp, h.database(backend, "lesson") as url:
        work = Path(tmp)
        h.log(f"[lesson_page{s}] migrating ...")
        h.migrate(url)
        with h.setup_app(url):
            pass  # records the question ids, as `flask course load` would
        ceiling.prepare(url)  # its own two tables beside the app's, for the floor
        hello_env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        with (
            h.gunicorn("app:create_app()", h.app_env(url), "/healthz", "app") as app_server,
            h.gunicorn("bench.lesson_page:create_hello_app()", hello_env, "/", "hello") as hello_server,
            h.gunicorn("bench.ceiling:create_app()", ceiling.env(url), "/read", "floor") as floor_server,
        ):
            logged_in = log_in_learners(url, app_server.url, learners)
            client = h.Client(app_server.url)
            client.cookies["session"] = logged_in[0][2].split("session=", 1)[1].split(";", 1)[0]
            status, _, page = client.request("GET", f"/lessons/{LESSON}")
            client.close()
            if status != 200:
                raise SystemExit(f"GET /lessons/{LESSON} returned {status}")
            lesson_tuples, anon_tuples, hello_tuples = work / "lesson.tsv", work / "anon.tsv", work / "hello.tsv"
            floor_tuples = work / "floor.tsv"
            h.write_tuples(lesson_tuples, logged_in)
            h.write_tuples(anon_tuples, [("GET", f"/lessons/{LESSON}", "", "")])
            h.write_tuples(hello_tuples, [("GET", "/", "", "")])
            h.write_tuples(floor_tuples, [("GET", "/read", "", "")])
            targets = [
                ("lesson", app_server.url, lesson_tuples),
                ("anon", app_server.url, anon_tuples),
                ("hello", hello_server.url, hello_tuples),
                ("floor", floor_server.url, floor_tuples),
            ]
            runs += h.paired_runs(f"lesson_page{s}", targets, CONNECTIONS, repeats, duration_s)
    figures = h.ratio_figures(runs, CONNECTIONS, ("lesson", "lesson_page_rps"), ("hello", "hello_rps"), "lesson_page_ratio", s)
    anonymous = h.ratio_figures(
        runs, CONNECTIONS, ("anon", "lesson_page_anon_rps"), ("hello", "hello_rps"), "lesson_page_anon_ratio", s
    )
    figures.update({k: v for k, v in anonymous.items() if "anon" in k})
    floor = h.ratio_figures(runs, CONNECTIONS, ("floor", "lesson_floor_rps"), ("hello", "hello_rps"), "lesson_floor_ratio", s)
    figures.update({k: v for k, v in floor.items() if "floor" in k})
    for name, key in (
        ("lesson", "lesson_page_errors"),
        ("anon", "lesson_page_anon_errors"),
        ("hello", "hello_errors"),
        ("floor", "lesson_floor_errors"),
    ):
        figures[f"{key}{s}"] = sum(run[f"{name}_c{c}"].errors for run in runs for c in CONNECTIONS)
    figures[f"lesson_page_kb{s}"] = round(len(page.encode()) / 1024, 1)
    return figures, {"runs": [{k: v.__dict__ for k, v in run.items()} for run in runs], "duration_s": duration_s}


def run(repeats: int = REPEATS, duration_s: float = DURATION_S, learners: int = LEARNERS) -> dict[str, float]:
    """Figures for SQLite and (when TEST_DATABASE_URL is set) PostgreSQL; raw runs to bench/results/lesson_page.json."""
    h.ensure_wrk()
    figures: dict[str, float] = {}
    raw: dict[str, Any] = {}
    for backend in h.backends():
        found, raw[backend.name] = run_backend(backend, repeats, duration_s, learners)
        figures.update(found)
    h.write_results("lesson_page", {"figures": figures, **raw})
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}  {value}")
