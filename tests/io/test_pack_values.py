"""Absurd and non-finite values in pack files are refused, naming column, rows, fix (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.exceptions import DataValidationError, JSNAError, SourceError
from jsna.io.datapack import DataPack

SEFTON = "E08000014"

from fingertips_sample import ft_text  # noqa: E402


def one_file_pack(folder: Path, role: str, name: str, content: str, **attrs: str) -> DataPack:
    (folder / name).write_text(content, encoding="utf-8")
    extra = "".join(f'{k} = "{v}"\n' for k, v in attrs.items())
    (folder / "datapack.toml").write_text(
        f'[pack]\nname = "p"\n[[file]]\nrole = "{role}"\npath = "{name}"\n{extra}'
    )
    return DataPack.open(folder)


def population_csv(rows=None, ages=None) -> str:
    ages = ages or [*[str(a) for a in range(90)], "90+"]
    header = ["LAD 2021 Code", "LAD 2021 Name", "LSOA 2021 Code", "LSOA 2021 Name", "Total", *ages]
    rows = rows or [[SEFTON, "Sefton", "E01006412", "Sefton 030A", len(ages), *[1] * len(ages)]]
    return pd.DataFrame(rows, columns=header).to_csv(index=False)


def one_line(error) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


# ------------------------------------------------------------------ population


def test_population_cell_of_1e20_refused(tmp_path):
    row = [SEFTON, "Sefton", "E01006412", "Sefton 030A", 1e20 + 90, 1e20, *[1] * 90]
    pack = one_file_pack(tmp_path, "population.lsoa", "pop.csv", population_csv([row]))
    with pytest.raises(DataValidationError, match=r"column '0'.*1e\+20.*E01006412") as info:
        pack.read("population.lsoa")
    assert "fix" in one_line(info) or "download" in one_line(info)


def test_population_cell_of_infinity_refused(tmp_path):
    row = [SEFTON, "Sefton", "E01006412", "Sefton 030A", "", "inf", *[1] * 90]
    pack = one_file_pack(tmp_path, "population.lsoa", "pop.csv", population_csv([row]))
    with pytest.raises(DataValidationError, match=r"column '0'.*inf"):
        pack.read("population.lsoa")


def test_population_plausible_large_cell_is_read(tmp_path):
    # A student LSOA can hold a thousand or more 19-year-olds.
    row = [SEFTON, "Sefton", "E01006412", "Sefton 030A", 3090, 3000, *[1] * 90]
    pack = one_file_pack(tmp_path, "population.lsoa", "pop.csv", population_csv([row]))
    assert pack.read("population.lsoa")["population"].max() == 3000


def test_population_repeated_age_column_refused(tmp_path):
    ages = [*[str(a) for a in range(90)], "90+", "45"]
    pack = one_file_pack(tmp_path, "population.lsoa", "pop.csv", population_csv(ages=ages))
    with pytest.raises(SourceError, match=r"age column '45' appears 2 times") as info:
        pack.read("population.lsoa")
    one_line(info)


def test_population_repeated_sex_age_column_refused(tmp_path):
    ages = [f"{s}{a}" for s in "FM" for a in range(91)] + ["M7"]
    rows = [[SEFTON, "Sefton", "E01006412", "Sefton 030A", len(ages), *[1] * len(ages)]]
    pack = one_file_pack(tmp_path, "population.lsoa", "pop.csv", population_csv(rows, ages))
    with pytest.raises(SourceError, match=r"age column 'M7' appears 2 times"):
        pack.read("population.lsoa")


# ------------------------------------------------------------------ Fingertips


def test_fingertips_infinite_denominator_refused(tmp_path):
    pack = one_file_pack(tmp_path, "indicators.fingertips", "all.csv", ft_text(Denominator="inf"))
    with pytest.raises(JSNAError, match=r"'Denominator'|'denominator'") as info:
        pack.read("indicators.fingertips")
    assert "inf" in one_line(info)


def test_fingertips_infinite_value_refused(tmp_path):
    pack = one_file_pack(tmp_path, "indicators.fingertips", "all.csv", ft_text(Value="Infinity"))
    with pytest.raises(JSNAError, match=r"'Value'.*inf"):
        pack.read("indicators.fingertips")


def test_fingertips_minus_infinite_limit_refused(tmp_path):
    pack = one_file_pack(
        tmp_path, "indicators.fingertips", "all.csv", ft_text(**{"Lower CI 95.0 limit": "-inf"})
    )
    with pytest.raises(JSNAError, match=r"'Lower CI 95.0 limit'.*-inf"):
        pack.read("indicators.fingertips")


def test_fingertips_nan_text_in_count_refused(tmp_path):
    # "NaN" typed in a cell is not an empty cell: pandas would read it as missing.
    pack = one_file_pack(tmp_path, "indicators.fingertips", "all.csv", ft_text(Count="NaN"))
    with pytest.raises(JSNAError, match=r"'Count'.*'NaN'"):
        pack.read("indicators.fingertips")


def test_fingertips_denominator_of_1e20_refused(tmp_path):
    pack = one_file_pack(tmp_path, "indicators.fingertips", "all.csv", ft_text(Denominator="1e20"))
    with pytest.raises(DataValidationError, match=r"'denominator'.*1e\+20"):
        pack.read("indicators.fingertips")


def test_fingertips_count_of_1e20_refused(tmp_path):
    pack = one_file_pack(tmp_path, "indicators.fingertips", "all.csv", ft_text(Count="1e20"))
    with pytest.raises(DataValidationError, match=r"'count'.*1e\+20"):
        pack.read("indicators.fingertips")


# ------------------------------------------------------------------ other roles


def test_deaths_of_1e20_refused(tmp_path):
    text = "LSOA21CD,sex,age_band,deaths,period\nE01000001,Male,90+,1e20,2019-2023\n"
    pack = one_file_pack(tmp_path, "deaths.lsoa", "d.csv", text)
    with pytest.raises(DataValidationError, match=r"'deaths'.*1e\+20"):
        pack.read("deaths.lsoa")


def test_qof_list_size_of_infinity_refused(tmp_path):
    text = (
        "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\n"
        "A00001,HYP,100,TOTAL,inf\n"
    )
    pack = one_file_pack(tmp_path, "prevalence.recorded", "q.csv", text, level="practice")
    with pytest.raises(DataValidationError, match=r"'PRACTICE_LIST_SIZE'.*inf"):
        pack.read("prevalence.recorded")


def test_imd_decile_of_infinity_refused(tmp_path):
    pack = one_file_pack(tmp_path, "imd", "imd.csv", "lsoa21_code,IMD_decile\nE01000001,inf\n")
    with pytest.raises(JSNAError, match=r"inf"):
        pack.read("imd")
