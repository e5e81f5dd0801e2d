"""Signing in and out with server-side sessions, and the check every request makes (OWASP ASVS V3).

Flask's cookie says who the user is (`_user_id`, with the account's session version) and which
session this is (`sid`, a random token whose hash is a `user_session` row). A request is signed in
only when both hold: the account's version matches (a password change ends every session) and the
row exists and is within the idle and absolute timeouts. Logout deletes the row, so a copied
cookie is worthless afterwards, on every worker and host.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, redirect, request, session
from flask_login import current_user, login_user, logout_user
from flask_login.utils import login_url

from app import clock
from app.extensions import login_manager
from app.models import User
from app.security import is_safe_next
from app.services import sessions

TOKEN = "sid"


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])


def sign_in(user: User) -> None:
    """Start a fresh session: a new id (never the one before it), nothing carried over from the old cookie."""
    sessions.end(session.get(TOKEN))
    session.clear()
    login_user(user)
    session[TOKEN] = sessions.start(user, request.headers.get("User-Agent"))


def sign_out() -> None:
    """End this session on the server, then forget it in the browser."""
    sessions.end(session.get(TOKEN))
    logout_user()
    session.clear()


def current_token() -> str | None:
    """This request's session token (to keep it when ending the others)."""
    return session.get(TOKEN)


def load_user(identity: str) -> User | None:
    """Flask-Login's loader: the user, only if this cookie's server-side session is alive."""
    user_id, _, version = identity.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    found = sessions.load(session.get(TOKEN), int(user_id))  # the user and the session row, in one query
    if found is None:
        if sessions.is_deactivated(int(user_id)):
            g.signed_out = sessions.Verdict.DEACTIVATED  # say why, rather than a bare login page
        return None
    user, row = found
    if user.session_version != int(version):
        return None
    idle, absolute = _limits()
    now = clock.now()
    verdict = sessions.verdict(row.created_at, row.last_seen_at, now, idle, absolute)
    if verdict is not sessions.Verdict.OK:
        sessions.end(session.pop(TOKEN, None))
        g.signed_out = verdict
        return None
    sessions.touch(row, now)
    return user


def signed_out_message(verdict: sessions.Verdict) -> str:
    """What the learner is told when a timeout ended their session."""
    idle, absolute = _limits()
    if verdict is sessions.Verdict.DEACTIVATED:
        return (
            "You were signed out because a course admin deactivated your account. "
            "Ask your instructor or the course admin if you think this is a mistake; your work is kept."
        )
    if verdict is sessions.Verdict.IDLE:
        return (
            f"You were signed out after {int(idle.total_seconds() // 60)} minutes without activity. "
            "Sign in again to continue where you left off: your saved answers are kept."
        )
    return (
        f"You were signed out because you signed in more than {int(absolute.total_seconds() // 3600)} hours ago. "
        "Sign in again to continue where you left off: your saved answers are kept."
    )


def register_session_guard(app: Flask) -> None:
    """Check the session at the start of each request (before any view work), and explain timeouts."""
    login_manager.user_loader(load_user)

    @app.before_request
    def _check_session() -> None:
        if request.endpoint == "static" or "_user_id" not in session:
            return
        if not current_user.is_authenticated and g.get("signed_out"):
            flash(signed_out_message(g.signed_out), "info")

    @login_manager.unauthorized_handler
    def _unauthorized():
        if not g.get("signed_out"):
            flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(login_url(login_manager.login_view, next_url=_come_back_to()))


def _come_back_to() -> str:
    """Where to return after signing in: this page, or for a form sent after a timeout, the page it was on."""
    if request.method == "GET":
        return request.url
    referrer = urlsplit(request.referrer or "")
    back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return back if referrer.netloc == request.host and is_safe_next(back) else "/"
