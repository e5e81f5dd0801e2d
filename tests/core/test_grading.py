"""Grading: every grader's rules, partial credit and edge cases, as documented in course/grading.py."""

from __future__ import annotations

import pytest

from course.grading import Grade, correct_response, grade, normalise_answer, parse_number
from course.qtypes import QUESTION_TYPES, type_of
from course.qtypes.ordering import grade_ordering
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


def _grader(name):
    return lambda question, response: QUESTION_TYPES[name].grade(question, response)


grade_single_choice = _grader("single_choice")
grade_multiple_response = _grader("multiple_response")
grade_true_false = _grader("true_false")
grade_short_answer = _grader("short_answer")
grade_numeric = _grader("numeric")
grade_matching = _grader("matching")

NOTE_FREE = None


# --------------------------------------------------------------------------- Grade and dispatch


def test_every_question_type_has_a_grader():
    assert all(callable(t.grade) for t in QUESTION_TYPES.values())


@pytest.mark.parametrize(
    "score, correct, partial",
    [(1.0, True, False), (0.0, False, False), (0.5, False, True), (0.999999, False, True), (1e-12, False, False)],
)
def test_grade_correct_and_partial_flags(score, correct, partial):
    g = Grade(score, answered=True)
    assert (g.correct, g.partial) == (correct, partial)


@pytest.mark.parametrize("question", one_of_each(), ids=lambda q: q.type)
def test_grade_dispatches_to_the_types_grader(question):
    response = correct_response(question)
    assert grade(question, response) == type_of(question).grade(question, response)


# --------------------------------------------------------------------------- normalise_answer


@pytest.mark.parametrize(
    "typed, accepted",
    [
        ("great firewall", "Great Firewall"),  # case
        ("GREAT FIREWALL", "Great Firewall"),
        ("Tiānānmén", "Tiananmen"),  # diacritics
        ("Müller", "Muller"),
        ("Ｗｅｃｈａｔ", "WeChat"),  # full-width forms
        ("Xi\u2019s policy", "Xi's policy"),  # typographic apostrophe
        ("\u201cSafe City\u201d", '"Safe City"'),  # typographic double quotes
        ("«Safe City»", "Safe City"),
        ("Safe-City", "Safe City"),  # punctuation
        ("great firewall.", "Great Firewall"),
        ("great, firewall!", "Great Firewall"),
        ("OVD-Info", "OVD Info"),
        ("Ethics & Technology", "Ethics Technology"),
        ("  great   firewall  ", "Great Firewall"),  # spacing
        ("great\tfirewall\n", "Great Firewall"),
        ("great\u00a0firewall", "Great Firewall"),
        ("Straße", "STRASSE"),  # full case folding
    ],
)
def test_normalise_answer_folds_cosmetic_differences(typed, accepted):
    assert normalise_answer(typed) == normalise_answer(accepted)


def test_normalise_answer_output_is_lowercase_single_spaced_words():
    assert normalise_answer("  The  Great\u2014Firewall!  ") == "the great firewall"


def test_normalise_answer_keeps_a_leading_the():
    # "the" is dropped by the short-answer grader, not by the normaliser.
    assert normalise_answer("The Kremlin") == "the kremlin"


@pytest.mark.parametrize("text", ["", "   ", "!?.", "\u201c\u201d", "— -"])
def test_normalise_answer_of_nothing_but_punctuation_is_empty(text):
    assert normalise_answer(text) == ""


@pytest.mark.parametrize("a, b", [("Yandex", "Yandex Tasks"), ("datasphere", "data sphere"), ("Huawei", "Hauwei")])
def test_normalise_answer_keeps_real_differences(a, b):
    assert normalise_answer(a) != normalise_answer(b)


def test_normalise_answer_treats_punctuation_as_a_word_break():
    # So "U.S." and "US" differ: list both in `accept` when both are right.
    assert normalise_answer("U.S.") == "u s"
    assert normalise_answer("U.S.") != normalise_answer("US")


