"""Forms for course admins."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from app.models import Role


class RoleForm(FlaskForm):
    """Change one user's role."""

    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in Role])
    submit = SubmitField("Save role")


class ActiveForm(FlaskForm):
    """Deactivate or reactivate an account."""

    submit = SubmitField("Change")
