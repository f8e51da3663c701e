"""The one proportion-or-rate rule (jsna.analysis.indicator_kind), on real-looking numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.indicator_kind import (
    MULTIPLIERS,
    implied_multiplier,
    indicator_kinds,
    kind_of_statistic,
    proportion_scale,
    value_kind,
)


def rows(count, denominator, value):
    return pd.DataFrame({"count": count, "denominator": denominator, "value": value}, dtype=float)


def test_multipliers_are_tried_smallest_first():
    assert MULTIPLIERS == (100.0, 1_000.0, 10_000.0, 100_000.0)


@pytest.mark.parametrize(
    ("count", "denominator", "value", "expected"),
    [
        # smoking at delivery: 312 of 2,417 maternities = 12.908...%
        ([312, 150], [2417, 1500], [12.9085643, 10.0], 100.0),
        # under-18 conceptions per 1,000 women aged 15-17: 95 / 5,210 = 18.234...
        ([95, 40], [5210, 4000], [18.2341651, 10.0], 1_000.0),
        # hospital admissions per 100,000: 1,234 / 275,899 = 447.265...
        ([1234, 800], [275899, 250000], [447.2651223, 320.0], 100_000.0),
        # life expectancy: not count / denominator x anything
        ([1234, 800], [275899, 250000], [79.4, 81.2], None),
    ],
)
def test_implied_multiplier(count, denominator, value, expected):
    assert implied_multiplier(rows(count, denominator, value)) == expected


def test_implied_multiplier_tolerates_published_rounding_of_one_in_a_thousand():
    # 12.91 is 12.9086 rounded to 2 places: within rtol 1e-3
    assert implied_multiplier(rows([312], [2417], [12.91])) == 100.0
    assert implied_multiplier(rows([312], [2417], [12.95])) is None


def test_implied_multiplier_needs_four_in_five_usable_rows():
    four_of_five = rows([1, 2, 3, 4, np.nan], [10, 10, 10, 10, 10], [10, 20, 30, 40, 50])
    assert implied_multiplier(four_of_five) == 100.0
    three_of_five = rows([1, 2, 3, np.nan, np.nan], [10] * 5, [10, 20, 30, 40, 50])
    assert implied_multiplier(three_of_five) is None
    zero_denominator = rows([1, 2], [0, 0], [10, 20])
    assert implied_multiplier(zero_denominator) is None


def test_value_kind():
    assert value_kind(rows([30, 45], [100, 300], [30.0, 15.0])) == ("proportion", 100.0)
    # per 100 but counts above the denominator (e.g. admissions per 100 people): a rate
    assert value_kind(rows([300, 45], [100, 300], [300.0, 15.0])) == ("rate", 100.0)
    # a row without a count cannot be checked against its denominator: a rate
    five = rows([1, 2, 3, 4, np.nan], [10] * 5, [10, 20, 30, 40, 50])
    assert value_kind(five) == ("rate", 100.0)
    assert value_kind(rows([5], [1000], [500.0])) == ("rate", 100_000.0)
    assert value_kind(rows([5], [1000], [79.4])) == (None, None)


def test_kind_of_statistic_and_proportion_scale():
    assert kind_of_statistic("percentage") == ("proportion", 100.0)
    assert kind_of_statistic("proportion of 1") == ("proportion", 1.0)
    assert kind_of_statistic("rate per 100,000") == ("rate", 1.0)
    assert proportion_scale("percentage", pd.Series([0.2, 0.4])) == 100.0
    assert proportion_scale("proportion of 1", pd.Series([0.2, 0.4])) == 1.0
    assert proportion_scale("as published", pd.Series([20.0, np.nan])) == 100.0


def test_indicator_kinds_per_indicator():
    frame = pd.DataFrame(
        {
            "indicator_id": [1, 1, 2, 2, 3],
            "count": [312.0, 150.0, 30.0, 45.0, np.nan],
            "denominator": [2417.0, 1500.0, 100.0, 300.0, np.nan],
            # indicator 2 has one value that is not 100 x count / denominator
            "value": [100 * 312 / 2417, 10.0, 30.0, 15.1, 79.4],
        }
    )
    assert indicator_kinds(frame).tolist() == ["proportion"] * 2 + ["rate"] * 3
    assert indicator_kinds(frame.drop(columns="count")).tolist() == ["rate"] * 5
