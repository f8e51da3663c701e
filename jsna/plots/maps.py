"""Ward maps: choropleths, significance maps and small multiples, in British National Grid.

Every map carries the same furniture: the authority outline, a band under the
wards holding a scale bar (and, if asked, a north arrow), and under the map the
numbered-label key, the "Synthetic data" stamp and the attribution lines.
Wards with no value are hatched light grey ("No data"); wards whose value is
withheld because numbers are small get their own hatch ("Suppressed (small
numbers)"); both are explained in the legend whenever they occur.

Ward labels (``labels=`` a column of names) are placed one by one, smallest
ward first, at the nearest spot clear of the labels already placed and of the
scale bar, inside the label's own ward where there is room (else with a thin
leader line to it); the overlap tests are vectorised and the text is measured
once, so a 52-ward map is labelled in a tenth of a second, the same way every
time. With more than :data:`MAX_NAMED_LABELS` wards (Liverpool has 64) names
cannot be read at A4 width, so ``label_style="auto"`` writes numbers on the map
and a key of numbered names under it; numbers follow the alphabetical order of
the names, so the key reads like an index. Names that cannot all be placed
clear of one another inside the map switch "auto" to numbers, and warn under
``label_style="names"``.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from jsna.exceptions import DataValidationError, first_values
from jsna.plots._checks import check_column as _check_column
from jsna.plots._checks import numeric as _numeric
from jsna.plots._checks import text_required as _text_required
from jsna.plots._furniture import (
    BAND,
    BNG,
    EDGE,
    MAX_NAMED_LABELS,
    UNDER_FONTSIZE,
    add_legend,
    area_handle,
    attribution_lines,
    draw_areas,
    edge,
    finish_map,
    new_map_axes,
    plot_areas,
    suppressed_mask,
    to_bng,
)
from jsna.plots.classes import classify
from jsna.plots.style import (
    FULL_WIDTH,
    NO_DATA,
    SIGNIFICANCE,
    SUPPRESSED,
    add_synthetic_stamp,
    sequential_colors,
    use_style,
)

__all__ = [
    "DECILE_CMAP",
    "BNG",
    "MAX_NAMED_LABELS",
    "ward_map",
    "deprivation_map",
    "significance_map",
    "small_multiples",
]


#: Colour map of deprivation deciles: ColorBrewer yellow-green-blue (colour-blind safe, ten
#: distinct steps), decile 1 (most deprived) darkest blue, decile 10 light yellow.
DECILE_CMAP = "YlGnBu"

# --------------------------------------------------------------------------- public


def ward_map(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    legend_title: str,
    ax=None,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap=None,
    legend_fmt: str | None = None,
    legend: bool = True,
    labels: str | None = None,
    label_style: str = "auto",
    outline=None,
    suppressed_column: str | None = None,
    scale_bar: bool = True,
    north_arrow: bool = False,
    attribution: str | Sequence[str] | None = None,
    synthetic: bool = False,
):
    """Choropleth of a ward column, in British National Grid, in the house style.

    Parameters
    ----------
    gdf : GeoDataFrame
        One row per ward. Reprojected to EPSG:27700 if it has another CRS; an
        error if it has none. Not modified.
    column : str
        Numeric column to map. NaN is drawn hatched light grey as "No data".
    legend_title : str
        What is shown, with its units (required), e.g. "Rate per 100,000".
    ax : matplotlib Axes, optional
        Draw here; by default a new figure 6.3 in wide with the legend right of the map.
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined", \
"national_deciles"}
        mapclassify scheme; "natural_breaks" is Fisher-Jenks. Map deprivation with
        :func:`deprivation_map` (national deciles), not with local quantiles.
    k : int
        Number of classes (data-driven schemes).
    bins : sequence of float, optional
        Upper class bounds for ``scheme="user_defined"``, held fixed across years.
    cmap : str or Colormap, optional
        Sequential colour map; default the jsna light-to-dark blues.
    legend_fmt : str, optional
        Format of the class bounds, e.g. ``"{:,.0f}"``; default the fewest decimals that keep them
        distinct.
    legend : bool
        Draw the legend (small multiples draw one shared legend instead).
    labels : str, optional
        Column of ward names to label the wards with (placed without overlaps).
    label_style : {"auto", "names", "numbers"}
        "auto" writes names for up to :data:`MAX_NAMED_LABELS` wards and
        otherwise numbers on the map with a key of names under it.
    outline : GeoDataFrame or False, optional
        The authority outline; default the dissolved wards; False for none.
    suppressed_column : str, optional
        Boolean column: True for wards whose value is withheld for small numbers.
    scale_bar, north_arrow : bool
        Draw a scale bar (km) and a north arrow in a band under the wards.
    attribution : str or list of str, optional
        Source and copyright lines written under the map.
    synthetic : bool
        Stamp the map "Synthetic data".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> wards = gpd.GeoDataFrame(
    ...     {"name": ["A", "B", "C"], "rate": [1.0, 2.0, None]},
    ...     geometry=[shapely.box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(3)], crs=27700)
    >>> ax = ward_map(wards, "rate", legend_title="Rate per 1,000", k=2, labels="name")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['1.0 to 1.5', '1.5 to 2.0', 'No data']
    """
    legend_title = _text_required(legend_title, "legend_title")
    frame = to_bng(gdf, "gdf")
    values = _numeric(frame, column, "column")
    suppressed = suppressed_mask(frame, suppressed_column)
    classes = classify(values[~suppressed], scheme, k, bins)
    palette = sequential_colors(classes.k, cmap)
    colours = np.array(palette[::-1] if classes.dark_first else palette, dtype=object)
    index = classes.assign(values)
    shown = (index >= 0) & ~suppressed
    missing = (index < 0) & ~suppressed
    with use_style():
        if ax is None:
            ax = new_map_axes(frame.total_bounds)
        if shown.any():
            draw_areas(
                ax,
                frame.geometry[shown],
                facecolors=list(colours[index[shown]]),
                gid="jsna-choropleth",
                **edge(len(frame)),
            )
        plot_areas(ax, frame, missing, NO_DATA, "jsna-no-data")
        plot_areas(ax, frame, suppressed, SUPPRESSED, "jsna-suppressed")
        if legend:
            handles = [
                Patch(facecolor=c, edgecolor="#BFBFBF", linewidth=0.4, label=label)
                for c, label in zip(colours, classes.labels(legend_fmt), strict=True)
            ]
            if classes.legend_reversed:
                handles = handles[::-1]
            handles += [
                area_handle(s) for s, m in ((NO_DATA, missing), (SUPPRESSED, suppressed)) if m.any()
            ]
            add_legend(ax, handles, legend_title)
        finish_map(
            ax,
            frame,
            outline=outline,
            labels=labels,
            label_style=label_style,
            scale_bar=scale_bar,
            north_arrow=north_arrow,
            attribution=attribution,
            synthetic=synthetic,
        )
    return ax


def deprivation_map(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    breaks: Sequence[float] | None = None,
    edition: str = "",
    legend_title: str | None = None,
    cmap=DECILE_CMAP,
    **kwargs,
):
    """Map of deprivation classed by **national** IMD deciles (1 = most deprived 10% in England).

    Classes are England's, not the area's: an affluent ward stays light even where
    every neighbour is more affluent, and the ten classes mean the same in every
    authority. The legend says so.

    Parameters
    ----------
    gdf : GeoDataFrame
        One row per area (LSOA or ward; see :func:`ward_map` for the CRS rules).
    column : str
        National IMD deciles (whole numbers 1-10), or, with ``breaks``, IMD scores
        (e.g. a ward's population-weighted score).
    breaks : sequence of float, optional
        The nine national score breaks of
        :func:`jsna.plots.classes.national_decile_breaks`, to class scores by the
        national decile of LSOAs whose scores they match.
    edition : str
        IoD edition named in the legend ("IoD2025").
    legend_title : str, optional
        Default: "National IMD decile (edition)" and what decile 1 means.
    cmap : str or Colormap, optional
        Sequential colour map; decile 1 takes its darkest colour. Default
        :data:`DECILE_CMAP`, whose ten classes stay apart (one blue has too few steps).
    **kwargs
        Passed to :func:`ward_map` (labels, outline, attribution, synthetic...).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> lsoas = gpd.GeoDataFrame(
    ...     {"imd_decile": [1, 5, 10]},
    ...     geometry=[shapely.box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(3)], crs=27700)
    >>> ax = deprivation_map(lsoas, "imd_decile", edition="IoD2025")
    >>> " ".join(ax.get_legend().get_title().get_text().split())
    'National IMD decile (IoD2025): 1 = most deprived 10% of neighbourhoods in England'
    >>> [t.get_text() for t in ax.get_legend().get_texts()][::9]
    ['1 (most deprived 10%)', '10 (least deprived 10%)']
    """
    if "scheme" in kwargs or "bins" in kwargs:
        raise DataValidationError(
            "deprivation_map classes by national deciles; give breaks= for scores, or use "
            "ward_map for another scheme"
        )
    if legend_title is None:
        what = "IMD score in national decile bands" if breaks is not None else "National IMD decile"
        legend_title = (
            f"{what}{f' ({edition})' if edition else ''}: 1 = most deprived 10% "
            "of neighbourhoods in England"
        )
    return ward_map(
        gdf,
        column,
        legend_title=legend_title,
        scheme="national_deciles",
        bins=None if breaks is None else list(breaks),
        cmap=cmap,
        **kwargs,
    )


def significance_map(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    legend_title: str,
    ax=None,
    legend: bool = True,
    labels: str | None = None,
    label_style: str = "auto",
    outline=None,
    suppressed_column: str | None = None,
    scale_bar: bool = True,
    north_arrow: bool = False,
    attribution: str | Sequence[str] | None = None,
    synthetic: bool = False,
):
    """Map of Fingertips significance classes: colour plus a hatch per class, named in the legend.

    Parameters
    ----------
    gdf : GeoDataFrame
        One row per ward (see :func:`ward_map` for the CRS rules).
    column : str
        Text column of classes: Better, Similar, Worse, Higher, Lower or Not
        compared (any case). Missing values are "No data".
    legend_title : str
        The comparison made (required), e.g. "Compared with England (95% CI)".

    Other parameters are as for :func:`ward_map`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> wards = gpd.GeoDataFrame(
    ...     {"vs_england": ["Better", "worse", None]},
    ...     geometry=[shapely.box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(3)], crs=27700)
    >>> ax = significance_map(wards, "vs_england", legend_title="Compared with England")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['Better', 'Worse', 'No data']
    """
    legend_title = _text_required(legend_title, "legend_title")
    frame = to_bng(gdf, "gdf")
    _check_column(frame, column, "column")
    classes = frame[column].astype("string").str.strip().str.lower()
    unknown = classes.notna() & ~classes.isin(list(SIGNIFICANCE))
    if unknown.any():
        raise DataValidationError(
            f"column={column!r} has classes {first_values(frame.loc[unknown, column])} that are "
            "not "
            "Better, Similar, Worse, Higher, Lower or Not compared"
        )
    classes = classes.to_numpy(dtype=object, na_value=None)
    suppressed = suppressed_mask(frame, suppressed_column)
    missing = pd.isna(classes) & ~suppressed
    handles = []
    with use_style():
        if ax is None:
            ax = new_map_axes(frame.total_bounds)
        for key, style in SIGNIFICANCE.items():
            mask = (classes == key) & ~suppressed
            if mask.any():
                draw_areas(
                    ax,
                    frame.geometry[mask],
                    facecolor=style.facecolor,
                    hatch=style.hatch,
                    hatchcolor=style.hatchcolor,
                    gid=f"jsna-significance-{key.replace(' ', '-')}",
                    **EDGE,
                )
                handles.append(
                    Patch(
                        facecolor=style.facecolor,
                        hatch=style.hatch,
                        hatchcolor=style.hatchcolor,
                        edgecolor="#BFBFBF",
                        linewidth=0.4,
                        label=style.label,
                    )
                )
        plot_areas(ax, frame, missing, NO_DATA, "jsna-no-data")
        plot_areas(ax, frame, suppressed, SUPPRESSED, "jsna-suppressed")
        handles += [
            area_handle(s) for s, m in ((NO_DATA, missing), (SUPPRESSED, suppressed)) if m.any()
        ]
        if legend:
            add_legend(ax, handles, legend_title)
        finish_map(
            ax,
            frame,
            outline=outline,
            labels=labels,
            label_style=label_style,
            scale_bar=scale_bar,
            north_arrow=north_arrow,
            attribution=attribution,
            synthetic=synthetic,
        )
    return ax


def small_multiples(
    gdf: gpd.GeoDataFrame,
    columns: Sequence[str] | None = None,
    *,
    legend_title: str,
    facet: str | None = None,
    value: str | None = None,
    titles: Sequence[str] | None = None,
    ncols: int = 2,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap=None,
    legend_fmt: str | None = None,
    suppressed_column: str | None = None,
    outline=None,
    scale_bar: bool = True,
    attribution: str | Sequence[str] | None = None,
    synthetic: bool = False,
):
    """One ward map per column (wide frame) or per ``facet`` value (long frame), with shared
    classes.

    The classes are computed once from all the values together (or are the
    fixed ``bins``), so colours mean the same in every panel, and one legend
    serves them all.

    Parameters
    ----------
    gdf : GeoDataFrame
        Wide: one row per ward and the ``columns`` to map. Long: one row per
        ward and ``facet`` value, with the mapped ``value`` column.
    columns : sequence of str, optional
        Columns to map, one panel each (wide form).
    legend_title : str
        What is shown, with its units (required).
    facet, value : str, optional
        Long form: the column whose values make the panels (e.g. "period") and the column to map.
    titles : sequence of str, optional
        Panel titles; default the column names or facet values.
    ncols : int
        Panels per row.

    Other parameters are as for :func:`ward_map`; the synthetic stamp and the
    attribution are drawn once for the figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> wards = gpd.GeoDataFrame(
    ...     {"y2023": [1.0, 2.0, 3.0], "y2024": [2.0, 3.0, 4.0]},
    ...     geometry=[shapely.box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(3)], crs=27700)
    >>> fig = small_multiples(wards, ["y2023", "y2024"], legend_title="Rate per 1,000", k=2)
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['y2023', 'y2024']
    """
    legend_title = _text_required(legend_title, "legend_title")
    frame = to_bng(gdf, "gdf")
    if (columns is None) == (facet is None):
        raise DataValidationError(
            "give either columns= (wide frame) or facet= and value= (long frame), not both"
        )
    if columns is not None:
        columns = [columns] if isinstance(columns, str) else list(columns)
        if not columns:
            raise DataValidationError("columns= is empty; give the columns to map")
        panels = [(frame, c, c) for c in columns]
        pooled = np.concatenate([_numeric(frame, c, "columns") for c in columns])
        suppressed = np.tile(suppressed_mask(frame, suppressed_column), len(columns))
    else:
        if value is None:
            raise DataValidationError("facet= needs value=, the column to map")
        _check_column(frame, facet, "facet")
        pooled = _numeric(frame, value, "value")
        suppressed = suppressed_mask(frame, suppressed_column)
        panels = [
            (part, value, str(name))
            for name, part in frame.groupby(facet, sort=True, observed=True)
        ]
    if titles is not None:
        titles = list(titles)
        if len(titles) != len(panels):
            raise DataValidationError(f"titles has {len(titles)} entries for {len(panels)} panels")
        panels = [(p, c, t) for (p, c, _), t in zip(panels, titles, strict=True)]
    classes = classify(pooled[~suppressed], scheme, k, bins)
    shared_bins = list(classes.bins)
    ncols = max(1, min(int(ncols), len(panels)))
    nrows = math.ceil(len(panels) / ncols)
    minx, miny, maxx, maxy = frame.total_bounds
    panel_width = FULL_WIDTH * 0.8 / ncols
    panel_height = panel_width * (maxy - miny) * (1 + BAND) / max(maxx - minx, 1.0) + 0.3
    with use_style():
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(FULL_WIDTH, nrows * panel_height + 0.4), squeeze=False
        )
        fig.subplots_adjust(left=0.0, right=0.8, bottom=0.02, top=0.95, wspace=0.05, hspace=0.15)
        for i, (ax, (part, column, title)) in enumerate(zip(axes.flat, panels, strict=False)):
            ward_map(
                part,
                column,
                legend_title=legend_title,
                ax=ax,
                scheme="user_defined",
                bins=shared_bins,
                cmap=cmap,
                legend=False,
                suppressed_column=suppressed_column,
                outline=outline,
                scale_bar=scale_bar and i == 0,
            )
            ax.set_title(title, loc="left")
        for ax in axes.flat[len(panels) :]:
            ax.remove()
        colours = sequential_colors(classes.k, cmap)
        handles = [
            Patch(facecolor=c, edgecolor="#BFBFBF", linewidth=0.4, label=label)
            for c, label in zip(colours, classes.labels(legend_fmt), strict=True)
        ]
        if np.isnan(pooled[~suppressed]).any():
            handles.append(area_handle(NO_DATA))
        if suppressed.any():
            handles.append(area_handle(SUPPRESSED))
        fig.legend(
            handles=handles,
            title=textwrap.fill(legend_title, 30),
            loc="upper left",
            bbox_to_anchor=(0.81, 0.95),
            alignment="left",
            borderaxespad=0.0,
        )
        lines = attribution_lines(attribution)
        if lines:
            fig.text(
                0.0,
                0.0,
                "\n".join(lines),
                ha="left",
                va="top",
                fontsize=UNDER_FONTSIZE,
                color="#3D3D3D",
                gid="jsna-attribution",
                linespacing=1.2,
            )
        if synthetic:
            add_synthetic_stamp(fig)
    return fig
