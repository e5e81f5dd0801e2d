"""Flask CLI commands: thin wrappers over services and the core."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.models import Role
from app.services import accounts
from app.services.content import get_course, load_and_record
from course.errors import ContentError
from course.exports.formats import QUESTION_FORMATS

users_cli = AppGroup("users", help="Manage accounts.")
course_cli = AppGroup("course", help="Check and load the course content.")
attempts_cli = AppGroup("attempts", help="Quiz attempts.")
sessions_cli = AppGroup("sessions", help="Signed-in sessions.")


@sessions_cli.command("purge")
def purge_sessions() -> None:
    """Delete every session past its idle or absolute timeout (run it from cron; they are refused anyway)."""
    from datetime import timedelta

    from app.services.sessions import purge_expired

    config = current_app.config
    ended = purge_expired(timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]))
    click.echo(f"Ended {ended} expired session{'s' if ended != 1 else ''}.")


@attempts_cli.command("close-expired")
def close_expired_attempts() -> None:
    """Submit every open attempt past its deadline and grace, at its deadline (run it from cron)."""
    from app.services.quizzes import close_expired

    closed = close_expired()
    click.echo(f"Closed {closed} expired attempt{'s' if closed != 1 else ''}.")


def _read_password(from_stdin: bool, prompt: str) -> str:
    """A password from standard input's first line, or typed twice at a hidden prompt; never echoed."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.option("--email", required=True, help="The account's email address.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.STUDENT.value, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting.")
def create_user(email: str, role: str, password_stdin: bool) -> None:
    """Create an account; the password is prompted for (or read from stdin), never printed."""
    password = _read_password(password_stdin, "Password")
    try:
        user = accounts.create_user(email, password, Role(role))
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.role} account {user.email}.")


@users_cli.command("set-password")
@click.option("--email", required=True, help="The account's email address.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting.")
@click.option(
    "--temporary/--permanent",
    default=True,
    show_default=True,
    help="Temporary: the user must choose a new password at their next log-in.",
)
def set_password(email: str, password_stdin: bool, temporary: bool) -> None:
    """Set an account's password (account recovery) and end its sessions; the password is never printed."""
    password = _read_password(password_stdin, "New password")
    try:
        user = accounts.set_password_by_email(email, password, temporary=temporary)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    then = " They must choose a new one at their next log-in." if temporary else ""
    click.echo(f"Password set for {user.email}; their sessions have ended.{then}")


@users_cli.command("list")
def list_users() -> None:
    """Print every account: email, role, and whether it is active (newest last)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User

    users = list(db.session.scalars(select(User).order_by(User.id)))
    for user in users:
        click.echo(f"{user.email:<40} {user.role:<11} {'active' if user.active else 'deactivated'}")
    click.echo(f"{len(users)} account{'s' if len(users) != 1 else ''}.")


@users_cli.command("demo")
def demo_accounts() -> None:
    """On an empty database, create one demo account per role and print how to log in."""
    created = accounts.ensure_demo_accounts()
    if not created:
        click.echo("Accounts already exist; no demo accounts created.")
        return
    click.echo("Demo accounts created (for local use only; passwords are public):")
    for login in created:
        click.echo(f"  {login.role.value:<11} {login.email:<24} password: {login.password}")


@course_cli.command("load")
def load_course() -> None:
    """Load lessons and the question bank; record every question id and the content version in the database."""
    try:
        course, report = load_and_record()  # the files as they are now, not a copy cached in this process
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1) from None
    click.echo(
        f"Course loaded: {report.lessons} lessons, {len(course.readings)} readings, {report.questions} questions "
        f"({report.added} new, {report.changed} changed, {report.retired} retired)."
    )


@course_cli.command("validate")
@click.option("--bank", type=click.Path(path_type=Path), default=None, help="Question bank file (default: question_bank.yaml).")
@click.option("--lessons", type=click.Path(path_type=Path), default=None, help="Lessons folder (default: lessons/).")
def validate_course(bank: Path | None, lessons: Path | None) -> None:
    """Check the content; exit 1 with located errors, else print a summary table."""
    from course.validate import run_cli

    code = run_cli(bank or Path(current_app.config["QUESTION_BANK"]), lessons or Path(current_app.config["LESSONS_DIR"]))
    raise SystemExit(code)


@course_cli.command("coverage")
@click.option("--reading", "reading_id", default=None, help="One reading's id (default: every reading).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True)
def coverage_map(reading_id: str | None, fmt: str) -> None:
    """Print the coverage map: each reading's numbered paragraphs, the questions citing them, the class facility."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.extensions import db
    from app.teach.coverage import facility_everywhere
    from course.coverage import coverage, to_text, write_csv

    course = get_course()
    if reading_id is not None and reading_id not in course.reading_by_id:
        # Before any query: a typo is answered at once, as a usage error (exit 2), whatever the database's state.
        raise click.UsageError(f"No reading {reading_id!r}. Known readings: {', '.join(course.reading_by_id)}.")
    try:
        facility = facility_everywhere(course)
    except SQLAlchemyError:
        # The map itself is content only: without a migrated database it still answers, minus facility.
        db.session.rollback()
        click.echo("note: no facility figures (the database is not ready: flask --app app db upgrade).", err=True)
        facility = {}
    readings = coverage(course, facility, [reading_id] if reading_id else None)
    if fmt == "csv":
        buffer = io.StringIO()  # a few hundred rows: built whole, then echoed like the text table
        write_csv(readings, buffer)
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(to_text(readings))


