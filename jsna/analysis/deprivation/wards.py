"""Indicators published for wards, regrouped by the wards' deprivation group.

Fingertips publishes some indicators for wards (Local Health). Grouping the
area's wards by deprivation (local quintile, Core20 ward) gives the gradient
within the area: proportions and crude rates are recomputed from the summed
counts; other values are averaged over the wards with approximate limits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.analysis.deprivation.groups import INDICATOR_KEYS, by_deprivation
from jsna.analysis.indicator_kind import value_kind
from jsna.analysis.indicator_rows import latest_rows, without_categories
from jsna.columns import (
    AREA_CODE,
    COUNT,
    DENOMINATOR,
    LOWER_CI95,
    METHOD,
    POPULATION,
    STATISTIC,
    UPPER_CI95,
    VALUE,
    check_columns,
    code_column,
)
from jsna.stats.intervals import z_value

__all__ = ["ward_indicators_by_deprivation"]

_KEYS = INDICATOR_KEYS
_VALUE_COLUMNS = [COUNT, DENOMINATOR, VALUE, LOWER_CI95, UPPER_CI95, STATISTIC, METHOD]


def ward_indicators_by_deprivation(
    indicators: pd.DataFrame,
    wards: pd.DataFrame,
    *,
    group: str = "local_quintile",
    latest: bool = True,
) -> pd.DataFrame:
    """Indicators published for wards, regrouped by the wards' deprivation group.

    Parameters
    ----------
    indicators : DataFrame
        The tidy Fingertips frame (``pack.read("indicators.fingertips")``);
        only rows whose ``area_code`` is one of ``wards`` are used.
    wards : DataFrame
        ``area_deprivation(pack, area)["ward"]``: a ward code column, ``population``
        and the ``group`` column (``local_quintile``, ``core20_ward`` ...).
    group : str
        Deprivation group of each ward.
    latest : bool
        Only each indicator's latest period with ward rows (default), or every period.

    Returns
    -------
    DataFrame
        One row per indicator, sex, age, period and group: ``count``,
        ``denominator``, ``value``, ``lower_ci95``, ``upper_ci95``,
        ``statistic``, ``method`` and ``value_type``. Proportions and crude
        rates (value = count / denominator x 100, 1,000 ... on every row) are
        recomputed from the summed counts (Wilson; Byar's or exact Poisson).
        Other values (directly standardised rates, life expectancy) are
        averaged over the group's wards weighted by their denominators (or
        residents), with a normal interval from the wards' standard errors
        (taken from their 95% limits): an approximation, said in ``method``.

    Examples
    --------
    >>> wards = pd.DataFrame({"wd25_code": ["W1", "W2"], "population": [100.0, 300.0],
    ...                       "core20_ward": [True, False]})
    >>> ind = pd.DataFrame({"indicator_id": 1, "indicator_name": "Smokers",
    ...                     "area_code": ["W1", "W2"], "sex": "Persons", "age": "18+ yrs",
    ...                     "period": "2024", "period_sortable": 20240000,
    ...                     "value": [20.0, 10.0], "lower_ci95": [13.0, 7.0],
    ...                     "upper_ci95": [29.0, 14.0], "count": [20.0, 30.0],
    ...                     "denominator": [100.0, 300.0]})
    >>> out = ward_indicators_by_deprivation(ind, wards, group="core20_ward")
    >>> out[["core20_ward", "count", "value", "method"]]
       core20_ward  count  value  method
    0        False   30.0   10.0  Wilson
    1         True   20.0   20.0  Wilson
    """
    ward = code_column(wards, "wd")
    check_columns(wards, {"group": group})
    columns = [AREA_CODE, VALUE, LOWER_CI95, UPPER_CI95, COUNT, DENOMINATOR]
    check_columns(indicators, {"columns": [*_KEYS, *columns]})
    rows = without_categories(indicators[indicators[AREA_CODE].isin(wards[ward])])
    if rows.empty:
        return pd.DataFrame(columns=[*_KEYS, group, *_VALUE_COLUMNS, "value_type"])
    if latest:
        rows = latest_rows(rows)
    info = wards.set_index(ward)
    rows = rows.assign(
        **{
            group: rows[AREA_CODE].map(info[group]).to_numpy(),
            "_residents": rows[AREA_CODE].map(info[POPULATION]).to_numpy(dtype=float),
        }
    )
    out = []
    for _, part in rows.groupby(_KEYS, sort=True):
        part = part[part[group].notna()]
        kind, multiplier = value_kind(part)
        if kind is not None:
            table = by_deprivation(
                part,
                COUNT,
                DENOMINATOR,
                group=group,
                kind=kind,
                by=_KEYS,
                multiplier=multiplier,
                confidence=0.95,
            )
            table["value_type"] = kind
        else:
            table = _weighted_mean(part, group)
        out.append(table)
    result = pd.concat(out, ignore_index=True)
    return result[[*_KEYS, group, *_VALUE_COLUMNS, "value_type"]]


def _weighted_mean(part: pd.DataFrame, group: str) -> pd.DataFrame:
    """Weighted mean of ward values per group with a normal interval.

    See :func:`ward_indicators_by_deprivation`.
    """
    z = z_value(0.95)
    denominator = part["denominator"].to_numpy(dtype=float, na_value=np.nan)
    has_den = np.isfinite(denominator).all() and (denominator > 0).all()
    weight = denominator if has_den else part["_residents"].to_numpy(dtype=float)
    value = part["value"].to_numpy(dtype=float, na_value=np.nan)
    se = (
        part["upper_ci95"].to_numpy(dtype=float, na_value=np.nan)
        - part["lower_ci95"].to_numpy(dtype=float, na_value=np.nan)
    ) / (2 * z)
    frame = pd.DataFrame({g: part[g].to_numpy() for g in [*_KEYS, group]})
    frame = frame.assign(
        _w=weight,
        _wv=weight * value,
        _wse=(weight * se) ** 2,
        count=part["count"].to_numpy(dtype=float, na_value=np.nan),
        denominator=weight,
    )
    sums = (
        frame.groupby([*_KEYS, group], sort=True)
        .agg(
            _w=("_w", "sum"),
            _wv=("_wv", "sum"),
            _wse=("_wse", "sum"),
            count=("count", lambda c: c.sum(min_count=len(c))),
            denominator=("denominator", "sum"),
        )
        .reset_index()
    )
    mean = sums["_wv"] / sums["_w"]
    half = z * np.sqrt(sums["_wse"]) / sums["_w"]
    counted = bool(np.isfinite(frame["count"]).all())
    sums["value"], sums["lower_ci95"], sums["upper_ci95"] = mean, mean - half, mean + half
    sums["statistic"] = "weighted mean of ward values"
    sums["method"] = (
        "mean of ward values weighted by "
        + ("denominator" if has_den else "residents")
        + "; normal 95% limits from the wards' limits (approximate)"
    )
    sums["value_type"] = "rate" if counted and (sums["lower_ci95"] > 0).all() else "other"
    return sums.drop(columns=["_w", "_wv", "_wse"])
