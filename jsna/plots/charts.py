"""Charts in the house style: population pyramid, age profile, bars by deprivation quintile
and ranked bars (reused by the benchmarking and prevalence charts).

Every value axis is labelled with its units: the functions take ``value_label``
and refuse an empty one. Confidence intervals are drawn as error bars and
named in the legend; significance colours always come with a hatch and a
legend label.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from jsna.exceptions import DataValidationError, first_values
from jsna.plots._checks import check_column, check_frame, interval, numeric, text_required
from jsna.plots.style import (
    AF_CATEGORICAL,
    AF_FOCUS,
    FULL_WIDTH,
    SIGNIFICANCE,
    focus_colors,
    use_style,
)

__all__ = ["population_pyramid", "age_profile", "bars_by_quintile", "ranked_bars"]

_INK = "#3D3D3D"
_BAR = AF_CATEGORICAL[0]
_ERR = {"fmt": "none", "ecolor": _INK, "elinewidth": 0.8, "capsize": 2.5, "capthick": 0.8}
_CI_LABEL = "95% confidence interval"
_LEGEND_RIGHT = {
    "loc": "upper left",
    "bbox_to_anchor": (1.01, 1.0),
    "borderaxespad": 0.0,
    "alignment": "left",
}


def _new_axes(height: float):
    fig, ax = plt.subplots(figsize=(FULL_WIDTH, height), layout="constrained")
    return ax


def _labels(frame: pd.DataFrame, column, argument: str) -> list[str]:
    check_column(frame, column, argument)
    labels = frame[column].astype("string")
    if labels.isna().any():
        raise DataValidationError(
            f"{argument}={column!r} has missing labels in rows "
            f"{first_values(frame.index[labels.isna()])}"
        )
    if labels.duplicated().any():
        raise DataValidationError(
            f"{argument}={column!r} repeats {first_values(labels[labels.duplicated()])}; give one "
            f"row per {argument}"
        )
    return labels.tolist()


def _wrap(label: str, width: int = 45) -> str:
    """Break a long axis label over lines so it is never clipped."""
    return textwrap.fill(label, width, break_on_hyphens=False)


def _thin_ticks(n: int, most: int = 20) -> np.ndarray:
    step = max(1, int(np.ceil(n / most)))
    return np.arange(0, n, step)


def _shares(frame, columns, arguments, percent: bool):
    """Values per age band for ``columns``, as % of the total over all columns if ``percent``."""
    values = np.vstack(
        [numeric(frame, c, a, non_negative=True) for c, a in zip(columns, arguments, strict=True)]
    )
    if percent:
        total = np.nansum(values)
        if total <= 0:
            raise DataValidationError(
                f"the population in {', '.join(map(repr, columns))} sums to {total:g}; nothing to "
                "show"
            )
        values = values / total * 100
    return values


def _comparator_shares(comparator, age, columns, arguments, ages, percent: bool):
    if not percent:
        raise DataValidationError(
            "comparator= needs percent=True: populations of different sizes compare only as shares "
            "of their totals"
        )
    check_frame(comparator, "comparator")
    theirs = _labels(comparator, age, "age")
    missing = [a for a in ages if a not in theirs]
    extra = [a for a in theirs if a not in ages]
    if missing or extra:
        raise DataValidationError(
            "comparator age bands differ from df's: missing "
            f"{first_values(missing) if missing else 'none'}, "
            f"extra {first_values(extra) if extra else 'none'}; give both on the same bands"
        )
    ordered = comparator.set_axis(theirs).loc[ages]
    return _shares(ordered, columns, arguments, True)


def _percent_axis(ax, axis: str, symmetric: bool) -> None:
    fmt = FuncFormatter(lambda v, _: f"{abs(v):g}" if symmetric else f"{v:g}")
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def population_pyramid(
    df: pd.DataFrame,
    *,
    age: str,
    male: str,
    female: str,
    ax=None,
    comparator: pd.DataFrame | None = None,
    comparator_label: str = "England",
    percent: bool = True,
    value_label: str | None = None,
):
    """Population pyramid: males left, females right, with an optional comparator outline.

    Parameters
    ----------
    df : DataFrame
        One row per age band, youngest first, with counts of males and females.
    age, male, female : str
        Columns of age-band labels and of male and female counts.
    ax : matplotlib Axes, optional
        Draw here; by default a new figure 6.3 in wide.
    comparator : DataFrame, optional
        The same columns and age bands for a comparator (e.g. England), drawn
        as an outline; both populations are then shown as % of their own total.
    comparator_label : str
        Name of the comparator in the legend.
    percent : bool
        Show each band as % of the total population (males and females
        together); False shows counts.
    value_label : str, optional
        Axis label with units; default "Percentage of total population (%)" or "Number of people".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> pop = pd.DataFrame({"age": ["0-39", "40-79", "80+"], "m": [400, 350, 50], "f": [380, 360,
    ...     90]})
    >>> ax = population_pyramid(pop, age="age", male="m", female="f")
    >>> ax.get_xlabel()
    'Percentage of total population (%)'
    >>> [round(-float(p.get_width()), 1) for p in ax.patches[:3]]  # males, % of everyone
    [24.5, 21.5, 3.1]
    """
    check_frame(df)
    if value_label is None:
        value_label = "Percentage of total population (%)" if percent else "Number of people"
    value_label = text_required(value_label, "value_label")
    ages = _labels(df, age, "age")
    males, females = _shares(df, (male, female), ("male", "female"), percent)
    y = np.arange(len(ages))
    with use_style():
        if ax is None:
            ax = _new_axes(max(3.9, 0.16 * len(ages) + 1.2))
        ax.barh(y, -males, height=0.85, color=AF_CATEGORICAL[0], label="Males", gid="jsna-males")
        ax.barh(
            y, females, height=0.85, color=AF_CATEGORICAL[1], label="Females", gid="jsna-females"
        )
        widest = np.nanmax(np.concatenate([males, females]))
        handles = []
        if comparator is not None:
            theirs_m, theirs_f = _comparator_shares(
                comparator, age, (male, female), ("male", "female"), ages, percent
            )
            edges = np.arange(len(ages) + 1) - 0.5
            style = {"orientation": "horizontal", "color": _INK, "linewidth": 1.1, "baseline": None}
            ax.stairs(-theirs_m, edges, gid="jsna-comparator", **style)
            ax.stairs(theirs_f, edges, gid="jsna-comparator", **style)
            widest = max(widest, np.nanmax(np.concatenate([theirs_m, theirs_f])))
            handles.append(Line2D([], [], color=_INK, linewidth=1.1, label=comparator_label))
        limit = widest * 1.12
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-0.6, len(ages) - 0.4 + max(1.5, 0.08 * len(ages)))
        ax.axvline(0, color=_INK, linewidth=0.6)
        ticks = _thin_ticks(len(ages))
        ax.set_yticks(y[ticks], [ages[i] for i in ticks])
        ax.set_ylabel("Age (years)")
        ax.set_xlabel(_wrap(value_label, 80))
        _percent_axis(ax, "x", symmetric=True)
        if not percent:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):,.0f}"))
        ax.grid(axis="x")
        top = {"transform": ax.transAxes, "va": "top", "fontsize": 9, "fontweight": "bold"}
        ax.text(0.02, 0.99, "Males", ha="left", color=AF_CATEGORICAL[0], **top)
        ax.text(0.98, 0.99, "Females", ha="right", color=AF_CATEGORICAL[1], **top)
        if handles:
            ax.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.0, 0.93))
    return ax


def age_profile(
    df: pd.DataFrame,
    *,
    age: str,
    value: str,
    ax=None,
    comparator: pd.DataFrame | None = None,
    comparator_label: str = "England",
    percent: bool = True,
    value_label: str | None = None,
):
    """Age profile of a persons-only population: a column per age band, with an optional comparator
    outline.

    Parameters
    ----------
    df : DataFrame
        One row per age band, youngest first, with a count of people.
    age, value : str
        Columns of age-band labels and of counts.
    comparator : DataFrame, optional
        The same columns and bands for a comparator, drawn as an outline (needs ``percent=True``).
    percent : bool
        Show each band as % of the total; False shows counts.
    value_label : str, optional
        Axis label with units; default "Percentage of population (%)" or "Number of people".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> pop = pd.DataFrame({"age": ["0-39", "40-79", "80+"], "people": [500, 400, 100]})
    >>> ax = age_profile(pop, age="age", value="people")
    >>> [float(p.get_height()) for p in ax.patches]
    [50.0, 40.0, 10.0]
    """
    check_frame(df)
    if value_label is None:
        value_label = "Percentage of population (%)" if percent else "Number of people"
    value_label = text_required(value_label, "value_label")
    ages = _labels(df, age, "age")
    (shares,) = _shares(df, (value,), ("value",), percent)
    x = np.arange(len(ages))
    with use_style():
        if ax is None:
            ax = _new_axes(3.6)
        bars = ax.bar(x, shares, width=0.85, color=_BAR, label="Population", gid="jsna-population")
        if comparator is not None:
            (theirs,) = _comparator_shares(comparator, age, (value,), ("value",), ages, percent)
            outline = ax.stairs(
                theirs,
                np.arange(len(ages) + 1) - 0.5,
                color=_INK,
                linewidth=1.1,
                baseline=None,
                gid="jsna-comparator",
                label=comparator_label,
            )
            ax.legend(handles=[bars, outline], **_LEGEND_RIGHT)
        ticks = _thin_ticks(len(ages), 24)
        ax.set_xticks(x[ticks], [ages[i] for i in ticks], rotation=90 if len(ticks) > 10 else 0)
        ax.set_xlabel("Age (years)")
        ax.set_ylabel(_wrap(value_label))
        ax.grid(axis="y")
        if not percent:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return ax


_QUINTILE_NAMES = {1: "1\nmost\ndeprived", 2: "2", 3: "3", 4: "4", 5: "5\nleast\ndeprived"}


def bars_by_quintile(
    df: pd.DataFrame,
    *,
    quintile: str,
    value: str,
    lower: str | None,
    upper: str | None,
    value_label: str,
    ax=None,
    benchmark: float | None = None,
    benchmark_label: str = "England",
    quintile_label: str = "Deprivation quintile (IMD)",
):
    """Bars of a value by deprivation quintile (1 = most deprived) with confidence intervals.

    Parameters
    ----------
    df : DataFrame
        One row per quintile.
    quintile : str
        Column of quintile numbers 1 to 5 (1 = most deprived).
    value : str
        Column of values.
    lower, upper : str or None
        Columns of the 95% confidence limits (None for none).
    value_label : str
        Value axis label with units (required), e.g. "Rate per 100,000 population".
    benchmark : float, optional
        A comparator value (e.g. England), drawn as a dashed line named in the legend.
    benchmark_label : str
        Name of the benchmark.
    quintile_label : str
        Category axis label.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> q = pd.DataFrame({"q": [1, 2, 3, 4, 5], "rate": [9.0, 8, 7, 6, 5], "lo": [8.0, 7, 6, 5, 4],
    ...                   "hi": [10.0, 9, 8, 7, 6]})
    >>> ax = bars_by_quintile(q, quintile="q", value="rate", lower="lo", upper="hi",
    ...                       value_label="Rate per 1,000", benchmark=7.5)
    >>> ax.get_ylabel(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('Rate per 1,000', ['95% confidence interval', 'England (7.5)'])
    """
    check_frame(df)
    value_label = text_required(value_label, "value_label")
    quintile_label = text_required(quintile_label, "quintile_label")
    check_column(df, quintile, "quintile")
    q = pd.to_numeric(df[quintile], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isin(q, [1, 2, 3, 4, 5])
    if bad.any():
        raise DataValidationError(
            f"quintile={quintile!r} has values {first_values(df.loc[bad, quintile])} that are not "
            "1 to 5 (1 = most deprived)"
        )
    if pd.Series(q).duplicated().any():
        raise DataValidationError(
            f"quintile={quintile!r} repeats a quintile; give one row per quintile"
        )
    order = np.argsort(q, kind="stable")
    frame = df.iloc[order]  # keeps the caller's row labels for messages
    q = q[order].astype(int)
    values = numeric(frame, value, "value")
    errors = interval(frame, values, lower, upper)
    with use_style():
        if ax is None:
            ax = _new_axes(3.6)
        ax.bar(q, np.nan_to_num(values), width=0.7, color=_BAR, gid="jsna-bars")
        handles = []
        if errors is not None:
            ax.errorbar(q, values, yerr=errors, gid="jsna-ci", **_ERR)
            handles.append(
                Line2D([], [], color=_INK, linewidth=0.8, marker="_", markersize=6, label=_CI_LABEL)
            )
        for x in q[np.isnan(values)]:
            ax.text(x, 0, "No data", ha="center", va="bottom", fontsize=7, color=_INK, rotation=90)
        if benchmark is not None:
            ax.axhline(benchmark, color=_INK, linestyle="--", linewidth=1.0, gid="jsna-benchmark")
            handles.append(
                Line2D(
                    [],
                    [],
                    color=_INK,
                    linestyle="--",
                    linewidth=1.0,
                    label=f"{benchmark_label} ({benchmark:,.3g})",
                )
            )
        ax.set_xticks(list(_QUINTILE_NAMES), list(_QUINTILE_NAMES.values()))
        ax.set_xlim(0.4, 5.6)
        ax.set_xlabel(quintile_label)
        ax.set_ylabel(_wrap(value_label))
        ax.grid(axis="y")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
        if handles:
            ax.legend(handles=handles, **_LEGEND_RIGHT)
    return ax


def ranked_bars(
    df: pd.DataFrame,
    *,
    label: str,
    value: str,
    value_label: str,
    lower: str | None = None,
    upper: str | None = None,
    ax=None,
    highlight: str | Sequence[str] | None = None,
    significance: str | None = None,
    significance_title: str = "Compared with England",
    reference: float | None = None,
    reference_label: str = "England",
    sort: str | None = "descending",
):
    """Horizontal bars of areas (or practices, or groups) ranked by value, with confidence
    intervals.

    The benchmarking and prevalence charts are built on this: colour the bars
    by Fingertips significance (with a hatch cue and a legend), or pick out
    the area of interest with the focus palette.

    Parameters
    ----------
    df : DataFrame
        One row per bar.
    label, value : str
        Columns of bar labels and of values.
    value_label : str
        Value axis label with units (required).
    lower, upper : str, optional
        Columns of the 95% confidence limits.
    highlight : str or list of str, optional
        Labels to pick out in dark blue; the rest are grey.
    significance : str, optional
        Column of Better/Similar/Worse/Higher/Lower/Not compared; overrides ``highlight``.
    significance_title : str
        Legend title for the significance classes.
    reference : float, optional
        A reference value drawn as a dashed line, e.g. the England value.
    reference_label : str
        Name of the reference in the legend.
    sort : {"descending", "ascending", None}
        Order of the bars from the top; None keeps the frame's order.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> la = pd.DataFrame({"area": ["Sefton", "Wirral", "Knowsley"], "rate": [5.0, 7.0, 6.0]})
    >>> ax = ranked_bars(la, label="area", value="rate", value_label="Rate per 1,000",
    ...     highlight="Sefton")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Wirral', 'Knowsley', 'Sefton']
    """
    check_frame(df)
    value_label = text_required(value_label, "value_label")
    labels = _labels(df, label, "label")
    values = numeric(df, value, "value")
    if sort not in ("descending", "ascending", None):
        raise DataValidationError(f"sort={sort!r}; give 'descending', 'ascending' or None")
    order = np.arange(len(df))
    if sort is not None:
        key = -values if sort == "descending" else values
        order = np.lexsort((np.arange(len(df)), np.isnan(values), key))
    frame = df.iloc[order]  # keeps the caller's row labels for messages
    labels = [labels[i] for i in order]
    values = values[order]
    errors = interval(frame, values, lower, upper)
    y = np.arange(len(frame))[::-1]  # first row at the top
    handles = []
    hatches = [""] * len(frame)
    if significance is not None:
        check_column(frame, significance, "significance")
        classes = (
            frame[significance].astype("string").str.strip().str.lower().fillna("not compared")
        )
        unknown = ~classes.isin(list(SIGNIFICANCE))
        if unknown.any():
            raise DataValidationError(
                f"significance={significance!r} has classes "
                f"{first_values(frame.loc[unknown, significance])} "
                "that are not Better, Similar, Worse, Higher, Lower or Not compared"
            )
        styles = [SIGNIFICANCE[c] for c in classes]
        colours = [s.facecolor for s in styles]
        hatches = [s.hatch for s in styles]
        handles = [
            Patch(
                facecolor=s.facecolor,
                hatch=s.hatch,
                hatchcolor=s.hatchcolor,
                edgecolor="#BFBFBF",
                linewidth=0.4,
                label=s.label,
            )
            for key, s in SIGNIFICANCE.items()
            if (classes == key).any()
        ]
    elif highlight is not None:
        colours = focus_colors(labels, highlight)
    else:
        colours = [_BAR] * len(frame)
    with use_style():
        if ax is None:
            ax = _new_axes(max(2.0, 0.24 * len(frame) + 0.9))
        bars = ax.barh(y, np.nan_to_num(values), height=0.7, color=colours, gid="jsna-bars")
        for bar, hatch, style in zip(
            bars, hatches, (styles if significance is not None else [None] * len(bars)), strict=True
        ):
            if hatch:
                bar.set_hatch(hatch)
                bar.set_hatchcolor(style.hatchcolor)
        if errors is not None:
            ax.errorbar(values, y, xerr=errors, gid="jsna-ci", **_ERR)
            handles.append(
                Line2D([], [], color=_INK, linewidth=0.8, marker="|", markersize=6, label=_CI_LABEL)
            )
        for yy in y[np.isnan(values)]:
            ax.text(0, yy, " No data", ha="left", va="center", fontsize=7, color=_INK)
        if reference is not None:
            ax.axvline(reference, color=_INK, linestyle="--", linewidth=1.0, gid="jsna-reference")
            handles.append(
                Line2D(
                    [],
                    [],
                    color=_INK,
                    linestyle="--",
                    linewidth=1.0,
                    label=f"{reference_label} ({reference:,.3g})",
                )
            )
        ax.set_yticks(y, labels)
        if highlight is not None and significance is None:
            for tick, colour in zip(ax.get_yticklabels(), colours, strict=True):
                if colour == AF_FOCUS[0]:
                    tick.set_fontweight(
                        "bold"
                    )  # the focus area is named in bold, not only coloured
        ax.set_ylim(-0.6, len(frame) - 0.4)
        ax.set_xlabel(_wrap(value_label, 80))
        ax.grid(axis="x")
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.6g}"))
        if handles:
            ax.legend(
                handles=handles,
                title=significance_title if significance is not None else None,
                **_LEGEND_RIGHT,
            )
    return ax
