"""Typed, immutable objects for the course: readings, lessons, glossary terms and questions.

Pydantic models double as the schema: `extra="forbid"` turns a misspelt key into an error
instead of a silently ignored field.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

BLOOM_LEVELS = ("remember", "understand", "apply", "analyze", "evaluate")
QUESTION_TYPES = (
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
)
Bloom = Literal["remember", "understand", "apply", "analyze", "evaluate"]
NonEmpty = Annotated[str, Field(min_length=1)]
ID_PATTERN = r"^[a-z0-9][a-z0-9.-]*$"
MAX_ID_LENGTH = 80  # the database's id columns are VARCHAR(80): a longer id must fail validation, not a save
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]


class Frozen(BaseModel):
    """Base for content objects: immutable, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Objective(Frozen):
    """A measurable learning objective of a lesson."""

    id: Id
    text: NonEmpty


class LessonMeta(Frozen):
    """The front matter of a lesson file."""

    id: Id
    title: NonEmpty
    order: int
    sources: list[str]
    estimated_minutes: Annotated[int, Field(gt=0, le=600)]
    objectives: Annotated[list[Objective], Field(min_length=3, max_length=6)]


class Lesson(Frozen):
    """A lesson: front matter plus its Markdown body."""

    meta: LessonMeta
    body: str
    path: str

    @property
    def id(self) -> str:
        """The lesson id (its file name without .md)."""
        return self.meta.id

    @property
    def title(self) -> str:
        """The lesson's title."""
        return self.meta.title


class ReadingMeta(Frozen):
    """The front matter of a reading: where the source comes from, never invented."""

    id: Id
    title: NonEmpty
    authors: list[str]
    authors_note: str | None = None
    outlet: NonEmpty
    date: date | None
    date_note: str | None = None
    url: str | None
    series: str | None = None
    memo: str | int | None = None
    seed: NonEmpty
    summary: str | None = None

    @model_validator(mode="after")
    def _explain_gaps(self) -> "ReadingMeta":
        if self.date is None and not self.date_note:
            raise ValueError("date is null: add date_note saying why (the capture gives none, or how it is inferred)")
        if not self.authors and not self.authors_note:
            raise ValueError("authors is empty: add authors_note (e.g. 'No byline in the capture.')")
        return self


class Paragraph(Frozen):
    """One paragraph of a reading, with its stable anchor (p1, p2, ...)."""

    anchor: str
    text: str
    heading: bool = False


class Reading(Frozen):
    """A clean source text split into anchored paragraphs."""

    meta: ReadingMeta
    paragraphs: list[Paragraph]
    path: str

    @property
    def id(self) -> str:
        """The reading id."""
        return self.meta.id


class GlossaryTerm(Frozen):
    """A glossary entry grounded in a verbatim passage of a source."""

    id: Id
    term: NonEmpty
    definition: NonEmpty
    source: NonEmpty
    quote: NonEmpty
    see_also: list[str] = []


class Evidence(Frozen):
    """A verbatim passage of a reading that settles a question."""

    source: NonEmpty
    quote: NonEmpty


class Choice(Frozen):
    """An option of a choice question, with the feedback a learner sees after picking it."""

    text: NonEmpty
    correct: bool
    feedback: NonEmpty


class Pair(Frozen):
    """One left-right pair of a matching question."""

    left: NonEmpty
    right: NonEmpty


class QuestionBase(Frozen):
    """Keys every question has, whatever its type."""

    id: Id
    lesson: NonEmpty
    objective: NonEmpty
    difficulty: Literal[1, 2, 3]
    bloom: Bloom
    prompt: NonEmpty
    explanation: NonEmpty
    evidence: Annotated[list[Evidence], Field(min_length=1)]
    glossary: list[str] = []
    line: int = 0  # where the question starts in its file; set by the loader

    @property
    def sources(self) -> set[str]:
        """The reading ids this question cites."""
        return {e.source for e in self.evidence}


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


class TrueFalse(QuestionBase):
    """A statement judged true or false, with feedback for each pick."""

    type: Literal["true_false"]
    answer: bool
    feedback_if_true: NonEmpty
    feedback_if_false: NonEmpty


class ShortAnswer(QuestionBase):
    """A short typed answer matched, after normalising, against accepted answers."""

    type: Literal["short_answer"]
    accept: Annotated[list[NonEmpty], Field(min_length=1, max_length=12)]
    feedback: str | None = None


class Numeric(QuestionBase):
    """A number within an absolute tolerance, optionally with a unit."""

    type: Literal["numeric"]
    answer: float
    tolerance: Annotated[float, Field(ge=0)] = 0
    unit: str | None = None


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


class Ordering(QuestionBase):
    """Put 3-8 items into the correct order (given here in that order)."""

    type: Literal["ordering"]
    sequence: Annotated[list[NonEmpty], Field(min_length=3, max_length=8)]

    @field_validator("sequence")
    @classmethod
    def _distinct(cls, sequence: list[str]) -> list[str]:
        if len(set(sequence)) != len(sequence):
            raise ValueError("ordering items must be distinct")
        return sequence


Question = Annotated[
    Union[SingleChoice, MultipleResponse, TrueFalse, ShortAnswer, Numeric, Matching, Ordering],
    Field(discriminator="type"),
]
