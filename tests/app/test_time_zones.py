"""Times are stored as UTC whatever the database's zone, entered and shown in the section's zone (defect 9)."""

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.models import Assignment, Extension, Section
from tests.app.test_teaching import classroom, create_assignment, post  # noqa: F401 - classroom is a pytest fixture, taken by name as a test argument
from tests.conftest import Auth, base_config, csrf_from, make_user

MOSCOW = timezone(timedelta(hours=3))


def in_tokyo(database_url: str) -> str:
    """The same database, with connections whose session time zone is Asia/Tokyo (as a server default could be)."""
    if not database_url.startswith("postgresql"):
        return database_url
    return database_url.replace("options=", "options=-ctimezone%3DAsia%2FTokyo%20", 1)


def test_stored_times_are_read_back_as_the_same_utc_instant_in_any_session_zone(database_url, classroom, app):
    tokyo = create_app({**base_config(in_tokyo(database_url))})
    with tokyo.app_context():
        due = datetime(2026, 3, 10, 12, 0, tzinfo=MOSCOW)  # 09:00 UTC, written as Moscow time
        db.session.add(
            Extension(
                assignment_id=classroom["assignment"],
                user_id=db.session.scalar(text("SELECT min(id) FROM users")),
                extra_minutes=0,
                due_at=due,
            )
        )
        db.session.commit()
        assignment = db.session.get(Assignment, classroom["assignment"])
        extension = db.session.scalar(select(Extension))
        assert extension.due_at.utcoffset() == timedelta(0) and extension.due_at == due
        assert assignment.due_at.utcoffset() == timedelta(0)
        assert (assignment.due_at.hour, assignment.due_at.minute) == (9, 0)  # created as 2026-03-09T09:00 in a UTC section
        db.session.remove()
        db.engine.dispose()


def test_a_page_labelled_utc_shows_utc_when_the_database_zone_is_not(database_url, classroom, app):
    tokyo = create_app({**base_config(in_tokyo(database_url)), "WTF_CSRF_ENABLED": False})
    client = tokyo.test_client()
    Auth(client).login("instructor@example.org")
    html = client.get(f"/teach/assignments/{classroom['assignment']}").get_data(as_text=True)
    assert "due 2026-03-09 09:00 UTC" in html
    with tokyo.app_context():
        db.session.remove()
        db.engine.dispose()


def test_instructors_enter_and_learners_see_times_in_the_section_zone(app, client, login_as):
    login_as("instructor")
    page = client.get("/teach/").get_data(as_text=True)
    response = client.post(
        "/teach/", data={"csrf_token": csrf_from(page), "name": "Moscow evening", "term": "", "time_zone": "Europe/Moscow"}
    )
    section_id = int(response.headers["Location"].rsplit("/", 1)[1])
    url = f"/teach/sections/{section_id}/assignments/new"
    assert "Due (Europe/Moscow)" in client.get(url).get_data(as_text=True)
    assignment_id = create_assignment(client, section_id, opens_at="2026-03-01T09:00", due_at="2026-03-09T12:00")
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        assert assignment.due_at == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
        code = db.session.get(Section, section_id).join_code
    assert "due 2026-03-09 12:00 Europe/Moscow" in client.get(f"/teach/assignments/{assignment_id}").get_data(as_text=True)
    make_user(app, "ann@example.org")
    ann = app.test_client()
    Auth(ann).login("ann@example.org")
    join = ann.get(f"/join/{code}").get_data(as_text=True)
    ann.post("/join", data={"csrf_token": csrf_from(join), "code": code})
    assert "2026-03-09 12:00 Europe/Moscow" in ann.get("/assignments").get_data(as_text=True)


def test_a_section_zone_can_be_changed_and_an_unknown_zone_is_refused(app, client, classroom):
    url = f"/teach/sections/{classroom['section']}"
    post(client, f"{url}/time-zone", page_url=url, time_zone="Asia/Almaty")
    post(client, f"{url}/time-zone", page_url=url, time_zone="Mars/Olympus_Mons")
    with app.app_context():
        assert db.session.get(Section, classroom["section"]).time_zone == "Asia/Almaty"
    assert "Opens (Asia/Almaty)" in client.get(url).get_data(as_text=True)
