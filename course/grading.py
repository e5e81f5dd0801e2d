"""Grade a learner's response to a question: one grader per type, with documented partial credit.

Responses are plain Python values, never a request:

| type              | response                                  | score                                        |
| ----------------- | ----------------------------------------- | -------------------------------------------- |
| single_choice     | int: index of the chosen choice (or None) | 1 if the key, else 0                         |
| multiple_response | iterable of chosen indices                | max(0, hits/keys - false picks/distractors)  |
| true_false        | bool (or None)                            | 1 if equal to the answer, else 0             |
| short_answer      | str                                       | 1 if it matches an accepted answer after normalising, else 0 |
| numeric           | str as typed (or a number)                | 1 if within answer ± tolerance, else 0       |
| matching          | dict left -> chosen right                 | pairs matched correctly / pairs              |
| ordering          | list of items in the learner's order      | items in their correct position / items      |
| cloze             | list of strings, one per blank            | blanks right / blanks                        |
| essay             | str                                       | pending until an instructor grades it with the rubric |

Each type's grader lives in its module under course/qtypes; `grade` dispatches to it.

Multiple response uses "right minus wrong" so that ticking every box scores 0, not the share of
keys it happens to include; each choice is still reported as a part, right or wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from course.model import Question
from course.text import normalise_quote

EPSILON = 1e-9


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response."""

    score: float  # 0.0 to 1.0
    answered: bool  # False for an empty response (scored 0)
    parts: tuple[bool, ...] = ()  # per choice, pair or position: right or wrong
    feedback: tuple[str, ...] = ()  # the feedback for what the learner picked or typed
    note: str | None = None  # e.g. why a numeric answer could not be read
    pending: bool = False  # an answer that waits for a person to grade it (an essay)
    rubric: tuple[int, ...] = ()  # graded by a person: the level picked per rubric criterion
    comment: str | None = None  # graded by a person: the grader's comment to the learner

    @property
    def correct(self) -> bool:
        """Fully right."""
        return self.score >= 1 - EPSILON

    @property
    def partial(self) -> bool:
        """Partly right."""
        return EPSILON < self.score < 1 - EPSILON


def grade(question: Question, response: Any) -> Grade:
    """Grade a response with its type's grader."""
    from course.qtypes import type_of  # the registry imports this module

    return type_of(question).grade(question, response)


def correct_response(question: Question) -> Any:
    """The response that scores 1, for showing the answer after feedback (an essay: its model answer)."""
    from course.qtypes import type_of

    return type_of(question).correct_response(question)


_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def normalise_answer(text: str) -> str:
    """Fold case, diacritics, typographic quotes, punctuation and spacing for short answers."""
    text = normalise_quote(text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _PUNCTUATION.sub(" ", text.casefold())
    return " ".join(text.split())


NOT_A_NUMBER = "That is not a finite number this question can read; type digits, e.g. 1500."
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_CURRENCY = "$€£¥₽"


def _forms(word: str) -> set[str]:
    return {f for f in (word, word.rstrip("s"), word + "s") if f}


def _strip_unit(text: str, unit: str) -> str:
    """Drop a trailing unit (singular or plural), or trailing words of a multi-word one ('$20.9 million')."""
    for form in sorted(_forms(unit), key=len, reverse=True):
        if text.endswith(form):
            return text[: -len(form)].strip()
    words = {f for word in unit.split() for f in _forms(word)}
    parts = text.split()
    while len(parts) > 1 and parts[-1] in words:
        parts.pop()
    return " ".join(parts)


def _read_number(raw: Any, unit: str | None) -> float | None:
    """The float a learner typed, finite or not; None when it is not a number at all."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    text = normalise_quote(str(raw or "")).strip().lower()
    if unit:
        text = _strip_unit(text, normalise_quote(unit).lower())
    text = text.strip(_CURRENCY + "%").strip()
    text = re.sub(r"(?<=\d)[,\s_'](?=\d{3}\b)", "", text)
    if not _NUMBER.match(text):
        return None
    return float(text)


def parse_number(raw: Any, unit: str | None = None) -> float | None:
    """Read a finite number as people type it: '1,500', '1 500', '$310', '8.5%', '162000 cameras', '$20.9 million'."""
    value = _read_number(raw, unit)
    # '1e999' reads as infinity, whose rounding slack would be infinite: never a number to grade.
    return value if value is not None and math.isfinite(value) else None


def is_non_finite(raw: Any, unit: str | None = None) -> bool:
    """Whether the input reads as a number too large for a float (or not a number at all, like NaN)."""
    value = _read_number(raw, unit)
    return value is not None and not math.isfinite(value)
