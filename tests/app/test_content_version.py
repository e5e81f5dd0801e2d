"""A running app reads the course files again when `course load` (on any host) records a new version.

tests/app/test_two_servers.py checks the same with two gunicorn servers; these check the rule
in-process: when the check runs, what a request sees, and a host whose files do not load.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from app.services.content import get_course
from tests.conftest import COURSE, Auth, base_config, make_user

ORIGINAL = "How many cameras did the city install in 2017"
EDITED = "How many cameras did the city put up in 2017"


@pytest.fixture()
def host(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Callable[..., tuple[Flask, Path]]]:
    """Make an app on the test database with its own copy of the course files (one host of a deployment)."""
    made: list[Flask] = []

    def make(name: str, check_seconds: float = 0) -> tuple[Flask, Path]:
        course = tmp_path / name
        shutil.copytree(COURSE, course)
        settings = {
            **base_config(database_url),
            "LESSONS_DIR": str(course / "lessons"),
            "QUESTION_BANK": str(course / "bank.yaml"),
            "CONTENT_CHECK_SECONDS": check_seconds,
        }
        made.append(create_app(settings))
        return made[-1], course

    yield make
    for each in made:
        with each.app_context():
            db.engine.dispose()


def prompt(app: Flask) -> str:
    with app.app_context():
        return get_course().question_by_id["demo-001"].prompt


def edit(course: Path) -> None:
    bank = course / "bank.yaml"
    bank.write_text(bank.read_text().replace(ORIGINAL, EDITED, 1))


def load(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["course", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_running_app_sees_a_course_load_at_its_next_check_and_not_before(host):
    operator, operator_files = host("operator")
    server, server_files = host("server", check_seconds=3600)
    load(operator)
    assert ORIGINAL in prompt(server)
    edit(operator_files)
    edit(server_files)  # the new release is on both hosts; one of them runs `course load`
    assert "1 changed" in load(operator)
    assert ORIGINAL in prompt(server), "between checks the server reads nothing"
    server.config["CONTENT_CHECK_SECONDS"] = 0
    assert EDITED in prompt(server)
    with server.app_context():
        current = get_course()
    load(operator)  # the same files again: the version is unchanged, nothing is read
    with server.app_context():
        assert get_course() is current


def test_a_request_keeps_the_course_it_started_with(host):
    operator, operator_files = host("operator")
    server, server_files = host("server")
    load(operator)
    with server.test_request_context("/"):
        first = get_course()
        edit(operator_files)
        edit(server_files)
        load(operator)
        assert get_course() is first
    assert EDITED in prompt(server)  # the next request has the new version


def test_a_host_whose_files_do_not_load_keeps_its_course_and_says_why(host, caplog, monkeypatch):
    operator, operator_files = host("operator")
    server, server_files = host("server")
    # Alembic's logging setup (a migration run earlier in this process) disables loggers that already exist.
    monkeypatch.setattr(server.logger, "disabled", False)
    load(operator)
    assert ORIGINAL in prompt(server)
    edit(operator_files)
    (server_files / "bank.yaml").write_text("questions: [")  # a broken copy on this host
    load(operator)
    with caplog.at_level(logging.ERROR):
        assert ORIGINAL in prompt(server)
        assert ORIGINAL in prompt(server)
    errors = [r for r in caplog.records if "content files do not load" in r.getMessage()]
    assert len(errors) == 1, "said once per version, not on every request"


def test_lesson_pages_cached_by_a_server_show_the_new_version_after_a_course_load(host):
    """Anonymous pages and the parts every learner shares are kept per course version, never past it."""
    operator, operator_files = host("operator")
    server, server_files = host("server")
    load(operator)
    reader, learner = server.test_client(), server.test_client()
    make_user(server, "reader@example.org")
    assert Auth(learner).login("reader@example.org").status_code == 302
    for client in (reader, learner, reader, learner):  # the second round is served from the caches
        assert "Cameras matter." in client.get("/lessons/01-demo").get_data(as_text=True)
    for files in (operator_files, server_files):
        lesson = files / "lessons" / "01-demo.md"
        lesson.write_text(lesson.read_text().replace("Cameras matter.", "Cameras matter a great deal."))
    load(operator)
    assert "Cameras matter a great deal." in reader.get("/lessons/01-demo").get_data(as_text=True), "old anonymous page"
    page = learner.get("/lessons/01-demo").get_data(as_text=True)
    assert "Cameras matter a great deal." in page and "Mark as complete" in page, "old lesson body for a learner"
