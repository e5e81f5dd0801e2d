"""Students join sections and see, start and resume their assignments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app import clock
from app.extensions import db
from app.forms import CSRFForm
from app.models import Assignment
from app.security import logged_in
from app.services import assignments, quizzes, sections
from app.services.content import get_course

bp = Blueprint("classes", __name__)


class JoinForm(FlaskForm):
    """Join a section with the code the instructor gave."""

    code = StringField("Join code", validators=[DataRequired(), Length(max=40)], render_kw={"autocomplete": "off"})
    submit = SubmitField("Join section")


@bp.route("/join", methods=["GET", "POST"])
@bp.route("/join/<code>", methods=["GET", "POST"])
@logged_in
def join(code: str | None = None):
    """Join a section by code (the instructor's link fills the code in)."""
    form = JoinForm(code=code)
    if form.validate_on_submit():
        try:
            section = sections.join(current_user, form.code.data)
        except sections.SectionError as exc:
            form.code.errors.append(str(exc))
        else:
            flash(f"You joined {section.name}.", "success")
            return redirect(url_for("classes.my_assignments"))
    return render_template("classes/join.html", form=form, section=sections.find_by_code(code) if code else None)


@bp.route("/assignments")
@logged_in
def my_assignments():
    """The learner's assignments with due dates, attempts and scores."""
    quizzes.close_expired(user_id=current_user.id)
    rows = []
    for assignment, section in assignments.for_student(current_user.id):
        tries = assignments.attempts(assignment, current_user.id)
        points, status = assignments.final_points(assignment, current_user.id, tries)
        rows.append(
            {
                "assignment": assignment,
                "section": section,
                "attempts": tries,
                "points": points,
                "status": status,
                "due": assignments.effective_due(assignment, current_user.id),
                "open_attempt": next((a for a in tries if a.submitted_at is None), None),
            }
        )
    return render_template(
        "classes/assignments.html",
        rows=rows,
        now=clock.now(),
        form=CSRFForm(),
        sections=sections.sections_of_student(current_user.id),
    )


@bp.route("/assignments/<int:assignment_id>/start", methods=["POST"])
@logged_in
def start(assignment_id: int):
    """Start an attempt at an assignment (or say why not)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not assignments.is_enrolled(current_user.id, assignment.section_id):
        abort(404)
    if not CSRFForm().validate_on_submit():
        abort(400)
    try:
        attempt = assignments.start_attempt(current_user, assignment, get_course())
    except assignments.AssignmentError as exc:
        flash(str(exc), "error")
        return redirect(url_for("classes.my_assignments"))
    if attempt.resumed:
        flash("You have an attempt in progress: here it is, with your saved answers.", "info")
    return redirect(url_for("quiz.take", attempt_id=attempt.id))
