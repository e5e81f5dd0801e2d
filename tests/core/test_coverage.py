"""The coverage map: which paragraphs the bank tests, by type and Bloom level, and the class facility."""

import csv
import io
from datetime import date

import pytest

from course.catalog import Course, load_course
from course.coverage import (
    ItemFacility,
    UnknownReading,
    coverage,
    csv_rows,
    reading_coverage,
    snippet,
    to_text,
    write_csv,
)
from course.model import Evidence, Paragraph, Reading, ReadingMeta
from tests.conftest import COURSE
from tests.core import factories


@pytest.fixture(scope="module")
def small_course() -> Course:
    return load_course(COURSE / "lessons", COURSE / "bank.yaml")


def test_every_numbered_paragraph_of_the_fixture_course_counts_the_questions_citing_it(small_course):
    (reading,) = coverage(small_course)
    assert reading.reading_id == "demo-source" and reading.title == "A small test source"
    # The heading "First section" is not a numbered paragraph.
    assert [(p.anchor, p.number, p.count) for p in reading.paragraphs] == [("p1", 1, 2), ("p2", 2, 5)]
    p1, p2 = reading.paragraphs
    assert p1.question_ids == ("demo-001", "demo-007")
    assert p2.question_ids == ("demo-002", "demo-003", "demo-004", "demo-005", "demo-006")
    assert reading.question_count == 7 and reading.untested == ()


def test_breakdowns_by_type_and_bloom_list_every_type_and_level_in_order(small_course):
    p1, p2 = coverage(small_course)[0].paragraphs
    assert {t: n for t, n in p1.by_type.items() if n} == {"numeric": 1, "ordering": 1}
    assert list(p1.by_type)[:3] == ["single_choice", "multiple_response", "true_false"] and "essay" in p1.by_type
    assert list(p1.by_bloom.items()) == [("remember", 1), ("understand", 0), ("apply", 0), ("analyze", 1), ("evaluate", 0)]
    assert {t: n for t, n in p2.by_type.items() if n} == {
        "single_choice": 1,
        "multiple_response": 1,
        "true_false": 1,
        "short_answer": 1,
        "matching": 1,
    }
    assert dict(p2.by_bloom) == {"remember": 1, "understand": 2, "apply": 0, "analyze": 1, "evaluate": 1}


def reading_of(*texts: str, heading: str | None = "Start") -> Reading:
    """A reading 's' (the factories' evidence source) with numbered paragraphs, after an optional heading."""
    paragraphs = [Paragraph(anchor="start", text=heading, heading=True)] if heading else []
    paragraphs += [Paragraph(anchor=f"p{i}", text=text) for i, text in enumerate(texts, start=1)]
    meta = ReadingMeta(id="s", title="Hand-built", authors=["A"], outlet="O", date=date(2020, 1, 1), url=None, seed="x")
    return Reading(meta=meta, paragraphs=paragraphs, path="s.md")


def course_of(reading: Reading, *questions) -> Course:
    return Course(lessons=(), readings=(reading,), glossary=(), questions=tuple(questions))


def citing(question, *quotes: str, source: str = "s"):
    """The question with its evidence replaced by these quotes."""
    return question.model_copy(update={"evidence": [Evidence(source=source, quote=q) for q in quotes]})


READING = reading_of(
    "Moscow installed 160,000 cameras across the city.",
    "Activists said the cameras were used against protesters.",
    "Footnote: a paragraph no question asks about.",
)


def test_untested_paragraphs_stand_out_and_a_question_citing_two_paragraphs_counts_in_both():
    both = citing(factories.single_choice("sc-both"), "160,000 cameras", "used against protesters")
    twice = citing(factories.true_false("tf-twice"), "Moscow installed", "across the city")
    course = course_of(READING, both, twice)
    (reading,) = coverage(course)
    assert [p.count for p in reading.paragraphs] == [2, 1, 0]
    assert reading.paragraphs[0].question_ids == ("sc-both", "tf-twice")  # two quotes of one paragraph count once
    assert [p.anchor for p in reading.untested] == ["p3"] and not reading.paragraphs[2].tested
    assert reading.question_count == 2


def test_quotes_match_as_anchor_for_does_typographic_quotes_and_spacing_folded():
    reading = reading_of("He called it the \u201csafe city\u201d\u00a0programme.", heading=None)
    question = citing(factories.short_answer(), 'the "safe city"   programme')
    course = course_of(reading, question)
    assert course.anchor_for("s", question.evidence[0].quote) == "p1"
    assert coverage(course)[0].paragraphs[0].question_ids == (question.id,)


