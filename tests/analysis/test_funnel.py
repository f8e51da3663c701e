"""Funnel plot data (jsna.analysis.funnel): positions, significance, limits, centre."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.funnel import LIMITS, REACH, TINY_LIST, funnel
from jsna.exceptions import DataValidationError
from jsna.stats import intervals
from jsna.stats.funnels import funnel_limits, funnel_significance

RATIOS = pd.DataFrame(
    {"name": ["A", "B", "C", "D"], "o": [60, 150, 40, 300], "e": [100.0, 180.0, 90.0, 350.0]}
)


def test_ratio_centre_positions_and_kinds():
    shape = funnel(RATIOS, "o", "e", statistic="ratio")
    # the units' own average: 550 observed / 720 expected
    assert shape.centre == pytest.approx(550 / 720)
    np.testing.assert_allclose(shape.points["x"], [100, 180, 90, 350])
    np.testing.assert_allclose(shape.points["y"], [0.6, 150 / 180, 40 / 90, 300 / 350])
    # significance is tested against the average, i.e. with E scaled by 550/720
    scaled = RATIOS.assign(_e=RATIOS["e"] * 550 / 720)
    want = funnel_significance(scaled, "o", "_e", statistic="ratio")["significance"].tolist()
    assert shape.points["significance"].tolist() == want
    assert shape.points["kind"].tolist() == ["Not significant"] * 2 + ["Low", "Not significant"]
    assert want[2] == "Low (0.001)"
    # by hand: C's expected count at the average (90 x 550/720 = 68.75) is above the 99.8% upper
    # limit of 40 observed; D's (267.36) just above the 95% lower limit of 300 observed (267.01)
    assert intervals.poisson(np.array([40.0]), 0.998)[1][0] < 68.75
    lower = intervals.poisson(np.array([300.0]), 0.95)[0][0]
    assert lower == pytest.approx(267.008, abs=1e-3) and lower < 350 * 550 / 720
    assert (shape.count("Low"), shape.count("High"), shape.count("Not significant")) == (1, 0, 3)
    assert shape.points["name"].tolist() == ["A", "B", "C", "D"]  # input columns kept


def test_ratio_limits_are_the_poisson_limits_around_the_centre():
    shape = funnel(RATIOS, "o", "e", statistic="ratio")
    centre = 550 / 720
    # the limits need only the range of expected cases: one more row at 1.3 x the largest
    scaled = RATIOS.assign(_e=RATIOS["e"] * centre)[["o", "_e"]]
    reach = pd.DataFrame({"o": [1.3 * 350 * centre], "_e": [1.3 * 350 * centre]})
    raw = funnel_limits(pd.concat([scaled, reach], ignore_index=True), "o", "_e", statistic="ratio")
    upper = shape.limits[shape.limits["limit"] == "upper_ci99_8"]
    x = raw["expected_upper_ci99_8"].to_numpy() / centre
    y = (raw["upper_ci99_8"].to_numpy() + 1) * centre
    keep = (x >= 45.0) & (x <= REACH * 350)  # half the smallest expected count (90) to 1.1 x 350
    order = np.argsort(x[keep])
    np.testing.assert_allclose(upper["x"], x[keep][order])
    np.testing.assert_allclose(upper["y"], y[keep][order])
    assert list(dict.fromkeys(shape.limits["limit"])) == list(LIMITS)
    for _, curve in shape.limits.groupby("limit"):
        assert curve["x"].min() >= 45.0 and curve["x"].is_monotonic_increasing
        # every curve reaches past the largest unit (350 expected), to 1.1 x it at most
        assert 350 < curve["x"].max() <= REACH * 350


def test_limits_do_not_depend_on_the_extension():
    # the upper 99.8% limit at 200 expected cases: the Poisson count whose 99.8% lower limit is
    # 200 x the average, over it (Fingertips method), the same with or without the extra row
    shape = funnel(RATIOS, "o", "e", statistic="ratio")
    lower = shape.limits[shape.limits["limit"] == "lower_ci95"]
    # at expected E (x the average), the 95% lower limit is (the count whose upper 95% Poisson
    # limit is E) / E: check one point of the curve against the exact interval
    e = lower["x"].to_numpy()[10] * shape.centre
    o = lower["y"].to_numpy()[10] / shape.centre * e
    assert intervals.poisson(np.array([o]), 0.95)[1][0] == pytest.approx(e, rel=1e-4)  # bisection


def test_proportion_centre_and_limits_in_percent():
    df = pd.DataFrame({"n": [30, 45, 60, 5], "d": [100, 150, 180, 100]})
    shape = funnel(df, "n", "d", statistic="proportion", min_size=0)
    assert shape.centre == pytest.approx(100 * 140 / 530)
    np.testing.assert_allclose(shape.points["y"], [30.0, 30.0, 100 * 60 / 180, 5.0])
    # 60 of 180 (33%) is above the 95% limit around 26.4%, 5 of 100 far below the 99.8% limit
    assert shape.points["kind"].tolist() == ["Not significant"] * 2 + ["High", "Low"]
    assert shape.points["significance"].tolist()[2:] == ["High (0.025)", "Low (0.001)"]
    lower = shape.limits[shape.limits["limit"] == "lower_ci95"]
    # the extra row at 1.3 x the largest list (234) sits at the average: it moves no limit
    reach = pd.DataFrame({"n": [234 * 140 / 530], "d": [234.0]})
    raw = funnel_limits(
        pd.concat([df, reach], ignore_index=True), "n", "d", statistic="proportion", multiplier=100
    )
    assert raw["baseline"].iloc[0] == pytest.approx(100 * 140 / 530)
    kept = (raw["denominator"] >= 50) & (raw["denominator"] <= 198)
    np.testing.assert_allclose(lower["y"], raw["lower_ci95"][kept])
    assert lower["x"].max() > 180


def test_rows_without_a_count_or_denominator_are_left_out():
    df = pd.DataFrame({"o": [10.0, np.nan, 12.0, 7.0], "e": [10.0, 5.0, 0.0, 8.0]})
    shape = funnel(df, "o", "e", statistic="ratio")
    assert shape.points["o"].tolist() == [10.0, 7.0]
    assert shape.centre == pytest.approx(17 / 18)


def test_bad_arguments():
    with pytest.raises(DataValidationError, match="give 'ratio' or 'proportion'"):
        funnel(RATIOS, "o", "e", statistic="rate")
    with pytest.raises(DataValidationError, match="denominator=.expected. is not a column"):
        funnel(RATIOS, "o", "expected", statistic="ratio")


def test_tiny_lists_are_set_aside_not_drawn():
    # the lists of 5 and 118 patients, among practices of usual size; 900 is tiny (PHE's
    # National General Practice Profiles include lists over 900), 901 is not
    df = pd.DataFrame(
        {
            "name": ["A", "Tiny", "B", "Small", "C", "Edge", "Over"],
            "n": [300, 0, 450, 8, 700, 90, 95],
            "d": [2000, 5, 3000, 118, 5000, 900, 901],
        }
    )
    assert TINY_LIST == 900
    shape = funnel(df, "n", "d", statistic="proportion")
    assert shape.points["name"].tolist() == ["A", "B", "C", "Over"]
    assert shape.tiny["name"].tolist() == ["Tiny", "Small", "Edge"]
    np.testing.assert_allclose(shape.tiny["y"], [0.0, 100 * 8 / 118, 10.0])
    # the average is of the practices drawn, and the limits start at half the smallest drawn list
    assert shape.centre == pytest.approx(100 * 1545 / 10901)
    assert shape.limits["x"].min() >= 450.5 and shape.min_size == 900
    # kept with min_size=0: the limits then reach down to 2.5 patients
    every = funnel(df, "n", "d", statistic="proportion", min_size=0)
    assert len(every.points) == 7 and every.tiny.empty and every.limits["x"].min() < 10


def test_ratio_funnels_set_tiny_lists_aside_by_their_list_size():
    df = RATIOS.assign(list_size=[1500, 118, 900, 4000])
    shape = funnel(df, "o", "e", statistic="ratio", size="list_size")
    assert shape.points["name"].tolist() == ["A", "D"] and shape.tiny["name"].tolist() == ["B", "C"]
    assert shape.centre == pytest.approx(360 / 450)
    np.testing.assert_allclose(shape.tiny["y"], [150 / 180, 40 / 90])
    # without a list size column nothing is set aside
    assert funnel(df, "o", "e", statistic="ratio").tiny.empty
    with pytest.raises(DataValidationError, match="no units to draw.*900 or fewer"):
        funnel(df.assign(list_size=50), "o", "e", statistic="ratio", size="list_size")
