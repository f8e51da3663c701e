"""Chapter 01 sections: Census 2021 by ward, IoD summary measures, deprivation by national decile.

On the demo pack (synthetic Census tables, IMD for the area's LSOAs only) and on the real
Cheshire and Merseyside files (Knowsley, E08000011). The share of LSOAs in the most
deprived 10% nationally is checked against MHCLG's published local-authority summaries
(IoD2025 File 10, ../shared/data/imd/imd2025_england_ltla24.csv), which it matches exactly.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from jsna.publish.chapter import Chapter  # noqa: E402
from jsna.publish.chapters import population  # noqa: E402

NAME = "01_population_and_deprivation"
CENSUS = {
    "TS011": ("census.lsoa", "census2021/census2021-ts011-lsoa_CheshireMerseyside.csv"),
    "TS021": ("census.lsoa", "census2021/census2021-ts021-lsoa_CheshireMerseyside_6of25cols.csv"),
    "TS029": ("census.msoa", "census2021/census2021-ts029-msoa_CheshireMerseyside.csv"),
    "TS038": ("census.lsoa", "census2021/census2021-ts038-lsoa_CheshireMerseyside_3of7cols.csv"),
}


def _text(shown) -> str:
    """The Markdown shown, without its escapes."""
    text = "\n".join(x.data for x in shown if isinstance(getattr(x, "data", None), str))
    return text.replace("\\", "")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo01")
    chapter = Chapter.start(NAME, None, None, out / "f", out / "r")
    wards, _ = population.population_by_ward(chapter)
    return chapter, wards


@pytest.fixture(scope="module")
def knowsley(shared_data, tmp_path_factory):
    """The shared pack's files plus its Census tables, for Knowsley."""
    root = tmp_path_factory.mktemp("pack01")
    text = (shared_data / "datapack.toml").read_text()
    lines = []
    for line in text.splitlines():
        for key in ("path", "mapping"):
            if line.startswith(f'{key} = "'):
                line = f'{key} = "{shared_data}/{line.split(chr(34))[1]}"'
        lines.append(line)
    for table, (role, path) in CENSUS.items():
        lines += ["", "[[file]]", f'role = "{role}"', f'path = "{shared_data / path}"']
        lines.append(f'table = "{table}"')
    (root / "datapack.toml").write_text("\n".join(lines) + "\n")
    out = tmp_path_factory.mktemp("out01")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JSNA_ALLOW_OUTSIDE", str(shared_data))
        chapter = Chapter.start(NAME, root, "E08000011", out / "f", out / "r")
        wards, _ = population.population_by_ward(chapter)
        yield chapter, wards


# ------------------------------------------------------------------ demo


def test_demo_census_tables_are_mapped(demo):
    # the demo has synthetic Census tables (jsna.demo.census): five for LSOAs, TS029 for MSOAs
    chapter, wards = demo
    results, facts, _ = population.census_by_ward(chapter, wards)
    assert sorted(r.table for r in results) == [
        "TS011",
        "TS021",
        "TS029",
        "TS037",
        "TS038",
        "TS039",
    ]
    assert {r.table: r.level for r in results}["TS029"] == "msoa"
    assert len(facts) == 6
    assert len(list(chapter.figures.glob("01_census_*.png"))) == 6


def test_demo_iod_summary_without_national_ranks(demo):
    chapter, _ = demo
    fact, shown = population.deprivation_among_authorities(chapter)
    table = pd.read_csv(chapter.reports / "tables" / NAME / "iod_summary.csv")
    assert list(table.columns) == [
        "Measure",
        "Value",
        "Rank among authorities (1 = most deprived)",
    ]
    assert table["Rank among authorities (1 = most deprived)"].eq("[x]").all()
    assert fact["rank_of_average_score"] is None and fact["n_authorities"] is None
    assert "needs the IoD file and the LSOA lookup for every LSOA in England" in fact["message"]
    # the demo's 150 LSOAs, 22 of them in decile 1 (the demo pack's truth)
    assert "22 of its 150 neighbourhoods" in fact["message"]
    assert fact["proportion_most_deprived_10"] == pytest.approx(100 * 22 / 150)


def test_demo_deprivation_maps_use_national_deciles_and_no_core20_map(demo):
    chapter, wards = demo
    dep, shown = population.deprivation_by_ward(chapter, wards)
    names = {p.stem for p in chapter.figures.glob("01_*.png")}
    assert {"01_lsoa_imd_decile", "01_ward_imd_score"} <= names
    assert "01_ward_core20_share" not in names  # chapter 05's map, not repeated here
    text = _text(shown)
    assert "mapped in chapter 05" in text
    manifest = pd.read_csv(chapter.figures / "manifest.csv")
    alt = manifest.set_index("file").filter(like="lsoa_imd_decile", axis=0)
    assert alt.iloc[0].astype(str).str.contains("national IoD2025 IMD decile").any()


# ------------------------------------------------------------------ real data


