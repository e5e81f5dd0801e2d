"""Ordering: put 3-8 items into the correct order (the bank lists them in that order)."""

from __future__ import annotations

import random
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from course.exports import gift as gf
from course.exports import moodle_xml as mx
from course.exports import qti
from course.exports._questions import Unsupported, ordering_instruction, plain_or_html, to_inline_html, to_plain
from course.grading import Grade
from course.model import NonEmpty, QuestionBase
from course.presentation import Presentation, rng_for
from course.qtypes.base import GetList, QuestionType, ResponseError, first_value, int_in


class Ordering(QuestionBase):
    """Put 3-8 items into the correct order (given here in that order)."""

    type: Literal["ordering"]
    sequence: Annotated[list[NonEmpty], Field(min_length=3, max_length=8)]

    @field_validator("sequence")
    @classmethod
    def _distinct(cls, sequence: list[str]) -> list[str]:
        if len(set(sequence)) != len(sequence):
            raise ValueError("ordering items must be distinct")
        for item in sequence:
            if "}" in item:
                # Moodle's ordering type reads GIFT items unescaped: a "}" would end the question there.
                raise ValueError(f"ordering item {item!r} contains '}}', which Moodle's GIFT import of ordering cannot carry")
        return sequence


def _pairs_score(question: Ordering, order: list[str]) -> float:
    position = {item: i for i, item in enumerate(order)}
    seq = question.sequence
    pairs = [(a, b) for i, a in enumerate(seq) for b in seq[i + 1 :]]
    return sum(1 for a, b in pairs if position[a] < position[b]) / len(pairs)


def grade_ordering(question: Ordering, response: list[str] | None, rule: str = "positions") -> Grade:
    """Items in their correct position / items ("positions"), or ordered pairs kept ("pairs")."""
    order = list(response or [])
    if sorted(order) != sorted(question.sequence):
        answered = any(order)
        return Grade(
            0.0,
            answered=answered,
            parts=tuple(False for _ in question.sequence),
            note="Give every item a different position." if answered else None,
        )
    parts = tuple(a == b for a, b in zip(order, question.sequence, strict=True))
    score = sum(parts) / len(parts) if rule == "positions" else _pairs_score(question, order)
    return Grade(round(score, 6), answered=True, parts=parts)


class OrderingType(QuestionType):
    """Items in their correct position / items."""

    name = "ordering"
    label = "Ordering"
    short = "order"
    model = Ordering

    def field(self, index: int | None = None) -> str:
        """``pos-<i>``: the position given to the i-th item as shown."""
        return f"pos-{index}"

    def present(self, question: Ordering, rng: random.Random, shuffle: bool) -> Presentation:
        """The items shuffled, never in the right order (the question would answer itself)."""
        items = list(question.sequence)
        for _ in range(20):
            rng.shuffle(items)
            if items != list(question.sequence):
                break
        return Presentation(items=tuple(items))

    def parse(self, question: Ordering, shown: Presentation, getlist: GetList) -> list[str]:
        """The items in the learner's order; every item needs a different position."""
        positions = [first_value(getlist, self.field(i)) for i in range(len(shown.items))]
        if not any(positions):
            return []
        if not all(positions):
            raise ResponseError("Give every item a position.")
        numbers = [int_in(p, 1, len(shown.items)) for p in positions]
        if len(set(numbers)) != len(numbers):
            raise ResponseError("Give every item a different position.")
        return [item for _, item in sorted(zip(numbers, shown.items, strict=True))]

    def form_values(self, question: Ordering, shown: Presentation, response: Any) -> dict[str, Any]:
        """The position selected for each item as shown."""
        if response is None:
            return {}
        position = {item: n for n, item in enumerate(response, start=1)}
        return {self.field(i): str(position.get(item, "")) for i, item in enumerate(shown.items)}

    def grade(self, question: Ordering, response: Any) -> Grade:
        """Items in their correct position / items."""
        return grade_ordering(question, response)

    def correct_response(self, question: Ordering) -> list[str]:
        """The sequence."""
        return list(question.sequence)

    def demo_response(self, question: Ordering, right: bool, rng: random.Random) -> list[str]:
        """The sequence, or with its first two items swapped."""
        items = list(question.sequence)
        if not right:
            items[0], items[1] = items[1], items[0]
        return items

    def moodle_qtype(self, question: Ordering) -> str:
        """qtype_ordering (standard since Moodle 4.4)."""
        return "ordering"

    def to_moodle_xml(self, question: Ordering) -> list[str]:
        """Items in the right order, all shown, graded by absolute position (Oversight's rule)."""
        lines = [
            "    <layouttype>VERTICAL</layouttype>",
            "    <selecttype>ALL</selecttype>",
            f"    <selectcount>{len(question.sequence)}</selectcount>",
            "    <gradingtype>ABSOLUTE_POSITION</gradingtype>",
            "    <showgrading>SHOW</showgrading>",
            "    <numberingstyle>none</numberingstyle>",
            *mx.combined_feedback(),
            "    <shownumcorrect/>",
        ]
        lines += [
            mx.answer(f"{position}", to_inline_html(item), None) for position, item in enumerate(question.sequence, start=1)
        ]
        return lines

    def qti_type(self, question: Ordering) -> str:
        """Classic Quizzes has no ordering type: matching "Position k -> item"."""
        return "matching_question"

    def to_qti(self, item: qti.QtiItem) -> None:
        """Matching "Position k -> item", the items listed shuffled."""
        question = item.question
        qti.prompt(item, ordering_instruction())
        shown = self.present(question, rng_for(qti.EXPORT_SEED, question.id), shuffle=True).items
        positions = [f"Position {k}" for k in range(1, len(question.sequence) + 1)]
        qti.dropdowns(item, positions, [to_plain(s) for s in question.sequence], [to_plain(s) for s in shown])

    def to_gift(self, question: Ordering) -> str | Unsupported:
        """Moodle 4.4+ ``{>N ALL VERTICAL ABSOLUTE_POSITION SHOW none``, one unescaped item per line.

        ``qtype_ordering::import_from_gift`` keeps each line as it is (no GIFT unescaping), as
        "Moodle auto-format" text, which reads HTML: an item is written as plain text, or as inline HTML
        when its Markdown has markup (emphasis, a link). A backslash
        would be changed by the reader's escape handling and a line break would split the item, so
        such an item cannot be written (the schema already refuses ``}``).
        """
        items = [plain_or_html(item)[0] for item in question.sequence]
        if any("\\" in item or "\n" in item or "}" in item for item in items):
            return Unsupported(
                "an ordering item contains a backslash, a line break or '}', which Moodle's GIFT import of "
                "ordering cannot carry; import it from the Moodle XML export",
                _correct_order(question),
            )
        options = f"{{>{len(items)} ALL VERTICAL ABSOLUTE_POSITION SHOW none"
        return gf.head(question) + options + "\n" + "\n".join(items) + "\n" + gf.general(question).lstrip("\t") + "\n}"

    def to_gift_legacy(self, question: Ordering) -> Unsupported:
        """Moodle before 4.4 has no ordering type in GIFT: a comment with the correct order."""
        return Unsupported(
            "Moodle before 4.4 has no ordering type in GIFT; import it from the Moodle XML export "
            "(ordering question type, standard in Moodle 4.4+), or use the gift export on Moodle 4.4+",
            _correct_order(question),
        )


def _correct_order(question: Ordering) -> tuple[str, ...]:
    """Comment lines that let a person re-create the question by hand."""
    return ("Correct order:", *(f"  {i}. {item}" for i, item in enumerate(question.sequence, start=1)))
