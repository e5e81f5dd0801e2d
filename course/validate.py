"""Validate the whole course: schema, references, verbatim evidence, balance and duplicates."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from course.bank import load_bank_with_policy
from course.content import load_glossary, load_lessons, load_readings
from course.errors import ContentError, Problem
from course.model import BLOOM_LEVELS, GlossaryTerm, Lesson, Question, Reading
from course.policy import BankPolicy
from course.qtypes import QUESTION_TYPES, SingleChoice, type_of
from course.text import normalise_quote, word_count

LESSON_SECTIONS = (
    "Why it matters",
    "Key concepts",
    "The argument, summarised",
    "Key figures and timeline",
    "Who's who",
    "Reading critically",
    "Discussion prompts",
)
# Verbs whose outcome can be observed in an answer; "understand" or "know" cannot be measured.
MEASURABLE_VERBS = frozenset(
    "analyse analyze apply argue assess calculate classify compare contrast critique define describe "
    "distinguish estimate evaluate examine explain identify interpret judge justify list locate match "
    "name order outline predict rank recall recognise recognize reconcile relate sequence summarise "
    "summarize trace weigh".split()
)
GLOSSARY_LINK = re.compile(r"\[\[([^\]|]+)(?:\|[^\]]*)?\]\]")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Report:
    """The outcome of a validation run: problems plus what was counted."""

    problems: list[Problem] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    policy: BankPolicy = field(default_factory=BankPolicy)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def validate(bank_path: str | Path, lessons_dir: str | Path) -> Report:
    """Run every check and return a report (never raises for bad content)."""
    report = Report()
    bank_path, lessons_dir = Path(bank_path), Path(lessons_dir)
    steps: list[tuple[str, Callable[[], object]]] = [
        ("readings", lambda: load_readings(lessons_dir)),
        ("lessons", lambda: load_lessons(lessons_dir)),
        ("glossary", lambda: load_glossary(lessons_dir / "glossary.yaml")),
    ]
    if not lessons_dir.is_dir():
        report.problems.append(Problem(str(lessons_dir), None, "lessons folder not found"))
        steps = []
    for name, loader in steps:
        try:
            setattr(report, name, loader())
        except ContentError as exc:
            report.problems.extend(exc.problems)
    try:
        report.questions, report.policy = load_bank_with_policy(bank_path)
    except ContentError as exc:
        report.problems.extend(exc.problems)
    if not report.problems:
        checks = (check_lessons, check_glossary, check_questions, check_evidence, check_balance, check_duplicates)
        for check in checks:
            report.problems.extend(check(report, bank_path))
    return report


def check_lessons(report: Report, bank_path: Path) -> list[Problem]:
    """Lessons: known sources, objective ids, the seven sections, length, prompts, glossary links."""
    problems = []
    readings = {r.id for r in report.readings}
    terms = {t.id for t in report.glossary}
    seen_objectives: set[str] = set()
    policy = report.policy
    for lesson in report.lessons:
        path = lesson.path
        for source in lesson.meta.sources:
            if source not in readings:
                problems.append(Problem(path, 2, f"sources: no reading {source!r} in lessons/sources/", lesson.id))
        for objective in lesson.meta.objectives:
            if not objective.id.startswith(f"{lesson.id}.o"):
                problems.append(Problem(path, 2, f"objective {objective.id!r} must start with '{lesson.id}.o'", lesson.id))
            verb = objective.text.split()[0].lower().strip(",.:;") if objective.text.split() else ""
            if verb not in MEASURABLE_VERBS:
                problems.append(
                    Problem(
                        path,
                        2,
                        f"objective {objective.id!r} should start with a measurable verb "
                        f"(explain, compare, identify, evaluate ...), not {verb!r}",
                        lesson.id,
                    )
                )
            if objective.id in seen_objectives:
                problems.append(Problem(path, 2, f"objective id {objective.id!r} is used twice", lesson.id))
            seen_objectives.add(objective.id)
        headings = re.findall(r"^## +(.+?)\s*$", lesson.body, flags=re.M)
        if tuple(headings) != LESSON_SECTIONS:
            problems.append(
                Problem(
                    path,
                    None,
                    "sections must be, in order: " + "; ".join(LESSON_SECTIONS) + f" (found: {'; '.join(headings) or 'none'})",
                    lesson.id,
                )
            )
        words = word_count(GLOSSARY_LINK.sub(lambda m: m.group(1), lesson.body))
        if not policy.lesson_min_words <= words <= policy.lesson_max_words:
            problems.append(
                Problem(path, None, f"{words} words; lessons need {policy.lesson_min_words}-{policy.lesson_max_words}", lesson.id)
            )
        prompts = lesson.body.split("## Discussion prompts", 1)[-1]
        count = len(re.findall(r"^\s*(?:\d+[.)]|[-*])\s+\S", prompts, flags=re.M))
        if count < policy.min_discussion_prompts:
            problems.append(
                Problem(path, None, f"{count} discussion prompts; write at least {policy.min_discussion_prompts}", lesson.id)
            )
        for line in lesson.body.splitlines():
            for term in GLOSSARY_LINK.findall(line):
                if term.strip() not in terms:
                    problems.append(Problem(path, None, f"glossary link [[{term}]] names no term in glossary.yaml", lesson.id))
    return problems


def _quote_holder(reading: Reading) -> list[str]:
    return [normalise_quote(p.text) for p in reading.paragraphs if not p.heading]


def check_glossary(report: Report, bank_path: Path) -> list[Problem]:
    """Glossary: enough terms, unique ids, known sources, verbatim quotes, valid see-also links."""
    problems = []
    path = str(Path(report.lessons[0].path).parent / "glossary.yaml") if report.lessons else "glossary.yaml"
    ids = Counter(t.id for t in report.glossary)
    readings = {r.id: _quote_holder(r) for r in report.readings}
    if len(report.glossary) < report.policy.min_glossary_terms:
        problems.append(
            Problem(path, None, f"{len(report.glossary)} terms; the glossary needs at least {report.policy.min_glossary_terms}")
        )
    for term in report.glossary:
        if ids[term.id] > 1:
            problems.append(Problem(path, None, "term id used more than once", term.id))
        if term.source not in readings:
            problems.append(Problem(path, None, f"source {term.source!r} is not a reading id", term.id))
        elif not any(normalise_quote(term.quote) in p for p in readings[term.source]):
            problems.append(Problem(path, None, f"quote not found verbatim in one paragraph of {term.source}", term.id))
        for other in term.see_also:
            if other not in ids:
                problems.append(Problem(path, None, f"see_also {other!r} is not a term id", term.id))
    return problems


def check_questions(report: Report, bank_path: Path) -> list[Problem]:
    """Questions: unique ids, lesson and objective references, glossary references."""
    problems = []
    path = str(bank_path)
    lessons = {lesson.id: lesson for lesson in report.lessons}
    terms = {t.id for t in report.glossary}
    first_seen: dict[str, int] = {}
    for q in report.questions:
        if q.id in first_seen:
            problems.append(
                Problem(path, q.line, f"duplicate id (first used on line {first_seen[q.id]}); ids are never reused", q.id)
            )
        first_seen.setdefault(q.id, q.line)
        lesson = lessons.get(q.lesson)
        if lesson is None:
            problems.append(Problem(path, q.line, f"lesson {q.lesson!r} does not exist (lesson ids: {', '.join(lessons)})", q.id))
        elif q.objective not in {o.id for o in lesson.meta.objectives}:
            problems.append(Problem(path, q.line, f"objective {q.objective!r} is not an objective of lesson {q.lesson}", q.id))
        for term in q.glossary:
            if term not in terms:
                problems.append(Problem(path, q.line, f"glossary term {term!r} is not in glossary.yaml", q.id))
    return problems


def check_evidence(report: Report, bank_path: Path) -> list[Problem]:
    """Evidence: known readings, verbatim quotes of enough words, two sources for synthesis."""
    problems = []
    path = str(bank_path)
    readings = {r.id: _quote_holder(r) for r in report.readings}
    multi_source = {lesson.id for lesson in report.lessons if len(lesson.meta.sources) > 1}
    for q in report.questions:
        for number, evidence in enumerate(q.evidence, start=1):
            paragraphs = readings.get(evidence.source)
            if paragraphs is None:
                problems.append(Problem(path, q.line, f"evidence {number}: source {evidence.source!r} is not a reading id", q.id))
                continue
            quote = normalise_quote(evidence.quote)
            if len(quote.split()) < report.policy.min_quote_words:
                problems.append(
                    Problem(
                        path,
                        q.line,
                        f"evidence {number}: quote is shorter than {report.policy.min_quote_words} words; quote the sentence that settles the answer",
                        q.id,
                    )
                )
            if not any(quote in p for p in paragraphs):
                problems.append(
                    Problem(
                        path,
                        q.line,
                        f"evidence {number}: quote not found verbatim in one paragraph of {evidence.source}: "
                        f'"{quote[:60]}..."; copy it exactly from lessons/sources/{evidence.source}.md',
                        q.id,
                    )
                )
        for source, text in type_of(q).verbatim_passages(q):
            passage = normalise_quote(text)
            if source in readings and not any(passage in p for p in readings[source]):
                problems.append(
                    Problem(
                        path,
                        q.line,
                        f"the passage with its blanks filled in is not verbatim in one paragraph of {source}: "
                        f'"{passage[:60]}..."; copy it exactly from lessons/sources/{source}.md',
                        q.id,
                    )
                )
        problems += [Problem(path, q.line, message, q.id) for message in attribution_problems(q)]
        if q.lesson in multi_source and len(q.sources) < report.policy.min_synthesis_sources:
            problems.append(
                Problem(
                    path,
                    q.line,
                    f"a question of {q.lesson} must cite at least {report.policy.min_synthesis_sources} different sources",
                    q.id,
                )
            )
    return problems


_ACCORDING_TO = re.compile(r"\baccording to\b", re.IGNORECASE)


def attribution_problems(question: Question) -> list[str]:
    """A prompt that says "according to ..." must name every third party whose words its evidence quotes.

    Otherwise the question would credit the reading's author with what, say, a company spokesperson
    said: the attribution error this course teaches students to spot.
    """
    if not _ACCORDING_TO.search(question.prompt):
        return []
    prompt = question.prompt.casefold()
    problems = []
    for number, evidence in enumerate(question.evidence, start=1):
        if evidence.speaker is None:
            continue
        names = [w for w in re.findall(r"[\w’'-]+", evidence.speaker) if len(w) >= 4 and w[0].isupper()] or [evidence.speaker]
        if not any(name.casefold() in prompt for name in names):
            problems.append(
                f"the prompt says 'according to' but evidence {number} is the words of {evidence.speaker}, "
                "whom the prompt does not name; attribute the claim to them (e.g. 'according to "
                f"{evidence.speaker}, as the author reports')"
            )
    return problems


def longest_keys(questions: list[Question]) -> dict[str, tuple[list[str], int]]:
    """Per lesson: the single-choice questions whose key is strictly the longest choice, and how many there are."""
    found: dict[str, tuple[list[str], int]] = {}
    for q in questions:
        if not isinstance(q, SingleChoice):
            continue
        ids, count = found.get(q.lesson, ([], 0))
        key = next(c for c in q.choices if c.correct)
        if all(len(key.text) > len(c.text) for c in q.choices if c is not key):
            ids = [*ids, q.id]
        found[q.lesson] = (ids, count + 1)
    return found


def check_balance(report: Report, bank_path: Path) -> list[Problem]:
    """Bank-wide balance: totals, per lesson, per type, Bloom levels and key positions."""
    problems = []
    path, policy, questions = str(bank_path), report.policy, report.questions
    total = len(questions)
    if total < policy.min_total:
        problems.append(Problem(path, None, f"{total} questions; the bank needs at least {policy.min_total}"))
    per_lesson = Counter(q.lesson for q in questions)
    for lesson in report.lessons:
        sources = lesson.meta.sources
        if len(sources) == 1 and per_lesson[lesson.id] < policy.min_per_source_lesson:
            problems.append(
                Problem(
                    path,
                    None,
                    f"lesson {lesson.id} has {per_lesson[lesson.id]} questions; add at least {policy.min_per_source_lesson - per_lesson[lesson.id]} more",
                )
            )
    synthesis = sum(1 for q in questions if len(q.sources) >= policy.min_synthesis_sources)
    if synthesis < policy.min_synthesis:
        problems.append(
            Problem(
                path,
                None,
                f"{synthesis} synthesis questions (citing {policy.min_synthesis_sources}+ sources); the bank needs {policy.min_synthesis}",
            )
        )
    per_type = Counter(q.type for q in questions)
    for qtype in QUESTION_TYPES:
        if per_type[qtype] < policy.min_per_type:
            problems.append(
                Problem(path, None, f"{per_type[qtype]} {qtype} questions; each type needs at least {policy.min_per_type}")
            )
    if total:
        bloom = Counter(q.bloom for q in questions)
        if bloom["remember"] / total > policy.max_remember_share:
            problems.append(
                Problem(
                    path,
                    None,
                    f"{bloom['remember']}/{total} questions are 'remember'; at most {policy.max_remember_share:.0%} may be",
                )
            )
        if bloom["apply"] / total < policy.min_apply_share:
            problems.append(
                Problem(
                    path,
                    None,
                    f"{bloom['apply']}/{total} questions are 'apply' (a new case judged with the reading); "
                    f"at least {policy.min_apply_share:.0%} must be",
                )
            )
        higher = bloom["analyze"] + bloom["evaluate"]
        if higher / total < policy.min_analyze_evaluate_share:
            problems.append(
                Problem(
                    path,
                    None,
                    f"{higher}/{total} questions are 'analyze' or 'evaluate'; at least {policy.min_analyze_evaluate_share:.0%} must be",
                )
            )
    for lesson_id, (ids, count) in sorted(longest_keys(questions).items()):
        if count and len(ids) / count > policy.max_longest_key_share:
            problems.append(
                Problem(
                    path,
                    None,
                    f"lesson {lesson_id}: the key is strictly the longest choice in {len(ids)}/{count} single-choice questions; "
                    f"at most {policy.max_longest_key_share:.0%} may be, or length gives the key away ({', '.join(ids)})",
                )
            )
    positions = key_positions(questions)
    keyed = sum(positions.values())
    for position, count in sorted(positions.items()):
        if keyed and count / keyed > policy.max_key_position_share:
            problems.append(
                Problem(
                    path,
                    None,
                    f"choice {position} is the key of {count}/{keyed} single-choice questions; "
                    f"at most {policy.max_key_position_share:.0%} may share a position",
                )
            )
    return problems


def key_positions(questions: list[Question]) -> Counter[int]:
    """Count single-choice keys by position (1 = first choice)."""
    positions: Counter[int] = Counter()
    for q in questions:
        if isinstance(q, SingleChoice):
            positions[[c.correct for c in q.choices].index(True) + 1] += 1
    return positions


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(normalise_quote(text).lower())
    if len(words) < 3:
        return frozenset({tuple(words)})
    return frozenset(zip(words, words[1:], words[2:], strict=False))  # trigrams: the shorter slices end first


def check_duplicates(report: Report, bank_path: Path) -> list[Problem]:
    """Find identical or near-identical prompts (Jaccard similarity of word trigrams)."""
    problems = []
    threshold = report.policy.near_duplicate_similarity
    shingles = [_shingles(q.prompt) for q in report.questions]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, s in enumerate(shingles):
        for gram in s:
            index[gram].append(i)
    # Only shared rare trigrams propose a pair: stock phrases ("according to the") would pair everything.
    limit = max(50, len(shingles) // 100)
    shared: Counter[tuple[int, int]] = Counter()
    for ids in index.values():
        if len(ids) > limit:
            continue
        for a_pos, a in enumerate(ids):
            for b in ids[a_pos + 1 :]:
                shared[(a, b)] += 1
    for a, b in shared:
        union = len(shingles[a] | shingles[b])
        similarity = len(shingles[a] & shingles[b]) / union if union else 1.0
        if similarity >= threshold:
            qa, qb = report.questions[a], report.questions[b]
            kind = "the same prompt as" if similarity == 1.0 else f"a near-duplicate prompt ({similarity:.0%} alike) of"
            problems.append(Problem(str(bank_path), qb.line, f"{kind} {qa.id} (line {qa.line}); reword or remove one", qb.id))
    return problems


def summary_table(report: Report) -> str:
    """Render counts per lesson, type, Bloom level and difficulty as a plain-text table."""
    qs = report.questions
    lines = [
        f"Course valid: {len(report.lessons)} lessons, {len(report.readings)} readings, "
        f"{len(report.glossary)} glossary terms, {len(qs)} questions.",
        "",
    ]
    per_lesson = Counter(q.lesson for q in qs)
    types = list(QUESTION_TYPES)
    short = {name: qtype.short for name, qtype in QUESTION_TYPES.items()}
    header = (
        f"{'lesson':<26}{'total':>6}" + "".join(f"{short[t]:>7}" for t in types) + "".join(f"{b[:5]:>7}" for b in BLOOM_LEVELS)
    )
    lines += [header, "-" * len(header)]
    rows = [lesson.id for lesson in report.lessons] + sorted(set(per_lesson) - {lesson.id for lesson in report.lessons})
    for lesson_id in rows + ["TOTAL"]:
        subset = qs if lesson_id == "TOTAL" else [q for q in qs if q.lesson == lesson_id]
        t = Counter(q.type for q in subset)
        b = Counter(q.bloom for q in subset)
        if lesson_id == "TOTAL":
            lines.append("-" * len(header))
        lines.append(
            f"{lesson_id:<26}{len(subset):>6}"
            + "".join(f"{t[x]:>7}" for x in types)
            + "".join(f"{b[x]:>7}" for x in BLOOM_LEVELS)
        )
    total = len(qs) or 1
    bloom = Counter(q.bloom for q in qs)
    diff = Counter(q.difficulty for q in qs)
    synthesis = sum(1 for q in qs if len(q.sources) >= report.policy.min_synthesis_sources)
    positions = key_positions(qs)
    keyed = sum(positions.values()) or 1
    lines += [
        "",
        f"remember: {bloom['remember'] / total:.0%} (max {report.policy.max_remember_share:.0%})   "
        f"analyze+evaluate: {(bloom['analyze'] + bloom['evaluate']) / total:.0%} (min {report.policy.min_analyze_evaluate_share:.0%})",
        f"difficulty 1/2/3: {diff[1]}/{diff[2]}/{diff[3]}   synthesis questions (2+ sources): {synthesis}",
        "single-choice key positions: " + ", ".join(f"{p}: {c} ({c / keyed:.0%})" for p, c in sorted(positions.items())),
        "keys that are strictly the longest choice, per lesson: "
        + ", ".join(f"{lesson} {len(ids)}/{count}" for lesson, (ids, count) in sorted(longest_keys(qs).items())),
    ]
    return "\n".join(lines)


def run_cli(bank_path: Path, lessons_dir: Path, echo: Callable[[str], object] = print) -> int:
    """Validate, print errors or the summary, and return the exit status."""
    report = validate(bank_path, lessons_dir)
    if report.problems:
        for problem in report.problems:
            echo(f"error: {problem}")
        echo(f"{len(report.problems)} error(s); the course is not valid.")
        return 1
    echo(summary_table(report))
    return 0
