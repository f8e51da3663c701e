"""Benchmarking charts: trend chart, spine chart, tartan rug and neighbour bars.

They draw the frames of :func:`jsna.analysis.benchmark.benchmark` (the default column
names are its columns) but take any frame with the named columns. With
``ax=None`` the figure is made here and the legend sits under it
(``ax.figure.legends``); given an ``ax``, the legend is the Axes' own, to its
right. Every
significance colour comes with a shape or a text cue and a legend entry
(red/amber/green is not colour-blind safe), and every axis says what it shows
and in which units.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import blended_transform_factory

from jsna.exceptions import DataValidationError, first_values
from jsna.plots._checks import check_column, check_frame, interval, numeric, text_required
from jsna.plots.charts import ranked_bars
from jsna.plots.style import AF_CATEGORICAL, FULL_WIDTH, NO_DATA, SIGNIFICANCE, use_style

__all__ = ["trend_chart", "spine_chart", "tartan_rug", "neighbour_bars", "SIGNIFICANCE_MARKERS"]

_INK = "#3D3D3D"
_AREA = AF_CATEGORICAL[0]
_NEIGHBOUR = AF_CATEGORICAL[1]
_DARK = {"worse", "lower"}  # classes drawn with white text on their dark colour

#: Marker shape of each significance class (the shape cue beside the colour).
SIGNIFICANCE_MARKERS = {
    "better": "^",
    "similar": "o",
    "worse": "v",
    "higher": "P",
    "lower": "X",
    "not compared": "s",
}


def _wrap(label: str, width: int) -> str:
    return textwrap.fill(str(label), width, break_on_hyphens=False, break_long_words=False)


def _legend_below(ax, handles, title=None, ncols=2) -> None:
    """Legend under the axes: a figure legend outside the axes when jsna made the figure, else an
    axes one.
    """
    if getattr(ax, "_jsna_own_figure", False):
        ax.figure.legend(handles=handles, title=title, loc="outside lower center", ncols=ncols)
    else:
        ax.legend(
            handles=handles,
            title=title,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0,
        )


def _own_axes(width: float, height: float):
    _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    ax._jsna_own_figure = True
    return ax


def _classes(frame: pd.DataFrame, column: str, argument: str = "significance") -> pd.Series:
    """Lower-case significance classes (missing -> 'not compared'), checked."""
    check_column(frame, column, argument)
    classes = frame[column].astype("string").str.strip().str.lower().fillna("not compared")
    unknown = ~classes.isin(list(SIGNIFICANCE))
    if unknown.any():
        raise DataValidationError(
            f"{argument}={column!r} has classes {first_values(frame.loc[unknown, column])} "
            "that are not Better, Similar, Worse, Higher, Lower or Not compared"
        )
    return classes


def _marker_handle(key: str, suffix: str = "") -> Line2D:
    style = SIGNIFICANCE[key]
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=SIGNIFICANCE_MARKERS[key],
        markersize=7,
        markerfacecolor=style.facecolor,
        markeredgecolor=_INK,
        markeredgewidth=0.6,
        label=style.label + suffix,
    )


def _one_name(frame: pd.DataFrame, column: str, fallback: str) -> str:
    if column in frame.columns:
        names = frame[column].dropna().unique()
        if len(names) == 1:
            return str(names[0])
    return fallback


def _optional(frame: pd.DataFrame, column: str | None, argument: str) -> np.ndarray | None:
    return None if column is None else numeric(frame, column, argument)


# --------------------------------------------------------------------------- trend chart
def trend_chart(
    df: pd.DataFrame,
    *,
    value_label: str,
    period: str = "period",
    value: str = "value",
    lower: str | None = "lower_ci95",
    upper: str | None = "upper_ci95",
    england: str | None = "england_value",
    neighbour_mean: str | None = "neighbour_mean",
    neighbour_min: str | None = "neighbour_min",
    neighbour_max: str | None = "neighbour_max",
    significance: str | None = "compared_to_england_95",
    area_label: str | None = None,
    neighbour_label: str | None = None,
    period_label: str = "Time period",
    ax=None,
):
    """An area's values over time with its 95% confidence band, England and its neighbours.

    Parameters
    ----------
    df : DataFrame
        One row per period of one area and indicator (e.g. the rows of
        :func:`jsna.analysis.benchmark.benchmark` for one indicator and sex), in time
        order (sorted by ``period_sortable`` when that column is present).
    value_label : str
        Value axis label with units (required), e.g. "Admissions per 10,000 aged 0 to 14".
    period, value, lower, upper : str
        Columns of period labels, values and 95% limits (limits: None for no band).
    england, neighbour_mean, neighbour_min, neighbour_max : str or None
        Columns of England's value and of the neighbours' mean, lowest and
        highest values; None leaves a line out.
    significance : str or None
        Column of Better/Similar/Worse/... compared with England: each point is
        a marker in the class colour and shape, and the latest is labelled in words.
    area_label, neighbour_label : str, optional
        Legend names; by default the ``area_name`` and "Statistical neighbours
        (``neighbour_model``)" of the data.
    period_label : str
        Time axis label.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> df = pd.DataFrame({"period": ["2021/22", "2022/23", "2023/24"], "value": [90.0, 85.0, 80.0],
    ...     "lower_ci95": [85.0, 80.0, 75.0], "upper_ci95": [95.0, 90.0, 85.0],
    ...     "england_value": [75.0, 74.0, 73.0], "compared_to_england_95": ["Worse", "Worse",
    ...     "Similar"]})
    >>> ax = trend_chart(df, value_label="Admissions per 10,000", neighbour_mean=None,
    ...                  neighbour_min=None, neighbour_max=None, area_label="Sefton")
    >>> [t.get_text() for t in ax.figure.legends[0].get_texts()]
    ['Sefton', '95% confidence interval', 'England', 'Similar to England', 'Worse than England']
    """
    check_frame(df)
    value_label = text_required(value_label, "value_label")
    frame = (
        df.sort_values("period_sortable", kind="stable") if "period_sortable" in df.columns else df
    )
    check_column(frame, period, "period")
    periods = frame[period].astype("string")
    if periods.duplicated().any():
        raise DataValidationError(
            f"period={period!r} repeats {first_values(periods[periods.duplicated()])}; give one "
            "area, indicator, "
            "sex and age (one row per period)"
        )
    values = numeric(frame, value, "value")
    errors = interval(frame, values, lower, upper)
    england_values = _optional(frame, england, "england")
    mean = _optional(frame, neighbour_mean, "neighbour_mean")
    low = _optional(frame, neighbour_min, "neighbour_min")
    high = _optional(frame, neighbour_max, "neighbour_max")
    if (low is None) != (high is None):
        raise DataValidationError("give both neighbour_min= and neighbour_max= columns, or neither")
    classes = _classes(frame, significance) if significance is not None else None
    area_label = area_label or _one_name(frame, "area_name", "Area")
    model = _one_name(frame, "neighbour_model", "")
    neighbour_label = neighbour_label or (
        "Statistical neighbours" + (f" ({model})" if model else "")
    )
    x = np.arange(len(frame))
    handles = []
    with use_style():
        if ax is None:
            ax = _own_axes(FULL_WIDTH, 4.2)
        if low is not None and np.isfinite(low).any():
            ax.fill_between(
                x, low, high, color=_NEIGHBOUR, alpha=0.15, linewidth=0, gid="jsna-neighbour-range"
            )
            handles.append(
                Patch(
                    facecolor=_NEIGHBOUR, alpha=0.15, label=f"{neighbour_label}: lowest to highest"
                )
            )
        if mean is not None and np.isfinite(mean).any():
            ax.plot(
                x, mean, color=_NEIGHBOUR, linestyle="-.", linewidth=1.2, gid="jsna-neighbour-mean"
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    color=_NEIGHBOUR,
                    linestyle="-.",
                    linewidth=1.2,
                    label=f"{neighbour_label}: mean",
                )
            )
        ax.plot(x, values, color=_AREA, linewidth=1.8, gid="jsna-area-line", zorder=3)
        handles.insert(0, Line2D([], [], color=_AREA, linewidth=1.8, label=area_label))
        if errors is not None:
            ax.fill_between(
                x,
                values - errors[0],
                values + errors[1],
                color=_AREA,
                alpha=0.18,
                linewidth=0,
                gid="jsna-ci-band",
            )
            handles.insert(1, Patch(facecolor=_AREA, alpha=0.18, label="95% confidence interval"))
        if england_values is not None and np.isfinite(england_values).any():
            ax.plot(
                x, england_values, color=_INK, linestyle="--", linewidth=1.2, gid="jsna-england"
            )
            handles.insert(
                2 if errors is not None else 1,
                Line2D([], [], color=_INK, linestyle="--", linewidth=1.2, label="England"),
            )
        if classes is not None:
            for key in SIGNIFICANCE:
                mask = (classes == key).to_numpy() & np.isfinite(values)
                if not mask.any():
                    continue
                style = SIGNIFICANCE[key]
                ax.scatter(
                    x[mask],
                    values[mask],
                    s=42,
                    marker=SIGNIFICANCE_MARKERS[key],
                    color=style.facecolor,
                    edgecolors=_INK,
                    linewidths=0.6,
                    zorder=4,
                    gid="jsna-significance",
                )
                suffix = (
                    " to England"
                    if key == "similar"
                    else (" than England" if key != "not compared" else "")
                )
                handles.append(_marker_handle(key, suffix))
            last = np.flatnonzero(np.isfinite(values))
            if len(last):
                i = last[-1]
                ax.annotate(
                    SIGNIFICANCE[classes.iloc[i]].label,
                    (x[i], values[i]),
                    xytext=(6, 6),
                    textcoords="offset points",
                    fontsize=7,
                    color=_INK,
                    gid="jsna-significance-text",
                )
        labels = periods.tolist()
        step = max(1, int(np.ceil(len(labels) / 12)))
        ax.set_xticks(
            x[::step],
            labels[::step],
            rotation=45 if max(map(len, labels)) > 4 else 0,
            ha="right" if max(map(len, labels)) > 4 else "center",
        )
        ax.set_xlim(-0.5, len(x) - 0.5)
        ax.set_xlabel(period_label)
        ax.set_ylabel(_wrap(value_label, 40))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
        ax.grid(axis="y")
        _legend_below(ax, handles)
    return ax


# --------------------------------------------------------------------------- spine chart
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
    significance: str = "compared_to_england_95",
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
        Column of the comparison with England.
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
    ...     "compared_to_england_95": ["Worse", "Similar"]})
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
    classes = _classes(df, significance)
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
    area_label = area_label or _one_name(df, "area_name", "Area")
    with use_style():
        if ax is None:
            ax = _own_axes(FULL_WIDTH, max(2.6, 0.55 * len(df) + 2.2))
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
        ax.axvline(0, color=_INK, linewidth=1.2, gid="jsna-england")
        handles = [
            Line2D([], [], color=_INK, linewidth=1.2, label="England"),
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
                    edgecolors=_INK,
                    linewidths=0.6,
                    zorder=4,
                    gid="jsna-significance",
                )
                handles.append(_marker_handle(key, f": {area_label} compared with England"))
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
                color=_INK,
                gid="jsna-significance-text",
            )
        ax.set_yticks(y, [_wrap(t, 38) for t in labels])
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
        _legend_below(ax, handles)
    return ax


# --------------------------------------------------------------------------- tartan rug
def tartan_rug(
    df: pd.DataFrame,
    *,
    area: str = "area_name",
    indicator: str = "indicator_name",
    value: str = "value",
    significance: str = "compared_to_england_95",
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
    ...     "compared_to_england_95": ["Worse", "Similar", "Better", "Similar"]})
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
    classes = _classes(df, significance)
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
            ax = _own_axes(
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
            colour = "white" if (key in _DARK and np.isfinite(v)) else _INK
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
        ax.set_xticks(np.arange(len(areas)) + 0.5, [_wrap(a, 14) for a in areas], rotation=90)
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        for tick in ax.get_xticklabels():
            if tick.get_text().replace("\n", " ") in wanted or tick.get_text() in wanted:
                tick.set_fontweight("bold")
        ax.set_yticks(np.arange(len(indicators)) + 0.5, [_wrap(n, 40) for n in indicators])
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
        _legend_below(
            ax,
            handles,
            title=f"{significance_title} (each cell: value in the indicator's units, "
            "and the comparison)",
            ncols=min(len(handles), 4),
        )
    return ax


# --------------------------------------------------------------------------- neighbour bars
def neighbour_bars(
    df: pd.DataFrame,
    *,
    value_label: str,
    label: str = "area_name",
    value: str = "value",
    lower: str | None = "lower_ci95",
    upper: str | None = "upper_ci95",
    significance: str | None = "compared_to_england_95",
    england: float | str | None = "england_value",
    highlight: str | None = None,
    sort: str | None = "descending",
    ax=None,
):
    """The area and its statistical neighbours ranked, with 95% confidence intervals and the England
    line.

    Built on :func:`jsna.plots.ranked_bars`: bars coloured (and hatched) by
    their comparison with England, the England value as a dashed line, and
    the area of interest's label in bold with a pointer.

    Parameters
    ----------
    df : DataFrame
        One row per area (e.g. :func:`jsna.analysis.benchmark.area_and_neighbours` for one indicator
        and period).
    value_label : str
        Value axis label with units (required).
    label, value, lower, upper, significance : str
        Columns (limits and significance may be None).
    england : float, str or None
        England's value, or a column holding it (the same on every row).
    highlight : str, optional
        Label of the area of interest.
    sort : {"descending", "ascending", None}
        Bar order from the top.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> df = pd.DataFrame({"area_name": ["Sefton", "Wirral", "Bury"], "value": [92.8, 110.0, 70.0],
    ...     "lower_ci95": [83.9, 100.0, 60.0], "upper_ci95": [101.9, 120.0,
    ...     80.0], "england_value": 72.7,
    ...     "compared_to_england_95": ["Worse", "Worse", "Similar"]})
    >>> ax = neighbour_bars(df, value_label="Admissions per 10,000", highlight="Sefton")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Wirral', '▶ Sefton', 'Bury']
    """
    check_frame(df)
    reference = None
    if isinstance(england, str):
        values = numeric(df, england, "england")
        distinct = np.unique(values[np.isfinite(values)])
        if len(distinct) > 1:
            raise DataValidationError(
                f"england={england!r} holds several values {first_values(distinct)}; give one "
                "indicator and period"
            )
        reference = float(distinct[0]) if len(distinct) else None
    elif england is not None:
        reference = float(england)
    frame = df
    if highlight is not None:
        check_column(df, label, "label")
        if highlight not in set(df[label].astype(str)):
            raise DataValidationError(
                f"highlight={highlight!r} is not one of the labels {first_values(df[label])}"
            )
        frame = df.assign(
            **{
                label: df[label]
                .astype(str)
                .where(df[label].astype(str) != highlight, f"▶ {highlight}")
            }
        )
    ax = ranked_bars(
        frame,
        label=label,
        value=value,
        value_label=value_label,
        lower=lower,
        upper=upper,
        ax=ax,
        significance=significance,
        significance_title="Compared with England",
        reference=reference,
        reference_label="England",
        sort=sort,
        highlight=None if significance is not None else (f"▶ {highlight}" if highlight else None),
    )
    for tick in ax.get_yticklabels():
        if highlight is not None and tick.get_text() == f"▶ {highlight}":
            tick.set_fontweight("bold")
    ax.set_ylabel("Area")
    return ax
