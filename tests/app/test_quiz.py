"""Self-test attempts: stratified draw, saved on every move, resumable, submitted once, timed by the server."""

import re
import threading
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import Answer, Attempt, AttemptAnswer
from course.attempts import question_hash, restore
from tests.conftest import T0, Auth, csrf_from, make_user
from tests.statements import recorded


def start(client, count=7, minutes="0"):
    page = client.get("/quiz/").get_data(as_text=True)
    response = client.post(
        "/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": str(count), "minutes": minutes}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/quiz/attempts/(\d+)", response.headers["Location"]).group(1))


def attempt_row(app, attempt_id):
    with app.app_context():
        return db.session.get(Attempt, attempt_id, options=[undefer(Attempt.questions)])  # read after the context ends


def question_at(app, attempt_id, index):
    return attempt_row(app, attempt_id).question_ids[index]


def save(client, attempt_id, index, go="next", **fields):
    page = client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True)
    token = csrf_from(page) if 'name="csrf_token"' in page else csrf_from(client.get("/quiz/").get_data(as_text=True))
    return client.post(f"/quiz/attempts/{attempt_id}/answer", data={"csrf_token": token, "index": str(index), "go": go, **fields})


def right_fields(qid):
    return {
        "demo-001": {"answer": "1500"},
        "demo-002": {"answer": "1"},
        "demo-003": {"answer": ["0", "1"]},
        "demo-004": {"answer": "false"},
        "demo-005": {"answer": "activists"},
        "demo-006": {"match-0": "Officials", "match-1": "Activists"},
    }.get(qid, {})


def index_of(app, attempt_id, qid):
    return attempt_row(app, attempt_id).question_ids.index(qid)


def submit(client, attempt_id):
    page = client.get("/quiz/").get_data(as_text=True)
    return client.post(f"/quiz/attempts/{attempt_id}/finish", data={"csrf_token": csrf_from(page)})


def test_a_self_test_draws_n_questions_spread_over_objectives(app, client, student):
    attempt = attempt_row(app, start(client, count=3))
    assert len(attempt.question_ids) == 3
    from app.services.content import get_course

    with app.app_context():
        course = get_course()
        assert len({course.question_by_id[q].objective for q in attempt.question_ids}) == 3


@pytest.mark.parametrize("minutes", ["0", "10"])
def test_a_started_self_test_is_stored_open_with_its_draw_its_snapshots_and_the_defaults(app, client, student, minutes):
    with recorded(app) as statements:
        attempt = attempt_row(app, start(client, count=3, minutes=minutes))
    assert len([s for s in statements if s.lstrip().upper().startswith("INSERT INTO ATTEMPT ")]) == 1
    assert (attempt.user_id, attempt.kind, attempt.title) == (student, "mock", "Self-test: A demo lesson")
    assert len(attempt.question_ids) == 3 and sorted(attempt.questions) == sorted(attempt.question_ids)
    assert all(attempt.questions[qid]["id"] == qid for qid in attempt.question_ids)  # each drawn question, frozen
    # with its digest, which is the snapshot's own: what tells a page the bank still has that version
    assert attempt.question_hashes == {qid: question_hash(restore(attempt.questions[qid])) for qid in attempt.question_ids}
    assert (attempt.submitted_at, attempt.score, attempt.assignment_id, attempt.number) == (None, None, None, None)
    assert (attempt.position, attempt.timed_out, attempt.pending_grading) == (0, False, 0)
    assert attempt.feedback_policy == "after_submit" and attempt.grace_seconds > 0
    assert attempt.started_at is not None and attempt.started_at.tzinfo is not None
    expected = None if minutes == "0" else attempt.started_at + timedelta(minutes=10)
    assert attempt.deadline == expected


def test_choice_order_is_shuffled_per_attempt_but_stable_on_reload(app, client, student):
    attempt_id = start(client)
    index = attempt_row(app, attempt_id).question_ids.index("demo-003")
    first = client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True)
    again = client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True)
    order = re.findall(r'id="choice-(\d)"', first)
    assert order == re.findall(r'id="choice-(\d)"', again) and sorted(order) == ["0", "1", "2", "3"]


def test_every_move_saves_and_a_new_session_resumes_where_the_learner_stopped(app, client, student):
    attempt_id = start(client)
    for index in range(3):
        response = save(client, attempt_id, index, **right_fields(question_at(app, attempt_id, index)))
        assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 3
    # The browser is closed: a brand-new client logs in and is taken back to question 4.
    fresh = app.test_client()
    Auth(fresh).login("student@example.org")
    home = fresh.get("/").get_data(as_text=True)
    assert f"/quiz/attempts/{attempt_id}" in home
    page = fresh.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    answered = sum(1 for i in range(3) if right_fields(question_at(app, attempt_id, i)))  # a blank save is not "saved"
    assert "<h1>Question 4</h1>" in page and f"{answered} saved" in page
    shown = next(i for i in range(3) if question_at(app, attempt_id, i) != "demo-007")  # the ordering one got no answer
    back = fresh.get(f"/quiz/attempts/{attempt_id}?q={shown}").get_data(as_text=True)
    assert re.search(r'(checked|value="1500"|value="activists"|selected)', back)


