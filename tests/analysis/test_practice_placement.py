"""Practices placed in authorities by where their patients live (geography.practice_authorities)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.geography import PRACTICE_RULE, hierarchy, practice_authorities
from jsna.analysis.prevalence import area_practices
from jsna.exceptions import DataValidationError, GeographyError
from jsna.io.datapack import DataPack

LOOKUP = pd.DataFrame(
    {
        "lsoa21_code": ["A1", "A2", "B1", "B2", "C1"],
        "lad24_code": ["LA", "LA", "LB", "LB", "LC"],
        "lad24_name": ["Aton", "Aton", "Beeby", "Beeby", "Ceeham"],
    }
)


def _patients(rows):
    return pd.DataFrame(rows, columns=["practice_code", "lsoa21_code", "patients"])


def test_plurality_share_and_names():
    patients = _patients(
        [
            ("P1", "A1", 600),
            ("P1", "A2", 100),
            ("P1", "B1", 300),  # 70% in LA
            ("P2", "A1", 400),
            ("P2", "B1", 350),
            ("P2", "C1", 250),  # 40% LA: a plurality, not a majority
        ]
    )
    out = practice_authorities(patients, LOOKUP)
    assert out.columns.tolist() == [
        "practice_code",
        "lad24_code",
        "lad24_name",
        "patients",
        "patients_in_authority",
        "share",
        "tied",
    ]
    assert out[["practice_code", "lad24_code", "lad24_name"]].values.tolist() == [
        ["P1", "LA", "Aton"],
        ["P2", "LA", "Aton"],
    ]
    assert out["patients"].tolist() == [1000.0, 1000.0]
    assert out["patients_in_authority"].tolist() == [700.0, 400.0]
    assert out["share"].tolist() == [0.7, 0.4]
    assert not out["tied"].any()
    assert "plurality" in PRACTICE_RULE


def test_a_practice_split_50_50_belongs_to_both_whatever_the_row_order():
    patients = _patients([("P1", "A1", 250), ("P1", "B1", 500), ("P1", "A2", 250)])
    out = practice_authorities(patients, LOOKUP)
    assert out[["lad24_code", "share", "tied"]].values.tolist() == [
        ["LA", 0.5, True],
        ["LB", 0.5, True],
    ]
    shuffled = practice_authorities(patients.iloc[::-1].reset_index(drop=True), LOOKUP)
    pd.testing.assert_frame_equal(shuffled, out)
    # each authority's practice list has it, with its half
    assert area_practices(patients, LOOKUP, "LB")["share"].tolist() == [0.5]
    assert area_practices(patients, LOOKUP, "LA")["tied"].tolist() == [True]


def test_patients_outside_the_lookup_count_in_the_total_and_can_outnumber():
    patients = _patients(
        [
            # P1: 450 of 1,000 in LSOAs the lookup does not have (Wales, no LSOA): placed nowhere
            ("P1", "W01000001", 450),
            ("P1", "A1", 300),
            ("P1", "B1", 250),
            # P2: 300 outside, 400 in LA: LA, with 40% of its patients
            ("P2", "NO2011", 300),
            ("P2", "A1", 400),
            ("P2", "B2", 300),
            # P3: nobody in the lookup
            ("P3", "W01000001", 20),
        ]
    )
    out = practice_authorities(patients, LOOKUP)
    assert out[["practice_code", "lad24_code", "share"]].values.tolist() == [["P2", "LA", 0.4]]


def test_rows_by_sex_are_summed_and_names_kept():
    patients = pd.DataFrame(
        {
            "practice_code": ["P1"] * 4,
            "practice_name": ["THE SURGERY"] * 4,
            "lsoa21_code": ["A1", "A1", "B1", "B1"],
            "sex": ["Male", "Female", "Male", "Female"],
            "patients": [10.0, 20.0, 30.0, 35.0],
        }
    )
    out = practice_authorities(patients, LOOKUP)
    assert out[
        ["practice_name", "lad24_code", "patients", "patients_in_authority"]
    ].values.tolist() == [["THE SURGERY", "LB", 95.0, 65.0]]


def test_bad_input():
    with pytest.raises(GeographyError, match="LSOA11 codes and the other LSOA21"):
        practice_authorities(
            pd.DataFrame({"practice_code": ["P1"], "lsoa11_code": ["A1"], "patients": [1]}), LOOKUP
        )
    with pytest.raises(DataValidationError, match="missing or negative.*P2"):
        practice_authorities(_patients([("P1", "A1", 5), ("P2", "A1", -1)]), LOOKUP)
    with pytest.raises(DataValidationError, match="'practice_code' is empty on 1 rows"):
        practice_authorities(_patients([("P1", "A1", 5), (None, "A1", 1)]), LOOKUP)


@pytest.fixture(scope="module")
def demo():
    from jsna.config import project_paths
    from jsna.demo.pack import DEMO_AREA_CODE, ensure_demo_pack

    return DataPack.open(ensure_demo_pack(project_paths().demo_pack)), DEMO_AREA_CODE


def test_demo_practices_by_lsoa(demo):
    pack, area = demo
    patients = pack.read("gp.lsoa_patients")
    lookup = hierarchy(pack)
    placed = practice_authorities(patients, lookup)
    # every demo practice's patients live in the demo area: all 20 are its practices, wholly
    assert placed["practice_code"].nunique() == 20 == patients["practice_code"].nunique()
    assert set(placed["lad25_code"]) == {area} and (placed["share"] == 1.0).all()
    # split the demo area in two (first 60 LSOAs "east", the rest "west") and check the rule
    # against a count by hand: each practice goes where more of its patients live
    lsoas = sorted(lookup["lsoa21_code"])
    east = set(lsoas[:60])
    split = lookup.assign(lad25_code=np.where(lookup["lsoa21_code"].isin(east), "EAST", "WEST"))
    split["lad25_name"] = split["lad25_code"]
    out = practice_authorities(patients, split)
    in_east = patients["lsoa21_code"].isin(east)
    by_hand = (
        patients.assign(east=np.where(in_east, patients["patients"], 0.0))
        .groupby("practice_code")[["east", "patients"]]
        .sum()
    )
    share_east = by_hand["east"] / by_hand["patients"]
    want = np.where(share_east > 0.5, "EAST", "WEST")
    got = out.set_index("practice_code")
    assert got.index.is_unique  # no demo practice is split exactly in half
    assert got.loc[by_hand.index, "lad25_code"].tolist() == want.tolist()
    expected_share = np.where(share_east > 0.5, share_east, 1 - share_east)
    np.testing.assert_allclose(got.loc[by_hand.index, "share"], expected_share)
    assert (got["share"] > 0.5).all()
    # both halves get practices, and together every practice once
    assert set(got["lad25_code"]) == {"EAST", "WEST"}


@pytest.fixture(scope="module")
def real_lookup(shared_data):
    return hierarchy(DataPack.open(shared_data))


def test_real_lookup_places_a_border_practice_by_its_patients(real_lookup):
    # a practice of sub-ICB location 27D (Cheshire East and Cheshire West and Chester) most of
    # whose patients live in Cheshire West and Chester is not a Cheshire East practice, and one
    # most of whose patients live in Cheshire East is (patients made up on the real LSOAs)
    east = real_lookup.loc[real_lookup["lad24_code"] == "E06000049", "lsoa21_code"].tolist()
    west = real_lookup.loc[real_lookup["lad24_code"] == "E06000050", "lsoa21_code"].tolist()
    assert len(east) > 200 and len(west) > 200
    assert set(real_lookup.loc[real_lookup["lsoa21_code"].isin(east + west), "sicbl24_ods"]) == {
        "27D"
    }
    patients = _patients(
        [("CHESTER", code, 30) for code in west[:30]]
        + [("CHESTER", code, 10) for code in east[:20]]
        + [("CREWE", code, 25) for code in east[20:60]]
        + [("CREWE", code, 5) for code in west[30:40]]
    )
    out = practice_authorities(patients, real_lookup)
    assert out[["practice_code", "lad24_name"]].values.tolist() == [
        ["CHESTER", "Cheshire West and Chester"],
        ["CREWE", "Cheshire East"],
    ]
    np.testing.assert_allclose(out["share"], [900 / 1100, 1000 / 1050])
    mine = area_practices(patients, real_lookup, "E06000049")
    assert mine["practice_code"].tolist() == ["CREWE"] and (mine["share"] > 0.5).all()
