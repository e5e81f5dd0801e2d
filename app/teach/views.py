"""Instructors: sections and rosters, assignments with extensions and overrides, the class dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.forms import CSRFForm
from app.models import Assignment, Role, Section, User
from app.security import role_required
from app.services import assignments, dashboard, regrade, sections
from app.services.content import get_course
from app.teach.forms import (
    AssignmentForm,
    ExtensionForm,
    NewCodeForm,
    OverrideForm,
    ReadmitForm,
    RemoveForm,
    SectionForm,
    TimeZoneForm,
)
from app.teach.heatmap import heat_cells
from app.timezones import local_to_utc
from course.attempts import DEFAULT_GRACE_SECONDS

bp = Blueprint("teach", __name__, url_prefix="/teach")
TEACHERS = (Role.INSTRUCTOR, Role.ADMIN)


def section_or_404(section_id: int) -> Section:
    """The section, if this user may manage it; otherwise it does not exist for them."""
    section = db.session.get(Section, section_id)
    if section is None or not sections.can_manage(current_user, section):
        abort(404)
    return section


def assignment_or_404(assignment_id: int) -> tuple[Assignment, Section]:
    """The assignment and its section, if this user may manage them."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    return assignment, section_or_404(assignment.section_id)


def _row_id(raw: str | None) -> int | None:
    """A row id typed into a form, or None for anything else (a database integer holds at most 2**31 - 1)."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() and int(raw) < 2**31 else None


def _utc(value, section: Section):
    """A time typed in the section's zone, as UTC."""
    return local_to_utc(value, section.time_zone)


@bp.route("/", methods=["GET", "POST"])
@role_required(*TEACHERS)
def index():
    """List the sections this user runs (all, for an admin) and create a new one."""
    form = SectionForm()
    if form.validate_on_submit():
        section = sections.create_section(current_user, form.name.data, form.term.data or "", form.time_zone.data)
        flash(f"Section created. Students join with code {section.join_code}.", "success")
        return redirect(url_for("teach.section", section_id=section.id))
    rows = [(s, sections.roster_size(s.id)) for s in sections.visible_sections(current_user)]
    return render_template("teach/index.html", rows=rows, form=form)


@bp.route("/sections/<int:section_id>")
@role_required(*TEACHERS)
def section(section_id: int):
    """The roster and removed students, the join code and link, and the section's assignments."""
    section = section_or_404(section_id)
    return render_template(
        "teach/section.html",
        section=section,
        roster=sections.roster(section),
        removed=sections.removed(section),
        assignments=assignments.of_section(section.id),
        remove_form=RemoveForm(),
        readmit_form=ReadmitForm(),
        code_form=NewCodeForm(),
        zone_form=TimeZoneForm(time_zone=section.time_zone),
    )


@bp.route("/sections/<int:section_id>/time-zone", methods=["POST"])
@role_required(*TEACHERS)
def section_time_zone(section_id: int):
    """Change the zone the section's times are entered and shown in (stored times do not move)."""
    section = section_or_404(section_id)
    form = TimeZoneForm()
    if form.validate_on_submit():
        sections.set_time_zone(current_user, section, form.time_zone.data)
        flash(f"Times in this section are now entered and shown in {section.time_zone}.", "success")
    else:
        flash("Choose a time zone from the list; nothing was changed.", "error")
    return redirect(url_for("teach.section", section_id=section.id))


@bp.route("/sections/<int:section_id>/remove", methods=["POST"])
@role_required(*TEACHERS)
def remove_student(section_id: int):
    """Remove a student from the roster; they cannot join again until re-admitted."""
    section = section_or_404(section_id)
    form = RemoveForm()
    if form.validate_on_submit() and (user_id := _row_id(form.user_id.data)) is not None:
        try:
            sections.remove(current_user, section, user_id)
            flash("Student removed from the section. They cannot join it again unless you re-admit them.", "success")
        except sections.SectionError as exc:
            flash(str(exc), "error")
    return redirect(url_for("teach.section", section_id=section.id))


