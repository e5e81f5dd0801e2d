"""Data rights: everything stored about a learner, as JSON or CSV, and deleting it all."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import delete, select

from app import clock
from app.extensions import db
from app.models import (Answer, Attempt, AttemptAnswer, Enrollment, Extension, LessonCompletion, ReviewCard, ScoreOverride,
                        Section, User)
from course.csvsafe import safe_row


def _iso(moment: Any) -> str | None:
    moment = clock.aware(moment)
    return moment.isoformat() if moment else None


def export_data(user: User) -> dict[str, Any]:
    """Every row stored about the user, minus the password hash (a hash is not data about you)."""
    uid = user.id
    attempts = list(db.session.scalars(select(Attempt).where(Attempt.user_id == uid).order_by(Attempt.id)))
    saved = {}
    if attempts:
        rows = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id.in_([a.id for a in attempts])))
        for row in rows:
            saved.setdefault(row.attempt_id, []).append(
                {"question_id": row.question_id, "response": row.response, "score": row.score, "saved_at": _iso(row.saved_at)})
    return {
        "exported_at": clock.now().isoformat(),
        "account": {"email": user.email, "role": user.role, "active": user.active, "created_at": _iso(user.created_at),
                    "session_version": user.session_version, "is_demo": user.is_demo,
                    "password": "stored only as a scrypt hash, not included"},
        "lesson_completions": [{"lesson_id": c.lesson_id, "completed_at": _iso(c.completed_at)}
                               for c in db.session.scalars(select(LessonCompletion).where(LessonCompletion.user_id == uid))],
        "answers": [{"question_id": a.question_id, "objective_id": a.objective_id, "mode": a.mode, "response": a.response,
                     "score": a.score, "confidence": a.confidence, "answered_at": _iso(a.answered_at)}
                    for a in db.session.scalars(select(Answer).where(Answer.user_id == uid).order_by(Answer.id))],
        "review_schedule": [{"question_id": c.question_id, "due": _iso(c.due), "reviews": c.reviews, "card": c.card}
                            for c in db.session.scalars(select(ReviewCard).where(ReviewCard.user_id == uid))],
        "sections": [{"section": name, "joined_at": _iso(joined)} for name, joined in db.session.execute(
            select(Section.name, Enrollment.joined_at).join(Enrollment, Enrollment.section_id == Section.id).where(Enrollment.user_id == uid))],
        "extensions": [{"assignment_id": e.assignment_id, "extra_minutes": e.extra_minutes, "due_at": _iso(e.due_at)}
                       for e in db.session.scalars(select(Extension).where(Extension.user_id == uid))],
        "score_overrides": [{"assignment_id": o.assignment_id, "points": o.points, "reason": o.reason, "at": _iso(o.created_at)}
                            for o in db.session.scalars(select(ScoreOverride).where(ScoreOverride.user_id == uid))],
        "attempts": [{"id": a.id, "kind": a.kind, "title": a.title, "question_ids": a.question_ids, "started_at": _iso(a.started_at),
                      "deadline": _iso(a.deadline), "submitted_at": _iso(a.submitted_at), "timed_out": a.timed_out,
                      "score": a.score, "answers": saved.get(a.id, [])} for a in attempts],
    }


CSV_COLUMNS = ["record", "when", "lesson_or_question", "mode_or_kind", "response", "score", "detail"]


def export_csv(user: User) -> str:
    """The same data as one CSV table, one row per stored record, formula-safe."""
    data = export_data(user)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    account = data["account"]
    writer.writerow(safe_row(["account", account["created_at"], account["email"], account["role"], "", "", "active" if account["active"] else "inactive"]))
    for c in data["lesson_completions"]:
        writer.writerow(safe_row(["lesson_completion", c["completed_at"], c["lesson_id"], "", "", "", ""]))
    for a in data["answers"]:
        writer.writerow(safe_row(["answer", a["answered_at"], a["question_id"], a["mode"], json.dumps(a["response"]), a["score"],
                                  f"confidence={a['confidence']}" if a["confidence"] else ""]))
    for c in data["review_schedule"]:
        writer.writerow(safe_row(["review_card", c["due"], c["question_id"], "", "", "", f"reviews={c['reviews']}"]))
    for m in data["sections"]:
        writer.writerow(safe_row(["section", m["joined_at"], m["section"], "", "", "", ""]))
    for e in data["extensions"]:
        writer.writerow(safe_row(["extension", e["due_at"], f"assignment {e['assignment_id']}", "", "", "", f"extra_minutes={e['extra_minutes']}"]))
    for o in data["score_overrides"]:
        writer.writerow(safe_row(["score_override", o["at"], f"assignment {o['assignment_id']}", "", "", o["points"], o["reason"]]))
    for a in data["attempts"]:
        writer.writerow(safe_row(["attempt", a["started_at"], a["title"], a["kind"], "", a["score"], f"submitted={a['submitted_at']}"]))
        for s in a["answers"]:
            writer.writerow(safe_row(["attempt_answer", s["saved_at"], s["question_id"], f"attempt {a['id']}", json.dumps(s["response"]), s["score"], ""]))
    return out.getvalue()


class DeletionRefused(ValueError):
    """The account cannot be deleted yet; the message says what to do first."""


def delete_account(user: User) -> None:
    """Delete the user and every row about them, in one transaction."""
    uid = user.id
    if db.session.scalar(select(Section.id).where(Section.instructor_id == uid).limit(1)) is not None:
        # Deleting would take the students' sections, assignments and grades with it.
        raise DeletionRefused("You run sections: ask an admin to hand them to another instructor before deleting your account.")
    attempt_ids = select(Attempt.id).where(Attempt.user_id == uid)
    db.session.execute(delete(AttemptAnswer).where(AttemptAnswer.attempt_id.in_(attempt_ids)))
    for model in (Attempt, Answer, ReviewCard, LessonCompletion, Enrollment, Extension, ScoreOverride):
        db.session.execute(delete(model).where(model.user_id == uid))
    db.session.execute(delete(User).where(User.id == uid))
    db.session.commit()
