"""The unit as an IMS Common Cartridge 1.1: write the real course, read it back with the project's
reader, and check what Canvas and Moodle rely on (resources, files, organisation, the QTI of every
lesson parsed back to the bank's questions); validate the manifest (with its LOM metadata) and every
quiz against the IMS CC 1.1 schemas when CC_SCHEMA_DIR names a folder of them (Moodle ships them in
backup/cc/schemas11, and the xml.xsd they import in backup/cc/schemas); nothing is downloaded."""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from course.catalog import Course, load_course
from course.exports._questions import accepted_answers, to_plain
from course.exports.cartridge import (
    ASSESSMENT_TYPE,
    CC_NS,
    PROFILES,
    WEBCONTENT,
    carried,
    cc_profile,
    left_out_reason,
    number_answers,
    to_cartridge,
)
from course.exports.cartridge_reader import CartridgeError, plain, read_cartridge
from course.qtypes import MultipleResponse, Numeric, ShortAnswer, SingleChoice, TrueFalse
from tests.core.factories import numeric

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course(ROOT / "lessons", ROOT / "question_bank.yaml")
PACKAGE = to_cartridge(COURSE)
CARTRIDGE = read_cartridge(PACKAGE)


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_manifest_is_cc_1_1_and_moodle_can_detect_it():
    manifest = _zip(PACKAGE).read("imsmanifest.xml")
    # Moodle's detector lowercases the first 500 bytes, drops spaces and quotes, and looks for this.
    head = re.sub(r"\s", "", manifest[:500].decode().lower()).replace('"', "").replace("'", "")
    assert f"xmlns={CC_NS}" in head
    assert CARTRIDGE.namespace == CC_NS
    assert CARTRIDGE.schemaversion == "1.1.0"
    assert CARTRIDGE.title == "Oversight: digital authoritarianism"


def test_every_resource_file_is_present_and_every_file_belongs_to_a_resource():
    listed = {name for resource in CARTRIDGE.resources.values() for name in resource.files}
    assert listed | {"imsmanifest.xml"} == set(CARTRIDGE.files)
    identifiers = [*CARTRIDGE.resources]
    assert all(re.fullmatch(r"[A-Za-z_][\w.-]*", i) for i in identifiers), "identifiers must be XML IDs (NCName)"


def test_the_unit_holds_every_lesson_reading_the_glossary_and_a_quiz_per_lesson_with_questions():
    pages = {r.href for r in CARTRIDGE.resources.values() if r.type == WEBCONTENT and r.href}
    assert {f"content/lesson-{lesson.id}.html" for lesson in COURSE.lessons} <= pages
    assert {f"content/reading-{reading.id}.html" for reading in COURSE.readings} <= pages
    assert {"content/glossary.html", "content/index.html"} <= pages
    quizzes = {r.identifier for r in CARTRIDGE.resources.values() if r.type == ASSESSMENT_TYPE}
    with_questions = {lesson.id for lesson in COURSE.lessons if carried(COURSE, lesson.id)}
    assert quizzes == {f"res_quiz_{lesson_id}" for lesson_id in with_questions}
    assert len(COURSE.lessons) == 7 and len(COURSE.readings) == 5 and len(quizzes) == 6


def test_the_organisation_is_a_module_per_lesson_with_its_page_reading_and_quiz():
    modules = CARTRIDGE.organisation
    assert [m.title for m in modules[1:]] == [f"Lesson {x.meta.order}: {x.title}" for x in COURSE.lessons]
    goode = next(m for m in modules if m.identifier == "mod_01-goode-2020")
    assert [leaf.resource for leaf in goode.children] == [
        "res_lesson_01-goode-2020",
        "res_reading_goode-2020",
        "res_quiz_01-goode-2020",
    ]
    for module in modules:
        assert module.resource is None and module.title
        assert all(leaf.resource and leaf.title and not leaf.children for leaf in module.children)
    referenced = [leaf.resource for m in modules for leaf in m.children]
    assert len(referenced) == len(set(referenced)), "each page or quiz appears once"


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in COURSE.lessons if carried(COURSE, lesson.id)])
def test_each_lesson_quiz_reads_back_to_the_same_questions(lesson_id):
    expected = carried(COURSE, lesson_id)
    assessment = CARTRIDGE.assessments[f"res_quiz_{lesson_id}"]
    assert [q.ident for q in assessment.questions] == [q.id for q in expected]
    for question, item in zip(expected, assessment.questions, strict=True):
        assert item.profile == PROFILES[question.type]
        assert plain(item.prompt_html).startswith(to_plain(question.prompt)), question.id
        assert "general_fb" in item.feedback and to_plain(question.explanation) in plain(item.feedback["general_fb"])
        if isinstance(question, SingleChoice | MultipleResponse):
            assert [item.choice_text(i) for i, _ in item.choices] == [to_plain(c.text) for c in question.choices]
            assert {item.choice_text(i) for i in item.key} == {to_plain(c.text) for c in question.choices if c.correct}
        elif isinstance(question, TrueFalse):
            assert [i for i, _ in item.choices] == ["true", "false"]
            assert item.key == {"true" if question.answer else "false"}
        elif isinstance(question, ShortAnswer):
            assert item.key == {a.strip() for a in accepted_answers(question.accept)}
        elif isinstance(question, Numeric):
            assert item.key == set(number_answers(question.answer))
        else:
            assert question.type == "essay" and item.key == frozenset() and item.choices == ()


