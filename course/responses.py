"""Turn submitted form fields into the plain responses graders take, and back for redisplay.

Field names: `answer` (single choice index, true/false, short answer, numeric; repeated for
multiple response), `match-<i>` (the option chosen for the i-th pair), `pos-<i>` (the position
given to the i-th item as shown). Nothing in a field name reveals the key.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.grading import is_non_finite
from course.model import Matching, MultipleResponse, Numeric, Ordering, Question, SingleChoice, TrueFalse
from course.presentation import Presentation

GetList = Callable[[str], list[str]]
MAX_TEXT = 500


class ResponseError(ValueError):
    """The submitted fields do not form a response to this question; the message is for the learner."""


def _int(value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ResponseError("That choice is not one of the options.") from None
    if not low <= number <= high:
        raise ResponseError("That choice is not one of the options.")
    return number


def parse_response(question: Question, shown: Presentation, getlist: GetList) -> Any:
    """Build a response from form fields; empty fields give an empty (unanswered) response."""
    first = (getlist("answer") or [""])[0].strip()
    if isinstance(question, SingleChoice):
        return _int(first, 0, len(question.choices) - 1) if first else None
    if isinstance(question, MultipleResponse):
        return frozenset(_int(v, 0, len(question.choices) - 1) for v in getlist("answer") if v.strip())
    if isinstance(question, TrueFalse):
        if first not in ("", "true", "false"):
            raise ResponseError("Choose true or false.")
        return None if not first else first == "true"
    if isinstance(question, Matching):
        chosen = {}
        for index, pair in enumerate(question.pairs):
            value = (getlist(f"match-{index}") or [""])[0]
            if value and value not in shown.options:
                raise ResponseError("That match is not one of the options.")
            if value:
                chosen[pair.left] = value
        return chosen
    if isinstance(question, Ordering):
        positions = [(getlist(f"pos-{i}") or [""])[0].strip() for i in range(len(shown.items))]
        if not any(positions):
            return []
        if not all(positions):
            raise ResponseError("Give every item a position.")
        numbers = [_int(p, 1, len(shown.items)) for p in positions]
        if len(set(numbers)) != len(numbers):
            raise ResponseError("Give every item a different position.")
        return [item for _, item in sorted(zip(numbers, shown.items))]
    if len(first) > MAX_TEXT:
        raise ResponseError(f"Keep the answer under {MAX_TEXT} characters.")
    if isinstance(question, Numeric) and is_non_finite(first, question.unit):
        raise ResponseError("Type a finite number: that one is too large to be an answer.")
    return first  # short answer or numeric: the text as typed


def to_json(question: Question, response: Any) -> Any:
    """A JSON-safe form of a response, for storage."""
    if isinstance(response, (set, frozenset)):
        return sorted(response)
    return response


def from_json(question: Question, stored: Any) -> Any:
    """Rebuild a response from its stored JSON form."""
    if isinstance(question, MultipleResponse):
        return frozenset(stored or ())
    return stored


def form_values(question: Question, shown: Presentation, response: Any) -> dict[str, Any]:
    """What each field should show when a saved response is redisplayed."""
    if response is None:
        return {}
    if isinstance(question, (SingleChoice,)):
        return {"answer": {str(response)}}
    if isinstance(question, MultipleResponse):
        return {"answer": {str(i) for i in response}}
    if isinstance(question, TrueFalse):
        return {"answer": {"true" if response else "false"}}
    if isinstance(question, Matching):
        return {f"match-{i}": response.get(p.left, "") for i, p in enumerate(question.pairs)}
    if isinstance(question, Ordering):
        position = {item: n for n, item in enumerate(response, start=1)}
        return {f"pos-{i}": str(position.get(item, "")) for i, item in enumerate(shown.items)}
    return {"answer": str(response)}
