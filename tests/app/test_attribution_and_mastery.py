"""The feedback page names who speaks in a quote; a reading-only lesson's objectives do not count toward mastery."""

from __future__ import annotations

from app.services import progress
from app.services.content import get_course
from course.model import Evidence
from tests.conftest import csrf_from, practice_token_from


def test_the_feedback_names_the_speaker_of_a_quote(app, client, login_as, monkeypatch):
    with app.app_context():
        course = get_course()
    spoken = [
        q.model_copy(
            update={"evidence": [Evidence(source=e.source, quote=e.quote, speaker="City officials") for e in q.evidence]}
        )
        if q.id == "demo-002"
        else q
        for q in course.questions
    ]
    monkeypatch.setitem(
        app.extensions, "oversight_course", type(course)(course.lessons, course.readings, course.glossary, tuple(spoken))
    )
    login_as("student")
    page = client.get("/practice/demo-002").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "answer": "1"}
    feedback = client.get(client.post("/practice/demo-002", data=data).headers["Location"]).get_data(as_text=True)
    assert '<span class="speaker">City officials</span>, quoted in <a href="/readings/demo-source#p' in feedback


def test_objectives_no_question_assesses_do_not_count_toward_mastery(app, client, login_as, monkeypatch):
    with app.app_context():
        course = get_course()
    lesson = course.lessons[0]
    unassessed = [lesson.meta.objectives[-1].id]  # as an overview lesson's: no question assesses it
    kept = tuple(q for q in course.questions if q.objective not in unassessed)
    monkeypatch.setitem(app.extensions, "oversight_course", type(course)(course.lessons, course.readings, course.glossary, kept))
    user = login_as("student")
    with app.app_context():
        counted = progress.lesson_progress(user, get_course())[lesson.id]
        assert counted.objectives == len(lesson.meta.objectives) - len(unassessed)
    page = client.get("/progress").get_data(as_text=True)
    assert f"0/{counted.objectives} objectives mastered" in page
