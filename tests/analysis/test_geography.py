"""Geography rules: hierarchy, aggregation, bridging, vintages, unmatched codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.deprivation import area_deprivation, attach_imd
from jsna.analysis.geography import aggregate, area_wards, bridge_lsoa11_to_lsoa21, hierarchy
from jsna.analysis.population import lsoa_population, ward_population
from jsna.exceptions import GeographyError
from jsna.io.datapack import DataPack
from jsna.meta import meta, note, with_meta

LOOKUP = pd.DataFrame(
    {
        "lsoa21_code": ["L1", "L2", "L3", "L4"],
        "wd24_code": ["W1", "W1", "W2", "W3"],
        "wd24_name": ["One", "One", "Two", "Three"],
        "lad24_code": ["A", "A", "A", "B"],
        "lad24_name": ["Alpha", "Alpha", "Alpha", "Beta"],
    }
)


def test_aggregate_sums_counts_with_by_columns():
    frame = pd.DataFrame(
        {
            "lsoa21_code": ["L1", "L2", "L3", "L1"],
            "sex": ["F", "F", "F", "M"],
            "deaths": [1, 2, 4, 8],
        }
    )
    wards = aggregate(frame, "ward", lookup=LOOKUP, values="deaths", by="sex")
    assert wards.to_dict("list") == {
        "wd24_code": ["W1", "W1", "W2"],
        "wd24_name": ["One", "One", "Two"],
        "sex": ["F", "M", "F"],
        "deaths": [3, 8, 4],
    }
    lads = aggregate(frame, "lad", lookup=LOOKUP, values=["deaths"])
    assert lads.to_dict("list") == {"lad24_code": ["A"], "lad24_name": ["Alpha"], "deaths": [15]}


def test_aggregate_reports_unmatched_codes():
    frame = pd.DataFrame({"lsoa21_code": ["L1", "L9", "L8"], "n": [1, 2, 3]})
    with pytest.raises(GeographyError, match="2 lsoa21_code codes did not match: 'L9', 'L8'"):
        aggregate(frame, "ward", lookup=LOOKUP, values="n")
    with pytest.warns(UserWarning, match="did not match: 'L9', 'L8'"):
        out = aggregate(frame, "ward", lookup=LOOKUP, values="n", unmatched="warn")
    assert out["n"].tolist() == [1]


def test_mixed_vintage_join_is_an_error():
    frame = pd.DataFrame({"lsoa11_code": ["L1"], "n": [1]})
    with pytest.raises(GeographyError, match="LSOA11 codes and the other LSOA21; bridge"):
        aggregate(frame, "ward", lookup=LOOKUP, values="n")
    imd = pd.DataFrame({"lsoa21_code": ["L1"], "imd_score": [1.0], "imd_decile": [1]})
    with_meta(imd, edition="IoD2025")
    with pytest.raises(GeographyError, match="IoD2025 is on LSOA21 but the data are on LSOA11"):
        attach_imd(frame, imd)


def test_bridge_unchanged_merged_split_irregular_preserves_totals():
    lookup = pd.DataFrame(
        {
            "lsoa11_code": ["U", "M1", "M2", "S", "S", "S", "X", "X"],
            "lsoa21_code": ["u", "m", "m", "s1", "s2", "s3", "x1", "x2"],
            "change_indicator": ["U", "M", "M", "S", "S", "S", "X", "X"],
        }
    )
    frame = pd.DataFrame(
        {"lsoa11_code": ["U", "M1", "M2", "S", "X"], "people": [10.0, 20.0, 30.0, 90.0, 7.0]}
    )
    out = bridge_lsoa11_to_lsoa21(frame, lookup, "people").set_index("lsoa21_code")["people"]
    assert out.to_dict() == {
        "m": 50.0,
        "s1": 30.0,
        "s2": 30.0,
        "s3": 30.0,
        "u": 10.0,
        "x1": 3.5,
        "x2": 3.5,
    }
    assert out.sum() == frame["people"].sum()
    weights = pd.Series({"u": 1, "m": 1, "s1": 1, "s2": 2, "s3": 6, "x1": 0, "x2": 5})
    weighted = bridge_lsoa11_to_lsoa21(frame, lookup, "people", weights=weights).set_index(
        "lsoa21_code"
    )["people"]
    assert weighted[["s1", "s2", "s3", "x1", "x2"]].tolist() == [10.0, 20.0, 60.0, 0.0, 7.0]
    with pytest.raises(GeographyError, match="'Q'"):
        bridge_lsoa11_to_lsoa21(
            pd.DataFrame({"lsoa11_code": ["Q"], "people": [1.0]}), lookup, "people"
        )


def test_inputs_not_mutated():
    frame = pd.DataFrame({"lsoa21_code": ["L1", "L2"], "n": [1, 2]})
    before = frame.copy()
    aggregate(frame, "ward", lookup=LOOKUP, values="n")
    pd.testing.assert_frame_equal(frame, before)


# ----------------------------------------------------------------- real files
@pytest.fixture(scope="module")
def real_pack(shared_data):
    return DataPack.open(shared_data)


def test_liverpool_wards_keep_waterfront_north(real_pack):
    wards = area_wards(real_pack, "E08000012")
    assert len(wards) == 64
    empty = wards[wards["no_lsoa"]]
    assert empty[["ward_code", "ward_name"]].values.tolist() == [["E05015332", "Waterfront North"]]
    assert meta(wards, "lookup_vintage") == "WD24" and meta(wards, "boundary_vintage") == "WD25"
    pop = ward_population(real_pack, "E08000012")
    assert np.isnan(pop.loc[pop["ward_code"] == "E05015332", "population"].item())
    assert pop["population"].sum() == pytest.approx(500_474)


def test_sefton_hierarchy_and_population(real_pack):
    h = hierarchy(real_pack, "E08000014")
    assert len(h) == 191 and h["wd24_code"].nunique() == 22
    assert set(h["icb24_code"]) == {"E54000008"}
    pop = lsoa_population(real_pack, "E08000014")
    assert pop["lsoa21_code"].nunique() == 191
    assert pop["population"].sum() == pytest.approx(275_899)
    assert "split" in note(pop)
    wards = ward_population(real_pack, "E08000014")
    assert len(wards) == 22 and wards["population"].notna().all()


@pytest.mark.parametrize(
    ("area", "share"),
    [
        ("E08000011", 54.0),
        ("E08000012", 53.6),
        ("E06000006", 45.0),
        ("E08000013", 36.4),
        ("E08000015", 32.5),
        ("E08000014", 27.2),
        ("E06000050", 16.2),
        ("E06000007", 15.9),
        ("E06000049", 8.6),
    ],
)
def test_core20_lsoa_share_matches_sources(real_pack, area, share):
    dep = area_deprivation(real_pack, area)
    assert round(dep["area"]["core20_lsoa_share"].item(), 1) == share
    assert 0 < dep["area"]["core20_population_share"].item() < 100


def test_unknown_area(real_pack):
    with pytest.raises(GeographyError, match="unknown area code 'E08000099'"):
        hierarchy(real_pack, "E08000099")
