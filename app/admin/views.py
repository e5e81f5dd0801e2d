"""Course admin pages: users, roles, deactivation and temporary passwords."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.admin.forms import ActiveForm, HandOverForm, RoleForm, TemporaryPasswordForm
from app.extensions import db
from app.models import Role, User
from app.security import role_required
from app.services import accounts

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    """List users, newest first, with search by email and paging."""
    query = (request.args.get("q") or "").strip().lower()[:254]
    page = request.args.get("page", 1, type=int) or 1
    stmt = select(User).order_by(User.id.desc())
    if query:
        stmt = stmt.where(User.email.contains(query, autoescape=True))
    pagination = db.paginate(stmt, page=max(page, 1), per_page=current_app.config["USERS_PER_PAGE"], error_out=False)
    forms = {u.id: RoleForm(formdata=None, role=u.role, prefix=f"u{u.id}") for u in pagination.items}
    total = db.session.scalar(select(func.count()).select_from(User))
    return render_template("admin/users.html", pagination=pagination, forms=forms, q=query, total=total, active_form=ActiveForm())


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@role_required(Role.ADMIN)
def set_role(user_id: int):
    """Change a user's role."""
    if db.session.get(User, user_id) is None:
        abort(404)
    form = RoleForm(prefix=f"u{user_id}")
    if form.validate_on_submit():
        try:
            user = accounts.set_role(current_user, user_id, Role(form.role.data))
        except accounts.AccountError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{user.email} is now {Role(user.role).label.lower()}.", "success")
    else:
        flash("That role change was not valid; nothing was changed.", "error")
    return redirect(url_for("admin.users", q=request.args.get("q") or None))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def set_active(user_id: int):
    """Deactivate or reactivate an account (audited)."""
    if db.session.get(User, user_id) is None:
        abort(404)
    if ActiveForm().validate_on_submit():
        try:
            user = accounts.set_active(current_user, user_id, request.form.get("active") == "1")
        except accounts.AccountError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{user.email} is now {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users", q=request.args.get("q") or None))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def temporary_password(user_id: int):
    """Set a temporary password for a user who lost theirs; their sessions end and they must change it."""
    user = db.get_or_404(User, user_id)
    form = TemporaryPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_temporary_password(current_user, user.id, form.password.data)
        except accounts.AccountError as exc:
            flash(str(exc), "error")
        else:
            flash(
                f"{user.email} has a temporary password and must choose a new one at their next log-in; "
                "their sessions have ended.",
                "success",
            )
        return redirect(url_for("admin.users", q=user.email))
    return render_template("admin/temporary_password.html", user=user, form=form)


@bp.route("/sections/<int:section_id>/hand-over", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def hand_over_section(section_id: int):
    """Hand a section (roster, assignments, grades) over to another active instructor (audited)."""
    from wtforms.fields.choices import SelectChoice

    from app.models import Section
    from app.services import sections

    section = db.get_or_404(Section, section_id)
    form = HandOverForm()
    form.instructor.choices = [SelectChoice(str(u.id), u.email) for u in sections.instructors_to_hand_over_to(section)]
    if form.validate_on_submit():
        raw = form.instructor.data or ""
        try:
            if not (raw.isascii() and raw.isdigit() and int(raw) < 2**31):
                raise sections.SectionError("Choose an active instructor other than the one who runs the section.")
            target = sections.hand_over(current_user, section, int(raw))
        except sections.SectionError as exc:
            form.instructor.errors.append(str(exc))
        else:
            flash(f"{section.name} is now run by {target.email}.", "success")
            return redirect(url_for("teach.section", section_id=section.id))
    owner = db.session.get(User, section.instructor_id)
    return render_template(
        "admin/hand_over.html", section=section, owner=owner, form=form
    ), 400 if form.instructor.errors else 200


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_log():
    """The audit log of admin and override actions, newest first."""
    from app.services import audit

    page = max(request.args.get("page", 1, type=int) or 1, 1)
    entries = audit.recent(limit=100, offset=(page - 1) * 100)
    # The log names people by id; admins see who that is now (a deleted account's entries carry a pseudonym instead).
    ids = {e.actor_id for e in entries if e.actor_id} | {e.subject_id for e in entries if e.subject_id}
    actors = {u.id: u.email for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return render_template("admin/audit.html", entries=entries, actors=actors, page=page)


@bp.route("/exports")
@role_required(Role.ADMIN)
def exports():
    """Grade exports for any section and question exports in every format."""
    from app.services.sections import roster_size, visible_sections

    return render_template("admin/exports.html", sections=[(s, roster_size(s.id)) for s in visible_sections(current_user)])


@bp.route("/exports/grades.<fmt>.csv")
@role_required(Role.ADMIN)
def export_all_grades(fmt: str):
    """Every section's grades in one file."""
    from app.services.grades import sections_for
    from app.teach.reports import csv_download
    from course.exports.grades import FORMATS

    if fmt not in FORMATS:
        abort(404)
    return csv_download(fmt, [s.id for s in sections_for(current_user, None)], f"oversight-grades-all-{fmt}.csv")


@bp.route("/exports/questions.<fmt>")
@role_required(Role.ADMIN)
def export_questions(fmt: str):
    """The question bank in one of the registered formats."""
    from app.teach.reports import question_download

    return question_download(fmt)
