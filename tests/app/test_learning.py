"""Lessons, practice with evidence feedback, spaced review, progress (fixed clock)."""

import re
from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, LessonCompletion, ReviewCard
from tests.conftest import T0, csrf_from, practice_token_from


def answer(client, qid, **fields):
    page = client.get(f"/practice/{qid}").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), **fields}
    return client.post(f"/practice/{qid}", data=data), page


def feedback_of(client, response):
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_lesson_page_renders_markdown_reading_glossary_links_and_is_sanitised(client):
    html = client.get("/lessons/01-demo").get_data(as_text=True)
    assert "<table>" in html and "<td>1,500 cameras</td>" in html
    assert '<a class="term" href="/glossary#safe-city"' in html
    assert 'id="demo-source-p1"' in html and "The city installed 1,500 cameras" in html
    assert "Practise this" in html


def test_lesson_markdown_is_rendered_once_and_cached(client, student):
    from app.rendering import render_markdown

    first = client.get("/lessons/01-demo").get_data(as_text=True)
    before = render_markdown.cache_info()
    second = client.get("/lessons/01-demo").get_data(as_text=True)
    assert render_markdown.cache_info().misses == before.misses, "the lesson body was rendered again"
    assert "Cameras matter." in second and second.count("Cameras matter.") == first.count("Cameras matter.")


def test_mark_lesson_complete(app, client, student):
    page = client.get("/lessons/01-demo").get_data(as_text=True)
    client.post("/lessons/01-demo/complete", data={"csrf_token": csrf_from(page)})
    assert "You marked this lesson complete" in client.get("/lessons/01-demo").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(LessonCompletion, (student, "01-demo")) is not None
    assert "complete" in client.get("/").get_data(as_text=True)


def test_practice_picks_an_unanswered_question_of_the_objective(client, student):
    location = client.get("/lessons/01-demo/practice?objective=01-demo.o1").headers["Location"]
    assert re.search(r"/practice/demo-00[15]\?objective=01-demo.o1$", location)


RIGHT = {
    "demo-001": {"answer": "1,500 cameras"},
    "demo-002": {"answer": "1"},
    "demo-003": {"answer": ["0", "1"]},
    "demo-004": {"answer": "false"},
    "demo-005": {"answer": "  Activists. "},
    "demo-006": {"match-0": "Officials", "match-1": "Activists"},
}
WRONG = {
    "demo-001": ({"answer": "1600"}, "Not right."),
    "demo-002": ({"answer": "0"}, "Not right."),
    "demo-003": ({"answer": ["0"]}, "Partly right: 50% of the marks."),
    "demo-004": ({"answer": "true"}, "Not right."),
    "demo-005": ({"answer": "officials"}, "Not right."),
    "demo-006": ({"match-0": "Officials", "match-1": "The author"}, "Partly right: 50% of the marks."),
}


@pytest.mark.parametrize("qid", sorted(RIGHT))
def test_every_type_right_shows_evidence_linked_to_its_paragraph(client, student, qid):
    html = feedback_of(client, answer(client, qid, **RIGHT[qid])[0])
    assert "Right." in html
    assert "Evidence from the reading" in html and re.search(r'href="/readings/demo-source#p[12]"', html)


@pytest.mark.parametrize("qid", sorted(WRONG))
def test_every_type_wrong_or_partial_shows_the_misconception(client, student, qid):
    fields, verdict = WRONG[qid]
    html = feedback_of(client, answer(client, qid, **fields)[0])
    assert verdict in html
    assert "Why" in html


def test_ticking_every_box_scores_nothing(client, student):
    html = feedback_of(client, answer(client, "demo-003", answer=["0", "1", "2", "3"])[0])
    assert "Not right." in html and "Missed" not in html


def test_wrong_choice_shows_its_own_feedback(client, student):
    html = feedback_of(client, answer(client, "demo-002", answer="0")[0])
    assert "Activists said the cameras were used against protesters." in html
    assert "Your pick, wrong" in html and "Right answer" in html


def test_ordering_by_numbered_positions(client, student):
    page = client.get("/practice/demo-007").get_data(as_text=True)
    items = [i.replace("&#39;", "'") for i in re.findall(r'<label for="pos-\d+">(.*?)</label>', page)]
    correct = ["Cameras installed", "Officials' claim", "Activists' claim"]
    fields = {f"pos-{i}": str(correct.index(item) + 1) for i, item in enumerate(items)}
    response = client.post(
        "/practice/demo-007", data={"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), **fields}
    )
    assert "Right." in feedback_of(client, response)


def test_ordering_with_duplicate_positions_is_refused_and_nothing_stored(app, client, student):
    page = client.get("/practice/demo-007").get_data(as_text=True)
    response = client.post(
        "/practice/demo-007",
        data={
            "csrf_token": csrf_from(page),
            "practice_token": practice_token_from(page),
            "pos-0": "1",
            "pos-1": "1",
            "pos-2": "2",
        },
    )
    assert response.status_code == 400 and "different position" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Answer)) is None


