"""Sections and roster in Chromium, with axe: rename, remove a learner after a confirmation naming them, undo; 1280 and 390 px."""

from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Enrollment, Role
from app.services import accounts, sections
from tests.browser.test_staff_journeys import PASSWORD, login

TEACHER = "roster-teacher@example.org"


WIDER_THAN_THE_PHONE = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > 391)
    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def fits_the_phone(page: Page) -> None:
    """No sideways scrolling on a 390 px phone (the failure names the elements that stick out)."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, (page.url, wide, page.evaluate(WIDER_THAN_THE_PHONE)[:8])


def test_rename_remove_with_confirmation_and_undo(browser, live_app, base_url, check_page):
    with live_app.app_context():
        teacher = accounts.create_user(TEACHER, PASSWORD, Role.INSTRUCTOR)
        section = sections.create_section(teacher, "Seminar R", "Spring 2027", "Europe/Berlin")
        for email in ("roster-ann@example.org", "roster-bob@example.org"):
            learner = accounts.create_user(email, PASSWORD)
            db.session.add(Enrollment(section_id=section.id, user_id=learner.id))
        db.session.commit()
        section_url = f"/teach/sections/{section.id}"
        db.session.remove()

    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, TEACHER)
    page.goto(section_url)
    expect(page.get_by_role("button", name="Replace the join code")).to_be_visible()
    check_page("teach-roster-section-1280", page)

    # Rename: name and term, prefilled.
    page.get_by_role("link", name="Rename Seminar R").click()
    expect(page.get_by_role("heading", level=1, name="Rename the section")).to_be_visible()
    expect(page.get_by_label("Section name")).to_have_value("Seminar R")
    check_page("teach-roster-rename-1280", page)
    page.get_by_label("Section name").fill("Seminar R: surveillance states")
    page.get_by_label("Term").fill("Autumn 2027")
    page.get_by_role("button", name="Save name and term").click()
    expect(page.get_by_text("Section renamed: Seminar R: surveillance states (Autumn 2027).")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Seminar R: surveillance states")

    # Remove: the button only leads to a confirmation that names the learner.
    page.get_by_role("link", name="Remove roster-ann@example.org").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove roster-ann@example.org from Seminar R: surveillance states?"
    )
    expect(page.get_by_text("their attempts and grades are kept")).to_be_visible()
    check_page("teach-roster-remove-confirm-1280", page)
    page.get_by_role("button", name="Remove roster-ann@example.org").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("roster-ann@example.org was removed from Seminar R: surveillance states")
    roster = page.get_by_role("table", name="Students", exact=True)
    expect(roster.get_by_text("roster-ann@example.org")).to_have_count(0)
    check_page("teach-roster-removed-undo-1280", page)

    # Undo: one click puts her back.
    status.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("roster-ann@example.org is back on the roster.")).to_be_visible()
    expect(roster.get_by_role("link", name="roster-ann@example.org", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)

    # Archive: the section leaves the default list and waits under "Archived", grades still exportable.
    page.get_by_role("button", name="Archive this section").click()
    expect(page.get_by_text("Seminar R: surveillance states is archived.")).to_be_visible()
    expect(page.get_by_role("button", name="Unarchive this section")).to_be_visible()
    expect(page.get_by_role("link", name="long CSV")).to_be_visible()
    check_page("teach-roster-archived-1280", page)
    page.get_by_role("link", name="Your sections").click()
    expect(page.get_by_role("table", name="Sections", exact=True)).to_have_count(0)
    page.get_by_text("Archived (1)").click()
    expect(
        page.get_by_role("table", name="Archived sections").get_by_role("link", name="Seminar R: surveillance states", exact=True)
    ).to_be_visible()
    check_page("teach-roster-index-archived-1280", page)
    page.get_by_role("table", name="Archived sections").get_by_role(
        "link", name="Seminar R: surveillance states", exact=True
    ).click()
    page.get_by_role("button", name="Unarchive this section").click()
    expect(page.get_by_text("is active again")).to_be_visible()
    context.close()

    phone = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    page = phone.new_page()
    login(page, TEACHER)
    page.goto(section_url)
    fits_the_phone(page)
    check_page("teach-roster-section-390", page)
    page.get_by_role("link", name="Rename Seminar R: surveillance states").click()
    fits_the_phone(page)
    check_page("teach-roster-rename-390", page)
    page.go_back()
    page.get_by_role("link", name="Remove roster-bob@example.org").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("roster-bob@example.org")
    fits_the_phone(page)
    check_page("teach-roster-remove-confirm-390", page)
    page.get_by_role("button", name="Remove roster-bob@example.org").click()
    expect(page.get_by_role("status")).to_contain_text("roster-bob@example.org was removed")
    fits_the_phone(page)
    check_page("teach-roster-removed-undo-390", page)
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(page.get_by_text("roster-bob@example.org is back on the roster.")).to_be_visible()
    fits_the_phone(page)
    phone.close()
