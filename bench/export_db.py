"""The Canvas grade export of 10,000 learners x 20 assignments read from the database, and its memory at 40,000.

Setup, per backend (PostgreSQL when TEST_DATABASE_URL is set: the target, keys without suffix;
SQLite too, keys ending `_sqlite`): a fresh database (`flask --app app db upgrade`; on PostgreSQL a
private schema dropped afterwards), filled with bulk INSERTs (PostgreSQL: COPY; SQLite: one
executemany per table): an instructor, one section with LEARNERS enrolled students, 20 assignments
(points 10, the last 12.5; counting highest/last/average/first in turn; 17 past due, 3 still open)
and attempts with scores. Per learner and assignment (seeded): 8% no attempt (missing), 62% one
submitted attempt, 18% two, 5% three, and 7% one attempt still in progress on the open assignments
(a submitted one on the past ones); 0.5% of the cells have an instructor's score override. Attempts
carry their drawn question ids but no question snapshots (the export reads neither). Then ANALYZE.

One run is a fresh interpreter (`python -m bench.export_db --worker ...`) that builds the app with the
benchmark's production settings and, in an app context, runs the app's own export path:
app.services.grades.grade_rows([section]) then course.exports.grades.export_csv("canvas", ...)
written to a file, as `flask --app app export grades --format canvas --section <id>` does. It
reports the export's wall time (app start-up excluded) and the process's peak RSS. The file must
have a header, the Points Possible row and one row per learner.

Keys: `export_db_10k_seconds` (median of REPEATS runs, spread printed), `export_db_peak_rss_mb_10k`
and `export_db_peak_rss_mb_40k` (median peak RSS of the fresh processes; the 40k runs follow
adding 30,000 more learners and their attempts to the same section), `export_db_40k_seconds`
(detail); each with `_sqlite` on SQLite. If the export streams, the two RSS figures are about the same.

    python -m bench.export_db [--learners 10000] [--repeats 3] [--no-sqlite]

`--learners N` runs at N and 4N learners (the keys keep their names; a smoke test uses 50).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import _harness as h

LEARNERS = 10_000
GROWTH = 4  # the memory check runs again at 4 x LEARNERS
ASSIGNMENTS = 20
OPEN_ASSIGNMENTS = 3
REPEATS = 3
QUESTION_IDS = [f"goode-2020-q{i:02d}" for i in range(1, 11)]
COUNTING = ("highest", "last", "average", "first")


def export_backends(include_sqlite: bool = True) -> list[h.Backend]:
    """PostgreSQL (the target, no suffix) when TEST_DATABASE_URL is set; SQLite (`_sqlite`) unless left out."""
    found = [h.Backend("postgresql", "")] if os.environ.get("TEST_DATABASE_URL") else []
    if include_sqlite:
        found.append(h.Backend("sqlite", "_sqlite"))
    return found


def make_section(database_url: str) -> tuple[int, list[dict[str, Any]]]:
    """The instructor, the section and its 20 assignments; return the section id and the assignments."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Assignment, Role, Section, User

    now = datetime.now(UTC)
    with h.setup_app(database_url), h.cheap_password_hashes():
        instructor = User(email="export-bench-instructor@example.org", role=Role.INSTRUCTOR.value)
        instructor.set_password(h.STUDENT_PASSWORD)
        db.session.add(instructor)
        db.session.flush()
        section = Section(name="Export bench section", term="Bench", instructor_id=instructor.id, join_code="EXPBENCH01")
        db.session.add(section)
        db.session.flush()
        for i in range(1, ASSIGNMENTS + 1):
            still_open = i > ASSIGNMENTS - OPEN_ASSIGNMENTS
            due = (
                now + timedelta(days=7 * (i - ASSIGNMENTS + OPEN_ASSIGNMENTS))
                if still_open
                else now - timedelta(days=7 * (ASSIGNMENTS - i))
            )
            db.session.add(
                Assignment(
                    section_id=section.id,
                    title=f"Quiz {i}",
                    lesson_ids=["01-goode-2020"],
                    objective_ids=[],
                    question_types=[],
                    num_questions=len(QUESTION_IDS),
                    opens_at=due - timedelta(days=14),
                    due_at=due,
                    time_limit_minutes=None,
                    attempts_allowed=3,
                    counting=COUNTING[i % len(COUNTING)],
                    points=12.5 if i == ASSIGNMENTS else 10.0,
                    created_at=due - timedelta(days=15),
                )
            )
        db.session.commit()
        rows = db.session.execute(
            select(Assignment.id, Assignment.title, Assignment.opens_at, Assignment.due_at).where(
                Assignment.section_id == section.id
            )
        )
        assignments = [{"id": r[0], "title": r[1], "opens_at": r[2], "due_at": r[3], "open": r[3] > now} for r in rows]
        return section.id, sorted(assignments, key=lambda a: a["id"])


