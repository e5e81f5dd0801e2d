"""Question exports (GIFT, Moodle XML, Canvas QTI 1.2): export the real bank and a hand-made set,
then read the output back the way the target does and check what it would import."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from course.bank import load_bank
from course.exports._questions import (
    accepted_answers,
    cite,
    escape_markdown,
    multiple_response_weights,
    nearest_fraction,
    numeric_bounds,
    plain_or_html,
    question_tags,
    separator_note,
    to_plain,
    unit_forms,
)
from course.exports.formats import QUESTION_FORMATS
from course.exports.gift import to_gift
from course.exports.moodle_xml import to_moodle_xml
from course.exports.qti import AssignmentQuiz, to_qti_zip
from course.model import Choice, Evidence, Pair
from course.qtypes import Blank, Matching, MultipleResponse, ShortAnswer, SingleChoice
from tests.core.factories import (
    base,
    belt_and_road,
    choices,
    cloze,
    essay,
    multiple_response,
    numeric,
    one_of_each,
    ordering,
    true_false,
)

ROOT = Path(__file__).resolve().parents[2]
BANK = load_bank(ROOT / "question_bank.yaml")

# Moodle's fixed grade list (percent), positive and negative.
MOODLE_GRADES = [
    100,
    90,
    83.33333,
    80,
    75,
    70,
    66.66667,
    60,
    50,
    40,
    33.33333,
    30,
    25,
    20,
    16.66667,
    14.28571,
    12.5,
    11.11111,
    10,
    5,
    0,
]
ALLOWED = sorted({*MOODLE_GRADES, *(-g for g in MOODLE_GRADES)})

SPECIAL = "Tricky ~ = # { } : \\ and -> and ]]> and <b>not bold</b>"


def words(text: str) -> str:
    return " ".join(text.split())


def allowed(fraction: float) -> bool:
    """Moodle accepts a grade within 0.00001 of a listed fraction (0.001 of a percentage)."""
    return any(abs(fraction - grade) < 0.001 for grade in ALLOWED)


def special_question() -> SingleChoice:
    """Every special character in the prompt, a choice, feedback, the explanation and the evidence."""
    fields = base("sp-1", "single_choice")
    fields.update(
        prompt=f"{SPECIAL}: which one? {{x}} 50% ~ok",
        explanation=f"Because {SPECIAL}.",
        evidence=[Evidence(source="src-1", quote=f"A quote with {SPECIAL} *stars* and [brackets]")],
    )
    return SingleChoice(
        **fields,
        choices=[
            Choice(text="a = b {c}", correct=True, feedback="right: #1 ~ best"),
            Choice(text="%50% off", correct=False, feedback="a weight-like text"),
            Choice(text="x -> y", correct=False, feedback="an arrow: {no}"),
        ],
    )


def hand_made() -> list:
    """A small set covering each type, the special characters and the edge cases of each export."""
    mr_fields = base("mr-7", "multiple_response")
    return [
        special_question(),
        multiple_response("mr-3of5", keys=(0, 1, 2), n=5),  # 33.33333 / -50
        multiple_response("mr-1of8", keys=(0,), n=8),  # 100 / -14.28571
        MultipleResponse(**mr_fields, choices=choices(7, [0, 1, 2, 3, 4, 5])),  # 16.66667 / -100
        true_false("tf-true", answer=True),
        true_false("tf-false", answer=False),
        ShortAnswer(**base("sa-the", "short_answer"), accept=["The Kremlin", "a*b"], feedback="Think: {who}?"),
        ShortAnswer(**base("sa-nofb", "short_answer"), accept=["Toloka"]),
        numeric("nu-pct", answer=0.3, tolerance=0.1, unit="%"),
        numeric("nu-neg", answer=-5, tolerance=0.5),
        Matching(
            **base("ma--arrow", "matching"),
            pairs=[Pair(left="A -> B", right="one = 1"), Pair(left="C", right="two")],
            distractors=["three"],
        ),
        ordering("or-1", sequence=("first {1", "Belt & Road", "*third*: a = b ~ c # d", "fourth")),
    ]


# --------------------------------------------------------------------------- GIFT, read back


def _find(text: str, token: str, start: int = 0) -> int:
    """Index of the first unescaped ``token`` at or after ``start``, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(token, i):
            return i
        i += 1
    return -1


def _rfind(text: str, token: str) -> int:
    found, i = -1, _find(text, token)
    while i != -1:
        found, i = i, _find(text, token, i + 1)
    return found


def _split(text: str, separators: str) -> list[str]:
    """Split at unescaped separator characters, keeping each separator at the start of its part."""
    parts, current, i = [], "", 0
    while i < len(text):
        if text[i] == "\\":
            current += text[i : i + 2]
            i += 2
            continue
        if text[i] in separators:
            parts.append(current)
            current = ""
        current += text[i]
        i += 1
    parts.append(current)
    return [p for p in (part.strip() for part in parts) if p]


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text, flags=re.S).strip()


def _weight(answer: str) -> tuple[float | None, str]:
    match = re.match(r"%(-?[0-9.]+)%", answer)
    return (float(match.group(1)), answer[match.end() :]) if match else (None, answer)


def _feedback(answer: str) -> tuple[str, str | None]:
    cut = _find(answer, "#")
    return (answer, None) if cut == -1 else (answer[:cut], unescape(answer[cut + 1 :]))


# Moodle's qformat_gift::extract_idnumber_and_tags_from_comment (PCRE classes spelt out for Python).
_GIFT_ID = re.compile(r"\[id:((?:\\\]|[^\]\[\x00-\x1f\x7f])+)\]")
_GIFT_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f\x7f])+)\]")
# qtype_ordering::import_from_gift (Moodle 4.4+), applied to the answer section without its general feedback.
_ORDERING = re.compile(
    r"^\s*>\s*(\d+)\s*(ALL|EXACT|RANDOM|REL|CONTIGUOUS|CONTIG)?\s*(HORIZONTAL|HORI|H|1|VERTICAL|VERT|V|0)?\s*"
    r"(ALL_OR_NOTHING|ABSOLUTE_POSITION|ABSOLUTE|ABS|RELATIVE_NEXT_EXCLUDE_LAST|RELATIVE_NEXT_INCLUDE_LAST|"
    r"RELATIVE_ONE_PREVIOUS_AND_NEXT|RELATIVE_ALL_PREVIOUS_AND_NEXT|RELATIVE_TO_CORRECT|RELATIVE|REL)?\s*"
    r"(SHOW|TRUE|YES|1|HIDE|FALSE|NO|0)?\s*(none|123|abc|ABCD|iii|IIII)?\s*(.*?)\s*$",
    re.S,
)


def id_and_tags(comments: str) -> tuple[str, list[str]]:
    """The ID number and tags Moodle reads from a question's ``//`` lines."""
    found = _GIFT_ID.search(comments)
    idnumber = found.group(1).strip().replace("\\]", "]") if found else ""
    return idnumber, [t.strip().replace("\\]", "]") for t in _GIFT_TAG.findall(comments)]


