"""Which practices and registers belong to an area (jsna.analysis.prevalence.recorded, gaps)."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.analysis.prevalence import (
    area_practices,
    authority_recorded,
    model_rates,
    modelled_conditions,
    practice_recorded,
    shared_sub_icb_locations,
    supports_authority_gaps,
    supports_practice_gaps,
)
from jsna.exceptions import DataValidationError
from jsna.io.datapack import DataPack
from jsna.meta import meta

RECORDED = pd.DataFrame(
    {
        "practice_code": ["P1", "P2", "P3", "P4"],
        "sicbl_code": ["S1", "S2", "S1", None],
    }
)
LOOKUP = pd.DataFrame({"lsoa21_code": ["L1", "L2", "L3"], "sicbl24_code": ["S1", "S1", None]})
PATIENTS = pd.DataFrame(
    {
        "practice_code": ["P1", "P1", "P2", "P2", "P3"],
        "lsoa21_code": ["L1", "X9", "L2", "L3", "X9"],
        "patients": [30.0, 70.0, 10.0, 10.0, 5.0],
    }
)


def test_area_practices_by_sub_icb_location():
    # P4 has no sub-ICB location and the lookup's unmatched LSOA must not pull it in
    assert area_practices(RECORDED, LOOKUP) == ["P1", "P3"]
    assert area_practices(RECORDED, LOOKUP, PATIENTS) == ["P1", "P3"]


def test_area_practices_by_where_patients_live():
    no_sicbl = RECORDED.drop(columns="sicbl_code")
    # P1: 30 of 100 inside; P2: 20 of 20; P3: 0 of 5
    assert area_practices(no_sicbl, LOOKUP, PATIENTS) == ["P2"]
    assert area_practices(no_sicbl, LOOKUP) == []
    other = RECORDED.assign(sicbl_code="S9")  # no practice in the area's locations
    assert area_practices(other, LOOKUP, PATIENTS) == ["P2"]


@pytest.fixture(scope="module")
def real(shared_data):
    return DataPack.open(shared_data)


@pytest.fixture(scope="module")
def demo():
    from jsna.config import project_paths
    from jsna.demo.pack import DEMO_AREA_CODE, ensure_demo_pack

    return DataPack.open(ensure_demo_pack(project_paths().demo_pack)), DEMO_AREA_CODE


def test_practice_recorded_real(real):
    sefton = practice_recorded(real, "E08000014", "HYP")
    # Sefton's two sub-ICB locations (South Sefton 01T, Southport and Formby 01V): 45 practices
    assert len(sefton) == 45 and sefton["practice_code"].is_unique
    assert sorted(sefton["sicbl_code"].unique()) == ["E38000161", "E38000170"]
    assert meta(sefton, "period") == "2022/23"
    assert len(practice_recorded(real, "E08000012", "HYP")) == 85


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
    rates = model_rates(real)
    assert meta(rates, "survey") == "Health Survey for England 2022"
    assert set(rates["condition"]) == {"HYP"} and rates["rate"].between(0, 1).all()
    with pytest.raises(DataValidationError, match="no modelled rates for 'DEM'"):
        model_rates(real, ["DEM"])
