"""Helpers shared by the question exports (GIFT, Moodle XML, QTI): text, feedback, grade fractions.

Nothing here knows a target format; each exporter decides how to write what these return.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import markdown

from course.model import Choice, Question


@dataclass(frozen=True)
class Unsupported:
    """A format cannot carry a question; `reason` is written into the file and shown to whoever exports."""

    reason: str
    details: tuple[str, ...] = ()  # lines that help a person re-create it by hand (written as comments)


# Moodle's fixed list of answer grades (question_bank::fraction_options_full() / get_grade_options()),
# as percentages. An import whose grade is not in this list (within 0.00001 of a fraction) fails
# unless the teacher picks "nearest grade"; so every fraction we write comes from this list.
MOODLE_FRACTIONS: tuple[float, ...] = (
    100.0,
    90.0,
    83.33333,
    80.0,
    75.0,
    70.0,
    66.66667,
    60.0,
    50.0,
    40.0,
    33.33333,
    30.0,
    25.0,
    20.0,
    16.66667,
    14.28571,
    12.5,
    11.11111,
    10.0,
    5.0,
    0.0,
)
ALLOWED_FRACTIONS: tuple[float, ...] = tuple(sorted({*MOODLE_FRACTIONS, *(-f for f in MOODLE_FRACTIONS)}, reverse=True))

_GLOSSARY_LINK = re.compile(r"\[\[([a-z0-9.-]+)(?:\|([^\]]+))?\]\]")
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
# Characters XML 1.0 forbids even as entities (control characters other than tab and line breaks).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Markdown punctuation that would change the meaning of a verbatim quote.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")


def xml_safe(text: str) -> str:
    """Drop the control characters XML 1.0 cannot carry."""
    return _XML_ILLEGAL.sub("", text)


def lesson_order(questions: Iterable[Question]) -> list[Question]:
    """The questions grouped by lesson (lessons in order of first appearance, questions in bank order)."""
    groups: dict[str, list[Question]] = {}
    for question in questions:
        groups.setdefault(question.lesson, []).append(question)
    return [q for group in groups.values() for q in group]


def _expand_glossary(text: str) -> str:
    """``[[term]]`` / ``[[term|shown]]`` links point into Oversight's glossary: keep only the words."""
    return _GLOSSARY_LINK.sub(lambda m: m.group(2) or m.group(1).replace("-", " "), text)


def plain_markdown(text: str) -> str:
    """Markdown for a target that renders Markdown itself (glossary links become plain words)."""
    return xml_safe(_expand_glossary(text))


@lru_cache(maxsize=4096)
def to_html(text: str) -> str:
    """Render Markdown to HTML the way Oversight does (tables, footnotes, sane lists).

    The bank is the instructor's own validated content and both LMSs clean HTML on import and
    display, so no sanitiser runs here.
    """
    # Markdown ships no types; its markdown() returns str.
    rendered: str = markdown.markdown(
        plain_markdown(text), extensions=["tables", "footnotes", "sane_lists"], output_format="html"
    )
    return rendered


