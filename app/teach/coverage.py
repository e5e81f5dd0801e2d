"""The coverage map of the readings for instructors (routes on the teach blueprint) and its facility figures."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from app.models import Attempt, Role, User
from app.security import role_required
from app.services import item_analysis
from app.services.content import get_course
from app.teach.views import TEACHERS, bp
from course.analytics import TestStats, analyse
from course.catalog import Course
from course.coverage import ItemFacility, coverage


def _facility_of(stats: TestStats) -> dict[str, ItemFacility]:
    return {item.item_id: ItemFacility(item.facility, item.n) for item in stats.items}


def class_facility(user: User, course: Course) -> dict[str, ItemFacility]:
    """Each question's facility over the submitted attempts of the user's sections (an admin: every section)."""
    # The same scope and the same scores as the item analysis across the bank, so the two pages agree.
    return _facility_of(item_analysis.across_bank(user, course))


def facility_everywhere(course: Course) -> dict[str, ItemFacility]:
    """Each question's facility over every submitted attempt (the command line's view: no user, no scope)."""
    # Read-only on purpose: unlike the pages, a report run from a shell does not close overdue attempts
    # (`flask attempts close-expired` does that from cron).
    responses = item_analysis.responses_where(Attempt.id.is_not(None), course)
    return _facility_of(analyse(responses, item_analysis.item_infos(course)))


@bp.route("/coverage")
@role_required(*TEACHERS)
def coverage_map():
    """Every numbered paragraph of the readings: the questions citing it by type and Bloom level, and the class facility."""
    course = get_course()
    chosen = request.args.get("reading") or None
    if chosen is not None and chosen not in course.reading_by_id:
        abort(404)
    readings = coverage(course, class_facility(current_user, course), [chosen] if chosen else None)
    return render_template(
        "teach/coverage.html",
        readings=readings,
        course=course,
        chosen=chosen,
        everyone=current_user.has_role(Role.ADMIN),
    )
