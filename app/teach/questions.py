"""The question browser: instructors filter and search the bank, read one question with its key,
feedback, evidence and statistics in their sections, and preview it as a learner (nothing recorded)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, render_template, request
from flask_login import current_user

from app.forms import CSRFForm
from app.models import Role
from app.randomness import new_seed
from app.security import role_required
from app.services import contests, item_analysis
from app.services.content import get_course
from app.teach.reports import options_of, shown_flags
from app.teach.views import TEACHERS, bp
from course.analytics import SMALL_SAMPLE, ItemStats
from course.catalog import Course
from course.grading import correct_response, grade
from course.model import BLOOM_LEVELS, Question
from course.presentation import present
from course.qtypes import QUESTION_TYPES, MultipleResponse, SingleChoice, TrueFalse, type_of
from course.responses import ResponseError, form_values, parse_response

PER_PAGE = 40
MAX_QUERY = 200  # characters of a search
DIFFICULTIES = {1: "1 (easy)", 2: "2 (medium)", 3: "3 (hard)"}
SEED = re.compile(r"[0-9a-f]{16}")  # what app.randomness.new_seed gives


@dataclass(frozen=True)
class BankFilter:
    """What the browser's GET form asks for; unknown values are ignored rather than refused."""

    lesson: str = ""
    objective: str = ""
    qtype: str = ""
    bloom: str = ""
    difficulty: int | None = None
    text: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str], course: Course) -> BankFilter:
        """Read the form's fields, keeping only values the bank knows."""
        objectives = {o.id for lesson in course.lessons for o in lesson.meta.objectives}
        difficulty = args.get("difficulty", "")
        return cls(
            lesson=_known(args.get("lesson", ""), course.lesson_by_id),
            objective=_known(args.get("objective", ""), objectives),
            qtype=_known(args.get("type", ""), QUESTION_TYPES),
            bloom=_known(args.get("bloom", ""), BLOOM_LEVELS),
            difficulty=int(difficulty) if difficulty in ("1", "2", "3") else None,
            text=" ".join(args.get("q", "").split())[:MAX_QUERY],
        )

    @property
    def active(self) -> bool:
        """Whether anything narrows the list."""
        return any((self.lesson, self.objective, self.qtype, self.bloom, self.difficulty, self.text))

    def query(self) -> dict[str, Any]:
        """The form's fields as URL parameters (empty ones left out), for the pager's links."""
        fields = {
            "lesson": self.lesson,
            "objective": self.objective,
            "type": self.qtype,
            "bloom": self.bloom,
            "difficulty": self.difficulty,
            "q": self.text,
        }
        return {k: v for k, v in fields.items() if v}

    def matches(self, question: Question) -> bool:
        """Whether a question passes every filter; the search needs every word, in any searchable text."""
        if (self.lesson and question.lesson != self.lesson) or (self.objective and question.objective != self.objective):
            return False
        if (self.qtype and question.type != self.qtype) or (self.bloom and question.bloom != self.bloom):
            return False
        if self.difficulty is not None and question.difficulty != self.difficulty:
            return False
        if self.text:
            haystack = searchable_text(question)
            return all(word in haystack for word in self.text.casefold().split())
        return True


def _known(value: str, known: Any) -> str:
    return value if value in known else ""


def searchable_text(question: Question) -> str:
    """The words a search looks in: id, prompt, options, pairs, items, cloze passage (casefolded)."""
    parts = [question.id, question.prompt]
    parts += [choice.text for choice in getattr(question, "choices", ())]
    parts += [f"{pair.left} {pair.right}" for pair in getattr(question, "pairs", ())]
    parts += list(getattr(question, "sequence", ())) + list(getattr(question, "distractors", ()))
    parts.append(getattr(question, "passage", ""))
    return " ".join(parts).casefold()


@dataclass(frozen=True)
class OptionFeedback:
    """One option a learner can pick, whether it is a key, and the feedback it gives."""

    text: str
    correct: bool
    feedback: str


def option_feedback(question: Question) -> list[OptionFeedback]:
    """Every option's feedback (choice and true/false questions; empty for the other types)."""
    if isinstance(question, SingleChoice | MultipleResponse):
        return [OptionFeedback(c.text, c.correct, c.feedback) for c in question.choices]
    if isinstance(question, TrueFalse):
        return [
            OptionFeedback("True", question.answer, question.feedback_if_true),
            OptionFeedback("False", not question.answer, question.feedback_if_false),
        ]
    return []


