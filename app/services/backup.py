"""Online backup and restore of the embedded SQLite database (PostgreSQL uses pg_dump)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from app.extensions import db


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says what to do instead."""


def sqlite_path() -> Path:
    """The database file, or an error saying this is not SQLite."""
    url = make_url(str(db.engine.url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "This command backs up the embedded SQLite database. For PostgreSQL use pg_dump (see docs/deployment.md)."
        )
    return Path(url.database)


def backup(out: Path) -> int:
    """Copy the live database to `out` with SQLite's online backup API; return its size in bytes."""
    source_path = sqlite_path()
    if out.resolve() == source_path.resolve():
        raise BackupError("The backup file must not be the database itself.")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    source = sqlite3.connect(source_path)
    try:
        target = sqlite3.connect(tmp)
        with target:
            # Copies page by page while the app keeps serving; writers are not blocked for long.
            source.backup(target, pages=1024)
        target.close()
    finally:
        source.close()
    _check(tmp)
    tmp.replace(out)  # atomic: a crash mid-backup never leaves a half file under the final name
    return out.stat().st_size


def _check(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    if result != "ok" or "alembic_version" not in tables:
        raise BackupError(f"{path} is not a sound Oversight database (integrity: {result}).")


def restore(source: Path) -> None:
    """Replace the live database with a backup (checked first), using the backup API in reverse."""
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    _check(source)
    target_path = sqlite_path()
    db.session.remove()
    db.engine.dispose()
    src = sqlite3.connect(source)
    try:
        target = sqlite3.connect(target_path)
        with target:
            src.backup(target)
        target.close()
    finally:
        src.close()
