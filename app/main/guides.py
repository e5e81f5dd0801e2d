"""The guides in docs/ as pages of the app, so a page can link to "how to import grades" rather than name a file.

Only the guides meant for the app's users are served (a fixed list): instructors, admins and
learners. Each is rendered through the same sanitiser as the lessons; links between guides become
links between these pages, and links to other repository files keep their text only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import abort, current_app, render_template
from markupsafe import Markup

from app.main.views import bp
from app.rendering import render_markdown
from app.security import public

GUIDES = (
    "instructors",
    "grading",
    "exports",
    "question-exports",
    "cartridge",
    "lti",
    "coverage",
    "question-bank",
    "privacy",
    "deployment",
)
_MD_LINK = re.compile(r"\]\((?!https?:|mailto:|#|/)([^)\s]+)\)")


def _docs_dir() -> Path:
    return Path(current_app.config.get("DOCS_DIR") or Path(current_app.root_path).parent / "docs")


def _relink(match: re.Match[str]) -> str:
    target = match.group(1)
    path, _, anchor = target.partition("#")
    name = Path(path).name.removesuffix(".md")
    if path.endswith(".md") and name in GUIDES and "/" not in path.lstrip("./"):
        return f"](/guides/{name}{'#' + anchor if anchor else ''})"
    return "](#)"  # another file of the repository: nothing to open in the app


@lru_cache(maxsize=32)
def _render(path: Path, mtime: float) -> tuple[str, Markup]:
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    title = first.removeprefix("# ").strip() if first.startswith("# ") else path.stem
    body = _MD_LINK.sub(_relink, rest if first.startswith("# ") else text)
    html = str(render_markdown(body))
    html = html.replace(' href="#"', "")  # links to repository files: keep the words, drop the dead link
    return title, Markup(html)


def guide_page(name: str) -> tuple[str, Markup]:
    """The guide's title and sanitised HTML (404 for anything not on the list)."""
    if name not in GUIDES:
        abort(404)
    path = _docs_dir() / f"{name}.md"
    if not path.is_file():
        abort(404)
    return _render(path, path.stat().st_mtime)


@bp.route("/guides")
@public
def guides():
    """The list of guides."""
    return render_template("main/guides.html", guides=[(name, guide_page(name)[0]) for name in GUIDES])


@bp.route("/guides/<name>")
@public
def guide(name: str):
    """One guide."""
    title, html = guide_page(name)
    return render_template("main/guide.html", title=title, html=html)
