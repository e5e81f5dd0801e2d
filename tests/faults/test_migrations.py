"""Upgrading from the first revision to head keeps the data of every table."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from course.scheduling import normalize, review
from tests.conftest import base_config, private_schema

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# Rows written at each revision, as a user of that release would have left them.
STEPS = {
    "0001": {
        "users": {
            "id": 1,
            "email": "old@example.org",
            "password_hash": "scrypt:x",
            "role": "student",
            "active": True,
            "session_version": 1,
            "is_demo": False,
            "created_at": NOW,
        },
        "question": {
            "id": "goode-2020-001",
            "lesson_id": "01-goode-2020",
            "objective_id": "01-goode-2020.o1",
            "type": "single_choice",
            "content_hash": "h",
            "retired": False,
            "updated_at": NOW,
        },
    },
    "0002": {
        "lesson_completion": {"user_id": 1, "lesson_id": "01-goode-2020", "completed_at": NOW},
        "answer": {
            "id": 1,
            "user_id": 1,
            "question_id": "goode-2020-001",
            "objective_id": "01-goode-2020.o1",
            "mode": "practice",
            "response": "1",
            "score": 1.0,
            "confidence": None,
            "answered_at": NOW,
        },
        "review_card": {
            "user_id": 1,
            "question_id": "goode-2020-001",
            "due": NOW,
            "reviews": 1,
            "card": json.dumps(
                {
                    "card_id": 1,
                    "state": 1,
                    "step": 0,
                    "stability": None,
                    "difficulty": None,
                    "due": NOW.isoformat(),
                    "last_review": None,
                }
            ),
        },
        "attempt": {
            "id": 1,
            "user_id": 1,
            "kind": "mock",
            "title": "Old attempt",
            "seed": "s",
            "question_ids": '["goode-2020-001"]',
            "feedback_policy": "after_submit",
            "started_at": NOW,
            "deadline": None,
            "submitted_at": NOW,
            "timed_out": False,
            "score": 1.0,
            "position": 0,
        },
        "attempt_answer": {"attempt_id": 1, "question_id": "goode-2020-001", "response": "1", "score": 1.0, "saved_at": NOW},
    },
    "0003": {
        "section": {"id": 1, "name": "Old section", "term": "T", "instructor_id": 1, "join_code": "ABCDEFGH", "created_at": NOW},
        "enrollment": {"section_id": 1, "user_id": 1, "joined_at": NOW},
        "assignment": {
            "id": 1,
            "section_id": 1,
            "title": "Old quiz",
            "lesson_ids": '["01-goode-2020"]',
            "objective_ids": "[]",
            "question_types": "[]",
            "num_questions": 1,
            "opens_at": NOW,
            "due_at": NOW,
            "time_limit_minutes": None,
            "attempts_allowed": 1,
            "counting": "highest",
            "points": 10.0,
            "feedback_policy": "after_submit",
            "answers_policy": "after_due",
            "created_at": NOW,
        },
        "extension": {"assignment_id": 1, "user_id": 1, "extra_minutes": 5, "due_at": None},
        "score_override": {"assignment_id": 1, "user_id": 1, "points": 9.0, "reason": "kept", "actor_id": 1, "created_at": NOW},
        "audit_log": {
            "id": 1,
            "actor_id": 1,
            "action": "score.override",
            "target": "assignment 1",
            "detail": "{}",
            "created_at": NOW,
        },
    },
    "0006": {
        "section_removal": {"section_id": 1, "user_id": 1, "removed_at": NOW},
        "retired_join_code": {"code": "OLDCODE2", "section_id": 1, "retired_at": NOW},
    },
    "0007": {
        "user_session": {"id": "0" * 64, "user_id": 1, "device": "Firefox on Linux", "created_at": NOW, "last_seen_at": NOW},
    },
    "0012": {
        "contest": {
            "id": 1,
            "user_id": 1,
            "question_id": "goode-2020-001",
            "attempt_id": 1,
            "answer_id": None,
            "section_id": 1,
            "reason": "Paragraph 3 says otherwise.",
            "paragraph": "goode-2020#p3",
            "status": "open",
            "response": None,
            "resolver_id": None,
            "created_at": NOW,
            "resolved_at": None,
        },
    },
    "0013": {
        "lti_platform": {
            "id": 1,
            "name": "Canvas",
            "issuer": "https://canvas.instructure.com",
            "client_id": "10000000000001",
            "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
            "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
            "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks",
            "auth_audience": None,
            "created_at": NOW,
        },
        "lti_deployment": {"platform_id": 1, "deployment_id": "1:abc"},
        "lti_key": {
            "kid": "kid-1",
            "private_pem": "-----BEGIN PRIVATE KEY-----",
            "public_jwk": '{"kty": "RSA"}',
            "created_at": NOW,
            "retired_at": None,
        },
        "lti_identity": {"platform_id": 1, "sub": "lms-user-1", "user_id": 1},
        "lti_context": {
            "id": 1,
            "platform_id": 1,
            "context_id": "course-1",
            "section_id": 1,
            "deployment_id": "1:abc",
            "title": "Old section",
            "memberships_url": None,
            "lineitems_url": None,
            "ags_scopes": None,
            "roster_synced_at": None,
        },
        "lti_context_staff": {"context_pk": 1, "user_id": 1},
        "lti_line_item": {"assignment_id": 1, "context_pk": 1, "url": "https://canvas.example/lineitems/1"},
        "lti_score_sync": {
            "id": 1,
            "assignment_id": 1,
            "user_id": 1,
            "context_pk": 1,
            "score_given": 7.5,
            "score_maximum": 10.0,
            "activity_progress": "Completed",
            "grading_progress": "FullyGraded",
            "changed_at": NOW,
            "status": "sent",
            "tries": 0,
            "next_try_at": NOW,
            "sent_at": NOW,
            "last_error": None,
        },
        "lti_launch_value": {"key": "lti1p3-nonce-x", "value": "true", "expires_at": NOW},
    },
    "0014": {
        "content_version": {"id": 1, "version": "0" * 64, "loaded_at": NOW},
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


# Review cards as the app stored them before 0008: fsrs 6's Card.to_dict().
LEGACY_CARD = {
    "card_id": 1,
    "state": 2,
    "step": None,
    "stability": 8.2956,
    "difficulty": 1.0,
    "due": "2026-03-09T12:00:00+00:00",
    "last_review": "2026-03-01T12:00:00+00:00",
}
VERSION_1_CARD = {
    "v": 1,
    "state": 2,
    "step": None,
    "stability": 8.2956,
    "difficulty": 1.0,
    "due": "2026-03-09T12:00:00+00:00",
    "last_review": "2026-03-01T12:00:00+00:00",
}
LEARNING_CARD = {
    "card_id": 1,
    "state": 1,
    "step": 1,
    "stability": 2.3065,
    "difficulty": 2.118103970459016,
    "due": "2026-03-01T14:10:00+02:00",
    "last_review": "2026-03-01T12:00:00+00:00",
}  # an offset: stored as UTC
UNREADABLE = {"state": 1}


def test_0008_moves_review_cards_to_the_apps_own_shape_and_back(empty_database):
    many = 2100  # more than one batch of the migration's keyset pages
    cards = {
        "legacy": LEGACY_CARD,
        "learning": LEARNING_CARD,
        "converted": VERSION_1_CARD,
        "unreadable": UNREADABLE,
        **{f"bulk-{i:05d}": {**LEGACY_CARD, "stability": 1.0 + i} for i in range(many)},
    }
    app = create_app(base_config(empty_database))
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, role, active, session_version, is_demo, created_at) "
                    "VALUES (1, 'a@example.org', 'x', 'student', true, 1, false, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                text("INSERT INTO review_card (user_id, question_id, card, due, reviews) VALUES (1, :q, :card, :due, 1)"),
                [{"q": q, "card": json.dumps(card), "due": NOW} for q, card in cards.items()],
            )

        def stored() -> dict:
            with db.engine.connect() as conn:
                rows = conn.execute(text("SELECT question_id, card FROM review_card")).all()
            return {q: card if isinstance(card, dict) else json.loads(card) for q, card in rows}

        upgrade(revision="0008")
        after = stored()
        assert after["legacy"] == after["converted"] == VERSION_1_CARD
        assert after["learning"] == {
            "v": 1,
            "state": 1,
            "step": 1,
            "stability": 2.3065,
            "difficulty": 2.118103970459016,
            "due": "2026-03-01T12:10:00+00:00",
            "last_review": "2026-03-01T12:00:00+00:00",
        }
        assert after["unreadable"] == UNREADABLE  # left for a person to look at, not guessed at
        assert all(after[f"bulk-{i:05d}"] == {**VERSION_1_CARD, "stability": 1.0 + i} for i in range(many))
        assert not any("card_id" in card for card in after.values())
        for q in ("legacy", "learning"):  # the app reads the converted row as the card it was
            assert normalize(after[q]) == normalize(cards[q])
            later = datetime.fromisoformat(after[q]["due"]) + timedelta(hours=1)
            assert review(after[q], 1.0, later) == review(cards[q], 1.0, later)

        downgrade(revision="0007")
        before = stored()
        assert before["legacy"] == before["converted"] == LEGACY_CARD
        assert before["learning"] == {**LEARNING_CARD, "due": "2026-03-01T12:10:00+00:00"}
        assert before["unreadable"] == UNREADABLE
        assert all(before[f"bulk-{i:05d}"] == {**LEGACY_CARD, "stability": 1.0 + i} for i in range(many))

        upgrade(revision="0008")
        assert stored() == after
        db.engine.dispose()
