"""Segment-style gap chart and life expectancy by decile: what is drawn, labels and cues."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.exceptions import DataValidationError
from jsna.plots.mortality import gap_by_cause_and_age, life_expectancy_by_decile
from jsna.plots.style import SIGNIFICANCE


def gap_frame():
    return pd.DataFrame(
        {
            "cause": ["Cancer", "Cancer", "Circulatory", "Circulatory", "Other", "Other"],
            "age": ["<40", "40+"] * 3,
            "years": [0.1, -0.3, 0.2, 1.1, 0.05, 0.05],
        }
    )


def test_gap_chart_orders_by_total_and_stacks_negatives_left():
    ax = gap_by_cause_and_age(gap_frame(), cause="cause", age_group="age", contribution="years")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Circulatory", "Other", "Cancer"]
    assert "years" in ax.get_xlabel()
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths == sorted([0.1, -0.3, 0.2, 1.1, 0.05, 0.05])
    negative = [p for p in ax.patches if p.get_width() < 0][0]
    assert negative.get_x() == 0  # starts at zero and runs left
    labels = [t.get_text() for t in ax.texts]
    assert "+1.30" in labels and "-0.20" in labels
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["<40", "40+"]


def test_gap_chart_errors():
    with pytest.raises(DataValidationError, match="value_label"):
        gap_by_cause_and_age(
            gap_frame(), cause="cause", age_group="age", contribution="years", value_label=""
        )
    with pytest.raises(DataValidationError, match="not in the data"):
        gap_by_cause_and_age(
            gap_frame(), cause="cause", age_group="age", contribution="years", age_groups=["x"]
        )


def test_decile_chart_significance_has_colour_shape_and_label():
    df = pd.DataFrame({"d": range(1, 11), "le": np.linspace(74, 84, 10)})
    df["lo"], df["hi"] = df["le"] - 1, df["le"] + 1
    df["sig"] = ["lower"] * 3 + ["similar"] * 4 + ["higher"] * 3
    ax = life_expectancy_by_decile(
        df, decile="d", value="le", lower="lo", upper="hi", significance="sig", benchmark=79
    )
    assert ax.get_ylabel() == "Life expectancy at birth (years)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["95% confidence limits", "Lower", "Similar", "Higher", "Area average"]
    handles = ax.get_legend().legend_handles
    assert handles[1].get_marker() != handles[3].get_marker()  # shape, not colour alone
    assert handles[1].get_markerfacecolor().lower() == SIGNIFICANCE["lower"].facecolor.lower()
    with pytest.raises(DataValidationError, match="classes 'odd'"):
        life_expectancy_by_decile(
            df.assign(sig="odd"), decile="d", value="le", lower="lo", upper="hi",
            significance="sig",
        )  # fmt: skip


def test_life_expectancy_map_hatches_significant_areas_and_names_them():
    import geopandas as gpd
    import shapely

    from jsna.plots.mortality import life_expectancy_map

    wards = gpd.GeoDataFrame(
        {
            "le": [74.0, 76.0, 79.0, 82.0, 84.0],
            "sig": ["Worse", "Worse", "Similar", None, "Better"],
        },
        geometry=[shapely.box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(5)],
        crs=27700,
    )
    ax = life_expectancy_map(wards, "le", significance="sig", benchmark_label="Borough", k=5)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[-2:] == [
        "Significantly higher than Borough (95% CI)",
        "Significantly lower than Borough (95% CI)",
    ]
    assert "years" in ax.get_legend().get_title().get_text()
    hatched = [c for c in ax.collections if c.get_hatch()]
    assert sorted(c.get_hatch() for c in hatched) == ["....", "////"]
    # the better ward is in the darkest class: its hatch is white, the worse wards' dark
    colours = {c.get_hatch(): tuple(np.round(c.get_hatchcolor()[0][:3], 2)) for c in hatched}
    assert colours["////"] == (1.0, 1.0, 1.0) and colours["...."] != (1.0, 1.0, 1.0)
    with pytest.raises(DataValidationError, match="significance='le'"):
        life_expectancy_map(wards.assign(le2=wards["le"]), "le2", significance="le")
