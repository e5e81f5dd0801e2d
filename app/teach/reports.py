"""Instructor reports: item analysis and grade exports (routes on the teach blueprint)."""

from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from app.security import role_required
from app.services import item_analysis
from app.services.content import get_course
from app.services.grades import grade_rows, sections_for
from app.teach.views import TEACHERS, assignment_or_404, bp, section_or_404
from course.exports.formats import QUESTION_FORMATS
from course.exports.grades import FORMATS, export_csv


def _stats_page(stats, title: str, back=None):
    course = get_course()
    flagged_only = request.args.get("flagged") == "1"
    items = [i for i in stats.items if i.flags] if flagged_only else list(stats.items)
    return render_template(
        "teach/items.html", stats=stats, items=items, title=title, course=course, back=back, flagged_only=flagged_only
    )


@bp.route("/assignments/<int:assignment_id>/items")
@role_required(*TEACHERS)
def assignment_items(assignment_id: int):
    """Item statistics of one assignment."""
    assignment, section = assignment_or_404(assignment_id)
    stats = item_analysis.for_assignment(assignment, get_course())
    return _stats_page(stats, f"Item analysis: {assignment.title}", back=section)


@bp.route("/items")
@role_required(*TEACHERS)
def items():
    """Item statistics across every question, from all the attempts this user may see."""
    return _stats_page(item_analysis.across_bank(current_user, get_course()), "Item analysis across the question bank")


def csv_download(fmt: str, section_ids: list[int], name: str) -> Response:
    """Stream a grade export as a CSV download."""
    columns, learners = grade_rows(section_ids)
    body = stream_with_context(export_csv(fmt, columns, learners))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/sections/<int:section_id>/grades.<fmt>.csv")
@role_required(*TEACHERS)
def export_grades(section_id: int, fmt: str):
    """Download a section's grades in one of the export formats."""
    section = section_or_404(section_id)
    if fmt not in FORMATS:
        abort(404)
    return csv_download(
        fmt, [s.id for s in sections_for(current_user, section.id)], f"oversight-grades-section{section.id}-{fmt}.csv"
    )


def question_download(fmt: str) -> Response:
    """The question bank as a download in one of the registered formats (404 for an unknown one)."""
    from app.services.question_export import export_questions

    if fmt not in QUESTION_FORMATS:
        abort(404)
    export = QUESTION_FORMATS[fmt]
    data, _, _ = export_questions(get_course(), fmt)
    return Response(data, mimetype=export.mime, headers={"Content-Disposition": f'attachment; filename="{export.filename}"'})


@bp.route("/questions.<fmt>")
@role_required(*TEACHERS)
def export_questions(fmt: str):
    """The question bank for an instructor's own LMS, in one of the registered formats."""
    return question_download(fmt)
