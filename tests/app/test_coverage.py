"""The coverage map of the readings: the instructors' page, who may see it, whose facility it shows, and the CLI."""

import csv
import io
import re

import pytest

from app.extensions import db
from app.models import Enrollment, Role
from app.services import accounts, assignments, quizzes, sections
from app.services.content import get_course
from tests.conftest import PASSWORD
from tests.world import open_quiz


def row_of(html: str, anchor: str) -> str:
    """The table row of one paragraph (its ¶ link points at #anchor)."""
    match = re.search(rf'<tr[^>]*>\s*<th scope="row"><a href="/readings/demo-source#{anchor}">.*?</tr>', html, re.S)
    assert match, f"no row for {anchor}"
    return match.group(0)


def graded_numeric(app, teacher_email: str, student_email: str, answer: str | None) -> None:
    """A section of the teacher's whose one student submitted the one numeric question (demo-001, which cites p1)."""
    with app.app_context():
        course = get_course()
        teacher = accounts.create_user(teacher_email, PASSWORD, Role.INSTRUCTOR)
        student = accounts.create_user(student_email, PASSWORD)
        section = sections.create_section(teacher, f"Section of {teacher_email}", "Spring 2027", "UTC")
        assignment = assignments.create(
            teacher,
            section,
            course,
            open_quiz("Cameras", ("01-demo",), ("numeric",), 1),
        )
        db.session.add(Enrollment(section_id=section.id, user_id=student.id))
        db.session.commit()
        attempt = assignments.start_attempt(student, assignment, course)
        (question,) = quizzes.questions_of(attempt, course)
        assert question.id == "demo-001"
        if answer is not None:
            quizzes.save_answer(attempt, question, answer, 1)
        quizzes.submit(attempt, course=course)
        db.session.remove()


@pytest.fixture()
def two_classes(app):
    """Two instructors: one learner got demo-001 right in the first's section, one got it wrong in the other's."""
    graded_numeric(app, "right-teacher@example.org", "right@example.org", "1500")
    graded_numeric(app, "wrong-teacher@example.org", "wrong@example.org", "12")


def test_an_instructor_sees_every_paragraph_with_counts_breakdowns_and_a_link_to_it(client, login_as):
    login_as("instructor")
    response = client.get("/teach/coverage")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Coverage map of the readings</h1>" in html and "A small test source" in html
    assert "2 numbered paragraphs, 2 tested" in html and "7 questions cite it" in html
    p1, p2 = row_of(html, "p1"), row_of(html, "p2")
    assert '<span class="visually-hidden">Paragraph </span>1</a>' in p1
    assert "The city installed 1,500 cameras" in p1 and "<td>2</td>" in p1
    assert "Numeric&nbsp;1, Ordering&nbsp;1" in p1 and "remember&nbsp;1, analyze&nbsp;1" in p1
    assert "<td>5</td>" in p2 and "Single\u00a0choice&nbsp;1" in p2 and "understand&nbsp;2" in p2
    assert "no responses yet" in p1 and "untested" not in p1  # nobody has answered in this instructor's sections
    assert '<div class="table-scroll"' in html


def test_the_teach_index_links_to_the_map(client, login_as):
    login_as("instructor")
    assert 'href="/teach/coverage">Coverage map of the readings</a>' in client.get("/teach/").get_data(as_text=True)


def test_the_map_filters_by_reading_and_an_unknown_reading_is_404(client, login_as):
    login_as("instructor")
    html = client.get("/teach/coverage?reading=demo-source").get_data(as_text=True)
    assert '<option value="demo-source" selected>' in html and "Every numbered paragraph of the reading" in html
    assert client.get("/teach/coverage?reading=no-such-reading").status_code == 404


def test_untested_paragraphs_are_marked_in_words(app, client, login_as, monkeypatch):
    with app.app_context():
        course = get_course()
    # The two questions citing p1 leave the bank, so p1 is untested.
    kept = tuple(q for q in course.questions if q.id not in ("demo-001", "demo-007"))
    only_p2 = type(course)(course.lessons, course.readings, course.glossary, kept)
    monkeypatch.setitem(app.extensions, "oversight_course", only_p2)
    login_as("instructor")
    html = client.get("/teach/coverage").get_data(as_text=True)
    assert "1 tested,\n    <strong>1 untested</strong> (¶ 1)" in html
    p1 = row_of(html, "p1")
    assert 'class="untested"' in p1 and '<strong>0</strong> <span class="tag flag">untested</span>' in p1
    assert "untested" not in row_of(html, "p2")


@pytest.mark.parametrize(("role", "status"), [("student", 403), (None, 302)])
def test_students_are_refused_and_anonymous_visitors_sent_to_log_in(client, login_as, role, status):
    if role:
        login_as(role)
    response = client.get("/teach/coverage")
    assert response.status_code == status
    if role is None:
        assert "/account/login" in response.headers["Location"]


def test_an_instructor_sees_the_facility_of_their_own_sections_only(app, client, auth, two_classes):
    auth.login("right-teacher@example.org", PASSWORD)
    p1 = row_of(client.get("/teach/coverage").get_data(as_text=True), "p1")
    assert "1.00" in p1 and "n&nbsp;=&nbsp;1;" in p1 and "1 of 2 questions answered" in p1
    auth.logout()
    auth.login("wrong-teacher@example.org", PASSWORD)
    html = client.get("/teach/coverage").get_data(as_text=True)
    assert "0.00" in row_of(html, "p1") and "your sections" in html
    assert "no responses yet" in row_of(html, "p2")


def test_an_admin_sees_the_facility_of_every_section(app, client, login_as, two_classes):
    login_as("admin")
    html = client.get("/teach/coverage").get_data(as_text=True)
    assert "0.50" in row_of(html, "p1") and "n&nbsp;=&nbsp;2;" in row_of(html, "p1") and "every section" in html


def test_cli_prints_a_text_table_with_facility_over_every_attempt(runner, two_classes):
    result = runner.invoke(args=["course", "coverage"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "demo-source: A small test source"
    assert lines[1] == "2 numbered paragraphs: 2 tested, 0 untested; 7 questions cite it."
    p1 = next(line for line in lines if line.startswith("p1 "))
    assert p1.split()[:2] == ["p1", "2"] and "0.50" in p1 and "The city installed" in p1


def test_cli_writes_csv_for_one_reading(runner, two_classes):
    result = runner.invoke(args=["course", "coverage", "--reading", "demo-source", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["anchor"], r["questions"], r["tested"]) for r in rows] == [("p1", "2", "yes"), ("p2", "5", "yes")]
    assert (rows[0]["numeric"], rows[0]["ordering"], rows[0]["remember"], rows[0]["analyze"]) == ("1", "1", "1", "1")
    assert (rows[0]["facility"], rows[0]["responses"], rows[0]["question_ids"]) == ("0.5000", "2", "demo-001 demo-007")
    assert rows[1]["facility"] == ""


def test_cli_names_an_unknown_reading_without_a_traceback(runner):
    result = runner.invoke(args=["course", "coverage", "--reading", "nope"])
    assert result.exit_code == 2
    assert "No reading 'nope'. Known readings: demo-source." in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, LookupError)
