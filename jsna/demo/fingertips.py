"""The Fingertips ``all_data`` layout: periods and rows written from jsna.stats results.

Indicator IDs and names follow Fingertips' own (90284, 20601, 108, 90366 ...) so
chapters written for real data find them; the values are synthetic. The
comparison columns are "Not compared" and "Recent Trend" is empty: jsna
computes benchmarks and trends itself.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.demo.formats import fixed
from jsna.demo.planted import FIRST_YEAR, N_PERIODS

__all__ = ["COLUMNS", "period_labels", "fingertips_rows", "quiet"]

#: The 27 columns of a Fingertips ``all_data`` CSV, in order.
COLUMNS = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to Regions (statistical) value or percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
    "Time period range",
]


def period_labels(kind: str) -> tuple[list[str], np.ndarray, str]:
    """Period labels, the calendar year each is centred on, and the Fingertips range.

    Parameters
    ----------
    kind : str
        "fy" (financial or academic years), "cal" (calendar years) or "3y"
        (3-year pooled periods ending in each year).

    Returns
    -------
    tuple
        The labels, their centres (years as floats) and the Fingertips
        "Time period range" ("1y" or "3y").

    Examples
    --------
    >>> labels, centre, span = period_labels("fy")
    >>> labels[0], float(centre[0]), span
    ('2013/14', 2013.5, '1y')
    >>> period_labels("3y")[0][-1]
    '2021 - 23'
    """
    starts = FIRST_YEAR + np.arange(N_PERIODS)
    if kind == "fy":
        return [f"{y}/{(y + 1) % 100:02d}" for y in starts], starts + 0.5, "1y"
    if kind == "cal":
        return [str(y) for y in starts], starts.astype(float), "1y"
    starts = starts - 2
    return [f"{y} - {(y + 2) % 100:02d}" for y in starts], starts + 1.0, "3y"


def fingertips_rows(
    spec_id, name, areas, periods, sortable, span, sex, age, stats_frame
) -> pd.DataFrame:
    """Rows of the 27-column all_data layout from a stats result with area/period positions.

    Parameters
    ----------
    spec_id : int
        The indicator ID.
    name : str
        The indicator name.
    areas : sequence of jsna.demo.areas.Area
        The areas that ``area_i`` indexes.
    periods, sortable : sequence of str
        The period labels and their "Time period Sortable", indexed by ``period_i``.
    span : str
        The "Time period range" ("1y", "3y", "5y").
    sex : str or array-like of str
        One "Sex" for every row, or one per row.
    age : str
        The Fingertips "Age" label.
    stats_frame : pandas.DataFrame
        A jsna.stats result with ``area_i`` and ``period_i`` columns, the value
        and confidence limits, ``count`` and ``denominator`` (and optionally
        ``value_note``).

    Returns
    -------
    pandas.DataFrame
        The rows, all text, in the :data:`COLUMNS` order.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> area = SimpleNamespace(code="E92999901", name="England", area_type="England",
    ...                        parent_code="", parent_name="")
    >>> result = pd.DataFrame({"area_i": [0], "period_i": [0], "value": [12.5],
    ...     "lower_ci95": [11.0], "upper_ci95": [14.0], "lower_ci99_8": [10.0],
    ...     "upper_ci99_8": [15.0], "count": [125.0], "denominator": [1000.0]})
    >>> rows = fingertips_rows(1, "An indicator", [area], ["2023"], ["20230000"], "1y",
    ...                        "Persons", "All ages", result)
    >>> rows.shape, rows.loc[0, "Value"], rows.loc[0, "Count"]
    ((1, 27), '12.500000', '125')
    """
    a = stats_frame["area_i"].to_numpy()
    t = stats_frame["period_i"].to_numpy()
    count = stats_frame[S.COUNT].to_numpy(dtype=float)
    denominator = stats_frame[S.DENOMINATOR].to_numpy(dtype=float)
    note = stats_frame[S.VALUE_NOTE] if S.VALUE_NOTE in stats_frame else pd.Series([""] * len(a))
    return pd.DataFrame(
        {
            "Indicator ID": spec_id,
            "Indicator Name": name,
            "Parent Code": [areas[i].parent_code for i in a],
            "Parent Name": [areas[i].parent_name for i in a],
            "Area Code": [areas[i].code for i in a],
            "Area Name": [areas[i].name for i in a],
            "Area Type": [areas[i].area_type for i in a],
            "Sex": sex if isinstance(sex, str) else np.asarray(sex),
            "Age": age,
            "Category Type": "",
            "Category": "",
            "Time period": np.asarray(periods)[t],
            "Value": fixed(stats_frame[S.VALUE], 6),
            "Lower CI 95.0 limit": fixed(stats_frame[S.LOWER_CI95], 6),
            "Upper CI 95.0 limit": fixed(stats_frame[S.UPPER_CI95], 6),
            "Lower CI 99.8 limit": fixed(stats_frame[S.LOWER_CI99_8], 6),
            "Upper CI 99.8 limit": fixed(stats_frame[S.UPPER_CI99_8], 6),
            "Count": fixed(count, 0),
            "Denominator": fixed(denominator, 0),
            "Value note": note.fillna("").astype(str).to_numpy(),
            "Recent Trend": "",
            "Compared to England value or percentiles": "Not compared",
            "Compared to Regions (statistical) value or percentiles": "Not compared",
            "Time period Sortable": np.asarray(sortable)[t],
            "New data": "",
            "Compared to goal": "",
            "Time period range": span,
        }
    )[COLUMNS]


def quiet(function, *args, **kwargs):
    """Call a jsna.stats verb without its warnings: the value notes it writes say the same.

    Parameters
    ----------
    function : callable
        A jsna.stats verb.
    *args, **kwargs
        Its arguments.

    Returns
    -------
    object
        What ``function`` returns.

    Examples
    --------
    >>> import warnings
    >>> def noisy():
    ...     warnings.warn("few events", UserWarning)
    ...     return 1
    >>> quiet(noisy)
    1
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return function(*args, **kwargs)