@bp.route("/sections/<int:section_id>/readmit", methods=["POST"])
@role_required(*TEACHERS)
def readmit_student(section_id: int):
    """Put a removed student back on the roster."""
    section = section_or_404(section_id)
    form = ReadmitForm()
    if form.validate_on_submit() and (user_id := _row_id(form.user_id.data)) is not None:
        try:
            student = sections.readmit(current_user, section, user_id)
            flash(f"{student.email} is back on the roster.", "success")
        except sections.SectionError as exc:
            flash(str(exc), "error")
    return redirect(url_for("teach.section", section_id=section.id))


@bp.route("/sections/<int:section_id>/code", methods=["POST"])
@role_required(*TEACHERS)
def new_join_code(section_id: int):
    """Replace the join code; the old code stops working at once."""
    section = section_or_404(section_id)
    if not NewCodeForm().validate_on_submit():
        abort(400)
    try:
        code = sections.new_join_code(current_user, section)
        flash(f"New join code: {code}. The old code no longer works.", "success")
    except sections.SectionError as exc:
        flash(str(exc), "error")
    return redirect(url_for("teach.section", section_id=section.id))


@bp.route("/sections/<int:section_id>/assignments/new", methods=["GET", "POST"])
@role_required(*TEACHERS)
def new_assignment(section_id: int):
    """Create a graded quiz for the section."""
    section = section_or_404(section_id)
    course = get_course()
    form = AssignmentForm()
    form.opens_at.label.text = f"Opens ({section.time_zone})"
    form.due_at.label.text = f"Due ({section.time_zone})"
    form.lessons.choices = [SelectChoice(lesson.id, lesson.title) for lesson in course.lessons if course.questions_for(lesson.id)]
    form.objectives.choices = [
        SelectChoice(o.id, f"{o.id}: {o.text}")
        for lesson in course.lessons
        for o in lesson.meta.objectives
        if course.questions_for(lesson.id)
    ]
    if form.validate_on_submit():
        settings = assignments.AssignmentSettings(
            title=form.title.data,
            lesson_ids=tuple(form.lessons.data),
            objective_ids=tuple(form.objectives.data or ()),
            question_types=tuple(form.types.data or ()),
            num_questions=form.num_questions.data,
            opens_at=_utc(form.opens_at.data, section),
            due_at=_utc(form.due_at.data, section),
            time_limit_minutes=form.time_limit_minutes.data,
            attempts_allowed=form.attempts_allowed.data,
            counting=form.counting.data,
            points=float(form.points.data),
            feedback_policy=form.feedback_policy.data,
            answers_policy=form.answers_policy.data,
            grace_seconds=DEFAULT_GRACE_SECONDS if form.grace_seconds.data is None else form.grace_seconds.data,
        )
        try:
            assignment = assignments.create(current_user, section, course, settings)
        except assignments.AssignmentError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Assignment “{assignment.title}” created.", "success")
            return redirect(url_for("teach.assignment", assignment_id=assignment.id))
    return render_template("teach/assignment_new.html", form=form, section=section), 400 if form.form_errors else 200


@bp.route("/assignments/<int:assignment_id>")
@role_required(*TEACHERS)
def assignment(assignment_id: int):
    """Each learner's attempts, counted score, extension and override."""
    assignment, section = assignment_or_404(assignment_id)
    records = assignments.class_records(assignment)
    rows = []
    for user, _ in sections.roster(section):
        points, status = records.final_points(assignment, user.id)
        rows.append(
            {
                "user": user,
                "attempts": records.attempts.get(user.id, []),
                "points": points,
                "status": status,
                "due": records.effective_due(assignment, user.id),
                "extension": records.extensions.get(user.id),
            }
        )
    bins, graded, missing = dashboard.histogram(section.id, assignment, records)
    return render_template(
        "teach/assignment.html",
        assignment=assignment,
        section=section,
        rows=rows,
        bins=bins,
        graded=graded,
        missing=missing,
        extension_form=ExtensionForm(),
        override_form=OverrideForm(),
        outdated=regrade.outdated_questions(assignment, get_course()),
        essays_waiting=sum(a.pending_grading or 0 for tries in records.attempts.values() for a in tries),
    )


