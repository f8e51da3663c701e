"""Core20PLUS5 registry, indicator matching and the summary table (demo and real packs)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.core20plus5 import (
    REQUIRED_AMBITION,
    REQUIRED_AREA,
    REQUIRED_METRIC,
    load_registry,
    match_indicators,
    registry_table,
    summary,
)
from jsna.demo.pack import DEMO_AREA_CODE
from jsna.exceptions import DataValidationError, SourceError
from jsna.io.datapack import DataPack
from jsna.meta import note


@pytest.fixture(scope="module")
def pack(demo_pack):
    return DataPack.open(demo_pack)


@pytest.fixture(scope="module")
def real_pack(shared_data):
    return DataPack.open(shared_data)


# ----------------------------------------------------------------------------- registry
def test_registry_loads_and_every_entry_has_the_required_fields():
    reg = load_registry()
    areas = reg["area"]
    adults = [a["key"] for a in areas if a["programme"] == "adults"]
    cyp = [a["key"] for a in areas if a["programme"] == "children and young people"]
    assert adults == ["maternity", "smi", "respiratory", "cancer", "hypertension", "smoking"]
    assert cyp == [
        "cyp_asthma",
        "cyp_diabetes",
        "cyp_epilepsy",
        "cyp_oral_health",
        "cyp_mental_health",
    ]
    for area in areas:
        assert all(area[f] not in ("", None) for f in REQUIRED_AREA), area["key"]
        assert area["source_url"].startswith("https://")
        assert all(area["ambition"][f] for f in REQUIRED_AMBITION), area["key"]
        assert area["metric"], area["key"]
        for metric in area["metric"]:
            assert all(f in metric for f in REQUIRED_METRIC), metric["name"]
            assert metric["numerator"] and metric["denominator"]
            assert all(isinstance(i, int) for i in metric["fingertips_ids"])
    assert "Core20" in reg["registry"]["name"] and "deciles 1 and 2" in reg["registry"]["core20"]


def test_registry_ambitions_and_caveats():
    table = registry_table().drop_duplicates("area_key").set_index("area_key")
    assert (table.loc["cancer", "ambition_value"], table.loc["cancer", "ambition_date"]) == (
        75.0,
        "2028",
    )
    assert table.loc["smi", "ambition_value"] == 60.0
    assert (
        table.loc["hypertension", "ambition_value"],
        table.loc["hypertension", "ambition_date"],
    ) == (80.0, "2029")
    assert table.loc["maternity", "ambition_status"] == "withdrawn"
    maternity = next(a for a in load_registry()["area"] if a["key"] == "maternity")
    assert any("21 September 2022" in c for c in maternity["caveats"])
    hypertension = next(a for a in load_registry()["area"] if a["key"] == "hypertension")
    assert "CVDP007HYP" in hypertension["metric"][0]["cvdprevent_ids"]
    # uncertainty is written down, not hidden
    assert "not confirmed" in hypertension["ambition"]["certainty"]


def test_broken_registry_is_reported(tmp_path):
    bad = tmp_path / "reg.toml"
    bad.write_text('[[area]]\nkey = "x"\nprogramme = "adults"\n', encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"area 'x' lacks \['name', 'focus'"):
        load_registry(bad)
    bad.write_text("[[area]\n", encoding="utf-8")
    with pytest.raises(SourceError, match="not valid TOML"):
        load_registry(bad)
    with pytest.raises(SourceError, match="not found"):
        load_registry(tmp_path / "missing.toml")


def test_match_indicators_by_id_and_by_name():
    ind = pd.DataFrame(
        {
            "indicator_id": [92443, 99999, 1, 2],
            "indicator_name": [
                "Smoking Prevalence in adults (18+) - current smokers (APS)",
                "Hospital admissions for asthma (under 19 years) - new id",
                "Emergency hospital admissions for COPD, all ages",
                "Unrelated",
            ],
        }
    )
    found = match_indicators(ind)
    got = dict(
        zip(
            found["indicator_id"],
            zip(found["area_key"], found["matched_by"], strict=True),
            strict=True,
        )
    )
    assert got[92443] == ("smoking", "id")
    assert got[99999] == ("cyp_asthma", "name")
    assert got[1] == ("respiratory", "name")
    assert 2 not in got


# ----------------------------------------------------------------------------- summary
def test_demo_summary_latest_values_trend_and_ambition(pack):
    table = summary(pack, DEMO_AREA_CODE)
    assert set(table["clinical_area"]) >= {"Smoking cessation", "Maternity", "Oral health"}
    smoking = table[(table["indicator_id"] == 92443)].iloc[0]
    data = pack.read("indicators.fingertips")
    la = data[(data["indicator_id"] == 92443) & (data["area_code"] == DEMO_AREA_CODE)]
    newest = la.loc[la["period_sortable"].idxmax()]
    assert smoking["period"] == newest["period"] and smoking["value"] == pytest.approx(
        newest["value"]
    )
    assert smoking["distance_to_ambition"] == pytest.approx(
        newest["value"] - 5.0
    )  # low is good, 5% ambition
    assert smoking["recent_trend"] in {
        "No significant change",
        "Decreasing and getting better",
        "Increasing and getting worse",
    }
    # related measures never claim a distance to the ambition
    assert table.loc[table["role"] == "related", "distance_to_ambition"].isna().all()
    # maternity's ambition was withdrawn: said in the note
    assert "withdrawn" in table.loc[table["clinical_area"] == "Maternity", "note"].iloc[0]
    assert "match Core20PLUS5" in note(table)


def test_summary_with_ward_rows_gives_core20_gap_and_sii(pack):
    # a registry whose "cyp injuries" area uses a planted ward indicator,
    # to exercise the ward columns
    reg = copy.deepcopy(load_registry())
    area = copy.deepcopy(reg["area"][-1])
    area.update(key="test_injuries", name="Injuries (test)")
    area["metric"] = [
        {
            "name": "Injury admissions",
            "role": "headline",
            "numerator": "admissions",
            "denominator": "children",
            "polarity": "low is good",
            "fingertips_ids": [90284],
            "name_pattern": "^$",
            "measures_ambition": False,
        }
    ]
    reg["area"].append(area)
    table = summary(pack, DEMO_AREA_CODE, registry=reg)
    row = table[table["indicator_id"] == 90284].iloc[0]
    assert row["ward_period"] == row["period"]
    # planted: more admissions in deprived wards
    assert row["core20_value"] > row["rest_value"]
    assert row["core20_lower_ci95"] < row["core20_value"] < row["core20_upper_ci95"]
    assert row["q1_value"] > row["q5_value"] and row["absolute_gap"] == pytest.approx(
        row["q1_value"] - row["q5_value"]
    )
    assert row["sii_lower_ci95"] < row["sii"] < 0 < row["relative_gap"]
    assert "no ward rows" not in row["note"]


def test_real_pack_summary_is_empty_with_a_reason(real_pack):
    table = summary(real_pack, "E08000014")
    assert table.empty and "sii" in table.columns
    assert "90284" in note(table) and "is a Core20PLUS5 metric" in note(table)


def test_real_england_deprivation_decile_gradient(real_pack):
    from jsna.analysis.deprivation import fingertips_deprivation_deciles, inequality_summary

    deciles = fingertips_deprivation_deciles(real_pack.read("indicators.fingertips"))
    injuries = deciles[(deciles["indicator_id"] == 90284) & (deciles["sex"] == "Persons")]
    assert injuries["period"].unique().tolist() == ["2023/24"]
    assert injuries["category_type"].unique().tolist() == [
        "County & UA deprivation deciles in England (IMD2019, 4/23 geography)"
    ]
    assert injuries["decile"].tolist() == list(range(1, 11))
    # published values: most deprived 83.40796, least deprived 65.33877 per 10,000
    # (count 8830 / 1,058,652)
    assert injuries["value"].iloc[[0, -1]].tolist() == pytest.approx([83.40796, 65.33877])
    assert injuries["value_type"].unique().tolist() == ["rate"]
    s = inequality_summary(injuries, group="decile").set_index("sex").loc["Persons"]
    assert s["absolute_gap"] == pytest.approx(83.40796 - 65.33877)
    assert s["sii_upper_ci95"] < 0  # significantly more admissions in more deprived areas
    assert np.isfinite(s["rii"]) and s["rii"] < 1
