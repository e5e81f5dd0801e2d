"""Question bank exports in the formats other systems import."""
from __future__ import annotations

from course.catalog import Course
from course.exports import gift, moodle_xml, qti
from course.exports.gift import to_gift
from course.exports.moodle_xml import to_moodle_xml
from course.exports.qti import to_qti_zip

FORMATS = {
    "qti": ("application/zip", "oversight-questions-qti.zip"),
    "moodle-xml": ("application/xml", "oversight-questions-moodle.xml"),
    "gift": ("text/plain; charset=utf-8", "oversight-questions.gift.txt"),
}
UNSUPPORTED = {"qti": set(qti.UNSUPPORTED_TYPES), "moodle-xml": set(moodle_xml.UNSUPPORTED_TYPES),
               "gift": set(gift.UNSUPPORTED_TYPES)}


def export_questions(course: Course, fmt: str) -> tuple[bytes, int, int]:
    """Return the file's bytes, how many questions it holds and how many could not be represented."""
    questions = list(course.questions)
    if fmt == "qti":
        data = to_qti_zip(questions)
    elif fmt == "moodle-xml":
        data = to_moodle_xml(questions)
    elif fmt == "gift":
        data = to_gift(questions).encode("utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    skipped = sum(1 for q in questions if q.type in UNSUPPORTED[fmt])
    return data, len(questions) - skipped, skipped