# --------------------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1500", 1500.0),
        ("1,500", 1500.0),
        ("1 500", 1500.0),
        ("1\u00a0500", 1500.0),  # no-break space
        ("1\u202f500", 1500.0),  # narrow no-break space
        ("1'500", 1500.0),
        ("1\u2019500", 1500.0),  # typographic apostrophe
        ("1_500", 1500.0),
        ("1,500,000", 1500000.0),
        ("1 500 000", 1500000.0),
        ("1,500.25", 1500.25),
        ("$310", 310.0),
        ("310$", 310.0),
        ("€ 310", 310.0),
        ("£1,500", 1500.0),
        ("¥ 1 500", 1500.0),
        ("8.5%", 8.5),
        ("8.5 %", 8.5),
        ("-3.5", -3.5),
        ("-1,500", -1500.0),
        ("+2", 2.0),
        ("0", 0.0),
        ("-0", 0.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("0.000123", 0.000123),
        ("1e3", 1000.0),
        ("2.5E-2", 0.025),
        ("  42  ", 42.0),
        ("1.500", 1.5),  # a dot is always a decimal point
    ],
)
def test_parse_number_reads_numbers_as_people_type_them(raw, expected):
    assert parse_number(raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "fifteen hundred",
        "about 1500",
        "~1500",
        "1,5",  # a decimal comma is ambiguous: not guessed
        "0,5",
        "1,50",
        "12,34,567",  # groups must be three digits
        "1,5000",
        "1.2.3",
        "--5",
        "5-",
        "1e",
        "$",
        "%",
        "nan",
        "inf",
        "0x10",
        "1500 cameras",  # a unit the question does not have
    ],
)
def test_parse_number_refuses_what_it_cannot_read(raw):
    assert parse_number(raw) is None


@pytest.mark.parametrize("raw", [None, True, False])
def test_parse_number_refuses_non_numbers(raw):
    assert parse_number(raw) is None


@pytest.mark.parametrize("raw, expected", [(3, 3.0), (2.5, 2.5), (-7, -7.0), (0, 0.0)])
def test_parse_number_passes_numbers_through_as_floats(raw, expected):
    value = parse_number(raw)
    assert value == expected and isinstance(value, float)


@pytest.mark.parametrize(
    "raw, unit, expected",
    [
        ("162000 cameras", "cameras", 162000.0),
        ("162,000 cameras", "cameras", 162000.0),
        ("162 000 cameras", "cameras", 162000.0),
        ("162000cameras", "cameras", 162000.0),
        ("162000 CAMERAS", "cameras", 162000.0),
        ("1 camera", "cameras", 1.0),  # singular of a plural unit
        ("2 cameras", "camera", 2.0),  # plural of a singular unit
        ("162000", "cameras", 162000.0),  # the unit is optional
        ("8.5%", "%", 8.5),
        ("8.5 %", "%", 8.5),
        ("8.5", "%", 8.5),
        ("$310", "US dollars", 310.0),
        ("310 US dollars", "US dollars", 310.0),
        ("310 dollars", "US dollars", 310.0),  # trailing words of a multi-word unit
        ("310 dollar", "US dollars", 310.0),
        ("20.9 million dollars", "million dollars", 20.9),
        ("$20.9 million", "million dollars", 20.9),
        ("20.9 million", "million dollars", 20.9),
        ("$59 million US dollars", "million US dollars", 59.0),
        ("5 km²", "km²", 5.0),  # the unit is normalised like the answer
        ("5 km2", "km²", 5.0),
    ],
)
def test_parse_number_drops_the_questions_unit(raw, unit, expected):
    assert parse_number(raw, unit) == pytest.approx(expected)


@pytest.mark.parametrize(
    "raw, unit",
    [
        ("162000 dollars", "cameras"),  # another unit
        ("cameras", "cameras"),  # the unit alone
        ("20.9 billion", "million dollars"),  # a word not in the unit is not ignored
        ("million", "million dollars"),
    ],
)
def test_parse_number_with_unit_still_refuses_other_words(raw, unit):
    assert parse_number(raw, unit) is None


# --------------------------------------------------------------------------- single choice


