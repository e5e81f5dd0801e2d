"""True or false: a statement judged true or false, with feedback for each pick."""

from __future__ import annotations

import random
from typing import Any, Literal

from course.analytics import ItemInfo
from course.exports import gift as gf
from course.exports import moodle_xml as mx
from course.exports import qti
from course.exports._questions import to_inline_html
from course.grading import Grade
from course.model import NonEmpty, QuestionBase
from course.presentation import Presentation
from course.qtypes.base import GetList, QuestionType, ResponseError, first_value


class TrueFalse(QuestionBase):
    """A statement judged true or false, with feedback for each pick."""

    type: Literal["true_false"]
    answer: bool
    feedback_if_true: NonEmpty
    feedback_if_false: NonEmpty


class TrueFalseType(QuestionType):
    """One point for the right truth value."""

    name = "true_false"
    label = "True or false"
    short = "t/f"
    model = TrueFalse

    def parse(self, question: TrueFalse, shown: Presentation, getlist: GetList) -> bool | None:
        """ "true" or "false"."""
        value = first_value(getlist, self.field())
        if value not in ("", "true", "false"):
            raise ResponseError("Choose true or false.")
        return None if not value else value == "true"

    def form_values(self, question: TrueFalse, shown: Presentation, response: Any) -> dict[str, Any]:
        """The radio button to check."""
        return {} if response is None else {self.field(): {"true" if response else "false"}}

    def grade(self, question: TrueFalse, response: Any) -> Grade:
        """One point for the right truth value, with the feedback of the pick."""
        if response is None:
            return Grade(0.0, answered=False)
        right = bool(response) == question.answer
        feedback = question.feedback_if_true if response else question.feedback_if_false
        return Grade(1.0 if right else 0.0, answered=True, parts=(right,), feedback=(feedback,))

    def correct_response(self, question: TrueFalse) -> bool:
        """The truth value."""
        return question.answer

    def item_info(self, question: TrueFalse) -> ItemInfo:
        """Two options: True (0) and False (1)."""
        return ItemInfo(question.id, 2, frozenset({0 if question.answer else 1}))

    def picked_options(self, question: TrueFalse, response: Any) -> tuple[int, ...] | None:
        """True is option 0, False option 1."""
        return None if response is None else ((0,) if response else (1,))

    def demo_response(self, question: TrueFalse, right: bool, rng: random.Random) -> bool:
        """The truth value or its opposite."""
        return question.answer if right else not question.answer

    def moodle_qtype(self, question: TrueFalse) -> str:
        """Moodle's truefalse."""
        return "truefalse"

    def to_moodle_xml(self, question: TrueFalse) -> list[str]:
        """The ``true`` answer carries feedback_if_true, the ``false`` one feedback_if_false."""
        return [
            mx.answer("100" if question.answer else "0", "true", to_inline_html(question.feedback_if_true), fmt="plain_text"),
            mx.answer("0" if question.answer else "100", "false", to_inline_html(question.feedback_if_false), fmt="plain_text"),
        ]

    def qti_type(self, question: TrueFalse) -> str:
        """Canvas's true/false."""
        return "true_false_question"

    def to_qti(self, item: qti.QtiItem) -> None:
        """Choices "True" and "False", each with its feedback."""
        question = item.question
        qti.choice_item(
            item,
            [
                ("True", question.answer, question.feedback_if_true),
                ("False", not question.answer, question.feedback_if_false),
            ],
            multiple=False,
        )

    def to_gift(self, question: TrueFalse) -> str:
        """``{TRUE#if wrong#if right}``: Moodle reads the first feedback as the one for a wrong answer."""
        if question.answer:
            key, if_wrong, if_right = "TRUE", question.feedback_if_false, question.feedback_if_true
        else:
            key, if_wrong, if_right = "FALSE", question.feedback_if_true, question.feedback_if_false
        return (
            gf.head(question)
            + "{"
            + key
            + "#"
            + gf.md(if_wrong)
            + "#"
            + gf.md(if_right)
            + gf.general(question).lstrip("\t")
            + "}"
        )
