"""Short answer: a typed answer matched, after normalising, against accepted answers."""

from __future__ import annotations

import random
from typing import Annotated, Any, Literal

from pydantic import Field

from course.exports import gift as gf
from course.exports import moodle_xml as mx
from course.exports import qti
from course.exports._questions import accepted_answers, to_inline_html
from course.grading import Grade, normalise_answer
from course.model import NonEmpty, QuestionBase
from course.presentation import Presentation
from course.qtypes.base import MAX_TEXT, GetList, QuestionType, ResponseError, first_value


class ShortAnswer(QuestionBase):
    """A short typed answer matched, after normalising, against accepted answers."""

    type: Literal["short_answer"]
    accept: Annotated[list[NonEmpty], Field(min_length=1, max_length=12)]
    feedback: str | None = None


def typed_text(getlist: GetList, field: str) -> str:
    """A typed answer as given (stripped), refused when longer than MAX_TEXT."""
    text = first_value(getlist, field)
    if len(text) > MAX_TEXT:
        raise ResponseError(f"Keep the answer under {MAX_TEXT} characters.")
    return text


def matches(given: str, accept: list[str]) -> bool:
    """Whether a typed answer equals an accepted one after normalising (a leading "the" optional)."""
    normal = normalise_answer(given)
    accepted = {normalise_answer(a) for a in accept}
    return bool({normal, normal.removeprefix("the ")} & (accepted | {a.removeprefix("the ") for a in accepted}))


class ShortAnswerType(QuestionType):
    """One point if the normalised answer equals a normalised accepted answer."""

    name = "short_answer"
    label = "Short answer"
    short = "short"
    model = ShortAnswer

    def parse(self, question: ShortAnswer, shown: Presentation, getlist: GetList) -> str:
        """The text as typed."""
        return typed_text(getlist, self.field())

    def form_values(self, question: ShortAnswer, shown: Presentation, response: Any) -> dict[str, Any]:
        """The text typed."""
        return {} if response is None else {self.field(): str(response)}

    def grade(self, question: ShortAnswer, response: Any) -> Grade:
        """One point for an accepted answer; the wrong-answer feedback otherwise."""
        if not normalise_answer(response or ""):
            return Grade(0.0, answered=False)
        right = matches(response, question.accept)
        feedback = () if right or not question.feedback else (question.feedback,)
        return Grade(1.0 if right else 0.0, answered=True, parts=(right,), feedback=feedback)

    def correct_response(self, question: ShortAnswer) -> str:
        """The first accepted answer."""
        return question.accept[0]

    def demo_response(self, question: ShortAnswer, right: bool, rng: random.Random) -> str:
        """An accepted answer, or a typical wrong one."""
        return question.accept[0] if right else rng.choice(["not sure", "unknown", question.accept[0][::-1]])

    def moodle_qtype(self, question: ShortAnswer) -> str:
        """Moodle's shortanswer."""
        return "shortanswer"

    def to_moodle_xml(self, question: ShortAnswer) -> list[str]:
        """Each accepted answer (with and without "the") at 100; the wrong-answer feedback on ``*``."""
        lines = ["    <usecase>0</usecase>"]
        lines += [
            mx.answer("100", a.strip().replace("*", "\\*"), None, fmt="plain_text") for a in accepted_answers(question.accept)
        ]
        if question.feedback:
            lines.append(mx.answer("0", "*", to_inline_html(question.feedback), fmt="plain_text"))
        return lines

    def qti_type(self, question: ShortAnswer) -> str:
        """Canvas's short answer (fill in the blank)."""
        return "short_answer_question"

    def to_qti(self, item: qti.QtiItem) -> None:
        """One ``varequal`` per accepted answer; the feedback as Canvas's wrong-answer comment."""
        question = item.question
        qti.prompt(item)
        qti.text_entry(item, decimal=False)
        processing = item.start_processing()
        right = item.condition(processing, "No", score="100")
        for answer in accepted_answers(question.accept):
            item.varequal(right, "response1", answer.strip())
        if question.feedback:
            item.condition(processing, "Yes", feedback="general_incorrect_fb").append(qti.other())
            item.feedback.append(("general_incorrect_fb", question.feedback, False))

    def to_gift(self, question: ShortAnswer) -> str:
        """``=answer`` lines; an answer with ``->`` cannot be written and is left out with a comment."""
        answers = accepted_answers(question.accept)
        usable = [a for a in answers if "->" not in a]
        note = ""
        if len(usable) < len(answers):
            note = f"// note: GIFT cannot carry '->' in a short answer; left out: {', '.join(a for a in answers if '->' in a)}\n"
        # A literal * is written \* (Moodle's short answer reads a bare * as a wildcard).
        lines = [gf.answer("=", gf.escape(a.strip().replace("*", "\\*")), guard=100.0) for a in usable]
        if question.feedback:
            lines.append(gf.answer("=%0%", "*", question.feedback))
        return note + gf.block(question, lines)