def parse_gift(text: str) -> tuple[list[dict], list[str]]:
    """A small GIFT reader that decides types the way Moodle's qformat_gift::readquestion does.

    Returns the questions and the comment-only blocks (which Moodle skips). Each question has the
    ID number and tags Moodle reads from its comment lines.
    """
    questions, comment_blocks, category = [], [], None
    for block in text.split("\n\n"):
        kept = [line for line in block.split("\n") if not line.strip().startswith("//")]
        comments = "".join(line.strip() + "\n" for line in block.split("\n") if line.strip().startswith("//"))
        body = "\n".join(kept).strip()
        if not body:
            comment_blocks.append(block)
            continue
        if body.startswith("$CATEGORY:"):
            category = body[len("$CATEGORY:") :].strip()
            continue
        assert body.startswith("::"), body
        name_end = _find(body, "::", 2)
        name, rest = unescape(body[2:name_end]), body[name_end + 2 :]
        start, end = _find(rest, "{"), _find(rest, "}")
        assert 0 < start < end and _find(rest, "{", end) == -1, f"answers of {name} are not one {{...}}"
        prompt, section = unescape(rest[:start]), rest[start + 1 : end].strip()
        after = unescape(rest[end + 1 :])  # Moodle's "missing word": text after the answers
        general = None
        cut = _rfind(section, "####")
        if cut != -1:
            section, general = section[:cut].strip(), unescape(section[cut + 4 :])
        q: dict = {"name": name, "category": category, "prompt": prompt, "general": general, "raw": section, "after": after}
        q["idnumber"], q["tags"] = id_and_tags(comments)
        ordering_match = _ORDERING.match(section)
        if ordering_match:  # qtype_ordering's GIFT hook is tried before the built-in types
            q["type"] = "ordering"
            q["ordering"] = ordering_match.groups()[:6]
            q["items"] = [line.strip() for line in re.split(r"[\r\n]+", ordering_match.group(7)) if line.strip()]
        elif section == "":  # Moodle: no answers at all is an essay
            q["type"] = "essay"
        elif section.startswith("#"):
            q["type"] = "numerical"
            q["answers"] = [a[1:] for a in _split(section[1:], "=")]
        elif _find(section, "~") != -1:
            q["type"] = "multichoice"
            q["single"] = _find(section, "=") != -1
            q["answers"] = []
            for part in _split(section, "~="):
                weight, rest_ = _weight(part[1:]) if part[0] == "~" else (100.0, part[1:])
                answer, fb = _feedback(rest_)
                q["answers"].append({"weight": 0.0 if weight is None else weight, "text": unescape(answer), "feedback": fb})
        elif _find(section, "=") != -1 and "->" in section:
            q["type"] = "matching"
            q["pairs"] = []
            for part in _split(section, "="):
                left, right = part[1:].split("->", 1)
                q["pairs"].append((unescape(left), unescape(right)))
        elif re.match(r"(TRUE|FALSE|T|F)(#|$)", section):
            q["type"] = "truefalse"
            bits = [section[: _find(section, "#")]] + [unescape(b[1:]) for b in _split(section[_find(section, "#") :], "#")]
            q["key"], q["wrong_feedback"], q["right_feedback"] = bits
        else:
            q["type"] = "shortanswer"
            q["answers"] = []
            for part in _split(section, "="):
                weight, rest_ = _weight(part[1:])
                answer, fb = _feedback(rest_)
                q["answers"].append({"weight": 100.0 if weight is None else weight, "text": unescape(answer), "feedback": fb})
        questions.append(q)
    return questions, comment_blocks


def gift_type(question) -> str:
    if question.type == "cloze":  # one blank: Moodle's "missing word", a dropdown or a short answer
        return "multichoice" if question.blanks[0].dropdown else "shortanswer"
    return {
        "single_choice": "multichoice",
        "multiple_response": "multichoice",
        "true_false": "truefalse",
        "short_answer": "shortanswer",
        "numeric": "numerical",
        "matching": "matching",
        "ordering": "ordering",
        "essay": "essay",
    }[question.type]


def check_gift(questions: list, fmt: str = "gift") -> dict[str, dict]:
    """Export, read back and check every question against its source; return the parsed questions by id."""
    parsed, comments = parse_gift(to_gift(questions, legacy=fmt == "gift-legacy"))
    by_id = {q["name"]: q for q in parsed}
    assert len(by_id) == len(parsed)
    exported = [q for q in questions if QUESTION_FORMATS[fmt].unsupported(q) is None]
    assert sorted(by_id) == sorted(q.id for q in exported)
    for left_out in (q for q in questions if QUESTION_FORMATS[fmt].unsupported(q) is not None):
        assert any(f"// {left_out.id} ({left_out.type}" in block and "is NOT imported" in block for block in comments)
    for q in exported:
        g = by_id[q.id]
        assert g["type"] == gift_type(q)
        # Moodle 3.6+ reads the ID number and tags from the question's comment lines.
        assert g["idnumber"] == q.id
        assert g["tags"] == question_tags(q)
        assert {q.lesson, q.objective, f"bloom-{q.bloom}", f"difficulty-{q.difficulty}"} <= set(g["tags"])
        assert {f"reading-{e.source}" for e in q.evidence} <= set(g["tags"])
        assert g["category"] == f"$course$/Oversight/{q.lesson}"
        assert g["prompt"].startswith("[markdown]" + q.prompt)
        assert g["after"] == ("" if q.type != "cloze" else q.passage.split("{{1}}")[1].strip())
        if q.type == "essay":
            shown_general = to_plain(g["general"])
            assert all(to_plain(c.criterion) in shown_general for c in q.rubric)
            assert words(to_plain(escape_markdown(q.model_answer))) in words(shown_general)  # a literal * stays
        assert g["general"].startswith(q.explanation)
        shown = to_plain(g["general"])  # what Moodle shows once it renders the Markdown
        for evidence in q.evidence:
            assert (
                f"{words(evidence.quote)}” ({cite(evidence.source, evidence.speaker)})" in shown
            )  # verbatim, * and [ ] included
        if q.type == "single_choice":
            assert g["single"] is True
            assert [a["text"] for a in g["answers"]] == [c.text for c in q.choices]
            assert [a["weight"] for a in g["answers"]] == [100.0 if c.correct else 0.0 for c in q.choices]
            assert [a["feedback"] for a in g["answers"]] == [c.feedback for c in q.choices]
        elif q.type == "multiple_response":
            assert g["single"] is False  # no "=" anywhere: Moodle then allows several answers
            weights = [a["weight"] for a in g["answers"]]
            assert [a["text"] for a in g["answers"]] == [c.text for c in q.choices]
            assert all(allowed(w) for w in weights)
            assert all((w > 0) == c.correct for w, c in zip(weights, q.choices, strict=True))
            assert sum(w for w in weights if w > 0) == pytest.approx(100, abs=0.001)
            assert sum(weights) == pytest.approx(0, abs=0.001)  # ticking every box scores 0
        elif q.type == "true_false":
            # Moodle's reader: {KEY#feedback for a wrong answer#feedback for a right answer}.
            assert g["key"] == ("TRUE" if q.answer else "FALSE")
            picked_wrong, picked_right = (
                (q.feedback_if_false, q.feedback_if_true) if q.answer else (q.feedback_if_true, q.feedback_if_false)
            )
            assert (g["wrong_feedback"], g["right_feedback"]) == (picked_wrong, picked_right)
        elif q.type == "short_answer":
            right = [a["text"] for a in g["answers"] if a["weight"] == 100]
            assert {a.replace("*", "\\*") for a in q.accept} <= set(right)
            catch_all = [a for a in g["answers"] if a["text"] == "*"]
            if q.feedback:
                assert catch_all == [{"weight": 0.0, "text": "*", "feedback": q.feedback}]
            else:
                assert catch_all == []
        elif q.type == "numeric":
            (answer,) = g["answers"]
            value, tolerance = answer.split(":")
            assert (float(value), float(tolerance)) == (q.answer, q.tolerance)
        elif q.type == "matching":
            assert g["pairs"][: len(q.pairs)] == [(p.left.replace("->", "→"), to_plain(p.right)) for p in q.pairs]
            assert g["pairs"][len(q.pairs) :] == [("", to_plain(d)) for d in q.distractors]
        elif q.type == "ordering":
            # {>N ALL VERTICAL ABSOLUTE_POSITION SHOW none: every item shown, graded by absolute position.
            assert g["ordering"] == (str(len(q.sequence)), "ALL", "VERTICAL", "ABSOLUTE_POSITION", "SHOW", "none")
            # Items are kept as written (never unescaped): plain text, or HTML for one with markup.
            assert g["items"] == [plain_or_html(s)[0] for s in q.sequence]
    return by_id


