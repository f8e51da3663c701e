"""The ``jsna`` command line.

``jsna build [--pack PATH] [--area CODE] [--out DIR] [--chapters 01 02]`` and
``jsna demo [PATH]``. Each subcommand is one function taking the parsed
arguments and returning the exit status. Errors a user can fix print as one
line, without a traceback, and exit with status 2; a failed chapter makes
``jsna build`` exit with status 1.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from jsna.config import ALLOW_OUTSIDE_VARIABLE
from jsna.exceptions import JSNAError
from jsna.publish import aggregate_cli, fetch_cli

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jsna", description="Joint Strategic Needs Assessment toolkit"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the JSNA chapters for an area")
    build.add_argument("--pack", help="data pack folder (default: the synthetic demo pack)")
    build.add_argument("--area", help="local authority code (default: the pack's only area)")
    build.add_argument(
        "--out", help="folder for reports/ and figures/ (default: the project folder)"
    )
    build.add_argument(
        "--chapters", nargs="+", help="only these chapters, by number or name, e.g. 01 03"
    )
    build.add_argument(
        "--allow-outside",
        action="append",
        metavar="DIR",
        help="let the pack's manifest name files in DIR, outside the pack folder (repeatable)",
    )
    build.set_defaults(run=_build)
    demo = sub.add_parser("demo", help="write the synthetic demo data pack")
    demo.add_argument("path", nargs="?", help="folder (default: data/raw/demo)")
    demo.add_argument("--seed", type=int, help="random seed")
    demo.add_argument(
        "--no-records",
        action="store_true",
        help="skip the extra record-level files for recipes and benchmarks (deaths, admissions, "
        "GP registrations as Parquet); the pack's own deaths and GP records are always written",
    )
    demo.set_defaults(run=_demo)
    aggregate_cli.add_parser(sub)
    sub.choices["aggregate"].set_defaults(run=aggregate_cli.run)
    fetch_cli.add_parser(sub)
    return parser


def _terminate(signum, frame):  # noqa: ARG001 - signal handler signature
    raise SystemExit(128 + signum)


def _build(args: argparse.Namespace) -> int:
    """``jsna build``: build and publish chapters; 1 if any failed (their old version stays).

    SIGTERM becomes a normal exit, so the staging folder is removed; chapters
    already being published are finished first.
    """
    from jsna.publish.build import build

    signal.signal(signal.SIGTERM, _terminate)
    if args.allow_outside:  # read by jsna.config.allowed_outside, here and in the notebooks
        os.environ[ALLOW_OUTSIDE_VARIABLE] = os.pathsep.join(args.allow_outside)
    result = build(args.pack, args.area, args.out, chapters=args.chapters)
    print(f"reports: {result.reports}")
    print(f"figures: {result.figures}")
    if result.failed:
        names = ", ".join(
            f"{name} ({reason}{'; previous version kept' if name in result.kept else ''})"
            for name, reason in result.failed.items()
        )
        print(f"jsna: error: {len(result.failed)} chapter(s) failed: {names}", file=sys.stderr)
        return 1
    return 0


def _demo(args: argparse.Namespace) -> int:
    """``jsna demo``: write the synthetic demo data pack."""
    from jsna.config import SEED, project_paths
    from jsna.demo.pack import write_demo_pack

    path = args.path or project_paths().demo_pack
    written = write_demo_pack(
        path, seed=args.seed if args.seed is not None else SEED, overwrite=True
    )
    print(f"synthetic demo pack written to {written}")
    if not args.no_records:
        from jsna.demo.records import RECORDS_FOLDER, write_demo_records

        write_demo_records(written, seed=args.seed if args.seed is not None else SEED)
        print(f"synthetic record-level files written to {written / RECORDS_FOLDER}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Examples
    --------
    >>> main(["build", "--pack", "/nonexistent"])
    2
    >>> main(["build", "--area", " E06 999001"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except JSNAError as exc:
        print(f"jsna: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the file system refused (full disk, permissions): no traceback
        print(f"jsna: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "jsna: interrupted; chapters not yet published keep their previous version",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
