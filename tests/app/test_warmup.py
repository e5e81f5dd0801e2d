"""A gunicorn worker loads the course and freezes its long-lived heap before the first request."""

from __future__ import annotations

import gc
import logging

from app.warmup import prepare_worker


def test_a_worker_has_its_course_and_a_frozen_heap_before_any_request(app):
    assert "oversight_course" not in app.extensions
    try:
        prepare_worker(app)
        assert "oversight_course" in app.extensions, "the course is read before the first request"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the test process goes on collecting as before


def test_a_worker_that_cannot_read_the_course_still_starts(app, monkeypatch, caplog):
    def broken():
        raise OSError("lessons folder missing")

    monkeypatch.setattr("app.services.content.get_course", broken)
    # Alembic's logging setup (a migration run earlier in this process) disables loggers that already exist.
    monkeypatch.setattr(logging.getLogger("app.warmup"), "disabled", False)
    try:
        prepare_worker(app)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert any("could not load the course" in r.getMessage() for r in caplog.records)


def test_the_procfile_web_process_prepares_each_worker():
    from app import gunicorn_conf

    assert gunicorn_conf.worker_class == "sync" and callable(gunicorn_conf.post_worker_init)
