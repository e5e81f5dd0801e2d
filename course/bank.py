"""Parse the question bank (question_bank.yaml) into typed questions, with file:line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from course.content import pydantic_problems
from course.errors import ContentError, Problem
from course.model import Question
from course.policy import BankPolicy, read_policy
from course.qtypes import QUESTION_ADAPTER, QUESTION_TYPES
from course.yamlio import LINE_KEY, load_yaml, read_text, strip_lines

SUPPORTED_VERSIONS = (1,)


def parse_question(entry: Any, path: str | Path, index: int) -> Question:
    """Validate one question mapping against the schema of its type."""
    if not isinstance(entry, dict):
        raise ContentError.single(path, None, f"question #{index + 1} must be a mapping of keys, not {type(entry).__name__}")
    line = entry.get(LINE_KEY)
    qid = entry.get("id") if isinstance(entry.get("id"), str) else f"question #{index + 1}"
    qtype = entry.get("type")
    if qtype not in QUESTION_TYPES:
        hint = "missing 'type'" if qtype is None else f"unknown type {qtype!r}"
        raise ContentError.single(path, line, f"{hint}; use one of: {', '.join(QUESTION_TYPES)}", qid)
    try:
        question = QUESTION_ADAPTER.validate_python(strip_lines(entry))
    except ValidationError as exc:
        problems = pydantic_problems(exc, path, line, qid)
        # The discriminator adds the type name to each location; drop it for readability.
        raise ContentError([Problem(p.path, p.line, p.message.removeprefix(f"{qtype}."), p.item) for p in problems]) from None
    return question.model_copy(update={"line": line or 0})


def load_bank(path: str | Path) -> list[Question]:
    """Load every question in the bank, collecting all problems before raising."""
    return load_bank_with_policy(path)[0]


def load_bank_with_policy(path: str | Path) -> tuple[list[Question], BankPolicy]:
    """Load the bank's questions and its balance policy (defaults when it sets none)."""
    data = load_yaml(read_text(path), path)
    if not isinstance(data, dict) or "questions" not in data:
        raise ContentError.single(path, 1, "top level must be a mapping with 'version: 1' and a 'questions:' list")
    if data.get("version") not in SUPPORTED_VERSIONS:
        raise ContentError.single(path, 1, f"version must be one of {SUPPORTED_VERSIONS}, got {data.get('version')!r}")
    entries = data["questions"]
    if not isinstance(entries, list):
        raise ContentError.single(path, 1, "'questions' must be a list (each item starting with '- id: ...')")
    questions, problems = [], []
    for index, entry in enumerate(entries):
        try:
            questions.append(parse_question(entry, path, index))
        except ContentError as exc:
            problems.extend(exc.problems)
    try:
        policy = read_policy(data.get("policy"))
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, path, (data.get("policy") or {}).get(LINE_KEY), "policy"))
    if problems:
        raise ContentError(problems)
    return questions, policy