def test_every_type_the_profile_allows_is_included_and_the_rest_is_listed_as_left_out():
    types = {q.type for q in COURSE.questions if cc_profile(q)}
    assert types == {"single_choice", "multiple_response", "true_false", "short_answer", "numeric", "essay"}
    left_out = [q for q in COURSE.questions if not cc_profile(q)]
    assert {q.type for q in left_out} == {"matching", "ordering", "cloze"}
    index = _zip(PACKAGE).read("content/index.html").decode()
    for question in left_out:
        assert question.id in index
    lesson = _zip(PACKAGE).read("content/lesson-01-goode-2020.html").decode()
    assert all(q.id in lesson for q in left_out if q.lesson == "01-goode-2020")


def test_a_number_with_a_tolerance_is_left_out_with_its_reason():
    assert left_out_reason(numeric(tolerance=0.5)) is not None
    assert cc_profile(numeric(tolerance=0)) == "cc.fib.v0p1"
    assert number_answers(160000) == ["160000", "160,000"] and number_answers(20.9) == ["20.9"]


def test_the_same_course_gives_the_same_bytes():
    assert to_cartridge(COURSE) == PACKAGE
    again = load_course(ROOT / "lessons", ROOT / "question_bank.yaml")
    assert to_cartridge(again) == PACKAGE
    infos = _zip(PACKAGE).infolist()
    assert infos[0].filename == "imsmanifest.xml"
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert {i.date_time for i in infos} == {(2000, 1, 1, 0, 0, 0)}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src", "action", "srcset", "poster", "data"} and value:
                self.urls.append(value)
            if name == "id" and value:
                self.ids.add(value)


def _pages() -> dict[str, str]:
    archive = _zip(PACKAGE)
    return {n.removeprefix("content/"): archive.read(n).decode() for n in archive.namelist() if n.endswith(".html")}


def test_no_page_loads_or_links_anything_outside_the_package():
    pages = _pages()
    css = _zip(PACKAGE).read("content/style.css").decode()
    assert "url(" not in css and "@import" not in css
    for name, body in pages.items():
        parser = _Links()
        parser.feed(body)
        for url in parser.urls:
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{name} refers to {url}"
        assert "<script" not in body and "style=" not in body, name


def test_every_link_between_pages_lands_on_a_page_and_anchor_in_the_package():
    pages = _pages()
    anchors = {}
    for name, body in pages.items():
        parser = _Links()
        parser.feed(body)
        anchors[name] = parser.ids
    checked = 0
    for name, body in pages.items():
        parser = _Links()
        parser.feed(body)
        for url in parser.urls:
            target, _, fragment = url.partition("#")
            if target == "style.css":
                continue
            target = target or name
            assert target in pages, f"{name} links to {url}"
            assert not fragment or fragment in anchors[target], f"{name} links to {url}: no such anchor"
            checked += 1
    assert checked > 100
    lesson = pages["lesson-01-goode-2020.html"]
    assert 'href="reading-goode-2020.html"' in lesson and 'href="glossary.html#safe-city"' in lesson


