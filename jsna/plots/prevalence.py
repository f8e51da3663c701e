"""Funnel plot for prevalence gaps (the one chart :mod:`jsna.plots` does not have).

It draws what :func:`jsna.analysis.funnel.funnel` computed: the units (practices)
by their expected cases (ratios) or list size (proportions) against the diagnosis
ratio or recorded prevalence, marked by significance, the 95% and 99.8% control
limits and the units' average.

Named units are numbered on the chart and keyed by name in the legend beside
it, so long practice names cannot collide or be cut; each number is written at
the nearest spot clear of every marker and of the other numbers (with a leader
line when it had to move away), so numbers never overlap. The x axis has at most six ticks, with
thousands separators, and ends just past the largest unit: the limits are
clipped to it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from jsna.columns import check_columns
from jsna.exceptions import DataValidationError
from jsna.plots.style import AF_CATEGORICAL, FULL_WIDTH, use_style

__all__ = ["funnel_plot"]

_INK = "#3D3D3D"
#: Practices named on the chart: the lowest beyond the 99.8% limit, at most this many.
MAX_LABELS = 5
#: Longest name written in the key (longer names end with an ellipsis).
KEY_CHARS = 28
_MARKER_SIZE = 28
_NUMBER_SIZE = 7
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
    units: str = "units",
    suffix: str = "",
    title: str | None = None,
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
    units : str, default "units"
        What the units are, for the legend ("Average of the practices").
    suffix : str, default ""
        Written after values in the legend ("%" for percentages).
    title : str, optional
        The chart's title (with the period and the place). Give it here rather
        than with ``ax.set_title`` afterwards: the numbers are placed once the
        layout is final.
    ax : Axes, optional
    label : str, optional
        Column of ``points`` with unit names; the (at most 5) units lowest
        below the limits (below the 99.8% limit first, then below the 95%)
        are numbered on the chart and named, with their value, in the legend.
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
            Line2D(
                [],
                [],
                color=_INK,
                linewidth=1.0,
                label=f"Average of the {units} ({centre:,.3g}{suffix})",
            ),
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
                    s=_MARKER_SIZE,
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
        ax.set_xlabel(x_label)
        ax.set_ylabel(value_label)
        right = float(np.nanmax(n)) * 1.08 if len(n) else 1.0
        ax.set_xlim(0, right)
        levels = [centre] + ([reference] if reference is not None else [])
        low = min(np.nanmin(y), *levels) if len(y) else min(levels)
        high = max(np.nanmax(y), *levels) if len(y) else max(levels)
        spread = (high - low) or abs(high) or 1.0
        ax.set_ylim(max(0.0, low - 0.25 * spread), high + 0.25 * spread)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(axis="y")
        if title:
            ax.set_title(title)
        named = _named(signif, y) if label is not None else np.array([], dtype=int)
        if len(named):
            handles += _key(points[label], named, y, suffix)
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        if len(named):
            # the layout is final once the legend is in: place the numbers on the drawn axes
            ax.figure.canvas.draw()
            _write_numbers(ax, n, y, named)
    return ax


def _named(signif, y) -> np.ndarray:
    """The (at most) five units named: below the 99.8% limit first, then the 95%; lowest first."""
    labels = pd.Series(signif)
    low = np.flatnonzero(labels.str.startswith("Low").to_numpy())
    order = np.lexsort((y[low], ~labels.iloc[low].eq("Low (0.001)").to_numpy()))
    return low[order][:MAX_LABELS]


def _write_numbers(ax, n, y, named) -> None:
    """Write 1, 2 ... at the named units, clear of the markers and of each other."""
    boxes = _place_numbers(ax, n, y, named)
    for i, ((cx, cy), (px, py), leader) in enumerate(boxes, start=1):
        ax.annotate(
            str(i),
            xy=(px, py),
            xytext=(cx, cy),
            xycoords="data",
            textcoords="data",
            fontsize=_NUMBER_SIZE,
            fontweight="bold",
            ha="center",
            va="center",
            color=_INK,
            gid="jsna-funnel-number",
            path_effects=[patheffects.withStroke(linewidth=1.8, foreground="white")],
            arrowprops=(
                {"arrowstyle": "-", "color": _INK, "linewidth": 0.4, "shrinkA": 4, "shrinkB": 3}
                if leader
                else None
            ),
        )


def _key(labels: pd.Series, named, y, suffix: str) -> list[Line2D]:
    """Legend entries of the numbered units: the number, the name (shortened) and the value."""
    names = labels.astype("string").fillna("").to_numpy(dtype=object)[named]
    entries = []
    for i, (name, value) in enumerate(zip(names, y[named], strict=True), start=1):
        text = str(name) if len(str(name)) <= KEY_CHARS else str(name)[: KEY_CHARS - 1] + "\u2026"
        entries.append(
            Line2D(
                [],
                [],
                marker=f"${i}$",
                color=_INK,
                linestyle="",
                markersize=6,
                label=f"{text} ({value:,.3g}{suffix})",
            )
        )
    return entries


def _place_numbers(ax, n, y, named) -> list[tuple[tuple, tuple, bool]]:
    """Where to write each number: the nearest spot clear of every marker and earlier number.

    Spots are tried around the unit's marker, nearest first (below, above, right, left,
    then the diagonals, at growing distances), in screen units; a spot must lie inside the
    axes. Returns ((text x, y), (unit x, y), leader) in data units for each named unit, in
    order; ``leader`` is True when the number is not next to its marker (it needs a line).
    """
    scale = ax.figure.dpi / 72
    radius = 0.5 * np.sqrt(_MARKER_SIZE) * scale + 1.0
    centres = ax.transData.transform(np.column_stack([n, y]))
    # the size of a written number, measured (bold digits with their white halo), plus a pixel
    sample = ax.text(0, 0, "8", fontsize=_NUMBER_SIZE, fontweight="bold")
    size = sample.get_window_extent(ax.figure.canvas.get_renderer())
    sample.remove()
    half_w, half_h = 0.5 * size.width + 1.5, 0.5 * size.height + 1.5
    frame = ax.get_window_extent()
    taken: list[tuple[float, float, float, float]] = []
    angles = np.deg2rad([270, 90, 0, 180, 315, 225, 45, 135])
    out = []

    def clear(cx: float, cy: float) -> bool:
        x0, x1, y0, y1 = cx - half_w, cx + half_w, cy - half_h, cy + half_h
        if x0 < frame.x0 or x1 > frame.x1 or y0 < frame.y0 or y1 > frame.y1:
            return False
        near = (np.abs(centres[:, 0] - cx) < half_w + radius) & (
            np.abs(centres[:, 1] - cy) < half_h + radius
        )
        if near.any():
            return False
        return not any(x0 < b1 and b0 < x1 and y0 < d1 and d0 < y1 for b0, b1, d0, d1 in taken)

    for index in named:
        px, py = centres[index]
        spot, moved = (px, py - radius - half_h), False
        for step in range(60):
            distance = radius + max(half_w, half_h) + 1 + step * 2.5 * scale
            found = [
                (k, (px + distance * np.cos(a), py + distance * np.sin(a)))
                for k, a in enumerate(angles)
                if clear(px + distance * np.cos(a), py + distance * np.sin(a))
            ]
            if found:
                # right under the marker needs no line; anywhere else does
                spot, moved = found[0][1], step > 0 or found[0][0] > 0
                break
        cx, cy = spot
        taken.append((cx - half_w, cx + half_w, cy - half_h, cy + half_h))
        data = ax.transData.inverted().transform([spot, (px, py)])
        out.append((tuple(data[0]), tuple(data[1]), moved))
    return out