def question_or_404(question_id: str) -> Question:
    """The question of the bank with this id, or 404."""
    question = get_course().question_by_id.get(question_id)
    if question is None:
        abort(404)
    return question


def _page_number(raw: str | None, pages: int) -> int:
    number = int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 6 else 1
    return min(max(number, 1), max(pages, 1))


@bp.route("/questions")
@role_required(*TEACHERS)
def question_browser():
    """List the bank's questions, filtered by lesson, objective, type, Bloom level and difficulty, and searched."""
    course = get_course()
    wanted = BankFilter.from_args(request.args, course)
    found = [q for q in course.questions if wanted.matches(q)]
    pages = math.ceil(len(found) / PER_PAGE)
    page = _page_number(request.args.get("page"), pages)
    return render_template(
        "teach/questions.html",
        course=course,
        wanted=wanted,
        found=found,
        shown=found[(page - 1) * PER_PAGE : page * PER_PAGE],
        page=page,
        pages=pages,
        first=(page - 1) * PER_PAGE + 1,
        types=QUESTION_TYPES,
        blooms=BLOOM_LEVELS,
        difficulties=DIFFICULTIES,
    )


def _stats_of(question: Question, course: Course) -> tuple[ItemStats | None, int]:
    """The question's item statistics over the attempts this user may see, and how many attempts those are."""
    stats = item_analysis.across_bank(current_user, course)
    return next((i for i in stats.items if i.item_id == question.id), None), stats.n_attempts


@bp.route("/questions/<question_id>")
@role_required(*TEACHERS)
def question_page(question_id: str):
    """One question: prompt, key, each option's feedback, explanation, evidence and its statistics."""
    question = question_or_404(question_id)
    course = get_course()
    key = correct_response(question)
    item, n_attempts = _stats_of(question, course)
    return render_template(
        "teach/question.html",
        question=question,
        course=course,
        qtype=type_of(question),
        key=key,
        key_result=grade(question, key),
        options=option_feedback(question),
        item=item,
        flags=shown_flags(item) if item else (),
        option_texts=options_of(question),
        n_attempts=n_attempts,
        everyone=current_user.has_role(Role.ADMIN),
        small_sample=SMALL_SAMPLE,
        difficulties=DIFFICULTIES,
        contest_count=contests.counts(current_user, [question.id]).get(question.id, {"open": 0, "all": 0}),
    )


@bp.route("/questions/<question_id>/preview", methods=["GET", "POST"])
@role_required(*TEACHERS)
def question_preview(question_id: str):
    """Show the question as a learner sees it; on submit, its feedback and evidence. Nothing is recorded."""
    question = question_or_404(question_id)
    course = get_course()
    form, error, values = CSRFForm(), None, {}
    posted = request.form.get("seed", "") if request.method == "POST" else ""
    seed = posted if SEED.fullmatch(posted) else new_seed()
    shown = present(question, seed)
    if form.validate_on_submit():
        try:
            response = parse_response(question, shown, request.form.getlist)
        except ResponseError as exc:
            error = str(exc)
        else:
            result = grade(question, response)
            if result.answered:
                return render_template(
                    "teach/question_preview_feedback.html",
                    question=question,
                    course=course,
                    response=response,
                    result=result,
                    key=correct_response(question),
                )
            error = "Answer the question first: a learner sees this message too."
        values = form_values(question, shown, None)
    return render_template(
        "teach/question_preview.html",
        question=question,
        course=course,
        shown=shown,
        seed=seed,
        values=values,
        form=form,
        error=error,
        qtype=type_of(question),
    ), 400 if error else 200


@bp.route("/cartridge/unit.imscc")
@role_required(*TEACHERS)
def cartridge_download():
    """Download the whole unit (lessons, readings, glossary, a quiz per lesson) as a Common Cartridge for an LMS."""
    from app.services.cartridge import FILENAME, MIME, unit_cartridge

    return Response(unit_cartridge(), mimetype=MIME, headers={"Content-Disposition": f'attachment; filename="{FILENAME}"'})
