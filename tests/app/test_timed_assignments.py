"""Timed assignments that are safe for students: a start page before the clock runs, time left rounded up, a countdown under the CSP."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attempt, Section
from app.quiz.views import time_left
from app.security import CSP
from tests.app.test_quiz import start as start_self_test
from tests.app.test_teaching import classroom, create_assignment  # noqa: F401 - classroom is a pytest fixture, taken by name
from tests.conftest import T0, csrf_from, make_user

TIMED = {"title": "Timed quiz", "time_limit_minutes": "20"}


@pytest.fixture()
def timed(client, classroom):
    """The classroom, plus a 20-minute assignment of 3 questions, 2 attempts, due 2026-03-09 09:00 UTC."""
    return {**classroom, "timed": create_assignment(client, classroom["section"], **TIMED)}


def attempt_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attempt))


def press_start(learner, assignment_id):
    page = learner.get(f"/assignments/{assignment_id}/start").get_data(as_text=True)
    return learner.post(f"/assignments/{assignment_id}/start", data={"csrf_token": csrf_from(page)})


def text_of(html: str) -> str:
    """The page's text with tags dropped and spaces collapsed, to match sentences across markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_start_page_says_what_an_attempt_involves_and_starts_nothing(app, timed):
    ann = timed["students"][0]
    response = ann.get(f"/assignments/{timed['timed']}/start")
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "Timed quiz" in text and "Surveillance 101" in text
    assert "Questions 3" in text
    assert "Time limit 20 minutes" in text
    assert "Attempts left 2 of 2" in text
    assert "Due 2026-03-09 09:00 UTC" in text
    assert "The clock starts when you press Start." in text
    assert f'action="/assignments/{timed["timed"]}/start"' in response.get_data(as_text=True)
    ann.get(f"/assignments/{timed['timed']}/start")  # looking twice starts nothing either
    assert attempt_count(app) == 0


def test_start_on_the_start_page_starts_the_clock_then_the_page_offers_resume(app, timed):
    ann = timed["students"][0]
    started = press_start(ann, timed["timed"])
    assert re.search(r"/quiz/attempts/\d+$", started.headers["Location"])
    assert attempt_count(app) == 1
    text = text_of(ann.get(f"/assignments/{timed['timed']}/start").get_data(as_text=True))
    assert "Attempts left 1 of 2 (one in progress)" in text and "its clock is already running" in text
    assert "The clock starts" not in text
    again = press_start(ann, timed["timed"])  # a second start (two tabs) resumes, as before
    assert again.headers["Location"] == started.headers["Location"] and attempt_count(app) == 1


def test_the_start_page_says_when_the_due_time_cuts_the_limit_short(app, timed, fixed_clock):
    fixed_clock["now"] = T0.replace(day=9) - timedelta(minutes=12, seconds=30)  # 12.5 minutes before the due time
    text = text_of(timed["students"][0].get(f"/assignments/{timed['timed']}/start").get_data(as_text=True))
    assert "The due time comes first: if you start now, the attempt closes at 2026-03-09 09:00 UTC, in 12 minutes." in text


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (T0 - timedelta(days=2), "This assignment opens 2026-03-01 09:00 UTC."),
        (T0 + timedelta(days=8), "This assignment is past its due date."),
    ],
)
def test_the_start_page_explains_why_an_attempt_cannot_start(app, timed, fixed_clock, moment, reason):
    fixed_clock["now"] = moment
    html = timed["students"][0].get(f"/assignments/{timed['timed']}/start").get_data(as_text=True)
    assert reason in text_of(html) and 'type="submit" class="button">Start' not in html


def test_the_start_page_says_when_every_attempt_is_used(app, client, classroom):
    one_try = create_assignment(client, classroom["section"], title="One try", time_limit_minutes="5", attempts_allowed="1")
    ann = classroom["students"][0]
    attempt_id = int(press_start(ann, one_try).headers["Location"].rsplit("/", 1)[1])
    page = ann.get(f"/quiz/attempts/{attempt_id}/finish").get_data(as_text=True)
    ann.post(f"/quiz/attempts/{attempt_id}/finish", data={"csrf_token": csrf_from(page)})
    text = text_of(ann.get(f"/assignments/{one_try}/start").get_data(as_text=True))
    assert "You have used every attempt this assignment allows." in text and "Attempts left 0 of 1" in text
    assert "No attempts left" in text_of(ann.get("/assignments").get_data(as_text=True))


def test_a_learner_outside_the_section_gets_404_from_the_start_page(app, client, timed, auth):
    auth.logout()
    make_user(app, "outsider@example.org")
    auth.login("outsider@example.org")
    assert client.get(f"/assignments/{timed['timed']}/start").status_code == 404
    assert client.get("/assignments/999999/start").status_code == 404


