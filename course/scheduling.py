"""Spaced review with FSRS: every answered question gets a card; correctness and confidence rate it.

A card's schedule is stored in the app's own versioned shape (`CardState`), never in fsrs's
`Card.to_dict()` format, so an fsrs upgrade that changes that format cannot break stored rows.
Rows written before version 1 hold fsrs 6's `to_dict()` shape; they are still read.

Learning steps: one step of a day, for new questions (`LEARNING_STEPS`) and for lapses
(`RELEARNING_STEPS`). fsrs's defaults (1 and 10 minutes; 10 minutes after a lapse) suit a flash-card
deck drilled in one sitting; here a learner answers a question, then reads its explanation and the
passage that settles it, so asking again minutes later tests the feedback page, not memory, and a
first practice run of ten filled the review queue with questions due a minute later. Practice's
"Try again" is the in-session retry. With one step of a day, a first answer schedules:
wrong (Again) the next day, partly right or unsure (Hard) in a day and a half, right (Good) in
2 days, right and sure (Easy) in 8 days; a review answered wrong comes back the next day, not in
10 minutes. Cards stored under the old steps stay valid: a learning card on step 1 (there is no
step 1 now) goes back to step 0 when answered wrong and graduates to review otherwise (fsrs's own
rule for a scheduler with fewer steps), so no stored row needs rewriting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, TypedDict

from fsrs import Card, Rating, Scheduler, State

# Why one step of a day: see the module docstring (and docs/grading.md, "Spaced review").
LEARNING_STEPS = (timedelta(days=1),)
RELEARNING_STEPS = (timedelta(days=1),)
# Fuzzing spreads due dates randomly; off, so the same answers always give the same schedule.
_SCHEDULER = Scheduler(learning_steps=LEARNING_STEPS, relearning_steps=RELEARNING_STEPS, enable_fuzzing=False)
CONFIDENCE = ("low", "medium", "high")
STATE_VERSION = 1
# The stored numbers of the card states are the app's own; fsrs's enum is mapped to them, not stored.
_STATES = {1: State.Learning, 2: State.Review, 3: State.Relearning}
_STATE_NUMBERS = {state: number for number, state in _STATES.items()}
# The keys fsrs 6's Card.to_dict() writes: the shape of rows stored before version 1.
_LEGACY_KEYS = frozenset({"card_id", "state", "step", "stability", "difficulty", "due", "last_review"})


class CardState(TypedDict):
    """A review card's schedule as stored (version 1): JSON-safe, with no fsrs-specific keys."""

    v: int
    state: int  # 1 learning, 2 review, 3 relearning
    step: int | None  # the learning or relearning step; None in review
    stability: float | None
    difficulty: float | None
    due: str  # ISO 8601, UTC
    last_review: str | None  # ISO 8601, UTC


def rating_for(score: float, confidence: str | None = None) -> Rating:
    """Map a graded answer (and optional confidence) to an FSRS rating.

    Wrong -> Again; partly right, or right but unsure -> Hard; right -> Good; right and sure -> Easy.
    """
    if score <= 0:
        return Rating.Again
    if score < 1 or confidence == "low":
        return Rating.Hard
    if confidence == "high":
        return Rating.Easy
    return Rating.Good


def _utc(moment: datetime) -> datetime:
    """The moment in UTC; a naive one is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    """ISO 8601 in UTC."""
    return _utc(moment).isoformat()


def _moment(text: Any, key: str) -> datetime:
    """Parse a stored ISO 8601 time into an aware UTC datetime."""
    if not isinstance(text, str):
        raise ValueError(f"review card: {key} must be an ISO 8601 string, got {text!r}")
    return _utc(datetime.fromisoformat(text))


def _number(value: Any, key: str) -> float | None:
    """A stored float (or None)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"review card: {key} must be a number, got {value!r}")
    return float(value)


def is_legacy(stored: Mapping[str, Any]) -> bool:
    """Whether a stored state is fsrs 6's own `Card.to_dict()` shape (rows from before version 1)."""
    return "v" not in stored and {"card_id", "state", "due"} <= set(stored) and set(stored) <= _LEGACY_KEYS


