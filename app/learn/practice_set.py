"""A printable practice set: questions drawn as in a self-test, reproducible from a seed, with a key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app import randomness
from course.catalog import Course
from course.drawing import draw
from course.model import Question
from course.presentation import Presentation, present

MAX_COUNT = 50
DEFAULT_COUNT = 10
_SEED = re.compile(r"[A-Za-z0-9-]{1,64}")


class SetRequestError(ValueError):
    """The address asks for a set that cannot be made; the message is for the learner."""


@dataclass(frozen=True)
class Passage:
    """A quoted passage that settles a question, and where it stands in its reading."""

    quote: str
    reading_id: str
    reading_title: str
    anchor: str | None
    speaker: str | None

    @property
    def paragraph(self) -> str:
        """The paragraph number ("?" if the quote cannot be found)."""
        return self.anchor[1:] if self.anchor else "?"


@dataclass(frozen=True)
class Item:
    """One question of the set, in the order it was shown."""

    question: Question
    shown: Presentation
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class PracticeSet:
    """The drawn questions and how many the lesson (or objective) offered."""

    items: tuple[Item, ...]
    available: int


def read_request(args: Mapping[str, str]) -> tuple[int, str | None]:
    """The count (1 to 50, 10 if not given) and the seed (None if not given) from the query string."""
    raw = (args.get("count") or "").strip() or str(DEFAULT_COUNT)
    try:
        count = int(raw)
    except ValueError:
        raise SetRequestError(
            f"The number of questions must be a whole number from 1 to {MAX_COUNT}; got “{raw[:20]}”."
        ) from None
    if not 1 <= count <= MAX_COUNT:
        raise SetRequestError(f"The number of questions must be from 1 to {MAX_COUNT}; got {count}.")
    seed = (args.get("seed") or "").strip() or None
    if seed is not None and not _SEED.fullmatch(seed):
        raise SetRequestError("The seed may hold only letters, digits and hyphens (at most 64).")
    return count, seed


def new_seed() -> str:
    """A fresh seed for a new set."""
    return randomness.new_seed()


def build(course: Course, lesson_id: str, objective: str | None, count: int, seed: str, exclude: set[str]) -> PracticeSet:
    """Draw `count` machine-graded questions of the lesson (or one objective) as a self-test would."""
    pool = [q for q in course.practice_questions_for(lesson_id) if objective in (None, q.objective) and q.id not in exclude]
    items = tuple(Item(q, present(q, seed), _passages(course, q)) for q in draw(pool, count, seed))
    return PracticeSet(items, len(pool))


def _passages(course: Course, question: Any) -> tuple[Passage, ...]:
    out = []
    for evidence in question.evidence:
        reading = course.reading_by_id.get(evidence.source)
        title = reading.meta.title if reading else evidence.source
        anchor = course.anchor_for(evidence.source, evidence.quote)
        out.append(Passage(evidence.quote, evidence.source, title, anchor, evidence.speaker))
    return tuple(out)
