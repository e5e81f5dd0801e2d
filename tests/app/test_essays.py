"""Essays and cloze passages in graded work: answered, saved, submitted "awaiting grading", graded in a
queue with the rubric (names hidden), released with rubric and comment, audited, exported honestly."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Attempt, AttemptAnswer, AuditLog, Role
from app.services import essays
from app.services.content import get_course
from course.model import Evidence
from course.qtypes import Blank, Cloze, Criterion, Essay, Level
from tests.app.test_teaching import create_assignment, create_section, join_code, post, student_starts, submit_attempt
from tests.conftest import Auth, csrf_from, make_user
from tests.statements import recorded

QUOTE = "The city installed 1,500 cameras in 2017 to watch public squares."
COMMON = {
    "lesson": "01-demo",
    "objective": "01-demo.o1",
    "difficulty": 2,
    "bloom": "evaluate",
    "explanation": "A good answer says who claims what.",
    "evidence": [Evidence(source="demo-source", quote=QUOTE)],
}
ESSAY = Essay(
    id="demo-essay",
    type="essay",
    prompt="Weigh the officials' claim about the cameras.",
    max_words=40,
    rubric=[
        Criterion(
            criterion="Uses the evidence",
            levels=[
                Level(points=0, descriptor="None."),
                Level(points=2, descriptor="Some."),
                Level(points=4, descriptor="Weighs it."),
            ],
        ),
        Criterion(
            criterion="Attributes claims",
            levels=[Level(points=0, descriptor="As fact."), Level(points=2, descriptor="Says who.")],
        ),
    ],
    model_answer="Officials claimed the cameras cut crime; activists said they were used against protesters.",
    **COMMON,
)
CLOZE = Cloze(
    id="demo-cloze",
    type="cloze",
    prompt="Complete the passage.",
    passage="The city installed {{1}} cameras in {{2}} to watch public squares.",
    blanks=[Blank(answer="1,500", accept=["1500"]), Blank(answer="2017", options=["2015", "2019"])],
    **COMMON,
)
ESSAY_TEXT = "Officials said the cameras reduced crime, but that is their claim; activists disagreed."


def add_questions(app, monkeypatch) -> None:
    """Serve the test bank plus one essay and one cloze passage."""
    with app.app_context():
        course = get_course()
    edited = type(course)(course.lessons, course.readings, course.glossary, (*course.questions, ESSAY, CLOZE))
    monkeypatch.setitem(app.extensions, "oversight_course", edited)


@pytest.fixture()
def essay_class(app, client, login_as, fixed_clock, monkeypatch):
    """An instructor's section with an assignment of one essay and one cloze passage; Ann has joined."""
    add_questions(app, monkeypatch)
    login_as("instructor")
    section_id = create_section(client)
    assignment_id = create_assignment(
        client, section_id, title="Essay week", types=["essay", "cloze"], num_questions="2", answers_policy="after_submit"
    )
    code = join_code(app, section_id)
    make_user(app, "ann@example.org")
    ann = app.test_client()
    Auth(ann).login("ann@example.org")
    page = ann.get(f"/join/{code}").get_data(as_text=True)
    assert ann.post("/join", data={"csrf_token": csrf_from(page), "code": code}).status_code == 302
    return {"section": section_id, "assignment": assignment_id, "ann": ann}


def start(app, essay_class):
    ann = essay_class["ann"]
    url = student_starts(ann, essay_class["assignment"]).headers["Location"]
    attempt_id = int(url.rsplit("/", 1)[1])
    with app.app_context():
        order = db.session.get(Attempt, attempt_id).question_ids
    return attempt_id, order.index("demo-essay"), order.index("demo-cloze")


def save(client, attempt_id, index, **fields):
    token = csrf_from(client.get(f"/quiz/attempts/{attempt_id}?q={index}").get_data(as_text=True))
    return client.post(
        f"/quiz/attempts/{attempt_id}/answer", data={"csrf_token": token, "index": str(index), "go": "next", **fields}
    )


def answered_and_submitted(app, essay_class):
    ann = essay_class["ann"]
    attempt_id, essay_at, cloze_at = start(app, essay_class)
    assert save(ann, attempt_id, essay_at, answer=ESSAY_TEXT).status_code == 302
    assert save(ann, attempt_id, cloze_at, **{"blank-0": "1500", "blank-1": "2017"}).status_code == 302
    submit_attempt(ann, f"/quiz/attempts/{attempt_id}")
    return attempt_id


