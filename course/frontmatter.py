"""Split a Markdown file into YAML front matter and body."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from course.errors import ContentError
from course.yamlio import load_yaml, read_text


def read_front_matter(path: str | Path) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, first line of the body) of a Markdown file."""
    text = read_text(path)
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ContentError.single(path, 1, "must start with a '---' line opening the YAML front matter")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            end = index
            break
    else:
        raise ContentError.single(path, 1, "front matter is not closed by a '---' line")
    meta = load_yaml("\n".join(lines[1:end]), path, first_line=2)
    if not isinstance(meta, dict):
        raise ContentError.single(path, 2, "front matter must be a YAML mapping (key: value lines)")
    return meta, "\n".join(lines[end + 1 :]), end + 2
