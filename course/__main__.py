"""`python -m course validate [--bank PATH] [--lessons DIR]`: the validator without the app.

`python -m course formats [--bank PATH]`: the table of what each export format carries, per question
type, for docs/question-exports.md (generated from the registries, so it cannot drift).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.validate import run_cli

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m course", description="Oversight course tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check lessons, readings, glossary and the question bank")
    validate.add_argument("--bank", type=Path, default=ROOT / "question_bank.yaml")
    validate.add_argument("--lessons", type=Path, default=ROOT / "lessons")
    formats = commands.add_parser("formats", help="print which question types each export format carries")
    formats.add_argument("--bank", type=Path, default=ROOT / "question_bank.yaml")
    args = parser.parse_args(argv)
    if args.command == "formats":
        from course.bank import load_bank
        from course.exports.formats import support_table

        print(support_table(load_bank(args.bank)))
        return 0
    return run_cli(args.bank, args.lessons)


if __name__ == "__main__":
    sys.exit(main())
