"""Presentation: seeded display order of choices, matching options and ordering items."""

from __future__ import annotations

import pytest

from course.presentation import Presentation, present, rng_for
from tests.core.factories import (
    matching,
    multiple_response,
    numeric,
    one_of_each,
    ordering,
    short_answer,
    single_choice,
    true_false,
)

SEEDS = [f"seed-{i}" for i in range(40)]


@pytest.mark.parametrize("question", one_of_each(), ids=lambda q: q.type)
def test_same_seed_gives_the_same_presentation(question):
    assert present(question, "attempt-42") == present(question, "attempt-42")


def test_rng_depends_only_on_seed_and_question():
    assert [rng_for("s", "q").random() for _ in range(3)] == [rng_for("s", "q").random() for _ in range(3)]
    assert rng_for("s", "q").random() != rng_for("s", "q2").random()
    assert rng_for("s", "q").random() != rng_for("t", "q").random()


def test_presentation_depends_on_question_id_not_on_other_content():
    # A fixed typo in a prompt must not reshuffle a learner's attempt.
    a = single_choice(qid="same-id", key=1, n=5)
    b = a.model_copy(update={"prompt": "A reworded prompt?"})
    for seed in SEEDS[:10]:
        assert present(a, seed) == present(b, seed)


@pytest.mark.parametrize(
    "question, field",
    [
        (single_choice(n=5), "choice_order"),
        (multiple_response(n=6, keys=(0, 2)), "choice_order"),
        (matching(), "options"),
        (ordering(sequence=list("abcdef")), "items"),
    ],
    ids=["single_choice", "multiple_response", "matching", "ordering"],
)
def test_different_seeds_give_different_orders(question, field):
    orders = {getattr(present(question, seed), field) for seed in SEEDS}
    assert len(orders) > 1


def test_same_seed_differs_between_questions():
    orders = {present(single_choice(qid=f"q-{i}", n=5), "one-seed").choice_order for i in range(20)}
    assert len(orders) > 1


@pytest.mark.parametrize("n", [3, 4, 5])
def test_single_choice_order_is_a_permutation_of_the_choices(n):
    for seed in SEEDS:
        shown = present(single_choice(n=n, key=0), seed)
        assert sorted(shown.choice_order) == list(range(n))
        assert shown.options == () and shown.items == ()


def test_multiple_response_order_is_a_permutation_of_the_choices():
    for seed in SEEDS:
        shown = present(multiple_response(n=8, keys=(1, 4)), seed)
        assert sorted(shown.choice_order) == list(range(8))


def test_choice_key_is_not_always_shown_in_the_same_place():
    positions = {present(single_choice(n=4, key=0), seed).choice_order.index(0) for seed in SEEDS}
    assert len(positions) > 1


def test_no_shuffle_keeps_the_authored_order():
    assert present(single_choice(n=5), "s", shuffle=False).choice_order == (0, 1, 2, 3, 4)
    assert present(multiple_response(n=4), "s", shuffle=False).choice_order == (0, 1, 2, 3)
    assert present(matching(distractors=("X", "Y")), "s", shuffle=False).options == ("1", "2", "3", "4", "X", "Y")


@pytest.mark.parametrize("sequence", [("a", "b", "c"), ("a", "b", "c", "d"), tuple("abcdefgh")])
@pytest.mark.parametrize("shuffle", [True, False])
def test_ordering_items_are_never_shown_in_the_correct_order(sequence, shuffle):
    q = ordering(sequence=sequence)
    for i in range(500):
        items = present(q, f"seed-{i}", shuffle=shuffle).items
        assert sorted(items) == sorted(sequence)
        assert list(items) != list(sequence)


def test_ordering_presentation_has_only_items():
    shown = present(ordering(), "s")
    assert shown.choice_order == () and shown.options == ()


def test_matching_options_include_every_right_item_and_distractor_once():
    q = matching(distractors=("X", "Y"))
    for seed in SEEDS:
        shown = present(q, seed)
        assert sorted(shown.options) == ["1", "2", "3", "4", "X", "Y"]
        assert shown.choice_order == () and shown.items == ()


def test_matching_distractors_are_shuffled_among_the_options():
    q = matching(distractors=("X",))
    positions = {present(q, seed).options.index("X") for seed in SEEDS}
    assert len(positions) > 1


def test_matching_without_distractors_offers_just_the_rights():
    q = matching(pairs=(("A", "1"), ("B", "2")), distractors=())
    assert sorted(present(q, "s").options) == ["1", "2"]


@pytest.mark.parametrize("question", [true_false(), short_answer(), numeric()], ids=lambda q: q.type)
def test_types_without_parts_have_an_empty_presentation(question):
    assert present(question, "s") == Presentation()
