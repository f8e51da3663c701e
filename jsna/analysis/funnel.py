"""Funnel plot data: each unit's position and significance, and the control limits to draw.

Practices (or any units) are placed by their expected cases (ratios) or list size
(proportions) against the diagnosis ratio or recorded prevalence, with the 95%
and 99.8% control limits of :func:`jsna.stats.funnels.funnel_limits` around the
units' own average, so a unit outside them differs from its neighbours by more
than chance. :func:`funnel` computes everything;
:func:`jsna.plots.prevalence.funnel_plot` only draws it.

Tiny lists are set aside: a practice with a list of :data:`TINY_LIST` patients
or fewer is not drawn, not part of the average and not assessed, so that a list
of 5 cannot stretch the limits or the axes; it is returned in ``Funnel.tiny``
for a table or note. The threshold follows Public Health England's National
General Practice Profiles, which include a practice only if its list size is
over 900 (PHE, *National General Practice Profiles: frequently asked
questions*, "Why is my practice not included?", 2015 refresh). Such lists are
new, closing or special practices (care homes, university or homeless
services), whose prevalence says little about diagnosis in the area.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jsna.columns import check_columns
from jsna.exceptions import DataValidationError
from jsna.stats.funnels import funnel_limits, funnel_significance

__all__ = ["Funnel", "LIMITS", "TINY_LIST", "REACH", "funnel"]

#: The four control limits, in drawing order.
LIMITS = ("lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8")

#: Lists of this many patients or fewer are set aside (PHE National General Practice Profiles).
TINY_LIST = 900
#: The limits are drawn from half the smallest unit to this multiple of the largest.
REACH = 1.1
# the limits are computed a little further (their grid is coarse there), then cut at REACH
_PAST = 1.3


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
        the smallest denominator to :data:`REACH` times the largest).
    centre : float
        The units' average (the ratio of summed counts to summed
        denominators; a percentage for proportions).
    statistic : str
        "ratio" or "proportion".
    tiny : DataFrame
        The units set aside because their list size is ``min_size`` or
        fewer (input columns plus ``x`` and ``y``; not drawn, not in the
        average, not assessed), in the input's order.
    min_size : float
        The list size at or below which a unit was set aside.
    """

    points: pd.DataFrame
    limits: pd.DataFrame
    centre: float
    statistic: str
    tiny: pd.DataFrame = field(default_factory=pd.DataFrame)
    min_size: float = TINY_LIST

    def count(self, kind: str) -> int:
        """Number of units of one ``kind`` ("High", "Low" or "Not significant").

        Examples
        --------
        >>> df = pd.DataFrame({"o": [60, 150, 40, 300], "e": [100.0, 180.0, 90.0, 350.0]})
        >>> funnel(df, "o", "e", statistic="ratio").count("Low")
        1
        """
        return int((self.points["kind"] == kind).sum())


def funnel(
    df: pd.DataFrame,
    count: str,
    denominator: str,
    *,
    statistic: str,
    size: str | None = None,
    min_size: float = TINY_LIST,
) -> Funnel:
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
    size : str, optional
        Column of list sizes, for setting tiny lists aside; for proportions
        the denominator by default. Without it, a ratio funnel keeps every unit.
    min_size : float, default :data:`TINY_LIST` (900)
        Units whose list size is this or fewer are set aside in
        ``Funnel.tiny``. 0 keeps every unit.

    Returns
    -------
    Funnel

    Raises
    ------
    DataValidationError
        An unknown ``statistic``; no rows to draw (every list tiny, or none
        with a count and a denominator).

    Examples
    --------
    >>> df = pd.DataFrame({"o": [60, 150, 40, 300], "e": [100.0, 180.0, 90.0, 350.0]})
    >>> f = funnel(df, "o", "e", statistic="ratio")
    >>> round(f.centre, 4), f.points["kind"].tolist()
    (0.7639, ['Not significant', 'Not significant', 'Low', 'Not significant'])
    >>> sorted(f.limits["limit"].unique()) == sorted(LIMITS)
    True

    A list of 5 patients is set aside, not drawn:

    >>> df = pd.DataFrame({"n": [30, 45, 60, 2], "d": [1000, 1500, 1800, 5]})
    >>> f = funnel(df, "n", "d", statistic="proportion")
    >>> len(f.points), f.tiny["d"].tolist(), round(f.centre, 3)
    (3, [5], 3.14)
    """
    if statistic not in ("ratio", "proportion"):
        raise DataValidationError(f"statistic={statistic!r}; give 'ratio' or 'proportion'")
    check_columns(df, {"count": count, "denominator": denominator})
    if size is None and statistic == "proportion":
        size = denominator
    if size is not None:
        check_columns(df, {"size": size})
    data = df.dropna(subset=[count, denominator])
    data = data[data[denominator] > 0].reset_index(drop=True)
    if size is not None:
        small = (pd.to_numeric(data[size], errors="coerce") <= min_size).to_numpy()
    else:
        small = np.zeros(len(data), dtype=bool)
    tiny = data[small].reset_index(drop=True)
    tiny = tiny.assign(
        x=tiny[denominator].to_numpy(dtype=float),
        y=tiny[count].to_numpy(dtype=float)
        / tiny[denominator].to_numpy(dtype=float)
        * (100 if statistic == "proportion" else 1),
    )
    data = data[~small].reset_index(drop=True)
    if data.empty:
        raise DataValidationError(
            f"no units to draw: every unit with a {count} and a positive {denominator} has a "
            f"list of {min_size:,.0f} or fewer ({size}); pass min_size=0 to draw them"
        )
    o = data[count].to_numpy(dtype=float)
    n = data[denominator].to_numpy(dtype=float)
    if statistic == "ratio":
        centre = o.sum() / n.sum()
        scaled = data.assign(_e=n * centre)
        # the ratio limits do not depend on the units' values, only on the range of expected
        # cases: one more row past the largest makes every curve reach the last unit
        reach = pd.DataFrame({count: [_PAST * n.max() * centre], "_e": [_PAST * n.max() * centre]})
        limits = funnel_limits(
            pd.concat([scaled[[count, "_e"]], reach], ignore_index=True),
            count,
            "_e",
            statistic="ratio",
            ratio_type="count",
        )
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
        # one more row past the largest list, at the average, so the curves reach the last unit
        # without moving the average
        reach = pd.DataFrame(
            {count: [_PAST * n.max() * o.sum() / n.sum()], denominator: [_PAST * n.max()]}
        )
        limits = funnel_limits(
            pd.concat([data[[count, denominator]], reach], ignore_index=True),
            count,
            denominator,
            statistic="proportion",
            multiplier=100,
        )
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
    stop = REACH * n.max() if len(n) else 0.0
    for name, (cx, cy) in curves.items():
        keep = (cx >= start) & (cx <= stop)
        order = np.argsort(cx[keep])
        parts.append(pd.DataFrame({"limit": name, "x": cx[keep][order], "y": cy[keep][order]}))
    return Funnel(
        points=points,
        limits=pd.concat(parts, ignore_index=True),
        centre=float(centre),
        statistic=statistic,
        tiny=tiny,
        min_size=float(min_size),
    )
