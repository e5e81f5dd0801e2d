"""Every route declares who may use it, and every role gets exactly that (walks app.url_map)."""

import pytest

from app.models import Role
from app.security import LOGGED_IN, PUBLIC

ROLES = [None, Role.STUDENT, Role.INSTRUCTOR, Role.ADMIN]
DUMMY = {"int": 999999, "string": "nothing-here", "path": "nothing/here", "default": "nothing-here"}


@pytest.fixture()
def app_config():
    # CSRF is tested on its own; here we measure access control alone.
    return {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}


def routes(app):
    # Logging out would end the session mid-walk, so it is visited last.
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout"):
        if rule.endpoint == "static":
            continue
        args = {
            name: DUMMY.get(type(conv).__name__.removesuffix("Converter").lower().replace("integer", "int"), DUMMY["default"])
            for name, conv in rule._converters.items()
        }
        url = app.url_map.bind("localhost").build(rule.endpoint, args)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_every_view_declares_its_access(app):
    undeclared = [e for e, view in app.view_functions.items() if e != "static" and not hasattr(view, "access")]
    assert undeclared == []


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_role_route_matrix(app, client, login_as, role):
    if role:
        login_as(role)
    checked = 0
    for endpoint, method, url in routes(app):
        access = app.view_functions[endpoint].access
        response = client.open(url, method=method)
        status = response.status_code
        where = f"{role} {method} {url} ({endpoint}) -> {status}"
        assert status < 500, where
        if access == PUBLIC:
            assert status != 403, where
        elif role is None:
            assert status == 302 and "/account/login" in response.headers["Location"], where
        elif access == LOGGED_IN or role.value in access:
            assert status != 403 and not (status == 302 and "/account/login" in response.headers.get("Location", "")), where
        else:
            assert status == 403, where
        checked += 1
    assert checked >= 8
