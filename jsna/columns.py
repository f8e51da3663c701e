"""Canonical column names, fixed once for the whole package.

Fingertips' own column names are renamed to these at the edge (in
``jsna.io``); everything downstream uses only these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, GeographyError, first_values

__all__ = [
    "INDICATOR_ID",
    "INDICATOR_NAME",
    "AREA_CODE",
    "AREA_NAME",
    "AREA_TYPE",
    "PARENT_CODE",
    "SEX",
    "AGE",
    "CATEGORY_TYPE",
    "CATEGORY",
    "PERIOD",
    "PERIOD_SORTABLE",
    "VALUE",
    "LOWER_CI95",
    "UPPER_CI95",
    "LOWER_CI99_8",
    "UPPER_CI99_8",
    "COUNT",
    "DENOMINATOR",
    "VALUE_NOTE",
    "POLARITY",
    "INDICATOR_COLUMNS",
    "STATISTIC",
    "METHOD",
    "LSOA11_CODE",
    "LSOA11_NAME",
    "LSOA21_CODE",
    "LSOA21_NAME",
    "MSOA21_CODE",
    "MSOA21_NAME",
    "LAD_CODE",
    "ICB_CODE",
    "SICBL_CODE",
    "CHANGE_INDICATOR",
    "IMD_SCORE",
    "IMD_RANK",
    "IMD_DECILE",
    "IMD_QUINTILE",
    "CORE20",
    "POPULATION",
    "POLARITY_HIGH_GOOD",
    "POLARITY_LOW_GOOD",
    "POLARITY_NONE",
    "POLARITIES",
    "PERSONS",
    "MALE",
    "FEMALE",
    "FINGERTIPS_KEY",
    "as_list",
    "check_columns",
    "numeric_column",
    "code_column",
]


# Tidy indicator frame (one row per indicator x area x period x sex x age x category)
INDICATOR_ID = "indicator_id"
INDICATOR_NAME = "indicator_name"
AREA_CODE = "area_code"
AREA_NAME = "area_name"
AREA_TYPE = "area_type"
PARENT_CODE = "parent_code"
SEX = "sex"
AGE = "age"
CATEGORY_TYPE = "category_type"
CATEGORY = "category"
PERIOD = "period"
PERIOD_SORTABLE = "period_sortable"
VALUE = "value"
LOWER_CI95 = "lower_ci95"
UPPER_CI95 = "upper_ci95"
LOWER_CI99_8 = "lower_ci99_8"
UPPER_CI99_8 = "upper_ci99_8"
COUNT = "count"
DENOMINATOR = "denominator"
VALUE_NOTE = "value_note"
POLARITY = "polarity"

INDICATOR_COLUMNS = [
    INDICATOR_ID,
    INDICATOR_NAME,
    AREA_CODE,
    AREA_NAME,
    AREA_TYPE,
    PARENT_CODE,
    SEX,
    AGE,
    CATEGORY_TYPE,
    CATEGORY,
    PERIOD,
    PERIOD_SORTABLE,
    VALUE,
    LOWER_CI95,
    UPPER_CI95,
    LOWER_CI99_8,
    UPPER_CI99_8,
    COUNT,
    DENOMINATOR,
    VALUE_NOTE,
    POLARITY,
]

# Statistics output
STATISTIC = "statistic"
METHOD = "method"

# Geography codes carry their vintage in the name
LSOA11_CODE = "lsoa11_code"
LSOA11_NAME = "lsoa11_name"
LSOA21_CODE = "lsoa21_code"
LSOA21_NAME = "lsoa21_name"
MSOA21_CODE = "msoa21_code"
MSOA21_NAME = "msoa21_name"
LAD_CODE = "lad_code"  # generic when the vintage is carried in an attribute
ICB_CODE = "icb_code"
SICBL_CODE = "sicbl_code"
CHANGE_INDICATOR = "change_indicator"

# Deprivation
IMD_SCORE = "imd_score"
IMD_RANK = "imd_rank"
IMD_DECILE = "imd_decile"
IMD_QUINTILE = "imd_quintile"
CORE20 = "core20"

# Population
POPULATION = "population"

# Polarity values
POLARITY_HIGH_GOOD = "high is good"
POLARITY_LOW_GOOD = "low is good"
POLARITY_NONE = "no judgement"
POLARITIES = (POLARITY_HIGH_GOOD, POLARITY_LOW_GOOD, POLARITY_NONE)

# Sexes
PERSONS = "Persons"
MALE = "Male"
FEMALE = "Female"

#: What identifies a row of a Fingertips export; rows with one key have one value.
FINGERTIPS_KEY = [
    INDICATOR_ID,
    "compared_to_parent_type",
    AREA_CODE,
    PARENT_CODE,
    SEX,
    AGE,
    CATEGORY_TYPE,
    CATEGORY,
    PERIOD,
]


# Column helpers shared by every layer


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """Grouping argument as a list.

    Examples
    --------
    >>> as_list("area_code"), as_list(None), as_list(["a", "b"])
    (['area_code'], [], ['a', 'b'])
    """
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def check_columns(df: pd.DataFrame, columns: dict[str, str | Sequence[str] | None]) -> None:
    """Raise if an argument names a column that ``df`` does not have.

    ``columns`` maps argument name to the column name(s) it gave.

    Examples
    --------
    >>> check_columns(pd.DataFrame({"n": [1]}), {"count": "n"})
    """
    if not isinstance(df, pd.DataFrame):
        raise DataValidationError(f"expected a pandas DataFrame, got {type(df).__name__}")
    for argument, names in columns.items():
        for name in as_list(names):
            if name not in df.columns:
                raise DataValidationError(
                    f"{argument}={name!r} is not a column of the data; "
                    f"columns are {first_values(list(df.columns), 10)}"
                )


def numeric_column(df: pd.DataFrame, column: str, argument: str) -> np.ndarray:
    """A column as a float array, or an error naming the text values found.

    True/false, date and duration columns are refused (as are text columns
    holding Python booleans): True is not a count of 1, nor a date a number of
    nanoseconds.

    Examples
    --------
    >>> numeric_column(pd.DataFrame({"n": [1, 2]}), "n", "count")
    array([1., 2.])
    >>> numeric_column(pd.DataFrame({"n": [True]}), "n", "count")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: count column 'n' holds true/false values, not numbers; ...
    """
    series = df[column]
    kind = series.dtype
    holds = None
    if pd.api.types.is_bool_dtype(kind):
        holds = "true/false values"
    elif pd.api.types.is_datetime64_any_dtype(kind) or isinstance(kind, pd.PeriodDtype):
        holds = "dates"
    elif pd.api.types.is_timedelta64_dtype(kind):
        holds = "durations"
    elif pd.api.types.is_object_dtype(kind):
        inferred = pd.api.types.infer_dtype(series, skipna=True)  # one fast pass, in C
        if inferred == "boolean" or (
            inferred.startswith("mixed") and series.map(type).isin([bool, np.bool_]).any()
        ):
            holds = "true/false values"
    if holds is not None:
        raise DataValidationError(
            f"{argument} column {column!r} holds {holds}, not numbers; convert it to counts "
            f"(e.g. df[{column!r}].astype(int) if that is what it means) or pass the right column"
        )
    if pd.api.types.is_numeric_dtype(kind):
        return series.to_numpy(dtype=float, na_value=np.nan)
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() & series.notna()
    if bad.any():
        raise DataValidationError(
            f"{argument} column {column!r} has values that are not numbers: "
            f"{first_values(df.loc[bad, column].tolist())}; clean them or convert to NaN"
        )
    return values.to_numpy(dtype=float, na_value=np.nan)


def code_column(frame: pd.DataFrame, kind: str, *, required: bool = True) -> str | None:
    """The one ``<kind><YY>_code`` column of a frame (e.g. ``wd24_code`` for kind ``wd``).

    Examples
    --------
    >>> code_column(pd.DataFrame(columns=["lsoa21_code", "wd24_code"]), "wd")
    'wd24_code'
    """
    pattern = re.compile(rf"{kind}\d\d_code")
    found = [c for c in frame.columns if pattern.fullmatch(str(c))]
    if len(found) == 1:
        return found[0]
    if not found and not required:
        return None
    if not found:
        raise GeographyError(
            f"no {kind.upper()} code column (like {kind}24_code) among {list(frame.columns)[:10]}"
        )
    raise GeographyError(f"several {kind.upper()} code columns {found}; keep one vintage")
