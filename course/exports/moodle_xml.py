"""Moodle XML export of the question bank: ``to_moodle_xml(questions) -> bytes``.

Follows Moodle's reader (``question/format/xml/format.php``, ``qformat_xml``) and, for ordering,
the ``qtype_ordering`` importer and its test fixtures. The file is UTF-8 ``<quiz>``: before each
lesson's questions a ``category`` pseudo-question switches to ``$course$/Oversight/<lesson>``; each
question has ``name`` and ``idnumber`` = the question id, tags (lesson, objective, bloom level,
difficulty), ``defaultgrade`` 1 and ``generalfeedback`` = the explanation plus every evidence quote
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
- ``numeric`` -> ``numerical``: the answer with its absolute ``tolerance``; the unit becomes an
  optional Moodle unit (multiplier 1), so "160000 cameras" and "160000" are both read.
- ``matching`` -> ``matching``: one subquestion per pair; each distractor is a subquestion with
  empty text (Moodle's "extra answer"). Moodle shuffles the options.
- ``ordering`` -> ``ordering`` (qtype_ordering: a plugin before Moodle 4.4, standard since 4.4):
  items in the correct order (``fraction`` is the position, as Moodle's own export writes it),
  all items shown (``selecttype`` ALL), graded ``ABSOLUTE_POSITION`` = Oversight's position rule.
  A Moodle older than 4.4 without the plugin rejects these questions; the rest still import.

What Moodle XML cannot represent: Oversight's lenient short-answer matching beyond case and a
leading "the" (punctuation, accents, typographic quotes, thousands separators other than the
site's); singular forms of a unit ("1 camera"); Oversight's rule that an ordering answer with a
repeated item scores 0 (Moodle's drag-and-drop cannot repeat one); links to the cited readings
(evidence is cited as text: quote and reading id); glossary links (kept as plain words).
"""
from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

