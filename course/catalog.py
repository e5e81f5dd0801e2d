"""The whole course as one immutable object: lessons, readings, glossary and questions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from course.attempts import question_hash
from course.bank import load_bank
from course.content import load_glossary, load_lessons, load_readings
from course.errors import ContentError, Problem
from course.model import GlossaryTerm, Lesson, Objective, Question, Reading
from course.qtypes import AUTO_GRADED
from course.text import normalise_quote


@dataclass(frozen=True)
class Course:
    """Everything the course teaches and asks, indexed by id."""

    lessons: tuple[Lesson, ...]
    readings: tuple[Reading, ...]
    glossary: tuple[GlossaryTerm, ...]
    questions: tuple[Question, ...]

    @cached_property
    def lesson_by_id(self) -> dict[str, Lesson]:
        """Lessons keyed by id."""
        return {lesson.id: lesson for lesson in self.lessons}

    @cached_property
    def reading_by_id(self) -> dict[str, Reading]:
        """Readings keyed by id."""
        return {reading.id: reading for reading in self.readings}

    @cached_property
    def term_by_id(self) -> dict[str, GlossaryTerm]:
        """Glossary terms keyed by id."""
        return {term.id: term for term in self.glossary}

    @cached_property
    def objective_by_id(self) -> dict[str, Objective]:
        """Every lesson's objectives keyed by id."""
        return {o.id: o for lesson in self.lessons for o in lesson.meta.objectives}

    @cached_property
    def question_hash_by_id(self) -> dict[str, str]:
        """Each question's content digest (course.attempts.question_hash), to tell an attempt's question is unchanged."""
        return {q.id: question_hash(q) for q in self.questions}

    @cached_property
    def question_by_id(self) -> dict[str, Question]:
        """Questions keyed by id."""
        return {question.id: question for question in self.questions}

    @cached_property
    def _questions_by_lesson(self) -> dict[str, list[Question]]:
        grouped: dict[str, list[Question]] = {}
        for question in self.questions:
            grouped.setdefault(question.lesson, []).append(question)
        return grouped

    def questions_for(self, lesson_id: str) -> list[Question]:
        """The questions of one lesson, in bank order."""
        return list(self._questions_by_lesson.get(lesson_id, ()))

    @cached_property
    def self_graded(self) -> tuple[Question, ...]:
        """The questions the machine grades: the only ones practice, review and self-tests draw."""
        return tuple(q for q in self.questions if q.type in AUTO_GRADED)

    def practice_questions_for(self, lesson_id: str) -> list[Question]:
        """The machine-graded questions of one lesson, in bank order (essays need a grader)."""
        return [q for q in self.questions_for(lesson_id) if q.type in AUTO_GRADED]

    @cached_property
    def _normalised_paragraphs(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Each reading's body paragraphs as (anchor, normalised text), normalised once per course."""
        return {
            reading.id: tuple((p.anchor, normalise_quote(p.text)) for p in reading.paragraphs if not p.heading)
            for reading in self.readings
        }

    @cached_property
    def _anchors(self) -> dict[tuple[str, str], str | None]:
        """The anchors found so far, by (source, quote): every results page and review asks again."""
        return {}

    def anchor_for(self, source: str, quote: str) -> str | None:
        """Return the paragraph anchor of the reading that holds a quote, or None."""
        key = (source, quote)
        if key not in self._anchors:
            needle = normalise_quote(quote)
            paragraphs = self._normalised_paragraphs.get(source, ())
            self._anchors[key] = next((anchor for anchor, text in paragraphs if needle in text), None)
        return self._anchors[key]


def load_course(lessons_dir: str | Path, bank_path: str | Path) -> Course:
    """Load the course from a lessons folder and a question bank file."""
    problems: list[Problem] = []
    parts: dict[str, tuple[Any, ...]] = {}
    loaders: dict[str, Callable[[], Iterable[Any]]] = {
        "lessons": lambda: load_lessons(lessons_dir),
        "readings": lambda: load_readings(lessons_dir),
        "glossary": lambda: load_glossary(Path(lessons_dir, "glossary.yaml")),
        "questions": lambda: load_bank(bank_path),
    }
    for name, loader in loaders.items():
        try:
            parts[name] = tuple(loader())
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    return Course(**parts)
