"""A student's pages in Chromium with axe, at 1280 px and 390 px: home, lesson, reading, glossary, progress and a
printed practice set; and the staff tables (admin users, audit log, an instructor's assignment) on a phone."""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Enrollment, Role
from app.services import accounts, assignments, audit, sections
from app.services.content import get_course
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_staff_journeys import PASSWORD, login
from tests.world import open_quiz

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def fits(page: Page) -> None:
    """No horizontal overflow: the page is no wider than the phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide at 390 px"


@pytest.fixture()
def student_account(live_app, request) -> str:
    email = f"pages-student-{request.node.callspec.params['size']}@example.org"
    with live_app.app_context():
        accounts.create_user(email, PASSWORD)
        db.session.remove()
    return email


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_student_walks_home_lesson_reading_glossary_progress_and_prints_a_set(
    browser, base_url, check_page, student_account, size
):
    viewport = PHONE if size == "phone" else DESKTOP
    context = browser.new_context(base_url=base_url, viewport=viewport)
    page = context.new_page()
    login(page, student_account)
    done = fits if size == "phone" else (lambda page: None)

    # Home: "Next up" is the first lesson not marked complete; every lesson has a progress bar.
    page.goto("/")
    next_up = page.get_by_role("region", name="Next up")
    expect(next_up.get_by_role("link", name="Unit overview: watching the city", exact=False)).to_be_visible()
    expect(page.get_by_role("progressbar", name="Objectives mastered in Lesson 1")).to_be_visible()
    expect(page.get_by_text("0 of 5 objectives mastered").first).to_be_visible()
    check_page(f"pages-home-{size}", page)
    done(page)

    # The lesson: numbered as on home, glossary terms named, complete and not complete again.
    page.get_by_role("link", name="Lesson 1: Russia's digital surveillance", exact=False).first.click()
    expect(page.get_by_text("Lesson 1 · about")).to_be_visible()
    expect(page.get_by_role("link", name="SORM", exact=True).first).to_have_attribute("href", "/glossary#sorm")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_text("You marked this lesson complete")).to_be_visible()
    page.get_by_role("button", name="Mark as not complete").click()
    expect(page.get_by_text("is no longer marked complete")).to_be_visible()
    check_page(f"pages-lesson-{size}", page)
    done(page)

    # The reading: paragraph links named by what they show, and a way back to the lesson.
    page.get_by_role("link", name="Open the reading on its own page").click()
    expect(page.get_by_role("link", name="¶3 (paragraph 3)", exact=True)).to_be_visible()
    check_page(f"pages-reading-{size}", page)
    done(page)
    page.get_by_role("link", name="Lesson 1: Russia's digital surveillance", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("COVID-19")

    # The glossary: A to Z, then a search that works as a plain form.
    page.goto("/glossary")
    page.get_by_role("navigation", name="Glossary A to Z").get_by_role("link", name="Y", exact=True).click()
    expect(page).to_have_url(f"{base_url}/glossary#letter-Y")
    check_page(f"pages-glossary-{size}", page)
    done(page)
    page.get_by_label("Search the glossary").fill("camera")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("match “camera”", exact=False)).to_be_visible()
    check_page(f"pages-glossary-search-{size}", page)
    done(page)

    # Progress: tables scroll in their own box.
    page.goto("/progress")
    expect(page.get_by_role("region", name="Mastery in Russia's digital surveillance", exact=False)).to_be_visible()
    check_page(f"pages-progress-{size}", page)
    done(page)

    # A printable practice set from the lesson page, then printed.
    page.goto("/lessons/01-goode-2020")
    page.get_by_role("link", name="Printable practice set").click()
    expect(page).to_have_url(re.compile(r"/practice-set\?count=10&seed=[0-9a-f]+$"))
    expect(page.locator(".practice-question")).to_have_count(10)
    expect(page.get_by_role("heading", name="Answer key")).to_be_visible()
    check_page(f"pages-practice-set-{size}", page)
    done(page)
    if size == "desktop":
        print_and_look(page, "pages-practice-set")
        page.goto("/lessons/01-goode-2020")
        print_and_look(page, "pages-lesson")
        page.goto("/glossary")
        print_and_look(page, "pages-glossary")
    context.close()


def print_and_look(page: Page, name: str) -> None:
    """Print to PDF as Chromium does; keep the first pages as PNGs to look at; nav and forms are gone in print."""
    page.emulate_media(media="print")
    assert page.locator("header.site-header").is_hidden() and page.locator("form").first.is_hidden()
    assert page.locator(".para-link").count() == 0 or page.locator(".para-link").first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / f"print-{name}.png"), full_page=True)
    pdf = SCREENSHOTS / f"print-{name}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    assert pdf.stat().st_size > 1000
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf), str(SCREENSHOTS / f"print-{name}-page")],
            check=True,
            timeout=60,
        )
    page.emulate_media(media="screen")


def test_staff_tables_fit_a_phone(browser, live_app, base_url, check_page):
    with live_app.app_context():
        course = get_course()
        admin = accounts.create_user("pages-admin@example.org", PASSWORD, Role.ADMIN)
        teacher = accounts.create_user("pages-teacher@example.org", PASSWORD, Role.INSTRUCTOR)
        learner = accounts.create_user("pages-learner-with-a-long-address@example.org", PASSWORD)
        section = sections.create_section(teacher, "Seminar P", "Spring 2027", "Europe/Moscow")
        assignment = assignments.create(
            teacher,
            section,
            course,
            open_quiz("Week 5 quiz", ("01-goode-2020",), ("single_choice",), 3),
        )
        db.session.add(Enrollment(section_id=section.id, user_id=learner.id))
        audit.record(admin.id, "roster.remove", f"section {section.id}", user_id=learner.id)
        db.session.commit()
        assignment_id = assignment.id
        db.session.remove()

    context = browser.new_context(base_url=base_url, viewport=PHONE)
    page = context.new_page()
    login(page, "pages-admin@example.org")
    page.goto("/admin/users")
    expect(page.get_by_role("region", name="Accounts, scrolls sideways on a narrow screen")).to_be_visible()
    check_page("pages-admin-users-phone", page)
    fits(page)
    page.goto("/admin/audit")
    expect(page.get_by_text("learner: pages-learner-with-a-long-address@example.org")).to_be_visible()
    check_page("pages-admin-audit-phone", page)
    fits(page)
    context.close()

    context = browser.new_context(base_url=base_url, viewport=PHONE)
    page = context.new_page()
    login(page, "pages-teacher@example.org")
    page.goto(f"/teach/assignments/{assignment_id}")
    expect(page.get_by_role("link", name="Export for Canvas (QTI)")).to_be_visible()
    check_page("pages-teach-assignment-phone", page)
    fits(page)
    context.close()
