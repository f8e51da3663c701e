"""The same recipe on Spark gives the frame DuckDB gives (one shared local session)."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.exceptions import DataValidationError
from jsna.meta import meta
from jsna.records import Recipe, SparkEngine, aggregate, spark_available

pytestmark = pytest.mark.skipif(not spark_available(), reason="pyspark or Java is not installed")


def test_demo_deaths_by_ward_are_identical_on_both_engines(spark, demo_records, demo_pack):
    engine = SparkEngine(session=spark)
    for rule in ("project",):  # disclosure runs after the engine; one rule shows it matches
        # the gate warns that nearly-empty groups with a known total cannot be protected
        with pytest.warns(UserWarning, match="could still be narrowed"):
            on_duckdb = aggregate(
                demo_records / "deaths_by_ward.toml", pack=demo_pack, disclosure=rule
            )
        with pytest.warns(UserWarning, match="could still be narrowed"):
            on_spark = aggregate(
                demo_records / "deaths_by_ward.toml", pack=demo_pack, engine=engine, disclosure=rule
            )
        pd.testing.assert_frame_equal(on_duckdb, on_spark)
        assert meta(on_spark, "disclosure") == meta(on_duckdb, "disclosure")
    assert on_duckdb["count"].notna().sum() > 100


def test_validation_and_csv_are_identical_on_both_engines(spark, tmp_path, small_deaths, demo_pack):
    bad = small_deaths.assign(REG_DATE=small_deaths["REG_DATE"].dt.strftime("%Y-%m-%d"))
    bad.loc[0:2, "LSOA_OF_RESIDENCE_CODE"] = "E01888888"
    bad.loc[3, "REG_DATE"] = "not a date"
    bad.to_csv(tmp_path / "deaths.csv", index=False)
    columns = {
        "date": "REG_DATE",
        "age": "DEC_AGEC",
        "sex": "DEC_SEX",
        "lsoa": "LSOA_OF_RESIDENCE_CODE",
        "cause": "S_UNDERLYING_COD_ICD10",
    }
    recipe = Recipe(
        files=("deaths.csv",),
        format="csv",
        columns=columns,
        base=tmp_path,
        group_by=("year", "ward", "age_band", "sex", "cause_group"),
        disclosure="none",
    )
    engine = SparkEngine(session=spark)
    messages = []
    for runner in ("duckdb", engine):
        with pytest.raises(DataValidationError) as info:
            aggregate(recipe, pack=demo_pack, engine=runner)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "3 records have LSOA codes that are not in the pack's lookup" in messages[0]
    assert "1 records have no valid date (column 'REG_DATE': 'not a date' x1)" in messages[0]
    from dataclasses import replace

    lenient = replace(recipe, on_problem="exclude", complete=False)
    a = aggregate(lenient, pack=demo_pack)
    b = aggregate(lenient, pack=demo_pack, engine=engine)
    pd.testing.assert_frame_equal(a, b)
    assert a["count"].sum() == 196


def test_the_pack_patients_by_practice_are_identical_on_both_engines(spark, demo_pack):
    # the recipe that makes the demo pack's gp.lsoa_patients file (practice, LSOA, sex)
    recipe = demo_pack / "records" / "gp_by_practice.toml"
    on_duckdb = aggregate(recipe, pack=demo_pack)
    on_spark = aggregate(recipe, pack=demo_pack, engine=SparkEngine(session=spark))
    pd.testing.assert_frame_equal(on_duckdb, on_spark)
    assert list(on_duckdb.columns) == ["practice_code", "lsoa21_code", "sex", "count"]
    assert on_duckdb["count"].sum() > 200_000
