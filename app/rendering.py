"""Markdown to safe HTML: rendered once per distinct text, always through the nh3 sanitiser."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

from course.model import GlossaryTerm

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


_PARENTHETICAL = re.compile(r"\s*\([^)]*\)$")
# Text just before a link that starts a sentence, a line, a list item, a table cell or bold text.
_SENTENCE_START = re.compile(r"(?:^|\n|[.!?:]\s+|[-*]\s+|\|\s*|\*\*)$")


def term_as_written(term: GlossaryTerm, sentence_start: bool) -> str:
    """How a glossary term reads in running text: "SORM", "WCIT", "safe city" mid-sentence.

    A parenthetical gloss ("WCIT (World Congress ...)") is the glossary's business, not the
    sentence's; a common noun ("Safe city", which its definition writes "safe city") is lowercased
    mid-sentence, a name ("Huawei", "SORM") never is.
    """
    name = _PARENTHETICAL.sub("", term.term) or term.term
    lowered = name[:1].lower() + name[1:]
    if not sentence_start and lowered != name and not name[1:2].isupper() and lowered in term.definition:
        return lowered
    return name


def name_glossary_links(text: str, glossary: Iterable[GlossaryTerm]) -> str:
    """Give every bare [[term-id]] link the term's name as written ([[sorm]] -> [[sorm|SORM]])."""
    terms = {term.id: term for term in glossary}

    def named(match: re.Match[str]) -> str:
        term_id, shown = match.group(1), match.group(2)
        term = terms.get(term_id)
        if shown or term is None:
            return match.group(0)
        start = bool(_SENTENCE_START.search(text, 0, match.start())) if match.start() else True
        return f"[[{term_id}|{term_as_written(term, start)}]]"

    return _GLOSSARY_LINK.sub(named, text)


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
