"""Contest this question in Chromium, with axe: a learner contests, the instructor accepts, the score and the audit log change."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Assignment, Attempt, AttemptAnswer, Contest, Enrollment, Role
from app.services import accounts, sections
from app.services.content import get_course
from course import attempts as lifecycle
from course.grading import correct_response, grade
from course.responses import to_json
from tests.browser.test_staff_journeys import PASSWORD, login

REASON = "The reading also calls them informants; my answer names the same people."


def submitted_attempt() -> tuple[int, str]:
    """A learner in a section with a submitted assignment: one short answer wrong, one right (50%)."""
    course = get_course()
    teacher = accounts.create_user("contest-teacher@example.org", PASSWORD, Role.INSTRUCTOR)
    learner = accounts.create_user("contest-learner@example.org", PASSWORD, Role.STUDENT)
    section = sections.create_section(teacher, "Contest section", "Spring")
    db.session.add(Enrollment(section_id=section.id, user_id=learner.id))
    now = clock.now()
    shorts = [q for q in course.questions if q.type == "short_answer"][:2]
    assignment = Assignment(
        section_id=section.id,
        title="Week 1 check",
        lesson_ids=[shorts[0].lesson],
        objective_ids=[],
        question_types=["short_answer"],
        num_questions=2,
        opens_at=now - timedelta(days=2),
        due_at=now - timedelta(days=1),
        feedback_policy="after_submit",
        answers_policy="after_submit",
    )
    db.session.add(assignment)
    db.session.flush()
    attempt = Attempt(
        user_id=learner.id,
        kind="assignment",
        title=assignment.title,
        seed="s",
        question_ids=[q.id for q in shorts],
        questions={q.id: lifecycle.snapshot(q) for q in shorts},
        started_at=now - timedelta(days=2),
        submitted_at=now - timedelta(days=2),
        score=0.5,
        assignment_id=assignment.id,
        number=1,
    )
    db.session.add(attempt)
    db.session.flush()
    for q, response in ((shorts[0], "informants"), (shorts[1], correct_response(shorts[1]))):
        result = grade(q, response)
        db.session.add(
            AttemptAnswer(
                attempt_id=attempt.id,
                question_id=q.id,
                response=to_json(q, response),
                score=result.score,
                parts=list(result.parts),
                question_hash=lifecycle.question_hash(q),
                graded_at=now,
            )
        )
    db.session.commit()
    return attempt.id, shorts[0].id


def test_a_learner_contests_the_instructor_accepts_and_the_score_and_audit_log_change(browser, live_app, base_url, check_page):
    with live_app.app_context():
        attempt_id, question_id = submitted_attempt()
        db.session.remove()

    learner = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = learner.new_page()
    login(page, "contest-learner@example.org")
    page.goto(f"/quiz/attempts/{attempt_id}/results")
    expect(page.get_by_role("status").filter(has_text="Score:")).to_contain_text("50%")
    page.get_by_role("link", name="Contest this question (question 1)").click()
    expect(page.get_by_role("heading", name="Contest this question")).to_be_visible()
    page.get_by_role("button", name="Send the contest").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot be empty")
    check_page("contest-form-error", page)
    page.get_by_label("Why you contest it").fill(REASON)
    page.get_by_label("Paragraph of the reading that supports you (optional)").select_option(index=3)
    page.get_by_role("button", name="Send the contest").click()
    expect(page.get_by_role("heading", name="Your contests")).to_be_visible()
    expect(page.get_by_text("Waiting for your instructor")).to_be_visible()
    check_page("contest-mine-open", page)

    teacher = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    staff = teacher.new_page()
    login(staff, "contest-teacher@example.org")
    staff.goto("/teach/contests")
    expect(staff.get_by_role("table")).to_contain_text("contest-learner@example.org")
    check_page("teach-contests", staff)
    staff.locator("table.data tbody a").first.click()
    expect(staff.get_by_text(REASON)).to_be_visible()
    check_page("teach-contest", staff)
    staff.get_by_label("Accept this answer").check()
    staff.get_by_label("Your answer to the learner").fill("Fair point: informants is accepted.")
    staff.get_by_role("button", name="Resolve").click()
    expect(staff.get_by_text("Contest accepted: 1 score regraded")).to_be_visible()
    check_page("teach-contest-accepted", staff)
    staff.goto(f"/teach/questions/{question_id}")
    expect(staff.locator("#contest-count")).to_contain_text("1 time, 0 still open")

    page.goto("/contests")
    expect(page.get_by_text("Accepted: your answer now gets full credit")).to_be_visible()
    expect(page.get_by_text("Fair point: informants is accepted.")).to_be_visible()
    check_page("contest-mine-accepted", page)
    page.goto(f"/quiz/attempts/{attempt_id}/results")
    expect(page.get_by_role("status").filter(has_text="Score:")).to_contain_text("100%")
    page.goto("/account/data")
    expect(page.locator("body")).to_contain_text("regrade.score")
    learner.close()
    teacher.close()

    phone = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    small = phone.new_page()
    login(small, "contest-learner@example.org")
    for path, name in (
        (f"/quiz/attempts/{attempt_id}/contest/{question_id}", "contest-form-390"),
        ("/contests", "contest-mine-390"),
    ):
        small.goto(path)
        assert small.evaluate("document.documentElement.scrollWidth") <= 390, path
        check_page(name, small)
    phone.close()
    phone = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    small = phone.new_page()
    login(small, "contest-teacher@example.org")
    with live_app.app_context():
        contest_id = db.session.scalar(select(Contest.id).where(Contest.question_id == question_id))
        db.session.remove()
    for path, name in (
        ("/teach/contests?status=accepted", "teach-contests-390"),
        (f"/teach/contests/{contest_id}", "teach-contest-390"),
    ):
        small.goto(path)
        assert small.evaluate("document.documentElement.scrollWidth") <= 390, path
        check_page(name, small)
    phone.close()
