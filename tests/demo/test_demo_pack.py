"""The synthetic demo pack: deterministic, fictional codes, real layouts, planted truth."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import time
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from jsna.demo import pack as demo
from jsna.exceptions import SourceError


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "pack"
    start = time.perf_counter()
    demo.write_demo_pack(folder)
    pytest.demo_seconds = time.perf_counter() - start
    return folder


@pytest.fixture(scope="module")
def truth(pack) -> dict:
    return demo.load_truth(pack)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _csv(pack: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(pack / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


# ----------------------------------------------------------------------------- writing


def test_two_writes_are_byte_identical_and_fast(pack, tmp_path):
    assert pytest.demo_seconds < 20
    again = demo.write_demo_pack(tmp_path / "again")
    assert _files(again) == _files(pack)


def test_another_seed_gives_other_data(pack, tmp_path):
    other = demo.write_demo_pack(tmp_path / "other", seed=1)
    assert (other / demo._FILES["population"]).read_bytes() != (
        pack / demo._FILES["population"]
    ).read_bytes()
    assert demo.load_truth(other)["seed"] == 1


def test_manifest_lists_every_file_and_every_file_exists(pack, truth):
    manifest = tomllib.loads((pack / "datapack.toml").read_text(encoding="utf-8"))
    assert manifest["pack"]["synthetic"] is True
    assert manifest["pack"]["areas"] == [demo.DEMO_AREA_CODE]
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
    assert on_disk - listed == {"datapack.toml", "truth.json"}
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
        demo.write_demo_pack(other, overwrite=True)
    assert (other / "notes.txt").read_text() == "keep me"
    with pytest.raises(SourceError, match="overwrite=True"):
        demo.write_demo_pack(pack)
    with pytest.raises(SourceError, match="is a file"):
        demo.write_demo_pack(other / "notes.txt")


def test_ensure_writes_only_when_missing_or_incomplete(tmp_path):
    folder = demo.ensure_demo_pack(tmp_path / "demo")
    population = folder / demo._FILES["population"]
    stamp = population.stat().st_mtime_ns
    assert demo.ensure_demo_pack(folder) == folder
    assert population.stat().st_mtime_ns == stamp  # complete: left alone
    (folder / demo._FILES["deaths"]).unlink()
    demo.ensure_demo_pack(folder)
    assert (folder / demo._FILES["deaths"]).is_file()
    assert not list(tmp_path.glob(".demo.*"))  # no staging folders left behind


def test_load_truth_of_a_folder_without_one(tmp_path):
    with pytest.raises(SourceError, match="truth.json is missing"):
        demo.load_truth(tmp_path)


# ----------------------------------------------------------------------------- codes and names


def test_codes_are_in_the_999_block(pack):
    best_fit = _csv(pack, demo._FILES["lookup_best_fit"])
    assert best_fit["LSOA21CD"].str.fullmatch(r"E01999\d{3}").all()
    assert best_fit["WD25CD"].str.fullmatch(r"E05999\d{3}").all()
    assert (best_fit["LAD25CD"] == demo.DEMO_AREA_CODE).all()
    lsoa11 = _csv(pack, demo._FILES["lookup_lsoa11"])
    assert lsoa11["LSOA11CD"].str.fullmatch(r"E01999\d{3}").all()
    indicators = _csv(pack, demo._FILES["indicators"])
    assert indicators["Area Code"].str.fullmatch(r"E(06|05|12|92)999\d{3}").all()
    qof = _csv(pack, demo._FILES["qof"])
    assert qof["PRACTICE_CODE"].str.fullmatch(r"Z99\d{3}").all()
    msoas = gpd.read_file(pack / demo._FILES["msoas"])
    assert msoas["MSOA21CD"].str.fullmatch(r"E02999\d{3}").all()


def test_codes_do_not_collide_with_real_ones(pack, shared_data):
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
        frame = _csv(pack, demo._FILES[key])
        ours |= {v for c in frame.columns if c.endswith("CD") for v in frame[c]}
        names |= {v for c in frame.columns if c.endswith("NM") for v in frame[c] if v}
    indicators = _csv(pack, demo._FILES["indicators"])
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
    mapping = _csv(pack, demo._FILES["qof_mapping"])
    assert not set(mapping["PRACTICE_CODE"]) & real_practices
    assert mapping["PRACTICE_NAME"].str.endswith("(synthetic)").all()


# ----------------------------------------------------------------------------- geography


def test_lsoas_tile_the_wards(pack):
    lsoas = gpd.read_file(pack / demo._FILES["lsoas"]).to_crs(27700)
    wards = gpd.read_file(pack / demo._FILES["wards"]).to_crs(27700)
    best_fit = _csv(pack, demo._FILES["lookup_best_fit"])
    assert len(lsoas) == demo.N_LSOA and len(wards) == demo.N_WARD
    assert lsoas.is_valid.all() and wards.is_valid.all()
    lsoas = lsoas.merge(best_fit[["LSOA21CD", "WD25CD"]], on="LSOA21CD")
    lsoa_area = lsoas.groupby("WD25CD")["geometry"].apply(lambda g: g.area.sum())
    ward_area = wards.set_index("WD25CD").area
    np.testing.assert_allclose(lsoa_area.loc[ward_area.index], ward_area, rtol=1e-6)
    # no overlaps: pairwise intersections are slivers of rounding at most
    geoms = lsoas.geometry.to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[keep]], geoms[right[keep]]))
    assert overlap.max() < 1.0  # square metres
    # about 25 x 20 km, in British National Grid around (560000, 480000)
    minx, miny, maxx, maxy = wards.total_bounds
    assert 20_000 < maxx - minx < 32_000 and 15_000 < maxy - miny < 26_000
    assert minx < 560_000 < maxx and miny < 480_000 < maxy
    sizes = best_fit.groupby("WD25CD").size()
    assert sizes.min() >= 3


def test_lsoa_names_follow_their_msoa(pack):
    best_fit = _csv(pack, demo._FILES["lookup_best_fit"])
    assert best_fit["LSOA21NM"].str.fullmatch(r"Demoshire \d{3}[A-Z]").all()
    msoas = gpd.read_file(pack / demo._FILES["msoas"])
    assert set(best_fit["LSOA21NM"].str[:-1]) == set(msoas["MSOA21NM"])


def test_lsoa11_lookup_has_splits_and_merges(pack):
    lookup = _csv(pack, demo._FILES["lookup_lsoa11"])
    assert list(lookup.columns) == [
        "LSOA11CD",
        "LSOA11NM",
        "LSOA21CD",
        "LSOA21NM",
        "CHGIND",
        "LAD22CD",
        "LAD22NM",
    ]
    counts = lookup["CHGIND"].value_counts()
    assert counts["S"] >= 4 and counts["M"] >= 4 and counts["U"] > 100
    unchanged = lookup[lookup["CHGIND"] == "U"]
    assert (unchanged["LSOA11CD"] == unchanged["LSOA21CD"]).all()
    assert (lookup[lookup["CHGIND"] == "S"].groupby("LSOA11CD").size() >= 2).all()
    assert (lookup[lookup["CHGIND"] == "M"].groupby("LSOA21CD").size() >= 2).all()
    best_fit = _csv(pack, demo._FILES["lookup_best_fit"])
    assert set(lookup["LSOA21CD"]) == set(best_fit["LSOA21CD"])


# ----------------------------------------------------------------------------- layouts


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
        assert _header(pack / demo._FILES[key]) == _header(real), key
    ward_real = _header(
        shared_data
        / "lookups"
        / "Ward_to_Local_Authority_District_(December_2023)_Lookup_in_the_United_Kingdom.csv"
    )
    ward_demo = _header(pack / demo._FILES["lookup_ward_lad"])
    assert [re.sub(r"\d\d", "YY", c) for c in ward_demo] == [
        re.sub(r"\d\d", "YY", c) for c in ward_real
    ]
    assert (pack / demo._FILES["lookup_ward_lad"]).read_bytes().startswith("\ufeff".encode())
    population = _header(pack / demo._FILES["population"])
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
    demo_ward_props = gpd.read_file(pack / demo._FILES["wards"]).columns
    assert {"WD25CD", "WD25NM", "LAD25CD", "LAD25NM"} <= set(demo_ward_props) & set(real_ward_props)


def test_geojson_is_crs84_like_the_real_files(pack):
    text = (pack / demo._FILES["wards"]).read_text(encoding="utf-8")
    assert '"urn:ogc:def:crs:OGC:1.3:CRS84"' in text
    wards = gpd.read_file(pack / demo._FILES["wards"])
    minx, miny, maxx, maxy = wards.total_bounds
    assert 0 < minx < maxx < 2 and 54 < miny < maxy < 55  # the North Sea off Yorkshire


# ----------------------------------------------------------------------------- contents


def test_imd_ranks_deciles_and_spread(pack, truth):
    imd = _csv(pack, demo._FILES["imd"])
    rank = imd["Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"].astype(int)
    decile = imd[
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
    ].astype(int)
    score = imd["Index of Multiple Deprivation (IMD) Score"].astype(float)
    assert rank.between(1, 33_755).all() and rank.is_unique
    np.testing.assert_array_equal(decile, np.ceil(rank * 10 / 33_755).astype(int))
    assert (
        np.diff(score.to_numpy()[np.argsort(rank.to_numpy())]) <= 0
    ).all()  # higher score, lower rank
    assert (decile <= 2).sum() >= 15 and (decile >= 9).sum() >= 10
    assert truth["deprivation"]["core20_lsoas"] == (decile <= 2).sum()


def test_population_is_plausible_and_younger_where_deprived(pack):
    population = _csv(pack, demo._FILES["population"])
    imd = _csv(pack, demo._FILES["imd"])
    ages = population.iloc[:, 5:].astype(int).to_numpy()
    total = population["Total"].astype(int).to_numpy()
    np.testing.assert_array_equal(ages.sum(axis=1), total)
    assert 1_200 < total.mean() < 1_800 and total.min() > 800
    children = ages[:, :16].sum(axis=1) + ages[:, 91:107].sum(axis=1)
    share = children / total
    decile = imd[
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
    ].astype(int)
    assert share[decile <= 2].mean() > share[decile >= 9].mean() + 0.05


def test_qof_registers_and_list_types(pack, truth):
    qof = _csv(pack, demo._FILES["qof"])
    assert set(qof["GROUP_CODE"]) == {"HYP", "DM", "COPD", "CHD", "AF", "DEP", "DEM"}
    types = qof.groupby("GROUP_CODE")["PATIENT_LIST_TYPE"].unique().map(list).to_dict()
    assert types == {
        "AF": ["TOTAL"],
        "CHD": ["TOTAL"],
        "COPD": ["TOTAL"],
        "DEM": ["TOTAL"],
        "DEP": ["18OV"],
        "DM": ["17OV"],
        "HYP": ["TOTAL"],
    }
    assert qof["REGISTER"].str.fullmatch(r"\d+\.0").all()
    assert qof["PRACTICE_CODE"].nunique() == demo.N_PRACTICE
    patients = _csv(pack, demo._FILES["gp_lsoa"])
    totals = (
        patients.assign(n=patients["NUMBER_OF_PATIENTS"].astype(int))
        .groupby("PRACTICE_CODE")["n"]
        .sum()
    )
    hyp = (
        qof[qof["GROUP_CODE"] == "HYP"].set_index("PRACTICE_CODE")["PRACTICE_LIST_SIZE"].astype(int)
    )
    pd.testing.assert_series_equal(hyp.sort_index(), totals.sort_index(), check_names=False)
    prevalence = qof[qof["GROUP_CODE"] == "HYP"]["REGISTER"].astype(float).sum() / hyp.sum()
    assert 0.08 < prevalence < 0.2


def test_under_diagnosis_grows_with_deprivation(pack, truth):
    for condition, entry in truth["prevalence"]["conditions"].items():
        ratios = [entry["true_oe_by_imd_quintile"][str(q)] for q in range(1, 6)]
        assert np.all(np.diff(ratios) > 0), condition
    # recovered from the registers: practices with more deprived patients record less of what is expected
    practices = truth["prevalence"]["practices"]
    qof = _csv(pack, demo._FILES["qof"])
    hyp = qof[qof["GROUP_CODE"] == "HYP"].set_index("PRACTICE_CODE")["REGISTER"].astype(float)
    codes = sorted(practices)
    oe = np.array([hyp[c] / practices[c]["HYP"]["expected_cases"] for c in codes])
    deprived = np.array([practices[c]["patients_by_imd_quintile_share"][0] for c in codes])
    assert np.corrcoef(deprived, oe)[0, 1] < -0.5


def test_indicators_cover_levels_kinds_and_years(pack, truth):
    data = _csv(pack, demo._FILES["indicators"])
    assert len(data.columns) == 27
    la = data[data["Area Code"] == demo.DEMO_AREA_CODE]
    periods = la.groupby("Indicator ID")["Time period"].nunique()
    assert (periods >= 10).sum() >= 15
    assert set(data["Area Type"]) == {
        "England",
        "Regions (statistical)",
        "Counties & UAs (from Apr 2023)",
        "Ward",
    }
    assert (
        data.loc[data["Area Type"] == "Counties & UAs (from Apr 2023)", "Area Code"].nunique() == 11
    )
    ward_indicators = data.loc[data["Area Type"] == "Ward", "Indicator ID"].unique()
    assert len(ward_indicators) >= 5
    kinds = {entry["kind"] for entry in truth["indicators"].values()}
    assert kinds == {"proportion", "crude rate", "directly standardised rate", "life expectancy"}
    assert {entry["polarity"] for entry in truth["indicators"].values()} == {
        "high is good",
        "low is good",
    }
    trends = {entry["trend"] for entry in truth["indicators"].values()}
    assert {"improving", "worsening"} <= trends
    le = data[(data["Indicator ID"] == "90366") & (data["Area Code"] == demo.DEMO_AREA_CODE)]
    assert set(le["Sex"]) == {"Male", "Female"}
    # counts and values agree (the values came from the counts)
    rates = data[(data["Indicator ID"] == "90284") & (data["Count"] != "")]
    value = rates["Count"].astype(float) / rates["Denominator"].astype(float) * 10_000
    np.testing.assert_allclose(value, rates["Value"].astype(float), rtol=1e-6)


def test_authority_is_worse_than_england_where_planted(pack, truth):
    data = _csv(pack, demo._FILES["indicators"])
    worse = 0
    for indicator_id, entry in truth["indicators"].items():
        if not entry.get("authority_planned_worse_than_england"):
            continue
        rows = data[
            (data["Indicator ID"] == indicator_id) & (data["Time period"] == entry["periods"][-1])
        ]
        la = rows[rows["Area Code"] == demo.DEMO_AREA_CODE].iloc[0]
        england = rows[rows["Area Code"] == demo.ENGLAND_CODE].iloc[0]
        if entry["polarity"] == "low is good":
            worse += float(la["Lower CI 95.0 limit"]) > float(england["Upper CI 95.0 limit"])
    assert worse >= 5


def _ward_gradients(truth) -> dict[str, dict]:
    return {k: e["ward_gradient"] for k, e in truth["indicators"].items() if "ward_gradient" in e}


def test_ward_gradients_are_recovered(pack, truth):
    data = _csv(pack, demo._FILES["indicators"])
    for indicator_id in ("108", "92906", "93085"):
        entry = truth["indicators"][indicator_id]
        planted = entry["ward_gradient"]
        rows = data[
            (data["Indicator ID"] == indicator_id)
            & (data["Area Type"] == "Ward")
            & (data["Time period"] == planted["period"])
        ]
        x = rows["Area Code"].map(planted["relative_rank_latest_by_ward"]).to_numpy()
        weight = rows["Denominator"].astype(float).to_numpy()
        slope = np.polyfit(x, rows["Value"].astype(float), 1, w=np.sqrt(weight))[0]
        assert slope == pytest.approx(planted["sii_latest"], rel=0.35), indicator_id
    gap = truth["indicators"]["90366"]["by_sex"]["Male"]["gap_least_minus_most_deprived_quintile"]
    assert 5 < gap < 12


def test_planted_sii_is_the_sii_of_the_expected_values(pack, truth):
    """By construction: at ward level, for local quintiles of wards, and consistent with the authority."""
    from jsna.analysis.deprivation import area_deprivation
    from jsna.io.datapack import DataPack

    wards = area_deprivation(DataPack.open(pack), demo.DEMO_AREA_CODE)["ward"].set_index(
        "wd25_code"
    )
    data = _csv(pack, demo._FILES["indicators"])
    gradients = _ward_gradients(truth)
    assert {"93085", "93563", "20601"} <= set(gradients) and len(gradients) == 9
    for indicator_id, planted in gradients.items():
        entry = truth["indicators"][indicator_id]
        frame = pd.DataFrame(
            {
                "expected": planted["expected_latest_by_ward"],
                "x": planted["relative_rank_latest_by_ward"],
                "d": planted["denominator_latest_by_ward"],
            }
        )
        # the truth's denominators are the file's, and the ranks follow the wards' IMD scores
        rows = data[
            (data["Indicator ID"] == indicator_id)
            & (data["Time period"] == planted["period"])
            & (data["Area Type"] == "Ward")
        ].set_index("Area Code")
        np.testing.assert_array_equal(
            rows["Denominator"].astype(float).reindex(frame.index), frame["d"]
        )
        order = wards["imd_score"].reindex(frame.index).sort_values(ascending=False).index
        assert (np.diff(frame.loc[order, "x"]) > 0).all()
        share = frame["d"] / frame["d"].sum()
        np.testing.assert_allclose(
            frame.loc[order, "x"], (share.loc[order].cumsum() - share.loc[order] / 2), atol=2e-6
        )
        sii = planted["sii_latest"]
        assert sii == pytest.approx(
            entry["authority_expected"][-1] * planted["sii_relative_to_authority"], rel=1e-5
        )
        assert planted["sii_latest_wls"] == pytest.approx(sii, rel=1e-5)
        # the authority's expected value is the wards' denominator-weighted mean
        assert np.average(frame["expected"], weights=frame["d"]) == pytest.approx(
            entry["authority_expected"][-1], rel=1e-5
        )
        # grouped into local quintiles of wards, the expected values give the same SII
        frame["q"] = wards["local_quintile"].reindex(frame.index)
        q = frame.assign(ed=frame["expected"] * frame["d"]).groupby("q")[["ed", "d"]].sum()
        q_share = q["d"] / q["d"].sum()
        q_x = q_share.cumsum() - q_share / 2
        q_sii = np.polyfit(q_x, q["ed"] / q["d"], 1, w=np.sqrt(q_share))[0]
        assert q_sii == pytest.approx(sii, rel=1e-4), indicator_id
        # Core20 wards against the rest, as jsna.analysis.deprivation flags them
        core20 = wards["core20_ward"].reindex(frame.index).astype(bool)
        assert core20.tolist() == [
            truth["ward_relative_rank"][c]["core20_ward"] for c in frame.index
        ]
        for flag, key in (
            (True, "expected_latest_core20_wards"),
            (False, "expected_latest_other_wards"),
        ):
            part = frame[core20 == flag]
            assert np.average(part["expected"], weights=part["d"]) == pytest.approx(
                planted[key], rel=1e-5
            )


def test_core20plus5_indicators_have_ward_gradients(truth):
    for indicator_id, sex in (("93085", "Female"), ("93563", "Persons")):
        entry = truth["indicators"][indicator_id]
        assert entry["sex"] == sex and entry["ward_level"]
        planted = entry["ward_gradient"]
        assert planted["sii_latest"] < 0  # low is good: worse in the deprived wards
        assert planted["expected_latest_core20_minus_other"] > 0


def test_indicator_streams_are_independent(monkeypatch):
    """Planting a gradient in one indicator leaves every other indicator's draws alone."""

    def ward_free_rows(specs):
        monkeypatch.setattr(demo, "INDICATORS", specs)
        text = demo._build(7)[demo._FILES["indicators"]]
        data = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        return data[
            (data["Area Type"] != "Ward")
            & (data["Indicator ID"] != "93563")
            & (data["Area Code"] != demo.DEMO_AREA_CODE)
        ]

    base = demo.INDICATORS
    without = tuple(dataclasses.replace(s, gradient=None) if s.id == 93563 else s for s in base)
    pd.testing.assert_frame_equal(
        ward_free_rows(base).reset_index(drop=True), ward_free_rows(without).reset_index(drop=True)
    )


def test_deaths_file(pack, truth):
    deaths = _csv(pack, demo._FILES["deaths"])
    assert list(deaths.columns) == ["LSOA21CD", "sex", "age_band", "deaths", "period"]
    assert deaths["age_band"].nunique() == 20 and set(deaths["period"]) == {"2019-2023"}
    assert deaths["deaths"].astype(int).sum() == truth["deaths"]["total"]
    per_year = truth["deaths"]["total"] / 5 / truth["population"]["total"]
    assert 0.007 < per_year < 0.014
