"""The validator: one failing fixture per rule (tests/data/invalid_*), and the real course passes."""

import shutil
from pathlib import Path

import pytest

from course.validate import run_cli, summary_table, validate

DATA = Path(__file__).resolve().parents[1] / "data"
COURSE = DATA / "course"
ROOT = Path(__file__).resolve().parents[2]

BANK_RULES = {
    "single_choice_two_keys": (18, "demo-002", "exactly one choice with correct: true"),
    "unknown_key": (5, "demo-001", "tolerence: unknown key"),
    "unknown_type": (5, "demo-001", "unknown type 'long_essay'"),
    "id_too_long": (5, "demo-" + "x" * 76, "id: String should have at most 80 characters"),
    "missing_feedback": (18, "demo-002", "choices.0.feedback: required key is missing"),
    "all_of_the_above": (18, "demo-002", "'all/none of the above' choices are not allowed"),
    "duplicate_id": (18, "demo-001", "duplicate id (first used on line 5)"),
    "unknown_lesson": (5, "demo-001", "lesson '09-missing' does not exist"),
    "unknown_objective": (5, "demo-001", "objective '01-demo.o9' is not an objective of lesson 01-demo"),
    "quote_not_verbatim": (5, "demo-001", "evidence 1: quote not found verbatim in one paragraph of demo-source"),
    "unknown_source": (5, "demo-001", "source 'nowhere-2020' is not a reading id"),
    "quote_too_short": (18, "demo-002", "quote is shorter than 5 words"),
    "unknown_glossary_term": (5, "demo-001", "glossary term 'no-such-term' is not in glossary.yaml"),
    "duplicate_prompt": (18, "demo-002", "the same prompt as demo-001 (line 5)"),
    "near_duplicate_prompt": (18, "demo-002", "a near-duplicate prompt"),
    "too_few_questions": (None, None, "2 questions; the bank needs at least 3"),
    "too_few_per_type": (None, None, "0 true_false questions; each type needs at least 1"),
    "too_few_per_source_lesson": (None, None, "lesson 01-demo has 2 questions; add at least 1 more"),
    "too_few_synthesis": (None, None, "0 synthesis questions"),
    "too_much_remember": (None, None, "1/2 questions are 'remember'; at most 40% may be"),
    "too_little_analysis": (None, None, "1/2 questions are 'analyze' or 'evaluate'; at least 60% must be"),
    "key_position_crowded": (None, None, "choice 2 is the key of 1/1 single-choice questions"),
    "key_is_the_longest_choice": (
        None,
        None,
        "lesson 01-demo: the key is strictly the longest choice in 1/1 single-choice questions",
    ),
    "too_little_apply": (None, None, "0/2 questions are 'apply'"),
    "attribution_to_the_wrong_speaker": (
        17,
        "demo-002",
        "evidence 1 is the words of City officials, whom the prompt does not name",
    ),
    "bad_policy_key": (2, "policy", "min_totl: unknown key"),
    "malformed_yaml": (7, None, "malformed YAML: did not find expected ',' or ']' (in the construct opened on line 6)"),
    "wrong_top_level": (1, None, "top level must be a mapping with 'version: 1' and a 'questions:' list"),
    "empty": (None, None, "is empty"),
    "not_utf8": (3, None, "is not valid UTF-8 text"),
}

LESSON_RULES = {
    "sections_out_of_order": "sections must be, in order: Why it matters; Key concepts",
    "too_few_discussion_prompts": "2 discussion prompts; write at least 4",
    "too_many_words": "words; lessons need 0-1800",
    "unknown_glossary_link": "glossary link [[safe-cty]] names no term",
    "unknown_lesson_source": "sources: no reading 'ghost-2019'",
    "objective_id_prefix": "objective '02-other.o3' must start with '01-demo.o'",
    "bad_front_matter": "estimated_minutes: Input should be a valid integer",
    "too_few_objectives": "objectives: List should have at least 3 items",
    "glossary_quote_not_verbatim": "quote not found verbatim in one paragraph of demo-source",
    "glossary_unknown_see_also": "see_also 'nothing-here' is not a term id",
    "reading_date_without_note": "date is null: add date_note",
    "objective_not_measurable": "should start with a measurable verb (explain, compare, identify, evaluate ...), not 'understand'",
}


def test_every_invalid_bank_fixture_has_a_rule():
    assert {p.stem for p in (DATA / "invalid_banks").glob("*.yaml")} == set(BANK_RULES)
    assert {p.name for p in (DATA / "invalid_lessons").iterdir()} == set(LESSON_RULES)


def test_the_fixture_course_is_valid():
    report = validate(COURSE / "bank.yaml", COURSE / "lessons")
    assert report.problems == []


@pytest.mark.parametrize("rule", sorted(BANK_RULES))
def test_each_bank_rule_fails_its_fixture_with_file_line_and_id(rule):
    line, item, message = BANK_RULES[rule]
    path = DATA / "invalid_banks" / f"{rule}.yaml"
    report = validate(path, COURSE / "lessons")
    matching = [p for p in report.problems if message in p.message]
    assert matching, [str(p) for p in report.problems]
    problem = matching[0]
    assert problem.path == str(path)
    assert problem.line == line
    assert problem.item == item


@pytest.mark.parametrize("rule", sorted(LESSON_RULES))
def test_each_lesson_rule_fails_its_fixture(rule, tmp_path):
    lessons = tmp_path / "lessons"
    shutil.copytree(COURSE / "lessons", lessons)
    shutil.copytree(DATA / "invalid_lessons" / rule, lessons, dirs_exist_ok=True)
    report = validate(COURSE / "bank.yaml", lessons)
    assert any(LESSON_RULES[rule] in p.message for p in report.problems), [str(p) for p in report.problems]


def test_cli_prints_one_line_per_error_and_exits_1(capsys):
    code = run_cli(DATA / "invalid_banks" / "malformed_yaml.yaml", COURSE / "lessons")
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("error: ") and "malformed_yaml.yaml:7:" in out[0]
    assert out[-1] == "1 error(s); the course is not valid."


def test_missing_lessons_folder_is_an_error_not_a_crash(tmp_path):
    report = validate(COURSE / "bank.yaml", tmp_path / "nope")
    assert "lessons folder not found" in str(report.problems[0])


def test_python_m_course_validate_has_the_same_options(capsys):
    from course.__main__ import main

    assert main(["validate", "--bank", str(COURSE / "bank.yaml"), "--lessons", str(COURSE / "lessons")]) == 0
    assert "Course valid: 1 lessons, 1 readings, 1 glossary terms, 7 questions." in capsys.readouterr().out


def test_the_real_course_validates_and_meets_the_issue_counts():
    report = validate(ROOT / "question_bank.yaml", ROOT / "lessons")
    assert report.problems == [], "\n".join(str(p) for p in report.problems)
    qs = report.questions
    assert len(qs) >= 260 and len(report.glossary) >= 30
    assert sum(q.bloom == "apply" for q in qs) / len(qs) >= 0.15
    assert {lesson.id for lesson in report.lessons} >= {"00-overview", "06-synthesis"} and len(report.lessons) == 7
    table = summary_table(report)
    assert "TOTAL" in table and "single-choice key positions" in table and "strictly the longest choice" in table
