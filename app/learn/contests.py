"""Learners contest a question they answered (practice, review or a submitted attempt) and read the outcome.

Routes on the learn blueprint. Opening a contest is limited per learner (Flask-Limiter, keyed by the
account, `CONTEST_RATE_LIMIT`), so a queue cannot be flooded from one account on many addresses.
"""

from __future__ import annotations

import math
import time

from flask import Response, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_limiter import RequestLimit
from flask_login import current_user

from app.extensions import db, limiter
from app.forms import CSRFForm
from app.learn.views import bp
from app.models import Answer
from app.security import logged_in
from app.services import contests, quizzes
from app.services.content import get_course
from course.model import Question
from course.qtypes import type_of

DEFAULT_LIMIT = "10 per hour"


def _limit() -> str:
    return str(current_app.config.get("CONTEST_RATE_LIMIT", DEFAULT_LIMIT))


def _learner_key() -> str:
    return f"contest:{current_user.id}" if current_user.is_authenticated else f"contest-ip:{request.remote_addr}"


def _too_many(limit: RequestLimit) -> Response:
    minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
    return make_response(
        render_template(
            "contests/limited.html",
            message=f"You have contested many questions in a short time; try again in {minutes} minute{'' if minutes == 1 else 's'}.",
        ),
        429,
    )


def _form(question: Question, back: str, post_url: str, create):
    """Show the contest form; on a valid post, open the contest and go to the learner's contests."""
    course = get_course()
    form, error = CSRFForm(), None
    if form.validate_on_submit():
        try:
            create(request.form.get("reason"), request.form.get("paragraph"))
        except contests.ContestError as exc:
            error = str(exc)
        else:
            flash("Your contest is sent. Your instructor answers it here.", "success")
            return redirect(url_for("learn.my_contests"))
    return render_template(
        "contests/new.html",
        question=question,
        course=course,
        form=form,
        error=error,
        back=back,
        post_url=post_url,
        paragraphs=contests.paragraphs_for(question, course),
        reason=request.form.get("reason", ""),
        picked=request.form.get("paragraph", ""),
        max_reason=contests.MAX_REASON,
    ), 400 if error else 200


@bp.route("/practice/answers/<int:answer_id>/contest", methods=["GET", "POST"])
@limiter.limit(_limit, key_func=_learner_key, methods=["POST"], on_breach=_too_many)
@logged_in
def contest_answer(answer_id: int):
    """Contest the question of one of your practice or review answers."""
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.user_id != current_user.id:
        abort(404)
    question = get_course().question_by_id.get(answer.question_id)
    if question is None:
        abort(404)
    return _form(
        question,
        url_for("practice.feedback", answer_id=answer.id),
        url_for("learn.contest_answer", answer_id=answer.id),
        lambda reason, paragraph: contests.open_for_answer(current_user, answer, question, get_course(), reason, paragraph),
    )


@bp.route("/quiz/attempts/<int:attempt_id>/contest/<question_id>", methods=["GET", "POST"])
@limiter.limit(_limit, key_func=_learner_key, methods=["POST"], on_breach=_too_many)
@logged_in
def contest_attempt(attempt_id: int, question_id: str):
    """Contest a question you answered in one of your submitted attempts (others do not exist for you)."""
    attempt = quizzes.get_attempt(attempt_id, current_user.id)
    if attempt is None or contests.answered_in(attempt, question_id) is None:
        abort(404)
    question = next((q for q in quizzes.questions_of(attempt, get_course()) if q.id == question_id), None)
    if question is None:
        abort(404)
    return _form(
        question,
        url_for("quiz.results", attempt_id=attempt.id),
        url_for("learn.contest_attempt", attempt_id=attempt.id, question_id=question_id),
        lambda reason, paragraph: contests.open_for_attempt(current_user, attempt, question, get_course(), reason, paragraph),
    )


@bp.route("/contests")
@logged_in
def my_contests():
    """Your contests and their outcomes, with your instructor's answer."""
    course = get_course()
    return render_template(
        "contests/mine.html", rows=contests.mine(current_user.id), course=course, outcomes=contests.OUTCOMES, qtype_of=type_of
    )
