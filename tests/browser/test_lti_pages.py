"""LTI pages in Chromium with axe: a launch from a real platform, the deep-linking picker, the LMS link page, admin registration."""

from __future__ import annotations

from playwright.sync_api import expect

from app.extensions import db
from app.models import Role, Section, User
from app.services import accounts, assignments
from app.services.content import get_course
from tests.browser.test_staff_journeys import PASSWORD, login
from tests.live_server import serve
from tests.lti_platform import LMS, LaunchSpec
from tests.world import open_quiz

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def _assignment(section: Section, title: str) -> None:
    course = get_course()
    teacher = db.session.get(User, section.instructor_id)
    assignments.create(
        teacher,
        section,
        course,
        open_quiz(title, ("01-goode-2020",), ("single_choice",), 3),
    )


def test_instructor_launches_from_an_lms_places_content_and_sees_the_lms_link(
    browser, live_app, live_server, base_url, check_page
):
    platform = LMS()
    platform.tool = live_server
    platform.html_forms = True
    with serve(platform.app) as lms_base:
        platform.base = lms_base
        platform.register_with_tool(live_app.test_cli_runner())
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(platform.login_url(LaunchSpec(sub="browser-teacher", roles=[INSTRUCTOR], email="lms-teacher@uni.example")))
        page.get_by_role("button", name="Continue to the tool").click()
        expect(page.get_by_role("heading", level=1, name="Digital authoritarianism 2026")).to_be_visible()
        section_id = int(page.url.rsplit("/", 1)[1])
        with live_app.app_context():
            _assignment(db.session.get(Section, section_id), "Week 1 quiz")
            db.session.remove()

        page.get_by_role("link", name="LMS link").click()
        expect(page.get_by_text("Linked to Digital authoritarianism 2026 in Test LMS.")).to_be_visible()
        check_page("lti-section-lms-link-1280", page)

        page.goto(platform.login_url(LaunchSpec(sub="browser-teacher", roles=[INSTRUCTOR], deep_linking=True)))
        page.get_by_role("button", name="Continue to the tool").click()
        expect(page.get_by_role("heading", level=1, name="Add Oversight content to your LMS course")).to_be_visible()
        check_page("lti-deep-link-picker-1280", page)
        page.get_by_role("checkbox", name="Week 1 quiz (10 points)").check()
        page.get_by_role("button", name="Add to the course").click()
        # The return page submits itself to the LMS (with JavaScript; without it, the button does).
        expect(page).to_have_url(f"{lms_base}/deep_link_return")
        expect(page.get_by_text('{"accepted":1}')).to_be_visible()
        assert platform.deep_link_items[0]["title"] == "Week 1 quiz"
        context.close()

        phone = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
        page = phone.new_page()
        page.goto(platform.login_url(LaunchSpec(sub="browser-teacher", roles=[INSTRUCTOR])))
        page.get_by_role("button", name="Continue to the tool").click()
        page.goto(f"/teach/sections/{section_id}/lms")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        check_page("lti-section-lms-link-390", page)
        phone.close()


def test_admin_registers_a_platform_and_a_bad_launch_gets_a_clear_page(browser, live_app, base_url, check_page):
    with live_app.app_context():
        accounts.create_user("lti-admin@example.org", PASSWORD, Role.ADMIN)
    for width in (1280, 390):
        context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
        page = context.new_page()
        login(page, "lti-admin@example.org")
        page.goto("/admin/lti")
        expect(page.get_by_role("heading", level=1, name="LMS integration (LTI 1.3)")).to_be_visible()
        if width == 1280:
            page.get_by_label("Name").fill("Moodle, Example U")
            page.get_by_label("Issuer (platform id)").fill("https://moodle.example.edu")
            page.get_by_label("Client id").fill("client-abc")
            page.get_by_label("Deployment ids").fill("7")
            page.get_by_label("Authorisation (OIDC) URL").fill("https://moodle.example.edu/mod/lti/auth.php")
            page.get_by_label("Access token URL").fill("https://moodle.example.edu/mod/lti/token.php")
            page.get_by_label("Platform key set (JWKS) URL").fill("not a url")
            page.get_by_role("button", name="Save platform").click()
            expect(page.get_by_role("alert").get_by_text("must be a full URL")).to_be_visible()
            page.get_by_label("Platform key set (JWKS) URL").fill("https://moodle.example.edu/mod/lti/certs.php")
            page.get_by_role("button", name="Save platform").click()
            expect(page.get_by_text("Saved Moodle, Example U.")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        check_page(f"lti-admin-{width}", page)
        page.goto("/lti/login")
        expect(page.get_by_role("heading", level=1, name="Oversight could not open from your LMS")).to_be_visible()
        check_page(f"lti-refused-{width}", page)
        context.close()
