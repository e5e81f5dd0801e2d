"""Regrading is an explicit, audited instructor action that shows before and after (defect 7)."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Attempt, AttemptAnswer, AuditLog, Role
from tests.app.test_attempt_integrity import known_index, save_right, swap_course
from tests.app.test_teaching import classroom, post, student_starts, submit_attempt  # noqa: F401 - classroom is a pytest fixture, taken by name as a test argument
from tests.conftest import Auth, make_user


def break_key(q):
    """The same question with its key changed, as a fix in the bank would."""
    if q.type == "numeric":
        return q.model_copy(update={"answer": q.answer + 1})
    if q.type in ("single_choice", "multiple_response"):
        return q.model_copy(
            update={
                "choices": [
                    c.model_copy(update={"correct": not c.correct})
                    if q.type == "multiple_response"
                    else c.model_copy(
                        update={"correct": i == (1 + next(j for j, d in enumerate(q.choices) if d.correct)) % len(q.choices)}
                    )
                    for i, c in enumerate(q.choices)
                ]
            }
        )
    if q.type == "true_false":
        return q.model_copy(update={"answer": not q.answer})
    if q.type == "short_answer":
        return q.model_copy(update={"accept": ["something else entirely"]})
    if q.type == "matching":
        rights = [p.right for p in q.pairs]
        return q.model_copy(
            update={"pairs": [p.model_copy(update={"right": rights[(i + 1) % len(rights)]}) for i, p in enumerate(q.pairs)]}
        )
    raise AssertionError(q.type)


def graded_attempt(app, classroom):
    ann = classroom["students"][0]
    url = student_starts(ann, classroom["assignment"]).headers["Location"]
    attempt_id = int(url.rsplit("/", 1)[1])
    index = known_index(app, attempt_id)
    save_right(ann, app, attempt_id, index)
    submit_attempt(ann, url)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return attempt_id, attempt.question_ids[index], attempt.score


def test_a_key_fix_changes_no_grade_until_an_instructor_reviews_and_applies_a_regrade(app, client, classroom, monkeypatch):
    attempt_id, qid, score_before = graded_attempt(app, classroom)
    swap_course(app, monkeypatch, lambda q: break_key(q) if q.id == qid else q)
    page = client.get(f"/teach/assignments/{classroom['assignment']}").get_data(as_text=True)
    assert f"Review regrade of {qid}" in page
    preview = client.get(f"/teach/assignments/{classroom['assignment']}/regrade/{qid}")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1 of 1 submitted attempts would change" in html
    assert re.search(r"100%</td><td>0%", html)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).score == score_before  # a preview changes nothing
    response = post(
        client,
        f"/teach/assignments/{classroom['assignment']}/regrade/{qid}",
        page_url=f"/teach/assignments/{classroom['assignment']}/regrade/{qid}",
    )
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        row = db.session.get(AttemptAnswer, (attempt_id, qid))
        assert row.score == 0.0 and attempt.score < score_before
        entries = list(db.session.scalars(select(AuditLog).where(AuditLog.action.like("regrade%"))))
        assert {e.action for e in entries} == {"regrade", "regrade.score"}
        change = next(e for e in entries if e.action == "regrade.score")
        assert (change.detail["before"], change.detail["after"]) == (1.0, 0.0)
    assert f"Review regrade of {qid}" not in client.get(f"/teach/assignments/{classroom['assignment']}").get_data(as_text=True)


def test_another_instructor_cannot_regrade_a_section_they_do_not_run(app, classroom, monkeypatch):
    _, qid, _ = graded_attempt(app, classroom)
    make_user(app, "other@example.org", Role.INSTRUCTOR)
    other = app.test_client()
    Auth(other).login("other@example.org")
    assert other.get(f"/teach/assignments/{classroom['assignment']}/regrade/{qid}").status_code == 404


def test_a_regraded_attempt_keeps_its_new_version_when_the_bank_goes_back_to_the_old_one(app, client, classroom, monkeypatch):
    from app.services.content import get_course
    from app.services.quizzes import questions_of
    from course.attempts import question_hash

    with app.app_context():
        original = get_course()
    attempt_id, qid, _ = graded_attempt(app, classroom)
    swap_course(app, monkeypatch, lambda q: break_key(q) if q.id == qid else q)
    page = f"/teach/assignments/{classroom['assignment']}/regrade/{qid}"
    assert post(client, page, page_url=page).status_code == 302
    with app.app_context():
        fixed = get_course().question_by_id[qid]
    monkeypatch.setitem(app.extensions, "oversight_course", original)  # the edit is reverted in the bank
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.question_hashes[qid] == question_hash(fixed)  # the digest followed the snapshot
        shown = next(q for q in questions_of(attempt, original) if q.id == qid)
    assert question_hash(shown) == question_hash(fixed) != original.question_hash_by_id[qid]


def test_a_regrade_reads_the_snapshots_with_its_attempts_not_one_query_per_attempt(app, client, classroom, monkeypatch):
    from tests.statements import recorded

    _, qid, _ = graded_attempt(app, classroom)
    swap_course(app, monkeypatch, lambda q: break_key(q) if q.id == qid else q)
    page = f"/teach/assignments/{classroom['assignment']}/regrade/{qid}"
    with recorded(app) as statements:
        assert post(client, page, page_url=page).status_code == 302
    assert [s for s in statements if s.lstrip().startswith("SELECT attempt.questions")] == []  # the deferred column, alone
