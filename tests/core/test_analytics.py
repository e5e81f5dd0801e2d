"""Item analysis, checked against values worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from course.analytics import (
    LOW_DISCRIMINATION,
    SMALL_SAMPLE,
    TOO_EASY,
    TOO_HARD,
    ItemInfo,
    ItemResponse,
    TestStats,
    analyse,
    fisher_interval,
    wilson_interval,
)

approx = pytest.approx


def matrix(rows: dict[object, dict[str, float]]) -> list[ItemResponse]:
    """Responses from {attempt: {item: score}}."""
    return [ItemResponse(a, item, float(score)) for a, scores in rows.items() for item, score in scores.items()]


def grid(rows: dict[object, tuple[float, ...]], names: tuple[str, ...] = ("i1", "i2", "i3")) -> list[ItemResponse]:
    return matrix({a: dict(zip(names, scores, strict=True)) for a, scores in rows.items()})


def item(stats: TestStats, item_id: str):
    return next(s for s in stats.items if s.item_id == item_id)


# ---------------------------------------------------------------------------------------------
# A 5-learner × 3-item dichotomous matrix.
#
#        i1 i2 i3 | total  attempt score
#    A    1  1  1 |   3       1
#    B    1  1  0 |   2       2/3
#    C    1  0  0 |   1       1/3
#    D    0  1  0 |   1       1/3
#    E    0  0  0 |   0       0
# ---------------------------------------------------------------------------------------------
FIVE = grid({"A": (1, 1, 1), "B": (1, 1, 0), "C": (1, 0, 0), "D": (0, 1, 0), "E": (0, 0, 0)})


def test_five_by_three_test_level_figures():
    stats = analyse(FIVE)
    assert (stats.n_attempts, stats.n_items) == (5, 3)
    # mean attempt score = (1 + 2/3 + 1/3 + 1/3 + 0) / 5 = (7/3) / 5 = 7/15
    assert stats.mean == approx(7 / 15)
    # totals 3,2,1,1,0: mean 1.4, squared deviations 2.56+0.36+0.16+0.16+1.96 = 5.2, variance 5.2/4 = 1.3;
    # attempt scores are totals / 3, so sd = √1.3 / 3 = 0.380058
    assert stats.sd == approx(math.sqrt(1.3) / 3) and stats.sd == approx(0.380058, abs=1e-6)
    # item variances (n-1): i1 = i2 = (3·0.4² + 2·0.6²)/4 = 1.2/4 = 0.3; i3 = (0.8² + 4·0.2²)/4 = 0.8/4 = 0.2
    # KR-20 = 3/2 · (1 - (0.3+0.3+0.2)/1.3) = 1.5 · 0.5/1.3 = 15/26 = 0.576923
    assert stats.alpha_method == "KR-20"
    assert stats.alpha == approx(15 / 26) and stats.alpha == approx(0.576923, abs=1e-6)
    # SEM = sd·√(1-α): SEM² = (1.3/9)·(11/26) = 11/180, SEM = 0.247207
    assert stats.sem == approx(math.sqrt(11 / 180)) and stats.sem == approx(0.247207, abs=1e-6)


def test_five_by_three_facility_and_wilson_intervals():
    stats = analyse(FIVE)
    i1, i3 = item(stats, "i1"), item(stats, "i3")
    assert [s.item_id for s in stats.items] == ["i1", "i2", "i3"]
    assert (i1.n, i1.facility, i3.facility) == (5, approx(0.6), approx(0.2))
    # sample SD of 1,1,1,0,0: √(1.2/4) = √0.3
    assert i1.sd == approx(math.sqrt(0.3))
    # Wilson, z² = 3.8416, 1 + z²/n = 1.76832:
    # 3/5: centre (0.6 + 0.38416)/1.76832 = 0.98416/1.76832 = 0.556551; half 1.96/1.76832·√(0.24/5 + 3.8416/100)
    #      = 1.108396·√0.086416 = 1.108396·0.293966 = 0.325831 → (0.230720, 0.882382)
    assert i1.facility_ci == approx((0.230720, 0.882382), abs=1e-5)
    # 1/5: centre (0.2 + 0.38416)/1.76832 = 0.330348; half 1.108396·√(0.16/5 + 0.038416) = 0.294124
    #      → (0.036224, 0.624472)
    assert i3.facility_ci == approx((0.036224, 0.624472), abs=1e-6)


def test_five_by_three_item_rest_correlation_and_efficiency():
    stats = analyse(FIVE)
    i1, i2, i3 = stats.items
    # i1 = 1,1,1,0,0 (mean 0.6); rest = mean(i2, i3) = 1, .5, 0, .5, 0 (mean 0.4)
    # dx = .4,.4,.4,-.6,-.6; dy = .6,.1,-.4,.1,-.4
    # Sxy = .24+.04-.16-.06+.24 = 0.30; Sxx = 1.2; Syy = .36+.01+.16+.01+.16 = 0.70
    # r = 0.30/√(1.2·0.7) = 0.30/0.916515 = 0.327327
    assert i1.discrimination == approx(0.327327, abs=1e-6)
    # sorted: x = 0,0,1,1,1 and y = 0,0,.5,.5,1 → Sxy = .24+.24+.04+.04+.24 = 0.80, r_max = 0.872872
    # efficiency = 0.30/0.80 = 0.375
    assert i1.efficiency == approx(0.375)
    # i2 mirrors i1: rest = mean(i1, i3) = 1,.5,.5,0,0 gives the same sums
    assert i2.discrimination == approx(0.327327, abs=1e-6) and i2.efficiency == approx(0.375)
    # i3 = 1,0,0,0,0 (mean .2); rest = mean(i1, i2) = 1,1,.5,.5,0 (mean .6)
    # dx = .8,-.2,-.2,-.2,-.2; dy = .4,.4,-.1,-.1,-.6; Sxy = .32-.08+.02+.02+.12 = 0.40
    # Sxx = 0.8; Syy = .16+.16+.01+.01+.36 = 0.70; r = 0.40/√0.56 = 0.534522
    assert i3.discrimination == approx(0.534522, abs=1e-6)
    # The one correct answer went to the attempt with the best rest score: sorting both sides
    # changes nothing, so r_max = r and efficiency = 1 although r is only 0.53.
    assert i3.efficiency == approx(1.0)


def test_five_by_three_fisher_intervals():
    stats = analyse(FIVE)
    # i1: z = atanh(0.327327) = ½·ln(1.327327/0.672673) = 0.339831; half-width 1.96/√(5-3) = 1.385929
    # → tanh(-1.046098) = -0.780285, tanh(1.725760) = 0.938553
    assert item(stats, "i1").discrimination_ci == approx((-0.780285, 0.938553), abs=1e-6)
    # i3: z = atanh(0.534522) = 0.596455 → tanh(-0.789474) = -0.658111, tanh(1.982384) = 0.962762
    assert item(stats, "i3").discrimination_ci == approx((-0.658111, 0.962762), abs=1e-6)


def test_five_by_three_flags():
    stats = analyse(FIVE)
    # facility 0.6, 0.6 and exactly 0.2 (not below it); r ≥ 0.2; only five attempts
    assert [s.flags for s in stats.items] == [("small sample",)] * 3


# ---------------------------------------------------------------------------------------------
# Partial credit: Cronbach's alpha.
#
#        i1   i2   i3  | total
#    A   1    1    .5  | 2.5
#    B   .5   1    1   | 2.5
#    C   .5   0    .5  | 1.0
#    D   0    .5   0   | 0.5
# ---------------------------------------------------------------------------------------------
PARTIAL = grid({"A": (1, 1, 0.5), "B": (0.5, 1, 1), "C": (0.5, 0, 0.5), "D": (0, 0.5, 0)})


def test_partial_credit_cronbach_alpha():
    stats = analyse(PARTIAL)
    # totals mean 1.625; deviations .875,.875,-.625,-1.125; squares sum 3.1875; variance 3.1875/3 = 1.0625
    # item variances: i1 (1,.5,.5,0) = 0.5/3; i2 (1,1,0,.5; mean .625) = 0.6875/3; i3 (.5,1,.5,0) = 0.5/3
    # sum = 1.6875/3 = 0.5625; α = 3/2 · (1 - 0.5625/1.0625) = 1.5 · 8/17 = 12/17 = 0.705882
    assert stats.alpha_method == "Cronbach's alpha"
    assert stats.alpha == approx(12 / 17)
    # sd of attempt scores = √1.0625/3; SEM² = (1.0625/9)·(5/17) = 5/144, SEM = √5/12 = 0.186339
    assert stats.sem == approx(math.sqrt(5) / 12)
    assert stats.mean == approx(1.625 / 3)


def test_partial_credit_items_use_a_normal_interval_clipped_to_0_1():
    stats = analyse(PARTIAL)
    i1, i2 = item(stats, "i1"), item(stats, "i2")
    # i1: mean .5, sd √(0.5/3) = 0.408248, SE = 0.204124, ±1.96·SE = ±0.400083
    assert i1.sd == approx(0.408248, abs=1e-6)
    assert i1.facility_ci == approx((0.099917, 0.900083), abs=1e-6)
    # i2: mean .625, sd √(0.6875/3) = 0.478714, SE 0.239357, ±0.469140 → (0.155860, 1.094140) → top clipped to 1
    assert i2.facility_ci == approx((0.155860, 1.0), abs=1e-6)


# ---------------------------------------------------------------------------------------------
# Random draws: three items, each attempt draws two.
#
#   attempts 1-3 hold a, b:  a = 1,1,0   b = 1,0,0
#   attempts 4-6 hold a, c:  a = 1,0,0   c = 1,0,0
#   attempts 7-9 hold b, c:  b = 1,1,0   c = 0,1,0
# ---------------------------------------------------------------------------------------------
DRAWS = {
    1: {"a": 1, "b": 1},
    2: {"a": 1, "b": 0},
    3: {"a": 0, "b": 0},
    4: {"a": 1, "c": 1},
    5: {"a": 0, "c": 0},
    6: {"a": 0, "c": 0},
    7: {"b": 1, "c": 0},
    8: {"b": 1, "c": 1},
    9: {"b": 0, "c": 0},
}


def test_random_draws_use_standardised_alpha():
    stats = analyse(matrix(DRAWS))
    # r(a,b) over 1-3: a dev 1/3,1/3,-2/3; b dev 2/3,-1/3,-1/3 → Sxy = (2-1+2)/9 = 1/3, Sxx = Syy = 6/9 → r = 0.5
    # r(a,c) over 4-6: identical columns → r = 1
    # r(b,c) over 7-9: b dev 1/3,1/3,-2/3; c dev -1/3,2/3,-1/3 → Sxy = (-1+2+2)/9 = 1/3 → r = 0.5
    # mean r = 2/3; k = 2 items per attempt; α = 2·(2/3) / (1 + 2/3) = 0.8
    assert stats.alpha_method == "standardised alpha (random draws)"
    assert stats.alpha == approx(0.8)
    # attempt scores 1,.5,0, 1,0,0, .5,1,0: mean 4/9; Σx² = 3.5, SS = 3.5 - 9·(4/9)² = 31/18, var = 31/144
    # SEM² = (31/144)·0.2 = 31/720, SEM = 0.207498
    assert stats.mean == approx(4 / 9)
    assert stats.sd == approx(math.sqrt(31 / 144))
    assert stats.sem == approx(math.sqrt(31 / 720))


def test_random_draws_item_rest_correlation():
    c = item(analyse(matrix(DRAWS)), "c")
    # c over attempts 4-9 = 1,0,0,0,1,0 (mean 1/3); rest is the other item: 1,0,0,1,1,0 (mean 1/2)
    # Sxy = 1/3+1/6+1/6-1/6+1/3+1/6 = 1; Sxx = 2·4/9 + 4·1/9 = 4/3; Syy = 6·1/4 = 1.5 → r = 1/√2 = 0.707107
    assert c.n == 6
    assert c.discrimination == approx(1 / math.sqrt(2))
    # sorted: x = 0,0,0,0,1,1 and y = 0,0,0,1,1,1 → Sxy = 3·(1/6) - 1/6 + 2·(1/3) = 1 = unsorted → efficiency 1
    assert c.efficiency == approx(1.0)


def test_random_draws_k_is_the_mean_number_of_items_per_attempt():
    # One more attempt holding only a: no pair changes, k = (9·2 + 1)/10 = 1.9
    # α = 1.9·(2/3) / (1 + 0.9·(2/3)) = 1.266667/1.6 = 0.791667
    stats = analyse(matrix({**DRAWS, 10: {"a": 1}}))
    assert stats.alpha == approx(1.9 * (2 / 3) / (1 + 0.9 * (2 / 3)))
    assert stats.alpha == approx(0.791667, abs=1e-6)
    # the lone attempt has no rest score, so it does not enter a's correlation: a appears in 7 attempts, 6 count
    a = item(stats, "a")
    assert a.n == 7
    assert a.discrimination is not None


def test_random_draws_skip_pairs_with_too_few_shared_attempts_or_no_variance():
    # (a, d) shares only 2 attempts (r would be 1) and (a, e) has e constant: both skipped, so mean r
    # stays 2/3 and, with k still 2, α stays 0.8
    extra = {10: {"a": 1, "d": 1}, 11: {"a": 0, "d": 0}, 12: {"a": 1, "e": 1}, 13: {"a": 0, "e": 1}, 14: {"a": 1, "e": 1}}
    stats = analyse(matrix({**DRAWS, **extra}))
    assert stats.alpha_method == "standardised alpha (random draws)"
    assert stats.alpha == approx(0.8)


def test_random_draws_with_no_qualifying_pair_are_not_computable():
    # every pair shares only two attempts
    rows = {
        1: {"a": 1, "b": 1},
        2: {"a": 0, "b": 0},
        3: {"a": 1, "c": 1},
        4: {"a": 0, "c": 0},
        5: {"b": 1, "c": 0},
        6: {"b": 0, "c": 1},
    }
    stats = analyse(matrix(rows))
    assert (stats.alpha, stats.alpha_method, stats.sem) == (None, "not computable", None)


# ---------------------------------------------------------------------------------------------
# Intervals
# ---------------------------------------------------------------------------------------------
def test_wilson_interval_for_8_of_10():
    # centre (0.8 + 3.8416/20)/(1 + 0.38416) = 0.99208/1.38416 = 0.716738
    # half 1.96/1.38416·√(0.16/10 + 3.8416/400) = 1.416021·√0.025604 = 1.416021·0.160012 = 0.226581
    assert wilson_interval(8, 10) == approx((0.490157, 0.943319), abs=1e-6)
    stats = analyse([ItemResponse(a, "q", 1.0 if a < 8 else 0.0) for a in range(10)])
    assert stats.items[0].facility_ci == approx((0.490, 0.943), abs=5e-4)


def test_wilson_interval_at_the_extremes_stays_within_0_1():
    # 0/5: centre (z²/2n)/(1 + z²/n) = 0.38416/1.76832 = 0.217246; half 1.108396·√(3.8416/100) = 1.108396·0.196
    #      = 0.217246 → (0, 0.434492); n/n mirrors it
    low, high = wilson_interval(0, 5)
    assert low == 0.0 and high == approx(0.434492, abs=1e-6)
    low, high = wilson_interval(5, 5)
    assert high == 1.0 and low == approx(1 - 0.434492, abs=1e-6)


def test_fisher_interval():
    # r = 0.5, n = 28: z = atanh(0.5) = 0.549306, half 1.96/√25 = 0.392
    # → tanh(0.157306) = 0.157306 - 0.157306³/3 + 2·0.157306⁵/15 = 0.156021
    # → tanh(0.941306) = (e^1.882612 - 1)/(e^1.882612 + 1) = 5.57064/7.57064 = 0.735822
    assert fisher_interval(0.5, 28) == approx((0.156021, 0.735822), abs=1e-6)
    assert fisher_interval(0.5, 3) is None
    assert fisher_interval(1.0, 10) == (1.0, 1.0)


def test_a_perfect_correlation_has_a_degenerate_fisher_interval_and_efficiency_1():
    # two identical items: each one's rest score is the other item, r = 1
    same = (1, 1, 0, 0, 1)
    stats = analyse(grid({a: (s, s) for a, s in enumerate(same)}, ("x", "y")))
    x = item(stats, "x")
    assert x.discrimination == approx(1.0)
    assert x.discrimination_ci == (x.discrimination, x.discrimination)
    assert x.efficiency == approx(1.0)


# ---------------------------------------------------------------------------------------------
# Options and flags
# ---------------------------------------------------------------------------------------------
def test_option_counts_and_unused_distractor():
    info = {"q": ItemInfo("q", option_count=4, keys=frozenset({1}))}
    picks = [(1,), (1,), (0,), (2,), None]
    responses = [ItemResponse(a, "q", 1.0 if p == (1,) else 0.0, p) for a, p in enumerate(picks)]
    q = analyse(responses, info).items[0]
    assert q.option_counts == (1, 2, 1, 0)  # the unanswered response picks nothing
    assert "unused distractor" in q.flags  # option 3 is wrong and nobody picked it


def test_an_unpicked_key_is_not_an_unused_distractor():
    info = {"q": ItemInfo("q", option_count=3, keys=frozenset({0}))}
    responses = [ItemResponse(a, "q", 0.0, (1 + a % 2,)) for a in range(4)]
    q = analyse(responses, info).items[0]
    assert q.option_counts == (0, 2, 2)
    assert "unused distractor" not in q.flags
    assert "too hard" in q.flags


def test_multiple_response_counts_each_option_once_per_attempt():
    info = {"m": ItemInfo("m", option_count=4, keys=frozenset({0, 2}))}
    responses = [ItemResponse(1, "m", 1.0, (0, 2)), ItemResponse(2, "m", 0.5, (0, 1, 1)), ItemResponse(3, "m", 0.5, (2, 3))]
    m = analyse(responses, info).items[0]
    assert m.option_counts == (2, 1, 2, 1)
    assert "unused distractor" not in m.flags


def test_true_false_counts():
    info = {"t": ItemInfo("t", option_count=2, keys=frozenset({0}))}
    picks = [0, 0, 0, 1]
    t = analyse([ItemResponse(a, "t", float(p == 0), (p,)) for a, p in enumerate(picks)], info).items[0]
    assert t.option_counts == (3, 1)
    assert t.facility == approx(0.75)


def test_option_count_is_inferred_without_item_info_and_keys_unknown_means_no_distractor_flag():
    responses = [ItemResponse(1, "q", 1.0, (2,)), ItemResponse(2, "q", 0.0, (0,)), ItemResponse(3, "s", 1.0)]
    stats = analyse(responses)
    assert item(stats, "q").option_counts == (1, 0, 1)
    assert "unused distractor" not in item(stats, "q").flags
    assert item(stats, "s").option_counts is None


def test_declared_options_with_no_picks_count_zero():
    info = {"q": ItemInfo("q", option_count=2, keys=frozenset({0}))}
    q = analyse([ItemResponse(1, "q", 0.0)], info).items[0]
    assert q.option_counts == (0, 0)
    assert "unused distractor" in q.flags


@pytest.mark.parametrize(
    "right, n, flagged",
    [
        (3, 20, {"too hard"}),  # 0.15 < 0.2
        (4, 20, set()),  # exactly 0.2
        (19, 20, set()),  # exactly 0.95
        (20, 20, {"too easy"}),  # 1.0 > 0.95
        (10, 19, {"small sample"}),  # n = 19 < 20
        (10, 20, set()),
    ],
)
def test_facility_and_sample_flag_thresholds(right, n, flagged):
    assert (TOO_HARD, TOO_EASY, SMALL_SAMPLE, LOW_DISCRIMINATION) == (0.2, 0.95, 20, 0.2)
    stats = analyse([ItemResponse(a, "q", 1.0 if a < right else 0.0) for a in range(n)])
    assert set(stats.items[0].flags) == flagged


def two_items(both: int, only_x: int, only_y: int, neither: int) -> list[ItemResponse]:
    """Two dichotomous items from a 2×2 table (counts of attempts); each item's rest score is the other."""
    cells = [(1, 1)] * both + [(1, 0)] * only_x + [(0, 1)] * only_y + [(0, 0)] * neither
    return grid(dict(enumerate(cells)), ("x", "y"))


