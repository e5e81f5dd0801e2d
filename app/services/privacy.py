"""Data rights: everything stored about a learner, as JSON or CSV, and deleting it all.

The audit log is the one place a deleted person leaves a trace: what was done stays (accountability),
who it was done to becomes a pseudonym (see `app.services.audit.forget`).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import delete, select

from app import clock
from app.extensions import db
from app.models import (
    Answer,
    Attempt,
    AttemptAnswer,
    AuditLog,
    Contest,
    Enrollment,
    Extension,
    LessonCompletion,
    ReviewCard,
    ScoreOverride,
    Section,
    SectionRemoval,
    User,
    UserSession,
)
from app.services import audit
from course import scheduling
from course.csvsafe import safe_row


def _iso(moment: Any) -> str | None:
    moment = clock.aware(moment)
    return moment.isoformat() if moment else None


def _review_card(stored: Any) -> Any:
    """A review card's schedule as stored now (versioned shape; a row not yet migrated is converted; an unreadable one as it is)."""
    try:
        return scheduling.normalize(stored)
    except ValueError:
        return stored


# What an entry about a learner means, in their words; unknown actions show their name.
ABOUT_YOU = {
    "roster.remove": "Removed you from a section",
    "roster.readmit": "Re-admitted you to a section",
    "extension.set": "Gave you an extension",
    "score.override": "Overrode your score",
    "user.role": "Changed your role",
    "user.deactivate": "Deactivated your account",
    "user.activate": "Reactivated your account",
    "section.hand_over": "Handed a section over",
}


def _actor(entry: AuditLog, roles: dict[int, str], uid: int) -> str:
    if entry.actor_id is None:
        return "a deleted account"
    if entry.actor_id == uid:
        return "you"
    return f"an {roles[entry.actor_id]}" if roles.get(entry.actor_id) in ("admin", "instructor") else "another user"


