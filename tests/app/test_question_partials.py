"""Every registered question type has its Jinja partial, and it renders the fields the type's parser reads."""

from __future__ import annotations

import re

import pytest

from course.grading import correct_response, grade
from course.presentation import present
from course.qtypes import QUESTION_TYPES, type_of
from course.responses import form_values, parse_response
from tests.core.factories import every_type

SAMPLES = {q.type: q for q in every_type()}


@pytest.mark.parametrize("name", list(QUESTION_TYPES))
def test_every_type_has_a_partial_with_fields_and_review(app, name):
    qtype = QUESTION_TYPES[name]
    module = app.jinja_env.get_template(qtype.template).module
    missing = [macro for macro in ("fields", "review") if not hasattr(module, macro)]
    assert not missing, f"{qtype.template} lacks the macro(s): {', '.join(missing)}"


@pytest.mark.parametrize("name", list(QUESTION_TYPES))
def test_the_partial_names_its_fields_as_the_parser_reads_them(app, name):
    question = SAMPLES[name]
    shown = present(question, "seed-7")
    values = form_values(question, shown, correct_response(question))
    with app.test_request_context():
        html = str(app.jinja_env.get_template("macros/question.html").module.question_fields(question, shown, values))
    names = set(re.findall(r'name="([^"]+)"', html))
    assert set(values) <= names, f"{name}: the page lacks the field(s) {set(values) - names}"

    def getlist(field: str) -> list[str]:
        value = values.get(field)
        return [] if value is None else sorted(value) if isinstance(value, set) else [str(value)]

    assert grade(question, parse_response(question, shown, getlist)) == grade(question, correct_response(question))
    assert type_of(question).field() in names or name in ("matching", "ordering", "cloze")
