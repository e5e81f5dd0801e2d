"""Living inside an LMS iframe: which sites may frame the pages, and a session cookie that works there.

Pages may be framed only by the registered platforms' origins (CSP `frame-ancestors`; without a
platform, by nobody). A session started by an LTI launch is used inside the LMS's page, a
cross-site frame, where a SameSite=Lax cookie is never sent: its cookie is SameSite=None; Secure;
Partitioned (CHIPS), which browsers that block third-party cookies still keep for that LMS.
Everyone else keeps the Lax cookie.
"""

from __future__ import annotations

import time

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface

ORIGINS_TTL = 30.0  # seconds a worker reuses the list of platform origins (a new registration shows within this)
_cache: dict[str, tuple[float, list[str]]] = {}


def frame_ancestors(app: Flask) -> str:
    """The CSP frame-ancestors source list: 'none', or 'self' plus the registered platforms' origins."""
    from app.services.lti_platforms import frame_origins

    key = app.config.get("SQLALCHEMY_DATABASE_URI", "")
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is None or now - cached[0] > ORIGINS_TTL or app.testing:
        try:
            origins = frame_origins()
        except Exception:  # before migrations ran (a fresh database): no platforms yet
            origins = []
        cached = (now, origins)
        _cache[key] = cached
    return "'self' " + " ".join(cached[1]) if cached[1] else "'none'"


class FrameableSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with SameSite=None; Partitioned for sessions started by an LTI launch."""

    def save_session(self, app, session, response) -> None:
        """Mark whether this session lives in an LMS frame, then save as usual."""
        g._lti_frame = bool(session.get("lti")) and app.config["SESSION_COOKIE_SECURE"]
        super().save_session(app, session, response)

    def get_cookie_samesite(self, app: Flask) -> str | None:
        """None (sent in cross-site frames) for LTI sessions over HTTPS; the configured value otherwise."""
        return "None" if g.get("_lti_frame") else super().get_cookie_samesite(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        """Partitioned by the LMS's site for LTI sessions, so browsers that block third-party cookies keep it."""
        return True if g.get("_lti_frame") else super().get_cookie_partitioned(app)
