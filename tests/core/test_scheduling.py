"""Spaced review: ratings from score and confidence; FSRS schedules on a fixed clock; the stored shape is the app's own."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card, Rating, Scheduler, State
from hypothesis import given
from hypothesis import strategies as st

from course.scheduling import (
    CONFIDENCE,
    LEARNING_STEPS,
    RELEARNING_STEPS,
    STATE_VERSION,
    describe_wait,
    forecast,
    is_legacy,
    new_card,
    normalize,
    rating_for,
    review,
    to_card,
    to_state,
)

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


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


STORED_KEYS = {"v", "state", "step", "stability", "difficulty", "due", "last_review"}


def test_new_card_is_due_now_and_json_safe():
    card = new_card(NOW)
    assert json.loads(json.dumps(card)) == card
    assert datetime.fromisoformat(card["due"]) == NOW
    assert card["last_review"] is None
    assert card == {
        "v": 1,
        "state": 1,
        "step": 0,
        "stability": None,
        "difficulty": None,
        "due": "2024-03-01T09:00:00+00:00",
        "last_review": None,
    }


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
    assert to_state(to_card(stored)) == state
    assert normalize(stored) == state
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


# --- the stored shape: the app's own, versioned; fsrs's own to_dict() rows (before version 1) still read ---

# What the app stored before version 1: fsrs 6's Card.to_dict() after a first right, sure answer at NOW.
LEGACY = {
    "card_id": 1,
    "state": 2,
    "step": None,
    "stability": 8.2956,
    "difficulty": 1.0,
    "due": "2024-03-09T09:00:00+00:00",
    "last_review": "2024-03-01T09:00:00+00:00",
}
VERSION_1 = {
    "v": 1,
    "state": 2,
    "step": None,
    "stability": 8.2956,
    "difficulty": 1.0,
    "due": "2024-03-09T09:00:00+00:00",
    "last_review": "2024-03-01T09:00:00+00:00",
}


def test_a_stored_state_has_only_the_apps_keys():
    state, _ = review(None, 1.0, NOW, "high")
    assert set(state) == STORED_KEYS and state["v"] == STATE_VERSION == 1
    assert "card_id" not in state
    for later in (review(state, 0.0, NOW + timedelta(days=9))[0], new_card(NOW), normalize(LEGACY)):
        assert set(later) == STORED_KEYS


def test_the_first_review_gives_the_documented_version_1_state():
    assert review(None, 1.0, NOW, "high")[0] == VERSION_1


def test_the_legacy_fsrs_shape_is_read_as_the_same_card():
    assert is_legacy(LEGACY) and not is_legacy(VERSION_1)
    assert normalize(LEGACY) == VERSION_1
    assert to_card(LEGACY).to_dict() == to_card(VERSION_1).to_dict() == LEGACY
    due = datetime.fromisoformat(LEGACY["due"])
    for score in (0.0, 0.5, 1.0):
        from_legacy = review(copy.deepcopy(LEGACY), score, due)
        assert from_legacy == review(VERSION_1, score, due)
        assert set(from_legacy[0]) == STORED_KEYS  # the next write is in the new shape


def test_the_legacy_shape_written_by_fsrs_itself_is_read():
    # Whatever this fsrs writes with to_dict() (card ids are epoch milliseconds when not given).
    card = Scheduler(enable_fuzzing=False).review_card(Card(due=NOW), Rating.Good, review_datetime=NOW)[0]
    assert normalize(card.to_dict()) == to_state(card)


def test_reviews_through_stored_json_schedule_exactly_as_fsrs_does():
    scheduler = Scheduler(learning_steps=LEARNING_STEPS, relearning_steps=RELEARNING_STEPS, enable_fuzzing=False)
    native, stored, when = Card(card_id=1, due=NOW), None, NOW
    for score, confidence in [(1.0, None), (0.0, None), (0.5, None), (1.0, "low"), (1.0, "high"), (1.0, None), (0.0, "high")]:
        native, _ = scheduler.review_card(native, rating_for(score, confidence), review_datetime=when)
        state, due = review(stored, score, when, confidence)
        assert state == to_state(native) and due == native.due
        stored = json.loads(json.dumps(state))
        when = due + timedelta(hours=1)


def test_times_are_stored_in_utc():
    plus_two = timezone(timedelta(hours=2))
    state, due = review(None, 1.0, NOW.astimezone(plus_two))
    assert state["due"].endswith("+00:00") and state["last_review"] == "2024-03-01T09:00:00+00:00"
    assert due.utcoffset() == timedelta(0)
    shifted = {**VERSION_1, "due": "2024-03-09T11:00:00+02:00", "last_review": "2024-03-01T09:00:00"}  # naive = UTC
    assert normalize(shifted) == VERSION_1


@pytest.mark.parametrize(
    "bad",
    [
        {
            "v": 2,
            "state": 2,
            "step": None,
            "stability": 1.0,
            "difficulty": 1.0,
            "due": "2024-03-09T09:00:00+00:00",
            "last_review": None,
        },
        {"state": 1},  # neither shape
        {**VERSION_1, "state": 4},
        {**VERSION_1, "state": True},
        {**VERSION_1, "step": "0"},
        {**VERSION_1, "stability": "8.3"},
        {**VERSION_1, "due": None},
        {**VERSION_1, "due": "next week"},
        {**LEGACY, "unknown": 1},
        [1, 2],
    ],
)
def test_an_unreadable_state_is_refused(bad):
    with pytest.raises(ValueError):
        normalize(bad)
    with pytest.raises(ValueError):
        review(bad, 1.0, NOW)


states = st.fixed_dictionaries(
    {
        "v": st.just(1),
        "state": st.sampled_from([1, 2, 3]),
        "step": st.none() | st.integers(0, 5),
        "stability": st.none() | st.floats(0.001, 36500),
        "difficulty": st.none() | st.floats(1, 10),
        "due": st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
        "last_review": st.none() | st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
    }
)


@given(states)
def test_a_version_1_state_survives_fsrs_and_json_unchanged(state):
    if state["state"] == 1 and state["step"] is None:
        state = {**state, "step": 0}  # fsrs puts a learning card without a step on step 0
    assert normalize(state) == state
    assert to_state(to_card(json.loads(json.dumps(state)))) == state


# --- learning steps: one step of a day, so a first session's mistakes come back tomorrow, not in minutes ---


@pytest.mark.parametrize(
    "score, confidence, wait",
    [
        (0.0, None, timedelta(days=1)),  # wrong: tomorrow (fsrs's default step: 1 minute)
        (0.5, None, timedelta(days=1, hours=12)),  # partly right: a day and a half (default: 5.5 minutes)
        (1.0, "low", timedelta(days=1, hours=12)),
        (1.0, None, timedelta(days=2)),  # right: graduates to review in 2 days (default: 10 minutes)
        (1.0, "high", timedelta(days=8)),
    ],
)
def test_a_first_answer_comes_back_no_sooner_than_the_next_day(score, confidence, wait):
    assert due_after(score, confidence) == wait


def test_no_first_answer_comes_back_within_the_session():
    assert all(due_after(score, c) >= timedelta(days=1) for score in (0.0, 0.5, 1.0) for c in (None, *CONFIDENCE))


def test_a_review_answered_wrong_relearns_from_the_next_day():
    state, due = review(None, 1.0, NOW, "high")
    lapsed, again = review(state, 0.0, due)
    assert (lapsed["state"], lapsed["step"]) == (3, 0) and again - due == timedelta(days=1)


def test_a_question_answered_wrong_then_right_on_a_retry_graduates_and_comes_back_tomorrow():
    state, _ = review(None, 0.0, NOW)
    retried, due = review(state, 1.0, NOW + timedelta(minutes=2))
    assert retried["state"] == 2 and due - (NOW + timedelta(minutes=2)) == timedelta(days=1)


@pytest.mark.parametrize("score, state, step, wait", [(0.0, 1, 0, timedelta(days=1)), (1.0, 2, None, timedelta(days=2))])
def test_a_card_stored_on_a_step_the_scheduler_no_longer_has_is_still_reviewed(score, state, step, wait):
    # Written under fsrs's default steps (1 min, 10 min): a learning card on step 1, due 10 minutes on.
    old = {**VERSION_1, "state": 1, "step": 1, "stability": 2.3065, "difficulty": 2.1181, "due": "2024-03-01T09:10:00+00:00"}
    old["last_review"] = "2024-03-01T09:00:00+00:00"
    when = NOW + timedelta(minutes=10)
    after, due = review(old, score, when)
    assert (after["state"], after["step"]) == (state, step) and due - when == wait
    relearning = {**VERSION_1, "state": 3, "step": 0}  # fsrs's default has one relearning step too: step 0 stays valid
    assert review(relearning, 0.0, NOW)[1] - NOW == timedelta(days=1)


# --- when a question comes back, in words ---


@pytest.mark.parametrize(
    "wait, words",
    [
        (timedelta(seconds=-5), "now"),
        (timedelta(seconds=20), "now"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(minutes=10), "in 10 minutes"),
        (timedelta(minutes=59, seconds=40), "in 1 hour"),
        (timedelta(hours=5, minutes=20), "in 5 hours"),
        (timedelta(hours=23, minutes=40), "in 1 day"),
        (timedelta(days=1), "in 1 day"),
        (timedelta(days=1, hours=12), "in 2 days"),
        (timedelta(days=3), "in 3 days"),
        (timedelta(days=13), "in 13 days"),
        (timedelta(days=14), "in 2 weeks"),
        (timedelta(days=39), "in 6 weeks"),
        (timedelta(days=66), "in 2 months"),
        (timedelta(days=400), "in 1 year"),
    ],
)
def test_describe_wait(wait, words):
    assert describe_wait(NOW + wait, NOW) == words


def test_describe_wait_reads_naive_times_as_utc():
    assert describe_wait(datetime(2024, 3, 4, 9, 0), NOW) == "in 3 days"


# --- the 7-day forecast ---


def test_forecast_counts_per_day_with_overdue_today_and_later_days_left_out():
    dues = [NOW - timedelta(days=3), NOW, NOW + timedelta(hours=10), NOW + timedelta(days=1), NOW + timedelta(days=6, hours=14)]
    dues += [NOW + timedelta(days=7), NOW + timedelta(days=30)]
    days = forecast(dues, NOW, UTC)
    assert [d.count for d in days] == [3, 1, 0, 0, 0, 0, 1]
    assert [d.label for d in days] == ["Today", "Tomorrow", "Sunday 3 March", "Monday 4 March", "Tuesday 5 March",
                                       "Wednesday 6 March", "Thursday 7 March"]  # fmt: skip
    assert days[0].day == date(2024, 3, 1)


def test_forecast_counts_days_in_the_learners_zone():
    # 22:30 UTC on 1 March is 01:30 on 2 March in Moscow (UTC+3): today in UTC, tomorrow in Moscow.
    late = datetime(2024, 3, 1, 22, 30, tzinfo=UTC)
    assert [d.count for d in forecast([late], NOW, UTC)][:2] == [1, 0]
    assert [d.count for d in forecast([late], NOW, ZoneInfo("Europe/Moscow"))][:2] == [0, 1]
    after_midnight = forecast([late], datetime(2024, 3, 1, 21, 30, tzinfo=UTC), ZoneInfo("Europe/Moscow"))
    assert after_midnight[0].day == date(2024, 3, 2) and after_midnight[0].count == 1


def test_an_empty_forecast_still_has_seven_days():
    assert [d.count for d in forecast([], NOW, UTC)] == [0] * 7
