"""Numeric keys are shown as people write numbers, never in exponent form."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.grading import parse_number
from course.text import format_number


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (20_900_000, "20,900,000"),
        (1_000_000, "1,000,000"),
        (2.09e7, "20,900,000"),
        (1500, "1,500"),
        (12.5, "12.5"),
        (0.25, "0.25"),
        (0, "0"),
        (-162000, "-162,000"),
        (1e-7, "0.0000001"),
        (310.0, "310"),
    ],
)
def test_numbers_of_any_size_show_without_an_exponent(value, shown):
    assert format_number(value) == shown


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_a_shown_number_reads_back_as_the_same_number(value):
    assert parse_number(format_number(value)) == pytest.approx(value, rel=1e-12, abs=1e-12)
