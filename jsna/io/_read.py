"""Tolerant reading of publishers' CSV files (the only place CSVs are opened).

Publishers' headers drift between releases: a UTF-8 byte-order mark, spaces
around names, vintage digits (``WD23CD``/``WD24CD``/``WD25CD``), duplicated
names (the DfE ``SNP`` columns). These helpers read a CSV as text, keep every
column (duplicates get ``.1``, ``.2`` suffixes in file order), and find
columns by pattern on a normalised header. :func:`numbers` is the one rule
of the readers and checks for turning a column into numbers (text in it is an
error naming the column and the values), and :func:`sex_label` the one map of
publishers' sex labels.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.columns import FEMALE, MALE, PERSONS
from jsna.exceptions import DataValidationError, JSNAError, SourceError, first_values

__all__ = [
    "text_encoding",
    "read_text",
    "read_csv",
    "normalise_header",
    "find_column",
    "find_columns",
    "numbers",
    "non_negative_numbers",
    "sex_label",
    "read_entry",
]


def normalise_header(name: str) -> str:
    """Lower-case a header and strip the byte-order mark, quotes and spaces.

    Examples
    --------
    >>> normalise_header("\\ufeff WD24CD ")
    'wd24cd'
    """
    return str(name).replace("\ufeff", "").strip().strip('"').strip().lower()


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def text_encoding(path: str | Path) -> str:
    """The encoding of a text file by its byte-order mark: UTF-16/32, else UTF-8.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes("a,b\\n".encode("utf-16"))
    >>> text_encoding(p)
    'utf-16'
    """
    with Path(path).open("rb") as handle:
        head = handle.read(4)
    return next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8-sig")


def read_text(path: str | Path) -> str:
    """A text file's contents in its encoding (:func:`text_encoding`); undecodable bytes replaced.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes("a,é\\n".encode("utf-16"))
    >>> read_text(p)
    'a,é\\n'
    """
    return Path(path).read_text(encoding=text_encoding(path), errors="replace")


def read_csv(
    path: str | Path, *, role: str = "", dtype=str, usecols=None, sep: str = ","
) -> pd.DataFrame:
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
    sep : str
        The delimiter (``";"`` for Local Health exports).

    A file with a UTF-16 (or UTF-32) byte-order mark, as Excel's "Unicode Text"
    saves, is decoded as such (comma- or tab-separated); other files are read as
    UTF-8, falling back to Windows-1252.

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
    source: object = path
    encoding = "utf-8-sig" if path.name.endswith(".gz") else text_encoding(path)
    if encoding != "utf-8-sig":
        try:
            text = path.read_text(encoding=encoding)
        except UnicodeError as exc:
            raise SourceError(
                f"cannot read {where}: it starts with a {encoding.upper()} byte-order mark but "
                f"is not valid {encoding.upper()}; save the file as UTF-8 CSV"
            ) from exc
        first = text.lstrip("\ufeff").split("\n", 1)[0]
        sep = "\t" if "\t" in first and "," not in first else ","
        source, encoding = io.StringIO(text.lstrip("\ufeff")), None
    try:
        frame = pd.read_csv(
            source,
            sep=sep,
            dtype=dtype,
            encoding=encoding,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=False,
            on_bad_lines="error",
        )
    except UnicodeDecodeError:
        try:
            frame = pd.read_csv(
                path,
                sep=sep,
                dtype=dtype,
                encoding="cp1252",
                keep_default_na=False,
                na_values=[""],
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


def numbers(
    values: pd.Series,
    column: str,
    where: str,
    *,
    fix: str = "",
    required: bool = False,
    error: type[JSNAError] = DataValidationError,
    finite: bool = True,
) -> pd.Series:
    """A column as float64 numbers, or an error naming the column and the values that are not.

    Parameters
    ----------
    values : pandas.Series
        The column (text or numbers; numbers with spaces around them are read).
    column : str
        Its name, for the message.
    where : str
        The file, for the message.
    fix : str
        What the user should do, ending the message.
    required : bool
        If true, an empty cell is an error too (shown as ``<empty>``).
    error : type
        The :class:`~jsna.exceptions.JSNAError` subclass to raise.
    finite : bool
        If true (the default), ``inf``/``Infinity``/``-inf`` are errors too: no
        publisher's count, rate or limit is infinite.

    Examples
    --------
    >>> numbers(pd.Series(["1", " 2", None]), "n", "x.csv").tolist()
    [1.0, 2.0, nan]
    >>> numbers(pd.Series(["1", "c"]), "n", "x.csv", fix="fix it")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: x.csv: column 'n' has values that are not numbers: 'c' ...
    """
    if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(
        values.dtype
    ):
        raise error(
            f"{where}: column {column!r} holds {values.dtype} values, not numbers"
            + (f"; {fix}" if fix else "")
        )
    if pd.api.types.is_numeric_dtype(values.dtype):
        result = values
    else:
        result = pd.to_numeric(values, errors="coerce")
    bad = result.isna() & (values.notna() | required)
    if bad.any():
        if required:
            what = f"missing or non-numeric values {first_values(values[bad].fillna('<empty>'))}"
        else:
            what = f"values that are not numbers: {first_values(values[bad])}"
        raise error(f"{where}: column {column!r} has {what}" + (f"; {fix}" if fix else ""))
    result = result.astype("float64")
    infinite = np.isinf(result.to_numpy())
    if finite and infinite.any():
        raise error(
            f"{where}: column {column!r} has infinite values {first_values(values[infinite])}"
            + (f"; {fix}" if fix else "; replace them with numbers, or leave the cells empty")
        )
    return result


def non_negative_numbers(values: pd.Series, column: str, where: str) -> np.ndarray:
    """A column as a float array with a number on every row, none negative.

    Examples
    --------
    >>> non_negative_numbers(pd.Series(["3", "-1"]), "REGISTER", "q.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: q.csv: column 'REGISTER' has negative values -1.0 ...
    """
    result = numbers(values, column, where, fix="every row needs a number", required=True)
    negative = result < 0
    if negative.any():
        raise DataValidationError(
            f"{where}: column {column!r} has negative values {first_values(result[negative])}"
        )
    return result.to_numpy(dtype=float)


_SEXES = {
    "male": MALE,
    "males": MALE,
    "men": MALE,
    "m": MALE,
    "1": MALE,
    "female": FEMALE,
    "females": FEMALE,
    "women": FEMALE,
    "f": FEMALE,
    "2": FEMALE,
    "persons": PERSONS,
    "person": PERSONS,
    "all": PERSONS,
    "adults": PERSONS,
    "p": PERSONS,
    "4": PERSONS,
}


def sex_label(values, *, where: str) -> np.ndarray:
    """Publishers' sex labels (MALE, Men, F, ...) as Male, Female or Persons.

    Examples
    --------
    >>> sex_label(["MALE", "Women", "All"], where="x").tolist()
    ['Male', 'Female', 'Persons']
    """
    text = pd.Series(values, dtype="object").astype(str).str.strip().str.lower()
    mapped = text.map(_SEXES)
    bad = mapped.isna()
    if bad.any():
        raise SourceError(
            f"{where}: sex values {first_values(pd.Series(values)[bad.to_numpy()].tolist())} "
            "are not recognised; use Male/Female/Persons (or MALE/FEMALE/ALL, Men/Women/Adults)"
        )
    return mapped.to_numpy(dtype=object)


def read_entry(entry) -> pd.DataFrame:
    """Every file of a data pack entry (a :class:`jsna.io.FileEntry`) read and stacked.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from jsna.io import FileEntry
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("a.csv", "b.csv"):
    ...     _ = (folder / name).write_text(f"code\\n{name}\\n")
    >>> read_entry(FileEntry("imd", (folder / "a.csv", folder / "b.csv")))["code"].tolist()
    ['a.csv', 'b.csv']
    """
    frames = [read_csv(path, role=entry.role) for path in entry.paths]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
