"""The quiz flow without friction (issue 14): Enter goes forward, and only a non-blank answer counts as saved."""

import re

import pytest

from app.services.content import get_course
from course.responses import is_answered
from tests.app.test_quiz import attempt_row, index_of, right_fields, save, start
from tests.app.test_timed_assignments import text_of

# What each demo question's form sends when the learner leaves it blank (a select on "Choose…" sends "").
BLANK = {
    "demo-001": {"answer": "  "},
    "demo-002": {},
    "demo-003": {},
    "demo-004": {},
    "demo-005": {"answer": ""},
    "demo-006": {"match-0": "", "match-1": ""},
    "demo-007": {"pos-0": "", "pos-1": "", "pos-2": ""},
}


def form_of(html: str) -> str:
    start = re.search(r'<form method="post" action="/quiz/attempts/\d+/answer"', html).start()
    return html[start : html.index("</form>", start)]


def test_enter_in_a_text_box_saves_and_goes_forward_never_back(app, client, student):
    attempt_id = start(client)
    total = len(attempt_row(app, attempt_id).question_ids)
    for index in (0, 1, total - 1):
        form = form_of(client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True))
        buttons = re.findall(r'<button type="submit" name="go" value="(\w+)"', form)
        # Enter presses the first submit button of the form: the forward one, kept out of sight and of the Tab order.
        assert buttons[0] == ("next" if index + 1 < total else "finish"), (index, buttons)
        assert re.search(
            r'<button type="submit" name="go" value="\w+" class="visually-hidden default-submit" tabindex="-1" aria-hidden="true">',
            form,
        )
        # The visible buttons keep their order: back, next, review.
        visible = buttons[1:]
        assert visible == [v for v in ("previous", "next", "finish") if v in visible]
        assert ("previous" in visible) == (index > 0)


@pytest.mark.parametrize("qid", sorted(BLANK))
def test_a_blank_save_is_not_saved_anywhere(app, client, student, qid):
    attempt_id = start(client)
    index = index_of(app, attempt_id, qid)
    assert save(client, attempt_id, index, go="finish", **BLANK[qid]).status_code == 302
    finish = text_of(client.get(f"/quiz/attempts/{attempt_id}/finish").get_data(as_text=True))
    assert "0 of 7 questions answered" in finish and f"Question {index + 1} : not answered" in finish
    page = client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True)
    assert "· 0 saved" in page
    assert f'{index + 1}<span class="visually-hidden"> (not answered)</span>' in page and "✓" not in page

    # Answered, it counts on every page; cleared again, it stops counting.
    save(client, attempt_id, index, go="finish", **right_fields(qid) or {"pos-0": "1", "pos-1": "2", "pos-2": "3"})
    page = client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True)
    assert "· 1 saved" in page and f'{index + 1}<span class="visually-hidden"> (saved)</span>' in page
    assert "1 of 7 questions answered" in text_of(client.get(f"/quiz/attempts/{attempt_id}/finish").get_data(as_text=True))
    save(client, attempt_id, index, go="finish", **BLANK[qid])
    assert "· 0 saved" in client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True)


def test_one_rule_decides_what_counts_as_an_answer(app):
    with app.app_context():
        course = get_course()
    blanks = {"demo-001": "", "demo-002": None, "demo-003": frozenset(), "demo-005": "", "demo-006": {}, "demo-007": []}
    for qid, blank in blanks.items():
        assert not is_answered(course.question_by_id[qid], blank), qid
        assert not is_answered(course.question_by_id[qid], None), qid
    assert is_answered(course.question_by_id["demo-001"], "1500") and is_answered(course.question_by_id["demo-004"], False)
