"""Admin pages for LTI 1.3: register LMS platforms, show what to paste into the LMS, rotate the tool's key."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.admin.views import bp
from app.extensions import db
from app.lti import keys
from app.models import Role
from app.security import role_required
from app.services import audit, lti_platforms


class PlatformForm(FlaskForm):
    """The details an LMS shows when the tool is added to it."""

    name = StringField(
        "Name", validators=[DataRequired(), Length(max=120)], description="For example: Canvas, Example University."
    )
    issuer = StringField(
        "Issuer (platform id)",
        validators=[DataRequired(), Length(max=255)],
        description="Canvas: https://canvas.instructure.com; Moodle: the site's address.",
    )
    client_id = StringField("Client id", validators=[DataRequired(), Length(max=255)])
    deployment_ids = TextAreaField("Deployment ids", validators=[DataRequired(), Length(max=2000)], description="One per line.")
    auth_login_url = StringField("Authorisation (OIDC) URL", validators=[DataRequired(), Length(max=500)])
    auth_token_url = StringField("Access token URL", validators=[DataRequired(), Length(max=500)])
    key_set_url = StringField("Platform key set (JWKS) URL", validators=[DataRequired(), Length(max=500)])
    auth_audience = StringField("Token audience (if the LMS gives one)", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Save platform")


class ConfirmForm(FlaskForm):
    """A button that changes something (CSRF-protected)."""

    submit = SubmitField("Confirm")


def _page(form: PlatformForm, status: int = 200):
    base = request.host_url.rstrip("/")
    return render_template(
        "admin/lti.html",
        form=form,
        platforms=lti_platforms.all_platforms(),
        urls=lti_platforms.tool_urls(base),
        keys=keys.published(),
        confirm=ConfirmForm(),
    ), status


@bp.route("/lti", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def lti():
    """Registered platforms, the tool's URLs and keys, and a form to add or update a platform."""
    form = PlatformForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _page(form, 422)
        details = lti_platforms.PlatformDetails(
            name=form.name.data or "",
            issuer=form.issuer.data or "",
            client_id=form.client_id.data or "",
            auth_login_url=form.auth_login_url.data or "",
            auth_token_url=form.auth_token_url.data or "",
            key_set_url=form.key_set_url.data or "",
            deployment_ids=tuple((form.deployment_ids.data or "").splitlines()),
            auth_audience=form.auth_audience.data,
        )
        try:
            platform = lti_platforms.register(current_user.id, details)
        except lti_platforms.PlatformError as exc:
            form.form_errors.append(str(exc))
            return _page(form, 422)
        flash(f"Saved {platform.name}. Paste the tool's URLs below into the LMS if you have not yet.", "success")
        return redirect(url_for("admin.lti"))
    keys.signing_key()
    db.session.commit()  # the first visit makes the tool's first key, so its key set can be pasted at once
    return _page(form)


@bp.route("/lti/platforms/<int:platform_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def lti_remove(platform_id: int):
    """Remove a platform registration (its launches stop working)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not lti_platforms.remove(current_user.id, platform_id):
        abort(404)
    flash("Platform removed. Launches from it are refused from now on.", "success")
    return redirect(url_for("admin.lti"))


@bp.route("/lti/rotate-key", methods=["POST"])
@role_required(Role.ADMIN)
def lti_rotate():
    """Make a new signing key; the old one stays published for the overlap."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    new, retired = keys.rotate()
    audit.record(current_user.id, "lti.key_rotated", "lti", kid=new.kid, retired=retired)
    db.session.commit()
    flash(f"New signing key {new.kid[:12]}…; the previous key stays published for {keys.OVERLAP.days} days.", "success")
    return redirect(url_for("admin.lti"))
