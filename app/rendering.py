"""Markdown to safe HTML: rendered once per distinct text, always through the nh3 sanitiser."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from course.markup import name_glossary_links, term_as_written, to_html

# What lesson text may contain and how glossary links read live in the core (course/markup.py),
# shared with the exports; this module adds the app's caching and Markup.
__all__ = ["name_glossary_links", "render_inline", "render_markdown", "term_as_written"]


@lru_cache(maxsize=1024)
def render_markdown(text: str, glossary_url: str = "/glossary") -> Markup:
    """Render Markdown (tables, footnotes, heading anchors, [[glossary]] links) to sanitised HTML."""
    clean = to_html(text, glossary_url, link_rel="noopener noreferrer")
    return Markup(clean)


@lru_cache(maxsize=4096)
def render_inline(text: str) -> Markup:
    """Render a short Markdown text (a prompt, a choice) without a wrapping paragraph."""
    html = str(render_markdown(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
