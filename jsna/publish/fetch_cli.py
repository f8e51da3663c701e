"""The ``jsna fetch`` command: a data pack for any local authority from the publishers.

``jsna fetch --area CODE [--pack PATH] [--only ROLE ...] [--refresh]
[--catalogue FILE]`` downloads the sources of the catalogue
(:data:`jsna.io.fetch.CATALOGUE`) for the area (any English local authority; a
county council gets all its districts), cut to it, into the pack folder and
writes its ``datapack.toml``. It prints one line per file written or source
failed and exits 1 when a source failed (the rest of the pack is written). The
command line wires it in with :func:`add_parser` and :func:`run`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from jsna.io.fetch import fetch_pack

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``fetch`` sub-command to ``subparsers`` (from ``add_subparsers``).

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="jsna")
    >>> fetch = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["fetch", "--area", "E08000014", "--only", "imd"])
    >>> args.area, args.only, args.refresh
    ('E08000014', ['imd'], False)
    """
    parser = subparsers.add_parser(
        "fetch", help="download the publishers' files for an area into a data pack"
    )
    parser.add_argument(
        "--area",
        required=True,
        help="local authority code, e.g. E08000014 (a county council E10... gets its districts)",
    )
    parser.add_argument("--pack", help="pack folder (default: data/raw/<AREA>)")
    parser.add_argument(
        "--only", nargs="+", help="only these roles or source ids (and the lookups that cut them)"
    )
    parser.add_argument("--refresh", action="store_true", help="download again, ignore the cache")
    parser.add_argument("--catalogue", help="catalogue file (default: jsna's own)")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``jsna fetch``; 0 when every source was written, 1 when some failed.

    Errors a user can fix are raised as :class:`~jsna.exceptions.JSNAError`
    (the command line prints them as one line).
    """
    if args.pack:
        pack = Path(args.pack)
    else:
        from jsna.config import project_paths

        pack = project_paths().raw / args.area
    report = fetch_pack(
        args.area, pack, only=args.only, refresh=args.refresh, catalogue=args.catalogue
    )
    for line in report.lines():
        print(line)
    return 1 if report.failed else 0