def test_low_discrimination_flag():
    # 2×2 table a=2, b=1, c=1, d=1: phi = (ad - bc)/√(row and column totals) = (2 - 1)/√(3·2·3·2) = 1/6 < 0.2
    weak = item(analyse(two_items(2, 1, 1, 1)), "x")
    assert weak.discrimination == approx(1 / 6)
    assert "low discrimination" in weak.flags
    # a=3, b=1, c=1, d=3: phi = (9 - 1)/√(4·4·4·4) = 0.5
    strong = item(analyse(two_items(3, 1, 1, 3)), "x")
    assert strong.discrimination == approx(0.5)
    assert "low discrimination" not in strong.flags


def test_a_negatively_discriminating_item_is_flagged():
    # a=1, b=2, c=2, d=1: phi = (1 - 4)/√(3·3·3·3) = -1/3
    x = item(analyse(two_items(1, 2, 2, 1)), "x")
    assert x.discrimination == approx(-1 / 3)
    assert x.efficiency < 0
    assert "low discrimination" in x.flags


# ---------------------------------------------------------------------------------------------
# Undefined cases: None, never NaN or a crash
# ---------------------------------------------------------------------------------------------
def test_no_responses():
    stats = analyse([])
    assert stats == TestStats(0, 0, 0.0, 0.0, None, "not computable", None, ())


