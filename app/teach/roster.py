"""Instructors manage a section: rename it, archive it, and remove a learner only after a confirmation naming them.

Replacing the join code, re-admitting (which is also the removal's "Undo") and the admins' hand-over
live beside the section page in `app.teach.views` and `app.admin`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import CSRFForm
from app.models import Section, User
from app.security import role_required
from app.services import sections
from app.teach.views import TEACHERS, bp, section_or_404


class RenameForm(FlaskForm):
    """Change a section's name and term."""

    name = StringField("Section name", validators=[DataRequired(message="Give the section a name."), Length(max=120)])
    term = StringField("Term", description="For example: Spring 2027", validators=[Optional(), Length(max=60)])
    submit = SubmitField("Save name and term")


@bp.route("/sections/<int:section_id>/rename", methods=["GET", "POST"])
@role_required(*TEACHERS)
def rename_section(section_id: int):
    """Rename a section (name and term); students, codes and grades stay as they are."""
    section = section_or_404(section_id)
    form = RenameForm(obj=section)
    if form.validate_on_submit():
        try:
            sections.rename(current_user, section, form.name.data or "", form.term.data or "")
        except sections.SectionError as exc:
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            flash(f"Section renamed: {section.name}{f' ({section.term})' if section.term else ''}.", "success")
            return redirect(url_for("teach.section", section_id=section.id))
    status = 400 if form.errors else 200
    return render_template("teach/roster_rename.html", section=section, form=form), status


@bp.route("/sections/<int:section_id>/archive", methods=["POST"])
@role_required(*TEACHERS)
def archive_section(section_id: int):
    """Archive a section: hidden from the default list, closed to joining and new attempts, its data kept."""
    section = section_or_404(section_id)
    if not CSRFForm().validate_on_submit():
        abort(400)
    if sections.set_archived(current_user, section, True):
        flash(
            f"{section.name} is archived. Students cannot join it or start its assignments; "
            "its roster, attempts and grades are kept and can still be exported.",
            "success",
        )
    else:
        flash(f"{section.name} was already archived.", "info")
    return redirect(url_for("teach.section", section_id=section.id))


@bp.route("/sections/<int:section_id>/unarchive", methods=["POST"])
@role_required(*TEACHERS)
def unarchive_section(section_id: int):
    """Bring an archived section back: students can join it and start its open assignments again."""
    section = section_or_404(section_id)
    if not CSRFForm().validate_on_submit():
        abort(400)
    if sections.set_archived(current_user, section, False):
        flash(f"{section.name} is active again: students can join it and start its open assignments.", "success")
    else:
        flash(f"{section.name} was not archived.", "info")
    return redirect(url_for("teach.section", section_id=section.id))


def _student_or_404(section: Section, user_id: int) -> User:
    """A learner on this section's roster now; anyone else does not exist here."""
    student = sections.enrolled_student(section, user_id) if user_id < 2**31 else None
    if student is None:
        abort(404)
    return student


@bp.route("/sections/<int:section_id>/learners/<int:user_id>/remove", methods=["GET"])
@role_required(*TEACHERS)
def confirm_remove(section_id: int, user_id: int):
    """Ask before removing a learner: name them and say what removal does (a GET changes nothing)."""
    section = section_or_404(section_id)
    student = _student_or_404(section, user_id)
    return render_template("teach/roster_remove.html", section=section, student=student, form=CSRFForm())


@bp.route("/sections/<int:section_id>/learners/<int:user_id>/remove", methods=["POST"])
@role_required(*TEACHERS)
def remove_learner(section_id: int, user_id: int):
    """Remove the learner once confirmed; the section page then offers to undo it."""
    section = section_or_404(section_id)
    if not CSRFForm().validate_on_submit() or user_id >= 2**31:
        abort(400)
    try:
        sections.remove(current_user, section, user_id)
    except sections.SectionError as exc:  # a double click, or another tab removed them first
        flash(str(exc), "error")
        return redirect(url_for("teach.section", section_id=section.id))
    # The section page shows who was removed with an "Undo" button (a form with CSRF, so not a plain flash).
    return redirect(url_for("teach.section", section_id=section.id, removed=user_id))
