"""Property-based checks of the interval verbs (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from jsna.stats import crude_rate, dsr, proportion
from jsna.stats.dsr import ESP2013

counts_and_denominators = st.integers(min_value=1, max_value=10**7).flatmap(
    lambda d: st.tuples(st.integers(min_value=0, max_value=d), st.just(d))
)
multipliers = st.sampled_from([1, 100, 1000, 100_000])
SETTINGS = settings(max_examples=200, deadline=None)


def frame(pairs):
    return pd.DataFrame({"n": [p[0] for p in pairs], "d": [p[1] for p in pairs]})


def check_limits(out, tolerance=1e-9):
    scale = np.maximum(np.abs(out["value"]), 1) * tolerance
    assert (out["lower_ci95"] <= out["value"] + scale).all()
    assert (out["value"] <= out["upper_ci95"] + scale).all()
    assert (out["lower_ci99_8"] <= out["lower_ci95"] + scale).all()
    assert (out["upper_ci95"] <= out["upper_ci99_8"] + scale).all()


@SETTINGS
@given(st.lists(counts_and_denominators, min_size=1, max_size=20), multipliers)
def test_proportion_limits_bracket_value_nest_and_stay_in_range(pairs, multiplier):
    out = proportion(frame(pairs), "n", "d", multiplier=multiplier)
    check_limits(out)
    for column in ["lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8"]:
        assert ((out[column] >= 0) & (out[column] <= multiplier)).all()


@SETTINGS
@given(st.lists(counts_and_denominators, min_size=1, max_size=20), multipliers)
def test_rate_limits_bracket_value_and_nest(pairs, multiplier):
    check_limits(crude_rate(frame(pairs), "n", "d", multiplier=multiplier))


@SETTINGS
@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=5000))
def test_limits_are_monotone_in_the_count(denominator, start):
    # with a fixed denominator the value and every limit rise with the count
    counts = np.arange(start, start + 40)
    fixed = pd.DataFrame({"n": counts, "d": float(denominator + 5040)})
    for out in (crude_rate(fixed, "n", "d"), proportion(fixed, "n", "d")):
        for column in ["value", "lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8"]:
            values = out[column].to_numpy()
            assert (np.diff(values) >= 0).all() and values[-1] > values[0], column


@SETTINGS
@given(
    st.lists(st.integers(min_value=0, max_value=500), min_size=19, max_size=19),
    st.lists(st.integers(min_value=1, max_value=10**5), min_size=19, max_size=19),
)
def test_dsr_limits_bracket_value_and_nest(counts, populations):
    df = pd.DataFrame({"band": list(ESP2013), "n": counts, "d": populations})
    if sum(counts) < 10:
        return
    out = dsr(df, "n", "d", by=None, age_band="band")
    check_limits(out, tolerance=1e-7)
