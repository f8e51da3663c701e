"""Benchmarking charts over time and across neighbours: trend chart and neighbour bars.

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

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from jsna.exceptions import DataValidationError, first_values
from jsna.plots._benchmark_parts import (
    AREA_COLOUR,
    INK,
    NEIGHBOUR_COLOUR,
    SIGNIFICANCE_MARKERS,
    legend_below,
    marker_handle,
    one_name,
    optional_numbers,
    own_axes,
    significance_classes,
    wrap,
)
from jsna.plots._checks import check_column, check_frame, interval, numeric, text_required
from jsna.plots.charts import ranked_bars
from jsna.plots.style import FULL_WIDTH, SIGNIFICANCE, use_style

__all__ = ["trend_chart", "neighbour_bars", "SIGNIFICANCE_MARKERS"]


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
    significance: str | None = "compared_to_england",
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
        By default the benchmark's ``compared_to_england``, the label it shows (the
        publisher's where its file gives one, else jsna's at 95%).
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
    ...     "england_value": [75.0, 74.0, 73.0], "compared_to_england": ["Worse", "Worse",
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
    england_values = optional_numbers(frame, england, "england")
    mean = optional_numbers(frame, neighbour_mean, "neighbour_mean")
    low = optional_numbers(frame, neighbour_min, "neighbour_min")
    high = optional_numbers(frame, neighbour_max, "neighbour_max")
    if (low is None) != (high is None):
        raise DataValidationError("give both neighbour_min= and neighbour_max= columns, or neither")
    classes = significance_classes(frame, significance) if significance is not None else None
    area_label = area_label or one_name(frame, "area_name", "Area")
    model = one_name(frame, "neighbour_model", "")
    neighbour_label = neighbour_label or (
        "Statistical neighbours" + (f" ({model})" if model else "")
    )
    x = np.arange(len(frame))
    handles = []
    with use_style():
        if ax is None:
            ax = own_axes(FULL_WIDTH, 4.2)
        if low is not None and np.isfinite(low).any():
            ax.fill_between(
                x,
                low,
                high,
                color=NEIGHBOUR_COLOUR,
                alpha=0.15,
                linewidth=0,
                gid="jsna-neighbour-range",
            )
            handles.append(
                Patch(
                    facecolor=NEIGHBOUR_COLOUR,
                    alpha=0.15,
                    label=f"{neighbour_label}: lowest to highest",
                )
            )
        if mean is not None and np.isfinite(mean).any():
            ax.plot(
                x,
                mean,
                color=NEIGHBOUR_COLOUR,
                linestyle="-.",
                linewidth=1.2,
                gid="jsna-neighbour-mean",
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    color=NEIGHBOUR_COLOUR,
                    linestyle="-.",
                    linewidth=1.2,
                    label=f"{neighbour_label}: mean",
                )
            )
        ax.plot(x, values, color=AREA_COLOUR, linewidth=1.8, gid="jsna-area-line", zorder=3)
        handles.insert(0, Line2D([], [], color=AREA_COLOUR, linewidth=1.8, label=area_label))
        if errors is not None:
            ax.fill_between(
                x,
                values - errors[0],
                values + errors[1],
                color=AREA_COLOUR,
                alpha=0.18,
                linewidth=0,
                gid="jsna-ci-band",
            )
            handles.insert(
                1, Patch(facecolor=AREA_COLOUR, alpha=0.18, label="95% confidence interval")
            )
        if england_values is not None and np.isfinite(england_values).any():
            ax.plot(x, england_values, color=INK, linestyle="--", linewidth=1.2, gid="jsna-england")
            handles.insert(
                2 if errors is not None else 1,
                Line2D([], [], color=INK, linestyle="--", linewidth=1.2, label="England"),
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
                    edgecolors=INK,
                    linewidths=0.6,
                    zorder=4,
                    gid="jsna-significance",
                )
                suffix = (
                    " to England"
                    if key == "similar"
                    else (" than England" if key != "not compared" else "")
                )
                handles.append(marker_handle(key, suffix))
            last = np.flatnonzero(np.isfinite(values))
            if len(last):
                i = last[-1]
                ax.annotate(
                    SIGNIFICANCE[classes.iloc[i]].label,
                    (x[i], values[i]),
                    xytext=(6, 6),
                    textcoords="offset points",
                    fontsize=7,
                    color=INK,
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
        ax.set_ylabel(wrap(value_label, 40))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
        ax.grid(axis="y")
        legend_below(ax, handles)
    return ax


# --------------------------------------------------------------------------- spine chart
def neighbour_bars(
    df: pd.DataFrame,
    *,
    value_label: str,
    label: str = "area_name",
    value: str = "value",
    lower: str | None = "lower_ci95",
    upper: str | None = "upper_ci95",
    significance: str | None = "compared_to_england",
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
    ...     "compared_to_england": ["Worse", "Worse", "Similar"]})
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