def test_fewer_than_three_attempts_leave_discrimination_undefined():
    stats = analyse(grid({1: (1, 0), 2: (0, 1)}, ("x", "y")))
    for s in stats.items:
        assert (s.discrimination, s.discrimination_ci, s.efficiency) == (None, None, None)


def test_three_attempts_give_a_correlation_but_no_fisher_interval():
    stats = analyse(grid({1: (1, 1), 2: (0, 0), 3: (1, 0)}, ("x", "y")))
    x = item(stats, "x")
    assert x.discrimination is not None and x.discrimination_ci is None


def test_zero_variance_item_or_rest_leaves_discrimination_undefined():
    # x: everyone right; y varies but its rest (x) does not
    stats = analyse(grid({a: (1, a % 2) for a in range(6)}, ("x", "y")))
    for s in stats.items:
        assert s.discrimination is None and s.efficiency is None
    assert "too easy" in item(stats, "x").flags
    assert "low discrimination" not in item(stats, "x").flags


def test_a_single_item_quiz():
    stats = analyse([ItemResponse(a, "only", a % 2) for a in range(30)])
    assert stats.n_items == 1
    assert (stats.alpha, stats.alpha_method, stats.sem) == (None, "not computable", None)
    assert stats.items[0].discrimination is None
    assert stats.items[0].flags == ()


