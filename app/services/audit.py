"""The audit log: every admin and override action, who did it and when, naming people by id only.

An entry names the person it is about by id (`target` "user 12" or `detail["user_id"]`, and
`subject_id`), never by email, so it can be shown to that person and forgotten when they leave:
deleting an account calls `forget`, which keeps the fact that each action happened (instructors
stay accountable) but replaces the deleted person's id with a random pseudonym and clears free
text written about them.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import String, cast, or_, select

from app import clock
from app.extensions import db
from app.models import AuditLog, User

# Free text an actor wrote about the subject: cleared when the subject's account is deleted.
FREE_TEXT_KEYS = ("reason",)


def user_ref(user_id: int) -> str:
    """How the log names a person in `target`."""
    return f"user {user_id}"


def _is_user_key(key: str) -> bool:
    return key == "user_id" or key.endswith("_user_id")


def record(actor_id: int | None, action: str, target: str, *, subject_id: int | None = None, **detail: Any) -> None:
    """Add an entry to the current transaction (the caller commits with its change).

    The entry is about `subject_id`, or else the person in `detail["user_id"]`. A target that is an
    account's email is stored as that account's id: the log must never hold an email, whoever calls.
    """
    if "@" in target:
        found = db.session.scalar(select(User.id).where(User.email == target.strip().lower()))
        if found is not None:
            target, subject_id = user_ref(found), subject_id or found
    if subject_id is None and isinstance(detail.get("user_id"), int):
        subject_id = detail["user_id"]
    db.session.add(
        AuditLog(
            actor_id=actor_id, action=action, target=target[:200], subject_id=subject_id, detail=detail, created_at=clock.now()
        )
    )


def recent(limit: int = 100, offset: int = 0) -> list[AuditLog]:
    """Newest entries first."""
    return list(db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).offset(offset).limit(limit)))


def _mentions(entry: AuditLog, user_id: int, email: str | None) -> bool:
    """Whether the entry names the person: as its subject, its target, an id in its detail or (old rows) an email."""
    if entry.subject_id == user_id or entry.target == user_ref(user_id):
        return True
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    if any(_is_user_key(k) and v == user_id and not isinstance(v, bool) for k, v in detail.items()):
        return True
    return bool(email) and (
        entry.target.strip().lower() == email or any(isinstance(v, str) and v.strip().lower() == email for v in detail.values())
    )


def about(user_id: int, email: str | None = None) -> list[AuditLog]:
    """Every entry that names the person, oldest first."""
    text = cast(AuditLog.detail, String)
    clauses = [AuditLog.subject_id == user_id, AuditLog.target == user_ref(user_id), text.contains(str(user_id))]
    if email:
        clauses += [AuditLog.target == email, text.contains(email, autoescape=True)]
    # The text match is a coarse filter (user 1 matches "12"); `_mentions` decides exactly.
    candidates = db.session.scalars(select(AuditLog).where(or_(*clauses)).order_by(AuditLog.id))
    return [e for e in candidates if _mentions(e, user_id, email)]


def by(user_id: int) -> list[AuditLog]:
    """Every entry of an action the person took, oldest first."""
    return list(db.session.scalars(select(AuditLog).where(AuditLog.actor_id == user_id).order_by(AuditLog.id)))


def new_pseudonym() -> str:
    """A name for a deleted account that links its entries to each other and to nobody."""
    return f"deleted user #{secrets.token_hex(4)}"


def forget(user: User) -> str:
    """Pseudonymise what the log holds about a person whose account is being deleted; return the pseudonym.

    Entries about them keep the action, time, actor and numbers; their id and email become the
    pseudonym, free-text reasons are cleared, and actions they took keep the pseudonym as actor.
    Runs in the caller's transaction.
    """
    uid, email, name = user.id, user.email.strip().lower(), new_pseudonym()
    for entry in about(uid, email):
        detail = dict(entry.detail) if isinstance(entry.detail, dict) else {}
        for key, value in list(detail.items()):
            if (_is_user_key(key) and value == uid) or (isinstance(value, str) and value.strip().lower() == email):
                detail["user_id" if key == "email" else key] = name
                if key == "email":
                    del detail["email"]
        for key in FREE_TEXT_KEYS:
            if key in detail:
                detail[key] = None
        if entry.target in (user_ref(uid), email) or entry.target.strip().lower() == email:
            entry.target = name
        entry.subject_id = None
        entry.detail = detail
    for entry in by(uid):
        entry.detail = {**(entry.detail if isinstance(entry.detail, dict) else {}), "actor": name}
        entry.actor_id = None
    return name