def test_single_choice_key_scores_one_with_its_feedback():
    g = grade_single_choice(single_choice(key=2), 2)
    assert g == Grade(1.0, answered=True, parts=(True,), feedback=("feedback c2",))
    assert g.correct


@pytest.mark.parametrize("picked", [0, 1, 3])
def test_single_choice_wrong_choice_scores_zero_with_its_feedback(picked):
    g = grade_single_choice(single_choice(key=2), picked)
    assert g == Grade(0.0, answered=True, parts=(False,), feedback=(f"feedback c{picked}",))
    assert not g.correct and not g.partial


@pytest.mark.parametrize("response", [None, 4, 99, -1])
def test_single_choice_empty_or_out_of_range_is_unanswered(response):
    g = grade_single_choice(single_choice(key=2, n=4), response)
    assert g == Grade(0.0, answered=False)


def test_single_choice_last_index_is_in_range():
    g = grade_single_choice(single_choice(key=4, n=5), 4)
    assert g.correct and g.answered


# --------------------------------------------------------------------------- multiple response


@pytest.mark.parametrize(
    "keys, n, picked, score",
    [
        # 2 keys, 2 distractors: each key is worth 1/2, each false pick costs 1/2
        ((0, 1), 4, {0, 1}, 1.0),
        ((0, 1), 4, {0}, 0.5),
        ((0, 1), 4, {1}, 0.5),
        ((0, 1), 4, {0, 1, 2}, 0.5),
        ((0, 1), 4, {0, 2}, 0.0),
        ((0, 1), 4, {2}, 0.0),  # floored at 0, not negative
        ((0, 1), 4, {2, 3}, 0.0),
        ((0, 1), 4, {0, 1, 2, 3}, 0.0),  # select all
        # 3 keys, 2 distractors
        ((0, 1, 2), 5, {0, 1}, 0.666667),
        ((0, 1, 2), 5, {0}, 0.333333),
        ((0, 1, 2), 5, {0, 1, 2, 3}, 0.5),
        ((0, 1, 2), 5, {0, 1, 3}, 0.166667),
        # 2 keys, 3 distractors: the worked example in docs/grading.md
        ((0, 1), 5, {0, 1}, 1.0),
        ((0, 1), 5, {0}, 0.5),
        ((0, 1), 5, {0, 1, 2}, 0.666667),
        ((0, 1), 5, {0, 2}, 0.166667),
        ((0, 1), 5, {0, 2, 3}, 0.0),
        ((0, 1), 5, {2}, 0.0),
        ((0, 1), 5, {0, 1, 2, 3, 4}, 0.0),
        # 1 key, 3 distractors
        ((0,), 4, {0}, 1.0),
        ((0,), 4, {0, 1}, 0.666667),
        ((0,), 4, {0, 1, 2}, 0.333333),
        ((0,), 4, {1}, 0.0),
        # 1 key, 7 distractors
        ((3,), 8, {3, 5}, 0.857143),
    ],
)
def test_multiple_response_right_minus_wrong(keys, n, picked, score):
    g = grade_multiple_response(multiple_response(keys=keys, n=n), picked)
    assert g.score == score
    assert g.answered


@pytest.mark.parametrize("n", range(3, 9))
def test_multiple_response_select_all_scores_zero_for_every_mix_of_keys(n):
    for k in range(1, n):
        g = grade_multiple_response(multiple_response(keys=range(k), n=n), range(n))
        assert g.score == 0.0, (n, k)
        assert g.answered


def test_multiple_response_exact_keys_score_one_for_every_mix():
    for n in range(3, 9):
        for k in range(1, n):
            keys = set(range(n - k, n))
            g = grade_multiple_response(multiple_response(keys=keys, n=n), keys)
            assert g.correct, (n, k)


def test_multiple_response_parts_report_every_choice():
    g = grade_multiple_response(multiple_response(keys=(0, 1), n=4), {0, 2})
    # c0 key picked: right; c1 key missed: wrong; c2 distractor picked: wrong; c3 distractor left: right
    assert g.parts == (True, False, False, True)


