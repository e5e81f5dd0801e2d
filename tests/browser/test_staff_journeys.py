"""Instructor and admin journeys in Chromium: sections, assignments, dashboard, item analysis, exports."""

import csv
import io
import re
import zipfile

from playwright.sync_api import Page, expect

from app.services.content import get_course
from app.services.demo import create_demo

PASSWORD = "a long enough passphrase"


def read(path) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def login(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Logged in as {email}")).to_be_visible()


def test_instructor_creates_a_section_and_assignment_then_reads_the_dashboard(browser, live_app, base_url, check_page):
    from app.extensions import db

    with live_app.app_context():
        report = create_demo(get_course(), learners=60, seed=11)
        section_id = report.section.id
        db.session.remove()
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    login(page, "demo-instructor@example.org", "demo-instructor-pass")
    page.get_by_role("link", name="Teach").click()
    check_page("teach-index", page)

    page.get_by_label("Section name").fill("Digital authoritarianism, seminar B")
    page.get_by_label("Term").fill("Spring 2027")
    page.get_by_role("button", name="Create section").click()
    expect(page.get_by_text("Section created. Students join with code")).to_be_visible()
    check_page("teach-section", page)
    page.get_by_role("link", name="New assignment").click()
    page.get_by_label("Title").fill("Week 3 quiz")
    page.get_by_label("Gig work and Russia's surveillance machine: Toloka, NTechLab and Tevian (2024)").check()
    page.get_by_label("Number of questions").fill("8")
    page.get_by_label("Opens (UTC)").fill("2026-01-10T09:00")
    page.get_by_label("Due (UTC)").fill("2027-01-17T09:00")
    check_page("teach-assignment-new", page)
    page.get_by_role("button", name="Create assignment").click()
    expect(page.get_by_text("Assignment “Week 3 quiz” created.")).to_be_visible()
    check_page("teach-assignment", page)

    page.goto(f"/teach/sections/{section_id}/dashboard")
    expect(page.get_by_role("heading", name="Mastery heatmap")).to_be_visible()
    expect(page.locator("table.heatmap tbody tr")).to_have_count(60)
    check_page("teach-dashboard", page)
    page.locator("table.heatmap tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Attempts")).to_be_visible()
    check_page("teach-learner", page)

    page.goto(f"/teach/sections/{section_id}")
    page.get_by_role("link", name="Item analysis of Unit quiz 1: sources").click()
    expect(page.get_by_text(re.compile(r"reliability 0\.\d\d \(standardised alpha"))).to_be_visible()
    check_page("teach-items", page)
    context.close()


def test_admin_exports_grades_and_questions(browser, live_app, base_url, check_page):
    from app.extensions import db
    from app.models import Role
    from app.services import accounts

    with live_app.app_context():
        accounts.create_user("export-admin@example.org", PASSWORD, Role.ADMIN)
        create_demo(get_course(), learners=25, seed=12)
        db.session.remove()
    context = browser.new_context(base_url=base_url, accept_downloads=True)
    page = context.new_page()
    login(page, "export-admin@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Exports").click()
    check_page("admin-exports", page)

    with page.expect_download() as download:
        page.get_by_role("link", name="All sections: Canvas").click()
    rows = list(csv.reader(io.StringIO(read(download.value.path()))))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0].strip() == "Points Possible"
    assert len(rows) > 25

    with page.expect_download() as download:
        page.get_by_role("link", name="All sections: Moodle").click()
    moodle = list(csv.reader(io.StringIO(read(download.value.path()))))
    assert moodle[0][0] == "Email address" and len({len(r) for r in moodle}) == 1

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("QTI 1.2 zip")).click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert "imsmanifest.xml" in archive.namelist()

    for name in ("Moodle XML", "GIFT"):
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile(name)).first.click()
        assert download.value.suggested_filename.startswith("oversight-questions")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Audit log").click()
    check_page("admin-audit", page)
    context.close()
