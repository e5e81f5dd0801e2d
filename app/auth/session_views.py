"""Your sessions: every device signed in to this account, with "sign out everywhere else"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.signin import current_token
from app.auth.views import bp
from app.forms import CSRFForm
from app.security import logged_in
from app.services import sessions


@bp.route("/sessions")
@logged_in
def my_sessions():
    """List the account's sessions: device, when it signed in, when it was last used."""
    mine = sessions.digest(current_token() or "")
    return render_template("auth/sessions.html", rows=sessions.of_user(current_user.id), mine=mine, form=CSRFForm())


@bp.route("/sessions/end-others", methods=["POST"])
@logged_in
def end_other_sessions():
    """Sign out every other device of this account; this one stays signed in."""
    if not CSRFForm().validate_on_submit():
        abort(400)
    ended = sessions.end_all(current_user.id, keep_token=current_token())
    flash(f"Signed out {ended} other session{'' if ended == 1 else 's'}.", "success")
    return redirect(url_for("auth.my_sessions"))
