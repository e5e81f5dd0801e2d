"""The flask commands: users create/demo, course load/validate."""

from sqlalchemy import select

from app.extensions import db
from app.models import QuestionRecord, User
from tests.conftest import COURSE


def test_users_create_reads_the_password_from_stdin_and_never_prints_it(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "Prof@Example.org", "--role", "instructor", "--password-stdin"],
        input="a long secret phrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "a long secret phrase" not in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.role, user.is_demo) == ("prof@example.org", "instructor", False)
        assert user.check_password("a long secret phrase")


def test_users_create_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "a@example.org"], input="another long secret\nanother long secret\n"
    )
    assert result.exit_code == 0 and "another long secret" not in result.output


def test_users_create_refuses_duplicates_and_short_passwords(app, runner):
    ok = runner.invoke(args=["users", "create", "--email", "a@example.org", "--password-stdin"], input="long enough secret\n")
    assert ok.exit_code == 0
    again = runner.invoke(args=["users", "create", "--email", "A@example.org", "--password-stdin"], input="long enough secret\n")
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["users", "create", "--email", "b@example.org", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 10" in short.output


def test_users_create_rejects_unknown_roles(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "a@example.org", "--role", "root", "--password-stdin"], input="x" * 12
    )
    assert result.exit_code != 0


def test_demo_accounts_only_on_an_empty_database(app, runner):
    first = runner.invoke(args=["users", "demo"])
    assert first.exit_code == 0
    for role in ("student", "instructor", "admin"):
        assert f"{role}@example.org" in first.output
    assert "password: demo-student-pass" in first.output
    second = runner.invoke(args=["users", "demo"])
    assert "no demo accounts created" in second.output and "password" not in second.output
    with app.app_context():
        assert {u.role for u in db.session.scalars(select(User))} == {"student", "instructor", "admin"}


def test_course_load_records_question_ids_and_retires_removed_ones(app, runner, tmp_path):
    result = runner.invoke(args=["course", "load"])
    assert result.exit_code == 0 and "7 questions (7 new" in result.output
    with app.app_context():
        assert {q.id for q in db.session.scalars(select(QuestionRecord))} == {f"demo-00{i}" for i in range(1, 8)}
    bank = tmp_path / "bank.yaml"
    text = (COURSE / "bank.yaml").read_text()
    bank.write_text(text[: text.index("  - id: demo-002")])
    app.config["QUESTION_BANK"] = str(bank)
    app.extensions.pop("oversight_course")
    result = runner.invoke(args=["course", "load"])
    assert "6 retired" in result.output
    with app.app_context():
        assert db.session.get(QuestionRecord, "demo-002").retired


def test_course_validate_on_the_fixture(app, runner):
    result = runner.invoke(args=["course", "validate"])
    assert result.exit_code == 0, result.output
    assert "Course valid: 1 lessons, 1 readings, 1 glossary terms, 7 questions." in result.output


def test_course_validate_reports_errors_with_exit_1(app, runner, tmp_path):
    bank = tmp_path / "bank.yaml"
    bank.write_text("version: 1\nquestions:\n  - id: x\n    type: long_essay\n")
    result = runner.invoke(args=["course", "validate", "--bank", str(bank)])
    assert result.exit_code == 1
    assert f"{bank}:3: [x] unknown type 'long_essay'" in result.output
    assert "Traceback" not in result.output


def test_question_export_formats_come_from_the_registry(app, runner, tmp_path):
    from course.exports.formats import QUESTION_FORMATS

    bogus = runner.invoke(args=["export", "questions", "--format", "pdf", "--out", str(tmp_path / "x")])
    assert bogus.exit_code == 2 and all(name in bogus.output for name in QUESTION_FORMATS)
    for name, fmt in QUESTION_FORMATS.items():
        out = tmp_path / f"bank.{fmt.extension}"
        result = runner.invoke(args=["export", "questions", "--format", name, "--out", str(out)])
        assert result.exit_code == 0 and out.stat().st_size > 0, result.output
        assert f"as {name} to {out}" in result.output


def test_instructors_download_question_exports_and_unknown_formats_are_404(app, client, login_as):
    from course.exports.formats import QUESTION_FORMATS

    login_as("instructor")
    index = client.get("/teach/").get_data(as_text=True)
    for name, fmt in QUESTION_FORMATS.items():
        assert f"/teach/questions.{name}" in index
        response = client.get(f"/teach/questions.{name}")
        assert response.status_code == 200 and response.mimetype == fmt.mime.split(";")[0]
        assert fmt.filename in response.headers["Content-Disposition"]
    assert client.get("/teach/questions.pdf").status_code == 404
