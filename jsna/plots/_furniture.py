"""Map furniture shared by the ward maps: axes in British National Grid, areas, legend,
scale bar, north arrow, ward labels, the numbered key and the text under a map.

Private to :mod:`jsna.plots`: :mod:`jsna.plots.maps` draws with these.
"""

from __future__ import annotations

import math
import textwrap
import warnings

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.collections import PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle
from matplotlib.path import Path as MplPath

from jsna.exceptions import DataValidationError, GeographyError, first_values
from jsna.plots._checks import check_column as _check_column
from jsna.plots.style import (
    FULL_WIDTH,
    STAMP_PROPS,
    SYNTHETIC_GID,
    SYNTHETIC_TEXT,
    AreaStyle,
)
from jsna.reference.sources import source_line

__all__ = [
    "BNG",
    "MAX_NAMED_LABELS",
    "BAND",
    "UNDER_FONTSIZE",
    "EDGE",
    "edge",
    "to_bng",
    "suppressed_mask",
    "new_map_axes",
    "draw_areas",
    "plot_areas",
    "area_handle",
    "add_legend",
    "attribution_lines",
    "finish_map",
]

BNG = 27700
#: Most wards labelled by name under ``label_style="auto"``; above it, numbers and a key.
MAX_NAMED_LABELS = 30
_LABEL_STYLES = ("auto", "names", "numbers")

_MAP_WIDTH = 0.64  # share of the figure width taken by the map; the legend sits right of it
BAND = 0.07  # share of the map height added under the wards for the scale bar
_PAD = 0.02
UNDER_FONTSIZE = 6.5
_LABEL_FONTSIZE = 6.5
EDGE = {"edgecolor": "white", "linewidth": 0.4}


def edge(n_areas: int) -> dict:
    """White area borders, thinner as areas multiply so small urban areas stay visible.

    At national scale (tens of thousands of LSOAs) a 0.4 pt border would paint
    whole cities white; borders are dropped there.
    """
    if n_areas <= 1_000:
        return EDGE
    if n_areas <= 5_000:
        return {"edgecolor": "white", "linewidth": 0.1}
    return {"edgecolor": "face", "linewidth": 0.0}


# --------------------------------------------------------------------------- checks


def to_bng(gdf, name: str) -> gpd.GeoDataFrame:
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
            f"{name} has {first_values(kinds[wrong])} geometries; maps need area boundaries "
            "(polygons)"
        )
    if gdf.crs.to_epsg() != BNG:
        return gdf.to_crs(BNG)
    return gdf


def suppressed_mask(frame: pd.DataFrame, column: str | None) -> np.ndarray:
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


def new_map_axes(bounds, extra_height: float = 0.0):
    minx, miny, maxx, maxy = bounds
    width = FULL_WIDTH * _MAP_WIDTH
    aspect = (maxy - miny) * (1 + BAND + 2 * _PAD) / max((maxx - minx) * (1 + 2 * _PAD), 1.0)
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


def draw_areas(ax, geometry, **kwargs) -> PathCollection:
    """Add the polygons as one PathCollection (much faster than a patch per area)."""
    collection = PathCollection(_paths(geometry), **kwargs)
    ax.add_collection(collection, autolim=True)
    ax.autoscale_view()
    return collection


def plot_areas(ax, frame, mask, style: AreaStyle, gid: str) -> None:
    if mask.any():
        draw_areas(
            ax,
            frame.geometry[mask],
            facecolor=style.facecolor,
            hatch=style.hatch,
            hatchcolor=style.hatchcolor,
            edgecolor="#8C8C8C",
            linewidth=0.4,
            gid=gid,
        )


def area_handle(style: AreaStyle) -> Patch:
    return Patch(
        facecolor=style.facecolor,
        hatch=style.hatch,
        hatchcolor=style.hatchcolor,
        edgecolor="#8C8C8C",
        linewidth=0.4,
        label=style.label,
    )


def add_legend(ax, handles, title: str) -> None:
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
    props = {"ha": "left", "va": "top", "fontsize": UNDER_FONTSIZE, "color": "#3D3D3D", **kwargs}
    return ax.annotate(
        text,
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(x, -offset),
        textcoords="offset points",
        annotation_clip=False,
        **props,
    )


def _lines_height(n_lines: int, fontsize: float = UNDER_FONTSIZE) -> float:
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


