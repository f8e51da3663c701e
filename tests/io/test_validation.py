"""jsna.io.validation and checks: small frames with real codes, then every real and demo frame."""

from __future__ import annotations

import re
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from jsna.columns import FINGERTIPS_KEY as KEY_COLUMNS
from jsna.exceptions import DataValidationError, GeographyError, JSNAError, SourceError
from jsna.io import ROLES
from jsna.io.checks import between, codes, counts, geometries, one_of, positive, unique
from jsna.io.datapack import DataPack
from jsna.io.fingertips_checks import limits_bracket_value, parse_period_start, periods
from jsna.io.validation import CHECKS, validate_frame
from jsna.meta import copy_meta, with_meta

SEFTON, LIVERPOOL = "E08000014", "E08000012"


# --------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
    ("kind", "good"),
    [
        ("lsoa", ["E01006412", "W01000001"]),
        ("msoa", ["E02001400", "W02000001"]),
        ("ward", ["E05000930", "W05000001", "S13002516", "N08000358"]),
        ("lad", ["E06000006", "E07000026", SEFTON, "E09000001", "W06000001"]),
        ("la", ["E10000023", "E06000065"]),
        ("region", ["E12000002"]),
        ("icb", ["E54000008"]),
        ("sicbl", ["E38000068"]),
        ("country", ["E92000001"]),
        ("practice", ["A81001", "N82001"]),
    ],
)
def test_codes_accept_well_formed_codes(kind, good):
    codes({"code": kind})(pd.DataFrame({"code": good}), "x.csv")


@pytest.mark.parametrize(
    ("kind", "bad"),
    [
        ("lsoa", "E0100641"),  # truncated: 8 characters
        ("lsoa", " E01006412"),  # leading space
        ("lsoa", "e01006412"),  # lower case
        ("lsoa", "E02001400"),  # an MSOA in an LSOA column
        ("ward", SEFTON),  # an authority in a ward column
        ("lad", "E10000023"),  # a county is not a district
        ("lad", "E12000002"),  # a region
        ("icb", "E38000068"),  # a sub-ICB location
        ("practice", "A8100"),
    ],
)
def test_codes_reject_malformed_or_wrong_kind(kind, bad):
    frame = pd.DataFrame({"code": [bad]})
    with pytest.raises(
        GeographyError,
        match=rf"x\.csv: column 'code' has values that are not .*{re.escape(repr(bad))}.*check "
        r"for spaces",
    ):
        codes({"code": kind})(frame, "x.csv")


def test_codes_missing_code_is_an_error_unless_allowed():
    frame = pd.DataFrame(
        {"area_code": ["E92000001", "E12000002"], "parent_code": [None, "E92000001"]}
    )
    codes({"area_code": "area", "parent_code": "area"}, missing_ok=["parent_code"])(frame, "f.csv")
    with pytest.raises(
        GeographyError, match=r"column 'parent_code' has 1 missing code.*fill them in"
    ):
        codes({"parent_code": "area"})(frame, "f.csv")


def test_codes_required_column_absent_is_a_source_error():
    with pytest.raises(
        SourceError, match=r"no column like /wd\\d\\d_code/.*right file for its role"
    ):
        codes({r"wd\d\d_code": "ward"})(pd.DataFrame({"lsoa21_code": ["E01006412"]}), "lu.csv")


def test_lsoa11_column_refuses_codes_first_issued_in_2021():
    # E01033768 is the last English 2011 code; E01033769 and W01001959 are new in 2021.
    ok = pd.DataFrame({"lsoa11_code": ["E01033768", "W01001958", "E01006412"]})
    codes({"lsoa11_code": "lsoa11"})(ok, "pop.csv")
    for new in ("E01033769", "E01035762", "W01001959"):
        with pytest.raises(GeographyError, match=rf"first issued in 2021, '{new}'.*mixes vintages"):
            codes({"lsoa11_code": "lsoa11"})(
                pd.DataFrame({"lsoa11_code": ["E01006412", new]}), "pop.csv"
            )
    # the same codes are fine in a 2021 column
    codes({"lsoa21_code": "lsoa"})(
        pd.DataFrame({"lsoa21_code": ["E01033769", "W01002040"]}), "pop.csv"
    )


