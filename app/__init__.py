"""The Flask delivery layer. `create_app` builds an app; it does no I/O beyond reading config."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config
from app.extensions import check_limits_in_views_only, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error pages, headers, CLI."""
    app = Flask(__name__, instance_relative_config=True)
    config.load(app, test_config)
    register_proxy_fix(app)
    register_extensions(app)
    register_blueprints(app)
    register_handlers(app)
    register_cli(app)
    return app


def register_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-* from the configured number of proxies (none by default), so the login
    limit sees each client's address, not the proxy's, and redirects keep https."""
    hops = {name: app.config[f"PROXY_FIX_{name.upper()}"] for name in config.PROXY_FIX}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **hops)  # type: ignore[method-assign]  # Flask's documented way to wrap wsgi_app


def register_extensions(app: Flask) -> None:
    """Bind the extensions to this app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.ROOT / "app" / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    check_limits_in_views_only(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    from app.auth.signin import register_session_guard

    register_session_guard(app)


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per audience."""
    from app.admin import lti as admin_lti  # noqa: F401 - add the LTI platform registration routes to the admin blueprint
    from app.admin.views import bp as admin_bp
    from app.auth import data_views, session_views  # noqa: F401 - add the data-rights and session routes to the auth blueprint
    from app.auth.views import bp as auth_bp
    from app.classes.views import bp as classes_bp
    from app.learn import contests as learner_contests  # noqa: F401 - add the learners' contest routes to the learn blueprint
    from app.learn.views import bp as learn_bp
    from app.lti.frame import FrameableSessionInterface
    from app.lti.views import bp as lti_bp
    from app.lti.views import register_lti
    from app.main import guides  # noqa: F401 - add the guides (docs/ as pages) to the main blueprint
    from app.main.views import bp as main_bp
    from app.practice.views import bp as practice_bp
    from app.quiz.views import bp as quiz_bp
    from app.teach import assignments_admin, contests, coverage, grading, questions, reports, roster  # noqa: F401 - add the assignment life cycle, contest queue, coverage, grading, question-browser, report and roster routes to the teach blueprint
    from app.teach import lti as teach_lti  # noqa: F401 - add the LMS grade-sync and roster routes to the teach blueprint
    from app.teach.views import bp as teach_bp

    for bp in (main_bp, auth_bp, learn_bp, practice_bp, quiz_bp, classes_bp, teach_bp, admin_bp, lti_bp):
        app.register_blueprint(bp)
    register_lti(app)
    app.session_interface = FrameableSessionInterface()


def register_handlers(app: Flask) -> None:
    """Error pages, security headers and template helpers."""
    from app.errors import register_error_handlers
    from app.layout import register_layout
    from app.security import register_headers, register_input_guard

    register_error_handlers(app)
    register_layout(app)
    register_headers(app)
    register_input_guard(app)

    from app.rendering import render_inline, render_markdown
    from app.timezones import local_time
    from course.exports.formats import QUESTION_FORMATS
    from course.qtypes import type_of
    from course.text import format_number

    # Templates ask a question's type for its partial and field names (course/qtypes).
    app.jinja_env.globals.update(qtype_of=type_of, question_formats=QUESTION_FORMATS)

    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(local_time, "local")
    app.add_template_filter(format_number, "number")

    def lesson_title(lesson_id: str) -> str:
        """A lesson's title for a page (its id only if the lesson no longer exists)."""
        from app.services.content import get_course

        lesson = get_course().lesson_by_id.get(lesson_id)
        return lesson.title if lesson else lesson_id

    def objective_text(objective_id: str) -> str:
        """An objective's wording for a page (its id only if it no longer exists)."""
        from app.services.content import get_course

        objective = get_course().objective_by_id.get(objective_id)
        return objective.text if objective else objective_id

    # Pages show titles and wording, never internal ids such as "02-marat-2018" or "01-goode-2020.o1".
    app.add_template_filter(lesson_title, "lesson_title")
    app.add_template_filter(objective_text, "objective_text")
    app.add_template_filter(render_inline, "inline_markdown")


def register_cli(app: Flask) -> None:
    """Add the project's flask commands."""
    from app.cli import register
    from app.lti.cli import lti_cli

    register(app)
    app.cli.add_command(lti_cli)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Turn on WAL, foreign keys and a busy timeout for every SQLite connection; UTC sessions on PostgreSQL."""
    module = type(dbapi_connection).__module__
    if module.startswith("psycopg"):
        # Timestamps are read as UTC whatever the server's zone (see models.UTCDateTime); SQL-side
        # date functions then agree with the app too.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()
        return
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: an acknowledged answer survives a power cut, not only a crashed process.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
