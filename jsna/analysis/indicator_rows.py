"""Picking rows of a tidy Fingertips frame: an area's own rows, one per period, the latest period.

A Fingertips download holds, for one indicator, rows for many areas, periods and
breakdowns (``category_type`` rows by deprivation decile, ethnicity ...), and
repeats every row once per comparator when it was fetched with several
(``compared_to_parent_type``). These verbs pick the rows an analysis wants, in one
place.

Examples
--------
>>> ind = pd.DataFrame({"indicator_id": 1, "area_code": ["A", "A", "A", "B"], "sex": "Persons",
...                     "age": "All", "period": ["2022", "2023", "2023", "2023"],
...                     "period_sortable": [2022, 2023, 2023, 2023],
...                     "category_type": ["", "", "Deprivation deciles", ""],
...                     "value": [1.0, 2.0, 3.0, 4.0]})
>>> latest_rows(area_rows(ind, "A"))["value"].tolist()
[2.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from jsna.columns import AGE, AREA_CODE, CATEGORY_TYPE, INDICATOR_ID, PERIOD, PERIOD_SORTABLE, SEX

__all__ = [
    "SERIES_KEYS",
    "period_order",
    "without_categories",
    "one_per_comparator",
    "area_rows",
    "latest_rows",
]

#: One time series of an indicator: these columns are fixed along it.
SERIES_KEYS = [INDICATOR_ID, SEX, AGE]

#: Fingertips' column saying which comparator a row was fetched with.
COMPARATOR = "compared_to_parent_type"


def period_order(rows: pd.DataFrame) -> str:
    """The column that orders periods: ``period_sortable`` when present, else ``period``.

    Examples
    --------
    >>> period_order(pd.DataFrame(columns=["period"]))
    'period'
    """
    return PERIOD_SORTABLE if PERIOD_SORTABLE in rows.columns else PERIOD


def without_categories(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of whole areas: no ``category_type`` breakdown (empty or missing).

    Examples
    --------
    >>> rows = pd.DataFrame({"category_type": [None, "", "Ethnic groups"]})
    >>> len(without_categories(rows))
    2
    """
    if CATEGORY_TYPE not in rows.columns:
        return rows
    return rows[rows[CATEGORY_TYPE].isna() | rows[CATEGORY_TYPE].eq("")]


def one_per_comparator(rows: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """One row per ``keys`` when the rows repeat per comparator (``compared_to_parent_type``).

    Examples
    --------
    >>> rows = pd.DataFrame({"period": ["2023", "2023"],
    ...                      "compared_to_parent_type": ["England", "Region"]})
    >>> len(one_per_comparator(rows, ["period"]))
    1
    """
    if COMPARATOR not in rows.columns:
        return rows
    return rows.drop_duplicates(list(keys))


def area_rows(indicators: pd.DataFrame, area: str) -> pd.DataFrame:
    """An area's own rows: no category breakdown, one row per indicator, sex, age and period.

    Examples
    --------
    >>> ind = pd.DataFrame({"indicator_id": 1, "area_code": ["A", "B"], "sex": "Persons",
    ...                     "age": "All", "period": "2023"})
    >>> area_rows(ind, "A")["area_code"].tolist()
    ['A']
    """
    rows = without_categories(indicators[indicators[AREA_CODE] == area])
    return one_per_comparator(rows, [*SERIES_KEYS, PERIOD])


def latest_rows(rows: pd.DataFrame, by: Sequence[str] = tuple(SERIES_KEYS)) -> pd.DataFrame:
    """The rows of each series' latest period (by ``period_sortable``, else ``period``).

    Examples
    --------
    >>> rows = pd.DataFrame({"indicator_id": 1, "sex": "Persons", "age": "All",
    ...                      "period": ["2022", "2023"], "value": [1.0, 2.0]})
    >>> latest_rows(rows)["value"].tolist()
    [2.0]
    """
    order = period_order(rows)
    newest = rows.groupby(list(by))[order].transform("max")
    return rows[rows[order] == newest]