def test_fingertips_area_type_must_match_code_kind():
    frame = pd.DataFrame(
        {
            "area_code": ["E92000001", "E12000002", SEFTON, "E10000023", "E05000930", "E54000008"],
            "area_type": [
                "England",
                "Regions (statistical)",
                "Counties & UAs (from Apr 2023)",
                "County & UA",
                "Ward",
                "ICBs",
            ],
        }
    )
    validate = CHECKS["indicators.fingertips"][1]
    validate(frame, "all_data.csv")
    bad = frame.assign(area_type=["England", "Region", "Ward", "County & UA", "Ward", "Sub-ICBs"])
    with pytest.raises(
        GeographyError,
        match=r"area_type 'Ward' have area codes that are not ward codes.*'E08000014'",
    ):
        validate(bad, "all_data.csv")


# ----------------------------------------------------------------- keys, counts, denominators


def test_unique_reports_repeated_keys():
    frame = pd.DataFrame(
        {
            "lsoa21_code": ["E01006412", "E01006412", "E01006413"],
            "sex": ["Male", "Male", "Male"],
            "age": [30, 30, 30],
        }
    )
    with pytest.raises(
        DataValidationError,
        match=r"2 rows repeat the key lsoa21_code/sex/age: 'E01006412/Male/30' \(1 in all\)",
    ):
        unique(r"lsoa\d\d_code", "sex", "age")(frame, "pop.csv")
    unique(r"lsoa\d\d_code", "sex", "age")(frame.drop_duplicates(), "pop.csv")


def test_unique_treats_missing_key_parts_as_equal():
    # Fingertips rows without a category repeat when both category columns are empty.
    frame = pd.DataFrame({"area_code": [SEFTON, SEFTON], "category": [np.nan, np.nan]})
    with pytest.raises(
        DataValidationError, match=r"2 rows repeat the key area_code/category: 'E08000014/'"
    ):
        unique("area_code", "category")(frame, "f.csv")


def test_counts_negative_fractional_text_missing():
    check = counts("deaths")
    check(pd.DataFrame({"deaths": [0, 3, 1937]}), "d.csv")
    with pytest.raises(
        DataValidationError, match=r"negative counts: -2.0 \(1 in all\); .*leave such cells empty"
    ):
        check(pd.DataFrame({"deaths": [3.0, -2.0]}), "d.csv")
    with pytest.raises(DataValidationError, match=r"not whole numbers: 2.5 \(1 in all\)"):
        check(pd.DataFrame({"deaths": [2.5, 3.0]}), "d.csv")
    with pytest.raises(
        DataValidationError,
        match=r"'deaths' has values that are not numbers: '\*' \(1 in all\); replace them",
    ):
        check(pd.DataFrame({"deaths": ["3", "*"]}), "d.csv")
    with pytest.raises(DataValidationError, match=r"1 missing counts; fill them in"):
        check(pd.DataFrame({"deaths": [3.0, np.nan]}), "d.csv")
    # Fingertips counts may be averages (e.g. 23.3 a year over three years) and may be missing.
    counts("count", whole=False, missing_ok=True)(
        pd.DataFrame({"count": [23.3, np.nan, 0.0]}), "f.csv"
    )


def test_counts_infinite():
    with pytest.raises(DataValidationError, match=r"infinite counts"):
        counts("n", whole=False)(pd.DataFrame({"n": [1.0, np.inf]}), "f.csv")


def test_positive_denominators():
    check = positive("list_size", whole=True)
    check(pd.DataFrame({"list_size": [3996.0, 625.0]}), "qof.csv")
    for bad, shown in ((0.0, "0.0"), (-10.0, "-10.0")):
        with pytest.raises(
            DataValidationError,
            match=rf"not above zero: {shown} \(1 in all\); .*correct it or remove",
        ):
            check(pd.DataFrame({"list_size": [3996.0, bad]}), "qof.csv")
    with pytest.raises(DataValidationError, match=r"1 missing denominators"):
        check(pd.DataFrame({"list_size": [3996.0, np.nan]}), "qof.csv")
    with pytest.raises(DataValidationError, match=r"not whole numbers: 3996.5"):
        check(pd.DataFrame({"list_size": [3996.5]}), "qof.csv")
    positive("denominator", missing_ok=True)(
        pd.DataFrame({"denominator": [9324084.0, np.nan]}), "f.csv"
    )


