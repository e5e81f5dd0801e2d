"""Grade exports in four CSV layouts, streamed one learner at a time.

- ``long``: one row per learner and assignment, with status, attempts and submission time.
- ``wide``: one row per learner, one points column per assignment, then total and percent.
- ``canvas``: the layout Canvas's gradebook importer (Grades > Import) reads.
- ``moodle``: the layout Moodle's CSV grade import (Grades > Import > CSV file) reads.

What the two LMS layouts follow, from Canvas's importer (``lib/gradebook_importer.rb`` and
``process_gradebook_upload.js`` in instructure/canvas-lms) and Moodle's (``grade/import/csv``):

Canvas
    The header must start ``Student, ID`` and the identity columns must end with ``Section``;
    ``SIS User ID, SIS Login ID`` may sit between them. A row whose first cell contains
    ``Points Possible`` gives each assignment's points (used when Canvas creates the assignment).
    A student is matched by ``ID`` (Canvas's user id), else ``SIS User ID``, else ``SIS Login ID``,
    else by name. We leave ``ID`` blank (our user ids are not Canvas's and could match the wrong
    student) and put the email in ``SIS Login ID`` and ``Student``. An assignment header
    ``Title (123)`` names Canvas assignment 123; a header Canvas does not know creates a new,
    published assignment with that title. Headers containing ``Current Score``, ``Final Grade``,
    ``Override Score`` and the like (also with ``Unposted`` in front) are read-only and dropped, so
    such titles are renamed (``Final-Grade``). A cell ``EX`` excuses the learner; a blank cell means
    no grade (and clears a grade Canvas already has). Two columns may not share a header, because
    Canvas finds a column by its header's first occurrence.
Moodle
    Every row must have as many cells as the header (``csvweirdcolumns`` otherwise). The
    instructor maps ``Email address`` to the user's email address and each other column to a grade
    item (or a new one). A blank or ``-`` cell means no grade; numbers are read with ``.``
    decimals. One row whose email is unknown to Moodle aborts the whole import.

Identity cells (the email, Canvas's ``SIS User ID``) are written exactly as given: the LMS matches
learners by them, and a changed email makes Moodle abort the import and Canvas miss the student.
The app refuses emails that start with ``= + - @`` when an account is made, so an identity never
starts like a formula. Every free-text cell (titles, section names, status, times) goes through
:func:`course.csvsafe.safe_cell`, so a cell that starts with ``= + - @``, tab or CR gets a leading
``'`` and spreadsheets show it as text. Numbers are written with ``.`` decimals, at most two places,
never in exponent form, with no thousands separators.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from course.csvsafe import safe_cell

FORMATS = ("long", "wide", "canvas", "moodle")
STATUSES = ("graded", "overridden", "missing", "in progress", "excused", "awaiting grading")

LONG_HEADER = (
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
)
WIDE_IDENTITY = ("email", "section")
WIDE_TOTALS = ("total", "percent")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_POSSIBLE = "Points Possible"
CANVAS_EXCUSED = "EX"
MOODLE_IDENTITY = ("Email address",)

# Canvas drops any header containing one of these (its NON_ASSIGNMENT_COLUMN_HEADERS, matched as
# a substring, which also covers "Unposted Current Score" and the like). Matched here without
# regard to case or the amount of space, to stay clear of them.
_CANVAS_READ_ONLY = re.compile(r"(Current|Final|Override)\s+(Score|Points|Grade|Status)", re.IGNORECASE)
# Canvas reads a header ending in " (digits)" as "title (Canvas assignment id)".
_CANVAS_TRAILING_ID = re.compile(r"\s\((\d+)\)$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Learner:
    """A learner on the roster. The app stores no names: the email is the identity.

    ``canvas_user_id`` and ``sis_user_id`` are optional and only used by the Canvas layout.
    """

    user_id: int
    email: str
    section: str
    canvas_user_id: int | None = None
    sis_user_id: str | None = None


@dataclass(frozen=True)
class Column:
    """An assignment to export. ``canvas_id`` (optional) is the matching Canvas assignment's id."""

    assignment_id: int
    title: str
    points_possible: float
    canvas_id: int | None = None


@dataclass(frozen=True)
class Cell:
    """A learner's result for one assignment: the points that count (None when there are none)."""

    points: float | None
    status: str
    submitted_at: datetime | None = None
    attempts: int = 0

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}; expected one of {', '.join(STATUSES)}")


_MISSING = Cell(points=None, status="missing")


