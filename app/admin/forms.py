"""Forms for course admins."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from app.models import Role
from app.services.accounts import MAX_PASSWORD, MIN_PASSWORD


class RoleForm(FlaskForm):
    """Change one user's role."""

    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in Role])
    submit = SubmitField("Save role")


class ActiveForm(FlaskForm):
    """Deactivate or reactivate an account."""

    submit = SubmitField("Change")


class TemporaryPasswordForm(FlaskForm):
    """Set a temporary password that the user must change at their next log-in."""

    password = PasswordField(
        "Temporary password",
        description=f"At least {MIN_PASSWORD} characters. Give it to the user privately; "
        "they choose their own at their next log-in.",
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD, max=MAX_PASSWORD, message=f"Use at least {MIN_PASSWORD} and at most {MAX_PASSWORD} characters."
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Repeat temporary password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Set temporary password")


class HandOverForm(FlaskForm):
    """Choose the instructor who takes a section over (choices: active instructors, set by the view)."""

    # The service checks the choice (active instructor, not the owner), so a stale page gets its message.
    instructor = SelectField(
        "New instructor", validators=[DataRequired(message="Choose an active instructor.")], validate_choice=False
    )
    submit = SubmitField("Hand over")
