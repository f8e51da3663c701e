"""Rows of a benchmark for a table or chart: neighbours, latest, headline, one series."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.analysis.benchmark.comparators import Comparators
from jsna.analysis.benchmark.core import benchmark
from jsna.analysis.benchmark.labels import PublisherLabelWarning
from jsna.analysis.benchmark.layout import LINE_COLUMNS
from jsna.columns import check_columns

__all__ = ["neighbour_coverage", "area_and_neighbours", "latest", "headline", "series"]


# --------------------------------------------------------------------------- coverage
def neighbour_coverage(
    indicators: pd.DataFrame, area: str, comparators: Comparators
) -> pd.DataFrame:
    """Each neighbour of ``area`` in rank order, and whether the indicator data have it.

    Authorities that changed since the model was made (DfE ``status`` not
    "current") are kept and their ``note`` says what happened; a neighbour
    with no rows in the data is reported with ``rows_with_data`` 0 and a
    comment, never dropped silently.

    Returns
    -------
    DataFrame
        ``rank, neighbour_code, neighbour_name, model, status, note,
        indicators_with_data, rows_with_data, comment``.

    Examples
    --------
    >>> data = pd.DataFrame({"area_code": ["E08000015", "E08000015"], "indicator_id": [1, 1],
    ...                      "value": [1.0, 2.0]})
    >>> c = Comparators(neighbours={"E08000014": ["E08000015", "E10000021"]},
    ...     neighbour_model="list")
    >>> neighbour_coverage(data, "E08000014", c)[["neighbour_code", "rows_with_data",
    ...     "comment"]].values.tolist()
    [['E08000015', 2, nan], ['E10000021', 0, 'no data in the indicator file']]
    """
    check_columns(indicators, {"indicators": [S.AREA_CODE, S.INDICATOR_ID, S.VALUE]})
    nb = comparators.neighbour_frame()
    nb = nb[nb[S.AREA_CODE] == str(area)].reset_index(drop=True)
    present = indicators[indicators[S.VALUE].notna()]
    rows = present.groupby(S.AREA_CODE).size()
    ids = present.groupby(S.AREA_CODE)[S.INDICATOR_ID].nunique()
    out = nb[["rank", "neighbour_code", "neighbour_name", "model", "status", "note"]].copy()
    if S.AREA_NAME in indicators:
        names = indicators.drop_duplicates(S.AREA_CODE).set_index(S.AREA_CODE)[S.AREA_NAME]
        out["neighbour_name"] = (
            out["neighbour_name"].fillna(out["neighbour_code"].map(names)).astype("str")
        )
    out["indicators_with_data"] = out["neighbour_code"].map(ids).fillna(0).astype("int64")
    out["rows_with_data"] = out["neighbour_code"].map(rows).fillna(0).astype("int64")
    out["comment"] = pd.Series(np.nan, index=out.index, dtype="str").mask(
        out["rows_with_data"] == 0, "no data in the indicator file"
    )
    return out


# --------------------------------------------------------------------------- selections
def area_and_neighbours(
    indicators: pd.DataFrame, area: str, comparators: Comparators, **options
) -> pd.DataFrame:
    """:func:`benchmark` rows of an area and of its neighbours that have data (for a neighbour bar
    chart or rug).

    ``options`` go to :func:`benchmark`. Adds ``model_rank``: 0 for the area,
    the neighbour's rank in the model otherwise. Neighbours without data are
    left out here and listed by :func:`neighbour_coverage`.

    Examples
    --------
    >>> data = pd.DataFrame({"indicator_id": 1, "area_code": ["E92000001", "E06000001",
    ...     "E06000002"],
    ...     "area_type": ["England", "UA", "UA"], "parent_code": [None, "E92000001", "E92000001"],
    ...     "sex": "Persons", "age": "All", "category_type": None, "category": None,
    ...     "period": "2024",
    ...     "period_sortable": 20240000, "value": [10.0, 12.0, 9.0], "lower_ci95": [9.9, 11.0, 8.0],
    ...     "upper_ci95": [10.1, 13.0, 10.0], "lower_ci99_8": np.nan, "upper_ci99_8": np.nan})
    >>> c = Comparators(neighbours={"E06000001": ["E06000002"]}, neighbour_model="list")
    >>> out = area_and_neighbours(data, "E06000001", c, polarity="low is good")
    >>> out[["area_code", "model_rank", "compared_to_england_95"]].values.tolist()
    [['E06000001', 0, 'Worse'], ['E06000002', 1, 'Similar']]
    """
    nb = comparators.neighbour_frame()
    nb = nb[nb[S.AREA_CODE] == str(area)]
    present = set(indicators[S.AREA_CODE].astype(str))
    ranks = {
        str(area): 0,
        **{
            c: int(r)
            for c, r in zip(nb["neighbour_code"], nb["rank"], strict=True)
            if c in present and c != str(area)
        },
    }
    with warnings.catch_warnings():  # the area's own benchmark reports label disagreements
        warnings.simplefilter("ignore", PublisherLabelWarning)
        out = benchmark(indicators, list(ranks), comparators, **options)
    out = out.assign(model_rank=out[S.AREA_CODE].map(ranks).astype("int64"))
    out = out.sort_values(["model_rank"], kind="stable").reset_index(drop=True)
    return out


def latest(result: pd.DataFrame) -> pd.DataFrame:
    """The rows of each area's latest period of every indicator, sex, age, category and period
    range.

    Examples
    --------
    >>> df = pd.DataFrame({"indicator_id": [1, 1, 2], "area_code": "A", "sex": "Persons",
    ...     "age": "All",
    ...                    "category_type": None, "category": None, "time_period_range": "1y",
    ...                    "period": ["2023", "2024", "2020"], "period_sortable": [20230000,
    ...                    20240000, 20200000]})
    >>> latest(df)["period"].tolist()
    ['2024', '2020']
    """
    by = [c for c in LINE_COLUMNS if c in result.columns]
    check_columns(result, {"result": [S.PERIOD_SORTABLE, S.INDICATOR_ID, S.AREA_CODE]})
    newest = result.groupby(by, sort=False, dropna=False)[S.PERIOD_SORTABLE].transform("max")
    return result[result[S.PERIOD_SORTABLE] == newest].reset_index(drop=True)


def headline(result: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator for a summary: the latest period, all people (no category), persons if
    published.

    Where an indicator has several sexes, ages or period ranges, the row kept is
    Persons (else the one sex published), then the one compared with most areas.

    Examples
    --------
    >>> df = pd.DataFrame({"indicator_id": [1, 1, 1, 2], "area_code": "A", "sex": ["Male",
    ...     "Persons", "Persons", "Female"],
    ...     "age": "All", "category_type": None, "category": None, "time_period_range": "1y",
    ...     "period": ["2024", "2024", "2023", "2024"], "period_sortable": [20240000, 20240000,
    ...     20230000, 20240000],
    ...     "type_areas": 150})
    >>> headline(df)[["indicator_id", "sex", "period"]].values.tolist()
    [[1, 'Persons', '2024'], [2, 'Female', '2024']]
    """
    rows = latest(result)
    rows = rows[rows[S.CATEGORY_TYPE].isna() & rows[S.CATEGORY].isna()]
    preference = np.where(rows[S.SEX] == S.PERSONS, 0, 1)
    areas = rows["type_areas"] if "type_areas" in rows else pd.Series(0, index=rows.index)
    rows = rows.assign(_p=preference, _n=-areas.fillna(0).to_numpy()).sort_values(
        [S.INDICATOR_ID, "_p", "_n"], kind="stable"
    )
    return (
        rows.drop_duplicates([S.AREA_CODE, S.INDICATOR_ID])
        .drop(columns=["_p", "_n"])
        .reset_index(drop=True)
    )


