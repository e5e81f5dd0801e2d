"""Flask extensions, created unbound here and bound to an app in create_app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay usable after commit: a redirect reading attempt.id must not reload the row (measured:
# 10-14% of an answer save). Services commit once, at the end of their work, so nothing reads stale.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

# Models derive from db.Model: Base's registry and metadata plus Flask-SQLAlchemy's bind and query
# hooks. mypy sees db.Model only as a variable, not a class it can subclass, so it checks models
# against Base, whose mapped columns and metadata are the same.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

LIMITS_OUTSIDE_VIEWS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION")
"""Settings that give Flask-Limiter limits of its own to apply to every request."""


def check_limits_in_views_only(app: Flask) -> None:
    """Drop Flask-Limiter's check before every request when every limit is declared on a view.

    Each `@limiter.limit` wrapper checks its own view's limits. The before-request check adds
    only default, application and blueprint limits, and this app sets none, yet it ran on every
    request: 0.38M instructions of the 2.8M of a /healthz, measured with callgrind. Flask-Limiter 4
    has no switch for it (`auto_check` was removed), so the hook is taken off here. It stays when
    the settings ask for default or application limits; a test fails if a blueprint gets limits.
    """
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks and not any(app.config.get(name) for name in LIMITS_OUTSIDE_VIEWS):
        hooks.remove(limiter._check_request_limit)  # absent when RATELIMIT_ENABLED is off


def login_email_key() -> str:
    """Rate-limit key for login attempts against one account, wherever they come from."""
    return "login-account:" + (request.form.get("email") or "").strip().lower()
