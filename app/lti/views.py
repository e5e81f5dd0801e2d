"""LTI 1.3 endpoints: OIDC login initiation, launch, the tool's key set, and deep linking.

The login and launch are cross-site requests from the LMS, so they carry no CSRF token of ours;
they are protected instead by the OIDC state (bound to the browser by a cookie), the platform's
signature on the id_token and a single-use nonce (`app.lti.tool`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem
from sqlalchemy import select

from app.auth.signin import sign_in
from app.extensions import csrf, db, limiter
from app.lti import keys, tool
from app.lti.frame import frame_ancestors
from app.models import Assignment, Role
from app.security import CSP, public, role_required
from app.services import lti_grades, lti_launches
from app.services.content import get_course

bp = Blueprint("lti", __name__, url_prefix="/lti")
LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id", "lti_deployment_id")


def _refused(reason: str, status: int = 400, claims: dict[str, Any] | None = None, new_window: str | None = None):
    lti_launches.refuse(reason, claims)
    return render_template("lti/refused.html", reason=reason, new_window=new_window), status


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit("60 per minute")
@public
def login():
    """OIDC login initiation: check the platform, remember the login, send the browser to the LMS to authenticate."""
    params = {key: (request.values.get(key) or "") for key in LOGIN_PARAMS}
    if not params["iss"] or not params["login_hint"]:
        return _refused("This address is for LMS launches: open Oversight from your course in the LMS.")
    try:
        oidc = tool.oidc_login(tool.flask_request())
        oidc.pass_params_to_launch({"login": params})
        return oidc.redirect(url_for("lti.launch", _external=True))
    except (LtiException, tool.LaunchRefused) as exc:
        return _refused(getattr(exc, "reason", None) or f"The launch could not start: {exc}")


def _new_window_link() -> str | None:
    """A link that starts the launch again as a top-level page (where the browser allows the cookies)."""
    state = request.form.get("state") or ""
    params = tool.FlaskSessionService(tool.flask_request())
    storage = tool.DatabaseLaunchStorage()
    params.set_data_storage(storage)
    saved = params.get_state_params(state) if state else None
    login = saved.get("login") if isinstance(saved, dict) else None
    if not isinstance(login, dict) or not login:
        return None
    return url_for("lti.login", _external=True, **{k: v for k, v in login.items() if v}, lti1p3_new_window="1")


@bp.route("/launch", methods=["POST"])
@csrf.exempt
@limiter.limit("60 per minute")
@public
def launch():
    """Validate the platform's id_token, link the account and section, sign in, and open the target page."""
    handler = tool.new_launch()
    try:
        claims: dict[str, Any] = dict(handler.get_launch_data())
    except tool.LaunchRefused as exc:
        return _refused(exc.reason, exc.status)
    except LtiException as exc:
        if "State not found" in str(exc):
            link = _new_window_link()
            reason = (
                "Your browser did not send back the cookie this launch set, usually because it blocks cookies in "
                "embedded pages. Open Oversight in a new window to continue."
            )
            return _refused(reason, 400, new_window=link)
        return _refused(f"The launch was refused: {exc}")
    try:
        launched = lti_launches.accept(claims)
    except PermissionError as exc:
        return _refused(str(exc), 403, claims)
    except ValueError as exc:
        return _refused(str(exc), 400, claims)
    sign_in(launched.user)
    session["lti"] = {"launch_id": handler.get_launch_id(), "section_id": launched.section.id}
    if launched.deep_linking:
        return redirect(url_for("lti.deep_link", launch_id=handler.get_launch_id()))
    return redirect(_landing(launched))


def _landing(launched: lti_launches.Launched) -> str:
    kind, _, ident = (launched.target or "").partition(":")
    if kind == "lesson" and ident in get_course().lesson_by_id:
        return url_for("learn.lesson", lesson_id=ident)
    if kind == "assignment":
        if launched.staff:
            return url_for("teach.assignment", assignment_id=int(ident))
        return url_for("classes.start_page", assignment_id=int(ident))
    if launched.staff:
        return url_for("teach.section", section_id=launched.section.id)
    return url_for("classes.my_assignments")


