"""Readers of QOF registers, modelled prevalence and GP patients by LSOA (jsna.io.qof)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from jsna.exceptions import DataValidationError, SourceError
from jsna.io import FileEntry
from jsna.io.datapack import DataPack
from jsna.io.gp_patients import read_lsoa_patients
from jsna.io.modelled_prevalence import read_model
from jsna.io.qof import read_recorded
from jsna.meta import meta


def entry(tmp_path, text, role, name="f.csv", **attrs):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return FileEntry(role, (path,), attrs)


# ----------------------------------------------------------------- real files


@pytest.fixture(scope="module")
def real(shared_data):
    return DataPack.open(shared_data)


def test_practice_registers_real(real):
    frame = real.read("prevalence.recorded", level="practice")
    assert frame.shape == (133_938, 14)
    assert meta(frame, "period") == "2022/23" and meta(frame, "unmapped_practices") == []
    assert meta(frame, "registers_over_list") == 1
    hyp = frame[frame["condition"] == "HYP"]
    # SOURCES.md: England HYP = 8,996,512 / 62,378,057 = 14.42%
    assert hyp["register"].sum() == 8_996_512 and hyp["list_size"].sum() == 62_378_057
    # C&M ICB: 350 practices; Liverpool sub-ICB 99A HYP 13.71%
    cm = frame[frame["icb_ods"] == "QYG"]
    assert cm["practice_code"].nunique() == 350
    liverpool = cm[(cm["sicbl_ods"] == "99A") & (cm["condition"] == "HYP")]
    assert round(100 * liverpool["register"].sum() / liverpool["list_size"].sum(), 2) == 13.71
    first = frame.iloc[0]
    assert (first["practice_code"], first["condition"], first["register"], first["list_type"]) == (
        "A81001",
        "AF",
        112.0,
        "TOTAL",
    )
    assert first["pcn_code"] == "U89141" and first["sicbl_code"] == "E38000247"
    assert set(frame.loc[frame["condition"] == "DM", "list_type"]) == {"17OV"}
    assert int((frame["register"] == 0).sum()) == 265


def test_authority_registers_real(real):
    frame = real.read("prevalence.recorded", level="lad")
    assert frame.shape == (6_741, 5) and meta(frame, "period") == "2019/20"
    sefton = frame[(frame["lad_code"] == "E08000014") & (frame["condition"] == "HYP")].iloc[0]
    assert sefton["lad_name"] == "Sefton"
    assert sefton["register"] == pytest.approx(50_071.1608593386)
    assert sefton["list_size"] == pytest.approx(291_034.54871549987)


def test_default_recorded_is_most_recent(real):
    assert meta(real.read("prevalence.recorded"), "level") == "practice"


def test_hse_table_real(real):
    rates = real.read("prevalence.model")
    assert meta(rates, "kind") == "rates" and meta(rates, "unit") == "fraction"
    assert set(rates["sex"]) == {"Male", "Female"}  # the Adults rows are not used
    got = rates.set_index(["sex", "age_band"])["rate"]
    # Men 16-34: controlled 1 + uncontrolled "-" + untreated 4 = 5%; Women 65-74: 22 + 13 + 18 = 53%
    assert got[("Male", "16-34")] == pytest.approx(0.05)
    assert got[("Female", "65-74")] == pytest.approx(0.53)
    assert got[("Male", "75+")] == pytest.approx(0.66)
    assert list(rates.loc[rates["sex"] == "Male", "age_band"]) == [
        "16-34",
        "35-44",
        "45-54",
        "55-64",
        "65-74",
        "75+",
    ]
    assert "within 1 percentage point" in meta(rates, "note")


# ----------------------------------------------------------------- layouts and errors


def test_model_units(tmp_path):
    pct = read_model(
        entry(
            tmp_path, "condition,sex,age_band,rate_percent\nDM,Men,16-34,1.5\n", "prevalence.model"
        )
    )
    frac = read_model(
        entry(
            tmp_path,
            "condition,sex,age_band,rate_fraction\nDM,Male,16-34,0.015\n",
            "prevalence.model",
            "g.csv",
        )
    )
    attr = read_model(
        entry(
            tmp_path,
            "condition,sex,age_band,rate\nDM,M,16-34,1.5\n",
            "prevalence.model",
            "h.csv",
            unit="percent",
        )
    )
    col = read_model(
        entry(
            tmp_path,
            "condition,sex,age_band,rate,unit\nDM,F,16-34,1.5,%\n",
            "prevalence.model",
            "i.csv",
        )
    )
    for frame in (pct, frac, attr, col):
        assert frame["rate"].iloc[0] == pytest.approx(0.015)
    assert col["sex"].iloc[0] == "Female"


def test_model_unit_missing_or_wrong(tmp_path):
    with pytest.raises(SourceError, match="percentage or a fraction"):
        read_model(
            entry(tmp_path, "condition,sex,age_band,rate\nDM,M,16-34,1.5\n", "prevalence.model")
        )
    with pytest.raises(DataValidationError, match="look like percentages"):
        read_model(
            entry(
                tmp_path,
                "condition,sex,age_band,rate_fraction\nDM,M,16-34,15\n",
                "prevalence.model",
                "g.csv",
            )
        )
    with pytest.raises(SourceError, match="not 'percent' or 'fraction'"):
        read_model(
            entry(
                tmp_path,
                "condition,sex,age_band,rate\nDM,M,16-34,1.5\n",
                "prevalence.model",
                "h.csv",
                unit="per mille",
            )
        )


def test_hse_needs_condition_and_checks_sums(tmp_path):
    text = (
        "Sex,Group,16-34,75+\nMen,Hypertensive controlled,1,28\nMen,Hypertensive "
        "uncontrolled,-,18\n"
        "Men,Hypertensive untreated,4,20\nMen,All with hypertension,5,66\n"
    )
    with pytest.raises(SourceError, match="condition"):
        read_model(entry(tmp_path, text, "prevalence.model"))
    ok = read_model(entry(tmp_path, text, "prevalence.model", "g.csv", condition="HYP"))
    assert ok["rate"].tolist() == pytest.approx([0.05, 0.66])
    broken = text.replace("All with hypertension,5,66", "All with hypertension,5,80")
    with pytest.raises(DataValidationError, match="do not add up"):
        read_model(entry(tmp_path, broken, "prevalence.model", "h.csv", condition="HYP"))


def test_expected_layout(tmp_path):
    frame = read_model(
        entry(
            tmp_path,
            "PRACTICE_CODE,condition,expected_percent\nZ99001,HYP,25\n",
            "prevalence.model",
        )
    )
    assert meta(frame, "kind") == "expected"
    assert frame[["practice_code", "expected_prevalence"]].values.tolist() == [["Z99001", 0.25]]


def test_recorded_layout_errors(tmp_path):
    head = "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\n"
    with pytest.raises(DataValidationError, match="negative"):
        read_recorded(entry(tmp_path, head + "P1,HYP,-1,TOTAL,100\n", "prevalence.recorded"))
    with pytest.raises(DataValidationError, match="repeated"):
        read_recorded(
            entry(
                tmp_path,
                head + "P1,HYP,1,TOTAL,100\nP1,HYP,2,TOTAL,100\n",
                "prevalence.recorded",
                "g.csv",
            )
        )
    with pytest.raises(SourceError, match="level"):
        read_recorded(
            entry(
                tmp_path, head + "P1,HYP,1,TOTAL,100\n", "prevalence.recorded", "h.csv", level="lad"
            )
        )
    with pytest.raises(SourceError, match="not a QOF prevalence layout"):
        read_recorded(entry(tmp_path, "a,b\n1,2\n", "prevalence.recorded", "i.csv"))


def test_mapping_relative_to_pack_and_unmapped(tmp_path):
    (tmp_path / "datapack.toml").write_text('[pack]\nname = "t"\n')
    (tmp_path / "qof").mkdir()
    (tmp_path / "qof" / "map.csv").write_text(
        "PCN_ODS_CODE,PCN_NAME,PRACTICE_CODE,PRACTICE_NAME,SUB_ICB_ONS_CODE\nU1,North "
        "PCN,P1,One,E38000001\n"
    )
    path = tmp_path / "qof" / "prev.csv"
    path.write_text(
        "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\n"
        "P1,HYP,10.0,TOTAL,100\nP2,HYP,0.0,TOTAL,50\n"
    )
    frame = read_recorded(FileEntry("prevalence.recorded", (path,), {"mapping": "qof/map.csv"}))
    assert frame["pcn_code"].tolist()[0] == "U1" and pd.isna(frame["pcn_code"].iloc[1])
    assert meta(frame, "unmapped_practices") == ["P2"]


def test_lsoa_patients(tmp_path):
    head = "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\n"
    rows = "X,01APR2023,P1,ONE,E01000001,MALE,5\nX,01APR2023,P1,ONE,E01000001,FEMALE,7\n"
    frame = read_lsoa_patients(entry(tmp_path, head + rows, "gp.lsoa_patients"))
    assert "lsoa21_code" in frame.columns and "assumed" in meta(frame, "note")
    assert frame["patients"].sum() == 12
    old = read_lsoa_patients(
        entry(tmp_path, head + rows, "gp.lsoa_patients", "g.csv", vintage="LSOA11")
    )
    assert "lsoa11_code" in old.columns and meta(old, "note") == ""
    with pytest.raises(DataValidationError, match="repeated"):
        read_lsoa_patients(entry(tmp_path, head + rows + rows, "gp.lsoa_patients", "h.csv"))


def test_demo_pack_readers():
    from jsna.config import project_paths
    from jsna.demo.pack import ensure_demo_pack

    pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        recorded = pack.read("prevalence.recorded")
        patients = pack.read("gp.lsoa_patients")
    assert recorded["pcn_code"].notna().all()
    assert set(recorded["practice_code"]) == set(patients["practice_code"])
    assert np.isfinite(recorded["register"]).all()
