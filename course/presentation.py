"""How a question is shown: choice, option and item order, seeded so a reload shows the same order."""
from __future__ import annotations

import random
from dataclasses import dataclass

from course.model import Matching, MultipleResponse, Ordering, Question, SingleChoice


@dataclass(frozen=True)
class Presentation:
    """Display order for one question in one attempt (indices refer to the question's own lists)."""

    choice_order: tuple[int, ...] = ()  # choice types: indices of question.choices, as shown
    options: tuple[str, ...] = ()  # matching: right-hand options (pairs' rights and distractors), as shown
    items: tuple[str, ...] = ()  # ordering: the items, shuffled


def rng_for(seed: str, question_id: str) -> random.Random:
    """A generator that depends only on the attempt's seed and the question."""
    return random.Random(f"{seed}:{question_id}")


def present(question: Question, seed: str, shuffle: bool = True) -> Presentation:
    """Decide the display order of a question's parts for this seed."""
    rng = rng_for(seed, question.id)
    if isinstance(question, (SingleChoice, MultipleResponse)):
        order = list(range(len(question.choices)))
        if shuffle:
            rng.shuffle(order)
        return Presentation(choice_order=tuple(order))
    if isinstance(question, Matching):
        options = [p.right for p in question.pairs] + list(question.distractors)
        if shuffle:
            rng.shuffle(options)
        return Presentation(options=tuple(options))
    if isinstance(question, Ordering):
        items = list(question.sequence)
        # Shown already in order, the question would answer itself: reshuffle until it is not.
        for _ in range(20):
            rng.shuffle(items)
            if items != list(question.sequence):
                break
        return Presentation(items=tuple(items))
    return Presentation()
