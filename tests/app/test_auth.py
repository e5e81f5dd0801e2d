"""Register, log in, log out, change password, safe redirects, throttling."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, csrf_from, make_user


def register(client, email="new@example.org", password=PASSWORD, confirm=None):
    token = csrf_from(client.get("/account/register").get_data(as_text=True))
    return client.post(
        "/account/register", data={"email": email, "password": password, "confirm": confirm or password, "csrf_token": token}
    )


def test_register_creates_a_student_with_a_hashed_password_and_logs_in(app, client):
    response = register(client, email="  New@Example.org ")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
    assert user.email == "new@example.org" and user.role == "student"
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert "new@example.org" in client.get("/").get_data(as_text=True)


def test_register_refuses_a_taken_email_and_stores_nothing_more(app, client):
    make_user(app, "taken@example.org")
    response = register(client, email="TAKEN@example.org")
    assert response.status_code == 200
    assert "already exists" in response.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(User)).all()) == 1


@pytest.mark.parametrize(
    ("email", "password", "confirm", "message"),
    [
        ("not-an-email", PASSWORD, PASSWORD, "Invalid email address"),
        ("a@example.org", "short", "short", "Use at least 10"),
        ("a@example.org", PASSWORD, PASSWORD + "x", "do not match"),
    ],
)
def test_register_explains_bad_input(app, client, email, password, confirm, message):
    response = register(client, email=email, password=password, confirm=confirm)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_login_and_logout(app, client, auth):
    make_user(app)
    assert auth.login().headers["Location"] == "/"
    assert "Log out" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert "Log in" in client.get("/").get_data(as_text=True)
    assert client.get("/account/password").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(app, client, auth):
    make_user(app)
    wrong = auth.login(password="wrong password!")
    unknown = auth.login(email="nobody@example.org")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Email or password is not correct." in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(app, client, auth):
    user_id = make_user(app)
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert auth.login().status_code == 200


@pytest.mark.parametrize("target", ["/privacy", "/admin/users?q=x"])
def test_login_follows_a_local_next(app, client, auth, target):
    make_user(app)
    assert auth.login(next_url=target).headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    ["https://evil.example", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "http:/evil.example", "/%0a/evil"],
)
def test_login_refuses_an_open_redirect(app, client, auth, target):
    make_user(app)
    location = auth.login(next_url=target).headers["Location"]
    assert location in ("/", target) and not location.startswith("//") and "evil" not in location.split("/")[0]


def test_login_with_an_external_next_goes_home(app, client, auth):
    make_user(app)
    assert auth.login(next_url="https://evil.example").headers["Location"] == "/"


def test_change_password_ends_other_sessions(app, client, auth):
    make_user(app)
    auth.login()
    other = app.test_client()
    from tests.conftest import Auth

    Auth(other).login()
    token = csrf_from(client.get("/account/password").get_data(as_text=True))
    new = "a brand new passphrase"
    response = client.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/account/password").status_code == 200, "this session stays logged in"
    assert other.get("/account/password").status_code == 302, "the other session is logged out"
    auth.logout()
    assert auth.login(password=new).status_code == 302


def test_change_password_needs_the_current_one(app, client, auth):
    make_user(app)
    auth.login()
    token = csrf_from(client.get("/account/password").get_data(as_text=True))
    response = client.post(
        "/account/password", data={"current": "wrong one!!", "new": "x" * 12, "confirm": "x" * 12, "csrf_token": token}
    )
    assert "not correct" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User)).check_password(PASSWORD)


@pytest.mark.parametrize("path", ["/account/login", "/account/register", "/account/logout"])
def test_posts_without_csrf_token_are_refused(app, client, path):
    make_user(app)
    response = client.post(path, data={"email": "learner@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)


def test_login_is_throttled_per_account(app, client, auth):
    make_user(app)
    codes = [auth.login(password=f"wrong password {i}").status_code for i in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
    assert "Too many failed log-ins for this account" in auth.login().get_data(as_text=True)
