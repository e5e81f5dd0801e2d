"""What a question type is: one object per type that every layer asks, instead of if-chains.

A type module defines its YAML model (a pydantic class) and one `QuestionType` subclass holding
everything else the app needs: presentation order, form parsing and storage, grading and key,
item-analysis hooks, demo answers and a writer per export format. Its Jinja partial
(``app/templates/qtypes/<name>.html``) renders the answer fields and the answer review. Abstract
methods make a type that forgets a piece fail at import, naming the piece.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from course.analytics import ItemInfo
from course.exports._questions import Unsupported
from course.grading import Grade
from course.model import QuestionBase
from course.presentation import Presentation

if TYPE_CHECKING:
    from course.exports.qti import QtiItem

GetList = Callable[[str], list[str]]
MAX_TEXT = 500  # characters of a typed short answer or number
ANSWER_FIELD = "answer"  # the form field of single-valued answers (and the boxes of multiple response)


class ResponseError(ValueError):
    """The submitted fields do not form a response to this question; the message is for the learner."""


def first_value(getlist: GetList, name: str = ANSWER_FIELD, strip: bool = True) -> str:
    """The first value of a form field, stripped unless asked not to ('' when absent)."""
    value = (getlist(name) or [""])[0]
    return value.strip() if strip else value


def int_in(value: str, low: int, high: int, message: str = "That choice is not one of the options.") -> int:
    """An integer form value within [low, high], or a ResponseError for the learner."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ResponseError(message) from None
    if not low <= number <= high:
        raise ResponseError(message)
    return number


class QuestionType(ABC):
    """The behaviour of one question type; subclasses set the class attributes and the abstract methods."""

    name: ClassVar[str]  # the YAML `type:` value
    label: ClassVar[str]  # how people call it ("Single choice")
    short: ClassVar[str]  # a column heading of at most 6 characters (the validator's summary)
    model: ClassVar[type[QuestionBase]]
    auto_graded: ClassVar[bool] = True  # False: an instructor grades it (never drawn for self-tests)

    @property
    def template(self) -> str:
        """The Jinja partial with the `fields` and `review` macros."""
        return f"qtypes/{self.name}.html"

    def field(self, index: int | None = None) -> str:
        """The HTML name of an answer field (the parser reads the same names)."""
        return ANSWER_FIELD if index is None else f"{ANSWER_FIELD}-{index}"

    def present(self, question: Any, rng: random.Random, shuffle: bool) -> Presentation:
        """The display order of the question's parts for one attempt (none by default)."""
        return Presentation()

    @abstractmethod
    def parse(self, question: Any, shown: Presentation, getlist: GetList) -> Any:
        """A response from form fields; empty fields give an empty (unanswered) response."""

    def to_json(self, question: Any, response: Any) -> Any:
        """A JSON-safe form of a response, for storage."""
        return response

    def from_json(self, question: Any, stored: Any) -> Any:
        """Rebuild a response from its stored JSON form."""
        return stored

    @abstractmethod
    def form_values(self, question: Any, shown: Presentation, response: Any) -> dict[str, Any]:
        """What each field shows when a saved response is redisplayed."""

    def is_answered(self, question: Any, response: Any) -> bool:
        """Whether a response counts as an answer (a blank one does not)."""
        return self.grade(question, response).answered

    @abstractmethod
    def grade(self, question: Any, response: Any) -> Grade:
        """The grade of a response (for a type graded by people: answered, pending, score 0)."""

    @abstractmethod
    def correct_response(self, question: Any) -> Any:
        """The response that scores 1 (a model answer for a type graded by people)."""

    def item_info(self, question: Any) -> ItemInfo:
        """What item analysis needs to know about the options (nothing for typed answers)."""
        return ItemInfo(question.id)

    def picked_options(self, question: Any, response: Any) -> tuple[int, ...] | None:
        """The option indices a response picked, for distractor analysis (None: not a choice type)."""
        return None

    def verbatim_passages(self, question: Any) -> list[tuple[str, str]]:
        """(reading id, text) pairs beyond the evidence that must be verbatim in the reading."""
        return []

    @abstractmethod
    def demo_response(self, question: Any, right: bool, rng: random.Random) -> Any:
        """A right or plausibly wrong response, for demo data."""

    def moodle_questiontext(self, question: Any) -> str:
        """The HTML of the Moodle XML ``<questiontext>`` (the prompt by default)."""
        from course.exports._questions import to_html

        return to_html(question.prompt)

    @abstractmethod
    def to_moodle_xml(self, question: Any) -> list[str] | Unsupported:
        """The type-specific lines of a Moodle XML ``<question>`` (after the shared header)."""

    @abstractmethod
    def to_qti(self, item: QtiItem) -> None | Unsupported:
        """Fill a Canvas QTI 1.2 ``<item>`` (presentation, scoring, feedback)."""

    @abstractmethod
    def to_gift(self, question: Any) -> str | Unsupported:
        """The whole GIFT block of the question."""

    def to_gift_legacy(self, question: Any) -> str | Unsupported:
        """The GIFT block for Moodle sites before 4.4 (the same as ``to_gift`` unless the type needs 4.4)."""
        return self.to_gift(question)

    @abstractmethod
    def moodle_qtype(self, question: Any) -> str:
        """The ``type`` attribute of the Moodle XML ``<question>``."""

    @abstractmethod
    def qti_type(self, question: Any) -> str:
        """Canvas's ``question_type`` metadata value."""
