"""Fingertips ``all_data`` CSV files (role ``indicators.fingertips``).

The reader turns the Fingertips export into the tidy indicator frame of
:mod:`jsna.columns`. Two layouts are read:

* the current 27 columns, ending ``..., Time period Sortable, New data,
  Compared to goal, Time period range``;
* the legacy 26 columns (no ``Time period range``).

Column 23 is named after the parent the file was downloaded for:
``Compared to Regions (statistical) value or percentiles``, ``Compared to
Region value or percentiles`` or, when the parent is England, ``Compared to
percentiles``. It becomes ``compared_to_parent``, and the parent it names
becomes ``compared_to_parent_type`` ("Regions (statistical)", "Region",
"percentiles").

A row is identified by indicator, parent comparison, area, parent, sex, age,
category and period: Fingertips repeats an area once per parent it is
compared with (England and its region), so a frame read from an England
download and a region download holds both. Rows identical across files are
merged; the same row with different values in two files is an error.

The publisher's own judgements are kept as they are written: ``recent_trend``
("Cannot be calculated", "Increasing and getting worse", ...), ``compared_to_england``
and ``compared_to_parent`` ("Better", "Similar", "Worse", "Not compared"). The
benchmark shows them where given and recomputes only where not
(:mod:`jsna.analysis.benchmark.labels`); two downloads may label the same series
differently (the real 90284 exports do), which the benchmark reports.

The live API is read by :mod:`jsna.io.fingertips_api`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import normalise_header, numbers, read_csv, read_text
from jsna.meta import with_meta

__all__ = [
    "read_fingertips",
    "check_fingertips_csv",
    "ROLE",
    "EXTRA_COLUMNS",
    "KEY_COLUMNS",
]

ROLE = "indicators.fingertips"

# Tidy names of the Fingertips columns kept beside the schema columns.
PARENT_NAME = "parent_name"
TIME_PERIOD_RANGE = "time_period_range"
RECENT_TREND = "recent_trend"
COMPARED_TO_ENGLAND = "compared_to_england"
COMPARED_TO_PARENT = "compared_to_parent"
COMPARED_TO_PARENT_TYPE = "compared_to_parent_type"
COMPARED_TO_GOAL = "compared_to_goal"
NEW_DATA = "new_data"

#: Columns after :data:`jsna.columns.INDICATOR_COLUMNS` in the reader's frame.
EXTRA_COLUMNS = [
    PARENT_NAME,
    TIME_PERIOD_RANGE,
    RECENT_TREND,
    COMPARED_TO_ENGLAND,
    COMPARED_TO_PARENT,
    COMPARED_TO_PARENT_TYPE,
    COMPARED_TO_GOAL,
    NEW_DATA,
]

KEY_COLUMNS = S.FINGERTIPS_KEY

# (Fingertips header, tidy name, kind, required); the parent comparison is found separately.
_LAYOUT = [
    ("Indicator ID", S.INDICATOR_ID, "id", True),
    ("Indicator Name", S.INDICATOR_NAME, "text", True),
    ("Parent Code", S.PARENT_CODE, "text", True),
    ("Parent Name", PARENT_NAME, "text", True),
    ("Area Code", S.AREA_CODE, "text", True),
    ("Area Name", S.AREA_NAME, "text", True),
    ("Area Type", S.AREA_TYPE, "text", True),
    ("Sex", S.SEX, "text", True),
    ("Age", S.AGE, "text", True),
    ("Category Type", S.CATEGORY_TYPE, "text", True),
    ("Category", S.CATEGORY, "text", True),
    ("Time period", S.PERIOD, "text", True),
    ("Value", S.VALUE, "number", True),
    ("Lower CI 95.0 limit", S.LOWER_CI95, "number", True),
    ("Upper CI 95.0 limit", S.UPPER_CI95, "number", True),
    ("Lower CI 99.8 limit", S.LOWER_CI99_8, "number", True),
    ("Upper CI 99.8 limit", S.UPPER_CI99_8, "number", True),
    ("Count", S.COUNT, "number", True),
    ("Denominator", S.DENOMINATOR, "number", True),
    ("Value note", S.VALUE_NOTE, "text", True),
    ("Recent Trend", RECENT_TREND, "text", True),
    ("Compared to England value or percentiles", COMPARED_TO_ENGLAND, "text", True),
    ("Time period Sortable", S.PERIOD_SORTABLE, "id", True),
    ("New data", NEW_DATA, "text", False),
    ("Compared to goal", COMPARED_TO_GOAL, "text", False),
    ("Time period range", TIME_PERIOD_RANGE, "text", False),
]
_REQUIRED_HEADERS = [h for h, _, _, required in _LAYOUT if required]
_PARENT_PATTERN = re.compile(
    r"compared to (?!england\b|goal\b)(.+?)(?: value or percentiles)?", re.I
)
_PARENT_HEADER = "Compared to <parent> value or percentiles"


# --------------------------------------------------------------------------- reader
def _norm(header: str) -> str:
    return re.sub(r"\s+", " ", normalise_header(header))


def _find_columns(columns: list[str], where: str) -> tuple[dict[str, str], str, str]:
    """Map tidy names to the file's headers; also return the parent column and its label."""
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(_norm(column), column)
    found: dict[str, str] = {}
    missing = []
    for header, tidy, _, required in _LAYOUT:
        column = by_norm.get(_norm(header))
        if column is not None:
            found[tidy] = column
        elif required:
            missing.append(header)
    parents = [c for c in columns if _PARENT_PATTERN.fullmatch(_norm(c))]
    if not parents:
        missing.append(_PARENT_HEADER)
    if missing:
        shown = ", ".join(repr(c) for c in columns[:30])
        raise SourceError(
            f"{where}: no column {missing[0]!r}"
            + (f" (nor {', '.join(repr(m) for m in missing[1:4])})" if len(missing) > 1 else "")
            + "; a Fingertips all_data CSV has "
            + f"{', '.join(repr(h) for h in _REQUIRED_HEADERS[:3])}, ..., "
            f"{_PARENT_HEADER!r}, 'Time period Sortable'; this file's columns are {shown}. "
            "Download the all_data CSV from Fingertips again or restore the header"
        )
    if len(parents) > 1:
        raise SourceError(
            f"{where}: several parent comparison columns {parents}; "
            "a Fingertips all_data CSV has one - download it again"
        )
    # Keep the publisher's spelling of the parent (e.g. 'Regions (statistical)').
    spelled = re.sub(r"\s+", " ", parents[0].replace("\ufeff", "").strip())
    return found, parents[0], _PARENT_PATTERN.fullmatch(spelled).group(1)