export_cli = AppGroup("export", help="Export grades, questions and the unit.")


@export_cli.command("grades")
@click.option("--format", "fmt", type=click.Choice(["long", "wide", "canvas", "moodle"]), required=True)
@click.option("--section", "section_id", type=int, default=None, help="One section's id (default: every section).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write (UTF-8 CSV).")
def export_grades(fmt: str, section_id: int | None, out: Path) -> None:
    """Write a grade export, streamed with constant memory, with a progress bar."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Section
    from app.services.grades import grade_rows, learner_count
    from course.exports.grades import export_csv

    ids = [section_id] if section_id is not None else list(db.session.scalars(select(Section.id)))
    if section_id is not None and db.session.get(Section, section_id) is None:
        raise click.ClickException(f"No section with id {section_id}.")
    columns, learners = grade_rows(ids)
    total = learner_count(ids)
    with (
        out.open("w", encoding="utf-8", newline="") as handle,
        click.progressbar(length=total, label=f"Exporting {total} learners", file=sys.stderr) as bar,
    ):

        def counted():
            for item in learners:
                bar.update(1)
                yield item

        for chunk in export_csv(fmt, columns, counted()):
            handle.write(chunk)
    click.echo(f"Wrote {fmt} grades for {total} learner rows and {len(columns)} assignments to {out}.")


@export_cli.command("questions")
@click.option("--format", "fmt", type=click.Choice(list(QUESTION_FORMATS)), required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: the format's file name).",
)
def export_questions(fmt: str, out: Path | None) -> None:
    """Write the question bank in one of the export formats (docs/question-exports.md)."""
    from app.services.question_export import export_questions as build

    out = out or Path(QUESTION_FORMATS[fmt].filename)
    data, count, skipped = build(get_course(), fmt)
    out.write_bytes(data)
    note = f" ({skipped} questions have no equivalent there and were left out; see docs/question-exports.md)" if skipped else ""
    click.echo(f"Wrote {count} questions as {fmt} to {out}{note}.")


@export_cli.command("cartridge")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write (.imscc).")
def export_cartridge(out: Path) -> None:
    """Write the whole unit as an IMS Common Cartridge 1.1 for Canvas or Moodle (docs/cartridge.md)."""
    from app.services.cartridge import unit_cartridge
    from course.exports.cartridge import carried

    course = get_course()
    out.write_bytes(unit_cartridge())
    quizzes = sum(1 for lesson in course.lessons if carried(course, lesson.id))
    held = sum(len(carried(course, lesson.id)) for lesson in course.lessons)
    click.echo(
        f"Wrote {out}: {len(course.lessons)} lessons, {len(course.readings)} readings, the glossary and {quizzes} quizzes "
        f"holding {held} of {len(course.questions)} questions (the rest are listed in the package; see docs/cartridge.md)."
    )


@click.command("demo")
@with_appcontext
@click.option("--learners", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def demo(learners: int, seed: int) -> None:
    """Create a demo section of synthetic learners with realistic attempts (for dashboards and benchmarks)."""
    from app.services.demo import DEMO_PASSWORD, create_demo

    report = create_demo(get_course(), learners, seed)
    click.echo(
        f'Created section {report.section.id} "{report.section.name}" (join code {report.section.join_code}) '
        f"with {report.learners} learners, {report.attempts} attempts and {report.answers} answers."
    )
    click.echo(
        f"Log in as {report.instructor_email} (password demo-instructor-pass) to see the dashboard; "
        f"learners use the password {DEMO_PASSWORD}."
    )


@click.command("backup")
@with_appcontext
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Backup file to write.")
def backup_command(out: Path) -> None:
    """Back up the SQLite database while the app runs (online backup)."""
    from app.services.backup import BackupError, backup

    try:
        size = backup(out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up the database to {out} ({size / 1024:.0f} KiB).")


@click.command("restore")
@with_appcontext
@click.option("--from", "source", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Backup file to restore.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the SQLite database with a backup (stop the app first)."""
    from app.services.backup import BackupError, restore

    if not yes:
        click.confirm("This replaces every row in the database with the backup. Continue?", abort=True)
    try:
        restore(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored the database from {source}. Run `flask --app app db upgrade` if the backup is from an older release.")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(users_cli)
    app.cli.add_command(course_cli)
    app.cli.add_command(attempts_cli)
    app.cli.add_command(sessions_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(demo)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
