"""``jsna aggregate RECIPE.toml --engine duckdb|spark [--pack PATH] [--out FILE]``.

Runs a record-level recipe (``docs/records.md``) and writes the count frame as CSV, with
the recipe's disclosure control applied (``none`` is refused for files: counts written
out must be disclosure-controlled). Progress lines go to standard error. Wired into
:mod:`jsna.publish.cli` with :func:`add_parser` and :func:`run`.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="jsna")
>>> add_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["aggregate", "r.toml", "--engine", "spark"])
>>> args.engine, args.out
('spark', None)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jsna.exceptions import DataValidationError
from jsna.io.atomic import write_csv_atomic
from jsna.meta import meta, note
from jsna.records import aggregate

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> None:
    """Add the ``aggregate`` command to the ``jsna`` command line's subparsers."""
    parser = subparsers.add_parser(
        "aggregate", help="count record-level files (deaths, admissions, ...) with a recipe"
    )
    parser.add_argument("recipe", help="recipe TOML file (see docs/records.md)")
    parser.add_argument(
        "--engine", choices=("duckdb", "spark"), default="duckdb", help="default: duckdb"
    )
    parser.add_argument("--pack", help="data pack folder for the LSOA lookups")
    parser.add_argument("--out", help="CSV file to write (default: print the first rows)")
    parser.add_argument(
        "--disclosure",
        choices=("project", "ehrql"),
        help="override the recipe's disclosure rule",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``jsna aggregate``; returns the exit status (errors are raised as JSNAError)."""

    def progress(text: str) -> None:
        print(f"jsna aggregate: {text}", file=sys.stderr, flush=True)

    result = aggregate(
        args.recipe,
        pack=args.pack,
        engine=args.engine,
        disclosure=args.disclosure,
        progress=progress,
    )
    if meta(result, "disclosure", {}).get("rule") == "none" and args.out:
        raise DataValidationError(
            "the recipe's disclosure rule is 'none', so its counts may not be written to a file; "
            'set [disclosure] rule = "project" or "ehrql" (or pass --disclosure)'
        )
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_csv_atomic(out, result, float_format="%.10g")  # formula cells neutralised
        progress(f"{len(result):,} rows written to {out}")
    else:
        print(result.head(20).to_string(index=False))
    if note(result):
        progress(note(result))
    return 0
