"""Turn submitted form fields into the plain responses graders take, and back for redisplay.

Each type's module (course/qtypes) defines its field names (`QuestionType.field`) and parsing;
templates take the names from the same place. Nothing in a field name reveals the key.
"""

from __future__ import annotations

from typing import Any

from course.model import Question
from course.presentation import Presentation
from course.qtypes import type_of
from course.qtypes.base import MAX_TEXT, GetList, ResponseError

__all__ = ["MAX_TEXT", "GetList", "ResponseError", "form_values", "from_json", "is_answered", "parse_response", "to_json"]


def parse_response(question: Question, shown: Presentation, getlist: GetList) -> Any:
    """Build a response from form fields; empty fields give an empty (unanswered) response."""
    return type_of(question).parse(question, shown, getlist)


def to_json(question: Question, response: Any) -> Any:
    """A JSON-safe form of a response, for storage."""
    return type_of(question).to_json(question, response)


def from_json(question: Question, stored: Any) -> Any:
    """Rebuild a response from its stored JSON form."""
    return type_of(question).from_json(question, stored)


def form_values(question: Question, shown: Presentation, response: Any) -> dict[str, Any]:
    """What each field should show when a saved response is redisplayed."""
    return type_of(question).form_values(question, shown, response)


def is_answered(question: Question, response: Any) -> bool:
    """Whether a saved response counts as an answer: the one rule for "saved", "answered" and the counts.

    A blank save (an empty box, no pick, every list left on "Choose…") is not an answer, whatever
    page asks; grading treats it the same way (answered=False, scored 0).
    """
    return response is not None and type_of(question).is_answered(question, response)
