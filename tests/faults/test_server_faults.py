"""Faults a class can hit at exam time: a killed worker, a restart, double submits, a lost database."""

from __future__ import annotations

import http.client
import os
import signal
import threading

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Answer, Attempt, AttemptAnswer
from app.services import accounts
from app.services.content import get_course
from tests.faults.conftest import Browser

PASSWORD = "fault test password"


def open_attempts(app, count: int, questions: int = 6) -> list[tuple[str, int, list[str]]]:
    """Students with an open attempt made of short-answer questions (any text is a valid answer)."""
    made = []
    with app.app_context():
        course = get_course()
        short = [q.id for q in course.questions if q.type == "short_answer"][:questions]
        for n in range(count):
            user = accounts.create_user(f"fault{n}@example.org", PASSWORD)
            attempt = Attempt(
                user_id=user.id,
                kind="mock",
                title="Fault test",
                seed=f"s{n}",
                question_ids=short,
                started_at=clock.now(),
                deadline=None,
            )
            db.session.add(attempt)
            db.session.commit()
            made.append((user.email, attempt.id, short))
    return made


def save(browser: Browser, attempt_id: int, index: int, value: str, token: str):
    return browser.call(
        "POST", f"/quiz/attempts/{attempt_id}/answer", {"csrf_token": token, "index": str(index), "go": "next", "answer": value}
    )


def test_killing_a_worker_loses_no_acknowledged_answer(server, server_db):
    students = open_attempts(server_db, 6, questions=12)
    acknowledged: list[tuple[int, str, str]] = []
    lock = threading.Lock()

    def student(email, attempt_id, qids):
        browser = Browser(server)
        for _ in range(20):  # a worker may die during login too: a person would simply retry
            try:
                browser.login(email, PASSWORD)
                token = browser.token(f"/quiz/attempts/{attempt_id}")
                break
            except (OSError, http.client.HTTPException, AssertionError, AttributeError):
                continue
        else:
            return
        for index, qid in enumerate(qids):
            value = f"{email}-{index}"
            try:
                status, headers, _ = save(browser, attempt_id, index, value, token)
            except (OSError, http.client.HTTPException):
                continue  # the connection died with the worker: not acknowledged, so not counted
            if status == 302 and "/quiz/attempts/" in headers.get("Location", ""):
                with lock:
                    acknowledged.append((attempt_id, qid, value))

    threads = [threading.Thread(target=student, args=s) for s in students]
    for t in threads:
        t.start()
    killed = 0
    while any(t.is_alive() for t in threads) and killed < 3:
        pids = server.worker_pids()
        if pids and len(acknowledged) > 5 * (killed + 1):
            os.kill(pids[0], signal.SIGKILL)
            killed += 1
        threading.Event().wait(0.05)
    for t in threads:
        t.join(timeout=120)
    assert killed >= 1 and len(acknowledged) >= 20
    with server_db.app_context():
        stored = {(r.attempt_id, r.question_id): r.response for r in db.session.scalars(select(AttemptAnswer))}
    lost = [(a, q, v) for a, q, v in acknowledged if stored.get((a, q)) != v]
    assert lost == []


def test_a_restart_in_the_middle_of_an_attempt_resumes_it(server, server_db):
    ((email, attempt_id, qids),) = open_attempts(server_db, 1)
    browser = Browser(server)
    browser.login(email, PASSWORD)
    token = browser.token(f"/quiz/attempts/{attempt_id}")
    for index in range(2):
        assert save(browser, attempt_id, index, f"answer {index}", token)[0] == 302
    server.stop()
    server.start()
    status, _, page = browser.call("GET", f"/quiz/attempts/{attempt_id}")
    assert status == 200 and "<h1>Question 3</h1>" in page and "2 saved" in page
    status, _, page = browser.call("GET", f"/quiz/attempts/{attempt_id}?q=1")
    assert 'value="answer 1"' in page


def test_two_simultaneous_submits_are_graded_once(server, server_db):
    ((email, attempt_id, qids),) = open_attempts(server_db, 1)
    browser = Browser(server)
    browser.login(email, PASSWORD)
    token = browser.token(f"/quiz/attempts/{attempt_id}")
    for index in range(3):
        save(browser, attempt_id, index, "some answer", token)
    barrier, statuses = threading.Barrier(2), []

    def submit():
        barrier.wait()
        statuses.append(
            browser.server.request("POST", f"/quiz/attempts/{attempt_id}/finish", {"csrf_token": token}, browser.cookie)[0]
        )

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert statuses == [302, 302]
    with server_db.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.mode == "quiz")) == 3
        assert db.session.get(Attempt, attempt_id).submitted_at is not None
