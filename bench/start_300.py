"""300 students start the same self-test at the same moment, then answer it and submit.

Setup, per backend (SQLite; PostgreSQL too when TEST_DATABASE_URL is set, keys suffixed `_pg`):
a fresh database (`flask --app app db upgrade`), 300 students created with
app.services.accounts.create_user, each logged in over HTTP through the login form (a real session
cookie and CSRF token). No student has an open attempt. The app runs under
`gunicorn --no-control-socket -b 127.0.0.1:<port>` with app/gunicorn_conf.py, as the Procfile (2 sync
workers; BENCH_GUNICORN_ARGS compares others, see bench/_harness.worker_args).

One run: 300 threads, one per student, each with its own connection (http.client) and cookie,
wait on a barrier and then, all at once and without think time:

  POST /quiz/ (csrf_token, lessons=01-goode-2020, count=5, minutes=0)  -> 302 /quiz/attempts/<id>
  GET /quiz/attempts/<id>                        -> 200, question 1 (the first question's page)
  5 x POST /quiz/attempts/<id>/answer (csrf_token, index, go=next, a valid answer for that
      question)                                  -> 302 to the next question (the last: to finish)
  POST /quiz/attempts/<id>/finish (csrf_token)   -> 302 to the results
  GET /quiz/attempts/<id>/results                -> 200, the score

9 requests per student, 2,700 per run: the issue's start -> first question -> save -> submit ->
results. The pages of questions 2-5 and the finish page (the GETs a browser makes after each
later redirect) are left out to keep a run inside the time budget. To build a valid answer
without reading each page, the bench reads the new attempt's drawn question ids and seed (one
SELECT by primary key, outside the timed requests and not counted in the journey) and fills the
fields for each question's type, as the page would show it.

Latency is **per request** (sending it to having read the whole response, including the wait
for a free worker): `start_300_p50_ms` / `start_300_p99_ms` are the medians over runs of each
run's p50 / p99 over all its requests. `start_300_errors` = failed requests summed over all runs:
any 5xx, connection error or timeout, or any status/redirect other than the expected one (an
answer redirected back to its own question was not saved). A student stops at its first failure.

Issue 15's keys, the same measurements under its names: `burst_300_start_p99_ms` (=
start_300_start_p99_ms), `burst_300_flow_p99_ms` (= start_300_journey_p99_ms) and `burst_300_errors`
(= start_300_errors), `_pg` on PostgreSQL; each median prints its spread over the runs.

Detail keys: `start_300_start_p50_ms` / `start_300_start_p99_ms` (the simultaneous POST /quiz/
alone), `start_300_journey_p50_ms` / `start_300_journey_p99_ms` (one student's 9 requests end
to end), `start_300_rps` (requests per second over a run), `start_300_run_s` (wall time of a run),
`start_300_server_cpu_s` / `start_300_client_cpu_s` (CPU seconds the app's workers and this load
generator used in a run: they share the machine's cores) and `start_300_server_cpu_ms_per_journey`.

The floor: the same load generator, in the same invocation and alternating run by run with the
app's runs, drives bench.ceiling's bare Flask + Flask-SQLAlchemy app (the app's engine settings, 2
sync workers) through a journey of the same shape: 9 requests per student, the 7 POSTs as
`POST /save` (read one row, insert one, commit) and the 2 GETs as `GET /read` (read one row).
`burst_300_floor_start_p99_ms` / `burst_300_floor_flow_p99_ms` / `burst_300_floor_errors` (+ `_pg`)
and `burst_300_floor_app_cpu_s`: what no app can beat on this machine with this load generator, so
a target below the floor is out of reach here whatever the app does.

BENCH_START_STUDENTS=N runs with N students instead (a smoke test; the keys keep their names).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench import _harness as h
from bench import ceiling

STUDENTS = int(os.environ.get("BENCH_START_STUDENTS", "300"))
REPEATS = 3
LESSON = "01-goode-2020"
COUNT = 5
BARRIER_TIMEOUT_S = 120
REQUEST_TIMEOUT_S = 60
CLIENT_SWITCH_S = 0.0002


@dataclass
class Student:
    """A logged-in student: its session cookie and its CSRF token."""

    email: str
    cookies: dict[str, str]
    token: str


@dataclass
class Journey:
    """What one student's journey produced."""

    latencies: list[tuple[str, float]] = field(default_factory=list)  # (step, ms)
    errors: list[str] = field(default_factory=list)
    total_ms: float = 0.0
    finished: bool = False