def test_a_single_attempt():
    stats = analyse(grid({1: (1, 0.5, 0)}))
    assert (stats.n_attempts, stats.sd, stats.alpha, stats.sem) == (1, 0.0, None, None)
    i2 = item(stats, "i2")
    assert i2.sd == 0.0 and i2.facility_ci == (0.0, 1.0)  # one partial-credit score: no interval to speak of
    assert item(stats, "i1").facility_ci == approx(wilson_interval(1, 1))


def test_no_variation_in_totals_is_not_computable():
    stats = analyse(grid({a: (1, 0, 1) for a in range(5)}))
    assert (stats.alpha, stats.alpha_method, stats.sem) == (None, "not computable", None)


def test_negative_alpha_is_reported_but_has_no_sem():
    # x = 1,0,1,0 (var 1/3), y = 0,1,0,0 (var 1/4); totals 1,1,1,0 (var 0.75/3 = 1/4)
    # α = 2·(1 - (1/3 + 1/4)/(1/4)) = 2·(1 - 7/3) = -8/3
    stats = analyse(grid({1: (1, 0), 2: (0, 1), 3: (1, 0), 4: (0, 0)}, ("x", "y")))
    assert stats.alpha == approx(-8 / 3)
    assert stats.alpha_method == "KR-20"
    assert stats.sem is None


