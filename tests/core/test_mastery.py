"""Mastery: mean of the 5 most recent answers per objective; mastered at >= 0.8 over >= 3 answers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from course.mastery import MIN_ANSWERS, THRESHOLD, WINDOW, Mastery, ScoredAnswer, mastery_by_objective, weakest

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def answers(objective: str, scores: list[float], start: datetime = T0) -> list[ScoredAnswer]:
    """Answers to one objective, one minute apart, oldest first."""
    return [ScoredAnswer(objective, s, start + timedelta(minutes=i)) for i, s in enumerate(scores)]


def one(scores: list[float]) -> Mastery:
    return mastery_by_objective(answers("o1", scores), ["o1"])["o1"]


def test_the_documented_constants():
    assert (WINDOW, MIN_ANSWERS, THRESHOLD) == (5, 3, 0.8)


@pytest.mark.parametrize(
    "scores, score, count, status",
    [
        ([], 0.0, 0, "not started"),
        ([0.0], 0.0, 1, "learning"),
        ([1.0], 1.0, 1, "learning"),
        ([1.0, 1.0], 1.0, 2, "learning"),  # too few answers to be mastered
        ([1.0, 1.0, 1.0], 1.0, 3, "mastered"),
        ([1.0, 1.0, 0.4], 0.8, 3, "mastered"),  # exactly at the threshold
        ([1.0, 1.0, 0.39], 0.7967, 3, "learning"),
        ([1.0, 1.0, 1.0, 1.0, 0.0], 0.8, 5, "mastered"),
        ([1.0, 1.0, 1.0, 0.0, 0.0], 0.6, 5, "learning"),
        ([0.8, 0.8, 0.8], 0.8, 3, "mastered"),
        ([0.5, 0.5, 0.5, 0.5], 0.5, 4, "learning"),
        ([1.0, 0.0, 0.0], 0.3333, 3, "learning"),  # rounded to 4 places
    ],
)
def test_rule(scores, score, count, status):
    m = one(scores)
    assert (m.score, m.answers, m.status) == (score, count, status)


def test_only_the_five_most_recent_answers_count():
    m = one([0.0] * 5 + [1.0] * 5)
    assert (m.score, m.answers, m.status) == (1.0, 5, "mastered")


def test_recent_mistakes_undo_mastery():
    m = one([1.0] * 5 + [0.0] * 3)
    assert m.score == 0.4 and m.answers == 5 and m.status == "learning"


def test_window_is_by_time_not_by_input_order():
    history = answers("o1", [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    shuffled = history[:]
    random.Random(3).shuffle(shuffled)
    assert mastery_by_objective(shuffled, ["o1"]) == mastery_by_objective(history, ["o1"])
    assert mastery_by_objective(reversed(history), ["o1"])["o1"].score == 1.0


def test_window_spans_days():
    old = answers("o1", [1.0] * 5, start=T0 - timedelta(days=30))
    recent = answers("o1", [0.0, 0.0], start=T0)
    m = mastery_by_objective(old + recent, ["o1"])["o1"]
    assert m.answers == 5 and m.score == 0.6  # the 2 recent answers and the 3 newest old ones


def test_objectives_are_kept_apart_and_unlisted_ones_ignored():
    data = answers("o1", [1.0, 1.0, 1.0]) + answers("o2", [0.0, 1.0]) + answers("other", [1.0] * 5)
    result = mastery_by_objective(data, ["o1", "o2", "o3"])
    assert list(result) == ["o1", "o2", "o3"]
    assert result["o1"] == Mastery("o1", 1.0, 3)
    assert result["o2"] == Mastery("o2", 0.5, 2)
    assert result["o3"] == Mastery("o3", 0.0, 0)
    assert [m.status for m in result.values()] == ["mastered", "learning", "not started"]


def test_answers_may_be_a_generator():
    result = mastery_by_objective((a for a in answers("o1", [1.0, 1.0, 1.0])), iter(["o1"]))
    assert result["o1"].status == "mastered"


@pytest.mark.parametrize(
    "score, count, status",
    [
        (0.0, 0, "not started"),
        (0.9, 0, "not started"),
        (0.9, 2, "learning"),
        (0.79, 5, "learning"),
        (0.8, 3, "mastered"),
        (1.0, 5, "mastered"),
        (0.0, 4, "learning"),
    ],
)
def test_status(score, count, status):
    assert Mastery("o", score, count).status == status


def test_weakest_lists_tried_unmastered_objectives_lowest_first():
    masteries = [
        Mastery("mastered", 1.0, 5),
        Mastery("not-started", 0.0, 0),
        Mastery("b", 0.5, 4),
        Mastery("a", 0.2, 1),
        Mastery("c", 0.9, 2),  # high score but too few answers: still to work on
    ]
    assert [m.objective for m in weakest(masteries)] == ["a", "b", "c"]


def test_weakest_ties_prefer_more_answers_then_objective_id():
    masteries = [Mastery("z", 0.5, 2), Mastery("y", 0.5, 4), Mastery("x", 0.5, 2), Mastery("w", 0.6, 5)]
    assert [m.objective for m in weakest(masteries, limit=4)] == ["y", "x", "z", "w"]


def test_weakest_limit():
    masteries = [Mastery(f"o{i}", i / 10, 3) for i in range(6)]
    assert [m.objective for m in weakest(masteries)] == ["o0", "o1", "o2"]
    assert [m.objective for m in weakest(masteries, limit=1)] == ["o0"]
    assert weakest(masteries, limit=0) == []
    assert len(weakest(masteries, limit=10)) == 6


def test_weakest_of_nothing_tried_or_all_mastered_is_empty():
    assert weakest([Mastery("a", 0.0, 0), Mastery("b", 1.0, 3)]) == []
    assert weakest([]) == []


def test_weakest_from_computed_masteries():
    data = answers("o1", [1.0] * 3) + answers("o2", [0.0, 0.5]) + answers("o3", [1.0, 0.0, 1.0, 0.0])
    result = mastery_by_objective(data, ["o1", "o2", "o3", "o4"])
    assert [m.objective for m in weakest(result.values())] == ["o2", "o3"]
