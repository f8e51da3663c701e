"""Recompute published Fingertips values and 95% limits from Count and Denominator.

Indicator 90284 (hospital admissions for injuries in children) is a crude rate per
10,000. Fingertips publishes its counts rounded to the nearest 5 for disclosure
control but computes the limits from the unrounded counts: those rows are found by
recomputing the limits from the counts 1 or 2 either side, which then match exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jsna.stats import crude_rate, intervals

# file: (rows with value and limits, matching as published, matching with the unrounded count)
HOSPITAL = {
    "la_hospital_admissions_2324.csv": (6787, 1741, 5046),
    "region_hospital_admissions_2324.csv": (6586, 1664, 4922),
}
VALUE, LOWER, UPPER = "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit"


def published(shared_data, name):
    data = pd.read_csv(shared_data / "fingertips" / name)
    keep = data[["Count", "Denominator", VALUE, LOWER, UPPER]].notna().all(axis=1)
    return data[keep].reset_index(drop=True)


def matches(actual, expected):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    return np.abs(actual - expected) <= 1e-6 * np.abs(expected)


@pytest.mark.parametrize("name", list(HOSPITAL))
def test_hospital_admissions_crude_rates(shared_data, name):
    rows, exact, rounded = HOSPITAL[name]
    data = published(shared_data, name)
    assert len(data) == rows
    out = crude_rate(data, "Count", "Denominator", multiplier=10_000, confidence=0.95)
    # the value is always the published count over the denominator
    assert matches(out["value"], data[VALUE]).all()
    as_published = matches(out["lower_ci95"], data[LOWER]) & matches(out["upper_ci95"], data[UPPER])
    assert as_published.sum() == exact
    # the rest: limits from an unrounded count 1 or 2 away from a published multiple of 5
    rest = data[~as_published]
    assert (rest["Count"] % 5 == 0).all()
    found = np.zeros(len(rest), dtype=bool)
    for shift in (-2, -1, 1, 2):
        shifted = crude_rate(
            rest.assign(Count=rest["Count"] + shift),
            "Count",
            "Denominator",
            multiplier=10_000,
            confidence=0.95,
        )
        found |= np.asarray(
            matches(shifted["lower_ci95"], rest[LOWER])
            & matches(shifted["upper_ci95"], rest[UPPER])
        )
    assert found.sum() == rounded == len(rest)


def test_legacy_campylobacter_export(shared_data):
    """Indicator 93356 (crude rate per 100,000), a 2020 export with older limit methods.

    The "All ages" rows use exact Poisson limits at every count and the "0-9 yrs" rows
    Byar's method with z rounded to 1.96 at every count; jsna's interval helpers reproduce
    both. (jsna's crude_rate, exact below 10 events and Byar's from 10 with the exact z,
    is the current Fingertips method, checked on the hospital admissions files above.)
    """
    data = published(shared_data, "indicators-CountyUA.data.csv")
    assert len(data) == 755
    out = crude_rate(data, "Count", "Denominator", multiplier=100_000, confidence=0.95)
    assert matches(out["value"], data[VALUE]).all()
    count, scale = data["Count"].to_numpy(), 100_000 / data["Denominator"].to_numpy()
    all_ages = (data["Age"] == "All ages").to_numpy()
    assert all_ages.sum() == 453 and (data.loc[~all_ages, "Age"] == "0-9 yrs").all()

    lower, upper = intervals.exact_poisson(count, 0.95)
    exact_ok = matches(lower * scale, data[LOWER]) & matches(upper * scale, data[UPPER])
    assert exact_ok[all_ages].all()

    z196 = float(2 * stats.norm.cdf(1.96) - 1)  # the confidence level whose z is exactly 1.96
    lower, upper = intervals.byars(count, z196)
    byars_ok = matches(lower * scale, data[LOWER]) & matches(upper * scale, data[UPPER])
    assert byars_ok[~all_ages].all()
    assert (exact_ok | byars_ok).sum() == 755
    # and crude_rate's current method agrees with neither for the small counts
    current = matches(out["lower_ci95"], data[LOWER]) & matches(out["upper_ci95"], data[UPPER])
    assert current.sum() == 71
