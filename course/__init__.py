"""Oversight's framework-free core: content, questions, grading, scheduling, analytics, exports.

Nothing in this package imports Flask, WTForms or SQLAlchemy; it reads only the paths it is given.
"""
