"""Upgrading from the first revision to head keeps the data of every table."""
from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.conftest import base_config, private_schema

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
# Rows written at each revision, as a user of that release would have left them.
STEPS = {
    "0001": {
        "users": {"id": 1, "email": "old@example.org", "password_hash": "scrypt:x", "role": "student", "active": True,
                  "session_version": 1, "is_demo": False, "created_at": NOW},
        "question": {"id": "goode-2020-001", "lesson_id": "01-goode-2020", "objective_id": "01-goode-2020.o1",
                     "type": "single_choice", "content_hash": "h", "retired": False, "updated_at": NOW},
    },
    "0002": {
        "lesson_completion": {"user_id": 1, "lesson_id": "01-goode-2020", "completed_at": NOW},
        "answer": {"id": 1, "user_id": 1, "question_id": "goode-2020-001", "objective_id": "01-goode-2020.o1", "mode": "practice",
                   "response": "1", "score": 1.0, "confidence": None, "answered_at": NOW},
        "review_card": {"user_id": 1, "question_id": "goode-2020-001", "card": '{"state": 1}', "due": NOW, "reviews": 1},
        "attempt": {"id": 1, "user_id": 1, "kind": "mock", "title": "Old attempt", "seed": "s", "question_ids": '["goode-2020-001"]',
                    "feedback_policy": "after_submit", "started_at": NOW, "deadline": None, "submitted_at": NOW,
                    "timed_out": False, "score": 1.0, "position": 0},
        "attempt_answer": {"attempt_id": 1, "question_id": "goode-2020-001", "response": "1", "score": 1.0, "saved_at": NOW},
    },
    "0003": {
        "section": {"id": 1, "name": "Old section", "term": "T", "instructor_id": 1, "join_code": "ABCDEFGH", "created_at": NOW},
        "enrollment": {"section_id": 1, "user_id": 1, "joined_at": NOW},
        "assignment": {"id": 1, "section_id": 1, "title": "Old quiz", "lesson_ids": '["01-goode-2020"]', "objective_ids": "[]",
                       "question_types": "[]", "num_questions": 1, "opens_at": NOW, "due_at": NOW, "time_limit_minutes": None,
                       "attempts_allowed": 1, "counting": "highest", "points": 10.0, "feedback_policy": "after_submit",
                       "answers_policy": "after_due", "created_at": NOW},
        "extension": {"assignment_id": 1, "user_id": 1, "extra_minutes": 5, "due_at": None},
        "score_override": {"assignment_id": 1, "user_id": 1, "points": 9.0, "reason": "kept", "actor_id": 1, "created_at": NOW},
        "audit_log": {"id": 1, "actor_id": 1, "action": "score.override", "target": "assignment 1", "detail": "{}", "created_at": NOW},
    },
    "0006": {
        "section_removal": {"section_id": 1, "user_id": 1, "removed_at": NOW},
        "retired_join_code": {"code": "OLDCODE2", "section_id": 1, "retired_at": NOW},
    },
    "0007": {
        "user_session": {"id": "0" * 64, "user_id": 1, "device": "Firefox on Linux", "created_at": NOW, "last_seen_at": NOW},
    },
}


@pytest.fixture(params=["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else []))
def empty_database(request, tmp_path):
    """A database with no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    with private_schema(os.environ["TEST_DATABASE_URL"], "mig") as url:
        yield url


def test_every_revision_keeps_the_rows_of_every_table(empty_database):
    app = create_app(base_config(empty_database))
    with app.app_context():
        for revision, rows in STEPS.items():
            upgrade(revision=revision)
            with db.engine.begin() as conn:
                for table, row in rows.items():
                    columns = ", ".join(f'"{c}"' for c in row)
                    conn.execute(text(f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join(":" + c for c in row)})'), row)
        upgrade(revision="head")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        written = {t for rows in STEPS.values() for t in rows}
        assert tables == written, "a new table needs a row in STEPS so its data is checked across upgrades"
        with db.engine.connect() as conn:
            for rows in STEPS.values():
                for table, row in rows.items():
                    key = next(iter(row))
                    found = conn.execute(text(f'SELECT * FROM "{table}" WHERE "{key}" = :v'), {"v": row[key]}).mappings().all()
                    assert len(found) == 1, (table, found)
                    stored = found[0]
                    for column in ("email", "title", "name", "reason", "lesson_id", "question_id", "points", "score"):
                        if column in row:
                            assert stored[column] == row[column], (table, column)
        db.engine.dispose()
