"""Funnel plot data: each unit's position and significance, and the control limits to draw.

Practices (or any units) are placed by their expected cases (ratios) or list size
(proportions) against the diagnosis ratio or recorded prevalence, with the 95%
and 99.8% control limits of :func:`jsna.stats.funnels.funnel_limits` around the
units' own average, so a unit outside them differs from its neighbours by more
than chance. :func:`funnel` computes everything;
:func:`jsna.plots.prevalence.funnel_plot` only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.columns import check_columns
from jsna.exceptions import DataValidationError
from jsna.stats.funnels import funnel_limits, funnel_significance

__all__ = ["Funnel", "LIMITS", "funnel"]

#: The four control limits, in drawing order.
LIMITS = ("lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8")


@dataclass(frozen=True)
class Funnel:
    """What a funnel plot shows.

    Attributes
    ----------
    points : DataFrame
        The units drawn (rows with a count and a positive denominator, in the
        input's order, index reset) with the input's columns plus ``x`` (the
        denominator), ``y`` (the ratio, or the percentage for proportions),
        ``significance`` ("High (0.001)", "Low (0.025)",
        "Not significant" ...) and ``kind`` ("High", "Low" or
        "Not significant").
    limits : DataFrame
        The control limits: ``limit`` (one of :data:`LIMITS`), ``x`` and
        ``y``, each limit's points in drawing order (by ``x``, from half
        the smallest denominator).
    centre : float
        The units' average (the ratio of summed counts to summed
        denominators; a percentage for proportions).
    statistic : str
        "ratio" or "proportion".
    """

    points: pd.DataFrame
    limits: pd.DataFrame
    centre: float
    statistic: str

    def count(self, kind: str) -> int:
        """Number of units of one ``kind`` ("High", "Low" or "Not significant").

        Examples
        --------
        >>> df = pd.DataFrame({"o": [60, 150, 40, 300], "e": [100.0, 180.0, 90.0, 350.0]})
        >>> funnel(df, "o", "e", statistic="ratio").count("Low")
        1
        """
        return int((self.points["kind"] == kind).sum())


def funnel(df: pd.DataFrame, count: str, denominator: str, *, statistic: str) -> Funnel:
    """Funnel plot data: diagnosis ratio O/E against E, or recorded % against list size.

    Parameters
    ----------
    df : DataFrame
        One row per unit (practice).
    count, denominator : str
        Observed cases and, for ``statistic="ratio"``, expected cases; for
        ``"proportion"``, the list size. Rows missing either, or with a
        denominator of 0, are left out.
    statistic : {"ratio", "proportion"}
        For ratios, the limits are Poisson limits around the units' own
        average ratio (expected cases scaled so that they sum to the
        observed); for proportions, Wilson-based limits in percent.

    Returns
    -------
    Funnel

    Raises
    ------
    DataValidationError
        An unknown ``statistic``; no rows to draw.

    Examples
    --------
    >>> df = pd.DataFrame({"o": [60, 150, 40, 300], "e": [100.0, 180.0, 90.0, 350.0]})
    >>> f = funnel(df, "o", "e", statistic="ratio")
    >>> round(f.centre, 4), f.points["kind"].tolist()
    (0.7639, ['Not significant', 'Not significant', 'Low', 'Not significant'])
    >>> sorted(f.limits["limit"].unique()) == sorted(LIMITS)
    True
    """
    if statistic not in ("ratio", "proportion"):
        raise DataValidationError(f"statistic={statistic!r}; give 'ratio' or 'proportion'")
    check_columns(df, {"count": count, "denominator": denominator})
    data = df.dropna(subset=[count, denominator])
    data = data[data[denominator] > 0].reset_index(drop=True)
    o = data[count].to_numpy(dtype=float)
    n = data[denominator].to_numpy(dtype=float)
    if statistic == "ratio":
        centre = o.sum() / n.sum()
        scaled = data.assign(_e=n * centre)
        limits = funnel_limits(scaled, count, "_e", statistic="ratio", ratio_type="count")
        significance = funnel_significance(scaled, count, "_e", statistic="ratio")
        y = o / n
        curves = {
            name: (
                limits[f"expected_{name}"].to_numpy() / centre,
                (limits[name].to_numpy() + 1) * centre,
            )
            for name in LIMITS
        }
    else:
        limits = funnel_limits(data, count, denominator, statistic="proportion", multiplier=100)
        significance = funnel_significance(data, count, denominator, statistic="proportion")
        centre = float(limits["baseline"].iloc[0])
        y = 100 * o / n
        x = limits["denominator"].to_numpy(dtype=float)
        curves = {name: (x, limits[name].to_numpy()) for name in LIMITS}
    signif = significance["significance"].to_numpy()
    labels = pd.Series(signif)
    kind = np.where(
        labels.str.startswith("High"),
        "High",
        np.where(labels.str.startswith("Low"), "Low", "Not significant"),
    )
    points = data.assign(x=n, y=y, significance=signif, kind=kind)
    start = 0.5 * n.min() if len(n) else 0.0
    parts = []
    for name, (cx, cy) in curves.items():
        keep = cx >= start
        order = np.argsort(cx[keep])
        parts.append(pd.DataFrame({"limit": name, "x": cx[keep][order], "y": cy[keep][order]}))
    return Funnel(
        points=points,
        limits=pd.concat(parts, ignore_index=True),
        centre=float(centre),
        statistic=statistic,
    )
