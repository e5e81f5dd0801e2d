"""Moodle GIFT export of the question bank: ``to_gift(questions) -> str``.

Follows Moodle's own reader (``question/format/gift/format.php``, ``qformat_gift::readquestion``).
Each question is ``::id::[markdown]prompt{answers####general feedback}``, questions are separated
by a blank line and a ``$CATEGORY: $course$/Oversight/<lesson>`` line starts each lesson. Right
before each question, in its own block, a comment line ``// [id:<question id>] [tag:<lesson>]
[tag:<objective>] [tag:reading-<id>] [tag:bloom-<level>] [tag:difficulty-<n>]`` gives Moodle (3.6+)
the question's ID number and tags: ``readquestion`` collects the ``//`` lines of the question's
block and ``extract_idnumber_and_tags_from_comment`` reads ``[id:...]`` and every ``[tag:...]``
from them (``]`` escaped as ``\\]``). Texts are
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
- ``ordering`` -> ordering (``qtype_ordering``, standard since Moodle 4.4), through the type's own
  GIFT hook (``qtype_ordering::import_from_gift``): ``{>N ALL VERTICAL ABSOLUTE_POSITION SHOW none``,
  then one item per line in the right order, then the general feedback and ``}``. Moodle gives
  the hook the answer section (from the first ``{`` to the first ``}``, the ``####`` general
  feedback already split off) and keeps each line as an item WITHOUT unescaping it, so items are
  written unescaped: plain text, or inline HTML for an item whose Markdown has markup (the item's
  text format is Moodle's "Moodle auto-format", which reads HTML). An item may therefore not contain ``}`` (the bank's schema refuses it), and
  one with a backslash or a line break cannot be written (the question is left out, with a note).
  The legacy variant (``to_gift(..., legacy=True)``, format ``gift-legacy``) is for sites before
  4.4, which refuse the syntax: there each ordering question is a block of ``//`` comments
  (prompt and correct order) that Moodle skips; import it with the Moodle XML export.

What GIFT cannot represent: ordering before Moodle 4.4; units on numbers (the unit is dropped and a line "Type the
number only" is added to the prompt); Oversight's lenient short-answer matching beyond case and a
leading "the" (punctuation, accents, typographic quotes); ``->`` inside a matching left item
(written as ``→``) or inside an accepted short answer (that answer is left out, with a comment);
links to the cited readings (evidence is cited as text: quote and reading id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from course.exports._questions import (
    Unsupported,
    fraction_text,
    general_feedback,
    lesson_order,
    plain_markdown,
    question_tags,
)
from course.model import Question

CATEGORY_ROOT = "$course$/Oversight"
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


def md(text: str) -> str:
    """A Markdown text, escaped for GIFT."""
    return escape(plain_markdown(text).strip())


def answer(mark: str, body: str, feedback: str | None = None, guard: float | None = None) -> str:
    """One answer line: ``mark`` (``=``, ``~``, ``~%w%``) + escaped ``body`` + ``#feedback``.

    Moodle reads a leading ``%n%`` as a weight wherever a weight may stand (after ``~`` in multiple
    choice, after ``=`` in short answer), so such a body gets the explicit weight ``guard``.
    """
    if guard is not None and _LOOKS_WEIGHTED.match(body):
        mark = f"{mark}%{fraction_text(guard)}%"
    line = f"\t{mark}{body}"
    if feedback:
        line += "#" + md(feedback)
    return line


def _token(kind: str, value: str) -> str:
    """``[id:value]`` or ``[tag:value]``, as Moodle's ``extract_idnumber_and_tags_from_comment`` reads it."""
    return f"[{kind}:{' '.join(value.split()).replace(']', chr(92) + ']')}]"


def id_and_tags(question: Question) -> str:
    """The comment line that gives Moodle the question's ID number and its tags."""
    return "// " + " ".join([_token("id", question.id), *(_token("tag", t) for t in question_tags(question))])


def head(question: Question, prompt_extra: str = "") -> str:
    """Comments naming the question and giving its ID number and tags, then ``::id::[markdown]prompt``."""
    return (
        f"// {question.id} ({question.type}, objective {question.objective}, "
        f"difficulty {question.difficulty}, {question.bloom})\n"
        f"{id_and_tags(question)}\n"
        f"::{escape(question.id)}::[markdown]{md(question.prompt + prompt_extra)}"
    )


def general(question: Question) -> str:
    """The general feedback line: explanation and evidence."""
    return "\t####" + md(general_feedback(question))


def block(question: Question, lines: list[str], prompt_extra: str = "") -> str:
    """A whole question: head, ``{``, the answer lines, the general feedback, ``}``."""
    return head(question, prompt_extra) + "{\n" + "\n".join(lines) + "\n" + general(question) + "\n}"


def _not_imported(question: Question, reason: str, details: tuple[str, ...] = ()) -> str:
    """A block of ``//`` comments (which Moodle skips) saying why the question is not in the file."""

    def one_line(text: str) -> str:
        return " ".join(text.split())

    return "\n".join(
        [
            f"// {question.id} ({question.type}, objective {question.objective}) is NOT imported: {reason}.",
            f"// Prompt: {one_line(question.prompt)}",
            *(f"// {one_line(line) if line.strip() == line else '  ' + one_line(line)}" for line in details),
        ]
    )


def to_gift(questions: Iterable[Question], legacy: bool = False) -> str:
    """The questions as one GIFT file (UTF-8 text), grouped into one category per lesson.

    ``legacy``: for Moodle before 4.4, which cannot import ordering from GIFT (those questions
    become comments, with a note).
    """
    from course.qtypes import type_of  # the type modules import this one for its helpers

    ordered = lesson_order(questions)
    written = [(q, type_of(q).to_gift_legacy(q) if legacy else type_of(q).to_gift(q)) for q in ordered]
    skipped = sum(isinstance(body, Unsupported) for _, body in written)
    target = "Moodle before 4.4: ordering questions are comments only" if legacy else "Moodle 4.4 or later"
    blocks = [
        f"// Oversight question bank, GIFT format for {target} (Question bank > Import > GIFT format).\n"
        f"// {len(ordered) - skipped} questions; {skipped} are comments only (GIFT cannot express them).\n"
        "// Each question's ID number and tags are in the comment line [id:...] [tag:...] above it.\n"
        "// See docs/question-exports.md."
    ]
    lesson = None
    for question, body in written:
        if question.lesson != lesson:
            lesson = question.lesson
            blocks.append(f"// lesson {lesson}\n$CATEGORY: {CATEGORY_ROOT}/{lesson}")
        blocks.append(_not_imported(question, body.reason, body.details) if isinstance(body, Unsupported) else body)
    return "\n\n".join(blocks) + "\n"
