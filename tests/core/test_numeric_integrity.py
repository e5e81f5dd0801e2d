"""Numeric answers: only finite numbers are read, so no typed value can score without being right."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.grading import grade, is_non_finite, parse_number
from course.presentation import present
from course.responses import ResponseError, parse_response
from tests.core.factories import numeric

CAMERAS = numeric(answer=162000, unit="cameras")
SMALL = numeric(answer=12.5)

HUGE = ["1e999", "-1e999", "1E400", "+1e999", "-1e999 cameras", "$1e999", "1e999%", "1e309"]


@pytest.mark.parametrize("typed", HUGE)
def test_an_infinite_number_never_scores_on_a_numeric_question(typed):
    for question in (CAMERAS, SMALL):
        result = grade(question, typed)
        assert result.score == 0.0 and not result.correct
        assert "finite number" in (result.note or "")


@pytest.mark.parametrize("typed", HUGE)
def test_an_infinite_number_is_refused_with_a_clear_message_before_it_is_stored(typed):
    with pytest.raises(ResponseError, match="Type a finite number"):
        parse_response(CAMERAS, present(CAMERAS, "s"), lambda name: [typed] if name == "answer" else [])


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_non_finite_floats_are_not_numbers(value):
    assert parse_number(value) is None
    assert grade(SMALL, value).score == 0.0


def test_ordinary_input_is_not_taken_for_an_infinite_number():
    assert not is_non_finite("162,000 cameras", "cameras")
    assert not is_non_finite("many")
    assert is_non_finite("-1e999 cameras", "cameras")


TYPED = st.one_of(
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.from_regex(r"\A[-+]?\d{1,3}(\.\d{0,3})?[eE][-+]?\d{1,4}\Z"),
    st.floats(allow_nan=True, allow_infinity=True),
)


@given(TYPED)
def test_every_value_the_parser_accepts_is_finite(typed):
    value = parse_number(typed)
    assert value is None or math.isfinite(value)
    value = parse_number(typed, "cameras")
    assert value is None or math.isfinite(value)


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: abs(v - 162000) > 1))
def test_grading_a_finite_value_far_from_the_key_never_scores(value):
    assert grade(CAMERAS, repr(value)).score == 0.0
    assert grade(CAMERAS, value).score == 0.0
