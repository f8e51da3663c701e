"""Benchmarking charts of many indicators at once: the spine chart and the tartan rug.

They draw the frames of :func:`jsna.analysis.benchmark.benchmark` (see :mod:`jsna.plots.trends`
for the conventions: legends, significance colours with shape or text cues, units).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import blended_transform_factory

from jsna.exceptions import DataValidationError, first_values
from jsna.plots._benchmark_parts import (
    DARK_CLASSES,
    INK,
    SIGNIFICANCE_MARKERS,
    legend_below,
    marker_handle,
    one_name,
    own_axes,
    significance_classes,
    wrap,
)
from jsna.plots._checks import check_column, check_frame, numeric
from jsna.plots.style import FULL_WIDTH, NO_DATA, SIGNIFICANCE, use_style

__all__ = ["spine_chart", "tartan_rug"]


def spine_chart(
    df: pd.DataFrame,
    *,
    label: str = "indicator_name",
    value: str = "value",
    england: str = "england_value",
    minimum: str = "type_min",
    q25: str = "type_q25",
    q75: str = "type_q75",
    maximum: str = "type_max",
    polarity: str | None = "polarity",
    significance: str = "compared_to_england",
    units: str | None = None,
    area_label: str | None = None,
    digits: int = 1,
    ax=None,
):
    """One row per indicator: the area against England and the spread of all areas of its type.

    Each row is centred on England's value (0) and scaled so the area furthest
    from England is at -1 or +1; for "low is good" indicators the axis is
    turned round so that better is always to the right ("no judgement": higher
    to the right). A light bar spans all areas, a darker bar the 25th to 75th
    percentile, and the area's marker is coloured and shaped by its
    comparison with England; its value, England's and the comparison are
    written beside each row.

    Parameters
    ----------
    df : DataFrame
        One row per indicator (e.g. :func:`jsna.analysis.benchmark.latest` rows of one area).
    label : str
        Column of row labels (indicator names).
    value, england, minimum, q25, q75, maximum : str
        Columns of the area's value, England's value and the spread of all areas.
    polarity : str or None
        Column of polarities; None treats every row as higher to the right.
    significance : str
        Column of the comparison with England; by default the benchmark's
        ``compared_to_england``, the label it shows (the publisher's where its
        file gives one, else jsna's at 95%).
    units : str, optional
        Column of units appended to the row labels, e.g. "per 10,000".
    area_label : str, optional
        The area's name in the legend; by default ``area_name`` of the data.
    digits : int
        Decimals in the written values.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> df = pd.DataFrame({"indicator_name": ["Injuries 0-14", "School readiness"], "value": [92.8,
    ...     66.0],
    ...     "england_value": [72.7, 68.0], "type_min": [29.3, 55.0], "type_q25": [59.9, 64.0],
    ...     "type_q75": [87.1, 71.0], "type_max": [149.0, 78.0], "polarity": ["low is good",
    ...     "high is good"],
    ...     "compared_to_england": ["Worse", "Similar"]})
    >>> ax = spine_chart(df, area_label="Sefton")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Injuries 0-14', 'School readiness']
    """
    check_frame(df)
    check_column(df, label, "label")
    labels = df[label].astype("string")
    if labels.isna().any():
        raise DataValidationError(f"label={label!r} has missing labels")
    if units is not None:
        check_column(df, units, "units")
        labels = labels + df[units].astype("string").map(
            lambda u: f" ({u})" if pd.notna(u) and u else ""
        ).fillna("")
    v = numeric(df, value, "value")
    e = numeric(df, england, "england")
    lo, p25, p75, hi = (
        numeric(df, c, a)
        for c, a in ((minimum, "minimum"), (q25, "q25"), (q75, "q75"), (maximum, "maximum"))
    )
    classes = significance_classes(df, significance)
    flip = np.zeros(len(df), dtype=bool)
    if polarity is not None:
        check_column(df, polarity, "polarity")
        flip = (df[polarity] == "low is good").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.fmax(np.abs(lo - e), np.abs(hi - e))
        half = np.where(half > 0, half, np.nan)
        sign = np.where(flip, -1.0, 1.0)

        def scaled(x):
            return sign * (x - e) / half

        ends = np.sort(np.column_stack([scaled(lo), scaled(hi)]), axis=1)
        box = np.sort(np.column_stack([scaled(p25), scaled(p75)]), axis=1)
        area = scaled(v)
    y = np.arange(len(df))[::-1]
    area_label = area_label or one_name(df, "area_name", "Area")
    with use_style():
        if ax is None:
            ax = own_axes(FULL_WIDTH, max(2.6, 0.55 * len(df) + 2.2))
        ax.barh(
            y,
            ends[:, 1] - ends[:, 0],
            left=ends[:, 0],
            height=0.55,
            color="#E6E6E6",
            gid="jsna-spine-range",
        )
        ax.barh(
            y,
            box[:, 1] - box[:, 0],
            left=box[:, 0],
            height=0.55,
            color="#A6A6A6",
            gid="jsna-spine-iqr",
        )
        ax.axvline(0, color=INK, linewidth=1.2, gid="jsna-england")
        handles = [
            Line2D([], [], color=INK, linewidth=1.2, label="England"),
            Patch(facecolor="#E6E6E6", label="All areas of this type: lowest to highest"),
            Patch(facecolor="#A6A6A6", label="25th to 75th percentile"),
        ]
        transform = blended_transform_factory(ax.transAxes, ax.transData)
        for key in SIGNIFICANCE:
            mask = (classes == key).to_numpy() & np.isfinite(area)
            if mask.any():
                ax.scatter(
                    area[mask],
                    y[mask],
                    s=55,
                    marker=SIGNIFICANCE_MARKERS[key],
                    color=SIGNIFICANCE[key].facecolor,
                    edgecolors=INK,
                    linewidths=0.6,
                    zorder=4,
                    gid="jsna-significance",
                )
                handles.append(marker_handle(key, f": {area_label} compared with England"))
        for yy, value_i, england_i, key in zip(y, v, e, classes, strict=True):
            text = (
                f"{area_label} {value_i:,.{digits}f}"
                if np.isfinite(value_i)
                else f"{area_label}: no data"
            ) + f"\nEngland {england_i:,.{digits}f}\n{SIGNIFICANCE[key].label}"
            ax.text(
                1.02,
                yy,
                text,
                transform=transform,
                va="center",
                ha="left",
                fontsize=7,
                color=INK,
                gid="jsna-significance-text",
            )
        ax.set_yticks(y, [wrap(t, 38) for t in labels])
        ax.set_ylim(-0.6, len(df) - 0.4)
        ax.set_xlim(-1.08, 1.08)
        ax.set_xticks(
            [-1, 0, 1],
            [
                "Furthest from England\n(worse or lower)",
                "England",
                "Furthest from England\n(better or higher)",
            ],
        )
        ax.set_xlabel(
            "Value relative to England (scaled: England = 0, area furthest from England = 1)"
        )
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        legend_below(ax, handles)
    return ax


# --------------------------------------------------------------------------- tartan rug
def tartan_rug(
    df: pd.DataFrame,
    *,
    area: str = "area_name",
    indicator: str = "indicator_name",
    value: str = "value",
    significance: str = "compared_to_england",
    highlight: str | Sequence[str] | None = None,
    significance_title: str = "Compared with England",
    digits: int = 1,
    ax=None,
):
    """Areas (columns) by indicators (rows), each cell coloured by significance, with its value and
    class in words.

    Parameters
    ----------
    df : DataFrame
        One row per area and indicator, in the order to draw (areas and
        indicators in order of first appearance).
    area, indicator, value, significance : str
        Columns of area names, indicator names (with units), values and the comparison.
    highlight : str or list of str, optional
        Area name(s) whose column heading is bold (the area of interest).
    significance_title : str
        Legend title.
    digits : int
        Decimals of the values written in the cells.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> df = pd.DataFrame({"area_name": ["Sefton", "Wirral", "Sefton", "Wirral"],
    ...     "indicator_name": ["Injuries", "Injuries", "Obesity", "Obesity"], "value": [92.8, 80.1,
    ...     24.0, 22.0],
    ...     "compared_to_england": ["Worse", "Similar", "Better", "Similar"]})
    >>> ax = tartan_rug(df, highlight="Sefton")
    >>> sorted(t.get_text() for t in ax.texts)[:2]
    ['22.0\\nSimilar', '24.0\\nBetter']
    """
    check_frame(df)
    for column, argument in ((area, "area"), (indicator, "indicator")):
        check_column(df, column, argument)
        if df[column].isna().any():
            raise DataValidationError(f"{argument}={column!r} has missing names")
    values = numeric(df, value, "value")
    classes = significance_classes(df, significance)
    pairs = df[[area, indicator]].astype(str)
    if pairs.duplicated().any():
        raise DataValidationError(
            f"{first_values(pairs[pairs.duplicated()].agg(' / '.join, axis=1))} appear more than "
            "once; "
            "give one row per area and indicator (one period, sex and age)"
        )
    areas = list(dict.fromkeys(pairs[area]))
    indicators = list(dict.fromkeys(pairs[indicator]))
    col = pairs[area].map({a: i for i, a in enumerate(areas)}).to_numpy()
    row = pairs[indicator].map({n: i for i, n in enumerate(indicators)}).to_numpy()
    wanted = {highlight} if isinstance(highlight, str) else set(highlight or ())
    with use_style():
        if ax is None:
            width = min(FULL_WIDTH * 1.6, 3.0 + 0.62 * len(areas))
            longest = max(len(a) for a in areas)
            ax = own_axes(
                max(FULL_WIDTH, width), 0.55 * len(indicators) + 2.6 + 0.05 * min(longest, 30)
            )
        present = set()
        # cells without a row in df: no data
        for r in range(len(indicators)):
            for c in range(len(areas)):
                ax.add_patch(
                    Rectangle(
                        (c, r),
                        1,
                        1,
                        facecolor=NO_DATA.facecolor,
                        edgecolor="white",
                        linewidth=1.5,
                        hatch=NO_DATA.hatch,
                        gid="jsna-rug-nodata",
                    )
                )
        for r, c, v, key in zip(row, col, values, classes, strict=True):
            style = SIGNIFICANCE[key] if np.isfinite(v) else NO_DATA
            ax.add_patch(
                Rectangle(
                    (c, r),
                    1,
                    1,
                    facecolor=style.facecolor,
                    edgecolor="white",
                    linewidth=1.5,
                    gid="jsna-rug-cell",
                )
            )
            text = f"{v:,.{digits}f}\n{SIGNIFICANCE[key].label}" if np.isfinite(v) else "No data"
            colour = "white" if (key in DARK_CLASSES and np.isfinite(v)) else INK
            ax.text(
                c + 0.5,
                r + 0.5,
                text,
                ha="center",
                va="center",
                fontsize=5.5,
                color=colour,
                linespacing=1.1,
                gid="jsna-rug-text",
            )
            present.add(key if np.isfinite(v) else "no data")
        ax.set_xlim(0, len(areas))
        ax.set_ylim(len(indicators), 0)
        ax.set_xticks(np.arange(len(areas)) + 0.5, [wrap(a, 14) for a in areas], rotation=90)
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        for tick in ax.get_xticklabels():
            if tick.get_text().replace("\n", " ") in wanted or tick.get_text() in wanted:
                tick.set_fontweight("bold")
        ax.set_yticks(np.arange(len(indicators)) + 0.5, [wrap(n, 40) for n in indicators])
        ax.set_xlabel("Area")
        ax.set_ylabel("Indicator")
        ax.tick_params(length=0)
        for side in ("left", "bottom", "top", "right"):
            ax.spines[side].set_visible(False)
        handles = [
            Patch(facecolor=s.facecolor, edgecolor="#BFBFBF", label=s.label)
            for k, s in SIGNIFICANCE.items()
            if k in present
        ]
        if "no data" in present or len(df) < len(areas) * len(indicators):
            handles.append(
                Patch(
                    facecolor=NO_DATA.facecolor,
                    hatch=NO_DATA.hatch,
                    edgecolor="#BFBFBF",
                    label=NO_DATA.label,
                )
            )
        legend_below(
            ax,
            handles,
            title=f"{significance_title} (each cell: value in the indicator's units, "
            "and the comparison)",
            ncols=min(len(handles), 4),
        )
    return ax


# --------------------------------------------------------------------------- neighbour bars
