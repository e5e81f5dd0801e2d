"""Instructions per request, counted by valgrind: the figure to compare code by on a noisy machine.

Wall and CPU time on a shared 2-core machine drift by 15-50% between runs of the same code, so a
change worth 10% cannot be seen in them. `valgrind --tool=cachegrind --cache-sim=no` counts the
instructions a process executes, which does not depend on what else the machine is doing.

For each endpoint it runs `bench.profile_app` (in process, Flask's test client) twice under
valgrind, with a small and a large number of requests, and divides the difference by the number
of extra requests: setup (migrations, the course, logging in) cancels out. `ceiling` counts the
bare endpoint of `bench.ceiling` the same way. Only the app's own process is counted: the
database server's work is not, so compare round trips too (`python -m bench.profile_app --sql`).

    python -m bench.instructions [--pg] [--small N] [--large N] [endpoint ...]

Endpoints are texts matched against profile_app's names (default: answer, start, "question 1",
results, ceiling). Not part of `make bench`: each endpoint takes about a minute and a half, and
valgrind must be installed (`apt-get install -y valgrind`). The submit is left out: profile_app
times at most 50 submits, each on a freshly answered attempt.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ENDPOINTS = ["answer", "start", "question 1", "results", "ceiling"]
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions_in(valgrind_output: str) -> int:
    """The total instruction count cachegrind printed ("I refs: 8,343,150,265")."""
    found = _REFS.findall(valgrind_output)
    if not found:
        raise ValueError("no 'I refs' line in valgrind's output")
    return int(found[-1].replace(",", ""))


def per_request(small_total: int, large_total: int, small: int, large: int) -> int:
    """Instructions per request: the difference of two runs over their difference in requests."""
    if large <= small:
        raise ValueError("the large run must make more requests than the small one")
    return round((large_total - small_total) / (large - small))


def command(endpoint: str, requests: int, pg: bool) -> list[str]:
    """The valgrind command line counting one run."""
    counted = [sys.executable, "-m", "bench.instructions", "--ceiling-loop", str(requests)]
    if endpoint != "ceiling":
        counted = [sys.executable, "-m", "bench.profile_app", "--only", endpoint, "--requests", str(requests)]
    if pg:
        counted.append("--pg")
    return ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *counted]


def count(endpoint: str, requests: int, pg: bool) -> int:
    """Run one counted process; return its instruction total."""
    # A fixed hash seed: set and dict orders, and so the work they cause, are the same in every run.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command(endpoint, requests, pg), cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{endpoint}: the counted run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    if endpoint != "ceiling" and done.stdout.count("\n== ") != 1:
        raise SystemExit(f"{endpoint!r} must name exactly one endpoint of bench.profile_app:\n{done.stdout}")
    return instructions_in(done.stderr)


def ceiling_loop(requests: int, pg: bool) -> None:
    """The bare ceiling endpoint, `requests` times in process, on a fresh database (what `ceiling` counts)."""
    from bench import _harness as h
    from bench import ceiling

    backend = h.Backend("postgresql", "_pg") if pg else h.Backend("sqlite", "")
    with h.database(backend, "instructions") as url:
        ceiling.prepare(url)
        client = ceiling.create_app(url).test_client()
        for i in range(requests):
            assert client.post("/save", data={"value": f"answer-{i}"}).status_code == 302


def main(argv: list[str] | None = None) -> int:
    """Count each endpoint and print instructions per request."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoints", nargs="*", default=DEFAULT_ENDPOINTS)
    parser.add_argument("--pg", action="store_true", help="use PostgreSQL (TEST_DATABASE_URL)")
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=600)
    parser.add_argument("--ceiling-loop", type=int, help=argparse.SUPPRESS)  # the counted child of `ceiling`
    args = parser.parse_args(argv)
    if args.pg and not os.environ.get("TEST_DATABASE_URL"):
        raise SystemExit("--pg needs TEST_DATABASE_URL")
    if args.ceiling_loop is not None:
        ceiling_loop(args.ceiling_loop, args.pg)
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: `apt-get install -y valgrind`, then run this again.")
    print(f"backend: {'postgresql' if args.pg else 'sqlite'}; requests {args.small} and {args.large}")
    for endpoint in args.endpoints:
        small, large = count(endpoint, args.small, args.pg), count(endpoint, args.large, args.pg)
        print(f"{endpoint:<14} {per_request(small, large, args.small, args.large):>12,} instructions per request", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
