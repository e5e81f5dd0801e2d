"""Read a Common Cartridge back: ``read_cartridge(data) -> Cartridge``, or a CartridgeError listing every problem.

The reader checks what an importer relies on: the manifest parses, every file a resource lists is
in the zip, every item of the organisation points at a known resource, every dependency names a
resource, and every assessment parses as QTI (its items with their type, prompt, options and key).
It reads any CC 1.x manifest; the writer (course/exports/cartridge.py) makes 1.1.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


class CartridgeError(ValueError):
    """The package is not a readable cartridge; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ManifestResource:
    """A resource as the manifest declares it."""

    identifier: str
    type: str
    href: str | None
    files: tuple[str, ...]
    dependencies: tuple[str, ...]


@dataclass(frozen=True)
class OrgItem:
    """An item of the organisation: a title, the resource it opens (or None) and its children."""

    identifier: str
    title: str
    resource: str | None
    children: tuple[OrgItem, ...] = ()


@dataclass(frozen=True)
class QtiQuestion:
    """One item of an assessment as an importer sees it.

    ``choices`` are (ident, HTML) pairs; ``key`` holds the idents of the right choices, or the
    accepted typed answers of a fill-in-the-blank item (empty for an essay).
    """

    ident: str
    profile: str
    prompt_html: str
    choices: tuple[tuple[str, str], ...]
    key: frozenset[str]
    feedback: dict[str, str] = field(default_factory=dict)

    def choice_text(self, ident: str) -> str:
        """The plain text of one choice."""
        return plain(dict(self.choices)[ident])


@dataclass(frozen=True)
class Assessment:
    """A parsed QTI assessment."""

    ident: str
    title: str
    questions: tuple[QtiQuestion, ...]


@dataclass(frozen=True)
class Cartridge:
    """What the package holds."""

    title: str
    schemaversion: str
    namespace: str
    resources: dict[str, ManifestResource]
    organisation: tuple[OrgItem, ...]
    files: frozenset[str]
    assessments: dict[str, Assessment]  # by resource identifier


def plain(html_text: str) -> str:
    """The words of an HTML snippet, tags dropped and spaces collapsed."""
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", html_text))).strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _org_item(element: ET.Element) -> OrgItem:
    return OrgItem(
        element.get("identifier", ""),
        _text(_child(element, "title")),
        element.get("identifierref"),
        tuple(_org_item(c) for c in _children(element, "item")),
    )


def _fields(parent: ET.Element | None) -> dict[str, str]:
    if parent is None:
        return {}
    return {_text(f.find(f"{QTI}fieldlabel")): _text(f.find(f"{QTI}fieldentry")) for f in parent.iter(f"{QTI}qtimetadatafield")}


def _mattext(element: ET.Element | None) -> str:
    found = element.find(f".//{QTI}mattext") if element is not None else None
    return found.text or "" if found is not None else ""


def parse_item(item: ET.Element) -> QtiQuestion:
    """One QTI item: its CC profile, prompt, options and key."""
    profile = _fields(item.find(f"{QTI}itemmetadata")).get("cc_profile", "")
    presentation = item.find(f"{QTI}presentation")
    prompt = _mattext(presentation.find(f"{QTI}material") if presentation is not None else None)
    labels = item.findall(f"{QTI}presentation/{QTI}response_lid/{QTI}render_choice/{QTI}response_label")
    choices = tuple((label.get("ident", ""), _mattext(label)) for label in labels)
    key: set[str] = set()
    for condition in item.findall(f"{QTI}resprocessing/{QTI}respcondition"):
        if _text(condition.find(f"{QTI}setvar")) != "100":
            continue
        conditionvar = condition.find(f"{QTI}conditionvar")
        if conditionvar is None:
            continue
        key |= {_text(v) for v in conditionvar.findall(f"{QTI}varequal")}
        key |= {_text(v) for v in conditionvar.findall(f"{QTI}and/{QTI}varequal")}  # not/varequal: must stay unticked
    feedback = {f.get("ident", ""): _mattext(f) for f in item.findall(f"{QTI}itemfeedback")}
    return QtiQuestion(item.get("ident", ""), profile, prompt, choices, frozenset(key), feedback)


def parse_assessment(data: bytes) -> Assessment:
    """A QTI ``questestinterop`` document with one assessment."""
    root = ET.fromstring(data)
    assessment = root.find(f"{QTI}assessment")
    if assessment is None:
        raise CartridgeError(["no <assessment> in the QTI document"])
    items = assessment.findall(f"{QTI}section/{QTI}item")
    return Assessment(assessment.get("ident", ""), assessment.get("title", ""), tuple(parse_item(i) for i in items))


def _walk(items: tuple[OrgItem, ...]) -> list[OrgItem]:
    out: list[OrgItem] = []
    for item in items:
        out.append(item)
        out += _walk(item.children)
    return out


def read_cartridge(data: bytes) -> Cartridge:
    """Open a cartridge and check it; raise CartridgeError naming every missing or dangling piece."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise CartridgeError([f"not a zip file: {exc}"]) from None
    with archive:
        names = frozenset(archive.namelist())
        if "imsmanifest.xml" not in names:
            raise CartridgeError(["imsmanifest.xml is missing"])
        manifest = ET.fromstring(archive.read("imsmanifest.xml"))
        namespace = manifest.tag[1:].split("}")[0] if manifest.tag.startswith("{") else ""
        problems: list[str] = []
        resources: dict[str, ManifestResource] = {}
        resources_element = _child(manifest, "resources")
        for element in _children(resources_element, "resource") if resources_element is not None else []:
            resource = ManifestResource(
                element.get("identifier", ""),
                element.get("type", ""),
                element.get("href"),
                tuple(f.get("href", "") for f in _children(element, "file")),
                tuple(d.get("identifierref", "") for d in _children(element, "dependency")),
            )
            if resource.identifier in resources:
                problems.append(f"resource {resource.identifier} is declared twice")
            resources[resource.identifier] = resource
            problems += [
                f"resource {resource.identifier}: file {name} is not in the package"
                for name in resource.files
                if name not in names
            ]
            if resource.href and resource.href not in resource.files:
                problems.append(f"resource {resource.identifier}: its href {resource.href} is not one of its files")
        for resource in resources.values():
            problems += [
                f"resource {resource.identifier}: dependency {d} names no resource"
                for d in resource.dependencies
                if d not in resources
            ]
        organisations = manifest.find(".//{*}organization")
        top = _child(organisations, "item") if organisations is not None else None
        organisation = tuple(_org_item(c) for c in _children(top, "item")) if top is not None else ()
        for item in _walk(organisation):
            if item.resource and item.resource not in resources:
                problems.append(f"item {item.identifier} points at {item.resource}, which is not a resource")
        assessments: dict[str, Assessment] = {}
        for resource in resources.values():
            if "assessment" in resource.type and resource.files and resource.files[0] in names:
                try:
                    assessments[resource.identifier] = parse_assessment(archive.read(resource.files[0]))
                except (ET.ParseError, CartridgeError) as exc:
                    problems.append(f"resource {resource.identifier}: {exc}")
        metadata = _child(manifest, "metadata")
        title_element = manifest.find(".//{*}general/{*}title")
        if problems:
            raise CartridgeError(problems)
        return Cartridge(
            title=_text(title_element),
            schemaversion=_text(_child(metadata, "schemaversion") if metadata is not None else None),
            namespace=namespace,
            resources=resources,
            organisation=organisation,
            files=names,
            assessments=assessments,
        )
