"""Ward maps: choropleths, significance maps and small multiples, in British National Grid.

Every map carries the same furniture: the authority outline, a band under the
wards holding a scale bar (and, if asked, a north arrow), and under the map the
numbered-label key, the "Synthetic data" stamp and the attribution lines.
Wards with no value are hatched light grey ("No data"); wards whose value is
withheld because numbers are small get their own hatch ("Suppressed (small
numbers)"); both are explained in the legend whenever they occur.

Ward labels (``labels=`` a column of names) are placed with adjustText. With
more than :data:`MAX_NAMED_LABELS` wards (Liverpool has 64) names cannot be
read at A4 width, so ``label_style="auto"`` writes numbers on the map and a
key of numbered names under it; numbers follow the alphabetical order of the
names, so the key reads like an index. Labels that still overlap after
adjustment switch "auto" to numbers, and warn under ``label_style="names"``.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import mapclassify
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from adjustText import adjust_text
from matplotlib import patheffects
from matplotlib.collections import PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath

from jsna.exceptions import DataValidationError, GeographyError, first_values
from jsna.plots._checks import check_column as _check_column
from jsna.plots._checks import numeric as _numeric
from jsna.plots._checks import text_required as _text_required
from jsna.plots.style import (
    FULL_WIDTH,
    NO_DATA,
    SIGNIFICANCE,
    STAMP_PROPS,
    SUPPRESSED,
    SYNTHETIC_GID,
    SYNTHETIC_TEXT,
    AreaStyle,
    add_synthetic_stamp,
    sequential_colors,
    use_style,
)

__all__ = [
    "BNG",
    "MAX_NAMED_LABELS",
    "SCHEMES",
    "Classes",
    "classify",
    "ward_map",
    "significance_map",
    "small_multiples",
]

BNG = 27700
#: Most wards labelled by name under ``label_style="auto"``; above it, numbers and a key.
MAX_NAMED_LABELS = 30
#: Classification schemes. "natural_breaks" is Fisher-Jenks: optimal and deterministic.
SCHEMES = ("quantiles", "natural_breaks", "equal_interval", "user_defined")
_CLASSIFIERS = {
    "quantiles": mapclassify.Quantiles,
    "natural_breaks": mapclassify.FisherJenks,
    "equal_interval": mapclassify.EqualInterval,
}
_LABEL_STYLES = ("auto", "names", "numbers")
_JENKS_SAMPLE = 1000

_MAP_WIDTH = 0.64  # share of the figure width taken by the map; the legend sits right of it
_BAND = 0.07  # share of the map height added under the wards for the scale bar
_PAD = 0.02
_UNDER_FONTSIZE = 6.5
_LABEL_FONTSIZE = 6.5
_EDGE = {"edgecolor": "white", "linewidth": 0.4}


def _edge(n_areas: int) -> dict:
    """White area borders, thinner as areas multiply so small urban areas stay visible.

    At national scale (tens of thousands of LSOAs) a 0.4 pt border would paint
    whole cities white; borders are dropped there.
    """
    if n_areas <= 1_000:
        return _EDGE
    if n_areas <= 5_000:
        return {"edgecolor": "white", "linewidth": 0.1}
    return {"edgecolor": "face", "linewidth": 0.0}


# --------------------------------------------------------------------------- classes


@dataclass(frozen=True)
class Classes:
    """Class breaks of a choropleth: ``bins`` are upper bounds, classes are (lower, upper].

    ``lower`` is the lower edge of the first class: the data minimum for a
    data-driven scheme, ``-inf`` for user-defined breaks (so the legend reads
    "up to ..." and stays the same from year to year).
    """

    bins: tuple[float, ...]
    lower: float

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.bins)

    def assign(self, values) -> np.ndarray:
        """Class index of each value; -1 for NaN.

        Examples
        --------
        >>> Classes((10.0, 20.0), 0.0).assign([5, 10, 15, np.nan]).tolist()
        [0, 0, 1, -1]
        """
        values = np.asarray(values, dtype=float)
        index = np.searchsorted(np.asarray(self.bins), values, side="left")
        return np.where(np.isnan(values), -1, index)

    def labels(self, fmt: str | None = None) -> list[str]:
        """Legend labels, e.g. ``'10.0 to 20.0'``; ``fmt`` defaults to the fewest
        decimals that keep the breaks distinct and each within 0.5% of the range of its true value.

        Examples
        --------
        >>> Classes((10.0, 20.0, np.inf), -np.inf).labels()
        ['up to 10', '10 to 20', 'over 20']
        >>> Classes((0.0, 50.0, 100.0), -np.inf).labels()
        ['0 or less', '0 to 50', '50 to 100']
        >>> Classes((8 / 3, 13 / 3, 6.0), 1.0).labels()
        ['1.00 to 2.67', '2.67 to 4.33', '4.33 to 6.00']
        >>> Classes((1.25, 2.5), 0.5).labels("{:.2f}")
        ['0.50 to 1.25', '1.25 to 2.50']
        """
        edges = [self.lower, *self.bins]
        finite = [e for e in edges if np.isfinite(e)]
        if fmt is None:
            tolerance = 0.005 * (max(finite) - min(finite)) if finite else 0.0
            for decimals in range(5):
                fmt = f"{{:,.{decimals}f}}"
                shown = [fmt.format(e) for e in finite]
                close = all(abs(round(e, decimals) - e) <= tolerance for e in finite)
                if len(set(shown)) == len(shown) and close:
                    break
        out = []
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            if not np.isfinite(lo):
                # "up to 0" reads oddly for shares and counts: say "0 or less"
                out.append(f"{fmt.format(hi)} or less" if hi == 0 else f"up to {fmt.format(hi)}")
            elif not np.isfinite(hi):
                out.append(f"over {fmt.format(lo)}")
            else:
                out.append(f"{fmt.format(lo)} to {fmt.format(hi)}")
        return out


def classify(values, scheme: str = "quantiles", k: int = 5, bins=None) -> Classes:
    """Class breaks for a choropleth with a mapclassify scheme.

    Parameters
    ----------
    values : array-like of float
        The values to classify; NaN is ignored.
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined"}
        "natural_breaks" is Fisher-Jenks (deterministic); above 1,000 values it
        is computed on 1,000 evenly spaced quantiles of them, for speed.
    k : int
        Number of classes for the data-driven schemes.
    bins : sequence of float
        Upper bounds of the classes, for ``scheme="user_defined"`` only. They
        are held fixed (e.g. across years): every value must be at most the
        last bound, which may be ``numpy.inf``.

    Examples
    --------
    >>> classify([1, 2, 3, 4], "equal_interval", k=3).bins
    (2.0, 3.0, 4.0)
    >>> classify([1, 2, 3, 4], "user_defined", bins=[2, 10]).labels()
    ['up to 2', '2 to 10']
    """
    if scheme not in SCHEMES:
        raise DataValidationError(
            f"scheme={scheme!r} is not known; give one of {', '.join(SCHEMES)}"
        )
    values = np.asarray(values, dtype=float)
    finite = values[~np.isnan(values)]
    if scheme == "user_defined":
        if bins is None or len(bins) == 0:
            raise DataValidationError(
                "scheme='user_defined' needs bins=, the upper bounds of the classes, e.g. [10, 20, 30]"
            )
        edges = np.asarray(bins, dtype=float)
        if np.isnan(edges).any() or (np.diff(edges) <= 0).any():
            raise DataValidationError(f"bins={list(bins)!r} must be increasing numbers with no NaN")
        if finite.size and finite.max() > edges[-1]:
            above = finite[finite > edges[-1]]
            raise DataValidationError(
                f"values {first_values(above)} are above the last bin {edges[-1]:g}; "
                "add a larger last bin (numpy.inf is allowed) so the classes stay fixed"
            )
        return Classes(tuple(edges.tolist()), -np.inf)
    if bins is not None:
        raise DataValidationError(f"bins= is only used with scheme='user_defined', not {scheme!r}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise DataValidationError(f"k={k!r} classes; give a whole number of at least 2")
    if finite.size == 0:
        raise DataValidationError("there are no values to classify (all are missing or suppressed)")
    sample = finite
    if scheme == "natural_breaks" and finite.size > _JENKS_SAMPLE:
        # Fisher-Jenks is O(k n^2): on many areas (e.g. 35,000 LSOAs) classify evenly
        # spaced quantiles of the values instead, which is deterministic.
        sample = np.quantile(finite, np.linspace(0, 1, _JENKS_SAMPLE))
    with warnings.catch_warnings():
        # mapclassify's pure-python Fisher-Jenks warns when numba is absent; it is exact, only slower
        warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
        classifier = _CLASSIFIERS[scheme](sample, k=int(k))
    return Classes(tuple(np.asarray(classifier.bins, dtype=float).tolist()), float(finite.min()))


# --------------------------------------------------------------------------- checks


def _to_bng(gdf, name: str) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise DataValidationError(
            f"{name} is a {type(gdf).__name__}, not a GeoDataFrame; read boundaries with geopandas"
        )
    if gdf.crs is None:
        raise GeographyError(
            f"{name} has no CRS; set it, e.g. {name}.set_crs(27700) for British National Grid "
            "or .set_crs(4326) for longitude/latitude"
        )
    kinds = gdf.geometry.geom_type
    wrong = kinds.notna() & ~kinds.isin(["Polygon", "MultiPolygon"])
    if wrong.any():
        raise DataValidationError(
            f"{name} has {first_values(kinds[wrong])} geometries; maps need area boundaries (polygons)"
        )
    if gdf.crs.to_epsg() != BNG:
        return gdf.to_crs(BNG)
    return gdf


def _suppressed(frame: pd.DataFrame, column: str | None) -> np.ndarray:
    if column is None:
        return np.zeros(len(frame), dtype=bool)
    _check_column(frame, column, "suppressed_column")
    series = frame[column]
    if not pd.api.types.is_bool_dtype(series) or series.isna().any():
        raise DataValidationError(
            f"suppressed_column={column!r} must be True/False with no missing values "
            f"(found {first_values(series.astype(object))})"
        )
    return series.to_numpy(dtype=bool)


# --------------------------------------------------------------------------- drawing


def _new_map_axes(bounds, extra_height: float = 0.0):
    minx, miny, maxx, maxy = bounds
    width = FULL_WIDTH * _MAP_WIDTH
    aspect = (maxy - miny) * (1 + _BAND + 2 * _PAD) / max((maxx - minx) * (1 + 2 * _PAD), 1.0)
    height = min(max(width * aspect, 2.5), 8.0)
    fig = plt.figure(figsize=(FULL_WIDTH, height + extra_height))
    ax = fig.add_axes(
        (0.0, extra_height / (height + extra_height), _MAP_WIDTH, height / (height + extra_height))
    )
    return ax


def _paths(geometry) -> list[MplPath]:
    """One compound matplotlib Path per (multi)polygon, built with vectorised shapely calls.

    Exteriors are oriented counter-clockwise and holes clockwise, so holes stay
    holes under the non-zero fill rule.
    """
    geoms = shapely.orient_polygons(np.asarray(geometry.array, dtype=object))
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, coord_of = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    if len(coords):
        starts = np.r_[0, np.flatnonzero(np.diff(coord_of)) + 1]
        codes[starts] = MplPath.MOVETO
        codes[np.r_[starts[1:] - 1, len(coords) - 1]] = MplPath.CLOSEPOLY
    owner = part_of[ring_of[coord_of]]
    cuts = np.searchsorted(owner, np.arange(len(geoms) + 1))
    return [MplPath(coords[a:b], codes[a:b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _draw_areas(ax, geometry, **kwargs) -> PathCollection:
    """Add the polygons as one PathCollection (much faster than a patch per area)."""
    collection = PathCollection(_paths(geometry), **kwargs)
    ax.add_collection(collection, autolim=True)
    ax.autoscale_view()
    return collection


def _plot_areas(ax, frame, mask, style: AreaStyle, gid: str) -> None:
    if mask.any():
        _draw_areas(
            ax,
            frame.geometry[mask],
            facecolor=style.facecolor,
            hatch=style.hatch,
            hatchcolor=style.hatchcolor,
            edgecolor="#8C8C8C",
            linewidth=0.4,
            gid=gid,
        )


def _area_handle(style: AreaStyle) -> Patch:
    return Patch(
        facecolor=style.facecolor,
        hatch=style.hatch,
        hatchcolor=style.hatchcolor,
        edgecolor="#8C8C8C",
        linewidth=0.4,
        label=style.label,
    )


def _legend(ax, handles, title: str) -> None:
    ax.legend(
        handles=handles,
        title=textwrap.fill(title, 30),
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        alignment="left",
        borderaxespad=0.0,
    )


def _nice_length(target: float) -> float:
    """Largest 1, 2 or 5 x 10^n metres not above ``target``."""
    power = 10 ** math.floor(math.log10(target))
    return max(m * power for m in (1, 2, 5) if m * power <= target)


def _distance(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def _scale_bar(ax, minx, width, band_bottom, band_height) -> None:
    length = _nice_length(width * 0.25)
    height = band_height * 0.15
    y = band_bottom + band_height * 0.4
    for i, colour in enumerate(("#3D3D3D", "white")):
        ax.add_patch(
            Rectangle(
                (minx + i * length / 2, y),
                length / 2,
                height,
                facecolor=colour,
                edgecolor="#3D3D3D",
                linewidth=0.6,
                gid="jsna-scale-bar",
            )
        )
    ax.annotate(
        _distance(length),
        xy=(minx + length, y + height / 2),
        xytext=(3, 0),
        textcoords="offset points",
        fontsize=7,
        color="#3D3D3D",
        va="center",
        ha="left",
        gid="jsna-scale-bar",
    )


def _north_arrow(ax, maxx, band_bottom, band_height) -> None:
    ax.annotate(
        "N",
        xy=(maxx, band_bottom + band_height * 0.95),
        xytext=(maxx, band_bottom + band_height * 0.2),
        ha="center",
        va="bottom",
        fontsize=8,
        fontweight="bold",
        color="#3D3D3D",
        arrowprops={"arrowstyle": "-|>", "color": "#3D3D3D", "linewidth": 1.0},
        gid="jsna-north-arrow",
    )


def _under(ax, text: str, offset: float, *, x: float = 0.0, **kwargs):
    """Write ``text`` under the axes, ``offset`` points below its bottom edge."""
    props = {"ha": "left", "va": "top", "fontsize": _UNDER_FONTSIZE, "color": "#3D3D3D", **kwargs}
    return ax.annotate(
        text,
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(x, -offset),
        textcoords="offset points",
        annotation_clip=False,
        **props,
    )


def _lines_height(n_lines: int, fontsize: float = _UNDER_FONTSIZE) -> float:
    return n_lines * fontsize * 1.2 + 4


def _overlapping(texts, renderer) -> np.ndarray:
    """Boolean per text: does its box overlap another's?"""
    if len(texts) < 2:
        return np.zeros(len(texts), dtype=bool)
    boxes = np.array([t.get_window_extent(renderer).extents for t in texts])
    x0, y0, x1, y1 = (boxes[:, i] for i in range(4))
    overlap = (
        (x0[:, None] < x1[None, :])
        & (x0[None, :] < x1[:, None])
        & (y0[:, None] < y1[None, :])
        & (y0[None, :] < y1[:, None])
    )
    np.fill_diagonal(overlap, False)
    return overlap.any(axis=1)


