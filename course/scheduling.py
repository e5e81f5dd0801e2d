"""Spaced review with FSRS: every answered question gets a card; correctness and confidence rate it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from fsrs import Card, Rating, Scheduler

# Fuzzing spreads due dates randomly; off, so the same answers always give the same schedule.
_SCHEDULER = Scheduler(enable_fuzzing=False)
CONFIDENCE = ("low", "medium", "high")


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


def new_card(now: datetime) -> dict[str, Any]:
    """A card for a question never reviewed, due now."""
    return Card(card_id=1, due=now).to_dict()


def review(card_state: dict[str, Any] | None, score: float, now: datetime, confidence: str | None = None) -> tuple[dict[str, Any], datetime]:
    """Apply one answer to a card; return the new card state and when it is next due."""
    card = Card.from_dict(card_state) if card_state else Card(card_id=1, due=now)
    card, _ = _SCHEDULER.review_card(card, rating_for(score, confidence), review_datetime=now)
    return card.to_dict(), card.due