def test_gift_real_bank_reads_back_with_every_type_counted():
    by_id = check_gift(BANK)
    counts = Counter((q["type"], q.get("single")) for q in by_id.values())
    expected = Counter(BANK_TYPES)
    assert counts == Counter(
        {
            ("multichoice", True): expected["single_choice"],
            ("multichoice", False): expected["multiple_response"],
            ("truefalse", None): expected["true_false"],
            ("shortanswer", None): expected["short_answer"],
            ("numerical", None): expected["numeric"],
            ("matching", None): expected["matching"],
            ("ordering", None): expected["ordering"],
            ("essay", None): expected["essay"],
        }
    )
    # Cloze passages with several blanks (all of the bank's) are comments only.
    assert sum(counts.values()) == len(BANK) - expected["cloze"]


def test_gift_gives_every_question_its_id_number_and_tags_in_moodles_syntax():
    gift = to_gift(BANK)
    parsed, _ = parse_gift(gift)
    assert len(parsed) == len(BANK) - BANK_TYPES.count("cloze")
    assert all(q["idnumber"] == q["name"] and q["tags"] for q in parsed)
    q = BANK[0]
    tags = " ".join(f"[tag:{t}]" for t in question_tags(q))
    assert f"// [id:{q.id}] {tags}\n::{q.id}::" in gift  # the comment line right before the question


def test_gift_legacy_leaves_ordering_out_with_a_note():
    by_id = check_gift(BANK, fmt="gift-legacy")
    assert not any(q["type"] == "ordering" for q in by_id.values())
    assert len(by_id) == len(BANK) - BANK_TYPES.count("cloze") - BANK_TYPES.count("ordering")
    gift = to_gift([ordering("or-9", sequence=("x", "y", "z"))], legacy=True)
    parsed, comments = parse_gift(gift)
    assert parsed == []
    (block,) = [b for b in comments if "or-9" in b]
    assert all(line.startswith("//") for line in block.splitlines())
    assert "is NOT imported: Moodle before 4.4 has no ordering type in GIFT" in block
    assert "//   1. x\n//   2. y\n//   3. z" in block
    assert gift.startswith("// Oversight question bank, GIFT format for Moodle before 4.4")


BANK_TYPES = [q.type for q in BANK]


def test_real_bank_has_every_type():
    assert len(BANK) == 291
    assert set(BANK_TYPES) == {
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "ordering",
        "essay",
        "cloze",
    }


def test_gift_hand_made_set_escapes_special_characters():
    gift = to_gift(hand_made())
    by_id = check_gift(hand_made())
    special = by_id["sp-1"]
    assert special["prompt"] == f"[markdown]{SPECIAL}: which one? {{x}} 50% ~ok"
    assert special["answers"][1] == {"weight": 0.0, "text": "%50% off", "feedback": "a weight-like text"}
    for escaped in ("\\~", "\\=", "\\#", "\\{", "\\}", "\\:", "\\\\"):
        assert escaped in gift
    # The text that looks like a weight got an explicit 0 weight, or Moodle would read it as 50%.
    assert "\t~%0%%50% off#" in gift


def test_gift_hand_made_weights_true_false_and_short_answers():
    by_id = check_gift(hand_made())
    assert [a["weight"] for a in by_id["mr-3of5"]["answers"]] == [33.33333] * 3 + [-50.0] * 2
    assert [a["weight"] for a in by_id["mr-1of8"]["answers"]] == [100.0] + [-14.28571] * 7
    assert [a["weight"] for a in by_id["mr-7"]["answers"]] == [16.66667] * 6 + [-100.0]
    assert by_id["tf-true"]["raw"].startswith("TRUE#picked false#picked true")
    assert by_id["tf-false"]["raw"].startswith("FALSE#picked true#picked false")
    answers = [a["text"] for a in by_id["sa-the"]["answers"]]
    assert answers == ["The Kremlin", "a\\*b", "Kremlin", "the a\\*b", "*"]
    assert by_id["nu-pct"]["answers"] == ["0.3:0.1"]
    assert by_id["nu-pct"]["prompt"].endswith("*Type the number only, without the unit (%).*")
    assert by_id["nu-neg"]["answers"] == ["-5:0.5"]
    assert by_id["ma--arrow"]["pairs"] == [("A → B", "one = 1"), ("C", "two"), ("", "three")]


def test_gift_ordering_in_moodle_44_syntax_with_unescaped_items():
    q = ordering("or-9", sequence=("first {1", "Belt & Road", "a: b = c ~ d # e", "*fourth*"))
    gift = to_gift([q])
    assert (
        "::or-9::[markdown]Prompt of or-9?{>4 ALL VERTICAL ABSOLUTE_POSITION SHOW none\n"
        "first {1\nBelt & Road\na: b = c ~ d # e\n<em>fourth</em>\n####Because the source says so."
    ) in gift
    g = check_gift([q])["or-9"]
    assert g["items"] == ["first {1", "Belt & Road", "a: b = c ~ d # e", "<em>fourth</em>"]
    assert g["general"].startswith("Because the source says so.")  # Moodle splits off #### before the hook


