"""Matching: each left item to one right item; extra right items may distract."""

from __future__ import annotations

import random
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from course.exports import gift as gf
from course.exports import moodle_xml as mx
from course.exports import qti
from course.exports._questions import to_inline_html, to_plain
from course.grading import Grade
from course.model import NonEmpty, Pair, QuestionBase
from course.presentation import Presentation, rng_for
from course.qtypes.base import GetList, QuestionType, ResponseError, first_value


class Matching(QuestionBase):
    """Match each left item to one right item; extra right items may distract."""

    type: Literal["matching"]
    pairs: Annotated[list[Pair], Field(min_length=2, max_length=8)]
    distractors: list[NonEmpty] = []

    @field_validator("pairs")
    @classmethod
    def _distinct(cls, pairs: list[Pair]) -> list[Pair]:
        if len({p.left for p in pairs}) != len(pairs) or len({p.right for p in pairs}) != len(pairs):
            raise ValueError("matching pairs need distinct left items and distinct right items")
        return pairs


class MatchingType(QuestionType):
    """Per pair: the share of left items matched to their right item."""

    name = "matching"
    label = "Matching"
    short = "match"
    model = Matching

    def field(self, index: int | None = None) -> str:
        """``match-<i>``: the option chosen for the i-th pair."""
        return f"match-{index}"

    def present(self, question: Matching, rng: random.Random, shuffle: bool) -> Presentation:
        """The right-hand options (pairs' rights and distractors) in a seeded order."""
        options = [p.right for p in question.pairs] + list(question.distractors)
        if shuffle:
            rng.shuffle(options)
        return Presentation(options=tuple(options))

    def parse(self, question: Matching, shown: Presentation, getlist: GetList) -> dict[str, str]:
        """Left item -> chosen option, for the pairs given an option."""
        chosen = {}
        for index, pair in enumerate(question.pairs):
            value = first_value(getlist, self.field(index), strip=False)  # an option is matched exactly
            if value and value not in shown.options:
                raise ResponseError("That match is not one of the options.")
            if value:
                chosen[pair.left] = value
        return chosen

    def form_values(self, question: Matching, shown: Presentation, response: Any) -> dict[str, Any]:
        """The option selected in each pair's list."""
        if response is None:
            return {}
        return {self.field(i): response.get(p.left, "") for i, p in enumerate(question.pairs)}

    def grade(self, question: Matching, response: Any) -> Grade:
        """The share of pairs matched correctly."""
        response = response or {}
        if not any(response.get(p.left) for p in question.pairs):
            return Grade(0.0, answered=False, parts=tuple(False for _ in question.pairs))
        parts = tuple(response.get(p.left) == p.right for p in question.pairs)
        return Grade(round(sum(parts) / len(parts), 6), answered=True, parts=parts)

    def correct_response(self, question: Matching) -> dict[str, str]:
        """Every left item with its right item."""
        return {p.left: p.right for p in question.pairs}

    def demo_response(self, question: Matching, right: bool, rng: random.Random) -> dict[str, str]:
        """The key, or every right item shifted by one."""
        if right:
            return self.correct_response(question)
        rights = [p.right for p in question.pairs]
        return {p.left: rights[(i + 1) % len(rights)] for i, p in enumerate(question.pairs)}

    def moodle_qtype(self, question: Matching) -> str:
        """Moodle's matching."""
        return "matching"

    def to_moodle_xml(self, question: Matching) -> list[str]:
        """A subquestion per pair; each distractor a subquestion with empty text (an "extra answer")."""
        lines = ["    <shuffleanswers>true</shuffleanswers>", *mx.combined_feedback(), "    <shownumcorrect/>"]
        lines += [mx.subquestion(to_inline_html(p.left), to_plain(p.right)) for p in question.pairs]
        lines += [mx.subquestion("", to_plain(d)) for d in question.distractors]
        return lines

    def qti_type(self, question: Matching) -> str:
        """Canvas's matching."""
        return "matching_question"

    def to_qti(self, item: qti.QtiItem) -> None:
        """A dropdown per left item listing every option in a fixed shuffled order."""
        question = item.question
        qti.prompt(item)
        shown = self.present(question, rng_for(qti.EXPORT_SEED, question.id), shuffle=True).options
        qti.dropdowns(
            item,
            [p.left for p in question.pairs],
            [to_plain(p.right) for p in question.pairs],
            [to_plain(o) for o in shown],
        )

    def to_gift(self, question: Matching) -> str:
        """``=left -> right``; a distractor is ``= -> option``; ``->`` inside a left item becomes ``→``."""
        lines = [f"\t={gf.md(p.left).replace('->', '→')} -> {gf.escape(to_plain(p.right))}" for p in question.pairs]
        lines += [f"\t= -> {gf.escape(to_plain(d))}" for d in question.distractors]
        return gf.block(question, lines)
