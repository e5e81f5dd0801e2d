"""Register, log in, log out, change password."""
from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import Blueprint, Response, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_limiter import RequestLimit
from flask_login import current_user, login_user, logout_user

from app.auth.forms import ChangePasswordForm, LoginForm, LogoutForm, RegisterForm
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
            login_user(user)
            flash("Welcome. Your account is ready.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], on_breach=_throttled("Too many log-in attempts from your network address"))
@limiter.limit(_account_limit, key_func=login_email_key, methods=["POST"], deduct_when=_login_failed,
               on_breach=_throttled("Too many failed log-ins for this account"))
@public
def login():
    """Log in; on success go to a local ?next= path or home."""
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_next_url())
        g.login_failed = True
        form.password.errors.append("Email or password is not correct.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """Log out and return home."""
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
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
            login_user(current_user._get_current_object())  # re-issue this session with the new version
            flash("Password changed. Other sessions of this account have been logged out.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