def test_between_ranks_deciles_rates():
    deciles = between(r"[a-z_]+_decile", 1, 10, whole=True, what="deciles")
    deciles(pd.DataFrame({"imd_decile": [1, 10], "income_decile": [2, 3]}), "imd.csv")
    with pytest.raises(
        DataValidationError, match=r"'income_decile' has deciles outside 1 to 10 or not whole: 11.0"
    ):
        deciles(pd.DataFrame({"imd_decile": [1, 10], "income_decile": [2, 11]}), "imd.csv")
    with pytest.raises(DataValidationError, match=r"outside 1 to 10 or not whole: 0.0"):
        deciles(pd.DataFrame({"imd_decile": [0]}), "imd.csv")
    rates = between("rate", 0, 1, what="rates")
    rates(pd.DataFrame({"rate": [0.04, 0.21]}), "hse.csv")
    with pytest.raises(
        DataValidationError,
        match=r"rates outside 0 to 1: 21.0 .*fractions \(0.25\), not percentages",
    ):
        rates(pd.DataFrame({"rate": [0.04, 21.0]}), "hse.csv")


def test_one_of():
    one_of("sex", ["Persons", "Male", "Female"])(pd.DataFrame({"sex": ["Male", "Female"]}), "p.csv")
    with pytest.raises(
        DataValidationError,
        match=r"column 'sex' has values 'M', 'F' \(2 in all\); expected one of Persons, Male, "
        r"Female",
    ):
        one_of("sex", ["Persons", "Male", "Female"])(
            pd.DataFrame({"sex": ["M", "F", "Male"]}), "p.csv"
        )


# --------------------------------------------------------------------------- periods


def test_fingertips_periods_parse():
    good = [
        "2019/20",
        "2019",
        "2017 - 19",
        "2019/20 Q1",
        "2011/12 - 13/14",
        "2022/23 Q3 - 2023/24 Q2",
        "Jan 2020",
        "2019 - 23",
        "2015-17",
    ]
    assert parse_period_start(pd.Series(good)).tolist() == [
        2019,
        2019,
        2017,
        2019,
        2011,
        2022,
        2020,
        2019,
        2015,
    ]
    bad = ["201920", "2019/2020/21", "Q1", "last year", "19/20", "2019/20 Q5"]
    assert parse_period_start(pd.Series(bad)).isna().all()


def test_periods_check_and_sortable_agreement():
    frame = pd.DataFrame(
        {"period": ["2010/11", "2017 - 19"], "period_sortable": [20100000, 20170000]}
    )
    periods(frame, "all_data.csv")
    with pytest.raises(
        DataValidationError,
        match=r"periods that do not parse: '201011' \(1 in all\); Fingertips writes periods like",
    ):
        periods(frame.assign(period=["201011", "2017 - 19"]), "all_data.csv")
    with pytest.raises(DataValidationError, match=r"disagree: '2017 - 19 vs 20180000' .*shifted"):
        periods(frame.assign(period_sortable=[20100000, 20180000]), "all_data.csv")
    with pytest.raises(DataValidationError, match=r"1 missing time periods"):
        periods(frame.assign(period=["2010/11", None]), "all_data.csv")


def test_limits_bracket_value():
    # England, 90284, 2010/11: 115.21668 (114.528722 to 115.907745)
    frame = pd.DataFrame(
        {
            "value": [115.21668, np.nan],
            "lower_ci95": [114.528722, np.nan],
            "upper_ci95": [115.907745, np.nan],
        }
    )
    limits_bracket_value(frame, "all_data.csv")
    swapped = frame.assign(lower_ci95=[115.907745, np.nan], upper_ci95=[114.528722, np.nan])
    with pytest.raises(
        DataValidationError,
        match=r"value outside its lower_ci95 to upper_ci95 limits in 1 rows: '115.217 \(115.908 "
        r"to 114.529\)'",
    ):
        limits_bracket_value(swapped, "all_data.csv")


# --------------------------------------------------------------------------- geometries


def _wards(geoms, crs=27700):
    return gpd.GeoDataFrame(
        {"wd25_code": [f"E0500093{i}" for i in range(len(geoms))]}, geometry=geoms, crs=crs
    )


def test_geometries_valid_polygons_in_bng_pass():
    geometries(_wards([shapely.box(335000, 400000, 336000, 401000)]), "w.geojson")


