"""Instructors grade essays: a queue per assignment, one essay after another, names hidden by default."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.forms import CSRFForm
from app.security import role_required
from app.services import essays
from app.services.content import get_course
from app.teach.views import TEACHERS, assignment_or_404, bp


def _names_shown() -> bool:
    """Learner names are hidden unless the grader asks for them (less bias in grading)."""
    return request.args.get("names") == "1"


@bp.route("/assignments/<int:assignment_id>/essays")
@role_required(*TEACHERS)
def essay_queue(assignment_id: int):
    """The essays of an assignment: how many wait, and each one to grade or regrade."""
    assignment, section = assignment_or_404(assignment_id)
    items = essays.essay_items(assignment, get_course())
    upcoming = essays.next_ungraded(items)
    return render_template(
        "teach/essays.html", assignment=assignment, section=section, items=items, upcoming=upcoming, names=_names_shown()
    )


@bp.route("/assignments/<int:assignment_id>/essays/<int:attempt_id>/<question_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def grade_essay(assignment_id: int, attempt_id: int, question_id: str):
    """Grade one essay with its rubric and a comment, then go on to the next ungraded one."""
    assignment, section = assignment_or_404(assignment_id)
    course = get_course()
    item = essays.find(assignment, course, attempt_id, question_id)
    if item is None:
        abort(404)
    form, error = CSRFForm(), None
    picked = list(item.row.rubric or [])
    comment = item.row.comment or ""
    if request.method == "POST" and form.validate_on_submit():
        raw = [request.form.get(f"level-{i}", "") for i in range(len(item.question.rubric))]
        comment = request.form.get("comment", "")
        picked = [int(v) if v.isdigit() else -1 for v in raw]
        if any(v < 0 for v in picked):
            error = "Pick one level for every criterion."
        else:
            try:
                score = essays.grade_essay(current_user, assignment, item, picked, comment)
            except essays.GradingError as exc:
                error = str(exc)
            else:
                flash(f"Graded: {round(score * 100)}% of the marks for this essay.", "success")
                following = essays.next_ungraded(essays.essay_items(assignment, course), (attempt_id, question_id))
                if following is None:
                    flash("Every essay of this assignment is graded.", "success")
                    return redirect(url_for("teach.essay_queue", assignment_id=assignment.id, names=request.args.get("names")))
                return redirect(
                    url_for(
                        "teach.grade_essay",
                        assignment_id=assignment.id,
                        attempt_id=following.attempt.id,
                        question_id=following.question.id,
                        names=request.args.get("names"),
                    )
                )
    status = 422 if error else 200
    return render_template(
        "teach/grade_essay.html",
        assignment=assignment,
        section=section,
        item=item,
        form=form,
        error=error,
        picked=picked,
        comment=comment,
        names=_names_shown(),
        course=course,
    ), status
