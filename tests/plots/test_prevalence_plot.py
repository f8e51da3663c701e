"""The funnel plot draws what it is given (jsna.plots.prevalence)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

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
    # the units below the 99.8% limit are named, lowest first
    assert [t.get_text() for t in ax.texts] == ["Delta", "Alpha"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "Area average (0.85)" and "Lower than average (95%)" in legend
    plt.close(ax.figure)


def test_needs_axis_labels_and_columns():
    with pytest.raises(DataValidationError, match="value_label and x_label are required"):
        funnel_plot(POINTS, LIMITS, centre=1.0, value_label="", x_label="Expected")
    with pytest.raises(DataValidationError, match="kind"):
        funnel_plot(POINTS.drop(columns="kind"), LIMITS, centre=1.0, value_label="R", x_label="E")