def test_every_figure_is_a_finite_float():
    rng = random.Random(3)
    rows = {a: {f"q{j}": rng.choice([0, 0.5, 1]) for j in rng.sample(range(8), 4)} for a in range(12)}
    rows[99] = {"q0": 1.0}  # a lone item
    stats = analyse(matrix(rows))
    numbers = [stats.mean, stats.sd, stats.alpha, stats.sem]
    for s in stats.items:
        numbers += [s.facility, s.sd, *s.facility_ci, s.discrimination, s.efficiency, *(s.discrimination_ci or ())]
    for x in numbers:
        assert x is None or (type(x) is float and math.isfinite(x))


# ---------------------------------------------------------------------------------------------
# Input handling
# ---------------------------------------------------------------------------------------------
def test_items_are_sorted_and_unanswered_items_are_left_out():
    info = {"z": ItemInfo("z"), "never": ItemInfo("never", 4, frozenset({0}))}
    stats = analyse([ItemResponse("x", "z", 1.0), ItemResponse("x", "b", 0.0), ItemResponse(7, "b", 1.0)], info)
    assert [s.item_id for s in stats.items] == ["b", "z"]
    assert stats.n_attempts == 2  # attempt ids may be ints or strings


def test_the_same_item_twice_in_an_attempt_is_an_error():
    with pytest.raises(ValueError, match="more than once"):
        analyse([ItemResponse(1, "q", 1.0), ItemResponse(1, "q", 0.0)])


