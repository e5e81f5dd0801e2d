"""The glossary's A-Z index and its search: which terms show, in which order, under which letter."""

from __future__ import annotations

from collections.abc import Iterable

from course.model import GlossaryTerm

LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
OTHER = "#"  # terms that start with a digit or a letter outside A-Z


def sort_key(term: GlossaryTerm) -> str:
    """The term as it sorts: quotation marks and other leading punctuation ignored, case folded."""
    return "".join(ch for ch in term.term if ch.isalnum() or ch.isspace()).strip().casefold()


def letter_of(term: GlossaryTerm) -> str:
    """The index letter a term is listed under ("“Digital economy” ..." under D)."""
    first = sort_key(term)[:1].upper()
    return first if first in LETTERS else OTHER


def search(glossary: Iterable[GlossaryTerm], query: str = "") -> list[GlossaryTerm]:
    """The terms whose name or definition contains the query (every term for none), A to Z."""
    needle = " ".join(query.split()).casefold()
    terms = [term for term in glossary if not needle or needle in term.term.casefold() or needle in term.definition.casefold()]
    return sorted(terms, key=lambda term: (sort_key(term), term.id))


def by_letter(terms: list[GlossaryTerm]) -> list[tuple[str, list[GlossaryTerm]]]:
    """Sorted terms grouped under their index letters, in order."""
    groups: dict[str, list[GlossaryTerm]] = {}
    for term in terms:
        groups.setdefault(letter_of(term), []).append(term)
    return [(letter, groups[letter]) for letter in (*LETTERS, OTHER) if letter in groups]
