"""Home says what to do next; lessons, readings, the glossary and progress read as people expect (real course)."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.learn import glossary_index
from app.models import Role
from app.rendering import name_glossary_links, term_as_written
from app.services import audit, progress
from app.services.content import get_course
from course.mastery import Mastery
from course.model import GlossaryTerm
from tests.conftest import csrf_from, make_user

REAL_COURSE = Path(__file__).resolve().parents[2]


@pytest.fixture()
def app_config() -> dict:
    """The real course: seven lessons, an overview no question assesses, 45 glossary terms."""
    return {"LESSONS_DIR": str(REAL_COURSE / "lessons"), "QUESTION_BANK": str(REAL_COURSE / "question_bank.yaml")}


def term(term_id: str, name: str, definition: str) -> GlossaryTerm:
    return GlossaryTerm(id=term_id, term=name, definition=definition, source="s", quote="q")


# Glossary links ----------------------------------------------------------------------------


def test_glossary_links_show_the_term_not_the_slug(client):
    html = client.get("/lessons/00-overview").get_data(as_text=True)
    links = dict(re.findall(r'<a class="term" href="/glossary#([a-z0-9.-]+)"[^>]*>([^<]+)</a>', html))
    assert links["sorm"] == "SORM" and links["wcit"] == "WCIT" and links["huawei"] == "Huawei"
    synthesis = client.get("/lessons/06-synthesis").get_data(as_text=True)
    assert re.search(r'href="/glossary#national-ai-strategy"[^>]*>national AI strategy</a>', synthesis)
    assert ">national ai strategy<" not in synthesis and ">sorm<" not in html


def test_a_term_reads_as_written_in_running_text():
    safe = term("safe-city", "Safe city", "A “safe city” programme ... the label safe city ...")
    wcit = term("wcit", "WCIT (World Congress on Information and Technology)", "The WCIT is a congress.")
    sorm = term("sorm", "SORM", "SORM is a system.")
    assert term_as_written(safe, sentence_start=True) == "Safe city"
    assert term_as_written(safe, sentence_start=False) == "safe city"
    assert term_as_written(wcit, sentence_start=False) == "WCIT"
    assert term_as_written(sorm, sentence_start=False) == "SORM"
    text = "- [[safe-city]] and [[safe-city]]. [[sorm]], see [[safe-city|Safe cities]] and [[unknown]]"
    assert name_glossary_links(text, [safe, sorm]) == (
        "- [[safe-city|Safe city]] and [[safe-city|safe city]]. [[sorm|SORM]], see [[safe-city|Safe cities]] and [[unknown]]"
    )


# Lesson numbering, the overview, the reading's lessons ---------------------------------------


def test_home_and_lesson_number_a_lesson_the_same_way(client):
    home = client.get("/").get_data(as_text=True)
    for lesson_id, label, shown in (
        ("00-overview", "Overview", "Unit overview: "),  # its title says it is the overview
        ("01-goode-2020", "Lesson 1", "Lesson 1: Russia"),
        ("06-synthesis", "Lesson 6", "Lesson 6: Synthesis"),
    ):
        assert re.search(rf'href="/lessons/{lesson_id}">{shown}', home), lesson_id
        page = client.get(f"/lessons/{lesson_id}").get_data(as_text=True)
        assert f'<p class="muted">{label} · about' in page
    assert '<ol class="unit-map">' in home  # numbered in words, not by the list's own 1., 2., ...
    css = (REAL_COURSE / "app/static/css/app.css").read_text()
    assert re.search(r"\.unit-map \{ list-style: none;", css)


def test_the_overview_shows_something_true_instead_of_zero_of_four_mastered(client, student):
    home = client.get("/").get_data(as_text=True)
    overview = home.split('href="/lessons/00-overview">', 1)[1].split("</li>", 1)[0]
    assert "objectives mastered" not in overview and "no questions assess this lesson" in overview
    page = client.get("/progress").get_data(as_text=True)
    section = page.split("Unit overview", 1)[1].split('<div class="table-scroll"', 1)[0]
    assert "not started" not in section and "no questions assess its objectives" in section


def test_the_reading_links_back_to_its_lessons(client):
    html = client.get("/readings/goode-2020").get_data(as_text=True)
    assert "<dt>Read in</dt>" in html
    assert 'href="/lessons/01-goode-2020">Lesson 1: ' in html and 'href="/lessons/00-overview">Unit overview: ' in html
    assert 'href="/lessons/02-marat-2018"' not in html


def test_paragraph_links_are_named_by_their_visible_text_first(client):
    for path in ("/readings/goode-2020", "/lessons/01-goode-2020"):
        html = client.get(path).get_data(as_text=True)
        links = re.findall(r'<a class="para-link"([^>]*)>(.*?)</a>', html)
        assert links, path
        for attributes, content in links:
            assert "aria-label" not in attributes, path  # the name is the text, which starts with what is seen
            assert re.match(r'¶(\d+)<span class="visually-hidden"> \(paragraph \1[ )]', content), (path, content)


def test_no_repository_path_is_shown_as_text_on_the_privacy_page(client):
    assert "docs/" not in client.get("/privacy").get_data(as_text=True)


# Completing a lesson and undoing it ---------------------------------------------------------


def test_mark_as_not_complete_undoes_complete(app, client, student):
    page = client.get("/lessons/01-goode-2020").get_data(as_text=True)
    client.post("/lessons/01-goode-2020/complete", data={"csrf_token": csrf_from(page)})
    page = client.get("/lessons/01-goode-2020").get_data(as_text=True)
    assert "You marked this lesson complete" in page and "Mark as not complete" in page
    assert client.post("/lessons/01-goode-2020/incomplete").status_code == 400  # no CSRF token: nothing changes
    with app.app_context():
        assert progress.lesson_progress(student, get_course())["01-goode-2020"].completed
    response = client.post("/lessons/01-goode-2020/incomplete", data={"csrf_token": csrf_from(page)})
    assert response.headers["Location"] == "/lessons/01-goode-2020"
    page = client.get("/lessons/01-goode-2020").get_data(as_text=True)
    assert "is no longer marked complete" in page and "Mark as complete" in page and "Mark as not complete" not in page
    with app.app_context():
        assert not progress.lesson_progress(student, get_course())["01-goode-2020"].completed
    assert client.post("/lessons/no-such/incomplete", data={"csrf_token": csrf_from(page)}).status_code == 404


# Next up ------------------------------------------------------------------------------------


def course_progress(course, completed=()):
    return {lesson.id: progress.LessonProgress(lesson.id, lesson.id in completed, 0, 0, 0, 0) for lesson in course.lessons}


def test_next_up_resumes_then_reviews_then_the_next_lesson_then_the_weakest(app):
    with app.app_context():
        course = get_course()
    ids = [lesson.id for lesson in course.lessons]
    weak = Mastery("02-marat-2018.o3", 0.25, 4)
    mastery = {"02-marat-2018.o3": weak, "01-goode-2020.o1": Mastery("01-goode-2020.o1", 1.0, 5)}
    attempt = SimpleNamespace(id=7, deadline=None, title="Self-test")
    assert progress.next_up(course, course_progress(course), mastery, 3, [attempt]) == progress.NextUp("resume", attempt=attempt)
    assert progress.next_up(course, course_progress(course), mastery, 3, []) == progress.NextUp("review", due=3)
    assert progress.next_up(course, course_progress(course, ids[:2]), mastery, 0, []).lesson_id == ids[2]
    done = progress.next_up(course, course_progress(course, ids), mastery, 0, [])
    assert (done.kind, done.lesson_id, done.objective) == ("practise", "02-marat-2018", weak)
    assert progress.next_up(course, course_progress(course, ids), {}, 0, []).kind == "self-test"


def test_home_shows_next_up_and_a_progress_bar_per_lesson(client, student):
    home = client.get("/").get_data(as_text=True)
    card = home.split('aria-labelledby="next-up-title"', 1)[1].split("</section>", 1)[0]
    assert 'class="button" href="/lessons/00-overview">Unit overview: watching' in card
    page = client.get("/lessons/00-overview").get_data(as_text=True)
    client.post("/lessons/00-overview/complete", data={"csrf_token": csrf_from(page)})
    card = client.get("/").get_data(as_text=True).split('aria-labelledby="next-up-title"', 1)[1].split("</section>", 1)[0]
    assert 'class="button" href="/lessons/01-goode-2020">Lesson 1: ' in card
    home = client.get("/").get_data(as_text=True)
    assert re.search(
        r'<progress id="bar-01-goode-2020" max="5" value="0" aria-label="Objectives mastered in Lesson 1">0 of 5</progress>\s*'
        r"0 of 5 objectives mastered · 0 of 49 questions tried",
        home,
    )
    assert 'aria-label="Overview read">read</progress>' in home


def test_home_next_up_resumes_an_open_self_test(client, student):
    page = client.get("/quiz/").get_data(as_text=True)
    response = client.post(
        "/quiz/", data={"csrf_token": csrf_from(page), "lessons": ["01-goode-2020"], "count": "5", "minutes": "0"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    card = client.get("/").get_data(as_text=True).split('aria-labelledby="next-up-title"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'class="button" href="/quiz/attempts/\d+[^"]*">Resume “Self-test: ', card), card


# Glossary: A-Z and search -------------------------------------------------------------------


def test_glossary_has_an_a_to_z_index_of_the_letters_in_use(client):
    html = client.get("/glossary").get_data(as_text=True)
    index = html.split('aria-label="Glossary A to Z"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="#letter-S">S</a>' in index and '<a href="#letter-D">D</a>' in index
    assert '<span class="az-empty">Q<span class="visually-hidden"> (no terms)</span></span>' in index
    assert '<h2 id="letter-S">S</h2>' in html and html.index('id="sorm"') > html.index('id="letter-S"')
    # "“Digital economy” national project" is listed under D, not under a quotation mark
    assert html.index('id="digital-economy-project"') < html.index('id="letter-E"')
    assert len(re.findall(r'<dt id="', html)) == len(get_course_terms(client))


def get_course_terms(client):
    with client.application.app_context():
        return get_course().glossary


def test_glossary_search_works_without_javascript(client):
    html = client.get("/glossary?q=SORM").get_data(as_text=True)
    assert '<dt id="sorm">SORM</dt>' in html and 'id="huawei"' not in html
    assert "match “SORM” in the name or the definition" in html and 'value="SORM"' in html
    assert 'href="/glossary">Show all 45 terms</a>' in html
    nothing = client.get("/glossary?q=zzzz-nothing").get_data(as_text=True)
    assert "0 terms match" in nothing and "No term matches" in nothing and "<dt" not in nothing
    hostile = client.get("/glossary?q=<script>x</script>").get_data(as_text=True)
    assert "<script>x" not in hostile and "&lt;script&gt;x" in hostile


def test_glossary_index_sorts_and_groups():
    terms = [term("b", "“Beta” thing", "d"), term("a", "alpha", "d"), term("n", "9 lives", "d"), term("c", "Ćevap", "d")]
    ordered = glossary_index.search(terms)
    assert [t.id for t in ordered] == ["n", "a", "b", "c"]
    assert [(letter, [t.id for t in group]) for letter, group in glossary_index.by_letter(ordered)] == [
        ("A", ["a"]),
        ("B", ["b"]),
        ("#", ["n", "c"]),
    ]
    assert [t.id for t in glossary_index.search(terms, "  THING ")] == ["b"]


# Staff pages: the audit log names people, tables scroll in their own box -----------------------


def test_audit_log_names_people_not_internal_ids(app, client, login_as):
    learner = make_user(app, "pupil@example.org")
    gone = 987654  # an account that no longer exists
    admin = login_as(Role.ADMIN)
    with app.app_context():
        audit.record(admin, "roster.remove", "section 3", user_id=learner)
        audit.record(admin, "user.role", audit.user_ref(learner), subject_id=learner, before="student", after="instructor")
        audit.record(admin, "contest.accepted", "contest 5", subject_id=learner, graded_by_user_id=gone)
        db.session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "user_id" not in html and f"user {learner}" not in html
    assert "learner: pupil@example.org" in html and f"graded by: account #{gone} (no longer exists)" in html
    assert "<td>user.role</td><td>pupil@example.org</td>" in html


@pytest.mark.parametrize("path", ["/admin/users", "/admin/audit"])
def test_staff_tables_scroll_in_their_own_box(client, login_as, path):
    login_as(Role.ADMIN)
    html = client.get(path).get_data(as_text=True)
    assert re.search(
        r'<div class="table-scroll" tabindex="0" role="region" aria-label="[^"]+, scrolls sideways on a narrow screen">\s*<table',
        html,
    )


def test_progress_tables_scroll_in_their_own_box(client, student):
    html = client.get("/progress").get_data(as_text=True)
    assert html.count('<div class="table-scroll" tabindex="0" role="region"') == 6  # one per assessed lesson
    assert "00-overview" not in html and ".o1" not in html  # no internal ids


def test_print_stylesheet_prints_external_addresses_and_hides_navigation():
    css = (REAL_COURSE / "app/static/css/print.css").read_text()
    assert 'a[href^="https://"]:not(.url)::after { content: " (" attr(href) ")"' in css
    assert "a[href]::after" not in css  # paragraph anchors and internal links print as their text
    assert re.search(r"nav, form, button[^{]*\{ display: none", css)
    assert ".answer-key { break-before: page;" in css
