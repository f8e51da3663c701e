"""Paths a data pack manifest names, kept inside the pack folder.

A data pack reads only files inside its own folder: :func:`pack_files` turns a
manifest path (a glob) into the files it names and refuses, before any file is
opened, every path that leads outside - so no error message can quote a file
outside the pack.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from jsna.config import allowed_outside
from jsna.exceptions import SourceError

__all__ = ["pack_files"]


def _outside(root: Path, where: str, pattern: str, why: str) -> SourceError:
    return SourceError(
        f"{where}: path {pattern!r} {why}; a data pack reads only files inside its folder "
        f"{root} - copy the file into the pack and give its path relative to that folder"
    )


def pack_files(
    root: str | Path, pattern: object, *, where: str, allow_none: bool = False
) -> tuple[Path, ...]:
    """The files a manifest path (a glob) names inside the pack folder ``root``, sorted.

    A data pack reads only files inside its own folder. Refused, with a one-line
    :class:`SourceError` naming ``where`` (the manifest entry) and the path, before
    any file is opened: a path that is not text, an absolute path (``/x``, ``C:\\x``,
    ``~/x``), a path with a ``..`` part, a match that resolves (through a symlink,
    to a file or a folder) outside the pack folder, a match that is a folder or a
    broken link, and a glob matching nothing (unless ``allow_none``).

    The user may allow folders outside the pack (``jsna build --allow-outside DIR``,
    which sets ``JSNA_ALLOW_OUTSIDE``; :func:`jsna.config.allowed_outside`): then a
    path, absolute or with ``..``, may name files inside those folders too.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.csv").write_text("x\\n1\\n")
    >>> [p.name for p in pack_files(root, "*.csv", where="entry 1")]
    ['a.csv']
    >>> pack_files(root, "../a.csv", where="entry 1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.SourceError: entry 1: path '../a.csv' uses '..', which leads outside the ...
    """
    root = Path(root)
    if not isinstance(pattern, str) or not pattern.strip():
        raise SourceError(f"{where}: path {pattern!r} must be text naming a file of the pack")
    allowed = allowed_outside()
    leaves = (
        PurePosixPath(pattern).is_absolute()
        or PureWindowsPath(pattern).is_absolute()
        or PureWindowsPath(pattern).drive
        or pattern.startswith(("~", "\\"))
    )
    if leaves and not allowed:
        raise _outside(root, where, pattern, "is an absolute path")
    if ".." in re.split(r"[\\/]", pattern) and not allowed:
        raise _outside(root, where, pattern, "uses '..', which leads outside the pack folder")
    home = root.resolve()
    found = []
    if allowed:
        matches = sorted(
            Path(p) for p in glob.glob(str(root / Path(pattern).expanduser()), recursive=True)
        )
    else:
        matches = sorted(root.glob(pattern))
    for path in matches:
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        target = path.resolve()
        if not target.is_relative_to(home) and not any(target.is_relative_to(a) for a in allowed):
            if allowed:
                raise SourceError(
                    f"{where}: {shown!r} (matched by path {pattern!r}) leads to {target}, outside "
                    f"the pack folder {root} and the folders allowed with --allow-outside "
                    f"({', '.join(str(a) for a in allowed)})"
                )
            raise SourceError(
                f"{where}: {shown!r} (matched by path {pattern!r}) is or passes through a symlink "
                f"leading outside the pack folder {root}, to {target}; a data pack reads only "
                "files inside its folder - copy the file into the pack instead of linking to it"
            )
        if path.is_dir():
            raise SourceError(
                f"{where}: {shown!r} (matched by path {pattern!r}) is a folder, not a file; "
                f'name the files in it, e.g. path = "{shown}/*.csv"'
            )
        if not path.is_file():
            raise SourceError(
                f"{where}: {shown!r} (matched by path {pattern!r}) is not a readable file "
                "(a broken link?); fix the path or download the file"
            )
        found.append(path)
    if not found and not allow_none:
        raise SourceError(
            f"{where}: path {pattern!r} matches no file in {root}; "
            "fix the path or download the file"
        )
    return tuple(found)