def test_multiple_response_feedback_for_picked_choices_in_choice_order():
    g = grade_multiple_response(multiple_response(keys=(0, 1), n=4), [3, 0])
    assert g.feedback == ("feedback c0", "feedback c3")


def test_multiple_response_partial_flag():
    g = grade_multiple_response(multiple_response(keys=(0, 1), n=4), {0})
    assert g.partial and not g.correct


@pytest.mark.parametrize("response", [None, (), [], frozenset(), {7}, {-1}, [4, 99]])
def test_multiple_response_empty_or_only_out_of_range_is_unanswered(response):
    g = grade_multiple_response(multiple_response(keys=(0, 1), n=4), response)
    assert g.score == 0.0 and not g.answered
    assert g.parts == (False, False, True, True)  # nothing ticked: keys missed, distractors rightly left
    assert g.feedback == ()


def test_multiple_response_ignores_out_of_range_and_repeated_indices():
    q = multiple_response(keys=(0, 1), n=4)
    assert grade_multiple_response(q, [0, 1, 1, 4, -1, 99]).score == 1.0


def test_multiple_response_accepts_any_iterable():
    q = multiple_response(keys=(0, 1), n=4)
    expected = grade_multiple_response(q, {0, 1})
    assert grade_multiple_response(q, [0, 1]) == expected
    assert grade_multiple_response(q, (i for i in (1, 0))) == expected
    assert grade_multiple_response(q, frozenset({0, 1})) == expected


# --------------------------------------------------------------------------- true/false


@pytest.mark.parametrize(
    "answer, response, score, feedback",
    [
        (True, True, 1.0, "picked true"),
        (True, False, 0.0, "picked false"),
        (False, False, 1.0, "picked false"),
        (False, True, 0.0, "picked true"),
    ],
)
def test_true_false(answer, response, score, feedback):
    g = grade_true_false(true_false(answer=answer), response)
    assert g == Grade(score, answered=True, parts=(score == 1.0,), feedback=(feedback,))


@pytest.mark.parametrize("answer", [True, False])
def test_true_false_none_is_unanswered(answer):
    assert grade_true_false(true_false(answer=answer), None) == Grade(0.0, answered=False)


# --------------------------------------------------------------------------- short answer


@pytest.mark.parametrize(
    "typed",
    [
        "Great Firewall",
        "great firewall",
        "GREAT FIREWALL",
        "The Great Firewall",  # leading "the"
        "the great firewall.",
        "  great   firewall ",
        "Great-Firewall",
        "\u201cGreat Firewall\u201d",
        "Gréat Fírewall",
        "golden shield!",  # any accepted answer
        "The Golden Shield",
    ],
)
def test_short_answer_accepts_cosmetic_variants(typed):
    g = grade_short_answer(short_answer(), typed)
    assert g == Grade(1.0, answered=True, parts=(True,), feedback=())


@pytest.mark.parametrize("typed", ["Kremlin", "the kremlin", "THE KREMLIN", "The  Kremlin."])
def test_short_answer_leading_the_in_the_accepted_answer_is_optional(typed):
    assert grade_short_answer(short_answer(accept=["The Kremlin"]), typed).correct


@pytest.mark.parametrize("typed", ["Xi\u2019s policy", "xi's policy", "XI'S POLICY"])
def test_short_answer_typographic_apostrophe(typed):
    assert grade_short_answer(short_answer(accept=["Xi's policy"]), typed).correct


@pytest.mark.parametrize("typed", ["Tiānānmén", "TIANANMEN", "tiananmen"])
def test_short_answer_diacritics(typed):
    assert grade_short_answer(short_answer(accept=["Tiananmen"]), typed).correct


@pytest.mark.parametrize(
    "typed",
    [
        "Great Wall",
        "Great Firewalls of China",
        "firewall",
        "great the firewall",  # "the" is only dropped at the start
        "theGreat Firewall",
        "a great firewall",
    ],
)
def test_short_answer_wrong_gives_the_questions_feedback(typed):
    g = grade_short_answer(short_answer(feedback="Think of China's internet filter."), typed)
    assert g == Grade(0.0, answered=True, parts=(False,), feedback=("Think of China's internet filter.",))


