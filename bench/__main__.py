"""`make bench`: run the benchmarks, print a table, write bench/results/latest.json.

`python -m bench [name ...]` runs only the named modules (and writes only their figures).
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    _harness,
    answer_save,
    dashboard_500,
    export_10k,
    export_db,
    item_analysis_10k,
    item_analysis_db,
    lesson_page,
    start_300,
    validate_10k,
)

RESULTS = Path(__file__).resolve().parent / "results"
MODULES = {
    "validate_10k": validate_10k,
    "item_analysis_10k": item_analysis_10k,
    "item_analysis_db": item_analysis_db,
    "export_10k": export_10k,
    "export_db": export_db,
    "dashboard_500": dashboard_500,
    "answer_save": answer_save,
    "lesson_page": lesson_page,
    "start_300": start_300,
}


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark (or those named) and record medians with their spread."""
    names = list(sys.argv[1:] if argv is None else argv) or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    figures: dict[str, float] = {}
    for name in names:
        print(f"running {name} ...", flush=True)
        figures.update(MODULES[name].run())
    RESULTS.mkdir(exist_ok=True)
    spreads = {k: list(v) for k, v in _harness.SPREADS.items() if k in figures}
    record = {
        **figures,
        "_spread": spreads,
        "_machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "_when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (RESULTS / "latest.json").write_text(json.dumps(record, indent=2) + "\n")
    width = max(len(k) for k in figures)
    print(f"\n{'figure':<{width}}  {'value':<10}  spread (min-max over runs)")
    for key, value in figures.items():
        print(f"{key:<{width}}  {value:<10g}  {_harness.spread_text(key)}".rstrip())
    print(f"\nwritten to {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
