"""Instructor forms: sections, assignments, extensions, overrides."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.quiz.forms import MultiCheckboxField
from app.timezones import zone_names
from course.attempts import DEFAULT_GRACE_SECONDS
from course.qtypes import QUESTION_TYPES

_WHEN = [
    SelectChoice("after_submit", "Right after submitting"),
    SelectChoice("after_due", "After the due date"),
    SelectChoice("never", "Never"),
]


class SectionForm(FlaskForm):
    """Create a section."""

    name = StringField("Section name", validators=[DataRequired(), Length(max=120)])
    term = StringField("Term", description="For example: Spring 2027", validators=[Optional(), Length(max=60)])
    time_zone = SelectField(
        "Time zone",
        default="UTC",
        choices=[],
        description="You enter opening and due times in this zone, and students see them in it.",
    )
    submit = SubmitField("Create section")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = list(zone_names())


class TimeZoneForm(FlaskForm):
    """Change the zone a section's times are entered and shown in."""

    time_zone = SelectField("Time zone", choices=[])
    submit = SubmitField("Save time zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = list(zone_names())


class AssignmentForm(FlaskForm):
    """Set up a graded quiz for a section. Times are in the section's zone (the view names it in the labels)."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    lessons = MultiCheckboxField("Lessons covered", validators=[DataRequired(message="Choose at least one lesson.")])
    objectives = MultiCheckboxField("Only these objectives (optional)")
    types = MultiCheckboxField(
        "Only these question types (optional; none ticked: every type graded automatically)",
        choices=[
            SelectChoice(name, t.label + ("" if t.auto_graded else " (you grade it with its rubric)"))
            for name, t in QUESTION_TYPES.items()
        ],
    )
    num_questions = IntegerField("Number of questions", default=10, validators=[InputRequired(), NumberRange(min=1, max=100)])
    opens_at = DateTimeLocalField("Opens", format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    due_at = DateTimeLocalField("Due", format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    time_limit_minutes = IntegerField("Time limit in minutes (empty: none)", validators=[Optional(), NumberRange(min=1, max=600)])
    grace_seconds = IntegerField(
        "Grace for late answers, in seconds",
        default=DEFAULT_GRACE_SECONDS,
        description="An answer sent this long after the time limit or due date still counts (network delays). 0 to 600.",
        validators=[Optional(), NumberRange(min=0, max=600)],
    )
    attempts_allowed = IntegerField(
        "Attempts allowed (0: unlimited)", default=1, validators=[InputRequired(), NumberRange(min=0, max=50)]
    )
    counting = SelectField(
        "Which attempt counts",
        choices=[
            SelectChoice("highest", "Highest"),
            SelectChoice("last", "Last"),
            SelectChoice("average", "Average"),
            SelectChoice("first", "First"),
        ],
    )
    points = DecimalField("Points", default=10, places=2, validators=[InputRequired(), NumberRange(min=0.01, max=1000)])
    feedback_policy = SelectField("Show right/wrong and feedback", choices=_WHEN, default="after_submit")
    answers_policy = SelectField("Show the right answers and evidence", choices=_WHEN, default="after_due")
    submit = SubmitField("Create assignment")


class ExtensionForm(FlaskForm):
    """Extra time or a later due date for one learner."""

    user_id = HiddenField(validators=[DataRequired()])
    extra_minutes = IntegerField("Extra minutes", default=0, validators=[InputRequired(), NumberRange(min=0, max=600)])
    due_at = DateTimeLocalField(
        "New due date (optional, in the section's time zone)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    submit = SubmitField("Save extension")


class OverrideForm(FlaskForm):
    """Set a learner's score by hand, with a reason."""

    user_id = HiddenField(validators=[DataRequired()])
    points = DecimalField("Score (points)", places=2, validators=[InputRequired(), NumberRange(min=0)])
    reason = TextAreaField("Reason (kept in the audit log)", validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Override score")


class RemoveForm(FlaskForm):
    """Take a student off the roster."""

    user_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Remove")


class ReadmitForm(FlaskForm):
    """Let a removed student back into the section."""

    user_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Re-admit")


class NewCodeForm(FlaskForm):
    """Replace a section's join code; the old one stops working."""

    submit = SubmitField("New join code")


class DuplicateForm(FlaskForm):
    """Copy an assignment's settings into this or another section the instructor runs."""

    section_id = SelectField("Copy into section", choices=[])
    submit = SubmitField("Duplicate")
