"""The demo pack's files round-trip through the same readers as real data."""

from __future__ import annotations

import pytest

from jsna.analysis.geography import area_wards, hierarchy
from jsna.demo.pack import DEMO_AREA_CODE
from jsna.io.datapack import DataPack
from jsna.meta import meta


@pytest.fixture(scope="module")
def datapack(demo_pack):
    return DataPack.open(demo_pack)


def test_every_role_reads(datapack):
    assert datapack.synthetic is True
    assert datapack.areas == [DEMO_AREA_CODE]
    for entry in datapack.entries:
        frame = datapack.read(
            entry.role, **{k: entry.get(k) for k in ("edition", "vintage", "level") if entry.get(k)}
        )
        assert len(frame) > 0, entry.role


def test_geography_and_population(datapack):
    wards = area_wards(datapack, DEMO_AREA_CODE)
    h = hierarchy(datapack, DEMO_AREA_CODE)
    assert 20 <= len(wards) <= 25
    assert len(h) == 150 and h["wd25_code"].nunique() == len(wards)
    assert not wards["no_lsoa"].any()
    pop = datapack.read("population.lsoa")
    assert meta(pop, "persons_only") is False
    assert set(pop["lsoa21_code"]) == set(h["lsoa21_code"])
    imd = datapack.read("imd")
    assert meta(imd, "edition") == "IoD2025" and imd["imd_score"].notna().all()


def test_deaths_and_indicators(datapack):
    deaths = datapack.read("deaths.lsoa")
    assert deaths["age_band"].nunique() == 20 and (deaths["deaths"] >= 0).all()
    indicators = datapack.read("indicators.fingertips")
    assert indicators["indicator_id"].nunique() >= 15
    per = (
        indicators[indicators["area_code"] == DEMO_AREA_CODE]
        .groupby("indicator_id")["period"]
        .nunique()
    )
    assert (per >= 10).all()
