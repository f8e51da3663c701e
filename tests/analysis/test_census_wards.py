"""Census 2021 topics by ward and MSOA (jsna.analysis.census) on the real C&M tables.

Reference values: ../shared/data/SOURCES.md (census2021/, "Sanity") gives, from the Nomis
tables, the share of households not deprived in any dimension (Knowsley 40.8%, Cheshire
East 54.8%) and the share disabled under the Equality Act (Cheshire East 17.0%, Wirral
22.8%). Ward values are checked against sums of the raw file's LSOA rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.analysis import census
from jsna.analysis.census import TOPICS, census_tables, census_topic, census_topics, key_counts
from jsna.exceptions import DataValidationError, SourceError
from jsna.io.datapack import DataPack

CENSUS = {
    "TS011": ("census.lsoa", "census2021/census2021-ts011-lsoa_CheshireMerseyside.csv"),
    "TS021": ("census.lsoa", "census2021/census2021-ts021-lsoa_CheshireMerseyside_6of25cols.csv"),
    "TS029": ("census.msoa", "census2021/census2021-ts029-msoa_CheshireMerseyside.csv"),
    "TS038": ("census.lsoa", "census2021/census2021-ts038-lsoa_CheshireMerseyside_3of7cols.csv"),
}
LOOKUP = "lookups/LSOA21_WD24_LAD24_EW_LU.csv"


@pytest.fixture(scope="module")
def pack(shared_data, tmp_path_factory):
    """The shared lookup and the four Census tables, named from a pack outside ../shared."""
    root = tmp_path_factory.mktemp("census_pack")
    lines = [
        '[pack]\nname = "census"\nareas = ["E08000011", "E06000049", "E08000015"]\n',
        f'[[file]]\nrole = "lookup.lsoa_ward_lad"\npath = "{shared_data / LOOKUP}"\n',
    ]
    for table, (role, path) in CENSUS.items():
        lines.append(
            f'[[file]]\nrole = "{role}"\npath = "{shared_data / path}"\ntable = "{table}"\n'
        )
    (root / "datapack.toml").write_text("\n".join(lines))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JSNA_ALLOW_OUTSIDE", str(shared_data))
        opened = DataPack.open(root)
        yield opened


def _raw(shared_data: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(shared_data / CENSUS[table][1])


def test_tables_of_the_pack(pack):
    assert census_tables(pack) == [
        ("census.lsoa", "TS011"),
        ("census.lsoa", "TS021"),
        ("census.msoa", "TS029"),
        ("census.lsoa", "TS038"),
    ]


@pytest.mark.parametrize(("area", "not_deprived"), [("E08000011", 40.8), ("E06000049", 54.8)])
def test_household_deprivation_matches_the_published_shares(pack, area, not_deprived):
    result = census_topic(pack, area, "TS011")
    assert result.unit == "% of households" and result.level == "ward"
    whole = result.area.set_index("category")
    assert whole.loc["Household is not deprived in any dimension", "share"] == pytest.approx(
        not_deprived, abs=0.05
    )
    # the key (deprived in one or more dimensions) is the four deprived categories of TS011
    assert result.key_share == pytest.approx(100 - not_deprived, abs=0.05)
    assert len(result.key_categories) == 4


@pytest.mark.parametrize(("area", "disabled"), [("E06000049", 17.0), ("E08000015", 22.8)])
def test_disability_matches_the_published_shares(pack, area, disabled):
    result = census_topic(pack, area, "TS038")
    assert result.key_share == pytest.approx(disabled, abs=0.05)
    assert result.unit == "% of residents"


def test_ward_shares_are_sums_of_the_lsoas_of_their_own_table(pack, shared_data):
    lookup = pd.read_csv(shared_data / LOOKUP)
    knowsley = lookup[lookup["LAD24CD"] == "E08000011"]
    northwood = set(knowsley.loc[knowsley["WD24NM"] == "Northwood", "LSOA21CD"])
    totals = {}
    for table, key in (
        ("TS038", "Disability: Disabled under the Equality Act"),
        ("TS021", None),
    ):
        raw = _raw(shared_data, table)
        rows = raw[raw["geography code"].isin(northwood)]
        total_col = next(c for c in raw.columns if ": Total:" in c)
        totals[table] = rows[total_col].sum()
        result = census_topic(pack, "E08000011", table)
        ward = result.areas.set_index("ward_name").loc["Northwood"]
        assert ward["total"] == totals[table]
        if key:
            assert ward["key_share"] == pytest.approx(100 * rows[key].sum() / totals[table])
        else:
            white = rows["Ethnic group: White"].sum()
            assert ward["key_share"] == pytest.approx(100 * (1 - white / totals[table]))
    # ONS perturbs each table: the two tables' totals of the same residents differ
    assert totals["TS021"] != totals["TS038"]


def test_wards_add_up_to_the_area(pack):
    result = census_topic(pack, "E08000011", "TS021")
    assert len(result.areas) == 15
    assert result.areas["total"].sum() == result.area["total"].iloc[0]
    level1 = [c for c in result.areas.columns if c.startswith("share: ") and c.count(": ") == 1]
    np.testing.assert_allclose(result.areas[level1].sum(axis=1), 100.0)
    assert np.isnan(result.england_key_share)  # a C&M subset, not all England's LSOAs
    assert any("England's share is not shown" in n for n in result.notes)


def test_msoa_table_stays_at_msoa(pack, shared_data):
    result = census_topic(pack, "E08000011", "TS029", "census.msoa")
    assert result.level == "msoa" and len(result.areas) == 20
    assert result.areas["msoa21_name"].str.match(r"Knowsley \d{3}$").all()
    raw = _raw(shared_data, "TS029")
    rows = raw[raw["geography"].str.match(r"Knowsley \d{3}$")]
    total = rows.filter(like="Total").iloc[:, 0].sum()
    not_english = rows[
        "Proficiency in English language: Main language is not English (English or Welsh in Wales)"
    ].sum()
    assert result.key_share == pytest.approx(100 * not_english / total)
    assert result.unit == "% of residents aged 3 years and over"
    prefix = "Proficiency in English language: Main language is not English (English or Welsh in "
    poor = rows[prefix + "Wales): Cannot speak English well"].sum()
    poor += rows[prefix + "Wales): Cannot speak English"].sum()
    assert result.also_share == pytest.approx(100 * poor / total)
    assert result.also_phrase == "cannot speak English well or at all"


def test_every_table_for_an_area(pack):
    results = census_topics(pack, "E06000049")
    assert [r.table for r in results] == ["TS011", "TS021", "TS029", "TS038"]
    assert all(r.areas["key_share"].between(0, 100).all() for r in results)


# ------------------------------------------------------------------ small packs


def _small_pack(root: Path, rows: str, header: str | None = None) -> DataPack:
    (root / "lookup.csv").write_text(
        "LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM\n"
        "E01000001,Aa 001A,E05000001,North,E08000001,Aa\n"
        "E01000002,Aa 001B,E05000001,North,E08000001,Aa\n"
        "E01000003,Aa 002A,E05000002,South,E08000001,Aa\n"
    )
    header = header or (
        "date,geography,geography code,Ethnic group: Total: All usual residents,"
        "Ethnic group: White,Ethnic group: Asian, Asian British or Asian Welsh"
    )
    # Nomis headers hold commas: quote them as the bulk files do
    cols = [f'"{c}"' if "," in c else c for c in re.split(r",(?=[A-Z]|date|geo)", header)]
    (root / "census2021-ts021-lsoa.csv").write_text(",".join(cols) + "\n" + rows)
    (root / "datapack.toml").write_text(
        '[pack]\nname = "t"\nareas = ["E08000001"]\n'
        '[[file]]\nrole = "lookup.lsoa_ward_lad"\npath = "lookup.csv"\n'
        '[[file]]\nrole = "census.lsoa"\npath = "census2021-ts021-lsoa.csv"\ntable = "TS021"\n'
    )
    return DataPack.open(root)


def test_a_missing_lsoa_empties_its_ward_not_understates_it(tmp_path):
    pack = _small_pack(
        tmp_path, "2021,Aa 001A,E01000001,100,90,10\n2021,Aa 002A,E01000003,200,150,50\n"
    )
    with pytest.warns(UserWarning, match="1 LSOAs of E08000001 are not in the table"):
        result = census_topic(pack, "E08000001", "TS021")
    wards = result.areas.set_index("ward_name")
    assert np.isnan(wards.loc["North", "key_share"]) and np.isnan(wards.loc["North", "total"])
    assert wards.loc["South", "key_share"] == 25.0
    assert any("missing from Census TS021" in n for n in result.notes)


def test_england_share_when_the_file_covers_england(tmp_path, monkeypatch):
    monkeypatch.setitem(census.N_ENGLAND, "lsoa", 4)
    pack = _small_pack(
        tmp_path,
        "2021,Aa 001A,E01000001,100,90,10\n2021,Aa 001B,E01000002,100,80,20\n"
        "2021,Aa 002A,E01000003,200,150,50\n2021,Bb 001A,E01000004,600,300,300\n",
    )
    result = census_topic(pack, "E08000001", "TS021")
    assert result.key_share == 20.0  # 80 of 400 residents of Aa
    assert result.england_key_share == 38.0  # 380 of 1,000 residents of England
    assert result.area.set_index("category").loc["White", "england_share"] == 62.0


def test_a_file_for_another_place_is_refused(tmp_path):
    pack = _small_pack(tmp_path, "2021,Bb 001A,E01000009,100,90,10\n")
    with pytest.raises(SourceError, match="none of the 3 LSOAs of E08000001"):
        census_topic(pack, "E08000001", "TS021")


def test_key_categories_must_be_in_the_table():
    frame = pd.DataFrame({"category": ["Bad health", "Good health"], "level": [1, 1]})
    with pytest.raises(DataValidationError, match=r"categories \['very bad health'\]"):
        key_counts(frame, TOPICS["TS037"])
    with pytest.raises(DataValidationError, match="no category 'Provides no unpaid care'"):
        key_counts(frame, TOPICS["TS039"])
    mask, used = key_counts(
        pd.DataFrame({"category": ["Very  bad health", "Bad health"], "level": [1, 1]}),
        TOPICS["TS037"],
    )
    assert mask.tolist() == [True, True] and used == ["Very  bad health", "Bad health"]