def series(result: pd.DataFrame, row: pd.Series, *, across_areas: bool = False) -> pd.DataFrame:
    """Rows of ``result`` on the same line as ``row``: for a trend chart, or all areas for a bar
    chart.

    By default the row's area over time (same indicator, sex, age, category and
    period range), in time order; with ``across_areas=True`` every area in
    ``result`` in the row's period.

    Examples
    --------
    >>> df = pd.DataFrame({"indicator_id": 1, "area_code": ["A", "A", "B"], "sex": "Persons",
    ...     "age": "All",
    ...     "category_type": None, "category": None, "time_period_range": "1y", "period": ["2024",
    ...     "2023", "2024"],
    ...     "period_sortable": [20240000, 20230000, 20240000]})
    >>> series(df, df.iloc[0])["period"].tolist(), series(df, df.iloc[0],
    ...     across_areas=True)["area_code"].tolist()
    (['2023', '2024'], ['A', 'B'])
    """
    columns = [c for c in LINE_COLUMNS if c in result.columns and c in row.index]
    if across_areas:
        columns = [c for c in columns if c != S.AREA_CODE] + [S.PERIOD]
    same = np.ones(len(result), dtype=bool)
    for column in columns:
        value = row[column]
        same &= (result[column].isna() if pd.isna(value) else result[column] == value).to_numpy()
    out = result[same]
    return (
        out.sort_values(S.PERIOD_SORTABLE, kind="stable").reset_index(drop=True)
        if not across_areas
        else out.reset_index(drop=True)
    )
