"""Data rights: the export holds everything stored, CSV is formula-safe, deletion removes it all."""

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Attempt, AttemptAnswer, LessonCompletion, ReviewCard, User
from tests.conftest import PASSWORD, csrf_from, make_user, practice_token_from

# Every table that stores something about a person, and the words the privacy page uses for it.
PRIVACY_PAGE = {
    "users": "Email address",
    "lesson_completion": "Lessons you marked complete",
    "answer": "Your answers in practice and review",
    "review_card": "Your review schedule",
    "attempt": "Quiz attempts",
    "attempt_answer": "your saved answers",
    "enrollment": "Sections you joined",
    "section_removal": "Sections you were removed from",
    "extension": "Extensions your instructor gave you",
    "score_override": "Score overrides your instructor made",
    "user_session": "Your signed-in sessions",
    "contest": "Questions you contested",
    "lti_identity": "your LMS user id",
    "lti_context_staff": "the LMS courses the LMS says you teach",
    "lti_score_sync": "the grades sent to the LMS gradebook",
}
EXPORT_KEYS = {
    "users": "account",
    "lesson_completion": "lesson_completions",
    "answer": "answers",
    "review_card": "review_schedule",
    "attempt": "attempts",
    "attempt_answer": "attempts",
    "enrollment": "sections",
    "extension": "extensions",
    "score_override": "score_overrides",
    "section_removal": "section_removals",
    "user_session": "sessions",
    "contest": "contests",
    "lti_identity": "lms_accounts",
    "lti_context_staff": "lms_courses_you_teach",
    "lti_score_sync": "lms_grades_sent",
}


def person_tables():
    tables = set()
    for table in db.metadata.sorted_tables:
        if (
            table.name == "users"
            or "user_id" in table.columns
            or any(fk.column.table.name == "attempt" for fk in table.foreign_keys)
        ):
            tables.add(table.name)
    return tables


def build_history(client, app):
    page = client.get("/lessons/01-demo").get_data(as_text=True)
    client.post("/lessons/01-demo/complete", data={"csrf_token": csrf_from(page)})
    page = client.get("/practice/demo-005").get_data(as_text=True)
    client.post(
        "/practice/demo-005",
        data={"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "answer": '=HYPERLINK("http://evil")'},
    )
    page = client.get("/quiz/").get_data(as_text=True)
    response = client.post("/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": "7", "minutes": "0"})
    attempt_page = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        index = db.session.scalar(select(Attempt)).question_ids.index("demo-005")  # a short answer takes any text
    client.post(
        response.headers["Location"] + "/answer", data={"csrf_token": csrf_from(attempt_page), "index": str(index), "answer": "x"}
    )


def test_the_privacy_page_lists_every_table_that_stores_personal_data(app, client):
    html = client.get("/privacy").get_data(as_text=True)
    with app.app_context():
        tables = person_tables()
    assert tables == set(PRIVACY_PAGE), "a new personal-data table must be added to the privacy page and the export"
    for table in tables:
        assert PRIVACY_PAGE[table] in html, table


def test_export_json_has_every_record(app, client, login_as):
    login_as("student")
    build_history(client, app)
    response = client.get("/account/data.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "student@example.org" and "hash" not in json.dumps(data["account"]).replace(
        "scrypt hash", ""
    )
    assert [c["lesson_id"] for c in data["lesson_completions"]] == ["01-demo"]
    assert data["answers"][0]["question_id"] == "demo-005"
    assert data["review_schedule"][0]["question_id"] == "demo-005"
    card = data["review_schedule"][0]["card"]
    assert card["v"] == 1 and set(card) == {"v", "state", "step", "stability", "difficulty", "due", "last_review"}
    assert len(data["attempts"]) == 1 and len(data["attempts"][0]["answers"]) == 1
    assert set(EXPORT_KEYS.values()) <= set(data)


def test_export_csv_neutralises_formulas(app, client, auth):
    # Such addresses are refused at sign-up now (grade exports must carry emails verbatim), but an
    # account made before that rule may have one: the learner's own CSV must still be safe to open.
    with app.app_context():
        legacy = User(email="=1+2@example.org", role="student")
        legacy.set_password(PASSWORD)
        db.session.add(legacy)
        db.session.commit()
    assert auth.login("=1+2@example.org").status_code == 302
    build_history(client, app)
    rows = list(csv.reader(io.StringIO(client.get("/account/data.csv").get_data(as_text=True))))
    assert rows[0][0] == "record"
    account = next(r for r in rows if r[0] == "account")
    assert account[2] == "'=1+2@example.org"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_data_page_shows_counts(app, client, login_as):
    login_as("student")
    build_history(client, app)
    html = client.get("/account/data").get_data(as_text=True)
    assert "student@example.org" in html and "Download as JSON" in html and "Delete my account" in html


def test_delete_account_removes_every_row(app, client, login_as):
    login_as("student")
    make_user(app, "keep@example.org")  # a second learner who must stay
    build_history(client, app)
    page = client.get("/account/data").get_data(as_text=True)
    response = client.post("/account/delete", data={"csrf_token": csrf_from(page), "password": PASSWORD})
    assert response.headers["Location"] == "/"
    assert "have been deleted" in client.get("/").get_data(as_text=True)
    with app.app_context():
        for model in (LessonCompletion, Answer, ReviewCard, Attempt, AttemptAnswer):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__
        assert [u.email for u in db.session.scalars(select(User))] == ["keep@example.org"]
    assert client.get("/account/data").status_code == 302


def test_delete_needs_the_password(app, client, login_as):
    login_as("student")
    page = client.get("/account/data").get_data(as_text=True)
    client.post("/account/delete", data={"csrf_token": csrf_from(page), "password": "wrong password"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert "nothing was deleted" in client.get("/account/data").get_data(as_text=True)


def test_an_instructor_who_runs_sections_cannot_delete_the_account_and_lose_students_grades(app, client, login_as):
    login_as("instructor")
    page = client.get("/teach/").get_data(as_text=True)
    client.post("/teach/", data={"csrf_token": csrf_from(page), "name": "S", "term": ""})
    page = client.get("/account/data").get_data(as_text=True)
    client.post("/account/delete", data={"csrf_token": csrf_from(page), "password": PASSWORD})
    assert "ask an admin" in client.get("/account/data").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_export_shows_a_review_card_not_yet_migrated_in_the_current_shape(app, client, login_as):
    uid = login_as("student")
    legacy = {
        "card_id": 1,
        "state": 2,
        "step": None,
        "stability": 8.2956,
        "difficulty": 1.0,
        "due": "2026-03-10T09:00:00+00:00",
        "last_review": "2026-03-02T09:00:00+00:00",
    }
    with app.app_context():
        db.session.add(
            ReviewCard(user_id=uid, question_id="demo-001", card=legacy, due=datetime(2026, 3, 10, 9, tzinfo=UTC), reviews=1)
        )
        db.session.add(
            ReviewCard(
                user_id=uid,
                question_id="demo-002",
                card={"state": 1},
                due=datetime(2026, 3, 10, 9, tzinfo=UTC),
                reviews=1,
            )
        )
        db.session.commit()
    cards = {
        c["question_id"]: c["card"]
        for c in json.loads(client.get("/account/data.json").get_data(as_text=True))["review_schedule"]
    }
    assert cards["demo-001"] == {
        "v": 1,
        "state": 2,
        "step": None,
        "stability": 8.2956,
        "difficulty": 1.0,
        "due": "2026-03-10T09:00:00+00:00",
        "last_review": "2026-03-02T09:00:00+00:00",
    }
    assert cards["demo-002"] == {"state": 1}  # unreadable: exported as stored
