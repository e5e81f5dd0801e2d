"""Small builders for question objects, so core tests need no bank file."""

from __future__ import annotations

from collections.abc import Sequence

from course.model import Choice, Evidence, Pair
from course.qtypes import (
    Blank,
    Cloze,
    Criterion,
    Essay,
    Level,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

EVIDENCE = [Evidence(source="s", quote="a b c d e")]


def base(qid: str, qtype: str, objective: str = "01-demo.o1", **extra) -> dict:
    """Keys every question has."""
    return {
        "id": qid,
        "lesson": "01-demo",
        "objective": objective,
        "type": qtype,
        "difficulty": 1,
        "bloom": "remember",
        "prompt": f"Prompt of {qid}?",
        "explanation": "Because the source says so.",
        "evidence": EVIDENCE,
        **extra,
    }


def choices(n: int, keys: Sequence[int]) -> list[Choice]:
    """n choices named c0..c(n-1); those in keys are correct. Feedback names the choice."""
    return [Choice(text=f"c{i}", correct=i in keys, feedback=f"feedback c{i}") for i in range(n)]


def single_choice(qid: str = "sc-1", key: int = 1, n: int = 4, objective: str = "01-demo.o1") -> SingleChoice:
    return SingleChoice(**base(qid, "single_choice", objective), choices=choices(n, [key]))


def multiple_response(
    qid: str = "mr-1", keys: Sequence[int] = (0, 1), n: int = 4, objective: str = "01-demo.o1"
) -> MultipleResponse:
    return MultipleResponse(**base(qid, "multiple_response", objective), choices=choices(n, keys))


def true_false(qid: str = "tf-1", answer: bool = True, objective: str = "01-demo.o1") -> TrueFalse:
    return TrueFalse(
        **base(qid, "true_false", objective), answer=answer, feedback_if_true="picked true", feedback_if_false="picked false"
    )


def short_answer(
    qid: str = "sa-1",
    accept: Sequence[str] = ("Great Firewall", "Golden Shield"),
    feedback: str | None = "Think of China's internet filter.",
    objective: str = "01-demo.o1",
) -> ShortAnswer:
    return ShortAnswer(**base(qid, "short_answer", objective), accept=list(accept), feedback=feedback)


def numeric(
    qid: str = "nu-1", answer: float = 1500, tolerance: float = 0, unit: str | None = None, objective: str = "01-demo.o1"
) -> Numeric:
    return Numeric(**base(qid, "numeric", objective), answer=answer, tolerance=tolerance, unit=unit)


def matching(
    qid: str = "ma-1",
    pairs: Sequence[tuple[str, str]] = (("A", "1"), ("B", "2"), ("C", "3"), ("D", "4")),
    distractors: Sequence[str] = ("X",),
    objective: str = "01-demo.o1",
) -> Matching:
    return Matching(
        **base(qid, "matching", objective),
        pairs=[Pair(left=left, right=right) for left, right in pairs],
        distractors=list(distractors),
    )


def ordering(qid: str = "or-1", sequence: Sequence[str] = ("a", "b", "c", "d"), objective: str = "01-demo.o1") -> Ordering:
    return Ordering(**base(qid, "ordering", objective), sequence=list(sequence))


def cloze(
    qid: str = "cl-1",
    passage: str = "Moscow has {{1}} cameras run by {{2}}.",
    blanks: Sequence[Blank] = (
        Blank(answer="160,000", accept=["160000"]),
        Blank(answer="the city", options=["Sberbank", "Rostec"]),
    ),
    objective: str = "01-demo.o1",
) -> Cloze:
    return Cloze(**base(qid, "cloze", objective), passage=passage, blanks=list(blanks))


RUBRIC = [
    Criterion(
        criterion="Uses the evidence",
        levels=[
            Level(points=0, descriptor="No source cited."),
            Level(points=2, descriptor="Cites one source."),
            Level(points=4, descriptor="Cites and weighs several."),
        ],
    ),
    Criterion(
        criterion="Attributes claims",
        levels=[Level(points=0, descriptor="States claims as facts."), Level(points=2, descriptor="Says who claims what.")],
    ),
]


def essay(qid: str = "es-1", min_words: int | None = None, max_words: int | None = 50, objective: str = "01-demo.o1") -> Essay:
    return Essay(
        **base(qid, "essay", objective),
        min_words=min_words,
        max_words=max_words,
        rubric=RUBRIC,
        model_answer="Goode reports that the city denied it.",
    )


def one_of_each() -> list:
    """One question of every type the machine grades."""
    return [single_choice(), multiple_response(), true_false(), short_answer(), numeric(), matching(), ordering(), cloze()]


def every_type() -> list:
    """One question of every registered type, essays included."""
    return [*one_of_each(), essay()]


def belt_and_road() -> list:
    """Plain texts with "&" (a choice, its feedback, a matching left item, a dropdown option) and HTML ones."""
    fields = base("br-1", "single_choice")
    fields.update(
        prompt="Which initiative does Marat compare AI with?",
        explanation="She compares it with the Belt & Road Initiative.",
        evidence=[Evidence(source="s", quote="compared to its Belt & Road Initiative")],
    )
    return [
        SingleChoice(
            **fields,
            choices=[
                Choice(text="Belt & Road", correct=True, feedback="Right: Belt & Road."),
                Choice(text="*Digital* Silk Road", correct=False, feedback="Not **this** one & not that."),
                Choice(text="Made in China 2025", correct=False, feedback="No."),
            ],
        ),
        matching("br-2", pairs=(("Belt & Road", "China & partners"), ("Safe City", "Huawei")), distractors=("R&D",)),
    ]
