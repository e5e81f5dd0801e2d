"""Self-test quizzes: start, answer one question per page (saved on every move), submit, results."""

from __future__ import annotations

import math
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import clock
from app.extensions import db
from app.forms import CSRFForm
from app.models import Assignment, Section
from app.quiz.forms import MockQuizForm
from app.security import logged_in
from app.services import assignments, quizzes, release
from app.services.content import get_course
from app.timezones import local_time, utc_to_local
from course.grading import correct_response
from course.presentation import present
from course.responses import ResponseError, form_values, parse_response

bp = Blueprint("quiz", __name__, url_prefix="/quiz")


def time_left(seconds: float) -> str:
    """The time left, rounded UP to whole minutes: "1 minute left" until the last second (countdown.js does the same)."""
    if seconds <= 0:
        return "time is up"
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''} left"
    hours, rest = divmod(minutes, 60)
    if hours >= 48:
        return f"more than {hours // 24} days left"
    return f"{hours} hours" + (f" {rest} minute{'s' if rest != 1 else ''}" if rest else "") + " left"


def _clock(attempt, deadline: datetime, now: datetime) -> dict:
    """The deadline as the learner reads it: in the section's zone (a self-test has none: UTC, named)."""
    zone_name = None
    if attempt.assignment_id is not None:
        assignment = db.session.get(Assignment, attempt.assignment_id)
        section = db.session.get(Section, assignment.section_id) if assignment is not None else None
        zone_name = section.time_zone if section is not None else None
    same_day = utc_to_local(deadline, zone_name).date() == utc_to_local(now, zone_name).date()  # type: ignore[union-attr]
    seconds = (deadline - now).total_seconds()
    return {
        "deadline_iso": deadline.isoformat(timespec="milliseconds"),
        "now_iso": now.isoformat(timespec="milliseconds"),
        "submit_by": local_time(deadline, zone_name, "%H:%M" if same_day else "%Y-%m-%d %H:%M"),
        "left": time_left(seconds),
        "low": seconds <= 300,
    }


def _attempt_or_404(attempt_id: int):
    attempt = quizzes.get_attempt(attempt_id, current_user.id)
    if attempt is None:
        abort(404)
    return attempt


@bp.route("/", methods=["GET", "POST"])
@logged_in
def new():
    """Choose and start a self-test, or resume one in progress."""
    course = get_course()
    form = MockQuizForm()
    pool = quizzes.self_test_pool(current_user.id, course)  # read once: for the form and for the draw
    sizes = quizzes.pool_sizes(pool)
    # Each lesson says how many questions it can give, so nobody asks for 50 of 24 unawares.
    form.lessons.choices = [
        SelectChoice(lesson.id, f"{lesson.title} ({sizes[lesson.id]} question{'s' if sizes[lesson.id] != 1 else ''})")
        for lesson in course.lessons
        if sizes.get(lesson.id)
    ]
    if form.validate_on_submit():
        minutes = int(form.minutes.data) or None
        try:
            attempt = quizzes.start_mock(
                current_user.id, course, quizzes.MockSettings(tuple(form.lessons.data), form.count.data, minutes), pool
            )
        except quizzes.QuizError as exc:
            flash(str(exc), "error")
        else:
            drawn = len(attempt.question_ids)
            if drawn < form.count.data:
                # Started anyway with every question there is (what the learner most likely wants), and said so.
                flash(
                    f"You asked for {form.count.data} questions; only {drawn} match the lessons you chose, "
                    f"so this self-test has {drawn}.",
                    "info",
                )
            return redirect(url_for("quiz.take", attempt_id=attempt.id))
    return render_template(
        "quiz/new.html",
        form=form,
        open_attempts=quizzes.open_attempts(current_user.id),
        history=quizzes.attempts_of(current_user.id, limit=10),
    )


@bp.route("/attempts/<int:attempt_id>")
@logged_in
def take(attempt_id: int):
    """Show one question of an open attempt with its saved answer (resuming where the learner stopped)."""
    attempt = _attempt_or_404(attempt_id)
    if attempt.submitted or quizzes.close_if_out_of_time(attempt):
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    return _page(attempt, request.args.get("q", type=int))


def _page(attempt, index: int | None, typed: dict | None = None, error: str | None = None):
    """A question page of an open attempt: the saved answer, or what was just typed when it could not be saved."""
    course = get_course()
    questions = quizzes.questions_of(attempt, course)
    total = len(questions)
    index = min(attempt.position, total - 1) if index is None else min(max(index, 0), total - 1)
    question = questions[index]
    shown = present(question, attempt.seed)
    saved = quizzes.saved_responses(attempt, questions)
    values = typed if typed is not None else form_values(question, shown, saved.get(question.id))
    answered = quizzes.answered_ids(questions, saved)
    now, deadline = clock.now(), clock.aware(attempt.deadline)
    return render_template(
        "quiz/take.html",
        attempt=attempt,
        question=question,
        shown=shown,
        index=index,
        total=total,
        values=values,
        answered=answered,
        course=course,
        timer=_clock(attempt, deadline, now) if deadline is not None else None,
        error=error,
    ), 422 if error else 200


