"""IMS QTI 1.2 package of the question bank, in the dialect Canvas imports: ``to_qti_zip(questions) -> bytes``.

Canvas (Settings > Import Course Content > QTI .zip file) runs QTI 1.2 through its QTIMigrationTool
and reads Canvas-specific item metadata. The shapes here follow Canvas's own exporter
(``lib/cc/qti/qti_items.rb`` in instructure/canvas-lms, whose output Canvas re-imports) and
text2qti, whose templates were reverse-engineered from Canvas exports:

- the zip holds ``imsmanifest.xml`` and one assessment ``<ident>/<ident>.xml``, listed in the
  manifest as a resource of type ``imsqti_xmlv1p2``;
- exported from an assignment (``quiz=AssignmentQuiz(...)``), the package also carries
  ``<ident>/assessment_meta.xml``, Canvas's quiz settings file as Canvas's own exporter writes it
  (``generate_assessment_meta`` in ``lib/cc/qti/qti_generator.rb``; text2qti's template): title,
  description, points possible, shuffle answers, scoring policy, allowed attempts, time limit,
  whether results and answers are shown; the manifest lists it as a resource of type
  ``associatedcontent/imscc_xmlv1p1/learning-application-resource`` that the assessment depends
  on. The questions then sit in one question group, "pick N" with the points per question, as
  Canvas writes a group (``add_group``): each attempt draws N of the pool, as the assignment
  does. Without an assignment (the whole bank) there is no settings file and no group, as before;
- the assessment is ``<questestinterop><assessment><section>`` with one ``<item>`` per question,
  ``ident`` and ``title`` = the question id;
- ``<itemmetadata><qtimetadata>`` gives ``question_type``, ``points_possible`` (1.0, or the
  assignment's points over its number of questions) and ``original_answer_ids``;
- texts: Canvas's exporter (``html_mat_text``) writes ``texttype="text/plain"`` for a text without
  HTML and ``text/html`` otherwise, and so does this one. A choice, a feedback, a matching left item
  whose Markdown has no markup is written as plain text, unescaped ("Belt & Road"); Canvas's
  importer keeps such text as it is. Text with markup, the prompt and the general feedback are
  HTML (Markdown rendered with the ``markdown`` package) with ``&``, ``<``, ``>`` and ``"``
  written as numeric references (``&#38;``): Canvas stores a plain copy of imported HTML with a
  helper (``clear_html`` in ``qti_exporter/lib/qti/html_helper.rb``) that decodes numeric
  references but DELETES named ones, so ``&amp;`` would lose the "&". Dropdown options (matching's
  right side, blanks' options) are plain text, as Canvas shows them;
- ``<resprocessing>`` declares ``SCORE`` (0-100) and sets it to 100 for the right answer;
- feedback: ``general_fb`` (shown after any answer) = explanation + evidence, ``{answer id}_fb``
  per choice, ``general_incorrect_fb`` for a wrong short answer, each an ``<itemfeedback>``
  triggered by a ``<displayfeedback>``;
- answer and option idents are numbers, unique in the file: Canvas keeps numeric answer ids
  and reads a matching option's id from its first run of digits.

What each type maps to:

- ``single_choice`` -> ``multiple_choice_question``.
- ``multiple_response`` -> ``multiple_answers_question`` (the right answer is written as "these
  boxes and not those", which Canvas needs to recognise the keys). Canvas always gives partial
  credit, but by its own rule: each key ticked earns points/keys and each distractor ticked
  COSTS points/keys (not points/distractors as in Oversight), floored at 0. Same result when a
  question has as many keys as distractors; otherwise ticking everything can earn credit in Canvas.
- ``true_false`` -> ``true_false_question`` with choices "True" and "False", each carrying its
  feedback (``feedback_if_true`` on "True").
- ``short_answer`` -> ``short_answer_question``: one ``varequal`` per accepted answer plus its
  form with/without a leading "the" (Canvas compares ignoring case only); ``feedback`` is the
  wrong-answer feedback.
- ``numeric`` -> ``numerical_question``: exact answer with margin (answer +- tolerance, inclusive).
  Canvas has no units: a line "Type the number only" is added to the prompt.
- ``matching`` -> ``matching_question``: one dropdown per left item listing every right item and
  distractor (in a shuffled order); Canvas gives credit per pair, like Oversight.
- ``ordering`` -> ``matching_question`` "Position k -> item" (Classic Quizzes has no ordering
  type). Credit per correct position is exactly Oversight's position rule; the difference is that
  Canvas lets a learner pick one item for two positions (Oversight scores such an answer 0), and
  shows dropdowns instead of a list to reorder. The items are listed shuffled, never in order.

What Canvas cannot represent: Oversight's right-minus-wrong weighting when keys and distractors
differ in number (above); lenient short-answer matching beyond case and "the" (punctuation,
accents, typographic quotes); units; per-pair feedback for matching (none in the bank anyway);
links to the cited readings (evidence is cited as text: quote and reading id); glossary links
(kept as plain words). Canvas always creates a quiz from a QTI import, plus a question bank
named after it; the whole-bank export is meant for that bank (delete the quiz), an assignment's
export for the quiz.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from html.entities import name2codepoint
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from course.exports._questions import (
    Unsupported,
    general_feedback,
    lesson_order,
    plain_or_html,
    to_html,
    xml_safe,
)
from course.model import Question

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
POINTS = "1.0"
EXPORT_SEED = "export"  # fixed shuffle seed, so the same bank always gives the same file
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed timestamps: identical input gives identical bytes
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
META_RESOURCE = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
# Oversight's counting rule -> Canvas's scoring policy ("first" has no Canvas equivalent; see AssignmentQuiz).
SCORING_POLICIES = {"highest": "keep_highest", "last": "keep_latest", "average": "keep_average", "first": "keep_highest"}


def numeric_references(html: str) -> str:
    """Named character references as numeric ones (``&amp;`` -> ``&#38;``), which Canvas's plain copy keeps."""

    def numeric(match: re.Match[str]) -> str:
        code = name2codepoint.get(match.group(1))
        return f"&#{code};" if code is not None else match.group(0)

    return _NAMED_ENTITY.sub(numeric, html)


@dataclass(frozen=True)
class AssignmentQuiz:
    """An assignment's settings, for a package that Canvas imports as that quiz (``assessment_meta.xml``).

    ``attempts_allowed`` 0 means unlimited (Canvas: -1). ``counting`` is Oversight's rule: highest,
    last and average become Canvas's keep_highest, keep_latest and keep_average; Canvas has no
    "first attempt counts", so first becomes keep_highest (the docs say to check it).
    """

    title: str
    points: float
    num_questions: int
    attempts_allowed: int = 1
    time_limit_minutes: int | None = None
    counting: str = "highest"
    feedback_policy: str = "after_submit"
    answers_policy: str = "after_due"
    description: str = ""  # Markdown


def _number(value: float) -> str:
    """A number as Canvas reads it: 10, 2.5, 3.3333 (at most 4 decimals)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


class QtiItem:
    """Builds one ``<item>``: presentation, response processing and feedback, in Canvas's order."""

    def __init__(
        self, section: ET.Element, question: Question, question_type: str, ids: itertools.count[int], points: str = POINTS
    ) -> None:
        self.question: Any = question  # the type module that fills the item reads its own fields
        self.qti_type, self.ids = question_type, ids
        self.item = ET.SubElement(section, "item", ident=question.id, title=question.id)
        self.answer_ids: list[str] = []
        meta = ET.SubElement(ET.SubElement(self.item, "itemmetadata"), "qtimetadata")
        self._meta = meta
        self._field("question_type", question_type)
        self._field("points_possible", points)
        self._answer_ids_field = self._field("original_answer_ids", "")
        self.presentation = ET.SubElement(self.item, "presentation")
        # (ident, text, is_html): HTML as it is, else Markdown written plain or as HTML (`rich`).
        self.feedback: list[tuple[str, str, bool]] = []

    def _field(self, label: str, entry: str) -> ET.Element:
        field = ET.SubElement(self._meta, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        value = ET.SubElement(field, "fieldentry")
        value.text = entry
        return value

    def new_id(self) -> str:
        return str(next(self.ids))

    @staticmethod
    def material(parent: ET.Element, text: str, html: bool = True) -> None:
        """``<material><mattext>``: HTML (named references made numeric) or plain text, unescaped."""
        mattext = ET.SubElement(ET.SubElement(parent, "material"), "mattext")
        mattext.set("texttype", "text/html" if html else "text/plain")
        mattext.text = xml_safe(numeric_references(text) if html else text)

    @staticmethod
    def rich(parent: ET.Element, markdown_text: str) -> None:
        """A Markdown snippet: plain text when it has no markup ("Belt & Road"), else inline HTML."""
        text, is_html = plain_or_html(markdown_text)
        QtiItem.material(parent, text, html=is_html)

    def start_processing(self, feedback_html: str | None = None) -> ET.Element:
        """``<resprocessing>`` with SCORE and the general feedback (explanation and evidence, unless given)."""
        processing = ET.SubElement(self.item, "resprocessing")
        outcomes = ET.SubElement(processing, "outcomes")
        ET.SubElement(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
        # General feedback first, shown whatever the answer (Canvas's "neutral comments").
        self.condition(processing, "Yes", feedback="general_fb").append(ET.Element("other"))
        self.feedback.append(("general_fb", feedback_html or to_html(general_feedback(self.question)), True))
        return processing

    @staticmethod
    def condition(
        processing: ET.Element, continue_: str | None, feedback: str | None = None, score: str | None = None, action: str = "Set"
    ) -> ET.Element:
        """A ``<respcondition>``; returns its ``<conditionvar>`` for the caller to fill."""
        attrs = {"continue": continue_} if continue_ else {}
        respcondition = ET.SubElement(processing, "respcondition", attrs)
        conditionvar = ET.SubElement(respcondition, "conditionvar")
        if score is not None:
            setvar = ET.SubElement(respcondition, "setvar", action=action, varname="SCORE")
            setvar.text = score
        if feedback:
            ET.SubElement(respcondition, "displayfeedback", feedbacktype="Response", linkrefid=feedback)
        return conditionvar

    @staticmethod
    def varequal(parent: ET.Element, respident: str, value: str, tag: str = "varequal") -> None:
        ET.SubElement(parent, tag, respident=respident).text = xml_safe(value)

    def finish(self) -> None:
        self._answer_ids_field.text = ",".join(self.answer_ids)
        for ident, text, is_html in self.feedback:
            flow = ET.SubElement(ET.SubElement(self.item, "itemfeedback", ident=ident), "flow_mat")
            if is_html:
                self.material(flow, text)
            else:
                self.rich(flow, text)


def prompt(item: QtiItem, extra: str = "") -> None:
    """The prompt (plus `extra` Markdown) as the item's first material."""
    QtiItem.material(item.presentation, to_html(item.question.prompt + extra))


def choice_item(item: QtiItem, choices: list[tuple[str, bool, str]], multiple: bool) -> None:
    """Shared by single choice, multiple response and true/false: (text, correct, feedback), as Markdown."""
    prompt(item)
    lid = ET.SubElement(item.presentation, "response_lid", ident="response1", rcardinality="Multiple" if multiple else "Single")
    render = ET.SubElement(lid, "render_choice")
    idents = []
    for text, _, _ in choices:
        ident = item.new_id()
        idents.append(ident)
        QtiItem.rich(ET.SubElement(render, "response_label", ident=ident), text)
    item.answer_ids = idents
    processing = item.start_processing()
    for ident, (_, _, feedback) in zip(idents, choices, strict=True):
        item.varequal(item.condition(processing, "Yes", feedback=f"{ident}_fb"), "response1", ident)
        item.feedback.append((f"{ident}_fb", feedback, False))
    right = item.condition(processing, "No", score="100")
    if multiple:
        both = ET.SubElement(right, "and")
        for ident, (_, correct, _) in zip(idents, choices, strict=True):
            item.varequal(both if correct else ET.SubElement(both, "not"), "response1", ident)
    else:
        key = next(ident for ident, (_, correct, _) in zip(idents, choices, strict=True) if correct)
        item.varequal(right, "response1", key)


def text_entry(item: QtiItem, decimal: bool) -> None:
    """A typed answer box: ``render_fib`` (``fibtype="Decimal"`` for numbers), as Canvas writes it."""
    lid = ET.SubElement(item.presentation, "response_str", ident="response1", rcardinality="Single")
    if decimal:
        ET.SubElement(ET.SubElement(lid, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    else:
        ET.SubElement(ET.SubElement(lid, "render_fib"), "response_label", ident="answer1", rshuffle="No")


def dropdowns(item: QtiItem, lefts: list[str], rights: list[str], options: list[str]) -> None:
    """Matching: one dropdown (``response_lid``) per left item (Markdown), each listing every option (plain text)."""
    option_ids = {text: item.new_id() for text in options}
    left_ids = [item.new_id() for _ in lefts]
    for left_id, left in zip(left_ids, lefts, strict=True):
        lid = ET.SubElement(item.presentation, "response_lid", ident=f"response_{left_id}", rcardinality="Single")
        QtiItem.rich(lid, left)
        render = ET.SubElement(lid, "render_choice")
        for text in options:
            QtiItem.material(ET.SubElement(render, "response_label", ident=option_ids[text]), text, html=False)
    item.answer_ids = left_ids
    processing = item.start_processing()
    share = f"{100 / len(lefts):.2f}"
    for left_id, right in zip(left_ids, rights, strict=True):
        item.varequal(item.condition(processing, None, score=share, action="Add"), f"response_{left_id}", option_ids[right])


def blanks(item: QtiItem, names: list[str], answers: list[list[str]]) -> None:
    """Fill in multiple blanks / multiple dropdowns: one ``response_lid`` per blank named ``response_<name>``.

    Each blank lists its answers (the first is right; for dropdowns the rest are the wrong
    options, for typed blanks other right typings); credit is shared equally between blanks.
    """
    dropdowns = item.qti_type == "multiple_dropdowns_question"
    share = f"{100 / len(names):.2f}"
    right_ids = []
    for name, options in zip(names, answers, strict=True):
        lid = ET.SubElement(item.presentation, "response_lid", ident=f"response_{name}")
        QtiItem.material(lid, name, html=False)
        render = ET.SubElement(lid, "render_choice")
        ids = [item.new_id() for _ in options]
        for ident, text in zip(ids, options, strict=True):
            QtiItem.material(ET.SubElement(render, "response_label", ident=ident), text, html=False)
        item.answer_ids += ids
        right_ids.append(ids[:1] if dropdowns else ids)
    processing = item.start_processing()
    for name, ids in zip(names, right_ids, strict=True):
        condition = item.condition(processing, None, score=share, action="Add")
        either = sub(condition, "or") if len(ids) > 1 else condition
        for ident in ids:
            item.varequal(either, f"response_{name}", ident)


def sub(parent: ET.Element, tag: str) -> ET.Element:
    """A child element (``<or>``, ``<and>``, ``<not>``)."""
    return ET.SubElement(parent, tag)


def other() -> ET.Element:
    """``<other/>``: a condition that always holds."""
    return ET.Element("other")


def assessment_ident(title: str) -> str:
    """A stable identifier for the package (Canvas's "overwrite matching ids" relies on it)."""
    return "oversight_" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:12]


def assessment_xml(questions: Iterable[Question], title: str, ident: str, *, quiz: AssignmentQuiz | None = None) -> bytes:
    """The ``<questestinterop>`` document: one assessment, one section, one item per question.

    With ``quiz`` (an assignment's export) the assessment carries its attempts and time limit, and
    the items sit in a question group that picks ``quiz.num_questions`` of them, each worth the
    assignment's points over that number, as Canvas's exporter writes a group.
    """
    root = ET.Element(
        "questestinterop",
        {
            "xmlns": QTI_NS,
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd",
        },
    )
    assessment = ET.SubElement(root, "assessment", ident=ident, title=xml_safe(title))
    meta = ET.SubElement(assessment, "qtimetadata")
    if quiz is not None and quiz.time_limit_minutes:
        _meta_field(meta, "qmd_timelimit", str(quiz.time_limit_minutes))
    attempts = "1" if quiz is None else str(quiz.attempts_allowed) if quiz.attempts_allowed else "unlimited"
    _meta_field(meta, "cc_maxattempts", attempts)
    section = ET.SubElement(assessment, "section", ident="root_section")
    from course.qtypes import type_of  # the type modules import this one for its helpers

    ordered = lesson_order(questions)
    points = POINTS
    if quiz is not None:
        pick = min(quiz.num_questions, len(ordered))
        points = _number(quiz.points / pick) if pick else POINTS
        section = _group(section, ident, pick, points)
    ids = itertools.count(1001)
    for question in ordered:
        qtype = type_of(question)
        item = QtiItem(section, question, qtype.qti_type(question), ids, points)
        if isinstance(qtype.to_qti(item), Unsupported):
            section.remove(item.item)
            continue
        item.finish()
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)  # bytes for any encoding but "unicode"
    return document


def _meta_field(meta: ET.Element, label: str, entry: str) -> None:
    field = ET.SubElement(meta, "qtimetadatafield")
    ET.SubElement(field, "fieldlabel").text = label
    ET.SubElement(field, "fieldentry").text = entry


def _group(section: ET.Element, ident: str, pick: int, points: str) -> ET.Element:
    """A question group drawing ``pick`` questions worth ``points`` each (Canvas's ``add_group`` shape)."""
    group = ET.SubElement(section, "section", ident=f"{ident}_pool", title="Questions drawn at random")
    selection = ET.SubElement(ET.SubElement(group, "selection_ordering"), "selection")
    ET.SubElement(selection, "selection_number").text = str(pick)
    ET.SubElement(ET.SubElement(selection, "selection_extension"), "points_per_item").text = points
    return group


def assessment_meta_xml(quiz: AssignmentQuiz, ident: str, pool_size: int) -> bytes:
    """``assessment_meta.xml``: the Canvas quiz settings of an assignment, as Canvas's own exporter writes them."""
    root = ET.Element(
        "quiz",
        {
            "identifier": ident,
            "xmlns": CANVAS_NS,
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": f"{CANVAS_NS} https://canvas.instructure.com/xsd/cccv1p0.xsd",
        },
    )
    pick = min(quiz.num_questions, pool_size)
    drawn = (
        f"Each attempt draws {pick} of these {pool_size} questions at random."
        if pick < pool_size
        else f"Every attempt has these {pool_size} questions, in a random order."
    )
    description = (quiz.description.strip() + "\n\n" if quiz.description.strip() else "") + drawn
    hide = "always" if quiz.feedback_policy == "never" else ""
    settings = [
        ("title", xml_safe(quiz.title)),
        ("description", numeric_references(to_html(description))),
        ("shuffle_answers", "true"),
        ("scoring_policy", SCORING_POLICIES.get(quiz.counting, "keep_highest")),
        ("hide_results", hide),
        ("quiz_type", "assignment"),
        ("points_possible", _number(quiz.points)),
        ("show_correct_answers", "false" if quiz.answers_policy == "never" or hide else "true"),
        ("allowed_attempts", str(quiz.attempts_allowed) if quiz.attempts_allowed else "-1"),
        ("one_question_at_a_time", "true"),  # Oversight shows one question per page, and lets learners go back
        ("cant_go_back", "false"),
        ("available", "false"),  # imported unpublished: the instructor checks dates and publishes
    ]
    if quiz.time_limit_minutes:
        settings.insert(8, ("time_limit", str(quiz.time_limit_minutes)))
    for tag, value in settings:
        ET.SubElement(root, tag).text = value
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def manifest_xml(title: str, ident: str, with_meta: bool = False) -> bytes:
    """``imsmanifest.xml``: one QTI 1.2 resource, the assessment file (and its Canvas settings file)."""
    href = f"{ident}/{ident}.xml"
    meta_id, meta_href = f"{ident}_meta", f"{ident}/assessment_meta.xml"
    dependency = f"\n      <dependency identifierref={quoteattr(meta_id)}/>" if with_meta else ""
    meta_resource = (
        f"""
    <resource identifier={quoteattr(meta_id)} type="{META_RESOURCE}" href={quoteattr(meta_href)}>
      <file href={quoteattr(meta_href)}/>
    </resource>"""
        if with_meta
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(ident + "_manifest")} xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" \
xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_v1p2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1 http://www.imsglobal.org/xsd/imscp_v1p1.xsd \
http://www.imsglobal.org/xsd/imsmd_v1p2 http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd">
  <metadata>
    <schema>IMS Content</schema>
    <schemaversion>1.1.3</schemaversion>
    <imsmd:lom>
      <imsmd:general>
        <imsmd:title>
          <imsmd:string>{escape(xml_safe(title))}</imsmd:string>
        </imsmd:title>
      </imsmd:general>
    </imsmd:lom>
  </metadata>
  <organizations/>
  <resources>
    <resource identifier={quoteattr(ident)} type="imsqti_xmlv1p2">
      <file href={quoteattr(href)}/>{dependency}
    </resource>{meta_resource}
  </resources>
</manifest>
""".encode()


def to_qti_zip(
    questions: Iterable[Question], title: str = "Oversight question bank", *, quiz: AssignmentQuiz | None = None, key: str = ""
) -> bytes:
    """The questions as a QTI 1.2 zip for Canvas: ``imsmanifest.xml`` plus one assessment file.

    With ``quiz`` (an assignment's questions), also ``assessment_meta.xml`` with its settings, and
    the questions in a group that draws the assignment's number of questions. ``key`` names the
    package for Canvas's "overwrite matching ids" (default: the title), so two assignments that share
    a title do not overwrite each other.
    """
    listed = list(questions)
    ident = assessment_ident(key or title)
    files = [
        ("imsmanifest.xml", manifest_xml(title, ident, with_meta=quiz is not None)),
        (f"{ident}/{ident}.xml", assessment_xml(listed, title, ident, quiz=quiz)),
    ]
    if quiz is not None:
        files.append((f"{ident}/assessment_meta.xml", assessment_meta_xml(quiz, ident, len(listed))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
