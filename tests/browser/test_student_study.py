"""A student practises (Try again, the run-of-ten summary) and reviews (when it comes back, the week ahead, the session).

At 1280 px and 390 px, with axe and a screenshot on every page, and no sideways scrolling on a phone.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app import clock
from app.models import Role
from app.services import accounts, learning
from app.services.content import get_course
from course.grading import correct_response
from tests.browser.test_learner_journey import fill
from tests.conftest import PASSWORD

LESSON = "01-goode-2020"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def single_choices(course) -> list:
    return [q for q in course.questions if q.lesson == LESSON and q.type == "single_choice"]


def wrong_choice(question) -> int:
    return next(i for i, c in enumerate(question.choices) if not c.correct)


def choice_labels(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".choices label").all_inner_texts()]


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_student_practises_tries_again_sees_the_run_summary_and_reviews(
    browser, live_app, base_url, check_page, monkeypatch, viewport
):
    phone = viewport == "phone"
    email = f"study-{viewport}@example.org"
    with live_app.app_context():
        course = get_course()
        questions = single_choices(course)
        user_id = accounts.create_user(email, PASSWORD, Role.STUDENT).id
        # Eight practice answers already given in this session: six right, two wrong.
        for i, question in enumerate(questions[:8]):
            learning.record_answer(user_id, question, wrong_choice(question) if i < 2 else correct_response(question), "practice")
    ninth = questions[8]

    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[viewport])
    page = context.new_page()

    def check(name: str) -> None:
        check_page(f"study-{name}-{viewport}", page)
        if phone:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{name}: the page is {width} px wide at 390 px"

    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # The ninth answer: wrong. The feedback says when it comes back and offers Try again.
    page.goto(f"/practice/{ninth.id}")
    first_order = choice_labels(page)
    check("practice-question")
    fill(page, ninth, right=False)
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".verdict")).to_have_text("Not right.")
    expect(page.locator(".comes-back")).to_contain_text("Again in 1 day")
    check("practice-feedback-wrong")

    # Try again: the same question, the choices in another order; the retry is the tenth answer.
    page.get_by_role("link", name="Try again").click()
    expect(page).to_have_url(re.compile(rf"/practice/{ninth.id}"))
    assert sorted(choice_labels(page)) == sorted(first_order) and choice_labels(page) != first_order
    fill(page, ninth, right=True)
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".verdict")).to_have_text("Right.")
    expect(page.get_by_role("link", name="Next question")).to_have_count(0)
    check("practice-feedback-tenth")

    # The run of ten: answered, right, weakest objective, what next.
    page.get_by_role("link", name="See how your last 10 went").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your last 10 questions")
    expect(page.locator(".tally")).to_contain_text("Answered10")
    expect(page.locator(".tally")).to_contain_text("Right7")
    expect(page.get_by_text("Your weakest objective in this run")).to_be_visible()
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    check("practice-run-summary")

    # Enter in a text field checks the answer (the form's one submit button).
    short = next(q for q in course.questions if q.lesson == LESSON and q.type == "short_answer")
    page.goto(f"/practice/{short.id}")
    page.get_by_label("Your answer").fill("no idea")
    page.get_by_label("Your answer").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback")

    # A day later: the wrong answers (two seeded, the short answer) and the retried ninth are due.
    later = clock.now() + timedelta(days=1, minutes=1)
    monkeypatch.setattr("app.clock.now", lambda: later)
    page.goto("/review")
    expect(page.get_by_text("How sure are you?")).to_be_visible()
    for option in page.locator(".confidence-option").all():
        box = option.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44, box
    check("review-question")

    def answer_review(right: bool = True) -> None:
        qid = re.search(r"/practice/([^?]+)", page.url).group(1)
        fill(page, course.question_by_id[qid], right=right)
        page.get_by_text("High", exact=True).click()
        expect(page.get_by_label("High")).to_be_checked()
        page.get_by_role("button", name="Check answer").click()

    answer_review()
    expect(page.locator(".comes-back")).to_contain_text(re.compile(r"Again in \d+ days"))
    check("review-feedback")

    # Stop: the session so far, what is still due and the week ahead.
    page.get_by_role("link", name="Stop for now and see your session").click()
    expect(page.get_by_text("still due now")).to_be_visible()
    expect(page.get_by_role("heading", name="This session")).to_be_visible()
    forecast = page.get_by_role("table")
    expect(forecast.get_by_role("rowheader")).to_have_count(7)
    expect(forecast.get_by_role("row", name=re.compile("^Today"))).to_be_visible()
    check("review-stopped")

    # Continue until the queue is empty: the summary, next due and the forecast.
    page.get_by_role("link", name="Continue review").click()
    while True:
        answer_review(right=False)
        expect(page.locator(".comes-back")).to_contain_text("Again in 1 day")
        link = page.get_by_role("link", name=re.compile(r"Next review \(\d+ due\)"))
        if not link.count():
            break
        link.click()
    page.get_by_role("link", name="See your session").click()
    expect(page.get_by_text("Nothing is due for review right now.")).to_be_visible()
    # Reviewed: the two seeded mistakes, the retried ninth and the short answer; the first one right.
    expect(page.locator(".tally")).to_contain_text("Answered4")
    expect(page.locator(".tally")).to_contain_text("Right1")
    expect(page.locator(".comes-back")).to_contain_text("Next review in 1 day")
    expect(page.get_by_role("table").get_by_role("row", name=re.compile("^Today"))).to_contain_text("0")
    check("review-summary")
    context.close()
