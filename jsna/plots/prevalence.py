"""Funnel plot for prevalence gaps (the one chart :mod:`jsna.plots` does not have).

It draws what :func:`jsna.analysis.funnel.funnel` computed: the units (practices)
by their expected cases (ratios) or list size (proportions) against the diagnosis
ratio or recorded prevalence, marked by significance, the 95% and 99.8% control
limits and the units' average.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from jsna.columns import check_columns
from jsna.exceptions import DataValidationError
from jsna.plots.style import AF_CATEGORICAL, FULL_WIDTH, use_style

__all__ = ["funnel_plot"]

_INK = "#3D3D3D"
#: Practices named on the chart: the lowest beyond the 99.8% limit, at most this many.
MAX_LABELS = 5
_MARKERS = {
    "High": ("^", AF_CATEGORICAL[1]),
    "Low": ("v", AF_CATEGORICAL[2]),
    "Not significant": ("o", "#BFBFBF"),
}


def funnel_plot(
    points: pd.DataFrame,
    limits: pd.DataFrame,
    *,
    centre: float,
    value_label: str,
    x_label: str,
    ax=None,
    label: str | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
):
    """Draw a funnel plot: units, control limits and their average, as computed elsewhere.

    Parameters
    ----------
    points : DataFrame
        One row per unit: ``x``, ``y``, ``significance`` ("Low (0.001)" ...)
        and ``kind`` ("High", "Low" or "Not significant"), as in
        ``jsna.analysis.funnel.funnel(...).points``.
    limits : DataFrame
        ``limit`` (``lower_ci95``, ``upper_ci95``, ``lower_ci99_8``,
        ``upper_ci99_8``), ``x`` and ``y``, each limit's points in drawing
        order (``funnel(...).limits``).
    centre : float
        The average, drawn as a horizontal line (``funnel(...).centre``).
    value_label, x_label : str
        Axis labels with units (required).
    ax : Axes, optional
    label : str, optional
        Column of ``points`` with unit names; the (at most 5) lowest units
        below the 99.8% limit are named.
    reference, reference_label : optional
        An extra horizontal line (e.g. the 66.7% dementia ambition, as a ratio 0.667).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> points = pd.DataFrame({"x": [100.0, 200.0], "y": [0.6, 0.9],
    ...                        "significance": ["Low (0.001)", "Not significant"],
    ...                        "kind": ["Low", "Not significant"]})
    >>> limits = pd.DataFrame({"limit": ["lower_ci95", "lower_ci95"], "x": [50.0, 250.0],
    ...                        "y": [0.5, 0.7]})
    >>> ax = funnel_plot(points, limits, centre=0.8, value_label="Observed / expected",
    ...                  x_label="Expected cases")
    >>> ax.get_ylabel()
    'Observed / expected'
    """
    if not value_label or not x_label:
        raise DataValidationError("value_label and x_label are required (axis labels with units)")
    check_columns(points, {"points": ["x", "y", "significance", "kind"]})
    check_columns(limits, {"limits": ["limit", "x", "y"]})
    n = points["x"].to_numpy(dtype=float)
    y = points["y"].to_numpy(dtype=float)
    signif = points["significance"].to_numpy()
    kind = points["kind"].to_numpy()
    with use_style():
        if ax is None:
            _, ax = plt.subplots(figsize=(FULL_WIDTH, 3.8), layout="constrained")
        for name, curve in limits.groupby("limit", sort=False):
            style = "--" if "95" in name else ":"
            ax.plot(
                curve["x"].to_numpy(),
                curve["y"].to_numpy(),
                color=_INK,
                linestyle=style,
                linewidth=0.9,
            )
        ax.axhline(centre, color=_INK, linewidth=1.0)
        handles = [
            Line2D([], [], color=_INK, linewidth=1.0, label=f"Area average ({centre:,.3g})"),
            Line2D([], [], color=_INK, linestyle="--", linewidth=0.9, label="95% limits"),
            Line2D([], [], color=_INK, linestyle=":", linewidth=0.9, label="99.8% limits"),
        ]
        for key, (marker, colour) in _MARKERS.items():
            mask = kind == key
            if mask.any():
                ax.scatter(
                    n[mask],
                    y[mask],
                    marker=marker,
                    color=colour,
                    edgecolor=_INK,
                    linewidth=0.4,
                    s=28,
                    zorder=3,
                )
                text = {
                    "High": "Higher than average (95%)",
                    "Low": "Lower than average (95%)",
                    "Not significant": "Within the 95% limits",
                }[key]
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker=marker,
                        color=colour,
                        markeredgecolor=_INK,
                        linestyle="",
                        label=text,
                    )
                )
        if reference is not None:
            ax.axhline(reference, color=AF_CATEGORICAL[3], linewidth=1.2, linestyle="-.")
            handles.append(
                Line2D(
                    [],
                    [],
                    color=AF_CATEGORICAL[3],
                    linewidth=1.2,
                    linestyle="-.",
                    label=reference_label or f"Reference ({reference:,.3g})",
                )
            )
        if label is not None:
            # name the (at most) five lowest units beyond the 99.8% limit: case-finding candidates
            low = np.flatnonzero(pd.Series(signif).eq("Low (0.001)").to_numpy())
            named = low[np.argsort(y[low])][:MAX_LABELS]
            names = points[label].to_numpy()[named]
            for xx, yy, name in zip(n[named], y[named], names, strict=True):
                ax.annotate(
                    str(name)[:28],
                    (xx, yy),
                    xytext=(4, 2),
                    textcoords="offset points",
                    fontsize=6,
                    color=_INK,
                )
        ax.set_xlabel(x_label)
        ax.set_ylabel(value_label)
        ax.set_xlim(left=0)
        spread = np.nanmax(y) - np.nanmin(y) if len(y) else 1.0
        ax.set_ylim(max(0.0, np.nanmin(y) - 0.25 * spread), np.nanmax(y) + 0.25 * spread)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(axis="y")
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax
