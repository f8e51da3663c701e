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

__all__ = ["z_value", "wilson", "byars", "exact_poisson"]


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
    with np.errstate(divide="ignore", invalid="ignore"):
        p = o / n
        centre = 2 * o + z**2
        spread = z * np.sqrt(z**2 + 4 * o * (1 - p))
        scale = 2 * (n + z**2)
        return (centre - spread) / scale, (centre + spread) / scale


def byars(count, confidence: float = 0.95):
    """Byar's approximation to the Poisson interval for a count.

    Examples
    --------
    >>> lo, hi = byars([100])
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (81.3621, 121.6279)
    """
    z = z_value(confidence)
    o = np.asarray(count, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
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
    alpha = 1 - confidence
    z_value(confidence)  # validates the level
    o = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        lower = np.where(o > 0, special.gammaincinv(np.maximum(o, 1e-300), alpha / 2), 0.0)
        upper = special.gammaincinv(o + 1, 1 - alpha / 2)
    return lower, upper