def _place_labels(ax, points, strings):
    """Write labels at ``points`` and move them apart; returns (texts, leader lines)."""
    texts = [
        ax.text(
            x,
            y,
            s,
            fontsize=_LABEL_FONTSIZE,
            ha="center",
            va="center",
            color="#1A1A1A",
            gid="jsna-ward-label",
            path_effects=[patheffects.withStroke(linewidth=1.8, foreground="white")],
        )
        for x, y, s in zip(points.x, points.y, strings, strict=True)
    ]
    ax.apply_aspect()
    _, leaders = adjust_text(
        texts,
        ax=ax,
        iter_lim=500,
        expand=(1.1, 1.25),
        ensure_inside_axes=True,
        arrowprops={
            "arrowstyle": "-",
            "color": "#3D3D3D",
            "linewidth": 0.4,
            "gid": "jsna-label-leader",
        },
    )
    return texts, leaders


def _ward_labels(ax, frame, labels: str, label_style: str) -> list[str]:
    """Draw ward labels; return the key lines ('1 Name') when numbers were used."""
    if label_style not in _LABEL_STYLES:
        raise DataValidationError(
            f"label_style={label_style!r}; give one of {', '.join(_LABEL_STYLES)}"
        )
    _check_column(frame, labels, "labels")
    names = frame[labels].astype("string").fillna("").to_numpy(dtype=object)
    points = frame.geometry.representative_point()
    use_numbers = label_style == "numbers" or (
        label_style == "auto" and len(frame) > MAX_NAMED_LABELS
    )
    if not use_numbers:
        texts, leaders = _place_labels(ax, points, names)
        clash = _overlapping(texts, ax.figure.canvas.get_renderer())
        if clash.any() and label_style == "auto":
            for artist in [*texts, *leaders]:
                artist.remove()
            use_numbers = True
        elif clash.any():
            warnings.warn(
                f"{int(clash.sum())} ward labels still overlap (e.g. {first_values(names[clash], 3)}); "
                "use label_style='numbers' for a numbered key",
                UserWarning,
                stacklevel=3,
            )
    if not use_numbers:
        return []
    order = np.argsort(names, kind="stable")
    numbers = np.empty(len(names), dtype=int)
    numbers[order] = np.arange(1, len(names) + 1)
    _place_labels(ax, points, [str(n) for n in numbers])
    return [f"{n}  {names[i]}" for n, i in zip(numbers[order], order, strict=True)]


