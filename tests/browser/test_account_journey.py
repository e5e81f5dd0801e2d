"""A newcomer registers, logs out, logs back in, changes password; an admin manages roles."""

import re

from playwright.sync_api import Page, expect

PASSWORD = "a long enough passphrase"


def register(page: Page, email: str) -> None:
    page.goto("/account/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def test_register_log_out_log_in(page: Page, check_page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oversight")
    check_page("home-anonymous")
    page.goto("/account/register")
    check_page("register")
    register(page, "browser-student@example.org")
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    check_page("home-logged-in")
    page.get_by_role("button", name=re.compile("Log out")).click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    check_page("login")
    page.get_by_label("Email").fill("browser-student@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    # Said in the focused error summary (linking to the field) and beside the field itself.
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Email or password is not correct.")).to_be_visible()
    check_page("login-error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Logged in as browser-student@example.org")).to_be_visible()
    page.get_by_role("link", name="Account").click()
    check_page("account")
    page.get_by_role("link", name="Your sessions (devices signed in)").click()
    expect(page.get_by_text("(This device)")).to_be_visible()
    check_page("sessions")
    page.goto("/privacy")
    check_page("privacy")
    page.goto("/")
    page.get_by_role("link", name="Russia and Digital Surveillance in the Wake of COVID-19").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Russia and Digital Surveillance in the Wake of COVID-19")
    page.get_by_role("link", name="¶3 (paragraph 3)", exact=True).click()
    expect(page).to_have_url(re.compile("/readings/goode-2020#p3$"))
    check_page("reading")
    page.goto("/no-such-page")
    check_page("not-found")


def test_register_shows_field_errors_accessibly(page: Page, check_page):
    page.goto("/account/register")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat password").fill("other")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct")
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    check_page("register-errors")


def test_keyboard_user_reaches_main_content_with_the_skip_link(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_admin_changes_a_role(page: Page, live_app, check_page):
    from app.models import Role
    from app.services import accounts

    with live_app.app_context():
        accounts.create_user("browser-admin@example.org", PASSWORD, Role.ADMIN)
        accounts.create_user("future-teacher@example.org", PASSWORD, Role.STUDENT)
    page.goto("/account/login")
    page.get_by_label("Email").fill("browser-admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Users").click()
    check_page("admin-users")
    page.get_by_label("Role of future-teacher@example.org").select_option("instructor")
    page.get_by_role("button", name="Save role of future-teacher@example.org").click()
    expect(page.get_by_text("future-teacher@example.org is now instructor.")).to_be_visible()
    check_page("admin-users-changed")
