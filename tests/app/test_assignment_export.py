"""An instructor downloads one assignment's questions as a Canvas QTI zip with its quiz settings
(assessment_meta.xml); another instructor gets 404, a student 403."""

import io
import zipfile
from xml.etree import ElementTree as ET

from app.extensions import db
from app.models import Assignment
from app.services.assignments import assignment_pool
from app.services.content import get_course
from tests.app.test_teaching import classroom  # noqa: F401
from tests.conftest import make_user

CANVAS = "{http://canvas.instructure.com/xsd/cccv1p0}"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def test_the_owner_downloads_the_assignment_as_a_canvas_quiz(app, client, classroom):
    aid = classroom["assignment"]
    page = client.get(f"/teach/assignments/{aid}").get_data(as_text=True)
    assert f"/teach/assignments/{aid}/canvas-qti.zip" in page and "Export for Canvas (QTI)" in page
    response = client.get(f"/teach/assignments/{aid}/canvas-qti.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f'filename="oversight-assignment{aid}-canvas-qti.zip"' in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    (meta_name,) = [n for n in archive.namelist() if n.endswith("/assessment_meta.xml")]
    settings = {c.tag.removeprefix(CANVAS): c.text or "" for c in ET.fromstring(archive.read(meta_name))}
    with app.app_context():
        assignment = db.session.get(Assignment, aid)
        pool = assignment_pool(get_course(), assignment)
        expected_attempts = str(assignment.attempts_allowed or -1)
        title, points, picked = assignment.title, assignment.points, assignment.num_questions
    assert settings["title"] == title and float(settings["points_possible"]) == points
    assert settings["allowed_attempts"] == expected_attempts and settings["shuffle_answers"] == "true"
    (qti_name,) = [n for n in archive.namelist() if n.endswith(".xml") and "assessment_meta" not in n and "/" in n]
    assessment = ET.fromstring(archive.read(qti_name))
    (group,) = assessment.findall(f"{QTI}assessment/{QTI}section/{QTI}section")
    assert group.findtext(f"{QTI}selection_ordering/{QTI}selection/{QTI}selection_number") == str(min(picked, len(pool)))
    assert [i.get("ident") for i in group.findall(f"{QTI}item")] == [q.id for q in pool]  # the whole pool


def test_another_instructor_gets_404_and_a_student_403(app, client, classroom, auth):
    aid = classroom["assignment"]
    student = classroom["students"][0]
    assert student.get(f"/teach/assignments/{aid}/canvas-qti.zip").status_code == 403
    auth.logout()
    make_user(app, "other-teacher@example.org", role="instructor")
    auth.login("other-teacher@example.org")
    assert client.get(f"/teach/assignments/{aid}/canvas-qti.zip").status_code == 404
    assert client.get("/teach/assignments/999999/canvas-qti.zip").status_code == 404


def test_two_assignments_with_one_title_export_as_different_canvas_packages(app, client, classroom):
    from tests.app.test_teaching import create_assignment

    first = classroom["assignment"]
    second = create_assignment(client, classroom["section"])  # the same title, "Quiz 1"

    def package_ids(aid: int) -> set[str]:
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"/teach/assignments/{aid}/canvas-qti.zip").data))
        return {name.split("/")[0] for name in archive.namelist() if "/" in name}

    assert package_ids(first) and package_ids(first).isdisjoint(package_ids(second))
