"""`make bench`: run the benchmarks, print a table, write bench/results/latest.json."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import answer_save, export_10k, item_analysis_10k, lesson_page, start_300, validate_10k

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    """Run every benchmark and record medians."""
    figures: dict[str, float] = {}
    for name, module in (
        ("validate_10k", validate_10k),
        ("item_analysis_10k", item_analysis_10k),
        ("export_10k", export_10k),
        ("answer_save", answer_save),
        ("lesson_page", lesson_page),
        ("start_300", start_300),
    ):
        print(f"running {name} ...", flush=True)
        figures.update(module.run())
    RESULTS.mkdir(exist_ok=True)
    record = {
        **figures,
        "_machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "_when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (RESULTS / "latest.json").write_text(json.dumps(record, indent=2) + "\n")
    width = max(len(k) for k in figures)
    print(f"\n{'figure':<{width}}  value")
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(f"\nwritten to {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
