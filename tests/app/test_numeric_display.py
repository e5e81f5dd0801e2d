"""A large numeric key is shown as people write it (issue 9, defect 18)."""

from tests.app.test_attempt_integrity import swap_course
from tests.conftest import csrf_from, practice_token_from


def test_a_numeric_key_of_millions_is_shown_without_an_exponent(app, client, student, monkeypatch):
    swap_course(
        app, monkeypatch, lambda q: q.model_copy(update={"answer": 20_900_000.0, "unit": None}) if q.id == "demo-001" else q
    )
    page = client.get("/practice/demo-001").get_data(as_text=True)
    response = client.post(
        "/practice/demo-001", data={"csrf_token": csrf_from(page), "practice_token": practice_token_from(page), "answer": "5"}
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Right answer: <strong>20,900,000" in html and "e+07" not in html
