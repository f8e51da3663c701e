"""The funnel plot draws what it is given (jsna.plots.prevalence)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from jsna.exceptions import DataValidationError
from jsna.plots.prevalence import funnel_plot

POINTS = pd.DataFrame(
    {
        "x": [100.0, 200.0, 300.0, 400.0],
        "y": [0.5, 0.9, 1.2, 0.4],
        "significance": ["Low (0.001)", "Not significant", "High (0.025)", "Low (0.001)"],
        "kind": ["Low", "Not significant", "High", "Low"],
        "name": ["Alpha", "Beta", "Gamma", "Delta"],
    }
)
LIMITS = pd.DataFrame(
    {
        "limit": ["lower_ci95"] * 2 + ["upper_ci95"] * 2 + ["lower_ci99_8"] * 2,
        "x": [50.0, 400.0, 50.0, 400.0, 50.0, 400.0],
        "y": [0.6, 0.75, 1.1, 0.95, 0.5, 0.7],
    }
)


def test_draws_the_given_limits_points_and_names():
    ax = funnel_plot(
        POINTS, LIMITS, centre=0.85, label="name", value_label="Ratio", x_label="Expected"
    )
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) == 2]
    curves = [line for line in lines if list(line.get_xdata()) == [50.0, 400.0]]
    assert [list(c.get_ydata()) for c in curves] == [[0.6, 0.75], [1.1, 0.95], [0.5, 0.7]]
    assert [c.get_linestyle() for c in curves] == ["--", "--", ":"]
    # one scatter per kind present, with the points given
    offsets = sorted(tuple(p) for c in ax.collections for p in c.get_offsets())
    assert offsets == sorted(zip(POINTS["x"], POINTS["y"], strict=True))
    # the units below the 99.8% limit are numbered, lowest first, and named in the legend
    assert [t.get_text() for t in ax.texts] == ["1", "2"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "Average of the units (0.85)" and "Lower than average (95%)" in legend
    assert legend[-2:] == ["Delta (0.4)", "Alpha (0.5)"]
    plt.close(ax.figure)


def test_needs_axis_labels_and_columns():
    with pytest.raises(DataValidationError, match="value_label and x_label are required"):
        funnel_plot(POINTS, LIMITS, centre=1.0, value_label="", x_label="Expected")
    with pytest.raises(DataValidationError, match="kind"):
        funnel_plot(POINTS.drop(columns="kind"), LIMITS, centre=1.0, value_label="R", x_label="E")


def _boxes(ax):
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    # the number itself (an annotation's own extent also covers its leader line)
    return [Text.get_window_extent(t, renderer) for t in ax.texts]


def _crowded(seed: int = 3, size: int = 60):
    """60 practices, 12 of them well below the limits in a tight cluster (a real-looking mess)."""
    rng = np.random.default_rng(seed)
    x = np.r_[rng.uniform(1500, 12000, size - 12), rng.uniform(4000, 5000, 12)]
    y = np.r_[rng.normal(17, 1, size - 12), rng.uniform(12, 14, 12)]
    kind = np.where(y < 14.5, "Low", "Not significant")
    signif = np.where(y < 13.5, "Low (0.001)", np.where(y < 14.5, "Low (0.025)", "Not significant"))
    names = [f"A Rather Long Practice Name Number {i} Surgery" for i in range(size)]
    points = pd.DataFrame({"x": x, "y": y, "significance": signif, "kind": kind, "name": names})
    limits = pd.DataFrame({"limit": ["lower_ci95"] * 2, "x": [750.0, 13000.0], "y": [14.0, 16.0]})
    return points, limits


def test_numbers_never_overlap_each_other_or_a_marker():
    points, limits = _crowded()
    ax = funnel_plot(
        points, limits, centre=17.0, label="name", value_label="Recorded (%)", x_label="List size"
    )
    boxes = _boxes(ax)
    assert [t.get_text() for t in ax.texts] == ["1", "2", "3", "4", "5"]
    frame = ax.get_window_extent()
    for i, box in enumerate(boxes):
        # inside the axes, clear of the other numbers
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
        assert box.y1 <= frame.y1
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other)
    # clear of every marker (the markers' centres, padded by their radius)
    centres = ax.transData.transform(points[["x", "y"]].to_numpy())
    radius = 0.5 * np.sqrt(28) * ax.figure.dpi / 72
    for box in boxes:
        inside = (
            (centres[:, 0] > box.x0 - radius)
            & (centres[:, 0] < box.x1 + radius)
            & (centres[:, 1] > box.y0 - radius)
            & (centres[:, 1] < box.y1 + radius)
        )
        assert not inside.any()
    # numbers further from their marker than its neighbourhood have a leader line
    leaders = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert all(t.arrow_patch.get_visible() for t in leaders)
    # the key names the five in the legend, long names shortened with an ellipsis
    legend = [t.get_text() for t in ax.get_legend().get_texts()][-5:]
    assert all(len(t.split(" (")[0]) <= 28 for t in legend)
    assert all(t.split(" (")[0].endswith("\u2026") for t in legend)


def test_axis_ticks_are_few_with_thousands_separators():
    points, limits = _crowded()
    ax = funnel_plot(
        points, limits, centre=17.0, value_label="Recorded (%)", x_label="List size", suffix="%"
    )
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    left, right = ax.get_xlim()
    assert 3 <= len(ticks) <= 7 and left == 0
    assert right == pytest.approx(points["x"].max() * 1.08)
    assert any("," in t for t in ticks)  # 10,000 not 10000
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "Average of the units (17%)"
