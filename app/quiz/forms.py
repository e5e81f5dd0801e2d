"""Forms for starting a self-test."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes instead of a multi-select: easier with a keyboard and a screen reader."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MockQuizForm(FlaskForm):
    """Choose lessons, number of questions and an optional time limit."""

    lessons = MultiCheckboxField("Lessons", validators=[DataRequired(message="Choose at least one lesson.")])
    count = IntegerField(
        "Number of questions",
        default=10,
        # InputRequired, not DataRequired: 0 is typed data (out of range), not a missing field.
        validators=[
            InputRequired(message="Enter how many questions you want (1 to 50)."),
            NumberRange(min=1, max=50, message="Choose between 1 and 50 questions."),
        ],
    )
    minutes = SelectField(
        "Time limit",
        default="0",
        choices=[
            SelectChoice("0", "No time limit"),
            SelectChoice("10", "10 minutes"),
            SelectChoice("20", "20 minutes"),
            SelectChoice("30", "30 minutes"),
        ],
    )
    submit = SubmitField("Start self-test")

    class Meta:
        # CSRFProtect checks every POST before the view runs (app/__init__.py), and the page renders
        # the token with csrf_field(): a token field here would sign a second token on every start
        # (4% of a start's Python calls), only to be thrown away by the redirect.
        csrf = False
