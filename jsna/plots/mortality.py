"""Mortality charts: the Segment-style decomposition of a life expectancy gap, life
expectancy by deprivation decile with confidence limits, and the ward map of life
expectancy with its significance against the authority.

Draw only: the numbers come from :mod:`jsna.analysis.mortality`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D

from jsna.exceptions import DataValidationError, first_values
from jsna.plots._checks import check_column, check_frame, interval, numeric, text_required
from jsna.plots.classes import classify
from jsna.plots.style import FULL_WIDTH, SIGNIFICANCE, sequential_colors, use_style

__all__ = ["gap_by_cause_and_age", "life_expectancy_by_decile", "life_expectancy_map"]

_INK = "#3D3D3D"
#: Marker shape for each significance class: the cue that does not rely on colour.
_MARKERS = {"better": "^", "higher": "^", "similar": "o", "worse": "v", "lower": "v"}
_MARKERS["not compared"] = "s"


def gap_by_cause_and_age(
    df: pd.DataFrame,
    *,
    cause: str,
    age_group: str,
    contribution: str,
    value_label: str = "Contribution to the gap in life expectancy (years)",
    ax=None,
    causes: list | None = None,
    age_groups: list | None = None,
):
    """Segment Tool chart: each cause's contribution to the gap, split by age group.

    One horizontal bar per cause, its segments the age groups (youngest lightest);
    negative contributions (causes where the base does better) stack to the left of
    zero. The total of each cause is written at the end of its bar.

    Parameters
    ----------
    df : DataFrame
        One row per cause and age group, contributions in years.
    cause, age_group, contribution : str
        Columns.
    value_label : str
        Value axis label with its units.
    causes, age_groups : list, optional
        Order of the bars (default: largest total first) and of the segments
        (default: as they first appear).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> df = pd.DataFrame({"cause": ["Circulatory", "Circulatory", "Cancer", "Cancer"],
    ...                    "age": ["<40", "40+", "<40", "40+"], "years": [0.2, 1.1, 0.1, -0.2]})
    >>> ax = gap_by_cause_and_age(df, cause="cause", age_group="age", contribution="years")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Circulatory', 'Cancer']
    >>> ax.get_xlabel()
    'Contribution to the gap in life expectancy (years)'
    """
    check_frame(df)
    value_label = text_required(value_label, "value_label")
    for column, argument in ((cause, "cause"), (age_group, "age_group")):
        check_column(df, column, argument)
    values = numeric(df, contribution, "contribution")
    table = (
        df.assign(_v=values)
        .pivot_table(index=cause, columns=age_group, values="_v", aggfunc="sum", sort=False)
        .fillna(0.0)
    )
    if age_groups is not None:
        missing = [a for a in age_groups if a not in table.columns]
        if missing:
            raise DataValidationError(f"age_groups {first_values(missing)} are not in the data")
        table = table[age_groups]
    totals = table.sum(axis=1)
    order = list(causes) if causes is not None else list(totals.sort_values(ascending=False).index)
    table = table.loc[order]
    colours = sequential_colors(table.shape[1] + 1)[1:]
    y = np.arange(len(table))
    with use_style():
        if ax is None:
            _, ax = plt.subplots(
                figsize=(FULL_WIDTH, max(2.8, 0.42 * len(table) + 1.4)), layout="constrained"
            )
        right = np.zeros(len(table))
        left = np.zeros(len(table))
        for colour, group in zip(colours, table.columns, strict=True):
            v = table[group].to_numpy()
            start = np.where(v >= 0, right, left)
            ax.barh(y, v, left=start, height=0.7, color=colour, edgecolor="white",
                    linewidth=0.5, label=str(group))  # fmt: skip
            right = np.where(v >= 0, right + v, right)
            left = np.where(v < 0, left + v, left)
        span = max(right.max(), -left.min(), 1e-9)
        for yi, total, r, lo in zip(y, totals[order], right, left, strict=True):
            x, ha = (r + 0.02 * span, "left") if total >= 0 else (lo - 0.02 * span, "right")
            ax.text(x, yi, f"{total:+.2f}", va="center", ha=ha, fontsize=8, color=_INK)
        ax.axvline(0, color=_INK, linewidth=0.8)
        ax.set_yticks(y, [str(c) for c in table.index])
        ax.invert_yaxis()
        ax.set_xlim(min(left.min(), 0) - 0.15 * span, right.max() + 0.18 * span)
        ax.set_xlabel(value_label)
        ax.set_ylabel("Cause of death")
        ax.grid(axis="x")
        ax.legend(title="Age (years)", loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  borderaxespad=0.0)  # fmt: skip
    return ax


def life_expectancy_by_decile(
    df: pd.DataFrame,
    *,
    decile: str,
    value: str,
    lower: str | None,
    upper: str | None,
    value_label: str = "Life expectancy at birth (years)",
    significance: str | None = None,
    benchmark: float | None = None,
    benchmark_label: str = "Area average",
    decile_label: str = "Deprivation decile (IMD; 1 = most deprived)",
    ax=None,
):
    """Life expectancy by deprivation decile (1 = most deprived) with its confidence limits.

    Points with 95% limits (or without, ``lower=upper=None``; quintiles or other
    quantiles too, named by ``decile_label``); with ``significance`` (classes of
    :data:`jsna.plots.style.SIGNIFICANCE`, e.g. against the benchmark), each point is
    coloured and shaped by its class and the legend names it, so that the chart reads
    without colour.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> df = pd.DataFrame({"d": range(1, 11), "le": np.linspace(74, 84, 10)})
    >>> df["lo"], df["hi"] = df["le"] - 1, df["le"] + 1
    >>> df["sig"] = ["lower"] * 3 + ["similar"] * 4 + ["higher"] * 3
    >>> ax = life_expectancy_by_decile(df, decile="d", value="le", lower="lo", upper="hi",
    ...                                significance="sig", benchmark=79.0)
    >>> ax.get_ylabel(), ax.get_xlabel()
    ('Life expectancy at birth (years)', 'Deprivation decile (IMD; 1 = most deprived)')
    """
    check_frame(df)
    value_label = text_required(value_label, "value_label")
    check_column(df, decile, "decile")
    x = numeric(df, decile, "decile")
    v = numeric(df, value, "value")
    err = interval(df, v, lower, upper)
    classes = (
        df[significance].astype("string").str.lower().fillna("not compared").to_numpy()
        if significance is not None
        else np.full(len(df), "")
    )
    unknown = sorted({c for c in classes if c and c not in SIGNIFICANCE})
    if unknown:
        raise DataValidationError(
            f"significance={significance!r} has classes {first_values(unknown)}; use "
            f"{', '.join(SIGNIFICANCE)}"
        )
    with use_style():
        if ax is None:
            _, ax = plt.subplots(figsize=(FULL_WIDTH, 3.6), layout="constrained")
        handles = []
        if err is not None:
            ax.errorbar(x, v, yerr=err, fmt="none", ecolor=_INK, elinewidth=0.8, capsize=2.5)
            handles.append(
                Line2D([], [], color=_INK, linewidth=0.8, marker="|", label="95% confidence limits")
            )
        for name in dict.fromkeys(classes):
            mask = classes == name
            style = SIGNIFICANCE.get(name)
            colour = style.facecolor if style else "#12436D"
            marker = _MARKERS.get(name, "o")
            ax.scatter(x[mask], v[mask], s=42, marker=marker, color=colour, edgecolor=_INK,
                       linewidth=0.6, zorder=3)  # fmt: skip
            if style:
                handles.append(
                    Line2D(
                        [],
                        [],
                        linestyle="none",
                        marker=marker,
                        markerfacecolor=colour,
                        markeredgecolor=_INK,
                        label=style.label,
                    )  # fmt: skip
                )
        if benchmark is not None:
            ax.axhline(benchmark, color=_INK, linestyle="--", linewidth=0.9)
            handles.append(Line2D([], [], color=_INK, linestyle="--", label=benchmark_label))
        ax.set_xticks(np.arange(int(np.nanmin(x)), int(np.nanmax(x)) + 1))
        ax.set_xlabel(text_required(decile_label, "decile_label"))
        ax.set_ylabel(value_label)
        ax.grid(axis="y")
        if handles:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                      borderaxespad=0.0)  # fmt: skip
    return ax


#: Hatches marking areas significantly above or below the benchmark on a life expectancy map.
LE_HATCHES = {"better": "////", "higher": "////", "worse": "....", "lower": "...."}


def life_expectancy_map(
    gdf,
    column: str,
    *,
    significance: str | None = None,
    benchmark_label: str = "the authority",
    legend_title: str = "Life expectancy at birth (years)",
    ax=None,
    **map_kwds,
):
    """Ward (or MSOA) map of life expectancy, hatched where it differs from a benchmark.

    The areas are shaded by life expectancy (:func:`jsna.plots.ward_map`, quintile
    classes); with ``significance`` (Fingertips classes, e.g. from
    :func:`jsna.analysis.mortality.compare_with_benchmark`), areas significantly above
    the benchmark are hatched ``////`` and areas significantly below ``....``, each named
    in the legend, so the comparison reads without colour.

    Parameters
    ----------
    gdf : GeoDataFrame
        One row per area.
    column : str
        Life expectancy (years).
    significance : str, optional
        Column of classes (Better, Similar, Worse, Higher, Lower, Not compared).
    benchmark_label : str
        What the areas are compared with, for the legend.
    legend_title : str
        The measure and its units.
    map_kwds
        Passed to :func:`jsna.plots.ward_map` (``labels``, ``attribution``, ``synthetic``,
        ``k`` ...).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> wards = gpd.GeoDataFrame(
    ...     {"le": [76.0, 79.0, 82.0], "sig": ["Worse", "Similar", "Better"]},
    ...     geometry=[shapely.box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(3)], crs=27700)
    >>> ax = life_expectancy_map(wards, "le", significance="sig", k=3)
    >>> [t.get_text()[:26] for t in ax.get_legend().get_texts()][-2:]
    ['Significantly higher than ', 'Significantly lower than t']
    """
    from matplotlib.patches import Patch

    from jsna.plots.maps import ward_map

    legend_title = text_required(legend_title, "legend_title")
    classes = None
    if significance is not None:
        check_column(gdf, significance, "significance")
        classes = gdf[significance].astype("string").str.strip().str.lower()
        unknown = classes.notna() & ~classes.isin(list(SIGNIFICANCE))
        if unknown.any():
            raise DataValidationError(
                f"significance={significance!r} has classes "
                f"{first_values(gdf.loc[unknown, significance])}; use "
                f"{', '.join(SIGNIFICANCE)}"
            )
    ax = ward_map(gdf, column, legend_title=legend_title, ax=ax, **map_kwds)
    if classes is None:
        return ax
    frame = gdf.to_crs(27700) if gdf.crs is not None and gdf.crs.to_epsg() != 27700 else gdf
    # hatches in white over the dark classes and in dark grey over the light ones
    values = numeric(frame, column, "column")
    breaks = classify(
        values[~np.isnan(values)],
        map_kwds.get("scheme", "quantiles"),
        map_kwds.get("k", 5),
        map_kwds.get("bins"),
    )
    fills = sequential_colors(breaks.k, map_kwds.get("cmap"))
    index = breaks.assign(values)
    dark = np.array(
        [i >= 0 and sum(to_rgb(fills[i]) * np.array([0.299, 0.587, 0.114])) < 0.5 for i in index]
    )
    extra = []
    kinds = (
        (("better", "higher"), "////", "Significantly higher than"),
        (("worse", "lower"), "....", "Significantly lower than"),
    )
    with use_style():
        for names, hatch, text in kinds:
            mask = classes.isin(names).fillna(False).to_numpy(dtype=bool)
            for on_dark, colour in ((True, "white"), (False, _INK)):
                part = mask & (dark == on_dark)
                if part.any():
                    frame[part].plot(
                        ax=ax,
                        facecolor="none",
                        edgecolor=colour,
                        hatchcolor=colour,
                        hatch=hatch,
                        linewidth=0.0,
                        zorder=2.5,
                    )
            extra.append(
                Patch(
                    facecolor="white",
                    edgecolor=_INK,
                    hatch=hatch,
                    linewidth=0.4,
                    label=f"{text} {benchmark_label} (95% CI)",
                )
            )
        legend = ax.get_legend()
        if legend is not None:
            handles = list(legend.legend_handles) + extra
            labels = [t.get_text() for t in legend.get_texts()] + [h.get_label() for h in extra]
            title = legend.get_title().get_text()
            ax.legend(
                handles=handles,
                labels=labels,
                title=title,
                loc="upper left",
                bbox_to_anchor=(1.02, 1.0),
                alignment="left",
                borderaxespad=0.0,
            )
    return ax
