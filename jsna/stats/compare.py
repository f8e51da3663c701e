"""Fingertips benchmarking: is an area better, similar or worse than a benchmark?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.columns import (
    POLARITIES,
    POLARITY_HIGH_GOOD,
    POLARITY_LOW_GOOD,
    check_columns,
    numeric_column,
)
from jsna.exceptions import DataValidationError, first_values
from jsna.stats.common import check_rows, ci_columns, confidence_levels, multiplier_value
from jsna.stats.funnels import sigma_adjustment

__all__ = ["compare", "polarity_labels", "COMPARISON_LABELS"]

BETTER, SIMILAR, WORSE = "Better", "Similar", "Worse"
HIGHER, LOWER, NOT_COMPARED = "Higher", "Lower", "Not compared"
#: Every label :func:`compare` can give.
COMPARISON_LABELS = (BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED)


def polarity_values(df: pd.DataFrame, polarity: str) -> np.ndarray:
    """Polarity of each row: one of ``jsna.columns.POLARITIES``, or a column holding them."""
    if polarity in POLARITIES:
        return np.full(len(df), polarity, dtype=object)
    if isinstance(polarity, str) and polarity in df.columns:
        values = df[polarity].astype(object).to_numpy()
        bad = ~pd.Series(values).isin(POLARITIES).to_numpy()
        if bad.any():
            raise DataValidationError(
                f"polarity column {polarity!r} has values {first_values(values[bad].tolist())}; "
                f"use {', '.join(map(repr, POLARITIES))}"
            )
        return values
    raise DataValidationError(
        f"polarity={polarity!r} is neither one of {', '.join(map(repr, POLARITIES))} nor a column "
        "of the data"
    )


def polarity_labels(
    direction: np.ndarray, polarity: np.ndarray, up: str, down: str, good: str, bad: str, same: str
) -> np.ndarray:
    """Turn directions (+1 higher, -1 lower, 0 same, NaN none) into polarity-aware labels."""
    high_good = polarity == POLARITY_HIGH_GOOD
    low_good = polarity == POLARITY_LOW_GOOD
    return np.select(
        [
            direction == 0,
            (direction > 0) & high_good,
            (direction > 0) & low_good,
            direction > 0,
            (direction < 0) & high_good,
            (direction < 0) & low_good,
            direction < 0,
        ],
        [same, good, bad, up, bad, good, down],
        None,
    )


def compare(
    df: pd.DataFrame,
    benchmark: float | str,
    *,
    polarity: str,
    method: str = "ci_overlap",
    confidence: float = 0.95,
    value: str = "value",
    count: str | None = None,
    denominator: str | None = None,
    multiplier: float = 100,
) -> pd.DataFrame:
    """Compare each row with a benchmark as Fingertips does.

    Parameters
    ----------
    df : DataFrame
        One row per area, with ``value`` and its limits (``lower_ci95``,
        ``upper_ci95`` for 95%, ``lower_ci99_8``, ``upper_ci99_8`` for 99.8%)
        for "ci_overlap", or ``count`` and ``denominator`` for "spc".
    benchmark : float or str
        The benchmark value (for example England's), or a column holding
        each row's benchmark.
    polarity : str
        "high is good", "low is good" or "no judgement"
        (``jsna.columns.POLARITIES``), or a column holding them.
    method : {"ci_overlap", "spc"}, default "ci_overlap"
        "ci_overlap": Similar when the benchmark lies within the row's
        limits (inclusive), otherwise higher or lower. "spc" (proportions):
        Similar when the row's proportion lies within the control limits
        around the benchmark for the row's denominator (Wilson-based, as in
        the funnel plots).
    confidence : float, default 0.95
        0.95 or 0.998 (one level).
    value : str, default "value"
        Column of values (for "ci_overlap").
    count, denominator : str, optional
        Columns for "spc".
    multiplier : float, default 100
        Scale of ``benchmark`` for "spc" (100 when it is a percentage).

    Returns
    -------
    DataFrame
        A copy of ``df`` with a ``comparison`` column: "Better", "Similar"
        or "Worse" (with a polarity), "Higher", "Similar" or "Lower" (no
        judgement), and "Not compared" where the value, its limits or the
        benchmark are missing.

    Notes
    -----
    A lower limit above its upper limit (columns swapped or mislabelled) and
    a frame with no rows raise :class:`~jsna.exceptions.DataValidationError`,
    as do infinite values.

    Examples
    --------
    >>> df = pd.DataFrame({"value": [10.0, 12.0, 15.0], "lower_ci95": [8.0, 11.0, 13.0],
    ...                    "upper_ci95": [11.0, 13.0, 17.0]})
    >>> compare(df, 12.0, polarity="low is good")["comparison"].tolist()
    ['Better', 'Similar', 'Worse']
    >>> compare(df, 11.0, polarity="no judgement")["comparison"].tolist()
    ['Similar', 'Similar', 'Higher']
    """
    (level,) = confidence_levels(confidence)
    check_rows(df, "compare")
    pol = polarity_values(df, polarity)
    if isinstance(benchmark, str):
        check_columns(df, {"benchmark": benchmark})
        bench = numeric_column(df, benchmark, "benchmark")
    elif isinstance(benchmark, (int, float, np.number)) and not isinstance(benchmark, bool):
        bench = np.full(len(df), float(benchmark))
    else:
        raise DataValidationError(f"benchmark={benchmark!r} must be a number or a column name")
    if method == "ci_overlap":
        lower_name, upper_name = ci_columns(level)
        check_columns(df, {"value": value, "lower limit": lower_name, "upper limit": upper_name})
        lower = numeric_column(df, lower_name, "lower limit")
        upper = numeric_column(df, upper_name, "upper limit")
        swapped = lower > upper
        if swapped.any():
            raise DataValidationError(
                f"lower limit column {lower_name!r} is above upper limit column {upper_name!r} in "
                "rows "
                f"{first_values(df.index[swapped].tolist())} (e.g. {lower[swapped][0]:g} > "
                f"{upper[swapped][0]:g}); "
                "the limits look swapped: check which column is which"
            )
        missing = (
            np.isnan(lower)
            | np.isnan(upper)
            | np.isnan(bench)
            | np.isnan(numeric_column(df, value, "value"))
        )
        with np.errstate(invalid="ignore"):
            direction = np.where(lower > bench, 1.0, np.where(upper < bench, -1.0, 0.0))
    elif method == "spc":
        if count is None or denominator is None:
            raise DataValidationError(
                "method='spc' needs count= and denominator= (it is for proportions)"
            )
        check_columns(df, {"count": count, "denominator": denominator})
        o = numeric_column(df, count, "count")
        n = numeric_column(df, denominator, "denominator")
        average = bench / multiplier_value(multiplier)
        p = 1 - (1 - level) / 2
        with np.errstate(invalid="ignore", divide="ignore"):
            share = o / n
            low = sigma_adjustment(p, n, average, "low", 1)
            high = sigma_adjustment(p, n, average, "high", 1)
            direction = np.where(share < low, -1.0, np.where(share > high, 1.0, 0.0))
        missing = np.isnan(o) | ~(n > 0) | np.isnan(bench)
    else:
        raise DataValidationError(f"method={method!r} must be 'ci_overlap' or 'spc'")
    direction = np.where(missing, np.nan, direction)
    labels = polarity_labels(direction, pol, HIGHER, LOWER, BETTER, WORSE, SIMILAR)
    labels = np.where(missing, NOT_COMPARED, labels)
    return df.assign(comparison=labels)