def to_inline_html(text: str) -> str:
    """HTML for a short text (a choice, an item): no wrapping paragraph."""
    rendered = to_html(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return rendered


def to_plain(text: str) -> str:
    """Plain text of a Markdown snippet, for fields a target shows without formatting."""
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", to_html(text)))).strip()


def has_markup(text: str) -> bool:
    """Whether a Markdown snippet renders to more than plain text (emphasis, links, paragraphs, line breaks)."""
    return "<" in to_inline_html(text)


def plain_or_html(text: str) -> tuple[str, bool]:
    """The snippet as plain text when it has no markup, else as inline HTML; and whether it is HTML.

    Targets that keep a plain copy of HTML text, or show a text field as it is, get "Belt & Road"
    rather than "Belt &amp; Road".
    """
    return (to_inline_html(text), True) if has_markup(text) else (to_plain(text), False)


def escape_markdown(text: str) -> str:
    """Quote verbatim text inside Markdown: emphasis, code and link characters stay literal."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")


def general_feedback(question: Question) -> str:
    """The explanation plus each evidence quote with its source (and speaker, when not the author), as Markdown."""
    lines = [question.explanation.strip(), "", "**Evidence**", ""]
    lines += [f"- “{escape_markdown(e.quote)}” ({escape_markdown(cite(e.source, e.speaker))})" for e in question.evidence]
    return "\n".join(lines)


def cite(source: str, speaker: str | None) -> str:
    """Where a quote comes from: the reading id, after the speaker when a third party speaks."""
    return f"{speaker}, quoted in {source}" if speaker else source


def fraction_text(percent: float) -> str:
    """A grade as Moodle writes it: 100, 33.33333, -50, 12.5 (never -0)."""
    if percent == 0:
        return "0"
    return f"{percent:.5f}".rstrip("0").rstrip(".")


def nearest_fraction(percent: float) -> float:
    """The allowed grade closest to ``percent``; on a tie, the one of smaller magnitude."""
    return min(ALLOWED_FRACTIONS, key=lambda f: (abs(f - percent), abs(f)))


def multiple_response_weights(choices: Sequence[Choice]) -> list[float]:
    """Per-choice grades (percent) that reproduce Oversight's right-minus-wrong rule in Moodle.

    Each key is worth 100/keys and each distractor costs 100/distractors, so all keys sum to 100
    and ticking every box sums to 0 (Moodle floors the total at 0 like Oversight does). Moodle
    only accepts grades from its fixed list, so each share snaps to the closest allowed value.
    With the schema's limit of 8 choices there are at most 7 keys or 7 distractors, and 1/1 to
    1/7 are all in the list (100, 50, 33.33333, 25, 20, 16.66667, 14.28571): the split is exact
    up to Moodle's own 5-decimal rounding (3 x 33.33333 = 99.99999, which Moodle accepts as 100).
    """
    keys = sum(c.correct for c in choices)
    wrong = len(choices) - keys
    right_share = nearest_fraction(100 / keys)
    wrong_share = nearest_fraction(-100 / wrong)
    return [right_share if c.correct else wrong_share for c in choices]


def accepted_answers(accept: Sequence[str]) -> list[str]:
    """The bank's accepted answers plus their forms with/without a leading "the".

    Oversight treats a leading "the" as optional on either side; the targets compare exactly
    (ignoring case), so the other form is listed explicitly. Duplicates (ignoring case) are dropped.
    """
    answers: list[str] = []
    seen: set[str] = set()

    def add(answer: str) -> None:
        key = answer.casefold()
        if key not in seen:
            seen.add(key)
            answers.append(answer)

    for answer in accept:
        add(answer)
    for answer in accept:
        match = re.match(r"the\s+(.+)", answer, flags=re.IGNORECASE)
        add(match.group(1) if match else f"the {answer}")
    return answers


def number_text(value: float) -> str:
    """A number without a pointless ``.0``: 160000, 0.5, 20.9, -5."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def numeric_bounds(answer: float, tolerance: float) -> tuple[str, str]:
    """answer - tolerance and answer + tolerance, computed in decimal so 0.3 +- 0.1 gives 0.2 and 0.4."""
    centre, margin = Decimal(repr(float(answer))), Decimal(repr(float(tolerance)))
    return _decimal_text(centre - margin), _decimal_text(centre + margin)


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def unit_note(unit: str | None) -> str:
    """A line for targets that cannot read a unit after the number."""
    return f"\n\n*Type the number only, without the unit ({unit}).*" if unit else ""


def question_tags(question: Question) -> list[str]:
    """The tags a Moodle import gives a question: lesson, objective, readings cited, Bloom level, difficulty.

    The lesson and objective ids are written as they are (``02-marat-2018``, ``02-marat-2018.o3``); the
    other tags say what they are (``reading-marat-2018``, ``bloom-analyze``, ``difficulty-2``), so a
    question bank filtered by tag reads without a legend.
    """
    readings = [f"reading-{source}" for source in sorted(question.sources)]
    return [question.lesson, question.objective, *readings, f"bloom-{question.bloom}", f"difficulty-{question.difficulty}"]


def unit_forms(unit: str) -> list[str]:
    """The unit as written, then its singular when it is a plural in -s ("cameras" -> "camera").

    Oversight reads "1 camera" and "160000 cameras" alike; Moodle matches a unit only as listed, so
    both forms are listed (each with multiplier 1).
    """
    forms = [unit]
    if len(unit) > 1 and unit.endswith("s") and not unit.endswith("ss"):
        forms.append(unit[:-1])
    return forms


def separator_note(answer: float) -> str:
    """A line for Moodle's numerical type, which refuses a thousands separator in what a learner types."""
    if abs(answer) < 1000:
        return ""
    written = number_text(answer)
    if "e" in written:  # 1e+16: no learner types that with separators
        return ""
    return f"\n\n*Type the number without separators: {written}, not {format(Decimal(written), ',')}.*"


def ordering_instruction() -> str:
    """What a learner is told when an ordering question is shown as position-to-item matching."""
    return "\n\n*Match each position to the item that belongs there; position 1 comes first.*"