def make_students(database_url: str, count: int) -> list[str]:
    """Create the students (no attempts); return their emails."""
    from app.services import accounts

    with h.setup_app(database_url), h.cheap_password_hashes():
        return [accounts.create_user(f"start-bench-{i:04d}@example.org", h.STUDENT_PASSWORD).email for i in range(count)]


def log_in(base_url: str, email: str, check_form: bool = False) -> Student:
    """Log in over HTTP; keep the session cookie and the CSRF token (valid for every form of the session).

    Signing in starts a new session with a new CSRF token, so the token is read from the self-test
    form (GET /quiz/) after login, as a browser's next page would have it, not from the login form.
    """
    client = h.Client(base_url)
    try:
        h.login(client, email)
        status, _, html = client.request("GET", "/quiz/")
        if status != 200 or (check_form and f'value="{LESSON}"' not in html):
            raise RuntimeError(f"GET /quiz/ returned {status} or does not offer lesson {LESSON}")
        return Student(email, dict(client.cookies), h.csrf_from(html))
    finally:
        client.close()


class Questions:
    """Look up an attempt's drawn questions (ids and seed) in the database, outside the timed requests."""

    def __init__(self, database_url: str):
        from sqlalchemy import create_engine

        from app.config import normalise_database_url
        from course.catalog import load_course

        self.course = load_course(str(h.ROOT / "lessons"), str(h.ROOT / "question_bank.yaml"))
        args = {"check_same_thread": False} if database_url.startswith("sqlite") else {}
        self.engine = create_engine(
            normalise_database_url(database_url), pool_size=4, max_overflow=0, pool_timeout=120, connect_args=args
        )

    def answers(self, attempt_id: int) -> list[list[tuple[str, str]]]:
        """Valid answer fields for each question of the attempt, in order."""
        from sqlalchemy import select

        from app.models import Attempt
        from course.presentation import present

        with self.engine.connect() as conn:
            question_ids, seed = conn.execute(select(Attempt.question_ids, Attempt.seed).where(Attempt.id == attempt_id)).one()
        questions = [self.course.question_by_id[q] for q in question_ids]
        return [h.answer_fields(q, present(q, seed)) for q in questions]

    def close(self) -> None:
        """Close the pool."""
        self.engine.dispose()


def journey(base_url: str, student: Student, barrier: threading.Barrier, questions: Questions) -> Journey:
    """One student's self-test, started at the barrier; every request timed."""
    result = Journey()
    client = h.Client(base_url, timeout=REQUEST_TIMEOUT_S)
    client.cookies = dict(student.cookies)

    def call(step: str, path: str, form: Any, location: str | None = None) -> str:
        method, expected = ("POST", 302) if form is not None else ("GET", 200)
        start = time.perf_counter()
        try:
            status, where, body = client.request(method, path, form)
        except Exception as exc:
            result.latencies.append((step, (time.perf_counter() - start) * 1000))
            raise RuntimeError(f"{step}: {type(exc).__name__}: {exc}") from None
        result.latencies.append((step, (time.perf_counter() - start) * 1000))
        if status != expected or (location is not None and where != location):
            raise RuntimeError(
                f"{step}: {method} {path} -> {status} {where!r} (expected {expected} {location or ''}) {body[:120]!r}"
            )
        return body if method == "GET" else where

    try:
        barrier.wait(timeout=BARRIER_TIMEOUT_S)
        began = time.perf_counter()
        form = [("csrf_token", student.token), ("lessons", LESSON), ("count", str(COUNT)), ("minutes", "0")]
        where = call("start", "/quiz/", form)
        if not where.startswith("/quiz/attempts/") or not where.rsplit("/", 1)[1].isdigit():
            raise RuntimeError(f"start: redirected to {where!r}, not to an attempt")
        attempt = where
        lookup = time.perf_counter()
        answers = questions.answers(int(where.rsplit("/", 1)[1]))
        lookup_ms = (time.perf_counter() - lookup) * 1000
        if "Question 1 of" not in call("question", attempt, None):
            raise RuntimeError(f"question: GET {attempt} did not show question 1")
        for index, fields in enumerate(answers):
            target = f"{attempt}/finish" if index + 1 == len(answers) else f"{attempt}?q={index + 1}"
            body = [("csrf_token", student.token), ("index", str(index)), ("go", "next"), *fields]
            call("answer", f"{attempt}/answer", body, target)
        call("submit", f"{attempt}/finish", [("csrf_token", student.token)], f"{attempt}/results")
        if 'class="score"' not in call("results", f"{attempt}/results", None):
            raise RuntimeError(f"results: GET {attempt}/results did not show a score")
        result.total_ms = (time.perf_counter() - began) * 1000 - lookup_ms
        result.finished = True
    except threading.BrokenBarrierError:
        result.errors.append("barrier broken")
    except RuntimeError as exc:
        result.errors.append(str(exc))
    finally:
        client.close()
    return result