def test_short_answer_wrong_without_feedback_gives_none():
    g = grade_short_answer(short_answer(accept=["Yandex"], feedback=None), "Yandex Tasks")
    assert g == Grade(0.0, answered=True, parts=(False,), feedback=())


def test_short_answer_the_is_not_stripped_from_inside_a_word():
    q = short_answer(accept=["Theory"])
    assert not grade_short_answer(q, "ory").correct
    assert grade_short_answer(q, "theory").correct


@pytest.mark.parametrize("typed", [None, "", "   ", "\n\t", "?!", "..."])
def test_short_answer_empty_is_unanswered(typed):
    assert grade_short_answer(short_answer(), typed) == Grade(0.0, answered=False)


# --------------------------------------------------------------------------- numeric


def right(question, response) -> bool:
    g = grade_numeric(question, response)
    assert g.answered and g.note is None and g.parts == (g.correct,)
    return g.correct


@pytest.mark.parametrize("typed", ["1500", "1,500", "1 500", "1500.0", "1.5e3", " 1500 ", 1500, 1500.0])
def test_numeric_exact_answer_in_many_spellings(typed):
    assert right(numeric(answer=1500), typed)


@pytest.mark.parametrize("typed", ["1501", "1499", "1499.999", "15000", "150", "-1500"])
def test_numeric_tolerance_zero_is_exact(typed):
    assert not right(numeric(answer=1500), typed)


@pytest.mark.parametrize("typed", ["162000 cameras", "162,000 cameras", "162 000 camera", "162000"])
def test_numeric_trailing_unit(typed):
    assert right(numeric(answer=162000, unit="cameras"), typed)


@pytest.mark.parametrize("typed, ok", [("$310", True), ("310 US dollars", True), ("310", True), ("$31", False)])
def test_numeric_currency(typed, ok):
    assert right(numeric(answer=310, unit="US dollars"), typed) is ok


@pytest.mark.parametrize("typed, ok", [("8.5%", True), ("8.5 %", True), ("8.5", True), ("8.4%", False), ("0.085", False)])
def test_numeric_percent(typed, ok):
    assert right(numeric(answer=8.5, unit="%"), typed) is ok


@pytest.mark.parametrize(
    "answer, tolerance, typed, ok",
    [
        (100, 5, "95", True),  # exactly at answer - tolerance
        (100, 5, "105", True),  # exactly at answer + tolerance
        (100, 5, "100", True),
        (100, 5, "94.99", False),  # just beyond
        (100, 5, "105.01", False),
        (100, 5, "105.000001", False),
        (0.3, 0.1, "0.4", True),  # 0.4 - 0.3 is 0.10000000000000003 in floats
        (0.3, 0.1, "0.2", True),
        (0.3, 0.1, "0.41", False),
        (0.3, 0.1, "0.1999", False),
        (2.675, 0.005, "2.68", True),
        (2.675, 0.005, "2.67", True),
        (2.675, 0.005, "2.6801", False),
        (2.675, 0.005, "2.6699", False),
        (162000, 1000, "163,000", True),
        (162000, 1000, "161 000", True),
        (162000, 1000, "163,001", False),
        (1000000000.3, 0.1, "1000000000.4", True),  # float error grows with magnitude
        (1000000000.3, 0.1, "1,000,000,000.2", True),
        (1000000000.3, 0.1, "1000000000.41", False),
        (12345678.9, 0.1, "12345679.0", True),
        (12345678.9, 0.1, "12345679.01", False),
    ],
)
def test_numeric_tolerance_boundaries(answer, tolerance, typed, ok):
    assert right(numeric(answer=answer, tolerance=tolerance), typed) is ok


@pytest.mark.parametrize(
    "typed, ok",
    [("-5", True), ("-5.5", True), ("-4.5", True), ("-5.51", False), ("-4.49", False), ("5", False), ("4.5", False)],
)
def test_numeric_negative_answers(typed, ok):
    assert right(numeric(answer=-5, tolerance=0.5), typed) is ok