def test_gift_ordering_item_gift_cannot_carry_is_left_out_with_a_note():
    q = ordering("or-bs", sequence=("back\\slash", "b", "c"))
    parsed, comments = parse_gift(to_gift([q]))
    assert parsed == []
    assert any("or-bs (ordering" in block and "backslash" in block for block in comments)


def test_the_validator_refuses_an_ordering_item_with_a_closing_brace(tmp_path):
    from course.validate import validate

    with pytest.raises(ValueError, match="contains '}'"):
        ordering("or-brace", sequence=("a}", "b", "c"))
    fixture = ROOT / "tests" / "data" / "course"
    bank = (fixture / "bank.yaml").read_text(encoding="utf-8")
    bad = bank.replace("questions:\n", ORDERING_WITH_BRACE, 1)
    assert bad != bank
    path = tmp_path / "bank.yaml"
    path.write_text(bad, encoding="utf-8")
    report = validate(path, fixture / "lessons")
    (problem,) = [p for p in report.problems if "contains '}'" in p.message]
    assert problem.item == "demo-brace" and problem.line == 5
    assert "Moodle's GIFT import of ordering cannot carry" in problem.message


ORDERING_WITH_BRACE = """questions:
  - id: demo-brace
    lesson: 01-demo
    objective: 01-demo.o1
    type: ordering
    difficulty: 1
    bloom: remember
    prompt: "Put these in order."
    sequence: ["first", "second {2}", "third"]
    explanation: "The source lists them in this order."
    evidence:
      - {source: demo-source, quote: "The city installed 1,500 cameras in 2017 to watch public squares."}
"""


# --------------------------------------------------------------------------- Moodle XML


def _quiz(questions: list) -> ET.Element:
    root = ET.fromstring(to_moodle_xml(questions))
    assert root.tag == "quiz"
    return root


def _plain_html(text: str | None) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text or "")).split())


def _graded(question_el: ET.Element) -> list[tuple[float, ET.Element]]:
    return [(float(a.get("fraction")), a) for a in question_el.findall("answer")]


def check_moodle(questions: list) -> dict[str, ET.Element]:
    root = _quiz(questions)
    elements = [q for q in root.findall("question") if q.get("type") != "category"]
    by_id = {q.findtext("name/text"): q for q in elements}
    assert sorted(by_id) == sorted(q.id for q in questions)
    categories = [c.findtext("category/text") for c in root.findall("question[@type='category']")]
    assert categories == [f"$course$/Oversight/{lesson}" for lesson in dict.fromkeys(q.lesson for q in questions)]
    for q in questions:
        el = by_id[q.id]
        assert el.findtext("idnumber") == q.id
        assert [t.text for t in el.findall("tags/tag/text")] == question_tags(q)
        assert el.find("questiontext").get("format") == "html"
        if q.type == "cloze":
            assert _plain_html(el.findtext("questiontext/text")).startswith(to_plain(q.prompt))
        elif q.type == "numeric":  # Moodle refuses "160,000": from 1000 up the prompt says to type 160000
            assert _plain_html(el.findtext("questiontext/text")) == to_plain(q.prompt + separator_note(q.answer))
        else:
            assert _plain_html(el.findtext("questiontext/text")) == to_plain(q.prompt)
        general = _plain_html(el.findtext("generalfeedback/text"))
        assert general.startswith(to_plain(q.explanation))
        assert all(f"{words(e.quote)}” ({cite(e.source, e.speaker)})" in general for e in q.evidence)
        answers = _graded(el)
        if q.type != "ordering":
            assert all(allowed(f) for f, _ in answers), q.id
        if q.type == "single_choice":
            assert el.findtext("single") == "true"
            assert [f for f, _ in answers] == [100.0 if c.correct else 0.0 for c in q.choices]
            assert [_plain_html(a.findtext("feedback/text")) for _, a in answers] == [to_plain(c.feedback) for c in q.choices]
        elif q.type == "multiple_response":
            assert el.findtext("single") == "false"
            fractions = [f for f, _ in answers]
            assert all((f > 0) == c.correct for f, c in zip(fractions, q.choices, strict=True))
            assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=0.001)
            assert sum(fractions) == pytest.approx(0, abs=0.001)
        elif q.type == "true_false":
            by_text = {a.findtext("text"): (f, _plain_html(a.findtext("feedback/text"))) for f, a in answers}
            assert by_text == {
                "true": (100.0 if q.answer else 0.0, to_plain(q.feedback_if_true)),
                "false": (0.0 if q.answer else 100.0, to_plain(q.feedback_if_false)),
            }
        elif q.type == "short_answer":
            right = [a.findtext("text") for f, a in answers if f == 100]
            assert right == [a.replace("*", "\\*") for a in accepted_answers(q.accept)]
            wildcard = [(f, _plain_html(a.findtext("feedback/text"))) for f, a in answers if a.findtext("text") == "*"]
            assert wildcard == ([(0.0, to_plain(q.feedback))] if q.feedback else [])
        elif q.type == "numeric":
            ((fraction, answer),) = answers
            assert (fraction, float(answer.findtext("text")), float(answer.findtext("tolerance"))) == (
                100.0,
                q.answer,
                q.tolerance,
            )
            # The unit as written and in the singular: Moodle matches "1 camera" only if "camera" is listed.
            assert [u.text for u in el.findall("units/unit/unit_name")] == (unit_forms(q.unit) if q.unit else [])
            assert {u.text for u in el.findall("units/unit/multiplier")} <= {"1"}
            assert "," not in answer.findtext("text")
        elif q.type == "matching":
            subs = [(_plain_html(s.findtext("text")), s.findtext("answer/text")) for s in el.findall("subquestion")]
            assert subs == [(to_plain(p.left), to_plain(p.right)) for p in q.pairs] + [("", to_plain(d)) for d in q.distractors]
        elif q.type == "essay":
            assert answers == []
            assert el.findtext("responseformat") == "plain" and el.findtext("responserequired") == "1"
            assert el.findtext("minwordlimit") == str(q.min_words or "") and el.findtext("maxwordlimit") == str(q.max_words or "")
            grader = _plain_html(el.findtext("graderinfo/text"))
            assert all(to_plain(c.criterion) in grader for c in q.rubric)
            assert words(to_plain(escape_markdown(q.model_answer))) in grader
        elif q.type == "cloze":
            assert answers == []
            assert read_multianswer(el.findtext("questiontext/text")) == expected_multianswer(q)
        elif q.type == "ordering":
            assert [f for f, _ in answers] == list(range(1, len(q.sequence) + 1))
            assert [_plain_html(a.findtext("text")) for _, a in answers] == [to_plain(s) for s in q.sequence]
            assert el.findtext("gradingtype") == "ABSOLUTE_POSITION" and el.findtext("selecttype") == "ALL"
    return by_id


