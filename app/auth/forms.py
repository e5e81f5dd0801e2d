"""Forms for registration, login and password changes (CSRF via Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.services.accounts import MAX_PASSWORD, MIN_PASSWORD


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


_PASSWORD_RULE = f"Use at least {MIN_PASSWORD} and at most {MAX_PASSWORD} characters."
_PASSWORD_HELP = f"At least {MIN_PASSWORD} characters. A passphrase of several words works well."


class RegisterForm(FlaskForm):
    """Create a student account."""

    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[_strip],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        "Password",
        description=_PASSWORD_HELP,
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=_PASSWORD_RULE)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Create account")


class LoginForm(FlaskForm):
    """Log in with email and password."""

    email = EmailField(
        "Email", validators=[DataRequired(), Length(max=254)], filters=[_strip], render_kw={"autocomplete": "username"}
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField("Log in")


class ChangePasswordForm(FlaskForm):
    """Change the password of the logged-in account."""

    current = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD)], render_kw={"autocomplete": "current-password"}
    )
    new = PasswordField(
        "New password",
        description=_PASSWORD_HELP,
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=_PASSWORD_RULE)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("new", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Change password")


class LogoutForm(FlaskForm):
    """Log out (a POST, so a link elsewhere cannot log a user out)."""

    submit = SubmitField("Log out")


class DeleteAccountForm(FlaskForm):
    """Delete the account and everything stored about it; the password confirms it is you."""

    password = PasswordField(
        "Your password", validators=[Optional(), Length(max=MAX_PASSWORD)], render_kw={"autocomplete": "current-password"}
    )
    # An account that signs in through its LMS has no password it knows: it confirms by typing a word instead.
    confirm = StringField("Type DELETE to confirm", validators=[Optional(), Length(max=20)])
    submit = SubmitField("Delete my account and all my data")
