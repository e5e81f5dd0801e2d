"""Authorization in one place, plus security headers and safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeGuard, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort
from flask_login import current_user, login_required

from app.models import Role

F = TypeVar("F", bound=Callable[..., Any])

# Every view declares who may use it; tests walk app.url_map and check each declaration holds.
PUBLIC = "public"
LOGGED_IN = "logged_in"


def public(view: F) -> F:
    """Mark a view as open to everyone, logged in or not."""
    view.access = PUBLIC  # type: ignore[attr-defined]  # a marker on the function object; tests read it off app.url_map
    return view


def logged_in(view: F) -> F:
    """Require any logged-in user."""
    wrapped = login_required(view)
    wrapped.access = LOGGED_IN
    return wrapped


def role_required(*roles: Role) -> Callable[[F], F]:
    """Require a logged-in user holding one of the roles; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        guarded = login_required(wrapped)
        guarded.access = tuple(r.value for r in roles)
        return guarded

    return decorator


def is_safe_next(target: str | None) -> TypeGuard[str]:
    """Allow only local paths like '/lessons/1' as post-login redirects."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and all(ord(c) >= 32 for c in target)


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def register_input_guard(app: Flask) -> None:
    """Refuse NUL bytes in any query or form value: PostgreSQL cannot store them, so they would 500."""

    @app.before_request
    def _no_nul() -> None:
        from flask import request

        for values in (request.args, request.form):
            if any("\x00" in value for _, value in values.items(multi=True)):
                abort(400)


@lru_cache(maxsize=16)
def security_headers(ancestors: str, https: bool) -> tuple[tuple[str, str], ...]:
    """The security headers every response carries, for this framing policy and scheme."""
    headers = [
        ("Content-Security-Policy", CSP.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ]
    if ancestors == "'none'":  # X-Frame-Options cannot list origins: CSP alone governs framing once an LMS may frame
        headers.append(("X-Frame-Options", "DENY"))
    if https:
        headers.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    return tuple(headers)


def register_headers(app: Flask) -> None:
    """Send strict security headers on every response (a view may set its own first)."""

    @app.after_request
    def _headers(response: Response) -> Response:
        from app.lti.frame import frame_ancestors

        wanted = security_headers(frame_ancestors(app), bool(app.config["SESSION_COOKIE_SECURE"]))
        # One pass over what the view set, then appends: Headers.setdefault raises and catches an
        # exception per missing header, which measured 3% of a signed-in request.
        present = {name.lower() for name, _ in response.headers.items()}
        extra = [(name, value) for name, value in wanted if name.lower() not in present]
        if "cache-control" not in present and response.mimetype == "text/html":
            # Pages show personal progress: keep them out of shared caches.
            extra.append(("Cache-Control", "no-store"))
        response.headers.extend(extra)
        return response
