"""Instructor reports: item analysis and grade exports (routes on the teach blueprint)."""

from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from app.security import role_required
from app.services import contests, item_analysis
from app.services.content import get_course
from app.services.grades import grade_rows, sections_for
from app.teach.views import TEACHERS, assignment_or_404, bp, section_or_404
from course.analytics import SMALL_SAMPLE, ItemStats
from course.exports.formats import QUESTION_FORMATS
from course.exports.grades import FORMATS, export_csv
from course.model import Question
from course.qtypes import type_of


def shown_flags(item: ItemStats) -> tuple[str, ...]:
    """The flags the sample can support: none below SMALL_SAMPLE responses, where any estimate is too uncertain."""
    return () if item.n < SMALL_SAMPLE else item.flags


def options_of(question: Question | None) -> list[tuple[str, bool]]:
    """Each option's text and whether it is a key, in the order item analysis counts them (choice types only)."""
    if question is None:
        return []
    keys = type_of(question).item_info(question).keys
    if hasattr(question, "choices"):
        texts = [choice.text for choice in question.choices]
    elif question.type == "true_false":
        texts = ["True", "False"]  # TrueFalseType counts True as option 0
    else:
        return []
    return [(text, i in keys) for i, text in enumerate(texts)]


def _stats_page(stats, title: str, back=None):
    course = get_course()
    flagged_only = request.args.get("flagged") == "1"
    rows = [(item, shown_flags(item)) for item in stats.items]
    if flagged_only:
        rows = [(item, flags) for item, flags in rows if flags]
    return render_template(
        "teach/items.html",
        stats=stats,
        rows=rows,
        title=title,
        course=course,
        back=back,
        flagged_only=flagged_only,
        small_sample=SMALL_SAMPLE,
        options_of=options_of,
        contest_counts=contests.counts(current_user),
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