@pytest.mark.parametrize("typed, ok", [("0.75", True), (".75", True), ("0.750", True), ("0.7", False), ("75", False)])
def test_numeric_decimal_answers(typed, ok):
    assert right(numeric(answer=0.75), typed) is ok


@pytest.mark.parametrize("typed", ["0", "-0", "0.0", 0, 0.0])
def test_numeric_zero_is_an_answer_not_an_empty_response(typed):
    assert right(numeric(answer=0), typed)


@pytest.mark.parametrize("typed", ["about fifteen hundred", "1,5", "1500 dollars", "n/a", "?", True])
def test_numeric_unreadable_input_is_wrong_with_a_note(typed):
    g = grade_numeric(numeric(answer=1500, unit="cameras"), typed)
    assert g.score == 0.0 and g.answered and g.parts == (False,)
    assert g.note and "number" in g.note


@pytest.mark.parametrize("typed", [None, "", "   ", "\t\n"])
def test_numeric_empty_is_unanswered_without_a_note(typed):
    assert grade_numeric(numeric(answer=1500), typed) == Grade(0.0, answered=False)


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    "response, score, parts",
    [
        ({"A": "1", "B": "2", "C": "3", "D": "4"}, 1.0, (True, True, True, True)),
        ({"A": "1", "B": "2", "C": "3", "D": "X"}, 0.75, (True, True, True, False)),
        ({"A": "2", "B": "1", "C": "3", "D": "4"}, 0.5, (False, False, True, True)),
        ({"A": "1", "B": "X", "C": "2", "D": "3"}, 0.25, (True, False, False, False)),
        ({"A": "X", "B": "X", "C": "X", "D": "X"}, 0.0, (False, False, False, False)),
        ({"A": "4", "B": "3", "C": "2", "D": "1"}, 0.0, (False, False, False, False)),
        ({"A": "1", "B": "1", "C": "1", "D": "1"}, 0.25, (True, False, False, False)),  # one option reused
        ({"A": "1"}, 0.25, (True, False, False, False)),  # missing pairs count as wrong
        ({"D": "4", "Z": "9"}, 0.25, (False, False, False, True)),  # unknown lefts ignored
    ],
)
def test_matching_per_pair_credit(response, score, parts):
    g = grade_matching(matching(), response)
    assert g == Grade(score, answered=True, parts=parts)


def test_matching_three_pairs_rounds_to_six_places():
    q = matching(pairs=(("A", "1"), ("B", "2"), ("C", "3")), distractors=())
    assert grade_matching(q, {"A": "1", "B": "2", "C": "1"}).score == 0.666667
    assert grade_matching(q, {"A": "1", "B": "1", "C": "1"}).score == 0.333333


def test_matching_distractor_is_never_right():
    q = matching(distractors=("X", "Y"))
    for distractor in ("X", "Y"):
        g = grade_matching(q, {p.left: distractor for p in q.pairs})
        assert g.score == 0.0 and g.answered


@pytest.mark.parametrize("response", [None, {}, {"A": ""}, {"A": "", "B": None}, {"Z": "1"}])
def test_matching_empty_is_unanswered(response):
    assert grade_matching(matching(), response) == Grade(0.0, answered=False, parts=(False,) * 4)


# --------------------------------------------------------------------------- ordering

POSITIONS = [
    (["a", "b", "c", "d"], 1.0, (True, True, True, True)),
    (["d", "c", "b", "a"], 0.0, (False, False, False, False)),
    (["b", "a", "c", "d"], 0.5, (False, False, True, True)),
    (["a", "c", "b", "d"], 0.5, (True, False, False, True)),
    (["b", "c", "d", "a"], 0.0, (False, False, False, False)),
    (["a", "b", "d", "c"], 0.5, (True, True, False, False)),
    (["d", "b", "c", "a"], 0.5, (False, True, True, False)),
    (["a", "d", "c", "b"], 0.5, (True, False, True, False)),
]


