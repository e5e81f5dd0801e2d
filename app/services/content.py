"""The course content as the app sees it: one copy per process, re-read when `course load` records a new version.

The rule (several workers and hosts, one database): `flask course load` writes the SHA-256 of the
content files (the lessons folder and the bank file) to the one row of `content_version`. Each
process keeps the course it read from its files together with the version stored when it read
them; at most once every CONTENT_CHECK_SECONDS (default 5) it reads that row, one primary-key
lookup on its own connection, and when the version changed it reads its files again. So a
`course load` on one host reaches every running worker on every host within that time, without a
restart; between checks nothing is read, and files are never read on an ordinary request. A
request keeps the course it started with, so one page never mixes two versions.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app import clock
from app.extensions import db
from app.models import ContentVersion, QuestionRecord
from course.catalog import Course, load_course
from course.errors import ContentError

DEFAULT_CHECK_SECONDS = 5.0
_COURSE = "oversight_course"
_STATE = "oversight_course_state"
_REQUEST_KEY = "oversight.course"  # in the WSGI environ: the course this request started with
# Per-process caches built from the course (app/services/cartridge.py, app/learn/views.py), dropped when it is read again.
_DERIVED = ("oversight_cartridge", "oversight_lesson_parts", "oversight_anonymous_lessons")
_UNREADABLE = "unreadable"  # the version row could not be read (no table yet, database down); never a SHA-256
_RELOAD = threading.Lock()  # one thread of a process re-reads the files; the others keep the old course meanwhile


@dataclass
class _Loaded:
    """What this process knows about its course: the stored version it matches and when it last looked."""

    version: str | None  # None: no `course load` recorded yet
    checked_at: float


def content_fingerprint(lessons_dir: str | Path, bank_path: str | Path) -> str:
    """SHA-256 of every file under the lessons folder (names and bytes, in name order) and of the bank file."""
    digest = hashlib.sha256()
    root = Path(lessons_dir)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    digest.update(b"bank\0" + Path(bank_path).read_bytes())
    return digest.hexdigest()


def stored_version() -> str | None:
    """The content version `course load` last recorded (None before the first), on a connection of its own.

    Its own connection, so a failure (an unmigrated database, a database that is down) never spoils
    the request's transaction; it reads as _UNREADABLE and the course in memory stays.
    """
    try:
        with db.engine.connect() as connection:
            return connection.scalar(select(ContentVersion.version).where(ContentVersion.id == 1))
    except SQLAlchemyError:
        return _UNREADABLE


def get_course() -> Course:
    """Return the course: read from the files on first use in this process, again when `course load` changed it."""
    if has_request_context():
        pinned = request.environ.get(_REQUEST_KEY)
        if pinned is not None:
            return pinned
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # the app behind the proxy, to key its caches
    course = app.extensions.get(_COURSE)
    course = _read(app, stored_version()) if course is None else _fresh(app, course)
    if has_request_context():
        request.environ[_REQUEST_KEY] = course
    return course


def per_course(name: str, course: Course) -> dict:
    """A per-process cache that lives as long as this course version (a `course load` starts a new one).

    Keyed by the course object itself, so a request still holding the previous version can never
    file what it built under the new one. `name` must be listed in _DERIVED, which frees it at a reload.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    held = app.extensions.get(name)
    if held is None or held[0] is not course:
        held = app.extensions[name] = (course, {})
    return held[1]


def _fresh(app: Flask, course: Course) -> Course:
    """The course, or the files read again if the stored version moved since this process read them."""
    loaded: _Loaded | None = app.extensions.get(_STATE)
    now = time.monotonic()
    if loaded is None:  # a course put in place without reading the files (a test's edited course): it is current
        app.extensions[_STATE] = _Loaded(stored_version(), now)
        return course
    if now - loaded.checked_at < float(app.config.get("CONTENT_CHECK_SECONDS", DEFAULT_CHECK_SECONDS)):
        return course
    loaded.checked_at = now
    version = stored_version()
    if version == loaded.version or version == _UNREADABLE:
        return course
    with _RELOAD:
        latest: _Loaded | None = app.extensions.get(_STATE)
        if latest is not loaded:  # another thread read the files meanwhile
            return app.extensions[_COURSE]
        try:
            return _read(app, version)
        except ContentError as exc:
            # This host's files do not load (the host that ran `course load` validated its own): keep
            # serving the course this process has, and say why, once per version.
            loaded.version = version
            app.logger.error("Course version %s recorded, but this host's content files do not load: %s", version, exc)
            return course


def _read(app: Flask, version: str | None) -> Course:
    """Read the files (the version was read first: a `course load` racing this read is caught at the next check)."""
    lessons, bank = app.config["LESSONS_DIR"], app.config["QUESTION_BANK"]
    course = load_course(lessons, bank)
    if version not in (None, _UNREADABLE) and content_fingerprint(lessons, bank) != version:
        app.logger.warning(
            "The course files on this host differ from the version `course load` recorded (%s): "
            "deploy the same release to every host, then run `flask course load` once.",
            version,
        )
    _install(app, course, version)
    return course


def _install(app: Flask, course: Course, version: str | None) -> None:
    app.extensions[_COURSE] = course
    for key in _DERIVED:
        app.extensions.pop(key, None)
    app.extensions[_STATE] = _Loaded(version, time.monotonic())


@dataclass(frozen=True)
class LoadReport:
    """What `flask course load` changed in the catalogue."""

    lessons: int
    questions: int
    added: int
    changed: int
    retired: int


def sync_catalogue(course: Course, version: str | None = None) -> LoadReport:
    """Record every question id in the database (ids missing from the bank are retired, never deleted) and the
    content version, which tells every running process to read its files again; both in one commit."""
    existing = {row.id: row for row in db.session.scalars(select(QuestionRecord))}
    added = changed = retired = 0
    for question in course.questions:
        digest = course.question_hash_by_id[question.id]  # the same version hash stored with every grade
        row = existing.pop(question.id, None)
        if row is None:
            db.session.add(
                QuestionRecord(
                    id=question.id,
                    lesson_id=question.lesson,
                    objective_id=question.objective,
                    type=question.type,
                    content_hash=digest,
                )
            )
            added += 1
        elif row.content_hash != digest or row.retired:
            row.lesson_id, row.objective_id, row.type = question.lesson, question.objective, question.type
            row.content_hash, row.retired = digest, False
            changed += 1
    for row in existing.values():
        if not row.retired:
            row.retired = True
            retired += 1
    if version is None:
        version = content_fingerprint(current_app.config["LESSONS_DIR"], current_app.config["QUESTION_BANK"])
    stored = db.session.get(ContentVersion, 1)
    if stored is None:
        db.session.add(ContentVersion(id=1, version=version, loaded_at=clock.now()))
    elif stored.version != version:
        stored.version, stored.loaded_at = version, clock.now()
    db.session.commit()
    return LoadReport(len(course.lessons), len(course.questions), added, changed, retired)


def load_and_record() -> tuple[Course, LoadReport]:
    """Read the content files afresh and record them: the question catalogue and the content version (`course load`)."""
    lessons, bank = current_app.config["LESSONS_DIR"], current_app.config["QUESTION_BANK"]
    version = content_fingerprint(lessons, bank)
    course = load_course(lessons, bank)
    report = sync_catalogue(course, version)
    _install(current_app._get_current_object(), course, version)  # type: ignore[attr-defined]
    return course, report
