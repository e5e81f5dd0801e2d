"""Backup while serving and restore, for the embedded SQLite database."""

import sqlite3

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import User
from tests.conftest import base_config, make_user, migrate_to_head


@pytest.fixture()
def sqlite_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    migrate_to_head(url)
    app = create_app(base_config(url))
    yield app
    with app.app_context():
        db.engine.dispose()


def emails(app):
    with app.app_context():
        return sorted(db.session.scalars(select(User.email)))


def test_backup_and_restore_round_trip(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    make_user(sqlite_app, "kept@example.org")
    backup = tmp_path / "backups" / "nightly.db"
    result = runner.invoke(args=["backup", "--out", str(backup)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT email FROM users").fetchall() == [("kept@example.org",)]
    conn.close()
    make_user(sqlite_app, "after-backup@example.org")
    with sqlite_app.app_context():
        db.session.execute(User.__table__.delete().where(User.email == "kept@example.org"))
        db.session.commit()
    assert emails(sqlite_app) == ["after-backup@example.org"]
    result = runner.invoke(args=["restore", "--from", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert emails(sqlite_app) == ["kept@example.org"]


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_app, tmp_path):
    junk = tmp_path / "junk.db"
    sqlite3.connect(junk).execute("CREATE TABLE t (x)").connection.close()
    make_user(sqlite_app, "still-here@example.org")
    result = sqlite_app.test_cli_runner().invoke(args=["restore", "--from", str(junk), "--yes"])
    assert result.exit_code != 0 and "not a sound Oversight database" in result.output
    assert emails(sqlite_app) == ["still-here@example.org"]


def test_backup_explains_postgresql(tmp_path, monkeypatch):
    app = create_app(base_config("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(tmp_path / "x.db")])
    assert result.exit_code != 0 and "pg_dump" in result.output
