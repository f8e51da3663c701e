"""Funnel plot control limits and significance (Fingertips technical guidance).

Control limits are drawn around the overall average at 95% ("2 sigma",
p = 0.025 each side) and 99.8% ("3 sigma", p = 0.001 each side): Wilson-based
limits for proportions and exact Poisson limits for ratios and rates, found by
the same bisection as the Fingertips funnel plot tool so that the published
charts are reproduced.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special, stats

from jsna.columns import check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values
from jsna.stats import intervals
from jsna.stats.common import check_rows, ci_columns, multiplier_value

__all__ = ["funnel_limits", "funnel_significance", "sigma_adjustment"]

#: Tail probability of each side of the funnel, by confidence level.
_TAILS = {0.95: 0.025, 0.998: 0.001}
_STATISTICS = ("proportion", "ratio", "rate")
#: Significance labels, as PHEindicatormethods writes them.
HIGH_001, HIGH_025 = "High (0.001)", "High (0.025)"
LOW_001, LOW_025 = "Low (0.001)", "Low (0.025)"
NOT_SIGNIFICANT = "Not significant"
DSR_TOO_FEW = "Not applicable for events less than 10 for dsrs"


def sigma_adjustment(p: float, population, average, side: str, multiplier: float):
    """Proportion at which a Wilson interval for ``population`` just reaches ``average``.

    The funnel limit of a proportion (the Fingertips and PHEindicatormethods
    method): the value of an area of that ``population`` whose Wilson score
    interval at probability ``p`` has ``average`` as its edge.

    Parameters
    ----------
    p : float
        One-sided probability of the limit, e.g. 0.975 for the 95% funnel and
        0.999 for the 99.8% funnel.
    population : float or array-like
        Denominators along the funnel's x axis.
    average : float
        The baseline proportion (0 to 1).
    side : {"low", "high"}
        The lower or upper limit.
    multiplier : float
        Scale of the result (100 for percentages).

    Returns
    -------
    ndarray
        The limit at each population, times ``multiplier`` (NaN where undefined).

    Examples
    --------
    >>> sigma_adjustment(0.975, [100, 1000], 0.2, "low", 100).round(2).tolist()
    [12.16, 17.52]
    >>> sigma_adjustment(0.975, [100, 1000], 0.2, "high", 100).round(2).tolist()
    [27.84, 22.48]
    """
    population = np.asarray(population, dtype=float)
    z2 = stats.norm.ppf(p) ** 2
    first = average * (population / z2 + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        adj = np.sqrt(
            (-8 * average * (population / z2 + 1)) ** 2
            - 64
            * (1 / z2 + 1 / population)
            * average
            * (population * (average * (population / z2 + 2) - 1) + z2 * (average - 1))
        )
        last = 1 / z2 + 1 / population
        sign = -1 if side == "low" else 1
        return (first + sign * adj / 8) / last / population * multiplier


def _poisson_funnel(observed, p: float, side: str) -> np.ndarray:
    """Expected count at which ``observed`` sits on the ``p`` tail (bisection, vectorised).

    "low" finds the mean with P(X >= observed) = p; "high" the mean with
    P(X <= observed) = p. The bisection on v = mean / (1 + observed + mean)
    stops at the same step (2**-23) as the Fingertips tool.
    """
    obs = np.asarray(observed, dtype=float)
    v = np.full(obs.shape, 0.5)
    dv = 0.5
    while dv > 1e-7:
        dv /= 2
        mean = (1 + obs) * v / (1 - v)
        if side == "low":
            tail = np.where(obs > 0, special.gammainc(np.maximum(obs, 1e-300), mean), 1.0)
            v = np.where(tail > p, v - dv, v + dv)
        else:
            tail = special.gammaincc(obs + 1, mean)
            v = np.where(tail < p, v - dv, v + dv)
    return (1 + obs) * v / (1 - v)


def _signif_floor(x: float) -> float:
    if x == 0:
        return 0
    n = len(str(math.floor(x * 0.95))) - 1
    return math.floor(x * 0.95 / 10**n) * 10**n


def _signif_ceiling(x: float) -> float:
    if x == 0:
        return 0
    n = len(str(math.ceil(x * 1.05))) - 2
    return math.ceil(x * 1.05 / 10**n) * 10**n


def _check_statistic(statistic, rate, rate_type, ratio_type, df):
    if statistic not in _STATISTICS:
        raise DataValidationError(
            f"statistic={statistic!r} must be one of {', '.join(_STATISTICS)}"
        )
    if statistic == "rate":
        if rate_type not in ("dsr", "crude"):
            raise DataValidationError(f"rate_type={rate_type!r} must be 'dsr' or 'crude' for rates")
        if rate is None:
            raise DataValidationError("statistic='rate' needs rate=, the column of published rates")
        check_columns(df, {"rate": rate})
    if statistic == "ratio" and ratio_type not in (None, "count", "isr"):
        raise DataValidationError(f"ratio_type={ratio_type!r} must be 'count' or 'isr'")


def _inputs(df, count, denominator, statistic):
    check_columns(df, {"count": count, "denominator": denominator})
    check_rows(df, f"funnel ({statistic})")
    o = numeric_column(df, count, "count")
    if np.isnan(o).any():
        raise DataValidationError(
            f"count column {count!r} has missing values; give every area a count, 0 if none"
        )
    if (o < 0).any():
        raise DataValidationError(
            f"count column {count!r} must be zero or more; found {first_values(o[o < 0].tolist())}"
        )
    n = None
    if denominator is not None:
        n = numeric_column(df, denominator, "denominator")
        if not (n > 0).all():
            raise DataValidationError(
                f"denominator column {denominator!r} must be greater than zero; "
                f"found {first_values(n[~(n > 0)].tolist())}"
            )
    elif statistic in ("proportion", "ratio"):
        raise DataValidationError(f"statistic={statistic!r} needs denominator=")
    if statistic == "proportion" and (o > n).any():
        raise DataValidationError(
            f"count column {count!r} is greater than denominator column {denominator!r} "
            f"for {int((o > n).sum())} rows; a proportion needs count <= denominator"
        )
    return o, n


def _derived_denominator(df, o, n, rate, rate_type, multiplier):
    """Population implied by each rate: count / rate (DSR) or the denominator when 0 events."""
    r = numeric_column(df, rate, "rate")
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = multiplier * o / r
    if rate_type == "dsr":
        return np.where(o == 0, np.nan, implied)
    if n is None:
        if (o == 0).any():
            raise DataValidationError(
                "crude rates with 0 events need denominator= to place them on the funnel"
            )
        return implied
    return np.where(o == 0, n, implied)


def funnel_limits(
    df: pd.DataFrame,
    count: str,
    denominator: str | None = None,
    *,
    statistic: str,
    multiplier: float | None = None,
    rate: str | None = None,
    rate_type: str | None = None,
    ratio_type: str = "count",
    years_of_data: float = 1,
) -> pd.DataFrame:
    """Funnel plot control limits (100 points) at 95% and 99.8%.

    Parameters
    ----------
    df : DataFrame
        One row per area.
    count : str
        Column of numerators (events, or observed events for ratios).
    denominator : str, optional
        Column of denominators (population, or expected events for
        ratios); needed for proportions and ratios, and for crude rates
        with 0 events.
    statistic : {"proportion", "ratio", "rate"}
    multiplier : float, optional
        100 (percentage) for proportions and 100,000 for rates by default.
    rate : str, optional
        Column of published rates (needed for rates: the population of a
        DSR is derived from count / rate).
    rate_type : {"dsr", "crude"}, optional
        Needed for rates.
    ratio_type : {"count", "isr"}, default "count"
        Ratios are expressed as observed / expected - 1 ("count") or
        observed / expected x 100 ("isr").
    years_of_data : float, default 1
        Years the data cover; rate funnels give populations per year.

    Returns
    -------
    DataFrame
        100 rows. The x axis is ``denominator`` (proportions), ``observed``
        (ratios) or ``events`` (rates); then ``lower_ci95``, ``upper_ci95``,
        ``lower_ci99_8``, ``upper_ci99_8`` (with ``expected_*`` or
        ``population_*`` columns giving the x position for ratios and
        rates), ``baseline`` (not for ratios), ``statistic`` and ``method``.

    Examples
    --------
    >>> df = pd.DataFrame({"n": [30, 45, 60], "d": [100, 150, 180]})
    >>> out = funnel_limits(df, "n", "d", statistic="proportion")
    >>> out.loc[[0, 99], ["denominator", "lower_ci95", "upper_ci95", "baseline"]].round(3)
        denominator  lower_ci95  upper_ci95  baseline
    0            90      21.807      40.984    31.395
    99          190      24.796      37.994    31.395
    """
    _check_statistic(statistic, rate, rate_type, ratio_type, df)
    o, n = _inputs(df, count, denominator, statistic)
    if len(o) == 0:
        raise DataValidationError("funnel_limits needs at least one row of data")
    if statistic == "rate":
        multiplier = multiplier_value(100_000 if multiplier is None else multiplier)
        derived = _derived_denominator(df, o, n, rate, rate_type, multiplier)
    else:
        multiplier = multiplier_value(100 if multiplier is None else multiplier)
        derived = n
    average = o.sum() / np.nansum(derived)
    lowest, highest = np.nanmin(derived), np.nanmax(derived)
    per_year = years_of_data if statistic == "rate" else 1
    axis_min = 0 if highest > 2 * lowest else _signif_floor(lowest / per_year) * per_year
    axis_max = _signif_ceiling(highest / per_year) * per_year
    if statistic == "rate":
        axis_min, axis_max = math.floor(axis_min * average), math.ceil(axis_max * average)

    points = [max(1, axis_min)]
    for j in range(2, 101):
        offset = j - 1 if statistic == "ratio" else j
        step = round((axis_max / points[-1]) ** (1 / (101 - offset)) * points[-1])
        points.append(max(step, points[-1] + 1))
    x = np.array(points, dtype=float)

    out: dict[str, object] = {}
    if statistic == "proportion":
        out["denominator"] = np.array(points)
        for level, tail in _TAILS.items():
            lo_name, hi_name = _limit_names(level)
            out[lo_name] = np.maximum(0, sigma_adjustment(1 - tail, x, average, "low", multiplier))
            out[hi_name] = np.minimum(
                multiplier, sigma_adjustment(1 - tail, x, average, "high", multiplier)
            )
        out["baseline"] = average * multiplier
        label, method = "proportion", "Wilson"
    else:
        out["observed" if statistic == "ratio" else "events"] = np.array(points)
        prefix = "expected" if statistic == "ratio" else "population"
        for level, tail in _TAILS.items():
            lo_name, hi_name = _limit_names(level)
            for name, side in ((lo_name, "high"), (hi_name, "low")):
                expected = _poisson_funnel(x, tail, side)
                if statistic == "ratio":
                    limit = x / expected
                    out[f"{prefix}_{name}"] = expected
                    out[name] = limit - 1 if ratio_type == "count" else limit * 100
                else:
                    population = expected / average
                    out[f"{prefix}_{name}"] = population / years_of_data
                    out[name] = x / population * multiplier
        if statistic == "rate":
            out["baseline"] = average * multiplier
            label = f"rate ({rate_type} per {multiplier:,.10g})"
        else:
            label = f"ratio ({ratio_type})"
        method = "Poisson"
    out["statistic"] = label
    out["method"] = method
    return pd.DataFrame(out)


def _limit_names(level: float) -> tuple[str, str]:
    return ci_columns(level)


def funnel_significance(
    df: pd.DataFrame,
    count: str,
    denominator: str | None = None,
    *,
    statistic: str,
    multiplier: float | None = None,
    rate: str | None = None,
    rate_type: str | None = None,
) -> pd.DataFrame:
    """Whether each area lies outside the 95% and 99.8% funnel limits.

    Parameters
    ----------
    df : DataFrame
        One row per area.
    count, denominator : str
        As for :func:`funnel_limits`: the denominator is the population for
        proportions and rates, and the expected count for ratios.
    statistic : {"proportion", "ratio", "rate"}
    multiplier : float, optional
        Multiplier of ``rate`` (needed for rates; default 100,000).
    rate, rate_type : str, optional
        For rates: the column of rates and "dsr" or "crude".

    Returns
    -------
    DataFrame
        A copy of ``df`` with a ``significance`` column: "High (0.001)",
        "High (0.025)", "Low (0.001)", "Low (0.025)" or "Not significant"
        (and, for DSRs with fewer than 10 events, "Not applicable for
        events less than 10 for dsrs").

    Examples
    --------
    >>> df = pd.DataFrame({"obs": [8, 151, 159], "exp": [6.24, 106.44, 232.93]})
    >>> funnel_significance(df, "obs", "exp", statistic="ratio")["significance"].tolist()
    ['Not significant', 'High (0.001)', 'Low (0.001)']
    """
    _check_statistic(statistic, rate, rate_type, None, df)
    o, n = _inputs(df, count, denominator, statistic)
    if statistic == "proportion":
        average = o.sum() / n.sum()
        value = o / n
        low3 = value < sigma_adjustment(0.999, n, average, "low", 1)
        low2 = value < sigma_adjustment(0.975, n, average, "low", 1)
        high3 = value > sigma_adjustment(0.999, n, average, "high", 1)
        high2 = value > sigma_adjustment(0.975, n, average, "high", 1)
        labels = np.select(
            [low3, low2, high3, high2], [LOW_001, LOW_025, HIGH_001, HIGH_025], NOT_SIGNIFICANT
        )
    else:
        if statistic == "rate":
            multiplier = multiplier_value(100_000 if multiplier is None else multiplier)
            expected = _derived_denominator(df, o, n, rate, rate_type, multiplier)
            benchmark = o.sum() / np.nansum(expected)
        else:
            expected, benchmark = n, 1.0
        lo3, hi3 = intervals.poisson(o, 0.998)
        lo2, hi2 = intervals.poisson(o, 0.95)
        with np.errstate(divide="ignore", invalid="ignore"):
            labels = np.select(
                [
                    benchmark < lo3 / expected,
                    benchmark < lo2 / expected,
                    benchmark > hi3 / expected,
                    benchmark > hi2 / expected,
                ],
                [HIGH_001, HIGH_025, LOW_001, LOW_025],
                NOT_SIGNIFICANT,
            )
        if statistic == "rate" and rate_type == "dsr":
            labels = np.where(o < intervals.BYARS_MIN_COUNT, DSR_TOO_FEW, labels)
    return df.assign(significance=labels)
