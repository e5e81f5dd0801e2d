"""The rules of a quiz attempt, as plain code: its deadline, grace, state, release and frozen questions.

The app asks these functions; the database enforces the parts two requests could break at once
(one open attempt per learner and assignment, a unique attempt number, no save after submit).

- Deadline: the learner's due date (after any extension), or the time limit from the start (plus
  any extra minutes granted), whichever comes first. A self-test without a limit has none.
- Grace: an answer that arrives up to `grace_seconds` after the deadline still counts, so network
  latency never drops an answer typed in time. Past deadline + grace the attempt is overdue: it is
  closed as submitted *at the deadline* with what was saved in time, whether or not the learner
  comes back (a scheduled `attempts close-expired`, and every page or export that reads grades).
- Release: feedback and answers show as the assignment's policies say, per learner (an extension
  moves "after the due date" for that learner only).
- Versions: an attempt keeps the questions it drew, as they were, so a bank edit or removal never
  changes or breaks it; a regrade is an explicit instructor action.
"""

from __future__ import annotations

import enum
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from course.model import Question

DEFAULT_GRACE_SECONDS = 30
MAX_GRACE_SECONDS = 600
RELEASE_POLICIES = ("after_submit", "after_due", "never")


class AttemptState(str, enum.Enum):
    """Where an attempt is in its life (Moodle's states, minus "abandoned": overdue ones are graded)."""

    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"  # past deadline + grace, not yet closed: close it at the deadline
    SUBMITTED = "submitted"


def deadline_for(
    started_at: datetime, due_at: datetime | None, time_limit_minutes: int | None, extra_minutes: int = 0
) -> datetime | None:
    """When an attempt's time ends: the due date or the time limit from the start, whichever is first."""
    limit = started_at + timedelta(minutes=time_limit_minutes + extra_minutes) if time_limit_minutes else None
    candidates = [moment for moment in (due_at, limit) if moment is not None]
    return min(candidates) if candidates else None


def effective_due(due_at: datetime, extended_due: datetime | None) -> datetime:
    """The learner's due date: an extension may move it later, never earlier."""
    return max(due_at, extended_due) if extended_due is not None else due_at


def accepts_answers(deadline: datetime | None, grace_seconds: int, at: datetime) -> bool:
    """Whether an answer arriving at `at` counts: before the deadline, or within the grace after it."""
    return deadline is None or at <= deadline + timedelta(seconds=grace_seconds)


def state(submitted_at: datetime | None, deadline: datetime | None, grace_seconds: int, now: datetime) -> AttemptState:
    """The attempt's state at `now`."""
    if submitted_at is not None:
        return AttemptState.SUBMITTED
    if not accepts_answers(deadline, grace_seconds, now):
        return AttemptState.OVERDUE
    return AttemptState.IN_PROGRESS


def closed_at(deadline: datetime | None, now: datetime) -> datetime:
    """When a submission counts as made: now, or the deadline for an attempt closed after it."""
    return min(now, deadline) if deadline is not None else now


def released(policy: str, submitted: bool, due: datetime | None, now: datetime) -> bool:
    """Whether a feedback or answers policy lets the learner see it now."""
    if policy not in RELEASE_POLICIES:
        raise ValueError(f"unknown release policy {policy!r}")
    if not submitted or policy == "never":
        return False
    if policy == "after_due":
        return due is None or now >= due
    return True


def snapshot(question: Question) -> dict[str, Any]:
    """A JSON-safe copy of a question as drawn, to grade and show it later exactly as it was."""
    return question.model_dump(mode="json", exclude={"line"})


def restore(data: dict[str, Any]) -> Question:
    """The question a snapshot was taken of."""
    from course.qtypes import parse_question  # the registry loads every type module

    return parse_question(data)


# Optional evidence keys added after grades were first stored: unset, they leave a version's digest
# as it was, so adding the key to the schema does not make every graded question look edited.
_LATER_EVIDENCE_KEYS = ("speaker",)


def question_hash(question: Question) -> str:
    """A digest of the question's content: two versions differ exactly when their hashes do."""
    data = snapshot(question)
    for evidence in data.get("evidence", []):
        for key in _LATER_EVIDENCE_KEYS:
            if evidence.get(key) is None:
                evidence.pop(key, None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
