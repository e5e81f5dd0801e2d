"""The layout's kept parts (app/layout.py): every reader still sees the header and links of their own role, page and mount point."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app import layout
from app.models import Role
from tests.conftest import Auth, make_user

LINKS = {
    None: ["Course", "Glossary", "Log in", "Register"],
    Role.STUDENT: ["Course", "Glossary", "Review", "Self-test", "Progress", "Assignments", "Account"],
    Role.INSTRUCTOR: ["Course", "Glossary", "Review", "Self-test", "Progress", "Assignments", "Teach", "Account"],
    Role.ADMIN: ["Course", "Glossary", "Review", "Self-test", "Progress", "Assignments", "Teach", "Users", "Account"],
}


def nav_of(html: str) -> str:
    """The main navigation's markup."""
    match = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert match, "page has no main navigation"
    return match.group(1)


def link_texts(html: str) -> list[str]:
    """The texts of the main navigation's links, in order."""
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav_of(html))


def current_page(html: str) -> list[str]:
    """The navigation links marked as the current page."""
    return re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', nav_of(html))


def test_each_role_sees_its_own_links_on_the_same_page_one_after_another(app: Flask, client: FlaskClient, auth: Auth):
    """The header kept for one role's page is never shown to another role on that page."""
    assert link_texts(client.get("/glossary").get_data(as_text=True)) == LINKS[None]
    for role in (Role.ADMIN, Role.STUDENT, Role.INSTRUCTOR):
        make_user(app, f"{role.value}-nav@example.org", role)
    for role in (Role.ADMIN, Role.STUDENT, Role.INSTRUCTOR, Role.STUDENT):
        email = f"{role.value}-nav@example.org"
        assert auth.login(email).status_code == 302
        html = client.get("/glossary").get_data(as_text=True)
        assert link_texts(html) == LINKS[role], role
        assert "Log out" in nav_of(html)
        assert email in nav_of(html)  # the logout button names this reader, never the previous one
        auth.logout()
    assert link_texts(client.get("/glossary").get_data(as_text=True)) == LINKS[None]


def test_the_current_page_mark_follows_the_page(client: FlaskClient, login_as):
    """aria-current moves with the page, including for every page of a section."""
    login_as(Role.STUDENT)
    assert current_page(client.get("/glossary").get_data(as_text=True)) == ["Glossary"]
    assert current_page(client.get("/").get_data(as_text=True)) == ["Course"]
    assert current_page(client.get("/quiz/").get_data(as_text=True)) == ["Self-test"]
    assert current_page(client.get("/glossary").get_data(as_text=True)) == ["Glossary"]


def test_each_signed_in_page_gets_a_logout_form_with_a_valid_token(client: FlaskClient, auth: Auth, login_as):
    """The logout form is not kept: its token belongs to this session, and it works."""
    login_as(Role.STUDENT)
    client.get("/glossary")
    assert auth.logout().status_code == 302
    assert link_texts(client.get("/glossary").get_data(as_text=True)) == LINKS[None]


def test_links_follow_the_mount_point_of_each_request(client: FlaskClient):
    """Under a prefix (a proxy's SCRIPT_NAME) the links carry it; without, they do not, in either order."""
    plain = client.get("/glossary").get_data(as_text=True)
    mounted = client.get("/glossary", base_url="http://localhost/oversight").get_data(as_text=True)
    again = client.get("/glossary").get_data(as_text=True)
    assert 'href="/glossary"' in nav_of(plain) and 'href="/oversight/glossary"' not in nav_of(plain)
    assert 'href="/oversight/glossary"' in nav_of(mounted)
    assert 'href="/oversight/static/css/app.css' in mounted
    assert 'href="/static/css/app.css' in again and "/oversight/" not in again


def test_the_kept_layout_stays_within_its_cap(app: Flask, client: FlaskClient, monkeypatch):
    """Invented mount points cannot grow a worker's memory past the cap."""
    monkeypatch.setattr(layout, "MAX_KEPT", 5)
    for i in range(20):
        html = client.get("/glossary", base_url=f"http://localhost/p{i}").get_data(as_text=True)
        assert f'href="/p{i}/glossary"' in nav_of(html)
    stores = {name: store for name, store in app.extensions.items() if name.startswith("layout.")}
    assert stores and all(0 < len(store) <= 5 for store in stores.values())


def test_in_development_a_template_edit_shows_at_once(app: Flask, client: FlaskClient):
    """With templates reloading, nothing is kept."""
    app.jinja_env.auto_reload = True
    client.get("/glossary")
    assert not app.extensions.get("layout.nav")


def test_the_token_field_is_the_markup_wtforms_renders(app: Flask):
    """Pages that render csrf_field() give clients the same input a form's own token field gives."""
    from app.forms import CSRFForm

    with app.test_request_context("/"):
        assert str(layout.csrf_field()) == str(CSRFForm().csrf_token)
