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
