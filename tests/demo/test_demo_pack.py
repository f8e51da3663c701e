"""The demo pack as written: deterministic, atomic, fictional codes, the publishers' layouts."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from jsna.demo.pack import DEMO_AREA_CODE, FILES, ensure_demo_pack, load_truth, write_demo_pack
from jsna.exceptions import SourceError


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def test_two_writes_are_byte_identical_and_fast(written_pack, tmp_path):
    pack, seconds = written_pack
    assert seconds < 20
    again = write_demo_pack(tmp_path / "again")
    assert _files(again) == _files(pack)


def test_another_seed_gives_other_data(pack, tmp_path):
    other = write_demo_pack(tmp_path / "other", seed=1)
    assert (other / FILES["population"]).read_bytes() != (pack / FILES["population"]).read_bytes()
    assert load_truth(other)["seed"] == 1


def test_manifest_lists_every_file_and_every_file_exists(pack, truth):
    manifest = tomllib.loads((pack / "datapack.toml").read_text(encoding="utf-8"))
    assert manifest["pack"]["synthetic"] is True
    assert manifest["pack"]["areas"] == [DEMO_AREA_CODE]
    assert any("synthetic" in line.lower() for line in manifest["pack"]["attribution"])
    listed = set()
    for entry in manifest["file"]:
        matched = sorted(pack.glob(entry["path"]))
        assert matched, entry
        listed |= {p.relative_to(pack).as_posix() for p in matched}
        if "mapping" in entry:
            assert (pack / entry["mapping"]).is_file()
            listed.add(entry["mapping"])
    on_disk = set(_files(pack))
    # besides the manifest and the truth, only the record-level files the deaths and the
    # patients files are aggregated from (records/: Parquet, recipes, their truth) are not
    # pack roles
    records = {
        FILES[k]
        for k in (
            "deaths_records",
            "deaths_recipe",
            "deaths_ward_recipe",
            "gp_records",
            "gp_recipe",
        )
    }
    records.add(FILES["records_truth"])
    assert on_disk - listed == {"datapack.toml", "truth.json", *records}
    assert set(truth["files"]) == on_disk
    roles = {entry["role"] for entry in manifest["file"]}
    assert roles >= {
        "boundaries.ward",
        "boundaries.lsoa",
        "boundaries.msoa",
        "lookup.lsoa_ward_lad",
        "lookup.ward_lad",
        "lookup.lsoa11_lsoa21",
        "lookup.lsoa_icb",
        "imd",
        "population.lsoa",
        "indicators.fingertips",
        "neighbours.list",
        "prevalence.recorded",
        "prevalence.model",
        "gp.lsoa_patients",
        "deaths.lsoa",
    }


def test_refuses_to_overwrite_other_folders(pack, tmp_path):
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(SourceError, match="not a jsna demo pack"):
        write_demo_pack(other, overwrite=True)
    assert (other / "notes.txt").read_text() == "keep me"
    with pytest.raises(SourceError, match="overwrite=True"):
        write_demo_pack(pack)
    with pytest.raises(SourceError, match="is a file"):
        write_demo_pack(other / "notes.txt")


def test_ensure_writes_only_when_missing_or_incomplete(tmp_path):
    folder = ensure_demo_pack(tmp_path / "demo")
    population = folder / FILES["population"]
    stamp = population.stat().st_mtime_ns
    assert ensure_demo_pack(folder) == folder
    assert population.stat().st_mtime_ns == stamp  # complete: left alone
    (folder / FILES["deaths"]).unlink()
    ensure_demo_pack(folder)
    assert (folder / FILES["deaths"]).is_file()
    assert not list(tmp_path.glob(".demo.*"))  # no staging folders left behind


def test_load_truth_of_a_folder_without_one(tmp_path):
    with pytest.raises(SourceError, match="truth.json is missing"):
        load_truth(tmp_path)


def test_codes_are_in_the_999_block(pack_csv, pack):
    best_fit = pack_csv("lookup_best_fit")
    assert best_fit["LSOA21CD"].str.fullmatch(r"E01999\d{3}").all()
    assert best_fit["WD25CD"].str.fullmatch(r"E05999\d{3}").all()
    assert (best_fit["LAD25CD"] == DEMO_AREA_CODE).all()
    lsoa11 = pack_csv("lookup_lsoa11")
    assert lsoa11["LSOA11CD"].str.fullmatch(r"E01999\d{3}").all()
    indicators = pack_csv("indicators")
    assert indicators["Area Code"].str.fullmatch(r"E(06|05|12|92)999\d{3}").all()
    qof = pack_csv("qof")
    assert qof["PRACTICE_CODE"].str.fullmatch(r"Z99\d{3}").all()
    msoas = gpd.read_file(pack / FILES["msoas"])
    assert msoas["MSOA21CD"].str.fullmatch(r"E02999\d{3}").all()


def test_codes_do_not_collide_with_real_ones(pack_csv, shared_data):
    lookups = shared_data / "lookups"
    real_lsoa = pd.read_csv(lookups / "LSOA21_WD24_LAD24_EW_LU.csv", dtype=str)
    real_wards = pd.read_csv(
        lookups
        / "Ward_to_Local_Authority_District_(December_2023)_Lookup_in_the_United_Kingdom.csv",
        dtype=str,
        encoding="utf-8-sig",
    )
    real_11 = pd.read_csv(lookups / "LSOA11_LSOA21_LAD22_EW_LU.csv", dtype=str)
    real_icb = pd.read_csv(lookups / "LSOA21_SICBL24_ICB24_EN_LU.csv", dtype=str)
    real_codes = (
        set(real_lsoa["LSOA21CD"])
        | set(real_lsoa["WD24CD"])
        | set(real_lsoa["LAD24CD"])
        | set(real_wards["WD23CD"])
        | set(real_wards["LAD23CD"])
        | set(real_11["LSOA11CD"])
        | set(real_icb["SICBL24CD"])
        | set(real_icb["ICB24CD"])
        | {"E92000001"}
    )
    real_codes |= {f"E12{n:06d}" for n in range(1, 10)}
    real_names = set(real_lsoa["LAD24NM"]) | set(real_wards["WD23NM"]) | set(real_lsoa["WD24NM"])

    ours = set()
    names = set()
    for key in ("lookup_best_fit", "lookup_lsoa11", "lookup_icb", "lookup_ward_lad"):
        frame = pack_csv(key)
        ours |= {v for c in frame.columns if c.endswith("CD") for v in frame[c]}
        names |= {v for c in frame.columns if c.endswith("NM") for v in frame[c] if v}
    indicators = pack_csv("indicators")
    ours |= set(indicators["Area Code"]) | set(indicators["Parent Code"]) - {""}
    names |= set(indicators["Area Name"])
    assert len(ours) > 190
    assert not ours & real_codes
    assert not names & real_names
    real_practices = set(
        pd.read_csv(shared_data / "qof" / "MAPPING_NHS_GEOGRAPHIES_2223.csv", dtype=str)[
            "PRACTICE_CODE"
        ]
    )
    mapping = pack_csv("qof_mapping")
    assert not set(mapping["PRACTICE_CODE"]) & real_practices
    assert mapping["PRACTICE_NAME"].str.endswith("(synthetic)").all()


def test_layouts_match_the_real_files(pack, shared_data):
    pairs = [
        ("imd", shared_data / "imd" / "File_7_IoD2025_CheshireMerseyside_subset.csv"),
        ("indicators", shared_data / "fingertips" / "region_hospital_admissions_2324.csv"),
        ("qof", shared_data / "qof" / "PREVALENCE_2223.csv"),
        ("qof_mapping", shared_data / "qof" / "MAPPING_NHS_GEOGRAPHIES_2223.csv"),
        ("lookup_lsoa11", shared_data / "lookups" / "LSOA11_LSOA21_LAD22_EW_LU.csv"),
        ("lookup_icb", shared_data / "lookups" / "LSOA21_SICBL24_ICB24_EN_LU.csv"),
        ("hse", shared_data / "qof" / "hse_estimate.csv"),
    ]
    for key, real in pairs:
        assert _header(pack / FILES[key]) == _header(real), key
    ward_real = _header(
        shared_data
        / "lookups"
        / "Ward_to_Local_Authority_District_(December_2023)_Lookup_in_the_United_Kingdom.csv"
    )
    ward_demo = _header(pack / FILES["lookup_ward_lad"])
    assert [re.sub(r"\d\d", "YY", c) for c in ward_demo] == [
        re.sub(r"\d\d", "YY", c) for c in ward_real
    ]
    assert (pack / FILES["lookup_ward_lad"]).read_bytes().startswith("\ufeff".encode())
    population = _header(pack / FILES["population"])
    assert population[:5] == [
        "LAD 2021 Code",
        "LAD 2021 Name",
        "LSOA 2021 Code",
        "LSOA 2021 Name",
        "Total",
    ]
    assert population[5:] == [f"F{a}" for a in range(91)] + [f"M{a}" for a in range(91)]
    real_ward_props = gpd.read_file(
        shared_data / "boundaries" / "wards_wd25" / "E06000006.geojson"
    ).columns
    demo_ward_props = gpd.read_file(pack / FILES["wards"]).columns
    assert {"WD25CD", "WD25NM", "LAD25CD", "LAD25NM"} <= set(demo_ward_props) & set(real_ward_props)
