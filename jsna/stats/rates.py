"""Proportions, crude rates and means with confidence limits (DataFrame verbs).

Every verb takes the data frame first, then column names; ``by=`` sums (or
pools) rows within groups and keeps the grouping columns; without ``by`` each
row is computed on its own and the input columns are kept. The output adds
``value``, ``lower_ci95, upper_ci95, lower_ci99_8, upper_ci99_8`` (one pair
per confidence level asked for), ``statistic`` and ``method``. The input
frame is never changed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values
from jsna.stats import intervals
from jsna.stats.common import (
    DEFAULT_CONFIDENCE,
    add_limits,
    check_finite,
    check_non_negative,
    check_rows,
    confidence_levels,
    group_index,
    labels,
    multiplier_value,
    warn_degenerate,
)

__all__ = ["proportion", "crude_rate", "mean_ci"]


def _count_and_denominator(df, count, denominator, by, function):
    """Validated count and denominator arrays, summed within ``by`` groups.

    Returns ``(base, o, n)``: ``base`` is the copy of ``df`` (no ``by``) or
    the frame of group keys with the summed columns. A NaN anywhere in a
    group makes its sum NaN, with a ``UserWarning`` naming the groups (or,
    without ``by``, the rows).
    """
    check_columns(df, {"count": count, "denominator": denominator, "by": by})
    check_rows(df, function)
    by = as_list(by)
    o = numeric_column(df, count, "count")
    n = numeric_column(df, denominator, "denominator")
    check_non_negative(df, o, count, "count")
    check_non_negative(df, n, denominator, "denominator")
    if not by:
        base, keys, rows = df, None, df.index  # assign() below makes the new frame
    else:
        codes, keys = group_index(df, by)
        size = len(keys)
        sums = []
        for values in (o, n):
            missing = np.bincount(codes, np.isnan(values), minlength=size) > 0
            total = np.bincount(codes, np.nan_to_num(values), minlength=size)
            sums.append(np.where(missing, np.nan, total))
        o, n = sums
        base, rows = keys.copy(), None
        base[count] = o
        base[denominator] = n
    for values, column, argument in ((o, count, "count"), (n, denominator, "denominator")):
        warn_degenerate(
            function, np.isnan(values), f"a missing {argument} ({column!r})", keys, rows=rows
        )
    return base, o, n


def _named(base, df, by):
    """``(keys, consequence, rows)`` for :func:`warn_degenerate`: groups
    by key, else rows by index.
    """
    by = as_list(by)
    return (
        (base[by], "value and limits are NaN", None)
        if by
        else (None, "value and limits are NaN", df.index)
    )


def _statistic(kind: str, multiplier: float) -> str:
    if kind == "proportion":
        if multiplier == 100:
            return "percentage"
        if multiplier == 1:
            return "proportion of 1"
    return f"{kind} per {multiplier:,.10g}"


def proportion(
    df: pd.DataFrame,
    count: str,
    denominator: str,
    *,
    by: str | Sequence[str] | None = None,
    multiplier: float = 100,
    confidence=DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Proportions with Wilson score confidence limits.

    Parameters
    ----------
    df : DataFrame
        One row per area (or per sub-group to be summed with ``by``).
    count, denominator : str
        Columns holding the numerator and the denominator.
    by : str or list of str, optional
        Grouping columns; counts and denominators are summed within groups
        and the output has one row per group. Without ``by`` every row is
        computed and the input columns are kept.
    multiplier : float, default 100
        100 gives a percentage, 1 a proportion of 1.
    confidence : float or sequence of float, default (0.95, 0.998)
        Levels between 0 and 1; 95 is refused (give 0.95).

    Returns
    -------
    DataFrame
        ``value``, ``lower_ci95``, ``upper_ci95``, ``lower_ci99_8``,
        ``upper_ci99_8``, ``statistic`` and ``method`` ("Wilson").

    Notes
    -----
    Edge cases: a count of 0 gives a value and lower limit of 0 and a real
    upper limit; a count equal to the denominator gives an upper limit of
    exactly ``multiplier``. A count above its denominator, a negative or
    infinite count or denominator, and a frame with no rows raise
    :class:`~jsna.exceptions.DataValidationError`. A denominator of 0, or a
    missing (NaN) count or denominator, gives NaN and a ``UserWarning``
    naming the groups (without ``by``, the rows); a NaN in any row of a
    ``by`` group makes the group NaN. Fractional counts are accepted and
    used as given: Fingertips publishes some (survey-weighted counts, counts
    averaged over pooled years), and the Wilson interval is defined for them.

    Examples
    --------
    >>> df = pd.DataFrame({"area": ["A", "B"], "n": [65, 0], "d": [100, 50]})
    >>> proportion(df, "n", "d", confidence=0.95).round(4)
      area   n    d  value  lower_ci95  upper_ci95   statistic  method
    0    A  65  100   65.0     55.2544     73.6358  percentage  Wilson
    1    B   0   50    0.0      0.0000      7.1348  percentage  Wilson
    """
    levels = confidence_levels(confidence)
    multiplier = multiplier_value(multiplier)
    base, o, n = _count_and_denominator(df, count, denominator, by, "proportion")
    over = o > n
    if over.any():
        raise DataValidationError(
            f"count column {count!r} is greater than denominator column {denominator!r} "
            f"(counts {first_values(o[over].tolist())}); a proportion needs count <= denominator"
        )
    zero = n == 0
    warn_degenerate("proportion", zero, "a denominator of 0", *_named(base, df, by))
    n = np.where(zero, np.nan, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {"value": o / n * multiplier}

    def limits(level):
        lower, upper = intervals.wilson(o, n, level)
        return np.clip(lower, 0, 1) * multiplier, np.clip(upper, 0, 1) * multiplier

    add_limits(out, limits, levels)
    out["statistic"] = labels([_statistic("proportion", multiplier)], 0, len(o))
    out["method"] = labels(["Wilson"], 0, len(o))
    return base.assign(**out)


def crude_rate(
    df: pd.DataFrame,
    count: str,
    denominator: str,
    *,
    by: str | Sequence[str] | None = None,
    multiplier: float = 100_000,
    confidence=DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Crude rates with exact Poisson limits below 10 events, Byar's from 10.

    Parameters
    ----------
    df : DataFrame
        One row per area (or per sub-group to be summed with ``by``).
    count, denominator : str
        Columns holding the events and the population (person-years).
    by : str or list of str, optional
        Grouping columns; counts and denominators are summed within groups.
    multiplier : float, default 100_000
        Rate per this many people.
    confidence : float or sequence of float, default (0.95, 0.998)
        Levels between 0 and 1; 95 is refused (give 0.95).

    Returns
    -------
    DataFrame
        ``value``, the limit columns, ``statistic`` ("rate per 100,000") and
        ``method`` ("Exact" below 10 events, "Byars" from 10; NaN where the
        count is missing).

    Notes
    -----
    Edge cases: a count of 0 gives a value and lower limit of 0 and a real
    upper limit (3.69 events at 95%); PHStatsMethods raises here. A count
    above its denominator is allowed (rates may exceed the multiplier).
    Negative or infinite counts or denominators, and a frame with no rows,
    raise :class:`~jsna.exceptions.DataValidationError`; a denominator of 0,
    or a missing (NaN) count or denominator, gives NaN and a ``UserWarning``
    naming the groups (without ``by``, the rows). Fractional counts are
    used as given (exact limits below 10 events then use the gamma
    quantiles at that count).

    Examples
    --------
    >>> df = pd.DataFrame({"area": ["A", "B"], "events": [0, 65], "pop": [1000, 100]})
    >>> crude_rate(df, "events", "pop", multiplier=100, confidence=0.95).round(4)
      area  events   pop  value  lower_ci95  upper_ci95     statistic method
    0    A       0  1000    0.0      0.0000      0.3689  rate per 100  Exact
    1    B      65   100   65.0     50.1632     82.8491  rate per 100  Byars
    """
    levels = confidence_levels(confidence)
    multiplier = multiplier_value(multiplier)
    base, o, n = _count_and_denominator(df, count, denominator, by, "crude_rate")
    zero = n == 0
    warn_degenerate("crude_rate", zero, "a denominator of 0", *_named(base, df, by))
    n = np.where(zero, np.nan, n)
    scale = multiplier / n
    out = {"value": o * scale}

    def limits(level):
        lower, upper = intervals.poisson(o, level)
        return lower * scale, upper * scale

    add_limits(out, limits, levels)
    out["statistic"] = labels([_statistic("rate", multiplier)], 0, len(o))
    out["method"] = labels(
        ["Exact", "Byars"], np.where(np.isnan(o), -1, o >= intervals.BYARS_MIN_COUNT)
    )
    return base.assign(**out)


def mean_ci(
    df: pd.DataFrame,
    value: str,
    *,
    by: str | Sequence[str] | None = None,
    confidence=DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Means with Student's t confidence limits, one row per group.

    Parameters
    ----------
    df : DataFrame
        One row per observation.
    value : str
        Column of values to average.
    by : str or list of str, optional
        Grouping columns; without ``by`` all rows form one group.
    confidence : float or sequence of float, default (0.95, 0.998)
        Levels between 0 and 1; 95 is refused (give 0.95).

    Returns
    -------
    DataFrame
        The grouping columns, ``value_sum``, ``value_count``, ``stdev``
        (sample standard deviation), ``value`` (the mean), the limit
        columns, ``statistic`` ("mean") and ``method``
        ("Student's t-distribution").

    Notes
    -----
    A group containing a NaN value gets NaN (and a ``UserWarning``); so does
    the standard deviation and the limits of a one-row group (its value is
    that row's value). Infinite values and a frame with no rows raise
    :class:`~jsna.exceptions.DataValidationError`.

    Examples
    --------
    >>> df = pd.DataFrame({"area": ["A", "A", "A", "B", "B"], "x": [1.0, 2.0, 3.0, 4.0, 6.0]})
    >>> out = mean_ci(df, "x", by="area", confidence=0.95)
    >>> out[["area", "value_count", "value", "lower_ci95", "upper_ci95"]].round(4)
      area  value_count  value  lower_ci95  upper_ci95
    0    A            3    2.0     -0.4841      4.4841
    1    B            2    5.0     -7.7062     17.7062
    """
    levels = confidence_levels(confidence)
    check_columns(df, {"value": value, "by": by})
    check_rows(df, "mean_ci")
    x = numeric_column(df, value, "value")
    check_finite(df, x, value, "value")
    codes, keys = group_index(df, as_list(by))
    size = len(keys)
    missing = np.bincount(codes, np.isnan(x), minlength=size) > 0
    filled = np.nan_to_num(x)
    count = np.bincount(codes, minlength=size).astype(float)
    total = np.bincount(codes, filled, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / count
        squares = np.bincount(codes, (filled - mean[codes]) ** 2, minlength=size)
        sd = np.sqrt(squares / (count - 1))
    sd = np.where(count < 2, np.nan, sd)
    warn_degenerate("mean_ci", missing, "a NaN value", keys)
    warn_degenerate(
        "mean_ci", (count < 2) & ~missing, "fewer than 2 values", keys, "its limits are NaN"
    )
    total = np.where(missing, np.nan, total)
    mean = np.where(missing, np.nan, mean)
    sd = np.where(missing, np.nan, sd)
    out = {
        "value_sum": total,
        "value_count": count.astype(np.int64),
        "stdev": sd,
        "value": mean,
    }
    add_limits(out, lambda level: intervals.student_t(mean, sd, count, level), levels)
    out["statistic"] = "mean"
    out["method"] = "Student's t-distribution"
    return keys.assign(**out)
