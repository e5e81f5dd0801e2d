"""Instructor pages for a section linked to an LMS course: roster sync and each grade's sync status, with retry."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from app.extensions import db
from app.lti.models import LtiContext, LtiLineItem, LtiPlatform, LtiScoreSync
from app.models import Assignment
from app.security import role_required
from app.services import lti_grades, lti_roster
from app.teach.views import TEACHERS, assignment_or_404, bp, section_or_404


class ActionForm(FlaskForm):
    """A CSRF-protected button."""


def _context(section_id: int) -> tuple[LtiContext, LtiPlatform] | None:
    row = db.session.execute(
        select(LtiContext, LtiPlatform)
        .join(LtiPlatform, LtiPlatform.id == LtiContext.platform_id)
        .where(LtiContext.section_id == section_id)
    ).first()
    return (row[0], row[1]) if row else None


@bp.route("/sections/<int:section_id>/lms")
@role_required(*TEACHERS)
def lms(section_id: int):
    """The section's LMS link: roster sync and, per assignment, how many grades reached the LMS gradebook."""
    section = section_or_404(section_id)
    linked = _context(section.id)
    counts: dict[int, dict[str, int]] = {}
    for assignment_id, status, count in db.session.execute(
        select(LtiScoreSync.assignment_id, LtiScoreSync.status, func.count())
        .join(Assignment, Assignment.id == LtiScoreSync.assignment_id)
        .where(Assignment.section_id == section.id)
        .group_by(LtiScoreSync.assignment_id, LtiScoreSync.status)
    ):
        counts.setdefault(assignment_id, {})[status] = count
    linked_ids = set(
        db.session.scalars(
            select(LtiLineItem.assignment_id)
            .join(Assignment, Assignment.id == LtiLineItem.assignment_id)
            .where(Assignment.section_id == section.id)
        )
    )
    assignments = [
        a for a in db.session.scalars(select(Assignment).where(Assignment.section_id == section.id).order_by(Assignment.due_at))
    ]
    return render_template(
        "teach/lms.html",
        section=section,
        linked=linked,
        assignments=assignments,
        linked_ids=linked_ids,
        counts=counts,
        form=ActionForm(),
    )


@bp.route("/sections/<int:section_id>/lms/roster", methods=["POST"])
@role_required(*TEACHERS)
def lms_roster(section_id: int):
    """Bring the LMS course's roster into the section (Names and Role Provisioning)."""
    section = section_or_404(section_id)
    linked = _context(section.id)
    if linked is None or not ActionForm().validate_on_submit():
        abort(404 if linked is None else 400)
    try:
        result = lti_roster.sync(current_user, linked[0])
    except lti_roster.RosterError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Roster synced: {result.learners} learners and {result.staff} staff ({result.pages} pages read).", "success")
    return redirect(url_for("teach.lms", section_id=section.id))


@bp.route("/assignments/<int:assignment_id>/lms-grades")
@role_required(*TEACHERS)
def lms_grades(assignment_id: int):
    """Each learner's grade sync to the LMS: sent, waiting (with the next try) or failed (with the error)."""
    assignment, section = assignment_or_404(assignment_id)
    return render_template(
        "teach/lms_grades.html",
        assignment=assignment,
        section=section,
        rows=lti_grades.for_assignment(assignment.id),
        form=ActionForm(),
    )


@bp.route("/assignments/<int:assignment_id>/lms-grades/retry", methods=["POST"])
@role_required(*TEACHERS)
def lms_grades_retry(assignment_id: int):
    """Send the assignment's unsent grades now (all, or the one row asked for)."""
    assignment, _ = assignment_or_404(assignment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    raw = request.form.get("row", "")
    only = [int(raw)] if raw.isascii() and raw.isdigit() and int(raw) < 2**31 else None
    sent, failed = lti_grades.retry(assignment.id, only)
    flash(f"Sent {sent} grades to the LMS; {failed} failed again (see the errors below).", "success" if not failed else "error")
    return redirect(url_for("teach.lms_grades", assignment_id=assignment.id))