def test_geometries_without_crs():
    with pytest.raises(
        SourceError, match=r"no coordinate reference system; .*export the file again with its CRS"
    ):
        geometries(_wards([shapely.box(335000, 400000, 336000, 401000)], crs=None), "w.geojson")


def test_geometries_invalid_empty_and_not_polygons():
    bow = shapely.Polygon([(335000, 400000), (336000, 401000), (336000, 400000), (335000, 401000)])
    with pytest.raises(
        DataValidationError, match=r"invalid geometry for 'E05000931' \(1 in all\).*make_valid"
    ):
        geometries(_wards([shapely.box(335000, 400000, 336000, 401000), bow]), "w.geojson")
    with pytest.raises(DataValidationError, match=r"empty or missing geometry for 'E05000930'"):
        geometries(_wards([shapely.Polygon()]), "w.geojson")
    with pytest.raises(DataValidationError, match=r"not polygons \('Point' \(1 in all\)\)"):
        geometries(_wards([shapely.Point(335000, 400000)]), "w.geojson")


def test_geometries_coordinates_must_fit_the_crs():
    lonlat = shapely.box(-3.0, 53.45, -2.99, 53.46)  # Bootle in degrees
    with pytest.raises(
        DataValidationError, match=r"look like longitude/latitude .* but the CRS says EPSG:27700"
    ):
        geometries(_wards([lonlat]), "w.geojson")
    geometries(_wards([lonlat], crs="EPSG:4326"), "w.geojson")
    with pytest.raises(DataValidationError, match=r"outside British National Grid"):
        geometries(_wards([shapely.box(956983, -5128650, 958991, -5127650)]), "w.geojson")
    with pytest.raises(
        DataValidationError, match=r"are not longitude/latitude but the CRS says EPSG:4326"
    ):
        geometries(
            _wards([shapely.box(335000, 400000, 336000, 401000)], crs="EPSG:4326"), "w.geojson"
        )


# --------------------------------------------------------------------------- validate_frame


def test_every_role_has_rules():
    assert set(CHECKS) == set(ROLES)


def test_fingertips_key_is_the_readers():
    frame = pd.DataFrame({c: ["x"] for c in KEY_COLUMNS})
    check = unique(*KEY_COLUMNS)
    check(frame, "f.csv")  # every key column is found by name


def test_validate_frame_names_the_source_and_returns_the_frame_unchanged():
    frame = pd.DataFrame(
        {
            "wd23_code": ["E05000930", "E05000931"],
            "wd23_name": ["Church", "Derby"],
            "lad23_code": [SEFTON, SEFTON],
            "lad23_name": ["Sefton", "Sefton"],
        }
    )
    before = frame.copy()
    assert validate_frame("lookup.ward_lad", frame, where="given.csv") is frame
    pd.testing.assert_frame_equal(frame, before)
    with_meta(frame, source="Ward_to_LAD.csv (role lookup.ward_lad)")
    bad = copy_meta(frame.assign(lad23_code=[SEFTON, "E8000014"]), frame)
    with pytest.raises(
        GeographyError,
        match=r"^Ward_to_LAD\.csv \(role lookup\.ward_lad\): column 'lad23_code'.*'E8000014'",
    ):
        validate_frame("lookup.ward_lad", bad, where="given.csv")
    bad = frame.assign(lad23_code=[SEFTON, "E8000014"])
    with_meta(bad, source="")
    with pytest.raises(GeographyError, match=r"^given\.csv: column 'lad23_code'"):
        validate_frame("lookup.ward_lad", bad, where="given.csv")


def test_validate_frame_empty_and_unknown_role():
    with pytest.raises(DataValidationError, match=r"imd.csv: no rows; download the file again"):
        validate_frame("imd", pd.DataFrame({"lsoa21_code": []}), where="imd.csv")
    with pytest.raises(SourceError, match=r"no validation rules for role 'imd.lsoa'"):
        validate_frame("imd.lsoa", pd.DataFrame({"a": [1]}), where="imd.csv")


