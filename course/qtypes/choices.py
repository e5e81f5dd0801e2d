"""Single choice and multiple response: choices with per-choice feedback, shown in a seeded order."""

from __future__ import annotations

import random
import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from course.analytics import ItemInfo
from course.exports import gift as gf
from course.exports import moodle_xml as mx
from course.exports import qti
from course.exports._questions import fraction_text, multiple_response_weights
from course.grading import Grade
from course.model import Choice, QuestionBase
from course.presentation import Presentation
from course.qtypes.base import GetList, QuestionType, first_value, int_in

_ALL_NONE = re.compile(r"\b(all|none|both|neither) of the (above|following)\b", re.I)


def _check_choices(choices: list[Choice]) -> None:
    for choice in choices:
        if _ALL_NONE.search(choice.text):
            raise ValueError(f"choice {choice.text!r}: 'all/none of the above' choices are not allowed")
    texts = [c.text.casefold() for c in choices]
    if len(set(texts)) != len(texts):
        raise ValueError("two choices have the same text")


class SingleChoice(QuestionBase):
    """One best answer among 3-5 choices."""

    type: Literal["single_choice"]
    choices: Annotated[list[Choice], Field(min_length=3, max_length=5)]

    @field_validator("choices")
    @classmethod
    def _one_key(cls, choices: list[Choice]) -> list[Choice]:
        _check_choices(choices)
        if sum(c.correct for c in choices) != 1:
            raise ValueError("single_choice needs exactly one choice with correct: true")
        return choices


class MultipleResponse(QuestionBase):
    """Select all that apply: at least one right and one wrong choice."""

    type: Literal["multiple_response"]
    choices: Annotated[list[Choice], Field(min_length=3, max_length=8)]

    @field_validator("choices")
    @classmethod
    def _mixed_keys(cls, choices: list[Choice]) -> list[Choice]:
        _check_choices(choices)
        right = sum(c.correct for c in choices)
        if right < 1 or right == len(choices):
            raise ValueError("multiple_response needs at least one correct and one wrong choice")
        return choices


def _keys(question: SingleChoice | MultipleResponse) -> list[int]:
    return [i for i, c in enumerate(question.choices) if c.correct]


class _ChoiceType(QuestionType):
    """What both choice types share: order, item analysis and the QTI choice builder."""

    def present(self, question: Any, rng: random.Random, shuffle: bool) -> Presentation:
        """Choices in a seeded random order."""
        order = list(range(len(question.choices)))
        if shuffle:
            rng.shuffle(order)
        return Presentation(choice_order=tuple(order))

    def item_info(self, question: Any) -> ItemInfo:
        """The number of choices and which are keys."""
        return ItemInfo(question.id, len(question.choices), frozenset(_keys(question)))

    def to_qti(self, item: qti.QtiItem) -> None:
        """Choices with their feedback; multiple response is "these boxes and not those"."""
        question = item.question
        choices = [(c.text, c.correct, c.feedback) for c in question.choices]
        qti.choice_item(item, choices, multiple=self.name == "multiple_response")

    def moodle_qtype(self, question: Any) -> str:
        """Moodle's multichoice, single or not."""
        return "multichoice"


class SingleChoiceType(_ChoiceType):
    """One point for the key."""

    name = "single_choice"
    label = "Single choice"
    short = "single"
    model = SingleChoice

    def parse(self, question: SingleChoice, shown: Presentation, getlist: GetList) -> int | None:
        """The index of the picked choice."""
        value = first_value(getlist, self.field())
        return int_in(value, 0, len(question.choices) - 1) if value else None

    def form_values(self, question: SingleChoice, shown: Presentation, response: Any) -> dict[str, Any]:
        """The radio button to check."""
        return {} if response is None else {self.field(): {str(response)}}

    def grade(self, question: SingleChoice, response: Any) -> Grade:
        """One point for the key."""
        if response is None or not 0 <= int(response) < len(question.choices):
            return Grade(0.0, answered=False)
        choice = question.choices[int(response)]
        return Grade(1.0 if choice.correct else 0.0, answered=True, parts=(choice.correct,), feedback=(choice.feedback,))

    def correct_response(self, question: SingleChoice) -> int:
        """The key's index."""
        return _keys(question)[0]

    def picked_options(self, question: SingleChoice, response: Any) -> tuple[int, ...] | None:
        """The one choice picked."""
        return None if response is None else (int(response),)

    def demo_response(self, question: SingleChoice, right: bool, rng: random.Random) -> int:
        """The key, or a distractor (the first wrong one draws the most, as in real classes)."""
        if right:
            return self.correct_response(question)
        wrong = [i for i, c in enumerate(question.choices) if not c.correct]
        return rng.choices(wrong, weights=[len(wrong) - k for k in range(len(wrong))])[0]

    def to_moodle_xml(self, question: SingleChoice) -> list[str]:
        """multichoice with single=true: key 100, others 0."""
        return mx.choices_body(question.choices, [100.0 if c.correct else 0.0 for c in question.choices], single=True)

    def qti_type(self, question: SingleChoice) -> str:
        """Canvas's multiple choice."""
        return "multiple_choice_question"

    def to_gift(self, question: SingleChoice) -> str:
        """``=key#feedback`` and ``~wrong#feedback``."""
        lines = [
            gf.answer("=", gf.md(c.text), c.feedback) if c.correct else gf.answer("~", gf.md(c.text), c.feedback, guard=0.0)
            for c in question.choices
        ]
        return gf.block(question, lines)


