"""Readers for boundaries, ONS lookups, IMD and population: real files and odd shapes."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from jsna.exceptions import DataValidationError, SourceError
from jsna.io import FileEntry
from jsna.io.geo import read_boundaries
from jsna.io.imd import read_imd
from jsna.io.lookups import read_lookup
from jsna.io.population import read_population
from jsna.meta import meta


def entry(role, *paths, **attrs):
    return FileEntry(role, tuple(Path(p) for p in paths), attrs)


# ----------------------------------------------------------------- real files
def test_real_ward_boundaries(shared_data):
    files = sorted((shared_data / "boundaries" / "wards_wd25").glob("*.geojson"))
    wards = read_boundaries(entry("boundaries.ward", *files))
    assert len(wards) == 278
    assert wards.crs.to_epsg() == 27700
    assert list(wards.columns) == ["wd25_code", "wd25_name", "lad25_code", "lad25_name", "geometry"]
    assert (wards["lad25_code"] == "E08000012").sum() == 64
    assert (wards["lad25_code"] == "E08000014").sum() == 22
    # British National Grid: metres, Merseyside around 330-360 km east
    x = wards.geometry.centroid.x
    assert 300_000 < x.min() and x.max() < 400_000


def test_real_lsoa_boundaries(shared_data):
    lsoa21 = read_boundaries(
        entry("boundaries.lsoa", *sorted((shared_data / "boundaries/lsoa21").glob("*.geojson")))
    )
    lsoa11 = read_boundaries(
        entry("boundaries.lsoa", *sorted((shared_data / "boundaries/lsoa11").glob("*.geojson")))
    )
    with pytest.warns(UserWarning, match="repaired invalid polygons for 'E02001334'"):
        msoa = read_boundaries(
            entry("boundaries.msoa", *sorted((shared_data / "boundaries/msoa21").glob("*.geojson")))
        )
    assert msoa.geometry.is_valid.all()
    assert (len(lsoa21), len(lsoa11), len(msoa)) == (1601, 1562, 325)
    assert "lsoa11_code" in lsoa11.columns and "msoa21_name" in msoa.columns


def test_real_lookups(shared_data):
    lu = shared_data / "lookups"
    best = read_lookup(entry("lookup.lsoa_ward_lad", lu / "LSOA21_WD24_LAD24_EW_LU.csv"))
    assert list(best.columns) == [
        "lsoa21_code",
        "lsoa21_name",
        "wd24_code",
        "wd24_name",
        "lad24_code",
        "lad24_name",
    ]
    assert len(best) == 35672
    ward_lad = read_lookup(
        entry(
            "lookup.ward_lad",
            lu
            / "Ward_to_Local_Authority_District_(December_2023)_Lookup_in_the_United_Kingdom.csv",
        )
    )
    assert ward_lad.columns[0] == "wd23_code"  # the BOM is gone
    assert len(ward_lad) == 8441
    bridge = read_lookup(entry("lookup.lsoa11_lsoa21", lu / "LSOA11_LSOA21_LAD22_EW_LU.csv"))
    assert bridge["change_indicator"].value_counts().to_dict() == {
        "U": 33647,
        "S": 1900,
        "M": 239,
        "X": 9,
    }
    icb = read_lookup(entry("lookup.lsoa_icb", lu / "LSOA21_SICBL24_ICB24_EN_LU.csv"))
    assert {"sicbl24_code", "sicbl24_ods", "icb24_code", "icb24_name"} <= set(icb.columns)
    assert icb.loc[icb["lsoa21_code"] == "E01012392", "icb24_ods"].item() == "QYG"


def test_real_imd_both_layouts_agree(shared_data):
    d = shared_data / "imd"
    file7 = read_imd(
        entry("imd", d / "File_7_IoD2025_CheshireMerseyside_subset.csv", edition="IoD2025")
    )
    compact = read_imd(entry("imd", d / "imd2025_england_lsoa21.csv", edition="IoD2025"))
    assert len(file7) == 1601 and len(compact) == 33755
    merged = file7.merge(compact, on="lsoa21_code", suffixes=("_f7", "_c"))
    for col in (
        "imd_score",
        "imd_rank",
        "imd_decile",
        "income_score",
        "housing_decile",
        "environment_rank",
    ):
        assert (merged[f"{col}_f7"] == merged[f"{col}_c"]).all(), col
    sefton = file7.loc[file7["lsoa21_code"] == "E01006412"].iloc[0]
    assert (sefton["imd_score"], sefton["imd_rank"], sefton["imd_decile"]) == (66.076, 509, 1)


def test_real_imd2019_has_no_scores(shared_data):
    d = shared_data / "imd"
    old = read_imd(
        entry(
            "imd", d / "File_7_IoD2019_CheshireMerseyside_subset_no_scores.csv", edition="IoD2019"
        )
    )
    assert "lsoa11_code" in old.columns
    assert old["imd_score"].isna().all()
    assert meta(old, "has_scores") is False
    assert old.loc[old["lsoa11_code"] == "E01006412", "imd_rank"].item() == 264


def test_real_population(shared_data):
    pop = read_population(
        entry(
            "population.lsoa",
            shared_data / "population/Mid-2020_Persons_LSOA11_CheshireMerseyside.csv",
            vintage="mid-2020, LSOA11, persons",
        )
    )
    assert meta(pop, "persons_only") is True
    assert pop["lsoa11_code"].nunique() == 1562
    assert pop["population"].sum() == 2_503_902
    assert sorted(pop["age"].unique()) == list(range(91))
    compact = read_population(
        entry("population.lsoa", shared_data / "population/population20_lsoa11.csv.gz")
    )
    assert compact["lsoa11_code"].nunique() == 34753
    same = compact[compact["lsoa11_code"] == "E01006412"]["population"].sum()
    assert same == pop[pop["lsoa11_code"] == "E01006412"]["population"].sum() == 1606


# ----------------------------------------------------------------- odd shapes
def test_population_by_sex_layout_and_bom(tmp_path):
    ages = [f"F{a}" for a in range(91)] + [f"M{a}" for a in range(91)]
    header = "\ufeffLAD 2021 Code,LAD 2021 Name,LSOA 2021 Code,LSOA 2021 Name,Total," + ",".join(
        ages
    )
    row = "E06999001,Demo,E01999001,Demo 001A,182," + ",".join(["1"] * 182)
    path = tmp_path / "sape.csv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    pop = read_population(entry("population.lsoa", path))
    assert meta(pop, "persons_only") is False
    assert set(pop["sex"]) == {"Female", "Male"}
    assert pop.groupby("sex")["population"].sum().to_dict() == {"Female": 91.0, "Male": 91.0}


def test_population_needs_vintage_when_header_has_none(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text(
        "LSOA Code,All Ages,"
        + ",".join(str(a) for a in range(90))
        + ",90+\nE01000001,91,"
        + ",".join(["1"] * 91)
        + "\n"
    )
    with pytest.raises(SourceError, match='add vintage = "LSOA11"'):
        read_population(entry("population.lsoa", path))


def test_population_missing_age_and_text(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text(
        "lsoa11_code,"
        + ",".join(str(a) for a in range(89))
        + ",90+\nE01000001,"
        + ",".join(["1"] * 90)
        + "\n"
    )
    with pytest.raises(SourceError, match="ages 89 .* missing for Persons"):
        read_population(entry("population.lsoa", path))
    path.write_text(
        "lsoa11_code,"
        + ",".join(str(a) for a in range(90))
        + ",90+\nE01000001,x,"
        + ",".join(["1"] * 90)
        + "\n"
    )
    with pytest.raises(
        DataValidationError, match="column '0' has values that are not numbers: 'x'"
    ):
        read_population(entry("population.lsoa", path))


def test_lookup_duplicate_headers_and_missing_column(tmp_path):
    path = tmp_path / "lu.csv"
    path.write_text(
        "\ufeff LSOA21CD ,LSOA21NM,WD24CD,WD24NM\nE01000001,A,E05000001,W\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match=r"no LAD<yy>CD column .*Check the file's role"):
        read_lookup(entry("lookup.lsoa_ward_lad", path))
    path.write_text(
        "LSOA21CD,WD24CD,LAD24CD\nE01000001,E05000001,E06000001\nE01000001,E05000002,E06000001\n"
    )
    with pytest.raises(DataValidationError, match="repeats .*best-fit"):
        read_lookup(entry("lookup.lsoa_ward_lad", path))


def test_wrong_layout_and_truncated(tmp_path):
    path = tmp_path / "imd.csv"
    path.write_text("code,value\nE01000001,3\n")
    with pytest.raises(SourceError, match="no LSOA code column"):
        read_imd(entry("imd", path))
    path.write_text('lsoa21_code,IMD_decile\nE01000001,"3\n')
    with pytest.raises(SourceError, match="truncated"):
        read_imd(entry("imd", path))
    path.write_text("lsoa21_code,IMD_decile\nE01000001,11\n")
    with pytest.raises(DataValidationError, match="outside 1-10 .*E01000001"):
        read_imd(entry("imd", path))


def test_imd_edition_must_match_lsoa_vintage(tmp_path):
    path = tmp_path / "imd.csv"
    path.write_text("lsoa11_code,IMD_decile\nE01000001,3\n")
    with pytest.raises(SourceError, match="IoD2025 is published on LSOA21 but the file has LSOA11"):
        read_imd(entry("imd", path, edition="IoD2025"))


def test_boundaries_without_crs_or_invalid(tmp_path):
    path = tmp_path / "w.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"WD25CD":"E05999999"},'
        '"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}'
    )
    frame = gpd.read_file(path)
    # GeoJSON defaults to CRS84; a bow-tie polygon is invalid but repairable
    assert frame.crs is not None
    with pytest.warns(UserWarning, match="repaired invalid polygons for 'E05999999'"):
        wards = read_boundaries(entry("boundaries.ward", path))
    assert wards.geometry.is_valid.all()
    # a line is not a ward
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"WD25CD":"E05999999"},'
        '"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0],[0,0]]]}}]}'
    )
    with pytest.raises((DataValidationError, SourceError), match="E05999999|cannot read"):
        read_boundaries(entry("boundaries.ward", path))
    shp = tmp_path / "nocrs.gpkg"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        gpd.GeoDataFrame({"WD25CD": ["E05999999"]}, geometry=[shapely.box(0, 0, 1, 1)]).to_file(shp)
    with pytest.raises(SourceError, match="no coordinate reference system"):
        read_boundaries(entry("boundaries.ward", shp))
