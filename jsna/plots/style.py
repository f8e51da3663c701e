"""The jsna house style: one style file, the palettes, and the synthetic-data stamp.

Figures are sized for an A4 Word page (text width :data:`FULL_WIDTH` = 6.3 in),
use DejaVu Sans (present on any Linux machine with matplotlib), and carry no
chart junk (no top/right spines, no legend frames, no grid unless it helps).

Palettes follow the Analysis Function colour guidance (categorical, sequential
and focus) and the Fingertips significance colours. Red/amber/green is not
colour-blind safe, so every significance colour comes with a hatch and a text
label (:data:`SIGNIFICANCE`), and the legend always names the class.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import Colormap, LinearSegmentedColormap, ListedColormap

from jsna.exceptions import DataValidationError

__all__ = [
    "STYLE_PATH",
    "FULL_WIDTH",
    "AF_CATEGORICAL",
    "AF_SEQUENTIAL",
    "AF_FOCUS",
    "FOCUS_GREY",
    "SEQUENTIAL_CMAP",
    "SIGNIFICANCE",
    "SIGNIFICANCE_ORDER",
    "NO_DATA",
    "SUPPRESSED",
    "SYNTHETIC_GID",
    "SYNTHETIC_TEXT",
    "STAMP_PROPS",
    "AreaStyle",
    "use_style",
    "sequential_colors",
    "focus_colors",
    "add_synthetic_stamp",
    "has_synthetic_stamp",
]

STYLE_PATH = Path(__file__).with_name("jsna.mplstyle")

#: Text width of an A4 Word page with 2.54 cm margins, in inches.
FULL_WIDTH = 6.3

#: Analysis Function categorical palette (dark blue, turquoise, dark pink,
#: orange, dark grey, light purple), in the order it should be used.
AF_CATEGORICAL = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")

#: Analysis Function sequential palette (dark blue, mid blue, light blue).
AF_SEQUENTIAL = ("#12436D", "#2073BC", "#6BACE6")

#: Analysis Function focus palette: the area of interest and everything else.
AF_FOCUS = ("#12436D", "#BFBFBF")
FOCUS_GREY = AF_FOCUS[1]

#: Light-to-dark blue colour map built on the AF sequential palette, for choropleths.
SEQUENTIAL_CMAP: Colormap = LinearSegmentedColormap.from_list(
    "jsna_sequential", ["#EAF2FA", AF_SEQUENTIAL[2], AF_SEQUENTIAL[1], AF_SEQUENTIAL[0]]
)


@dataclass(frozen=True)
class AreaStyle:
    """How one class of areas is filled: colour, hatch (the non-colour cue) and label."""

    label: str
    facecolor: str
    hatch: str
    hatchcolor: str = "#3D3D3D"


#: Fingertips significance classes: colour, a hatch cue and the legend label.
#: Keys are the lower-case class names accepted by :func:`jsna.plots.significance_map`.
SIGNIFICANCE: dict[str, AreaStyle] = {
    "better": AreaStyle("Better", "#92D050", ".."),
    "similar": AreaStyle("Similar", "#FFC000", ""),
    "worse": AreaStyle("Worse", "#C00000", "xx", "#FFFFFF"),
    "higher": AreaStyle("Higher", "#BED2FF", "--"),
    "lower": AreaStyle("Lower", "#5555E6", "||", "#FFFFFF"),
    "not compared": AreaStyle("Not compared", "#C9C9C9", "o"),
}
SIGNIFICANCE_ORDER = tuple(SIGNIFICANCE)

#: Areas with no value, and areas whose value is withheld because numbers are small.
NO_DATA = AreaStyle("No data", "#F2F2F2", "////", "#8C8C8C")
SUPPRESSED = AreaStyle("Suppressed (small numbers)", "#FFFFFF", "\\\\\\\\", "#3D3D3D")

SYNTHETIC_GID = "jsna-synthetic-stamp"
SYNTHETIC_TEXT = "Synthetic data: not real figures"
#: Text properties of the stamp: dark pink, bold, boxed.
STAMP_PROPS = {
    "color": "#801650",
    "fontsize": 8,
    "fontweight": "bold",
    "bbox": {
        "boxstyle": "square,pad=0.35",
        "facecolor": "white",
        "edgecolor": "#801650",
        "linewidth": 1.0,
    },
}


def use_style() -> AbstractContextManager:
    """Context manager drawing (and saving) in the jsna house style.

    Every jsna plot function draws inside it, and :func:`jsna.plots.save_figure`
    saves inside it, so callers only need it for figures of their own. For a
    whole notebook, ``matplotlib.pyplot.style.use(jsna.plots.STYLE_PATH)``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with use_style():
    ...     fig, ax = plt.subplots()
    >>> fig.get_size_inches().tolist()
    [6.3, 3.9]
    >>> plt.close(fig)
    """
    return plt.style.context(STYLE_PATH)


def _colormap(cmap: str | Colormap | None) -> Colormap:
    if cmap is None:
        return SEQUENTIAL_CMAP
    if isinstance(cmap, Colormap):
        return cmap
    try:
        return mpl.colormaps[cmap]
    except KeyError:
        raise DataValidationError(
            f"cmap={cmap!r} is not a matplotlib colour map; give a name such as 'Blues' "
            "or leave it out for the jsna sequential blues"
        ) from None


def sequential_colors(n: int, cmap: str | Colormap | None = None) -> list[str]:
    """``n`` hex colours, light to dark, evenly spaced along a sequential colour map.

    A :class:`~matplotlib.colors.ListedColormap` with exactly ``n`` colours is
    used as is (a hand-picked palette).

    Examples
    --------
    >>> sequential_colors(3)
    ['#eaf2fa', '#458fd1', '#12436d']
    """
    if n < 1:
        raise DataValidationError(f"n={n} colours asked for; give at least 1")
    colormap = _colormap(cmap)
    if isinstance(colormap, ListedColormap) and colormap.N == n:
        rgba = colormap(np.arange(n))
    else:
        rgba = colormap(np.linspace(0, 1, n) if n > 1 else [1.0])
    return [mpl.colors.to_hex(c) for c in rgba]


def focus_colors(labels, highlight) -> list[str]:
    """Focus palette: dark blue for the highlighted labels, grey for the rest.

    Examples
    --------
    >>> focus_colors(["Sefton", "Wirral", "Knowsley"], "Sefton")
    ['#12436D', '#BFBFBF', '#BFBFBF']
    """
    wanted = {highlight} if isinstance(highlight, str) or np.isscalar(highlight) else set(highlight)
    return [AF_FOCUS[0] if label in wanted else AF_FOCUS[1] for label in labels]


def has_synthetic_stamp(target) -> bool:
    """Whether a Figure or Axes already carries the synthetic-data stamp.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> has_synthetic_stamp(fig)
    False
    >>> _ = add_synthetic_stamp(fig)
    >>> has_synthetic_stamp(fig)
    True
    >>> plt.close(fig)
    """
    return bool(target.findobj(lambda artist: artist.get_gid() == SYNTHETIC_GID))


def add_synthetic_stamp(target):
    """Write the boxed "Synthetic data" stamp above a Figure (top left) or in an Axes (top left).

    On a Figure the stamp sits just above the top edge, so it never covers a
    title or the data; saving with a tight bounding box (the house style) keeps it.

    Returns the Text artist. Demo figures must never be mistaken for real ones,
    so :func:`jsna.plots.save_figure` adds it to any synthetic figure lacking it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> add_synthetic_stamp(ax).get_text()
    'Synthetic data: not real figures'
    >>> plt.close(fig)
    """
    common = {**STAMP_PROPS, "gid": SYNTHETIC_GID, "zorder": 10}
    if isinstance(target, mpl.figure.Figure):
        return target.text(0.005, 1.0, SYNTHETIC_TEXT, ha="left", va="bottom", **common)
    return target.text(
        0.01, 0.99, SYNTHETIC_TEXT, transform=target.transAxes, ha="left", va="top", **common
    )
