"""Account recovery: an admin sets a temporary password, the CLI sets one, a deactivated user is told so."""

import os

import pytest
from sqlalchemy import inspect, text

from app.extensions import db
from app.models import Role, User
from tests.conftest import PASSWORD, Auth, base_config, csrf_from, make_user, private_schema

TEMPORARY = "temporary passphrase 42"
NEW = "my own new passphrase"


def set_temporary(client, user_id: int, password: str = TEMPORARY, confirm: str | None = None):
    """Submit the admin's temporary-password form for a user."""
    url = f"/admin/users/{user_id}/password"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"password": password, "confirm": confirm or password, "csrf_token": token})


def change_password(client, current: str, new: str = NEW):
    token = csrf_from(client.get("/account/password").get_data(as_text=True))
    return client.post("/account/password", data={"current": current, "new": new, "confirm": new, "csrf_token": token})


def test_admin_sets_a_temporary_password_that_ends_the_users_sessions(app, client, login_as):
    login_as(Role.ADMIN)
    pupil_id = make_user(app, "pupil@example.org")
    pupil = app.test_client()
    assert Auth(pupil).login("pupil@example.org").status_code == 302
    assert f'href="/admin/users/{pupil_id}/password"' in client.get("/admin/users").get_data(as_text=True)
    response = set_temporary(client, pupil_id)
    assert response.status_code == 302
    assert "must choose a new one" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert TEMPORARY not in client.get("/admin/users").get_data(as_text=True)
    assert pupil.get("/progress").status_code == 302, "the user's existing session ended"
    with app.app_context():
        user = db.session.get(User, pupil_id)
        assert user.check_password(TEMPORARY) and not user.check_password(PASSWORD) and user.must_change_password
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "user.temporary_password" in audit and TEMPORARY not in audit


def test_a_temporary_password_forces_a_change_before_any_other_page(app, client, login_as):
    login_as(Role.ADMIN)
    pupil_id = make_user(app, "pupil@example.org")
    set_temporary(client, pupil_id)
    pupil = app.test_client()
    login = Auth(pupil).login("pupil@example.org", TEMPORARY, next_url="/progress")
    assert login.status_code == 302 and login.headers["Location"] == "/account/password"
    for path in ("/", "/progress", "/review", "/account/data"):
        response = pupil.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/password", path
    assert "Choose a new password" in pupil.get("/account/password").get_data(as_text=True)
    same = change_password(pupil, TEMPORARY, TEMPORARY)
    assert same.status_code == 200 and "different from the current one" in same.get_data(as_text=True)
    assert change_password(pupil, TEMPORARY).status_code == 302
    assert pupil.get("/progress").status_code == 200, "after the change every page works again"
    with app.app_context():
        assert not db.session.get(User, pupil_id).must_change_password


def test_a_forced_change_still_allows_logging_out(app, client, login_as):
    login_as(Role.ADMIN)
    pupil_id = make_user(app, "pupil@example.org")
    set_temporary(client, pupil_id)
    pupil = app.test_client()
    assert Auth(pupil).login("pupil@example.org", TEMPORARY).headers["Location"] == "/account/password"
    # The log-out button in the page header of the change-password page.
    token = csrf_from(pupil.get("/account/password").get_data(as_text=True))
    assert pupil.post("/account/logout", data={"csrf_token": token}).status_code == 302
    assert pupil.get("/account/password").headers["Location"].startswith("/account/login")


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "Use at least 10"),
        (TEMPORARY, TEMPORARY + "x", "do not match"),
    ],
)
def test_a_bad_temporary_password_changes_nothing(app, client, login_as, password, confirm, message):
    login_as(Role.ADMIN)
    pupil_id = make_user(app, "pupil@example.org")
    response = set_temporary(client, pupil_id, password, confirm)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, pupil_id)
        assert user.check_password(PASSWORD) and not user.must_change_password


def test_an_admin_cannot_set_their_own_temporary_password(app, client, login_as):
    admin_id = login_as(Role.ADMIN)
    response = set_temporary(client, admin_id)
    assert "change your own password on your account page" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(User, admin_id).must_change_password