def grade_url(essay_class, attempt_id, names=False):
    return f"/teach/assignments/{essay_class['assignment']}/essays/{attempt_id}/demo-essay" + ("?names=1" if names else "")


def test_an_essay_over_its_word_limit_is_refused_and_the_text_stays_in_the_box(app, essay_class):
    ann = essay_class["ann"]
    attempt_id, essay_at, _ = start(app, essay_class)
    page = ann.get(f"/quiz/attempts/{attempt_id}?q={essay_at}").get_data(as_text=True)
    assert '<textarea id="answer-essay" name="answer"' in page and "at most 40 words" in page and "Uses the evidence" in page
    long_text = " ".join(["word"] * 41) + " unique-ending"
    refused = save(ann, attempt_id, essay_at, answer=long_text)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Not saved: Your answer has 42 words; the limit is 40." in html and long_text in html
    with app.app_context():
        assert db.session.get(AttemptAnswer, (attempt_id, "demo-essay")) is None
    assert save(ann, attempt_id, essay_at, answer=ESSAY_TEXT).status_code == 302
    assert ESSAY_TEXT in ann.get(f"/quiz/attempts/{attempt_id}?q={essay_at}").get_data(as_text=True)  # resumes with it


def test_a_submitted_attempt_with_an_essay_awaits_grading_and_exports_say_so(app, client, essay_class):
    attempt_id = answered_and_submitted(app, essay_class)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.pending_grading, attempt.score) == (1, 0.5)  # the cloze counts now, the essay once graded
        assert db.session.get(AttemptAnswer, (attempt_id, "demo-essay")).score is None
    results = essay_class["ann"].get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    assert "Submitted, awaiting grading." in results and "1 of 2 marks" in results
    assert "Awaiting grading: an instructor grades this answer" in results
    assert "awaiting grading" in essay_class["ann"].get("/assignments").get_data(as_text=True)
    long = client.get(f"/teach/sections/{essay_class['section']}/grades.long.csv").get_data(as_text=True)
    row = next(line for line in long.splitlines() if line.startswith("ann@example.org"))
    assert ",awaiting grading," in row
    assert "Essays (1 to grade)" in client.get(f"/teach/assignments/{essay_class['assignment']}").get_data(as_text=True)


def test_the_queue_hides_names_by_default_and_grading_releases_rubric_and_comment(app, client, essay_class):
    attempt_id = answered_and_submitted(app, essay_class)
    queue = client.get(f"/teach/assignments/{essay_class['assignment']}/essays").get_data(as_text=True)
    assert "Waiting for grading: 1 of 1 essay." in queue and "Learner 1" in queue and "ann@example.org" not in queue
    assert "ann@example.org" in client.get(f"/teach/assignments/{essay_class['assignment']}/essays?names=1").get_data(
        as_text=True
    )
    page = client.get(grade_url(essay_class, attempt_id)).get_data(as_text=True)
    assert ESSAY_TEXT in page and "ann@example.org" not in page and "Weighs it." in page
    incomplete = post(client, grade_url(essay_class, attempt_id), page_url=grade_url(essay_class, attempt_id), **{"level-0": "2"})
    assert incomplete.status_code == 422 and "Pick one level for every criterion." in incomplete.get_data(as_text=True)
    graded = post(
        client,
        grade_url(essay_class, attempt_id),
        page_url=grade_url(essay_class, attempt_id),
        **{"level-0": "1", "level-1": "1", "comment": "Good attribution; weigh the activists' view too."},
    )
    assert graded.status_code == 302 and graded.headers["Location"].endswith(
        f"/teach/assignments/{essay_class['assignment']}/essays"
    )
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        row = db.session.get(AttemptAnswer, (attempt_id, "demo-essay"))
        assert (attempt.pending_grading, row.score, row.rubric) == (0, round(4 / 6, 6), [1, 1])
        assert attempt.score == round((1 + 4 / 6) / 2, 4)
        (entry,) = db.session.scalars(select(AuditLog).where(AuditLog.action == "essay.grade"))
        assert entry.subject_id is not None and entry.detail["after"] == round(4 / 6, 6) and entry.detail["before"] is None
    results = essay_class["ann"].get(f"/quiz/attempts/{attempt_id}/results").get_data(as_text=True)
    assert "awaiting grading" not in results.lower()
    assert "Rubric, as graded" in results and "(awarded)" in results and "weigh the activists&#39; view too." in results
    assert re.search(r"Score: <strong>83%</strong>", results)


