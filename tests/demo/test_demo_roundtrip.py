"""The demo pack's files round-trip through the same readers as real data."""

from __future__ import annotations

import pytest

from jsna.analysis.geography import area_wards, hierarchy
from jsna.demo.pack import DEMO_AREA_CODE
from jsna.io.datapack import DataPack


@pytest.fixture(scope="module")
def pack(demo_pack):
    return DataPack.open(demo_pack)


def test_every_role_reads(pack):
    assert pack.synthetic is True
    assert pack.areas == [DEMO_AREA_CODE]
    for entry in pack.entries:
        frame = pack.read(
            entry.role, **{k: entry.get(k) for k in ("edition", "vintage", "level") if entry.get(k)}
        )
        assert len(frame) > 0, entry.role


def test_geography_and_population(pack):
    wards = area_wards(pack, DEMO_AREA_CODE)
    h = hierarchy(pack, DEMO_AREA_CODE)
    assert 20 <= len(wards) <= 25
    assert len(h) == 150 and h["wd25_code"].nunique() == len(wards)
    assert not wards["no_lsoa"].any()
    pop = pack.read("population.lsoa")
    assert pop.attrs["persons_only"] is False
    assert set(pop["lsoa21_code"]) == set(h["lsoa21_code"])
    imd = pack.read("imd")
    assert imd.attrs["edition"] == "IoD2025" and imd["imd_score"].notna().all()


def test_deaths_and_indicators(pack):
    deaths = pack.read("deaths.lsoa")
    assert deaths["age_band"].nunique() == 20 and (deaths["deaths"] >= 0).all()
    indicators = pack.read("indicators.fingertips")
    assert indicators["indicator_id"].nunique() >= 15
    per = (
        indicators[indicators["area_code"] == DEMO_AREA_CODE]
        .groupby("indicator_id")["period"]
        .nunique()
    )
    assert (per >= 10).all()
