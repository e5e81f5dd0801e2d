"""Loading lessons, readings, glossary and bank into typed objects, with located errors."""

from pathlib import Path

import pytest

from course.bank import load_bank
from course.catalog import load_course
from course.content import load_lesson, load_reading, split_paragraphs
from course.errors import ContentError
from course.qtypes import Numeric, SingleChoice

DATA = Path(__file__).resolve().parents[1] / "data"
COURSE = DATA / "course"


def test_loads_the_fixture_course_into_typed_objects():
    course = load_course(COURSE / "lessons", COURSE / "bank.yaml")
    assert [lesson.id for lesson in course.lessons] == ["01-demo"]
    assert course.lesson_by_id["01-demo"].meta.objectives[0].id == "01-demo.o1"
    assert isinstance(course.question_by_id["demo-001"], Numeric)
    assert isinstance(course.question_by_id["demo-002"], SingleChoice)
    assert course.question_by_id["demo-001"].answer == 1500
    assert course.term_by_id["safe-city"].source == "demo-source"


def test_questions_remember_their_line():
    questions = load_bank(COURSE / "bank.yaml")
    assert [q.line for q in questions][:2] == [5, 18] and len(questions) == 7


def test_reading_paragraphs_get_stable_anchors():
    reading = load_reading(COURSE / "lessons" / "sources" / "demo-source.md")
    anchors = [p.anchor for p in reading.paragraphs]
    assert anchors == ["first-section", "p1", "p2"]
    assert reading.paragraphs[1].text.startswith("The city installed")


def test_anchor_for_finds_the_paragraph_of_a_quote_with_typographic_quotes():
    course = load_course(COURSE / "lessons", COURSE / "bank.yaml")
    assert course.anchor_for("demo-source", "Officials  said the cameras\nreduced crime") == "p2"
    assert course.anchor_for("demo-source", "not in the text") is None


def test_split_paragraphs_joins_wrapped_lines():
    paragraphs = split_paragraphs("one\ntwo\n\n## Head\n\nthree")
    assert [(p.anchor, p.text) for p in paragraphs] == [("p1", "one two"), ("head", "Head"), ("p2", "three")]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def messages(exc: pytest.ExceptionInfo[ContentError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_malformed_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "bank.yaml", "version: 1\nquestions:\n  - id: x\n    prompt: [unclosed\n")
    with pytest.raises(ContentError) as exc:
        load_bank(path)
    (msg,) = messages(exc)
    assert msg.startswith(f"{path}:") and "malformed YAML" in msg
    assert exc.value.problems[0].line is not None


def test_schema_error_names_line_question_and_key(tmp_path):
    path = write(tmp_path, "bank.yaml", (COURSE / "bank.yaml").read_text().replace("    tolerance: 0\n", "    tolerence: 0\n"))
    with pytest.raises(ContentError) as exc:
        load_bank(path)
    (problem,) = exc.value.problems
    assert problem.line == 5 and problem.item == "demo-001"
    assert "tolerence" in problem.message and "unknown key" in problem.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"\xff\xfe bad bytes", "not valid UTF-8"),
        (b"- just\n- a list\n", "top level must be a mapping"),
        (b"version: 2\nquestions: []\n", "version must be one of"),
        (b"version: 1\nquestions: {}\n", "must be a list"),
    ],
)
def test_bad_bank_files_give_one_clear_error(tmp_path, content, expected):
    path = write(tmp_path, "bank.yaml", content)
    with pytest.raises(ContentError) as exc:
        load_bank(path)
    assert len(exc.value.problems) == 1
    assert expected in exc.value.problems[0].message


def test_missing_file_is_a_content_error(tmp_path):
    with pytest.raises(ContentError, match="file not found"):
        load_bank(tmp_path / "nope.yaml")


def test_lesson_without_front_matter_names_the_file(tmp_path):
    path = write(tmp_path, "01-x.md", "# no front matter\n")
    with pytest.raises(ContentError, match="must start with a '---' line"):
        load_lesson(path)


def test_lesson_id_must_match_file_name(tmp_path):
    text = (COURSE / "lessons" / "01-demo.md").read_text()
    path = write(tmp_path, "02-other.md", text)
    with pytest.raises(ContentError, match="must equal the file name"):
        load_lesson(path)


def test_lesson_front_matter_error_points_into_the_front_matter(tmp_path):
    text = (COURSE / "lessons" / "01-demo.md").read_text().replace("estimated_minutes: 10", "estimated_minutes: soon")
    path = write(tmp_path, "01-demo.md", text)
    with pytest.raises(ContentError) as exc:
        load_lesson(path)
    assert "estimated_minutes" in exc.value.problems[0].message
    assert exc.value.problems[0].line == 2


def test_objectives_are_found_by_id_across_lessons():
    course = load_course(COURSE / "lessons", COURSE / "bank.yaml")
    every = [o for lesson in course.lessons for o in lesson.meta.objectives]
    assert every and all(course.objective_by_id[o.id] == o for o in every)
    assert len(course.objective_by_id) == len(every)
