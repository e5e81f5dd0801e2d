"""An instructor edits, duplicates and previews an assignment as a student in Chromium, with axe, at 1280 px and 390 px."""

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Attempt, AttemptAnswer, Enrollment, ReviewCard, Role, User
from app.services import accounts, assignments, sections
from app.services.content import get_course
from tests.browser.test_staff_journeys import PASSWORD, login
from tests.browser.test_timed_assignment import fits
from tests.world import open_quiz

TITLE = "Week 3 check"


def recorded(live_app) -> list[int]:
    """Attempts, saved answers, answers and review cards of this test's two people (other journeys share the database)."""
    with live_app.app_context():
        ours = select(User.id).where(User.email.in_(("lifecycle@example.org", "lifecycle-student@example.org")))
        counts = [
            db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.user_id.in_(ours))),
            db.session.scalar(select(func.count()).select_from(AttemptAnswer).join(Attempt).where(Attempt.user_id.in_(ours))),
            db.session.scalar(select(func.count()).select_from(Answer).where(Answer.user_id.in_(ours))),
            db.session.scalar(select(func.count()).select_from(ReviewCard).where(ReviewCard.user_id.in_(ours))),
        ]
        db.session.remove()
    return counts


def test_instructor_edits_duplicates_and_previews_an_assignment(browser, live_app, base_url, check_page):
    with live_app.app_context():
        teacher = accounts.create_user("lifecycle@example.org", PASSWORD, Role.INSTRUCTOR)
        student = accounts.create_user("lifecycle-student@example.org", PASSWORD)
        section = sections.create_section(teacher, "Seminar L", "Spring 2027", "Europe/Moscow")
        sections.create_section(teacher, "Seminar M", "Autumn 2027", "UTC")
        assignment = assignments.create(
            teacher,
            section,
            get_course(),
            open_quiz(
                TITLE,
                ("01-goode-2020",),
                ("single_choice",),
                3,
                time_limit_minutes=15,
                attempts_allowed=2,
                answers_policy="after_submit",
            ),
        )
        db.session.add(Enrollment(section_id=section.id, user_id=student.id))
        db.session.commit()
        assignment_id = assignment.id
        db.session.remove()

    for width in (1280, 390):
        context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
        page = context.new_page()
        login(page, "lifecycle@example.org")
        suffix = "" if width == 1280 else "-390"

        # Edit: prefilled, nothing locked before any attempt.
        page.goto(f"/teach/assignments/{assignment_id}")
        page.get_by_role("link", name="Edit", exact=True).click()
        expect(page.get_by_role("heading", name="Edit assignment")).to_be_visible()
        expect(page.get_by_label("Title")).to_have_value(TITLE if width == 1280 else f"{TITLE} (edited)")
        if width == 1280:
            page.get_by_label("Title").fill(f"{TITLE} (edited)")
        check_page(f"assignment-edit{suffix}", page)
        if width == 390:
            fits(page, 390)
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_role("heading", name=f"{TITLE} (edited)")).to_be_visible()

        # Preview as a student through to the results; nothing is recorded.
        before = recorded(live_app)
        page.get_by_role("link", name="Preview as student").click()
        expect(page.get_by_text("The clock starts when you press Start.")).to_be_visible()
        check_page(f"assignment-preview-start{suffix}", page)
        page.get_by_role("button", name="Start the preview").click()
        expect(page.get_by_role("heading", name="Question 1")).to_be_visible()
        expect(page.get_by_text("15 minutes left")).to_be_visible()
        check_page(f"assignment-preview-question{suffix}", page)
        if width == 390:
            fits(page, 390)
        for number in (1, 2, 3):
            expect(page.get_by_role("heading", name=f"Question {number}")).to_be_visible()
            page.locator("#choice-0").check()
            page.get_by_role("button", name="Save and next" if number < 3 else "Save and review answers").click()
        expect(page.get_by_text("3 of 3 questions answered")).to_be_visible()
        check_page(f"assignment-preview-finish{suffix}", page)
        page.get_by_role("button", name="Submit the preview").click()
        expect(page.get_by_role("heading", name=re.compile("^Results"))).to_be_visible()
        expect(page.get_by_text("Nothing was recorded")).to_be_visible()
        expect(page.get_by_role("heading", name="Evidence from the reading").first).to_be_visible()
        check_page(f"assignment-preview-results{suffix}", page)
        if width == 390:
            fits(page, 390)
        assert recorded(live_app) == before == [0, 0, 0, 0]

        # The assignment page with its actions, and the confirmations (left unconfirmed).
        page.goto(f"/teach/assignments/{assignment_id}")
        check_page(f"assignment-page{suffix}", page)
        if width == 390:
            fits(page, 390)
        page.get_by_role("link", name="Delete or archive").click()
        expect(page.get_by_role("heading", name=re.compile("^Delete"))).to_be_visible()
        check_page(f"assignment-delete{suffix}", page)
        page.get_by_role("link", name="Cancel").click()

        # Duplicate into the other section.
        page.get_by_role("link", name="Duplicate").click()
        page.get_by_label("Copy into section").select_option(label="Seminar M (Autumn 2027)")
        check_page(f"assignment-duplicate{suffix}", page)
        if width == 390:
            fits(page, 390)
        page.get_by_role("button", name="Duplicate").click()
        expect(page.get_by_label("Title")).to_have_value(f"{TITLE} (edited) (copy)")
        context.close()
