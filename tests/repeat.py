"""Run the whole suite N times and report every test that failed in any run (flakiness hunting).

Usage: python -m tests.repeat --runs 5 [-- extra pytest arguments]; `make test-repeat N=5` wraps it.
Exit status 0 only when every run passed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path


def failures(report: Path) -> list[str]:
    """Ids of the tests a JUnit XML report records as failed or errored."""
    if not report.exists():
        return ["<no report: pytest did not finish>"]
    names = []
    for case in ET.parse(report).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            names.append(f"{case.get('classname')}::{case.get('name')}")
    return names


def summary(report: Path) -> str:
    """One line of counts for a run, from its JUnit XML report."""
    if not report.exists():
        return "no report"
    suite = ET.parse(report).getroot()
    suite = suite.find("testsuite") if suite.tag == "testsuites" else suite
    tests, failed, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    passed = tests - failed - errors - skipped
    return f"{passed} passed, {failed + errors} failed, {skipped} skipped in {float(suite.get('time', 0)):.0f} s"


def main(argv: list[str] | None = None) -> int:
    """Run pytest repeatedly; print each run's summary and the tests that ever failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="how many times to run the suite (default 5)")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (put them after --)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    failed: Counter[str] = Counter()
    lines = []
    with tempfile.TemporaryDirectory(prefix="oversight-repeat-") as tmp:
        for run in range(1, args.runs + 1):
            report = Path(tmp) / f"run-{run}.xml"
            print(f"repeat: run {run} of {args.runs}", flush=True)
            subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={report}", *args.pytest_args])
            lines.append(f"run {run}: {summary(report)}")
            failed.update(failures(report))
            print(f"repeat: {lines[-1]}", flush=True)
    print("\nrepeat: summary")
    for line in lines:
        print(f"  {line}")
    if failed:
        print("repeat: tests that failed in any run (failed runs / total runs):")
        for name, count in failed.most_common():
            print(f"  {count}/{args.runs}  {name}")
        return 1
    print(f"repeat: every run passed ({args.runs} of {args.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