# The floor's journey: the app's 9 requests as the bare endpoints of bench.ceiling (POST -> /save, GET -> /read).
FLOOR_STEPS = [("start", "POST"), ("question", "GET"), *[("answer", "POST")] * COUNT, ("submit", "POST"), ("results", "GET")]


def floor_journey(base_url: str, number: int, barrier: threading.Barrier) -> Journey:
    """One student's journey of the same shape against bench.ceiling, started at the barrier; every request timed."""
    result = Journey()
    client = h.Client(base_url, timeout=REQUEST_TIMEOUT_S)
    try:
        barrier.wait(timeout=BARRIER_TIMEOUT_S)
        began = time.perf_counter()
        for index, (step, method) in enumerate(FLOOR_STEPS):
            start = time.perf_counter()
            if method == "POST":
                status, _, _ = client.request("POST", "/save", [("value", f"student-{number}-step-{index}")])
            else:
                status, _, _ = client.request("GET", "/read")
            result.latencies.append((step, (time.perf_counter() - start) * 1000))
            if status != (302 if method == "POST" else 200):
                raise RuntimeError(f"{step}: {method} -> {status}")
        result.total_ms = (time.perf_counter() - began) * 1000
        result.finished = True
    except threading.BrokenBarrierError:
        result.errors.append("barrier broken")
    except Exception as exc:  # a refused, reset or garbled response fails this journey, as in the app's
        result.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        client.close()
    return result


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank on the sorted values)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def one_run(server: h.Server, count: int, walk: Callable[[int, threading.Barrier], Journey]) -> dict[str, Any]:
    """`count` journeys (`walk(i, barrier)`) at once; per-request and per-journey statistics, and each side's CPU time."""
    barrier = threading.Barrier(count)
    journeys: list[Journey] = [Journey()] * count

    def work(i: int) -> None:
        journeys[i] = walk(i, barrier)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(count)]
    # 300 client threads share one interpreter lock. A sync worker of gunicorn 27 waits for the
    # client to close the socket after each response (util.close_graceful), so a client thread
    # slow to get the lock held a worker idle: hand the lock over every 0.2 ms (default 5 ms), as
    # 300 separate browsers would close at once. Measured: start p99 1,345 -> 941 ms, no more CPU.
    switch = sys.getswitchinterval()
    sys.setswitchinterval(CLIENT_SWITCH_S)
    began, server_cpu, client_cpu = time.perf_counter(), server.cpu_seconds(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BARRIER_TIMEOUT_S + REQUEST_TIMEOUT_S * 8)
    wall = time.perf_counter() - began
    sys.setswitchinterval(switch)
    server_cpu, client_cpu = server.cpu_seconds() - server_cpu, time.process_time() - client_cpu
    all_ms = [ms for j in journeys for _, ms in j.latencies]
    start_ms = [ms for j in journeys for step, ms in j.latencies if step == "start"]
    journey_ms = [j.total_ms for j in journeys if j.finished]
    errors = [e for j in journeys for e in j.errors]
    # a journey neither finished nor failed is still waiting after the join timeout: count it as failed
    errors += ["journey did not finish in time"] * sum(1 for j in journeys if not j.finished and not j.errors)
    return {
        "requests": len(all_ms),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_ms": percentile(all_ms, 50),
        "p99_ms": percentile(all_ms, 99),
        "start_p50_ms": percentile(start_ms, 50),
        "start_p99_ms": percentile(start_ms, 99),
        "journey_p50_ms": percentile(journey_ms, 50),
        "journey_p99_ms": percentile(journey_ms, 99),
        "finished": len(journey_ms),
        "run_s": wall,
        "rps": len(all_ms) / wall if wall else 0.0,
        # Where a run's time goes on this machine: the app's workers and this load generator share its cores.
        "server_cpu_s": server_cpu,
        "client_cpu_s": client_cpu,
        "server_cpu_ms_per_journey": server_cpu * 1000 / max(1, len(journey_ms)),
        "per_step_p99_ms": {
            s: percentile([ms for j in journeys for st, ms in j.latencies if st == s], 99)
            for s in ("start", "question", "answer", "submit", "results")
        },
    }


