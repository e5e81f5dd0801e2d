"""The contest queue: instructors (their sections) and admins (all) read contests, answer and resolve them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.forms import CSRFForm
from app.models import Attempt, Role, User
from app.security import role_required
from app.services import contests
from app.services.content import get_course
from app.teach.views import TEACHERS, bp
from course.grading import correct_response, grade
from course.responses import from_json

ACTIONS = {"reject": "Reject", "accept": "Accept this answer", "drop": "Drop the question from the assignment"}


def contest_or_404(contest_id: int):
    """The contest, if this user may resolve it; otherwise it does not exist for them."""
    contest = contests.get_for(current_user, contest_id)
    if contest is None:
        abort(404)
    return contest


@bp.route("/contests")
@role_required(*TEACHERS)
def contest_queue():
    """Open contests in this user's sections (an admin: every section), oldest first; resolved ones on request."""
    status = request.args.get("status", "open")
    if status not in contests.STATUSES:
        status = "open"
    return render_template(
        "teach/contests.html",
        rows=contests.queue(current_user, status),
        status=status,
        statuses=contests.STATUSES,
        course=get_course(),
        everyone=current_user.has_role(Role.ADMIN),
    )


@bp.route("/contests/<int:contest_id>", methods=["GET", "POST"])
@role_required(*TEACHERS)
def contest_page(contest_id: int):
    """One contest: the question, the learner's answer and reason, the cited paragraph; resolve it."""
    contest = contest_or_404(contest_id)
    course = get_course()
    form, error = CSRFForm(), None
    if form.validate_on_submit():
        action, answer = request.form.get("action", ""), request.form.get("response")
        try:
            if action == "reject":
                contests.reject(current_user, contest, answer)
                flash("Contest rejected; the learner sees your reason.", "success")
            elif action == "accept":
                moved = contests.accept(current_user, contest, answer, course)
                flash(f"Contest accepted: {moved} score{'' if moved == 1 else 's'} regraded (see the audit log).", "success")
            elif action == "drop":
                moved = contests.drop(current_user, contest, answer)
                flash(f"Question dropped: {moved} attempt{'' if moved == 1 else 's'} recomputed (see the audit log).", "success")
            else:
                raise contests.ContestError("Pick what to do: reject, accept or drop.")
        except contests.ContestError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            return redirect(url_for("teach.contest_page", contest_id=contest.id))
    question = course.question_by_id.get(contest.question_id)
    attempt = db.session.get(Attempt, contest.attempt_id) if contest.attempt_id else None
    if attempt is not None and question is None:
        from app.services.quizzes import questions_of

        question = next((q for q in questions_of(attempt, course) if q.id == contest.question_id), None)
    stored = contests.contested_response(contest)
    response = from_json(question, stored) if question is not None and stored is not None else None
    paragraph = None
    if contest.paragraph:
        paragraph = (
            next((p for p in contests.paragraphs_for(question, course) if p.value == contest.paragraph), None)
            if question
            else None
        )
    return render_template(
        "teach/contest.html",
        contest=contest,
        learner=db.session.get(User, contest.user_id),
        question=question,
        response=response,
        result=grade(question, response) if question is not None and response is not None else None,
        key=correct_response(question) if question is not None else None,
        assignment=contests.assignment_of(contest),
        paragraph=paragraph,
        course=course,
        form=form,
        error=error,
        actions=ACTIONS,
        picked=request.form.get("action", ""),
        typed=request.form.get("response", ""),
        outcomes=contests.OUTCOMES,
    ), 400 if error else 200
