"""The question browser in Chromium, with axe: filter, open a question, preview it as a student, at 1280 and 390 px."""

from playwright.sync_api import expect

from app.extensions import db
from app.models import Role
from app.services import accounts
from app.services.content import get_course
from tests.browser.test_staff_journeys import PASSWORD, login


def test_filter_open_a_question_and_preview_it_as_a_student(browser, live_app, base_url, check_page):
    with live_app.app_context():
        course = get_course()
        accounts.create_user("browser@example.org", PASSWORD, Role.INSTRUCTOR)
        question = next(q for q in course.questions if q.type == "single_choice" and q.lesson == "01-goode-2020")
        wrong = next(i for i, c in enumerate(question.choices) if not c.correct)
        matching = [q for q in course.questions if q.type == "single_choice" and q.lesson == "01-goode-2020"]
        db.session.remove()

    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, "browser@example.org")
    page.goto("/teach/questions")
    expect(page.get_by_role("heading", name="Question browser")).to_be_visible()
    page.get_by_label("Lesson").select_option("01-goode-2020")
    page.get_by_label("Type").select_option("single_choice")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_contain_text(f"{len(matching)} of {len(course.questions)} questions match")
    expect(page.locator("table.data tbody tr")).to_have_count(len(matching))
    check_page("teach-question-browser", page)

    page.locator(f'a[href="/teach/questions/{question.id}"]').click()
    expect(page.get_by_role("heading", name=f"Question {question.id}")).to_be_visible()
    expect(page.get_by_role("heading", name="Feedback for each option")).to_be_visible()
    expect(page.get_by_role("link", name="paragraph").first).to_be_visible()
    check_page("teach-question", page)

    page.get_by_role("link", name="Preview as student").click()
    expect(page.get_by_text("Nothing you answer here is recorded")).to_be_visible()
    check_page("teach-question-preview", page)
    page.locator(f'input[name="answer"][value="{wrong}"]').check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("status").filter(has_text="Not right.")).to_be_visible()
    expect(page.get_by_text(question.choices[wrong].feedback)).to_be_visible()
    expect(page.get_by_role("heading", name="Evidence from the reading")).to_be_visible()
    check_page("teach-question-preview-feedback", page)
    context.close()

    phone = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    page = phone.new_page()
    login(page, "browser@example.org")
    page.goto("/teach/questions")
    expect(page.get_by_role("navigation", name="Pages of questions")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_page("teach-question-browser-390", page)
    page.goto(f"/teach/questions/{question.id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_page("teach-question-390", page)
    page.goto(f"/teach/questions/{question.id}/preview")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_page("teach-question-preview-390", page)
    phone.close()
