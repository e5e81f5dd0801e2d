"""The quiz flow in an assignment (issue 14): the finish page names what is submitted, the results of an
earlier attempt stay reachable while attempts are left, a blank answer is not offered for contest, and
no internal lesson or objective id shows on the learner's pages."""

import re

from app.extensions import db
from app.models import Attempt
from tests.app.test_quiz import right_fields, save
from tests.app.test_teaching import classroom, student_starts, submit_attempt  # noqa: F401 - classroom is a fixture
from tests.app.test_timed_assignments import text_of

IDS = re.compile(r"\b01-demo(\.o\d+)?\b")


def visible_text(html: str) -> str:
    """The text a learner reads: no attributes, no URLs."""
    return text_of(html[html.index("<main") :])


def test_the_finish_page_of_an_assignment_says_assignment(app, classroom):
    ann = classroom["students"][0]
    attempt_id = int(
        re.search(r"/quiz/attempts/(\d+)", student_starts(ann, classroom["assignment"]).headers["Location"]).group(1)
    )
    html = ann.get(f"/quiz/attempts/{attempt_id}/finish").get_data(as_text=True)
    assert "Submit the assignment" in html and "self-test" not in html


def test_results_stay_linked_from_the_list_while_attempts_are_left(app, classroom):
    ann = classroom["students"][0]
    attempt_id = submit_attempt(ann, student_starts(ann, classroom["assignment"]).headers["Location"])
    html = ann.get("/assignments").get_data(as_text=True)
    assert "Start<span" in html  # one attempt of two left
    assert f'href="/quiz/attempts/{attempt_id}/results">results<span class="visually-hidden"> of Quiz 1</span>' in html


def test_a_blank_answer_is_not_offered_for_contest(app, client, classroom):
    ann = classroom["students"][0]
    location = student_starts(ann, classroom["assignment"]).headers["Location"]
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", location).group(1))
    with app.app_context():
        ids = db.session.get(Attempt, attempt_id).question_ids
    # One question saved blank (boxes left empty; a typed one if the draw has one, whose blank is
    # stored as "", not as None), another answered. The draw depends on the test's seed.
    blank = next((i for i, q in enumerate(ids) if q in ("demo-001", "demo-005")), 0)
    answered = next(i for i, q in enumerate(ids) if i != blank and right_fields(q))
    save(ann, attempt_id, blank, **{"answer": "", "match-0": "", "match-1": "", "pos-0": "", "pos-1": ""})
    assert save(ann, attempt_id, answered, **right_fields(ids[answered])).status_code == 302
    submit_attempt(ann, location)
    html = ann.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    contested = set(re.findall(rf"/quiz/attempts/{attempt_id}/contest/([\w-]+)", html))
    assert ids[blank] not in contested
    assert ids[answered] in contested


def test_no_internal_ids_on_the_learners_quiz_pages(app, classroom):
    ann = classroom["students"][0]
    location = student_starts(ann, classroom["assignment"]).headers["Location"]
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", location).group(1))
    pages = [
        "/assignments",
        f"/assignments/{classroom['assignment']}/start",
        "/quiz/",
        location,
        f"/quiz/attempts/{attempt_id}/finish",
    ]
    seen = {url: ann.get(url).get_data(as_text=True) for url in pages}
    submit_attempt(ann, location)
    seen["results"] = ann.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    for url, html in seen.items():
        text = visible_text(html)
        assert not IDS.search(text), (url, IDS.findall(text))


def test_an_assignment_not_attempted_yet_says_so_not_missing(app, classroom):
    text = text_of(classroom["students"][0].get("/assignments").get_data(as_text=True))
    assert "Score: not attempted yet" in text and "missing" not in text
