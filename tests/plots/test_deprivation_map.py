"""Deprivation maps classed by national IMD deciles (1 = most deprived 10% in England)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_hex

from jsna.exceptions import DataValidationError
from jsna.plots import classify, sequential_colors
from jsna.plots.classes import DECILE_NAMES, national_decile_breaks
from jsna.plots.maps import DECILE_CMAP, deprivation_map, ward_map


def _boxes(values, column="imd_decile"):
    return gpd.GeoDataFrame(
        {column: values},
        geometry=[shapely.box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(len(values))],
        crs=27700,
    )


def _colours(ax):
    (collection,) = ax.findobj(lambda a: a.get_gid() == "jsna-choropleth")
    return [to_hex(c) for c in collection.get_facecolor()]


def test_deciles_are_ten_fixed_classes_most_deprived_darkest():
    palette = sequential_colors(10, DECILE_CMAP)
    ax = deprivation_map(_boxes([1, 2, 10, np.nan]), "imd_decile", edition="IoD2025")
    assert _colours(ax) == [palette[9], palette[8], palette[0]]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == [*DECILE_NAMES, "No data"]
    assert texts[0] == "1 (most deprived 10%)" and texts[9] == "10 (least deprived 10%)"
    title = " ".join(ax.get_legend().get_title().get_text().split())
    assert title == (
        "National IMD decile (IoD2025): 1 = most deprived 10% of neighbourhoods in England"
    )


def test_classes_do_not_depend_on_the_area():
    """An affluent area's least affluent ward is not drawn as deprived (no local quantiles)."""
    affluent = deprivation_map(_boxes([8, 9, 10]), "imd_decile")
    deprived = deprivation_map(_boxes([1, 2, 8]), "imd_decile")
    assert _colours(affluent)[0] == _colours(deprived)[2]  # decile 8 looks the same in both
    local = ward_map(_boxes([8, 9, 10]), "imd_decile", legend_title="Decile", k=2)
    assert _colours(local)[0] != _colours(affluent)[0]


def test_scores_are_classed_by_the_national_breaks():
    breaks = tuple(float(b) for b in range(10, 100, 10))  # decile d holds scores near 100-10d
    ax = deprivation_map(
        _boxes([95.0, 55.0, 5.0], "score"), "score", breaks=breaks, edition="IoD2025"
    )
    palette = sequential_colors(10, DECILE_CMAP)
    # 95 is above every break: decile 1 (darkest); 55 decile 5; 5 below all: decile 10
    assert _colours(ax) == [palette[9], palette[5], palette[0]]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0] == "1 (most deprived 10%)" and texts[-1] == "10 (least deprived 10%)"
    title = " ".join(ax.get_legend().get_title().get_text().split())
    assert title.startswith("IMD score in national decile bands (IoD2025): 1 = most deprived")


def test_wrong_values_and_breaks_are_refused():
    with pytest.raises(DataValidationError, match=r"1 to 10, but the values include 0\.5, 11\.0"):
        classify([1, 0.5, 11], "national_deciles")
    with pytest.raises(DataValidationError, match="the 9 increasing score breaks"):
        classify([1.0], "national_deciles", bins=[1, 2, 3])
    with pytest.raises(DataValidationError, match="use ward_map for another scheme"):
        deprivation_map(_boxes([1]), "imd_decile", scheme="quantiles")


def test_breaks_need_every_decile_and_agreeing_scores():
    with pytest.raises(DataValidationError, match=r"no LSOA with a score in deciles \[10\]"):
        national_decile_breaks(range(9, 0, -1), range(1, 10))
    scores = list(range(10, 0, -1))
    scores[1], scores[0] = 11, 10  # decile 2 holds a higher score than decile 1
    with pytest.raises(DataValidationError, match="decile 2 has a score"):
        national_decile_breaks(scores, range(1, 11))


def test_breaks_reproduce_the_published_deciles_of_every_lsoa(shared_data):
    """IoD2025: the nine breaks put each of England's 33,755 LSOAs in its published decile.

    The file's scores are rounded to 3 decimals, and at three decile boundaries one
    rounded score belongs to LSOAs of both deciles (26.605 in deciles 3 and 4, 11.135 in
    7 and 8, 8.379 in 8 and 9): those 5 LSOAs cannot be told apart by score; every other
    LSOA gets its published decile.
    """
    imd = pd.read_csv(
        shared_data / "imd" / "imd2025_england_lsoa21.csv", usecols=["IMD_score", "IMD_decile"]
    )
    assert len(imd) == 33_755
    breaks = national_decile_breaks(imd["IMD_score"], imd["IMD_decile"])
    assert all(np.diff(breaks) > 0)
    classes = classify(imd["IMD_score"], "national_deciles", bins=breaks)
    decile = 10 - classes.assign(imd["IMD_score"])
    wrong = imd[decile != imd["IMD_decile"].to_numpy()]
    shared = imd.groupby("IMD_score")["IMD_decile"].nunique()
    assert len(wrong) == 5
    assert set(wrong["IMD_score"]) == set(shared[shared > 1].index) == {26.605, 11.135, 8.379}
