"""Cloze: a passage from a reading with blanks, each typed or chosen from a list, scored per blank.

The bank writes blanks as ``{{1}}``, ``{{2}}``... in the passage; with each blank's ``answer`` put
back, the passage must be verbatim text of its reading (the validator checks it).
"""

from __future__ import annotations

import html
import random
import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from course.exports import gift as gf
from course.exports import qti
from course.exports._questions import Unsupported, plain_markdown, to_html
from course.grading import Grade
from course.model import Frozen, NonEmpty, QuestionBase
from course.presentation import Presentation
from course.qtypes.base import GetList, QuestionType, ResponseError, first_value
from course.qtypes.short_answer import matches

PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")
MAX_BLANK_TEXT = 200
# Moodle's embedded-answer reader unescapes only \} and \# inside an answer; a ~ always ends one
# and a backslash would stay in the answer, so blanks may not contain either.
_MULTIANSWER_ESCAPED = re.compile(r"([}#])")
_NOT_IN_BLANKS = ("~", "\\")


class Blank(Frozen):
    """One blank: the source's words, other typings accepted, or wrong options (then a dropdown)."""

    answer: NonEmpty
    accept: list[NonEmpty] = []
    options: Annotated[list[NonEmpty], Field(max_length=6)] = []

    @model_validator(mode="after")
    def _kind(self) -> Blank:
        for text in (self.answer, *self.accept, *self.options):
            if any(char in text for char in _NOT_IN_BLANKS):
                raise ValueError(f"{text!r}: a blank may not contain ~ or \\ (Moodle's embedded answers cannot carry them)")
        if self.accept and self.options:
            raise ValueError("a blank is typed (accept) or a dropdown (options), not both")
        if self.answer in self.options:
            raise ValueError(f"the answer {self.answer!r} is also listed as a wrong option")
        if len(set(self.options)) != len(self.options):
            raise ValueError("two options of a blank are the same")
        return self

    @property
    def dropdown(self) -> bool:
        """Chosen from a list (else typed)."""
        return bool(self.options)


class Cloze(QuestionBase):
    """A passage with 1-10 blanks, each typed or a dropdown."""

    type: Literal["cloze"]
    passage: NonEmpty
    blanks: Annotated[list[Blank], Field(min_length=1, max_length=10)]

    @field_validator("passage")
    @classmethod
    def _numbered(cls, passage: str) -> str:
        numbers = [int(n) for n in PLACEHOLDER.findall(passage)]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("blanks must be written {{1}}, {{2}}, ... in order, each once")
        return passage

    @model_validator(mode="after")
    def _one_blank_each(self) -> Cloze:
        count = len(PLACEHOLDER.findall(self.passage))
        if count != len(self.blanks):
            raise ValueError(f"the passage has {count} blanks but {len(self.blanks)} are defined")
        return self

    def pieces(self) -> list[str | int]:
        """The passage as text pieces and blank indices (0-based), in reading order."""
        out: list[str | int] = []
        for index, piece in enumerate(PLACEHOLDER.split(self.passage)):
            if index % 2:
                out.append(int(piece) - 1)
            elif piece:
                out.append(piece)
        return out

    def filled(self) -> str:
        """The passage with every blank's answer put back: the reading's own words."""
        return PLACEHOLDER.sub(lambda m: self.blanks[int(m.group(1)) - 1].answer, self.passage)


