"""Public pages: home, privacy, health check."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter
from app.security import public
from app.services.content import get_course

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    """Show the unit map: lessons in order, time, the learner's progress, reviews and quizzes due."""
    course = get_course()
    context = {"course": course, "progress": None}
    if current_user.is_authenticated:
        from app.services import learning, progress, quizzes

        mastery = progress.mastery_for(current_user.id, course)
        lessons = progress.lesson_progress(current_user.id, course, mastery)
        due = learning.due_count(current_user.id)
        open_attempts = quizzes.open_attempts(current_user.id)
        context.update(
            progress=lessons,
            due=due,
            open_attempts=open_attempts,
            next_up=progress.next_up(course, lessons, mastery, due, open_attempts),
            objective_text={o.id: o.text for lesson in course.lessons for o in lesson.meta.objectives},
        )
    return render_template("main/home.html", **context)


@bp.route("/readings/<reading_id>")
@public
def reading(reading_id: str):
    """Show a source reading with a linkable anchor on every paragraph (#p1, #p2, ...)."""
    course = get_course()
    reading = course.reading_by_id.get(reading_id)
    if reading is None:
        abort(404)
    lessons = [lesson for lesson in course.lessons if reading.id in lesson.meta.sources]
    return render_template("main/reading.html", reading=reading, lessons=lessons)


@bp.route("/privacy")
@public
def privacy():
    """List exactly what is stored about a learner."""
    return render_template("main/privacy.html")


@bp.route("/healthz")
@limiter.exempt
@public
def healthz():
    """Report whether the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        reason = type(getattr(exc, "orig", None) or exc).__name__
        return jsonify(status="error", db="unreachable", reason=f"database did not answer ({reason})"), 503
    return jsonify(status="ok", db="ok")
