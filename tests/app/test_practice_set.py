"""The printable practice set: drawn as in a self-test, stable for a seed, with an answer key; bad input never a 500."""

import re

import pytest

from app.learn import practice_set as sets
from app.services.content import get_course

URL = "/lessons/01-demo/practice-set"


def questions_of(html: str) -> list[str]:
    """The prompts of the set's questions, in order."""
    part = html.split('<ol class="practice-questions">', 1)[1].split("</ol>\n</section>", 1)[0]
    return re.findall(r'<li class="practice-question" id="q\d+">\s*<div class="prompt">(.*?)</div>', part, re.S)


def key_of(html: str) -> str:
    return html.split('<section class="answer-key"', 1)[1].split("</section>", 1)[0]


def test_the_set_needs_a_login(client):
    response = client.get(URL + "?count=3&seed=abc")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_without_a_seed_it_redirects_to_an_address_that_has_one(client, student):
    response = client.get(URL + "?count=3")
    assert response.status_code == 302
    assert re.search(r"/lessons/01-demo/practice-set\?count=3&seed=[0-9a-f]{16}$", response.headers["Location"])


def test_the_same_seed_gives_the_same_questions_in_the_same_order(client, student):
    first = client.get(URL + "?count=5&seed=s1").get_data(as_text=True)
    again = client.get(URL + "?count=5&seed=s1").get_data(as_text=True)
    assert len(questions_of(first)) == 5 and questions_of(first) == questions_of(again) and key_of(first) == key_of(again)
    others = {tuple(questions_of(client.get(URL + f"?count=5&seed=s{n}").get_data(as_text=True))) for n in range(2, 8)}
    assert len(others | {tuple(questions_of(first))}) > 1


def test_every_type_prints_with_a_key_explanation_and_numbered_passage(app, client, student):
    html = client.get(URL + "?count=7&seed=all").get_data(as_text=True)
    assert len(questions_of(html)) == 7  # the demo bank: one question of each machine-graded type
    key = key_of(html)
    entries = re.findall(r'<li id="key-(\d+)">(.*?)</li>\n(?=\s*(?:<li id="key-|</ol>))', key, re.S)
    assert [int(n) for n, _ in entries] == list(range(1, 8))
    for _, entry in entries:
        assert re.search(r"<strong>Key:</strong>\s*\S", entry) and "<strong>Why:</strong>" in entry
        assert re.search(r'<a href="/readings/demo-source#p\d+">A small test source, paragraph \d+</a>', entry), entry
    assert "Choose one." in html and "Choose all that apply." in html and "True or false?" in html
    assert "Write the letters in the right order." in html and "Write the letter of the option that matches" in html
    assert '<form method="get" action="/lessons/01-demo/practice-set"' in html  # a new set records nothing


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("count=0&seed=a", "must be from 1 to 50; got 0"),
        ("count=51&seed=a", "must be from 1 to 50; got 51"),
        ("count=ten&seed=a", "must be a whole number from 1 to 50; got “ten”"),
        ("count=5&seed=%3Cx%3E", "The seed may hold only letters, digits and hyphens"),
    ],
)
def test_a_bad_request_gets_a_clear_message(client, student, query, message):
    response = client.get(f"{URL}?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html and 'role="alert"' in html
    assert "<x>" not in html


def test_unknown_lesson_or_objective_is_404(client, student):
    assert client.get("/lessons/no-such/practice-set?count=3&seed=a").status_code == 404
    assert client.get(URL + "?count=3&seed=a&objective=99-other.o1").status_code == 404


def test_one_objective_and_asking_for_more_than_exist(client, student):
    html = client.get(URL + "?count=50&seed=a&objective=01-demo.o2").get_data(as_text=True)
    assert len(questions_of(html)) == 3  # 01-demo.o2 has three questions
    assert "You asked for 50 questions; this objective has 3 you can practise, so the set has all 3." in html
    assert "Objective: Explain the disputed claim." in html


def test_the_lesson_page_links_to_the_set(client, student):
    html = client.get("/lessons/01-demo").get_data(as_text=True)
    assert f'<a href="{URL}?count=10">Printable practice set</a>' in html


def test_no_essays_and_no_held_questions_are_drawn(app):
    with app.app_context():
        course = get_course()
    everything = sets.build(course, "01-demo", None, 50, "x", exclude=set())
    assert {item.question.type for item in everything.items} <= {
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "ordering",
        "cloze",
    }
    held = {everything.items[0].question.id}
    assert held.isdisjoint(item.question.id for item in sets.build(course, "01-demo", None, 50, "x", exclude=held).items)


def test_every_lesson_of_the_real_course_prints_without_error(app, client, student, monkeypatch):
    from pathlib import Path

    from course.catalog import load_course

    root = Path(__file__).resolve().parents[2]
    real = load_course(root / "lessons", root / "question_bank.yaml")
    monkeypatch.setitem(app.extensions, "oversight_course", real)
    for lesson in real.lessons:
        response = client.get(f"/lessons/{lesson.id}/practice-set?count=50&seed=print")
        assert response.status_code == 200, lesson.id
        html = response.get_data(as_text=True)
        drawn = sets.build(real, lesson.id, None, 50, "print", exclude=set())
        assert len(questions_of(html)) == len(drawn.items) == min(50, drawn.available)
        assert all(item.question.type != "essay" for item in drawn.items)
        assert "paragraph ?" not in html, lesson.id