def test_submit_grades_and_shows_score_answers_and_evidence(app, client, student):
    attempt_id = start(client)
    ids = attempt_row(app, attempt_id).question_ids
    for index, qid in enumerate(ids):
        save(client, attempt_id, index, **right_fields(qid))
    response = submit(client, attempt_id)
    assert response.headers["Location"].endswith(f"/quiz/attempts/{attempt_id}/results")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Score: <strong>86%</strong>" in html  # six right, the ordering question left blank
    assert html.count("Evidence from the reading") == 7 and "/readings/demo-source#p1" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.mode == "quiz")) == 6
    assert "86%" in client.get("/progress").get_data(as_text=True)


def test_a_replayed_submit_counts_once(app, client, student):
    attempt_id = start(client)
    save(client, attempt_id, index_of(app, attempt_id, "demo-002"), answer="1")
    first, second = submit(client, attempt_id), submit(client, attempt_id)
    assert first.status_code == second.status_code == 302
    assert "already submitted" in client.get(second.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_two_simultaneous_submits_grade_once(app, client, student):
    attempt_id = start(client)
    save(client, attempt_id, index_of(app, attempt_id, "demo-002"), answer="1")
    from app.services import quizzes

    results, barrier = [], threading.Barrier(2)

    def go():
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            barrier.wait()
            results.append(quizzes.submit(attempt))
            db.session.remove()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_changing_answers_after_submit_is_refused_and_changes_nothing(app, client, student):
    attempt_id = start(client)
    index = index_of(app, attempt_id, "demo-002")
    save(client, attempt_id, index, answer="1")
    submit(client, attempt_id)
    before = attempt_row(app, attempt_id).score
    token = csrf_from(client.get("/quiz/").get_data(as_text=True))
    response = client.post(f"/quiz/attempts/{attempt_id}/answer", data={"csrf_token": token, "index": str(index), "answer": "0"})
    assert response.headers["Location"].endswith("/results")
    assert "can no longer change" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AttemptAnswer, (attempt_id, "demo-002")).response == 1
    assert attempt_row(app, attempt_id).score == before


def test_the_server_enforces_the_time_limit(app, client, student, fixed_clock):
    attempt_id = start(client, minutes="10")
    ids = attempt_row(app, attempt_id).question_ids
    assert "10 minutes left" in client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    fixed_clock["now"] = T0 + timedelta(minutes=9)
    save(client, attempt_id, 0, **right_fields(ids[0]))
    token = csrf_from(client.get(f"/quiz/attempts/{attempt_id}?q=1").get_data(as_text=True))  # page open in time
    fixed_clock["now"] = T0 + timedelta(minutes=11)  # ... but sent after the limit
    late = client.post(
        f"/quiz/attempts/{attempt_id}/answer", data={"csrf_token": token, "index": "1", "go": "next", **right_fields(ids[1])}
    )
    assert late.headers["Location"].endswith("/results")
    html = client.get(late.headers["Location"]).get_data(as_text=True)
    assert "Time is up" in html and "Time ran out" in html
    attempt = attempt_row(app, attempt_id)
    assert attempt.timed_out and attempt.submitted_at.replace(tzinfo=UTC) == T0 + timedelta(minutes=10)
    with app.app_context():
        late_row = db.session.get(AttemptAnswer, (attempt_id, ids[1]))  # graded as unanswered
        assert late_row.response is None and late_row.score == 0, "the late answer was not stored"
    expected = 1 / len(ids) if ids[0] != "demo-007" else 0
    assert attempt.score == pytest.approx(round(expected, 4))


def test_a_submit_after_the_time_limit_grades_what_was_saved_in_time(app, client, student, fixed_clock):
    attempt_id = start(client, minutes="10")
    save(client, attempt_id, 0, **right_fields(question_at(app, attempt_id, 0)))
    fixed_clock["now"] = T0 + timedelta(hours=2)
    response = submit(client, attempt_id)
    assert response.headers["Location"].endswith("/results")
    attempt = attempt_row(app, attempt_id)
    assert attempt.timed_out and attempt.submitted_at.replace(tzinfo=UTC) == T0 + timedelta(minutes=10)


def test_an_expired_attempt_is_closed_when_the_learner_returns(app, client, student, fixed_clock):
    attempt_id = start(client, minutes="10")
    fixed_clock["now"] = T0 + timedelta(minutes=30)
    response = client.get(f"/quiz/attempts/{attempt_id}")
    assert response.headers["Location"].endswith("/results")
    assert attempt_row(app, attempt_id).timed_out


