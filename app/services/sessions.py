"""Server-side sessions: each log-in is a row, so logout, timeouts and "sign out everywhere else" end it for good.

The signed cookie carries a random token; the database keeps only its SHA-256, the user, a device
label ("Firefox on Linux") and two times. A request whose token has no row (logged out, ended from
another device, expired, or from before this release) is anonymous. Rows live in the database, so
every worker and host agrees at once.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update

from app import clock
from app.devices import device_label
from app.extensions import db
from app.models import User, UserSession
from app.services import rowcount

TOUCH_EVERY = timedelta(seconds=60)  # last-seen is written at most once a minute per session


class Verdict(str, enum.Enum):
    """What a session is worth on this request."""

    OK = "ok"
    IDLE = "idle"  # no request for longer than the idle timeout
    EXPIRED = "expired"  # older than the absolute timeout
    DEACTIVATED = "deactivated"  # an admin deactivated the account, which ended its sessions


def digest(token: str) -> str:
    """What the database stores for a cookie's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def verdict(created_at: datetime, last_seen_at: datetime, now: datetime, idle: timedelta, absolute: timedelta) -> Verdict:
    """Whether a session is still good at `now`."""
    if now - created_at >= absolute:
        return Verdict.EXPIRED
    if now - last_seen_at >= idle:
        return Verdict.IDLE
    return Verdict.OK


def start(user: User, user_agent: str | None) -> str:
    """Record a new session for the user (their expired ones are purged); return the cookie's token."""
    now = clock.now()
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(id=digest(token), user_id=user.id, device=device_label(user_agent), created_at=now, last_seen_at=now)
    )
    db.session.commit()
    return token


@dataclass
class SessionTimes:
    """What a request needs of its session row: which it is and its two times."""

    id: str
    created_at: datetime
    last_seen_at: datetime


# Built once: every signed-in request runs it. The session comes back as three columns, not an
# ORM object: only the user is needed as an entity, and a second entity per request cost time.
_USER_AND_SESSION = (
    select(User, UserSession.id, UserSession.created_at, UserSession.last_seen_at)
    .join(UserSession, UserSession.user_id == User.id)
    .where(User.id == bindparam("user_id"), UserSession.id == bindparam("session_id"))
)


def load(token: str | None, user_id: int) -> tuple[User, SessionTimes] | None:
    """The user and this token's session, if the token is theirs (one query per request)."""
    if not token:
        return None
    found = db.session.execute(_USER_AND_SESSION, {"user_id": user_id, "session_id": digest(token)}).first()
    return (found[0], SessionTimes(found[1], found[2], found[3])) if found is not None else None


def is_deactivated(user_id: int) -> bool:
    """Whether the account exists and an admin deactivated it (asked only when a session is gone)."""
    return db.session.scalar(select(User.active).where(User.id == user_id)) is False


def touch(row: SessionTimes, now: datetime) -> None:
    """Move last-seen forward, at most once a minute (a conditional UPDATE: no lost update, no extra read)."""
    if now - row.last_seen_at < TOUCH_EVERY:
        return
    db.session.execute(
        update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now).execution_options(synchronize_session=False)
    )
    row.last_seen_at = now
    db.session.commit()


def end(token: str | None) -> None:
    """End one session (logout, timeout)."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.id == digest(token)))
        db.session.commit()


def end_every_session(user: User) -> None:
    """End all of a user's sessions as part of the caller's change (no commit): a new version, no rows.

    Used when a password, role or activation changes: every cookie of the account stops working,
    and the next sign-in gets a new session id.
    """
    user.session_version += 1
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def end_all(user_id: int, keep_token: str | None = None) -> int:
    """End every session of the user but the one kept; return how many ended."""
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_token:
        stmt = stmt.where(UserSession.id != digest(keep_token))
    ended = rowcount(db.session.execute(stmt))
    db.session.commit()
    return ended


def of_user(user_id: int) -> list[UserSession]:
    """The user's sessions, most recently used first."""
    return list(
        db.session.scalars(select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.last_seen_at.desc()))
    )


def purge_expired(idle: timedelta, absolute: timedelta) -> int:
    """Delete every session past its idle or absolute timeout (for cron); return how many."""
    now = clock.now()
    ended = rowcount(
        db.session.execute(
            delete(UserSession).where((UserSession.last_seen_at <= now - idle) | (UserSession.created_at <= now - absolute))
        )
    )
    db.session.commit()
    return ended
