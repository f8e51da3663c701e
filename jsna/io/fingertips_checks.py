"""The checks of a Fingertips ``all_data`` export (role ``indicators.fingertips``).

* **area types** - area codes are of the kind their ``area_type`` names;
* **periods** - Fingertips periods parse (``2019/20``, ``2019``,
  ``2017 - 19``, ``2019/20 Q1``, ``Jan 2020``, ``2019/20 - 21/22`` ...) and
  agree with ``period_sortable``;
* **limits** - where a value and its confidence limits are all present, the
  limits bracket the value.

Each is a check ``check(frame, where)`` as in :mod:`jsna.io.checks`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.exceptions import DataValidationError, GeographyError, first_values
from jsna.io.checks import CODE_KINDS, column_numbers

__all__ = [
    "AREA_TYPE_KINDS",
    "PERIOD_PATTERN",
    "parse_period_start",
    "area_types",
    "periods",
    "limits_bracket_value",
]

#: Fingertips ``Area Type`` (regular expression, case-insensitive) -> code kind; the first
#: match wins.
AREA_TYPE_KINDS: tuple[tuple[str, str], ...] = (
    (r"^(?:england|country)\b", "country"),
    (r"nhs region", "nhs_region"),
    (r"region", "region"),
    (r"sub[- ]?icb", "sicbl"),
    (r"\bicbs?\b|integrated care board", "icb"),
    (r"count(?:y|ies)\b.*\bua|upper tier", "utla"),
    (r"district.*\bua|lower tier", "lad"),
    (r"^wards?\b", "ward"),
    (r"^msoa|middle (?:layer )?super output", "msoa"),
    (r"^lsoa|lower (?:layer )?super output", "lsoa"),
    (r"^gps?\b|general practice", "practice"),
)

_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_START = rf"(\d{{4}}(/\d{{2}})?(\s+q[1-4])?|{_MONTH}\s+\d{{4}}|\d{{4}}\s+{_MONTH})"
_END = rf"({_START}|\d{{2}}(/\d{{2}})?(\s+q[1-4])?)"
#: A Fingertips time period: ``2019``, ``2019/20``, ``2019/20 Q1``, ``Jan 2020``, and ranges
#: of these (``2017 - 19``, ``2011/12 - 13/14``, ``2022/23 Q3 - 2023/24 Q2``).
PERIOD_PATTERN = re.compile(rf"{_START}(\s*-\s*{_END})?", re.IGNORECASE)


def area_types(frame: pd.DataFrame, where: str) -> None:
    """Fingertips area codes must be of the kind their ``area_type`` names (wards ``E05`` ...).

    Examples
    --------
    >>> df = pd.DataFrame({"area_code": ["E05000001", "E06000001"], "area_type": ["Ward", "Ward"]})
    >>> area_types(df, "all_data.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.GeographyError: all_data.csv: rows with area_type 'Ward' have area codes ...
    """
    types = frame[S.AREA_TYPE].fillna("").astype(str)
    kinds = pd.Series("", index=frame.index, dtype=object)
    for pattern, kind in AREA_TYPE_KINDS:
        hit = (kinds == "") & types.str.contains(pattern, case=False, regex=True)
        kinds[hit] = kind
    for kind in pd.unique(kinds[kinds != ""]):
        regex, description = CODE_KINDS[kind]
        rows = (kinds == kind) & frame[S.AREA_CODE].notna()
        bad = rows & ~frame[S.AREA_CODE].astype(str).str.fullmatch(regex)
        if bad.any():
            shown = types[bad].iloc[0]
            raise GeographyError(
                f"{where}: rows with area_type {shown!r} have area codes that are not "
                f"{description}: "
                f"{first_values(frame.loc[bad, S.AREA_CODE].tolist())}; the Area Code and Area "
                "Type columns disagree - download the file from Fingertips again"
            )


def parse_period_start(periods: pd.Series) -> pd.Series:
    """The first year of each Fingertips period (``<NA>`` where it does not parse).

    Examples
    --------
    >>> text = pd.Series(["2019/20", "2017 - 19", "2019/20 Q1", "Jan 2020", "last year"])
    >>> parse_period_start(text).tolist()
    [2019, 2017, 2019, 2020, <NA>]
    """
    text = periods.astype("string").str.strip()
    ok = text.str.fullmatch(PERIOD_PATTERN).fillna(False).astype(bool)
    year = text.str.extract(r"(\d{4})", expand=False)
    return pd.to_numeric(year.where(ok), errors="coerce").astype("Int64")


def periods(frame: pd.DataFrame, where: str) -> None:
    """Fingertips periods parse, and their first year agrees with ``period_sortable``.

    Examples
    --------
    >>> df = pd.DataFrame(
    ...     {"period": ["2019/20", "2019-2020 (provisional)"], "period_sortable": [20190000] * 2}
    ... )
    >>> periods(df, "all_data.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: all_data.csv: column 'period' has periods that do not ...
    """
    period = frame[S.PERIOD]
    if period.isna().any():
        raise DataValidationError(
            f"{where}: column 'period' has {int(period.isna().sum())} missing time periods; "
            "every Fingertips row has a Time period - download the file again"
        )
    start = parse_period_start(period)
    bad = start.isna()
    if bad.any():
        raise DataValidationError(
            f"{where}: column 'period' has periods that do not parse: "
            f"{first_values(period[bad].tolist())}; "
            "Fingertips writes periods like 2019, 2019/20, 2017 - 19 or 2019/20 Q1 - restore the "
            "Time period column as downloaded"
        )
    if S.PERIOD_SORTABLE in frame.columns:
        sortable = column_numbers(frame, S.PERIOD_SORTABLE, where)
        if sortable.isna().any():
            raise DataValidationError(
                f"{where}: column 'period_sortable' has {int(sortable.isna().sum())} missing "
                "values; restore the Time period Sortable column as downloaded"
            )
        disagree = (sortable // 10_000).astype("Int64") != start
        if disagree.any():
            pairs = (
                period[disagree].astype(str)
                + " vs "
                + sortable[disagree].astype("int64").astype(str)
            )
            raise DataValidationError(
                f"{where}: periods and period_sortable disagree: {first_values(pairs.tolist())}; "
                "the columns may be shifted - download the file from Fingertips again"
            )


def _rounding(value: pd.Series) -> pd.Series:
    """Half a unit in the last decimal place a value was published to (0 beyond 8 places).

    Some values are published rounded while their limits are not (children in
    low income families: 17 with limits 17.025 to 17.072), so a value may lie
    that far outside its limits.
    """
    numbers = value.to_numpy(dtype=float)
    result = np.zeros(len(numbers))
    settled = np.isnan(numbers)
    for places in range(9):
        exact = ~settled & np.isclose(np.round(numbers, places), numbers, rtol=0, atol=1e-9)
        result[exact] = 0.5 * 10.0**-places
        settled |= exact
    return pd.Series(result, index=value.index)


def limits_bracket_value(frame: pd.DataFrame, where: str) -> None:
    """Where value and 95% (99.8%) limits are all present, lower <= value <= upper.

    A value is allowed to lie outside its limits by half a unit of the last decimal
    place it was published to (a value rounded for publication, limits not).

    Examples
    --------
    >>> df = pd.DataFrame({"value": [10.0], "lower_ci95": [11.0], "upper_ci95": [12.0]})
    >>> limits_bracket_value(df, "all_data.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: all_data.csv: value outside its lower_ci95 to ...
    """
    value = column_numbers(frame, S.VALUE, where)
    tolerance = np.maximum(1e-6 * value.abs().fillna(0) + 1e-9, _rounding(value))
    for lower, upper in ((S.LOWER_CI95, S.UPPER_CI95), (S.LOWER_CI99_8, S.UPPER_CI99_8)):
        if lower not in frame.columns or upper not in frame.columns:
            continue
        lo, hi = column_numbers(frame, lower, where), column_numbers(frame, upper, where)
        bad = ((lo > value + tolerance) | (hi < value - tolerance)).fillna(False)
        if bad.any():
            shown = [
                f"{v:g} ({a:g} to {b:g})"
                for v, a, b in zip(value[bad], lo[bad], hi[bad], strict=True)
            ]
            raise DataValidationError(
                f"{where}: value outside its {lower} to {upper} limits in {int(bad.sum())} rows: "
                f"{first_values(shown)}; the value and limit columns may be shifted - download the "
                "file again"
            )
