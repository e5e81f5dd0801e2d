"""Results and matching as the learner saw them (issue 14): choices in the attempt's order, matching options in full."""

import re

from app.services.content import get_course
from course.presentation import present
from tests.app.test_quiz import attempt_row, index_of, question_at, right_fields, save, start, submit


def test_results_list_choices_in_the_order_the_attempt_showed_them(app, client, student):
    attempt_id = start(client)
    seed = attempt_row(app, attempt_id).seed
    with app.app_context():
        course = get_course()
    questions = {qid: course.question_by_id[qid] for qid in ("demo-002", "demo-003")}
    for qid, question in questions.items():
        order = list(present(question, seed).choice_order)
        assert order != sorted(order), f"the test needs a seed that shuffles {qid}"  # seeds are fixed per test
        page = client.get(f"/quiz/attempts/{attempt_id}?q={index_of(app, attempt_id, qid)}").get_data(as_text=True)
        assert [int(i) for i in re.findall(r'id="choice-(\d)"', page)] == order
    for index in range(7):
        save(client, attempt_id, index, **right_fields(question_at(app, attempt_id, index)))
    submit(client, attempt_id)
    html = client.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    for qid, question in questions.items():
        section = html.split(f'<h2 id="r{index_of(app, attempt_id, qid) + 1}">')[1].split("</section>")[0]
        texts = [question.choices[i].text for i in present(question, seed).choice_order]
        positions = [section.index(text) for text in texts]
        assert positions == sorted(positions), (qid, texts)


def test_matching_lists_every_option_in_full_above_its_lists(app, client, student):
    attempt_id = start(client)
    html = client.get(f"/quiz/attempts/{attempt_id}?q={index_of(app, attempt_id, 'demo-006')}").get_data(as_text=True)
    listed = re.search(r'<ul class="match-options">(.*?)</ul>', html, re.S)
    assert listed, "the options are listed above the selects"
    options = re.findall(r'<option value="([^"]+)"', html)
    assert options and all(option in listed.group(1) for option in options)
    assert '<table class="match">' not in html  # a table kept each select as narrow as its column
