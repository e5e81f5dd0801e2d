"""How a question is shown: choice, option and item order, seeded so a reload shows the same order."""

from __future__ import annotations

import random
from dataclasses import dataclass

from course.model import Question


@dataclass(frozen=True)
class Presentation:
    """Display order for one question in one attempt (indices refer to the question's own lists)."""

    choice_order: tuple[int, ...] = ()  # choice types: indices of question.choices, as shown
    options: tuple[str, ...] = ()  # matching: right-hand options (pairs' rights and distractors), as shown
    items: tuple[str, ...] = ()  # ordering: the items, shuffled
    blank_options: tuple[tuple[str, ...], ...] = ()  # cloze: each blank's dropdown options, as shown (() for typed)


def rng_for(seed: str, question_id: str) -> random.Random:
    """A generator that depends only on the attempt's seed and the question."""
    return random.Random(f"{seed}:{question_id}")


def present(question: Question, seed: str, shuffle: bool = True) -> Presentation:
    """Decide the display order of a question's parts for this seed."""
    from course.qtypes import type_of  # the registry imports this module

    return type_of(question).present(question, rng_for(seed, question.id), shuffle)
