"""The unit as a Common Cartridge for an LMS, built once per process from the loaded course."""

from __future__ import annotations

from flask import current_app

from app.services.content import get_course
from course.exports.cartridge import to_cartridge

FILENAME = "oversight-unit.imscc"
MIME = "application/zip"


def unit_cartridge() -> bytes:
    """Return the cartridge's bytes; the content is fixed for the life of the process, so they are built once."""
    data = current_app.extensions.get("oversight_cartridge")
    if data is None:
        data = to_cartridge(get_course())
        current_app.extensions["oversight_cartridge"] = data
    return data
