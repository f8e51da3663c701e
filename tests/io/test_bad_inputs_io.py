"""Bad files through the data pack (jsna.io): manifests, readers, validation.

Every kind of bad input gives a :class:`~jsna.exceptions.JSNAError` whose
message names what is wrong and says what to do, or NaN with a warning where
the published method says so - never a silently wrong number.

Bad files are written to ``tmp_path``. Files are read as
:class:`~jsna.io.datapack.DataPack` hands them out: the role's reader, then
:func:`jsna.io.validation.validate_frame`.

Cases the current code does not yet handle well are marked
``xfail(strict=True)`` with the reason; they pass once the code is fixed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from jsna.exceptions import DataValidationError, GeographyError, SourceError
from jsna.io.datapack import DataPack
from jsna.io.validation import validate_frame

SEFTON = "E08000014"

from fingertips_sample import FT_ROWS, ft_text  # noqa: E402


def make_pack(folder: Path, role: str, name: str, content: str | bytes, **attrs: str) -> DataPack:
    """A one-file data pack in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(
        content, encoding="utf-8"
    )
    extra = "".join(f'{k} = "{v}"\n' for k, v in attrs.items())
    (folder / "datapack.toml").write_text(
        f'[pack]\nname = "bad"\nareas = ["{SEFTON}"]\n[[file]]\nrole = "{role}"\npath = '
        f'"{name}"\n{extra}'
    )
    return DataPack.open(folder)


def read(pack: DataPack, role: str, **select) -> pd.DataFrame:
    """Read a role as DataPack hands it out: reader, then validation."""
    return validate_frame(
        role, pack.read(role, **select), where=pack.entry(role, **select).describe()
    )


def population_csv(rows: list[list[object]] | None = None) -> str:
    """ONS SAPE single-year layout (LSOA 2021), Persons columns 0..89, 90+."""
    header = [
        "LAD 2021 Code",
        "LAD 2021 Name",
        "LSOA 2021 Code",
        "LSOA 2021 Name",
        "Total",
        *[str(a) for a in range(90)],
        "90+",
    ]
    rows = rows or [[SEFTON, "Sefton", "E01006412", "Sefton 030A", 91, *[1] * 91]]
    return pd.DataFrame(rows, columns=header).to_csv(index=False)


