"""The coverage map of the readings in Chromium, with axe: at 1280 px and on a 390 px phone."""

from playwright.sync_api import expect

from app.extensions import db
from app.models import Enrollment, Role
from app.services import accounts, assignments, quizzes, sections
from app.services.content import get_course
from tests.browser.test_staff_journeys import PASSWORD, login
from tests.world import open_quiz

TITLE = "Russia and Digital Surveillance in the Wake of COVID-19"


def test_coverage_map_for_an_instructor_on_desktop_and_phone(browser, live_app, base_url, check_page):
    with live_app.app_context():
        course = get_course()
        teacher = accounts.create_user("coverage-teacher@example.org", PASSWORD, Role.INSTRUCTOR)
        student = accounts.create_user("coverage-learner@example.org", PASSWORD)
        section = sections.create_section(teacher, "Seminar M", "Spring 2027", "UTC")
        assignment = assignments.create(
            teacher,
            section,
            course,
            open_quiz("Week 1 quiz", ("01-goode-2020",), ("single_choice",), 3),
        )
        db.session.add(Enrollment(section_id=section.id, user_id=student.id))
        db.session.commit()
        attempt = assignments.start_attempt(student, assignment, course)
        first = quizzes.questions_of(attempt, course)[0]
        quizzes.save_answer(attempt, first, next(i for i, c in enumerate(first.choices) if c.correct), 1)
        quizzes.submit(attempt, course=course)
        db.session.remove()

    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, "coverage-teacher@example.org")
    page.goto("/teach/")
    page.get_by_role("link", name="Coverage map of the readings").click()
    expect(page.get_by_role("heading", level=1, name="Coverage map of the readings")).to_be_visible()
    # The filter is a plain GET form: it works with JavaScript off.
    page.get_by_label("Reading").select_option("goode-2020")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(TITLE)
    expect(page.get_by_text("2 untested")).to_be_visible()
    table = page.get_by_role("table", name=f"Paragraphs of {TITLE}")
    untested = table.locator("tr.untested")
    expect(untested).to_have_count(2)
    expect(untested.first.get_by_text("untested", exact=True)).to_be_visible()  # in words, not by colour alone
    # The learner's one answer gives some paragraph a facility from this instructor's section.
    expect(table.get_by_text("(n = 1").first).to_be_visible()
    check_page("teach-coverage-1280", page)
    table.get_by_role("link", name="Paragraph 5", exact=True).click()
    expect(page).to_have_url(f"{base_url}/readings/goode-2020#p5")
    context.close()

    phone = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    page = phone.new_page()
    login(page, "coverage-teacher@example.org")
    page.goto("/teach/coverage")  # every reading, the longest version of the page
    expect(page.get_by_role("heading", level=2)).to_have_count(len(course.readings))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto("/teach/coverage?reading=goode-2020")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_page("teach-coverage-390", page)
    phone.close()
