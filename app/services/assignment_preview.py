"""Preview an assignment as a student: the same draw, order, time limit and feedback policy, with nothing recorded.

The preview's whole state (the draw's seed, when it started and the answers so far) travels in a
signed token in the page's form, never in the database: no attempt, attempt answer, answer or
review card is written, so a preview cannot touch grades, statistics, mastery or review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app import clock, randomness
from app.models import Assignment
from app.services.assignments import assignment_pool
from course import attempts as lifecycle
from course.catalog import Course
from course.drawing import draw
from course.grading import Grade, grade
from course.model import Question
from course.responses import from_json, to_json

MAX_AGE_SECONDS = 12 * 3600  # a preview left open longer starts again


@dataclass
class Preview:
    """One preview run: which assignment, whose, the seed of its draw, when it started, the answers saved."""

    assignment_id: int
    user_id: int
    seed: str
    started_at: datetime
    responses: dict[str, Any] = field(default_factory=dict)  # question id -> stored (JSON) response


def _serializer() -> URLSafeTimedSerializer:
    secret = current_app.secret_key
    assert secret is not None  # config.load sets SECRET_KEY or refuses to build the app
    return URLSafeTimedSerializer(secret, salt="assignment-preview")


def start(assignment: Assignment, user_id: int) -> Preview:
    """A new preview with a fresh seed, as a learner's start would draw."""
    return Preview(assignment.id, user_id, randomness.new_seed(), clock.now())


def issue(preview: Preview) -> str:
    """The signed token a preview page carries."""
    return _serializer().dumps(
        {
            "a": preview.assignment_id,
            "u": preview.user_id,
            "s": preview.seed,
            "t": preview.started_at.isoformat(),
            "r": preview.responses,
        }
    )


def read(token: str | None, assignment: Assignment, user_id: int) -> Preview | None:
    """The preview in a token, or None if it is missing, forged, too old, or another user's or assignment's."""
    if not token:
        return None
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != assignment.id or data.get("u") != user_id:
        return None
    return Preview(assignment.id, user_id, data["s"], datetime.fromisoformat(data["t"]), dict(data.get("r") or {}))


def questions(preview: Preview, assignment: Assignment, course: Course) -> list[Question]:
    """The questions in the order a learner's attempt with this seed would draw them."""
    return draw(
        assignment_pool(course, assignment),
        assignment.num_questions,
        preview.seed,
    )


def due_for_preview(assignment: Assignment, now: datetime) -> datetime | None:
    """The due date a learner starting now would have; none once it has passed (an instructor may preview anytime)."""
    due = clock.aware(assignment.due_at)
    return due if now < due else None


def deadline(preview: Preview, assignment: Assignment) -> datetime | None:
    """When the preview's time ends, by the learner's rule (due date or time limit, whichever comes first)."""
    return lifecycle.deadline_for(
        preview.started_at, due_for_preview(assignment, preview.started_at), assignment.time_limit_minutes
    )


def out_of_time(preview: Preview, assignment: Assignment, now: datetime) -> bool:
    """Past the deadline and its grace: an answer now would be refused for a learner."""
    end = deadline(preview, assignment)
    return end is not None and now > end + timedelta(seconds=assignment.grace_seconds)


def remember(preview: Preview, question: Question, response: Any) -> None:
    """Keep a response in the preview (in its token, not the database)."""
    preview.responses[question.id] = to_json(question, response)


def saved(preview: Preview, drawn: list[Question]) -> dict[str, Any]:
    """The preview's responses, read back for their questions."""
    return {q.id: from_json(q, preview.responses[q.id]) for q in drawn if q.id in preview.responses}


def results(preview: Preview, drawn: list[Question]) -> tuple[list[tuple[Question, Any, Grade]], float, int]:
    """Each question with its response and grade, the score (0..1) and how many essays would await grading."""
    responses = saved(preview, drawn)
    rows, total, pending = [], 0.0, 0
    for question in drawn:
        result = grade(question, responses.get(question.id))
        rows.append((question, responses.get(question.id), result))
        if result.pending:
            pending += 1
        else:
            total += result.score
    return rows, (round(total / len(drawn), 4) if drawn else 0.0), pending


def release_for_learner(policy: str, assignment: Assignment, now: datetime) -> bool:
    """Whether a learner who submitted now would see what this policy governs (the class due date)."""
    return lifecycle.released(policy, True, clock.aware(assignment.due_at), now)
