"""Errors raised by the core, each naming where in which file the problem is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, located and explained."""

    path: str
    line: int | None
    message: str
    item: str | None = None  # e.g. a question id

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        who = f" [{self.item}]" if self.item else ""
        return f"{where}:{who} {self.message}"


class ContentError(Exception):
    """Content could not be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, path: str | Path, line: int | None, message: str, item: str | None = None) -> ContentError:
        """Build an error holding one problem."""
        return cls([Problem(str(path), line, message, item)])
