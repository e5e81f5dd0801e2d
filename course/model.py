"""Typed, immutable objects for the course: readings, lessons, glossary terms and questions.

Pydantic models double as the schema: `extra="forbid"` turns a misspelt key into an error
instead of a silently ignored field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Bloom = Literal["remember", "understand", "apply", "analyze", "evaluate"]
BLOOM_LEVELS: tuple[Bloom, ...] = ("remember", "understand", "apply", "analyze", "evaluate")
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
    def _explain_gaps(self) -> ReadingMeta:
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
    """A verbatim passage of a reading that settles a question, and who speaks in it."""

    source: NonEmpty
    quote: NonEmpty
    # Who the quoted words belong to when it is not the reading's author: a quoted person or
    # organisation ("Sergei Chemezov", "Toloka", "a Yandex spokesperson"). None: the author speaks.
    speaker: NonEmpty | None = None


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
    """Keys every question has, whatever its type; the rest is defined by its type's module in course.qtypes."""

    id: Id
    type: str
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


Question = QuestionBase
"""Any question of the bank. Its type's module (course.qtypes) knows the rest: `type_of(question)`."""
