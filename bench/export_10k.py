"""Time a streamed Canvas grade export of 10,000 learners x 20 assignments, and show its memory stays flat.

`python -m bench.export_10k` prints the figures. The peak RSS figures come from fresh
subprocesses (one for 10,000 learners, one for 40,000), so they are not inflated by this process;
if the export streams, the two are about the same.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from course.exports.grades import Cell, Column, Learner, export_csv

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = 20
STATUSES = ("graded", "graded", "graded", "graded", "overridden", "missing", "in progress", "excused")


def columns(n: int = ASSIGNMENTS) -> list[Column]:
    """n assignments worth 10 points each (the last worth 12.5)."""
    return [Column(i, f"Quiz {i}", 12.5 if i == n else 10.0) for i in range(1, n + 1)]


def learners(count: int, cols: list[Column], seed: int = 11) -> Iterator[tuple[Learner, dict[int, Cell]]]:
    """`count` synthetic learners made one at a time, each with a cell per assignment."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    for i in range(count):
        cells = {}
        for col in cols:
            status = rng.choice(STATUSES)
            graded = status in ("graded", "overridden")
            cells[col.assignment_id] = Cell(
                points=round(rng.random() * col.points_possible, 2) if graded else None,
                status=status,
                submitted_at=start + timedelta(minutes=rng.randrange(60 * 24 * 90)) if graded else None,
                attempts=rng.randrange(1, 4) if status != "missing" else 0,
            )
        yield Learner(i, f"learner{i:06d}@example.org", f"S{i % 12 + 1}"), cells


def export_to(path: Path, count: int) -> int:
    """Stream a Canvas export of `count` learners to `path`; return the bytes written."""
    cols = columns()
    with path.open("w", encoding="utf-8", newline="") as out:
        for chunk in export_csv("canvas", cols, learners(count, cols)):
            out.write(chunk)
    return path.stat().st_size


def peak_rss_mb(count: int) -> float:
    """Peak resident memory (MB) of a fresh interpreter that streams a `count`-learner export to a file."""
    code = (
        "import tempfile\n"
        "from pathlib import Path\n"
        "from bench._harness import peak_rss_mb\n"
        "from bench.export_10k import export_to\n"
        "with tempfile.TemporaryDirectory() as tmp:\n"
        f"    export_to(Path(tmp) / 'grades.csv', {count})\n"
        "print(peak_rss_mb())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return round(float(result.stdout.strip()), 1)


def run(repeats: int = 3) -> dict[str, float]:
    """Median seconds for the 10,000-learner export, and peak RSS for 10,000 and 40,000 learners."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "grades.csv"
        for _ in range(repeats):
            start = time.perf_counter()
            size = export_to(path, 10_000)
            times.append(time.perf_counter() - start)
        with path.open(encoding="utf-8", newline="") as f:
            lines = sum(1 for _ in f)
    if lines != 10_000 + 2 or size == 0:
        raise SystemExit(f"the export has {lines} lines, expected header + Points Possible + 10,000 learners")
    return {
        "export_10k_seconds": round(statistics.median(times), 3),
        "export_10k_peak_rss_mb": peak_rss_mb(10_000),
        "export_40k_peak_rss_mb": peak_rss_mb(40_000),
    }


if __name__ == "__main__":
    print(run())
