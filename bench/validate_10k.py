"""Time the validator on a synthetic 10,000-question bank built from the real course."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from course.validate import validate

ROOT = Path(__file__).resolve().parent.parent


def make_bank(path: Path, size: int = 10_000, seed: int = 7) -> None:
    """Write a bank of `size` questions: real questions re-identified, with distinct prompts."""
    rng = random.Random(seed)
    real = yaml.safe_load((ROOT / "question_bank.yaml").read_text(encoding="utf-8"))["questions"]
    words = sorted({w for q in real for w in q["prompt"].split() if w.isalpha()})
    questions = []
    for i in range(size):
        q = dict(real[i % len(real)])
        q["id"] = f"bench-{i:05d}"
        q["prompt"] = " ".join(rng.choice(words) for _ in range(14)) + "?"
        questions.append(q)
    path.write_text(yaml.safe_dump({"version": 1, "questions": questions}, allow_unicode=True, sort_keys=False), encoding="utf-8")


def run(repeats: int = 3) -> dict[str, float]:
    """Return the median seconds to validate 10,000 questions (and check the run found no errors)."""
    with tempfile.TemporaryDirectory() as tmp:
        bank = Path(tmp) / "bank.yaml"
        make_bank(bank)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            report = validate(bank, ROOT / "lessons")
            times.append(time.perf_counter() - start)
        if report.problems:
            raise SystemExit(f"the synthetic bank is invalid: {report.problems[:3]}")
        return {"validate_10k_seconds": round(statistics.median(times), 3), "validate_10k_questions": len(report.questions)}


if __name__ == "__main__":
    print(run())
