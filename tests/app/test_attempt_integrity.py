"""Graded attempts hold under races, abandonment, bank edits and late networks (issue 9, defects 2-4, 6, 7, 10)."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, Attempt, AttemptAnswer
from app.services import assignments, quizzes
from app.services.content import get_course
from tests.app.test_teaching import classroom, create_assignment, post, student_starts, submit_attempt  # noqa: F401 - classroom is a pytest fixture, taken by name as a test argument
from tests.conftest import T0, csrf_from, together


def attempt_id_of(response) -> int:
    return int(re.search(r"/quiz/attempts/(\d+)", response.headers["Location"]).group(1))


def attempts_of(app, assignment_id: int) -> list[Attempt]:
    with app.app_context():
        return list(db.session.scalars(select(Attempt).where(Attempt.assignment_id == assignment_id).order_by(Attempt.id)))


def save_right(client, app, attempt_id: int, index: int, token: str | None = None):
    """Save the right answer (where the test knows it) to question `index` through the real form."""
    if token is None:
        token = csrf_from(client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True))
    with app.app_context():
        qid = db.session.get(Attempt, attempt_id).question_ids[index]
    fields = RIGHT.get(qid, {"answer": "x"})
    return client.post(
        f"/quiz/attempts/{attempt_id}/answer", data={"csrf_token": token, "index": str(index), "go": "next", **fields}
    )


def known_index(app, attempt_id: int) -> int:
    """The position of a question whose right answer the test knows."""
    with app.app_context():
        return next(i for i, qid in enumerate(db.session.get(Attempt, attempt_id).question_ids) if qid in RIGHT)


RIGHT = {
    "demo-001": {"answer": "1500"},
    "demo-002": {"answer": "1"},
    "demo-003": {"answer": ["0", "1"]},
    "demo-004": {"answer": "false"},
    "demo-005": {"answer": "activists"},
    "demo-006": {"match-0": "Officials", "match-1": "Activists"},
}


def swap_course(app, monkeypatch, change) -> None:
    """Serve a changed bank from now on, as a deploy of an edited question_bank.yaml would."""
    with app.app_context():
        course = get_course()
    questions = tuple(q for q in (change(q) for q in course.questions) if q is not None)
    edited = type(course)(course.lessons, course.readings, course.glossary, questions)
    monkeypatch.setitem(app.extensions, "oversight_course", edited)


# --------------------------------------------------------------------------- 2: one open attempt, attempts_allowed


def test_a_start_that_raced_past_the_check_gets_the_open_attempt_not_a_second_one(app, classroom, monkeypatch):
    ann = classroom["students"][0]
    first = attempt_id_of(student_starts(ann, classroom["assignment"]))
    # The second request read "no attempts yet" before the first committed: only the database can stop it.
    monkeypatch.setattr(assignments, "attempts", lambda assignment, user_id: [])
    second = student_starts(ann, classroom["assignment"])
    assert attempt_id_of(second) == first
    assert len(attempts_of(app, classroom["assignment"])) == 1


def test_a_start_that_raced_past_the_check_cannot_exceed_attempts_allowed(app, client, classroom, monkeypatch):
    assignment_id = create_assignment(client, classroom["section"], title="One try", attempts_allowed="1")
    ann = classroom["students"][0]
    submit_attempt(ann, student_starts(ann, assignment_id).headers["Location"])
    monkeypatch.setattr(assignments, "attempts", lambda assignment, user_id: [])
    refused = student_starts(ann, assignment_id)
    assert "used every attempt" in ann.get(refused.headers["Location"]).get_data(as_text=True)
    assert len(attempts_of(app, assignment_id)) == 1


def test_two_simultaneous_starts_open_one_attempt(app, classroom):
    ann = classroom["students"][0]
    token = csrf_from(ann.get("/assignments").get_data(as_text=True))

    def start():
        return ann.post(f"/assignments/{classroom['assignment']}/start", data={"csrf_token": token})

    results = together(start, start)
    assert [r.status_code for r in results] == [302, 302]
    assert len({attempt_id_of(r) for r in results}) == 1
    rows = attempts_of(app, classroom["assignment"])
    assert len(rows) == 1 and rows[0].number == 1


# --------------------------------------------------------------------------- 3: abandoned attempts are graded


def test_an_abandoned_attempt_is_graded_at_the_deadline_in_every_export(app, client, classroom, fixed_clock):
    ann = classroom["students"][0]
    attempt_id = attempt_id_of(student_starts(ann, classroom["assignment"]))
    save_right(ann, app, attempt_id, known_index(app, attempt_id))
    fixed_clock["now"] = T0 + timedelta(days=8)  # past the due date; Ann never comes back
    for fmt in ("long", "wide", "canvas", "moodle"):
        text = client.get(f"/teach/sections/{classroom['section']}/grades.{fmt}.csv").get_data(as_text=True)
        assert "in progress" not in text, fmt
        row = next(r for r in csv.reader(io.StringIO(text)) if any("ann@example.org" in cell for cell in r))
        assert any(re.fullmatch(r"\d+(\.\d+)?", cell) for cell in row), (fmt, row)
    rows = attempts_of(app, classroom["assignment"])
    assert rows[0].submitted_at is not None and rows[0].timed_out
    assert rows[0].submitted_at.replace(tzinfo=None) == (T0 + timedelta(days=7)).replace(tzinfo=None)  # due 2026-03-09 09:00
    assert rows[0].score > 0


def test_the_assignment_page_shows_an_abandoned_attempt_as_graded(app, client, classroom, fixed_clock):
    ann = classroom["students"][0]
    attempt_id = attempt_id_of(student_starts(ann, classroom["assignment"]))
    save_right(ann, app, attempt_id, 0)
    fixed_clock["now"] = T0 + timedelta(days=8)
    html = client.get(f"/teach/assignments/{classroom['assignment']}").get_data(as_text=True)
    assert "in progress" not in html


def test_close_expired_command_closes_overdue_attempts_for_cron(app, runner, classroom, fixed_clock):
    ann = classroom["students"][0]
    student_starts(ann, classroom["assignment"])
    result = runner.invoke(args=["attempts", "close-expired"])
    assert result.exit_code == 0 and "Closed 0 expired attempts." in result.output
    fixed_clock["now"] = T0 + timedelta(days=7, seconds=29)  # within the 30 s grace: still open
    assert "Closed 0" in runner.invoke(args=["attempts", "close-expired"]).output
    fixed_clock["now"] = T0 + timedelta(days=7, seconds=31)
    result = runner.invoke(args=["attempts", "close-expired"])
    assert result.exit_code == 0 and "Closed 1 expired attempt." in result.output
    assert attempts_of(app, classroom["assignment"])[0].submitted_at is not None


# --------------------------------------------------------------------------- 4: save vs submit


def test_an_answer_saved_after_the_submit_committed_is_refused_and_changes_nothing(app, client, student):
    page = client.get("/quiz/").get_data(as_text=True)
    response = client.post("/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": "3", "minutes": "0"})
    attempt_id = attempt_id_of(response)
    with app.app_context():
        # The save request loaded the attempt (open) just before the submit committed.
        stale = db.session.get(Attempt, attempt_id)
        question = quizzes.questions_of(stale, get_course())[0]
        db.session.commit()
        other = app.test_client()
        other.set_cookie("session", client.get_cookie("session").value)
        token = csrf_from(other.get(f"/quiz/attempts/{attempt_id}/finish").get_data(as_text=True))
        assert other.post(f"/quiz/attempts/{attempt_id}/finish", data={"csrf_token": token}).status_code == 302
        with pytest.raises(quizzes.AttemptClosed):
            quizzes.save_answer(stale, question, "1500" if question.type == "numeric" else None, 1)
    with app.app_context():
        row = db.session.get(AttemptAnswer, (attempt_id, question.id))
        assert row.response is None and row.score == 0.0
        assert db.session.get(Attempt, attempt_id).score == 0.0


def test_save_and_submit_at_the_same_moment_agree(app, client, student):
    page = client.get("/quiz/").get_data(as_text=True)
    attempt_id = attempt_id_of(
        client.post("/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": "3", "minutes": "0"})
    )
    with app.app_context():
        qid = db.session.get(Attempt, attempt_id).question_ids[0]
    take = client.get(f"/quiz/attempts/{attempt_id}?q=0").get_data(as_text=True)
    token = csrf_from(take)
    together(
        lambda: client.post(
            f"/quiz/attempts/{attempt_id}/answer",
            data={"csrf_token": token, "index": "0", "go": "next", **RIGHT.get(qid, {"answer": "x"})},
        ),
        lambda: client.post(f"/quiz/attempts/{attempt_id}/finish", data={"csrf_token": token}),
    )
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        row = db.session.get(AttemptAnswer, (attempt_id, qid))
        # Whichever came first, the stored grade and the total agree with what is stored.
        assert attempt.submitted_at is not None
        assert row.score is not None
        assert attempt.score == pytest.approx(round(row.score / len(attempt.question_ids), 4))


# --------------------------------------------------------------------------- 6 and 7: bank edits


def start_self_test(client, count="7"):
    page = client.get("/quiz/").get_data(as_text=True)
    return attempt_id_of(
        client.post("/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": count, "minutes": "0"})
    )


def test_an_attempt_keeps_working_when_its_question_is_removed_from_the_bank(app, client, student, monkeypatch):
    attempt_id = start_self_test(client)
    with app.app_context():
        ids = db.session.get(Attempt, attempt_id).question_ids
    gone = ids[0]
    swap_course(app, monkeypatch, lambda q: None if q.id == gone else q)
    assert client.get(f"/quiz/attempts/{attempt_id}?q=0").status_code == 200
    assert save_right(client, app, attempt_id, 0).status_code == 302
    assert client.get(f"/quiz/attempts/{attempt_id}/finish").status_code == 200
    token = csrf_from(client.get(f"/quiz/attempts/{attempt_id}/finish").get_data(as_text=True))
    assert client.post(f"/quiz/attempts/{attempt_id}/finish", data={"csrf_token": token}).status_code == 302
    results = client.get(f"/quiz/attempts/{attempt_id}/results")
    assert results.status_code == 200
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        row = db.session.get(AttemptAnswer, (attempt_id, gone))
        assert row.score is not None and row.question_hash
        assert attempt.score == pytest.approx(
            round(
                row.score / len(ids)
                + sum(
                    r.score
                    for r in db.session.scalars(
                        select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id, AttemptAnswer.question_id != gone)
                    )
                )
                / len(ids),
                4,
            )
        )


def test_a_key_fixed_after_submission_does_not_change_the_grade_shown(app, client, student, monkeypatch):
    attempt_id = start_self_test(client)
    with app.app_context():
        ids = db.session.get(Attempt, attempt_id).question_ids
    index = ids.index("demo-002")
    save_right(client, app, attempt_id, index)  # picks "Officials", the key today
    token = csrf_from(client.get(f"/quiz/attempts/{attempt_id}/finish").get_data(as_text=True))
    client.post(f"/quiz/attempts/{attempt_id}/finish", data={"csrf_token": token})
    before = client.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)

    def move_key(q):
        if q.id != "demo-002":
            return q
        choices = [c.model_copy(update={"correct": i == 0}) for i, c in enumerate(q.choices)]
        return q.model_copy(update={"choices": choices})

    swap_course(app, monkeypatch, move_key)
    after = client.get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    score = re.compile(r"Score[^%]*?(\d+)%")
    assert score.search(before).group(1) == score.search(after).group(1)
    with app.app_context():
        row = db.session.get(AttemptAnswer, (attempt_id, "demo-002"))
        assert row.score == 1.0 and len(row.question_hash) == 64


# --------------------------------------------------------------------------- 10: grace and extensions


def test_an_answer_within_the_grace_period_counts_and_one_after_it_does_not(app, client, classroom, fixed_clock):
    assignment_id = create_assignment(client, classroom["section"], title="Timed", time_limit_minutes="10", grace_seconds="30")
    ann = classroom["students"][0]
    attempt_id = attempt_id_of(student_starts(ann, assignment_id))
    token = csrf_from(ann.get(f"/quiz/attempts/{attempt_id}?q=0").get_data(as_text=True))  # pages open in time
    fixed_clock["now"] = T0 + timedelta(minutes=10, milliseconds=100)  # 100 ms late: the network, not the learner
    assert save_right(ann, app, attempt_id, 0, token).headers["Location"].endswith("?q=1")
    fixed_clock["now"] = T0 + timedelta(minutes=10, seconds=31)
    assert save_right(ann, app, attempt_id, 1, token).headers["Location"].endswith("/results")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.timed_out and attempt.submitted_at.replace(tzinfo=None) == (T0 + timedelta(minutes=10)).replace(
            tzinfo=None
        )
        saved = {
            r.question_id: r.response
            for r in db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id))
        }
        assert saved[attempt.question_ids[0]] is not None and saved[attempt.question_ids[1]] is None


def test_an_extension_granted_during_an_attempt_moves_its_deadline(app, client, classroom, fixed_clock):
    assignment_id = create_assignment(client, classroom["section"], title="Timed", time_limit_minutes="10")
    ann = classroom["students"][0]
    attempt_id = attempt_id_of(student_starts(ann, assignment_id))
    with app.app_context():
        ann_id = db.session.get(Attempt, attempt_id).user_id
        assignment = db.session.get(Assignment, assignment_id)
        from app.models import User

        instructor = db.session.scalar(select(User).where(User.email == "instructor@example.org"))
        assignments.set_extension(instructor, assignment, ann_id, 15, None)
    fixed_clock["now"] = T0 + timedelta(minutes=20)  # past the old limit, inside the extended one
    assert save_right(ann, app, attempt_id, 0).headers["Location"].endswith("?q=1")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at is None
        assert attempt.deadline.replace(tzinfo=None) == (T0 + timedelta(minutes=25)).replace(tzinfo=None)


def test_grace_outside_its_range_is_explained_and_nothing_stored(app, client, classroom):
    url = f"/teach/sections/{classroom['section']}/assignments/new"
    from tests.app.test_teaching import assignment_fields

    response = post(client, url, page_url=url, **assignment_fields(title="Bad grace", grace_seconds="9999"))
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.title == "Bad grace")) == 0
