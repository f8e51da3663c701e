"""Atomic file writes: a file is either its old self or completely new, never half-written.

Every file jsna publishes (figures, their data, manifests, tables, Word and Excel
documents) is written to a temporary file in the same folder and then moved over
the target with :func:`os.replace`, which is atomic on one file system. If the
writing fails or is interrupted (an exception, Ctrl+C, a full disk), the
temporary file is removed, the error goes on to the caller, and the target keeps
its old content (or stays absent). A reader never sees a partial file.

This guards against failures of the process. It does not ``fsync``: after a
power cut a file system may lose the latest writes (``jsna build`` also stages a
whole build in a separate folder and moves it into place only when complete).

The new file gets the permissions a plain ``open(path, "w")`` would give it
(``0o666`` less the process umask).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "example.txt"
>>> write_bytes_atomic(path, b"first").read_bytes()
b'first'
>>> write_atomic(path, lambda tmp: tmp.write_text("second")).read_text()
'second'
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

__all__ = ["write_atomic", "write_bytes_atomic"]


def _temporary_beside(path: Path) -> Path:
    """Create a new empty hidden file in ``path``'s folder and return its name."""
    while True:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            handle = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # another writer's temporary file: pick another name
            continue
        os.close(handle)
        return candidate


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Write a file through ``write(temporary)``, then move it over ``path`` in one step.

    Parameters
    ----------
    path : path
        The file to write. Its folder is created if missing.
    write : callable
        Called once with the path of an empty temporary file in the same folder;
        it writes the whole content there (e.g. ``lambda tmp: frame.to_csv(tmp)``
        or ``lambda tmp: fig.savefig(tmp, format="png")``; give the format
        explicitly, since the temporary name ends in ``.tmp``).

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    If ``write`` raises (or the process is interrupted while it runs), the
    temporary file is removed, the exception propagates, and ``path`` keeps
    its previous content or stays absent.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "table.csv"
    >>> _ = write_atomic(path, lambda tmp: tmp.write_text("a,b\\n1,2\\n"))
    >>> def fails(tmp):
    ...     tmp.write_text("a,b\\n3")
    ...     raise OSError("disk full")
    >>> write_atomic(path, fails)
    Traceback (most recent call last):
    ...
    OSError: disk full
    >>> path.read_text(), [p.name for p in path.parent.iterdir()]
    ('a,b\\n1,2\\n', ['table.csv'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary_beside(path)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`write_atomic`).

    Parameters
    ----------
    path : path
        The file to write. Its folder is created if missing.
    data : bytes
        The whole new content.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "sub" / "document.docx"
    >>> write_bytes_atomic(path, b"PK...").read_bytes()
    b'PK...'
    """
    return write_atomic(path, lambda temporary: temporary.write_bytes(data))