def _key(ax, lines: list[str], offset: float) -> float:
    """Numbered-label key in as many columns as fit the figure width; returns its height (points)."""
    renderer = ax.figure.canvas.get_renderer()
    font = FontProperties(size=_UNDER_FONTSIZE)
    to_points = 72 / ax.figure.dpi
    widths = np.array(
        [
            renderer.get_text_width_height_descent(line, font, ismath=False)[0] * to_points
            for line in lines
        ]
    )
    available = ax.figure.get_figwidth() * 72 * 0.97
    gap = 12.0
    for n_columns in range(6, 0, -1):
        n_rows = math.ceil(len(lines) / n_columns)
        column_widths = [
            widths[c * n_rows : (c + 1) * n_rows].max(initial=0) + gap for c in range(n_columns)
        ]
        if sum(column_widths) <= available or n_columns == 1:
            break
    x = 0.0
    for c in range(n_columns):
        chunk = lines[c * n_rows : (c + 1) * n_rows]
        if chunk:
            _under(ax, "\n".join(chunk), offset, x=x, gid="jsna-label-key", linespacing=1.2)
        x += column_widths[c]
    return _lines_height(n_rows)


def _attribution_lines(attribution) -> list[str]:
    if attribution is None:
        return []
    items = [attribution] if isinstance(attribution, str) else list(attribution)
    width = int(FULL_WIDTH * 72 / (_UNDER_FONTSIZE * 0.55))
    return [line for item in items for line in textwrap.wrap(str(item), width)]


