"""The whole unit as an IMS Common Cartridge 1.1 package: ``to_cartridge(course) -> bytes``.

Why 1.1: Canvas imports Common Cartridge 1.0 to 1.3, Moodle's importer (backup/cc) only 1.0 and
1.1; 1.1 is the newest version both read. Moodle recognises the version by the default namespace
of ``imsmanifest.xml`` in the file's first 500 bytes and validates the manifest against its copy
of the CC 1.1 schemas before it converts anything, so the manifest keeps to that profile.

The package holds:

- ``content/``: one HTML page per lesson (its objectives, body, its reading(s), the questions
  that could not be carried), one per reading (numbered paragraphs with anchors ``#p1``...),
  ``glossary.html`` (one anchor per term), ``index.html`` (the unit: lessons, readings, what is
  not included and why) and ``style.css``. Markdown is rendered and sanitised as the app does;
  links are relative inside the package (glossary links go to ``glossary.html#term``), absolute
  links are dropped by the sanitiser, and nothing is loaded from anywhere else.
- ``assessments/<lesson>.xml``: one QTI 1.2 assessment per lesson that has questions, in the CC
  profile of QTI (``cc_profile`` per item). The profile knows multiple choice, multiple response,
  true/false, fill in the blank (one typed answer) and essay: see :func:`cc_profile` for how
  each question type maps onto them and :func:`left_out_reason` for what is left out.
- ``imsmanifest.xml``: LOM metadata, one organisation (a module per lesson holding its page,
  its reading and its quiz; a first module "About this unit" with the index and the glossary) and
  a resource per file (``webcontent`` pages, ``imsqti_xmlv1p2/imscc_xmlv1p1/assessment`` quizzes).

The zip is deterministic: entries in sorted order with fixed timestamps and permissions.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from course import markup
from course.catalog import Course
from course.exports._questions import (
    accepted_answers,
    general_feedback,
    number_text,
    to_html,
    to_inline_html,
    unit_note,
    xml_safe,
)
from course.model import GlossaryTerm, Lesson, Question, Reading
from course.qtypes import Essay, MultipleResponse, Numeric, ShortAnswer, SingleChoice, TrueFalse
from course.qtypes.essay import limits_text, rubric_markdown

TITLE = "Oversight: digital authoritarianism"
DESCRIPTION = (
    "A unit on how surveillance technology is built, sold and used in Russia and Eurasia: "
    "seven lessons, five source readings, a glossary and a quiz per lesson."
)
CC_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_MANIFEST_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
LOM_RESOURCE_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource"
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
WEBCONTENT = "webcontent"
CONTENT = "content"
STYLE = f"{CONTENT}/style.css"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)

# The CC profile of QTI 1.2 knows these item types (cc_profile); Oversight's types map onto them.
MULTIPLE_CHOICE, MULTIPLE_RESPONSE, TRUE_FALSE = "cc.multiple_choice.v0p1", "cc.multiple_response.v0p1", "cc.true_false.v0p1"
FIB, ESSAY = "cc.fib.v0p1", "cc.essay.v0p1"
PROFILES = {
    "single_choice": MULTIPLE_CHOICE,
    "multiple_response": MULTIPLE_RESPONSE,
    "true_false": TRUE_FALSE,
    "short_answer": FIB,
    "numeric": FIB,
    "essay": ESSAY,
}
_NOT_CARRIED = {
    "matching": "Common Cartridge's question profile has no matching type",
    "ordering": "Common Cartridge's question profile has no ordering type",
    "cloze": "Common Cartridge's question profile has one answer box per question, so a passage with blanks cannot be carried",
}

_CSS = """body { font-family: Georgia, serif; line-height: 1.5; max-width: 46rem; margin: 1rem auto; padding: 0 1rem; color: #1a1a1a; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; line-height: 1.2; }
.muted { color: #555; }
.para { margin-right: 0.4em; color: #555; text-decoration: none; font-size: 0.85em; }
a.term { text-decoration: underline dotted; }
table { border-collapse: collapse; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; }
dt { font-weight: bold; margin-top: 1rem; }
nav { margin-top: 2rem; border-top: 1px solid #ccc; padding-top: 0.5rem; }
"""


def cc_profile(question: Question) -> str | None:
    """The CC item type a question is written as, or None when the cartridge leaves it out."""
    if left_out_reason(question) is not None:
        return None
    return PROFILES[question.type]


def left_out_reason(question: Question) -> str | None:
    """Why a question is not in the cartridge's quiz (None: it is).

    Numbers become fill-in-the-blank with the number as the answer; the profile has no
    greater/less-than test, so a number accepted within a tolerance is left out.
    """
    if question.type in _NOT_CARRIED:
        return _NOT_CARRIED[question.type]
    if isinstance(question, Numeric) and question.tolerance:
        return "Common Cartridge's question profile cannot accept a range of numbers (a tolerance)"
    if question.type not in PROFILES:
        return f"Common Cartridge's question profile has no equivalent of {question.type}"
    return None


def number_answers(value: float) -> list[str]:
    """How a learner may type a number: 160000 and 160,000."""
    plain = number_text(value)
    answers = [plain]
    if float(value).is_integer() and abs(value) >= 1000:
        answers.append(f"{int(value):,}")
    return answers


def fib_answers(question: Question) -> list[str]:
    """The accepted typings of a fill-in-the-blank item (a short answer or a number); [] for other types."""
    if isinstance(question, Numeric):
        return number_answers(question.answer)
    if isinstance(question, ShortAnswer):
        return [a.strip() for a in accepted_answers(question.accept)]
    return []


# --- file names ------------------------------------------------------------------------------


def lesson_file(lesson_id: str) -> str:
    """The lesson page's name inside ``content/``."""
    return f"lesson-{lesson_id}.html"


def reading_file(reading_id: str) -> str:
    """The reading page's name inside ``content/``."""
    return f"reading-{reading_id}.html"


def assessment_file(lesson_id: str) -> str:
    """The lesson quiz's path in the package."""
    return f"assessments/{lesson_id}.xml"


# --- HTML ------------------------------------------------------------------------------------


_APP_PAGE_LINK = re.compile(r"\]\(/(lessons|readings)/([a-z0-9-]+)(#[A-Za-z0-9_-]+)?\)")


def render(text: str, glossary: Iterable[GlossaryTerm] = ()) -> str:
    """Markdown to sanitised HTML as the app renders it (course.markup), with links kept inside the package.

    Glossary links point at ``glossary.html`` and read as the terms do in the app; links to the
    app's lesson and reading pages become links to their pages here; no URL scheme is allowed.
    """
    text = _APP_PAGE_LINK.sub(
        lambda m: f"]({lesson_file(m.group(2)) if m.group(1) == 'lessons' else reading_file(m.group(2))}{m.group(3) or ''})", text
    )
    return markup.to_html(markup.name_glossary_links(text, glossary), "glossary.html", url_schemes=frozenset())


def page(title: str, body: str) -> str:
    """A complete HTML document with the package's stylesheet."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        '<link rel="stylesheet" href="style.css">\n</head>\n<body>\n<main>\n'
        f"{body}\n</main>\n</body>\n</html>\n"
    )


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _reading_line(reading: Reading) -> str:
    year = f", {reading.meta.date.year}" if reading.meta.date else ""
    return f'<a href="{reading_file(reading.id)}">{_e(reading.meta.title)}</a> ({_e(reading.meta.outlet)}{year})'


def _left_out_list(questions: Iterable[Question]) -> str:
    items = [f"<li>{_e(q.id)} ({_e(q.type.replace('_', ' '))}): {_e(str(left_out_reason(q)))}</li>" for q in questions]
    return "<ul>\n" + "\n".join(items) + "\n</ul>" if items else ""


def lesson_page(course: Course, lesson: Lesson) -> str:
    """A lesson: objectives, body, its readings, its quiz and what the quiz could not carry."""
    index = course.lessons.index(lesson)
    readings = [course.reading_by_id[s] for s in lesson.meta.sources if s in course.reading_by_id]
    questions = course.questions_for(lesson.id)
    carried = [q for q in questions if cc_profile(q)]
    left_out = [q for q in questions if not cc_profile(q)]
    parts = [
        f'<p class="muted">Lesson {lesson.meta.order} · about {lesson.meta.estimated_minutes} minutes</p>',
        f"<h1>{_e(lesson.title)}</h1>",
        "<h2>By the end you can</h2>",
        "<ul>\n" + "\n".join(f"<li>{_e(o.text)}</li>" for o in lesson.meta.objectives) + "\n</ul>",
        render(lesson.body, course.glossary),
        "<h2>" + ("The reading" if len(readings) == 1 else "The readings") + "</h2>",
        "<ul>\n" + "\n".join(f"<li>{_reading_line(r)}</li>" for r in readings) + "\n</ul>",
    ]
    if questions:
        parts.append("<h2>Questions</h2>")
        parts.append(f"<p>This lesson's quiz holds {len(carried)} of its {len(questions)} questions.</p>")
        if left_out:
            parts.append("<p>Not included (the list of every left-out question is on the unit's start page):</p>")
            parts.append(_left_out_list(left_out))
    nav = ['<a href="index.html">The unit</a>', '<a href="glossary.html">Glossary</a>']
    if index > 0:
        nav.append(f'Previous: <a href="{lesson_file(course.lessons[index - 1].id)}">{_e(course.lessons[index - 1].title)}</a>')
    if index + 1 < len(course.lessons):
        nav.append(f'Next: <a href="{lesson_file(course.lessons[index + 1].id)}">{_e(course.lessons[index + 1].title)}</a>')
    parts.append('<nav aria-label="Other pages">' + " · ".join(nav) + "</nav>")
    return page(lesson.title, "\n".join(parts))


def reading_page(reading: Reading) -> str:
    """A reading with its numbered, anchored paragraphs."""
    meta = reading.meta
    by = ", ".join(meta.authors) if meta.authors else (meta.authors_note or "")
    published = meta.outlet + (f", {meta.series}" if meta.series else "") + (f" No. {meta.memo}" if meta.memo else "")
    when = meta.date.strftime("%-d %B %Y") if meta.date else f"Not given: {meta.date_note}"
    parts = [
        f"<h1>{_e(meta.title)}</h1>",
        f'<p class="muted">By {_e(by)}. {_e(published)}. {_e(when)}.</p>',
    ]
    for paragraph in reading.paragraphs:
        if paragraph.heading:
            parts.append(f'<h2 id="{_e(paragraph.anchor)}">{_e(paragraph.text)}</h2>')
        else:
            number = paragraph.anchor[1:]
            parts.append(
                f'<p id="{_e(paragraph.anchor)}"><a class="para" href="#{_e(paragraph.anchor)}">¶{number}</a> {_e(paragraph.text)}</p>'
            )
    parts.append('<nav aria-label="Other pages"><a href="index.html">The unit</a> · <a href="glossary.html">Glossary</a></nav>')
    return page(meta.title, "\n".join(parts))


def glossary_page(course: Course) -> str:
    """Every term with its definition and the passage it is grounded in, linked to the reading's paragraph."""
    parts = [
        "<h1>Glossary</h1>",
        f"<p>{len(course.glossary)} terms, each grounded in a passage of one of the readings.</p>",
        "<dl>",
    ]
    for term in sorted(course.glossary, key=lambda t: t.term.casefold()):
        anchor = course.anchor_for(term.source, term.quote)
        reading = course.reading_by_id.get(term.source)
        title = reading.meta.title if reading else term.source
        where = f"{reading_file(term.source)}#{anchor}" if anchor else reading_file(term.source)
        paragraph = f", paragraph {anchor[1:]}" if anchor else ""
        parts.append(f'<dt id="{_e(term.id)}">{_e(term.term)}</dt>')
        parts.append(f"<dd><p>{_e(term.definition)}</p>")
        parts.append(f'<p class="muted">Source: “{_e(term.quote)}” (<a href="{where}">{_e(title)}{paragraph}</a>)</p>')
        if term.see_also:
            links = ", ".join(
                f'<a href="#{_e(o)}">{_e(course.term_by_id[o].term if o in course.term_by_id else o)}</a>' for o in term.see_also
            )
            parts.append(f'<p class="muted">See also: {links}</p>')
        parts.append("</dd>")
    parts.append("</dl>")
    parts.append('<nav aria-label="Other pages"><a href="index.html">The unit</a></nav>')
    return page("Glossary", "\n".join(parts))


def index_page(course: Course) -> str:
    """The unit's start page: lessons, readings, glossary, and every question left out of the quizzes, with why."""
    left_out = [q for q in course.questions if not cc_profile(q)]
    parts = [
        f"<h1>{_e(TITLE)}</h1>",
        f"<p>{_e(DESCRIPTION)}</p>",
        "<h2>Lessons</h2>",
        '<ol start="0">\n'
        + "\n".join(f'<li><a href="{lesson_file(lesson.id)}">{_e(lesson.title)}</a></li>' for lesson in course.lessons)
        + "\n</ol>",
        "<h2>Readings</h2>",
        "<ul>\n" + "\n".join(f"<li>{_reading_line(r)}</li>" for r in course.readings) + "\n</ul>",
        '<p><a href="glossary.html">Glossary</a></p>',
        "<h2>Questions not included</h2>",
    ]
    if left_out:
        parts.append(
            f"<p>Each lesson's quiz holds the questions Common Cartridge can carry; these {len(left_out)} are not included. "
            "The Moodle XML and QTI question exports of the app carry most of them.</p>"
        )
        parts.append(_left_out_list(left_out))
    else:
        parts.append("<p>None: every question is in its lesson's quiz.</p>")
    return page(TITLE, "\n".join(parts))


# --- QTI (Common Cartridge profile) -----------------------------------------------------------


def _field(parent: ET.Element, label: str, entry: str) -> None:
    field = ET.SubElement(parent, "qtimetadatafield")
    ET.SubElement(field, "fieldlabel").text = label
    ET.SubElement(field, "fieldentry").text = entry


def _material(parent: ET.Element, html_text: str) -> None:
    mattext = ET.SubElement(ET.SubElement(parent, "material"), "mattext", texttype="text/html")
    mattext.text = xml_safe(html_text)


def _condition(processing: ET.Element, continue_: str, feedback: str | None = None, score: bool = False) -> ET.Element:
    respcondition = ET.SubElement(processing, "respcondition", {"continue": continue_})
    conditionvar = ET.SubElement(respcondition, "conditionvar")
    if score:
        ET.SubElement(respcondition, "setvar", varname="SCORE", action="Set").text = "100"
    if feedback:
        ET.SubElement(respcondition, "displayfeedback", feedbacktype="Response", linkrefid=feedback)
    return conditionvar


def _varequal(parent: ET.Element, value: str, case: str = "No") -> None:
    ET.SubElement(parent, "varequal", respident="response1", case=case).text = xml_safe(value)


def choices(question: Question) -> list[tuple[str, str, bool, str]]:
    """(ident, html, correct, feedback html) per option of a choice or true/false item ([] for other types).

    True/false options are identified ``true`` and ``false``: Moodle's importer refuses others.
    """
    if isinstance(question, TrueFalse):
        return [
            ("true", "True", question.answer, to_inline_html(question.feedback_if_true)),
            ("false", "False", not question.answer, to_inline_html(question.feedback_if_false)),
        ]
    if isinstance(question, SingleChoice | MultipleResponse):
        return [
            (f"c{n}", to_inline_html(c.text), c.correct, to_inline_html(c.feedback)) for n, c in enumerate(question.choices, 1)
        ]
    return []


def _prompt_html(question: Question) -> str:
    extra = ""
    if isinstance(question, Numeric):
        extra = unit_note(question.unit) or "\n\n*Type the number only.*"
    elif isinstance(question, Essay) and limits_text(question):
        extra = f"\n\n*Write {limits_text(question)}.*"
    return to_html(question.prompt + extra)


def _feedback_html(question: Question) -> str:
    if isinstance(question, Essay):
        return to_html(general_feedback(question) + "\n\n" + rubric_markdown(question))
    return to_html(general_feedback(question))


def _item(section: ET.Element, question: Question, profile: str) -> None:
    """One ``<item>`` as the CC profile shapes it; the feedback order suits both Canvas and Moodle.

    General feedback (explanation and evidence) hangs on a ``continue="Yes"`` condition that always
    holds, which Moodle reads as the question's general feedback; per-option feedback hangs on
    ``continue="No"`` conditions, which Moodle reads as that option's feedback.
    """
    item = ET.SubElement(section, "item", ident=question.id, title=question.id)
    meta = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    _field(meta, "cc_profile", profile)
    _field(meta, "qmd_computerscored", "No" if profile == ESSAY else "Yes")
    presentation = ET.SubElement(item, "presentation")
    _material(presentation, _prompt_html(question))
    options = choices(question)
    if options:
        multiple = profile == MULTIPLE_RESPONSE
        lid = ET.SubElement(presentation, "response_lid", ident="response1", rcardinality="Multiple" if multiple else "Single")
        render = ET.SubElement(lid, "render_choice", shuffle="No" if profile == TRUE_FALSE else "Yes")
        for ident, text, _, _ in options:
            _material(ET.SubElement(render, "response_label", ident=ident), text)
    else:
        response = ET.SubElement(presentation, "response_str", ident="response1", rcardinality="Single")
        ET.SubElement(ET.SubElement(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    processing = ET.SubElement(item, "resprocessing")
    outcomes = ET.SubElement(processing, "outcomes")
    ET.SubElement(outcomes, "decvar", varname="SCORE", vartype="Decimal", minvalue="0", maxvalue="100")
    _condition(processing, "Yes", feedback="general_fb").append(ET.Element("other"))
    feedback = [("general_fb", _feedback_html(question))]
    if profile == MULTIPLE_RESPONSE:
        # Right means every key ticked and no distractor; Moodle finds the keys by case="Yes" here.
        both = ET.SubElement(_condition(processing, "Yes", score=True), "and")
        for ident, _, correct, _ in options:
            _varequal(both if correct else ET.SubElement(both, "not"), ident, case="Yes")
    for ident, _, correct, text in options:
        single_key = correct and profile != MULTIPLE_RESPONSE
        _varequal(_condition(processing, "No", feedback=f"{ident}_fb", score=single_key), ident)
        feedback.append((f"{ident}_fb", text))
    if profile == FIB:
        right = _condition(processing, "No", score=True)
        for answer in fib_answers(question):
            _varequal(right, answer)
        wrong_feedback = question.feedback if isinstance(question, ShortAnswer) else None
        if wrong_feedback:
            _condition(processing, "No", feedback="general_incorrect_fb").append(ET.Element("other"))
            feedback.append(("general_incorrect_fb", to_inline_html(wrong_feedback)))
    for ident, text in feedback:
        _material(ET.SubElement(ET.SubElement(item, "itemfeedback", ident=ident), "flow_mat"), text)


def _document(root: ET.Element) -> bytes:
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def assessment_title(lesson: Lesson) -> str:
    """The quiz's name in the LMS."""
    return f"Lesson {lesson.meta.order} quiz: {lesson.title}"


def assessment_xml(lesson: Lesson, questions: Iterable[Question]) -> bytes:
    """A lesson's quiz: ``<questestinterop><assessment>`` with CC assessment metadata and one section."""
    root = ET.Element(
        "questestinterop",
        {
            "xmlns": QTI_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{QTI_NS} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd",
        },
    )
    assessment = ET.SubElement(root, "assessment", ident=f"quiz_{lesson.id}", title=xml_safe(assessment_title(lesson)))
    meta = ET.SubElement(assessment, "qtimetadata")
    for label, entry in (
        ("cc_profile", "cc.exam.v0p1"),
        ("qmd_assessmenttype", "Examination"),
        ("qmd_scoretype", "Percentage"),
        ("qmd_feedbackpermitted", "Yes"),
        ("qmd_solutionspermitted", "Yes"),
        ("cc_maxattempts", "unlimited"),
    ):
        _field(meta, label, entry)
    section = ET.SubElement(assessment, "section", ident="root_section")
    for question in questions:
        profile = cc_profile(question)
        if profile:
            _item(section, question, profile)
    return _document(root)


# --- manifest and package ---------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """One manifest resource: its identifier, type, launch file (webcontent only) and files."""

    identifier: str
    type: str
    files: tuple[str, ...]
    href: str | None = None
    dependencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Node:
    """An organisation item: a module (children) or a leaf pointing at a resource."""

    identifier: str
    title: str
    resource: str | None = None
    children: tuple[Node, ...] = ()


_LINK = re.compile(r'href="([^"#:]+\.html)(?:#[^"]*)?"')


def _page_resource(identifier: str, name: str, body: str, known: dict[str, str]) -> Resource:
    """A webcontent page that depends on the stylesheet and on every page it links to."""
    linked = sorted({known[target] for target in _LINK.findall(body) if target in known and target != name})
    return Resource(identifier, WEBCONTENT, (f"{CONTENT}/{name}",), f"{CONTENT}/{name}", ("res_style", *linked))


def build(course: Course) -> tuple[dict[str, bytes], list[Resource], list[Node]]:
    """Every file of the package, its resources and its organisation, before they are written."""
    pages: dict[str, tuple[str, str]] = {"index.html": ("res_index", index_page(course))}
    pages["glossary.html"] = ("res_glossary", glossary_page(course))
    for lesson in course.lessons:
        pages[lesson_file(lesson.id)] = (f"res_lesson_{lesson.id}", lesson_page(course, lesson))
    for reading in course.readings:
        pages[reading_file(reading.id)] = (f"res_reading_{reading.id}", reading_page(reading))
    known = {name: identifier for name, (identifier, _) in pages.items()}
    files = {f"{CONTENT}/{name}": body.encode("utf-8") for name, (_, body) in pages.items()}
    files[STYLE] = _CSS.encode("utf-8")
    resources = [Resource("res_style", WEBCONTENT, (STYLE,))]
    resources += [_page_resource(identifier, name, body, known) for name, (identifier, body) in pages.items()]

    modules = [
        Node(
            "mod_about",
            "About this unit",
            children=(Node("item_index", "Start here", "res_index"), Node("item_glossary", "Glossary", "res_glossary")),
        )
    ]
    for lesson in course.lessons:
        leaves = [Node(f"item_lesson_{lesson.id}", lesson.title, f"res_lesson_{lesson.id}")]
        # A lesson on one reading carries it; the overview and the synthesis link all five from their page.
        if len(lesson.meta.sources) == 1 and lesson.meta.sources[0] in course.reading_by_id:
            reading = course.reading_by_id[lesson.meta.sources[0]]
            leaves.append(Node(f"item_reading_{reading.id}", f"Reading: {reading.meta.title}", f"res_reading_{reading.id}"))
        questions = course.questions_for(lesson.id)
        if any(cc_profile(q) for q in questions):
            path = assessment_file(lesson.id)
            files[path] = assessment_xml(lesson, questions)
            resources.append(Resource(f"res_quiz_{lesson.id}", ASSESSMENT_TYPE, (path,)))
            leaves.append(Node(f"item_quiz_{lesson.id}", assessment_title(lesson), f"res_quiz_{lesson.id}"))
        modules.append(Node(f"mod_{lesson.id}", f"Lesson {lesson.meta.order}: {lesson.title}", children=tuple(leaves)))
    return files, resources, modules


def _lang_string(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(ET.SubElement(parent, tag), "lomimscc:string", language="en").text = xml_safe(text)


def _organisation_item(parent: ET.Element, node: Node) -> None:
    attrs = {"identifier": node.identifier}
    if node.resource:
        attrs["identifierref"] = node.resource
    element = ET.SubElement(parent, "item", attrs)
    ET.SubElement(element, "title").text = xml_safe(node.title)
    for child in node.children:
        _organisation_item(element, child)


def manifest_xml(resources: list[Resource], modules: list[Node]) -> bytes:
    """``imsmanifest.xml`` in the CC 1.1 profile; the default namespace comes first, where Moodle looks for it."""
    root = ET.Element(
        "manifest",
        {
            "identifier": "oversight_unit",
            "xmlns": CC_NS,
            "xmlns:lomimscc": LOM_MANIFEST_NS,
            "xmlns:lom": LOM_RESOURCE_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": (
                f"{CC_NS} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd "
                f"{LOM_MANIFEST_NS} http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd "
                f"{LOM_RESOURCE_NS} http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lomresource_v1p0.xsd"
            ),
        },
    )
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Common Cartridge"
    ET.SubElement(metadata, "schemaversion").text = "1.1.0"
    general = ET.SubElement(ET.SubElement(metadata, "lomimscc:lom"), "lomimscc:general")
    _lang_string(general, "lomimscc:title", TITLE)
    ET.SubElement(general, "lomimscc:language").text = "en"
    _lang_string(general, "lomimscc:description", DESCRIPTION)
    for keyword in ("digital authoritarianism", "surveillance", "Russia", "Eurasia"):
        _lang_string(general, "lomimscc:keyword", keyword)
    organization = ET.SubElement(
        ET.SubElement(root, "organizations"), "organization", identifier="org_unit", structure="rooted-hierarchy"
    )
    top = ET.SubElement(organization, "item", identifier="unit")  # the root item has no title in CC
    for module in modules:
        _organisation_item(top, module)
    resources_element = ET.SubElement(root, "resources")
    for resource in resources:
        attrs = {"identifier": resource.identifier, "type": resource.type}
        if resource.href:
            attrs["href"] = resource.href
        element = ET.SubElement(resources_element, "resource", attrs)
        for name in resource.files:
            ET.SubElement(element, "file", href=name)
        for dependency in resource.dependencies:
            ET.SubElement(element, "dependency", identifierref=dependency)
    return _document(root)


def to_cartridge(course: Course) -> bytes:
    """The unit as an IMS Common Cartridge 1.1 (``.imscc``): the same course always gives the same bytes."""
    files, resources, modules = build(course)
    files["imsmanifest.xml"] = manifest_xml(resources, modules)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files, key=lambda n: (n != "imsmanifest.xml", n)):  # the manifest first, then by name
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name])
    return buffer.getvalue()


def carried(course: Course, lesson_id: str) -> list[Question]:
    """The questions of a lesson that its quiz holds, in bank order."""
    return [q for q in course.questions_for(lesson_id) if cc_profile(q)]
