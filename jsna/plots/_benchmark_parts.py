"""Pieces shared by the benchmarking charts: significance markers, legends, names."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from jsna.exceptions import DataValidationError, first_values
from jsna.plots._checks import check_column, numeric
from jsna.plots.style import AF_CATEGORICAL, SIGNIFICANCE

__all__ = [
    "INK",
    "AREA_COLOUR",
    "NEIGHBOUR_COLOUR",
    "DARK_CLASSES",
    "SIGNIFICANCE_MARKERS",
    "wrap",
    "legend_below",
    "own_axes",
    "significance_classes",
    "marker_handle",
    "one_name",
    "optional_numbers",
]

INK = "#3D3D3D"
AREA_COLOUR = AF_CATEGORICAL[0]
NEIGHBOUR_COLOUR = AF_CATEGORICAL[1]
DARK_CLASSES = {"worse", "lower"}  # classes drawn with white text on their dark colour

#: Marker shape of each significance class (the shape cue beside the colour).
SIGNIFICANCE_MARKERS = {
    "better": "^",
    "similar": "o",
    "worse": "v",
    "higher": "P",
    "lower": "X",
    "not compared": "s",
}


def wrap(label: str, width: int) -> str:
    return textwrap.fill(str(label), width, break_on_hyphens=False, break_long_words=False)


def legend_below(ax, handles, title=None, ncols=2) -> None:
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


def own_axes(width: float, height: float):
    _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    ax._jsna_own_figure = True
    return ax


def significance_classes(
    frame: pd.DataFrame, column: str, argument: str = "significance"
) -> pd.Series:
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


def marker_handle(key: str, suffix: str = "") -> Line2D:
    style = SIGNIFICANCE[key]
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=SIGNIFICANCE_MARKERS[key],
        markersize=7,
        markerfacecolor=style.facecolor,
        markeredgecolor=INK,
        markeredgewidth=0.6,
        label=style.label + suffix,
    )


def one_name(frame: pd.DataFrame, column: str, fallback: str) -> str:
    if column in frame.columns:
        names = frame[column].dropna().unique()
        if len(names) == 1:
            return str(names[0])
    return fallback


def optional_numbers(frame: pd.DataFrame, column: str | None, argument: str) -> np.ndarray | None:
    return None if column is None else numeric(frame, column, argument)


# --------------------------------------------------------------------------- trend chart
