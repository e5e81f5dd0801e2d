"""An attempt's questions: the bank's while they are as drawn (equal digests), the snapshots once the bank changed."""

import re

from app.extensions import db
from app.models import Attempt, AttemptAnswer
from tests.app.test_attempt_integrity import save_right, start_self_test, swap_course
from tests.app.test_regrade import break_key
from tests.conftest import csrf_from
from tests.statements import recorded

SNAPSHOT_COLUMN = re.compile(r"(SELECT|,)\s*attempt\.questions\s*(,|FROM)")  # the column itself, not a function of it


def snapshot_reads(statements):
    return [s for s in statements if SNAPSHOT_COLUMN.search(s)]


def take_save_finish_submit_results(client, app, attempt_id, index):
    """Every request of a learner's attempt, through the real pages and forms."""
    assert client.get(f"/quiz/attempts/{attempt_id}?q={index}").status_code == 200
    assert save_right(client, app, attempt_id, index).status_code == 302
    finish = client.get(f"/quiz/attempts/{attempt_id}/finish")
    assert finish.status_code == 200
    token = csrf_from(finish.get_data(as_text=True))
    assert client.post(f"/quiz/attempts/{attempt_id}/finish", data={"csrf_token": token}).status_code == 302
    results = client.get(f"/quiz/attempts/{attempt_id}/results")
    assert results.status_code == 200
    return results.get_data(as_text=True)


def index_of(app, attempt_id, qid):
    with app.app_context():
        return db.session.get(Attempt, attempt_id).question_ids.index(qid)


def drawn_attempt(client, app, qid="demo-002"):
    """A self-test of the whole demo lesson, so it holds `qid`, whose right answer the tests know."""
    attempt_id = start_self_test(client)
    with app.app_context():
        assert qid in db.session.get(Attempt, attempt_id).question_ids
    return attempt_id


def test_an_attempt_whose_questions_are_as_drawn_never_reads_their_snapshots(app, client, student):
    attempt_id = start_self_test(client)
    with recorded(app) as statements:
        html = take_save_finish_submit_results(client, app, attempt_id, 0)
    assert "Score" in html
    assert snapshot_reads(statements) == []
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).score is not None


def test_a_question_edited_during_the_attempt_is_shown_saved_and_graded_as_drawn(app, client, student, monkeypatch):
    attempt_id = drawn_attempt(client, app)
    swap_course(app, monkeypatch, lambda q: break_key(q) if q.id == "demo-002" else q)  # the key moves mid-attempt
    with recorded(app) as statements:
        take_save_finish_submit_results(client, app, attempt_id, index_of(app, attempt_id, "demo-002"))
    assert snapshot_reads(statements), "the edited question must come from its snapshot"
    with app.app_context():
        assert db.session.get(AttemptAnswer, (attempt_id, "demo-002")).score == 1.0  # the key it was drawn with


def test_an_attempt_stored_before_digests_reads_its_snapshots(app, client, student, monkeypatch):
    attempt_id = drawn_attempt(client, app)
    with app.app_context():
        db.session.get(Attempt, attempt_id).question_hashes = None  # as every attempt before migration 0015
        db.session.commit()
    swap_course(app, monkeypatch, lambda q: break_key(q) if q.id == "demo-002" else q)
    with recorded(app) as statements:
        take_save_finish_submit_results(client, app, attempt_id, index_of(app, attempt_id, "demo-002"))
    assert snapshot_reads(statements)
    with app.app_context():
        assert db.session.get(AttemptAnswer, (attempt_id, "demo-002")).score == 1.0