def test_empty_and_forged_answers_are_refused(client, student):
    response, _ = answer(client, "demo-002")
    assert response.status_code == 400 and "Answer the question first" in response.get_data(as_text=True)
    response, _ = answer(client, "demo-002", answer="99")
    assert response.status_code == 400 and "not one of the options" in response.get_data(as_text=True)


def test_numeric_garbage_is_graded_wrong_with_a_note(client, student):
    html = feedback_of(client, answer(client, "demo-001", answer="lots")[0])
    assert "Not right." in html and "not a finite number" in html


def test_feedback_of_another_learner_is_not_found(app, client, student, auth):
    response, _ = answer(client, "demo-002", answer="1")
    location = response.headers["Location"]
    auth.logout()
    from tests.conftest import make_user

    make_user(app, "other@example.org")
    auth.login("other@example.org")
    assert client.get(location).status_code == 404


def test_answers_enter_the_review_schedule_and_come_back_when_due(app, client, student, fixed_clock):
    feedback_of(client, answer(client, "demo-002", answer="0")[0])  # wrong: due again soon
    feedback_of(client, answer(client, "demo-004", answer="false")[0])  # right: due later
    with app.app_context():
        cards = {c.question_id: c for c in db.session.scalars(select(ReviewCard))}
    assert set(cards) == {"demo-002", "demo-004"}
    assert cards["demo-002"].due.replace(tzinfo=UTC) < cards["demo-004"].due.replace(tzinfo=UTC)
    assert "Nothing is due" in client.get("/review", follow_redirects=True).get_data(as_text=True)
    fixed_clock["now"] = T0 + timedelta(days=1, minutes=5)  # a wrong answer returns after a day, a right one after 2
    assert "Review (1 due)" in client.get("/").get_data(as_text=True)
    first = client.get("/review")
    assert first.headers["Location"].startswith("/practice/demo-002")
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "How sure are you?" in page
    response = client.post(
        first.headers["Location"],
        data={
            "csrf_token": csrf_from(page),
            "practice_token": practice_token_from(page),
            "answer": "1",
            "mode": "review",
            "confidence": "high",
        },
    )
    html = feedback_of(client, response)
    assert "Right." in html
    with app.app_context():
        recorded = db.session.scalars(select(Answer).order_by(Answer.id.desc())).first()
        assert (recorded.mode, recorded.confidence) == ("review", "high")
        assert db.session.get(ReviewCard, (student, "demo-002")).reviews == 2


def test_a_review_card_stored_by_fsrs_before_migration_0008_is_read_and_rewritten_in_the_apps_shape(
    app, client, student, fixed_clock
):
    legacy = {
        "card_id": 1,
        "state": 2,
        "step": None,
        "stability": 8.2956,
        "difficulty": 1.0,
        "due": (T0 - timedelta(days=1)).isoformat(),
        "last_review": (T0 - timedelta(days=9)).isoformat(),
    }
    with app.app_context():
        db.session.add(ReviewCard(user_id=student, question_id="demo-002", card=legacy, due=T0 - timedelta(days=1), reviews=1))
        db.session.commit()
    assert client.get("/review").headers["Location"].startswith("/practice/demo-002")
    feedback_of(client, answer(client, "demo-002", **RIGHT["demo-002"], mode="review")[0])
    with app.app_context():
        card = db.session.get(ReviewCard, (student, "demo-002"))
        assert card.reviews == 2 and "card_id" not in card.card
        assert card.card["v"] == 1 and card.card["state"] == 2 and card.card["last_review"] == T0.isoformat()
        assert card.due.replace(tzinfo=UTC) > T0 + timedelta(days=9)  # a right answer spaces the review further out


def test_progress_shows_mastery_weakest_objectives_and_history(client, student, fixed_clock):
    for qid in ("demo-002", "demo-003", "demo-006"):
        feedback_of(client, answer(client, qid, **WRONG[qid][0])[0])
    for qid in ("demo-001", "demo-005"):
        feedback_of(client, answer(client, qid, **RIGHT[qid])[0])
    html = client.get("/progress").get_data(as_text=True)
    assert "Practise these next" in html and "objective=01-demo.o2" in html
    assert "learning" in html and "not started" in html
    assert "2/7 questions answered" not in html and "5/7 questions answered" in html


def test_anonymous_lesson_pages_are_cached_but_never_shown_to_a_logged_in_learner(app, client, login_as):
    first = client.get("/lessons/01-demo").get_data(as_text=True)
    assert "01-demo" in app.extensions["oversight_anonymous_lessons"][1]
    assert client.get("/lessons/01-demo").get_data(as_text=True) == first
    assert "Set-Cookie" not in client.get("/lessons/01-demo").headers, "an anonymous reader gets no session cookie"
    login_as("student")
    mine = client.get("/lessons/01-demo").get_data(as_text=True)
    assert "Mark as complete" in mine and "Mark as complete" not in first