def test_a_regrade_is_audited_and_never_counts_the_essay_twice(app, client, essay_class):
    attempt_id = answered_and_submitted(app, essay_class)
    for levels in (("2", "1"), ("0", "0")):
        assert (
            post(
                client,
                grade_url(essay_class, attempt_id),
                page_url=grade_url(essay_class, attempt_id),
                **{"level-0": levels[0], "level-1": levels[1]},
            ).status_code
            == 302
        )
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.pending_grading, attempt.score) == (0, 0.5)
        actions = [
            e.action for e in db.session.scalars(select(AuditLog).where(AuditLog.action.like("essay.%")).order_by(AuditLog.id))
        ]
        assert actions == ["essay.grade", "essay.regrade"]


def test_two_graders_racing_on_one_essay_count_it_once(app, essay_class):
    attempt_id = answered_and_submitted(app, essay_class)
    with app.test_request_context():
        from app.models import Assignment, User

        assignment = db.session.get(Assignment, essay_class["assignment"])
        grader = db.session.scalar(select(User).where(User.role == Role.INSTRUCTOR.value))
        # Both graders loaded the essay while it was ungraded; the second grade must become a regrade.
        first, second = (essays.find(assignment, get_course(), attempt_id, "demo-essay") for _ in range(2))
        second = essays.EssayItem(second.attempt, second.learner, second.question, second.row, second.number)
        essays.grade_essay(grader, assignment, first, [2, 1], "")
        db.session.expire_all()
        essays.grade_essay(grader, assignment, second, [1, 1], "")
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.pending_grading == 0
        actions = [
            e.action for e in db.session.scalars(select(AuditLog).where(AuditLog.action.like("essay.%")).order_by(AuditLog.id))
        ]
        assert actions == ["essay.grade", "essay.regrade"]


def test_another_instructor_cannot_see_or_grade_the_essays(app, essay_class):
    attempt_id = answered_and_submitted(app, essay_class)
    make_user(app, "other@example.org", Role.INSTRUCTOR)
    other = app.test_client()
    Auth(other).login("other@example.org")
    assert other.get(f"/teach/assignments/{essay_class['assignment']}/essays").status_code == 404
    assert other.get(grade_url(essay_class, attempt_id)).status_code == 404


def test_essays_are_never_practised_or_drawn_for_self_tests_or_by_default(app, client, essay_class):
    ann = essay_class["ann"]
    assert ann.get("/practice/demo-cloze").status_code == 200
    assert ann.get("/practice/demo-essay").status_code == 404
    page = ann.get("/quiz/").get_data(as_text=True)
    ann.post("/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-demo"], "count": "50", "minutes": "0"})
    with app.app_context():
        (mock,) = db.session.scalars(select(Attempt).where(Attempt.kind == "mock"))
        assert "demo-essay" not in mock.question_ids and "demo-cloze" in mock.question_ids
    default = create_assignment(client, essay_class["section"], title="Default types", num_questions="8")
    with app.app_context():
        from app.models import Assignment
        from app.services.assignments import pool

        assignment = db.session.get(Assignment, default)
        assert "demo-essay" not in {q.id for q in pool(get_course(), assignment.lesson_ids, [], assignment.question_types)}


def test_a_cloze_passage_is_practised_with_feedback_per_blank(app, essay_class):
    from tests.conftest import practice_token_from

    ann = essay_class["ann"]
    page = ann.get("/practice/demo-cloze").get_data(as_text=True)
    assert 'name="blank-0"' in page and 'name="blank-1"' in page and "<select" in page
    response = ann.post(
        "/practice/demo-cloze",
        data={"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "blank-0": "1500", "blank-1": "2015"},
    )
    assert response.status_code == 302
    feedback = ann.get(response.headers["Location"]).get_data(as_text=True)
    assert "Partly right: 50% of the marks." in feedback and "The source's words" in feedback
    assert "The city installed 1,500 cameras in 2017 to watch public squares." in feedback


def test_the_queue_reads_the_snapshots_with_its_attempts_not_one_query_per_attempt(app, client, essay_class):
    answered_and_submitted(app, essay_class)
    with recorded(app) as statements:
        queue = client.get(f"/teach/assignments/{essay_class['assignment']}/essays").get_data(as_text=True)
    assert "Waiting for grading: 1 of 1 essay." in queue
    lazy = [s for s in statements if s.lstrip().startswith("SELECT attempt.questions")]  # the deferred column, alone
    assert lazy == []
