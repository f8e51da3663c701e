"""Life expectancy gaps by age and cause, SII and premature mortality, on planted frames."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.mortality import (
    england_gap,
    gap_decomposition,
    le_sii,
    premature_mortality,
    within_area_gap,
)
from jsna.stats.life_expectancy import life_expectancy

AGES = [0, 1, *range(5, 95, 5)]
LABELS = ["<1", "1-4", *[f"{a}-{a + 4}" for a in range(5, 90, 5)], "90+"]
M = 0.00005 * np.exp(0.085 * np.array(AGES, dtype=float))
CAUSES = {"circulatory": 0.3, "cancer": 0.3, "other": 0.4}
POP = 200_000.0


def population(extra: dict | None = None, pop=POP, sex="Male", **cols) -> pd.DataFrame:
    """Deaths by band and cause; ``extra`` = {cause: (first age, last age, added rate factor)}."""
    rows = []
    for name, share in CAUSES.items():
        rate = M * share
        if extra and name in extra:
            lo, hi, factor = extra[name]
            inside = (np.array(AGES) >= lo) & (np.array(AGES) <= hi)
            rate = rate + np.where(inside, M * factor, 0.0)
        rows.append(
            pd.DataFrame(
                {
                    "age_band": LABELS,
                    "sex": sex,
                    "cause": name,
                    "population": pop,
                    "deaths": rate * pop,
                    **cols,
                }  # fmt: skip
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_planted_circulatory_gap_at_50_to_74_is_recovered():
    # the most deprived fifth has extra circulatory deaths (half the all-cause rate) at 50-74
    df = pd.concat(
        [
            population({"circulatory": (50, 74, 0.5)}, imd_quintile=1),
            population(imd_quintile=3),
            population(imd_quintile=5),
        ],
        ignore_index=True,
    )
    out = within_area_gap(df, cause="cause")
    gap = out["gap"].iloc[0]
    all_cause = df.groupby(["imd_quintile", "age_band"], as_index=False, sort=False).agg(
        population=("population", "first"), deaths=("deaths", "sum")
    )
    le = life_expectancy(all_cause, "deaths", "population", by="imd_quintile", age_band="age_band")
    at_birth = le[le["age_band"] == "<1"].set_index("imd_quintile")["value"]
    assert gap == pytest.approx(at_birth[5] - at_birth[1], abs=1e-9)
    assert gap > 0.5
    assert out["contribution"].sum() == pytest.approx(gap, abs=1e-9)
    by_cause = out.groupby("cause")["contribution"].sum()
    assert by_cause["circulatory"] == pytest.approx(gap, abs=1e-9)
    assert abs(by_cause["cancer"]) < 1e-9 and abs(by_cause["other"]) < 1e-9
    by_age = out.groupby("age_band", sort=False)["contribution"].sum()
    planted = ["50-54", "55-59", "60-64", "65-69", "70-74"]
    assert by_age[planted].sum() == pytest.approx(gap, abs=1e-9)
    assert (by_age[planted] > 0).all()
    assert out["note"].isna().all()


def test_two_sexes_and_england_gap():
    area = pd.concat(
        [population({"cancer": (40, 89, 0.2)}), population(sex="Female")], ignore_index=True
    )
    england = pd.concat([population(pop=2e7), population(pop=2e7, sex="Female")], ignore_index=True)
    out = england_gap(area, england, cause="cause")
    men = out[out["sex"] == "Male"]
    women = out[out["sex"] == "Female"]
    assert men["gap"].iloc[0] > 0.3
    assert men.groupby("cause")["contribution"].sum()["cancer"] == pytest.approx(
        men["gap"].iloc[0], abs=1e-9
    )
    np.testing.assert_allclose(women["contribution"], 0, atol=1e-9)


def test_too_few_deaths_is_nan_with_a_warning():
    small = pd.concat(
        [population(pop=300.0, imd_quintile=1), population(pop=300.0, imd_quintile=5)],
        ignore_index=True,
    )
    small = small.groupby(["imd_quintile", "sex", "age_band"], as_index=False, sort=False).agg(
        population=("population", "first"), deaths=("deaths", "sum")
    )
    small["population"] = 10_000.0  # enough people for a life table, too few deaths (~91)
    small["deaths"] = small["deaths"] / 300 * 10_000 * 0.03
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = gap_decomposition(small, compare="imd_quintile", base=1, comparator=5)
    assert any("fewer than 100 deaths" in str(w.message) for w in caught)
    assert out["contribution"].isna().all() and out["gap"].isna().all()
    assert out["note"].str.contains("too few").all()


def test_sii_of_life_expectancy_recovers_a_planted_gradient():
    frames = []
    for d in range(1, 11):
        one = population(imd_decile=d)
        one["deaths"] *= 1.45 - 0.05 * d  # decile 1 most deprived: highest mortality
        frames.append(one)
    df = pd.concat(frames).groupby(["imd_decile", "sex", "age_band"], as_index=False, sort=False)
    df = df.agg(population=("population", "first"), deaths=("deaths", "sum"))
    le, s = le_sii(df, repetitions=1000)
    assert le["imd_decile"].tolist() == list(range(1, 11))
    assert le["value"].is_monotonic_increasing
    # equal populations: SII is the least-squares slope of LE on the rank midpoints
    rank = (np.arange(10) + 0.5) / 10
    slope = np.polyfit(rank, le["value"].to_numpy(), 1)[0]
    row = s[s["statistic"] == "sii"].iloc[0]
    assert row["value"] == pytest.approx(slope, rel=1e-9)
    assert row["lower_ci95"] < row["value"] < row["upper_ci95"]


def test_premature_mortality_by_cause():
    df = population({"circulatory": (50, 74, 0.5)})
    out = premature_mortality(df, cause="cause").set_index("cause")
    young = df[~df["age_band"].isin(["75-79", "80-84", "85-89", "90+"])]
    np.testing.assert_allclose(
        out["deaths"], young.groupby("cause")["deaths"].sum()[out.index], rtol=1e-12
    )
    assert out.loc["circulatory", "value"] > out.loc["cancer", "value"]
    assert (out["population"] == 16 * POP).all()  # the 0 and 1-4 rows make the 0-4 band
    # years of life lost by hand for cancer
    mid = np.array([0.5, 3.0, *[a + 2.5 for a in range(5, 75, 5)]])
    cancer = young[young["cause"] == "cancer"]["deaths"].to_numpy()
    assert out.loc["cancer", "years_of_life_lost"] == pytest.approx((cancer * (75 - mid)).sum())
