"""`flask export cartridge` and the instructors' download of the unit as a Common Cartridge."""

import pytest

from app.services.content import get_course
from course.exports.cartridge import carried, to_cartridge
from course.exports.cartridge_reader import read_cartridge


def test_the_command_writes_a_cartridge_that_reads_back(app, runner, tmp_path):
    out = tmp_path / "unit.imscc"
    result = runner.invoke(args=["export", "cartridge", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        course = get_course()
        assert out.read_bytes() == to_cartridge(course)
        with_questions = [lesson for lesson in course.lessons if carried(course, lesson.id)]
    cartridge = read_cartridge(out.read_bytes())
    assert {a.title for a in cartridge.assessments.values()} == {f"Lesson {x.meta.order} quiz: {x.title}" for x in with_questions}
    assert f"Wrote {out}: {len(course.lessons)} lessons" in result.output
    assert f"{len(with_questions)} quizzes" in result.output


def test_the_command_needs_somewhere_to_write(runner):
    result = runner.invoke(args=["export", "cartridge"])
    assert result.exit_code == 2 and "--out" in result.output


@pytest.mark.parametrize("role", ["instructor", "admin"])
def test_teachers_download_the_unit_from_the_question_browser(app, client, login_as, role):
    login_as(role)
    page = client.get("/teach/questions").get_data(as_text=True)
    assert 'href="/teach/cartridge/unit.imscc"' in page
    response = client.get("/teach/cartridge/unit.imscc")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert 'filename="oversight-unit.imscc"' in response.headers["Content-Disposition"]
    with app.app_context():
        assert response.data == to_cartridge(get_course())
    read_cartridge(response.data)


def test_students_cannot_download_the_unit(client, login_as):
    login_as("student")
    assert client.get("/teach/cartridge/unit.imscc").status_code == 403
