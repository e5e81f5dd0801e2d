"""Template parts that many requests share (the header's links, fixed URLs, kept macros), built once and kept."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from course.qtypes.base import QuestionType

# Keys include the mount point (request.script_root), which a proxy may set per request: the cap
# keeps a stream of invented prefixes from growing a worker's memory.
MAX_KEPT = 4096


def _kept(app: Flask, name: str) -> dict[tuple[object, ...], str]:
    """This app's store for one kind of kept text, emptied when it reaches the cap."""
    store: dict[tuple[object, ...], str] = app.extensions.setdefault(f"layout.{name}", {})
    if len(store) >= MAX_KEPT:
        store.clear()
    return store


def site_nav() -> Markup:
    """The header's links for this reader's role on this page (rendered once per mount point, page and role)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real app: its extensions hold the store
    role = current_user.role if current_user.is_authenticated else None
    key = (request.script_root, request.endpoint, role)
    store = _kept(app, "nav")
    html = store.get(key)
    if html is None:
        html = render_template("partials/site_nav.html", endpoint=request.endpoint or "", role=role)
        if not app.jinja_env.auto_reload:  # in development a template edit must show on the next request
            store[key] = html
    return Markup(html)


def fixed_url(endpoint: str, **values: Any) -> str:
    """url_for for a link the template fixes (no request data in it), built once per mount point."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = (request.script_root, endpoint, *sorted(values.items()))
    store = _kept(app, "url")
    url = store.get(key)
    if url is None:
        url = store[key] = url_for(endpoint, **values)
    return url


def partial_of(qtype: QuestionType) -> Any:
    """The macros of a question type's partial, from its template's kept module."""
    # What `{% import %}` gives, without its check of the template globals key by key on every
    # call (3% of a results page, which imports once per question).
    return current_app.jinja_env.get_template(qtype.template).module


def csrf_field() -> Markup:
    """A form's CSRF token input, in WTForms' markup, without building a form object for it."""
    # WTForms' attribute order (id, name, type, value): scripted clients such as the fault tests read
    # the token by it. A whole form per page was a tenth of a lesson page's Python calls.
    return Markup(f'<input id="csrf_token" name="csrf_token" type="hidden" value="{escape(generate_csrf())}">')


def register_layout(app: Flask) -> None:
    """Offer the layout's helpers to every template."""
    app.jinja_env.globals.update(site_nav=site_nav, fixed_url=fixed_url, partial_of=partial_of, csrf_field=csrf_field)
