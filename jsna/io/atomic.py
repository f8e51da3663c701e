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
import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pandas as pd

__all__ = [
    "FORMULA_TRIGGERS",
    "neutralise_cell",
    "restore_cell",
    "csv_safe",
    "restore_frame",
    "write_atomic",
    "write_bytes_atomic",
    "write_csv_atomic",
]

# CSV (formula) injection. OWASP, "CSV Injection"
# (https://owasp.org/www-community/attacks/CSV_Injection): "ensure that no cells
# begin with any of the following characters: Equals to (=), Plus (+), Minus (-),
# At (@), Tab (0x09), Carriage return (0x0D)", and neutralise such a cell by
# prepending a single quote, which spreadsheets read as "this cell is text"; the
# OWASP ASVS 4.0.3 requirement 5.3.10 / 5.0 requirement 1.2.10 says the same.
# jsna also treats the full-width forms of = + - @ (U+FF1D, U+FF0B, U+FF0D,
# U+FF20), the minus sign U+2212 and a line feed as triggers: some spreadsheet
# input methods fold them to their ASCII forms, and a quote in front costs nothing.
# Real numbers written as text ("-1.5", "+3", "-2e-05") are left alone: they are
# numbers to a spreadsheet, not formulas. Proper RFC 4180 quoting of separators
# and quotes is left to the CSV writer (pandas), so a trigger after a comma or a
# quote inside a field never starts a new cell.
#: First characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20\u2212")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _needs_quote(text: str) -> bool:
    if not text:
        return False
    if text[0] in FORMULA_TRIGGERS:
        return not _NUMBER.fullmatch(text)
    # a cell that already starts with the quote, before a trigger: quote it again, so
    # restore_cell gives back exactly what was written
    return text[0] == "'" and _needs_quote(text[1:])


def neutralise_cell(value: object) -> object:
    """A CSV cell that a spreadsheet cannot read as a formula (OWASP CSV injection guidance).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed
    (or their full-width forms) gets a leading ``'``; numbers, text that is a number
    (``"-1.5"``) and anything else are returned as they are.

    Parameters
    ----------
    value : object
        One cell.

    Returns
    -------
    object

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK('http://x')"), neutralise_cell("-1.5"), neutralise_cell(-2.0)
    ("'=HYPERLINK('http://x')", '-1.5', -2.0)
    >>> neutralise_cell("@SUM(A1)"), neutralise_cell("Ainsdale"), neutralise_cell("'=x")
    ("'@SUM(A1)", 'Ainsdale', "''=x")
    """
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def restore_cell(value: object) -> object:
    """The cell :func:`neutralise_cell` was given, from what it wrote (for reading back).

    Examples
    --------
    >>> [restore_cell(neutralise_cell(x)) for x in ["=1+1", "'=x", "'quoted", "-1.5"]]
    ['=1+1', "'=x", "'quoted", '-1.5']
    """
    if isinstance(value, str) and value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list:
    return [
        c
        for c in frame.columns
        if pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])
    ]


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name passed through :func:`neutralise_cell`.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    DataFrame
        A copy when anything changed; numeric columns are untouched.

    Examples
    --------
    >>> frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "Linacre"], "value": [-1.5, 2.0]})
    >>> csv_safe(frame).to_dict("list")
    {'name': ["'=cmd|' /C calc'!A0", 'Linacre'], 'value': [-1.5, 2.0]}
    """
    out = frame
    text = _text_columns(frame)
    if text:
        out = frame.copy()
        for column in text:
            out[column] = frame[column].map(neutralise_cell, na_action="ignore")
    names = [neutralise_cell(c) for c in frame.columns]
    if names != list(frame.columns):
        out = out.set_axis(names, axis=1) if out is not frame else frame.set_axis(names, axis=1)
    return out


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame read back from a CSV written by :func:`write_csv_atomic`, as it was given.

    Examples
    --------
    >>> restore_frame(csv_safe(pd.DataFrame({"'-x": ["+1 more", "5"]}))).to_dict("list")
    {"'-x": ['+1 more', '5']}
    """
    out = frame.copy()
    for column in _text_columns(frame):
        out[column] = frame[column].map(restore_cell, na_action="ignore")
    return out.set_axis([restore_cell(c) for c in frame.columns], axis=1)


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


def write_csv_atomic(
    path: str | os.PathLike[str], frame: pd.DataFrame, *, float_format: str | None = None
) -> Path:
    """Write ``frame`` as a UTF-8 CSV (no index, ``\\n`` line ends), atomically and formula-safe.

    Every CSV jsna publishes is written here: text cells and column names pass
    :func:`neutralise_cell` (the OWASP CSV injection rule), and the file is
    written with :func:`write_atomic`. Read it back with ``pandas.read_csv`` and
    :func:`restore_frame`.

    Parameters
    ----------
    path : path
        The CSV file.
    frame : DataFrame
        The table; its index is not written.
    float_format : str, optional
        As for :meth:`pandas.DataFrame.to_csv`.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "names.csv"
    >>> frame = pd.DataFrame({"area": ["=1+2", "-Wirral", "Knowsley"], "change": [-1.5, 0, 2]})
    >>> print(write_csv_atomic(path, frame).read_text(), end="")
    area,change
    '=1+2,-1.5
    '-Wirral,0.0
    Knowsley,2.0
    """
    safe = csv_safe(frame)
    return write_atomic(
        path,
        lambda tmp: safe.to_csv(
            tmp, index=False, float_format=float_format, lineterminator="\n", encoding="utf-8"
        ),
    )
