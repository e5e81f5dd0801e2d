"""Forms shared across blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm


class CSRFForm(FlaskForm):
    """A form whose only field is the CSRF token; answer fields are read by the core's parser."""