class MultipleResponseType(_ChoiceType):
    """Right minus wrong: hits over keys, less false picks over distractors, floored at 0."""

    name = "multiple_response"
    label = "Multiple response"
    short = "multi"
    model = MultipleResponse

    def parse(self, question: MultipleResponse, shown: Presentation, getlist: GetList) -> frozenset[int]:
        """The indices of the ticked boxes."""
        return frozenset(int_in(v, 0, len(question.choices) - 1) for v in getlist(self.field()) if v.strip())

    def to_json(self, question: MultipleResponse, response: Any) -> Any:
        """Sorted indices."""
        return sorted(response) if response is not None else None

    def from_json(self, question: MultipleResponse, stored: Any) -> frozenset[int]:
        """A set of indices."""
        return frozenset(stored or ())

    def form_values(self, question: MultipleResponse, shown: Presentation, response: Any) -> dict[str, Any]:
        """The boxes to tick."""
        return {} if response is None else {self.field(): {str(i) for i in response}}

    def grade(self, question: MultipleResponse, response: Any) -> Grade:
        """Right minus wrong, floored at 0; each choice is a part, right or wrong."""
        picked = {int(i) for i in (response or ()) if 0 <= int(i) < len(question.choices)}
        if not picked:
            return Grade(0.0, answered=False, parts=tuple(not c.correct for c in question.choices))
        keys = _keys(question)
        distractors = [i for i, c in enumerate(question.choices) if not c.correct]
        hits = sum(1 for i in keys if i in picked)
        false_picks = sum(1 for i in distractors if i in picked)
        score = max(0.0, hits / len(keys) - false_picks / len(distractors))
        parts = tuple((i in picked) == c.correct for i, c in enumerate(question.choices))
        feedback = tuple(question.choices[i].feedback for i in sorted(picked))
        return Grade(round(score, 6), answered=True, parts=parts, feedback=feedback)

    def correct_response(self, question: MultipleResponse) -> frozenset[int]:
        """Every key."""
        return frozenset(_keys(question))

    def picked_options(self, question: MultipleResponse, response: Any) -> tuple[int, ...] | None:
        """The boxes ticked."""
        return None if response is None else tuple(sorted(int(i) for i in response))

    def demo_response(self, question: MultipleResponse, right: bool, rng: random.Random) -> frozenset[int]:
        """Every key, or all but one key plus a distractor."""
        if right:
            return self.correct_response(question)
        keys = _keys(question)
        wrong = [i for i, c in enumerate(question.choices) if not c.correct]
        return frozenset(rng.sample(keys, max(1, len(keys) - 1)) + [rng.choice(wrong)])

    def to_moodle_xml(self, question: MultipleResponse) -> list[str]:
        """multichoice with single=false: keys share +100, distractors share -100."""
        return mx.choices_body(question.choices, multiple_response_weights(question.choices), single=False)

    def qti_type(self, question: MultipleResponse) -> str:
        """Canvas's multiple answers."""
        return "multiple_answers_question"

    def to_gift(self, question: MultipleResponse) -> str:
        """``~%weight%choice#feedback`` for every choice (no ``=``, so several may be picked)."""
        weights = multiple_response_weights(question.choices)
        lines = [
            gf.answer(f"~%{fraction_text(w)}%", gf.md(c.text), c.feedback) for c, w in zip(question.choices, weights, strict=True)
        ]
        return gf.block(question, lines)
