"""Study sessions: which answers form one sitting, practice runs of ten, and what a summary of them says.

A *session* is a stretch of answers with no pause longer than `SESSION_GAP` (an hour) between two
of them; it needs no stored state, so it holds across tabs, devices and restarts. A *practice run*
is `RUN_LENGTH` (ten) practice answers in a row within one session: after the tenth, the learner
gets a summary and a suggestion of what to do next.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from course.mastery import THRESHOLD, ScoredAnswer

SESSION_GAP = timedelta(hours=1)
RUN_LENGTH = 10


def session_start(times: Sequence[datetime], index: int, gap: timedelta = SESSION_GAP) -> int:
    """The index where the session holding `times[index]` starts (`times` in time order)."""
    start = index
    while start > 0 and times[start] - times[start - 1] <= gap:
        start -= 1
    return start


def run_position(times: Sequence[datetime], index: int, gap: timedelta = SESSION_GAP) -> int:
    """Which answer of its session `times[index]` is, counting from 1."""
    return index - session_start(times, index, gap) + 1


def ends_a_run(times: Sequence[datetime], index: int, gap: timedelta = SESSION_GAP) -> bool:
    """Whether `times[index]` is the tenth (twentieth, ...) practice answer of its session."""
    return run_position(times, index, gap) % RUN_LENGTH == 0


@dataclass(frozen=True)
class ObjectiveResult:
    """How one objective went within a summary: mean score over its answers."""

    objective: str
    score: float
    answers: int


@dataclass(frozen=True)
class Summary:
    """What a run of answers came to."""

    answered: int
    right: int
    partly: int
    weakest: ObjectiveResult | None  # the objective with the lowest mean, if any answer was not fully right

    @property
    def wrong(self) -> int:
        """Answers that scored nothing."""
        return self.answered - self.right - self.partly

    @property
    def advice(self) -> str:
        """What to do next: 'practise-weakest' (below the mastery threshold there) or 'move-on'."""
        if self.weakest is not None and self.weakest.score < THRESHOLD:
            return "practise-weakest"
        return "move-on"


def summarise(answers: Sequence[ScoredAnswer]) -> Summary:
    """Count right, partly right and wrong answers; find the weakest objective.

    Weakest: the lowest mean score; ties go to the objective with more answers, then the one met
    first. No objective is weakest when every answer was fully right.
    """
    right = sum(1 for a in answers if a.score >= 1)
    partly = sum(1 for a in answers if 0 < a.score < 1)
    scores: dict[str, list[float]] = defaultdict(list)
    for a in answers:
        scores[a.objective].append(a.score)
    results = [ObjectiveResult(objective, round(sum(s) / len(s), 4), len(s)) for objective, s in scores.items()]
    weakest = min(results, key=lambda r: (r.score, -r.answers), default=None)
    if weakest is not None and weakest.score >= 1:
        weakest = None
    return Summary(answered=len(answers), right=right, partly=partly, weakest=weakest)