def add_learners(database_url: str, section_id: int, assignments: list[dict[str, Any]], first: int, count: int, seed: int) -> int:
    """Bulk-insert learners first..first+count-1, their enrollments, attempts and overrides; return the attempts."""
    from sqlalchemy import create_engine, select

    from app.config import normalise_database_url
    from app.models import Attempt, Enrollment, ScoreOverride, User

    rng = random.Random(seed)
    now = datetime.now(UTC)
    password_hash = "scrypt:1024:8:1$bench$" + "0" * 64  # never used to log in
    engine = create_engine(normalise_database_url(database_url))
    emails = [f"export-learner-{i:06d}@example.org" for i in range(first, first + count)]
    attempts = 0
    try:
        with engine.begin() as conn:
            h.bulk_insert(
                conn,
                User.__table__,
                [
                    {
                        "email": e,
                        "password_hash": password_hash,
                        "role": "student",
                        "active": True,
                        "session_version": 1,
                        "is_demo": False,
                        "must_change_password": False,
                        "created_at": now - timedelta(days=120),
                    }
                    for e in emails
                ],
            )
            ids = list(conn.scalars(select(User.id).where(User.email.in_(emails)).order_by(User.id)))
            h.bulk_insert(
                conn,
                Enrollment.__table__,
                [{"section_id": section_id, "user_id": uid, "joined_at": now - timedelta(days=110)} for uid in ids],
            )
            rows: list[dict[str, Any]] = []
            overrides: list[dict[str, Any]] = []
            for uid in ids:
                for a in assignments:
                    roll = rng.random()
                    if roll < 0.08:
                        tries, in_progress = 0, False
                    elif roll < 0.70:
                        tries, in_progress = 1, False
                    elif roll < 0.88:
                        tries, in_progress = 2, False
                    elif roll < 0.93:
                        tries, in_progress = 3, False
                    else:
                        tries, in_progress = 1, a["open"]
                    opens = h_aware(a["opens_at"])
                    for number in range(1, tries + 1):
                        started = opens + timedelta(hours=rng.randrange(1, 24 * 12), minutes=number * 40)
                        still_open = in_progress and number == tries
                        rows.append(
                            {
                                "user_id": uid,
                                "kind": "assignment",
                                "title": a["title"],
                                "seed": f"{rng.getrandbits(64):016x}",
                                "question_ids": QUESTION_IDS,
                                "feedback_policy": "after_submit",
                                "started_at": started,
                                "deadline": h_aware(a["due_at"]) if still_open else None,
                                "submitted_at": None if still_open else started + timedelta(minutes=rng.randrange(5, 40)),
                                "timed_out": False,
                                "score": None if still_open else round(rng.betavariate(5, 2), 4),
                                "position": rng.randrange(len(QUESTION_IDS)) if still_open else 0,
                                "assignment_id": a["id"],
                                "number": number,
                                "grace_seconds": 30,
                                "pending_grading": 0,
                            }
                        )
                    if rng.random() < 0.005:
                        overrides.append(
                            {
                                "assignment_id": a["id"],
                                "user_id": uid,
                                "points": round(rng.random() * 10, 1),
                                "reason": "bench override",
                                "created_at": now,
                            }
                        )
                if len(rows) >= 50_000:
                    attempts += h.bulk_insert(conn, Attempt.__table__, rows)
                    rows = []
            attempts += h.bulk_insert(conn, Attempt.__table__, rows)
            h.bulk_insert(conn, ScoreOverride.__table__, overrides)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            h.analyze(conn)
    finally:
        engine.dispose()
    return attempts


def h_aware(value: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands back naive ones through Core)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# ----------------------------------------------------------------------------- the measured run


def worker(database_url: str, section_id: int, out: str) -> None:
    """In this fresh process: export the section's Canvas CSV through the app's code path; print figures as JSON."""
    from app import create_app
    from app.extensions import db
    from app.services.grades import grade_rows
    from course.exports.grades import export_csv

    application = create_app(h.app_config(database_url))
    with application.app_context():
        began = time.perf_counter()
        columns, learners = grade_rows([section_id])
        with open(out, "w", encoding="utf-8", newline="") as handle:
            for chunk in export_csv("canvas", columns, learners):
                handle.write(chunk)
        seconds = time.perf_counter() - began
        db.session.remove()
        db.engine.dispose()
    peak_mb = h.peak_rss_mb()
    with open(out, encoding="utf-8", newline="") as handle:
        lines = sum(1 for _ in handle)
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_mb, "lines": lines, "columns": len(columns)}))


