"""NHS England practice map (role gp.practice_map): the two real schemas."""

from __future__ import annotations

import pytest

from jsna.exceptions import DataValidationError, SourceError
from jsna.io import FileEntry
from jsna.io.practice_map import PRACTICE_MAP_COLUMNS, read_practice_map
from jsna.io.validation import validate_frame
from jsna.meta import meta


def _read(shared_data, month):
    path = shared_data / "gp_registrations" / month / "gp-reg-pat-prac-map.csv"
    frame = read_practice_map(FileEntry("gp.practice_map", (path,)))
    return validate_frame("gp.practice_map", frame)


def test_october_2025_sub_icb_schema(shared_data):
    frame = _read(shared_data, "2025-10")
    assert list(frame.columns) == PRACTICE_MAP_COLUMNS and len(frame) == 6202
    assert frame["icb_code"].nunique() == 42 and frame["sicbl_code"].nunique() == 106
    assert frame["pcn_code"].nunique() == 1298
    assert frame["supplier_name"].value_counts().to_dict() == {
        "EMIS": 3624,
        "TPP": 2571,
        "Unknown": 7,
    }
    cm = frame[frame["icb_ods_code"] == "QYG"]
    assert len(cm) == 337 and cm["pcn_code"].nunique() == 50
    assert set(cm["icb_code"]) == {"E54000008"}
    assert cm["sicbl_ods_code"].value_counts().to_dict() == {
        "99A": 83, "27D": 79, "12F": 43, "01X": 28, "02E": 27,
        "01T": 25, "01J": 23, "01V": 15, "01F": 14,
    }  # fmt: skip
    assert meta(frame, "extract_date") == "01Oct2025" and meta(frame, "vintage") == "sub-ICB"


def test_january_2022_ccg_schema_becomes_the_same_frame(shared_data):
    old = _read(shared_data, "2022-01")
    assert list(old.columns) == PRACTICE_MAP_COLUMNS and len(old) == 6527
    assert old["supplier_name"].isna().all()
    cm = old[old["icb_ods_code"] == "QYG"]
    assert len(cm) == 354 and set(cm["icb_name"]) == {"Cheshire and Merseyside"}
    places = cm.drop_duplicates("sicbl_ods_code").set_index("sicbl_ods_code")["sicbl_name"]
    assert places["27D"] == "NHS Cheshire CCG" and "Southport" in places["01V"]
    assert meta(old, "extract_date") == "01Jan2022" and meta(old, "vintage") == "CCG"
    # Same sub-ICB codes in both schemas; 336 of the 354 practices are still in Oct 2025.
    new = _read(shared_data, "2025-10")
    new_cm = new[new["icb_ods_code"] == "QYG"]
    assert set(cm["sicbl_code"]) == set(new_cm["sicbl_code"])
    assert cm["practice_code"].isin(new["practice_code"]).sum() == 336


def test_missing_column_and_repeated_practice(tmp_path, shared_data):
    path = tmp_path / "map.csv"
    path.write_text("PRACTICE_CODE,PRACTICE_NAME\nN82001,A\n")
    with pytest.raises(SourceError, match=r"no pcn code column"):
        read_practice_map(FileEntry("gp.practice_map", (path,)))
    real = shared_data / "gp_registrations" / "2025-10" / "gp-reg-pat-prac-map.csv"
    with pytest.raises(DataValidationError, match=r"practices repeated 'A81001'"):
        read_practice_map(FileEntry("gp.practice_map", (real, real)))
