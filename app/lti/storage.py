"""Launch state in the database: what PyLTI1p3 would keep in the Flask session, shared by every worker.

A platform's launch is a cross-site POST, which does not carry a SameSite=Lax session cookie, and
two requests of one launch may reach two app servers: so OIDC state parameters, nonces and launch
data live in `lti_launch_value` with an expiry. The browser binding stays where PyLTI1p3 puts it,
in the short-lived `lti1p3-state-...` cookie checked against the `state` parameter.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pylti1p3.launch_data_storage.base import LaunchDataStorage
from sqlalchemy import delete, select

from app import clock
from app.extensions import db
from app.lti.models import LtiLaunchValue

DEFAULT_LIFETIME = 3600


class DatabaseLaunchStorage(LaunchDataStorage[Any]):
    """PyLTI1p3's storage interface over `lti_launch_value` (not tied to a browser session id)."""

    _session_cookie_name = ""  # no session-id cookie: keys are random and single-purpose

    def get_session_cookie_name(self) -> str | None:
        """No session cookie: the state cookie binds the browser."""
        return None

    def can_set_keys_expiration(self) -> bool:
        """Every value has an expiry."""
        return True

    def _live(self, key: str) -> LtiLaunchValue | None:
        row = db.session.get(LtiLaunchValue, self._prepare_key(key))
        return row if row is not None and clock.aware(row.expires_at) > clock.now() else None

    def get_value(self, key: str) -> Any:
        """The value, or None when missing or expired."""
        row = self._live(key)
        return row.value if row is not None else None

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        """Store a value for `exp` seconds (committed at once: the next request may be on another worker)."""
        expires = clock.now() + timedelta(seconds=exp or DEFAULT_LIFETIME)
        db.session.merge(LtiLaunchValue(key=self._prepare_key(key), value=value, expires_at=expires))
        db.session.commit()

    def check_value(self, key: str) -> bool:
        """Whether a live value exists."""
        return self._live(key) is not None

    def take(self, key: str) -> bool:
        """Delete the value if present and live; True for exactly one caller (single use under concurrency)."""
        result = db.session.execute(
            delete(LtiLaunchValue).where(LtiLaunchValue.key == self._prepare_key(key), LtiLaunchValue.expires_at > clock.now())
        )
        db.session.commit()
        return bool(getattr(result, "rowcount", 0))


def purge_expired() -> int:
    """Delete expired launch values; return how many (run by `flask lti sync`)."""
    result = db.session.execute(delete(LtiLaunchValue).where(LtiLaunchValue.expires_at <= clock.now()))
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def keys_like(prefix: str) -> list[str]:
    """Stored keys starting with a prefix (tests and diagnostics)."""
    return list(db.session.scalars(select(LtiLaunchValue.key).where(LtiLaunchValue.key.startswith(prefix))))
