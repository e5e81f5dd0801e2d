"""Drawing a quiz: count respected, stratified over objectives, reproducible from the seed."""

from __future__ import annotations

from collections import Counter

import pytest

from course.drawing import draw
from tests.core.factories import single_choice

SEEDS = [f"quiz-{i}" for i in range(30)]


def bank(per_objective: dict[str, int]) -> list:
    """Single-choice questions: `n` for each objective."""
    return [single_choice(qid=f"{o}-q{i}", objective=o) for o, n in per_objective.items() for i in range(n)]


def spread(questions) -> Counter:
    return Counter(q.objective for q in questions)


FIVE = bank({f"o{i}": 6 for i in range(5)})


@pytest.mark.parametrize("count", [1, 3, 7, 10, 15, 30])
def test_count_is_respected_without_repeats(count):
    for seed in SEEDS:
        picked = draw(FIVE, count, seed)
        assert len(picked) == count
        assert len({q.id for q in picked}) == count
        assert all(q in FIVE for q in picked)


def test_ten_over_five_objectives_asks_two_of_each():
    for seed in SEEDS:
        assert sorted(spread(draw(FIVE, 10, seed)).values()) == [2, 2, 2, 2, 2]


@pytest.mark.parametrize("count", range(1, 31))
def test_objectives_differ_by_at_most_one_question(count):
    for seed in SEEDS[:10]:
        counts = spread(draw(FIVE, count, seed))
        full = [counts.get(f"o{i}", 0) for i in range(5)]
        assert max(full) - min(full) <= 1, (count, seed, full)


def test_small_objectives_give_what_they_have_and_others_fill_in():
    questions = bank({"o0": 1, "o1": 6, "o2": 6, "o3": 6, "o4": 6})
    for seed in SEEDS:
        counts = spread(draw(questions, 10, seed))
        assert sum(counts.values()) == 10
        assert counts["o0"] == 1
        assert sorted(counts[o] for o in ("o1", "o2", "o3", "o4")) == [2, 2, 2, 3]


def test_three_objectives_ten_questions():
    questions = bank({"a": 5, "b": 5, "c": 5})
    for seed in SEEDS:
        assert sorted(spread(draw(questions, 10, seed)).values()) == [3, 3, 4]


def test_same_seed_draws_the_same_questions_in_the_same_order():
    for seed in SEEDS:
        assert [q.id for q in draw(FIVE, 10, seed)] == [q.id for q in draw(list(FIVE), 10, seed)]


def test_different_seeds_draw_differently():
    draws = {tuple(q.id for q in draw(FIVE, 10, seed)) for seed in SEEDS}
    assert len(draws) > 1
    chosen = {frozenset(q.id for q in draw(FIVE, 10, seed)) for seed in SEEDS}
    assert len(chosen) > 1  # not just a reshuffle of the same questions


def test_fewer_questions_than_count_returns_all():
    questions = bank({"a": 2, "b": 1})
    for seed in SEEDS[:5]:
        picked = draw(questions, 10, seed)
        assert sorted(q.id for q in picked) == sorted(q.id for q in questions)


def test_count_equal_to_the_bank_returns_all():
    picked = draw(FIVE, len(FIVE), "s")
    assert sorted(q.id for q in picked) == sorted(q.id for q in FIVE)


@pytest.mark.parametrize("count", [0, -1])
def test_nothing_to_draw(count):
    assert draw(FIVE, count, "s") == []


def test_empty_bank():
    assert draw([], 10, "s") == []


def test_the_bank_is_not_changed():
    questions = bank({"a": 3, "b": 3})
    before = list(questions)
    draw(questions, 4, "s")
    assert questions == before
    assert len(draw(tuple(questions), 4, "s")) == 4
