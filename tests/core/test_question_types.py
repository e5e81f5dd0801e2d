"""The question-type registry: every registry covers every type (a missing piece fails naming it), and
the two types graded per blank and by people (cloze, essay) behave as documented."""

from __future__ import annotations

import itertools
import random
from inspect import isabstract
from xml.etree import ElementTree as ET

import pytest
from pydantic import ValidationError

from course.analytics import ItemInfo
from course.attempts import restore, snapshot
from course.exports._questions import Unsupported
from course.exports.formats import QUESTION_FORMATS
from course.exports.qti import QtiItem
from course.grading import correct_response, grade
from course.model import QuestionBase
from course.presentation import present
from course.qtypes import AUTO_GRADED, QUESTION_TYPES, Blank, Cloze, Criterion, Level, ResponseError, type_of
from course.qtypes.essay import rubric_score, word_count
from course.responses import form_values, from_json, parse_response, to_json
from tests.core.factories import base, cloze, essay, every_type

SAMPLES = {q.type: q for q in every_type()}


def getlist_of(values: dict):
    """A form's getlist for the values a page would show (sets are ticked boxes)."""

    def getlist(name: str) -> list[str]:
        value = values.get(name)
        if value is None:
            return []
        return sorted(value) if isinstance(value, (set, frozenset)) else [str(value)]

    return getlist


# --------------------------------------------------------------------------- the coverage test

PIECES = (
    "model",
    "label",
    "short",
    "present",
    "parse",
    "to_json",
    "from_json",
    "form_values",
    "grade",
    "correct_response",
    "item_info",
    "picked_options",
    "demo_response",
    "verbatim_passages",
    "moodle_qtype",
    "moodle_questiontext",
    "qti_type",
    *(f.method for f in QUESTION_FORMATS.values()),
)


@pytest.mark.parametrize("name", list(QUESTION_TYPES))
def test_every_type_implements_every_piece(name):
    qtype = QUESTION_TYPES[name]
    missing = [piece for piece in PIECES if not hasattr(qtype, piece)]
    assert not missing, f"question type {name!r} lacks: {', '.join(missing)}"
    assert not isabstract(type(qtype)), f"question type {name!r} leaves abstract: {sorted(type(qtype).__abstractmethods__)}"
    assert issubclass(qtype.model, QuestionBase) and qtype.name == name
    assert qtype.model.model_fields["type"].annotation.__args__ == (name,), f"{name}: the model's type literal differs"
    assert 0 < len(qtype.short) <= 6, f"{name}: the validator summary's column heading must be 1-6 characters"


def test_every_registry_covers_every_type():
    assert set(SAMPLES) == set(QUESTION_TYPES), f"tests/core/factories.py every_type() lacks {set(QUESTION_TYPES) - set(SAMPLES)}"
    assert len({t.short for t in QUESTION_TYPES.values()}) == len(QUESTION_TYPES)
    assert set(AUTO_GRADED) == {n for n, t in QUESTION_TYPES.items() if t.auto_graded}


@pytest.mark.parametrize("name", list(QUESTION_TYPES))
@pytest.mark.parametrize("fmt", list(QUESTION_FORMATS))
def test_every_type_writes_itself_in_every_format_or_says_why_not(name, fmt):
    question, export = SAMPLES[name], QUESTION_FORMATS[fmt]
    qtype = type_of(question)
    if export.method == "to_qti":
        written = qtype.to_qti(QtiItem(ET.Element("section"), question, qtype.qti_type(question), itertools.count(1)))
        assert written is None or isinstance(written, Unsupported)
    else:
        written = getattr(qtype, export.method)(question)
        assert isinstance(written, (str, list, Unsupported)), f"{name}.{export.method} returned {type(written).__name__}"
    if isinstance(written, Unsupported):
        assert written.reason, f"{name} is not supported in {fmt} without a reason"


@pytest.mark.parametrize("name", list(QUESTION_TYPES))
def test_every_type_round_trips_through_its_form_fields_and_storage(name):
    question = SAMPLES[name]
    shown = present(question, "seed-1")
    right = correct_response(question)
    values = form_values(question, shown, right)
    parsed = parse_response(question, shown, getlist_of(values))
    assert from_json(question, to_json(question, parsed)) == parsed
    assert grade(question, parsed) == grade(question, right)


