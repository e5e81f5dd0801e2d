"""Building blocks for tests that set up a class through the services: an assignment open now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app import clock
from app.services.assignments import AssignmentSettings

DEFAULTS: dict[str, Any] = {
    "objective_ids": (),
    "time_limit_minutes": None,
    "attempts_allowed": 1,
    "counting": "highest",
    "points": 10,
    "feedback_policy": "after_submit",
    "answers_policy": "after_due",
}


def open_quiz(
    title: str, lesson_ids: tuple[str, ...], question_types: tuple[str, ...], num_questions: int, **over: Any
) -> AssignmentSettings:
    """Settings of an assignment that opened a day ago and is due in six days (anything else can be overridden)."""
    now = clock.now()
    values = {**DEFAULTS, "opens_at": now - timedelta(days=1), "due_at": now + timedelta(days=6), **over}
    return AssignmentSettings(
        title=title, lesson_ids=lesson_ids, question_types=question_types, num_questions=num_questions, **values
    )