@bp.route("/assignments/<int:assignment_id>/regrade/<question_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def regrade_question(assignment_id: int, question_id: str):
    """Show what regrading one question against today's bank would change; on confirm, do it (audited)."""
    assignment, section = assignment_or_404(assignment_id)
    course = get_course()
    form = CSRFForm()
    try:
        if form.validate_on_submit():
            done = regrade.apply(current_user, assignment, question_id, course)
            flash(
                f"Regraded {question_id}: {len(done.changed)} of {len(done.changes)} attempts changed; "
                "the before and after are in the audit log.",
                "success",
            )
            return redirect(url_for("teach.assignment", assignment_id=assignment.id))
        proposal = regrade.plan(assignment, question_id, course)
    except regrade.RegradeError as exc:
        flash(str(exc), "error")
        return redirect(url_for("teach.assignment", assignment_id=assignment.id))
    return render_template("teach/regrade.html", assignment=assignment, section=section, plan=proposal, form=form)


def _roster_user(section: Section, raw: str | None) -> User:
    if not raw or not raw.isdigit() or not assignments.is_enrolled(int(raw), section.id):
        abort(404)
    return db.session.get_one(User, int(raw))  # the enrolment's foreign key keeps the user


@bp.route("/assignments/<int:assignment_id>/extension", methods=["POST"])
@role_required(*TEACHERS)
def extension(assignment_id: int):
    """Give one learner extra time or a later due date."""
    assignment, section = assignment_or_404(assignment_id)
    form = ExtensionForm()
    if form.validate_on_submit():
        user = _roster_user(section, form.user_id.data)
        try:
            assignments.set_extension(current_user, assignment, user.id, form.extra_minutes.data, _utc(form.due_at.data, section))
            flash(f"Extension saved for {user.email}.", "success")
        except assignments.AssignmentError as exc:
            flash(str(exc), "error")
    else:
        flash("The extension was not valid; nothing was changed.", "error")
    return redirect(url_for("teach.assignment", assignment_id=assignment.id))


@bp.route("/assignments/<int:assignment_id>/override", methods=["POST"])
@role_required(*TEACHERS)
def override(assignment_id: int):
    """Set one learner's score by hand, with a required reason."""
    assignment, section = assignment_or_404(assignment_id)
    form = OverrideForm()
    if form.validate_on_submit():
        user = _roster_user(section, form.user_id.data)
        try:
            assignments.override(current_user, assignment, user.id, float(form.points.data), form.reason.data)
            flash(f"Score for {user.email} overridden; the reason is in the audit log.", "success")
        except assignments.AssignmentError as exc:
            flash(str(exc), "error")
    else:
        flash("An override needs a score and a reason; nothing was changed.", "error")
    return redirect(url_for("teach.assignment", assignment_id=assignment.id))


@bp.route("/sections/<int:section_id>/dashboard")
@role_required(*TEACHERS)
def dashboard_page(section_id: int):
    """Completion per lesson, score distributions, the mastery heatmap and who needs help."""
    section = section_or_404(section_id)
    course = get_course()
    users = dashboard.roster_users(section.id)  # loaded once, for the heatmap and every histogram
    learners = dashboard.learner_rows(section.id, course, users)
    histograms = [(a, *dashboard.histogram(section.id, a, users=users)) for a in assignments.of_section(section.id)]
    not_started, below = dashboard.needs_attention(learners)
    return render_template(
        "teach/dashboard.html",
        section=section,
        course=course,
        columns=dashboard.heatmap_columns(course),
        learners=learners,
        heat_cells=heat_cells,
        histograms=histograms,
        completion=dashboard.completion(section.id, course, len(learners)),
        not_started=not_started,
        below=below,
    )


@bp.route("/sections/<int:section_id>/learners/<int:user_id>")
@role_required(*TEACHERS)
def learner(section_id: int, user_id: int):
    """One learner's attempts and mastery, for this section."""
    section = section_or_404(section_id)
    user = _roster_user(section, str(user_id))
    course = get_course()
    from app.services.progress import lesson_progress, mastery_for

    mastery = mastery_for(user.id, course)
    return render_template(
        "teach/learner.html",
        section=section,
        learner=user,
        course=course,
        mastery=mastery,
        lessons=lesson_progress(user.id, course, mastery),
        attempts=dashboard.learner_attempts(user.id, section.id),
    )
