"""Lessons, readings beside them, the glossary and the learner's progress."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user

from app.extensions import limiter
from app.forms import CSRFForm
from app.rendering import render_markdown
from app.security import logged_in, public
from app.services import learning, progress, quizzes
from app.services.content import get_course

bp = Blueprint("learn", __name__)


def _lesson_or_404(lesson_id: str):
    lesson = get_course().lesson_by_id.get(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


@bp.route("/lessons/<lesson_id>")
@limiter.exempt  # read-only and cached; rate limits guard logins, not reading
@public
def lesson(lesson_id: str):
    """Show a lesson with its reading below and links to practise each objective."""
    course = get_course()
    lesson = _lesson_or_404(lesson_id)
    anonymous = not current_user.is_authenticated and not session.get("_flashes")
    cache = current_app.extensions.setdefault("oversight_anonymous_lessons", {})
    if anonymous and lesson_id in cache:
        # Content is fixed for the life of the process, and an anonymous page carries nothing personal.
        return cache[lesson_id]
    readings = [course.reading_by_id[s] for s in lesson.meta.sources if s in course.reading_by_id]
    completed = current_user.is_authenticated and lesson.id in learning.completed_lessons(current_user.id)
    count = len(course.practice_questions_for(lesson.id))
    index = [item.id for item in course.lessons].index(lesson.id)
    neighbours = (
        course.lessons[index - 1] if index else None,
        course.lessons[index + 1] if index + 1 < len(course.lessons) else None,
    )
    html = render_template(
        "learn/lesson.html",
        lesson=lesson,
        body=render_markdown(lesson.body),
        readings=readings,
        completed=completed,
        question_count=count,
        neighbours=neighbours,
        # Only a logged-in learner gets a form: building one for anonymous readers
        # would mint and sign a session cookie on every page view.
        form=CSRFForm() if current_user.is_authenticated else None,
    )
    if anonymous:
        cache[lesson_id] = html
    return html


@bp.route("/lessons/<lesson_id>/complete", methods=["POST"])
@logged_in
def complete(lesson_id: str):
    """Mark a lesson as complete."""
    lesson = _lesson_or_404(lesson_id)
    if CSRFForm().validate_on_submit():
        learning.complete_lesson(current_user.id, lesson.id)
        flash(f"Marked “{lesson.title}” as complete.", "success")
    return redirect(url_for("learn.lesson", lesson_id=lesson.id))


@bp.route("/glossary")
@public
def glossary():
    """List every glossary term with its definition and grounding source."""
    course = get_course()
    terms = sorted(course.glossary, key=lambda t: t.term.casefold())
    return render_template("learn/glossary.html", terms=terms, course=course)


@bp.route("/progress")
@logged_in
def progress_page():
    """Lessons completed, mastery per objective, attempts over time, what to practise next."""
    course = get_course()
    mastery = progress.mastery_for(current_user.id, course)
    lessons = progress.lesson_progress(current_user.id, course, mastery)
    attempts = progress.submitted_attempts(current_user.id)
    return render_template(
        "learn/progress.html",
        course=course,
        mastery=mastery,
        lessons=lessons,
        attempts=attempts,
        weakest=progress.weakest_objectives(mastery),
        open_attempts=quizzes.open_attempts(current_user.id),
        due=learning.due_count(current_user.id),
        next_due=learning.next_due(current_user.id),
    )
