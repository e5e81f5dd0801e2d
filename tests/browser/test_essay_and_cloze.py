"""Essays and cloze passages end to end in Chromium, with axe: answer, save, resume, submit, grade in the
queue with the rubric, release, and the learner reads the rubric as graded and the comment."""

from playwright.sync_api import expect

from app.extensions import db
from app.models import Enrollment, Role
from app.services import accounts, assignments, sections
from app.services.content import get_course
from tests.browser.test_staff_journeys import PASSWORD, login
from tests.world import open_quiz

TOTAL = 6  # every essay (2) and cloze passage (4) of the lesson, so the draw cannot leave a type out
ESSAY_TEXT = (
    "Goode reports that regional authorities claimed large numbers, and that programmers found the "
    "app used foreign servers, which the city denied. The evidence for limits is stronger."
)


def test_a_cloze_and_an_essay_from_answer_to_released_rubric(browser, live_app, base_url, check_page):
    with live_app.app_context():
        course = get_course()
        teacher = accounts.create_user("essays@example.org", PASSWORD, Role.INSTRUCTOR)
        student = accounts.create_user("writer@example.org", PASSWORD)
        section = sections.create_section(teacher, "Seminar E", "Spring 2027", "UTC")
        assignment = assignments.create(
            teacher,
            section,
            course,
            open_quiz("Essay week", ("01-goode-2020",), ("essay", "cloze"), TOTAL, answers_policy="after_submit"),
        )
        db.session.add(Enrollment(section_id=section.id, user_id=student.id))
        db.session.commit()
        assignment_id = assignment.id
        db.session.remove()

    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    login(page, "writer@example.org")
    page.goto("/assignments")
    page.get_by_role("link", name="Start Essay week").click()  # the start page, before the clock runs
    page.get_by_role("button", name="Start Essay week").click()
    attempt_url = page.url
    for _ in range(TOTAL):
        if page.locator("textarea").count():
            page.get_by_label("Your answer").fill(ESSAY_TEXT)
            check_page("quiz-essay-question", page)
        else:
            with live_app.app_context():
                prompt = page.locator("#q-prompt").inner_text().strip()
                question = next(q for q in get_course().questions if q.type == "cloze" and q.prompt.strip() == prompt)
            for index, blank in enumerate(question.blanks):
                field = page.locator(f"[name=blank-{index}]")
                if blank.dropdown:
                    field.select_option(blank.answer)
                else:
                    field.fill(blank.answer)
            expect(page.get_by_label("Blank 1")).to_be_visible()
            check_page("quiz-cloze-question", page)
        buttons = page.get_by_role("button", name="Save and next")
        (buttons if buttons.count() else page.get_by_role("button", name="Save and review answers")).click()
    # Resume: the saved essays are back in their boxes when the learner returns to them.
    for index in range(TOTAL):
        page.goto(f"{attempt_url}?q={index}")
        if page.locator("textarea").count():
            expect(page.locator("textarea")).to_have_value(ESSAY_TEXT)
    page.goto(attempt_url + "/finish")
    expect(page.get_by_text(f"{TOTAL} of {TOTAL} questions answered")).to_be_visible()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Submitted, awaiting grading.").first).to_be_visible()
    check_page("quiz-results-awaiting-grading", page)
    context.close()

    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    login(page, "essays@example.org")
    page.goto(f"/teach/assignments/{assignment_id}")
    page.get_by_role("link", name="Essays (2 to grade)").click()
    expect(page.get_by_text("Waiting for grading: 2 of 2 essays.")).to_be_visible()
    expect(page.get_by_role("cell", name="Learner 1", exact=True).first).to_be_visible()
    check_page("teach-essay-queue", page)
    page.get_by_role("link", name="Grade the next essay").click()
    for number in (1, 2):  # one essay after another: saving opens the next ungraded one
        expect(page.get_by_text(ESSAY_TEXT)).to_be_visible()
        for fieldset in page.locator("fieldset.rubric-criterion").all():
            fieldset.locator("input[type=radio]").last.check()
        page.get_by_label("Comment to the learner (optional)").fill("Well attributed. Weigh the city's denial too.")
        if number == 1:
            check_page("teach-grade-essay", page)
        page.get_by_role("button", name="Save the grade and go to the next essay").click()
    expect(page.get_by_text("Every essay of this assignment is graded.")).to_be_visible()
    expect(page.get_by_text("Waiting for grading: 0 of 2 essays.")).to_be_visible()
    context.close()

    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    login(page, "writer@example.org")
    page.goto(attempt_url + "/results")
    expect(page.get_by_text("Rubric, as graded")).to_have_count(2)
    expect(page.get_by_text("Well attributed. Weigh the city's denial too.")).to_have_count(2)
    expect(page.locator(".score")).to_contain_text("Score:")
    check_page("quiz-results-essay-graded", page)
    context.close()
