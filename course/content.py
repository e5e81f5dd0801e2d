"""Load readings, lessons and the glossary from the lessons/ folder into typed objects."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from course.errors import ContentError, Problem
from course.frontmatter import read_front_matter
from course.model import GlossaryTerm, Lesson, LessonMeta, Paragraph, Reading, ReadingMeta
from course.text import slugify
from course.yamlio import LINE_KEY, load_yaml, read_text, strip_lines

M = TypeVar("M", bound=BaseModel)
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def pydantic_problems(exc: ValidationError, path: str | Path, line: int | None, item: str | None) -> list[Problem]:
    """Turn a pydantic error into located, readable problems."""
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"] if p not in ("function-after",))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (misspelt?)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        problems.append(Problem(str(path), line, f"{where}: {msg}" if where else msg, item))
    return problems


def build(model: type[M], data: dict[str, Any], path: str | Path, item: str | None = None) -> M:
    """Validate a mapping into a model, raising a ContentError that names file and line."""
    line = data.get(LINE_KEY) if isinstance(data, dict) else None
    try:
        return model.model_validate(strip_lines(data))
    except ValidationError as exc:
        raise ContentError(pydantic_problems(exc, path, line, item)) from None


def load_lesson(path: str | Path) -> Lesson:
    """Load one lesson file; its id must equal its file name."""
    path = Path(path)
    meta_data, body, _ = read_front_matter(path)
    meta = build(LessonMeta, meta_data, path, item=meta_data.get("id"))
    if meta.id != path.stem:
        raise ContentError.single(path, 2, f"id {meta.id!r} must equal the file name {path.stem!r}")
    return Lesson(meta=meta, body=body, path=str(path))


def split_paragraphs(body: str) -> list[Paragraph]:
    """Split a reading body into paragraphs; body paragraphs get anchors p1, p2, ... in order."""
    paragraphs: list[Paragraph] = []
    number = 0
    for block in re.split(r"\n\s*\n", body.strip()):
        text = " ".join(line.strip() for line in block.strip().splitlines())
        if not text:
            continue
        heading = _HEADING.match(text)
        if heading:
            paragraphs.append(Paragraph(anchor=slugify(heading.group(2)), text=heading.group(2), heading=True))
        else:
            number += 1
            paragraphs.append(Paragraph(anchor=f"p{number}", text=text))
    return paragraphs


def load_reading(path: str | Path) -> Reading:
    """Load one reading; its id must equal its file name."""
    path = Path(path)
    meta_data, body, _ = read_front_matter(path)
    meta = build(ReadingMeta, meta_data, path, item=meta_data.get("id"))
    if meta.id != path.stem:
        raise ContentError.single(path, 2, f"id {meta.id!r} must equal the file name {path.stem!r}")
    return Reading(meta=meta, paragraphs=split_paragraphs(body), path=str(path))


def load_glossary(path: str | Path) -> list[GlossaryTerm]:
    """Load the glossary, collecting every malformed term."""
    data = load_yaml(read_text(path), path)
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise ContentError.single(path, 1, "top level must be a mapping with a 'terms:' list")
    terms, problems = [], []
    for entry in data["terms"]:
        if not isinstance(entry, dict):
            problems.append(Problem(str(path), None, "each term must be a mapping (id, term, definition, source, quote)"))
            continue
        try:
            terms.append(build(GlossaryTerm, entry, path, item=entry.get("id")))
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    return terms


def _collect(paths: list[Path], loader: Any) -> tuple[list[Any], list[Problem]]:
    items, problems = [], []
    for path in paths:
        try:
            items.append(loader(path))
        except ContentError as exc:
            problems.extend(exc.problems)
    return items, problems


def load_lessons(lessons_dir: str | Path) -> list[Lesson]:
    """Load every lessons/NN-*.md file, ordered by their `order` key."""
    paths = sorted(Path(lessons_dir).glob("[0-9][0-9]-*.md"))
    lessons, problems = _collect(paths, load_lesson)
    if problems:
        raise ContentError(problems)
    return sorted(lessons, key=lambda lesson: (lesson.meta.order, lesson.id))


def load_readings(lessons_dir: str | Path) -> list[Reading]:
    """Load every lessons/sources/*.md reading."""
    readings, problems = _collect(sorted(Path(lessons_dir, "sources").glob("*.md")), load_reading)
    if problems:
        raise ContentError(problems)
    return readings
