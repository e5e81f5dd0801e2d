"""Flask CLI commands: thin wrappers over services and the core."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.models import Role
from app.services import accounts
from app.services.content import get_course, sync_catalogue
from course.errors import ContentError

users_cli = AppGroup("users", help="Manage accounts.")
course_cli = AppGroup("course", help="Check and load the course content.")


@users_cli.command("create")
@click.option("--email", required=True, help="The account's email address.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.STUDENT.value, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting.")
def create_user(email: str, role: str, password_stdin: bool) -> None:
    """Create an account; the password is prompted for (or read from stdin), never printed."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, password, Role(role))
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.role} account {user.email}.")


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
    """Load lessons and the question bank and record every question id in the database."""
    try:
        course = get_course()
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1) from None
    report = sync_catalogue(course)
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


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(users_cli)
    app.cli.add_command(course_cli)