@bp.route("/jwks")
@public
def jwks():
    """The tool's public keys (the signing key and any retired within the rotation overlap)."""
    keys.signing_key()
    db.session.commit()  # the first request makes the first key
    response = jsonify({"keys": keys.published()})
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _deep_link_launch(launch_id: str):
    if not launch_id.startswith("lti1p3-launch-") or (session.get("lti") or {}).get("launch_id") != launch_id:
        abort(404)
    try:
        return tool.restored_launch(launch_id)
    except LtiException:
        abort(404)


@bp.route("/deep-link/<launch_id>", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR, Role.ADMIN)
def deep_link(launch_id: str):
    """Let an instructor pick lessons and assignments to place in the LMS course, then return them to the LMS."""
    handler = _deep_link_launch(launch_id)
    section_id = (session.get("lti") or {}).get("section_id")
    course = get_course()
    assignments = list(
        db.session.scalars(select(Assignment).where(Assignment.section_id == section_id, Assignment.archived_at.is_(None)))
    )
    if request.method == "GET":
        return render_template("lti/deep_link.html", lessons=course.lessons, assignments=assignments, error=None)
    chosen_lessons = [lid for lid in request.form.getlist("lesson") if lid in course.lesson_by_id]
    by_id = {str(a.id): a for a in assignments}
    chosen_assignments = [by_id[aid] for aid in request.form.getlist("assignment") if aid in by_id]
    if not chosen_lessons and not chosen_assignments:
        return render_template(
            "lti/deep_link.html",
            lessons=course.lessons,
            assignments=assignments,
            error="Choose at least one lesson or assignment.",
        ), 422
    launch_url = url_for("lti.launch", _external=True)
    resources = []
    for lesson_id in chosen_lessons:
        lesson = course.lesson_by_id[lesson_id]
        resource = DeepLinkResource().set_url(launch_url).set_title(lesson.title)
        resources.append(resource.set_custom_params({lti_launches.TARGET_PARAM: f"lesson:{lesson_id}"}))
    for assignment in chosen_assignments:
        item = LineItem().set_label(assignment.title).set_score_maximum(assignment.points)
        item.set_resource_id(f"assignment-{assignment.id}").set_tag("oversight")
        resource = DeepLinkResource().set_url(launch_url).set_title(assignment.title).set_lineitem(item)
        resources.append(resource.set_custom_params({lti_launches.TARGET_PARAM: f"assignment:{assignment.id}"}))
    deep_link = handler.get_deep_link()
    token = deep_link.get_response_jwt(resources)
    db.session.commit()  # a first signing key made while signing
    return_url = handler.get_launch_data()["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"][
        "deep_link_return_url"
    ]
    response = make_response(
        render_template("lti/deep_link_return.html", return_url=return_url, token=token, count=len(resources))
    )
    # This one form posts to the LMS: allow exactly its origin as a form target, beside 'self'.
    parts = urlsplit(return_url)
    response.headers["Content-Security-Policy"] = CSP.replace(
        "form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}"
    ).replace("frame-ancestors 'none'", f"frame-ancestors {frame_ancestors(current_app)}")
    return response


def register_lti(app) -> None:
    """Post queued grades after each request that queued some, and let registered LMSs frame the pages."""

    @app.after_request
    def _post_queued_scores(response: Response) -> Response:
        if g.pop("lti_scores_queued", False):
            try:
                lti_grades.deliver(lti_grades.due(limit=50))
            except Exception:  # never fail the learner's request: the rows stay queued for `flask lti sync`
                db.session.rollback()
                current_app.logger.exception("LTI score delivery failed; left queued")
        return response
