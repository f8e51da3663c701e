"""Funnel plot for prevalence gaps (the one chart :mod:`jsna.plots` does not have).

Practices are plotted by their expected cases (ratios) or list size
(proportions) against the diagnosis ratio or recorded prevalence, with the
95% and 99.8% control limits of :func:`jsna.stats.funnels.funnel_limits`
around the area's own average, so a practice outside them differs from its
neighbours by more than chance.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from jsna.exceptions import DataValidationError
from jsna.plots.style import AF_CATEGORICAL, FULL_WIDTH, use_style
from jsna.stats.funnels import funnel_limits, funnel_significance

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
    df: pd.DataFrame,
    count: str,
    denominator: str,
    *,
    statistic: str,
    value_label: str,
    x_label: str,
    ax=None,
    label: str | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
):
    """Funnel plot of practices: diagnosis ratio O/E against E, or recorded % against list size.

    Parameters
    ----------
    df : DataFrame
        One row per practice.
    count, denominator : str
        Observed cases and, for ``statistic="ratio"``, expected cases; for
        ``"proportion"``, the list size.
    statistic : {"ratio", "proportion"}
    value_label, x_label : str
        Axis labels with units (required).
    ax : Axes, optional
    label : str, optional
        Column of practice names; the (at most 5) lowest practices below the
        99.8% limit are named.
    reference, reference_label : optional
        An extra horizontal line (e.g. the 66.7% dementia ambition, as a ratio 0.667).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.significance`` holds each row's class ("High (0.001)" ...).

    Examples
    --------
    >>> df = pd.DataFrame({"o": [60, 150, 40, 300], "e": [100.0, 180.0, 90.0, 350.0]})
    >>> ax = funnel_plot(df, "o", "e", statistic="ratio", value_label="Observed / expected",
    ...                  x_label="Expected cases")
    >>> ax.get_ylabel()
    'Observed / expected'
    """
    if statistic not in ("ratio", "proportion"):
        raise DataValidationError(f"statistic={statistic!r}; give 'ratio' or 'proportion'")
    if not value_label or not x_label:
        raise DataValidationError("value_label and x_label are required (axis labels with units)")
    data = df.dropna(subset=[count, denominator])
    data = data[data[denominator] > 0].reset_index(drop=True)
    o = data[count].to_numpy(dtype=float)
    n = data[denominator].to_numpy(dtype=float)
    if statistic == "ratio":
        centre = o.sum() / n.sum()
        scaled = data.assign(_e=n * centre)
        limits = funnel_limits(scaled, count, "_e", statistic="ratio", ratio_type="count")
        signif = funnel_significance(scaled, count, "_e", statistic="ratio")[
            "significance"
        ].to_numpy()
        y = o / n
        curves = {
            name: (
                limits[f"expected_{name}"].to_numpy() / centre,
                (limits[name].to_numpy() + 1) * centre,
            )
            for name in ("lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8")
        }
    else:
        limits = funnel_limits(data, count, denominator, statistic="proportion", multiplier=100)
        signif = funnel_significance(data, count, denominator, statistic="proportion")[
            "significance"
        ].to_numpy()
        centre = float(limits["baseline"].iloc[0])
        y = 100 * o / n
        x = limits["denominator"].to_numpy(dtype=float)
        curves = {
            name: (x, limits[name].to_numpy())
            for name in ("lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8")
        }
    kind = np.where(
        pd.Series(signif).str.startswith("High"),
        "High",
        np.where(pd.Series(signif).str.startswith("Low"), "Low", "Not significant"),
    )
    with use_style():
        if ax is None:
            _, ax = plt.subplots(figsize=(FULL_WIDTH, 3.8), layout="constrained")
        start = 0.5 * n.min() if len(n) else 0.0
        for name, (cx, cy) in curves.items():
            style = "--" if "95" in name else ":"
            keep = cx >= start
            order = np.argsort(cx[keep])
            ax.plot(cx[keep][order], cy[keep][order], color=_INK, linestyle=style, linewidth=0.9)
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
            # name the (at most) five lowest practices beyond the 99.8% limit: the case-finding candidates
            low = np.flatnonzero(pd.Series(signif).eq("Low (0.001)").to_numpy())
            named = low[np.argsort(y[low])][:MAX_LABELS]
            for xx, yy, name in zip(n[named], y[named], data[label].to_numpy()[named], strict=True):
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
    ax.significance = signif
    return ax
