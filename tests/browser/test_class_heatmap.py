"""The class dashboard of 200 demo learners in Chromium, with axe, at 1280 px and on a 390 px phone."""

from playwright.sync_api import expect

from app.extensions import db
from app.services.content import get_course
from app.services.demo import create_demo
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_staff_journeys import login

LEARNERS = 200


def test_heatmap_of_200_learners_keeps_learner_column_and_header_in_view(browser, live_app, base_url, check_page, request):
    with live_app.app_context():
        section_id = create_demo(get_course(), learners=LEARNERS, seed=21).section.id
        db.session.remove()

    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
        page = context.new_page()
        login(page, "demo-instructor@example.org", "demo-instructor-pass")
        page.goto(f"/teach/sections/{section_id}/dashboard")
        expect(page.get_by_role("heading", name="Mastery heatmap")).to_be_visible()
        rows = page.locator("table.heatmap tbody tr")
        expect(rows).to_have_count(LEARNERS)
        expect(page.get_by_role("columnheader", name="Gig work and Russia's surveillance machine", exact=False)).to_be_visible()
        expect(page.get_by_text("Weakest first")).to_be_visible()
        check_page(f"teach-heatmap-{width}", page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page itself does not scroll sideways"

        box = page.get_by_role("region", name="Heatmap table, scrolls in both directions")
        box.scroll_into_view_if_needed()
        frame = box.bounding_box()
        assert frame is not None and frame["width"] <= width
        learner = rows.nth(40).locator("th")
        header = page.locator("table.heatmap thead th.objective").last
        box.evaluate("box => { box.scrollLeft = box.scrollWidth; box.scrollTop = 40 * 28; }")
        page.wait_for_function(
            "() => document.querySelector('.heatmap-scroll').scrollLeft > 0"
        )  # scrolled sideways: there is more to the right than fits
        learner_box, header_box = learner.bounding_box(), header.bounding_box()
        assert learner_box is not None and header_box is not None
        assert frame["x"] <= learner_box["x"] < frame["x"] + frame["width"] / 2, "the learner column stays at the left"
        assert learner_box["x"] + learner_box["width"] <= frame["x"] + frame["width"]
        # Scrolled down past 40 rows, the objective headers are still at the top of the box.
        assert frame["y"] <= header_box["y"] < frame["y"] + 200, "the header row stays at the top"
        assert frame["x"] <= header_box["x"] < frame["x"] + frame["width"]
        expect(learner.get_by_role("link")).to_be_visible()
        # axe ran on this page already (about 10 s on 6,000 cells); a screenshot to look at is enough here.
        backend = "pg" if "postgresql" in request.node.name else "sqlite"
        page.screenshot(path=str(SCREENSHOTS / f"{backend}-teach-heatmap-{width}-scrolled.png"))
        context.close()
