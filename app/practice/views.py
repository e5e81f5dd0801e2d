"""Practice one question at a time, and spaced review of due questions, with evidence feedback."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Answer
from app.practice import tokens
from app.security import logged_in
from app.services import learning, release
from app.services.content import get_course
from app.timezones import format_local
from course.grading import correct_response, grade
from course.model import Question
from course.presentation import present
from course.qtypes import type_of
from course.responses import ResponseError, form_values, from_json, parse_response
from course.scheduling import CONFIDENCE, describe_wait
from course.study import RUN_LENGTH

bp = Blueprint("practice", __name__)


def _question_or_404(question_id: str):
    question = get_course().question_by_id.get(question_id)
    if question is None or not type_of(question).auto_graded:
        abort(404)  # an essay is only answered in an assignment, where an instructor grades it
    return question


def _seed(question: Question, answered: int | None = None) -> str:
    """The presentation seed: stable across reloads; after each answer, one that shows another order.

    "Try again" relies on it: the same question comes back with its choices (or items, options)
    in a fresh order whenever the question has more than one order to show.
    """
    if answered is None:
        answered = learning.answer_counts(current_user.id).get(question.id, 0)
    seed = f"practice:{current_user.id}:0"
    shown = present(question, seed)
    for n in range(1, answered + 1):
        before = shown
        for k in range(8):  # a few tries: a true/false question has no other order to find
            seed = f"practice:{current_user.id}:{n}" + (f".{k}" if k else "")
            shown = present(question, seed)
            if shown != before:
                break
    return seed


def _when(due, zone_name: str) -> dict[str, str] | None:
    """A due time for a page: 'in 3 days', the local time with its zone named, and ISO 8601."""
    if due is None:
        return None
    return {
        "wait": describe_wait(due, clock.now()),
        "at": format_local(due, zone_name, "%A %-d %B, %H:%M"),
        "iso": due.isoformat(),
    }


def _reviewable() -> Callable[[str], bool]:
    """Whether a review session asks a question: in the course and not held by graded work."""
    known = get_course().question_by_id
    held = release.held_questions(current_user.id)
    return lambda question_id: question_id in known and question_id not in held


def _due_now(reviewable: Callable[[str], bool] | None = None) -> int:
    """How many reviews a session would ask now (not those held by graded work, nor removed questions)."""
    reviewable = reviewable or _reviewable()
    return sum(1 for c in learning.due_cards(current_user.id) if reviewable(c.question_id))


def _objective_text(objective_id: str) -> tuple[str, str]:
    """The lesson id and the text of an objective."""
    course = get_course()
    lesson_id = objective_id.rsplit(".", 1)[0]
    lesson = course.lesson_by_id.get(lesson_id)
    objectives = lesson.meta.objectives if lesson else ()
    return lesson_id, next((o.text for o in objectives if o.id == objective_id), objective_id)


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
    error, values = None, {}
    submitted = tokens.read(request.form.get("practice_token"), question.id) if request.method == "POST" else None
    seed = submitted.seed if submitted else _seed(question)
    shown = present(question, seed)
    if request.method == "POST":  # CSRFProtect has checked the token before this view runs (a bad one is a 400)
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
        error=error,
        mode=mode,
        course=get_course(),
        objective=request.args.get("objective"),
        practice_token=tokens.issue(question.id, seed),
        due=_due_now() if mode == "review" else None,
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
    result = grade(question, response)
    zone_name = learning.learner_zone(current_user.id)
    # The order this answer's question was shown in: the seed it had after the learner's earlier answers.
    earlier = db.session.scalar(
        select(func.count())
        .select_from(Answer)
        .where(Answer.user_id == current_user.id, Answer.question_id == question.id, Answer.id < answer.id)
    )
    shown = present(question, _seed(question, earlier or 0))
    return render_template(
        "practice/feedback.html",
        question=question,
        answer=answer,
        result=result,
        response=response,
        key=correct_response(question),
        shown=shown,
        course=course,
        objective=request.args.get("objective"),
        due=_due_now(),
        comes_back=_when(learning.card_due(current_user.id, question.id), zone_name),
        try_again=answer.mode == "practice" and result.score < 1,
        run_ends=learning.ends_practice_run(current_user.id, answer),
        run_length=RUN_LENGTH,
    )


@bp.route("/practice/runs/<int:answer_id>")
@logged_in
def run_summary(answer_id: int):
    """Sum up the run of ten practice answers that ends with this one, and suggest what to do next."""
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.user_id != current_user.id or answer.mode != "practice":
        abort(404)
    run = learning.practice_run(current_user.id, answer)
    summary = learning.summarise_answers(run)
    weakest = _objective_text(summary.weakest.objective) if summary.weakest else None
    last = get_course().question_by_id.get(answer.question_id)
    return render_template(
        "practice/run_summary.html",
        summary=summary,
        weakest=weakest,
        lesson=get_course().lesson_by_id.get(last.lesson) if last else None,
        objective=request.args.get("objective"),
        after=answer.question_id,
        due=_due_now(),
    )


@bp.route("/review")
@logged_in
def review():
    """Start or continue a review session: the most overdue question first."""
    reviewable = _reviewable()
    card = next((c for c in learning.due_cards(current_user.id) if reviewable(c.question_id)), None)
    if card is None:
        return _review_summary(stopped=False)
    return redirect(url_for("practice.question", question_id=card.question_id, mode="review"))


@bp.route("/review/summary")
@logged_in
def review_summary():
    """Stop reviewing: what this session came to, what is still due and the week ahead."""
    return _review_summary(stopped=True)


def _review_summary(stopped: bool):
    """Render the review page: the session's summary, reviews still due, next due and a 7-day forecast."""
    reviewable = _reviewable()
    zone_name = learning.learner_zone(current_user.id)
    due_now = _due_now(reviewable)
    return render_template(
        "practice/review_summary.html",
        stopped=stopped,
        due_now=due_now,
        session=learning.review_session(current_user.id),
        next_due=_when(learning.next_due(current_user.id, reviewable), zone_name),
        days=learning.review_forecast(current_user.id, reviewable),
        zone_name=zone_name,
    )