def test_another_learner_cannot_see_or_answer_an_attempt(app, client, student, auth):
    attempt_id = start(client)
    auth.logout()
    make_user(app, "other@example.org")
    auth.login("other@example.org")
    assert client.get(f"/quiz/attempts/{attempt_id}").status_code == 404
    assert client.get(f"/quiz/attempts/{attempt_id}/results").status_code == 404
    token = csrf_from(client.get("/quiz/").get_data(as_text=True))
    assert client.post(f"/quiz/attempts/{attempt_id}/answer", data={"csrf_token": token, "index": "0"}).status_code == 404
    assert client.post(f"/quiz/attempts/{attempt_id}/finish", data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("fields", [{"count": "0"}, {"count": "500"}, {"lessons": []}, {"minutes": "7"}])
def test_bad_quiz_settings_are_explained(app, client, student, fields):
    page = client.get("/quiz/").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": "5", "minutes": "0", **fields}
    response = client.post("/quiz/", data=data)
    assert response.status_code == 200 and "Please correct" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


@pytest.mark.parametrize("index", ["-1", "99", "x"])
def test_bad_question_index_is_a_400(app, client, student, index):
    attempt_id = start(client)
    token = csrf_from(client.get("/quiz/").get_data(as_text=True))
    assert client.post(f"/quiz/attempts/{attempt_id}/answer", data={"csrf_token": token, "index": index}).status_code == 400


def test_an_attempt_from_before_snapshots_still_saves_each_answer_to_its_question(app, client, student):
    attempt_id = start(client, count=5)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.questions = None  # stored before questions were frozen with the attempt: today's bank is used
        db.session.commit()
    known = [qid for qid in attempt_row(app, attempt_id).question_ids if right_fields(qid)]
    assert known, "the draw has questions this test can answer"
    for qid in known:
        assert save(client, attempt_id, index_of(app, attempt_id, qid), **right_fields(qid)).status_code == 302
        with app.app_context():
            assert db.session.get(AttemptAnswer, (attempt_id, qid)).response is not None
    token = csrf_from(client.get("/quiz/").get_data(as_text=True))
    bad = client.post(f"/quiz/attempts/{attempt_id}/answer", data={"csrf_token": token, "index": "5"})
    assert bad.status_code == 400


def test_a_submit_reads_the_learners_review_cards_in_one_query_however_many_questions(app, client, student):
    attempt_id = start(client, count=6)
    for qid in attempt_row(app, attempt_id).question_ids:
        save(client, attempt_id, index_of(app, attempt_id, qid), **right_fields(qid))
    with recorded(app) as statements:
        assert submit(client, attempt_id).status_code == 302
    card_reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM review_card" in s]
    assert len(card_reads) == 1, card_reads
    with app.app_context():
        assert attempt_row(app, attempt_id).score is not None


def test_a_save_reads_only_what_it_needs_and_writes_in_one_statement_on_postgresql(app, client, student):
    attempt_id = start(client, count=3)
    qid = next(q for q in attempt_row(app, attempt_id).question_ids if right_fields(q))
    index = index_of(app, attempt_id, qid)
    token = csrf_from(client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True))
    with recorded(app) as statements:
        sent = {"csrf_token": token, "index": str(index), "go": "next", **right_fields(qid)}
        assert client.post(f"/quiz/attempts/{attempt_id}/answer", data=sent).status_code == 302
    attempt_reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM attempt" in s]
    assert len(attempt_reads) == 1 and "attempt.title" not in attempt_reads[0], attempt_reads  # a few columns, not the row
    writes = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
    with app.app_context():
        dialect = db.engine.dialect.name
        assert db.session.get(AttemptAnswer, (attempt_id, qid)).response is not None
        assert attempt_row(app, attempt_id).position == min(index + 1, 2)
    # PostgreSQL: the claim is a CTE of the upsert (one round trip); SQLite cannot UPDATE in WITH.
    assert len(writes) == (1 if dialect == "postgresql" else 2), writes


def test_the_results_page_reads_the_attempts_answer_rows_once(app, client, student):
    attempt_id = start(client, count=4)
    for qid in attempt_row(app, attempt_id).question_ids:
        save(client, attempt_id, index_of(app, attempt_id, qid), **right_fields(qid))
    assert submit(client, attempt_id).status_code == 302
    with recorded(app) as statements:
        html = client.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    answer_reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM attempt_answer" in s]
    assert len(answer_reads) == 1, answer_reads
    answered = sum(1 for qid in attempt_row(app, attempt_id).question_ids if right_fields(qid))
    assert html.count("Contest this question") == answered  # each saved answer still reaches its row