@pytest.mark.parametrize("score", [-0.1, 1.5, float("nan")])
def test_a_score_outside_0_1_is_an_error(score):
    with pytest.raises(ValueError, match="not in 0..1"):
        analyse([ItemResponse(1, "q", score)])


def test_an_option_the_item_does_not_have_is_an_error():
    info = {"q": ItemInfo("q", 3, frozenset({0}))}
    with pytest.raises(ValueError, match="options 0..2"):
        analyse([ItemResponse(1, "q", 0.0, (3,))], info)
    with pytest.raises(ValueError):
        analyse([ItemResponse(1, "q", 0.0, (-1,))], info)


def test_item_info_is_checked():
    with pytest.raises(ValueError):
        ItemInfo("q", 2, frozenset({2}))
    with pytest.raises(ValueError):
        ItemInfo("q", -1)
    assert ItemInfo("q", 2, {1}).keys == frozenset({1})  # any iterable of keys is accepted


# ---------------------------------------------------------------------------------------------
# The vectorised code against a plain, loop-by-loop reading of the definitions
# ---------------------------------------------------------------------------------------------
def pearson(x: list[float], y: list[float]) -> float | None:
    n = len(x)
    if n < 3:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx < 1e-12 or syy < 1e-12:
        return None
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / math.sqrt(sxx * syy)