def _record_lengths(text: str) -> tuple[int, int]:
    """Field counts of the first and the last data record (0 when there is none)."""
    records = csv.reader(io.StringIO(text))
    next(records, None)
    first = next(records, None)
    if first is None:
        return 0, 0
    last = deque(records, maxlen=1)
    return len(first), len(last[0]) if last else len(first)


def check_fingertips_csv(text: str, where: str) -> None:
    """Check that ``text`` is a complete Fingertips ``all_data`` CSV.

    The header must carry the Fingertips columns, and the last record as many
    fields as the first (a download cut short fails this). Records may be one
    field shorter than the header: legacy exports leave out the last,
    empty ``Compared to goal`` field on every row.

    Raises
    ------
    SourceError
        Naming ``where``, the missing column or the short last record.

    Examples
    --------
    >>> check_fingertips_csv("Indicator ID,Indicator Name\\n1,x\\n", "x.csv")
    Traceback (most recent call last):
    ...
    jsna.exceptions.SourceError: x.csv: no column 'Parent Code' ...
    """
    text = text.lstrip("\ufeff")
    header = next(csv.reader(io.StringIO(text)), [])
    if not text.strip() or not header:
        raise SourceError(f"{where} is empty; download the Fingertips all_data CSV again")
    _find_columns([h.strip() for h in header], where)
    first, last = _record_lengths(text)
    if first == 0:
        raise SourceError(f"{where} has a header but no rows; download it again")
    if last != first or first > len(header):
        raise SourceError(
            f"{where}: the last record has {last} fields, the first {first} and the header "
            f"{len(header)}; the file is truncated - download it again"
        )


#: What to do about a number column of a Fingertips file that holds text.
_NUMBER_FIX = (
    "replace them with numbers or leave the cells empty (read as missing), "
    "or download the file again"
)


def _read_one(path: Path, polarity: Any) -> pd.DataFrame:
    where = f"{path} (role {ROLE})"
    frame = read_csv(path, role=ROLE)
    found, parent_column, parent_label = _find_columns(list(frame.columns), where)
    if not path.name.endswith(".gz"):
        check_fingertips_csv(read_text(path), where)
    out = {}
    for header, tidy, kind, _ in _LAYOUT:
        if tidy not in found:
            out[tidy] = pd.Series(np.nan, index=frame.index, dtype="str")
            continue
        values = frame[found[tidy]]
        if kind == "text":
            values = values.str.strip().replace("", np.nan)
            out[tidy] = values
        else:
            parsed = numbers(values.str.strip(), header, where, fix=_NUMBER_FIX, error=SourceError)
            if kind == "id":
                if parsed.isna().any() or (parsed % 1 != 0).any():
                    bad = frame.loc[parsed.isna() | (parsed % 1 != 0), found[tidy]]
                    raise SourceError(
                        f"{where}: column {header!r} must be a whole number on every row; "
                        f"found {first_values(bad.fillna('<empty>'))}. Download the file again"
                    )
                parsed = parsed.astype("int64")
            out[tidy] = parsed
    out[COMPARED_TO_PARENT] = frame[parent_column].str.strip().replace("", np.nan)
    out[COMPARED_TO_PARENT_TYPE] = pd.Series(parent_label, index=frame.index, dtype="str")
    result = pd.DataFrame(out)
    result[S.POLARITY] = _polarity(result[S.INDICATOR_ID], polarity, where)
    return result[S.INDICATOR_COLUMNS + EXTRA_COLUMNS]