@pytest.mark.parametrize("response, score, parts", POSITIONS)
def test_ordering_by_positions_is_the_default(response, score, parts):
    q = ordering()
    g = grade(q, response)
    assert g == Grade(score, answered=True, parts=parts)
    assert grade_ordering(q, response, rule="positions") == g


@pytest.mark.parametrize(
    "response, score",
    [
        (["a", "b", "c", "d"], 1.0),
        (["d", "c", "b", "a"], 0.0),
        (["b", "a", "c", "d"], 0.833333),  # 5 of the 6 ordered pairs kept
        (["a", "c", "b", "d"], 0.833333),
        (["b", "c", "d", "a"], 0.5),  # rotated: no item in place, but 3 of 6 pairs kept
        (["d", "a", "b", "c"], 0.5),
        (["b", "a", "d", "c"], 0.666667),
        (["a", "d", "c", "b"], 0.5),
    ],
)
def test_ordering_by_pairs(response, score):
    g = grade_ordering(ordering(), response, rule="pairs")
    assert g.score == score and g.answered


def test_ordering_by_pairs_three_items():
    q = ordering(sequence=("x", "y", "z"))
    assert grade_ordering(q, ["z", "x", "y"], rule="pairs").score == 0.333333
    assert grade_ordering(q, ["z", "x", "y"]).score == 0.0


def test_ordering_parts_are_positional_under_either_rule():
    q = ordering()
    assert grade_ordering(q, ["b", "a", "c", "d"], rule="pairs").parts == (False, False, True, True)


@pytest.mark.parametrize(
    "response",
    [
        ["a", "a", "c", "d"],  # duplicate
        ["a", "b", "c"],  # missing
        ["a", "b", "c", "d", "e"],  # extra
        ["a", "b", "c", "d", "d"],
        ["a", "b", "c", "x"],  # unknown item
        ["a"],
    ],
)
@pytest.mark.parametrize("rule", ["positions", "pairs"])
def test_ordering_duplicates_or_missing_items_score_zero_with_a_note(response, rule):
    g = grade_ordering(ordering(), response, rule=rule)
    assert g == Grade(0.0, answered=True, parts=(False,) * 4, note="Give every item a different position.")


@pytest.mark.parametrize("response", [None, [], ["", "", "", ""]])
def test_ordering_empty_is_unanswered_without_a_note(response):
    assert grade(ordering(), response) == Grade(0.0, answered=False, parts=(False,) * 4)


def test_ordering_accepts_a_tuple():
    assert grade(ordering(), ("a", "b", "c", "d")).correct


# --------------------------------------------------------------------------- correct_response


@pytest.mark.parametrize("question", one_of_each(), ids=lambda q: q.type)
def test_correct_response_scores_one(question):
    g = grade(question, correct_response(question))
    assert g.correct and g.answered and g.score == 1.0


def test_correct_response_values_per_type():
    assert correct_response(single_choice(key=3)) == 3
    assert correct_response(multiple_response(keys=(0, 2), n=5)) == frozenset({0, 2})
    assert correct_response(true_false(answer=False)) is False
    assert correct_response(short_answer(accept=["Toloka", "Yandex Toloka"])) == "Toloka"
    assert correct_response(numeric(answer=8.5, unit="%")) == 8.5
    assert correct_response(matching()) == {"A": "1", "B": "2", "C": "3", "D": "4"}
    assert correct_response(ordering()) == ["a", "b", "c", "d"]


def test_correct_response_of_ordering_is_a_copy():
    q = ordering()
    response = correct_response(q)
    response.reverse()
    assert q.sequence == ["a", "b", "c", "d"]


@pytest.mark.parametrize("keys, n", [((0,), 3), ((1, 2), 3), ((0, 3, 5, 6), 8)])
def test_correct_response_multiple_response_scores_one_for_any_keys(keys, n):
    q = multiple_response(keys=keys, n=n)
    assert grade(q, correct_response(q)).correct


def test_correct_response_of_something_else_is_a_type_error():
    with pytest.raises(TypeError, match="no question type None for object"):
        correct_response(object())