def reference(rows: dict[int, dict[str, float]]) -> tuple[dict[str, tuple], float | None]:
    items = sorted({i for r in rows.values() for i in r})
    per_item = {}
    for i in items:
        pairs = [(r[i], (sum(r.values()) - r[i]) / (len(r) - 1)) for r in rows.values() if i in r and len(r) > 1]
        x, y = [p[0] for p in pairs], [p[1] for p in pairs]
        r = pearson(x, y)
        r_max = pearson(sorted(x), sorted(y)) if r is not None else None
        per_item[i] = (r, r / r_max if r is not None else None)
    rs = []
    for a_index, a in enumerate(items):
        for b in items[a_index + 1 :]:
            shared = [r for r in rows.values() if a in r and b in r]
            r = pearson([s[a] for s in shared], [s[b] for s in shared])
            if r is not None:
                rs.append(r)
    k = sum(len(r) for r in rows.values()) / len(rows)
    mean_r = sum(rs) / len(rs) if rs else None
    alpha = k * mean_r / (1 + (k - 1) * mean_r) if mean_r is not None else None
    return per_item, alpha


@pytest.mark.parametrize("seed", range(5))
def test_random_draws_match_a_plain_reference(seed):
    rng = random.Random(seed)
    pool = [f"q{j}" for j in range(7)]
    rows = {}
    for a in range(40):
        ability = rng.gauss(0, 1)
        rows[a] = {
            q: float(rng.random() < 1 / (1 + math.exp(-(ability - j / 3 + 1))))
            for j, q in enumerate(rng.sample(pool, rng.choice([3, 4, 5])))
        }
        if seed % 2:  # partial credit on odd seeds
            rows[a] = {q: s * rng.choice([0.5, 1.0]) for q, s in rows[a].items()}
    per_item, alpha = reference(rows)
    stats = analyse(matrix(rows))
    assert stats.alpha_method == "standardised alpha (random draws)"
    assert stats.alpha == approx(alpha)
    for s in stats.items:
        r, efficiency = per_item[s.item_id]
        assert s.discrimination == (None if r is None else approx(r))
        assert s.efficiency == (None if efficiency is None else approx(efficiency))


