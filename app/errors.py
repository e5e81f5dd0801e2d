"""Error pages: a clear message for every failure, never a traceback."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from app.extensions import db, login_manager

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back, check the form and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "There is no page at this address. It may have moved, or the link may be mistyped."),
    405: ("Not allowed here", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Too many attempts", "Too many attempts in a short time. Wait a minute and try again."),
    500: ("Something went wrong", "The server hit an error. Nothing you did caused it; please try again."),
    503: ("Temporarily unavailable", "The database is not answering right now. Your saved work is safe; try again in a minute."),
}


def render_error(code: int, detail: str | None = None):
    """Render the error page for a status code."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register_error_handlers(app: Flask) -> None:
    """Attach the error pages to the app."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, "This form expired or was sent from elsewhere. Reload the page and submit it again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.response is not None:
            return error.response  # a page made for this error, e.g. the login form saying why it is throttled
        code = error.code or 500
        body, status = render_error(code if code in MESSAGES else 400 if code < 500 else 500)
        # Keep the headers the error defines (Allow on a 405, WWW-Authenticate, ...), not its plain-text type.
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        return body, status, headers

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_down(error: Exception):
        db.session.rollback()
        # The page must render without loading the user from the database that just failed.
        g._login_user = login_manager.anonymous_user()
        app.logger.warning("database unavailable on %s: %s", request.path, error)
        return render_error(503)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return render_error(500)
