"""Contests: a learner challenges a question they answered; an instructor rejects, accepts or drops it.

Who sees a contest: the instructor of its section (the assignment's section; for practice and
self-tests, the section the learner joined last), and every admin. A contest without a section sits
in the admins' queue only.

Accepting gives full credit to every submitted attempt of the assignment whose stored response to
the question equals the contested one (a self-test or a practice answer: that one only). Dropping
takes the question out of every submitted attempt of the assignment and recomputes each total over
the questions left. Both change stored grades, so both write the regrade audit entries
(`regrade` for the action, `regrade.score` per learner whose score moves, as app.services.regrade
does), in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select, true

from app import clock
from app.extensions import db
from app.models import Answer, Assignment, Attempt, AttemptAnswer, Contest, Enrollment, Role, Section, User
from app.services import audit, lti_grades
from app.services.content import get_course
from course.catalog import Course
from course.model import Question
from course.qtypes import type_of
from course.responses import from_json, is_answered

MAX_REASON = 2000
STATUSES = ("open", "accepted", "rejected", "dropped")
OUTCOMES = {
    "open": "Waiting for your instructor",
    "accepted": "Accepted: your answer now gets full credit",
    "rejected": "Not accepted",
    "dropped": "Accepted: the question no longer counts",
}


class ContestError(ValueError):
    """A contest that cannot be opened or resolved; the message is for the person who tried."""


@dataclass(frozen=True)
class Paragraph:
    """A numbered paragraph a learner may cite: its value in the form and its label."""

    value: str  # "reading-id#p12"
    label: str


def paragraphs_for(question: Question, course: Course) -> list[Paragraph]:
    """The numbered paragraphs of the readings the question cites, in reading order."""
    found = []
    for source in sorted(question.sources):
        reading = course.reading_by_id.get(source)
        if reading is None:
            continue
        for paragraph in reading.paragraphs:
            if paragraph.heading:
                continue
            text = " ".join(paragraph.text.split())
            short = text if len(text) <= 90 else text[:87].rstrip() + "…"
            found.append(Paragraph(f"{source}#{paragraph.anchor}", f"{reading.meta.title}, ¶{paragraph.anchor[1:]}: {short}"))
    return found


def _clean(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ContestError(f"Write {what}: it cannot be empty.")
    if len(text) > MAX_REASON:
        raise ContestError(f"Keep {what} under {MAX_REASON} characters (it has {len(text)}).")
    return text


def _paragraph(value: str | None, question: Question, course: Course) -> str | None:
    if not value:
        return None
    if value not in {p.value for p in paragraphs_for(question, course)}:
        raise ContestError("Pick a paragraph of the reading this question cites, or none.")
    return value


def _learner_section(user_id: int) -> int | None:
    return db.session.scalar(
        select(Enrollment.section_id).where(Enrollment.user_id == user_id).order_by(Enrollment.joined_at.desc()).limit(1)
    )


def _open(user: User, question: Question, course: Course, reason: str | None, paragraph: str | None, **where: Any) -> Contest:
    text = _clean(reason, "why you contest this question")
    anchor = _paragraph(paragraph, question, course)
    key = {k: v for k, v in where.items() if k in ("attempt_id", "answer_id")}
    already = db.session.scalar(
        select(Contest.id).where(
            Contest.user_id == user.id,
            Contest.question_id == question.id,
            Contest.status == "open",
            *(getattr(Contest, k) == v for k, v in key.items()),
        )
    )
    if already is not None:
        raise ContestError("You have already contested this question; your instructor has not answered yet.")
    contest = Contest(user_id=user.id, question_id=question.id, reason=text, paragraph=anchor, created_at=clock.now(), **where)
    db.session.add(contest)
    db.session.commit()
    return contest


def open_for_answer(
    user: User, answer: Answer, question: Question, course: Course, reason: str | None, paragraph: str | None
) -> Contest:
    """Contest a practice or review answer of this learner."""
    if answer.user_id != user.id:
        raise ContestError("You can contest only questions you answered.")
    return _open(user, question, course, reason, paragraph, answer_id=answer.id, section_id=_learner_section(user.id))


def answered_in(attempt: Attempt, question_id: str) -> AttemptAnswer | None:
    """The learner's stored answer to the question in a submitted attempt, if they gave one."""
    if attempt.submitted_at is None or question_id not in (attempt.question_ids or []):
        return None
    row = db.session.get(AttemptAnswer, (attempt.id, question_id))
    if row is None:
        return None
    question = get_course().question_by_id.get(question_id)
    if question is None:  # retired from the bank: any stored response counts
        return row if row.response not in (None, "", [], {}) else None
    # The one rule for "answered" (a cloze with every blank empty is not an answer either).
    return row if is_answered(question, from_json(question, row.response)) else None


