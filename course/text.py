"""Text normalisation shared by quote checking and short-answer grading."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)
_SPACE = re.compile(r"\s+")


def normalise_quote(text: str) -> str:
    """Fold Unicode forms, typographic quotes and runs of whitespace, keeping case and words."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHIC)
    return _SPACE.sub(" ", text).strip()


def slugify(text: str) -> str:
    """Make a lowercase ASCII anchor from a heading."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def word_count(markdown_text: str) -> int:
    """Count the words of Markdown prose, ignoring table rules and markup characters."""
    words = re.findall(r"[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff][\w'\u2019.,%$-]*", markdown_text)
    return len(words)


def format_number(value: float) -> str:
    """A number as people write it: thousands separators, no exponent, no trailing zeros (20,900,000; 0.5; 1,500)."""
    exact = Decimal(repr(float(value))).normalize()
    text = f"{exact:,f}"
    return text if "." not in text else text.rstrip("0").rstrip(".")