def test_only_admins_set_temporary_passwords(app, client, login_as):
    login_as(Role.INSTRUCTOR)
    pupil_id = make_user(app, "pupil@example.org")
    assert client.get(f"/admin/users/{pupil_id}/password").status_code == 403
    token = csrf_from(client.get("/account/password").get_data(as_text=True))
    response = client.post(
        f"/admin/users/{pupil_id}/password", data={"password": TEMPORARY, "confirm": TEMPORARY, "csrf_token": token}
    )
    assert response.status_code == 403


def test_users_set_password_reads_stdin_ends_sessions_and_never_prints_it(app, runner):
    pupil_id = make_user(app, "pupil@example.org")
    pupil = app.test_client()
    Auth(pupil).login("pupil@example.org")
    result = runner.invoke(
        args=["users", "set-password", "--email", "PUPIL@example.org", "--password-stdin"], input=TEMPORARY + "\n"
    )
    assert result.exit_code == 0, result.output
    assert TEMPORARY not in result.output and "pupil@example.org" in result.output
    assert pupil.get("/progress").status_code == 302
    with app.app_context():
        user = db.session.get(User, pupil_id)
        assert user.check_password(TEMPORARY) and user.must_change_password
    login = Auth(app.test_client()).login("pupil@example.org", TEMPORARY)
    assert login.headers["Location"] == "/account/password"


def test_users_set_password_permanent_does_not_force_a_change(app, runner):
    pupil_id = make_user(app, "pupil@example.org")
    result = runner.invoke(
        args=["users", "set-password", "--email", "pupil@example.org", "--password-stdin", "--permanent"], input=NEW + "\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.get(User, pupil_id)
        assert user.check_password(NEW) and not user.must_change_password


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("nobody@example.org", TEMPORARY, "No account with the email nobody@example.org"),
        ("pupil@example.org", "short", "at least 10"),
    ],
)
def test_users_set_password_explains_what_is_wrong(app, runner, email, password, message):
    make_user(app, "pupil@example.org")
    result = runner.invoke(args=["users", "set-password", "--email", email, "--password-stdin"], input=password + "\n")
    assert result.exit_code != 0 and message in result.output
    assert password not in result.output.replace(message, "")


def test_a_deactivated_user_is_told_the_account_is_deactivated(app, client, auth):
    user_id = make_user(app)
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    response = auth.login()
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This account is deactivated" in html and "Email or password is not correct." not in html
    wrong = auth.login(password="wrong password!").get_data(as_text=True)
    assert "Email or password is not correct." in wrong and "deactivated" not in wrong, "only the owner learns the status"


# --- the migration -----------------------------------------------------------------------------


def _migration_urls(tmp_path):
    yield f"sqlite:///{tmp_path / 'migrate.db'}"
    if os.environ.get("TEST_DATABASE_URL"):
        with private_schema(os.environ["TEST_DATABASE_URL"], "mig0005") as url:
            yield url


def test_migration_0005_gives_existing_users_no_forced_change_and_downgrades(tmp_path):
    from flask_migrate import downgrade, upgrade

    from app import create_app

    for url in _migration_urls(tmp_path):
        app = create_app(base_config(url))
        with app.app_context():
            upgrade(revision="0004")
            db.session.execute(
                text(
                    "INSERT INTO users (email, password_hash, role, active, session_version, is_demo, created_at) "
                    "VALUES ('old@example.org', 'x', 'student', :t, 1, :f, CURRENT_TIMESTAMP)"
                ),
                {"t": True, "f": False},
            )
            db.session.commit()
            upgrade(revision="0005")
            assert db.session.execute(text("SELECT must_change_password FROM users")).scalar_one() in (False, 0)
            db.session.rollback()  # end the read, or PostgreSQL's ALTER TABLE below waits for it
            downgrade(revision="0004")
            columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
            assert "must_change_password" not in columns and "email" in columns
            db.session.remove()
            db.engine.dispose()
