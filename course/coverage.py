"""The coverage map of the readings: which numbered paragraphs the question bank tests, and how well.

A question covers a paragraph when one of its evidence quotes lies in it, matched the way
`Course.anchor_for` matches (normalised text, first numbered paragraph holding the quote). A question
citing several paragraphs counts once in each; quoting one paragraph twice counts once.

The class facility of a paragraph pools the responses to its questions: the sum of each question's
facility times its number of responses, over the sum of responses. It is the class's mean score on
that paragraph's questions, so a question answered twice weighs less than one answered two hundred
times (an unweighted mean of facilities would let the rare one swing the figure).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import TextIO

from course.catalog import Course
from course.csvsafe import safe_row
from course.model import BLOOM_LEVELS, Bloom, Question, Reading
from course.qtypes import QUESTION_TYPES
from course.text import normalise_quote

SNIPPET_LENGTH = 110  # characters: about one line of the table, enough to recognise the passage
TEXT_SNIPPET_LENGTH = 48  # the terminal table's passage column, so a row stays on one wide line


class UnknownReading(LookupError):
    """A reading id the course does not have."""


@dataclass(frozen=True)
class ItemFacility:
    """One question's facility (mean score 0..1) over the `n` responses it rests on."""

    facility: float
    n: int

    def __post_init__(self) -> None:
        if not 0.0 <= self.facility <= 1.0:  # also refuses NaN
            raise ValueError(f"facility {self.facility!r} is not in 0..1")
        if self.n < 1:
            raise ValueError(f"a facility needs at least one response, not {self.n}")


@dataclass(frozen=True)
class ParagraphCoverage:
    """One numbered paragraph: the questions that cite it, their types and Bloom levels, their facility."""

    anchor: str  # "p12", the reading page's fragment
    number: int
    text: str
    question_ids: tuple[str, ...]  # in bank order
    by_type: Mapping[str, int]  # every registered type, in registry order, zeros included
    by_bloom: Mapping[Bloom, int]  # every Bloom level, lowest first, zeros included
    facility: float | None  # pooled over the responses to its questions; None without any
    responses: int  # how many responses the facility pools
    answered: int  # how many of its questions have responses

    @property
    def count(self) -> int:
        """How many questions cite the paragraph."""
        return len(self.question_ids)

    @property
    def tested(self) -> bool:
        """Whether any question cites the paragraph."""
        return bool(self.question_ids)

    @property
    def snippet(self) -> str:
        """The paragraph's opening words, cut at a word boundary."""
        return snippet(self.text)


@dataclass(frozen=True)
class ReadingCoverage:
    """A reading and the coverage of each of its numbered paragraphs (headings left out)."""

    reading_id: str
    title: str
    paragraphs: tuple[ParagraphCoverage, ...]

    @property
    def untested(self) -> tuple[ParagraphCoverage, ...]:
        """The paragraphs no question cites."""
        return tuple(p for p in self.paragraphs if not p.tested)

    @property
    def question_count(self) -> int:
        """How many distinct questions cite the reading's paragraphs."""
        return len({qid for p in self.paragraphs for qid in p.question_ids})


def snippet(text: str, limit: int = SNIPPET_LENGTH) -> str:
    """The text's first `limit` characters or fewer, ending on a whole word, with an ellipsis when cut."""
    text = normalise_quote(text)
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.") + "…"


def _cited_anchors(reading: Reading, question: Question) -> set[str]:
    """The anchors of the reading's numbered paragraphs that hold one of the question's quotes."""
    anchors: set[str] = set()
    texts = [(p.anchor, normalise_quote(p.text)) for p in reading.paragraphs if not p.heading]
    for evidence in question.evidence:
        if evidence.source != reading.id:
            continue
        needle = normalise_quote(evidence.quote)
        # The first paragraph holding the quote, as Course.anchor_for: the page links there too.
        anchor = next((a for a, text in texts if needle in text), None)
        if anchor is not None:
            anchors.add(anchor)
    return anchors


def _paragraph(
    anchor: str, number: int, text: str, questions: list[Question], facility: Mapping[str, ItemFacility]
) -> ParagraphCoverage:
    types = Counter(q.type for q in questions)
    blooms = Counter(q.bloom for q in questions)
    known = [facility[q.id] for q in questions if q.id in facility]
    responses = sum(f.n for f in known)
    return ParagraphCoverage(
        anchor=anchor,
        number=number,
        text=text,
        question_ids=tuple(q.id for q in questions),
        by_type={name: types[name] for name in QUESTION_TYPES},
        by_bloom={level: blooms[level] for level in BLOOM_LEVELS},
        facility=sum(f.facility * f.n for f in known) / responses if responses else None,
        responses=responses,
        answered=len(known),
    )


