"""The unit as a Common Cartridge for an LMS, built once per process from the loaded course."""

from __future__ import annotations

from app.services.content import get_course, per_course
from course.exports.cartridge import to_cartridge

FILENAME = "oversight-unit.imscc"
MIME = "application/zip"


def unit_cartridge() -> bytes:
    """Return the cartridge's bytes, built once per course version."""
    course = get_course()
    built = per_course("oversight_cartridge", course)
    if FILENAME not in built:
        built[FILENAME] = to_cartridge(course)
    return built[FILENAME]
