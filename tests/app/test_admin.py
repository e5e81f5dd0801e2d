"""Admins change roles in the UI; search and paging work; nobody else can."""

from app.extensions import db
from app.models import Role, User
from tests.conftest import csrf_from, make_user


def user_role(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).role


def test_admin_promotes_a_student_to_instructor(app, client, login_as):
    login_as(Role.ADMIN)
    student = make_user(app, "pupil@example.org")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "pupil@example.org" in page
    response = client.post(f"/admin/users/{student}/role", data={f"u{student}-role": "instructor", "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert user_role(app, student) == "instructor"
    assert "is now instructor" in client.get("/admin/users").get_data(as_text=True)


def test_admin_cannot_demote_themselves(app, client, login_as):
    admin = login_as(Role.ADMIN)
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    client.post(f"/admin/users/{admin}/role", data={f"u{admin}-role": "student", "csrf_token": token})
    assert user_role(app, admin) == "admin"
    assert "cannot remove your own admin role" in client.get("/admin/users").get_data(as_text=True)


def test_invalid_role_changes_nothing(app, client, login_as):
    login_as(Role.ADMIN)
    student = make_user(app, "pupil@example.org")
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    client.post(f"/admin/users/{student}/role", data={f"u{student}-role": "superuser", "csrf_token": token})
    assert user_role(app, student) == "student"


def test_role_change_for_missing_user_is_404(app, client, login_as):
    login_as(Role.ADMIN)
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    assert client.post("/admin/users/424242/role", data={"u424242-role": "admin", "csrf_token": token}).status_code == 404


def test_search_and_paging(app, client, login_as):
    app.config["USERS_PER_PAGE"] = 2
    login_as(Role.ADMIN)
    for i in range(4):
        make_user(app, f"person{i}@example.org")
    page = client.get("/admin/users?q=PERSON").get_data(as_text=True)
    assert "4 of 5 accounts" in page and "Page 1 of 2" in page
    assert "person3@example.org" in page and "person0@example.org" not in page
    assert "person0@example.org" in client.get("/admin/users?q=person&page=2").get_data(as_text=True)
    assert "0 of 5 accounts" in client.get("/admin/users?q=%25").get_data(as_text=True)


def test_student_cannot_change_roles(app, client, login_as):
    student = login_as(Role.STUDENT)
    token = csrf_from(client.get("/account/password").get_data(as_text=True))
    response = client.post(f"/admin/users/{student}/role", data={f"u{student}-role": "admin", "csrf_token": token})
    assert response.status_code == 403
    assert user_role(app, student) == "student"


def test_admin_deactivates_a_user_who_is_logged_out_everywhere(app, client, login_as):
    login_as(Role.ADMIN)
    student = make_user(app, "pupil@example.org")
    from tests.conftest import Auth

    pupil = app.test_client()
    Auth(pupil).login("pupil@example.org")
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    client.post(f"/admin/users/{student}/active", data={"csrf_token": token, "active": "0"})
    with app.app_context():
        assert db.session.get(User, student).active is False
    assert pupil.get("/progress").status_code == 302, "the deactivated user's session ended"
    assert Auth(app.test_client()).login("pupil@example.org").status_code == 200, "and they cannot log in"
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "user.deactivate" in audit and "pupil@example.org" in audit


def test_role_changes_are_in_the_audit_log(app, client, login_as):
    login_as(Role.ADMIN)
    student = make_user(app, "pupil@example.org")
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    client.post(f"/admin/users/{student}/role", data={f"u{student}-role": "instructor", "csrf_token": token})
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "user.role" in html and "before: student; after: instructor" in html


def test_admin_cannot_deactivate_themselves(app, client, login_as):
    admin = login_as(Role.ADMIN)
    token = csrf_from(client.get("/admin/users").get_data(as_text=True))
    client.post(f"/admin/users/{admin}/active", data={"csrf_token": token, "active": "0"})
    with app.app_context():
        assert db.session.get(User, admin).active
