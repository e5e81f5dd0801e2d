"""The course content as the app sees it: loaded once per process, synced to the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import QuestionRecord
from course.attempts import question_hash
from course.catalog import Course, load_course


def get_course() -> Course:
    """Return the course, loading it from disk on first use in this process."""
    course = current_app.extensions.get("oversight_course")
    if course is None:
        course = load_course(current_app.config["LESSONS_DIR"], current_app.config["QUESTION_BANK"])
        current_app.extensions["oversight_course"] = course
    return course


@dataclass(frozen=True)
class LoadReport:
    """What `flask course load` changed in the catalogue."""

    lessons: int
    questions: int
    added: int
    changed: int
    retired: int


def sync_catalogue(course: Course) -> LoadReport:
    """Record every question id in the database; ids missing from the bank are retired, never deleted."""
    existing = {row.id: row for row in db.session.scalars(select(QuestionRecord))}
    added = changed = retired = 0
    for question in course.questions:
        digest = question_hash(question)  # the same version hash stored with every grade
        row = existing.pop(question.id, None)
        if row is None:
            db.session.add(
                QuestionRecord(
                    id=question.id,
                    lesson_id=question.lesson,
                    objective_id=question.objective,
                    type=question.type,
                    content_hash=digest,
                )
            )
            added += 1
        elif row.content_hash != digest or row.retired:
            row.lesson_id, row.objective_id, row.type = question.lesson, question.objective, question.type
            row.content_hash, row.retired = digest, False
            changed += 1
    for row in existing.values():
        if not row.retired:
            row.retired = True
            retired += 1
    db.session.commit()
    return LoadReport(len(course.lessons), len(course.questions), added, changed, retired)