def geojson(features, crs: str | None = "urn:ogc:def:crs:EPSG::27700") -> str:
    collection = {"type": "FeatureCollection", "name": SEFTON}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    collection["features"] = [
        {
            "type": "Feature",
            "properties": {"WD25CD": code, "WD25NM": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        for code, ring in features
    ]
    return json.dumps(collection)


def square(x, y, size=1000.0):
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


# Two Sefton wards, in metres (British National Grid).
WARDS = [("E05000930", square(333000, 398000)), ("E05000931", square(334000, 398000))]


def test_empty_frame_from_a_file(tmp_path):
    pack = make_pack(tmp_path, "imd", "imd.csv", "lsoa21_code,IMD_decile\n", edition="IoD2025")
    with pytest.raises(
        SourceError, match=r"imd.csv \(role imd\) has a header but no rows; download the file again"
    ):
        read(pack, "imd")
    with pytest.raises(
        DataValidationError,
        match=r"no rows; download the file again or remove it from datapack.toml",
    ):
        validate_frame(
            "imd", pd.DataFrame({"lsoa21_code": pd.Series([], dtype=str)}), where="imd.csv"
        )


def test_unknown_area_code_in_a_pack(demo_pack):
    pack = DataPack.open(demo_pack)
    with pytest.raises(
        GeographyError, match=r"unknown area code 'E06999099' .* it covers 'E06999001'"
    ):
        pack.check_area("E06999099")


# =========================================================================== data pack files


def test_manifest_naming_a_missing_file(tmp_path):
    (tmp_path / "datapack.toml").write_text(
        '[pack]\nname = "p"\n[[file]]\nrole = "imd"\npath = "imd/File_7.csv"\n'
    )
    with pytest.raises(
        SourceError,
        match=r"role imd path 'imd/File_7.csv' matches no file .*fix the path or download the file",
    ):
        DataPack.open(tmp_path)


def test_manifest_not_toml(tmp_path):
    (tmp_path / "datapack.toml").write_text('[pack\nname = "p"\n')
    with pytest.raises(SourceError, match=r"is not valid TOML: .*fix the manifest"):
        DataPack.open(tmp_path)


def test_manifest_unknown_role(tmp_path):
    (tmp_path / "x.csv").write_text("a\n1\n")
    (tmp_path / "datapack.toml").write_text(
        '[pack]\nname = "p"\n[[file]]\nrole = "imd.lsoa"\npath = "x.csv"\n'
    )
    with pytest.raises(SourceError, match=r"unknown role 'imd.lsoa'; roles are boundaries.ward"):
        DataPack.open(tmp_path)


def test_truncated_csv(tmp_path):
    text = ft_text()
    pack = make_pack(tmp_path, "indicators.fingertips", "all_data.csv", text[: len(text) - 40])
    with pytest.raises(
        SourceError,
        match=r"the last record has \d+ fields, the first 27 .*truncated - download it again",
    ):
        read(pack, "indicators.fingertips")


def test_fingertips_renamed_column(tmp_path):
    pack = make_pack(
        tmp_path, "indicators.fingertips", "all_data.csv", ft_text().replace(",Value,", ",Val,")
    )
    with pytest.raises(
        SourceError,
        match=r"no column 'Value'; a Fingertips all_data CSV has .*Download the all_data CSV from "
        r"Fingertips again",
    ):
        read(pack, "indicators.fingertips")


def test_fingertips_good_file_reads(tmp_path):
    frame = read(
        make_pack(tmp_path, "indicators.fingertips", "all_data.csv", ft_text()),
        "indicators.fingertips",
    )
    assert frame.loc[frame["area_code"] == SEFTON, ["count", "denominator"]].values.tolist() == [
        [254.0, 174932.0]
    ]


def test_fingertips_negative_count(tmp_path):
    pack = make_pack(tmp_path, "indicators.fingertips", "all_data.csv", ft_text(Count="-254"))
    with pytest.raises(
        DataValidationError,
        match=r"all_data.csv \(role indicators.fingertips\): column 'count' has negative counts: "
        r"-254.0.*leave such cells empty",
    ):
        read(pack, "indicators.fingertips")


def test_fingertips_zero_denominator(tmp_path):
    pack = make_pack(tmp_path, "indicators.fingertips", "all_data.csv", ft_text(Denominator="0"))
    with pytest.raises(
        DataValidationError,
        match=r"column 'denominator' has denominators that are not above zero: 0.0.*leave the "
        r"cell empty",
    ):
        read(pack, "indicators.fingertips")


def test_fingertips_text_in_value(tmp_path):
    pack = make_pack(tmp_path, "indicators.fingertips", "all_data.csv", ft_text(Value="n/a*"))
    with pytest.raises(
        SourceError,
        match=r"column 'Value' has values that are not numbers: 'n/a\*'.*(download|replace|leave)",
    ):
        read(pack, "indicators.fingertips")


def test_fingertips_unparseable_period(tmp_path):
    pack = make_pack(
        tmp_path, "indicators.fingertips", "all_data.csv", ft_text(**{"Time period": "201011"})
    )
    with pytest.raises(
        DataValidationError,
        match=r"periods that do not parse: '201011'.*restore the Time period column",
    ):
        read(pack, "indicators.fingertips")


def test_fingertips_shifted_sortable_period(tmp_path):
    pack = make_pack(
        tmp_path,
        "indicators.fingertips",
        "all_data.csv",
        ft_text(**{"Time period Sortable": "20990000"}),
    )
    with pytest.raises(
        DataValidationError,
        match=r"periods and period_sortable disagree: '2010/11 vs 20990000'.*download the file",
    ):
        read(pack, "indicators.fingertips")


def test_fingertips_malformed_area_code(tmp_path):
    pack = make_pack(
        tmp_path, "indicators.fingertips", "all_data.csv", ft_text(**{"Area Code": "E8000014"})
    )
    with pytest.raises(
        GeographyError,
        match=r"column 'area_code' has values that are not area codes .*'E8000014'.*check for "
        r"spaces, truncated codes",
    ):
        read(pack, "indicators.fingertips")


def test_fingertips_area_code_of_the_wrong_kind(tmp_path):
    pack = make_pack(
        tmp_path, "indicators.fingertips", "all_data.csv", ft_text(**{"Area Type": "Ward"})
    )
    with pytest.raises(
        GeographyError,
        match=r"area_type 'Ward' have area codes that are not ward codes.*'E08000014'.*download "
        r"the file",
    ):
        read(pack, "indicators.fingertips")


def test_fingertips_value_outside_its_limits(tmp_path):
    pack = make_pack(tmp_path, "indicators.fingertips", "all_data.csv", ft_text(Value="254"))
    with pytest.raises(
        DataValidationError,
        match=r"value outside its lower_ci95 to upper_ci95 limits in 1 rows: '254 \(127.8 to "
        r"164.3\)'",
    ):
        read(pack, "indicators.fingertips")


def test_fingertips_duplicate_area_period_rows_that_disagree(tmp_path):
    text = ft_text() + FT_ROWS[1].replace("145.2,", "150.2,") + "\n"
    pack = make_pack(tmp_path, "indicators.fingertips", "all_data.csv", text)
    with pytest.raises(
        DataValidationError,
        match=r"conflicting Fingertips rows for .*area_code='E08000014'.*value 145.2 vs "
        r"150.2.*download both again",
    ):
        read(pack, "indicators.fingertips")


def test_excel_workbook_named_csv(tmp_path):
    pack = make_pack(tmp_path, "indicators.fingertips", "all_data.csv", b"PK\x03\x04" + bytes(200))
    with pytest.raises(SourceError, match=r"(Excel|xlsx|workbook).*CSV"):
        read(pack, "indicators.fingertips")


def test_binary_file_named_csv(tmp_path):
    pack = make_pack(tmp_path, "indicators.fingertips", "all_data.csv", bytes(range(256)) * 20)
    with pytest.raises(
        SourceError, match=r"cannot read .*all_data.csv.*save the file as UTF-8 CSV"
    ):
        read(pack, "indicators.fingertips")


def test_population_missing_age_band(tmp_path):
    text = population_csv().replace(",45,", ",45x,")
    pack = make_pack(tmp_path, "population.lsoa", "sape.csv", text)
    with pytest.raises(
        SourceError,
        match=r"ages 45 \(1 in all\) are missing for Persons; the file must have every single "
        r"year 0-89 and 90\+",
    ):
        read(pack, "population.lsoa")


def test_population_negative(tmp_path):
    row = [SEFTON, "Sefton", "E01006412", "Sefton 030A", 89, -1, *[1] * 90]
    pack = make_pack(tmp_path, "population.lsoa", "sape.csv", population_csv([row]))
    with pytest.raises(DataValidationError, match=r"column '0'.*-1.*(fix|correct|download)"):
        read(pack, "population.lsoa")


def test_population_text_in_numeric_column(tmp_path):
    row = [SEFTON, "Sefton", "E01006412", "Sefton 030A", 91, "c", *[1] * 90]
    pack = make_pack(tmp_path, "population.lsoa", "sape.csv", population_csv([row]))
    with pytest.raises(
        DataValidationError,
        match=r"column '0' has values that are not numbers: 'c'.*(replace|fix|leave)",
    ):
        read(pack, "population.lsoa")


def test_population_fractional(tmp_path):
    row = [SEFTON, "Sefton", "E01006412", "Sefton 030A", 91, 1.5, *[1] * 90]
    pack = make_pack(tmp_path, "population.lsoa", "sape.csv", population_csv([row]))
    with pytest.raises(
        DataValidationError,
        match=r"column 'population' has counts that are not whole numbers: 1.5.*is this a rate or "
        r"an estimate",
    ):
        read(pack, "population.lsoa")


def test_population_total_disagrees_with_ages(tmp_path):
    row = [SEFTON, "Sefton", "E01006412", "Sefton 030A", 1500, *[1] * 91]
    pack = make_pack(tmp_path, "population.lsoa", "sape.csv", population_csv([row]))
    with pytest.raises(DataValidationError, match=r"Total"):
        read(pack, "population.lsoa")


def test_population_lsoa_repeated(tmp_path):
    row = [SEFTON, "Sefton", "E01006412", "Sefton 030A", 91, *[1] * 91]
    pack = make_pack(tmp_path, "population.lsoa", "sape.csv", population_csv([row, row]))
    with pytest.raises(
        DataValidationError, match=r"LSOA codes repeated: 'E01006412' \(1 in all\); each LSOA once"
    ):
        read(pack, "population.lsoa")


def test_population_2021_codes_declared_lsoa11(tmp_path):
    text = (
        "LSOA Code,All Ages,"
        + ",".join(map(str, range(90)))
        + ",90+\nE01035001,91,"
        + ",".join(["1"] * 91)
        + "\n"
    )
    pack = make_pack(tmp_path, "population.lsoa", "sape.csv", text, vintage="LSOA11")
    with pytest.raises(
        GeographyError,
        match=r"LSOA codes first issued in 2021, 'E01035001'.*say vintage = \"LSOA21\"",
    ):
        read(pack, "population.lsoa")


def test_lookup_columns_in_the_wrong_place(tmp_path):
    text = "LSOA21CD,WD24CD,LAD24CD\nE05000930,E01006412,E08000014\n"
    pack = make_pack(tmp_path, "lookup.lsoa_ward_lad", "lu.csv", text)
    with pytest.raises(
        GeographyError,
        match=r"column 'lsoa21_code' has values that are not LSOA codes .*'E05000930'.*columns in "
        r"the wrong place",
    ):
        read(pack, "lookup.lsoa_ward_lad")


def test_best_fit_lookup_with_an_lsoa_twice(tmp_path):
    text = (
        "LSOA21CD,WD24CD,LAD24CD\nE01006412,E05000930,E08000014\nE01006413,E05000930,E08000014\n"
        "E01006412,E05000931,E08000014\n"
    )
    pack = make_pack(tmp_path, "lookup.lsoa_ward_lad", "lu.csv", text)
    with pytest.raises(
        DataValidationError,
        match=r"lsoa21_code repeats with different rows for 'E01006412'.*check you have the "
        r"best-fit file",
    ):
        read(pack, "lookup.lsoa_ward_lad")


def test_imd_decile_out_of_range_in_file(tmp_path):
    pack = make_pack(
        tmp_path, "imd", "imd.csv", "lsoa21_code,IMD_decile\nE01006412,11\n", edition="IoD2025"
    )
    with pytest.raises(DataValidationError, match=r"decile.*11.*(check|download|fix)"):
        read(pack, "imd")


def test_qof_zero_list_size(tmp_path):
    text = (
        "lad_code,lad_name,group_code,register,list\nE08000014,Sefton,HYP,45000,0\n"
        "E08000014,Sefton,DM,20000,283000\n"
    )
    pack = make_pack(tmp_path, "prevalence.recorded", "lad.csv", text, level="lad")
    with pytest.raises(
        DataValidationError,
        match=r"lad.csv \(role prevalence.recorded\): column 'list_size' has denominators that "
        r"are not above zero: 0.0.*correct it or remove",
    ):
        read(pack, "prevalence.recorded")


def test_modelled_rates_given_as_percentages(tmp_path):
    pack = make_pack(
        tmp_path,
        "prevalence.model",
        "rates.csv",
        "condition,sex,age_band,rate_fraction\nDM,Male,16-34,15\n",
    )
    with pytest.raises(
        DataValidationError, match=r"rates above 100% 15.0 .*give unit = \"percent\""
    ):
        read(pack, "prevalence.model")


def test_deaths_not_whole(tmp_path):
    pack = make_pack(
        tmp_path,
        "deaths.lsoa",
        "deaths.csv",
        "LSOA21CD,sex,age_band,deaths,period\nE01006412,Male,90+,2.5,2019-2023\n",
    )
    with pytest.raises(
        DataValidationError,
        match=r"'deaths' has values that are not whole non-negative numbers: '2.5'.*fix the "
        r"extract",
    ):
        read(pack, "deaths.lsoa")


def test_neighbour_list_naming_itself(tmp_path):
    pack = make_pack(
        tmp_path,
        "neighbours.list",
        "n.csv",
        "area_code,neighbour_code,rank\nE08000014,E08000014,1\nE08000014,E08000012,2\n",
    )
    with pytest.raises(
        DataValidationError,
        match=r"authorities listed as their own neighbour: 'E08000014'.*remove those rows",
    ):
        read(pack, "neighbours.list")


# --------------------------------------------------------------------------- boundaries


def test_boundaries_read(tmp_path):
    wards = read(
        make_pack(tmp_path, "boundaries.ward", "w.geojson", geojson(WARDS)), "boundaries.ward"
    )
    assert (
        wards["wd25_code"].tolist() == ["E05000930", "E05000931"] and wards.crs.to_epsg() == 27700
    )
    assert wards.area.round().tolist() == [1_000_000.0, 1_000_000.0]


def test_geojson_without_crs_in_lonlat_is_crs84(tmp_path):
    """RFC 7946: GeoJSON without a crs member is longitude/latitude (CRS84)."""
    ring = square(-3.0, 53.45, 0.01)
    wards = read(
        make_pack(
            tmp_path, "boundaries.ward", "w.geojson", geojson([("E05000930", ring)], crs=None)
        ),
        "boundaries.ward",
    )
    assert wards.crs.to_epsg() == 27700
    assert wards.total_bounds[0] == pytest.approx(333_300, abs=1_000)


def test_geojson_without_crs_in_metres(tmp_path):
    pack = make_pack(tmp_path, "boundaries.ward", "w.geojson", geojson(WARDS, crs=None))
    with pytest.raises(SourceError, match=r"CRS"):
        read(pack, "boundaries.ward")


def test_geojson_lonlat_labelled_as_bng(tmp_path):
    pack = make_pack(
        tmp_path,
        "boundaries.ward",
        "w.geojson",
        geojson([("E05000930", square(-3.0, 53.45, 0.01))]),
    )
    with pytest.raises(
        DataValidationError,
        match=r"coordinates look like longitude/latitude .* but the CRS says EPSG:27700; set the "
        r"file's CRS",
    ):
        read(pack, "boundaries.ward")


def test_geojson_self_intersecting_polygon_is_repaired_with_a_warning(tmp_path):
    x, y = 335000, 398000
    bow = [[x, y], [x + 1000, y + 1000], [x + 1000, y], [x, y + 1000], [x, y]]
    pack = make_pack(
        tmp_path, "boundaries.ward", "w.geojson", geojson([*WARDS, ("E05000932", bow)])
    )
    with pytest.warns(UserWarning, match=r"repaired invalid polygons for 'E05000932'"):
        wards = read(pack, "boundaries.ward")
    assert wards.is_valid.all()
    assert wards.loc[wards["wd25_code"] == "E05000932"].area.item() == pytest.approx(500_000.0)


def test_geojson_polygon_that_cannot_be_repaired(tmp_path):
    line = [[335000, 398000], [336000, 398000], [337000, 398000], [335000, 398000]]
    pack = make_pack(
        tmp_path, "boundaries.ward", "w.geojson", geojson([*WARDS, ("E05000932", line)])
    )
    with pytest.raises(
        DataValidationError,
        match=r"invalid polygons for 'E05000932' .* cannot be repaired; download the boundaries "
        r"again",
    ):
        read(pack, "boundaries.ward")


def test_geojson_truncated(tmp_path):
    pack = make_pack(tmp_path, "boundaries.ward", "w.geojson", geojson(WARDS)[:-60])
    with pytest.raises(
        SourceError,
        match=r"cannot read boundaries .*may be truncated or not GeoJSON - download it again",
    ):
        read(pack, "boundaries.ward")


def test_geojson_ward_code_twice_with_different_polygons(tmp_path):
    pack = make_pack(
        tmp_path,
        "boundaries.ward",
        "w.geojson",
        geojson([*WARDS, ("E05000930", square(340000, 398000))]),
    )
    with pytest.raises(DataValidationError, match=r"E05000930"):
        read(pack, "boundaries.ward")


def test_geojson_lsoa_codes_in_a_ward_file(tmp_path):
    pack = make_pack(
        tmp_path, "boundaries.ward", "w.geojson", geojson([("E01006412", square(335000, 398000))])
    )
    with pytest.raises(
        GeographyError,
        match=r"'wd25_code' has values that are not ward codes .*'E01006412'.*matches its role",
    ):
        read(pack, "boundaries.ward")
