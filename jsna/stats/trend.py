"""The Fingertips recent-trend test, vectorised across groups."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError
from jsna.stats.common import check_rows, group_index, period_ranks
from jsna.stats.compare import polarity_labels, polarity_values

__all__ = ["recent_trend", "TREND_POINTS", "TREND_CHI_SQUARED"]

#: Number of latest points tested.
TREND_POINTS = 5
#: Critical value: chi-squared with 1 degree of freedom at 99.8% (9.5495).
TREND_CHI_SQUARED = float(stats.chi2.ppf(0.998, 1))
CANNOT = "Cannot be calculated"
NO_CHANGE = "No significant change"


def _weighted_slope(y: np.ndarray, w: np.ndarray, t: np.ndarray):
    """Inverse-variance weighted least-squares slope and its chi-squared, per row."""
    sw = w.sum(axis=-1, keepdims=True)
    tbar = (w * t).sum(axis=-1, keepdims=True) / sw
    ybar = (w * y).sum(axis=-1, keepdims=True) / sw
    sxx = (w * (t - tbar) ** 2).sum(axis=-1)
    slope = (w * (t - tbar) * (y - ybar)).sum(axis=-1) / sxx
    return slope, slope**2 * sxx


def _armitage(x: np.ndarray, n: np.ndarray, t: np.ndarray):
    """Cochran-Armitage trend statistic (sign gives direction) and chi-squared, per row."""
    big_n = n.sum(axis=-1, keepdims=True)
    p = x.sum(axis=-1, keepdims=True) / big_n
    tbar = (n * t).sum(axis=-1, keepdims=True) / big_n
    statistic = (x * (t - tbar)).sum(axis=-1)
    variance = p[..., 0] * (1 - p[..., 0]) * (n * (t - tbar) ** 2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return statistic, statistic**2 / variance


def recent_trend(
    df: pd.DataFrame,
    *,
    by: str | Sequence[str] | None,
    period: str,
    kind: str = "rate",
    value: str = "value",
    lower: str = "lower_ci95",
    upper: str = "upper_ci95",
    count: str = "count",
    denominator: str = "denominator",
    polarity: str = "no judgement",
) -> pd.DataFrame:
    """Recent trend of each group over its latest 5 periods, as Fingertips tests it.

    Parameters
    ----------
    df : DataFrame
        One row per group and period.
    by : str or list of str or None
        Grouping columns (indicator, area, sex ...), kept in the output.
    period : str
        Column that sorts the periods in time order (e.g. ``period_sortable``
        or "2019/20"-style labels).
    kind : {"rate", "proportion"}, default "rate"
        "rate" (any value with 95% limits): inverse-variance weighted linear
        regression on the period index, the standard error of each point
        taken from its 95% limits, ``(upper - lower) / (2 * 1.96)``.
        "proportion": the Cochran-Armitage chi-squared test for trend on
        ``count`` and ``denominator``.
    value, lower, upper : str
        Columns for "rate".
    count, denominator : str
        Columns for "proportion".
    polarity : str, default "no judgement"
        "high is good", "low is good" or "no judgement", or a column holding
        them (the latest period's value is used).

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``points`` (usable periods),
        ``chi_squared`` (NaN when not calculated) and
        ``recent_trend``: "Increasing", "Decreasing" (with polarity: "...
        and getting better/worse"), "No significant change" or "Cannot be
        calculated".

    Notes
    -----
    The trend is significant when chi-squared exceeds 9.5495 (chi-squared,
    1 df, 99.8%) and the direction of the slope is the same in each of the 5
    fits that leave one point out. As Fingertips does, periods with a
    missing value, limit, count or denominator (or a zero-width interval)
    are skipped and the latest 5 usable periods are tested; groups with
    fewer than 5 "Cannot be calculated".

    Examples
    --------
    >>> df = pd.DataFrame({"area": "A", "year": range(2015, 2021),
    ...                    "value": [10.0, 11, 12, 13, 14, 15],
    ...                    "lower_ci95": [9.5, 10.5, 11.5, 12.5, 13.5, 14.5],
    ...                    "upper_ci95": [10.5, 11.5, 12.5, 13.5, 14.5, 15.5]})
    >>> recent_trend(df, by="area", period="year", polarity="low is good")
      area  points  chi_squared                  recent_trend
    0    A       6   153.658353  Increasing and getting worse
    """
    by = as_list(by)
    if kind not in ("rate", "proportion"):
        raise DataValidationError(f"kind={kind!r} must be 'rate' or 'proportion'")
    columns = [value, lower, upper] if kind == "rate" else [count, denominator]
    check_columns(df, {"by": by, "period": period, "columns": columns})
    check_rows(df, "recent_trend")
    pol = polarity_values(df, polarity)
    if df[period].isna().any():
        raise DataValidationError(
            f"period column {period!r} has missing values; every row needs its period"
        )
    data = (
        np.column_stack([numeric_column(df, c, c) for c in columns])
        if len(df)
        else np.empty((0, len(columns)))
    )

    codes, keys = group_index(df, by)
    size = len(keys)
    period_rank = period_ranks(df, period)
    if len(df):
        order_all = np.lexsort((period_rank, codes))
        same = (np.diff(codes[order_all]) == 0) & (np.diff(period_rank[order_all]) == 0)
        if same.any():
            raise DataValidationError(
                f"period {df[period].to_numpy()[order_all][1:][same][0]!r} appears more than once "
                "in a group; "
                "give one row per group and period (add the splitting columns to by=)"
            )
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "rate":
            se = (data[:, 2] - data[:, 1]) / (2 * stats.norm.ppf(0.975))
            usable = np.isfinite(data[:, 0]) & np.isfinite(se) & (se > 0)
            data = np.column_stack([data[:, 0], 1 / se**2])
        else:
            usable = (
                np.isfinite(data[:, 0])
                & (data[:, 1] > 0)
                & (data[:, 0] >= 0)
                & (data[:, 0] <= data[:, 1])
            )
    # the latest 5 usable points of each group (Fingertips skips missing periods)
    rows = np.flatnonzero(usable)
    order = rows[np.lexsort((period_rank[rows], codes[rows]))]
    counts = np.bincount(codes[order], minlength=size)
    ends = np.cumsum(counts)
    valid = counts >= TREND_POINTS
    take = np.clip(ends[:, None] + np.arange(-TREND_POINTS, 0)[None, :], 0, max(len(order) - 1, 0))
    block = data[order[take]] if len(order) else np.zeros((size, TREND_POINTS, 2))
    block = np.where(valid[:, None, None], block, 1.0)
    t = np.arange(1.0, TREND_POINTS + 1)

    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "rate":
            y, w = block[..., 0], block[..., 1]

            def fit(mask):
                return _weighted_slope(y[:, mask], w[:, mask], t[mask])
        else:
            x, n = block[..., 0], block[..., 1]

            def fit(mask):
                return _armitage(x[:, mask], n[:, mask], t[mask])

        direction, chi2 = fit(np.ones(TREND_POINTS, dtype=bool))
        sign = np.sign(direction)
        stable = np.ones(size, dtype=bool)
        for left_out in range(TREND_POINTS):
            mask = np.arange(TREND_POINTS) != left_out
            stable &= np.sign(fit(mask)[0]) == sign
    significant = valid & (chi2 > TREND_CHI_SQUARED) & stable & (sign != 0)
    step = np.where(significant, sign, 0.0)
    last_row = np.zeros(size, dtype=np.intp)
    if len(df):
        last_row[codes[order_all]] = order_all  # the group's latest period (any row)
    latest = last_row
    labels = polarity_labels(
        step,
        pol[latest],
        "Increasing",
        "Decreasing",
        "Increasing and getting better",
        "Increasing and getting worse",
        NO_CHANGE,
    )
    # polarity_labels maps (up & high good) -> good, (down & high good) -> bad; word them for trends
    labels = np.where(
        (step < 0) & (labels == "Increasing and getting better"),
        "Decreasing and getting better",
        labels,
    )
    labels = np.where(
        (step < 0) & (labels == "Increasing and getting worse"),
        "Decreasing and getting worse",
        labels,
    )
    labels = np.where(valid, labels, CANNOT)
    return keys.assign(
        points=counts, chi_squared=np.where(valid, chi2, np.nan), recent_trend=labels
    )
