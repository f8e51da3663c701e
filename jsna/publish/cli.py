"""The ``jsna`` command line.

``jsna build [--pack PATH] [--area CODE] [--out DIR] [--chapters 01 02]`` and
``jsna demo [PATH]``. Errors a user can fix print as one line, without a
traceback, and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys

from jsna.exceptions import JSNAError

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
    build.add_argument("--chapters", nargs="+", help="only these chapters, e.g. 01 03")
    demo = sub.add_parser("demo", help="write the synthetic demo data pack")
    demo.add_argument("path", nargs="?", help="folder (default: data/raw/demo)")
    demo.add_argument("--seed", type=int, help="random seed")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Examples
    --------
    >>> main(["build", "--pack", "/nonexistent"])
    2
    """
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            from jsna.publish.build import main_build

            return main_build(args)
        if args.command == "demo":
            from jsna.config import SEED, project_paths
            from jsna.demo.pack import write_demo_pack

            path = args.path or project_paths().demo_pack
            written = write_demo_pack(
                path, seed=args.seed if args.seed is not None else SEED, overwrite=True
            )
            print(f"synthetic demo pack written to {written}")
            return 0
    except JSNAError as exc:
        print(f"jsna: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("jsna: interrupted; previous outputs are unchanged", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
