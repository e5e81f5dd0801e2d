"""Learners read titles, not internal ids: the lessons' text names other lessons by title, with a link."""

import re
from pathlib import Path

from course.catalog import load_course

ROOT = Path(__file__).resolve().parents[2]
LINK_TARGET = re.compile(r"\]\([^)]*\)")


def test_no_lesson_names_another_by_its_id():
    course = load_course(ROOT / "lessons", ROOT / "question_bank.yaml")
    ids = {lesson.id for lesson in course.lessons}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b")
    shown = {lesson.id: pattern.findall(LINK_TARGET.sub("]", lesson.body)) for lesson in course.lessons}
    assert {k: v for k, v in shown.items() if v} == {}
