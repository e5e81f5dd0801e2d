"""Spaced review: ratings from score and confidence; FSRS schedules on a fixed clock."""
from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, State

from course.scheduling import CONFIDENCE, new_card, rating_for, review

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "score, confidence, rating",
    [
        (0.0, None, Rating.Again),
        (0.0, "low", Rating.Again),
        (0.0, "medium", Rating.Again),
        (0.0, "high", Rating.Again),  # wrong stays wrong, however sure
        (0.5, None, Rating.Hard),
        (0.000001, None, Rating.Hard),
        (0.999999, "high", Rating.Hard),  # partly right is never Easy
        (1.0, "low", Rating.Hard),  # right but unsure
        (1.0, None, Rating.Good),
        (1.0, "medium", Rating.Good),
        (1.0, "high", Rating.Easy),
    ],
)
def test_rating_for(score, confidence, rating):
    assert rating_for(score, confidence) == rating


def test_confidence_levels():
    assert CONFIDENCE == ("low", "medium", "high")


def test_new_card_is_due_now_and_json_safe():
    card = new_card(NOW)
    assert json.loads(json.dumps(card)) == card
    assert datetime.fromisoformat(card["due"]) == NOW
    assert card["last_review"] is None


def due_after(score: float, confidence: str | None = None, state=None, now: datetime = NOW) -> timedelta:
    _, due = review(state, score, now, confidence)
    return due - now


def test_a_wrong_answer_is_due_sooner_than_a_right_one():
    assert NOW < NOW + due_after(0.0) < NOW + due_after(1.0)


def test_an_easy_answer_is_due_later_than_a_good_one():
    assert due_after(1.0, "high") > due_after(1.0)


def test_intervals_grow_with_the_rating():
    again, hard, good, easy = due_after(0.0), due_after(0.5), due_after(1.0), due_after(1.0, "high")
    assert timedelta(0) < again < hard < good < easy


def test_right_but_unsure_is_scheduled_like_partly_right():
    assert review(None, 1.0, NOW, "low") == review(None, 0.5, NOW)


def test_a_review_card_answered_wrong_is_due_sooner_than_answered_right():
    state, due = review(None, 1.0, NOW, "high")
    assert state["state"] == State.Review.value
    assert due_after(0.0, state=state, now=due) < due_after(0.5, state=state, now=due) < due_after(1.0, state=state, now=due)
    lapsed, _ = review(state, 0.0, due)
    assert lapsed["state"] == State.Relearning.value


def test_repeated_right_answers_space_reviews_further_apart():
    state, due = review(None, 1.0, NOW, "high")
    gaps = []
    for _ in range(4):
        answered = due
        state, due = review(state, 1.0, answered)
        gaps.append(due - answered)
    assert gaps == sorted(gaps) and len(set(gaps)) == len(gaps)


def test_due_is_utc_and_matches_the_state():
    state, due = review(None, 1.0, NOW)
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)
    assert datetime.fromisoformat(state["due"]) == due
    assert datetime.fromisoformat(state["last_review"]) == NOW


def test_card_state_round_trips_through_json():
    state, due = review(None, 1.0, NOW)
    stored = json.loads(json.dumps(state))
    assert stored == state
    assert Card.from_dict(stored).to_dict() == state
    assert review(stored, 0.0, due) == review(state, 0.0, due)


def test_review_is_deterministic():
    first = review(None, 1.0, NOW, "high")
    assert review(None, 1.0, NOW, "high") == first
    again = review(first[0], 0.5, first[1])
    assert review(copy.deepcopy(first[0]), 0.5, first[1]) == again


def test_a_missing_state_is_a_new_card():
    assert review(None, 1.0, NOW) == review(new_card(NOW), 1.0, NOW)
    assert review({}, 0.0, NOW) == review(new_card(NOW), 0.0, NOW)


def test_review_does_not_change_the_given_state():
    state, due = review(None, 1.0, NOW)
    before = copy.deepcopy(state)
    review(state, 0.0, due)
    assert state == before


def test_schedule_depends_on_when_the_answer_is_given():
    state, due = review(None, 1.0, NOW, "high")
    on_time = review(state, 1.0, due)[1] - due
    early = review(state, 1.0, NOW + timedelta(days=1))
    assert early[1] - (NOW + timedelta(days=1)) < on_time