def _log_run(label: str, number: int, run: dict[str, Any]) -> None:
    """One line per run: throughput, latencies, errors and the CPU each side used."""
    h.log(
        f"[{label}] run {number}: {run['requests']} requests in {run['run_s']:.1f} s "
        f"({run['rps']:.0f}/s), p50 {run['p50_ms']:.0f} ms, p99 {run['p99_ms']:.0f} ms, "
        f"start p99 {run['start_p99_ms']:.0f} ms, journey p99 {run['journey_p99_ms']:.0f} ms, "
        f"errors {run['errors']} {run['error_samples'][:2]}; "
        f"CPU: app {run['server_cpu_s']:.1f} s, load generator {run['client_cpu_s']:.1f} s"
    )


def run_backend(backend: h.Backend, count: int, repeats: int) -> tuple[dict[str, float], dict[str, list[dict[str, Any]]]]:
    """Set up the students on one backend; run the simultaneous start `repeats` times, each followed by the floor's run."""
    s = backend.suffix
    runs, floor_runs = [], []
    with h.database(backend, "start") as url:
        h.log(f"[start_300{s}] migrating and creating {count} students ...")
        h.migrate(url)
        emails = make_students(url, count)
        ceiling.prepare(url)  # the floor's two tables, beside the app's
        with (
            h.gunicorn("app:create_app()", h.app_env(url), "/healthz", "app") as server,
            h.gunicorn("bench.ceiling:create_app()", ceiling.env(url), "/read", "floor") as floor,
        ):
            with ThreadPoolExecutor(8) as pool:
                students = list(pool.map(lambda e: log_in(server.url, e, e == emails[0]), emails))
            h.log(f"[start_300{s}] {len(students)} students logged in")
            questions = Questions(url)
            try:
                for r in range(repeats):
                    # alternate, app first then floor, so the machine's drift hits both alike
                    runs.append(one_run(server, count, lambda i, b: journey(server.url, students[i], b, questions)))
                    _log_run(f"start_300{s}", r + 1, runs[-1])
                    floor_runs.append(one_run(floor, count, lambda i, b: floor_journey(floor.url, i, b)))
                    _log_run(f"start_300{s} floor", r + 1, floor_runs[-1])
            finally:
                questions.close()
    figures: dict[str, float] = {f"start_300_errors{s}": sum(run["errors"] for run in runs)}
    for name in (
        "p50_ms", "p99_ms", "start_p50_ms", "start_p99_ms", "journey_p50_ms", "journey_p99_ms", "rps", "run_s",
        "server_cpu_s", "client_cpu_s", "server_cpu_ms_per_journey",
    ):  # fmt: skip
        figures[f"start_300_{name}{s}"] = h.summarise(f"start_300_{name}{s}", [run[name] for run in runs])
    # Issue 15's names for the same measurements: the simultaneous start's p99, the whole journey's
    # p99 (start, question 1, 5 saves, submit, results; see above) and every failed request.
    for alias, name in (("burst_300_start_p99_ms", "start_p99_ms"), ("burst_300_flow_p99_ms", "journey_p99_ms")):
        figures[f"{alias}{s}"] = h.summarise(f"{alias}{s}", [run[name] for run in runs])
    figures[f"burst_300_errors{s}"] = figures[f"start_300_errors{s}"]
    for key, name in (
        ("burst_300_floor_start_p99_ms", "start_p99_ms"),
        ("burst_300_floor_flow_p99_ms", "journey_p99_ms"),
        ("burst_300_floor_app_cpu_s", "server_cpu_s"),
    ):
        figures[f"{key}{s}"] = h.summarise(f"{key}{s}", [run[name] for run in floor_runs])
    figures[f"burst_300_floor_errors{s}"] = sum(run["errors"] for run in floor_runs)
    return figures, {"app": runs, "floor": floor_runs}


def run(repeats: int = REPEATS, students: int = STUDENTS) -> dict[str, float]:
    """Figures for SQLite and (when TEST_DATABASE_URL is set) PostgreSQL; raw runs to bench/results/start_300.json."""
    figures: dict[str, float] = {}
    raw: dict[str, Any] = {}
    for backend in h.backends():
        found, raw[backend.name] = run_backend(backend, students, repeats)
        figures.update(found)
    h.write_results("start_300", {"figures": figures, "students": students, "runs": raw})
    return figures


if __name__ == "__main__":
    h.print_figures(run())
