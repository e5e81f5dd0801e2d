"""A student through a self-test and an assignment in Chromium, at 1280 px and 390 px, with axe on every page
(issue 14): Enter goes forward, blanks are not "saved", a short pool is said so, error summaries take focus and
link to their fields, matching options are readable, nothing is wider than the phone."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Attempt, AttemptAnswer, Enrollment, Role
from app.services import accounts, assignments, sections
from app.services.content import get_course
from course.drawing import draw
from course.presentation import present
from tests.browser.test_staff_journeys import PASSWORD, login
from tests.world import open_quiz

LESSON = "01-goode-2020"
TITLE = "Week 1 check"
TEXT_TYPES = ("short_answer", "numeric")
IDS = re.compile(r"\b0\d-[a-z]+-(?:\d{4}|mindmatters)\b")  # lesson and objective ids must not show as text


def fits(page, width: int = 390) -> None:
    """Nothing makes the page scroll sideways; the message names what sticks out."""
    wide = page.evaluate(
        f"[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > {width})"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, wide[:8])


def no_ids(page) -> None:
    text = page.locator("main").inner_text()
    assert not IDS.search(text), (page.url, IDS.findall(text))


def flow_seed(course, count: int) -> str:
    """A seed whose self-test has a typed answer at question 2, a matching question and a shuffled single choice."""
    pool = [q for q in course.self_graded if q.lesson == LESSON]
    for n in range(500):
        seed = f"flow-{n}"
        drawn = draw(pool, count, seed)
        if (
            drawn[1].type in TEXT_TYPES
            and any(q.type == "matching" for q in drawn[2:])
            and any(
                q.type == "single_choice" and list(present(q, seed).choice_order) != sorted(present(q, seed).choice_order)
                for q in drawn
            )
        ):
            return seed
    raise AssertionError("no seed found")


def saved_responses(live_app, attempt_id: int) -> dict[str, object]:
    with live_app.app_context():
        rows = {
            r.question_id: r.response
            for r in db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id))
        }
        db.session.remove()
    return rows


def attempt_of(live_app, attempt_id: int) -> Attempt:
    with live_app.app_context():
        attempt = db.session.get_one(Attempt, attempt_id)
        db.session.expunge(attempt)
        db.session.remove()
    return attempt


LONG_WORD = "Videosurveillancesystemsintegrator" * 3  # one unbroken word: the results must wrap it, not widen the page


def answer_typed(page) -> None:
    """Fill the question on screen with something (right or wrong does not matter here)."""
    if page.locator("#answer-text").count():
        page.locator("#answer-text").fill(LONG_WORD)
    elif page.locator("#answer-number").count():
        page.locator("#answer-number").fill("3")
    elif page.locator("input[type=radio]").count():
        page.locator("input[type=radio]").first.check()
    elif page.locator("input[type=checkbox]").count():
        page.locator("input[type=checkbox]").first.check()
    else:
        for select_box in page.locator("form select").all():
            select_box.select_option(index=1)
        for box in page.locator("input.blank").all():
            box.fill(LONG_WORD)


def test_a_student_takes_a_self_test_and_an_assignment_at_1280_and_390(browser, live_app, base_url, check_page, monkeypatch):
    with live_app.app_context():
        course = get_course()
        seed = flow_seed(course, 8)
        teacher = accounts.create_user("flow-teacher@example.org", PASSWORD, Role.INSTRUCTOR)
        student = accounts.create_user("flow@example.org", PASSWORD)
        section = sections.create_section(teacher, "Seminar F", "Spring 2027", "Europe/Moscow")
        assignments.create(
            teacher,
            section,
            course,
            open_quiz(
                TITLE,
                (LESSON,),
                ("single_choice", "matching", "ordering", "cloze", "short_answer"),
                6,
                attempts_allowed=3,
                answers_policy="after_submit",
            ),
        )
        db.session.add(Enrollment(section_id=section.id, user_id=student.id))
        db.session.commit()
        db.session.remove()
    monkeypatch.setattr("app.randomness.new_seed", lambda: seed)

    # 1280 px. The self-test form refused: the summary takes focus and its links go to their fields.
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, "flow@example.org")
    page.goto("/quiz/")
    no_ids(page)
    check_page("flow-selftest-form", page)
    page.get_by_label("Number of questions").fill("0")
    page.get_by_role("button", name="Start self-test").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    check_page("flow-selftest-form-errors", page)
    summary.get_by_role("link", name=re.compile("^Lessons:")).click()
    expect(page.locator("#lessons-0")).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Number of questions:")).click()
    expect(page.get_by_label("Number of questions")).to_be_focused()

    page.locator(f"input[value='{LESSON}']").check()
    page.get_by_label("Number of questions").fill("8")
    page.get_by_role("button", name="Start self-test").click()
    expect(page.get_by_role("heading", name="Question 1")).to_be_visible()
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", page.url).group(1))
    attempt = attempt_of(live_app, attempt_id)
    check_page("flow-question-1", page)

    # A blank save is not "saved": question 1 left empty.
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("heading", name="Question 2")).to_be_visible()
    expect(page.get_by_text("· 0 saved")).to_be_visible()
    expect(page.locator(".question-nav li").first).not_to_contain_text("✓")

    # Enter in the typed answer of question 2 saves it and goes FORWARD; the buttons keep their order on screen.
    back, forward = page.get_by_role("button", name="Save and go back"), page.get_by_role("button", name="Save and next")
    assert back.bounding_box()["x"] < forward.bounding_box()["x"]
    field = page.locator("#answer-text, #answer-number")
    field.fill("42")
    field.press("Enter")
    expect(page.get_by_role("heading", name="Question 3")).to_be_visible()
    assert page.url.endswith(f"/quiz/attempts/{attempt_id}?q=2")
    assert saved_responses(live_app, attempt_id).get(attempt.question_ids[1]) == "42"
    expect(page.get_by_text("· 1 saved")).to_be_visible()
    check_page("flow-question-3-after-enter", page)

    # Matching: every option in full above full-width lists.
    course_questions = {q.id: q for q in get_course_questions(live_app)}
    matching = next(i for i, qid in enumerate(attempt.question_ids) if course_questions[qid].type == "matching")
    page.goto(f"/quiz/attempts/{attempt_id}?q={matching}")
    options = page.locator(".match-options li")
    expect(options.first).to_be_visible()
    check_page("flow-matching", page)

    # A shuffled single choice: the order on screen, to compare with the results.
    shuffled = next(
        i
        for i, qid in enumerate(attempt.question_ids)
        if course_questions[qid].type == "single_choice"
        and list(present(course_questions[qid], seed).choice_order) != sorted(present(course_questions[qid], seed).choice_order)
    )
    page.goto(f"/quiz/attempts/{attempt_id}?q={shuffled}")
    shown_order = [text.strip() for text in page.locator("ul.choices li label").all_inner_texts()]

    # Review: the finish page and the question navigator agree (one saved answer).
    page.get_by_role("button", name="Save and review answers").click()
    expect(page.get_by_text("1 of 8 questions answered")).to_be_visible()
    check_page("flow-finish", page)
    page.get_by_role("button", name="Submit the self-test").click()
    expect(page.get_by_role("heading", name=re.compile("^Results"))).to_be_visible()
    reviewed = page.locator(f"section[aria-labelledby='r{shuffled + 1}'] ul.reviewed li").all_inner_texts()
    assert [next(t for t in shown_order if t in item) for item in reviewed] == shown_order, (reviewed, shown_order)
    no_ids(page)
    check_page("flow-results", page)

    # The assignment: the list, the start page, a question, the results.
    page.goto("/assignments")
    no_ids(page)
    check_page("flow-assignments", page)
    page.get_by_role("link", name=f"Start {TITLE}").click()
    check_page("flow-assignment-start", page)
    page.get_by_role("button", name=f"Start {TITLE}").click()
    for number in range(1, 7):
        expect(page.get_by_role("heading", name=f"Question {number}")).to_be_visible()
        if number == 1:
            check_page("flow-assignment-question", page)
        answer_typed(page)
        page.get_by_role("button", name="Save and review answers" if number == 6 else "Save and next").click()
    expect(page.get_by_text("6 of 6 questions answered")).to_be_visible()
    page.get_by_role("button", name="Submit the assignment").click()
    expect(page.get_by_role("heading", name=f"Results: {TITLE}")).to_be_visible()
    no_ids(page)
    check_page("flow-assignment-results", page)
    context.close()

    # 390 px: every page fits the phone; a request for more questions than there are is said on question 1.
    phone = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    page = phone.new_page()
    login(page, "flow@example.org")
    page.goto("/quiz/")
    fits(page)
    check_page("flow-selftest-form-390", page)
    page.locator(f"input[value='{LESSON}']").check()
    page.get_by_label("Number of questions").fill("50")
    page.get_by_role("button", name="Start self-test").click()
    expect(page.get_by_role("heading", name="Question 1")).to_be_visible()
    with live_app.app_context():
        pool_size = len([q for q in get_course().self_graded if q.lesson == LESSON])
    expect(page.get_by_text(f"You asked for 50 questions; only {pool_size} match the lessons you chose")).to_be_visible()
    fits(page)
    check_page("flow-question-1-390", page)
    phone_attempt = attempt_of(live_app, int(re.search(r"/quiz/attempts/(\d+)", page.url).group(1)))
    matching = next(i for i, qid in enumerate(phone_attempt.question_ids) if course_questions[qid].type == "matching")
    page.goto(f"/quiz/attempts/{phone_attempt.id}?q={matching}")
    for select_box in page.locator(".match-row select").all():
        box = select_box.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    fits(page)
    check_page("flow-matching-390", page)
    page.get_by_role("button", name="Save and review answers").click()
    fits(page)
    check_page("flow-finish-390", page)
    page.goto(f"/quiz/attempts/{attempt_id}/results")
    fits(page)
    check_page("flow-results-390", page)
    page.goto("/assignments")
    start = page.get_by_role("link", name=f"Start {TITLE}")
    box = start.bounding_box()
    assert box["x"] + box["width"] <= 390
    fits(page)
    check_page("flow-assignments-390", page)
    start.click()
    fits(page)
    check_page("flow-assignment-start-390", page)
    page.get_by_role("button", name=f"Start {TITLE}").click()
    expect(page.get_by_role("heading", name="Question 1")).to_be_visible()
    fits(page)
    check_page("flow-assignment-question-390", page)
    page.goto("/assignments")
    page.get_by_role("link", name=f"results of {TITLE}").click()
    expect(page.get_by_role("heading", name=f"Results: {TITLE}")).to_be_visible()
    fits(page)
    check_page("flow-assignment-results-390", page)
    phone.close()


def get_course_questions(live_app):
    with live_app.app_context():
        return list(get_course().question_by_id.values())
