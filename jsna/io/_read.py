"""Tolerant reading of publishers' CSV files (the only place CSVs are opened).

Publishers' headers drift between releases: a UTF-8 byte-order mark, spaces
around names, vintage digits (``WD23CD``/``WD24CD``/``WD25CD``), duplicated
names (the DfE ``SNP`` columns). These helpers read a CSV as text, keep every
column (duplicates get ``.1``, ``.2`` suffixes in file order), and find
columns by pattern on a normalised header.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from jsna.exceptions import SourceError

__all__ = ["read_csv", "normalise_header", "find_column", "find_columns"]


def normalise_header(name: str) -> str:
    """Lower-case a header and strip the byte-order mark, quotes and spaces.

    Examples
    --------
    >>> normalise_header("\\ufeff WD24CD ")
    'wd24cd'
    """
    return str(name).replace("\ufeff", "").strip().strip('"').strip().lower()


def read_csv(path: str | Path, *, role: str = "", dtype=str, usecols=None) -> pd.DataFrame:
    """Read a publisher's CSV file with tolerant headers.

    Parameters
    ----------
    path : path-like
        The file. ``.gz`` is decompressed.
    role : str
        The data pack role, named in error messages.
    dtype : type or dict
        Passed to :func:`pandas.read_csv`; text by default so codes keep
        their leading zeros.
    usecols : list, optional
        Columns to keep, after normalisation of the header.

    Returns
    -------
    pandas.DataFrame
        Columns keep their original names, stripped of BOM and spaces;
        duplicated names get ``.1``, ``.2`` suffixes; empty trailing columns
        (a trailing comma) are dropped.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("\\ufeffA ,SNP,SNP,\\n1,x,y,\\n", encoding="utf-8")
    >>> list(read_csv(p).columns)
    ['A', 'SNP', 'SNP.1']
    """
    path = Path(path)
    where = f"{path}" + (f" (role {role})" if role else "")
    if not path.is_file():
        raise SourceError(f"file not found: {where}; check the path in datapack.toml")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(
            f"{where} is an Excel workbook, not a CSV file; open it in Excel and save the sheet "
            "as 'CSV UTF-8 (Comma delimited)', then point datapack.toml at that file"
        )
    try:
        frame = pd.read_csv(
            path,
            dtype=dtype,
            encoding="utf-8-sig",
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=False,
            on_bad_lines="error",
        )
    except UnicodeDecodeError:
        try:
            frame = pd.read_csv(
                path, dtype=dtype, encoding="cp1252", keep_default_na=False, na_values=[""]
            )
        except Exception as exc:  # pragma: no cover - reported below
            raise SourceError(f"cannot read {where}: {exc}; save the file as UTF-8 CSV") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, OSError, EOFError) as exc:
        raise SourceError(
            f"cannot read {where}: {str(exc).strip().splitlines()[0]}; "
            "the file may be truncated or not a CSV - download it again"
        ) from exc
    frame.columns = _dedupe([str(c).replace("\ufeff", "").strip() for c in frame.columns])
    unnamed = [c for c in frame.columns if c.startswith("Unnamed:") and frame[c].isna().all()]
    frame = frame.drop(columns=unnamed)
    if frame.empty:
        raise SourceError(f"{where} has a header but no rows; download the file again")
    if usecols is not None:
        frame = frame[list(usecols)]
    return frame


def _dedupe(names: Sequence[str]) -> list[str]:
    counts: dict[str, int] = {}
    result = []
    for name in names:
        base = (
            re.sub(r"\.\d+$", "", name)
            if name not in counts and re.search(r"\.\d+$", name)
            else name
        )
        n = counts.get(base, 0)
        result.append(base if n == 0 else f"{base}.{n}")
        counts[base] = n + 1
    return result


def find_columns(columns: Sequence[str], pattern: str) -> list[str]:
    """Columns whose normalised header fully matches a regular expression.

    Examples
    --------
    >>> find_columns(["LSOA21CD", "WD24CD", "WD24NM"], r"wd\\d\\dcd")
    ['WD24CD']
    """
    regex = re.compile(pattern)
    return [c for c in columns if regex.fullmatch(normalise_header(c))]


def find_column(
    columns: Sequence[str], pattern: str, *, where: str, what: str, required: bool = True
) -> str | None:
    """The one column matching ``pattern``, or a clear :class:`SourceError`.

    Examples
    --------
    >>> find_column(["LSOA21CD", "WD25CD"], r"wd\\d\\dcd", where="lookup.csv", what="ward code")
    'WD25CD'
    """
    found = find_columns(columns, pattern)
    if len(found) == 1:
        return found[0]
    if not found and not required:
        return None
    shown = ", ".join(repr(c) for c in list(columns)[:12])
    if not found:
        raise SourceError(
            f"{where}: no {what} column (looked for a header like /{pattern}/); "
            f"its columns are {shown}. Is this the right file for its role in datapack.toml?"
        )
    raise SourceError(
        f"{where}: several {what} columns {found}; keep one or name the vintage in datapack.toml"
    )
