"""An email is an identity that grade exports carry verbatim, so one a spreadsheet would run is refused up front."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, csrf_from

FORMULA_LIKE = ["-dash@example.org", "+plus@example.org", "=cmd@example.org"]
MESSAGE = "An email cannot start with -, +, = or @"


@pytest.mark.parametrize("email", FORMULA_LIKE)
def test_registration_refuses_an_email_that_starts_like_a_formula(app, client, email):
    token = csrf_from(client.get("/account/register").get_data(as_text=True))
    response = client.post(
        "/account/register", data={"email": email, "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 200
    assert MESSAGE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User)) is None


@pytest.mark.parametrize("email", FORMULA_LIKE + ["@at@example.org"])
def test_users_create_refuses_an_email_that_starts_like_a_formula(app, runner, email):
    result = runner.invoke(args=["users", "create", "--email", email, "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code != 0 and MESSAGE in result.output
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_an_email_with_those_characters_inside_is_fine(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "ana-maria+oversight@example.org", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
