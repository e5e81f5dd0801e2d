"""Essay: a written answer that an instructor grades with a rubric; never graded by the machine.

The learner writes in a text area (saved on every move like other answers); word limits are shown,
and the maximum is enforced on every save with a message that keeps the text. A grader picks one
level per rubric criterion; the score is the points of the levels picked over the rubric's maximum.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from course.exports import gift as gf
from course.exports import moodle_xml as mx
from course.exports import qti
from course.exports._questions import escape_markdown, general_feedback, to_html
from course.grading import Grade
from course.model import Frozen, NonEmpty, QuestionBase
from course.presentation import Presentation
from course.qtypes.base import GetList, QuestionType, ResponseError

MAX_ESSAY_CHARACTERS = 30_000  # about 5,000 words: far above any limit a prompt sets
_WORD = re.compile(r"\S+")


def word_count(text: str | None) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(_WORD.findall(text or ""))


class Level(Frozen):
    """One level of a rubric criterion: its points and what an answer at that level does."""

    points: Annotated[int, Field(ge=0, le=100)]
    descriptor: NonEmpty


class Criterion(Frozen):
    """A rubric criterion with 2-6 levels, lowest first."""

    criterion: NonEmpty
    levels: Annotated[list[Level], Field(min_length=2, max_length=6)]

    @field_validator("levels")
    @classmethod
    def _increasing(cls, levels: list[Level]) -> list[Level]:
        points = [level.points for level in levels]
        if points != sorted(set(points)):
            raise ValueError("levels must be listed lowest first, with strictly increasing points")
        return levels

    @property
    def max_points(self) -> int:
        """The points of the top level."""
        return self.levels[-1].points


class Essay(QuestionBase):
    """A prompt answered in writing, graded by an instructor with a rubric."""

    type: Literal["essay"]
    min_words: Annotated[int, Field(ge=1, le=5000)] | None = None
    max_words: Annotated[int, Field(ge=1, le=5000)] | None = None
    rubric: Annotated[list[Criterion], Field(min_length=1, max_length=8)]
    model_answer: NonEmpty

    @model_validator(mode="after")
    def _limits(self) -> Essay:
        if self.min_words and self.max_words and self.min_words > self.max_words:
            raise ValueError("min_words is larger than max_words")
        if self.max_points <= 0:
            raise ValueError("the rubric's top levels must be worth some points")
        if len({c.criterion.casefold() for c in self.rubric}) != len(self.rubric):
            raise ValueError("two rubric criteria have the same name")
        return self

    @property
    def max_points(self) -> int:
        """The rubric's total when every criterion is at its top level."""
        return sum(c.max_points for c in self.rubric)


def rubric_score(question: Essay, levels: Sequence[int]) -> float:
    """The share of the rubric's points earned by one level index per criterion."""
    if len(levels) != len(question.rubric):
        raise ValueError(f"pick one level for each of the {len(question.rubric)} criteria")
    earned = 0
    for criterion, index in zip(question.rubric, levels, strict=True):
        if not 0 <= index < len(criterion.levels):
            raise ValueError(f"{criterion.criterion}: that level is not one of its levels")
        earned += criterion.levels[index].points
    return round(earned / question.max_points, 6)


def limits_text(question: Essay) -> str:
    """The word limits as one phrase ('' when the prompt sets none)."""
    if question.min_words and question.max_words:
        return f"{question.min_words}–{question.max_words} words"
    if question.max_words:
        return f"at most {question.max_words} words"
    if question.min_words:
        return f"at least {question.min_words} words"
    return ""


def rubric_markdown(question: Essay) -> str:
    """The rubric (and model answer) as Markdown, for graders in other systems."""
    lines = ["**Rubric**", ""]
    for criterion in question.rubric:
        lines.append(f"- {escape_markdown(criterion.criterion)} ({criterion.max_points} points)")
        lines += [f"    - {level.points}: {escape_markdown(level.descriptor)}" for level in criterion.levels]
    lines += ["", "**Model answer**", "", escape_markdown(question.model_answer)]
    return "\n".join(lines)


class EssayType(QuestionType):
    """Never auto-graded: an answered essay waits for an instructor."""

    name = "essay"
    label = "Essay"
    short = "essay"
    model = Essay
    auto_graded = False

    def limits(self, question: Essay) -> str:
        """The word limits as one phrase, for the form."""
        return limits_text(question)

    def words(self, text: str | None) -> int:
        """Words in a text, for the form."""
        return word_count(text)

    def parse(self, question: Essay, shown: Presentation, getlist: GetList) -> str:
        """The text as written (outer space trimmed); over the word limit is refused, with the count."""
        text = (getlist(self.field()) or [""])[0].replace("\r\n", "\n").strip()
        if len(text) > MAX_ESSAY_CHARACTERS:
            raise ResponseError(f"Keep the answer under {MAX_ESSAY_CHARACTERS:,} characters.")
        words = word_count(text)
        if question.max_words and words > question.max_words:
            raise ResponseError(
                f"Your answer has {words} words; the limit is {question.max_words}. "
                "Shorten it and save again (your text is still in the box)."
            )
        return text

    def form_values(self, question: Essay, shown: Presentation, response: Any) -> dict[str, Any]:
        """The text written."""
        return {} if response is None else {self.field(): str(response)}

    def grade(self, question: Essay, response: Any) -> Grade:
        """Answered or not; the score waits for a grader."""
        answered = bool((response or "").strip())
        return Grade(0.0, answered=answered, pending=answered)

    def correct_response(self, question: Essay) -> str:
        """The model answer."""
        return question.model_answer

    def demo_response(self, question: Essay, right: bool, rng: random.Random) -> str:
        """The model answer, or a thin answer."""
        return question.model_answer if right else "I think the source shows surveillance is growing."

    def moodle_qtype(self, question: Essay) -> str:
        """Moodle's essay."""
        return "essay"

    def to_moodle_xml(self, question: Essay) -> list[str]:
        """A plain-text essay with its word limits; the rubric and model answer as grader information."""
        return [
            "    <responseformat>plain</responseformat>",
            "    <responserequired>1</responserequired>",
            "    <responsefieldlines>15</responsefieldlines>",
            f"    <minwordlimit>{question.min_words or ''}</minwordlimit>",
            f"    <maxwordlimit>{question.max_words or ''}</maxwordlimit>",
            "    <attachments>0</attachments>",
            "    <attachmentsrequired>0</attachmentsrequired>",
            "    <maxbytes>0</maxbytes>",
            "    <filetypeslist></filetypeslist>",
            mx.text("graderinfo", to_html(rubric_markdown(question)), "    "),
            mx.text("responsetemplate", "", "    "),
        ]

    def qti_type(self, question: Essay) -> str:
        """Canvas's essay."""
        return "essay_question"

    def to_qti(self, item: qti.QtiItem) -> None:
        """A text box, no automatic score; the rubric and model answer in the general feedback."""
        question = item.question
        limits = limits_text(question)
        qti.prompt(item, f"\n\n*Write {limits}.*" if limits else "")
        qti.text_entry(item, decimal=False)
        item.start_processing(feedback_html=to_html(general_feedback(question) + "\n\n" + rubric_markdown(question)))

    def to_gift(self, question: Essay) -> str:
        """``{}`` with the explanation, evidence and rubric as general feedback."""
        return (
            gf.head(question) + "{\n" + "\t####" + gf.md(general_feedback(question) + "\n\n" + rubric_markdown(question)) + "\n}"
        )
