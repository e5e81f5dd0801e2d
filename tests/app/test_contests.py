"""Contest this question (issue 10, part 6): learners contest what they answered; instructors resolve in their queue."""

import json
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Attempt, AttemptAnswer, AuditLog, Contest, Role
from tests.app.test_teaching import classroom, create_assignment, post, student_starts, submit_attempt  # noqa: F401 - classroom is a fixture
from tests.conftest import Auth, csrf_from, make_user, practice_token_from

WRONG = {"numeric": "7", "short_answer": "informants"}


def answer_everything(app, client, attempt_id):
    """Save the same wrong answer to every question of the attempt, through the real form."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        qids = list(attempt.question_ids)
        types = {qid: attempt.questions[qid]["type"] for qid in qids}
    for index, qid in enumerate(qids):
        token = csrf_from(client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True))
        client.post(
            f"/quiz/attempts/{attempt_id}/answer",
            data={"csrf_token": token, "index": str(index), "go": "next", "answer": WRONG[types[qid]]},
        )
    return qids, types


@pytest.fixture()
def contested(app, client, classroom):
    """Ann and Bob each submit the same wrong answers to a numeric and a short-answer question."""
    assignment = create_assignment(
        client,
        classroom["section"],
        title="Contested quiz",
        types=["numeric", "short_answer"],
        num_questions="2",
        answers_policy="after_submit",
    )
    attempts = []
    for learner in classroom["students"]:
        url = student_starts(learner, assignment).headers["Location"]
        attempt_id = int(url.rsplit("/", 1)[1])
        qids, types = answer_everything(app, learner, attempt_id)
        submit_attempt(learner, url)
        attempts.append(attempt_id)
    short = next(q for q in qids if types[q] == "short_answer")
    number = next(q for q in qids if types[q] == "numeric")
    return {**classroom, "quiz": assignment, "attempts": attempts, "short": short, "numeric": number}


def contest(client, attempt_id, qid, reason="The reading names informants too.", paragraph=""):
    url = f"/quiz/attempts/{attempt_id}/contest/{qid}"
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_from(page.get_data(as_text=True)), "reason": reason, "paragraph": paragraph})


def only_contest(app):
    with app.app_context():
        return db.session.scalar(select(Contest))


def resolve(client, contest_id, action, response="Because."):
    url = f"/teach/contests/{contest_id}"
    return post(client, url, page_url=url, action=action, response=response)


def test_results_link_to_the_contest_form_with_the_readings_paragraphs(app, contested):
    ann = contested["students"][0]
    html = ann.get(f"/quiz/attempts/{contested['attempts'][0]}/results").get_data(as_text=True)
    assert f"/quiz/attempts/{contested['attempts'][0]}/contest/{contested['short']}" in html and "Contest this question" in html
    form = ann.get(f"/quiz/attempts/{contested['attempts'][0]}/contest/{contested['short']}").get_data(as_text=True)
    assert re.search(r'<option value="[^"]+#p1">', form)


def test_an_empty_reason_is_refused_with_a_message(app, contested):
    response = contest(contested["students"][0], contested["attempts"][0], contested["short"], reason="   ")
    assert response.status_code == 400 and "cannot be empty" in response.get_data(as_text=True)
    assert only_contest(app) is None


def test_a_paragraph_of_another_reading_is_refused(app, contested):
    response = contest(contested["students"][0], contested["attempts"][0], contested["short"], paragraph="nothing#p1")
    assert response.status_code == 400 and only_contest(app) is None


def test_a_learner_can_contest_only_questions_they_answered(app, client, contested):
    ann, bob = contested["students"]
    # Bob's attempt does not exist for Ann; a question not in her attempt does not either.
    assert ann.get(f"/quiz/attempts/{contested['attempts'][1]}/contest/{contested['short']}").status_code == 404
    assert ann.get(f"/quiz/attempts/{contested['attempts'][0]}/contest/demo-002").status_code == 404
    page = ann.get("/contests").get_data(as_text=True)
    assert (
        ann.post(
            f"/quiz/attempts/{contested['attempts'][1]}/contest/{contested['short']}",
            data={"csrf_token": csrf_from(page), "reason": "mine"},
        ).status_code
        == 404
    )
    # An unanswered question of a submitted attempt cannot be contested.
    with app.app_context():
        db.session.get(AttemptAnswer, (contested["attempts"][0], contested["short"])).response = None
        db.session.commit()
    assert ann.get(f"/quiz/attempts/{contested['attempts'][0]}/contest/{contested['short']}").status_code == 404
    assert only_contest(app) is None


def test_contests_are_rate_limited_per_learner(app, contested):
    app.config["CONTEST_RATE_LIMIT"] = "2 per hour"
    ann = contested["students"][0]
    assert contest(ann, contested["attempts"][0], contested["short"]).status_code == 302
    assert contest(ann, contested["attempts"][0], contested["numeric"]).status_code == 302
    third = contest(ann, contested["attempts"][0], contested["numeric"], reason="again")
    assert third.status_code == 429 and "try again in" in third.get_data(as_text=True)
    # Bob has his own allowance.
    assert contest(contested["students"][1], contested["attempts"][1], contested["short"]).status_code == 302


def test_a_second_open_contest_of_the_same_answer_is_refused(app, contested):
    ann = contested["students"][0]
    assert contest(ann, contested["attempts"][0], contested["short"]).status_code == 302
    again = contest(ann, contested["attempts"][0], contested["short"])
    assert again.status_code == 400 and "already contested" in again.get_data(as_text=True)


def test_the_queue_is_scoped_to_the_instructors_sections(app, client, contested):
    ann = contested["students"][0]
    contest(ann, contested["attempts"][0], contested["short"])
    found = only_contest(app)
    assert found.section_id == contested["section"]
    queue = client.get("/teach/contests").get_data(as_text=True)
    assert f"/teach/contests/{found.id}" in queue and "The reading names informants too." in queue
    make_user(app, "other@example.org", Role.INSTRUCTOR)
    other = app.test_client()
    Auth(other).login("other@example.org")
    assert f"/teach/contests/{found.id}" not in other.get("/teach/contests").get_data(as_text=True)
    assert other.get(f"/teach/contests/{found.id}").status_code == 404
    page = other.get("/teach/").get_data(as_text=True)
    for action in ("accept", "reject", "drop"):
        response = other.post(
            f"/teach/contests/{found.id}", data={"csrf_token": csrf_from(page), "action": action, "response": "x"}
        )
        assert response.status_code == 404
    assert only_contest(app).status == "open"
    # A student never reaches the queue.
    assert ann.get("/teach/contests").status_code == 403 and ann.get(f"/teach/contests/{found.id}").status_code == 403
    # An admin sees every section's contests.
    make_user(app, "boss@example.org", Role.ADMIN)
    boss = app.test_client()
    Auth(boss).login("boss@example.org")
    assert boss.get(f"/teach/contests/{found.id}").status_code == 200


def test_accepting_regrades_every_identical_answer_and_the_audit_log_shows_it(app, client, contested):
    ann, bob = contested["students"]
    contest(ann, contested["attempts"][0], contested["short"])
    found = only_contest(app)
    with app.app_context():
        before = [db.session.get(Attempt, a).score for a in contested["attempts"]]
    assert "Score: <strong>0%</strong>" in ann.get(f"/quiz/attempts/{contested['attempts'][0]}/results").get_data(as_text=True)
    missing = resolve(client, found.id, "accept", response="   ")
    assert missing.status_code == 400 and "cannot be empty" in missing.get_data(as_text=True)
    assert resolve(client, found.id, "accept", response="Fair: the reading says informants too.").status_code == 302
    with app.app_context():
        after = [db.session.get(Attempt, a).score for a in contested["attempts"]]
        assert before == [0.0, 0.0] and after == [0.5, 0.5]  # Bob gave the same answer: credited too
        assert db.session.get(AttemptAnswer, (contested["attempts"][1], contested["short"])).score == 1.0
        entries = list(db.session.scalars(select(AuditLog).where(AuditLog.action.like("regrade%"))))
        changes = [e for e in entries if e.action == "regrade.score"]
        assert len(changes) == 2 and {(e.detail["before"], e.detail["after"]) for e in changes} == {(0.0, 1.0)}
        assert any(e.action == "regrade" and e.detail["via"] == f"contest {found.id}" for e in entries)
        assert db.session.get(Contest, found.id).status == "accepted"
    assert "Score: <strong>50%</strong>" in ann.get(f"/quiz/attempts/{contested['attempts'][0]}/results").get_data(as_text=True)
    mine = ann.get("/contests").get_data(as_text=True)
    assert "Accepted" in mine and "Fair: the reading says informants too." in mine
    assert "regrade" in ann.get("/account/data").get_data(as_text=True)
    # Resolved once: a second resolution is refused.
    again = resolve(client, found.id, "reject")
    assert again.status_code == 400 and "already resolved" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Contest, found.id).status == "accepted"


def test_rejecting_needs_a_reason_and_the_learner_reads_it(app, client, contested):
    ann = contested["students"][0]
    contest(ann, contested["attempts"][0], contested["numeric"])
    found = only_contest(app)
    assert resolve(client, found.id, "reject", response="").status_code == 400
    assert resolve(client, found.id, "reject", response="Paragraph 3 gives the figure as 1500.").status_code == 302
    mine = ann.get("/contests").get_data(as_text=True)
    assert "Not accepted" in mine and "Paragraph 3 gives the figure as 1500." in mine
    with app.app_context():
        assert [db.session.get(Attempt, a).score for a in contested["attempts"]] == [0.0, 0.0]


def test_dropping_recomputes_every_attempt_over_the_questions_left(app, client, contested):
    ann = contested["students"][0]
    # Both short answers get full credit first, so the drop's recomputation is visible.
    contest(ann, contested["attempts"][0], contested["short"])
    resolve(client, only_contest(app).id, "accept")
    contest(ann, contested["attempts"][0], contested["numeric"], reason="The figure is ambiguous.")
    with app.app_context():
        second = db.session.scalar(select(Contest).where(Contest.status == "open"))
    assert resolve(client, second.id, "drop", response="Dropped: the question was ambiguous.").status_code == 302
    with app.app_context():
        for attempt_id in contested["attempts"]:
            attempt = db.session.get(Attempt, attempt_id)
            assert attempt.question_ids == [contested["short"]] and attempt.score == 1.0
            assert db.session.get(AttemptAnswer, (attempt_id, contested["numeric"])) is None
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "regrade", AuditLog.detail["dropped"].as_boolean()))
    results = ann.get(f"/quiz/attempts/{contested['attempts'][0]}/results").get_data(as_text=True)
    assert "Score: <strong>100%</strong>" in results and "(1 of 1 marks)" in results
    assert "the question no longer counts" in ann.get("/contests").get_data(as_text=True)
    # Attempts started after the drop do not draw the question either.
    again = student_starts(ann, contested["quiz"]).headers["Location"]
    with app.app_context():
        later = db.session.get(Attempt, int(again.rsplit("/", 1)[1]))
        assert later.id not in contested["attempts"] and contested["numeric"] not in later.question_ids


def test_practice_feedback_links_to_a_contest_and_counts_show_to_instructors(app, client, contested):
    ann = contested["students"][0]
    page = ann.get("/practice/demo-005").get_data(as_text=True)
    done = ann.post(
        "/practice/demo-005",
        data={"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "answer": "informants"},
    )
    feedback = ann.get(done.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/practice/answers/\d+/contest)"', feedback).group(1)
    form = ann.get(link).get_data(as_text=True)
    assert ann.post(link, data={"csrf_token": csrf_from(form), "reason": "Informants fits."}).status_code == 302
    found = only_contest(app)
    assert found.answer_id is not None and found.section_id == contested["section"]
    # Someone else's practice answer does not exist for Bob.
    bob = contested["students"][1]
    assert bob.get(link).status_code == 404
    assert "1 contest, 1 open" in client.get("/teach/items").get_data(as_text=True)
    assert re.search(
        r"Contested by learners in your sections: 1 time, 1 still open",
        client.get("/teach/questions/demo-005").get_data(as_text=True),
    )
    assert resolve(client, found.id, "accept").status_code == 302
    with app.app_context():
        assert db.session.get(Answer, found.answer_id).score == 1.0


def test_the_export_has_the_learners_contests(app, contested):
    ann = contested["students"][0]
    contest(ann, contested["attempts"][0], contested["short"])
    data = json.loads(ann.get("/account/data.json").get_data(as_text=True))
    assert [c["reason"] for c in data["contests"]] == ["The reading names informants too."]


def test_a_response_with_every_part_empty_is_not_an_answer_to_contest(app, client, classroom):
    from app.services import contests as contest_service

    assignment = create_assignment(client, classroom["section"], title="Matching quiz", types=["matching"], num_questions="1")
    ann = classroom["students"][0]
    url = student_starts(ann, assignment).headers["Location"]
    attempt_id = int(url.rsplit("/", 1)[1])
    submit_attempt(ann, url)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        (qid,) = attempt.question_ids
        # A stored response whose every list was left empty (as a cloze with every blank empty) is not an answer.
        from app.services.content import get_course

        left = get_course().question_by_id[qid].pairs[0].left
        db.session.merge(AttemptAnswer(attempt_id=attempt_id, question_id=qid, response={left: ""}))
        db.session.commit()
        assert contest_service.answered_in(db.session.get(Attempt, attempt_id), qid) is None
