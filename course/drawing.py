"""Draw the questions of a quiz: random, stratified by objective, reproducible from a seed."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from course.model import Question


def draw(questions: Sequence[Question], count: int, seed: str) -> list[Question]:
    """Pick `count` questions spreading them over objectives as evenly as possible.

    Objectives are visited in a shuffled round-robin, each giving its next (shuffled) question,
    so a 10-question quiz over 5 objectives asks two of each.
    """
    rng = random.Random(seed)
    by_objective: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_objective[question.objective].append(question)
    pools = [by_objective[o] for o in sorted(by_objective)]
    for pool in pools:
        rng.shuffle(pool)
    rng.shuffle(pools)
    picked: list[Question] = []
    while len(picked) < count and any(pools):
        for pool in pools:
            if pool and len(picked) < count:
                picked.append(pool.pop())
    rng.shuffle(picked)
    return picked
