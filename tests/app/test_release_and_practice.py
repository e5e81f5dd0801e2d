"""Keys stay hidden until graded work releases them (defect 5); practice submits count once, as shown (defect 8)."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Attempt
from tests.app.test_attempt_integrity import known_index, save_right
from tests.app.test_teaching import classroom, student_starts, submit_attempt  # noqa: F401 - classroom is a pytest fixture, taken by name as a test argument
from tests.conftest import T0, csrf_from, practice_token_from, together


def drawn(app, attempt_url: str) -> list[str]:
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", attempt_url).group(1))
    with app.app_context():
        return list(db.session.get(Attempt, attempt_id).question_ids)


# --------------------------------------------------------------------------- 5: release


def test_practice_does_not_show_a_question_of_an_open_attempt(app, classroom):
    ann = classroom["students"][0]
    qids = drawn(app, student_starts(ann, classroom["assignment"]).headers["Location"])
    response = ann.get(f"/practice/{qids[0]}")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "open attempt" in html and "Evidence from the reading" not in html and 'name="answer"' not in html


def test_review_and_practice_hide_keys_until_the_assignment_releases_its_answers(app, classroom, fixed_clock):
    ann = classroom["students"][0]
    url = student_starts(ann, classroom["assignment"]).headers["Location"]
    qids = drawn(app, url)
    attempt_id = int(url.rsplit("/", 1)[1])
    index = known_index(app, attempt_id)
    save_right(ann, app, attempt_id, index)  # answered: it enters the review schedule
    submit_attempt(ann, url)
    fixed_clock["now"] = T0 + timedelta(days=3)  # due for review by now (a right first answer: in 2 days)
    review = ann.get("/review")
    assert review.status_code == 200 and "Nothing is due" in review.get_data(as_text=True)
    held = ann.get(f"/practice/{qids[index]}")
    assert held.status_code == 403 and "2026-03-09 09:00 UTC" in held.get_data(as_text=True)
    started = ann.get("/lessons/01-demo/practice")
    assert all(f"/practice/{qid}" not in started.headers.get("Location", "") for qid in qids)
    fixed_clock["now"] = T0 + timedelta(days=7, minutes=1)  # answers released after the due date
    assert ann.get(f"/practice/{qids[0]}").status_code == 200
    assert ann.get("/review").status_code == 302


def test_a_self_test_does_not_draw_questions_held_by_graded_work(app, classroom):
    ann = classroom["students"][0]
    held = set(drawn(app, student_starts(ann, classroom["assignment"]).headers["Location"]))
    page = ann.get("/quiz/").get_data(as_text=True)
    response = ann.post("/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": "10", "minutes": "0"})
    assert not held & set(drawn(app, response.headers["Location"]))


def test_an_earlier_self_tests_results_hide_the_key_of_a_question_graded_work_now_holds(app, classroom):
    ann = classroom["students"][0]
    page = ann.get("/quiz/").get_data(as_text=True)
    url = ann.post("/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": "7", "minutes": "0"}).headers[
        "Location"
    ]
    attempt_id = int(url.rsplit("/", 1)[1])
    token = csrf_from(ann.get(f"/quiz/attempts/{attempt_id}/finish").get_data(as_text=True))
    ann.post(f"/quiz/attempts/{attempt_id}/finish", data={"csrf_token": token})
    assert "Evidence from the reading" in ann.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    held = drawn(app, student_starts(ann, classroom["assignment"]).headers["Location"])
    html = ann.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    assert html.count("open attempt") == len(held)
    assert html.count("Evidence from the reading") == 7 - len(held)


def test_other_learners_can_still_practise_the_questions(app, classroom):
    ann, bob = classroom["students"]
    qids = drawn(app, student_starts(ann, classroom["assignment"]).headers["Location"])
    assert bob.get(f"/practice/{qids[0]}").status_code == 200


# --------------------------------------------------------------------------- 8: practice submits


def test_a_replayed_practice_submit_records_one_answer(app, client, student):
    page = client.get("/practice/demo-007").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "pos-0": "1", "pos-1": "2", "pos-2": "3"}
    first = client.post("/practice/demo-007", data=data)
    second = client.post("/practice/demo-007", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_two_simultaneous_practice_submits_record_one_answer(app, client, student):
    page = client.get("/practice/demo-007").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "pos-0": "1", "pos-1": "2", "pos-2": "3"}
    results = together(*(lambda: client.post("/practice/demo-007", data=data) for _ in range(2)))
    assert [r.status_code for r in results] == [302, 302]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_an_answer_is_read_in_the_order_the_learner_saw(app, client, student):
    # Two tabs show the same ordering question before either is answered; both answers are right.
    pages = [client.get("/practice/demo-007").get_data(as_text=True) for _ in range(2)]
    scores = []
    for page in pages:
        labels = re.findall(r'<label for="pos-(\d)">([^<]+)</label>', page)
        from app.services.content import get_course

        with app.app_context():
            sequence = get_course().question_by_id["demo-007"].sequence
        fields = {f"pos-{i}": str(sequence.index(text.strip()) + 1) for i, text in labels}
        response = client.post(
            "/practice/demo-007", data={"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), **fields}
        )
        assert response.status_code == 302
        with app.app_context():
            scores.append(db.session.scalars(select(Answer.score).order_by(Answer.id.desc())).first())
    assert scores == [1.0, 1.0]


def test_a_practice_form_without_its_token_is_explained_and_nothing_stored(app, client, student):
    page = client.get("/practice/demo-002").get_data(as_text=True)
    response = client.post("/practice/demo-002", data={"csrf_token": csrf_from(page), "answer": "1", "practice_token": "forged"})
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
