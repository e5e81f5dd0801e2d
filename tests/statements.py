"""Record the SQL statements an app runs while a block runs (for tests that count queries)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from flask import Flask
from sqlalchemy import event

from app.extensions import db


@contextlib.contextmanager
def recorded(app: Flask) -> Iterator[list[str]]:
    """Yield a list that fills with every statement the app's engine executes until the block ends."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
