"""Grade passback through LTI Assignment and Grade Services: an outbox written with the grade, posted after commit.

Whenever a graded result changes (submit, close at the deadline, override, regrade, essay grading,
an accepted contest), `grade_changed` upserts the learner's latest score into `lti_score_sync` in
the caller's transaction, for every context where the assignment has a line item. `deliver` posts
due rows (scoreGiven/scoreMaximum, activityProgress, gradingProgress, timestamp); a failure is kept
with its error and retried with exponential backoff by `flask --app app lti sync` (run from cron),
and instructors see each grade's sync status with "retry now".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import g, has_request_context
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.lti.models import LtiContext, LtiLineItem, LtiPlatform, LtiScoreSync
from app.lti.tool import ToolServiceConnector, registration_for
from app.models import Assignment, Attempt, ScoreOverride, User
from app.services.grades import cell_for

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
MAX_TRIES = 8  # then "failed" until someone presses "retry now"
BASE_DELAY = timedelta(minutes=1)


def backoff(tries: int) -> timedelta:
    """How long to wait after the n-th failure: 1, 2, 4 ... minutes, at most a day."""
    return min(BASE_DELAY * (2 ** max(tries - 1, 0)), timedelta(days=1))


def _progress(status: str, submitted: bool) -> tuple[str, str]:
    activity = "Completed" if submitted else ("InProgress" if status == "in progress" else "Initialized")
    grading = {"awaiting grading": "PendingManual", "graded": "FullyGraded", "overridden": "FullyGraded"}.get(status, "NotReady")
    return activity, grading


def grade_changed(assignment_id: int, user_ids: Iterable[int]) -> int:
    """Queue the learners' current results for every LMS line item of the assignment (the caller commits)."""
    line_items = list(db.session.scalars(select(LtiLineItem).where(LtiLineItem.assignment_id == assignment_id)))
    if not line_items:
        return 0
    assignment = db.session.get(Assignment, assignment_id)
    assert assignment is not None
    users = sorted(set(user_ids))
    if not users:
        return 0
    # Three queries whatever the number of learners (a regrade may touch a whole class).
    attempts: dict[int, list] = {}
    for attempt in db.session.execute(
        select(Attempt.user_id, Attempt.assignment_id, Attempt.submitted_at, Attempt.score, Attempt.pending_grading)
        .where(Attempt.assignment_id == assignment_id, Attempt.user_id.in_(users))
        .order_by(Attempt.started_at)
    ):
        attempts.setdefault(attempt[0], []).append(attempt)
    overrides = dict(
        db.session.execute(
            select(ScoreOverride.user_id, ScoreOverride.points).where(
                ScoreOverride.assignment_id == assignment_id, ScoreOverride.user_id.in_(users)
            )
        ).all()
    )
    existing = {
        (sync.user_id, sync.context_pk): sync
        for sync in db.session.scalars(
            select(LtiScoreSync).where(LtiScoreSync.assignment_id == assignment_id, LtiScoreSync.user_id.in_(users))
        )
    }
    now = clock.now()
    queued = 0
    for user_id in users:
        rows = attempts.get(user_id, [])
        cell = cell_for(assignment, overrides.get(user_id), rows)
        activity, grading = _progress(cell.status, any(r[2] is not None for r in rows))
        for item in line_items:
            sync = existing.get((user_id, item.context_pk))
            if sync is None:
                sync = LtiScoreSync(assignment_id=assignment_id, user_id=user_id, context_pk=item.context_pk)
                db.session.add(sync)
            sync.score_given, sync.score_maximum = cell.points, assignment.points
            sync.activity_progress, sync.grading_progress = activity, grading
            sync.changed_at = now
            sync.status, sync.tries, sync.next_try_at, sync.last_error = "pending", 0, now, None
            queued += 1
    if queued and has_request_context():
        g.lti_scores_queued = True  # posted after this request's commit (see app.lti.views)
    return queued


def _grade(row: LtiScoreSync, sub: str) -> Grade:
    grade = Grade()
    if row.score_given is not None:
        grade.set_score_given(round(row.score_given, 4))
    grade.set_score_maximum(row.score_maximum).set_activity_progress(row.activity_progress)
    grade.set_grading_progress(row.grading_progress).set_timestamp(clock.aware(row.changed_at).isoformat())
    return grade.set_user_id(sub)


def _post(row: LtiScoreSync) -> None:
    from app.lti.models import LtiIdentity

    context = db.session.get(LtiContext, row.context_pk)
    item = db.session.get(LtiLineItem, (row.assignment_id, row.context_pk))
    assert context is not None and item is not None
    platform = db.session.get(LtiPlatform, context.platform_id)
    assert platform is not None
    sub = db.session.scalar(
        select(LtiIdentity.sub).where(LtiIdentity.platform_id == platform.id, LtiIdentity.user_id == row.user_id)
    )
    if sub is None:
        raise RuntimeError("the learner has no account in this LMS (never launched nor on its roster)")
    scopes = list(context.ags_scopes or [SCORE_SCOPE])
    service = AssignmentsGradesService(
        ToolServiceConnector(registration_for(platform)),
        {"scope": scopes, "lineitem": item.url, "lineitems": context.lineitems_url or ""},
    )
    service.put_grade(_grade(row, sub), LineItem({"id": item.url}))


def deliver(rows: Iterable[LtiScoreSync]) -> tuple[int, int]:
    """Post each row; record success or the error and the next try; commit. Returns (sent, failed)."""
    sent = failed = 0
    for row in rows:
        now = clock.now()
        try:
            _post(row)
        except Exception as exc:  # any failure of the platform or the network: keep the row and retry later
            row.tries += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:500]
            row.status = "failed" if row.tries >= MAX_TRIES else "pending"
            row.next_try_at = now + backoff(row.tries)
            failed += 1
        else:
            row.status, row.sent_at, row.last_error = "sent", now, None
            sent += 1
        db.session.commit()
    return sent, failed


def due(limit: int = 500) -> list[LtiScoreSync]:
    """Rows waiting whose next try has come."""
    stmt = (
        select(LtiScoreSync)
        .where(LtiScoreSync.status == "pending", LtiScoreSync.next_try_at <= clock.now())
        .order_by(LtiScoreSync.next_try_at)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def for_assignment(assignment_id: int) -> list[tuple[LtiScoreSync, User]]:
    """Each learner's sync row for an assignment, for the instructor's status page."""
    stmt = (
        select(LtiScoreSync, User)
        .join(User, User.id == LtiScoreSync.user_id)
        .where(LtiScoreSync.assignment_id == assignment_id)
        .order_by(User.email)
    )
    return [(row, user) for row, user in db.session.execute(stmt)]


def retry(assignment_id: int, row_ids: Iterable[int] | None = None) -> tuple[int, int]:
    """Post the assignment's unsent rows now (or the chosen ones), whatever their backoff."""
    stmt = select(LtiScoreSync).where(LtiScoreSync.assignment_id == assignment_id, LtiScoreSync.status != "sent")
    if row_ids is not None:
        stmt = stmt.where(LtiScoreSync.id.in_(list(row_ids)))
    return deliver(list(db.session.scalars(stmt)))


def is_linked(assignment_id: int) -> bool:
    """Whether the assignment has an LMS gradebook column."""
    return (
        db.session.scalar(select(LtiLineItem.assignment_id).where(LtiLineItem.assignment_id == assignment_id).limit(1))
        is not None
    )
