"""Running recipes on DuckDB: counts, validation messages, disclosure at the edge, many files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.suppression import audit, suppress
from jsna.exceptions import DataValidationError, GeographyError, SourceError
from jsna.meta import meta, note
from jsna.records import Recipe, aggregate

COLUMNS = {
    "date": "REG_DATE",
    "age": "DEC_AGEC",
    "sex": "DEC_SEX",
    "lsoa": "LSOA_OF_RESIDENCE_CODE",
    "cause": "S_UNDERLYING_COD_ICD10",
}


UNPROTECTED = "could still be narrowed to less than 5 wide"


def recipe_for(folder, files="*.parquet", **changes) -> Recipe:
    settings = dict(
        files=(files,),
        columns=COLUMNS,
        group_by=("lsoa", "age_band", "sex", "cause_group"),
        base=folder,
        disclosure="none",
        complete=False,
    )
    settings.update(changes)
    return Recipe(**settings)


def test_counts_match_a_pandas_groupby(tmp_path, small_deaths, parquet_writer):
    parquet_writer(small_deaths, tmp_path / "deaths.parquet")
    out = aggregate(recipe_for(tmp_path, age_band="esp2013"))
    # the same counts by hand
    frame = small_deaths.copy()
    start = np.minimum(frame["DEC_AGEC"] // 5 * 5, 90)
    frame["age_band"] = np.where(
        start == 90, "90+", start.astype(str) + "-" + (start + 4).astype(str)
    )
    frame["sex"] = frame["DEC_SEX"].map({1: "Male", 2: "Female"})
    groups = {"I219": "Circulatory diseases", "C349": "Cancer", "J44.9": "Respiratory diseases"}
    groups.update({"X59": "External causes", "F03": "Dementia and Alzheimer's disease"})
    frame["cause_group"] = frame["S_UNDERLYING_COD_ICD10"].map(groups)
    expected = (
        frame.groupby(["LSOA_OF_RESIDENCE_CODE", "age_band", "sex", "cause_group"])
        .size()
        .rename("count")
    )
    got = out.set_index(["lsoa21_code", "age_band", "sex", "cause_group"])["count"]
    assert out["count"].sum() == 200
    pd.testing.assert_series_equal(
        got.sort_index(), expected.sort_index(), check_names=False, check_index_type=False
    )
    assert meta(out, "disclosure")["rule"] == "none"


def test_complete_frame_has_every_band_and_sex_with_zeros(tmp_path, small_deaths, parquet_writer):
    parquet_writer(small_deaths, tmp_path / "deaths.parquet")
    recipe = recipe_for(
        tmp_path, group_by=("age_band", "sex"), age_band="life_table_85", complete=True
    )
    out = aggregate(recipe)
    assert len(out) == 19 * 2
    assert out["age_band"].iloc[[0, 2, 4, -1]].tolist() == ["0", "1-4", "5-9", "85+"]
    assert out["count"].sum() == 200
    truth = small_deaths[small_deaths["DEC_AGEC"] >= 85].shape[0]
    assert out.loc[out["age_band"] == "85+", "count"].sum() == truth


def test_several_parquet_files_give_the_counts_of_one(tmp_path, small_deaths, parquet_writer):
    """Out-of-core: a recipe over a glob of files, with DuckDB limited to a little memory."""
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    parquet_writer(small_deaths, whole / "all.parquet")
    for i in range(4):
        parquet_writer(small_deaths.iloc[i * 50 : (i + 1) * 50], parts / f"part_{i}.parquet")
    from jsna.records import DuckDBEngine

    one = aggregate(recipe_for(whole))
    engine = DuckDBEngine(memory_limit="100MB", threads=1)
    many = aggregate(recipe_for(parts), engine=engine, progress=lambda text: None)
    engine.close()
    pd.testing.assert_frame_equal(one, many)
    assert "4 more" not in meta(many, "source") and "part_0.parquet" in meta(many, "source")


def test_csv_files_read_like_parquet(tmp_path, small_deaths, parquet_writer):
    parquet_writer(small_deaths, tmp_path / "d.parquet")
    csv = small_deaths.assign(REG_DATE=small_deaths["REG_DATE"].dt.strftime("%Y-%m-%d"))
    csv.to_csv(tmp_path / "d.csv", index=False)
    a = aggregate(recipe_for(tmp_path, files="d.parquet"))
    b = aggregate(recipe_for(tmp_path, files="d.csv", format="csv"))
    pd.testing.assert_frame_equal(a, b)


def bad_records(small_deaths: pd.DataFrame) -> pd.DataFrame:
    bad = small_deaths.copy()
    bad.loc[0:2, "LSOA_OF_RESIDENCE_CODE"] = "E01888888"  # unknown, 3 records
    bad.loc[3, "LSOA_OF_RESIDENCE_CODE"] = "E01999801"  # a 2011 LSOA (mixed vintages)
    bad.loc[4:5, "DEC_AGEC"] = 130  # out of range
    bad.loc[6, "S_UNDERLYING_COD_ICD10"] = "XXX"  # not a code: matches no group
    bad.loc[7, "DEC_SEX"] = 9  # not known
    return bad


def test_each_invalid_kind_is_named_with_counts(tmp_path, small_deaths, demo_pack, parquet_writer):
    parquet_writer(bad_records(small_deaths), tmp_path / "deaths.parquet")
    with pytest.raises(DataValidationError) as info:
        aggregate(recipe_for(tmp_path, group_by=("ward", "cause_group")), pack=demo_pack)
    text = str(info.value)
    assert "5 kind(s) of invalid record among 200" in text
    assert "2 records have a missing age or one out of range (column 'DEC_AGEC': '130' x2)" in text
    assert "1 records have a sex that is not male or female" in text and "'9' x1" in text
    assert "1 records have 2011 LSOA codes that do not exist in 2021 (mixed vintages)" in text
    assert "'E01999801' x1" in text
    assert "3 records have LSOA codes that are not in the pack's lookup" in text
    assert "'E01888888' x3" in text
    assert "have ICD-10 codes that match no cause group" in text and "'XXX' x1" in text
    assert 'on_problem = "exclude"' in text and "\n" not in text


def test_excluded_records_are_counted_in_the_note(
    tmp_path, small_deaths, demo_pack, parquet_writer
):
    parquet_writer(bad_records(small_deaths), tmp_path / "deaths.parquet")
    recipe = recipe_for(tmp_path, group_by=("ward", "sex"), on_problem="exclude")
    out = aggregate(recipe, pack=demo_pack)
    # 3 unknown + 1 old LSOA + 2 ages + 1 sex; the bad ICD-10 code is not checked (no cause group)
    assert out["count"].sum() == 200 - 7
    assert "Left out as invalid" in note(out) and "'E01888888' x3" in note(out)


def test_filters_leave_records_out_and_say_how_many(tmp_path, small_deaths, parquet_writer):
    parquet_writer(small_deaths, tmp_path / "deaths.parquet")
    period = (pd.Timestamp("2021-01-01").date(), pd.Timestamp("2021-12-31").date())
    recipe = recipe_for(tmp_path, group_by=("year", "sex"), period=period, ages=(0, 74))
    out = aggregate(recipe)
    in_2021 = small_deaths["REG_DATE"].dt.year == 2021
    young = small_deaths["DEC_AGEC"] <= 74
    assert out["count"].sum() == (in_2021 & young).sum()
    assert out["year"].unique().tolist() == [2021]
    outside = (~in_2021).sum()
    old = (in_2021 & ~young).sum()
    assert f"{outside} dated outside 2021-01-01 to 2021-12-31" in note(out)
    assert f"{old} aged outside 0-74" in note(out)


def test_residence_filter_and_unknown_authority(tmp_path, small_deaths, demo_pack, parquet_writer):
    parquet_writer(small_deaths, tmp_path / "deaths.parquet")
    out = aggregate(
        recipe_for(tmp_path, group_by=("lad",), residence=("E06999001",)), pack=demo_pack
    )
    assert out.columns.tolist()[0] == "lad25_code" and out["count"].sum() == 200
    with pytest.raises(GeographyError, match=r"residence codes 'E08000014'"):
        aggregate(recipe_for(tmp_path, group_by=("lad",), residence=("E08000014",)), pack=demo_pack)


def test_ward_grouping_needs_a_pack(tmp_path):
    with pytest.raises(DataValidationError, match="needs the pack's LSOA lookup; give pack="):
        aggregate(recipe_for(tmp_path, group_by=("ward",)))


def test_missing_column_and_missing_files_are_named(tmp_path, small_deaths, parquet_writer):
    parquet_writer(small_deaths.drop(columns="DEC_SEX"), tmp_path / "deaths.parquet")
    with pytest.raises(SourceError, match=r"have no column\(s\) 'DEC_SEX'"):
        aggregate(recipe_for(tmp_path))
    with pytest.raises(SourceError, match=r"'nothing\*.parquet' matches no file"):
        aggregate(recipe_for(tmp_path, files="nothing*.parquet"))


@pytest.mark.parametrize("rule", ["project", "ehrql"])
def test_disclosure_is_applied_before_counts_leave(demo_records, demo_pack, rule):
    raw = aggregate(demo_records / "deaths_by_ward.toml", pack=demo_pack, disclosure="none")
    # groups of young children's deaths are nearly all zeros: with their total known they
    # cannot be protected, and the gate says so
    with pytest.warns(UserWarning, match=UNPROTECTED):
        out = aggregate(demo_records / "deaths_by_ward.toml", pack=demo_pack, disclosure=rule)
    top = 4 if rule == "project" else 7
    small = raw["count"].between(1, top)
    assert small.sum() > 100
    assert out.loc[small, "count"].isna().all()
    assert (out.loc[raw["count"] == 0, "count"].fillna(0) == 0).all()  # zeros shown (or secondary)
    assert (out.loc[out["count"].isna(), "suppression"] == "[c]").all()
    shown = out["count"].notna()
    if rule == "project":
        assert (out.loc[shown, "count"] == raw.loc[shown, "count"]).all()
    else:
        assert (out.loc[shown, "count"] % 5 == 0).all()
        assert (abs(out.loc[shown, "count"] - raw.loc[shown, "count"]) <= 2).all()
    record = meta(out, "disclosure")
    assert record["rule"] == rule and record["primary"] == small.sum()
    by = ["age_band", "sex", "cause_group"]
    assert record["secondary_by"] == by
    # the project's attack (jsna.analysis.suppression.audit): the only hidden cells it narrows
    # below 5 wide are those whose group total, taken as published, is itself below 5; their
    # groups are hidden whole, so the output adds nothing to the total
    if rule == "project":
        with pytest.warns(UserWarning, match=UNPROTECTED):
            again, report = suppress(raw, count_columns="count", derived_columns=[], by=by)
        assert again["count"].isna().equals(out["count"].isna())
        structure = report.structure
        result = audit(out, structure)
        narrow = result[~result["ok"]]
        bounded = set(structure["bounded_by_known_totals"]["count"])
        assert set(narrow["row"]) == bounded and len(bounded) == record["bounded"] > 0
        totals = raw.groupby(record["secondary_by"])["count"].transform("sum")
        assert (totals.iloc[sorted(bounded)] < 5).all()
        groups = raw.loc[sorted(bounded), record["secondary_by"]].drop_duplicates()
        whole = raw.merge(groups, on=record["secondary_by"]).index
        assert len(whole) == len(bounded)  # every cell of those groups is hidden
        assert record["unprotected"] == record["bounded"]
    assert ("ehrQL" in note(out)) == (rule == "ehrql")
