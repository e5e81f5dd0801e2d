"""Lessons, readings beside them, the glossary and the learner's progress."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from app.extensions import limiter
from app.forms import CSRFForm
from app.learn import glossary_index
from app.learn import practice_set as sets
from app.rendering import name_glossary_links, render_markdown
from app.security import logged_in, public
from app.services import learning, progress, quizzes
from app.services.content import get_course, per_course

bp = Blueprint("learn", __name__)


def _lesson_or_404(lesson_id: str):
    lesson = get_course().lesson_by_id.get(lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def _lesson_parts(course, lesson) -> dict[str, Markup]:
    """The article and readings of a lesson page, the same for every reader: rendered once per course version."""
    parts = per_course("oversight_lesson_parts", course)
    if lesson.id not in parts:
        readings = [course.reading_by_id[s] for s in lesson.meta.sources if s in course.reading_by_id]
        body = render_markdown(name_glossary_links(lesson.body, course.glossary))
        count = len(course.practice_questions_for(lesson.id))
        parts[lesson.id] = {
            "article": get_template_attribute("learn/_lesson_parts.html", "lesson_article")(lesson, body, count),
            "readings": get_template_attribute("learn/_lesson_parts.html", "lesson_readings")(readings),
        }
    return parts[lesson.id]


@bp.route("/lessons/<lesson_id>")
@limiter.exempt  # read-only and cached; rate limits guard logins, not reading
@public
def lesson(lesson_id: str):
    """Show a lesson with its reading below and links to practise each objective."""
    course = get_course()
    lesson = _lesson_or_404(lesson_id)
    anonymous = not current_user.is_authenticated and not session.get("_flashes")
    cache = per_course("oversight_anonymous_lessons", course)
    if anonymous and lesson_id in cache:
        # An anonymous page carries nothing personal: the whole page is kept for this course version.
        return cache[lesson_id]
    completed = current_user.is_authenticated and learning.has_completed(current_user.id, lesson.id)
    index = [item.id for item in course.lessons].index(lesson.id)
    neighbours = (
        course.lessons[index - 1] if index else None,
        course.lessons[index + 1] if index + 1 < len(course.lessons) else None,
    )
    html = render_template(
        "learn/lesson.html",
        lesson=lesson,
        parts=_lesson_parts(course, lesson),
        completed=completed,
        question_count=len(course.practice_questions_for(lesson.id)),
        neighbours=neighbours,
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


@bp.route("/lessons/<lesson_id>/incomplete", methods=["POST"])
@logged_in
def reopen(lesson_id: str):
    """Undo "mark as complete" on a lesson."""
    lesson = _lesson_or_404(lesson_id)
    if CSRFForm().validate_on_submit():
        progress.reopen_lesson(current_user.id, lesson.id)
        flash(f"“{lesson.title}” is no longer marked complete.", "success")
    return redirect(url_for("learn.lesson", lesson_id=lesson.id))


@bp.route("/glossary")
@public
def glossary():
    """List the glossary terms A to Z, or those matching ?q=, each with its definition and source."""
    course = get_course()
    query = (request.args.get("q") or "").strip()[:100]
    terms = glossary_index.search(course.glossary, query)
    return render_template(
        "learn/glossary.html",
        terms=terms,
        groups=glossary_index.by_letter(terms),
        letters=glossary_index.LETTERS,
        query=query,
        total=len(course.glossary),
        course=course,
    )


@bp.route("/lessons/<lesson_id>/practice-set")
@logged_in
def practice_set(lesson_id: str):
    """A printable set of questions drawn as in a self-test, with an answer key at the end."""
    from app.services import release

    course = get_course()
    lesson = _lesson_or_404(lesson_id)
    objective = request.args.get("objective") or None
    if objective is not None and objective not in {o.id for o in lesson.meta.objectives}:
        abort(404)
    try:
        count, seed = sets.read_request(request.args)
    except sets.SetRequestError as error:
        return render_template("learn/practice_set.html", lesson=lesson, objective=objective, error=str(error), count=None), 400
    if seed is None:
        # A seed in the address makes the set reproducible: reload, print or share it and it stays the same.
        return redirect(
            url_for("learn.practice_set", lesson_id=lesson.id, count=count, objective=objective, seed=sets.new_seed())
        )
    held = release.held_questions(current_user.id)  # keys of unreleased graded work stay hidden
    drawn = sets.build(course, lesson.id, objective, count, seed, exclude=set(held))
    return render_template(
        "learn/practice_set.html", lesson=lesson, objective=objective, count=count, seed=seed, drawn=drawn, course=course
    )


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
