"""Where the time of the benchmarked endpoints goes: SQL statements per request and a profile.

Not a benchmark (no `run()`; do not wire it into `make bench`). It builds the same fresh database
as the benchmarks (production settings), logs a student in through Flask's test client, then for
each endpoint of the load benchmarks:

- counts the SQL statements one request executes (and lists them with --sql),
- times REQUESTS requests in process (no gunicorn, no network) and
- with --profile, profiles them with pyinstrument (`pip install pyinstrument` into the venv; it is
  not a project dependency);
- with --calls, counts the Python function calls per request with cProfile (a figure that, unlike
  time, does not move with the machine's load) and lists the functions with most own time.

    python -m bench.profile_app [--pg] [--sql] [--profile | --calls [--sort cumulative] [--top N]] [--requests N] [--only TEXT]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import itertools
import pstats
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from bench import _harness as h

LESSON = "01-goode-2020"


class Statements:
    """Record the SQL statements an engine executes while active."""

    def __init__(self, engine: Any):
        self.engine = engine
        self.seen: list[str] = []
        self.checkouts = 0
        self.commits = 0

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.seen.append(" ".join(statement.split()))

    def _checkout(self, *args: Any) -> None:
        self.checkouts += 1  # each checkout also runs pool_pre_ping's ping (not seen as a statement)

    def _commit(self, *args: Any) -> None:
        self.commits += 1

    def __enter__(self) -> Statements:
        self.seen, self.checkouts, self.commits = [], 0, 0
        event.listen(self.engine, "before_cursor_execute", self._record)
        event.listen(self.engine.pool, "checkout", self._checkout)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *exc: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)
        event.remove(self.engine.pool, "checkout", self._checkout)
        event.remove(self.engine, "commit", self._commit)


@contextlib.contextmanager
def fixed_seeds() -> Iterator[None]:
    """Attempts draw the same questions on every run, and the real seeds come back afterwards.

    The questions an attempt drew decide what a save parses and what a page renders: with fresh
    seeds, two runs of bench.instructions on the same code differed by 7%.
    """
    from app import randomness

    seeds = itertools.count(1)
    real = randomness.new_seed
    randomness.new_seed = lambda: f"{next(seeds):016x}"
    try:
        yield
    finally:
        randomness.new_seed = real


def print_calls(counter: cProfile.Profile, requests: int, top: int = 30, sort: str = "tottime") -> None:
    """Python function calls per request (deterministic, unlike time) and the costliest functions (own or cumulative time)."""
    stats = pstats.Stats(counter)
    print(f"   {stats.total_calls / requests:,.0f} Python function calls per request")  # type: ignore[attr-defined]
    out = io.StringIO()
    pstats.Stats(counter, stream=out).sort_stats(sort).print_stats(top)
    print(out.getvalue().split("ncalls", 1)[-1])


def main(argv: list[str] | None = None) -> int:
    """Set up, then measure each endpoint."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", action="store_true", help="use PostgreSQL (TEST_DATABASE_URL)")
    parser.add_argument("--sql", action="store_true", help="print each request's SQL statements")
    parser.add_argument("--profile", action="store_true", help="profile each endpoint with pyinstrument")
    parser.add_argument(
        "--calls", action="store_true", help="count Python function calls per request (cProfile) and list the costliest"
    )
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--top", type=int, default=30, help="with --calls: how many functions to list")
    parser.add_argument(
        "--sort", choices=["tottime", "cumulative"], default="tottime", help="with --calls: by own time, or with callees"
    )
    parser.add_argument("--only", help="measure only endpoints whose name contains this text")
    args = parser.parse_args(argv)
    backend = h.Backend("postgresql", "_pg") if args.pg else h.Backend("sqlite", "")
    if args.pg and not __import__("os").environ.get("TEST_DATABASE_URL"):
        raise SystemExit("--pg needs TEST_DATABASE_URL")

    from app.extensions import db
    from app.services import accounts, quizzes
    from app.services.content import get_course
    from app.warmup import prepare_worker
    from course.presentation import present

    with h.database(backend, "profile") as url, fixed_seeds():
        h.migrate(url)
        with h.setup_app(url) as app, h.cheap_password_hashes():
            course = get_course()
            user = accounts.create_user("profile@example.org", h.STUDENT_PASSWORD)
            user_id = user.id
            engine = db.engine
        prepare_worker(app)  # as a gunicorn worker is prepared: without gc.freeze, collections blur the profile
        client = app.test_client()
        html = client.get("/account/login").get_data(as_text=True)
        token = h.csrf_from(html)
        response = client.post(
            "/account/login", data={"email": "profile@example.org", "password": h.STUDENT_PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, response.status_code
        token = h.csrf_from(client.get("/quiz/").get_data(as_text=True))  # signing in starts a new session, with a new token

        def new_attempt() -> tuple[int, list[list[tuple[str, str]]]]:
            response = client.post("/quiz/", data={"csrf_token": token, "lessons": LESSON, "count": "5", "minutes": "0"})
            assert response.status_code == 302, response.status_code
            attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
            with app.app_context():
                attempt = quizzes.get_attempt(attempt_id, user_id)
                assert attempt is not None
                qs = [course.question_by_id[q] for q in attempt.question_ids]
                fields = [h.answer_fields(q, present(q, attempt.seed)) for q in qs]
            return attempt_id, fields

        attempt_id, fields = new_attempt()
        anonymous = app.test_client()

        def answer() -> Any:
            return client.post(
                f"/quiz/attempts/{attempt_id}/answer",
                data=MultiDict([("csrf_token", token), ("index", "0"), ("go", "next"), *fields[0]]),
            )

        def start() -> Any:
            return client.post("/quiz/", data={"csrf_token": token, "lessons": LESSON, "count": "5", "minutes": "0"})

        def submit_fresh() -> Callable[[], Any]:
            aid, fl = new_attempt()
            for i, f in enumerate(fl):
                client.post(
                    f"/quiz/attempts/{aid}/answer", data=MultiDict([("csrf_token", token), ("index", str(i)), ("go", "next"), *f])
                )
            return lambda: client.post(f"/quiz/attempts/{aid}/finish", data={"csrf_token": token})

        endpoints: list[tuple[str, Callable[[], Any] | None, int]] = [
            ("POST /quiz/attempts/<id>/answer", answer, 302),
            ("POST /quiz/ (start)", start, 302),
            ("GET /quiz/attempts/<id> (question 1)", lambda: client.get(f"/quiz/attempts/{attempt_id}"), 200),
            ("POST /quiz/attempts/<id>/finish", None, 302),
            ("GET /quiz/attempts/<id>/results", None, 200),
            ("GET /lessons/01-goode-2020 (learner)", lambda: client.get(f"/lessons/{LESSON}"), 200),
            ("GET /lessons/01-goode-2020 (anonymous)", lambda: anonymous.get(f"/lessons/{LESSON}"), 200),
            ("GET /healthz", lambda: anonymous.get("/healthz"), 200),
            # The floor under every signed-in request: cookie, session check, limiter, headers (+ SELECT 1).
            ("GET /healthz (signed in)", lambda: client.get("/healthz"), 200),
        ]
        print(f"backend: {backend.name}")
        submitted = None
        for name, call, expect in endpoints:
            if args.only and args.only not in name:
                continue
            is_submit = call is None and "finish" in name
            if is_submit:
                call = submit_fresh()
            elif call is None:  # the results page of a submitted attempt
                aid = submitted or new_attempt()[0]
                if submitted is None:
                    client.post(f"/quiz/attempts/{aid}/finish", data={"csrf_token": token})
                submitted = aid
                call = lambda aid=aid: client.get(f"/quiz/attempts/{aid}/results")  # noqa: E731
            with Statements(engine) as st:
                response = call()
            assert response.status_code == expect, (name, response.status_code)
            print(
                f"\n== {name}: {len(st.seen)} SQL statements, {st.commits} commits, "
                f"{st.checkouts} connection checkouts (+1 pre-ping each) per request"
            )
            if args.sql:
                for statement in st.seen:
                    print("   ", re.sub(r"\s+", " ", statement)[:160])
            # a submit happens once per attempt: prepare fresh answered attempts, time only the submits
            calls = [submit_fresh() for _ in range(min(args.requests, 50))] if is_submit else [call] * args.requests
            times = []
            profiler = None
            counter = None
            if args.calls:
                counter = cProfile.Profile()
                counter.enable()
            elif args.profile:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                profiler.start()
            cpu_began = time.process_time()
            for each in calls:
                began = time.perf_counter()
                each()
                times.append((time.perf_counter() - began) * 1000)
            cpu_ms = (time.process_time() - cpu_began) * 1000 / len(calls)
            if counter is not None:
                counter.disable()
                print_calls(counter, len(calls), args.top, args.sort)
            if profiler is not None:
                profiler.stop()
                print(
                    profiler.output_text(
                        unicode=False, color=False, show_all=bool(__import__("os").environ.get("PROFILE_ALL")), short_mode=False
                    )[: int(__import__("os").environ.get("PROFILE_CHARS", "6000"))]
                )
            # On a shared machine the best of 10 batches is the steadiest figure to compare code by.
            batch = max(1, len(times) // 10)
            best = min(statistics.fmean(times[i : i + batch]) for i in range(0, len(times) - batch + 1, batch))
            print(
                f"   in process: median {statistics.median(times):.2f} ms wall (best batch mean {best:.2f} ms), "
                f"{cpu_ms:.2f} ms of this process's CPU, per request over {len(times)} requests"
            )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
