"""Saving a quiz answer under load, against the ceiling (bench/ceiling.py) measured in the same run.

Setup, per backend (SQLite; PostgreSQL too when TEST_DATABASE_URL is set, keys suffixed `_pg`):
a fresh database migrated with `flask --app app db upgrade` (and the question ids loaded); STUDENTS students
created with app.services.accounts.create_user, each with an open self-test drawn by
app.services.quizzes.start_mock from the real course; each logged in over HTTP through the login
form, its CSRF token read from GET /quiz/attempts/<id>. The wrk script (bench/wrk_tuples.lua)
rotates through their (cookie, attempt path, body) tuples and POSTs
/quiz/attempts/<id>/answer with csrf_token, index, go=next and a valid answer for the question at
that index (a short-answer question when the attempt has one, `answer=anything`; else the right
fields for its type). Every tuple is sent once before timing and must redirect to the next
question (a 302 back to the same question would mean "not saved").

Both servers run under `gunicorn --no-control-socket -b 127.0.0.1:<port>`, the app with its own settings
(app/gunicorn_conf.py, as the Procfile: 2 sync workers), the ceiling with `-w 2` (sync); wrk runs
`-t2 -d<DURATION>s` at 16 and 64 connections, app and ceiling back to back in each run (their order
alternating between runs), REPEATS runs.

Keys: `answer_save_rps_c16`, `answer_save_rps_c64`, `ceiling_rps_c16`, `ceiling_rps_c64` (medians
over runs); the headline keys are the **c64** figures: `answer_save_rps` = median of
answer_save_rps_c64, `ceiling_rps` = median of ceiling_rps_c64, `answer_save_ratio` = median over
runs of (app c64 / ceiling c64 in that run); `answer_save_ratio_c16` likewise at 16. On PostgreSQL
the same keys end `_pg` (`answer_save_ratio_pg`, `answer_save_ratio_c16_pg`, ...). Every median
keeps its spread (min-max over the REPEATS interleaved runs), printed beside it.
Beside them, a profile of the difference: what one request cost the machine's CPU, read from
/proc around each wrk run (the gunicorn workers, plus on PostgreSQL every postgres process):
`answer_save_cpu_ms_c16`, `answer_save_cpu_ms_c64`, `ceiling_cpu_ms_c16`, `ceiling_cpu_ms_c64`, and
on PostgreSQL the database server's part of it, `answer_save_cpu_ms_db_c16_pg`, ... (medians, with
spreads). wrk's own CPU is not in them.
`answer_save_errors` counts the app's failed requests over all timed runs (status >= 400 plus
connect/read/write/timeout errors; 302 is success); `ceiling_errors` the same for the ceiling.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import _harness as h
from bench import ceiling

STUDENTS = 128
REPEATS = 3
DURATION_S = float(os.environ.get("BENCH_WRK_DURATION", "3"))
CONNECTIONS = (16, 64)


def make_students(database_url: str, count: int) -> list[dict[str, Any]]:
    """Create `count` students, each with an open self-test; pick the question each will answer."""
    from app.services import accounts, quizzes
    from app.services.content import get_course
    from course.presentation import present

    students = []
    with h.setup_app(database_url), h.cheap_password_hashes():
        course = get_course()
        lesson_ids = tuple(lesson.id for lesson in course.lessons if course.questions_for(lesson.id))
        for i in range(count):
            user = accounts.create_user(f"answer-bench-{i:04d}@example.org", h.STUDENT_PASSWORD)
            attempt = quizzes.start_mock(user.id, course, quizzes.MockSettings(lesson_ids, 10, None))
            questions = [course.question_by_id[q] for q in attempt.question_ids]
            kinds = [q.type for q in questions]
            index = kinds.index("short_answer") if "short_answer" in kinds else 0
            question = questions[index]
            total = len(questions)
            students.append(
                {
                    "email": user.email,
                    "attempt_id": attempt.id,
                    "index": index,
                    "type": question.type,
                    "fields": h.answer_fields(question, present(question, attempt.seed)),
                    "success": (
                        f"/quiz/attempts/{attempt.id}?q={index + 1}"
                        if index + 1 < total
                        else f"/quiz/attempts/{attempt.id}/finish"
                    ),
                }
            )
    return students


def log_in(base_url: str, student: dict[str, Any]) -> tuple[str, str, str, str]:
    """Log one student in over HTTP; return its wrk tuple (method, path, cookie, body), checked once."""
    client = h.Client(base_url)
    try:
        h.login(client, student["email"])
        page = f"/quiz/attempts/{student['attempt_id']}"
        status, _, html = client.request("GET", page)
        if status != 200:
            raise RuntimeError(f"GET {page} returned {status}")
        form = [("csrf_token", h.csrf_from(html)), ("index", str(student["index"])), ("go", "next"), *student["fields"]]
        path = f"{page}/answer"
        status, location, body = client.request("POST", path, form)
        if status != 302 or location != student["success"]:
            raise RuntimeError(
                f"the answer of {student['email']} ({student['type']}) was not saved: "
                f"{status} -> {location!r}, expected {student['success']!r}"
            )
        return ("POST", path, client.cookie_header(), urlencode(form))
    finally:
        client.close()


def run_backend(backend: h.Backend, students: int, repeats: int, duration_s: float) -> tuple[dict[str, float], dict]:
    """Set up app and ceiling on one backend, then time both in alternating wrk runs."""
    s = backend.suffix
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-answer-") as tmp, h.database(backend, "answer") as url:
        work = Path(tmp)
        h.log(f"[answer_save{s}] migrating and creating {students} students ...")
        h.migrate(url)
        people = make_students(url, students)
        with (
            h.gunicorn("app:create_app()", h.app_env(url), "/healthz", "app") as app_server,
            ceiling.serve(backend, work) as (ceiling_server, ceiling_tuples),
        ):
            with ThreadPoolExecutor(8) as pool:
                rows = list(pool.map(lambda p: log_in(app_server.url, p), people))
            app_tuples = work / "answer_tuples.tsv"
            h.write_tuples(app_tuples, rows)
            types = sorted({p["type"] for p in people})
            h.log(f"[answer_save{s}] {len(rows)} students logged in (answered types: {', '.join(types)}); warming up ...")
            pair = [("app", app_server.url, app_tuples), ("ceiling", ceiling_server.url, ceiling_tuples)]
            probes = {"app": h.cpu_probe(app_server, backend), "ceiling": h.cpu_probe(ceiling_server, backend)}
            runs += h.paired_runs(f"answer_save{s}", pair, CONNECTIONS, repeats, duration_s, cpu=probes)
    figures = h.ratio_figures(runs, CONNECTIONS, ("app", "answer_save_rps"), ("ceiling", "ceiling_rps"), "answer_save_ratio", s)
    figures.update(h.cpu_figures(runs, CONNECTIONS, ("app", "answer_save_cpu_ms"), ("ceiling", "ceiling_cpu_ms"), s))
    figures[f"answer_save_errors{s}"] = sum(run[f"app_c{c}"].errors for run in runs for c in CONNECTIONS)
    figures[f"ceiling_errors{s}"] = sum(run[f"ceiling_c{c}"].errors for run in runs for c in CONNECTIONS)
    raw = [{k: v.__dict__ for k, v in run.items()} for run in runs]
    return figures, {"runs": raw, "students": students, "duration_s": duration_s}


def run(repeats: int = REPEATS, students: int = STUDENTS, duration_s: float = DURATION_S) -> dict[str, float]:
    """Figures for SQLite and (when TEST_DATABASE_URL is set) PostgreSQL; raw runs to bench/results/answer_save.json."""
    h.ensure_wrk()
    figures: dict[str, float] = {}
    raw: dict[str, Any] = {}
    for backend in h.backends():
        found, raw[backend.name] = run_backend(backend, students, repeats, duration_s)
        figures.update(found)
    h.write_results("answer_save", {"figures": figures, **raw})
    return figures


if __name__ == "__main__":
    h.print_figures(run())
