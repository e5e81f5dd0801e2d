"""The ceiling: a bare Flask + Flask-SQLAlchemy app whose one endpoint reads one row and inserts one.

It is the reference for `bench.answer_save`: the same gunicorn settings, the same database engine
and the same durability settings as the app (SQLite in WAL mode with synchronous=FULL and a 15 s
busy timeout; `pool_pre_ping` everywhere), so the ratio app / ceiling measures what the app does
per request beyond one primary-key read, one INSERT and one COMMIT, not the fsync policy.

`POST /save` (form field `value`) reads `ceiling_item` 1 and inserts a `ceiling_event`, then
answers 302 like the app's answer endpoint. `GET /read` reads `ceiling_item` 1 and answers its
name (with `POST /save`, the floor that `bench.lesson_page` and `bench.start_300` measure beside
the app). `GET /healthz` runs SELECT 1.

Served as `gunicorn "bench.ceiling:create_app()"` with CEILING_DATABASE_URL set.

`run()` measures the ceiling alone (keys `ceiling_alone_rps`, `ceiling_alone_rps_c16`,
`ceiling_alone_rps_c64`, `ceiling_alone_errors`, `_pg` on PostgreSQL): a sanity check of the
reference. The ratio that matters is measured in `bench.answer_save`, in the same run as the app.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, redirect, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, ForeignKey, Integer, String, event, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Its own metadata: nothing shared with the app."""


db = SQLAlchemy(model_class=Base)

# As in app/extensions.py: mypy cannot subclass the variable db.Model, so it checks the models against Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


class Item(Model):
    """The row every request reads."""

    __tablename__ = "ceiling_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class Event(Model):
    """The row every request inserts."""

    __tablename__ = "ceiling_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ceiling_item.id"))
    value: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """The app's SQLite settings (app/__init__.py), so both pay the same per-commit fsync."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def create_app(database_url: str | None = None) -> Flask:
    """The bare app on `database_url` (default: $CEILING_DATABASE_URL)."""
    app = Flask(__name__)
    url = database_url or os.environ["CEILING_DATABASE_URL"]
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 15}
    app.config.update(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=options)
    db.init_app(app)
    if url.startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)

    @app.post("/save")
    def save():
        item = db.session.get(Item, 1)
        db.session.add(Event(item_id=item.id, value=request.form.get("value", "")[:500], created_at=datetime.now(UTC)))
        db.session.commit()
        return redirect("/done")

    @app.get("/read")
    def read():
        # The floor under any signed-in page: one primary-key read of an ORM row, the least a
        # server-side session check can cost (`lesson_floor_ratio`; the burst floor's GETs).
        return db.session.get(Item, 1).name

    @app.get("/healthz")
    def healthz():
        db.session.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


def prepare(database_url: str) -> None:
    """Create the two tables and the row to read."""
    app = create_app(database_url)
    with app.app_context():
        db.create_all()
        db.session.add(Item(id=1, name="the row every request reads"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def env(database_url: str) -> dict[str, str]:
    """The ceiling server's environment."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("FLASK_")},
        "CEILING_DATABASE_URL": database_url,
        "PYTHONDONTWRITEBYTECODE": "1",
    }


@contextlib.contextmanager
def serve(backend: Any, workdir: Path) -> Iterator[tuple[Any, Path]]:
    """A fresh ceiling database and server; yields (server, wrk tuples file)."""
    from bench import _harness as h

    with h.database(backend, "ceiling") as url:
        prepare(url)
        tuples = workdir / "ceiling_tuples.tsv"
        h.write_tuples(tuples, [("POST", "/save", "", f"value=answer-{i}") for i in range(16)])
        with h.gunicorn("bench.ceiling:create_app()", env(url), "/healthz", "ceiling") as server:
            yield server, tuples


def run(repeats: int = 3, duration_s: float = 4) -> dict[str, float]:
    """The ceiling alone at 16 and 64 connections, median of `repeats` wrk runs per backend."""
    from bench import _harness as h

    h.ensure_wrk()
    figures: dict[str, float] = {}
    raw: dict[str, Any] = {}
    for backend in h.backends():
        runs: dict[int, list[h.WrkResult]] = {16: [], 64: []}
        with tempfile.TemporaryDirectory(prefix="bench-ceiling-") as tmp, serve(backend, Path(tmp)) as (server, tuples):
            h.run_wrk(server.url, tuples, 16, 1)  # warm-up
            for _ in range(repeats):
                for conns in runs:
                    runs[conns].append(h.run_wrk(server.url, tuples, conns, duration_s))
        s = backend.suffix
        for conns, results in runs.items():
            figures[f"ceiling_alone_rps_c{conns}{s}"] = h.median([r.rps for r in results])
        figures[f"ceiling_alone_rps{s}"] = figures[f"ceiling_alone_rps_c64{s}"]
        figures[f"ceiling_alone_errors{s}"] = sum(r.errors for rs in runs.values() for r in rs)
        raw[backend.name] = {c: [r.__dict__ for r in rs] for c, rs in runs.items()}
    h.write_results("ceiling", {"figures": figures, "runs": raw})
    return figures


if __name__ == "__main__":
    print(run())