def test_recorded_prevalence_layouts():
    practice = pd.DataFrame(
        {
            "practice_code": ["A81001", "A81001"],
            "sicbl_code": ["E38000247"] * 2,
            "icb_code": ["E54000050"] * 2,
            "condition": ["AF", "AST"],
            "register": [112.0, 317.0],
            "list_size": [3996.0, 3766.0],
        }
    )
    validate_frame("prevalence.recorded", practice, where="PREVALENCE_2223.csv")
    with pytest.raises(
        DataValidationError, match=r"'register' has counts that are not whole numbers: 112.5"
    ):
        validate_frame(
            "prevalence.recorded",
            practice.assign(register=[112.5, 317.0]),
            where="PREVALENCE_2223.csv",
        )
    # The Commons Library authority file apportions registers:
    # Hartlepool AF 2182.713659 of 97496.246774.
    lad = pd.DataFrame(
        {
            "lad_code": ["E06000001"],
            "condition": ["AF"],
            "register": [2182.713659],
            "list_size": [97496.246774],
        }
    )
    validate_frame("prevalence.recorded", lad, where="output_lad_prevalence.csv")
    with pytest.raises(
        DataValidationError, match=r"'list_size' has denominators that are not above zero: 0.0"
    ):
        validate_frame(
            "prevalence.recorded", lad.assign(list_size=0.0), where="output_lad_prevalence.csv"
        )


def test_neighbours_rules():
    frame = pd.DataFrame(
        {"area_code": [SEFTON, SEFTON], "neighbour_code": [LIVERPOOL, "E08000011"], "rank": [1, 2]}
    )
    validate_frame("neighbours.list", frame, where="n.csv")
    with pytest.raises(DataValidationError, match=r"own neighbour: 'E08000014'"):
        validate_frame(
            "neighbours.list", frame.assign(neighbour_code=[SEFTON, LIVERPOOL]), where="n.csv"
        )
    with pytest.raises(DataValidationError, match=r"repeat the key area_code/rank: 'E08000014/1'"):
        validate_frame("neighbours.list", frame.assign(rank=[1, 1]), where="n.csv")
    with pytest.raises(DataValidationError, match=r"ranks outside 1 to inf or not whole: 0.0"):
        validate_frame("neighbours.list", frame.assign(rank=[0, 1]), where="n.csv")


def _all_frames(pack: DataPack):
    for entry in pack.entries:
        select = {
            k: entry.get(k)
            for k in ("edition", "vintage", "level", "source")
            if entry.get(k) is not None
        }
        if entry.role == "indicators.fingertips":
            select = {}
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore", UserWarning
            )  # reader notes (repaired polygons, changed authorities)
            yield entry, pack.read(entry.role, **select)


@pytest.mark.shared
def test_every_real_frame_passes(shared_data):
    pack = DataPack.open(shared_data)
    seen = set()
    for entry, frame in _all_frames(pack):
        assert validate_frame(entry.role, frame, where=entry.describe()) is frame
        seen.add(entry.role)
    assert seen >= {
        "boundaries.ward",
        "boundaries.lsoa",
        "lookup.lsoa_ward_lad",
        "imd",
        "population.lsoa",
        "indicators.fingertips",
        "neighbours.dfe",
        "prevalence.recorded",
        "prevalence.model",
    }


def test_every_demo_frame_passes(demo_pack):
    pack = DataPack.open(demo_pack)
    roles = set()
    for entry, frame in _all_frames(pack):
        validate_frame(entry.role, frame, where=entry.describe())
        roles.add(entry.role)
    assert len(roles) >= 14


@pytest.mark.shared
def test_real_fingertips_with_a_shifted_row_fails(shared_data):
    frame = DataPack.open(shared_data).read("indicators.fingertips")
    # England 90284 2010/11: value 115.21668, limits 114.528722 to 115.907745,
    # count 107429 of 9324084.
    first = frame.index[
        (frame["area_code"] == "E92000001")
        & (frame["period"] == "2010/11")
        & frame["category_type"].isna()
        & (frame["sex"] == "Persons")
    ][0]
    assert frame.loc[first, "count"] == 107429
    shifted = frame.copy()
    shifted.loc[first, ["value", "lower_ci95"]] = [107429.0, 115.21668]
    with pytest.raises(
        DataValidationError,
        match=r"value outside its lower_ci95 to upper_ci95 limits in 1 rows: '107429",
    ):
        validate_frame("indicators.fingertips", shifted)
    negative = frame.copy()
    negative.loc[first, "count"] = -107429.0
    with pytest.raises(JSNAError, match=r"column 'count' has negative counts: -107429.0"):
        validate_frame("indicators.fingertips", negative)
