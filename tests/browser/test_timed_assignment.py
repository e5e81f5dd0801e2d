"""A timed assignment in Chromium, with axe: the start page, the countdown on a question page, auto-close and the results,
at 1280 px and at 390 px, and with JavaScript off."""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Attempt, Enrollment, Role
from app.services import accounts, assignments, sections
from app.services.content import get_course
from tests.browser.test_staff_journeys import PASSWORD, login
from tests.world import open_quiz

TITLE = "Timed week"


def server_clock_at(monkeypatch, moment: datetime) -> None:
    """Move the live server's clock so it reads `moment` now, and keeps ticking from there."""
    offset = moment - datetime.now(UTC)
    monkeypatch.setattr("app.clock.now", lambda: datetime.now(UTC) + offset)


def deadline_of(live_app, attempt_id: int) -> datetime:
    with live_app.app_context():
        deadline = clock.aware(db.session.get_one(Attempt, attempt_id).deadline)
        db.session.remove()
    return deadline


def fits(page, width: int) -> None:
    wide = page.evaluate(
        f"[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > {width})"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, wide[:8])


def test_a_timed_assignment_from_the_start_page_to_auto_close(browser, live_app, base_url, check_page, monkeypatch):
    with live_app.app_context():
        course = get_course()
        teacher = accounts.create_user("timer@example.org", PASSWORD, Role.INSTRUCTOR)
        student = accounts.create_user("timed@example.org", PASSWORD)
        section = sections.create_section(teacher, "Seminar T", "Spring 2027", "Europe/Moscow")
        assignment = assignments.create(
            teacher,
            section,
            course,
            open_quiz(
                TITLE,
                ("01-goode-2020",),
                ("single_choice",),
                3,
                time_limit_minutes=10,
                attempts_allowed=2,
                answers_policy="after_submit",
                grace_seconds=0,
            ),
        )
        db.session.add(Enrollment(section_id=section.id, user_id=student.id))
        db.session.commit()
        assignment_id = assignment.id
        db.session.remove()

    def attempts_started() -> list[int]:
        with live_app.app_context():
            ids = list(db.session.scalars(select(Attempt.id).where(Attempt.assignment_id == assignment_id).order_by(Attempt.id)))
            db.session.remove()
        return ids

    # 1280 px: the list, the start page (nothing starts until Start), a question with its countdown.
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, "timed@example.org")
    page.goto("/assignments")
    card = page.locator(".assignment-card", has=page.get_by_role("heading", name=TITLE))
    for fact in ("Questions 3", "Time limit 10 minutes", "Attempts left 2 of 2", "Europe/Moscow"):
        expect(card).to_contain_text(re.compile(r"\s*".join(map(re.escape, fact.split()))))
    check_page("timed-assignments", page)
    page.get_by_role("link", name=f"Start {TITLE}").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("The clock starts when you press Start.")).to_be_visible()
    check_page("timed-start", page)
    assert attempts_started() == []
    page.get_by_role("button", name=f"Start {TITLE}").click()
    expect(page.get_by_role("heading", name="Question 1")).to_be_visible()
    (attempt_id,) = attempts_started()
    deadline = deadline_of(live_app, attempt_id)
    countdown = page.locator(".countdown-left")
    expect(countdown).to_have_text("10 minutes left")
    expect(page.locator(".countdown time")).to_contain_text("Europe/Moscow")
    check_page("timed-question", page)

    # Five minutes and a few seconds left: the countdown ticks over to 5 and says so, politely.
    server_clock_at(monkeypatch, deadline - timedelta(minutes=5, seconds=4))
    page.reload()
    expect(countdown).to_have_text("6 minutes left")
    expect(countdown).to_have_text("5 minutes left", timeout=15_000)
    warning = page.locator(".countdown-warning[role=status]")
    expect(warning).to_contain_text("5 minutes left")
    expect(page.locator(".countdown")).to_have_class(re.compile(r"\bcountdown-low\b"))
    check_page("timed-question-5-minutes", page)
    page.locator("#choice-0").check()
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("heading", name="Question 2")).to_be_visible()

    # Seconds left: the countdown reaches zero and takes the learner to the results the server closed.
    server_clock_at(monkeypatch, deadline - timedelta(seconds=3))
    page.reload()
    expect(countdown).to_have_text("1 minute left")
    expect(page).to_have_url(re.compile(rf"/quiz/attempts/{attempt_id}/results$"), timeout=15_000)
    expect(page.get_by_text("Time ran out").first).to_be_visible()
    check_page("timed-results", page)
    context.close()

    # 390 px: nothing wider than the phone, on the list, the start page and a question; the second attempt.
    phone = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    page = phone.new_page()
    login(page, "timed@example.org")
    page.goto("/assignments")
    expect(page.get_by_text("1 of 2")).to_be_visible()
    fits(page, 390)
    check_page("timed-assignments-390", page)
    page.get_by_role("link", name=f"Start {TITLE}").click()
    expect(page.get_by_text("The clock starts when you press Start.")).to_be_visible()
    fits(page, 390)
    check_page("timed-start-390", page)
    page.get_by_role("button", name=f"Start {TITLE}").click()
    expect(page.locator(".countdown-left")).to_have_text("10 minutes left")
    fits(page, 390)
    check_page("timed-question-390", page)
    attempt_url = page.url
    phone.close()

    # JavaScript off: the server's minutes are on the page and the form still saves.
    no_js = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = no_js.new_page()
    login(page, "timed@example.org")
    page.goto(attempt_url)
    expect(page.locator(".countdown-left")).to_have_text("10 minutes left")
    page.locator("#choice-0").check()
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("heading", name="Question 2")).to_be_visible()
    expect(page.get_by_text("1 saved")).to_be_visible()
    no_js.close()
