"""The item analysis reads its responses as columns; they must be exactly the rule written plainly.

The rule: every stored answer of a submitted attempt (its score, 0 when unscored, and for choice
questions the options picked), except essays not graded yet; plus every drawn question without a
stored row (attempts submitted before each question got one), scoring 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, select, update

from app import create_app
from app.extensions import db
from app.models import Attempt, AttemptAnswer
from app.services import item_analysis
from app.services.content import get_course
from app.services.demo import create_demo
from course.qtypes import type_of
from tests.conftest import base_config, empty_tables

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def real_app(database_url: str) -> Iterator[Flask]:
    """An app on the real course (it has essays and every choice type), emptied afterwards."""
    application = create_app(
        {**base_config(database_url), "LESSONS_DIR": str(ROOT / "lessons"), "QUESTION_BANK": str(ROOT / "question_bank.yaml")}
    )
    yield application
    with application.app_context():
        empty_tables()
        db.session.remove()
        db.engine.dispose()


def plain_rule(course, condition) -> list[tuple]:
    """The responses, computed the simple way: one ORM object per stored answer."""
    found, stored = [], set()
    rows = db.session.scalars(
        select(AttemptAnswer)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(Attempt.submitted_at.is_not(None), condition)
    )
    for row in rows:
        stored.add((row.attempt_id, row.question_id))
        question = course.question_by_id.get(row.question_id)
        if row.score is None and question is not None and not type_of(question).auto_graded:
            continue
        found.append((row.attempt_id, row.question_id, row.score or 0.0, item_analysis.choices_of(question, row.response)))
    for attempt in db.session.scalars(select(Attempt).where(Attempt.submitted_at.is_not(None), condition)):
        found += [(attempt.id, qid, 0.0, None) for qid in attempt.question_ids if (attempt.id, qid) not in stored]
    return sorted(found, key=repr)


def columns(course, condition) -> list[tuple]:
    r = item_analysis.responses_where(condition, course)
    return sorted(zip(r.attempt_ids, r.item_ids, r.scores, r.choices, strict=True), key=repr)


@pytest.mark.parametrize("by_id", [500, 1], ids=["short-attempts-by-id", "short-attempts-by-filter"])
def test_the_columns_are_the_plain_rule_with_legacy_attempts_and_ungraded_essays(real_app, monkeypatch, by_id):
    monkeypatch.setattr(item_analysis, "SHORT_BY_ID", by_id)
    with real_app.app_context():
        course = get_course()
        create_demo(course, learners=12, seed=5)
        submitted = db.session.scalars(select(Attempt).where(Attempt.submitted_at.is_not(None))).all()
        assert len(submitted) >= 4
        # Two attempts from before every drawn question got a row: some rows are missing.
        for attempt in submitted[:2]:
            db.session.execute(
                delete(AttemptAnswer).where(
                    AttemptAnswer.attempt_id == attempt.id, AttemptAnswer.question_id.in_(attempt.question_ids[:3])
                )
            )
        # An essay waiting for its grade, in an attempt that also lost a row.
        essay = next(q for q in course.questions if not type_of(q).auto_graded)
        db.session.add(AttemptAnswer(attempt_id=submitted[2].id, question_id=essay.id, response="An essay.", score=None))
        db.session.execute(
            delete(AttemptAnswer).where(
                AttemptAnswer.attempt_id == submitted[2].id, AttemptAnswer.question_id == submitted[2].question_ids[0]
            )
        )
        db.session.execute(
            update(Attempt).where(Attempt.id == submitted[2].id).values(question_ids=[*submitted[2].question_ids, essay.id])
        )
        db.session.commit()
        for condition in (Attempt.id.is_not(None), Attempt.assignment_id.is_not(None), Attempt.id == submitted[2].id):
            plain = plain_rule(course, condition)
            assert plain, "the demo has responses to compare"
            assert columns(course, condition) == plain
        essay_rows = [row for row in columns(course, Attempt.id == submitted[2].id) if row[1] == essay.id]
        assert essay_rows == [], "an essay waiting for its grade is neither a response nor an unanswered 0"
        assert any(choice is not None for *_, choice in plain_rule(course, Attempt.id.is_not(None))), (
            "choice questions were compared"
        )