def test_the_list_shows_count_limit_attempts_left_and_due_and_links_to_the_start_page(app, timed):
    ann = timed["students"][0]
    html = ann.get("/assignments").get_data(as_text=True)
    cards = {
        title: text_of(card)
        for card in re.findall(r'<li class="assignment-card">.*?</li>', html, re.S)
        for title in re.findall(r"<h2>(.*?)</h2>", card)
    }
    assert set(cards) == {"Quiz 1", "Timed quiz"}
    assert "Questions 3" in cards["Timed quiz"] and "Time limit 20 minutes" in cards["Timed quiz"]
    assert "Attempts left 2 of 2" in cards["Timed quiz"] and "Due 2026-03-09 09:00 UTC" in cards["Timed quiz"]
    assert "Time limit none" in cards["Quiz 1"]
    # Start leads to the start page (a link: nothing is posted from the list); an attempt in progress is resumed directly.
    assert f'href="/assignments/{timed["timed"]}/start"' in html
    attempt_url = press_start(ann, timed["timed"]).headers["Location"]
    html = ann.get("/assignments").get_data(as_text=True)
    assert f'href="{attempt_url}"' in html and "Resume" in html
    assert "Attempts left 1 of 2 (one in progress)" in text_of(html)


def test_time_left_is_rounded_up_to_whole_minutes():
    assert time_left(61) == "2 minutes left"
    assert time_left(60) == "1 minute left"
    assert time_left(1) == "1 minute left"
    assert time_left(0.2) == "1 minute left"
    assert time_left(0) == "time is up" and time_left(-5) == "time is up"
    assert time_left(20 * 60) == "20 minutes left"
    assert time_left(119 * 60) == "119 minutes left"
    assert time_left(119 * 60 + 1) == "2 hours left"
    assert time_left(3 * 3600 + 1) == "3 hours 1 minute left"
    assert time_left(3 * 86400) == "more than 3 days left"


def test_question_pages_show_minutes_left_rounded_up_and_the_deadline_in_the_section_zone(app, timed, fixed_clock):
    with app.app_context():
        db.session.get(Section, timed["section"]).time_zone = "Europe/Moscow"
        db.session.commit()
    ann = timed["students"][0]
    attempt_url = press_start(ann, timed["timed"]).headers["Location"]  # at T0 = 09:00 UTC: deadline 09:20 UTC
    deadline = T0 + timedelta(minutes=20)
    cases = [(T0, "20 minutes left"), (deadline - timedelta(seconds=61), "2 minutes left")]
    cases += [(deadline - timedelta(seconds=60), "1 minute left"), (deadline - timedelta(seconds=1), "1 minute left")]
    for moment, expected in cases:
        fixed_clock["now"] = moment
        text = text_of(ann.get(attempt_url).get_data(as_text=True))
        assert f"{expected[0].upper()}{expected[1:]} · submit by 12:20 Europe/Moscow" in text, (moment, text)
        assert not re.search(r"\b0 min", text) and "UTC" not in text.split("Logged in")[0]
    fixed_clock["now"] = deadline + timedelta(seconds=10)  # within the grace: the page still shows, saying so
    text = text_of(ann.get(attempt_url).get_data(as_text=True))
    assert "Time is up" in text and "within 30 seconds of the deadline still counts" in text
    fixed_clock["now"] = deadline + timedelta(seconds=31)  # past the grace: the server closes it, no JavaScript needed
    response = ann.get(attempt_url)
    assert response.headers["Location"].endswith("/results")
    assert "Time ran out" in ann.get(response.headers["Location"]).get_data(as_text=True)


def test_a_self_test_without_a_section_names_utc(app, client, student, fixed_clock):
    attempt_id = start_self_test(client, minutes="10")
    text = text_of(client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True))
    assert "10 minutes left · submit by 09:10 UTC" in text


def test_the_countdown_is_a_static_script_with_no_inline_code_under_a_strict_csp(app, timed):
    ann = timed["students"][0]
    response = ann.get(press_start(ann, timed["timed"]).headers["Location"])
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert (' src="/static/js/countdown.js" defer', "") in scripts
    assert all(re.fullmatch(r' src="/static/js/[a-z]+\.js" defer', attrs) and not body for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"
    assert re.search(r'data-deadline="2026-03-02T09:20:00\.000\+00:00" data-now="2026-03-02T09:00:00\.000\+00:00"', html)
    assert 'role="status"' in html and 'role="alert"' not in html
    policy = response.headers["Content-Security-Policy"]
    assert policy == CSP
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    script = ann.get("/static/js/countdown.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    body = script.get_data(as_text=True)
    script.close()
    assert "data-deadline" in body and "eval(" not in body and "alert(" not in body


def test_pages_without_a_deadline_load_no_script(app, client, student):
    attempt_id = start_self_test(client, minutes="0")
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "countdown.js" not in html and "left ·" not in text_of(html)


def test_attempts_left_are_counted_per_learner(app, timed):
    # The start page is per learner: Bob's attempts left do not move when Ann starts.
    ann, bob = timed["students"]
    press_start(ann, timed["timed"])
    assert "Attempts left 2 of 2" in text_of(bob.get(f"/assignments/{timed['timed']}/start").get_data(as_text=True))
