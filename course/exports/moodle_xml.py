"""Moodle XML export of the question bank: ``to_moodle_xml(questions) -> bytes``.

Follows Moodle's reader (``question/format/xml/format.php``, ``qformat_xml``) and, for ordering,
the ``qtype_ordering`` importer and its test fixtures. The file is UTF-8 ``<quiz>``: before each
lesson's questions a ``category`` pseudo-question switches to ``$course$/Oversight/<lesson>``; each
question has ``name`` and ``idnumber`` = the question id, tags (lesson, objective, each reading
cited, Bloom level, difficulty: :func:`course.exports._questions.question_tags`), ``defaultgrade`` 1 and ``generalfeedback`` = the explanation plus every evidence quote
with its reading id.

Text format: the bank's Markdown is converted to HTML with the ``markdown`` package (the same
extensions Oversight renders with) and written as ``format="html"`` inside CDATA, so Moodle shows
what Oversight shows whatever Markdown dialect the site has. Plain-text fields (short-answer
answers, matching right-hand options) get the text without markup.

What each type maps to:

- ``single_choice`` -> ``multichoice`` with ``<single>true</single>``: key 100, others 0, each
  choice with its feedback.
- ``multiple_response`` -> ``multichoice`` with ``<single>false</single>``: keys share +100 and
  distractors share -100, Oversight's right-minus-wrong rule (Moodle sums the ticked grades and
  floors at 0, so ticking every box scores 0). Every grade is one of Moodle's fixed fractions
  (3 keys -> 33.33333 each, never 33); with at most 8 choices the split 1/k is always in the list,
  otherwise the closest allowed value would be used (:func:`course.exports._questions.nearest_fraction`).
- ``true_false`` -> ``truefalse``: the ``true`` answer carries ``feedback_if_true`` and the
  ``false`` answer ``feedback_if_false`` (Moodle shows the feedback of the answer picked); the
  right one has fraction 100.
- ``short_answer`` -> ``shortanswer`` (case-insensitive): each accepted answer and its form
  with/without a leading "the" at 100; the wrong-answer feedback on a catch-all ``*`` answer at 0.
  A literal ``*`` in an answer is written ``\\*``.
- ``numeric`` -> ``numerical``: the answer with its absolute ``tolerance``, written without a
  thousands separator (Moodle refuses one in an answer typed by a learner too, so a prompt whose
  answer is 1000 or more says "type 160000, not 160,000"); the unit becomes an optional Moodle unit
  (multiplier 1), listed as written and in the singular ("cameras", "camera"), so "160000 cameras",
  "1 camera" and "160000" are all read.
- ``matching`` -> ``matching``: one subquestion per pair; each distractor is a subquestion with
  empty text (Moodle's "extra answer"). Moodle shuffles the options.
- ``ordering`` -> ``ordering`` (qtype_ordering: a plugin before Moodle 4.4, standard since 4.4):
  items in the correct order (``fraction`` is the position, as Moodle's own export writes it),
  all items shown (``selecttype`` ALL), graded ``ABSOLUTE_POSITION`` = Oversight's position rule.
  A Moodle older than 4.4 without the plugin rejects these questions; the rest still import.

What Moodle XML cannot represent: Oversight's lenient short-answer matching beyond case and a
leading "the" (punctuation, accents, typographic quotes); thousands separators in a typed number
(Oversight reads "160,000", Moodle refuses it); units other than the one written and its singular in -s
("people" has no "person"); Oversight's rule that an ordering answer with a
repeated item scores 0 (Moodle's drag-and-drop cannot repeat one); links to the cited readings
(evidence is cited as text: quote and reading id); glossary links (kept as plain words).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from course.exports._questions import (
    Unsupported,
    fraction_text,
    general_feedback,
    lesson_order,
    question_tags,
    to_html,
    to_inline_html,
    xml_safe,
)
from course.model import Choice, Question

if TYPE_CHECKING:
    from course.qtypes.base import QuestionType

CATEGORY_ROOT = "$course$/Oversight"


def _cdata(text: str) -> str:
    """A CDATA section; a literal ``]]>`` is split across two sections."""
    return "<![CDATA[" + xml_safe(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _comment(text: str) -> str:
    """An XML comment; ``--`` (legal in an id) may not appear inside one."""
    return "<!-- " + xml_safe(text).replace("--", "- -") + " -->"


def plain(text: str) -> str:
    """Escaped plain text (no CDATA)."""
    return escape(xml_safe(text))


def text(tag: str, html: str, indent: str, fmt: str = "html") -> str:
    """``<tag format="html"><text><![CDATA[...]]></text></tag>``."""
    return f'{indent}<{tag} format="{fmt}">\n{indent}  <text>{_cdata(html)}</text>\n{indent}</{tag}>'


def answer(fraction: str, content: str, feedback_html: str | None, indent: str = "    ", fmt: str = "html") -> str:
    """An ``<answer>``; ``content`` is HTML (CDATA) or, with ``fmt="plain_text"``, escaped plain text."""
    body = _cdata(content) if fmt == "html" else plain(content)
    lines = [f'{indent}<answer fraction="{fraction}" format="{fmt}">', f"{indent}  <text>{body}</text>"]
    if feedback_html:
        lines.append(text("feedback", feedback_html, indent + "  "))
    lines.append(f"{indent}</answer>")
    return "\n".join(lines)


def combined_feedback(indent: str = "    ") -> list[str]:
    """Empty right / partly right / wrong feedback, as Moodle's own export writes them."""
    return [text(tag, "", indent) for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")]


def _header(question: Question, qtype: QuestionType) -> list[str]:
    tags = question_tags(question)
    return [
        "  " + _comment(f"{question.id} ({question.type})"),
        f'  <question type="{qtype.moodle_qtype(question)}">',
        f"    <name>\n      <text>{plain(question.id)}</text>\n    </name>",
        text("questiontext", qtype.moodle_questiontext(question), "    "),
        text("generalfeedback", to_html(general_feedback(question)), "    "),
        "    <defaultgrade>1</defaultgrade>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{plain(question.id)}</idnumber>",
        "    <tags>\n" + "\n".join(f"      <tag><text>{plain(t)}</text></tag>" for t in tags) + "\n    </tags>",
    ]


def choices_body(choices: Sequence[Choice], weights: Sequence[float], single: bool) -> list[str]:
    """A multichoice body: settings, then each choice with its grade (percent) and feedback."""
    lines = [
        f"    <single>{'true' if single else 'false'}</single>",
        "    <shuffleanswers>true</shuffleanswers>",
        "    <answernumbering>abc</answernumbering>",
        *combined_feedback(),
    ]
    if not single:
        lines.append("    <shownumcorrect/>")
    lines += [
        answer(fraction_text(w), to_inline_html(c.text), to_inline_html(c.feedback))
        for c, w in zip(choices, weights, strict=True)
    ]
    return lines


def subquestion(left_html: str, right: str) -> str:
    """A matching pair (an empty left side is Moodle's "extra answer")."""
    return (
        f'    <subquestion format="html">\n      <text>{_cdata(left_html)}</text>\n'
        f"      <answer>\n        <text>{plain(right)}</text>\n      </answer>\n    </subquestion>"
    )


def _category(lesson: str) -> str:
    return (
        "  " + _comment(f"lesson {lesson}") + "\n"
        '  <question type="category">\n'
        f"    <category>\n      <text>{plain(f'{CATEGORY_ROOT}/{lesson}')}</text>\n    </category>\n"
        '    <info format="html">\n      <text></text>\n    </info>\n'
        "  </question>"
    )


def to_moodle_xml(questions: Iterable[Question]) -> bytes:
    """The questions as a Moodle XML ``<quiz>`` (UTF-8 bytes), one category per lesson."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Oversight question bank: Moodle XML (Question bank > Import > Moodle XML format). "
        "See docs/question-exports.md. -->",
        "<quiz>",
    ]
    from course.qtypes import type_of  # the type modules import this one for its helpers

    lesson = None
    for question in lesson_order(questions):
        qtype = type_of(question)
        body = qtype.to_moodle_xml(question)
        if isinstance(body, Unsupported):
            parts.append("  " + _comment(f"{question.id} ({question.type}) is not exported: {body.reason}"))
            continue
        if question.lesson != lesson:
            lesson = question.lesson
            parts.append(_category(lesson))
        parts += _header(question, qtype) + body + ["  </question>"]
    parts.append("</quiz>")
    return ("\n".join(parts) + "\n").encode("utf-8")