def open_for_attempt(
    user: User, attempt: Attempt, question: Question, course: Course, reason: str | None, paragraph: str | None
) -> Contest:
    """Contest a question this learner answered in one of their submitted attempts."""
    if attempt.user_id != user.id or answered_in(attempt, question.id) is None:
        raise ContestError("You can contest only questions you answered.")
    section_id = None
    if attempt.assignment_id is not None:
        assignment = db.session.get(Assignment, attempt.assignment_id)
        section_id = assignment.section_id if assignment else None
    else:
        section_id = _learner_section(user.id)
    return _open(user, question, course, reason, paragraph, attempt_id=attempt.id, section_id=section_id)


def _visible(user: User) -> ColumnElement[bool]:
    if user.has_role(Role.ADMIN):
        return true()
    return Contest.section_id.in_(select(Section.id).where(Section.instructor_id == user.id))


def get_for(user: User, contest_id: int) -> Contest | None:
    """The contest, if this instructor or admin may see it (otherwise it does not exist for them)."""
    return db.session.scalar(select(Contest).where(Contest.id == contest_id, _visible(user)))


def queue(user: User, status: str = "open") -> list[tuple[Contest, User, Section | None]]:
    """Contests this user may resolve, oldest first, with the learner and the section."""
    stmt = (
        select(Contest, User, Section)
        .join(User, User.id == Contest.user_id)
        .outerjoin(Section, Section.id == Contest.section_id)
        .where(_visible(user), Contest.status == status)
        .order_by(Contest.created_at, Contest.id)
    )
    return [(c, u, s) for c, u, s in db.session.execute(stmt)]


def counts(user: User, question_ids: Sequence[str] | None = None) -> dict[str, dict[str, int]]:
    """Per question, how many contests this user may see: {"open": n, "all": n}."""
    stmt = (
        select(Contest.question_id, Contest.status, func.count())
        .where(_visible(user))
        .group_by(Contest.question_id, Contest.status)
    )
    if question_ids is not None:
        stmt = stmt.where(Contest.question_id.in_(list(question_ids)))
    found: dict[str, dict[str, int]] = {}
    for qid, status, n in db.session.execute(stmt):
        entry = found.setdefault(qid, {"open": 0, "all": 0})
        entry["all"] += n
        if status == "open":
            entry["open"] += n
    return found


def mine(user_id: int) -> list[Contest]:
    """The learner's contests, newest first."""
    return list(
        db.session.scalars(
            select(Contest).where(Contest.user_id == user_id).order_by(Contest.created_at.desc(), Contest.id.desc())
        )
    )


def assignment_of(contest: Contest) -> Assignment | None:
    """The assignment the contested attempt belongs to, if any."""
    attempt = db.session.get(Attempt, contest.attempt_id) if contest.attempt_id else None
    return db.session.get(Assignment, attempt.assignment_id) if attempt and attempt.assignment_id else None


def contested_response(contest: Contest) -> Any:
    """The stored response the learner contests (None once its attempt or answer is gone)."""
    if contest.attempt_id is not None:
        row = db.session.get(AttemptAnswer, (contest.attempt_id, contest.question_id))
        return row.response if row else None
    answer = db.session.get(Answer, contest.answer_id) if contest.answer_id else None
    return answer.response if answer else None


def _close(actor: User, contest: Contest, status: str, response: str) -> None:
    if contest.status != "open":
        raise ContestError("This contest is already resolved.")
    contest.status, contest.response, contest.resolver_id, contest.resolved_at = status, response, actor.id, clock.now()
    audit.record(actor.id, f"contest.{status}", f"contest {contest.id}", user_id=contest.user_id, question_id=contest.question_id)


def reject(actor: User, contest: Contest, response: str | None) -> None:
    """Reject the contest with a reason the learner reads."""
    _close(actor, contest, "rejected", _clean(response, "the reason you reject it"))
    db.session.commit()


def _total(attempt: Attempt) -> float:
    kept = [q for q in attempt.question_ids]
    total = db.session.scalar(
        select(func.coalesce(func.sum(AttemptAnswer.score), 0.0)).where(
            AttemptAnswer.attempt_id == attempt.id, AttemptAnswer.question_id.in_(kept)
        )
    )
    return round(float(total or 0.0) / len(kept), 4) if kept else 0.0