def reading_coverage(course: Course, reading: Reading, facility: Mapping[str, ItemFacility] | None = None) -> ReadingCoverage:
    """Map one reading: every numbered paragraph with the questions citing it and their class facility."""
    cited: dict[str, list[Question]] = {}
    for question in course.questions:
        if reading.id in question.sources:
            for anchor in _cited_anchors(reading, question):
                cited.setdefault(anchor, []).append(question)
    facility = facility or {}
    paragraphs = tuple(
        _paragraph(p.anchor, number, p.text, cited.get(p.anchor, []), facility)
        for number, p in enumerate((p for p in reading.paragraphs if not p.heading), start=1)
    )
    return ReadingCoverage(reading.id, reading.meta.title, paragraphs)


def coverage(
    course: Course, facility: Mapping[str, ItemFacility] | None = None, reading_ids: Collection[str] | None = None
) -> tuple[ReadingCoverage, ...]:
    """Map the readings (all, or those named, in course order); UnknownReading names an id the course lacks."""
    unknown = sorted(set(reading_ids or ()) - set(course.reading_by_id))
    if unknown:
        raise UnknownReading(f"no reading {', '.join(unknown)}; known: {', '.join(course.reading_by_id)}")
    chosen = [r for r in course.readings if reading_ids is None or r.id in reading_ids]
    return tuple(reading_coverage(course, reading, facility) for reading in chosen)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def to_text(readings: Collection[ReadingCoverage]) -> str:
    """Render the map as plain-text tables, one per reading, with untested paragraphs marked UNTESTED."""
    types = list(QUESTION_TYPES)
    header = (
        f"{'para':<6}{'qs':>4}"
        + "".join(f"{QUESTION_TYPES[t].short:>7}" for t in types)
        + "".join(f"{b[:5]:>7}" for b in BLOOM_LEVELS)
        + f"{'facility':>10}{'n':>7}  passage"
    )
    lines: list[str] = []
    for reading in readings:
        untested = reading.untested
        lines += [
            f"{reading.reading_id}: {reading.title}",
            f"{len(reading.paragraphs)} numbered paragraphs: {len(reading.paragraphs) - len(untested)} tested, "
            f"{len(untested)} untested{' (' + ', '.join(p.anchor for p in untested) + ')' if untested else ''}; "
            f"{reading.question_count} questions cite it.",
            "",
            header,
            "-" * len(header),
        ]
        for p in reading.paragraphs:
            lines.append(
                f"{p.anchor:<6}{p.count:>4}"
                + "".join(f"{p.by_type[t]:>7}" for t in types)
                + "".join(f"{p.by_bloom[b]:>7}" for b in BLOOM_LEVELS)
                + f"{_figure(p.facility):>10}{p.responses or '-':>7}  "
                + ("" if p.tested else "UNTESTED  ")
                + snippet(p.text, TEXT_SNIPPET_LENGTH)
            )
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def csv_rows(readings: Collection[ReadingCoverage]) -> Iterator[list[str | int]]:
    """The map as rows: a header, then one row per paragraph with its full text and question ids."""
    types, levels = list(QUESTION_TYPES), list(BLOOM_LEVELS)
    yield [
        "reading",
        "paragraph",
        "anchor",
        "questions",
        "tested",
        *types,
        *levels,
        "facility",
        "responses",
        "questions_answered",
        "question_ids",
        "text",
    ]
    for reading in readings:
        for p in reading.paragraphs:
            yield safe_row(
                [
                    reading.reading_id,
                    p.number,
                    p.anchor,
                    p.count,
                    "yes" if p.tested else "no",
                    *(p.by_type[t] for t in types),
                    *(p.by_bloom[b] for b in levels),
                    "" if p.facility is None else f"{p.facility:.4f}",
                    p.responses,
                    p.answered,
                    " ".join(p.question_ids),
                    p.text,
                ]
            )


def write_csv(readings: Collection[ReadingCoverage], handle: TextIO) -> None:
    """Write the map as CSV (the csv module quotes; every text cell is neutralised against formulas)."""
    csv.writer(handle).writerows(csv_rows(readings))
