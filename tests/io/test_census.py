"""Census 2021 Nomis tables (roles census.lsoa, census.msoa) against the real C&M files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from jsna.exceptions import SourceError
from jsna.io import FileEntry
from jsna.io.census import read_census
from jsna.io.datapack import DataPack
from jsna.io.validation import validate_frame
from jsna.meta import meta

TS011 = "census2021/census2021-ts011-lsoa_CheshireMerseyside.csv"
TS021 = "census2021/census2021-ts021-lsoa_CheshireMerseyside_6of25cols.csv"
TS038 = "census2021/census2021-ts038-lsoa_CheshireMerseyside_3of7cols.csv"
TS029 = "census2021/census2021-ts029-msoa_CheshireMerseyside.csv"


def _read(shared_data: Path, name: str, role: str = "census.lsoa"):
    frame = read_census(FileEntry(role, (shared_data / name,)))
    return validate_frame(role, frame)


def _by_la(frame, category):
    frame = frame[frame["category"] == category].copy()
    frame["la"] = frame["lsoa21_name"].str.rsplit(" ", n=1).str[0]
    sums = frame.groupby("la")[["count", "total"]].sum()
    return sums["count"] / sums["total"]


def test_ts011_household_deprivation(shared_data):
    frame = _read(shared_data, TS011)
    assert frame["lsoa21_code"].nunique() == 1601
    assert len(frame) == 1601 * 5
    assert set(frame["table"]) == {"TS011"} and set(frame["universe"]) == {"All households"}
    # C&M households (SOURCES.md) and the five categories sum to the total on every row.
    assert frame.drop_duplicates("lsoa21_code")["total"].sum() == 1_097_494
    np.testing.assert_allclose(frame.groupby("lsoa21_code")["share"].sum(), 1.0)
    shares = _by_la(frame, "Household is not deprived in any dimension")
    assert round(shares["Knowsley"], 3) == 0.408
    assert round(shares["Liverpool"], 3) == 0.416
    assert round(shares["Cheshire East"], 3) == 0.548
    assert meta(frame, "period") == "2021" and meta(frame, "vintage") == "LSOA2021"


def test_ts038_disability_shares(shared_data):
    frame = _read(shared_data, TS038)
    shares = _by_la(frame, "Disabled under the Equality Act")
    assert round(shares["Cheshire East"], 3) == 0.170
    assert round(shares["Wirral"], 3) == 0.228


def test_each_table_keeps_its_own_perturbed_total(shared_data):
    ethnic = _read(shared_data, TS021).drop_duplicates("lsoa21_code").set_index("lsoa21_code")
    disab = _read(shared_data, TS038).drop_duplicates("lsoa21_code").set_index("lsoa21_code")
    difference = ethnic["total"] - disab["total"]
    # ONS perturbs each table: the same LSOA's residents differ by -8 to +11 (SOURCES.md).
    assert difference.min() == -8 and difference.max() == 11
    assert ethnic["total"].sum() == 2_518_617 and disab["total"].sum() == 2_518_672
    # Knowsley 006A: 1,582 residents in TS021, 1,581 in TS038; each share uses its own.
    row21 = _read(shared_data, TS021).query("lsoa21_code == 'E01006412' and category == 'White'")
    row38 = _read(shared_data, TS038).query(
        "lsoa21_code == 'E01006412' and category == 'Disabled under the Equality Act'"
    )
    assert row21["total"].item() == 1582 and row38["total"].item() == 1581
    assert row21["share"].item() == pytest.approx(1474 / 1582)
    assert row38["share"].item() == pytest.approx(446 / 1581)


def test_ts029_msoa_sub_categories(shared_data):
    frame = _read(shared_data, TS029, role="census.msoa")
    assert frame["msoa21_code"].nunique() == 325
    not_english = "Main language is not English (English or Welsh in Wales)"
    parent = frame[frame["category"] == not_english].set_index("msoa21_code")["count"]
    subs = frame[frame["parent_category"] == not_english].groupby("msoa21_code")["count"].sum()
    assert (frame.loc[frame["parent_category"] == not_english, "level"] == 2).all()
    np.testing.assert_array_equal(subs.sort_index(), parent.sort_index())
    top = frame[frame["level"] == 1].groupby("msoa21_code")["share"].sum()
    np.testing.assert_allclose(top, 1.0)


def test_wrong_level_and_table_name_are_one_line_errors(shared_data, tmp_path):
    with pytest.raises(SourceError, match=r"not LSOA codes .*census2021-tsNNN-lsoa.csv"):
        read_census(FileEntry("census.lsoa", (shared_data / TS029,)))
    entry = FileEntry("census.lsoa", (shared_data / TS011,), {"table": "TS021"})
    with pytest.raises(SourceError, match=r"says table 'TS021' but the file name says 'TS011'"):
        read_census(entry)
    bad = tmp_path / "census2021-ts011-lsoa.csv"
    bad.write_text("date,geography,geography code,households\n2021,A,E01000001,3\n")
    with pytest.raises(SourceError, match=r"'households' .* not Nomis Census 2021 headers"):
        read_census(FileEntry("census.lsoa", (bad,)))


def test_zero_total_gives_nan_share_with_a_warning(tmp_path):
    path = tmp_path / "census2021-ts038-lsoa.csv"
    path.write_text(
        "date,geography,geography code,Disability: Total: All usual residents,"
        "Disability: Disabled under the Equality Act\n"
        "2021,A 001A,E01000001,0,0\n2021,A 001B,E01000002,10,4\n"
    )
    with pytest.warns(UserWarning, match="total of 0"):
        frame = read_census(FileEntry("census.lsoa", (path,)))
    assert np.isnan(frame["share"].iloc[0]) and frame["share"].iloc[1] == 0.4


def test_datapack_chooses_a_table(shared_data, tmp_path):
    for name in (TS011, TS038):
        shutil.copy(shared_data / name, tmp_path / Path(name).name)
    (tmp_path / "datapack.toml").write_text(
        '[pack]\nname = "census"\n'
        f'[[file]]\nrole = "census.lsoa"\npath = "{Path(TS011).name}"\ntable = "TS011"\n'
        f'[[file]]\nrole = "census.lsoa"\npath = "{Path(TS038).name}"\ntable = "TS038"\n'
    )
    pack = DataPack.open(tmp_path)
    disability = pack.read("census.lsoa", table="TS038")
    assert set(disability["table"]) == {"TS038"} and len(disability) == 1601 * 2
    assert set(pack.read("census.lsoa", table="TS011")["table"]) == {"TS011"}
