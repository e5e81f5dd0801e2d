"""Moodle GIFT export of the question bank: ``to_gift(questions) -> str``.

Follows Moodle's own reader (``question/format/gift/format.php``, ``qformat_gift::readquestion``).
Each question is ``::id::[markdown]prompt{answers####general feedback}``, questions are separated
by a blank line and a ``$CATEGORY: $course$/Oversight/<lesson>`` line starts each lesson. Texts are
marked ``[markdown]`` so Moodle renders the bank's Markdown; choice texts and feedback inherit that
format. Every text is escaped: ``\\ ~ = # { } :`` get a backslash and a line break becomes ``\\n``
(GIFT ends a question at a blank line).

What each type maps to:

- ``single_choice`` -> multiple choice, ``=key#feedback`` and ``~wrong#feedback``.
- ``multiple_response`` -> multiple choice with several answers, ``~%weight%choice#feedback``:
  keys share +100 and distractors share -100 (Oversight's right-minus-wrong rule; ticking every
  box scores 0), weights taken from Moodle's fixed grade list (see
  :func:`course.exports._questions.multiple_response_weights`). No ``=`` appears, which is what
  makes Moodle allow several answers.
- ``true_false`` -> ``{TRUE#fb1#fb2}`` / ``{FALSE#fb1#fb2}``. Moodle reads the FIRST feedback as the
  one for a WRONG answer and the SECOND for a RIGHT one (``split_truefalse_comment`` returns
  ``[answer, wrongfeedback, rightfeedback]``). So a true statement is written
  ``{TRUE#feedback_if_false#feedback_if_true}`` and a false one ``{FALSE#feedback_if_true#feedback_if_false}``.
- ``short_answer`` -> short answer, one ``=answer`` per accepted answer plus its form with or
  without a leading "the"; the wrong-answer feedback goes on a catch-all ``=%0%*`` answer.
- ``numeric`` -> numerical, ``{#answer:tolerance}``.
- ``matching`` -> matching, ``=left -> right``; each distractor is ``= -> distractor`` (a right-hand
  option with no left item, Moodle's "extra answer").
- ``ordering`` -> NOT IMPORTED. Moodle's GIFT reader has no ordering type. (The ordering question
  type, a plugin and part of standard Moodle since 4.4, hooks a ``{>...}`` syntax into GIFT import,
  but it reads the item lines unescaped and would take the general feedback for an item, so it
  cannot carry our texts faithfully.) Each ordering question is written as a block of ``//``
  comments (prompt and correct order) that Moodle skips; import it with the Moodle XML export.

What GIFT cannot represent: ordering; units on numbers (the unit is dropped and a line "Type the
number only" is added to the prompt); Oversight's lenient short-answer matching beyond case and a
leading "the" (punctuation, accents, typographic quotes); ``->`` inside a matching left item
(written as ``→``) or inside an accepted short answer (that answer is left out, with a comment);
links to the cited readings (evidence is cited as text: quote and reading id).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from course.exports._questions import (
    accepted_answers,
    fraction_text,
    general_feedback,
    lesson_order,
    multiple_response_weights,
    number_text,
    plain_markdown,
    to_plain,
    unit_note,
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
UNSUPPORTED_TYPES = frozenset({"ordering"})  # written as comments only, not imported by Moodle
SPECIAL = "\\~=#{}:"
# Moodle reads "%n%" at the start of an answer as its weight; such a text needs an explicit weight.
_LOOKS_WEIGHTED = re.compile(r"^%-*[0-9]{1,2}\.?[0-9]*%")


def escape(text: str) -> str:
    """Escape GIFT's special characters and line breaks (Moodle's ``qformat_gift::repchar``)."""
    out = []
    for char in text.replace("\r\n", "\n").replace("\r", "\n"):
        if char in SPECIAL:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def _md(text: str) -> str:
    """A Markdown text, escaped for GIFT."""
    return escape(plain_markdown(text).strip())


def _answer(mark: str, body: str, feedback: str | None = None, guard: float | None = None) -> str:
    """One answer line: ``mark`` (``=``, ``~``, ``~%w%``) + escaped ``body`` + ``#feedback``.

    Moodle reads a leading ``%n%`` as a weight wherever a weight may stand (after ``~`` in multiple
    choice, after ``=`` in short answer), so such a body gets the explicit weight ``guard``.
    """
    if guard is not None and _LOOKS_WEIGHTED.match(body):
        mark = f"{mark}%{fraction_text(guard)}%"
    line = f"\t{mark}{body}"
    if feedback:
        line += "#" + _md(feedback)
    return line


def _head(question: Question, prompt_extra: str = "") -> str:
    return (f"// {question.id} ({question.type}, objective {question.objective}, "
            f"difficulty {question.difficulty}, {question.bloom})\n"
            f"::{escape(question.id)}::[markdown]{_md(question.prompt + prompt_extra)}")


def _general(question: Question) -> str:
    return "\t####" + _md(general_feedback(question))


def _single_choice(question: SingleChoice) -> str:
    lines = [_answer("=", _md(c.text), c.feedback) if c.correct else _answer("~", _md(c.text), c.feedback, guard=0.0)
             for c in question.choices]
    return _head(question) + "{\n" + "\n".join(lines) + "\n" + _general(question) + "\n}"


def _multiple_response(question: MultipleResponse) -> str:
    weights = multiple_response_weights(question.choices)
    lines = [_answer(f"~%{fraction_text(w)}%", _md(c.text), c.feedback)
             for c, w in zip(question.choices, weights, strict=True)]
    return _head(question) + "{\n" + "\n".join(lines) + "\n" + _general(question) + "\n}"


def _true_false(question: TrueFalse) -> str:
    # Moodle: first feedback = shown for a wrong answer, second = shown for a right answer.
    if question.answer:
        key, if_wrong, if_right = "TRUE", question.feedback_if_false, question.feedback_if_true
    else:
        key, if_wrong, if_right = "FALSE", question.feedback_if_true, question.feedback_if_false
    return (_head(question) + "{" + key + "#" + _md(if_wrong) + "#" + _md(if_right)
            + _general(question).lstrip("\t") + "}")


def _short_answer(question: ShortAnswer) -> str:
    answers = accepted_answers(question.accept)
    usable = [a for a in answers if "->" not in a]
    note = ""
    if len(usable) < len(answers):
        left_out = ", ".join(a for a in answers if "->" in a)
        note = f"// note: GIFT cannot carry '->' in a short answer; left out: {left_out}\n"
    # A literal * in an answer is written \* (Moodle's short answer reads a bare * as a wildcard).
    lines = [_answer("=", escape(a.strip().replace("*", "\\*")), guard=100.0) for a in usable]
    if question.feedback:
        lines.append(_answer("=%0%", "*", question.feedback))
    return note + _head(question) + "{\n" + "\n".join(lines) + "\n" + _general(question) + "\n}"


def _numeric(question: Numeric) -> str:
    answer = f"\t={number_text(question.answer)}:{number_text(question.tolerance)}"
    return _head(question, unit_note(question.unit)) + "{#\n" + answer + "\n" + _general(question) + "\n}"


def _matching(question: Matching) -> str:
    lines = [f"\t={_md(p.left).replace('->', '→')} -> {escape(to_plain(p.right))}" for p in question.pairs]
    lines += [f"\t= -> {escape(to_plain(d))}" for d in question.distractors]
    return _head(question) + "{\n" + "\n".join(lines) + "\n" + _general(question) + "\n}"


def _ordering(question: Ordering) -> str:
    def one_line(text: str) -> str:
        return " ".join(text.split())

    lines = [
        f"// {question.id} (ordering, objective {question.objective}) is NOT imported: GIFT has no ordering type.",
        "// Import it from the Moodle XML export (ordering question type, standard in Moodle 4.4+).",
        f"// Prompt: {one_line(question.prompt)}",
        "// Correct order:",
        *(f"//   {i}. {one_line(item)}" for i, item in enumerate(question.sequence, start=1)),
    ]
    return "\n".join(lines)


_WRITERS = {
    "single_choice": _single_choice,
    "multiple_response": _multiple_response,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
}


def to_gift(questions: Iterable[Question]) -> str:
    """The questions as one GIFT file (UTF-8 text), grouped into one category per lesson."""
    ordered = lesson_order(questions)
    skipped = sum(q.type in UNSUPPORTED_TYPES for q in ordered)
    blocks = [
        "// Oversight question bank, GIFT format for Moodle (Question bank > Import > GIFT format).\n"
        f"// {len(ordered) - skipped} questions; {skipped} ordering questions are comments only "
        "(GIFT has no ordering type).\n"
        "// See docs/question-exports.md."
    ]
    lesson = None
    for question in ordered:
        if question.lesson != lesson:
            lesson = question.lesson
            blocks.append(f"// lesson {lesson}\n$CATEGORY: {CATEGORY_ROOT}/{lesson}")
        blocks.append(_WRITERS[question.type](question))
    return "\n\n".join(blocks) + "\n"
