"""Configuration: safe defaults, then the environment, then a test mapping."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import click
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

# The only values OVERSIGHT_ENV may take. Anything else refuses to start: a typo such as
# "Production" must never run with a development secret and cookies sent over plain HTTP.
ENVIRONMENTS = ("development", "testing", "production")
# Werkzeug ProxyFix arguments, each the number of trusted proxies that set that X-Forwarded-* header.
PROXY_FIX = ("x_for", "x_proto", "x_host", "x_port", "x_prefix")


class ConfigError(click.ClickException, RuntimeError):
    """The app cannot start with this configuration; the message is one line for the operator.

    A ClickException so `flask ...` commands print "Error: <message>" instead of a traceback, and a
    RuntimeError so gunicorn (with --preload, as in the Procfile) prints the same single line.
    """


def defaults() -> dict[str, Any]:
    """Settings used unless the environment or a test says otherwise."""
    return {
        "OVERSIGHT_ENV": "production",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        # Server-side session limits (OWASP ASVS V3.3): signed out after this long without a request,
        # and this long after logging in whatever happens.
        "SESSION_IDLE_MINUTES": 120,
        # How often (seconds) each process asks the database whether `course load` recorded a new
        # content version (app/services/content.py).
        "CONTENT_CHECK_SECONDS": 5.0,
        "SESSION_ABSOLUTE_HOURS": 12,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 12,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
        "LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute;30 per hour",
        "LESSONS_DIR": str(ROOT / "lessons"),
        "QUESTION_BANK": str(ROOT / "question_bank.yaml"),
        "USERS_PER_PAGE": 50,
        # No proxy is trusted unless configured: X-Forwarded-* from a client is then ignored.
        **{f"PROXY_FIX_{name.upper()}": 0 for name in PROXY_FIX},
    }


def normalise_database_url(url: str) -> str:
    """Point every PostgreSQL URL at the psycopg 3 driver the project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config from defaults, the environment and the test mapping, then check it."""
    app.config.from_mapping(defaults())
    plain_env = {
        "SECRET_KEY": "SECRET_KEY",
        "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
        "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
        "OVERSIGHT_ENV": "OVERSIGHT_ENV",
    }
    for env_name, key in plain_env.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    app.config.from_prefixed_env()  # FLASK_* overrides, e.g. FLASK_SESSION_COOKIE_SECURE=false
    if test_config:
        app.config.from_mapping(test_config)
    _finish(app)


def _finish(app: Flask) -> None:
    config = app.config
    if config["OVERSIGHT_ENV"] not in ENVIRONMENTS:
        raise ConfigError(f"OVERSIGHT_ENV must be one of {', '.join(ENVIRONMENTS)}; got {config['OVERSIGHT_ENV']!r}.")
    for name in PROXY_FIX:
        hops = config[f"PROXY_FIX_{name.upper()}"]
        if isinstance(hops, bool) or not isinstance(hops, int) or hops < 0:
            raise ConfigError(
                f"PROXY_FIX_{name.upper()} must be the number of trusted proxies in front of the app (0 or more); got {hops!r}."
            )
    development = config["OVERSIGHT_ENV"] != "production"
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'oversight.db'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite serialises writers: wait for the lock instead of failing under load.
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"timeout": 15})
        options["pool_pre_ping"] = False  # a file cannot drop a connection; the ping only costs a query
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not config.get("SECRET_KEY"):
        if not development:
            raise ConfigError(
                "SECRET_KEY is not set. In production set SECRET_KEY to a long random value "
                "(python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set OVERSIGHT_ENV=development for a local run."
            )
        config["SECRET_KEY"] = _development_secret(Path(app.instance_path))
    if development and "FLASK_SESSION_COOKIE_SECURE" not in os.environ:
        # `make run` serves plain HTTP on 127.0.0.1; Secure cookies would never come back.
        config["SESSION_COOKIE_SECURE"] = False
        config["REMEMBER_COOKIE_SECURE"] = False


def _development_secret(instance: Path) -> str:
    """Read or create instance/secret_key so local sessions survive restarts."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