def test_the_reader_names_a_missing_file_and_a_dangling_reference():
    archive = _zip(PACKAGE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as broken:
        for info in archive.infolist():
            if info.filename == "content/glossary.html":
                continue
            data = archive.read(info.filename)
            if info.filename == "imsmanifest.xml":
                data = data.replace(b'identifierref="res_index"', b'identifierref="res_nowhere"')
            broken.writestr(info, data)
    with pytest.raises(CartridgeError) as caught:
        read_cartridge(buffer.getvalue())
    assert any("content/glossary.html is not in the package" in p for p in caught.value.problems)
    assert any("res_nowhere" in p for p in caught.value.problems)
    with pytest.raises(CartridgeError):
        read_cartridge(b"not a zip")


def test_a_course_without_left_out_questions_says_so():
    kept = tuple(q for q in COURSE.questions if cc_profile(q))
    small = replace(COURSE, questions=kept)
    assert isinstance(small, Course)
    index = _zip(to_cartridge(small)).read("content/index.html").decode()
    assert "None: every question is in its lesson's quiz." in index


SCHEMA_DIR = os.environ.get("CC_SCHEMA_DIR", "")
# The manifest schema (CP 1.2 profiled for CC 1.1) imports the other three and the W3C xml.xsd.
MANIFEST_SCHEMAS = (
    "ccv1p1_imscp_v1p2_v1p0.xsd",
    "ccv1p1_imsccauth_v1p1.xsd",
    "ccv1p1_lommanifest_v1p0.xsd",
    "ccv1p1_lomresource_v1p0.xsd",
)
# The schema of each resource type whose file is XML of its own; webcontent files are not XML documents.
RESOURCE_SCHEMAS = {
    ASSESSMENT_TYPE: "ccv1p1_qtiasiv1p2p1_v1p0.xsd",
    "imswl_xmlv1p1": "ccv1p1_imswl_v1p1.xsd",
    "imsdt_xmlv1p1": "ccv1p1_imsdt_v1p1.xsd",
}


def _schema_files(folder: Path) -> dict[str, Path]:
    """Where each schema a CC 1.1 validation may import lives: the folder itself, and for ``xml.xsd``
    (which Moodle's schemas11 imports but keeps in backup/cc/schemas) the sibling ``schemas`` folder."""
    found = {p.name: p for p in folder.glob("*.xsd")}
    sibling = folder.parent / "schemas" / "xml.xsd"
    if "xml.xsd" not in found and sibling.is_file():
        found["xml.xsd"] = sibling
    return found


def _schema(etree, xsd: Path, files: dict[str, Path], imported: set[str]):
    """Compile one schema with every import mapped to a local file by its name; nothing is fetched."""

    class Local(etree.Resolver):
        def resolve(self, url, pubid, context):
            name = url.rsplit("/", 1)[-1]
            assert name in files, f"{xsd.name} imports {url}, which is not in {SCHEMA_DIR}"
            imported.add(name)
            return self.resolve_filename(str(files[name]), context)

    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(Local())
    return etree.XMLSchema(etree.parse(str(xsd), parser))


def test_the_manifest_and_every_quiz_validate_against_the_cc_1_1_schemas():
    if not SCHEMA_DIR:
        pytest.skip(
            "schema validation skipped: set CC_SCHEMA_DIR=<folder with the IMS CC 1.1 XSDs>, "
            "e.g. a Moodle source tree's backup/cc/schemas11 (see docs/cartridge.md)"
        )
    etree = pytest.importorskip("lxml.etree", reason="schema validation needs lxml (a dev dependency: pip install lxml)")
    folder = Path(SCHEMA_DIR)
    assert folder.is_dir(), f"CC_SCHEMA_DIR={SCHEMA_DIR} is not a folder"
    files = _schema_files(folder)
    kinds = {resource.type for resource in CARTRIDGE.resources.values()} - {WEBCONTENT}
    unknown = kinds - set(RESOURCE_SCHEMAS)
    assert not unknown, f"no schema is known for resource type(s) {sorted(unknown)}"
    needed = [*MANIFEST_SCHEMAS, "xml.xsd", *(RESOURCE_SCHEMAS[kind] for kind in sorted(kinds))]
    missing = [name for name in needed if name not in files]
    assert not missing, f"CC_SCHEMA_DIR={SCHEMA_DIR} lacks {', '.join(missing)} (xml.xsd may also sit in ../schemas)"

    imported: set[str] = set()
    archive = _zip(PACKAGE)
    manifest_schema = _schema(etree, files[MANIFEST_SCHEMAS[0]], files, imported)
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    assert manifest_schema.validate(manifest), f"imsmanifest.xml: {manifest_schema.error_log}"
    assert {*MANIFEST_SCHEMAS[1:], "xml.xsd"} <= imported, "the manifest schema did not load its imports from the folder"

    validated = 0
    for kind in sorted(kinds):
        schema = _schema(etree, files[RESOURCE_SCHEMAS[kind]], files, imported)
        for resource in (r for r in CARTRIDGE.resources.values() if r.type == kind):
            for name in resource.files:
                assert schema.validate(etree.fromstring(archive.read(name))), f"{name}: {schema.error_log}"
                validated += 1
    assert validated == len([n for n in archive.namelist() if n.startswith("assessments/")]) == 6

    # The validation is not vacuous: a resource type outside the CC 1.1 vocabulary is refused.
    wrong = archive.read("imsmanifest.xml").replace(b'type="webcontent"', b'type="webcontent/html"', 1)
    assert not manifest_schema.validate(etree.fromstring(wrong))


def test_lesson_text_reads_as_in_the_app_glossary_terms_by_name_and_lessons_by_page():
    from course.exports.cartridge import lesson_file, render
    from course.model import GlossaryTerm

    sorm = GlossaryTerm.model_validate(
        {"id": "sorm", "term": "SORM", "definition": "SORM is Russia's system.", "source": "goode-2020", "quote": "SORM"}
    )
    html = render("Russia's [[sorm]] grew, as [the Marat lesson](/lessons/02-marat-2018) shows.", [sorm])
    assert '<a class="term" href="glossary.html#sorm">SORM</a>' in html  # the term, not the slug "sorm"
    assert f'href="{lesson_file("02-marat-2018")}"' in html and 'href="/' not in html
