"""The demo's Census 2021 tables: the Nomis layout, perturbed totals, gradients, by ward.

Synthetic data (``jsna.demo.census``); checked against what the real Nomis files are
like (``../shared/data/census2021/``, see its SOURCES.md): one total per table, categories
summing to it, totals of the same LSOA differing by a few people between tables.
"""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.census import census_topic
from jsna.demo.census import CENSUS_TABLES, GOOD_HEALTH_LOGIT, good_health_prevalence
from jsna.demo.pack import DEMO_AREA_CODE, FILES, N_LSOA, N_MSOA, pack_files
from jsna.io.datapack import DataPack


@pytest.fixture(scope="module")
def datapack(pack) -> DataPack:
    return DataPack.open(pack)


@pytest.fixture(scope="module")
def deprivation(pack_csv) -> pd.Series:
    imd = pack_csv("imd")
    decile = imd.filter(like="Decile").iloc[:, 0].astype(int)
    return pd.Series(decile.to_numpy(), index=imd.iloc[:, 0]).rename("decile")


def test_files_in_the_nomis_layout(pack_csv):
    for table, (level, total, headers) in CENSUS_TABLES.items():
        raw = pack_csv(f"census_{table.lower()}")
        assert raw.columns[:3].tolist() == ["date", "geography", "geography code"]
        assert raw.columns[3] == f"{total}; measures: Value"
        assert raw.columns[4:].tolist() == [f"{h}; measures: Value" for h in headers]
        assert len(raw) == (N_LSOA if level == "lsoa" else N_MSOA)
        assert (raw["date"] == "2021").all()
        counts = raw.iloc[:, 3:].astype(int)
        # level-1 categories (no third ": ") sum to the table's own total on every row
        level1 = [
            c for c in counts.columns[1:] if c.replace("; measures: Value", "").count(": ") == 1
        ]
        np.testing.assert_array_equal(counts[level1].sum(axis=1), counts.iloc[:, 0])


def test_lsoa_names_place_msoas(pack_csv):
    ts029 = pack_csv("census_ts029")
    lookup = pack_csv("lookup_best_fit")
    msoa_of_lsoa = set(lookup["LSOA21NM"].str[:-1])
    assert set(ts029["geography"]) == msoa_of_lsoa


def test_totals_differ_by_a_few_people_between_tables(datapack):
    totals = {
        t: datapack.read("census.lsoa", table=t)
        .drop_duplicates("lsoa21_code")
        .set_index("lsoa21_code")["total"]
        for t in ("TS021", "TS037", "TS038")
    }
    for a, b in (("TS021", "TS038"), ("TS021", "TS037"), ("TS037", "TS038")):
        diff = totals[a] - totals[b]
        assert diff.abs().max() <= 8
        assert (diff != 0).mean() > 0.5  # perturbed table by table, as ONS does


def test_deprivation_gradients(datapack, deprivation):
    def key(table, categories):
        f = datapack.read("census.lsoa", table=table)
        f = f[f["level"] == 1]
        got = f[f["category"].isin(categories)].groupby("lsoa21_code")["count"].sum()
        return got / f.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["total"]

    deprived_households = 1 - key("TS011", ["Household is not deprived in any dimension"])
    disabled = key("TS038", ["Disabled under the Equality Act"])
    bad = key("TS037", ["Bad health", "Very bad health"])
    carers = 1 - key("TS039", ["Provides no unpaid care"])
    white = key("TS021", ["White"])
    most = deprivation[deprivation <= 2].index
    least = deprivation[deprivation >= 9].index
    assert len(most) >= 10 and len(least) >= 10
    for share, gap in ((deprived_households, 0.15), (disabled, 0.04), (bad, 0.03), (carers, 0.01)):
        assert share[most].mean() - share[least].mean() > gap
        assert share.corr(-deprivation.reindex(share.index)) > 0.4
    assert white[least].mean() > white[most].mean()
    # plausible levels (England 2021: 17.3% disabled, 5.3% bad or very bad health, 8.9% carers)
    assert 0.12 < disabled.mean() < 0.35 and 0.02 < bad.mean() < 0.12
    assert 0.05 < carers.mean() < 0.15


def test_general_health_by_age_adds_up_to_ts037(datapack):
    by_age = datapack.read("census.health_age")
    assert set(by_age["sex"]) == {"Female", "Male"} and by_age["age_start"].nunique() == 18
    ts037 = datapack.read("census.lsoa", table="TS037")
    good = ts037[ts037["category"].isin(["Very good health", "Good health"])]
    ts037_share = (
        good.groupby("lsoa21_code")["count"].sum()
        / ts037.drop_duplicates("lsoa21_code").set_index("lsoa21_code")["total"]
    )
    sums = by_age.groupby("area_code")[["good", "total"]].sum()
    # two tables perturbed separately: the same shares within sampling, never identical
    assert (ts037_share - sums["good"] / sums["total"]).abs().max() < 0.06
    assert ts037_share.corr(sums["good"] / sums["total"]) > 0.8
    # good health falls with age, and the whole area's shares follow the planted logit
    area = by_age.groupby("age_start")[["good", "total"]].sum()
    share = area["good"] / area["total"]
    assert share.is_monotonic_decreasing
    assert 0.9 < share.iloc[0] < 0.99 and 0.25 < share.iloc[-1] < 0.55
    assert GOOD_HEALTH_LOGIT[1] < 0
    planted_least = good_health_prevalence(np.array([88.0]), np.array([0.0]), np.array([0]))
    assert share.iloc[-1] < planted_least[0]


def test_manifest_and_attribution(pack):
    manifest = tomllib.loads((pack / FILES["manifest"]).read_text(encoding="utf-8"))
    census = [f for f in manifest["file"] if f["role"].startswith("census.")]
    tables = {f["table"]: f["role"] for f in census if f["role"] != "census.health_age"}
    assert tables == {t: f"census.{level}" for t, (level, _, _) in CENSUS_TABLES.items()}
    assert all(f["attribution"].startswith("Synthetic data") for f in census)
    assert [f["role"] for f in census].count("census.health_age") == 1


def test_by_ward_and_msoa(datapack):
    for table, (level, _, _) in CENSUS_TABLES.items():
        result = census_topic(datapack, DEMO_AREA_CODE, table, f"census.{level}")
        assert result.level == ("ward" if level == "lsoa" else "msoa")
        expected = {"lsoa": None, "msoa": N_MSOA}[level]
        if expected:
            assert len(result.areas) == expected  # every MSOA placed by its LSOAs' names
        assert result.areas["key_share"].between(0, 100).all()
        assert np.isfinite(result.key_share)


def test_deterministic():
    a, b = pack_files(7), pack_files(7)
    keys = [FILES[k] for k in FILES if k.startswith("census_")]
    assert len(keys) == 7
    assert all(a[k] == b[k] for k in keys)
    assert a[keys[0]] != pack_files(8)[keys[0]]
