"""Practice one question at a time, and spaced review of due questions, with evidence feedback."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.forms import CSRFForm
from app.models import Answer
from app.practice import tokens
from app.security import logged_in
from app.services import learning, release
from app.services.content import get_course
from course.grading import correct_response, grade
from course.presentation import present
from course.qtypes import type_of
from course.responses import ResponseError, form_values, from_json, parse_response
from course.scheduling import CONFIDENCE

bp = Blueprint("practice", __name__)


def _question_or_404(question_id: str):
    question = get_course().question_by_id.get(question_id)
    if question is None or not type_of(question).auto_graded:
        abort(404)  # an essay is only answered in an assignment, where an instructor grades it
    return question


def _seed(question_id: str) -> str:
    # Stable across reloads of the same question; changes after each answer to it.
    return f"practice:{current_user.id}:{learning.answer_counts(current_user.id).get(question_id, 0)}"


@bp.route("/lessons/<lesson_id>/practice")
@logged_in
def start(lesson_id: str):
    """Pick the next practice question of a lesson (or of one of its objectives)."""
    course = get_course()
    if lesson_id not in course.lesson_by_id:
        abort(404)
    objective = request.args.get("objective") or None
    held = release.held_questions(current_user.id)
    questions = [q for q in course.practice_questions_for(lesson_id) if objective in (None, q.objective) and q.id not in held]
    question = learning.pick_practice_question(current_user.id, questions, exclude=request.args.get("after"))
    if question is None:
        flash("There are no practice questions for that choice yet.", "info")
        return redirect(url_for("learn.lesson", lesson_id=lesson_id))
    return redirect(url_for("practice.question", question_id=question.id, objective=objective))


@bp.route("/practice/<question_id>", methods=["GET", "POST"])
@logged_in
def question(question_id: str):
    """Show one question; on submit, grade and record it (once per form shown), then show the feedback."""
    question = _question_or_404(question_id)
    hold = release.held_questions(current_user.id).get(question.id)
    if hold is not None:
        return render_template("practice/held.html", question=question, hold=hold, course=get_course()), 403
    mode = "review" if request.values.get("mode") == "review" else "practice"
    form, error, values = CSRFForm(), None, {}
    submitted = tokens.read(request.form.get("practice_token"), question.id) if request.method == "POST" else None
    seed = submitted.seed if submitted else _seed(question.id)
    shown = present(question, seed)
    if form.validate_on_submit():
        try:
            if submitted is None:
                raise ResponseError("This form has expired; here is the question again.")
            response = parse_response(question, shown, request.form.getlist)
        except ResponseError as exc:
            error = str(exc)
        else:
            if not grade(question, response).answered:
                error = "Answer the question first (or skip it)."
            else:
                confidence = request.form.get("confidence") if request.form.get("confidence") in CONFIDENCE else None
                recorded = learning.record_answer(current_user.id, question, response, mode, confidence, nonce=submitted.nonce)
                return redirect(
                    url_for("practice.feedback", answer_id=recorded.answer_id, objective=request.args.get("objective"))
                )
        values = form_values(question, shown, None)
    return render_template(
        "practice/question.html",
        question=question,
        shown=shown,
        values=values,
        form=form,
        error=error,
        mode=mode,
        course=get_course(),
        objective=request.args.get("objective"),
        practice_token=tokens.issue(question.id, seed),
        due=learning.due_count(current_user.id) if mode == "review" else None,
    ), 400 if error else 200


@bp.route("/practice/answers/<int:answer_id>")
@logged_in
def feedback(answer_id: int):
    """Show right or wrong, partial credit, the explanation, choice feedback and the evidence."""
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.user_id != current_user.id:
        abort(404)
    course = get_course()
    question = _question_or_404(answer.question_id)
    hold = release.held_questions(current_user.id).get(question.id)
    if hold is not None:
        return render_template("practice/held.html", question=question, hold=hold, course=course), 403
    response = from_json(question, answer.response)
    return render_template(
        "practice/feedback.html",
        question=question,
        answer=answer,
        result=grade(question, response),
        response=response,
        key=correct_response(question),
        course=course,
        objective=request.args.get("objective"),
        due=learning.due_count(current_user.id),
    )


@bp.route("/review")
@logged_in
def review():
    """Start or continue a review session: the most overdue question first."""
    known = get_course().question_by_id
    held = release.held_questions(current_user.id)
    card = next((c for c in learning.due_cards(current_user.id) if c.question_id in known and c.question_id not in held), None)
    if card is None:
        return render_template("practice/review_done.html", next_due=learning.next_due(current_user.id))
    return redirect(url_for("practice.question", question_id=card.question_id, mode="review"))
