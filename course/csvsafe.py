"""CSV cells that spreadsheet programs will not run as formulas."""

from __future__ import annotations

from typing import Any, TypeVar, overload

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_T = TypeVar("_T")


@overload
def safe_cell(value: str) -> str: ...
@overload
def safe_cell(value: _T) -> _T: ...
def safe_cell(value: Any) -> Any:
    """Prefix text that starts like a formula with a quote, so Excel and Sheets show it as text.

    Numbers stay numbers (a negative score is not a formula); only strings are neutralised.
    """
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def safe_row(values: list[Any]) -> list[Any]:
    """Neutralise every cell of a row."""
    return [safe_cell(v) for v in values]
