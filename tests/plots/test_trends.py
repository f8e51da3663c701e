"""Benchmarking charts: legends, shape and text cues, units and
positions (properties, not pixels).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from jsna.exceptions import DataValidationError
from jsna.plots import SIGNIFICANCE
from jsna.plots.spine import spine_chart, tartan_rug
from jsna.plots.trends import SIGNIFICANCE_MARKERS, neighbour_bars, trend_chart


def by_gid(ax, gid):
    return ax.findobj(lambda a: a.get_gid() == gid)


def legend_texts(ax):
    legend = ax.get_legend() or ax.figure.legends[0]
    return [t.get_text() for t in legend.get_texts()]


@pytest.fixture
def series():
    return pd.DataFrame(
        {
            "area_name": "Sefton",
            "neighbour_model": "DfE 2025 model",
            "period": ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"],
            "period_sortable": [20190000, 20200000, 20210000, 20220000, 20230000],
            "value": [115.7, 74.1, 102.5, 92.4, 92.8],
            "lower_ci95": [105.5, 65.8, 92.8, 83.7, 83.9],
            "upper_ci95": [125.7, 82.1, 111.9, 101.8, 101.9],
            "england_value": [93.6, 78.2, 84.3, 75.4, 72.7],
            "neighbour_mean": [120.0, 95.0, 105.0, 100.0, 91.4],
            "neighbour_min": [90.0, 70.0, 80.0, 75.0, 60.6],
            "neighbour_max": [150.0, 120.0, 160.0, 155.0, 149.0],
            "compared_to_england": ["Worse", "Similar", "Worse", "Worse", "Better"],
        }
    )


# --------------------------------------------------------------------------- trend chart
def test_trend_chart_lines_bands_legend_and_cues(series):
    shuffled = series.iloc[[3, 0, 4, 1, 2]]  # drawn in time order whatever the row order
    ax = trend_chart(shuffled, value_label="Admissions per 10,000 aged 0 to 14")
    assert legend_texts(ax) == [
        "Sefton",
        "95% confidence interval",
        "England",
        "Statistical neighbours (DfE 2025 model): lowest to highest",
        "Statistical neighbours (DfE 2025 model): mean",
        "Better than England",
        "Similar to England",
        "Worse than England",
    ]
    assert ax.get_ylabel() == "Admissions per 10,000 aged 0 to 14"
    assert ax.get_xlabel() == "Time period"
    (area,) = by_gid(ax, "jsna-area-line")
    np.testing.assert_allclose(area.get_ydata(), series["value"])
    (england,) = by_gid(ax, "jsna-england")
    np.testing.assert_allclose(england.get_ydata(), series["england_value"])
    (mean,) = by_gid(ax, "jsna-neighbour-mean")
    np.testing.assert_allclose(mean.get_ydata(), series["neighbour_mean"])
    assert len(by_gid(ax, "jsna-ci-band")) == 1 and len(by_gid(ax, "jsna-neighbour-range")) == 1
    # one marker set per class, in its colour; the latest point says its class in words
    markers = by_gid(ax, "jsna-significance")
    colours = sorted(to_hex(m.get_facecolor()[0]).upper() for m in markers)
    assert colours == sorted(
        SIGNIFICANCE[k].facecolor.upper() for k in ("better", "similar", "worse")
    )
    assert sum(len(m.get_offsets()) for m in markers) == 5
    (cue,) = by_gid(ax, "jsna-significance-text")
    assert cue.get_text() == "Better"
    assert [t.get_text() for t in ax.get_xticklabels()] == series["period"].tolist()


def test_trend_chart_without_neighbours_or_significance(series):
    ax = trend_chart(
        series,
        value_label="Rate",
        neighbour_mean=None,
        neighbour_min=None,
        neighbour_max=None,
        significance=None,
        area_label="Liverpool",
    )
    assert legend_texts(ax) == ["Liverpool", "95% confidence interval", "England"]
    assert not by_gid(ax, "jsna-significance") and not by_gid(ax, "jsna-significance-text")


def test_trend_chart_checks(series):
    with pytest.raises(DataValidationError, match="value_label is empty"):
        trend_chart(series, value_label=" ")
    with pytest.raises(DataValidationError, match="repeats '2019/20'"):
        trend_chart(
            pd.concat([series, series.iloc[:1]]).drop(columns="period_sortable"), value_label="Rate"
        )
    with pytest.raises(DataValidationError, match="'Much worse'"):
        trend_chart(series.assign(compared_to_england="Much worse"), value_label="Rate")
    with pytest.raises(DataValidationError, match="neighbour_min= and neighbour_max="):
        trend_chart(series, value_label="Rate", neighbour_max=None)


# --------------------------------------------------------------------------- spine chart
@pytest.fixture
def spine():
    return pd.DataFrame(
        {
            "indicator_name": ["Injuries 0-14", "School readiness", "Tooth decay"],
            "units": ["per 10,000", "%", "%"],
            "value": [92.8, 66.0, 20.0],
            "england_value": [72.7, 68.0, 23.0],
            "type_min": [29.3, 55.0, 10.0],
            "type_q25": [59.9, 64.0, 18.0],
            "type_q75": [87.1, 71.0, 28.0],
            "type_max": [149.0, 78.0, 40.0],
            "polarity": ["low is good", "high is good", "low is good"],
            "compared_to_england": ["Worse", "Similar", "Better"],
        }
    )


def test_spine_chart_scaling_cues_and_labels(spine):
    ax = spine_chart(spine, units="units", area_label="Sefton")
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Injuries 0-14 (per 10,000)",
        "School readiness (%)",
        "Tooth decay (%)",
    ]
    assert "England = 0" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_xticklabels()][1] == "England"
    (england,) = by_gid(ax, "jsna-england")
    assert england.get_xdata()[0] == 0
    # scaled positions: (value - England) / furthest area; low is good turned round (better to the
    # right)
    positions = {}
    for markers in by_gid(ax, "jsna-significance"):
        for x, y in markers.get_offsets():
            positions[int(round(y))] = x
    assert positions[2] == pytest.approx(-(92.8 - 72.7) / (149.0 - 72.7))  # worse: left
    assert positions[1] == pytest.approx((66.0 - 68.0) / 13.0)
    assert positions[0] == pytest.approx(-(20.0 - 23.0) / 17.0)  # better: right
    texts = [t.get_text() for t in by_gid(ax, "jsna-significance-text")]
    assert texts == [
        "Sefton 92.8\nEngland 72.7\nWorse",
        "Sefton 66.0\nEngland 68.0\nSimilar",
        "Sefton 20.0\nEngland 23.0\nBetter",
    ]
    assert legend_texts(ax) == [
        "England",
        "All areas of this type: lowest to highest",
        "25th to 75th percentile",
        "Better: Sefton compared with England",
        "Similar: Sefton compared with England",
        "Worse: Sefton compared with England",
    ]
    assert len(by_gid(ax, "jsna-spine-range")) == 3 and len(by_gid(ax, "jsna-spine-iqr")) == 3


def test_spine_chart_marker_shapes_differ_by_class(spine):
    ax = spine_chart(spine)
    legend = ax.figure.legends[0]
    shapes = {
        h.get_label().split(":")[0]: h.get_marker()
        for h in legend.legend_handles
        if h.get_label()[:1] in "BSW" and ":" in h.get_label()
    }
    assert shapes == {
        "Better": SIGNIFICANCE_MARKERS["better"],
        "Similar": SIGNIFICANCE_MARKERS["similar"],
        "Worse": SIGNIFICANCE_MARKERS["worse"],
    }
    assert len(set(SIGNIFICANCE_MARKERS.values())) == len(SIGNIFICANCE_MARKERS)


# --------------------------------------------------------------------------- tartan rug
@pytest.fixture
def rug():
    return pd.DataFrame(
        {
            "area_name": ["Sefton", "Wirral", "Knowsley", "Sefton", "Wirral"],
            "indicator_name": ["Injuries (per 10,000)"] * 3 + ["Obesity (%)"] * 2,
            "value": [92.8, 80.1, 105.2, 24.0, np.nan],
            "compared_to_england": ["Worse", "Similar", "Worse", "Better", "Not compared"],
        }
    )


def test_tartan_rug_cells_text_and_legend(rug):
    ax = tartan_rug(rug, highlight="Sefton")
    cells = by_gid(ax, "jsna-rug-cell")
    assert len(cells) == 5
    assert [to_hex(c.get_facecolor()).upper() for c in cells[:4]] == [
        "#C00000",
        "#FFC000",
        "#C00000",
        "#92D050",
    ]
    texts = {t.get_text(): t.get_color() for t in by_gid(ax, "jsna-rug-text")}
    assert texts["92.8\nWorse"] == "white" and texts["80.1\nSimilar"] == "#3D3D3D"
    assert "24.0\nBetter" in texts and "No data" in texts
    assert (
        len(by_gid(ax, "jsna-rug-nodata")) == 6
    )  # Knowsley has no obesity row: it stays "no data"
    assert legend_texts(ax) == ["Better", "Similar", "Worse", "No data"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Sefton", "Wirral", "Knowsley"]
    bold = [t.get_text() for t in ax.get_xticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["Sefton"]
    assert ax.get_xlabel() == "Area" and ax.get_ylabel() == "Indicator"
    assert "value in the indicator's units" in ax.figure.legends[0].get_title().get_text()


def test_tartan_rug_refuses_duplicates(rug):
    with pytest.raises(DataValidationError, match="Sefton / Injuries"):
        tartan_rug(pd.concat([rug, rug.iloc[:1]]))


# --------------------------------------------------------------------------- neighbour bars
@pytest.fixture
def peers():
    return pd.DataFrame(
        {
            "area_name": ["Sefton", "Wirral", "Bury", "Wigan"],
            "value": [92.8, 78.3, 60.6, 73.4],
            "lower_ci95": [83.9, 70.9, 52.9, 66.2],
            "upper_ci95": [101.9, 86.2, 69.2, 81.1],
            "england_value": 72.7,
            "compared_to_england": ["Worse", "Similar", "Better", "Similar"],
        }
    )


def test_neighbour_bars_reuse_ranked_bars(peers):
    ax = neighbour_bars(peers, value_label="Admissions per 10,000 aged 0 to 14", highlight="Sefton")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["▶ Sefton", "Wirral", "Wigan", "Bury"]
    assert ax.get_yticklabels()[0].get_fontweight() == "bold"
    assert legend_texts(ax) == [
        "Better",
        "Similar",
        "Worse",
        "95% confidence interval",
        "England (72.7)",
    ]
    (line,) = by_gid(ax, "jsna-reference")
    assert line.get_xdata()[0] == pytest.approx(72.7)
    assert ax.get_xlabel() == "Admissions per 10,000 aged 0 to 14"
    hatches = [b.get_hatch() for b in by_gid(ax, "jsna-bars")]
    assert hatches == [
        SIGNIFICANCE[k].hatch or None for k in ("worse", "similar", "similar", "better")
    ]


def test_neighbour_bars_checks(peers):
    with pytest.raises(DataValidationError, match="several values"):
        neighbour_bars(peers.assign(england_value=[1.0, 2.0, 3.0, 4.0]), value_label="Rate")
    with pytest.raises(DataValidationError, match="highlight='Leeds'"):
        neighbour_bars(peers, value_label="Rate", highlight="Leeds")


# --------------------------------------------------------------------------- real data
def test_charts_from_the_real_benchmark(shared_data):
    from jsna.analysis.benchmark import (
        Comparators,
        area_and_neighbours,
        benchmark,
        headline,
        series,
    )
    from jsna.io.datapack import DataPack
    from jsna.publish.prose import units_label

    pack = DataPack.open(shared_data)
    data = pack.read("indicators.fingertips")
    data = data[data["indicator_id"] == 90284]
    comparators = Comparators.from_pack(pack)
    result = benchmark(data, "E08000014", comparators)
    row = headline(result).iloc[0]
    ax = trend_chart(series(result, row), value_label=units_label(90284))
    assert "Statistical neighbours (DfE 2025 model): mean" in legend_texts(ax)
    assert ax.get_ylabel() == "Crude rate per 10,000 aged 0 to 14"
    (area,) = by_gid(ax, "jsna-area-line")
    assert len(area.get_ydata()) == 14  # 2010/11 to 2023/24 (every other period labelled)
    assert [t.get_text() for t in ax.get_xticklabels()][::3] == ["2010/11", "2016/17", "2022/23"]
    peers = series(area_and_neighbours(data, "E08000014", comparators), row, across_areas=True)
    ax = neighbour_bars(peers, value_label=units_label(90284), highlight="Sefton")
    assert len(ax.get_yticklabels()) == 11
    assert "England (72.7)" in legend_texts(ax)


def test_given_axes_keep_their_own_legend(series, spine, rug):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3)
    assert trend_chart(series, value_label="Rate", ax=axes[0]) is axes[0]
    assert spine_chart(spine, ax=axes[1]) is axes[1]
    assert tartan_rug(rug, ax=axes[2]) is axes[2]
    assert all(a.get_legend() is not None for a in axes) and not fig.legends