def test_moodle_xml_real_bank_counts_types_and_fractions():
    by_id = check_moodle(BANK)
    counts = Counter((el.get("type"), el.findtext("single")) for el in by_id.values())
    expected = Counter(BANK_TYPES)
    assert counts == Counter(
        {
            ("multichoice", "true"): expected["single_choice"],
            ("multichoice", "false"): expected["multiple_response"],
            ("truefalse", None): expected["true_false"],
            ("shortanswer", None): expected["short_answer"],
            ("numerical", None): expected["numeric"],
            ("matching", None): expected["matching"],
            ("ordering", None): expected["ordering"],
            ("essay", None): expected["essay"],
            ("cloze", None): expected["cloze"],
        }
    )


def test_moodle_xml_hand_made_set():
    raw = to_moodle_xml(hand_made())
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    by_id = check_moodle(hand_made())
    # Special characters, "]]>" and raw HTML survive CDATA; the HTML is Markdown's to render.
    assert "~ = # { } : \\ and -&gt; and ]]&gt; and <b>not bold</b>" in by_id["sp-1"].findtext("questiontext/text")
    assert [f for f, _ in _graded(by_id["mr-3of5"])] == [33.33333] * 3 + [-50.0] * 2
    assert [f for f, _ in _graded(by_id["mr-1of8"])] == [100.0] + [-14.28571] * 7
    assert [f for f, _ in _graded(by_id["mr-7"])] == [16.66667] * 6 + [-100.0]
    numeric_el = by_id["nu-pct"]
    assert (numeric_el.findtext("answer/text"), numeric_el.findtext("answer/tolerance")) == ("0.3", "0.1")
    assert numeric_el.findtext("unitgradingtype") == "0"  # unit optional, not graded
    assert by_id["nu-neg"].find("units") is None


def test_moodle_numeric_lists_the_singular_unit_and_says_to_type_no_separators():
    el = check_moodle([numeric("nu-cams", answer=160000, unit="cameras")])["nu-cams"]
    assert [u.text for u in el.findall("units/unit/unit_name")] == ["cameras", "camera"]
    assert el.findtext("answer/text") == "160000"
    assert "Type the number without separators: 160000, not 160,000." in _plain_html(el.findtext("questiontext/text"))
    small = check_moodle([numeric("nu-small", answer=20.9, unit="%")])["nu-small"]
    assert "separators" not in small.findtext("questiontext/text")
    assert [u.text for u in small.findall("units/unit/unit_name")] == ["%"]
    gift = check_gift([numeric("nu-cams", answer=160000, unit="cameras")])["nu-cams"]
    assert gift["prompt"].endswith("*Type the number without separators: 160000, not 160,000.*")


# --------------------------------------------------------------------------- QTI (Canvas)

NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
MANIFEST_NS = {"m": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
CANVAS_TYPES = {
    "single_choice": "multiple_choice_question",
    "multiple_response": "multiple_answers_question",
    "true_false": "true_false_question",
    "short_answer": "short_answer_question",
    "numeric": "numerical_question",
    "matching": "matching_question",
    "ordering": "matching_question",
    "essay": "essay_question",
}


def canvas_type(question) -> str:
    """Canvas's type: a cloze of dropdowns only is "multiple dropdowns", any other "fill in multiple blanks"."""
    if question.type == "cloze":
        return "multiple_dropdowns_question" if all(b.dropdown for b in question.blanks) else "fill_in_multiple_blanks_question"
    return CANVAS_TYPES[question.type]


def check_qti_blanks(item: ET.Element, q) -> None:
    """``[blankN]`` in the text, one response_lid per blank, credit per blank for the right answers only."""
    text = item.findtext("q:presentation/q:material/q:mattext", namespaces=NS)
    lids = item.findall("q:presentation/q:response_lid", NS)
    names = [f"blank{i + 1}" for i in range(len(q.blanks))]
    assert [lid.get("ident") for lid in lids] == [f"response_{n}" for n in names]
    assert [lid.findtext("q:material/q:mattext", namespaces=NS) for lid in lids] == names
    assert all(f"[{n}]" in text for n in names)
    dropdowns = canvas_type(q) == "multiple_dropdowns_question"
    conditions = _score_conditions(item)
    assert len(conditions) == len(q.blanks)
    for lid, blank, condition in zip(lids, q.blanks, conditions, strict=True):
        labels = {
            lab.get("ident"): lab.findtext("q:material/q:mattext", namespaces=NS)
            for lab in lid.findall("q:render_choice/q:response_label", NS)
        }
        credited = {labels[v.text] for v in condition.iter(f"{{{NS['q']}}}varequal")}
        assert condition.find("q:setvar", NS).get("action") == "Add"
        assert credited == ({blank.answer} if dropdowns else {blank.answer, *blank.accept})
        assert set(labels.values()) == ({blank.answer, *blank.options} if dropdowns else {blank.answer, *blank.accept})


def open_qti(data: bytes) -> tuple[ET.Element, ET.Element]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    (resource,) = manifest.findall("m:resources/m:resource", MANIFEST_NS)
    assert resource.get("type") == "imsqti_xmlv1p2"
    href = resource.find("m:file", MANIFEST_NS).get("href")
    assert sorted(archive.namelist()) == sorted(["imsmanifest.xml", href])
    assessment = ET.fromstring(archive.read(href))
    assert assessment.tag == f"{{{NS['q']}}}questestinterop"
    return manifest, assessment


def _meta(item: ET.Element) -> dict[str, str]:
    return {
        f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", default="", namespaces=NS)
        for f in item.findall("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS)
    }


def _item_feedback(item: ET.Element) -> dict[str, str]:
    return {
        fb.get("ident"): _plain_html(fb.findtext("q:flow_mat/q:material/q:mattext", namespaces=NS))
        for fb in item.findall("q:itemfeedback", NS)
    }


def _score_conditions(item: ET.Element) -> list[ET.Element]:
    return [c for c in item.findall("q:resprocessing/q:respcondition", NS) if c.find("q:setvar", NS) is not None]


def check_qti(questions: list) -> dict[str, ET.Element]:
    _, assessment = open_qti(to_qti_zip(questions))
    items = assessment.findall("q:assessment/q:section/q:item", NS)
    by_id = {item.get("ident"): item for item in items}
    assert len(by_id) == len(items) == len(questions)
    for q in questions:
        item = by_id[q.id]
        meta = _meta(item)
        assert (meta["question_type"], meta["points_possible"], item.get("title")) == (canvas_type(q), "1.0", q.id)
        prompt = _plain_html(item.findtext("q:presentation/q:material/q:mattext", namespaces=NS))
        assert prompt.startswith(to_plain(q.prompt))
        feedback = _item_feedback(item)
        general = feedback["general_fb"]
        assert general.startswith(to_plain(q.explanation))
        if q.type == "essay":
            assert all(to_plain(c.criterion) in general for c in q.rubric)
        assert all(f"{words(e.quote)}” ({cite(e.source, e.speaker)})" in general for e in q.evidence)
        linked = {d.get("linkrefid") for d in item.iter(f"{{{NS['q']}}}displayfeedback")}
        assert linked == set(feedback), "every itemfeedback is displayed by some respcondition"
        if q.type in {"single_choice", "multiple_response", "true_false"}:
            labels = item.findall("q:presentation/q:response_lid/q:render_choice/q:response_label", NS)
            texts = [_plain_html(lab.findtext("q:material/q:mattext", namespaces=NS)) for lab in labels]
            idents = [lab.get("ident") for lab in labels]
            assert meta["original_answer_ids"] == ",".join(idents)
            if q.type == "true_false":
                assert texts == ["True", "False"]
                assert [feedback[f"{i}_fb"] for i in idents] == [to_plain(q.feedback_if_true), to_plain(q.feedback_if_false)]
                keys = {idents[0] if q.answer else idents[1]}
            else:
                assert texts == [to_plain(c.text) for c in q.choices]
                assert [feedback[f"{i}_fb"] for i in idents] == [to_plain(c.feedback) for c in q.choices]
                keys = {i for i, c in zip(idents, q.choices, strict=True) if c.correct}
            (right,) = _score_conditions(item)
            assert right.findtext("q:setvar", namespaces=NS) == "100" and right.get("continue") == "No"
            if q.type == "multiple_response":
                both = right.find("q:conditionvar/q:and", NS)
                assert {v.text for v in both.findall("q:varequal", NS)} == keys
                assert {v.text for v in both.findall("q:not/q:varequal", NS)} == set(idents) - keys
            else:
                assert {v.text for v in right.findall("q:conditionvar/q:varequal", NS)} == keys
        elif q.type == "essay":
            assert _score_conditions(item) == []  # graded by a person in Canvas too
            assert item.find("q:presentation/q:response_str/q:render_fib", NS) is not None
        elif q.type == "cloze":
            check_qti_blanks(item, q)
        elif q.type == "short_answer":
            (right,) = _score_conditions(item)
            assert [v.text for v in right.findall("q:conditionvar/q:varequal", NS)] == accepted_answers(q.accept)
            assert feedback.get("general_incorrect_fb") == (to_plain(q.feedback) if q.feedback else None)
        elif q.type == "numeric":
            (right,) = _score_conditions(item)
            either = right.find("q:conditionvar/q:or", NS)
            assert float(either.findtext("q:varequal", namespaces=NS)) == q.answer
            low, high = (
                float(either.findtext("q:and/q:vargte", namespaces=NS)),
                float(either.findtext("q:and/q:varlte", namespaces=NS)),
            )
            assert (low, high) == pytest.approx((q.answer - q.tolerance, q.answer + q.tolerance))
        else:  # matching, and ordering as "Position k -> item"
            lefts_expected, rights_expected, extra = (
                ([to_plain(p.left) for p in q.pairs], [to_plain(p.right) for p in q.pairs], list(q.distractors))
                if q.type == "matching"
                else ([f"Position {k}" for k in range(1, len(q.sequence) + 1)], [to_plain(s) for s in q.sequence], [])
            )
            lids = item.findall("q:presentation/q:response_lid", NS)
            assert [_plain_html(lid.findtext("q:material/q:mattext", namespaces=NS)) for lid in lids] == lefts_expected
            options = {
                lab.get("ident"): lab.findtext("q:material/q:mattext", namespaces=NS)
                for lab in lids[0].findall("q:render_choice/q:response_label", NS)
            }
            assert sorted(options.values()) == sorted(rights_expected + [to_plain(d) for d in extra])
            assert len({re.search(r"\d+", i).group() for i in options}) == len(options)  # Canvas reads the digits
            if q.type == "ordering":
                assert list(options.values()) != rights_expected, "items must not be listed in the correct order"
            chosen = {}
            for condition in _score_conditions(item):
                assert condition.find("q:setvar", NS).get("action") == "Add"
                var = condition.find("q:conditionvar/q:varequal", NS)
                chosen[var.get("respident")] = options[var.text]
            assert [chosen[lid.get("ident")] for lid in lids] == rights_expected
    return by_id


def test_qti_real_bank_has_one_item_per_question():
    by_id = check_qti(BANK)
    counts = Counter(_meta(item)["question_type"] for item in by_id.values())
    expected = Counter(canvas_type(q) for q in BANK)
    assert counts == expected
    assert counts["matching_question"] == BANK_TYPES.count("matching") + BANK_TYPES.count("ordering")
    assert counts["essay_question"] == BANK_TYPES.count("essay")


def test_qti_hand_made_set_title_and_determinism():
    questions = hand_made()
    by_id = check_qti(questions)
    special = _plain_html(by_id["sp-1"].findtext("q:presentation/q:material/q:mattext", namespaces=NS))
    assert "~ = # { } : \\ and -> and ]]> and not bold" in special
    numeric_item = by_id["nu-pct"]
    assert numeric_item.findtext(".//q:vargte", namespaces=NS) == "0.2"  # decimal arithmetic, not 0.19999999999999998
    assert numeric_item.findtext(".//q:varlte", namespaces=NS) == "0.4"
    title = 'Week 3 & "friends" <draft>'
    manifest, assessment = open_qti(to_qti_zip(questions, title=title))
    assert assessment.find("q:assessment", NS).get("title") == title
    assert manifest.findtext(".//{http://www.imsglobal.org/xsd/imsmd_v1p2}string") == title
    assert to_qti_zip(questions) == to_qti_zip(questions)


def _mattexts(item: ET.Element) -> list[ET.Element]:
    return list(item.iter(f"{{{NS['q']}}}mattext"))


def test_qti_plain_text_is_text_plain_with_the_ampersand_intact():
    by_id = check_qti(belt_and_road())
    choice, matching_item = by_id["br-1"], by_id["br-2"]
    labels = choice.findall("q:presentation/q:response_lid/q:render_choice/q:response_label/q:material/q:mattext", NS)
    assert [(m.get("texttype"), m.text) for m in labels] == [
        ("text/plain", "Belt & Road"),
        ("text/html", "<em>Digital</em> Silk Road"),
        ("text/plain", "Made in China 2025"),
    ]
    feedback = {fb.get("ident"): fb.find("q:flow_mat/q:material/q:mattext", NS) for fb in choice.findall("q:itemfeedback", NS)}
    assert (feedback["1001_fb"].get("texttype"), feedback["1001_fb"].text) == ("text/plain", "Right: Belt & Road.")
    # HTML keeps markup; "&" is a numeric reference, which Canvas's plain copy (clear_html) decodes
    # where it would delete "&amp;".
    assert feedback["1002_fb"].get("texttype") == "text/html"
    assert feedback["1002_fb"].text == "Not <strong>this</strong> one &#38; not that."
    assert "Belt &#38; Road Initiative" in feedback["general_fb"].text
    lefts = [lid.find("q:material/q:mattext", NS) for lid in matching_item.findall("q:presentation/q:response_lid", NS)]
    assert [(m.get("texttype"), m.text) for m in lefts] == [("text/plain", "Belt & Road"), ("text/plain", "Safe City")]
    options = matching_item.findall("q:presentation/q:response_lid/q:render_choice/q:response_label/q:material/q:mattext", NS)
    assert {m.get("texttype") for m in options} == {"text/plain"}
    assert {"China & partners", "R&D"} <= {m.text for m in options}
    # No text anywhere is double-escaped, and every mattext says what it is.
    for item in by_id.values():
        assert all(m.get("texttype") in {"text/plain", "text/html"} for m in _mattexts(item))
        assert not any("&amp;" in (m.text or "") for m in _mattexts(item))


def test_qti_real_bank_plain_texts_keep_their_ampersand():
    by_id = check_qti(BANK)
    plain = [m.text for item in by_id.values() for m in _mattexts(item) if m.get("texttype") == "text/plain"]
    assert any("Belt & Road" in t for t in plain)
    html_texts = [m.text or "" for item in by_id.values() for m in _mattexts(item) if m.get("texttype") == "text/html"]
    assert not any(re.search(r"&[a-z]+;", t) for t in html_texts), "named references lose their character in Canvas"


def _package(data: bytes) -> tuple[zipfile.ZipFile, ET.Element]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return archive, ET.fromstring(archive.read("imsmanifest.xml"))


def test_qti_bank_export_has_no_quiz_settings():
    archive, manifest = _package(to_qti_zip(one_of_each()))
    assert not any(name.endswith("assessment_meta.xml") for name in archive.namelist())
    assert len(manifest.findall("m:resources/m:resource", MANIFEST_NS)) == 1
    _, assessment = open_qti(to_qti_zip(one_of_each()))
    assert assessment.find("q:assessment/q:section/q:section", NS) is None  # no question group: every question


CANVAS = {"c": "http://canvas.instructure.com/xsd/cccv1p0"}


def test_qti_assignment_export_carries_assessment_meta_with_its_settings():
    questions = one_of_each()
    quiz = AssignmentQuiz(
        title="Week 3 & quiz",
        points=12,
        num_questions=5,
        attempts_allowed=2,
        time_limit_minutes=20,
        counting="last",
        feedback_policy="after_submit",
        answers_policy="never",
        description="Lessons 01 & 02.",
    )
    data = to_qti_zip(questions, title=quiz.title, quiz=quiz)
    archive, manifest = _package(data)
    ident = [r for r in manifest.findall("m:resources/m:resource", MANIFEST_NS) if r.get("type") == "imsqti_xmlv1p2"][0]
    (dependency,) = ident.findall("m:dependency", MANIFEST_NS)
    (meta_resource,) = [
        r
        for r in manifest.findall("m:resources/m:resource", MANIFEST_NS)
        if r.get("identifier") == dependency.get("identifierref")
    ]
    assert meta_resource.get("type") == "associatedcontent/imscc_xmlv1p1/learning-application-resource"
    meta_href = meta_resource.get("href")
    assert meta_href == f"{ident.get('identifier')}/assessment_meta.xml"
    assert sorted(archive.namelist()) == sorted(["imsmanifest.xml", ident.find("m:file", MANIFEST_NS).get("href"), meta_href])
    meta = ET.fromstring(archive.read(meta_href))
    assert meta.tag == f"{{{CANVAS['c']}}}quiz" and meta.get("identifier") == ident.get("identifier")
    settings = {child.tag.split("}")[1]: child.text or "" for child in meta}
    assert settings["title"] == "Week 3 & quiz"
    assert "Lessons 01 &#38; 02." in settings["description"] and "draws 5 of these 8 questions" in settings["description"]
    assert settings["points_possible"] == "12"
    assert settings["shuffle_answers"] == "true"
    assert settings["allowed_attempts"] == "2"
    assert settings["time_limit"] == "20"
    assert settings["scoring_policy"] == "keep_latest"
    assert settings["quiz_type"] == "assignment"
    assert settings["show_correct_answers"] == "false"
    assert settings["available"] == "false"
    # The assessment: attempts and time limit, and a group that picks 5 of the 8, worth 12/5 each.
    assessment = ET.fromstring(archive.read(ident.find("m:file", MANIFEST_NS).get("href")))
    fields = {
        f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS)
        for f in assessment.findall("q:assessment/q:qtimetadata/q:qtimetadatafield", NS)
    }
    assert fields == {"cc_maxattempts": "2", "qmd_timelimit": "20"}
    (group,) = assessment.findall("q:assessment/q:section/q:section", NS)
    assert group.findtext("q:selection_ordering/q:selection/q:selection_number", namespaces=NS) == "5"
    assert group.findtext("q:selection_ordering/q:selection/q:selection_extension/q:points_per_item", namespaces=NS) == "2.4"
    items = group.findall("q:item", NS)
    assert [i.get("ident") for i in items] == [q.id for q in questions]
    assert {_meta(i)["points_possible"] for i in items} == {"2.4"}


def test_qti_assignment_export_unlimited_attempts_and_first_counting():
    quiz = AssignmentQuiz(title="T", points=10, num_questions=20, attempts_allowed=0, counting="first", feedback_policy="never")
    archive, _ = _package(to_qti_zip(one_of_each(), title="T", quiz=quiz))
    (meta_name,) = [n for n in archive.namelist() if n.endswith("assessment_meta.xml")]
    settings = {c.tag.split("}")[1]: c.text or "" for c in ET.fromstring(archive.read(meta_name))}
    assert settings["allowed_attempts"] == "-1" and "time_limit" not in settings
    assert settings["scoring_policy"] == "keep_highest" and settings["hide_results"] == "always"
    assert "Every attempt has these 8 questions" in settings["description"]


# --------------------------------------------------------------------------- shared helpers


@pytest.mark.parametrize("n", range(3, 9))
def test_multiple_response_weights_are_exact_for_every_legal_split(n):
    for keys in range(1, n):
        question = multiple_response(f"mr-{keys}-{n}", keys=tuple(range(keys)), n=n)
        weights = multiple_response_weights(question.choices)
        assert all(allowed(w) for w in weights)
        assert sum(w for w in weights if w > 0) == pytest.approx(100, abs=0.0001)
        assert sum(weights) == pytest.approx(0, abs=0.0001)


def test_nearest_fraction_picks_the_closest_allowed_grade():
    assert nearest_fraction(100 / 3) == 33.33333
    assert nearest_fraction(100 / 12) == 10.0  # 8.33 is not in the list; 10 is closest
    assert nearest_fraction(-100 / 9) == -11.11111
    assert nearest_fraction(-2.5) == 0.0  # a tie between 0 and -5 goes to the smaller magnitude


def test_numeric_bounds_and_accepted_answers():
    assert numeric_bounds(162000, 1000) == ("161000", "163000")
    assert numeric_bounds(-5, 0.5) == ("-5.5", "-4.5")
    # A leading "the" is optional in Oversight, so the other form is added; case-only duplicates go.
    assert accepted_answers(["the Kremlin Leaks project", "Kremlin Leaks", "kremlin LEAKS"]) == [
        "the Kremlin Leaks project",
        "Kremlin Leaks",
        "Kremlin Leaks project",
        "the Kremlin Leaks",
    ]


# --------------------------------------------------------------------------- essays and cloze passages

# Moodle's embedded-answer (multianswer) grammar, ported from question/type/multianswer/questiontype.php.
# PHP's one look-behind with alternatives of different widths becomes three look-behinds here.
_MA_FRACTION = r"=|%(-?[0-9]+)%"
_MA_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_MA_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_MA_ALTERNATIVE = rf"({_MA_FRACTION})?({_MA_ANSWER})(#({_MA_FEEDBACK}))?"
_MA_TYPES = r"(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|(SHORTANSWER|SA|MW)|(SHORTANSWER_C|SAC|MWC)"
MULTIANSWER = re.compile(rf"\{{([0-9]*):({_MA_TYPES}):({_MA_ALTERNATIVE}(~{_MA_ALTERNATIVE})*)\}}", re.S)


def read_multianswer(text: str) -> list[tuple[str, list[tuple[float, str]]]]:
    """Each embedded answer as Moodle's importer reads it: (kind, [(fraction, answer)]), in order."""
    found = []
    while (match := MULTIANSWER.search(text)) is not None:
        kind = "MULTICHOICE" if match.group(4) else "SHORTANSWER" if match.group(7) else "other"
        alternatives, rest = [], match.group(9)
        while rest and (alt := re.match(r"~?" + _MA_ALTERNATIVE, rest, re.S)) is not None:
            fraction = 1.0 if alt.group(1) == "=" else (0.01 * int(alt.group(2)) if alt.group(2) else 0.0)
            answer = html.unescape(alt.group(3)).replace("\\}", "}").replace("\\#", "#")
            alternatives.append((fraction, answer))
            rest = rest[alt.end() :]
        found.append((kind, alternatives))
        text = text[: match.start()] + "{#}" + text[match.end() :]
    return found


def expected_multianswer(q) -> list[tuple[str, list[tuple[float, str]]]]:
    return [
        ("MULTICHOICE", [(1.0, b.answer)] + [(0.0, o) for o in b.options])
        if b.dropdown
        else ("SHORTANSWER", [(1.0, a) for a in (b.answer, *b.accept)])
        for b in q.blanks
    ]


def tricky_cloze():
    return cloze(
        "cl-tricky",
        passage="Costs {{1}} & rose {{2}}; see {{3}}.",
        blanks=(
            Blank(answer="$1} #2", accept=["1}#2"]),
            Blank(answer="a < b & c", options=["x&y", "z#"]),
            Blank(answer='p/q "quoted"'),
        ),
    )


def test_moodle_multianswer_codes_read_back_through_moodles_grammar():
    for q in (cloze(), tricky_cloze()):
        el = check_moodle([q])[q.id]
        assert el.get("type") == "cloze"
        text = el.findtext("questiontext/text")
        assert read_multianswer(text) == expected_multianswer(q)
        assert "{1:MULTICHOICE:=the city~%0%Sberbank~%0%Rostec}" in to_moodle_xml([cloze()]).decode()


@pytest.mark.parametrize("bad", ["a~b", "back\\slash"])
def test_a_blank_moodle_cannot_carry_is_refused_by_the_schema(bad):
    with pytest.raises(ValueError, match="may not contain"):
        Blank(answer=bad)


def test_essay_exports_carry_the_rubric_and_word_limits():
    q = essay(min_words=100, max_words=300)
    el = check_moodle([q])[q.id]
    assert el.get("type") == "essay"
    grader = _plain_html(el.findtext("graderinfo/text"))
    assert "Uses the evidence (4 points)" in grader and "Cites and weighs several." in grader
    item = check_qti([q])[q.id]
    assert "*Write 100–300 words.*" in html.unescape(
        item.findtext("q:presentation/q:material/q:mattext", namespaces=NS)
    ) or "Write 100–300 words." in _plain_html(item.findtext("q:presentation/q:material/q:mattext", namespaces=NS))
    gift = check_gift([q])[q.id]
    assert gift["type"] == "essay"


def test_cloze_qti_typed_and_dropdown_kinds():
    typed = cloze("cl-typed", passage="{{1}} and {{2}}", blanks=(Blank(answer="one", accept=["1"]), Blank(answer="two")))
    menus = cloze(
        "cl-menus",
        passage="{{1}} or {{2}}",
        blanks=(Blank(answer="yes", options=["no"]), Blank(answer="up", options=["down", "out"])),
    )
    by_id = check_qti([typed, menus, cloze(), tricky_cloze()])
    assert _meta(by_id["cl-typed"])["question_type"] == "fill_in_multiple_blanks_question"
    assert _meta(by_id["cl-menus"])["question_type"] == "multiple_dropdowns_question"
    assert _meta(by_id["cl-1"])["question_type"] == "fill_in_multiple_blanks_question"  # mixed: every blank typed


def test_gift_cloze_one_blank_is_a_missing_word_and_more_blanks_are_comments():
    one = cloze("cl-one", passage="Moscow has {{1}} cameras.", blanks=(Blank(answer="many", options=["few", "no"]),))
    by_id = check_gift([one, cloze()])
    assert by_id["cl-one"]["type"] == "multichoice"
    assert [(a["weight"], a["text"]) for a in by_id["cl-one"]["answers"]] == [(100.0, "many"), (0.0, "few"), (0.0, "no")]
    _, comments = parse_gift(to_gift([cloze()]))
    assert any("cl-1 (cloze" in block and "one blank per question" in block for block in comments)


def test_the_format_registry_drives_the_cli_and_the_docs_table():
    from course.exports.formats import support_table

    docs = (ROOT / "docs" / "question-exports.md").read_text(encoding="utf-8")
    assert support_table(BANK) in docs, "regenerate the table: python -m course formats"
    assert [f.name for f in QUESTION_FORMATS.values()] == ["qti", "moodle-xml", "gift", "gift-legacy"]
    for fmt in QUESTION_FORMATS.values():
        data, held, skipped = fmt.export(BANK)
        assert data and held + skipped == len(BANK)
        assert skipped == sum(1 for q in BANK if fmt.unsupported(q))