def test_a_small_draw_from_a_large_bank_in_any_order_matches_the_plain_reference():
    # The item figures are sums over the filled cells and the efficiency pairs each item's sorted
    # scores with its sorted rest scores: with many items, few per attempt, ties, partial credit
    # and the responses shuffled, every item must still match the loop-by-loop reading.
    rng = random.Random(23)
    bank = [f"b{j:02d}" for j in range(40)]
    rows = {
        f"attempt-{a}": {q: rng.choice([0.0, 0.0, 0.5, 1.0, 1.0]) for q in rng.sample(bank, rng.choice([2, 4, 5]))}
        for a in range(300)
    }
    responses = matrix(rows)
    rng.shuffle(responses)
    per_item, alpha = reference(rows)
    stats = analyse(responses)
    assert stats.alpha == approx(alpha)
    assert [s.item_id for s in stats.items] == sorted(per_item)
    for s in stats.items:
        scores = [r[s.item_id] for r in rows.values() if s.item_id in r]
        assert s.n == len(scores) and s.facility == approx(sum(scores) / len(scores))
        assert s.sd == approx(statistics.stdev(scores) if len(scores) >= 2 else 0.0, abs=1e-9)
        r, efficiency = per_item[s.item_id]
        assert s.discrimination == (None if r is None else approx(r))
        assert s.efficiency == (None if efficiency is None else approx(efficiency))
    assert stats.mean == approx(sum(sum(r.values()) / len(r) for r in rows.values()) / len(rows))


def test_a_complete_matrix_matches_the_textbook_alpha():
    rng = random.Random(11)
    rows = {a: {f"q{j}": rng.choice([0.0, 0.25, 0.5, 1.0]) for j in range(6)} for a in range(25)}
    k, totals = 6, [sum(r.values()) for r in rows.values()]

    def var(xs):
        m = sum(xs) / len(xs)
        return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)

    expected = k / (k - 1) * (1 - sum(var([r[f"q{j}"] for r in rows.values()]) for j in range(k)) / var(totals))
    stats = analyse(matrix(rows))
    assert stats.alpha_method == "Cronbach's alpha"
    assert stats.alpha == approx(expected)


def test_score_histogram_bins_shares_and_puts_full_marks_in_the_last_bin():
    from course.analytics import score_histogram

    assert score_histogram([0.0, 0.05, 0.1, 0.55, 0.99, 1.0], bins=10) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert score_histogram([], bins=4) == [0, 0, 0, 0]
