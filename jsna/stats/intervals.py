"""Array-level confidence interval helpers (pure numpy/scipy).

Each function takes array-likes and a confidence level in (0, 1) and returns
``(lower, upper)`` numpy arrays of the same shape. They do no validation of
their own beyond the confidence level; the DataFrame verbs in ``jsna.stats``
validate inputs and call these.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from jsna.exceptions import DataValidationError

__all__ = [
    "z_value",
    "wilson",
    "byars",
    "exact_poisson",
    "poisson",
    "dobson",
    "student_t",
]

#: Counts below this use exact Poisson limits; from it, Byar's approximation.
BYARS_MIN_COUNT = 10


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile for a confidence level.

    Examples
    --------
    >>> round(z_value(0.95), 6)
    1.959964
    """
    if not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise DataValidationError(
            f"confidence={confidence!r} is not a level between 0 and 1; "
            "give 0.95 for 95% or 0.998 for 99.8%"
        )
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def wilson(count, denominator, confidence: float = 0.95):
    """Wilson score interval for a proportion, on the 0-1 scale.

    Examples
    --------
    >>> lo, hi = wilson([65], [100])
    >>> round(float(lo[0]), 6), round(float(hi[0]), 6)
    (0.552544, 0.736358)
    """
    z = z_value(confidence)
    o = np.asarray(count, dtype=float)
    n = np.asarray(denominator, dtype=float)
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = 2 * o + z2
        spread = z * np.sqrt(z2 + 4 * o * (1 - o / n))
        scale = 2 * (n + z2)
        return (centre - spread) / scale, (centre + spread) / scale


def byars(count, confidence: float = 0.95):
    """Byar's approximation to the Poisson interval for a count.

    A count of 0 has a lower limit of 0. Where the approximation breaks down
    (the cubed term is negative: counts of 1 or 2 at 99.8%), the lower limit
    is NaN, as in the PHEindicatormethods reference; the verbs use
    :func:`exact_poisson` below 10 events, so they never meet this.

    Examples
    --------
    >>> lo, hi = byars([100])
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (81.3621, 121.6279)
    """
    z = z_value(confidence)
    o = np.asarray(count, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = 1 - 1 / (9 * o) - z / (3 * np.sqrt(o))
        lower = np.where(base < 0, np.nan, o * base**3)
        o1 = o + 1
        upper = o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3
    lower = np.where(o == 0, 0.0, lower)
    return lower, upper


def exact_poisson(count, confidence: float = 0.95):
    """Exact (chi-squared based) Poisson interval for a count.

    Examples
    --------
    >>> lo, hi = exact_poisson([0, 5])
    >>> [round(float(x), 4) for x in lo], [round(float(x), 4) for x in hi]
    ([0.0, 1.6235], [3.6889, 11.6683])
    """
    z_value(confidence)  # validates the level
    alpha = 1 - confidence
    o = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        lower = np.where(o > 0, special.gammaincinv(np.maximum(o, 1e-300), alpha / 2), 0.0)
        upper = special.gammaincinv(o + 1, 1 - alpha / 2)
    return lower, upper


def poisson(count, confidence: float = 0.95):
    """Poisson limits for a count as Fingertips publishes them.

    Exact (:func:`exact_poisson`) below 10 events and Byar's (:func:`byars`)
    from 10; a count of 0 gives a lower limit of 0 and a real upper limit.

    Examples
    --------
    >>> lo, hi = poisson([0, 5, 65])
    >>> [round(float(x), 4) for x in lo]
    [0.0, 1.6235, 50.1632]
    >>> [round(float(x), 4) for x in hi]
    [3.6889, 11.6683, 82.8491]
    """
    o = np.asarray(count, dtype=float)
    lower, upper = byars(o, confidence)
    small = o < BYARS_MIN_COUNT  # few rows: the exact limits are computed for those only
    if small.any():
        exact_lo, exact_hi = exact_poisson(o[small], confidence)
        lower = np.array(lower, dtype=float, copy=True)
        upper = np.array(upper, dtype=float, copy=True)
        lower[small] = exact_lo
        upper[small] = exact_hi
    return lower, upper


def dobson(value, total_count, variance, confidence: float = 0.95, multiplier: float = 1.0):
    """Dobson limits for a weighted sum of Poisson counts (a DSR).

    ``value`` is the weighted sum (already times ``multiplier``),
    ``total_count`` the unweighted count and ``variance`` the variance of the
    weighted sum on the unit scale (for a DSR, ``sum(count * (w / n) ** 2) /
    sum(w) ** 2``). The limits shift the value by the Poisson limits of the
    total count (:func:`poisson`: Byar's from 10 events, exact below),
    scaled by ``sqrt(variance / total_count)`` (Dobson et al. 1991). A total
    count of 0 gives NaN.

    Examples
    --------
    A DSR of 0.1043025 (1,043.02 per 10,000) from 895 events, variance 1.36566e-05:

    >>> lo, hi = dobson([1043.0248], [895], [1.36566e-05], 0.95, 10_000)
    >>> round(float(lo[0]), 2), round(float(hi[0]), 2)
    (971.77, 1117.89)
    """
    value = np.asarray(value, dtype=float)
    total = np.asarray(total_count, dtype=float)
    var = np.asarray(variance, dtype=float)
    lo, hi = poisson(total, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(var / total) * multiplier
        return value + scale * (lo - total), value + scale * (hi - total)


def student_t(mean, sd, n, confidence: float = 0.95):
    """Student's t interval for a mean from its standard deviation and size.

    Groups of fewer than 2 values give NaN.

    Examples
    --------
    >>> lo, hi = student_t([53.704345], [20.975575], [8])
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (36.1683, 71.2404)
    """
    z_value(confidence)  # validates the level
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(n >= 2, n - 1, np.nan)
        half = np.abs(stats.t.ppf((1 - confidence) / 2, df)) * sd / np.sqrt(n)
    return mean - half, mean + half
