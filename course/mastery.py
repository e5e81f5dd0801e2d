"""Mastery per objective: a documented rule over a learner's recent answers.

Rule: take the learner's most recent `WINDOW` (5) scored answers to questions of the objective,
from practice, review and submitted quizzes. Mastery is their mean score. The objective is
*mastered* when at least `MIN_ANSWERS` (3) answers are in the window and the mean is at least
`THRESHOLD` (0.8); *learning* when there is at least one answer; else *not started*. Recent
answers only, so a learner who has since improved is not held back by early mistakes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

WINDOW = 5
MIN_ANSWERS = 3
THRESHOLD = 0.8


@dataclass(frozen=True)
class Mastery:
    """How well one objective is held, and on how many answers that rests."""

    objective: str
    score: float
    answers: int

    @property
    def status(self) -> str:
        """'mastered', 'learning' or 'not started'."""
        if self.answers >= MIN_ANSWERS and self.score >= THRESHOLD:
            return "mastered"
        return "learning" if self.answers else "not started"


@dataclass(frozen=True)
class ScoredAnswer:
    """One answer as mastery needs it."""

    objective: str
    score: float
    answered_at: datetime


def mastery_by_objective(answers: Iterable[ScoredAnswer], objectives: Iterable[str]) -> dict[str, Mastery]:
    """Apply the rule to every objective (those never answered come out 'not started')."""
    recent: dict[str, list[ScoredAnswer]] = defaultdict(list)
    for answer in answers:
        recent[answer.objective].append(answer)
    result = {}
    for objective in objectives:
        window = sorted(recent.get(objective, []), key=lambda a: a.answered_at, reverse=True)[:WINDOW]
        result[objective] = from_window(objective, sum(a.score for a in window), len(window))
    return result


def from_window(objective: str, total: float, answers: int) -> Mastery:
    """The rule on a window already taken (at most WINDOW most recent answers): their summed score and count.

    For callers that take the window where the answers are (the class dashboard asks the database).
    """
    return Mastery(objective, round(total / answers, 4) if answers else 0.0, answers)


def weakest(masteries: Iterable[Mastery], limit: int = 3) -> list[Mastery]:
    """Objectives a learner has tried but not mastered, lowest score first."""
    tried = [m for m in masteries if m.answers and m.status != "mastered"]
    return sorted(tried, key=lambda m: (m.score, -m.answers, m.objective))[:limit]
