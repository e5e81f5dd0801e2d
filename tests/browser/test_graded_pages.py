"""The graded-work pages in Chromium, with axe: a held practice question, the regrade preview, the section's time zone."""

from playwright.sync_api import expect

from app.extensions import db
from app.models import Enrollment, Role
from app.services import accounts, assignments, quizzes, sections
from app.services.content import get_course
from tests.browser.test_staff_journeys import PASSWORD, login
from tests.world import open_quiz


def test_held_question_regrade_preview_and_section_time_zone(browser, live_app, base_url, check_page, monkeypatch):
    with live_app.app_context():
        course = get_course()
        teacher = accounts.create_user("regrader@example.org", PASSWORD, Role.INSTRUCTOR)
        student = accounts.create_user("held@example.org", PASSWORD)
        section = sections.create_section(teacher, "Seminar C", "Spring 2027", "Europe/Moscow")
        assignment = assignments.create(
            teacher,
            section,
            course,
            open_quiz("Week 4 quiz", ("01-goode-2020",), ("single_choice",), 3),
        )
        db.session.add(Enrollment(section_id=section.id, user_id=student.id))
        db.session.commit()
        attempt = assignments.start_attempt(student, assignment, course)
        first = quizzes.questions_of(attempt, course)[0]
        key = next(i for i, c in enumerate(first.choices) if c.correct)
        quizzes.save_answer(attempt, first, key, 1)
        quizzes.submit(attempt, course=course)
        section_id, assignment_id = section.id, assignment.id
        db.session.remove()

    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    login(page, "held@example.org")
    page.goto(f"/practice/{first.id}")
    expect(page.get_by_role("heading", name="Not available for practice yet")).to_be_visible()
    expect(page.get_by_text("its answers are released")).to_be_visible()
    check_page("practice-held", page)
    context.close()

    # The bank's key for that question is fixed after grading: nothing changes until the instructor regrades.
    moved = first.model_copy(
        update={
            "choices": [
                c.model_copy(update={"correct": i == (key + 1) % len(first.choices)}) for i, c in enumerate(first.choices)
            ]
        }
    )
    edited = type(course)(
        course.lessons, course.readings, course.glossary, tuple(moved if q.id == first.id else q for q in course.questions)
    )
    monkeypatch.setitem(live_app.extensions, "oversight_course", edited)
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    login(page, "regrader@example.org")
    page.goto(f"/teach/sections/{section_id}")
    expect(page.get_by_role("columnheader", name="Due (Europe/Moscow)")).to_be_visible()
    check_page("teach-section-time-zone", page)
    page.goto(f"/teach/assignments/{assignment_id}")
    expect(page.get_by_text("3 questions from Russia's digital surveillance")).to_contain_text("Europe/Moscow")
    page.get_by_role("link", name=f"Review regrade of {first.id}").click()
    expect(page.get_by_text("1 of 1 submitted attempts would change")).to_be_visible()
    check_page("teach-regrade", page)
    page.get_by_role("button", name="Regrade 1 attempt").click()
    expect(page.get_by_text(f"Regraded {first.id}: 1 of 1 attempts changed")).to_be_visible()
    context.close()
