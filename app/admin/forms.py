"""Forms for course admins."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from app.models import Role


class RoleForm(FlaskForm):
    """Change one user's role."""

    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in Role])
    submit = SubmitField("Save role")


class ActiveForm(FlaskForm):
    """Deactivate or reactivate an account."""

    submit = SubmitField("Change")


class HandOverForm(FlaskForm):
    """Choose the instructor who takes a section over (choices: active instructors, set by the view)."""

    # The service checks the choice (active instructor, not the owner), so a stale page gets its message.
    instructor = SelectField("New instructor", validators=[DataRequired(message="Choose an active instructor.")],
                             validate_choice=False)
    submit = SubmitField("Hand over")