# Label placement: candidate spots around each ward's point, nearest first, in rings.
_RING_ANGLES = np.deg2rad(np.arange(0, 360, 22.5))  # 16 directions per ring
_RING_STEP = 0.45  # ring spacing, in label heights
_RINGS = 40  # the furthest ring is 18 label heights away
_LEFT_WARD = 25.0  # cost of a spot outside the label's own ward (it then needs a leader line)
_ON_HOME = 6.0  # cost of covering a spot another label has not yet been placed at


def _spots(half_height: float) -> np.ndarray:
    """Candidate offsets (display units) of a label's centre from its point, nearest first."""
    radii = np.arange(1, _RINGS + 1) * _RING_STEP * 2 * half_height
    ring = np.column_stack([np.cos(_RING_ANGLES), np.sin(_RING_ANGLES)])
    return np.vstack([[0.0, 0.0], (radii[:, None, None] * ring[None, :, :]).reshape(-1, 2)])


def _hits(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Count, for each box (x0, y0, x1, y1), how many of ``others`` it overlaps."""
    if not len(others):
        return np.zeros(len(boxes), dtype=int)
    return (
        (boxes[:, None, 0] < others[None, :, 2])
        & (others[None, :, 0] < boxes[:, None, 2])
        & (boxes[:, None, 1] < others[None, :, 3])
        & (others[None, :, 1] < boxes[:, None, 3])
    ).sum(axis=1)


def _label_spots(ax, geometry, anchors: np.ndarray, sizes: np.ndarray, obstacles: np.ndarray):
    """Where to centre each label (display units); whether it left its own ward; whether it
    found no clear spot.

    Labels are placed one at a time, smallest ward first, each at the cheapest
    candidate spot (:func:`_spots`) that stays inside the axes and clear of the
    labels already placed and of ``obstacles`` (the scale bar): the cost is the
    distance moved, plus :data:`_LEFT_WARD` if the spot is outside the label's own
    ward, plus :data:`_ON_HOME` for each label not yet placed whose own point it
    would cover. Overlap tests are vectorised over all spots and boxes at once;
    text is measured once, before placing (``sizes``: width, height in display units).
    A label with no clear spot inside the axes goes where it overlaps fewest.
    """
    frame = ax.patch.get_window_extent()
    to_data = ax.transData.inverted()
    half = sizes / 2
    homes = np.hstack([anchors - half, anchors + half])
    areas = shapely.area(np.asarray(geometry.array, dtype=object))
    order = np.argsort(areas, kind="stable")
    unplaced = np.ones(len(anchors), dtype=bool)
    placed = np.empty((0, 4))
    centres = anchors.copy()
    left_ward = np.zeros(len(anchors), dtype=bool)
    stuck = np.zeros(len(anchors), dtype=bool)
    polygons = np.asarray(geometry.array, dtype=object)
    shapely.prepare(polygons)
    for i in order:
        unplaced[i] = False
        offsets = _spots(half[i, 1])
        xy = anchors[i] + offsets
        boxes = np.hstack([xy - half[i], xy + half[i]])
        inside = (
            (boxes[:, 0] >= frame.x0)
            & (boxes[:, 2] <= frame.x1)
            & (boxes[:, 1] >= frame.y0)
            & (boxes[:, 3] <= frame.y1)
        )
        clashes = _hits(boxes, np.vstack([placed, obstacles]))
        data = to_data.transform(xy)
        outside = ~shapely.contains_xy(polygons[i], data[:, 0], data[:, 1])
        cost = (
            np.hypot(offsets[:, 0], offsets[:, 1]) / sizes[i, 1]
            + _LEFT_WARD * outside
            + _ON_HOME * _hits(boxes, homes[unplaced])
        )
        free = inside & (clashes == 0)
        if free.any():
            best = np.flatnonzero(free)[np.argmin(cost[free])]
        else:  # nowhere clear: fewest overlaps, then cheapest
            stuck[i] = True
            candidates = np.flatnonzero(inside) if inside.any() else np.arange(len(xy))
            best = candidates[np.lexsort((cost[candidates], clashes[candidates]))[0]]
        centres[i] = xy[best]
        left_ward[i] = outside[best]
        placed = np.vstack([placed, boxes[best]])
    return centres, left_ward, stuck


def _place_labels(ax, geometry, points, strings):
    """Write labels at ``points`` and move them apart; returns (texts, leader lines, stuck).

    ``stuck`` is True for each label that found no spot inside the map clear of the others.

    Labels stay in their own ward where they can; one moved out of it gets a thin
    leader line to its point.
    """
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
    if not texts:
        return texts, [], np.zeros(0, dtype=bool)
    ax.apply_aspect()
    renderer = ax.figure.canvas.get_renderer()
    # measured once; the white halo and a small gap keep labels apart
    pad = 2.0 * ax.figure.dpi / 72
    sizes = np.array([t.get_window_extent(renderer).size for t in texts]) + pad
    anchors = ax.transData.transform(np.column_stack([points.x, points.y]))
    obstacles = [
        a.get_window_extent(renderer).extents
        for a in (*ax.patches, *ax.texts)
        if a.get_gid() == "jsna-scale-bar"
    ]
    centres, left_ward, stuck = _label_spots(
        ax, geometry, anchors, sizes, np.array(obstacles).reshape(-1, 4)
    )
    data = ax.transData.inverted().transform(centres)
    leaders = []
    for text, (x, y), target, leave in zip(texts, data, anchors, left_ward, strict=True):
        text.set_position((x, y))
        if leave:
            leader = FancyArrowPatch(
                posA=(x, y),
                posB=tuple(ax.transData.inverted().transform(target)),
                patchA=text,
                arrowstyle="-",
                color="#3D3D3D",
                linewidth=0.4,
                gid="jsna-label-leader",
                transform=ax.transData,
            )
            ax.add_artist(leader)  # as add_patch, without re-measuring the data limits
            leaders.append(leader)
    return texts, leaders, stuck


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
        texts, leaders, stuck = _place_labels(ax, frame.geometry, points, names)
        clash = _overlapping(texts, ax.figure.canvas.get_renderer()) | stuck
        if clash.any() and label_style == "auto":
            for artist in [*texts, *leaders]:
                artist.remove()
            use_numbers = True
        elif clash.any():
            warnings.warn(
                f"{int(clash.sum())} ward labels still overlap or leave the map (e.g. "
                f"{first_values(names[clash], 3)}); "
                "use label_style='numbers' for a numbered key",
                UserWarning,
                stacklevel=3,
            )
    if not use_numbers:
        return []
    order = np.argsort(names, kind="stable")
    numbers = np.empty(len(names), dtype=int)
    numbers[order] = np.arange(1, len(names) + 1)
    _place_labels(ax, frame.geometry, points, [str(n) for n in numbers])
    return [f"{n}  {names[i]}" for n, i in zip(numbers[order], order, strict=True)]


def _key(ax, lines: list[str], offset: float) -> float:
    """Numbered-label key in as many columns as fit the figure width;
    returns its height (points).
    """
    renderer = ax.figure.canvas.get_renderer()
    font = FontProperties(size=UNDER_FONTSIZE)
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


def attribution_lines(attribution) -> list[str]:
    """The footer's source text, wrapped: "Source: " and the lines' source text.

    The text is :func:`jsna.reference.sources.source_line` of ``attribution``, the same
    text the HTML, Word and Excel versions print after "Source:", so they agree; each
    source is cited once and "Source:" is never repeated.

    Examples
    --------
    >>> attribution_lines(["Source: ONS; OGL v3.0", "ONS; OGL v3.0."])
    ['Source: ONS; OGL v3.0.']
    >>> attribution_lines(None), attribution_lines([])
    ([], [])
    """
    text = source_line(attribution)
    if not text:
        return []
    width = int(FULL_WIDTH * 72 / (UNDER_FONTSIZE * 0.55))
    return textwrap.wrap(f"Source: {text}", width)


def _dissolve(geometry):
    """The union of the areas: a fast coverage union when they tile without overlaps."""
    try:
        return shapely.coverage_union_all(np.asarray(geometry.array, dtype=object))
    except shapely.errors.GEOSException:
        return geometry.union_all()


def finish_map(
    ax, frame, *, outline, labels, label_style, scale_bar, north_arrow, attribution, synthetic
) -> None:
    if outline is not False:
        shape = (
            gpd.GeoSeries([_dissolve(frame.geometry)], crs=BNG)
            if outline is None
            else to_bng(outline, "outline").geometry
        )
        draw_areas(
            ax, shape, facecolor="none", edgecolor="#3D3D3D", linewidth=0.9, gid="jsna-outline"
        )
    minx, miny, maxx, maxy = frame.total_bounds
    width, height = maxx - minx, maxy - miny
    pad = _PAD * max(width, height)
    band = BAND * height if (scale_bar or north_arrow) else 0.0
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
    lines = attribution_lines(attribution)
    if lines:
        _under(ax, "\n".join(lines), offset, gid="jsna-attribution", linespacing=1.2)