class ClozeType(QuestionType):
    """Blanks right / blanks; typed blanks are matched like short answers."""

    name = "cloze"
    label = "Cloze passage"
    short = "cloze"
    model = Cloze

    def field(self, index: int | None = None) -> str:
        """``blank-<i>``: what the learner typed or chose for the i-th blank."""
        return f"blank-{index}"

    def present(self, question: Cloze, rng: random.Random, shuffle: bool) -> Presentation:
        """Each dropdown's options in a seeded order."""
        shown = []
        for blank in question.blanks:
            options = [blank.answer, *blank.options] if blank.dropdown else []
            if shuffle:
                rng.shuffle(options)
            shown.append(tuple(options))
        return Presentation(blank_options=tuple(shown))

    def parse(self, question: Cloze, shown: Presentation, getlist: GetList) -> list[str]:
        """One string per blank ('' when left empty)."""
        values = []
        for index, blank in enumerate(question.blanks):
            value = first_value(getlist, self.field(index))
            if len(value) > MAX_BLANK_TEXT:
                raise ResponseError(f"Keep each blank under {MAX_BLANK_TEXT} characters.")
            if value and blank.dropdown and value not in (blank.answer, *blank.options):
                raise ResponseError("That choice is not one of the options.")
            values.append(value)
        return values if any(values) else []

    def form_values(self, question: Cloze, shown: Presentation, response: Any) -> dict[str, Any]:
        """What each blank shows."""
        return {self.field(i): value for i, value in enumerate(response or [])}

    def blank_right(self, blank: Blank, value: str) -> bool:
        """Whether one blank is filled right."""
        if not value:
            return False
        return value == blank.answer if blank.dropdown else matches(value, [blank.answer, *blank.accept])

    def grade(self, question: Cloze, response: Any) -> Grade:
        """Per blank right or wrong; the score is the share right."""
        values = list(response or [])
        values += [""] * (len(question.blanks) - len(values))
        parts = tuple(self.blank_right(b, v) for b, v in zip(question.blanks, values, strict=False))  # extra values: ignored
        return Grade(round(sum(parts) / len(parts), 6), answered=any(v.strip() for v in values), parts=parts)

    def correct_response(self, question: Cloze) -> list[str]:
        """Each blank's answer."""
        return [b.answer for b in question.blanks]

    def demo_response(self, question: Cloze, right: bool, rng: random.Random) -> list[str]:
        """Every answer, or the first blank wrong."""
        values = self.correct_response(question)
        if not right:
            first = question.blanks[0]
            values[0] = rng.choice(first.options) if first.dropdown else "not sure"
        return values

    def verbatim_passages(self, question: Cloze) -> list[tuple[str, str]]:
        """The filled passage must be verbatim in the reading its evidence cites."""
        return [(question.evidence[0].source, question.filled())]

    # --- exports -------------------------------------------------------------------------------

    def moodle_qtype(self, question: Cloze) -> str:
        """Moodle's embedded answers (multianswer)."""
        return "cloze"

    def moodle_questiontext(self, question: Cloze) -> str:
        """The prompt, then the passage with one ``{1:SHORTANSWER:...}`` or ``{1:MULTICHOICE:...}`` per blank."""
        parts = []
        for piece in question.pieces():
            if isinstance(piece, int):
                parts.append(multianswer_code(question.blanks[piece]))
            else:
                parts.append(html.escape(plain_markdown(piece), quote=False))
        return to_html(question.prompt) + "\n<p>" + "".join(parts) + "</p>"

    def to_moodle_xml(self, question: Cloze) -> list[str]:
        """Nothing beyond the header: the blanks live in the question text."""
        return ["    <penalty>0</penalty>"]

    def qti_type(self, question: Cloze) -> str:
        """Dropdowns only: multiple dropdowns; otherwise fill in multiple blanks."""
        return "multiple_dropdowns_question" if all(b.dropdown for b in question.blanks) else "fill_in_multiple_blanks_question"

    def to_qti(self, item: qti.QtiItem) -> None:
        """``[blank1]``... in the text; a response per blank; credit per blank."""
        question = item.question
        text = "".join(f"[blank{p + 1}]" if isinstance(p, int) else p for p in question.pieces())
        note = (
            ""
            if all(b.dropdown for b in question.blanks) or not any(b.dropdown for b in question.blanks)
            else "\n\n*Type the missing words in each blank.*"
        )
        qti.prompt(item, "\n\n" + text + note)
        dropdowns = all(b.dropdown for b in question.blanks)
        answers = [[b.answer, *b.options] if dropdowns else [b.answer, *b.accept] for b in question.blanks]
        qti.blanks(item, [f"blank{i + 1}" for i in range(len(question.blanks))], answers)

    def to_gift(self, question: Cloze) -> str | Unsupported:
        """GIFT's "missing word" holds one blank; a passage with more is not supported."""
        if len(question.blanks) > 1:
            return Unsupported(
                "GIFT has one blank per question (missing word); import cloze passages "
                "from the Moodle XML export (embedded answers)"
            )
        blank = question.blanks[0]
        before, after = question.passage.split("{{1}}")
        if blank.dropdown:
            answers = [gf.answer("=", gf.escape(blank.answer))] + [gf.answer("~", gf.escape(o)) for o in blank.options]
        else:
            answers = [gf.answer("=", gf.escape(a), guard=100.0) for a in (blank.answer, *blank.accept)]
        return (
            gf.head(question, "\n\n" + before)
            + "{\n"
            + "\n".join(answers)
            + "\n"
            + gf.general(question)
            + "\n}"
            + gf.escape(after)
        )


def multianswer_code(blank: Blank) -> str:
    """One Moodle embedded answer: ``{1:SHORTANSWER:=answer~=other}`` or ``{1:MULTICHOICE:=answer~wrong}``.

    Inside an answer ``}`` and ``#`` are escaped with a backslash (Moodle reads an unescaped one as
    the end of an answer and unescapes ``\\}`` and ``\\#``); the text is HTML, so ``&`` and ``<`` are
    written as entities (Moodle decodes them).
    """

    def escape(text: str) -> str:
        return _MULTIANSWER_ESCAPED.sub(r"\\\1", html.escape(text, quote=False))

    if blank.dropdown:
        alternatives = [f"={escape(blank.answer)}", *(f"%0%{escape(o)}" for o in blank.options)]
        return "{1:MULTICHOICE:" + "~".join(alternatives) + "}"
    return "{1:SHORTANSWER:" + "~".join(f"={escape(a)}" for a in (blank.answer, *blank.accept)) + "}"