def _polarity(ids: pd.Series, polarity: Any, where: str) -> pd.Series:
    if polarity is None:
        return pd.Series(np.nan, index=ids.index, dtype="str")
    mapping = polarity if isinstance(polarity, Mapping) else None
    values = list(mapping.values()) if mapping is not None else [polarity]
    bad = [v for v in values if v not in S.POLARITIES]
    if bad:
        raise SourceError(
            f"{where}: polarity {first_values(bad)} is not one of "
            f"{', '.join(map(repr, S.POLARITIES))}; "
            "fix polarity in datapack.toml"
        )
    if mapping is None:
        return pd.Series(polarity, index=ids.index, dtype="str")
    lookup = {int(k): v for k, v in mapping.items()}
    return ids.map(lookup).astype("str")


def _merge(frames: list[pd.DataFrame], paths: list[Path]) -> pd.DataFrame:
    combined = pd.concat(frames, keys=range(len(frames)), names=["_file", None]).reset_index(0)
    data_columns = S.INDICATOR_COLUMNS + EXTRA_COLUMNS
    combined = combined[~combined.duplicated(data_columns)]
    clash = combined.duplicated(KEY_COLUMNS, keep=False)
    if clash.any():
        rows = combined[clash]
        first = rows.iloc[0]
        same = (
            rows[KEY_COLUMNS].eq(first[KEY_COLUMNS])
            | (rows[KEY_COLUMNS].isna() & first[KEY_COLUMNS].isna())
        ).all(axis=1)
        pair = rows[same].iloc[:2]
        a, b = pair.iloc[0], pair.iloc[1]
        differ = [
            c for c in data_columns if not (a[c] == b[c] or (pd.isna(a[c]) and pd.isna(b[c])))
        ]
        key = ", ".join(f"{c}={_plain(first[c])!r}" for c in KEY_COLUMNS if not pd.isna(first[c]))
        shown = "; ".join(f"{c} {_plain(a[c])!r} vs {_plain(b[c])!r}" for c in differ[:3])
        n_keys = rows.drop_duplicates(KEY_COLUMNS).shape[0]
        raise DataValidationError(
            f"conflicting Fingertips rows for {key}: {paths[a['_file']].name} and "
            f"{paths[b['_file']].name} differ ({shown}); {n_keys} key(s) in all. "
            "Keep one download of each indicator in the pack, or download both again"
        )
    return combined.drop(columns="_file")


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


@reader(ROLE)
def read_fingertips(entry: FileEntry) -> pd.DataFrame:
    """Read Fingertips ``all_data`` CSV files into the tidy indicator frame.

    Parameters
    ----------
    entry : FileEntry
        One or more files (27-column or legacy 26-column layout). The entry
        attribute ``polarity`` ("high is good", "low is good", "no
        judgement", or a table of indicator id to polarity) fills the
        ``polarity`` column; otherwise it is missing.

    Returns
    -------
    pandas.DataFrame
        :data:`jsna.columns.INDICATOR_COLUMNS` then :data:`EXTRA_COLUMNS`.
        ``indicator_id`` and ``period_sortable`` are int64; values,
        limits, counts and denominators float64 (empty cells NaN); text
        stripped, empty text missing. Rows identical across files appear
        once, in file order.

    Raises
    ------
    SourceError
        A file is unreadable, truncated, or lacks a Fingertips column.
    DataValidationError
        Two files disagree on a row (same :data:`KEY_COLUMNS`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ft.csv"
    >>> header = ("Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,"
    ...     "Area Type,Sex,Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,"
    ...     "Upper CI 95.0 limit,Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,"
    ...     "Value note,Recent Trend,Compared to England value or percentiles,"
    ...     "Compared to Region value or percentiles,Time period Sortable,New data,"
    ...     "Compared to goal")
    >>> row = ('93356,"Campylobacter rate",E12000002,North West region,E08000014,Sefton,'
    ...     'County & UA,Persons,All ages,,,2015,81.47,71.13,92.90,,,223,273707,,,Better,'
    ...     'Similar,20150000,,')
    >>> _ = p.write_text(header + "\\n" + row + "\\n")
    >>> e = FileEntry("indicators.fingertips", (p,), {"polarity": "low is good"})
    >>> frame = read_fingertips(e)
    >>> frame[["area_name", "period", "value", "count", "compared_to_parent",
    ...        "compared_to_parent_type", "polarity"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'area_name': 'Sefton', 'period': '2015', 'value': 81.47, 'count': 223.0,
      'compared_to_parent': 'Similar', 'compared_to_parent_type': 'Region',
      'polarity': 'low is good'}]
    """
    if not entry.paths:
        raise SourceError(f"no files for role {ROLE}; check the path in datapack.toml")
    polarity = entry.get("polarity")
    by_path = entry.get("polarity_by_path") or {}  # set by DataPack when it combines entries
    frames = [_read_one(Path(p), by_path.get(str(p), polarity)) for p in entry.paths]
    result = _merge(frames, [Path(p) for p in entry.paths]).reset_index(drop=True)
    return with_meta(result, source=entry.describe(), role=ROLE)
