"""Life expectancy by ward and by deprivation decile (jsna.analysis.mortality)."""

from __future__ import annotations

import warnings

import pytest

from jsna.analysis.mortality import area_life_expectancy
from jsna.exceptions import DataValidationError
from jsna.io.datapack import DataPack
from jsna.meta import meta, note


@pytest.fixture(scope="module")
def demo_pack():
    from jsna.config import project_paths
    from jsna.demo.pack import DEMO_AREA_CODE, ensure_demo_pack

    return DataPack.open(ensure_demo_pack(project_paths().demo_pack)), DEMO_AREA_CODE


def test_deciles_and_gap(demo_pack):
    pack, area = demo_pack
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        le = area_life_expectancy(pack, area, by="imd_decile", confidence=0.95)
    assert le.groupby("sex").size().to_dict() == {"Female": 10, "Male": 10}
    assert (le["lower_ci95"] < le["value"]).all() and (le["value"] < le["upper_ci95"]).all()
    gap = {row["sex"]: row for row in meta(le, "gap")}
    assert set(gap) == {"Female", "Male"}
    for sex, row in gap.items():
        part = le[le["sex"] == sex].set_index("group")
        assert (row["most_deprived_decile"], row["least_deprived_decile"]) == (1, 10)
        assert row["most_deprived_le"] == pytest.approx(part.loc[1, "value"])
        assert row["gap_years"] == pytest.approx(part.loc[10, "value"] - part.loc[1, "value"])
    # the demo plants a steep gradient: men about 10 years, women about 7.6
    assert gap["Male"]["gap_years"] == pytest.approx(9.95, abs=0.01)
    assert gap["Female"]["gap_years"] == pytest.approx(7.63, abs=0.01)
    assert note(le).startswith(
        "Deaths 2019-2023 (5 years) with person-years taken as the population"
    )


def test_wards_and_person_years(demo_pack):
    pack, area = demo_pack
    le = area_life_expectancy(pack, area, by="ward", confidence=0.95)
    assert le["group"].nunique() == 22 and set(le["sex"]) == {"Female", "Male"}
    assert le["value"].between(70, 90).all()
    # person-years are the population times the five years of deaths
    from jsna.analysis.population import lsoa_population

    pop = lsoa_population(pack, area)
    assert le["person_years"].sum() == pytest.approx(5 * pop["population"].sum())
    assert meta(le, "gap") is None


def test_bad_grouping(demo_pack):
    pack, area = demo_pack
    with pytest.raises(DataValidationError, match="give 'ward' or 'imd_decile'"):
        area_life_expectancy(pack, area, by="msoa")


def test_mortality_counts_keep_every_death_and_person_year(demo_pack):
    import numpy as np

    from jsna.analysis.mortality import mortality_counts

    pack, area = demo_pack
    total = pack.read("deaths.lsoa")["deaths"].sum()
    by = {g: mortality_counts(pack, area, by=g) for g in ("area", "ward", "local_quintile")}
    for grouping, counts in by.items():
        assert counts["deaths"].sum() == total, grouping
        assert sorted(counts["age_band"].unique()) == [0, 1, *range(5, 95, 5)]
    # person-years: the population (mid-2022) times the 5 years of 2019-2023
    area_counts = by["area"]
    if "cause_group" in area_counts:  # every cause on every cell: count the people once
        area_counts = area_counts[area_counts["cause_group"] == area_counts["cause_group"].iloc[0]]
    assert area_counts["population"].sum() == pytest.approx(225_079 * 5)
    assert meta(by["area"], "period") == "2019-2023"
    quintiles = by["local_quintile"]
    if "cause_group" in quintiles:
        quintiles = quintiles[quintiles["cause_group"] == quintiles["cause_group"].iloc[0]]
    sizes = quintiles.groupby("group")["population"].sum()
    assert len(sizes) == 5 and np.ptp(sizes) / sizes.mean() < 0.3  # fifths of the LSOAs
    with pytest.raises(DataValidationError, match="by='msoa'"):
        mortality_counts(pack, area, by="msoa")


def test_ward_le_against_the_authority_matches_the_ward_life_tables(demo_pack):
    from jsna.analysis.mortality import ward_le_significance

    pack, area = demo_pack
    wards, whole = ward_le_significance(pack, area)
    reference = area_life_expectancy(pack, area, by="ward", confidence=0.95)
    merged = wards.merge(reference, on=["group", "sex"], suffixes=("", "_ref"))
    assert len(merged) == 44
    assert (merged["value"] - merged["value_ref"]).abs().max() < 1e-9
    for sex in ("Female", "Male"):
        part = wards[wards["sex"] == sex]
        bench = whole.loc[whole["sex"] == sex, "value"].iloc[0]
        worse = part["upper_ci95"] < bench
        better = part["lower_ci95"] > bench
        assert (part["vs_area"] == "Worse").tolist() == worse.tolist()
        assert (part["vs_area"] == "Better").tolist() == better.tolist()
        assert part["population"].sum() == pytest.approx(
            whole.loc[whole["sex"] == sex, "population"].iloc[0]
        )


