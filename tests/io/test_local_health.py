"""Local Health exports (role indicators.local_health): the real MSOA/LTLA/UTLA files."""

from __future__ import annotations

import pytest

from jsna.exceptions import SourceError
from jsna.io import FileEntry
from jsna.io.local_health import LOCAL_HEALTH_COLUMNS, read_local_health
from jsna.io.validation import validate_frame
from jsna.meta import meta, note

ROLE = "indicators.local_health"


def _read(shared_data, level, **settings):
    path = shared_data / "local_health" / f"{level}_raw.csv"
    return validate_frame(ROLE, read_local_health(FileEntry(ROLE, (path,), settings)))


def _value(frame, code, indicator):
    return frame.query("area_code == @code and indicator == @indicator")["value"].item()


def test_msoa_file_quirks(shared_data):
    frame = _read(shared_data, "msoa")
    assert list(frame.columns) == LOCAL_HEALTH_COLUMNS
    assert frame["area_code"].nunique() == 6791 and frame["indicator"].nunique() == 24
    # the last column had a run of commas glued on: read as numbers
    last = frame[frame["indicator"] == "Emergency hospital admissions for all causes"]
    assert last["value"].notna().all()
    assert _value(frame, "E02000001", "Emergency hospital admissions for all causes") == 67.1
    # double spaces collapsed, BOM gone from 'Code'
    assert "Deaths from circulatory disease, under 75 years" in set(frame["indicator"])
    # N/A suppressions by indicator (SOURCES.md)
    missing = frame[frame["value"].isna()].groupby("indicator").size()
    assert missing["Emergency hospital admissions for hip fracture in 65+"] == 57
    assert missing["Life expectancy at birth for males"] == 56
    assert missing["Life expectancy at birth for females"] == 19
    assert missing.sum() == 152
    assert "152 values suppressed" in note(frame)
    assert meta(frame, "vintage") == "MSOA2011" and meta(frame, "period") == ""


def test_msoa_life_expectancy_in_cheshire_and_merseyside(shared_data):
    frame = _read(shared_data, "msoa", period="2015-2019")
    assert meta(frame, "period") == "2015-2019"
    cm = ("Liverpool", "Knowsley", "Sefton", "Wirral", "St. Helens", "Halton", "Warrington",
          "Cheshire East", "Cheshire West and Chester")  # fmt: skip
    la = frame["area_name"].str.rsplit(" ", n=1).str[0]
    local = frame[la.isin(cm)]
    assert local["area_code"].nunique() == 323
    male = local[local["indicator"] == "Life expectancy at birth for males"]["value"]
    female = local[local["indicator"] == "Life expectancy at birth for females"]["value"]
    assert (male.min(), male.max()) == (69.6, 85.0)
    assert (female.min(), female.max()) == (74.7, 90.6)
    assert set(local.loc[local["indicator"].str.startswith("Life"), "unit"]) == {"years"}


def test_ltla_and_utla_files(shared_data):
    ltla = _read(shared_data, "ltla")
    assert ltla["area_code"].nunique() == 309 and meta(ltla, "vintage") == "LTLA2021"
    assert _value(ltla, "E08000011", "Life expectancy at birth for females") == 80.4
    assert _value(ltla, "E08000011", "Life expectancy at birth for males") == 76.7
    assert _value(ltla, "E06000049", "Life expectancy at birth for males") == 80.3
    assert set(ltla.loc[ltla["indicator"].str.startswith("Incidence"), "unit"]) == {
        "SIR (England = 100)"
    }
    utla = _read(shared_data, "utla")
    assert utla["area_code"].nunique() == 152 and (utla["area_code"].str[:3] == "E10").any()


def test_wrong_level_and_comma_file_are_one_line_errors(shared_data, tmp_path):
    path = shared_data / "local_health" / "msoa_raw.csv"
    with pytest.raises(SourceError, match=r"not LTLA codes 'E02000001'"):
        read_local_health(FileEntry(ROLE, (path,), {"level": "ltla"}))
    comma = tmp_path / "lh.csv"
    comma.write_text("Code,Label,Life expectancy\nE02000001,A,80\n")
    with pytest.raises(SourceError, match=r"semicolon-delimited"):
        read_local_health(FileEntry(ROLE, (comma,)))
    text = tmp_path / "lh2.csv"
    text.write_text("Code;Label;Life expectancy\r\nE02000001;A;eighty,,,\r\n")
    with pytest.raises(SourceError, match=r"'Life expectancy' has values that are not numbers"):
        read_local_health(FileEntry(ROLE, (text,)))
