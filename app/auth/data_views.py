"""Data rights: see, download (JSON, CSV) and delete everything stored about you."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.forms import DeleteAccountForm
from app.auth.signin import sign_out
from app.auth.views import bp
from app.security import logged_in
from app.services import privacy


def _download(body: str, mimetype: str, extension: str) -> Response:
    name = f"oversight-my-data.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/data")
@logged_in
def my_data():
    """Show what is stored about the learner, with downloads and account deletion."""
    data = privacy.export_data(current_user)
    form = DeleteAccountForm()
    return render_template("auth/my_data.html", data=data, form=form, via_lms=privacy.signs_in_through_lms(current_user.id))


@bp.route("/data.json")
@logged_in
def my_data_json():
    """Download everything stored about the learner as JSON."""
    return _download(json.dumps(privacy.export_data(current_user), indent=2, ensure_ascii=False), "application/json", "json")


@bp.route("/data.csv")
@logged_in
def my_data_csv():
    """Download everything stored about the learner as one CSV table."""
    return _download(privacy.export_csv(current_user), "text/csv", "csv")


@bp.route("/delete", methods=["POST"])
@logged_in
def delete_account():
    """Delete the account and all its data after the password is confirmed."""
    form = DeleteAccountForm()
    via_lms = privacy.signs_in_through_lms(current_user.id)
    confirmed = (
        (form.confirm.data or "").strip() == "DELETE" if via_lms else current_user.check_password(form.password.data or "")
    )
    if form.validate_on_submit() and confirmed:
        user = current_user._get_current_object()
        try:
            privacy.delete_account(user)
        except privacy.DeletionRefused as exc:
            flash(str(exc), "error")
            return redirect(url_for("auth.my_data"))
        sign_out()
        flash("Your account and everything stored about you have been deleted.", "success")
        return redirect(url_for("main.home"))
    flash(
        "Type DELETE to confirm; nothing was deleted." if via_lms else "The password was not correct; nothing was deleted.",
        "error",
    )
    return redirect(url_for("auth.my_data"))
