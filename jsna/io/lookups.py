"""Readers for the ONS lookups.

Roles: ``lookup.lsoa_ward_lad`` (LSOA to ward to LAD best fit),
``lookup.ward_lad``, ``lookup.lsoa11_lsoa21`` (with the change indicator
``CHGIND``: U unchanged, S split, M merged, X irregular) and
``lookup.lsoa_icb`` (LSOA to sub-ICB location and ICB). Column names carry
their vintage (``lsoa21_code``, ``wd24_code``, ``lad24_code``...).
"""

from __future__ import annotations

import pandas as pd

from jsna.columns import CHANGE_INDICATOR
from jsna.exceptions import DataValidationError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import find_column, read_entry
from jsna.io.ons import rename_ons_columns, require_kinds
from jsna.meta import with_meta

__all__ = ["read_lookup", "CHANGE_CODES"]

CHANGE_CODES = {"U": "unchanged", "S": "split", "M": "merged", "X": "irregular"}

_REQUIRED = {
    "lookup.lsoa_ward_lad": ["lsoa", "wd", "lad"],
    "lookup.ward_lad": ["wd", "lad"],
    "lookup.lsoa11_lsoa21": ["lsoa"],
    "lookup.lsoa_icb": ["lsoa", "sicbl", "icb"],
}
_KEY = {
    "lookup.lsoa_ward_lad": "lsoa",
    "lookup.ward_lad": "wd",
    "lookup.lsoa_icb": "lsoa",
}


def read_lookup(entry: FileEntry) -> pd.DataFrame:
    """Read an ONS lookup role into a tidy frame with vintage-carrying names.

    Returns
    -------
    pandas.DataFrame
        For ``lookup.lsoa11_lsoa21``: ``lsoa11_code, lsoa11_name, lsoa21_code,
        lsoa21_name, change_indicator`` (one of U, S, M, X) and the LAD columns.
        For the others: the code and name columns of each level; one row per
        LSOA (or ward for ``lookup.ward_lad``): a repeated key is an error.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "lu.csv"
    >>> _ = p.write_text("\\ufeffWD23CD,WD23NM,LAD23CD,LAD23NM,ObjectId\\n"
    ...                  "E05000001,A,E06000001,B,1\\n",
    ...                  encoding="utf-8")
    >>> list(read_lookup(FileEntry("lookup.ward_lad", (p,))).columns)
    ['wd23_code', 'wd23_name', 'lad23_code', 'lad23_name']
    """
    raw = read_entry(entry)
    where = entry.describe()
    if entry.role == "lookup.lsoa11_lsoa21":
        chg = find_column(raw.columns, r"chgind", where=where, what="change indicator (CHGIND)")
        frame = rename_ons_columns(raw, where=where)
        for year in ("11", "21"):
            if f"lsoa{year}_code" not in frame.columns:
                raise DataValidationError(
                    f"{where}: no LSOA{year}CD column; an LSOA11 to LSOA21 lookup needs both"
                )
        frame[CHANGE_INDICATOR] = raw[chg].str.strip().str.upper().to_numpy()
        bad = ~frame[CHANGE_INDICATOR].isin(list(CHANGE_CODES))
        if bad.any():
            raise DataValidationError(
                f"{where}: column {chg!r} has values "
                f"{first_values(frame.loc[bad, CHANGE_INDICATOR])}; "
                "expected U, S, M or X (the ONS change indicator)"
            )
        frame = frame.drop_duplicates(subset=["lsoa11_code", "lsoa21_code"]).reset_index(drop=True)
    else:
        frame = rename_ons_columns(raw, where=where)
        kinds = require_kinds(frame, _REQUIRED[entry.role], where=where)
        frame = frame.drop_duplicates().reset_index(drop=True)
        key = kinds[_KEY[entry.role]]
        repeated = frame[key].duplicated(keep=False)
        if repeated.any():
            raise DataValidationError(
                f"{where}: {key} repeats with different rows for "
                f"{first_values(frame.loc[repeated, key])}; "
                "a best-fit lookup has one row per code - check you have the best-fit file"
            )
    frame = frame.drop(columns=[c for c in frame.columns if c.endswith("_name_welsh")])
    return with_meta(frame, source=where)


for _role in _REQUIRED:
    reader(_role)(read_lookup)