def _audit(uid: int, email: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The entries that name the person, and those of actions they took."""
    about, by = audit.about(uid, email), audit.by(uid)
    actor_ids = {e.actor_id for e in about if e.actor_id is not None}
    roles = {i: r for i, r in db.session.execute(select(User.id, User.role).where(User.id.in_(actor_ids)))} if actor_ids else {}
    return (
        [
            {
                "at": _iso(e.created_at),
                "action": e.action,
                "what": ABOUT_YOU.get(e.action, e.action),
                "target": e.target,
                "detail": e.detail,
                "by": _actor(e, roles, uid),
            }
            for e in about
        ],
        [{"at": _iso(e.created_at), "action": e.action, "target": e.target, "detail": e.detail} for e in by],
    )


def export_data(user: User) -> dict[str, Any]:
    """Every row stored about the user, minus the password hash (a hash is not data about you)."""
    uid = user.id
    attempts = list(db.session.scalars(select(Attempt).where(Attempt.user_id == uid).order_by(Attempt.id)))
    saved: dict[int, list[dict[str, Any]]] = {}
    if attempts:
        rows = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id.in_([a.id for a in attempts])))
        for row in rows:
            saved.setdefault(row.attempt_id, []).append(
                {
                    "question_id": row.question_id,
                    "response": row.response,
                    "score": row.score,
                    "saved_at": _iso(row.saved_at),
                    "rubric": row.rubric,
                    "comment": row.comment,
                }
            )
    about_you, by_you = _audit(uid, user.email)
    return {
        "exported_at": clock.now().isoformat(),
        "account": {
            "email": user.email,
            "role": user.role,
            "active": user.active,
            "created_at": _iso(user.created_at),
            "session_version": user.session_version,
            "is_demo": user.is_demo,
            "password": "stored only as a scrypt hash, not included",
        },
        "lesson_completions": [
            {"lesson_id": c.lesson_id, "completed_at": _iso(c.completed_at)}
            for c in db.session.scalars(select(LessonCompletion).where(LessonCompletion.user_id == uid))
        ],
        "answers": [
            {
                "question_id": a.question_id,
                "objective_id": a.objective_id,
                "mode": a.mode,
                "response": a.response,
                "score": a.score,
                "confidence": a.confidence,
                "answered_at": _iso(a.answered_at),
            }
            for a in db.session.scalars(select(Answer).where(Answer.user_id == uid).order_by(Answer.id))
        ],
        "review_schedule": [
            {"question_id": c.question_id, "due": _iso(c.due), "reviews": c.reviews, "card": _review_card(c.card)}
            for c in db.session.scalars(select(ReviewCard).where(ReviewCard.user_id == uid))
        ],
        "sections": [
            {"section": name, "joined_at": _iso(joined)}
            for name, joined in db.session.execute(
                select(Section.name, Enrollment.joined_at)
                .join(Enrollment, Enrollment.section_id == Section.id)
                .where(Enrollment.user_id == uid)
            )
        ],
        "section_removals": [
            {"section": name, "removed_at": _iso(removed)}
            for name, removed in db.session.execute(
                select(Section.name, SectionRemoval.removed_at)
                .join(SectionRemoval, SectionRemoval.section_id == Section.id)
                .where(SectionRemoval.user_id == uid)
            )
        ],
        "extensions": [
            {"assignment_id": e.assignment_id, "extra_minutes": e.extra_minutes, "due_at": _iso(e.due_at)}
            for e in db.session.scalars(select(Extension).where(Extension.user_id == uid))
        ],
        "score_overrides": [
            {"assignment_id": o.assignment_id, "points": o.points, "reason": o.reason, "at": _iso(o.created_at)}
            for o in db.session.scalars(select(ScoreOverride).where(ScoreOverride.user_id == uid))
        ],
        "attempts": [
            {
                "id": a.id,
                "kind": a.kind,
                "title": a.title,
                "question_ids": a.question_ids,
                "started_at": _iso(a.started_at),
                "deadline": _iso(a.deadline),
                "submitted_at": _iso(a.submitted_at),
                "timed_out": a.timed_out,
                "score": a.score,
                "answers": saved.get(a.id, []),
            }
            for a in attempts
        ],
        "contests": [
            {
                "question_id": c.question_id,
                "attempt_id": c.attempt_id,
                "reason": c.reason,
                "paragraph": c.paragraph,
                "status": c.status,
                "response": c.response,
                "sent_at": _iso(c.created_at),
                "resolved_at": _iso(c.resolved_at),
            }
            for c in db.session.scalars(select(Contest).where(Contest.user_id == uid).order_by(Contest.id))
        ],
        "sessions": [
            {"device": s.device, "signed_in_at": _iso(s.created_at), "last_used_at": _iso(s.last_seen_at)}
            for s in db.session.scalars(select(UserSession).where(UserSession.user_id == uid).order_by(UserSession.created_at))
        ],
        **_lms_records(uid),
        "audit_log_about_you": about_you,
        "audit_log_by_you": by_you,
    }


def signs_in_through_lms(uid: int) -> bool:
    """Whether the account was made by an LMS launch (it has no password its owner knows)."""
    from app.lti.models import LtiIdentity

    return db.session.scalar(select(LtiIdentity.user_id).where(LtiIdentity.user_id == uid).limit(1)) is not None


def _lms_records(uid: int) -> dict[str, Any]:
    """What Oversight keeps because you open it from an LMS (LTI): your LMS user ids, courses you teach, grades sent."""
    from app.lti.models import LtiContext, LtiContextStaff, LtiIdentity, LtiPlatform, LtiScoreSync

    links = db.session.execute(
        select(LtiPlatform.name, LtiIdentity.sub)
        .join(LtiPlatform, LtiPlatform.id == LtiIdentity.platform_id)
        .where(LtiIdentity.user_id == uid)
    )
    taught = db.session.execute(
        select(LtiContext.title, LtiContext.section_id)
        .join(LtiContextStaff, LtiContextStaff.context_pk == LtiContext.id)
        .where(LtiContextStaff.user_id == uid)
    )
    sent = db.session.scalars(select(LtiScoreSync).where(LtiScoreSync.user_id == uid).order_by(LtiScoreSync.id))
    return {
        "lms_accounts": [{"lms": name, "lms_user_id": sub} for name, sub in links],
        "lms_courses_you_teach": [{"course": title, "section_id": section_id} for title, section_id in taught],
        "lms_grades_sent": [
            {
                "assignment_id": s.assignment_id,
                "score": s.score_given,
                "out_of": s.score_maximum,
                "status": s.status,
                "changed_at": _iso(s.changed_at),
                "sent_at": _iso(s.sent_at),
            }
            for s in sent
        ],
    }


CSV_COLUMNS = ["record", "when", "lesson_or_question", "mode_or_kind", "response", "score", "detail"]


def export_csv(user: User) -> str:
    """The same data as one CSV table, one row per stored record, formula-safe."""
    data = export_data(user)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    account = data["account"]
    writer.writerow(
        safe_row(
            [
                "account",
                account["created_at"],
                account["email"],
                account["role"],
                "",
                "",
                "active" if account["active"] else "inactive",
            ]
        )
    )
    for c in data["lesson_completions"]:
        writer.writerow(safe_row(["lesson_completion", c["completed_at"], c["lesson_id"], "", "", "", ""]))
    for a in data["answers"]:
        writer.writerow(
            safe_row(
                [
                    "answer",
                    a["answered_at"],
                    a["question_id"],
                    a["mode"],
                    json.dumps(a["response"]),
                    a["score"],
                    f"confidence={a['confidence']}" if a["confidence"] else "",
                ]
            )
        )
    for c in data["review_schedule"]:
        writer.writerow(safe_row(["review_card", c["due"], c["question_id"], "", "", "", f"reviews={c['reviews']}"]))
    for m in data["sections"]:
        writer.writerow(safe_row(["section", m["joined_at"], m["section"], "", "", "", ""]))
    for m in data["section_removals"]:
        writer.writerow(safe_row(["section_removal", m["removed_at"], m["section"], "", "", "", ""]))
    for e in data["extensions"]:
        writer.writerow(
            safe_row(
                ["extension", e["due_at"], f"assignment {e['assignment_id']}", "", "", "", f"extra_minutes={e['extra_minutes']}"]
            )
        )
    for o in data["score_overrides"]:
        writer.writerow(
            safe_row(["score_override", o["at"], f"assignment {o['assignment_id']}", "", "", o["points"], o["reason"]])
        )
    for c in data["contests"]:
        writer.writerow(safe_row(["contest", c["sent_at"], c["question_id"], c["status"], c["reason"], "", c["response"] or ""]))
    for a in data["attempts"]:
        writer.writerow(
            safe_row(["attempt", a["started_at"], a["title"], a["kind"], "", a["score"], f"submitted={a['submitted_at']}"])
        )
        for s in a["answers"]:
            writer.writerow(
                safe_row(
                    [
                        "attempt_answer",
                        s["saved_at"],
                        s["question_id"],
                        f"attempt {a['id']}",
                        json.dumps(s["response"]),
                        s["score"],
                        "",
                    ]
                )
            )
    for link in data["lms_accounts"]:
        writer.writerow(safe_row(["lms_account", "", link["lms"], "", link["lms_user_id"], "", ""]))
    for course in data["lms_courses_you_teach"]:
        writer.writerow(safe_row(["lms_course_taught", "", course["course"], "", "", "", f"section {course['section_id']}"]))
    for g in data["lms_grades_sent"]:
        writer.writerow(
            safe_row(
                [
                    "lms_grade",
                    g["changed_at"],
                    f"assignment {g['assignment_id']}",
                    g["status"],
                    "",
                    g["score"],
                    f"out_of={g['out_of']}",
                ]
            )
        )
    for s in data["sessions"]:
        writer.writerow(safe_row(["session", s["signed_in_at"], s["device"], "", "", "", f"last_used={s['last_used_at']}"]))
    for kind, entries in (("audit_about_you", data["audit_log_about_you"]), ("audit_by_you", data["audit_log_by_you"])):
        for entry in entries:
            writer.writerow(safe_row([kind, entry["at"], entry["target"], entry["action"], "", "", json.dumps(entry["detail"])]))
    return out.getvalue()


class DeletionRefused(ValueError):
    """The account cannot be deleted yet; the message says what to do first."""


def _still_runs(names: list[str]) -> str:
    one = len(names) == 1
    return (
        f"You still run {len(names)} section{'' if one else 's'}: {', '.join(names)}. Deleting your account would delete "
        f"{'its' if one else 'their'} students' assignments and grades, so ask an admin to hand {'it' if one else 'them'} "
        "over to another instructor (an admin does it from the section's page). Then you can delete your account."
    )


def delete_account(user: User) -> None:
    """Delete the user and every row about them, and pseudonymise the audit log, in one transaction."""
    uid = user.id
    owned = list(db.session.scalars(select(Section.name).where(Section.instructor_id == uid).order_by(Section.name)))
    if owned:
        # Deleting would take the students' sections, assignments and grades with it.
        raise DeletionRefused(_still_runs(owned))
    audit.forget(user)
    attempt_ids = select(Attempt.id).where(Attempt.user_id == uid)
    db.session.execute(delete(AttemptAnswer).where(AttemptAnswer.attempt_id.in_(attempt_ids)))
    for model in (
        Attempt,
        Answer,
        ReviewCard,
        LessonCompletion,
        Enrollment,
        SectionRemoval,
        Extension,
        ScoreOverride,
        UserSession,
        Contest,
    ):
        db.session.execute(delete(model).where(model.user_id == uid))
    db.session.execute(delete(User).where(User.id == uid))
    db.session.commit()
