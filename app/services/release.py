"""Which questions' keys a learner may not see yet, because graded work still holds them.

The rule (docs/grading.md, "Graded work and practice"): a question is held for a learner while it
is in one of their assignment attempts that is open, or submitted with answers not yet released
to them. A held question is not offered for practice, review or self-tests, and its practice page
says when it comes back, so nothing shows its key, explanation or evidence before the instructor's
release. Other learners, and questions the learner's graded work never drew, are unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, select

from app import clock
from app.extensions import db
from app.models import Assignment, Attempt, Extension, Section
from app.timezones import format_local
from course import attempts as lifecycle


@dataclass(frozen=True)
class Hold:
    """Why a question is held for a learner: an open attempt, answers released later, or never."""

    assignment_title: str
    reason: str  # "open" | "after_due" | "never"
    until: datetime | None = None  # for "after_due"
    time_zone: str = "UTC"  # the section's, to name the release time in

    def explain(self) -> str:
        """One sentence for the learner."""
        if self.reason == "open":
            return f"This question is in your open attempt at “{self.assignment_title}”: practise it after you submit."
        if self.reason == "after_due" and self.until is not None:
            return (
                f"This question was in your graded attempt at “{self.assignment_title}”; its answers are released "
                f"{format_local(self.until, self.time_zone)}, and you can practise it then."
            )
        return (
            f"This question was in your graded attempt at “{self.assignment_title}”, whose answers are not released, "
            f"so it is not offered for practice."
        )


_RANK = {"after_due": 0, "open": 1, "never": 2}


def _held_statement() -> Select[Any]:
    """The learner's graded attempts with what decides their release, built once on the tables.

    Every self-test start, practice page and review asks this: a Core statement on the tables skips
    the ORM's per-execution compile state, which cost more than the query's own round trip.
    """
    attempt, assignment, section, extension = (
        cast(Table, model.__table__) for model in (Attempt, Assignment, Section, Extension)
    )
    return (
        select(
            attempt.c.question_ids,
            attempt.c.submitted_at,
            assignment.c.title,
            assignment.c.answers_policy,
            assignment.c.due_at,
            extension.c.due_at,
            section.c.time_zone,
        )
        .join(assignment, assignment.c.id == attempt.c.assignment_id)
        .join(section, section.c.id == assignment.c.section_id)
        .outerjoin(extension, (extension.c.assignment_id == assignment.c.id) & (extension.c.user_id == attempt.c.user_id))
        .where(attempt.c.user_id == bindparam("user_id"), attempt.c.assignment_id.is_not(None))
    )


_HELD = _held_statement()


def held_questions(user_id: int) -> dict[str, Hold]:
    """The learner's held questions, each with its strictest hold."""
    now = clock.now()
    rows = db.session.execute(_HELD, {"user_id": user_id})
    held: dict[str, Hold] = {}
    for question_ids, submitted_at, title, policy, due_at, extended, zone_name in rows:
        due = lifecycle.effective_due(clock.aware(due_at), clock.aware(extended))
        if submitted_at is None:
            hold = Hold(title, "open")
        elif lifecycle.released(policy, True, due, now):
            continue
        elif policy == "after_due":
            hold = Hold(title, "after_due", due, zone_name)
        else:
            hold = Hold(title, "never")
        for qid in question_ids:
            previous = held.get(qid)
            if (
                previous is None
                or _RANK[hold.reason] > _RANK[previous.reason]
                or (
                    hold.reason == previous.reason == "after_due"
                    and hold.until is not None  # always set on an "after_due" hold; the checks are for the type checker
                    and previous.until is not None
                    and hold.until > previous.until
                )
            ):
                held[qid] = hold
    return held
