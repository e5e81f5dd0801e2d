"""Counting rules for attempts, and the four grade export layouts read back with csv.reader."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest

from course.exports.grades import (
    CANVAS_IDENTITY,
    FORMATS,
    LONG_HEADER,
    Cell,
    Column,
    Learner,
    export_csv,
    export_rows,
)
from course.gradebook import COUNTING, AttemptScore, counted_score, points

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def parse(fmt: str, columns, learners) -> list[list[str]]:
    """The export as csv.reader reads it back."""
    return list(csv.reader(io.StringIO("".join(export_csv(fmt, columns, learners)), newline="")))


# --- counted_score and points --------------------------------------------------------------------

# Submitted out of order on purpose: the sequence order is not the time order.
ATTEMPTS = [AttemptScore(at(20), 0.5), AttemptScore(at(0), 0.25), AttemptScore(at(40), 0.75), AttemptScore(at(10), 1.0)]


@pytest.mark.parametrize(
    ("counting", "expected"),
    [
        ("highest", 1.0),
        ("last", 0.75),  # submitted at +40 min, third in the sequence
        ("first", 0.25),  # submitted at +0 min, second in the sequence
        ("average", 0.625),  # (0.5 + 0.25 + 0.75 + 1.0) / 4
    ],
)
def test_counted_score_for_each_rule(counting, expected):
    assert counted_score(ATTEMPTS, counting) == expected


def test_every_counting_rule_is_covered():
    assert set(COUNTING) == {"highest", "last", "first", "average"}


@pytest.mark.parametrize("counting", COUNTING)
def test_no_submitted_attempt_counts_as_none_not_zero(counting):
    assert counted_score([], counting) is None


def test_a_single_attempt_counts_under_every_rule():
    assert {counted_score([AttemptScore(at(5), 0.4)], c) for c in COUNTING} == {0.4}


def test_last_and_first_break_a_time_tie_by_sequence_order():
    tied = [AttemptScore(at(5), 0.3), AttemptScore(at(5), 0.9), AttemptScore(at(1), 0.6)]
    assert counted_score(tied, "last") == 0.9  # same instant as 0.3, later in the sequence
    assert counted_score(tied, "first") == 0.6  # earliest instant wins whatever its position
    both_first = [AttemptScore(at(1), 0.2), AttemptScore(at(1), 0.8)]
    assert counted_score(both_first, "first") == 0.2


def test_highest_with_tied_scores_is_that_score():
    assert counted_score([AttemptScore(at(3), 0.8), AttemptScore(at(1), 0.8), AttemptScore(at(2), 0.1)], "highest") == 0.8


def test_average_of_tied_and_zero_scores():
    assert counted_score(
        [AttemptScore(at(1), 0.0), AttemptScore(at(2), 0.0), AttemptScore(at(3), 0.9)], "average"
    ) == pytest.approx(0.3)


def test_unknown_counting_rule_is_refused():
    with pytest.raises(ValueError, match="counting"):
        counted_score(ATTEMPTS, "best-two")


@pytest.mark.parametrize(
    ("score", "possible", "expected"),
    [
        (None, 10, None),
        (0.0, 10, 0.0),
        (1.0, 7.5, 7.5),
        (2 / 3, 10, 6.67),
        (0.335, 1, 0.34),  # half up in decimal; binary floats would give 0.33
        (0.125, 2.5, 0.31),  # 0.3125 -> 0.31
    ],
)
def test_points_rounds_half_up_to_two_decimals(score, possible, expected):
    assert points(score, possible) == expected


# --- fixtures for the exports --------------------------------------------------------------------

COLUMNS = [
    Column(11, "Quiz 1", 10),
    Column(12, "+SUM(A1)", 5),
    Column(13, 'Essay, part "2"', 20),
]
ANA = Learner(1, "ana@example.org", "S1")
BO = Learner(2, "-bo@example.org", "@S2")  # an identity that starts like a formula: kept verbatim
ANA_CELLS = {11: Cell(8.5, "graded", at(30), 2), 12: Cell(None, "excused"), 13: Cell(0.0, "overridden", None, 1)}
BO_CELLS = {11: Cell(None, "in progress", None, 1)}  # 12 and 13 absent: missing


def roster():
    return [(ANA, ANA_CELLS), (BO, BO_CELLS)]


# --- long ----------------------------------------------------------------------------------------


def test_long_header_and_one_row_per_learner_and_assignment():
    rows = parse("long", COLUMNS, roster())
    assert rows[0] == [
        "email",
        "section",
        "assignment_id",
        "assignment",
        "points",
        "points_possible",
        "percent",
        "status",
        "attempts",
        "submitted_at",
    ]
    assert rows[0] == list(LONG_HEADER)
    assert len(rows) == 1 + 2 * 3
    assert rows[1] == ["ana@example.org", "S1", "11", "Quiz 1", "8.5", "10", "85", "graded", "2", "2025-03-01T09:30:00+00:00"]
    assert rows[2] == ["ana@example.org", "S1", "12", "'+SUM(A1)", "", "5", "", "excused", "0", ""]
    assert rows[3] == ["ana@example.org", "S1", "13", 'Essay, part "2"', "0", "20", "0", "overridden", "1", ""]


def test_long_marks_absent_assignments_missing_and_keeps_in_progress_blank():
    rows = parse("long", COLUMNS, roster())
    bo = [r for r in rows[1:] if r[0] == "-bo@example.org"]
    assert [(r[2], r[4], r[7], r[8]) for r in bo] == [
        ("11", "", "in progress", "1"),
        ("12", "", "missing", "0"),
        ("13", "", "missing", "0"),
    ]
    assert all(r[1] == "'@S2" for r in bo)


# --- wide ----------------------------------------------------------------------------------------


def test_wide_header_points_total_and_percent():
    rows = parse("wide", COLUMNS, roster())
    assert rows[0] == ["email", "section", "Quiz 1", "'+SUM(A1)", 'Essay, part "2"', "total", "percent"]
    # Excused: "EX" and left out of the percent: 8.5 of (10 + 20) possible.
    assert rows[1] == ["ana@example.org", "S1", "8.5", "EX", "0", "8.5", "28.33"]
    # No points anywhere: blank total and percent, not 0.
    assert rows[2] == ["-bo@example.org", "'@S2", "", "", "", "", ""]


def test_wide_scores_zero_when_the_only_points_are_zero():
    rows = parse("wide", COLUMNS[:1], [(ANA, {11: Cell(0.0, "graded", at(1), 1)})])
    assert rows[1] == ["ana@example.org", "S1", "0", "0", "0"]


def test_wide_headers_stay_distinct_from_each_other_and_the_fixed_columns():
    cols = [Column(1, "Total", 1), Column(2, "Quiz", 1), Column(3, "quiz", 1), Column(4, "  ", 1)]
    header = parse("wide", cols, [])[0]
    assert header == ["email", "section", "Total [2]", "Quiz", "quiz [2]", "Assignment 4", "total", "percent"]


# --- canvas --------------------------------------------------------------------------------------

# Canvas's importer (lib/gradebook_importer.rb) drops any header containing one of these.
CANVAS_NON_ASSIGNMENT = re.compile(
    "|".join(
        [
            "Current Score",
            "Current Points",
            "Current Grade",
            "Final Score",
            "Final Points",
            "Final Grade",
            "Override Score",
            "Override Grade",
            "Override Status",
        ]
    )
)
CANVAS_TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z")


def test_canvas_header_and_points_possible_row():
    rows = parse("canvas", COLUMNS, roster())
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Quiz 1", "'+SUM(A1)", 'Essay, part "2"']
    assert rows[1] == ["Points Possible", "", "", "", "", "10", "5", "20"]


def test_canvas_learner_rows_use_the_email_and_leave_canvas_ids_blank():
    rows = parse("canvas", COLUMNS, roster())
    # ID blank (our ids are not Canvas's), email as Student and SIS Login ID; EX for excused,
    # 0 for a zero and blank for no grade.
    assert rows[2] == ["ana@example.org", "", "", "ana@example.org", "S1", "8.5", "EX", "0"]
    assert rows[3] == ["-bo@example.org", "", "", "-bo@example.org", "'@S2", "", "", ""]


def test_canvas_uses_canvas_ids_when_given():
    cols = [Column(11, "Quiz 1", 10, canvas_id=9001), Column(12, "Week (3)", 4, canvas_id=9002)]
    learner = Learner(5, "cy@example.org", "S1", canvas_user_id=4242, sis_user_id="U-77")
    rows = parse("canvas", cols, [(learner, {11: Cell(10.0, "graded", at(1), 1)})])
    assert rows[0][5:] == ["Quiz 1 (9001)", "Week [3] (9002)"]
    assert [CANVAS_TITLE_AND_ID.match(h).group(2) for h in rows[0][5:]] == ["9001", "9002"]
    assert rows[2] == ["cy@example.org", "4242", "U-77", "cy@example.org", "S1", "10", ""]


def test_canvas_refuses_two_columns_for_one_canvas_assignment():
    with pytest.raises(ValueError, match="Canvas"):
        list(export_rows("canvas", [Column(1, "A", 1, canvas_id=5), Column(2, "B", 1, canvas_id=5)], []))


def test_canvas_renames_titles_its_importer_would_drop_or_misread():
    titles = [
        "Final Grade",
        "Current Score check",
        "Unposted Final Score",
        "final  grade",
        "override status",
        "Week (3)",
        "Section",
        "Quiz",
        "Quiz",
        "Points Possible",
        "",
    ]
    cols = [Column(i, t, 1) for i, t in enumerate(titles, start=1)]
    header = parse("canvas", cols, [])[0]
    assignment_headers = header[len(CANVAS_IDENTITY) :]
    assert assignment_headers == [
        "Final-Grade",
        "Current-Score check",
        "Unposted Final-Score",
        "final-grade [2]",
        "override-status",
        "Week [3]",
        "Section [2]",
        "Quiz",
        "Quiz [2]",
        "Points Possible [2]",
        "Assignment 11",
    ]
    # What Canvas's importer would do with them: none dropped, none read as a Canvas assignment id,
    # and each found at its own position (Canvas looks a header up by its first occurrence).
    assert not [h for h in assignment_headers if CANVAS_NON_ASSIGNMENT.search(h)]
    assert not [h for h in assignment_headers if CANVAS_TITLE_AND_ID.match(h)]
    assert [header.index(h) for h in assignment_headers] == list(range(len(CANVAS_IDENTITY), len(header)))


def test_canvas_header_passes_canvas_header_checks():
    header = parse("canvas", COLUMNS, [])[0]
    # row_has_student_headers? and update_column_count in Canvas's importer.
    assert "Student" in header[0] and "ID" in header[1]
    assert re.match(r"SIS\s+User\s+ID", header[2]) and re.match(r"SIS\s+Login\s+ID", header[3])
    assert "Section" in header[4]


# --- moodle --------------------------------------------------------------------------------------


def test_moodle_header_and_rows():
    rows = parse("moodle", COLUMNS, roster())
    assert rows[0] == ["Email address", "Quiz 1", "'+SUM(A1)", 'Essay, part "2"']
    # Moodle has no "excused" in CSV: blank is "no grade"; 0 stays 0.
    assert rows[1] == ["ana@example.org", "8.5", "", "0"]
    assert rows[2] == ["-bo@example.org", "", "", ""]


def test_moodle_every_row_has_the_header_width():
    many = [
        (Learner(i, f"l{i}@example.org", "S"), {11: Cell(float(i % 11), "graded", at(i), 1)} if i % 3 else {}) for i in range(50)
    ]
    rows = parse("moodle", COLUMNS, many)
    assert len(rows) == 51
    assert {len(r) for r in rows} == {1 + len(COLUMNS)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_has_a_constant_column_count(fmt):
    rows = parse(fmt, COLUMNS, roster())
    assert len({len(r) for r in rows}) == 1


# --- numbers, text, injection ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234567.5, "1234567.5"),  # no thousands separator
        (0.1 + 0.2, "0.3"),
        (1e-07, "0"),  # never exponent form
        (12345678901234.125, "12345678901234.13"),
        (2.0, "2"),
        (0.0, "0"),
        (-0.0, "0"),
    ],
)
def test_numbers_use_dot_decimals_without_separators_or_exponents(value, text):
    rows = parse("moodle", [Column(1, "A", 1e15)], [(ANA, {1: Cell(value, "graded", at(1), 1)})])
    assert rows[1][1] == text


def test_points_possible_use_the_same_number_format():
    rows = parse("canvas", [Column(1, "A", 1500), Column(2, "B", 2.25)], [])
    assert rows[1][5:] == ["1500", "2.25"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_formula_injection_is_neutralised_in_every_free_text_cell(fmt):
    cols = [Column(1, "+SUM(A1)", 5), Column(2, '=HYPERLINK("x")', 5), Column(3, "\tTab", 5)]
    learners = [
        (Learner(1, "ana@example.org", "-S"), {1: Cell(1.0, "graded", at(1), 1)}),
        (Learner(2, "bo@example.org", "\rCR"), {}),
    ]
    rows = parse(fmt, cols, learners)
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if c.startswith(TRIGGERS)]
    assert any(c.startswith("'+SUM(A1)") for c in cells)
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    if fmt != "moodle":  # Moodle's layout has no section column
        assert "'-S" in cells and "'\rCR" in cells


IDENTITIES = ["-dash@example.org", "+plus@example.org", "=cmd@example.org", "@at@example.org"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_identity_columns_are_exported_verbatim(fmt):
    # The LMS matches learners by these cells: a leading ' would make Moodle abort and Canvas miss the
    # student. The app refuses such emails at account creation; the export never alters one it is given.
    learners = [
        (Learner(i, email, "S1", sis_user_id=f"-SIS{i}"), {1: Cell(1.0, "graded", at(1), 1)})
        for i, email in enumerate(IDENTITIES)
    ]
    rows = parse(fmt, [Column(1, "Quiz", 5)], learners)
    first_cells = [r[0] for r in rows[1:] if r[0] != "Points Possible"]
    assert first_cells == IDENTITIES  # one assignment: one row per learner in every layout
    if fmt == "canvas":
        assert [(r[2], r[3]) for r in rows[2:]] == [(f"-SIS{i}", email) for i, email in enumerate(IDENTITIES)]


def test_text_round_trips_through_csv_quoting_and_utf8():
    cols = [Column(1, "Essai, « deux »\nsecond line", 3)]
    learner = Learner(1, "zoë@example.org", "Sección 1")
    text = "".join(export_csv("long", cols, [(learner, {1: Cell(3.0, "graded", at(1), 1)})]))
    rows = list(csv.reader(io.StringIO(text.encode("utf-8").decode("utf-8"), newline="")))
    assert rows[1][:4] == ["zoë@example.org", "Sección 1", "1", "Essai, « deux »\nsecond line"]
    # Header layouts put a title on one line.
    assert parse("moodle", cols, [])[0] == ["Email address", "Essai, « deux » second line"]


# --- refusals ------------------------------------------------------------------------------------


def test_unknown_format_is_refused_before_any_row_is_produced():
    with pytest.raises(ValueError, match="format"):
        export_csv("xlsx", COLUMNS, roster())


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="status"):
        Cell(1.0, "late")


def test_duplicate_assignment_ids_and_bad_points_are_refused():
    with pytest.raises(ValueError, match="same assignment id"):
        export_rows("long", [Column(1, "A", 1), Column(1, "B", 1)], [])
    with pytest.raises(ValueError, match="points possible"):
        export_rows("wide", [Column(1, "A", float("nan"))], [])


# --- streaming -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_csv_reads_learners_lazily(fmt):
    consumed = 0

    def learners():
        nonlocal consumed
        for i in range(100_000):
            consumed += 1
            yield Learner(i, f"l{i}@example.org", "S"), {11: Cell(1.0, "graded", at(0), 1)}

    source = learners()
    chunks = export_csv(fmt, COLUMNS, source)
    assert consumed == 0  # nothing read before the first row is asked for
    first = list(itertools.islice(chunks, 5))
    assert len(first) == 5
    assert consumed < 10
    # The generator still has its learners: it was not drained to build the rows.
    assert next(source)[0].user_id == consumed - 1
    rest = list(itertools.islice(chunks, 3))
    assert len(rest) == 3 and consumed < 100_000


def test_export_csv_yields_one_row_per_chunk():
    chunks = list(export_csv("canvas", COLUMNS, roster()))
    assert len(chunks) == 2 + 2  # header, Points Possible, two learners
    assert all(c.endswith("\r\n") for c in chunks)
    assert [len(list(csv.reader(io.StringIO(c, newline="")))) for c in chunks] == [1, 1, 1, 1]
