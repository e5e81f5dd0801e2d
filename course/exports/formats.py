"""The registry of question-bank export formats: everything the CLI, the export pages and the docs list.

Adding a format: its module under course/exports (a writer of whole files, helpers for the type
modules), a `to_<format>` method on every question type (or an `Unsupported` reason), and one
entry below. The coverage test (tests/core/test_question_types.py) names any type that lacks it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from course.exports._questions import Unsupported
from course.exports.gift import to_gift
from course.exports.moodle_xml import to_moodle_xml
from course.exports.qti import QtiItem, to_qti_zip
from course.model import Question


@dataclass(frozen=True)
class QuestionFormat:
    """One export format of the question bank."""

    name: str  # in URLs and on the command line
    label: str  # what people call it
    extension: str  # of the downloaded file
    mime: str
    importer: str  # where to import it
    method: str  # the QuestionType method that writes one question
    write: Callable[[list[Question]], bytes]

    @property
    def filename(self) -> str:
        """The name of the downloaded file."""
        return f"oversight-questions-{self.name}.{self.extension}"

    def unsupported(self, question: Question) -> str | None:
        """Why this format cannot carry the question (None when it can)."""
        from course.qtypes import type_of  # the type modules import the exporters

        written = getattr(type_of(question), self.method)(question) if self.method != "to_qti" else _qti_probe(question)
        return written.reason if isinstance(written, Unsupported) else None

    def export(self, questions: Iterable[Question]) -> tuple[bytes, int, int]:
        """The file's bytes, how many questions it holds and how many it cannot represent."""
        listed = list(questions)
        skipped = sum(1 for q in listed if self.unsupported(q) is not None)
        return self.write(listed), len(listed) - skipped, skipped


def _qti_probe(question: Question) -> object:
    """Fill a throwaway QTI item to learn whether the type can be written."""
    from course.qtypes import type_of

    qtype = type_of(question)
    return qtype.to_qti(QtiItem(ET.Element("section"), question, qtype.qti_type(question), itertools.count(1)))


def _qti(questions: list[Question]) -> bytes:
    return to_qti_zip(questions)


def _moodle_xml(questions: list[Question]) -> bytes:
    return to_moodle_xml(questions)


def _gift(questions: list[Question]) -> bytes:
    return to_gift(questions).encode("utf-8")


def _gift_legacy(questions: list[Question]) -> bytes:
    return to_gift(questions, legacy=True).encode("utf-8")


QUESTION_FORMATS: dict[str, QuestionFormat] = {
    f.name: f
    for f in (
        QuestionFormat(
            "qti",
            "QTI 1.2 zip",
            "zip",
            "application/zip",
            "Canvas: Settings › Import course content › QTI .zip file",
            "to_qti",
            _qti,
        ),
        QuestionFormat(
            "moodle-xml",
            "Moodle XML",
            "xml",
            "application/xml",
            "Moodle: Question bank › Import › Moodle XML format",
            "to_moodle_xml",
            _moodle_xml,
        ),
        QuestionFormat(
            "gift",
            "GIFT",
            "txt",
            "text/plain; charset=utf-8",
            "Moodle 4.4 or later: Question bank › Import › GIFT format",
            "to_gift",
            _gift,
        ),
        QuestionFormat(
            "gift-legacy",
            "GIFT for Moodle before 4.4",
            "txt",
            "text/plain; charset=utf-8",
            "Moodle 4.3 or older: Question bank › Import › GIFT format (ordering questions left out)",
            "to_gift_legacy",
            _gift_legacy,
        ),
    )
}


def support_table(questions: Iterable[Question]) -> str:
    """A Markdown table: per question type, whether each format carries it (with the reason when not)."""
    from course.qtypes import QUESTION_TYPES

    by_type: dict[str, list[Question]] = {}
    for question in questions:
        by_type.setdefault(question.type, []).append(question)
    header = "| type | " + " | ".join(f.label for f in QUESTION_FORMATS.values()) + " |"
    lines = [header, "|" + " --- |" * (len(QUESTION_FORMATS) + 1)]
    for name in QUESTION_TYPES:
        cells = []
        for fmt in QUESTION_FORMATS.values():
            reasons = {fmt.unsupported(q) for q in by_type.get(name, [])}
            if not by_type.get(name):
                cells.append("(none in the bank)")
            elif reasons == {None}:
                cells.append("yes")
            elif None in reasons:
                cells.append("some: " + "; ".join(sorted(r for r in reasons if r)))
            else:
                cells.append("no: " + "; ".join(sorted(r for r in reasons if r)))
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
