"""Register, log in, log out, change password (forced after a temporary password)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import Blueprint, Response, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_limiter import RequestLimit
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse  # what redirect() returns; flask.Response derives from it

from app.auth.forms import ChangePasswordForm, LoginForm, LogoutForm, RegisterForm
from app.auth.signin import sign_in, sign_out
from app.extensions import limiter, login_email_key
from app.security import is_safe_next, logged_in, public
from app.services import accounts

bp = Blueprint("auth", __name__, url_prefix="/account")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _next_url() -> str:
    target = request.args.get("next")
    return target if is_safe_next(target) else url_for("main.home")


def _login_failed(response: Response) -> bool:
    """Charge the per-account budget only for a wrong password, so successful logins never lock anyone out."""
    return bool(g.get("login_failed"))


def _throttled(reason: str) -> Callable[[RequestLimit], Response]:
    """A breach handler that shows the login page saying why it is throttled and for how long."""

    def on_breach(limit: RequestLimit) -> Response:
        minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
        problem = f"{reason}; try again in {minutes} minute{'' if minutes == 1 else 's'}."
        return make_response(render_template("auth/login.html", form=LoginForm(), problem=problem), 429)

    return on_breach


# While an account holds a temporary password, only these pages answer; every other one sends the
# user to change it. Static files and the health check never load the user.
_ALLOWED_BEFORE_CHANGE = frozenset({"auth.change_password", "auth.logout", "static", "main.healthz"})


@bp.before_app_request
def _require_password_change() -> BaseResponse | None:
    """Send a user whose password is temporary to the change-password page until they change it."""
    if request.endpoint is None or request.endpoint in _ALLOWED_BEFORE_CHANGE:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def register():
    """Create a student account and log it in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.password.data)
        except accounts.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            sign_in(user)
            flash("Welcome. Your account is ready.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], on_breach=_throttled("Too many log-in attempts from your network address"))
@limiter.limit(
    _account_limit,
    key_func=login_email_key,
    methods=["POST"],
    deduct_when=_login_failed,
    on_breach=_throttled("Too many failed log-ins for this account"),
)
@public
def login():
    """Log in; on success go to a local ?next= path or home (or first change a temporary password)."""
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = LoginForm()
    problem = None
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except accounts.AccountDeactivated as exc:
            problem = str(exc)
        else:
            if user is None:
                g.login_failed = True
                form.password.errors.append("Email or password is not correct.")
            elif user.must_change_password:
                sign_in(user)
                return redirect(url_for("auth.change_password"))
            else:
                sign_in(user)
                return redirect(_next_url())
    return render_template("auth/login.html", form=form, problem=problem)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """Log out and return home."""
    form = LogoutForm()
    if form.validate_on_submit():
        sign_out()
        flash("You are logged out.", "info")
    return redirect(url_for("main.home"))


@bp.route("/password", methods=["GET", "POST"])
@logged_in
def change_password():
    """Change the password; other sessions of the account end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except accounts.AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            sign_in(current_user._get_current_object())  # a new session id; every other session has ended
            flash("Password changed. Other sessions of this account have been logged out.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
