"""Which practices and registers belong to an area (jsna.analysis.prevalence.recorded, gaps)."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.analysis.prevalence import (
    area_practices,
    authority_recorded,
    can_place_practices,
    model_rates,
    modelled_conditions,
    practice_recorded,
    shared_sub_icb_locations,
    supports_authority_gaps,
    supports_practice_gaps,
)
from jsna.exceptions import DataValidationError, GeographyError
from jsna.io.datapack import DataPack
from jsna.meta import meta, note

LOOKUP = pd.DataFrame(
    {
        "lsoa21_code": ["A1", "A2", "B1", "C1"],
        "lad24_code": ["LA", "LA", "LB", "LC"],
        "lad24_name": ["Aton", "Aton", "Beeby", "Ceeham"],
        "sicbl24_code": ["S1", "S1", "S1", "S2"],
    }
)
PATIENTS = pd.DataFrame(
    {
        "practice_code": ["P1", "P1", "P2", "P2", "P3", "P3", "P3"],
        "practice_name": ["ONE", "ONE", "TWO", "TWO", "THREE", "THREE", "THREE"],
        "lsoa21_code": ["A1", "B1", "A2", "B1", "A1", "B1", "C1"],
        "patients": [700.0, 300.0, 100.0, 900.0, 400.0, 350.0, 250.0],
    }
)


def test_area_practices_by_where_patients_live():
    # P1: 70% in LA; P2: 90% in LB although it shares sub-ICB location S1 with LA; P3: 40% in
    # LA, 35% LB, 25% LC (a plurality, not a majority)
    mine = area_practices(PATIENTS, LOOKUP, "LA")
    assert mine["practice_code"].tolist() == ["P1", "P3"]
    assert mine["share"].tolist() == [0.7, 0.4]
    assert mine["practice_name"].tolist() == ["ONE", "THREE"]
    assert area_practices(PATIENTS, LOOKUP, "LB")["practice_code"].tolist() == ["P2"]
    assert area_practices(PATIENTS, LOOKUP, "LC").empty


def test_practice_recorded_needs_patients_by_lsoa(real):
    # the real pack has QOF registers by practice but no patients by LSOA: no practice is placed
    # (Cheshire East's sub-ICB location 27D also covers Chester and Ellesmere Port)
    assert not can_place_practices(real)
    with pytest.raises(GeographyError, match="gp.lsoa_patients"):
        practice_recorded(real, "E06000049", "HYP")


@pytest.fixture(scope="module")
def real(shared_data):
    return DataPack.open(shared_data)


@pytest.fixture(scope="module")
def demo():
    from jsna.config import project_paths
    from jsna.demo.pack import DEMO_AREA_CODE, ensure_demo_pack

    return DataPack.open(ensure_demo_pack(project_paths().demo_pack)), DEMO_AREA_CODE


def test_practice_recorded_demo(demo):
    pack, area = demo
    hyp = practice_recorded(pack, area, "HYP")
    # the demo's 20 practices all have every registered patient living in the demo area
    assert len(hyp) == 20 and hyp["practice_code"].is_unique
    assert (hyp["share"] == 1.0).all()
    assert meta(hyp, "period") == "2022/23"
    assert "more of its registered patients live" in note(hyp)


def test_shared_sub_icb_locations(real, demo):
    shared = shared_sub_icb_locations(real, "E06000049")
    assert shared.to_dict("records") == [
        {
            "sicbl_code": "E38000233",
            "sicbl_ods": "27D",
            "authorities": ["Cheshire East", "Cheshire West and Chester"],
        }
    ]
    assert shared_sub_icb_locations(real, "E06000050")["sicbl_ods"].tolist() == ["27D"]
    assert shared_sub_icb_locations(real, "E08000014").empty
    assert shared_sub_icb_locations(real, "E08000012").empty
    assert shared_sub_icb_locations(*demo).empty


def test_authority_recorded(real):
    dem = authority_recorded(real, "DEM", ["E08000014", "E08000012"])
    assert dem["lad_code"].tolist() == ["E08000012", "E08000014"]  # the file's order
    sefton = dem.set_index("lad_code").loc["E08000014"]
    assert sefton["recorded_pct"] == pytest.approx(100 * 2935.803547 / 290962.388703)
    assert sefton["recorded_pct"] == pytest.approx(1.009, abs=5e-4)


def test_what_a_pack_supports(real, demo):
    pack, _ = demo
    assert modelled_conditions(pack) == ["HYP", "DM", "COPD", "CHD", "AF", "DEP", "DEM"]
    assert supports_practice_gaps(pack) and supports_practice_gaps(pack, "dem")
    assert not supports_practice_gaps(pack, "AST")  # registers but no model
    assert not supports_authority_gaps(pack)
    assert modelled_conditions(real) == ["HYP"]
    assert not supports_practice_gaps(real) and supports_authority_gaps(real)
    # patients by LSOA without modelled rates for any condition cannot model gaps
    assert not supports_practice_gaps(real, "HYP")
    rates = model_rates(real)
    assert meta(rates, "survey") == "Health Survey for England 2022"
    assert set(rates["condition"]) == {"HYP"} and rates["rate"].between(0, 1).all()
    with pytest.raises(DataValidationError, match="no modelled rates for 'DEM'"):
        model_rates(real, ["DEM"])
