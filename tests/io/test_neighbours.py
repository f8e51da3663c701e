"""DfE statistical neighbours (the real April 2021 and 2025 models) and plain neighbour lists."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from jsna.exceptions import DataValidationError, SourceError
from jsna.io import READERS, FileEntry
from jsna.io.neighbours import (
    NEIGHBOUR_COLUMNS,
    dfe_la_codes,
    read_dfe_neighbours,
    read_neighbour_list,
)

APRIL_2021 = "New_Statistical_Neighbour_Groupings_April_2021.csv"
MODEL_2025 = "sn_model_2025_wide.csv"
SEFTON_2021 = [
    "Wirral",
    "Lancashire",
    "Stockton-on-Tees",
    "North Tyneside",
    "Nottinghamshire",
    "Bury",
    "Wigan",
    "Derbyshire",
    "Darlington",
    "Calderdale",
]
CHANGED_2021 = {"815", "835", "836", "837", "909", "928", "933"}


def dfe(path: Path, **attrs) -> FileEntry:
    return FileEntry("neighbours.dfe", (path,), attrs)


@pytest.fixture(scope="module")
def nb_dir(shared_data: Path) -> Path:
    return shared_data / "neighbours"


@pytest.fixture(scope="module")
def model_2021(nb_dir: Path) -> pd.DataFrame:
    with pytest.warns(UserWarning, match="DfE April 2021 model: 7 authorities changed"):
        return read_dfe_neighbours(dfe(nb_dir / APRIL_2021, vintage="April 2021 model"))


@pytest.fixture(scope="module")
def model_2025(nb_dir: Path) -> pd.DataFrame:
    return read_dfe_neighbours(dfe(nb_dir / MODEL_2025, vintage="2025 model"))


def test_registered_for_roles():
    assert READERS["neighbours.dfe"] is read_dfe_neighbours
    assert READERS["neighbours.list"] is read_neighbour_list


def test_sefton_april_2021_model(model_2021):
    sefton = model_2021[model_2021["dfe_la_code"] == "343"]
    assert list(model_2021.columns) == NEIGHBOUR_COLUMNS
    assert set(sefton["area_code"]) == {"E08000014"}
    assert sefton["neighbour_name"].tolist() == SEFTON_2021
    assert sefton["rank"].tolist() == list(range(1, 11))
    assert sefton["neighbour_code"].tolist() == [
        "E08000015",
        "E10000017",
        "E06000004",
        "E08000022",
        "E10000024",
        "E08000002",
        "E08000010",
        "E10000007",
        "E06000005",
        "E08000033",
    ]
    assert set(sefton["closeness"]) == {"Very close"}
    assert set(sefton["model"]) == {"DfE April 2021 model"}
    assert set(sefton["status"]) == {"current"}


def test_sefton_2025_model_as_the_file_lists(model_2025, nb_dir):
    with open(nb_dir / MODEL_2025, encoding="utf-8-sig", newline="") as f:
        rows = {row["old_la_code"]: row for row in csv.DictReader(f)}
    names = {code: row["la_name"] for code, row in rows.items()}
    expected_codes = [rows["343"][f"SN_{k}"] for k in range(1, 11)]
    expected_closeness = [rows["343"][f"SN_{k}P"].strip().capitalize() for k in range(1, 11)]
    sefton = model_2025[model_2025["dfe_la_code"] == "343"]
    assert sefton["neighbour_dfe_code"].tolist() == expected_codes
    assert sefton["neighbour_name"].tolist() == [names[c] for c in expected_codes]
    assert sefton["neighbour_name"].tolist() == [
        "Wirral",
        "St Helens",
        "Wigan",
        "Lancashire",
        "Halton",
        "County Durham",
        "Stockton-on-Tees",
        "Knowsley",
        "Darlington",
        "Bury",
    ]
    assert sefton["closeness"].tolist() == expected_closeness
    # The resolved ONS codes are the shipped table's codes for those names
    table = dfe_la_codes().set_index("old_la_code")
    assert sefton["neighbour_code"].tolist() == table.loc[expected_codes, "ons_code"].tolist()
    assert set(sefton["model"]) == {"DfE 2025 model"}


def test_whole_models_shape_and_closeness(model_2021, model_2025):
    assert len(model_2021) == 156 * 10 and model_2021["dfe_la_code"].nunique() == 156
    assert len(model_2025) == 153 * 10 and model_2025["dfe_la_code"].nunique() == 153
    assert model_2021["closeness"].value_counts().to_dict() == {
        "Very close": 931,
        "Close": 293,
        "Somewhat close": 137,
        "Not close": 108,
        "Extremely close": 91,
    }
    assert set(model_2025["closeness"]) == {
        "Extremely close",
        "Very close",
        "Close",
        "Somewhat close",
        "Not close",
    }
    # every code is resolved: no authority dropped, none unknown
    for frame in (model_2021, model_2025):
        assert frame["area_code"].notna().all() and frame["neighbour_code"].notna().all()
        assert "unknown" not in set(frame["status"]) | set(frame["area_status"])
    assert set(model_2025["status"]) == {"current"}
    # Knowsley in 2025: 342 876 394 805 807 343 344 393 840 341 (SOURCES.md)
    knowsley = model_2025[model_2025["dfe_la_code"] == "340"]["neighbour_dfe_code"].tolist()
    assert knowsley == ["342", "876", "394", "805", "807", "343", "344", "393", "840", "341"]
    scilly = model_2025[model_2025["dfe_la_code"] == "420"]
    assert set(scilly["closeness"]) == {"Not close"} and set(scilly["area_code"]) == {"E06000053"}


def test_changed_authorities_reported_not_dropped(model_2021):
    changed = model_2021[
        (model_2021["status"] != "current") | (model_2021["area_status"] != "current")
    ]
    codes = set(changed.loc[changed["status"] != "current", "neighbour_dfe_code"]) | set(
        changed.loc[changed["area_status"] != "current", "dfe_la_code"]
    )
    assert codes == CHANGED_2021
    northants = model_2021[model_2021["dfe_la_code"] == "928"]
    assert len(northants) == 10 and set(northants["area_code"]) == {"E10000021"}
    assert set(northants["area_status"]) == {"abolished"}
    note = northants["note"].iloc[0]
    assert (
        "North Northamptonshire (940, E06000061)" in note
        and "West Northamptonshire (941, E06000062)" in note
    )
    assert "listed under 'Old SNs'" in note
    # Cumbria is a neighbour of North Northamptonshire in 2021; kept, with its successors named
    nn = model_2021[
        (model_2021["dfe_la_code"] == "940") & (model_2021["neighbour_dfe_code"] == "909")
    ]
    assert nn["status"].item() == "abolished" and nn["neighbour_code"].item() == "E10000006"
    assert "Cumberland (942, E06000063)" in nn["note"].item()
    north_yorks = model_2021[model_2021["dfe_la_code"] == "815"]
    assert set(north_yorks["area_code"]) == {"E06000065"}
    assert set(north_yorks["area_status"]) == {"recoded"}
    assert "E10000023" in north_yorks["note"].iloc[0]


def test_warning_lists_the_changes(nb_dir):
    with pytest.warns(UserWarning) as record:
        read_dfe_neighbours(dfe(nb_dir / APRIL_2021, vintage="April 2021 model"))
    message = str(record[0].message)
    for part in (
        "Northamptonshire (928) abolished 2021-04-01, now North Northamptonshire (940)",
        "Cumbria (909) abolished 2023-04-01",
        "North Yorkshire (815) ONS code E10000023 -> E06000065",
        "Somerset (933)",
        "Poole (Pre LG) (836)",
        "Bournemouth (Pre LG) (837)",
        "Dorset (Pre LG) (835)",
    ):
        assert part in message


def test_undated_model_reports_recoded_authorities(tmp_path):
    path = tmp_path / "neighbours.csv"
    path.write_text(
        "old_la_code,la_name,SN_1,SN_1P\n815,North Yorkshire,816,Close\n816,York,815,Close\n"
    )
    with pytest.warns(
        UserWarning, match="North Yorkshire \\(815\\) ONS code E10000023 -> E06000065"
    ):
        frame = read_dfe_neighbours(dfe(path))
    assert set(frame["model"]) == {"DfE (neighbours.csv)"}
    dated = read_dfe_neighbours(
        dfe(path, vintage="2025 model")
    )  # made after the change: no warning
    assert set(dated["area_status"]) == {"current"}


def test_code_table_covers_both_models_and_matches_fingertips(nb_dir, shared_data):
    table = dfe_la_codes()
    assert table["old_la_code"].is_unique
    codes = set()
    for name in (APRIL_2021, MODEL_2025):
        with open(nb_dir / name, encoding="utf-8-sig", newline="") as f:
            rows = [r for r in csv.reader(f)][1:]
        for row in rows:
            if row and row[0].strip():
                codes.add(row[0].strip())
                codes |= {c.strip() for c in row if c.strip().isdigit() and len(c.strip()) == 3}
    assert codes <= set(table["old_la_code"])
    # Every current ONS code is an upper-tier area in the real Fingertips export (April 2023
    # geography), and the abolished authorities' codes are in the 2015-17 export (pre-2019
    # geography).
    ft = pd.read_csv(shared_data / "fingertips" / "la_hospital_admissions_2324.csv", dtype=str)
    legacy = pd.read_csv(shared_data / "fingertips" / "indicators-CountyUA.data.csv", dtype=str)
    current = table[table["status"] == "current"]
    assert len(current) == 153
    assert set(current["ons_code"]) == set(
        ft.loc[ft["Area Type"].str.startswith("Counties"), "Area Code"]
    )
    old = set(table.loc[table["status"] == "abolished", "ons_code"]) | set(
        table["former_ons_code"].dropna()
    )
    assert old <= set(legacy["Area Code"])


def test_bad_dfe_layout_is_a_source_error(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("authority,name,neighbour1\n343,Sefton,344\n")
    with pytest.raises(SourceError, match=r"odd\.csv.*no LA number"):
        read_dfe_neighbours(dfe(path))


def test_unknown_code_kept_and_reported(tmp_path):
    path = tmp_path / "sn.csv"
    path.write_text("old_la_code,la_name,SN_1,SN_1P\n343,Sefton,999,Close\n")
    with pytest.warns(UserWarning, match="999"):
        frame = read_dfe_neighbours(dfe(path, vintage="2025 model"))
    assert frame["status"].item() == "unknown" and pd.isna(frame["neighbour_code"].item())


def test_conflicting_files_in_one_model(tmp_path):
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    a.write_text("old_la_code,la_name,SN_1,SN_1P\n343,Sefton,344,Close\n")
    b.write_text("old_la_code,la_name,SN_1,SN_1P\n343,Sefton,340,Close\n")
    with pytest.raises(DataValidationError, match=r"dfe_la_code 343, rank 1.*a\.csv and b\.csv"):
        read_dfe_neighbours(FileEntry("neighbours.dfe", (a, b), {"vintage": "2025 model"}))


# --------------------------------------------------------------------------- neighbours.list
def test_plain_list(tmp_path):
    path = tmp_path / "cipfa.csv"
    path.write_text(
        "\ufeffarea_code,neighbour_code,rank,neighbour_name\n"
        "E08000014,E08000011,2,Knowsley\nE08000014,E08000015,1,Wirral\n",
        encoding="utf-8",
    )
    frame = read_neighbour_list(FileEntry("neighbours.list", (path,), {"model": "CIPFA 2021"}))
    assert list(frame.columns) == NEIGHBOUR_COLUMNS
    assert frame["neighbour_code"].tolist() == ["E08000015", "E08000011"]
    assert frame["neighbour_name"].tolist() == ["Wirral", "Knowsley"]
    assert frame["rank"].tolist() == [1, 2]
    assert set(frame["model"]) == {"CIPFA 2021"}


def test_plain_list_errors(tmp_path):
    missing = tmp_path / "m.csv"
    missing.write_text("area,neighbour,rank\nE08000014,E08000015,1\n")
    with pytest.raises(
        SourceError, match=r"m\.csv.*no column 'area_code'.*area_code,neighbour_code,rank"
    ):
        read_neighbour_list(FileEntry("neighbours.list", (missing,), {}))
    bad_rank = tmp_path / "r.csv"
    bad_rank.write_text("area_code,neighbour_code,rank\nE08000014,E08000015,first\n")
    with pytest.raises(
        DataValidationError, match="rank must be a whole number from 1; found 'first'"
    ):
        read_neighbour_list(FileEntry("neighbours.list", (bad_rank,), {}))
    clash = tmp_path / "c.csv"
    clash.write_text(
        "area_code,neighbour_code,rank\nE08000014,E08000015,1\nE08000014,E08000011,1\n"
    )
    with pytest.raises(
        DataValidationError, match="area_code E08000014, rank 1 has different neighbours"
    ):
        read_neighbour_list(FileEntry("neighbours.list", (clash,), {}))
