"""Question bank exports in the formats other systems import (the formats come from one registry)."""

from __future__ import annotations

from course.catalog import Course
from course.exports.formats import QUESTION_FORMATS


def export_questions(course: Course, fmt: str) -> tuple[bytes, int, int]:
    """Return the file's bytes, how many questions it holds and how many could not be represented."""
    if fmt not in QUESTION_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return QUESTION_FORMATS[fmt].export(course.questions)
