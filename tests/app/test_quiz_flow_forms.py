"""Forms of the quiz flow (issue 14): a request for more questions than there are is said, and error summaries
take focus and link to their fields."""

import re

from tests.app.test_quiz import attempt_row, index_of, save, start
from tests.app.test_timed_assignments import text_of
from tests.conftest import csrf_from


def test_asking_for_more_questions_than_there_are_says_so(app, client, student):
    page = client.get("/quiz/").get_data(as_text=True)
    assert "A demo lesson (7 questions)" in text_of(page)  # the pool is shown before anyone asks
    response = client.post("/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": "50", "minutes": "0"})
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", response.headers["Location"]).group(1))
    assert len(attempt_row(app, attempt_id).question_ids) == 7
    first = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "You asked for 50 questions; only 7 match the lessons you chose, so this self-test has 7." in first
    assert "You asked for" not in client.get(response.headers["Location"]).get_data(as_text=True)  # said once
    # Asking for what there is says nothing.
    quiet = client.post("/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": "7", "minutes": "0"})
    assert "You asked for" not in client.get(quiet.headers["Location"]).get_data(as_text=True)


def test_the_error_summary_is_focusable_and_links_to_each_field(app, client, student):
    page = client.get("/quiz/").get_data(as_text=True)
    response = client.post("/quiz/", data={"csrf_token": csrf_from(page), "lessons": [], "count": "0", "minutes": "0"})
    html = response.get_data(as_text=True)
    summary = html[html.index('<div class="error-summary"') : html.index("</div>", html.index('<div class="error-summary"'))]
    assert 'role="alert" tabindex="-1"' in summary and "Please correct 2 fields below." in summary
    assert '<a href="#lessons-0">Lessons: Choose at least one lesson.</a>' in summary  # the first box of the list
    assert '<a href="#count">Number of questions: Choose between 1 and 50 questions.</a>' in summary
    assert 'id="lessons-0"' in html and 'id="count"' in html


def test_a_question_page_that_could_not_save_links_to_the_answer(app, client, student):
    attempt_id = start(client)
    index = index_of(app, attempt_id, "demo-002")
    response = save(client, attempt_id, index, answer="9")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        '<div class="error-summary" role="alert" tabindex="-1">' in html
        and 'href="#q-answer"' in html
        and 'id="q-answer"' in html
    )