def _submitted_rows(assignment: Assignment, question_id: str) -> list[tuple[Attempt, AttemptAnswer | None]]:
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.assignment_id == assignment.id, Attempt.submitted_at.is_not(None)).order_by(Attempt.id)
    )
    return [(a, db.session.get(AttemptAnswer, (a.id, question_id))) for a in attempts if question_id in (a.question_ids or [])]


def _record_change(
    actor: User, target: str, attempt: Attempt, question_id: str, before: float, after: float | None, total_before: float
) -> None:
    audit.record(
        actor.id,
        "regrade.score",
        target,
        user_id=attempt.user_id,
        question_id=question_id,
        attempt_id=attempt.id,
        before=before,
        after=after,
        total_before=total_before,
        total_after=attempt.score,
    )


def accept(actor: User, contest: Contest, response: str | None, course: Course) -> int:
    """Accept the contested answer: full credit to every identical stored response; returns how many scores moved."""
    text = _clean(response, "your answer to the learner")
    question = course.question_by_id.get(contest.question_id)
    if question is not None and not type_of(question).auto_graded:
        raise ContestError("Essays are graded by people: grade the essay again in the grading queue, then reject or drop here.")
    wanted = contested_response(contest)
    if wanted is None:
        raise ContestError("The contested answer no longer exists (the attempt or answer was deleted); reject or drop instead.")
    _close(actor, contest, "accepted", text)
    assignment = assignment_of(contest)
    changed = 0
    note = f"Full credit: contest {contest.id} accepted."
    if contest.attempt_id is not None:
        attempt = db.session.get(Attempt, contest.attempt_id)
        rows = (
            _submitted_rows(assignment, contest.question_id)
            if assignment
            else [(attempt, db.session.get(AttemptAnswer, (attempt.id, contest.question_id)))]
            if attempt
            else []
        )
        target = f"assignment {assignment.id}" if assignment else f"attempt {contest.attempt_id}"
        for attempt_row, row in rows:
            if row is None or row.response != wanted or (row.score or 0.0) >= 1.0:
                continue
            before, total_before = row.score or 0.0, attempt_row.score or 0.0
            row.score, row.note, row.graded_at = 1.0, note, clock.now()
            row.parts = None
            attempt_row.score = _total(attempt_row)
            _record_change(actor, target, attempt_row, contest.question_id, before, 1.0, total_before)
            changed += 1
    else:
        answer = db.session.get(Answer, contest.answer_id)
        target = f"answer {contest.answer_id}"
        if answer is not None and answer.score < 1.0:
            audit.record(
                actor.id,
                "regrade.score",
                target,
                user_id=answer.user_id,
                question_id=contest.question_id,
                before=answer.score,
                after=1.0,
            )
            answer.score = 1.0
            changed += 1
    audit.record(actor.id, "regrade", target, question_id=contest.question_id, via=f"contest {contest.id}", changed=changed)
    if assignment is not None and contest.attempt_id is not None:
        lti_grades.grade_changed(assignment.id, [attempt_row.user_id for attempt_row, _ in rows])
    db.session.commit()
    return changed


def drop(actor: User, contest: Contest, response: str | None) -> int:
    """Take the question out of every submitted attempt of the assignment; returns how many attempts were recomputed."""
    text = _clean(response, "your answer to the learner")
    assignment = assignment_of(contest)
    if assignment is None:
        raise ContestError("Only a question of an assignment can be dropped; accept or reject this one.")
    rows = _submitted_rows(assignment, contest.question_id)
    if any(len(a.question_ids) <= 1 for a, _ in rows):
        raise ContestError("An attempt has no other question: dropping this one would leave nothing to grade.")
    _close(actor, contest, "dropped", text)
    target = f"assignment {assignment.id}"
    for attempt, row in rows:
        before, total_before = (row.score or 0.0) if row else 0.0, attempt.score or 0.0
        attempt.question_ids = [q for q in attempt.question_ids if q != contest.question_id]
        if row is not None and row.score is None and row.response is not None and attempt.pending_grading > 0:
            attempt.pending_grading -= 1  # an essay awaiting grading no longer holds the attempt back
        if row is not None:  # the answer goes with the question, so no total, regrade or statistic counts it again
            db.session.delete(row)
            db.session.flush()
        attempt.score = _total(attempt)
        _record_change(actor, target, attempt, contest.question_id, before, None, total_before)  # after: no longer counted
    audit.record(
        actor.id,
        "regrade",
        target,
        question_id=contest.question_id,
        via=f"contest {contest.id}",
        dropped=True,
        attempts=len(rows),
    )
    lti_grades.grade_changed(assignment.id, [attempt.user_id for attempt, _ in rows])
    db.session.commit()
    return len(rows)