def _dissolve(geometry):
    """The union of the areas: a fast coverage union when they tile without overlaps."""
    try:
        return shapely.coverage_union_all(np.asarray(geometry.array, dtype=object))
    except shapely.errors.GEOSException:
        return geometry.union_all()


def _finish_map(
    ax, frame, *, outline, labels, label_style, scale_bar, north_arrow, attribution, synthetic
) -> None:
    if outline is not False:
        shape = (
            gpd.GeoSeries([_dissolve(frame.geometry)], crs=BNG)
            if outline is None
            else _to_bng(outline, "outline").geometry
        )
        _draw_areas(
            ax, shape, facecolor="none", edgecolor="#3D3D3D", linewidth=0.9, gid="jsna-outline"
        )
    minx, miny, maxx, maxy = frame.total_bounds
    width, height = maxx - minx, maxy - miny
    pad = _PAD * max(width, height)
    band = _BAND * height if (scale_bar or north_arrow) else 0.0
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad - band, maxy + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if scale_bar:
        _scale_bar(ax, minx, width, miny - pad - band, band)
    if north_arrow:
        _north_arrow(ax, maxx, miny - pad - band, band)
    offset = 4.0
    if synthetic:
        _under(ax, SYNTHETIC_TEXT, offset + 3, gid=SYNTHETIC_GID, **STAMP_PROPS)
        offset += _lines_height(1, STAMP_PROPS["fontsize"]) + 6
    if labels is not None:
        key = _ward_labels(ax, frame, labels, label_style)
        if key:
            offset += _key(ax, key, offset)
    lines = _attribution_lines(attribution)
    if lines:
        _under(ax, "\n".join(lines), offset, gid="jsna-attribution", linespacing=1.2)


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
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined"}
        mapclassify scheme; "natural_breaks" is Fisher-Jenks.
    k : int
        Number of classes (data-driven schemes).
    bins : sequence of float, optional
        Upper class bounds for ``scheme="user_defined"``, held fixed across years.
    cmap : str or Colormap, optional
        Sequential colour map; default the jsna light-to-dark blues.
    legend_fmt : str, optional
        Format of the class bounds, e.g. ``"{:,.0f}"``; default the fewest decimals that keep them distinct.
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
    frame = _to_bng(gdf, "gdf")
    values = _numeric(frame, column, "column")
    suppressed = _suppressed(frame, suppressed_column)
    classes = classify(values[~suppressed], scheme, k, bins)
    colours = np.array(sequential_colors(classes.k, cmap), dtype=object)
    index = classes.assign(values)
    shown = (index >= 0) & ~suppressed
    missing = (index < 0) & ~suppressed
    with use_style():
        if ax is None:
            ax = _new_map_axes(frame.total_bounds)
        if shown.any():
            _draw_areas(
                ax,
                frame.geometry[shown],
                facecolors=list(colours[index[shown]]),
                gid="jsna-choropleth",
                **_edge(len(frame)),
            )
        _plot_areas(ax, frame, missing, NO_DATA, "jsna-no-data")
        _plot_areas(ax, frame, suppressed, SUPPRESSED, "jsna-suppressed")
        if legend:
            handles = [
                Patch(facecolor=c, edgecolor="#BFBFBF", linewidth=0.4, label=label)
                for c, label in zip(colours, classes.labels(legend_fmt), strict=True)
            ]
            handles += [
                _area_handle(s)
                for s, m in ((NO_DATA, missing), (SUPPRESSED, suppressed))
                if m.any()
            ]
            _legend(ax, handles, legend_title)
        _finish_map(
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
    frame = _to_bng(gdf, "gdf")
    _check_column(frame, column, "column")
    classes = frame[column].astype("string").str.strip().str.lower()
    unknown = classes.notna() & ~classes.isin(list(SIGNIFICANCE))
    if unknown.any():
        raise DataValidationError(
            f"column={column!r} has classes {first_values(frame.loc[unknown, column])} that are not "
            "Better, Similar, Worse, Higher, Lower or Not compared"
        )
    classes = classes.to_numpy(dtype=object, na_value=None)
    suppressed = _suppressed(frame, suppressed_column)
    missing = pd.isna(classes) & ~suppressed
    handles = []
    with use_style():
        if ax is None:
            ax = _new_map_axes(frame.total_bounds)
        for key, style in SIGNIFICANCE.items():
            mask = (classes == key) & ~suppressed
            if mask.any():
                _draw_areas(
                    ax,
                    frame.geometry[mask],
                    facecolor=style.facecolor,
                    hatch=style.hatch,
                    hatchcolor=style.hatchcolor,
                    gid=f"jsna-significance-{key.replace(' ', '-')}",
                    **_EDGE,
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
        _plot_areas(ax, frame, missing, NO_DATA, "jsna-no-data")
        _plot_areas(ax, frame, suppressed, SUPPRESSED, "jsna-suppressed")
        handles += [
            _area_handle(s) for s, m in ((NO_DATA, missing), (SUPPRESSED, suppressed)) if m.any()
        ]
        if legend:
            _legend(ax, handles, legend_title)
        _finish_map(
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
    """One ward map per column (wide frame) or per ``facet`` value (long frame), with shared classes.

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
    frame = _to_bng(gdf, "gdf")
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
        suppressed = np.tile(_suppressed(frame, suppressed_column), len(columns))
    else:
        if value is None:
            raise DataValidationError("facet= needs value=, the column to map")
        _check_column(frame, facet, "facet")
        pooled = _numeric(frame, value, "value")
        suppressed = _suppressed(frame, suppressed_column)
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
    panel_height = panel_width * (maxy - miny) * (1 + _BAND) / max(maxx - minx, 1.0) + 0.3
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
            handles.append(_area_handle(NO_DATA))
        if suppressed.any():
            handles.append(_area_handle(SUPPRESSED))
        fig.legend(
            handles=handles,
            title=textwrap.fill(legend_title, 30),
            loc="upper left",
            bbox_to_anchor=(0.81, 0.95),
            alignment="left",
            borderaxespad=0.0,
        )
        lines = _attribution_lines(attribution)
        if lines:
            fig.text(
                0.0,
                0.0,
                "\n".join(lines),
                ha="left",
                va="top",
                fontsize=_UNDER_FONTSIZE,
                color="#3D3D3D",
                gid="jsna-attribution",
                linespacing=1.2,
            )
        if synthetic:
            add_synthetic_stamp(fig)
    return fig
