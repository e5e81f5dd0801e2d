"""Review that explains itself (when a question comes back, the week ahead, the session), Try again, runs of ten."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, ReviewCard
from tests.app.test_learning import RIGHT, WRONG, answer, feedback_of
from tests.conftest import T0, csrf_from, make_user, practice_token_from


def review_answer(client, location, **fields):
    page = client.get(location).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "mode": "review", **fields}
    return client.post(location, data=data)


def choice_order(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="answer" id="choice-\d+" value="(\d+)"', page) or re.findall(
        r'name="answer"[^>]*value="(\d+)"', page
    )


# --------------------------------------------------------------------------- when it comes back


def test_feedback_says_when_the_question_comes_back(app, client, student, fixed_clock):
    wrong = feedback_of(client, answer(client, "demo-002", answer="0")[0])
    assert "Again in 1 day" in wrong and "Tuesday 3 March, 09:00 UTC" in wrong
    right = feedback_of(client, answer(client, "demo-004", **RIGHT["demo-004"])[0])
    assert "Again in 2 days" in right and "Wednesday 4 March, 09:00 UTC" in right


def test_the_wait_is_read_from_the_cards_due_date_in_the_learners_zone(app, client, student, fixed_clock):
    response, _ = answer(client, "demo-002", answer="0")
    with app.app_context():
        card = db.session.get(ReviewCard, (student, "demo-002"))
        card.due = T0 + timedelta(days=9, hours=3)
        db.session.commit()
    html = feedback_of(client, response)
    assert "Again in 9 days" in html and "Wednesday 11 March, 12:00 UTC" in html


def test_a_review_answer_says_when_it_comes_back_and_a_session_can_be_stopped(app, client, student, fixed_clock):
    for qid in ("demo-002", "demo-004"):
        feedback_of(client, answer(client, qid, **WRONG[qid][0])[0])
    fixed_clock["now"] = T0 + timedelta(days=1, minutes=1)
    location = client.get("/review").headers["Location"]
    question = client.get(location).get_data(as_text=True)
    assert 'href="/review/summary">Stop for now</a>' in question
    html = feedback_of(client, review_answer(client, location, **RIGHT[location.split("/")[2].split("?")[0]], confidence="high"))
    assert "Review ·" in html and re.search(r"Again in \d+ days", html)
    assert "Next review (1 due)" in html and 'href="/review/summary"' in html
    stopped = client.get("/review/summary").get_data(as_text=True)
    assert "1 review still due now." in stopped and "Continue review" in stopped
    assert re.search(r"<dt>Answered</dt><dd>1</dd>.*<dt>Right</dt><dd>1</dd>.*<dt>Wrong</dt><dd>0</dd>", stopped, re.S)


# --------------------------------------------------------------------------- the review page


def test_the_review_page_shows_the_session_next_due_and_a_seven_day_forecast(app, client, student, fixed_clock):
    feedback_of(client, answer(client, "demo-002", answer="0")[0])  # tomorrow
    feedback_of(client, answer(client, "demo-004", **RIGHT["demo-004"])[0])  # in 2 days
    feedback_of(client, answer(client, "demo-001", **RIGHT["demo-001"])[0])
    with app.app_context():
        db.session.get(ReviewCard, (student, "demo-001")).due = T0 + timedelta(days=30)  # beyond the week
        db.session.commit()
    html = client.get("/review").get_data(as_text=True)
    assert "Nothing is due for review right now." in html
    assert "Next review in 1 day" in html and "This session" not in html  # no review answered yet
    rows = re.findall(r'<tr><th scope="row"><time datetime="([\d-]+)">([^<]+)</time></th><td class="num">(\d+)</td></tr>', html)
    assert rows == [
        ("2026-03-02", "Today", "0"),
        ("2026-03-03", "Tomorrow", "1"),
        ("2026-03-04", "Wednesday 4 March", "1"),
        ("2026-03-05", "Thursday 5 March", "0"),
        ("2026-03-06", "Friday 6 March", "0"),
        ("2026-03-07", "Saturday 7 March", "0"),
        ("2026-03-08", "Sunday 8 March", "0"),
    ]
    assert "Days in UTC time" in html and '<th scope="col" class="num">Reviews due</th>' in html


def test_when_the_queue_empties_the_review_page_sums_up_the_session(app, client, student, fixed_clock):
    for qid in ("demo-002", "demo-004"):
        feedback_of(client, answer(client, qid, **WRONG[qid][0])[0])
    fixed_clock["now"] = T0 + timedelta(days=1, minutes=1)
    first = client.get("/review").headers["Location"]
    feedback_of(client, review_answer(client, first, answer="1" if "demo-002" in first else "true"))
    second = client.get("/review").headers["Location"]
    last = feedback_of(client, review_answer(client, second, answer="0" if "demo-002" in second else "true"))
    assert "No more reviews due." in last and "See your session" in last
    html = client.get("/review").get_data(as_text=True)
    assert "This session" in html and "Nothing is due" in html
    assert re.search(r"<dt>Answered</dt><dd>2</dd>.*<dt>Right</dt><dd>1</dd>.*<dt>Wrong</dt><dd>1</dd>", html, re.S)
    assert "Next review in 1 day" in html
    fixed_clock["now"] = T0 + timedelta(days=1, hours=3)  # hours later: the same session, now past
    assert "Your last session, 3 March" in client.get("/review/summary").get_data(as_text=True)


def test_the_forecast_counts_days_in_the_zone_of_the_learners_section(app, client, student, fixed_clock):
    from app.models import Enrollment, Section

    with app.app_context():
        teacher = make_user(app, "teacher@example.org", "instructor")
        section = Section(name="S", term="", instructor_id=teacher, join_code="ZONE1", time_zone="Pacific/Auckland")
        db.session.add(section)
        db.session.flush()
        db.session.add(Enrollment(section_id=section.id, user_id=student, joined_at=T0))
        db.session.commit()
    feedback_of(client, answer(client, "demo-002", answer="0")[0])  # due 2026-03-03 09:00 UTC = 22:00 in Auckland
    html = client.get("/review").get_data(as_text=True)
    assert "Days in Pacific/Auckland time" in html
    assert '<time datetime="2026-03-03">Tomorrow</time></th><td class="num">1</td>' in html  # Auckland: it is 22:00 on 2 March
    feedback = feedback_of(client, answer(client, "demo-004", **RIGHT["demo-004"])[0])
    assert "Wednesday 4 March, 22:00 Pacific/Auckland" in feedback


def test_held_questions_are_left_out_of_the_forecast_and_the_due_counts(app, client, student, fixed_clock, monkeypatch):
    feedback_of(client, answer(client, "demo-002", answer="0")[0])
    response, _ = answer(client, "demo-004", answer="true")
    fixed_clock["now"] = T0 + timedelta(days=1, minutes=1)
    assert "Review (2 due)" in feedback_of(client, response)
    fixed_clock["now"] = T0
    from app.services import release

    real = release.held_questions
    monkeypatch.setattr(release, "held_questions", lambda user_id: {**real(user_id), "demo-002": object()})
    html = client.get("/review").get_data(as_text=True)
    assert '<time datetime="2026-03-03">Tomorrow</time></th><td class="num">1</td>' in html and "Next review in 1 day" in html
    fixed_clock["now"] = T0 + timedelta(days=1, minutes=1)
    assert "Review (1 due)" in feedback_of(client, response)
    assert "1 review still due now." in client.get("/review/summary").get_data(as_text=True)


# --------------------------------------------------------------------------- confidence


def test_confidence_levels_are_labels_wrapping_their_radios(app, client, student, fixed_clock):
    feedback_of(client, answer(client, "demo-002", answer="0")[0])
    fixed_clock["now"] = T0 + timedelta(days=2)
    page = client.get(client.get("/review").headers["Location"]).get_data(as_text=True)
    for level in ("low", "medium", "high"):
        assert re.search(rf'<label class="confidence-option" for="conf-{level}"><input type="radio" name="confidence"', page)


# --------------------------------------------------------------------------- try again


def test_a_wrong_practice_answer_offers_try_again_with_a_fresh_order_counted_as_a_new_answer(app, client, student, fixed_clock):
    first_page = client.get("/practice/demo-003").get_data(as_text=True)
    response, _ = answer(client, "demo-003", answer=["0"])  # partly right
    html = feedback_of(client, response)
    assert ">Try again</a>" in html and 'href="/practice/demo-003"' in html
    retry = client.get("/practice/demo-003").get_data(as_text=True)
    assert choice_order(retry) and choice_order(retry) != choice_order(first_page)
    assert choice_order(client.get("/practice/demo-003").get_data(as_text=True)) == choice_order(retry)  # stable on reload
    data = {"csrf_token": csrf_from(retry), "practice_token": practice_token_from(retry), "answer": ["0", "1"]}
    assert "Right." in feedback_of(client, client.post("/practice/demo-003", data=data))
    with app.app_context():
        scores = list(db.session.scalars(select(Answer.score).where(Answer.question_id == "demo-003").order_by(Answer.id)))
        assert scores == [0.5, 1.0] and db.session.get(ReviewCard, (student, "demo-003")).reviews == 2


def test_every_retry_shows_another_order(app, client, student, fixed_clock):
    orders = []
    for _ in range(4):
        page = client.get("/practice/demo-002").get_data(as_text=True)
        orders.append(choice_order(page))
        client.post(
            "/practice/demo-002", data={"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "answer": "0"}
        )
    assert all(a != b for a, b in zip(orders, orders[1:], strict=False))


def test_try_again_is_not_offered_for_a_right_answer_or_in_review(app, client, student, fixed_clock):
    assert "Try again" not in feedback_of(client, answer(client, "demo-002", **RIGHT["demo-002"])[0])
    feedback_of(client, answer(client, "demo-004", answer="true")[0])
    fixed_clock["now"] = T0 + timedelta(days=1, minutes=1)
    location = client.get("/review").headers["Location"]
    assert "demo-004" in location
    assert "Try again" not in feedback_of(client, review_answer(client, location, answer="true"))


# --------------------------------------------------------------------------- runs of ten


def practise(client, n, start=0):
    """Answer n practice questions (cycling through the bank, the first two of every cycle wrong); return the last response."""
    qids = sorted(RIGHT)
    response = None
    for i in range(start, start + n):
        qid = qids[i % len(qids)]
        fields = WRONG[qid][0] if i % len(qids) < 2 else RIGHT[qid]
        response, _ = answer(client, qid, **fields)
        assert response.status_code == 302
    return response


def test_the_tenth_practice_answer_leads_to_a_summary_of_the_run(app, client, student, fixed_clock):
    ninth = feedback_of(client, practise(client, 9))
    assert "See how your last 10 went" not in ninth and "Next question" in ninth
    tenth_response = practise(client, 1, start=9)
    tenth = feedback_of(client, tenth_response)
    link = re.search(r'href="(/practice/runs/\d+)[^"]*">See how your last 10 went', tenth)
    assert link and "Next question" not in tenth
    html = client.get(link.group(1)).get_data(as_text=True)
    assert "Your last 10 questions" in html
    # demo-001 wrong, demo-002 wrong, 003-006 right, then 001 wrong, 002 wrong, 003 right (9 so far); the tenth: demo-004 right
    assert re.search(r"<dt>Answered</dt><dd>10</dd>.*<dt>Right</dt><dd>6</dd>.*<dt>Wrong</dt><dd>4</dd>", html, re.S)
    assert "Your weakest objective in this run" in html and "Practise this objective" in html
    assert "objective=01-demo.o1" in html and "Re-read the lesson" in html and "Keep practising" in html
    assert "Take a self-test" not in html


def test_a_run_without_mistakes_suggests_a_self_test(app, client, student, fixed_clock):
    qids = sorted(RIGHT)
    response = None
    for i in range(10):
        response, _ = answer(client, qids[i % len(qids)], **RIGHT[qids[i % len(qids)]])
    html = client.get(re.search(r'href="(/practice/runs/\d+)', feedback_of(client, response)).group(1)).get_data(as_text=True)
    assert "Every answer right." in html and "Take a self-test" in html and "weakest" not in html


def test_a_long_pause_starts_a_new_run(app, client, student, fixed_clock):
    practise(client, 5)
    fixed_clock["now"] = T0 + timedelta(hours=2)
    assert "See how your last 10 went" not in feedback_of(client, practise(client, 5, start=5))
    assert "See how your last 10 went" in feedback_of(client, practise(client, 5, start=10))


def test_review_answers_do_not_count_toward_a_practice_run_and_a_run_summary_is_the_learners_own(
    app, client, student, auth, fixed_clock
):
    tenth = practise(client, 10)
    run_url = re.search(r'href="(/practice/runs/\d+)', feedback_of(client, tenth)).group(1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 10
        review_id = db.session.scalars(select(Answer.id)).first()
        db.session.get(Answer, review_id).mode = "review"
        db.session.commit()
    assert client.get(f"/practice/runs/{review_id}").status_code == 404
    auth.logout()
    make_user(app, "other@example.org")
    auth.login("other@example.org")
    assert client.get(run_url).status_code == 404


def test_practice_feedback_lists_choices_in_the_order_that_answer_was_shown(app, client, student, fixed_clock):
    from app.services.content import get_course

    with app.app_context():
        question = get_course().question_by_id["demo-002"]
    for _ in range(2):  # the second answer is shown in another order ("Try again")
        page = client.get("/practice/demo-002").get_data(as_text=True)
        shown = [question.choices[int(i)].text for i in choice_order(page)]
        data = {"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "answer": "0"}
        html = feedback_of(client, client.post("/practice/demo-002", data=data))
        body = html.split("<main", 1)[1]
        positions = [body.index(text) for text in shown]
        assert positions == sorted(positions), shown
