"""Course admin pages: users and roles."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.admin.forms import RoleForm
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
    return render_template("admin/users.html", pagination=pagination, forms=forms, q=query, total=total)


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
