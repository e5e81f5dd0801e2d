"""Sessions end when they should (OWASP ASVS 4.0 V3): logout, password change, timeouts, other devices."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import Role, User, UserSession
from app.services import accounts
from tests.conftest import T0, Auth, base_config, csrf_from, make_user

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def signed_in(app, email="learner@example.org"):
    """A client signed in through the real form, and a copy of its cookie (an attacker's)."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = UA
    assert Auth(client).login(email).status_code == 302
    return client, client.get_cookie("session").value


def with_cookie(app, cookie):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def is_anonymous(client) -> bool:
    response = client.get("/progress")
    return response.status_code == 302 and "/account/login" in response.headers["Location"]


@pytest.fixture()
def learner(app):
    return make_user(app)


def test_a_copied_cookie_is_anonymous_after_logout(app, learner):  # ASVS 3.3.1
    client, copied = signed_in(app)
    assert not is_anonymous(with_cookie(app, copied))
    Auth(client).logout()
    assert is_anonymous(with_cookie(app, copied))
    assert is_anonymous(client)


def test_logout_ends_the_session_for_every_app_instance(app, database_url, learner):  # several workers or hosts
    other = create_app(base_config(database_url))
    client, copied = signed_in(app)
    assert not is_anonymous(with_cookie(other, copied))
    Auth(client).logout()
    assert is_anonymous(with_cookie(other, copied))
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_each_sign_in_gets_a_new_session_id(app, learner):  # ASVS 3.2.1
    first, _ = signed_in(app)
    second, _ = signed_in(app)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 2
    with first.session_transaction() as a, second.session_transaction() as b:
        assert a["sid"] != b["sid"]


def test_a_copied_cookie_is_anonymous_after_a_password_change(app, learner):  # ASVS 3.3.3
    client, copied = signed_in(app)
    page = client.get("/account/password").get_data(as_text=True)
    client.post(
        "/account/password",
        data={
            "csrf_token": csrf_from(page),
            "current": "correct horse battery",
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert not is_anonymous(client), "the device that changed the password stays signed in"
    with client.session_transaction() as now, with_cookie(app, copied).session_transaction() as before:
        assert now["sid"] != before["sid"]
    assert is_anonymous(with_cookie(app, copied))


def test_a_role_change_ends_the_users_sessions(app, learner):  # ASVS 3.2.1: new session at a privilege change
    _, copied = signed_in(app)
    admin_id = make_user(app, "boss@example.org", Role.ADMIN)
    with app.app_context():
        accounts.set_role(db.session.get(User, admin_id), learner, Role.INSTRUCTOR)
    assert is_anonymous(with_cookie(app, copied))


def test_an_idle_session_ends_and_says_why_keeping_the_learners_place(app, learner, fixed_clock):  # ASVS 3.3.2
    client, copied = signed_in(app)
    fixed_clock["now"] = T0 + timedelta(minutes=119)
    assert not is_anonymous(client)  # activity moves the idle clock
    fixed_clock["now"] = T0 + timedelta(minutes=119 + 121)
    response = client.get("/quiz/attempts/7")
    assert response.status_code == 302 and "next=%2Fquiz%2Fattempts%2F7" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 120 minutes without activity" in html and "Please log in" not in html
    assert is_anonymous(with_cookie(app, copied))


def test_an_answer_sent_after_the_idle_timeout_returns_to_its_question_after_signing_in(app, learner, fixed_clock):
    client, _ = signed_in(app)
    token = csrf_from(client.get("/quiz/").get_data(as_text=True))  # the page was open when the learner left
    fixed_clock["now"] = T0 + timedelta(hours=3)
    response = client.post(
        "/quiz/attempts/7/answer",
        data={"index": "2", "csrf_token": token},
        headers={"Referer": "http://localhost/quiz/attempts/7?q=2"},
    )
    assert response.status_code == 302 and "next=%2Fquiz%2Fattempts%2F7%3Fq%3D2" in response.headers["Location"]


def test_a_session_ends_after_the_absolute_timeout_however_active(app, learner, fixed_clock):  # ASVS 3.3.2
    client, _ = signed_in(app)
    for hour in range(1, 12):
        fixed_clock["now"] = T0 + timedelta(hours=hour)
        assert not is_anonymous(client)
    fixed_clock["now"] = T0 + timedelta(hours=12)
    assert is_anonymous(client)


@pytest.fixture()
def app_config():
    return {"SESSION_IDLE_MINUTES": 120, "SESSION_ABSOLUTE_HOURS": 12}


def test_the_sessions_page_lists_devices_and_signs_out_everywhere_else(app, learner):  # ASVS 3.3.4
    phone, phone_cookie = signed_in(app)
    laptop, _ = signed_in(app)
    page = laptop.get("/account/sessions")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("Firefox on Linux") == 2 and "This device" in html
    assert "127.0.0.1" not in html
    laptop.post("/account/sessions/end-others", data={"csrf_token": csrf_from(html)})
    assert is_anonymous(phone) and is_anonymous(with_cookie(app, phone_cookie))
    assert not is_anonymous(laptop)
    assert laptop.get("/account/sessions").get_data(as_text=True).count("Firefox on Linux") == 1


def test_deleting_the_account_deletes_its_sessions(app, learner):
    client, copied = signed_in(app)
    html = client.get("/account/data").get_data(as_text=True)
    client.post("/account/delete", data={"csrf_token": csrf_from(html), "password": "correct horse battery"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert is_anonymous(with_cookie(app, copied))


def test_expired_sessions_are_purged_by_the_cli(app, runner, learner, fixed_clock):
    signed_in(app)
    fixed_clock["now"] = T0 + timedelta(hours=13)
    result = runner.invoke(args=["sessions", "purge"])
    assert result.exit_code == 0 and "Ended 1 expired session." in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_a_learner_can_see_and_download_their_sessions(app, learner):
    client, _ = signed_in(app)
    data = client.get("/account/data.json").get_json()
    assert [s["device"] for s in data["sessions"]] == ["Firefox on Linux"]
    assert "session,20" in client.get("/account/data.csv").get_data(as_text=True).replace("\r", "")


def test_a_deactivated_learner_is_told_why_their_session_ended(app, learner):
    client, _ = signed_in(app)
    with app.app_context():
        admin = User(email="boss@example.org", role=Role.ADMIN.value)
        admin.set_password("a long enough password 1")
        db.session.add(admin)
        db.session.commit()
        accounts.set_active(admin, learner, False)
    response = client.get("/progress")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "a course admin deactivated your account" in html and "Please log in" not in html
