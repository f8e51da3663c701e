"""Figures for the JSNA: house style, ward maps, charts and :func:`save_figure`.

Every drawing function takes ``ax=None`` and returns the Axes (small multiples
return the Figure); :func:`save_figure` is the only way figures leave the process.
"""

from jsna.plots.charts import age_profile, bars_by_quintile, population_pyramid, ranked_bars
from jsna.plots.classes import classify
from jsna.plots.maps import significance_map, small_multiples, ward_map
from jsna.plots.save import SavedFigure, save_figure
from jsna.plots.spine import spine_chart, tartan_rug
from jsna.plots.style import (
    AF_CATEGORICAL,
    AF_FOCUS,
    AF_SEQUENTIAL,
    FULL_WIDTH,
    SEQUENTIAL_CMAP,
    SIGNIFICANCE,
    STYLE_PATH,
    add_synthetic_stamp,
    focus_colors,
    sequential_colors,
    use_style,
)
from jsna.plots.trends import SIGNIFICANCE_MARKERS, neighbour_bars, trend_chart

__all__ = [
    "trend_chart",
    "tartan_rug",
    "spine_chart",
    "neighbour_bars",
    "AF_CATEGORICAL",
    "AF_FOCUS",
    "AF_SEQUENTIAL",
    "FULL_WIDTH",
    "SEQUENTIAL_CMAP",
    "SIGNIFICANCE",
    "SIGNIFICANCE_MARKERS",
    "STYLE_PATH",
    "SavedFigure",
    "add_synthetic_stamp",
    "age_profile",
    "bars_by_quintile",
    "classify",
    "focus_colors",
    "population_pyramid",
    "ranked_bars",
    "save_figure",
    "sequential_colors",
    "significance_map",
    "small_multiples",
    "use_style",
    "ward_map",
]
