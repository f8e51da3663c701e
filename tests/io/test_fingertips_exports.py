"""Further real Fingertips exports: GP-practice level (93553) and the two in fingertips/extra."""

from __future__ import annotations

import pytest

from jsna.io import FileEntry
from jsna.io.fingertips import read_fingertips
from jsna.io.validation import validate_frame

ROLE = "indicators.fingertips"


def _read(path):
    return validate_frame(ROLE, read_fingertips(FileEntry(ROLE, (path,))))


def test_gp_practice_export(shared_data):
    frame = _read(shared_data / "fingertips" / "gp_practice_93553" / "indicator-data.csv")
    assert len(frame) == 6547
    assert frame["area_type"].value_counts().to_dict() == {"GP": 6545, "England": 2}
    assert set(frame["indicator_id"]) == {93553}
    # CRLF and no terminator on the last line: the last record is read whole.
    assert frame["value"].notna().all() and frame["count"].isna().all()
    gp = frame[frame["area_type"] == "GP"]
    assert gp["area_code"].str.fullmatch(r"[A-Z]\d{5}").all()
    assert (gp["value"].min() > 0) and (gp["value"].max() < 100)


def test_c_and_m_practices_have_a_deprivation_score(shared_data):
    from jsna.io.practice_map import read_practice_map

    frame = _read(shared_data / "fingertips" / "gp_practice_93553" / "indicator-data.csv")
    path = shared_data / "gp_registrations" / "2022-01" / "gp-reg-pat-prac-map.csv"
    practices = read_practice_map(FileEntry("gp.practice_map", (path,)))
    cm = practices.loc[practices["icb_ods_code"] == "QYG", "practice_code"]
    scores = frame.set_index("area_code").loc[lambda f: f.index.isin(cm), "value"]
    assert len(scores) == 351
    assert (round(scores.min(), 1), round(scores.max(), 1)) == (4.6, 68.7)
    assert round(scores.median(), 1) == 29.4


def test_east_midlands_legacy_export(shared_data):
    frame = _read(shared_data / "fingertips" / "extra" / "east_midlands_countyUA_pre419.data.csv")
    assert len(frame) == 87 and frame["indicator_id"].nunique() == 8
    assert frame["time_period_range"].isna().all()  # legacy 26 columns
    # Children in low income: published 17 (rounded) with limits 17.025-17.072 is accepted.
    england = frame.query("indicator_id == 10101 and area_code == 'E92000001'")
    assert england["value"].item() == 17 and england["lower_ci95"].item() > 17
    rutland = frame.query("indicator_id == 1730 and area_name == 'Rutland'")
    assert rutland["count"].item() == 0 and rutland["upper_ci95"].item() == pytest.approx(
        0.0101, abs=1e-4
    )


def test_london_obesity_export(shared_data):
    frame = _read(shared_data / "fingertips" / "extra" / "london_adult_obesity_93088_93881.csv")
    assert len(frame) == 1414 and set(frame["indicator_id"]) == {93088, 93881}
    assert frame["count"].isna().all()
    assert frame["compared_to_england"].value_counts().to_dict() == {
        "Better": 646,
        "Worse": 319,
        "Similar": 295,
        "Not compared": 154,
    }
    boroughs = frame[frame["area_type"] == "Districts & UAs (2020/21)"]
    assert boroughs["area_code"].nunique() == 33 and frame["period"].nunique() == 7
