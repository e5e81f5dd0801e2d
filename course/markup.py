"""Lesson Markdown to sanitised HTML, shared by the app's pages and the exports (no Flask here).

One definition of what lesson text may contain (the nh3 allowlist), how [[glossary]] links read
("SORM", "safe city", never the slug) and the Markdown extensions, so a lesson reads the same in
the app and in a Common Cartridge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import markdown
import nh3

from course.model import GlossaryTerm

GLOSSARY_LINK = re.compile(r"\[\[([a-z0-9.-]+)(?:\|([^\]]+))?\]\]")
TAGS = frozenset(
    {"p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "sup", "sub", "h2", "h3"}
    | {"h4", "h5", "table", "thead", "tbody", "tr", "th", "td", "caption", "div", "span", "abbr"}
)
ATTRIBUTES = {
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
WEB_SCHEMES = frozenset({"http", "https", "mailto"})

_PARENTHETICAL = re.compile(r"\s*\([^)]*\)$")
# Text just before a link that starts a sentence, a line, a list item, a table cell or bold text.
_SENTENCE_START = re.compile(r"(?:^|\n|[.!?:]\s+|[-*]\s+|\|\s*|\*\*)$")


def glossary_links(text: str, glossary_url: str) -> str:
    """Turn [[term-id]] and [[term-id|shown]] into Markdown links to the glossary's anchors."""

    def link(match: re.Match[str]) -> str:
        term, shown = match.group(1), match.group(2) or match.group(1).replace("-", " ")
        return f"[{shown}]({glossary_url}#{term}){{: .term }}"

    return GLOSSARY_LINK.sub(link, text)


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

    return GLOSSARY_LINK.sub(named, text)


def to_html(text: str, glossary_url: str, url_schemes: frozenset[str] = WEB_SCHEMES, link_rel: str | None = None) -> str:
    """Render Markdown (tables, footnotes, heading anchors, [[glossary]] links) and sanitise it with nh3."""
    html = markdown.markdown(
        glossary_links(text, glossary_url),
        extensions=["tables", "footnotes", "toc", "attr_list", "sane_lists"],
        extension_configs={"toc": {"permalink": False}, "footnotes": {"BACKLINK_TEXT": "↩"}},
        output_format="html",
    )
    return str(nh3.clean(html, tags=set(TAGS), attributes=ATTRIBUTES, url_schemes=set(url_schemes), link_rel=link_rel))