@pytest.mark.parametrize("name", list(QUESTION_TYPES))
def test_every_type_survives_a_snapshot_and_grades_demo_answers(name):
    question = SAMPLES[name]
    assert restore(snapshot(question)) == question
    qtype = type_of(question)
    rng = random.Random(3)
    for right in (True, False):
        result = grade(question, qtype.demo_response(question, right, rng))
        assert result.answered
        if qtype.auto_graded:
            assert result.correct is right
        else:
            assert result.pending
    assert isinstance(qtype.item_info(question), ItemInfo) and qtype.item_info(question).item_id == question.id


def test_an_unknown_type_is_named_not_a_key_error():
    with pytest.raises(TypeError, match="no question type 'poll'"):
        type_of("poll")


# --------------------------------------------------------------------------- cloze


def test_cloze_is_scored_per_blank_and_typed_blanks_are_lenient():
    q = cloze()
    assert grade(q, ["160000", "the city"]).score == 1.0
    half = grade(q, ["160 thousand", "the city"])
    assert (half.score, half.parts, half.answered) == (0.5, (False, True), True)
    assert grade(q, []).answered is False
    assert grade(q, ["", ""]).answered is False


def test_cloze_dropdown_values_must_be_options_and_typed_values_are_limited():
    q, shown = cloze(), present(cloze(), "s")
    with pytest.raises(ResponseError, match="not one of the options"):
        parse_response(q, shown, getlist_of({"blank-0": "1", "blank-1": "Gazprom"}))
    with pytest.raises(ResponseError, match="under 200"):
        parse_response(q, shown, getlist_of({"blank-0": "x" * 201}))
    assert parse_response(q, shown, getlist_of({})) == []
    assert sorted(shown.blank_options[1]) == ["Rostec", "Sberbank", "the city"] and shown.blank_options[0] == ()


@pytest.mark.parametrize(
    "passage, count, message",
    [
        ("No blanks here.", 1, "the passage has 0 blanks but 1 are defined"),
        ("{{2}} before {{1}}", 2, "in order, each once"),
        ("{{1}} and {{1}}", 2, "in order, each once"),
    ],
)
def test_cloze_placeholders_must_match_the_blanks(passage, count, message):
    with pytest.raises(ValidationError, match=message):
        Cloze(**base("c", "cloze"), passage=passage, blanks=[Blank(answer=f"a{i}") for i in range(count)])


def test_a_blank_is_typed_or_a_list_not_both():
    with pytest.raises(ValidationError, match="not both"):
        Blank(answer="a", accept=["b"], options=["c"])
    with pytest.raises(ValidationError, match="also listed as a wrong option"):
        Blank(answer="a", options=["a", "b"])


def test_cloze_filled_passage_is_what_the_validator_checks():
    q = cloze()
    assert q.filled() == "Moscow has 160,000 cameras run by the city."
    assert type_of(q).verbatim_passages(q) == [("s", q.filled())]
    assert q.pieces() == ["Moscow has ", 0, " cameras run by ", 1, "."]


# --------------------------------------------------------------------------- essay


def test_essay_is_never_auto_graded():
    q = essay()
    assert not type_of(q).auto_graded and "essay" not in AUTO_GRADED
    answered = grade(q, "Goode reports that the city denied it.")
    assert (answered.pending, answered.answered, answered.score) == (True, True, 0.0)
    blank = grade(q, "  ")
    assert (blank.pending, blank.answered) == (False, False)


def test_essay_word_limit_is_enforced_with_the_count():
    q = essay(max_words=5)
    shown = present(q, "s")
    assert parse_response(q, shown, getlist_of({"answer": "  one two three  \r\nfour  "})) == "one two three  \nfour"
    with pytest.raises(ResponseError, match="Your answer has 6 words; the limit is 5"):
        parse_response(q, shown, getlist_of({"answer": "one two three four five six"}))


def test_rubric_score_is_points_over_the_maximum():
    q = essay()
    assert q.max_points == 6
    assert rubric_score(q, [2, 1]) == 1.0
    assert rubric_score(q, [1, 0]) == pytest.approx(2 / 6, abs=1e-6)
    with pytest.raises(ValueError, match="one level for each of the 2 criteria"):
        rubric_score(q, [1])
    with pytest.raises(ValueError, match="not one of its levels"):
        rubric_score(q, [3, 0])


def test_rubric_levels_must_rise_and_limits_must_make_sense():
    with pytest.raises(ValidationError, match="strictly increasing"):
        Criterion(criterion="c", levels=[Level(points=2, descriptor="a"), Level(points=1, descriptor="b")])
    with pytest.raises(ValidationError, match="min_words is larger than max_words"):
        essay(min_words=300, max_words=100)


def test_word_count_counts_runs_of_non_space():
    assert word_count("The  camera's  eye — watches.\n\nYes") == 6
    assert word_count(None) == 0
