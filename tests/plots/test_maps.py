"""Ward maps: classes, colours, legends, furniture and label placement (properties, not pixels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from jsna.exceptions import DataValidationError, GeographyError
from jsna.plots import (
    SIGNIFICANCE,
    classify,
    sequential_colors,
    significance_map,
    small_multiples,
    ward_map,
)
from jsna.plots.classes import Classes
from jsna.plots.style import NO_DATA, SUPPRESSED, SYNTHETIC_TEXT

ATTRIBUTION = [
    "Contains OS data © Crown copyright and database right 2025",
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0",
]


def by_gid(container, gid):
    return [a for a in container.findobj(lambda a: a.get_gid() == gid)]


def facecolours(ax, gid):
    (collection,) = by_gid(ax, gid)
    return [to_hex(c) for c in collection.get_facecolor()]


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def all_text(fig):
    return " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def overlaps(texts, renderer):
    boxes = [t.get_window_extent(renderer) for t in texts]
    return [
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if boxes[i].overlaps(boxes[j])
    ]


# ---------------------------------------------------------------- classify


def test_quantiles_match_numpy_percentiles():
    values = np.arange(1.0, 101.0)
    classes = classify(values, "quantiles", k=4)
    assert classes.bins == pytest.approx(np.percentile(values, [25, 50, 75, 100]))
    assert classes.lower == 1.0


def test_fisher_jenks_on_many_values_is_fast_and_deterministic():
    values = np.random.default_rng(1).gamma(2.0, 50.0, 35000)
    first = classify(values, "natural_breaks", k=5)
    assert first == classify(values, "natural_breaks", k=5)
    assert first.bins[-1] == values.max() and first.lower == values.min()


def test_equal_interval_and_fisher_jenks_breaks():
    assert classify([0.0, 10.0, 3.0], "equal_interval", k=5).bins == pytest.approx((2, 4, 6, 8, 10))
    # three clear clusters: Fisher-Jenks puts a break at the top of each
    clusters = [1, 2, 3, 10, 11, 12, 50, 51]
    assert classify(clusters, "natural_breaks", k=3).bins == (3.0, 12.0, 51.0)


def test_classes_are_closed_on_the_right_and_nan_is_minus_one():
    classes = Classes((10.0, 20.0, 30.0), 0.0)
    assert classes.assign([0, 10, 10.0001, 20, 30, np.nan]).tolist() == [0, 0, 1, 1, 2, -1]


def test_user_defined_bins_are_fixed_and_checked():
    classes = classify([5.0, 15.0], "user_defined", bins=[10, 20, np.inf])
    assert classes.labels() == ["up to 10", "10 to 20", "over 20"]
    with pytest.raises(DataValidationError, match=r"above the last bin 20.*numpy.inf"):
        classify([5.0, 25.0], "user_defined", bins=[10, 20])
    with pytest.raises(DataValidationError, match="increasing"):
        classify([5.0], "user_defined", bins=[10, 5])
    with pytest.raises(DataValidationError, match="needs bins="):
        classify([5.0], "user_defined")
    with pytest.raises(DataValidationError, match="only used with scheme='user_defined'"):
        classify([5.0], "quantiles", bins=[10])
    with pytest.raises(DataValidationError, match="scheme='jenks' is not known"):
        classify([5.0], "jenks")


def test_legend_labels_use_enough_decimals_to_be_honest():
    assert classify([1, 2, 3, 4, 5, 6], "quantiles", k=3).labels() == [
        "1.00 to 2.67",
        "2.67 to 4.33",
        "4.33 to 6.00",
    ]
    assert classify([100, 1062, 500], "equal_interval", k=2).labels() == [
        "100 to 581",
        "581 to 1,062",
    ]


# ---------------------------------------------------------------- ward_map on squares


def test_choropleth_colours_follow_the_classes(squares):
    ax = ward_map(squares, "value", legend_title="Rate per 1,000", k=3)
    palette = sequential_colors(3)
    assert (
        facecolours(ax, "jsna-choropleth") == [palette[0]] * 2 + [palette[1]] * 2 + [palette[2]] * 2
    )
    assert legend_texts(ax) == ["1.00 to 2.67", "2.67 to 4.33", "4.33 to 6.00"]
    assert ax.get_legend().get_title().get_text() == "Rate per 1,000"
    legend_colours = [to_hex(h.get_facecolor()) for h in ax.get_legend().legend_handles]
    assert legend_colours == palette
    assert not by_gid(ax, "jsna-no-data") and not by_gid(ax, "jsna-suppressed")


def test_missing_and_suppressed_wards_are_styled_and_explained(squares):
    wards = squares.assign(
        value=[1.0, np.nan, 3.0, 4.0, np.nan, 6.0], small=[False, False, False, True, False, False]
    )
    ax = ward_map(wards, "value", legend_title="Rate per 1,000", k=2, suppressed_column="small")
    (missing,) = by_gid(ax, "jsna-no-data")
    (suppressed,) = by_gid(ax, "jsna-suppressed")
    assert len(missing.get_paths()) == 2 and missing.get_hatch() == NO_DATA.hatch
    assert len(suppressed.get_paths()) == 1 and suppressed.get_hatch() == SUPPRESSED.hatch
    assert NO_DATA.hatch != SUPPRESSED.hatch
    assert {to_hex(c) for c in missing.get_facecolor()} == {NO_DATA.facecolor.lower()}
    assert len(by_gid(ax, "jsna-choropleth")[0].get_paths()) == 3
    assert legend_texts(ax)[-2:] == ["No data", "Suppressed (small numbers)"]
    handles = ax.get_legend().legend_handles
    assert [h.get_hatch() for h in handles[-2:]] == [NO_DATA.hatch, SUPPRESSED.hatch]


def test_suppressed_values_do_not_set_the_classes(squares):
    wards = squares.assign(value=[1.0, 2.0, 3.0, 4.0, 5.0, 1000.0], small=[False] * 5 + [True])
    ax = ward_map(
        wards, "value", legend_title="Rate", scheme="equal_interval", k=2, suppressed_column="small"
    )
    assert legend_texts(ax)[:2] == ["1 to 3", "3 to 5"]


def test_input_in_another_crs_is_reprojected_and_not_changed(sefton_lonlat):
    wards = sefton_lonlat.assign(rate=np.arange(len(sefton_lonlat), dtype=float))
    before = wards.copy()
    ax = ward_map(wards, "rate", legend_title="Rate per 1,000")
    x0, x1 = ax.get_xlim()
    assert 320000 < x0 < x1 < 350000  # British National Grid eastings, not degrees
    pd.testing.assert_frame_equal(wards, before)
    assert wards.crs.to_epsg() == 4326


def test_no_crs_is_an_error(squares):
    with pytest.raises(GeographyError, match=r"gdf has no CRS.*set_crs\(27700\)"):
        ward_map(squares.set_crs(None, allow_override=True), "value", legend_title="Rate")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"legend_title": ""}, "legend_title is empty"),
        ({"legend_title": "Rate", "column": "nope"}, "column='nope' is not a column"),
        ({"legend_title": "Rate", "column": "name"}, "column='name' is not numeric"),
        ({"legend_title": "Rate", "suppressed_column": "name"}, "must be True/False"),
        ({"legend_title": "Rate", "labels": "name", "label_style": "big"}, "label_style='big'"),
    ],
)
def test_bad_arguments_name_the_argument(squares, kwargs, message):
    kwargs = {"column": "value", **kwargs}
    with pytest.raises(DataValidationError, match=message):
        ward_map(squares, **kwargs)


def test_stamp_attribution_scale_bar_and_north_arrow(squares):
    ax = ward_map(
        squares,
        "value",
        legend_title="Rate",
        synthetic=True,
        attribution=ATTRIBUTION,
        north_arrow=True,
    )
    (stamp,) = by_gid(ax, "jsna-synthetic-stamp")
    assert stamp.get_text() == SYNTHETIC_TEXT
    (attribution,) = by_gid(ax, "jsna-attribution")
    # one source text, labelled once, as the documents print it
    assert attribution.get_text().replace("\n", " ") == (
        "Source: Contains OS data © Crown copyright and database right 2025. Office for National "
        "Statistics licensed under the Open Government Licence v.3.0."
    )
    scale_text = [a.get_text() for a in by_gid(ax, "jsna-scale-bar") if hasattr(a, "get_text")]
    assert scale_text == ["1 km"]  # the squares span 6 km: a quarter, rounded down to 1, 2 or 5
    assert by_gid(ax, "jsna-north-arrow")[0].get_text() == "N"
    assert by_gid(ax, "jsna-outline")
    # the stamp and attribution sit under the map, the stamp first
    renderer = ax.figure.canvas.get_renderer()
    map_box = ax.get_window_extent(renderer)
    assert stamp.get_window_extent(renderer).y1 <= map_box.y0
    assert attribution.get_window_extent(renderer).y1 <= stamp.get_window_extent(renderer).y0


def test_no_stamp_unless_synthetic(squares):
    ax = ward_map(squares, "value", legend_title="Rate", scale_bar=False)
    assert not by_gid(ax, "jsna-synthetic-stamp")
    assert not by_gid(ax, "jsna-scale-bar")
    assert SYNTHETIC_TEXT not in all_text(ax.figure)


def test_fixed_bins_keep_colours_and_legend_across_years(squares):
    bins = [2.5, 4.5, np.inf]
    first = ward_map(squares, "value", legend_title="Rate", scheme="user_defined", bins=bins)
    later = ward_map(
        squares.assign(value=squares["value"] + 1),
        "value",
        legend_title="Rate",
        scheme="user_defined",
        bins=bins,
    )
    assert legend_texts(first) == legend_texts(later) == ["up to 2.5", "2.5 to 4.5", "over 4.5"]
    # ward B is 2 in the first year and 3 in the later one: it moves up a class, C (3 -> 4) stays
    first_colours, later_colours = (
        facecolours(first, "jsna-choropleth"),
        facecolours(later, "jsna-choropleth"),
    )
    assert first_colours[1] != later_colours[1]
    assert first_colours[2] == later_colours[2]


def test_draws_into_a_given_axes(squares):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2)
    assert ward_map(squares, "value", ax=right, legend_title="Rate") is right
    assert not left.collections


# ---------------------------------------------------------------- significance


def test_significance_map_colours_hatches_and_legend(squares):
    wards = squares.assign(vs=["Better", "similar", "WORSE", "Not compared", None, "Better"])
    ax = significance_map(wards, "vs", legend_title="Compared with England (95% CI)")
    for key, n in [("better", 2), ("similar", 1), ("worse", 1), ("not-compared", 1)]:
        (collection,) = by_gid(ax, f"jsna-significance-{key}")
        style = SIGNIFICANCE[key.replace("-", " ")]
        assert len(collection.get_paths()) == n
        assert {to_hex(c) for c in collection.get_facecolor()} == {style.facecolor.lower()}
        assert (collection.get_hatch() or "") == style.hatch
    assert legend_texts(ax) == ["Better", "Similar", "Worse", "Not compared", "No data"]
    hatches = [h.get_hatch() or "" for h in ax.get_legend().legend_handles]
    # every class but "Similar" carries a hatch, and no two hatches are alike
    assert hatches == ["..", "", "xx", "o", "////"]
    assert ax.get_legend().get_title().get_text().startswith("Compared with England")


def test_significance_colours_are_fingertips():
    colours = {k: v.facecolor for k, v in SIGNIFICANCE.items()}
    assert colours == {
        "better": "#92D050",
        "similar": "#FFC000",
        "worse": "#C00000",
        "higher": "#BED2FF",
        "lower": "#5555E6",
        "not compared": "#C9C9C9",
    }
    cues = [s.hatch for s in SIGNIFICANCE.values()] + [NO_DATA.hatch, SUPPRESSED.hatch]
    assert len(set(cues)) == len(cues)


def test_significance_map_refuses_unknown_classes(squares):
    wards = squares.assign(vs=["Better", "Good", "Worse", "Bad", "Better", "Better"])
    with pytest.raises(DataValidationError, match=r"'Good', 'Bad' \(2 in all\)"):
        significance_map(wards, "vs", legend_title="Compared with England")


# ---------------------------------------------------------------- small multiples


def test_small_multiples_share_classes(squares):
    wards = squares.assign(y2023=[1.0, 2, 3, 4, 5, 6], y2024=[6.5, 7, 8, 9, 10, np.nan])
    fig = small_multiples(
        wards,
        ["y2023", "y2024"],
        legend_title="Rate per 1,000",
        k=2,
        titles=["2023", "2024"],
        synthetic=True,
        attribution=ATTRIBUTION[0],
    )
    first, second = fig.axes
    assert [first.get_title(loc="left"), second.get_title(loc="left")] == ["2023", "2024"]
    # the pooled median of both years is 6: 2023 is all light, 2024 all dark
    low, high = sequential_colors(2)
    assert facecolours(first, "jsna-choropleth") == [low] * 6
    assert facecolours(second, "jsna-choropleth") == [high] * 5
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["1 to 6", "6 to 10", "No data"]
    assert first.get_legend() is None
    assert by_gid(first, "jsna-scale-bar") and not by_gid(second, "jsna-scale-bar")  # one scale bar
    assert SYNTHETIC_TEXT in all_text(fig) and ATTRIBUTION[0] in all_text(fig)


def test_small_multiples_from_a_long_frame(squares):
    import pandas as pd

    long = pd.concat(
        [
            squares.assign(period="2024/25", value=squares["value"] * 2),
            squares.assign(period="2023/24"),
        ]
    )
    fig = small_multiples(long, facet="period", value="value", legend_title="Rate", k=3)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["2023/24", "2024/25"]
    with pytest.raises(DataValidationError, match="either columns="):
        small_multiples(long, ["value"], facet="period", value="value", legend_title="Rate")


# ---------------------------------------------------------------- real wards and labels


def test_sefton_wards_named_without_overlaps(sefton):
    wards = sefton.assign(rate=np.linspace(100, 900, len(sefton)))
    ax = ward_map(
        wards, "rate", legend_title="Rate per 100,000", labels="WD25NM", attribution=ATTRIBUTION
    )
    labels = by_gid(ax, "jsna-ward-label")
    assert len(sefton) == 22
    assert sorted(t.get_text() for t in labels) == sorted(sefton["WD25NM"])
    renderer = ax.figure.canvas.get_renderer()
    assert overlaps(labels, renderer) == []
    # every label stays inside the map
    map_box = ax.get_window_extent(renderer)
    for text in labels:
        box = text.get_window_extent(renderer)
        assert map_box.x0 <= box.x0 and box.x1 <= map_box.x1
    assert not by_gid(ax, "jsna-label-key")
    # nothing written under the map runs into the legend or off the page width
    legend_box = ax.get_legend().get_window_extent(renderer)
    assert not legend_box.overlaps(by_gid(ax, "jsna-attribution")[0].get_window_extent(renderer))


def test_liverpool_64_wards_get_numbers_and_a_key(liverpool):
    wards = liverpool.assign(rate=np.linspace(100, 900, len(liverpool)))
    ax = ward_map(
        wards,
        "rate",
        legend_title="Rate per 100,000",
        labels="WD25NM",
        synthetic=True,
        attribution=ATTRIBUTION,
    )
    labels = by_gid(ax, "jsna-ward-label")
    assert len(liverpool) == 64
    assert sorted(int(t.get_text()) for t in labels) == list(range(1, 65))
    renderer = ax.figure.canvas.get_renderer()
    assert overlaps(labels, renderer) == []
    keys = by_gid(ax, "jsna-label-key")
    lines = [line for key in keys for line in key.get_text().splitlines()]
    names = sorted(liverpool["WD25NM"])
    assert lines == [f"{i}  {name}" for i, name in enumerate(names, start=1)]
    # the key columns, the stamp and the attribution do not overlap one another
    under = [*keys, *by_gid(ax, "jsna-synthetic-stamp"), *by_gid(ax, "jsna-attribution")]
    assert overlaps(under, renderer) == []
    figure_width = ax.figure.get_figwidth() * ax.figure.dpi
    assert max(t.get_window_extent(renderer).x1 for t in under) <= figure_width


def test_liverpool_numbers_on_request_and_significance(liverpool):
    classes = np.array(["Better", "Similar", "Worse", "Higher", "Lower", "Not compared"])
    wards = liverpool.assign(vs=classes[np.arange(len(liverpool)) % 6])
    ax = significance_map(
        wards, "vs", legend_title="Compared with England", labels="WD25NM", label_style="numbers"
    )
    assert legend_texts(ax) == ["Better", "Similar", "Worse", "Higher", "Lower", "Not compared"]
    assert len(by_gid(ax, "jsna-ward-label")) == 64


def test_crowded_52_ward_map_labels_never_overlap(cheshire_east):
    import shapely

    wards = cheshire_east.assign(rate=np.linspace(100, 900, len(cheshire_east)))
    ax = ward_map(wards, "rate", legend_title="Rate per 100,000", labels="WD25NM")
    renderer = ax.figure.canvas.get_renderer()
    labels = by_gid(ax, "jsna-ward-label")
    assert len(labels) == len(cheshire_east) == 52
    assert sorted(int(t.get_text()) for t in labels) == list(range(1, 53))
    # the towns (Crewe, Macclesfield, Wilmslow) are crowded, yet no two numbers touch
    assert overlaps(labels, renderer) == []
    # nor do they cover the scale bar, or leave the map
    bar = [a.get_window_extent(renderer) for a in by_gid(ax, "jsna-scale-bar")]
    map_box = ax.get_window_extent(renderer)
    for text in labels:
        box = text.get_window_extent(renderer)
        assert not any(box.overlaps(b) for b in bar)
        assert map_box.x0 <= box.x0 and box.x1 <= map_box.x1
        assert map_box.y0 <= box.y0 and box.y1 <= map_box.y1
    # a number outside its own ward has a leader line to it; the others sit in their ward
    names = sorted(cheshire_east["WD25NM"])
    polygon = dict(zip(cheshire_east["WD25NM"], cheshire_east.geometry, strict=True))
    outside = [
        t
        for t in labels
        if not polygon[names[int(t.get_text()) - 1]].contains(shapely.Point(t.get_position()))
    ]
    leaders = by_gid(ax, "jsna-label-leader")
    assert len(leaders) == len(outside) < 10
    # the same map twice places the labels identically (no randomness)
    again = ward_map(wards, "rate", legend_title="Rate per 100,000", labels="WD25NM")
    assert [t.get_position() for t in by_gid(again, "jsna-ward-label")] == [
        t.get_position() for t in labels
    ]


def test_names_that_cannot_fit_switch_to_numbers_or_warn():
    import geopandas as gpd
    import shapely

    # 30 wards in a row, each named in 60 characters: a map 2.5 in high holds one
    # column of about 16 such names, so they cannot all be written without overlaps
    wards = gpd.GeoDataFrame(
        {"name": [f"Ward {i:02d} " + "with a very long name indeed " * 2 for i in range(30)]},
        geometry=[shapely.box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(30)],
        crs=27700,
    ).assign(value=np.arange(30.0))
    ax = ward_map(wards, "value", legend_title="Rate", labels="name")
    assert sorted(int(t.get_text()) for t in by_gid(ax, "jsna-ward-label")) == list(range(1, 31))
    assert by_gid(ax, "jsna-label-key")
    with pytest.warns(UserWarning, match="ward labels still overlap or leave the map"):
        ax = ward_map(wards, "value", legend_title="Rate", labels="name", label_style="names")
    assert len(by_gid(ax, "jsna-ward-label")) == 30
    assert not by_gid(ax, "jsna-label-key")


def test_holes_stay_holes_and_points_are_refused(squares):
    import shapely

    ring = shapely.Polygon(
        [(0, 0), (0, 3000), (3000, 3000), (3000, 0)],
        [[(1000, 1000), (2000, 1000), (2000, 2000), (1000, 2000)]],
    )
    wards = squares.iloc[:1].set_geometry([ring], crs=27700)
    ax = ward_map(wards, "value", legend_title="Rate", scheme="user_defined", bins=[10])
    (path,) = by_gid(ax, "jsna-choropleth")[0].get_paths()
    starts = np.flatnonzero(path.codes == path.MOVETO)
    rings = np.split(path.vertices, starts[1:])

    def signed_area(xy):
        x, y = xy[:, 0], xy[:, 1]
        return 0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])

    outer, hole = (signed_area(r) for r in rings)
    assert outer == pytest.approx(9e6) and hole == pytest.approx(-1e6)  # opposite windings
    with pytest.raises(DataValidationError, match="'Point'.*polygons"):
        ward_map(squares.set_geometry(squares.centroid), "value", legend_title="Rate")
