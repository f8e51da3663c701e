"""Charts: bar lengths, error bars, comparators, legends and units (properties, not pixels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.container import ErrorbarContainer

from jsna.exceptions import DataValidationError
from jsna.plots import (
    AF_CATEGORICAL,
    SIGNIFICANCE,
    age_profile,
    bars_by_quintile,
    population_pyramid,
    ranked_bars,
)
from jsna.plots.style import AF_FOCUS


def by_gid(ax, gid):
    return ax.findobj(lambda a: a.get_gid() == gid)


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.fixture
def population():
    return pd.DataFrame(
        {
            "age": ["0-19", "20-39", "40-59", "60-79", "80+"],
            "male": [200, 250, 300, 150, 100],
            "female": [190, 240, 310, 170, 90],
        }
    )


@pytest.fixture
def england(population):
    # twice as many people and a younger profile
    return population.assign(male=[500, 600, 500, 300, 100], female=[480, 560, 520, 340, 100])


@pytest.fixture
def quintiles():
    return pd.DataFrame(
        {
            "imd": [5, 3, 1, 2, 4],
            "rate": [400.0, 600.0, 900.0, 750.0, 450.0],
            "lo": [380.0, 570.0, 860.0, 710.0, 420.0],
            "hi": [420.0, 640.0, 950.0, 790.0, 480.0],
        }
    )


# ---------------------------------------------------------------- pyramid


def test_pyramid_shows_each_band_as_percent_of_everyone(population):
    ax = population_pyramid(population, age="age", male="male", female="female")
    males = [-float(p.get_width()) for p in by_gid(ax, "jsna-males")]
    females = [float(p.get_width()) for p in by_gid(ax, "jsna-females")]
    total = 2000
    assert males == pytest.approx([100 * m / total for m in population["male"]])
    assert females == pytest.approx([100 * f / total for f in population["female"]])
    assert sum(males) + sum(females) == pytest.approx(100)
    assert {to_hex(p.get_facecolor()) for p in by_gid(ax, "jsna-males")} == {
        AF_CATEGORICAL[0].lower()
    }
    assert ax.get_xlabel() == "Percentage of total population (%)"
    assert ax.get_ylabel() == "Age (years)"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(population["age"])
    # tick labels read as positive percentages on both sides
    ax.figure.canvas.draw()
    assert all(not t.get_text().startswith(("-", "−")) for t in ax.get_xticklabels())
    texts = {t.get_text() for t in ax.texts}
    assert {"Males", "Females"} <= texts


def test_pyramid_comparator_outline_is_its_own_percent(population, england):
    ax = population_pyramid(
        population,
        age="age",
        male="male",
        female="female",
        comparator=england,
        comparator_label="England 2023",
    )
    left, right = by_gid(ax, "jsna-comparator")
    total = england[["male", "female"]].to_numpy().sum()
    assert -left.get_data().values == pytest.approx(100 * england["male"] / total)
    assert right.get_data().values == pytest.approx(100 * england["female"] / total)
    assert legend_texts(ax) == ["England 2023"]
    # the axis is wide enough for the widest of both
    assert ax.get_xlim()[1] >= max(right.get_data().values.max(), 100 * 310 / 2000)


def test_pyramid_comparator_rows_are_matched_by_band(population, england):
    shuffled = england.iloc[::-1]
    ax = population_pyramid(
        population, age="age", male="male", female="female", comparator=shuffled
    )
    _, right = by_gid(ax, "jsna-comparator")
    total = england[["male", "female"]].to_numpy().sum()
    assert right.get_data().values == pytest.approx(100 * england["female"] / total)


def test_pyramid_counts(population):
    ax = population_pyramid(population, age="age", male="male", female="female", percent=False)
    assert ax.get_xlabel() == "Number of people"
    assert [float(p.get_width()) for p in by_gid(ax, "jsna-females")] == [190, 240, 310, 170, 90]


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (None, {"value_label": " "}, "value_label is empty"),
        (None, {"percent": False, "comparator": "england"}, "comparator= needs percent=True"),
        ({"male": [-1, 250, 300, 150, 100]}, {}, r"male='male' has negative values -1\.0"),
        ({"age": ["0-19", "0-19", "40-59", "60-79", "80+"]}, {}, "age='age' repeats '0-19'"),
        (None, {"male": "men"}, "male='men' is not a column"),
    ],
)
def test_pyramid_refuses_bad_input(population, england, change, kwargs, message):
    df = population.assign(**change) if change else population
    if kwargs.get("comparator") == "england":
        kwargs = {**kwargs, "comparator": england}
    arguments = {"age": "age", "male": "male", "female": "female", **kwargs}
    with pytest.raises(DataValidationError, match=message):
        population_pyramid(df, **arguments)


def test_pyramid_refuses_a_comparator_on_other_bands(population, england):
    other = england.assign(age=["0-19", "20-39", "40-59", "60-79", "80-84"])
    with pytest.raises(DataValidationError, match=r"missing '80\+'.*extra '80-84'"):
        population_pyramid(population, age="age", male="male", female="female", comparator=other)


def test_inputs_are_not_changed(population, england):
    before, before_england = population.copy(), england.copy()
    population_pyramid(population, age="age", male="male", female="female", comparator=england)
    pd.testing.assert_frame_equal(population, before)
    pd.testing.assert_frame_equal(england, before_england)


def test_age_profile(population, england):
    people = population.assign(people=population["male"] + population["female"])
    theirs = england.assign(people=england["male"] + england["female"])
    ax = age_profile(people, age="age", value="people", comparator=theirs)
    heights = [float(p.get_height()) for p in by_gid(ax, "jsna-population")]
    assert heights == pytest.approx(100 * people["people"] / 2000)
    (outline,) = by_gid(ax, "jsna-comparator")
    assert outline.get_data().values == pytest.approx(
        100 * theirs["people"] / theirs["people"].sum()
    )
    assert ax.get_ylabel() == "Percentage of population (%)"
    assert ax.get_xlabel() == "Age (years)"
    assert legend_texts(ax) == ["Population", "England"]


# ---------------------------------------------------------------- quintiles


def test_quintile_bars_are_ordered_with_their_intervals(quintiles):
    ax = bars_by_quintile(
        quintiles,
        quintile="imd",
        value="rate",
        lower="lo",
        upper="hi",
        value_label="Emergency admissions per 100,000 (age-standardised)",
        benchmark=650.0,
    )
    bars = by_gid(ax, "jsna-bars")
    assert [b.get_x() + b.get_width() / 2 for b in bars] == pytest.approx([1, 2, 3, 4, 5])
    assert [b.get_height() for b in bars] == [900.0, 750.0, 600.0, 450.0, 400.0]
    (errorbar,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    segments = errorbar.lines[2][0].get_segments()
    assert [tuple(s[:, 1]) for s in segments] == [
        (860, 950),
        (710, 790),
        (570, 640),
        (420, 480),
        (380, 420),
    ]
    (benchmark,) = by_gid(ax, "jsna-benchmark")
    assert benchmark.get_ydata()[0] == 650.0
    assert legend_texts(ax) == ["95% confidence interval", "England (650)"]
    assert (
        "100,000" in ax.get_ylabel() and "\n" in ax.get_ylabel()
    )  # long label wrapped, not clipped
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0].startswith("1") and "most" in labels[0] and "least" in labels[-1]
    assert ax.get_xlabel() == "Deprivation quintile (IMD)"


def test_quintile_missing_value_says_no_data(quintiles):
    ax = bars_by_quintile(
        quintiles.assign(
            rate=[400.0, np.nan, 900, 750, 450],
            lo=[380.0, np.nan, 860, 710, 420],
            hi=[420.0, np.nan, 950, 790, 480],
        ),
        quintile="imd",
        value="rate",
        lower="lo",
        upper="hi",
        value_label="Rate per 100,000",
    )
    assert [t.get_text() for t in ax.texts] == ["No data"]
    assert ax.texts[0].get_position()[0] == 3


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (None, {"value_label": ""}, "value_label is empty"),
        (
            {"imd": [1, 2, 3, 4, 6]},
            {},
            r"quintile='imd' has values 6 \(1 in all\) that are not 1 to 5",
        ),
        ({"imd": [1, 2, 3, 4, 4]}, {}, "repeats a quintile"),
        (
            {"lo": [380.0, 570, 960, 710, 420]},
            {},
            r"do not contain the value in rows 2 \(1 in all\)",
        ),
        (None, {"upper": None}, "give both lower= and upper="),
    ],
)
def test_quintile_bars_refuse_bad_input(quintiles, change, kwargs, message):
    df = quintiles.assign(**change) if change else quintiles
    arguments = {
        "quintile": "imd",
        "value": "rate",
        "lower": "lo",
        "upper": "hi",
        "value_label": "Rate per 100,000",
        **kwargs,
    }
    with pytest.raises(DataValidationError, match=message):
        bars_by_quintile(df, **arguments)


# ---------------------------------------------------------------- ranked bars


@pytest.fixture
def areas():
    return pd.DataFrame(
        {
            "area": ["Sefton", "Liverpool", "Wirral", "Knowsley"],
            "value": [12.0, 15.0, 11.0, 14.0],
            "lo": [11.0, 14.0, 10.0, 13.0],
            "hi": [13.0, 16.0, 12.0, 15.0],
            "vs": ["Similar", "Worse", "Better", None],
        }
    )


def test_ranked_bars_order_focus_and_reference(areas):
    ax = ranked_bars(
        areas,
        label="area",
        value="value",
        lower="lo",
        upper="hi",
        value_label="Prevalence (%)",
        highlight="Sefton",
        reference=13.1,
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Liverpool",
        "Knowsley",
        "Sefton",
        "Wirral",
    ]
    bars = by_gid(ax, "jsna-bars")
    assert [b.get_width() for b in bars] == [15.0, 14.0, 12.0, 11.0]
    assert [to_hex(b.get_facecolor()).upper() for b in bars] == [
        AF_FOCUS[1],
        AF_FOCUS[1],
        AF_FOCUS[0],
        AF_FOCUS[1],
    ]
    assert [t.get_fontweight() for t in ax.get_yticklabels()] == [
        "normal",
        "normal",
        "bold",
        "normal",
    ]
    (reference,) = by_gid(ax, "jsna-reference")
    assert reference.get_xdata()[0] == 13.1
    assert legend_texts(ax) == ["95% confidence interval", "England (13.1)"]
    assert ax.get_xlabel() == "Prevalence (%)"


def test_ranked_bars_significance_has_colour_hatch_and_legend(areas):
    ax = ranked_bars(
        areas,
        label="area",
        value="value",
        value_label="Prevalence (%)",
        significance="vs",
        sort="ascending",
    )
    bars = by_gid(ax, "jsna-bars")
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Wirral",
        "Sefton",
        "Knowsley",
        "Liverpool",
    ]
    expected = [SIGNIFICANCE[k] for k in ("better", "similar", "not compared", "worse")]
    assert [to_hex(b.get_facecolor()).upper() for b in bars] == [s.facecolor for s in expected]
    assert [b.get_hatch() or "" for b in bars] == [s.hatch for s in expected]
    assert legend_texts(ax) == ["Better", "Similar", "Worse", "Not compared"]
    assert ax.get_legend().get_title().get_text() == "Compared with England"


def test_ranked_bars_keeps_order_and_refuses_bad_input(areas):
    ax = ranked_bars(areas, label="area", value="value", value_label="Rate", sort=None)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(areas["area"])
    with pytest.raises(DataValidationError, match="value_label is empty"):
        ranked_bars(areas, label="area", value="value", value_label="")
    with pytest.raises(
        DataValidationError,
        match="significance='area' has classes 'Liverpool', 'Knowsley', 'Sefton'",
    ):
        ranked_bars(areas, label="area", value="value", value_label="Rate", significance="area")
    with pytest.raises(DataValidationError, match="sort='up'"):
        ranked_bars(areas, label="area", value="value", value_label="Rate", sort="up")
