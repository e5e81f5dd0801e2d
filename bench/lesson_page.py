"""An anonymous lesson page under load, against a bare Flask "hello" app measured in the same run.

Per backend (SQLite; PostgreSQL too when TEST_DATABASE_URL is set, keys suffixed `_pg`; an
anonymous lesson page runs no SQL, so the two should agree): a fresh database
(`flask --app app db upgrade`, question ids loaded), the app with production settings, and the
hello app below, both under `gunicorn --no-control-socket -w 2 -b 127.0.0.1:<port>` (sync
workers). wrk `-t2 -d<DURATION>s` GETs /lessons/01-goode-2020 without a cookie, and / of the
hello app, at 16 and 64 connections, back to back in each run (order alternating), REPEATS runs.

Keys: `lesson_page_rps_c16`, `lesson_page_rps_c64`, `hello_rps_c16`, `hello_rps_c64` (medians);
the headline keys are the **c64** figures: `lesson_page_rps`, `hello_rps`, and
`lesson_page_ratio` = median over runs of (lesson c64 / hello c64 in that run);
`lesson_page_ratio_c16` likewise. `lesson_page_errors` / `hello_errors`: failed requests
(status >= 400 or socket errors) over all timed runs. `lesson_page_kb`: size of the page.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from bench import _harness as h

LESSON = "01-goode-2020"
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


def run_backend(backend: h.Backend, repeats: int, duration_s: float) -> tuple[dict[str, float], dict]:
    """Serve the app and the hello app; alternate wrk runs against both."""
    s = backend.suffix
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-lesson-") as tmp, h.database(backend, "lesson") as url:
        work = Path(tmp)
        h.log(f"[lesson_page{s}] migrating ...")
        h.migrate(url)
        with h.setup_app(url):
            pass  # records the question ids, as `flask course load` would
        hello_env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        with (
            h.gunicorn("app:create_app()", h.app_env(url), "/healthz", "app") as app_server,
            h.gunicorn("bench.lesson_page:create_hello_app()", hello_env, "/", "hello") as hello_server,
        ):
            client = h.Client(app_server.url)
            status, _, page = client.request("GET", f"/lessons/{LESSON}")
            client.close()
            if status != 200:
                raise SystemExit(f"GET /lessons/{LESSON} returned {status}")
            lesson_tuples, hello_tuples = work / "lesson.tsv", work / "hello.tsv"
            h.write_tuples(lesson_tuples, [("GET", f"/lessons/{LESSON}", "", "")])
            h.write_tuples(hello_tuples, [("GET", "/", "", "")])
            pair = [("lesson", app_server.url, lesson_tuples), ("hello", hello_server.url, hello_tuples)]
            runs += h.paired_runs(f"lesson_page{s}", pair, CONNECTIONS, repeats, duration_s)
    figures = h.ratio_figures(runs, CONNECTIONS, ("lesson", "lesson_page_rps"), ("hello", "hello_rps"), "lesson_page_ratio", s)
    figures[f"lesson_page_errors{s}"] = sum(run[f"lesson_c{c}"].errors for run in runs for c in CONNECTIONS)
    figures[f"hello_errors{s}"] = sum(run[f"hello_c{c}"].errors for run in runs for c in CONNECTIONS)
    figures[f"lesson_page_kb{s}"] = round(len(page.encode()) / 1024, 1)
    return figures, {"runs": [{k: v.__dict__ for k, v in run.items()} for run in runs], "duration_s": duration_s}


def run(repeats: int = REPEATS, duration_s: float = DURATION_S) -> dict[str, float]:
    """Figures for SQLite and (when TEST_DATABASE_URL is set) PostgreSQL; raw runs to bench/results/lesson_page.json."""
    h.ensure_wrk()
    figures: dict[str, float] = {}
    raw: dict[str, Any] = {}
    for backend in h.backends():
        found, raw[backend.name] = run_backend(backend, repeats, duration_s)
        figures.update(found)
    h.write_results("lesson_page", {"figures": figures, **raw})
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}  {value}")
