"""The demo deaths file: layout, totals, a plausible death rate, and causes from the records."""

from __future__ import annotations

import numpy as np

from jsna.demo.records import CAUSE_MIX


def test_deaths_file(pack_csv, truth):
    deaths = pack_csv("deaths")
    assert list(deaths.columns) == [
        "LSOA21CD",
        "sex",
        "age_band",
        "cause_group",
        "deaths",
        "period",
    ]
    assert deaths["age_band"].nunique() == 20 and set(deaths["period"]) == {"2019-2023"}
    assert list(deaths["cause_group"].unique()) == list(CAUSE_MIX)
    assert deaths["deaths"].astype(int).sum() == truth["deaths"]["total"]
    per_year = truth["deaths"]["total"] / 5 / truth["population"]["total"]
    assert 0.007 < per_year < 0.014


def test_deaths_by_cause_follow_the_planted_deprivation_tilt(pack_csv, truth):
    # respiratory deaths (planted log share ratio 0.9) are a larger share of deaths in the
    # more deprived LSOAs than dementia deaths (-0.5)
    deaths = pack_csv("deaths").assign(deaths=lambda d: d["deaths"].astype(int))
    imd = pack_csv("imd")
    rank = imd.set_index(imd.columns[0])[
        [c for c in imd.columns if c.startswith("Index of Multiple Deprivation (IMD) Rank")][0]
    ].astype(int)
    deaths["deprived"] = deaths["LSOA21CD"].map(rank) <= rank.median()
    old = deaths[deaths["age_band"].isin(["75-79", "80-84", "85-89", "90+"])]
    share = old.pivot_table(index="cause_group", columns="deprived", values="deaths", aggfunc="sum")
    share = share / share.sum()
    ratio = np.log(share[True] / share[False])
    assert ratio["Respiratory diseases"] > ratio["Dementia and Alzheimer's disease"] + 0.1
    gap = truth["deaths"]["cause_gap_by_national_imd_quintile"]
    for sex in ("Female", "Male"):
        assert abs(sum(gap[sex]["by_cause"].values()) - gap[sex]["gap"]) < 1e-4
        assert gap[sex]["by_cause"]["Respiratory diseases"] > 0


def test_life_expectancy_sums_the_causes(pack, tmp_path):
    # the cause split changes nothing for functions that need all-cause deaths: the same
    # pack with its deaths summed over causes gives the same life expectancy
    import shutil

    import pandas as pd
    from pandas.testing import assert_frame_equal

    from jsna.analysis.mortality import area_life_expectancy
    from jsna.demo.pack import DEMO_AREA_CODE, FILES
    from jsna.io.datapack import DataPack

    summed = tmp_path / "summed"
    shutil.copytree(pack, summed)
    deaths = pd.read_csv(pack / FILES["deaths"], dtype={"deaths": int})
    keys = ["LSOA21CD", "sex", "age_band", "period"]
    deaths.groupby(keys, sort=False, as_index=False)["deaths"].sum()[
        ["LSOA21CD", "sex", "age_band", "deaths", "period"]
    ].to_csv(summed / FILES["deaths"], index=False)
    for by in ("ward", "imd_decile"):
        with_causes = area_life_expectancy(DataPack.open(pack), DEMO_AREA_CODE, by=by)
        without = area_life_expectancy(DataPack.open(summed), DEMO_AREA_CODE, by=by)
        assert_frame_equal(with_causes, without)
        assert with_causes["value"].notna().sum() > 10