def normalize(stored: Mapping[str, Any]) -> CardState:
    """A stored state, version 1 or legacy fsrs, checked and in the current shape; ValueError if unreadable."""
    if not isinstance(stored, Mapping):
        raise ValueError(f"review card: expected an object, got {type(stored).__name__}")
    if "v" in stored:
        if stored["v"] != STATE_VERSION:
            raise ValueError(f"review card: unknown version {stored['v']!r}")
    elif not is_legacy(stored):
        raise ValueError(f"review card: neither version {STATE_VERSION} nor fsrs's shape: keys {sorted(stored)}")
    state, step = stored.get("state"), stored.get("step")
    if isinstance(state, bool) or state not in _STATES:
        raise ValueError(f"review card: unknown state {state!r}")
    if step is not None and (isinstance(step, bool) or not isinstance(step, int)):
        raise ValueError(f"review card: step must be an integer, got {step!r}")
    last_review = stored.get("last_review")
    return {
        "v": STATE_VERSION,
        "state": int(state),
        "step": step,
        "stability": _number(stored.get("stability"), "stability"),
        "difficulty": _number(stored.get("difficulty"), "difficulty"),
        "due": _iso(_moment(stored.get("due"), "due")),
        "last_review": _iso(_moment(last_review, "last_review")) if last_review is not None else None,
    }


def to_state(card: Card) -> CardState:
    """The stored shape of an fsrs card."""
    return {
        "v": STATE_VERSION,
        "state": _STATE_NUMBERS[State(card.state)],
        "step": card.step,
        "stability": None if card.stability is None else float(card.stability),
        "difficulty": None if card.difficulty is None else float(card.difficulty),
        "due": _iso(card.due),
        "last_review": _iso(card.last_review) if card.last_review is not None else None,
    }


def to_card(stored: Mapping[str, Any]) -> Card:
    """An fsrs card from a stored state (version 1, or the legacy fsrs shape)."""
    state = normalize(stored)
    return Card(
        card_id=1,
        state=_STATES[state["state"]],
        step=state["step"],
        stability=state["stability"],
        difficulty=state["difficulty"],
        due=_moment(state["due"], "due"),
        last_review=_moment(state["last_review"], "last_review") if state["last_review"] else None,
    )


def new_card(now: datetime) -> CardState:
    """A card for a question never reviewed, due now."""
    return to_state(Card(card_id=1, due=_utc(now)))


def review(
    card_state: Mapping[str, Any] | None, score: float, now: datetime, confidence: str | None = None
) -> tuple[CardState, datetime]:
    """Apply one answer to a card; return the new card state and when it is next due."""
    card = to_card(card_state) if card_state else Card(card_id=1, due=_utc(now))
    card, _ = _SCHEDULER.review_card(card, rating_for(score, confidence), review_datetime=_utc(now))
    return to_state(card), card.due


def _count(n: int, unit: str) -> str:
    """'1 day', '3 days'."""
    return f"{n} {unit}{'' if n == 1 else 's'}"


def describe_wait(due: datetime, now: datetime) -> str:
    """When a question comes back, in words: 'in 10 minutes', 'in 3 days', 'in 2 weeks', or 'now'.

    Rounded to the nearest whole unit, in the largest unit that reads naturally: minutes under an
    hour, hours under a day, days under two weeks, weeks under two months, then months and years.
    """
    seconds = (_utc(due) - _utc(now)).total_seconds()
    if seconds < 30:
        return "now"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"in {_count(minutes, 'minute')}"
    hours = round(seconds / 3600)
    if hours < 24:
        return f"in {_count(hours, 'hour')}"
    days = round(seconds / 86400)
    if days < 14:
        return f"in {_count(days, 'day')}"
    if days < 60:
        return f"in {_count(round(days / 7), 'week')}"
    if days < 365:
        return f"in {_count(round(days / 30.44), 'month')}"
    return f"in {_count(round(days / 365.25), 'year')}"


@dataclass(frozen=True)
class ForecastDay:
    """How many reviews fall due on one calendar day (today includes those already due)."""

    day: date
    label: str  # 'Today', 'Tomorrow', 'Friday 6 March'
    count: int


def forecast(dues: Iterable[datetime], now: datetime, zone: tzinfo, days: int = 7) -> list[ForecastDay]:
    """Count due dates per calendar day in the learner's zone, from today for `days` days.

    Cards already overdue count today (they are waiting now); those due after the last day are left out.
    """
    today = _utc(now).astimezone(zone).date()
    counts = [0] * days
    for due in dues:
        offset = max((_utc(due).astimezone(zone).date() - today).days, 0)
        if offset < days:
            counts[offset] += 1
    result = []
    for offset, count in enumerate(counts):
        day = today + timedelta(days=offset)
        label = "Today" if offset == 0 else "Tomorrow" if offset == 1 else f"{day:%A} {day.day} {day:%B}"
        result.append(ForecastDay(day, label, count))
    return result