def test_evidence_from_another_reading_or_not_found_counts_nowhere():
    elsewhere = citing(factories.numeric(), "Moscow installed", source="other")
    missing = citing(factories.ordering(), "words that are in no paragraph")
    (reading,) = coverage(course_of(READING, elsewhere, missing))
    assert [p.count for p in reading.paragraphs] == [0, 0, 0] and reading.question_count == 0


def test_facility_pools_the_responses_of_the_paragraphs_questions():
    a = citing(factories.single_choice("a"), "160,000 cameras")
    b = citing(factories.multiple_response("b"), "160,000 cameras", "used against protesters")
    c = citing(factories.essay("c"), "used against protesters")
    facility = {"a": ItemFacility(1.0, 30), "b": ItemFacility(0.5, 10), "unknown": ItemFacility(0.0, 99)}
    p1, p2, p3 = coverage(course_of(READING, a, b, c), facility)[0].paragraphs
    # Pooled over responses, not a mean of facilities: (1.0 * 30 + 0.5 * 10) / 40.
    assert p1.facility == pytest.approx(35 / 40) and (p1.responses, p1.answered) == (40, 2)
    # c has no responses yet: only b's count, and the page can say 1 of 2 questions answered.
    assert p2.facility == pytest.approx(0.5) and (p2.responses, p2.answered, p2.count) == (10, 1, 2)
    assert p3.facility is None and (p3.responses, p3.answered) == (0, 0)


def test_without_facility_every_paragraph_has_none():
    p1 = coverage(course_of(READING, citing(factories.numeric(), "160,000 cameras")))[0].paragraphs[0]
    assert (p1.count, p1.facility, p1.responses, p1.answered) == (1, None, 0, 0)


@pytest.mark.parametrize(("facility", "n"), [(1.2, 5), (-0.1, 5), (float("nan"), 5), (0.5, 0)])
def test_a_facility_outside_0_to_1_or_without_responses_is_refused(facility, n):
    with pytest.raises(ValueError):
        ItemFacility(facility, n)


def test_readings_are_chosen_by_id_and_an_unknown_id_is_named(small_course):
    assert [r.reading_id for r in coverage(small_course, reading_ids=["demo-source"])] == ["demo-source"]
    assert coverage(small_course, reading_ids=[]) == ()
    with pytest.raises(UnknownReading, match="no reading nope; known: demo-source"):
        coverage(small_course, reading_ids=["nope"])


def test_reading_coverage_maps_one_reading(small_course):
    assert reading_coverage(small_course, small_course.readings[0]) == coverage(small_course)[0]


def test_snippets_end_on_a_whole_word():
    assert snippet("Short text.") == "Short text."
    assert snippet("one two three four", limit=10) == "one two…"
    assert snippet("x" * 30, limit=10) == "x" * 10 + "…"


def test_the_text_table_marks_untested_paragraphs_and_names_them_in_the_summary():
    course = course_of(READING, citing(factories.single_choice(), "160,000 cameras"))
    text = to_text(coverage(course, {"sc-1": ItemFacility(0.75, 4)}))
    lines = text.splitlines()
    assert lines[0] == "s: Hand-built"
    assert lines[1] == "3 numbered paragraphs: 1 tested, 2 untested (p2, p3); 1 questions cite it."
    assert "single" in lines[3] and "remem" in lines[3] and "facility" in lines[3]
    p1, p2 = lines[5], lines[6]
    assert p1.startswith("p1") and "0.75" in p1 and "UNTESTED" not in p1 and "Moscow installed" in p1
    assert p2.startswith("p2") and "UNTESTED  Activists said" in p2


def test_csv_has_a_row_per_paragraph_with_every_breakdown_and_neutralised_cells():
    reading = reading_of("=HYPERLINK(1) says the cameras watch.", "Nobody asks about this.", heading=None)
    question = citing(factories.cloze("cl-9"), "says the cameras watch")
    out = io.StringIO()
    write_csv(coverage(course_of(reading, question), {"cl-9": ItemFacility(0.25, 8)}), out)
    reader = csv.DictReader(io.StringIO(out.getvalue()))
    first, second = reader
    header = reader.fieldnames
    assert header[:5] == ["reading", "paragraph", "anchor", "questions", "tested"] and "evaluate" in header
    assert (first["anchor"], first["questions"], first["tested"], first["cloze"], first["remember"]) == (
        "p1",
        "1",
        "yes",
        "1",
        "1",
    )
    assert (first["facility"], first["responses"], first["questions_answered"], first["question_ids"]) == (
        "0.2500",
        "8",
        "1",
        "cl-9",
    )
    assert first["text"].startswith("'=HYPERLINK")  # a spreadsheet shows it as text, never runs it
    assert (second["tested"], second["questions"], second["facility"]) == ("no", "0", "")
    assert len(list(csv_rows(coverage(course_of(reading, question))))) == 3
