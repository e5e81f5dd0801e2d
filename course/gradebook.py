"""Which attempt counts for an assignment, and how a share of marks becomes points.

Pure functions: the web layer gathers the submitted attempts and the assignment's settings, and
these decide the score. An attempt's score is a share of the marks, from 0 to 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

COUNTING = ("highest", "last", "average", "first")
"""How an assignment with several attempts is scored: the best one, the latest, the mean of all, or the earliest."""


@dataclass(frozen=True)
class AttemptScore:
    """One submitted attempt: when it was submitted and its share of the marks (0..1)."""

    submitted_at: datetime
    score: float
    pending: bool = False  # essays in it await an instructor: its score is not final


def counted_score(attempts: Sequence[AttemptScore], counting: str) -> float | None:
    """The share of marks that counts under `counting`, or None when nothing was submitted.

    "last" and "first" go by `submitted_at`; two attempts submitted at the same instant are
    ordered as they appear in `attempts` (so "last" takes the later one in the sequence and
    "first" the earlier). "highest" of tied scores is that score. "average" is the mean of every
    attempt given.
    """
    if counting not in COUNTING:
        raise ValueError(f"unknown counting rule {counting!r}; expected one of {', '.join(COUNTING)}")
    if not attempts:
        return None
    if counting == "highest":
        return max(a.score for a in attempts)
    if counting == "average":
        return math.fsum(a.score for a in attempts) / len(attempts)
    order = sorted(range(len(attempts)), key=lambda i: (attempts[i].submitted_at, i))
    return attempts[order[-1] if counting == "last" else order[0]].score


def points(score: float | None, possible: float) -> float | None:
    """`score` (a share of marks) of `possible` points, rounded half up to 2 decimals; None stays None.

    The product is taken in decimal, so 0.335 of 1 point is 0.34, not the 0.33 that binary
    floating point would give.
    """
    if score is None:
        return None
    exact = Decimal(repr(float(score))) * Decimal(repr(float(possible)))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def final_points(
    possible: float, counting: str, submitted: Sequence[AttemptScore], override: float | None, started: int
) -> tuple[float | None, str]:
    """The points that count for one learner on one assignment, and why.

    The one rule every page and export uses: an override wins ("overridden"); else, while an
    attempt that could count awaits essay grading, "awaiting grading" with the points of the fully
    graded attempts so far (None if there are none), so an export never clears a grade an LMS
    already holds; else the counted score of the submitted attempts ("graded"); else "in progress"
    when an attempt is open (only until its deadline: overdue attempts are closed before grades are
    read) or "missing".
    """
    if override is not None:
        return override, "overridden"
    if any(a.pending for a in submitted):
        graded = counted_score([a for a in submitted if not a.pending], counting)
        return points(graded, possible), "awaiting grading"
    counted = counted_score(submitted, counting)
    if counted is None:
        return None, "in progress" if started else "missing"
    return points(counted, possible), "graded"
