"""Numeric: a number within an absolute tolerance, optionally with a unit, read as people type it."""

from __future__ import annotations

import math
import random
from typing import Annotated, Any, Literal

from pydantic import Field

from course.exports import gift as gf
from course.exports import moodle_xml as mx
from course.exports import qti
from course.exports._questions import number_text, numeric_bounds, separator_note, to_html, unit_forms, unit_note
from course.grading import EPSILON, NOT_A_NUMBER, Grade, is_non_finite, parse_number
from course.model import QuestionBase
from course.presentation import Presentation
from course.qtypes.base import GetList, QuestionType, ResponseError
from course.qtypes.short_answer import typed_text


class Numeric(QuestionBase):
    """A number within an absolute tolerance, optionally with a unit."""

    type: Literal["numeric"]
    answer: float
    tolerance: Annotated[float, Field(ge=0)] = 0
    unit: str | None = None


class NumericType(QuestionType):
    """One point within answer ± tolerance; unreadable input is reported, not guessed."""

    name = "numeric"
    label = "Numeric"
    short = "num"
    model = Numeric

    def parse(self, question: Numeric, shown: Presentation, getlist: GetList) -> str:
        """The text as typed; a number too large for a float is refused."""
        text = typed_text(getlist, self.field())
        if is_non_finite(text, question.unit):
            raise ResponseError("Type a finite number: that one is too large to be an answer.")
        return text

    def form_values(self, question: Numeric, shown: Presentation, response: Any) -> dict[str, Any]:
        """The text typed."""
        return {} if response is None else {self.field(): str(response)}

    def grade(self, question: Numeric, response: Any) -> Grade:
        """One point within answer ± tolerance (plus float slack that grows with magnitude)."""
        if response is None or (isinstance(response, str) and not response.strip()):
            return Grade(0.0, answered=False)
        value = parse_number(response, question.unit)
        if value is None:
            return Grade(0.0, answered=True, parts=(False,), note=NOT_A_NUMBER)
        # Slack for float error, which grows with magnitude (1000000000.4 - 1000000000.3 > 0.1).
        slack = EPSILON + 4 * math.ulp(max(abs(value), abs(question.answer)))
        right = abs(value - question.answer) <= question.tolerance + slack
        return Grade(1.0 if right else 0.0, answered=True, parts=(right,))

    def correct_response(self, question: Numeric) -> float:
        """The answer."""
        return question.answer

    def demo_response(self, question: Numeric, right: bool, rng: random.Random) -> str:
        """The answer as a learner types it, or a number off by a factor."""
        if right:
            return f"{question.answer:g}"
        return str(round(question.answer * rng.choice([0.5, 1.2, 2]) + 1))

    def moodle_qtype(self, question: Numeric) -> str:
        """Moodle's numerical."""
        return "numerical"

    def moodle_questiontext(self, question: Numeric) -> str:
        """The prompt; from 1000 up, a line saying to type the number without separators (Moodle refuses them)."""
        return to_html(question.prompt + separator_note(question.answer))

    def to_moodle_xml(self, question: Numeric) -> list[str]:
        """The answer with its tolerance; the unit (and its singular) as optional, ungraded Moodle units."""
        lines = [
            '    <answer fraction="100" format="plain_text">',
            f"      <text>{number_text(question.answer)}</text>",
            f"      <tolerance>{number_text(question.tolerance)}</tolerance>",
            "    </answer>",
        ]
        if question.unit:
            lines.append("    <units>")
            for form in unit_forms(question.unit):
                lines += [
                    "      <unit>",
                    "        <multiplier>1</multiplier>",
                    f"        <unit_name>{mx.plain(form)}</unit_name>",
                    "      </unit>",
                ]
            lines += [
                "    </units>",
                "    <unitgradingtype>0</unitgradingtype>",  # the unit is optional and not graded
                "    <unitpenalty>0</unitpenalty>",
                "    <showunits>0</showunits>",  # typed in the answer box
                "    <unitsleft>0</unitsleft>",
            ]
        return lines

    def qti_type(self, question: Numeric) -> str:
        """Canvas's numerical."""
        return "numerical_question"

    def to_qti(self, item: qti.QtiItem) -> None:
        """Exact answer or within the margin (inclusive); Canvas has no units, so the prompt says so."""
        question = item.question
        qti.prompt(item, unit_note(question.unit))
        qti.text_entry(item, decimal=True)
        processing = item.start_processing()
        either = qti.sub(item.condition(processing, "No", score="100"), "or")
        item.varequal(either, "response1", number_text(question.answer))
        low, high = numeric_bounds(question.answer, question.tolerance)
        both = qti.sub(either, "and")
        item.varequal(both, "response1", low, tag="vargte")
        item.varequal(both, "response1", high, tag="varlte")

    def to_gift(self, question: Numeric) -> str:
        """``{#answer:tolerance}``; GIFT has no units, so the prompt says to type the number only (and without separators)."""
        answer = f"\t={number_text(question.answer)}:{number_text(question.tolerance)}"
        return (
            gf.head(question, unit_note(question.unit) + separator_note(question.answer))
            + "{#\n"
            + answer
            + "\n"
            + gf.general(question)
            + "\n}"
        )
