"""Fingertips all_data reader (jsna.io.fingertips): real exports and hand-written fixtures.

The real exports are read once per module (fixtures ``la``, ``region``, ``legacy``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna import columns as S
from jsna.exceptions import DataValidationError, SourceError
from jsna.io import READERS, FileEntry
from jsna.io.fingertips import EXTRA_COLUMNS, check_fingertips_csv, read_fingertips
from jsna.meta import meta

ROLE = "indicators.fingertips"
LA = "la_hospital_admissions_2324.csv"
REGION = "region_hospital_admissions_2324.csv"
LEGACY = "indicators-CountyUA.data.csv"

HEADER_27 = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
    "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
    "Compared to England value or percentiles,Compared to Regions (statistical) value or "
    "percentiles,"
    "Time period Sortable,New data,Compared to goal,Time period range"
)
ROW_SEFTON = (
    "90284,Injuries,E12000002,North West region (statistical),E08000014,Sefton,"
    "Counties & UAs (from Apr 2023),Persons,<15 yrs,,,2023/24,92.78719,86.5,99.4,83.3,103.1,"
    "430,463415,,No significant change,Worse,Worse,20230000,,,1y"
)
ROW_WIRRAL = (
    "90284,Injuries,E12000002,North West region (statistical),E08000015,Wirral,"
    "Counties & UAs (from Apr 2023),Persons,<15 yrs,,,2023/24,120.5,113.0,128.4,109.1,132.8,"
    ""  # count and denominator empty
    ',,"Value note, with a comma",,Worse,Worse,20230000,,,1y'
)


def entry(*paths: Path, **attrs) -> FileEntry:
    return FileEntry(ROLE, tuple(paths), attrs)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="module")
def ft_dir(shared_data: Path) -> Path:
    return shared_data / "fingertips"


@pytest.fixture(scope="module")
def la(ft_dir: Path) -> pd.DataFrame:
    return read_fingertips(entry(ft_dir / LA))


@pytest.fixture(scope="module")
def region(ft_dir: Path) -> pd.DataFrame:
    return read_fingertips(entry(ft_dir / REGION))


@pytest.fixture(scope="module")
def legacy(ft_dir: Path) -> pd.DataFrame:
    return read_fingertips(entry(ft_dir / LEGACY))


# --------------------------------------------------------------------------- real files
def test_registered_for_role():
    assert READERS[ROLE] is read_fingertips


def test_la_file_shape_and_types(la):
    assert la.shape == (7208, len(S.INDICATOR_COLUMNS) + len(EXTRA_COLUMNS))
    assert list(la.columns) == S.INDICATOR_COLUMNS + EXTRA_COLUMNS
    assert la[S.INDICATOR_ID].dtype == np.int64
    assert la[S.PERIOD_SORTABLE].dtype == np.int64
    for column in (
        S.VALUE,
        S.LOWER_CI95,
        S.UPPER_CI95,
        S.LOWER_CI99_8,
        S.UPPER_CI99_8,
        S.COUNT,
        S.DENOMINATOR,
    ):
        assert la[column].dtype == np.float64, column
    assert set(la[S.INDICATOR_ID]) == {90284}
    assert la[S.POLARITY].isna().all()
    # 152 upper-tier authorities plus England, Persons/Male/Female, 2010/11-2023/24
    assert la.loc[la[S.AREA_TYPE] == "Counties & UAs (from Apr 2023)", S.AREA_CODE].nunique() == 153
    assert la[S.PERIOD].min() == "2010/11" and la[S.PERIOD].max() == "2023/24"
    assert la["time_period_range"].eq("1y").all()


def test_la_file_real_row_sefton(la):
    row = la[
        (la[S.AREA_CODE] == "E08000014") & (la[S.SEX] == "Persons") & (la[S.PERIOD] == "2010/11")
    ]
    assert len(row) == 1
    row = row.iloc[0]
    assert row[S.AREA_NAME] == "Sefton"
    assert row[S.PARENT_CODE] == "E92000001" and row["parent_name"] == "England"
    assert row[S.VALUE] == pytest.approx(170.7344761)
    assert row[S.LOWER_CI95] == pytest.approx(158.7479581)
    assert row[S.UPPER_CI95] == pytest.approx(183.3861671)
    assert np.isnan(row[S.LOWER_CI99_8]) and np.isnan(row[S.UPPER_CI99_8])
    assert row[S.COUNT] == 752 and row[S.DENOMINATOR] == 44045
    assert row[S.PERIOD_SORTABLE] == 20100000
    assert row["compared_to_england"] == "Worse"
    # Column 23 is "Compared to percentiles" in the England-parent download
    assert row["compared_to_parent"] == "Not compared"
    assert row["compared_to_parent_type"] == "percentiles"
    assert pd.isna(row[S.CATEGORY_TYPE]) and pd.isna(row[S.VALUE_NOTE])


def test_la_file_latest_trend_and_quoted_note(la):
    latest = la[
        (la[S.AREA_CODE] == "E08000014") & (la[S.SEX] == "Persons") & (la[S.PERIOD] == "2023/24")
    ]
    assert latest["recent_trend"].item() == "No significant change"
    assert latest[S.VALUE].item() == pytest.approx(92.78719)
    notes = la[S.VALUE_NOTE].dropna()
    assert notes.str.startswith("Should be treated with caution, as it contains areas").any()
    # the quoted note keeps its commas and does not spill into the next columns
    caution = la[la[S.VALUE_NOTE].str.contains("Nottingham University Hospitals", na=False)]
    assert len(caution) > 0
    assert {"E92000001", "E06000018", "E10000024"} <= set(caution[S.AREA_CODE])
    assert caution[S.PERIOD_SORTABLE].between(20100000, 20230000).all()
    assert set(caution["compared_to_england"]) <= {"Better", "Similar", "Worse", "Not compared"}


def test_region_file_parent_comparison(region):
    assert region.shape[0] == 6847
    assert set(region["compared_to_parent_type"]) == {"Regions (statistical)"}
    assert region["compared_to_parent"].value_counts().to_dict() == {
        "Similar": 2643,
        "Better": 1638,
        "Worse": 1420,
        "Not compared": 1146,
    }
    row = region[
        (region[S.AREA_CODE] == "E08000014")
        & (region[S.SEX] == "Male")
        & (region[S.PERIOD] == "2012/13")
    ].iloc[0]
    assert row[S.PARENT_CODE] == "E12000002"
    assert row["parent_name"] == "North West region (statistical)"
    assert row[S.VALUE] == pytest.approx(112.2133)
    assert row[S.LOWER_CI99_8] == pytest.approx(91.549)
    assert row[S.UPPER_CI99_8] == pytest.approx(135.92743)
    assert row["compared_to_england"] == "Similar" and row["compared_to_parent"] == "Better"
    regions = region[region[S.AREA_TYPE] == "Regions (statistical)"]
    assert regions[S.AREA_CODE].nunique() == 9


def test_legacy_26_column_file(legacy, ft_dir):
    assert len(pd.read_csv(ft_dir / LEGACY, nrows=0).columns) == 26
    assert legacy.shape == (852, len(S.INDICATOR_COLUMNS) + len(EXTRA_COLUMNS))
    # the indicator name ends with a newline inside the quotes in the file
    assert set(legacy[S.INDICATOR_NAME]) == {"Campylobacter incidence rate/100,000"}
    assert legacy["time_period_range"].isna().all()
    assert set(legacy["compared_to_parent_type"]) == {"Region"}
    assert legacy[S.LOWER_CI99_8].isna().all() and legacy[S.UPPER_CI99_8].isna().all()
    assert legacy[S.PERIOD].value_counts().to_dict() == {"2015": 335, "2016": 335, "2017": 182}
    assert (legacy["new_data"] == "New data").sum() == 182
    sefton = legacy[
        (legacy[S.AREA_CODE] == "E08000014")
        & (legacy[S.PERIOD] == "2015")
        & (legacy[S.AGE] == "All ages")
    ].iloc[0]
    assert sefton[S.VALUE] == pytest.approx(81.4739849547143)
    assert sefton[S.COUNT] == 223 and sefton[S.DENOMINATOR] == 273707
    assert sefton["compared_to_england"] == "Better" and sefton["compared_to_parent"] == "Similar"
    assert sefton[S.PARENT_CODE] == "E12000002"
    assert "Value for Cornwall & Isles of Scilly combined" in set(legacy[S.VALUE_NOTE].dropna())
    assert "St. Helens" in set(legacy[S.AREA_NAME])
    england = legacy[(legacy[S.AREA_CODE] == "E92000001") & legacy[S.CATEGORY_TYPE].isna()]
    assert set(england[S.AREA_TYPE]) == {"Country"}


def test_files_together_keep_each_parent_view(ft_dir, la, region, legacy):
    both = read_fingertips(entry(ft_dir / LA, ft_dir / REGION, ft_dir / LEGACY))
    # No row of one download equals a row of another: each carries its parent comparison.
    assert len(both) == len(la) + len(region) + len(legacy)
    sefton = both[
        (both[S.AREA_CODE] == "E08000014")
        & (both[S.PERIOD] == "2023/24")
        & (both[S.SEX] == "Persons")
    ]
    assert sorted(sefton["compared_to_parent_type"]) == ["Regions (statistical)", "percentiles"]
    assert sefton[S.VALUE].nunique() == 1


def test_identical_files_merge(ft_dir, la):
    twice = read_fingertips(entry(ft_dir / LA, ft_dir / LA, polarity="low is good"))
    assert len(twice) == len(la)
    assert set(twice[S.POLARITY]) == {"low is good"}


# --------------------------------------------------------------------------- fixtures
def test_bom_and_quoted_note(tmp_path):
    path = write(
        tmp_path / "bom.csv",
        "\ufeff" + HEADER_27 + "\r\n" + ROW_SEFTON + "\r\n" + ROW_WIRRAL + "\r\n",
    )
    frame = read_fingertips(entry(path))
    assert frame[S.INDICATOR_ID].tolist() == [90284, 90284]
    wirral = frame.iloc[1]
    assert wirral[S.VALUE_NOTE] == "Value note, with a comma"
    assert np.isnan(wirral[S.COUNT]) and np.isnan(wirral[S.DENOMINATOR])
    assert wirral["compared_to_england"] == "Worse" and wirral["time_period_range"] == "1y"


def test_polarity_per_indicator_and_invalid(tmp_path):
    path = write(tmp_path / "a.csv", HEADER_27 + "\n" + ROW_SEFTON + "\n")
    frame = read_fingertips(entry(path, polarity={"90284": "low is good"}))
    assert frame[S.POLARITY].tolist() == ["low is good"]
    with pytest.raises(
        SourceError, match="polarity 'lower is better'.*fix polarity in datapack.toml"
    ):
        read_fingertips(entry(path, polarity="lower is better"))


def test_renamed_column_is_a_source_error(tmp_path):
    header = HEADER_27.replace("Lower CI 95.0 limit", "LowerCI95")
    path = write(tmp_path / "renamed.csv", header + "\n" + ROW_SEFTON + "\n")
    with pytest.raises(
        SourceError, match=r"renamed\.csv.*no column 'Lower CI 95\.0 limit'.*LowerCI95"
    ):
        read_fingertips(entry(path))


def test_missing_parent_comparison_column(tmp_path):
    header = HEADER_27.replace(
        "Compared to Regions (statistical) value or percentiles", "Parent comparison"
    )
    path = write(tmp_path / "noparent.csv", header + "\n" + ROW_SEFTON + "\n")
    with pytest.raises(SourceError, match="no column 'Compared to <parent> value or percentiles'"):
        read_fingertips(entry(path))


def test_truncated_file_is_a_source_error(tmp_path):
    text = HEADER_27 + "\n" + ROW_SEFTON + "\n" + ROW_WIRRAL + "\n"
    cut = write(tmp_path / "cut.csv", text[: len(HEADER_27) + len(ROW_SEFTON) + 60])
    with pytest.raises(SourceError, match=r"cut\.csv.*truncated"):
        read_fingertips(entry(cut))
    # cut inside the quoted value note
    inside = write(tmp_path / "inside.csv", text[: text.index("with a comma")])
    with pytest.raises(SourceError, match=r"inside\.csv.*(truncated|download it again)"):
        read_fingertips(entry(inside))


def test_text_in_a_number_column(tmp_path):
    path = write(
        tmp_path / "text.csv", HEADER_27 + "\n" + ROW_SEFTON.replace(",430,", ",*,") + "\n"
    )
    with pytest.raises(SourceError, match=r"text\.csv.*'Count'.*'\*'"):
        read_fingertips(entry(path))


def test_conflicting_duplicate_names_key_and_both_files(tmp_path):
    a = write(tmp_path / "first.csv", HEADER_27 + "\n" + ROW_SEFTON + "\n")
    b = write(
        tmp_path / "second.csv", HEADER_27 + "\n" + ROW_SEFTON.replace("92.78719", "93.1") + "\n"
    )
    with pytest.raises(DataValidationError) as info:
        read_fingertips(entry(a, b))
    message = str(info.value)
    for part in (
        "area_code='E08000014'",
        "period='2023/24'",
        "indicator_id=90284",
        "first.csv",
        "second.csv",
        "value 92.78719 vs 93.1",
    ):
        assert part in message


def test_identical_duplicates_merged(tmp_path):
    a = write(tmp_path / "a.csv", HEADER_27 + "\n" + ROW_SEFTON + "\n" + ROW_WIRRAL + "\n")
    # same rows, other order, CRLF and BOM; the value written with a trailing zero
    b = write(
        tmp_path / "b.csv",
        "\ufeff"
        + HEADER_27
        + "\r\n"
        + ROW_WIRRAL
        + "\r\n"
        + ROW_SEFTON.replace("92.78719", "92.787190")
        + "\r\n",
    )
    frame = read_fingertips(entry(a, b))
    assert frame[S.AREA_NAME].tolist() == ["Sefton", "Wirral"]


def test_inputs_not_mutated_and_attrs(tmp_path):
    path = write(tmp_path / "a.csv", HEADER_27 + "\n" + ROW_SEFTON + "\n")
    e = entry(path, polarity="high is good")
    read_fingertips(e)
    assert e.settings == {"polarity": "high is good"}
    assert meta(read_fingertips(e), "role") == ROLE


def test_check_fingertips_csv_rejects_html():
    with pytest.raises(SourceError, match="page.html: no column"):
        check_fingertips_csv("<html><body>Service unavailable</body></html>\n", "page.html")