def test_knowsley_census_maps_tables_and_facts(knowsley):
    chapter, wards = knowsley
    results, facts, shown = population.census_by_ward(chapter, wards)
    assert [r.table for r in results] == ["TS011", "TS021", "TS029", "TS038"]
    for table, level in (
        ("ts011", "ward"),
        ("ts021", "ward"),
        ("ts029", "msoa"),
        ("ts038", "ward"),
    ):
        assert (chapter.figures / f"01_census_{table}_{level}.png").is_file()
        assert (chapter.reports / "tables" / NAME / f"census_{table}.csv").is_file()
    # each topic was shown as made; what is left are the notes, England's said once
    text = _text(shown)
    assert text.count("England's share") == 1 and "(TS011, TS021, TS029, TS038)" in text
    disability = next(f for f in facts if f["table"] == "TS038")
    assert disability["value"] == pytest.approx(22.6, abs=0.05)
    assert disability["message"].startswith(
        "22.6% of Knowsley's residents are disabled under the Equality Act (Census 2021)"
    )
    assert disability["highest"][0] == "Northwood" and disability["lowest"][0] == "Swanside"
    table = pd.read_csv(chapter.reports / "tables" / NAME / "census_ts038.csv")
    assert list(table.columns) == [
        "Ward code",
        "Ward",
        "Usual residents (number)",
        "Disabled under the Equality Act (%)",
        "Not disabled under the Equality Act (%)",
    ]
    assert len(table) == 16 and table["Ward"].iloc[-1] == "Knowsley (all)"
    # proficiency in English: the four sub-categories are shown too, and add up
    language = pd.read_csv(chapter.reports / "tables" / NAME / "census_ts029.csv")
    sub = ["Can speak English very well", "Can speak English well", "Cannot speak English well"]
    sub = [f"{c} (%)" for c in [*sub, "Cannot speak English"]]
    assert set(sub) <= set(language.columns) and len(language) == 21  # 20 MSOAs and Knowsley
    not_english = "Main language is not English (English or Welsh in Wales) (%)"
    last = language.iloc[-1]
    assert last["MSOA"] == "Knowsley (all)"
    assert last[sub].sum() == pytest.approx(last[not_english], abs=0.2)  # rounded to 0.1
    manifest = pd.read_csv(chapter.figures / "manifest.csv").set_index("file")
    title = manifest.filter(like="census_ts038", axis=0)["title"].iloc[0]
    assert title == "Disabled under the Equality Act by ward, Census 2021, Knowsley"


def test_knowsley_iod_summary_and_sentence(knowsley, shared_data):
    chapter, _ = knowsley
    fact, shown = population.deprivation_among_authorities(chapter)
    published = pd.read_csv(shared_data / "imd" / "imd2025_england_ltla24.csv")
    row = published.set_index("ltla24_code").loc["E08000011"]
    share = row["imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally"]
    assert fact["proportion_most_deprived_10"] == pytest.approx(100 * share)
    assert fact["n_authorities"] == 296
    # equal weights (the pack's IoD file has no population): 10th, published 13th
    assert fact["rank_of_average_score"] == 10
    # the sentence quotes only the rank that does not need LSOA populations
    assert fact["message"].startswith(
        "40 of Knowsley's 100 neighbourhoods (LSOAs, 40.0%) are among the most deprived 10% in "
        "England"
    )
    assert "10th" not in fact["message"]
    table = pd.read_csv(chapter.reports / "tables" / NAME / "iod_summary.csv")
    ranks = table.set_index("Measure")["Rank among authorities (1 = most deprived)"]
    assert ranks["LSOAs in the most deprived 10% nationally (%)"] == "7 of 296"
    assert ranks.drop("LSOAs in the most deprived 10% nationally (%)").eq("[x]").all()
    tables = pd.read_csv(chapter.reports / "tables" / NAME / "tables.csv").set_index("file")
    text = tables.loc["iod_summary.csv", "note"]
    assert "weighted equally" in text and "can differ a little from MHCLG's published" in text
    assert "authority_summaries" not in _text(shown)  # said once, in the table's note


def test_a_lookup_for_part_of_england_gives_the_measures_without_ranks(
    shared_data, tmp_path, monkeypatch
):
    """A pack whose LSOA lookup holds only the area (as a fetched pack may): no national ranks."""
    lookup = pd.read_csv(shared_data / "lookups" / "LSOA21_WD24_LAD24_EW_LU.csv")
    lookup[lookup["LAD24CD"] == "E08000011"].to_csv(tmp_path / "lookup.csv", index=False)
    (tmp_path / "datapack.toml").write_text(
        '[pack]\nname = "part"\nareas = ["E08000011"]\n'
        '[[file]]\nrole = "lookup.lsoa_ward_lad"\npath = "lookup.csv"\n'
        f'[[file]]\nrole = "imd"\npath = "{shared_data}/imd/imd2025_england_lsoa21.csv"\n'
        'edition = "IoD2025"\n'
    )
    monkeypatch.setenv("JSNA_ALLOW_OUTSIDE", str(shared_data))
    chapter = Chapter.start(NAME, tmp_path, "E08000011", tmp_path / "f", tmp_path / "r")
    fact, shown = population.deprivation_among_authorities(chapter)
    assert fact["rank_of_average_score"] is None
    assert fact["proportion_most_deprived_10"] == pytest.approx(40.0)  # 40 of 100 LSOAs
    assert "needs the IoD file and the LSOA lookup for every LSOA in England" in fact["message"]