def test_compare_with_benchmark_polarity_and_errors():
    import pandas as pd

    from jsna.analysis.mortality import compare_with_benchmark

    df = pd.DataFrame({"value": [5.0, 3.0], "lower_ci95": [4.5, 2.0], "upper_ci95": [5.5, 3.5]})
    assert compare_with_benchmark(df, 4.0, polarity="low is good").tolist() == [
        "Worse",
        "Better",
    ]
    assert compare_with_benchmark(df, 3.2).tolist() == ["Better", "Similar"]
    assert compare_with_benchmark(df, [4.0, 3.6], polarity="no judgement").tolist() == [
        "Higher",
        "Lower",
    ]
    with pytest.raises(DataValidationError, match="polarity='up'"):
        compare_with_benchmark(df, 4.0, polarity="up")


def test_broad_age_groups_cover_every_band():
    from jsna.analysis.mortality import broad_age_groups

    groups = broad_age_groups([0, 1, *range(5, 95, 5)])
    assert list(groups.value_counts()) == [5, 4, 4, 3, 4]


def test_local_health_lsoa_real_liverpool(shared_data, tmp_path, monkeypatch):
    import numpy as np

    from jsna.analysis.geography import hierarchy
    from jsna.analysis.mortality import has_local_health_msoa, local_health_by, local_health_lsoa

    monkeypatch.setenv("JSNA_ALLOW_OUTSIDE", str(shared_data))
    pack_dir = tmp_path / "pack"
    pack_dir.mkdir()
    (pack_dir / "datapack.toml").write_text(
        "[pack]\nname = 'Local Health test'\nsynthetic = false\nareas = ['E08000012']\n"
        + "".join(
            f"\n[[file]]\nrole = '{role}'\npath = '{shared_data / path}'\n{extra}"
            for role, path, extra in (
                ("lookup.lsoa_ward_lad", "lookups/LSOA21_WD24_LAD24_EW_LU.csv", ""),
                ("lookup.lsoa11_lsoa21", "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv", ""),
                ("population.lsoa", "population/Mid-2020_Persons_LSOA11_CheshireMerseyside.csv",
                 "vintage = 'mid-2020, LSOA11, persons'\n"),
                ("boundaries.msoa", "boundaries/msoa21/E08000012.geojson", ""),
                ("indicators.local_health", "local_health/msoa_raw.csv",
                 "level = 'msoa'\nperiod = '2015-2019'\n"),
            )
        )
    )  # fmt: skip
    pack = DataPack.open(pack_dir)
    assert has_local_health_msoa(pack)
    values = local_health_lsoa(pack, "E08000012")
    assert len(values) == len(hierarchy(pack, "E08000012")) == 302
    assert values["msoa_code"].nunique() == 61
    # SOURCES.md: Local Health MSOA male LE ranges 69.6-85.0 in C&M; 'N/A' values stay NaN
    assert values["le_male"].max() == pytest.approx(85.0)
    assert 0 < values["le_male"].isna().sum() < 20
    assert meta(values, "period") == "2015-2019"
    # one group: the population-weighted mean over LSOAs with a value
    one = local_health_by(values, values[["lsoa21_code"]].assign(group="all"))
    ok = values["le_female"].notna()
    expected = np.average(values.loc[ok, "le_female"], weights=values.loc[ok, "population"])
    assert one["le_female"].iloc[0] == pytest.approx(expected)
    assert one["population"].iloc[0] == pytest.approx(values["population"].sum())


def test_mortality_counts_by_cause_keep_deaths_without_a_cause(demo_pack):
    import numpy as np

    from jsna.analysis.mortality import UNKNOWN_CAUSE, mortality_counts

    pack, area = demo_pack
    deaths = pack.read("deaths.lsoa")
    causes = np.where(np.arange(len(deaths)) % 3 == 0, "Cancer", "Circulatory diseases")
    deaths["cause_group"] = pd_series_with_gaps(causes)
    counts = mortality_counts(pack, area, by="area", deaths=deaths)
    assert counts["deaths"].sum() == deaths["deaths"].sum()
    assert set(counts["cause_group"]) == {"Cancer", "Circulatory diseases", UNKNOWN_CAUSE}
    # every cell has every cause, each with the cell's whole population
    per_cell = counts.groupby(["sex", "age_band"])["population"].agg(["size", "nunique"])
    assert (per_cell["size"] == 3).all() and (per_cell["nunique"] == 1).all()


def pd_series_with_gaps(values):
    import pandas as pd

    out = pd.Series(values, dtype=object)
    out.iloc[::7] = None
    return out
