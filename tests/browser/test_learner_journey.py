"""A new student's whole journey in Chromium, with axe on every page and a screenshot of each."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from app import clock
from app.services.content import get_course
from course.grading import correct_response

PASSWORD = "a long enough passphrase"
TYPES = ["single_choice", "multiple_response", "true_false", "short_answer", "numeric", "matching", "ordering"]


def first_of_type(course, qtype, lesson="01-goode-2020"):
    return next(q for q in course.questions if q.type == qtype and q.lesson == lesson)


def fill(page: Page, question, right: bool) -> None:
    """Answer a question on the page, rightly or wrongly, with the keyboard-accessible controls."""
    key = correct_response(question)
    t = question.type
    if t == "single_choice":
        index = key if right else next(i for i, c in enumerate(question.choices) if not c.correct)
        page.locator(f"#choice-{index}").check()
    elif t == "multiple_response":
        picks = sorted(key) if right else [next(i for i, c in enumerate(question.choices) if not c.correct)]
        for i in picks:
            page.locator(f"#choice-{i}").check()
    elif t == "true_false":
        page.get_by_label("True" if key == right else "False", exact=True).check()
    elif t == "short_answer":
        page.get_by_label("Your answer").fill(key if right else "no idea")
    elif t == "numeric":
        page.get_by_label(re.compile("Your answer")).fill(f"{key:g}" if right else f"{key + 7:g}")
    elif t == "matching":
        rights = [p.right for p in question.pairs]
        for i, pair in enumerate(question.pairs):
            page.locator(f"#match-{i}").select_option(pair.right if right else rights[(i + 1) % len(rights)])
    elif t == "cloze":
        for i, blank in enumerate(question.blanks):
            field = page.locator(f"[name=blank-{i}]")
            wrong = blank.options[0] if blank.dropdown else "no idea"
            if blank.dropdown:
                field.select_option(blank.answer if right else wrong)
            else:
                field.fill(blank.answer if right else wrong)
    elif t == "ordering":
        for i in range(len(question.sequence)):
            label = page.locator(f"label[for=pos-{i}]").inner_text()
            position = next(n for n, item in enumerate(question.sequence, 1) if item.strip() == label.strip())
            page.locator(f"#pos-{i}").select_option(str(position if right else (position % len(question.sequence)) + 1))


def login(page: Page, email: str) -> None:
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_new_student_learns_practises_quizzes_resumes_and_reviews(browser, live_app, base_url, check_page, monkeypatch):
    with live_app.app_context():
        course = get_course()
    context = browser.new_context(base_url=base_url)
    page = context.new_page()

    # Register.
    page.goto("/account/register")
    page.get_by_label("Email").fill("journey@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()

    # Read a lesson and mark it complete.
    page.get_by_role("link", name="Russia's digital surveillance in the wake of COVID-19").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("COVID-19")
    check_page("lesson", page)
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_text("You marked this lesson complete")).to_be_visible()

    # Practise one question of every type, right and then wrong.
    for qtype in TYPES:
        question = first_of_type(course, qtype)
        for right in (True, False):
            page.goto(f"/practice/{question.id}")
            if right:
                check_page(f"practice-{qtype}", page)
            fill(page, question, right)
            page.get_by_role("button", name="Check answer").click()
            verdict = page.locator(".verdict")
            if right:
                expect(verdict).to_have_text("Right.")
            else:
                expect(verdict).not_to_have_text("Right.")
            expect(page.get_by_role("heading", name="Evidence from the reading")).to_be_visible()
            expect(page.locator(".quote figcaption a").first).to_have_attribute("href", re.compile(r"/readings/goode-2020#p\d+$"))
            check_page(f"feedback-{qtype}-{'right' if right else 'wrong'}", page)

    # The evidence link opens the reading at its paragraph.
    page.locator(".quote figcaption a").first.click()
    expect(page).to_have_url(re.compile(r"/readings/goode-2020#p\d+$"))

    # Start a self-test, answer two questions, then close the browser midway.
    page.get_by_role("link", name="Self-test").click()
    page.get_by_label("Russia's digital surveillance in the wake of COVID-19").check()
    page.get_by_label("Number of questions").fill("4")
    check_page("quiz-new", page)
    page.get_by_role("button", name="Start self-test").click()
    attempt_url = page.url
    for _ in range(2):
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Question \d"))
        qid = None
        with live_app.app_context():
            from app.extensions import db
            from app.models import Attempt

            attempt = db.session.get(Attempt, int(attempt_url.rstrip("/").split("/")[-1]))
            index = int(page.get_by_role("heading", level=1).inner_text().split()[-1]) - 1
            qid = attempt.question_ids[index]
        fill(page, course.question_by_id[qid], right=True)
        check_page("quiz-question", page)
        page.get_by_role("button", name="Save and next").click()
    context.close()

    # Come back in a new browser: log in, resume from the home page at question 3.
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    login(page, "journey@example.org")
    page.get_by_role("link", name=re.compile("Resume")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 3")
    expect(page.get_by_text("2 saved")).to_be_visible()
    page.get_by_role("button", name="Save and review answers").click()
    expect(page.get_by_text("2 of 4 questions answered")).to_be_visible()
    check_page("quiz-finish", page)
    page.get_by_role("button", name="Submit the self-test").click()
    expect(page.get_by_role("status").filter(has_text="Score")).to_contain_text("50%")
    expect(page.get_by_role("heading", name="Evidence from the reading").first).to_be_visible()
    check_page("quiz-results", page)

    # Progress shows the lesson, mastery, the attempt and its chart.
    page.get_by_role("link", name="See your progress").click()
    expect(page.get_by_role("heading", name="Mastery by objective")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_be_visible()
    check_page("progress", page)

    # A day later the wrongly answered questions are due for review (one learning step of a day).
    later = clock.now() + timedelta(days=1, minutes=1)
    monkeypatch.setattr("app.clock.now", lambda: later)
    page.goto("/")
    expect(page.get_by_role("link", name=re.compile(r"Review \(\d+ due\)"))).to_be_visible()
    check_page("home-with-reviews", page)
    page.get_by_role("link", name=re.compile(r"Review \(\d+ due\)")).click()
    expect(page.get_by_text("How sure are you?")).to_be_visible()
    check_page("review-question", page)

    # Data rights.
    page.goto("/account/data")
    check_page("my-data", page)
    context.close()
