"""The suite's random draws repeat from run to run, so a test cannot pass or fail by luck."""

import random

from hypothesis import settings

from app import randomness


def test_property_tests_draw_the_same_examples_every_run_and_have_no_deadline():
    assert settings.default.derandomize is True
    assert settings.default.deadline is None
    assert settings.default.database is None


def test_the_apps_random_draws_follow_a_seed_fixed_by_the_test(request):
    expected = random.Random(request.node.nodeid)
    assert [randomness.new_seed() for _ in range(3)] == [f"{expected.getrandbits(64):016x}" for _ in range(3)]
    assert randomness.choose("abcdefgh") == expected.choice("abcdefgh")
