"""Responses: form fields -> plain responses (and errors), JSON storage, and redisplay."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from course.presentation import Presentation, present
from course.responses import MAX_TEXT, ResponseError, form_values, from_json, parse_response, to_json
from tests.core.factories import (
    matching,
    multiple_response,
    numeric,
    ordering,
    short_answer,
    single_choice,
    true_false,
)


def fields(**values: str | Iterable[str]):
    """A getlist over submitted fields (names with '-' given with '_')."""
    data = {name.replace("_", "-"): ([v] if isinstance(v, str) else list(v)) for name, v in values.items()}
    return lambda name: list(data.get(name, []))


def getlist_from(values: Mapping[str, Any]):
    """A getlist that submits what form_values says each field shows (a set: the ticked values)."""

    def getlist(name: str) -> list[str]:
        value = values.get(name)
        if value is None:
            return []
        if isinstance(value, (set, frozenset, list, tuple)):
            return sorted(value)
        return [value]

    return getlist


SC = single_choice(n=4, key=2)
MR = multiple_response(n=5, keys=(0, 3))
TF = true_false()
SA = short_answer()
NU = numeric(answer=162000, unit="cameras")
MA = matching(distractors=("X", "Y"))
OR = ordering()
SEED = "attempt-7"


def test_response_error_is_a_value_error():
    assert issubclass(ResponseError, ValueError)


# --------------------------------------------------------------------------- parse_response


@pytest.mark.parametrize("value, expected", [("0", 0), ("2", 2), ("3", 3), (" 1 ", 1), ("", None), ("  ", None)])
def test_single_choice(value, expected):
    assert parse_response(SC, present(SC, SEED), fields(answer=value)) == expected


def test_single_choice_no_field_is_unanswered():
    assert parse_response(SC, present(SC, SEED), fields()) is None


@pytest.mark.parametrize("value", ["4", "-1", "99", "abc", "1.5", "one"])
def test_single_choice_invalid_index(value):
    with pytest.raises(ResponseError, match="not one of the options"):
        parse_response(SC, present(SC, SEED), fields(answer=value))


@pytest.mark.parametrize(
    "values, expected",
    [
        (["0", "3"], frozenset({0, 3})),
        (["4"], frozenset({4})),
        (["1", "1"], frozenset({1})),
        ([], frozenset()),
        ([""], frozenset()),
        (["", " 2 "], frozenset({2})),
    ],
)
def test_multiple_response(values, expected):
    assert parse_response(MR, present(MR, SEED), fields(answer=values)) == expected


@pytest.mark.parametrize("values", [["5"], ["0", "-1"], ["x"], ["0", "2.0"]])
def test_multiple_response_invalid_index(values):
    with pytest.raises(ResponseError, match="not one of the options"):
        parse_response(MR, present(MR, SEED), fields(answer=values))


@pytest.mark.parametrize("value, expected", [("true", True), ("false", False), ("", None), (" true ", True)])
def test_true_false(value, expected):
    assert parse_response(TF, Presentation(), fields(answer=value)) is expected


@pytest.mark.parametrize("value", ["yes", "1", "0", "maybe"])
def test_true_false_invalid(value):
    with pytest.raises(ResponseError, match="true or false"):
        parse_response(TF, Presentation(), fields(answer=value))


@pytest.mark.parametrize("question", [SA, NU], ids=lambda q: q.type)
def test_text_answers_are_returned_as_typed_but_trimmed(question):
    assert parse_response(question, Presentation(), fields(answer="  162,000 Cameras \n")) == "162,000 Cameras"
    assert parse_response(question, Presentation(), fields(answer="")) == ""
    assert parse_response(question, Presentation(), fields()) == ""


@pytest.mark.parametrize("question", [SA, NU], ids=lambda q: q.type)
def test_text_answers_have_a_length_limit(question):
    assert parse_response(question, Presentation(), fields(answer="x" * MAX_TEXT)) == "x" * MAX_TEXT
    with pytest.raises(ResponseError, match=str(MAX_TEXT)):
        parse_response(question, Presentation(), fields(answer="x" * (MAX_TEXT + 1)))


def test_text_answer_length_is_counted_after_trimming():
    assert parse_response(SA, Presentation(), fields(answer=" " + "x" * MAX_TEXT + " ")) == "x" * MAX_TEXT


def test_matching_maps_each_left_to_the_chosen_option():
    shown = present(MA, SEED)
    got = parse_response(MA, shown, fields(match_0="1", match_1="X", match_3="3"))
    assert got == {"A": "1", "B": "X", "D": "3"}


def test_matching_empty_is_an_empty_dict():
    shown = present(MA, SEED)
    assert parse_response(MA, shown, fields()) == {}
    assert parse_response(MA, shown, fields(match_0="", match_1="")) == {}


@pytest.mark.parametrize("value", ["5", "Z", "1 ", "x"])
def test_matching_option_not_shown_is_an_error(value):
    with pytest.raises(ResponseError, match="not one of the options"):
        parse_response(MA, present(MA, SEED), fields(match_2=value))


def test_ordering_positions_refer_to_items_as_shown():
    shown = Presentation(items=("c", "a", "d", "b"))
    # c is 3rd, a is 1st, d is 4th, b is 2nd
    got = parse_response(OR, shown, fields(pos_0="3", pos_1="1", pos_2="4", pos_3="2"))
    assert got == ["a", "b", "c", "d"]


def test_ordering_with_a_real_presentation():
    shown = present(OR, SEED)
    positions = {f"pos_{i}": str(OR.sequence.index(item) + 1) for i, item in enumerate(shown.items)}
    assert parse_response(OR, shown, fields(**positions)) == OR.sequence


def test_ordering_untouched_is_empty():
    shown = present(OR, SEED)
    assert parse_response(OR, shown, fields()) == []
    assert parse_response(OR, shown, fields(pos_0="", pos_1=" ", pos_2="", pos_3="")) == []


@pytest.mark.parametrize(
    "positions, message",
    [
        (("1", "2", "3", ""), "Give every item a position."),
        (("1", "", "", ""), "Give every item a position."),
        (("1", "1", "2", "3"), "Give every item a different position."),
        (("0", "1", "2", "3"), "not one of the options"),
        (("1", "2", "3", "5"), "not one of the options"),
        (("1", "2", "3", "four"), "not one of the options"),
    ],
)
def test_ordering_invalid_positions(positions, message):
    shown = present(OR, SEED)
    with pytest.raises(ResponseError, match=message):
        parse_response(OR, shown, fields(**{f"pos_{i}": p for i, p in enumerate(positions)}))


# --------------------------------------------------------------------------- JSON storage

ROUND_TRIPS = [
    (SC, 2),
    (SC, 0),
    (SC, None),
    (MR, frozenset({0, 3})),
    (MR, frozenset()),
    (MR, frozenset({4})),
    (TF, True),
    (TF, False),
    (TF, None),
    (SA, "Great Firewall"),
    (SA, ""),
    (SA, "Xi\u2019s “policy”"),
    (NU, "162,000 cameras"),
    (NU, ""),
    (MA, {"A": "1", "B": "X"}),
    (MA, {}),
    (MA, {"A": "1", "B": "2", "C": "3", "D": "4"}),
    (OR, ["b", "a", "d", "c"]),
    (OR, []),
]


@pytest.mark.parametrize("question, response", ROUND_TRIPS, ids=lambda v: getattr(v, "type", None) or repr(v))
def test_json_round_trip(question, response):
    stored = json.loads(json.dumps(to_json(question, response)))
    assert from_json(question, stored) == response


def test_multiple_response_is_stored_as_a_sorted_list():
    assert to_json(MR, frozenset({3, 0, 4})) == [0, 3, 4]
    assert from_json(MR, [3, 0]) == frozenset({0, 3})
    assert from_json(MR, None) == frozenset()


# --------------------------------------------------------------------------- redisplay


@pytest.mark.parametrize("question, response", ROUND_TRIPS, ids=lambda v: getattr(v, "type", None) or repr(v))
def test_form_values_round_trip(question, response):
    shown = present(question, SEED)
    values = form_values(question, shown, response)
    assert parse_response(question, shown, getlist_from(values)) == response


@pytest.mark.parametrize("seed", [f"s{i}" for i in range(10)])
def test_form_values_round_trip_ordering_for_any_presentation(seed):
    shown = present(OR, seed)
    for response in (["a", "b", "c", "d"], ["d", "c", "b", "a"], list(shown.items)):
        assert parse_response(OR, shown, getlist_from(form_values(OR, shown, response))) == response


def test_form_values_per_type():
    assert form_values(SC, Presentation(), 2) == {"answer": {"2"}}
    assert form_values(SC, Presentation(), 0) == {"answer": {"0"}}
    assert form_values(MR, Presentation(), frozenset({0, 3})) == {"answer": {"0", "3"}}
    assert form_values(TF, Presentation(), False) == {"answer": {"false"}}
    assert form_values(TF, Presentation(), True) == {"answer": {"true"}}
    assert form_values(SA, Presentation(), "Great Firewall") == {"answer": "Great Firewall"}
    assert form_values(MA, Presentation(options=("1", "2", "3", "4", "X")), {"B": "X"}) == {
        "match-0": "",
        "match-1": "X",
        "match-2": "",
        "match-3": "",
    }
    assert form_values(OR, Presentation(items=("c", "a", "d", "b")), ["a", "b", "c", "d"]) == {
        "pos-0": "3",
        "pos-1": "1",
        "pos-2": "4",
        "pos-3": "2",
    }


@pytest.mark.parametrize("question", [SC, MR, TF, SA, NU, MA, OR], ids=lambda q: q.type)
def test_form_values_of_no_response_is_empty(question):
    assert form_values(question, present(question, SEED), None) == {}
