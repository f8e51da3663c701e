"""Recipe files, age bands and ICD-10 cause groups."""

from __future__ import annotations

import pytest

from jsna.exceptions import DataValidationError, SourceError
from jsna.records import Recipe, age_band_table, load_recipe
from jsna.reference.icd10 import cause_groups, code_list_frame, expand_codes
from jsna.stats.dsr import ESP2013


def test_esp2013_bands_are_the_standard_population_bands():
    bands = age_band_table("esp2013")["age_band"].unique().tolist()
    assert bands == list(ESP2013) and len(bands) == 19
    top85 = age_band_table("esp2013_85")["age_band"].unique().tolist()
    assert top85 == [*list(ESP2013)[:17], "85+"]
    life = age_band_table("life_table", max_age=100)
    assert life["age_band"].unique().tolist()[:3] == ["0", "1-4", "5-9"]
    assert life.loc[life["age"] == 100, "age_band"].item() == "90+"


def test_bad_bands_and_recipes_are_named():
    with pytest.raises(DataValidationError, match=r"derive.age_band=\[5, 10\] must be increasing"):
        age_band_table([5, 10])
    with pytest.raises(DataValidationError, match="group_by has 'cause_group' but"):
        Recipe(files=("x",), columns={"age": "A"}, group_by=("cause_group",))
    with pytest.raises(DataValidationError, match="names \\['postcode'\\]"):
        Recipe(files=("x",), columns={"postcode": "PC"}, group_by=("sex",))
    with pytest.raises(DataValidationError, match="'seven' is not one of"):
        Recipe(files=("x",), columns={"sex": "S"}, group_by=("sex",), disclosure="seven")


def test_recipe_file_round_trip(tmp_path):
    (tmp_path / "r.toml").write_text(
        """
[recipe]
name = "Premature deaths"
[source]
files = ["deaths/*.parquet"]
[columns]
date = "REG_DATE"
age = "DEC_AGEC"
[filters]
period = ["2019-01-01", "2023-12-31"]
ages = [0, 74]
[derive]
age_band = [0, 45, 65]
[output]
group_by = ["year", "age_band"]
complete = false
[disclosure]
rule = "ehrql"
[validation]
on_problem = "exclude"
"""
    )
    recipe = load_recipe(tmp_path / "r.toml")
    assert recipe.name == "Premature deaths" and recipe.base == tmp_path
    assert recipe.ages == (0, 74) and str(recipe.period[1]) == "2023-12-31"
    assert recipe.age_band == (0, 45, 65) and recipe.disclosure == "ehrql"
    assert recipe.on_problem == "exclude" and recipe.complete is False
    with pytest.raises(SourceError, match="matches no file"):
        recipe.paths()
    (tmp_path / "bad.toml").write_text("[filters]\nperiod = ['2019-13-01', '2020-01-01']\n")
    with pytest.raises(DataValidationError, match="'2019-13-01' is not a date"):
        load_recipe(tmp_path / "bad.toml")


def test_cause_groups_expand_ranges_and_refuse_overlaps():
    assert expand_codes("I20-I25") == ["I20", "I21", "I22", "I23", "I24", "I25"]
    chapters = cause_groups("icd10_chapter").set_index("code")["cause_group"]
    assert chapters["C50"] == "II Neoplasms" and chapters["D48"] == "II Neoplasms"
    assert chapters["D50"].startswith("III ") and chapters["U07"].startswith("XXII ")
    broad = cause_groups("broad").set_index("code")["cause_group"]
    assert broad["U071"] == "COVID-19" and broad["U073"] == "Other causes"
    assert broad["G30"] == broad["F01"] == "Dementia and Alzheimer's disease"
    assert broad["G31"] == "Other causes" and "U07" not in broad.index
    import pandas as pd

    overlap = pd.DataFrame({"cause_group": ["A", "B"], "icd10_codes": ["I20-I25", "I21"]})
    with pytest.raises(DataValidationError, match="'I21'.*more than one group"):
        code_list_frame(overlap, source="mine.csv")
    nested = pd.DataFrame({"cause_group": ["A", "B"], "icd10_codes": ["I21", "I219"]})
    with pytest.raises(DataValidationError, match="'I21'.*more than one group"):
        code_list_frame(nested, source="mine.csv")
