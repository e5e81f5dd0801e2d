"""The guides in docs/ served as pages, and no page naming a repository file instead of linking to it."""

import re
from pathlib import Path

import pytest

from app.main.guides import GUIDES

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


@pytest.mark.parametrize("name", GUIDES)
def test_every_guide_renders_as_a_sanitised_page(client, name):
    response = client.get(f"/guides/{name}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>" in html and "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert not re.search(r'href="[^"]*\.md', html), "links to .md files must become guide links"


def test_links_between_guides_become_pages(client):
    html = client.get("/guides/deployment").get_data(as_text=True)
    assert 'href="/guides/grading#graded-attempts"' in html and 'href="/guides/lti"' in html
    index = client.get("/guides").get_data(as_text=True)
    assert all(f'href="/guides/{name}"' in index for name in GUIDES)


@pytest.mark.parametrize("name", ["../README", "benchmarks", "nothing", "..%2Fpyproject"])
def test_only_listed_guides_are_served(client, name):
    assert client.get(f"/guides/{name}").status_code == 404


def test_no_template_names_a_repository_file_instead_of_linking_to_it():
    offenders = [p.name for p in TEMPLATES.rglob("*.html") if re.search(r"\bdocs/[a-z-]+\.md", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_exports_page_links_to_the_import_guide(client, login_as):
    login_as("admin")
    html = client.get("/admin/exports").get_data(as_text=True)
    assert 'href="/guides/exports"' in html and "spreadsheets. " in html
