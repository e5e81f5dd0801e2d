"""The question browser: filters and search, one question with key, feedback, evidence and scoped
statistics, a preview that records nothing, and item analysis with prompts and the small-sample rule."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Attempt, AttemptAnswer, Enrollment, ReviewCard, Role, User
from app.services import assignments, quizzes, sections
from app.services.content import get_course
from course.analytics import SMALL_SAMPLE
from tests.conftest import Auth, csrf_from, make_user
from tests.world import open_quiz


def listed(html: str) -> list[str]:
    """The question ids the browser lists, in order."""
    return re.findall(r'href="/teach/questions/([a-z0-9.-]+)"', html)


def status_line(html: str) -> str:
    return re.search(r'<p role="status">(.*?)</p>', html, re.S).group(1)


def test_the_browser_lists_every_question_and_filters_by_each_field(client, login_as):
    login_as("instructor")
    html = client.get("/teach/questions").get_data(as_text=True)
    assert listed(html) == [f"demo-00{i}" for i in range(1, 8)]
    assert "7 of 7 questions" in status_line(html)
    assert listed(client.get("/teach/questions?type=single_choice").get_data(as_text=True)) == ["demo-002"]
    assert listed(client.get("/teach/questions?objective=01-demo.o3").get_data(as_text=True)) == ["demo-004", "demo-007"]
    assert listed(client.get("/teach/questions?bloom=analyze&difficulty=2").get_data(as_text=True)) == ["demo-002", "demo-007"]
    assert len(listed(client.get("/teach/questions?lesson=01-demo").get_data(as_text=True))) == 7
    # The form keeps what was chosen, and shows every type by its label.
    html = client.get("/teach/questions?type=matching&bloom=understand").get_data(as_text=True)
    assert '<option value="matching" selected>Matching</option>' in html and '<option value="understand" selected>' in html
    assert listed(html) == ["demo-006"]


def test_search_looks_in_prompts_and_options_and_needs_every_word(client, login_as):
    login_as("instructor")
    assert listed(client.get("/teach/questions?q=Whose+claim").get_data(as_text=True)) == ["demo-002"]
    # "bought abroad" is only in an option of demo-003.
    assert listed(client.get("/teach/questions?q=BOUGHT+abroad").get_data(as_text=True)) == ["demo-003"]
    assert listed(client.get("/teach/questions?q=cameras+abroad").get_data(as_text=True)) == ["demo-003"]
    html = client.get("/teach/questions?q=zeppelin").get_data(as_text=True)
    assert listed(html) == [] and "No question matches" in html


def test_unknown_filter_values_are_ignored_and_a_wild_page_is_clamped(client, login_as):
    login_as("instructor")
    for query in ("type=nonsense", "difficulty=9", "bloom=create", "lesson=99-x", "objective=x", "page=-3", "page=999999999"):
        response = client.get(f"/teach/questions?{query}")
        assert response.status_code == 200, query
        assert len(listed(response.get_data(as_text=True))) == 7, query


def test_the_question_page_shows_key_feedback_explanation_and_linked_evidence(client, login_as):
    login_as("instructor")
    html = unescape(client.get("/teach/questions/demo-002").get_data(as_text=True))
    assert "Whose claim is it that the cameras reduced crime?" in html
    assert re.search(r'class="key[^"]*"[^>]*>\s*<span class="mark">[^<]*</span>\s*Officials', html), "the key is marked"
    for feedback in (
        "Activists said the cameras were used against protesters.",
        "The source attributes the crime claim to officials.",
        "The author reports the claim; it is not the author's.",
    ):
        assert feedback in html, feedback
    assert "Yes (key)" in html and "Officials made the claim." in html
    assert re.search(r'href="/readings/demo-source#p\d+"', html), "the evidence links to its paragraph"
    assert 'href="/teach/questions/demo-002/preview"' in html
    true_false = client.get("/teach/questions/demo-004").get_data(as_text=True)
    assert "Right: it is a claim attributed to officials." in true_false and "it does not prove it" in true_false


@pytest.mark.parametrize("question_id", [f"demo-00{i}" for i in range(1, 8)])
def test_every_question_page_and_preview_renders(client, login_as, question_id):
    login_as("admin")
    assert client.get(f"/teach/questions/{question_id}").status_code == 200
    assert client.get(f"/teach/questions/{question_id}/preview").status_code == 200


def test_an_unknown_question_is_404_everywhere(client, login_as):
    login_as("instructor")
    for url in ("/teach/questions/demo-999", "/teach/questions/demo-999/preview"):
        assert client.get(url).status_code == 404, url
    token = csrf_from(client.get("/teach/questions/demo-002/preview").get_data(as_text=True))
    assert client.post("/teach/questions/demo-999/preview", data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("role", [None, Role.STUDENT])
def test_students_and_anonymous_visitors_are_refused(client, login_as, role):
    if role:
        login_as(role)
    for url in ("/teach/questions", "/teach/questions/demo-002", "/teach/questions/demo-002/preview"):
        response = client.get(url)
        assert response.status_code == (403 if role else 302), url
        if role is None:
            assert "/account/login" in response.headers["Location"]


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (Answer, ReviewCard, Attempt, AttemptAnswer)
        }


def test_preview_shows_feedback_and_evidence_and_records_nothing(app, client, login_as):
    login_as("instructor")
    before = row_counts(app)
    page = client.get("/teach/questions/demo-002/preview").get_data(as_text=True)
    assert 'name="answer"' in page and "Nothing you answer here is recorded" in page
    seed = re.search(r'name="seed" value="([0-9a-f]{16})"', page).group(1)
    response = client.post("/teach/questions/demo-002/preview", data={"csrf_token": csrf_from(page), "seed": seed, "answer": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not right." in html and "Activists said the cameras were used against protesters." in html
    assert "Officials made the claim." in html and re.search(r'href="/readings/demo-source#p\d+"', html)
    right = client.post("/teach/questions/demo-002/preview", data={"csrf_token": csrf_from(page), "seed": seed, "answer": "1"})
    assert "Right." in right.get_data(as_text=True)
    typed = client.post("/teach/questions/demo-005/preview", data={"csrf_token": csrf_from(page), "answer": "activists"})
    assert "Right." in typed.get_data(as_text=True)
    assert row_counts(app) == before


def test_preview_without_an_answer_asks_for_one_like_practice(client, login_as):
    login_as("instructor")
    page = client.get("/teach/questions/demo-002/preview").get_data(as_text=True)
    response = client.post("/teach/questions/demo-002/preview", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 400 and "Answer the question first" in response.get_data(as_text=True)


def take_demo_002(app, teacher_email: str, learners: list[tuple[str, int]], section_name: str) -> None:
    """A section of the teacher whose learners each submit one attempt at demo-002, picking the given option."""
    with app.app_context():
        course = get_course()
        teacher = db.session.scalar(select(User).where(User.email == teacher_email))
        section = sections.create_section(teacher, section_name, "Spring 2027")
        assignment = assignments.create(
            teacher,
            section,
            course,
            open_quiz("Who said it", ("01-demo",), ("single_choice",), 1, answers_policy="after_submit"),
        )
        for email, pick in learners:
            learner = db.session.get(User, make_user(app, email))
            db.session.add(Enrollment(section_id=section.id, user_id=learner.id))
            db.session.commit()
            attempt = assignments.start_attempt(learner, assignment, course)
            question = quizzes.questions_of(attempt, course)[0]
            assert question.id == "demo-002"
            quizzes.save_answer(attempt, question, pick, 1)
            quizzes.submit(attempt, course=course)
        db.session.remove()


def stat(html: str, name: str) -> str:
    return re.search(rf"<dt>{re.escape(name)}</dt><dd>(.*?)</dd>", html, re.S).group(1).strip()


def test_statistics_count_only_the_instructors_own_sections(app, client, login_as, fixed_clock):
    login_as("instructor", "mine@example.org")
    make_user(app, "theirs@example.org", Role.INSTRUCTOR)
    take_demo_002(app, "mine@example.org", [("ann@example.org", 1)], "Mine")
    take_demo_002(app, "theirs@example.org", [("bob@example.org", 0), ("cid@example.org", 0)], "Theirs")

    html = client.get("/teach/questions/demo-002").get_data(as_text=True)
    assert "Statistics in your sections" in html and "other instructors' learners are not counted" in html
    assert stat(html, "Responses (n)") == "1"
    assert stat(html, "Facility (95% CI)").startswith("1.00")
    counts = re.findall(r'<tr><th scope="row">([ABC])\.[^<]*(?:<[^>]+>[^<]*)*?</th><td>(\d+)</td></tr>', html)
    assert counts == [("A", "0"), ("B", "1"), ("C", "0")]
    assert f"small sample (n = 1, below {SMALL_SAMPLE})" in html

    admin = app.test_client()
    make_user(app, "boss@example.org", Role.ADMIN)
    Auth(admin).login("boss@example.org")
    everyone = admin.get("/teach/questions/demo-002").get_data(as_text=True)
    assert "Statistics in all sections" in everyone and stat(everyone, "Responses (n)") == "3"

    untouched = client.get("/teach/questions/demo-001").get_data(as_text=True)
    assert "No submitted attempt in your sections has included this question yet." in untouched


def test_item_analysis_shows_prompts_option_texts_links_and_withholds_small_sample_flags(app, client, login_as, fixed_clock):
    login_as("instructor", "mine@example.org")
    take_demo_002(app, "mine@example.org", [("ann@example.org", 1), ("bob@example.org", 1)], "Mine")
    html = client.get("/teach/items").get_data(as_text=True)
    assert '<a href="/teach/questions/demo-002">Whose claim is it that the cameras reduced crime?</a>' in html
    assert "Officials" in html and "Activists" in html and "B ✓: 2" in html
    # The notice says once what a small sample is and below which n flags are withheld.
    assert html.count("Small sample</strong> means fewer than 20 responses") == 1
    assert f"Below n = {SMALL_SAMPLE} no flag is shown" in html
    # Everyone picked the key (facility 1.0, "too easy") and two options went unused: n = 2 supports neither.
    assert 'class="tag flag"' not in html and "too easy" not in html.split("</details>")[1]
    assert "No question is flagged." in client.get("/teach/items?flagged=1").get_data(as_text=True)


def test_flags_appear_from_the_small_sample_threshold_up(app, client, login_as, fixed_clock):
    login_as("instructor", "mine@example.org")
    learners = [(f"l{i}@example.org", 1) for i in range(SMALL_SAMPLE)]
    take_demo_002(app, "mine@example.org", learners, "Big")
    html = client.get("/teach/items?flagged=1").get_data(as_text=True)
    assert '<span class="tag flag">too easy</span>' in html and '<span class="tag flag">unused distractor</span>' in html
    page = client.get("/teach/questions/demo-002").get_data(as_text=True)
    assert stat(page, "Responses (n)") == str(SMALL_SAMPLE) and '<span class="tag flag">too easy</span>' in page
