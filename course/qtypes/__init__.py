"""The question-type registry: every type of the bank, and dispatch to the type of a question.

Adding a type: a module here (model + `QuestionType` subclass), its line below, and its Jinja
partial ``app/templates/qtypes/<name>.html``. tests/core/test_question_types.py checks that every
registry covers every type and names the missing piece when one does not.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from course.exports._questions import Unsupported
from course.model import Question
from course.qtypes.base import QuestionType, ResponseError
from course.qtypes.choices import MultipleResponse, MultipleResponseType, SingleChoice, SingleChoiceType
from course.qtypes.cloze import Blank, Cloze, ClozeType
from course.qtypes.essay import Criterion, Essay, EssayType, Level
from course.qtypes.matching import Matching, MatchingType
from course.qtypes.numeric import Numeric, NumericType
from course.qtypes.ordering import Ordering, OrderingType
from course.qtypes.short_answer import ShortAnswer, ShortAnswerType
from course.qtypes.true_false import TrueFalse, TrueFalseType

QUESTION_TYPES: dict[str, QuestionType] = {
    t.name: t
    for t in (
        SingleChoiceType(),
        MultipleResponseType(),
        TrueFalseType(),
        ShortAnswerType(),
        NumericType(),
        MatchingType(),
        OrderingType(),
        ClozeType(),
        EssayType(),
    )
}
AUTO_GRADED = tuple(name for name, t in QUESTION_TYPES.items() if t.auto_graded)

# The discriminated union pydantic validates a bank entry (or a stored snapshot) against.
_MODELS: Any = reduce(operator.or_, (t.model for t in QUESTION_TYPES.values()))  # A | B | ...: a union built from the registry
AnyQuestion = Annotated[_MODELS, Field(discriminator="type")]
QUESTION_ADAPTER: TypeAdapter[Question] = TypeAdapter(AnyQuestion)


def type_of(question: Question | str) -> QuestionType:
    """The type object of a question (or of a type name); a TypeError names anything else."""
    name = question if isinstance(question, str) else getattr(question, "type", None)
    if not isinstance(name, str) or name not in QUESTION_TYPES:
        raise TypeError(f"no question type {name!r} for {type(question).__name__}; known: {', '.join(QUESTION_TYPES)}")
    return QUESTION_TYPES[name]


def parse_question(data: Any) -> Question:
    """Validate a mapping into the question model of its type."""
    return QUESTION_ADAPTER.validate_python(data)


__all__ = [
    "AUTO_GRADED",
    "QUESTION_ADAPTER",
    "QUESTION_TYPES",
    "Blank",
    "Cloze",
    "Criterion",
    "Essay",
    "Level",
    "Matching",
    "MultipleResponse",
    "Numeric",
    "Ordering",
    "QuestionType",
    "ResponseError",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "Unsupported",
    "parse_question",
    "type_of",
]
