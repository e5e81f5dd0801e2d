"""Markdown to safe HTML: rendered once per distinct text, always through the nh3 sanitiser."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

_GLOSSARY_LINK = re.compile(r"\[\[([a-z0-9.-]+)(?:\|([^\]]+))?\]\]")
_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "sup",
    "sub",
    "h2",
    "h3",
    "h4",
    "h5",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "div",
    "span",
    "abbr",
}
_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
    "span": {"class"},
    "th": {"align", "scope"},
    "td": {"align"},
    "abbr": {"title"},
}


def _glossary_links(text: str, glossary_url: str) -> str:
    def link(match: re.Match[str]) -> str:
        term, shown = match.group(1), match.group(2) or match.group(1).replace("-", " ")
        return f"[{shown}]({glossary_url}#{term}){{: .term }}"

    return _GLOSSARY_LINK.sub(link, text)


@lru_cache(maxsize=1024)
def render_markdown(text: str, glossary_url: str = "/glossary") -> Markup:
    """Render Markdown (tables, footnotes, heading anchors, [[glossary]] links) to sanitised HTML."""
    html = markdown.markdown(
        _glossary_links(text, glossary_url),
        extensions=["tables", "footnotes", "toc", "attr_list", "sane_lists"],
        extension_configs={"toc": {"permalink": False}, "footnotes": {"BACKLINK_TEXT": "↩"}},
        output_format="html",
    )
    clean = nh3.clean(
        html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer"
    )
    return Markup(clean)


@lru_cache(maxsize=4096)
def render_inline(text: str) -> Markup:
    """Render a short Markdown text (a prompt, a choice) without a wrapping paragraph."""
    html = str(render_markdown(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