def export_rows(
    fmt: str, columns: Sequence[Column], learners: Iterable[tuple[Learner, Mapping[int, Cell]]]
) -> Iterator[list[str]]:
    """The rows of an export, header first, each a list of strings.

    Learners are read one at a time as the rows are consumed, so a generator of learners is never
    held in memory. An assignment missing from a learner's mapping is exported as "missing".
    Raises ValueError at once for an unknown format or unusable columns.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    columns = list(columns)
    _check_columns(columns)
    writer = {"long": _long, "wide": _wide, "canvas": _canvas, "moodle": _moodle}[fmt]
    return writer(columns, learners)


def export_csv(fmt: str, columns: Sequence[Column], learners: Iterable[tuple[Learner, Mapping[int, Cell]]]) -> Iterator[str]:
    """The export as CSV text, one chunk per row, written by `csv.writer` on a small buffer.

    Memory stays constant however many learners there are, so a Flask ``Response`` or a file can
    stream it. Encode the chunks as UTF-8. Raises ValueError at once like :func:`export_rows`.
    """
    return _csv_chunks(export_rows(fmt, columns, learners))


def _csv_chunks(rows: Iterator[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


# --- the four layouts --------------------------------------------------------------------------


def _long(columns: list[Column], learners: Iterable[tuple[Learner, Mapping[int, Cell]]]) -> Iterator[list[str]]:
    yield list(LONG_HEADER)
    for learner, cells in learners:
        for col in columns:
            cell = cells.get(col.assignment_id, _MISSING)
            earned = None if cell.status == "excused" else cell.points
            yield [
                _identity(learner.email),
                _text(learner.section),
                str(col.assignment_id),
                _text(col.title),
                _number(earned),
                _number(col.points_possible),
                _number(_percent(earned, col.points_possible)),
                _text(cell.status),
                str(cell.attempts),
                _text(cell.submitted_at.isoformat() if cell.submitted_at else ""),
            ]


def _wide(columns: list[Column], learners: Iterable[tuple[Learner, Mapping[int, Cell]]]) -> Iterator[list[str]]:
    yield [*WIDE_IDENTITY, *_unique([_plain_title(c) for c in columns], WIDE_IDENTITY + WIDE_TOTALS), *WIDE_TOTALS]
    for learner, cells in learners:
        row = [_identity(learner.email), _text(learner.section)]
        earned: list[float] = []
        possible: list[float] = []
        for col in columns:
            cell = cells.get(col.assignment_id, _MISSING)
            if cell.status == "excused":
                row.append(CANVAS_EXCUSED)
                continue
            possible.append(col.points_possible)
            if cell.points is not None:
                earned.append(cell.points)
            row.append(_number(cell.points))
        total = _round2(math.fsum(earned)) if earned else None
        row += [_number(total), _number(_percent(total, math.fsum(possible)))]
        yield row


def _canvas(columns: list[Column], learners: Iterable[tuple[Learner, Mapping[int, Cell]]]) -> Iterator[list[str]]:
    canvas_ids = [c.canvas_id for c in columns if c.canvas_id is not None]
    if len(canvas_ids) != len(set(canvas_ids)):
        raise ValueError("two columns name the same Canvas assignment id")
    titles = [_canvas_title(c) for c in columns]
    yield [*CANVAS_IDENTITY, *_unique(titles, CANVAS_IDENTITY + (CANVAS_POINTS_POSSIBLE,))]
    yield [CANVAS_POINTS_POSSIBLE, "", "", "", "", *(_number(c.points_possible) for c in columns)]
    for learner, cells in learners:
        row = [
            _identity(learner.email),
            "" if learner.canvas_user_id is None else str(learner.canvas_user_id),
            _identity(learner.sis_user_id or ""),
            _identity(learner.email),
            _text(learner.section),
        ]
        for col in columns:
            cell = cells.get(col.assignment_id, _MISSING)
            row.append(CANVAS_EXCUSED if cell.status == "excused" else _number(cell.points))
        yield row


def _moodle(columns: list[Column], learners: Iterable[tuple[Learner, Mapping[int, Cell]]]) -> Iterator[list[str]]:
    yield [*MOODLE_IDENTITY, *_unique([_plain_title(c) for c in columns], MOODLE_IDENTITY)]
    for learner, cells in learners:
        row = [_identity(learner.email)]
        for col in columns:
            cell = cells.get(col.assignment_id, _MISSING)
            # Moodle's CSV import has no "excused": a blank cell is "no grade".
            row.append("" if cell.status == "excused" else _number(cell.points))
        yield row


# --- titles ------------------------------------------------------------------------------------


def _plain_title(col: Column) -> str:
    """A one-line, non-empty, neutralised title for a header cell."""
    title = _SPACE.sub(" ", col.title).strip() or f"Assignment {col.assignment_id}"
    return _text(title)


def _canvas_title(col: Column) -> str:
    """A header Canvas reads as a gradable assignment with this title (and id, when known)."""
    title = _SPACE.sub(" ", col.title).strip() or f"Assignment {col.assignment_id}"
    title = _CANVAS_READ_ONLY.sub(lambda m: f"{m[1]}-{m[2]}", title)
    title = _CANVAS_TRAILING_ID.sub(lambda m: f" [{m[1]}]", title)
    title = _text(title)
    return title if col.canvas_id is None else f"{title} ({col.canvas_id})"


def _unique(titles: list[str], reserved: Sequence[str]) -> list[str]:
    """Titles made distinct from each other and from `reserved` (ignoring case) with " [2]", " [3]"..."""
    taken = {r.casefold() for r in reserved}
    out = []
    for title in titles:
        candidate, n = title, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{title} [{n}]"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


# --- cells -------------------------------------------------------------------------------------


def _check_columns(columns: list[Column]) -> None:
    ids = [c.assignment_id for c in columns]
    if len(ids) != len(set(ids)):
        raise ValueError("two columns have the same assignment id")
    for c in columns:
        if not math.isfinite(c.points_possible) or c.points_possible < 0:
            raise ValueError(f"assignment {c.assignment_id}: points possible must be a finite number >= 0")


def _text(value: str) -> str:
    """A free-text cell, neutralised against formula injection."""
    return safe_cell(value)


def _identity(value: str) -> str:
    """An identity cell the LMS matches learners by: never altered (see the module docstring)."""
    return value


def _round2(value: float) -> float:
    return float(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _percent(earned: float | None, possible: float) -> float | None:
    if earned is None or not possible:
        return None
    exact = Decimal(repr(float(earned))) * 100 / Decimal(repr(float(possible)))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@lru_cache(maxsize=4096)  # an export writes few distinct points values many times over
def _number(value: float | None) -> str:
    """`value` with "." decimals, at most 2 places, no exponent, no separators; blank for None."""
    if value is None:
        return ""
    if not math.isfinite(value):
        raise ValueError(f"cannot export the number {value!r}")
    text = f"{_round2(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