@bp.route("/attempts/<int:attempt_id>/answer", methods=["POST"])
@logged_in
def answer(attempt_id: int):
    """Save the answer on this page, then go where the learner asked (next, previous, review)."""
    # CSRFProtect has checked the token before this view runs (a bad one is a 400 there).
    attempt = quizzes.save_target(attempt_id, current_user.id)
    if attempt is None:
        abort(404)
    index = request.form.get("index", type=int)
    question, count = quizzes.question_at(attempt, get_course(), -1 if index is None else index)
    if question is None or index is None:
        abort(400)
    go = request.form.get("go", "next")
    target = {"next": index + 1, "previous": index - 1}.get(go)
    if go == "finish" or target is None or not 0 <= target < count:
        target = None
    try:
        response = parse_response(question, present(question, attempt.seed), request.form.getlist)
        # The attempt resumes where the learner was heading, not on the page just saved.
        quizzes.save_answer(attempt, question, response, index if target is None else target)
    except quizzes.AttemptClosed as exc:
        flash(str(exc), "error")
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    except (ResponseError, quizzes.QuizError) as exc:
        # Shown again with what was typed (an essay over its word limit must not lose its text).
        typed = {name: set(values) if len(values) > 1 else values[0] for name, values in request.form.lists()}
        return _page(_attempt_or_404(attempt_id), index, typed, f"Not saved: {exc}")
    if target is None:
        return redirect(url_for("quiz.finish", attempt_id=attempt.id))
    return redirect(url_for("quiz.take", attempt_id=attempt.id, q=target))


@bp.route("/attempts/<int:attempt_id>/finish", methods=["GET", "POST"])
@logged_in
def finish(attempt_id: int):
    """Review which questions are answered, then submit (once, however often the form is sent)."""
    attempt = _attempt_or_404(attempt_id)
    course = get_course()
    form = CSRFForm()
    if request.method == "POST" and form.validate_on_submit():
        if not quizzes.submit(attempt, course=course):
            flash("This attempt was already submitted; it was graded once and nothing changed.", "info")
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    if attempt.submitted or quizzes.close_if_out_of_time(attempt):
        return redirect(url_for("quiz.results", attempt_id=attempt.id))
    questions = quizzes.questions_of(attempt, course)
    saved = quizzes.saved_responses(attempt, questions)
    answered = quizzes.answered_ids(questions, saved)
    return render_template(
        "quiz/finish.html",
        attempt=attempt,
        questions=questions,
        answered=answered,
        form=form,
        deadline=clock.aware(attempt.deadline),
    )


@bp.route("/attempts/<int:attempt_id>/results")
@logged_in
def results(attempt_id: int):
    """The score and, as the attempt's feedback policy allows, each answer with its evidence."""
    attempt = _attempt_or_404(attempt_id)
    if not attempt.submitted and not quizzes.close_if_out_of_time(attempt):
        return redirect(url_for("quiz.take", attempt_id=attempt.id))
    course = get_course()
    questions = quizzes.questions_of(attempt, course)
    graded = quizzes.graded_answers(attempt)
    saved = quizzes.responses_in(graded.values(), questions)  # the same rows: read once
    # What was graded, as it was graded: the stored grade of the question version drawn.
    # Choices are listed in the order this attempt showed them (its seed), not the bank's.
    rows = [
        (q, saved.get(q.id), quizzes.stored_grade(q, graded.get(q.id)), correct_response(q), present(q, attempt.seed))
        for q in questions
    ]
    show_feedback = show_answers = True
    assignment = db.session.get(Assignment, attempt.assignment_id) if attempt.assignment_id else None
    if assignment is not None:
        show_feedback = assignments.released(assignment.feedback_policy, assignment, attempt.user_id)
        show_answers = assignments.released(assignment.answers_policy, assignment, attempt.user_id)
    # A self-test taken earlier must not show the key of a question that graded work now holds.
    held = release.held_questions(attempt.user_id) if assignment is None else {}
    return render_template(
        "quiz/results.html",
        attempt=attempt,
        rows=rows,
        course=course,
        assignment=assignment,
        held=held,
        show_feedback=show_feedback or show_answers,
        show_answers=show_answers,
    )
