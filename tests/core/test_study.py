"""Study sessions and practice runs of ten: pure rules over answer times and scores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from course.mastery import ScoredAnswer
from course.study import RUN_LENGTH, SESSION_GAP, ObjectiveResult, ends_a_run, run_position, session_start, summarise

T = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def minutes(*offsets: int) -> list[datetime]:
    return [T + timedelta(minutes=m) for m in offsets]


def test_a_pause_over_an_hour_starts_a_new_session():
    times = minutes(0, 2, 4, 4 + 61, 70, 130)
    assert SESSION_GAP == timedelta(hours=1)
    assert [session_start(times, i) for i in range(len(times))] == [0, 0, 0, 3, 3, 3]
    assert [run_position(times, i) for i in range(len(times))] == [1, 2, 3, 1, 2, 3]


def test_a_pause_of_exactly_an_hour_keeps_the_session():
    assert session_start(minutes(0, 60), 1) == 0


def test_every_tenth_answer_of_a_session_ends_a_run():
    times = minutes(*range(0, 25))
    assert RUN_LENGTH == 10
    assert [i for i in range(len(times)) if ends_a_run(times, i)] == [9, 19]


def test_a_run_does_not_carry_over_a_long_pause():
    times = minutes(*range(0, 7), *range(200, 210))  # 7 answers, a break, then 10
    assert [i for i in range(len(times)) if ends_a_run(times, i)] == [16]


def answer(objective: str, score: float) -> ScoredAnswer:
    return ScoredAnswer(objective, score, T)


def test_summary_counts_right_partly_and_wrong_and_finds_the_weakest_objective():
    run = [answer("a.o1", 1.0), answer("a.o1", 0.0), answer("a.o2", 0.5), answer("a.o2", 1.0), answer("a.o3", 1.0)]
    summary = summarise(run)
    assert (summary.answered, summary.right, summary.partly, summary.wrong) == (5, 3, 1, 1)
    assert summary.weakest == ObjectiveResult("a.o1", 0.5, 2)  # a.o2 averages 0.75
    assert summary.advice == "practise-weakest"


def test_ties_go_to_the_objective_with_more_answers_then_the_first_met():
    assert summarise([answer("x", 0.0), answer("y", 0.0), answer("y", 0.0)]).weakest == ObjectiveResult("y", 0.0, 2)
    assert summarise([answer("x", 0.0), answer("y", 0.0)]).weakest == ObjectiveResult("x", 0.0, 1)


@pytest.mark.parametrize(
    "scores, weakest, advice",
    [
        ([1.0, 1.0, 1.0], None, "move-on"),  # all right: nothing is weak
        ([1.0, 1.0, 1.0, 1.0, 0.0], ObjectiveResult("a", 0.8, 5), "move-on"),  # at the mastery threshold
        ([1.0, 1.0, 0.0], ObjectiveResult("a", 0.6667, 3), "practise-weakest"),
    ],
)
def test_advice_follows_the_mastery_threshold(scores, weakest, advice):
    summary = summarise([answer("a", s) for s in scores])
    assert (summary.weakest, summary.advice) == (weakest, advice)


def test_an_empty_summary():
    summary = summarise([])
    assert (summary.answered, summary.right, summary.wrong, summary.weakest, summary.advice) == (0, 0, 0, None, "move-on")