def one_export(database_url: str, section_id: int) -> dict[str, Any]:
    """One fresh-process export; its figures."""
    with tempfile.TemporaryDirectory(prefix="bench-export-db-") as tmp:
        done = subprocess.run(
            [h.PYTHON, "-m", "bench.export_db", "--worker", database_url, str(section_id), str(Path(tmp) / "grades.csv")],
            cwd=h.ROOT,
            env=h.app_env(database_url),
            capture_output=True,
            text=True,
            timeout=900,
        )
    if done.returncode != 0:
        raise SystemExit(f"export worker failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(database_url: str, section_id: int, learners: int, repeats: int, label: str) -> list[dict[str, Any]]:
    """`repeats` fresh-process exports, each checked to hold every learner."""
    runs = []
    for r in range(repeats):
        run = one_export(database_url, section_id)
        if run["lines"] != learners + 2 or run["columns"] != ASSIGNMENTS:
            raise SystemExit(f"{label}: {run['lines']} lines, {run['columns']} columns; expected {learners + 2}, {ASSIGNMENTS}")
        h.log(f"[{label}] run {r + 1}: {run['seconds']:.2f} s, peak RSS {run['peak_rss_mb']:.0f} MB")
        runs.append(run)
    return runs


def run_backend(backend: h.Backend, learners: int, repeats: int) -> tuple[dict[str, float], dict[str, Any]]:
    """Fill one backend at `learners`, export; grow to GROWTH x learners, export again."""
    s = backend.suffix
    label = f"export_db{s}"
    with h.database(backend, "export") as url:
        h.migrate(url)
        section_id, assignments = make_section(url)
        began = time.perf_counter()
        attempts = add_learners(url, section_id, assignments, 0, learners, seed=1)
        h.log(f"[{label}] {learners} learners, {attempts} attempts loaded in {time.perf_counter() - began:.1f} s")
        small = measure(url, section_id, learners, repeats, label)
        began = time.perf_counter()
        attempts += add_learners(url, section_id, assignments, learners, learners * (GROWTH - 1), seed=2)
        h.log(f"[{label}] grown to {learners * GROWTH} learners, {attempts} attempts in {time.perf_counter() - began:.1f} s")
        large = measure(url, section_id, learners * GROWTH, repeats, label)
    figures = {
        f"export_db_10k_seconds{s}": h.summarise(f"export_db_10k_seconds{s}", [r["seconds"] for r in small]),
        f"export_db_peak_rss_mb_10k{s}": h.summarise(f"export_db_peak_rss_mb_10k{s}", [r["peak_rss_mb"] for r in small]),
        f"export_db_peak_rss_mb_40k{s}": h.summarise(f"export_db_peak_rss_mb_40k{s}", [r["peak_rss_mb"] for r in large]),
        f"export_db_40k_seconds{s}": h.summarise(f"export_db_40k_seconds{s}", [r["seconds"] for r in large]),
    }
    return figures, {"learners": learners, "attempts": attempts, "small": small, "large": large}


def run(learners: int = LEARNERS, repeats: int = REPEATS, include_sqlite: bool = True) -> dict[str, float]:
    """Figures for PostgreSQL (when TEST_DATABASE_URL is set) and SQLite; raw runs to bench/results/export_db.json."""
    figures: dict[str, float] = {}
    raw: dict[str, Any] = {}
    chosen = export_backends(include_sqlite)
    if not any(b.name == "postgresql" for b in chosen):
        h.log("[export_db] TEST_DATABASE_URL is not set: export_db_10k_seconds (PostgreSQL, the target) is not measured")
    for backend in chosen:
        found, raw[backend.name] = run_backend(backend, learners, repeats)
        figures.update(found)
    h.write_results("export_db", {"figures": figures, **raw})
    return figures


def main(argv: list[str] | None = None) -> int:
    """Command line: the benchmark, or (internal) one measured export in this process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=LEARNERS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--worker", nargs=3, metavar=("URL", "SECTION", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), args.worker[2])
        return 0
    h.print_figures(run(args.learners, args.repeats, not args.no_sqlite))
    return 0


if __name__ == "__main__":
    sys.exit(main())