from course.exports._questions import (
    accepted_answers,
    fraction_text,
    general_feedback,
    lesson_order,
    multiple_response_weights,
    number_text,
    to_html,
    to_inline_html,
    to_plain,
    xml_safe,
)
from course.model import (
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

CATEGORY_ROOT = "$course$/Oversight"
UNSUPPORTED_TYPES: frozenset[str] = frozenset()  # ordering needs Moodle 4.4+ (or the qtype_ordering plugin)
QTYPES = {
    "single_choice": "multichoice",
    "multiple_response": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numeric": "numerical",
    "matching": "matching",
    "ordering": "ordering",
}


def _cdata(text: str) -> str:
    """A CDATA section; a literal ``]]>`` is split across two sections."""
    return "<![CDATA[" + xml_safe(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _comment(text: str) -> str:
    """An XML comment; ``--`` (legal in an id) may not appear inside one."""
    return "<!-- " + xml_safe(text).replace("--", "- -") + " -->"


def _plain(text: str) -> str:
    return escape(xml_safe(text))


def _text(tag: str, html: str, indent: str, fmt: str = "html") -> str:
    """``<tag format="html"><text><![CDATA[...]]></text></tag>``."""
    return f'{indent}<{tag} format="{fmt}">\n{indent}  <text>{_cdata(html)}</text>\n{indent}</{tag}>'


def _answer(fraction: str, text: str, feedback_html: str | None, indent: str = "    ",
            fmt: str = "html") -> str:
    """An ``<answer>``; ``text`` is HTML (CDATA) or, with ``fmt="plain_text"``, escaped plain text."""
    body = _cdata(text) if fmt == "html" else _plain(text)
    lines = [f'{indent}<answer fraction="{fraction}" format="{fmt}">', f"{indent}  <text>{body}</text>"]
    if feedback_html:
        lines.append(_text("feedback", feedback_html, indent + "  "))
    lines.append(f"{indent}</answer>")
    return "\n".join(lines)


def _combined_feedback(indent: str = "    ") -> list[str]:
    return [_text(tag, "", indent) for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")]


def _header(question: Question) -> list[str]:
    tags = [question.lesson, question.objective, f"bloom-{question.bloom}", f"difficulty-{question.difficulty}"]
    return [
        "  " + _comment(f"{question.id} ({question.type})"),
        f'  <question type="{QTYPES[question.type]}">',
        f"    <name>\n      <text>{_plain(question.id)}</text>\n    </name>",
        _text("questiontext", to_html(question.prompt), "    "),
        _text("generalfeedback", to_html(general_feedback(question)), "    "),
        "    <defaultgrade>1</defaultgrade>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{_plain(question.id)}</idnumber>",
        "    <tags>\n" + "\n".join(f"      <tag><text>{_plain(t)}</text></tag>" for t in tags) + "\n    </tags>",
    ]


def _choices(question: SingleChoice | MultipleResponse) -> list[str]:
    single = isinstance(question, SingleChoice)
    weights = [100.0 if c.correct else 0.0 for c in question.choices] if single \
        else multiple_response_weights(question.choices)
    lines = [
        f"    <single>{'true' if single else 'false'}</single>",
        "    <shuffleanswers>true</shuffleanswers>",
        "    <answernumbering>abc</answernumbering>",
        *_combined_feedback(),
    ]
    if not single:
        lines.append("    <shownumcorrect/>")
    lines += [_answer(fraction_text(w), to_inline_html(c.text), to_inline_html(c.feedback))
              for c, w in zip(question.choices, weights, strict=True)]
    return lines


def _true_false(question: TrueFalse) -> list[str]:
    return [
        _answer("100" if question.answer else "0", "true", to_inline_html(question.feedback_if_true),
                fmt="plain_text"),
        _answer("0" if question.answer else "100", "false", to_inline_html(question.feedback_if_false),
                fmt="plain_text"),
    ]


def _short_answer(question: ShortAnswer) -> list[str]:
    lines = ["    <usecase>0</usecase>"]
    lines += [_answer("100", a.strip().replace("*", "\\*"), None, fmt="plain_text")
              for a in accepted_answers(question.accept)]
    if question.feedback:
        lines.append(_answer("0", "*", to_inline_html(question.feedback), fmt="plain_text"))
    return lines


def _numeric(question: Numeric) -> list[str]:
    lines = [
        '    <answer fraction="100" format="plain_text">',
        f"      <text>{number_text(question.answer)}</text>",
        f"      <tolerance>{number_text(question.tolerance)}</tolerance>",
        "    </answer>",
    ]
    if question.unit:
        lines += [
            "    <units>",
            "      <unit>",
            "        <multiplier>1</multiplier>",
            f"        <unit_name>{_plain(question.unit)}</unit_name>",
            "      </unit>",
            "    </units>",
            "    <unitgradingtype>0</unitgradingtype>",  # the unit is optional and not graded
            "    <unitpenalty>0</unitpenalty>",
            "    <showunits>0</showunits>",  # typed in the answer box
            "    <unitsleft>0</unitsleft>",
        ]
    return lines


def _subquestion(left_html: str, right: str) -> str:
    return (f'    <subquestion format="html">\n      <text>{_cdata(left_html)}</text>\n'
            f"      <answer>\n        <text>{_plain(right)}</text>\n      </answer>\n    </subquestion>")


def _matching(question: Matching) -> list[str]:
    lines = ["    <shuffleanswers>true</shuffleanswers>", *_combined_feedback(), "    <shownumcorrect/>"]
    lines += [_subquestion(to_inline_html(p.left), to_plain(p.right)) for p in question.pairs]
    lines += [_subquestion("", to_plain(d)) for d in question.distractors]
    return lines


def _ordering(question: Ordering) -> list[str]:
    lines = [
        "    <layouttype>VERTICAL</layouttype>",
        "    <selecttype>ALL</selecttype>",
        f"    <selectcount>{len(question.sequence)}</selectcount>",
        "    <gradingtype>ABSOLUTE_POSITION</gradingtype>",
        "    <showgrading>SHOW</showgrading>",
        "    <numberingstyle>none</numberingstyle>",
        *_combined_feedback(),
        "    <shownumcorrect/>",
    ]
    lines += [_answer(f"{position}", to_inline_html(item), None)
              for position, item in enumerate(question.sequence, start=1)]
    return lines


_BODIES = {
    "single_choice": _choices,
    "multiple_response": _choices,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
}


def _category(lesson: str) -> str:
    return ("  " + _comment(f"lesson {lesson}") + "\n"
            '  <question type="category">\n'
            f"    <category>\n      <text>{_plain(f'{CATEGORY_ROOT}/{lesson}')}</text>\n    </category>\n"
            '    <info format="html">\n      <text></text>\n    </info>\n'
            "  </question>")


def to_moodle_xml(questions: Iterable[Question]) -> bytes:
    """The questions as a Moodle XML ``<quiz>`` (UTF-8 bytes), one category per lesson."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             "<!-- Oversight question bank: Moodle XML (Question bank > Import > Moodle XML format). "
             "See docs/question-exports.md. -->",
             "<quiz>"]
    lesson = None
    for question in lesson_order(questions):
        if question.lesson != lesson:
            lesson = question.lesson
            parts.append(_category(lesson))
        parts += _header(question) + _BODIES[question.type](question) + ["  </question>"]
    parts.append("</quiz>")
    return ("\n".join(parts) + "\n").encode("utf-8")

