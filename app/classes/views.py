"""Students join sections and see, start and resume their assignments."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app import clock
from app.extensions import db
from app.forms import CSRFForm
from app.models import Assignment, Section
from app.security import logged_in
from app.services import assignments, quizzes, sections
from app.services.content import get_course
from course import attempts as lifecycle

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


def _summary(assignment: Assignment, section: Section, user_id: int, now: datetime) -> dict[str, Any]:
    """What a learner needs to know about one assignment before and after starting it."""
    tries = assignments.attempts(assignment, user_id)
    points, status = assignments.final_points(assignment, user_id, tries)
    extension = assignments.extension_for(assignment, user_id)
    due = assignments.effective_due(assignment, user_id, extension)
    open_attempt = next((a for a in tries if a.submitted_at is None), None)
    allowed = assignment.attempts_allowed
    if open_attempt is not None:
        state = "in_progress"
    elif now < clock.aware(assignment.opens_at):
        state = "not_open"
    elif now >= due:
        state = "closed"
    elif allowed and len(tries) >= allowed:
        state = "no_attempts"
    else:
        state = "can_start"
    return {
        "assignment": assignment,
        "section": section,
        "attempts": tries,
        "points": points,
        "status": status,
        "due": due,
        "extended": due > clock.aware(assignment.due_at),
        "extra_minutes": extension.extra_minutes if extension and assignment.time_limit_minutes else 0,
        "attempts_left": max(allowed - len(tries), 0) if allowed else None,
        "open_attempt": open_attempt,
        "last_submitted": next((a for a in reversed(tries) if a.submitted_at is not None), None),
        "state": state,
    }


@bp.route("/assignments")
@logged_in
def my_assignments():
    """The learner's assignments: questions, time limit, attempts left, due time and score, with Start or Resume."""
    quizzes.close_expired(user_id=current_user.id)
    now = clock.now()
    rows = [
        _summary(assignment, section, current_user.id, now) for assignment, section in assignments.for_student(current_user.id)
    ]
    return render_template(
        "classes/assignments.html",
        rows=rows,
        now=now,
        sections=sections.sections_of_student(current_user.id),
    )


def _enrolled_assignment_or_404(assignment_id: int) -> tuple[Assignment, Section]:
    assignment = db.session.get(Assignment, assignment_id)
    # An archived assignment is hidden from learners and cannot be started: it does not exist for them.
    if (
        assignment is None
        or assignment.archived_at is not None
        or not assignments.is_enrolled(current_user.id, assignment.section_id)
    ):
        abort(404)
    return assignment, db.session.get_one(Section, assignment.section_id)


@bp.route("/assignments/<int:assignment_id>/start", methods=["GET"])
@logged_in
def start_page(assignment_id: int):
    """Say what an attempt involves before the clock runs; nothing starts until the learner presses Start."""
    assignment, section = _enrolled_assignment_or_404(assignment_id)
    if refused := sections.starting_refused(section):  # archived: an attempt in progress resumes from the list
        flash(refused, "error")
        return redirect(url_for("classes.my_assignments"))
    quizzes.close_expired([assignment.id], current_user.id)
    now = clock.now()
    row = _summary(assignment, section, current_user.id, now)
    limit = assignment.time_limit_minutes
    # If the due time comes before the time limit runs out, say how long a start now really gives.
    deadline = lifecycle.deadline_for(now, row["due"], limit, row["extra_minutes"]) if limit else None
    cut_short = None
    if deadline is not None and deadline < now + timedelta(minutes=limit + row["extra_minutes"]):
        cut_short = int((deadline - now).total_seconds() // 60)
    return render_template("classes/start.html", row=row, form=CSRFForm(), cut_short=cut_short)


@bp.route("/assignments/<int:assignment_id>/start", methods=["POST"])
@logged_in
def start(assignment_id: int):
    """Start an attempt at an assignment (or say why not); an attempt in progress is resumed."""
    assignment, section = _enrolled_assignment_or_404(assignment_id)
    if not CSRFForm().validate_on_submit():
        abort(400)
    if refused := sections.starting_refused(section):
        flash(refused, "error")
        return redirect(url_for("classes.my_assignments"))
    try:
        attempt = assignments.start_attempt(current_user, assignment, get_course())
    except assignments.AssignmentError as exc:
        flash(str(exc), "error")
        return redirect(url_for("classes.my_assignments"))
    if attempt.resumed:
        flash("You have an attempt in progress: here it is, with your saved answers.", "info")
    return redirect(url_for("quiz.take", attempt_id=attempt.id))
