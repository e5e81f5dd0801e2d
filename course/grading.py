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

Multiple response uses "right minus wrong" so that ticking every box scores 0, not the share of
keys it happens to include; each choice is still reported as a part, right or wrong.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from course.model import (
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
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

    @property
    def correct(self) -> bool:
        """Fully right."""
        return self.score >= 1 - EPSILON

    @property
    def partial(self) -> bool:
        """Partly right."""
        return EPSILON < self.score < 1 - EPSILON


Grader = Callable[[Any, Any], Grade]
GRADERS: dict[str, Grader] = {}


def grader(qtype: str) -> Callable[[Grader], Grader]:
    """Register a grader for a question type."""

    def register(fn: Grader) -> Grader:
        GRADERS[qtype] = fn
        return fn

    return register


def grade(question: Question, response: Any) -> Grade:
    """Grade a response with the grader registered for the question's type."""
    return GRADERS[question.type](question, response)


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


def _chosen_feedback(choices: Iterable[Any], picked: Iterable[int]) -> tuple[str, ...]:
    listed = list(choices)
    return tuple(listed[i].feedback for i in sorted(picked) if 0 <= i < len(listed))


@grader("single_choice")
def grade_single_choice(question: SingleChoice, response: int | None) -> Grade:
    """One point for the key."""
    if response is None or not 0 <= int(response) < len(question.choices):
        return Grade(0.0, answered=False)
    choice = question.choices[int(response)]
    return Grade(1.0 if choice.correct else 0.0, answered=True, parts=(choice.correct,), feedback=(choice.feedback,))


@grader("multiple_response")
def grade_multiple_response(question: MultipleResponse, response: Iterable[int] | None) -> Grade:
    """Right minus wrong: hits over keys, less false picks over distractors, floored at 0."""
    picked = {int(i) for i in (response or ()) if 0 <= int(i) < len(question.choices)}
    if not picked:
        return Grade(0.0, answered=False, parts=tuple(not c.correct for c in question.choices))
    keys = [i for i, c in enumerate(question.choices) if c.correct]
    distractors = [i for i, c in enumerate(question.choices) if not c.correct]
    hits = sum(1 for i in keys if i in picked)
    false_picks = sum(1 for i in distractors if i in picked)
    score = max(0.0, hits / len(keys) - false_picks / len(distractors))
    parts = tuple((i in picked) == c.correct for i, c in enumerate(question.choices))
    return Grade(round(score, 6), answered=True, parts=parts, feedback=_chosen_feedback(question.choices, picked))


@grader("true_false")
def grade_true_false(question: TrueFalse, response: bool | None) -> Grade:
    """One point for the right truth value."""
    if response is None:
        return Grade(0.0, answered=False)
    right = bool(response) == question.answer
    feedback = question.feedback_if_true if response else question.feedback_if_false
    return Grade(1.0 if right else 0.0, answered=True, parts=(right,), feedback=(feedback,))


@grader("short_answer")
def grade_short_answer(question: ShortAnswer, response: str | None) -> Grade:
    """One point if the normalised answer equals a normalised accepted answer."""
    given = normalise_answer(response or "")
    if not given:
        return Grade(0.0, answered=False)
    accepted = {normalise_answer(a) for a in question.accept}
    variants = {given, given.removeprefix("the ")}
    right = bool(variants & (accepted | {a.removeprefix("the ") for a in accepted}))
    feedback = () if right or not question.feedback else (question.feedback,)
    return Grade(1.0 if right else 0.0, answered=True, parts=(right,), feedback=feedback)


@grader("numeric")
def grade_numeric(question: Numeric, response: Any) -> Grade:
    """One point within answer ± tolerance; unreadable input is reported, not guessed."""
    if response is None or (isinstance(response, str) and not response.strip()):
        return Grade(0.0, answered=False)
    value = parse_number(response, question.unit)
    if value is None:
        return Grade(0.0, answered=True, parts=(False,), note=NOT_A_NUMBER)
    # Slack for float error, which grows with magnitude (1000000000.4 - 1000000000.3 > 0.1).
    slack = EPSILON + 4 * math.ulp(max(abs(value), abs(question.answer)))
    right = abs(value - question.answer) <= question.tolerance + slack
    return Grade(1.0 if right else 0.0, answered=True, parts=(right,))


@grader("matching")
def grade_matching(question: Matching, response: dict[str, str] | None) -> Grade:
    """Per pair: the share of left items matched to their right item."""
    response = response or {}
    if not any(response.get(p.left) for p in question.pairs):
        return Grade(0.0, answered=False, parts=tuple(False for _ in question.pairs))
    parts = tuple(response.get(p.left) == p.right for p in question.pairs)
    return Grade(round(sum(parts) / len(parts), 6), answered=True, parts=parts)


def _ordering_pairs_score(question: Ordering, order: list[str]) -> float:
    position = {item: i for i, item in enumerate(order)}
    seq = question.sequence
    pairs = [(a, b) for i, a in enumerate(seq) for b in seq[i + 1:]]
    return sum(1 for a, b in pairs if position[a] < position[b]) / len(pairs)


@grader("ordering")
def grade_ordering(question: Ordering, response: list[str] | None, rule: str = "positions") -> Grade:
    """Items in their correct position / items ("positions"), or ordered pairs kept ("pairs")."""
    order = list(response or [])
    if sorted(order) != sorted(question.sequence):
        answered = any(order)
        return Grade(0.0, answered=answered, parts=tuple(False for _ in question.sequence),
                     note="Give every item a different position." if answered else None)
    parts = tuple(a == b for a, b in zip(order, question.sequence))
    score = sum(parts) / len(parts) if rule == "positions" else _ordering_pairs_score(question, order)
    return Grade(round(score, 6), answered=True, parts=parts)


def correct_response(question: Question) -> Any:
    """The response that scores 1, for showing the answer after feedback."""
    if isinstance(question, SingleChoice):
        return next(i for i, c in enumerate(question.choices) if c.correct)
    if isinstance(question, MultipleResponse):
        return frozenset(i for i, c in enumerate(question.choices) if c.correct)
    if isinstance(question, TrueFalse):
        return question.answer
    if isinstance(question, ShortAnswer):
        return question.accept[0]
    if isinstance(question, Numeric):
        return question.answer
    if isinstance(question, Matching):
        return {p.left: p.right for p in question.pairs}
    if isinstance(question, Ordering):
        return list(question.sequence)
    raise TypeError(f"no correct response for {type(question).__name__}")
