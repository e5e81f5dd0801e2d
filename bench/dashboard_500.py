"""Server time of the class dashboard (GET /teach/sections/<id>/dashboard) for a 500-learner section.

Setup, per backend (SQLite; PostgreSQL too when TEST_DATABASE_URL is set, keys ending `_pg`): a fresh
database (`flask --app app db upgrade`, question ids loaded) and app.services.demo.create_demo(course,
LEARNERS): the demo instructor, one section of LEARNERS synthetic learners of varied ability, two
assignments (one past due: one or two submitted attempts each; one open: some in progress,
some abandoned), practice answers, review cards and lesson completions; 8% of the learners never
started. The app runs with the benchmark's production settings.

Measured through Flask's test client, in this process (no gunicorn, no network): the instructor
logs in through the login form, then each round sends REQUESTS GET requests for the dashboard (after
WARMUP untimed ones) and times each from the call to the whole body read. That is server time: the
app's routing, session, queries, computing and template rendering, without a socket or worker queue.
The app is prepared as a gunicorn worker prepares it after starting (app.warmup.prepare_worker:
the course loaded and the long-lived heap frozen out of the garbage collector's walks).
Every response must be 200 and list the learners.

Keys: `dashboard_500_ms` (SQLite) / `dashboard_500_ms_pg`: the median over ROUNDS rounds of each
round's p95 (nearest rank), spread printed; `dashboard_500_p50_ms` (`_pg`) likewise for the p50.

    python -m bench.dashboard_500 [--learners 500] [--requests 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

from bench import _harness as h

LEARNERS = 500
REQUESTS = 20
ROUNDS = 3
WARMUP = 2
INSTRUCTOR_PASSWORD = "demo-instructor-pass"  # what create_demo sets


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)], 1)


def make_demo(database_url: str, learners: int) -> tuple[int, str]:
    """The demo section; return its id and its instructor's email."""
    from app.services.content import get_course
    from app.services.demo import create_demo

    with h.setup_app(database_url):
        report = create_demo(get_course(), learners, seed=1)
        return report.section.id, report.instructor_email


def measure(database_url: str, section_id: int, email: str, learners: int, requests: int, rounds: int) -> list[list[float]]:
    """Log the instructor in with the test client, then time the dashboard; milliseconds per request, per round."""
    from app import create_app
    from app.extensions import db
    from app.warmup import prepare_worker

    app = create_app(h.app_config(database_url))
    prepare_worker(app)  # as each gunicorn worker does once it starts (app/gunicorn_conf.py)
    client = app.test_client()
    token = h.csrf_from(client.get("/account/login").get_data(as_text=True))
    response = client.post("/account/login", data={"email": email, "password": INSTRUCTOR_PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"instructor login failed: {response.status_code}")
    path = f"/teach/sections/{section_id}/dashboard"

    def get() -> tuple[float, Any]:
        began = time.perf_counter()
        response = client.get(path)
        body = response.get_data(as_text=True)
        return (time.perf_counter() - began) * 1000, (response.status_code, body)

    _, (status, body) = get()
    if status != 200 or body.count("@demo.example.org") < min(learners, 20):
        raise SystemExit(f"GET {path}: {status}, {body.count('@demo.example.org')} learner emails on the page")
    for _ in range(WARMUP - 1):
        get()
    results = []
    for r in range(rounds):
        times = []
        for _ in range(requests):
            ms, (status, _) = get()
            if status != 200:
                raise SystemExit(f"GET {path}: {status}")
            times.append(ms)
        results.append(times)
        h.log(f"  round {r + 1}: p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms")
    with app.app_context():
        db.engine.dispose()
    return results


def run(learners: int = LEARNERS, requests: int = REQUESTS, rounds: int = ROUNDS) -> dict[str, float]:
    """Figures for SQLite and (when TEST_DATABASE_URL is set) PostgreSQL; raw times to bench/results/dashboard_500.json."""
    figures: dict[str, float] = {}
    raw: dict[str, Any] = {}
    for backend in h.backends():
        s = backend.suffix
        with h.database(backend, "dashboard") as url:
            h.migrate(url)
            began = time.perf_counter()
            section_id, email = make_demo(url, learners)
            h.log(f"[dashboard_500{s}] demo section of {learners} learners made in {time.perf_counter() - began:.1f} s")
            results = measure(url, section_id, email, learners, requests, rounds)
        figures[f"dashboard_500_ms{s}"] = h.summarise(f"dashboard_500_ms{s}", [percentile(t, 95) for t in results])
        figures[f"dashboard_500_p50_ms{s}"] = h.summarise(f"dashboard_500_p50_ms{s}", [percentile(t, 50) for t in results])
        raw[backend.name] = {"learners": learners, "ms": results}
    h.write_results("dashboard_500", {"figures": figures, **raw})
    return figures


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=LEARNERS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args(argv)
    h.print_figures(run(args.learners, args.requests, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
