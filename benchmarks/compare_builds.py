"""Check that two builds produced the same outputs (used when restructuring code).

Compares every figure CSV, table CSV and figure manifest of two ``jsna build --out``
folders byte for byte, and reports (without failing) which other files differ.

Usage::

    jsna build --out /tmp/before        # on the old commit
    jsna build --out /tmp/after         # on the new commit
    python benchmarks/compare_builds.py /tmp/before /tmp/after

Exits 1 when a CSV differs or is missing on either side, printing each one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["compare"]

STRICT = (".csv",)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def compare(before: Path, after: Path) -> tuple[list[str], list[str]]:
    """Return (strict differences, other differences) between two build folders."""
    old, new = _files(before), _files(after)
    strict, other = [], []
    for name in sorted(old.keys() | new.keys()):
        if old.get(name) == new.get(name):
            continue
        where = "missing after" if name not in new else "new" if name not in old else "differs"
        (strict if name.endswith(STRICT) else other).append(f"{where}: {name}")
    return strict, other


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    strict, other = compare(args.before, args.after)
    for line in other:
        print("note:", line)
    for line in strict:
        print("FAIL:", line)
    total = len(_files(args.before))
    print(f"{total} files before; {len(strict)} CSV differences; {len(other)} other differences")
    return 1 if strict else 0


if __name__ == "__main__":
    sys.exit(main())
