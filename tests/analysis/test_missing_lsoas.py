"""LSOAs missing from the lookup or from the population never lose residents silently (issue 12).

Chosen behaviour:

* an LSOA of the area (in the best-fit lookup) with no population estimate is an error naming
  the LSOAs: its residents cannot be counted, so any total would be wrong - chapter 01 used to
  print "nan% of residents (nan)";
* residents in the population file whose LSOA is in no authority of the lookup are left out
  with a warning naming the LSOAs and how many residents; the area's totals stay numbers.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.deprivation.profile import area_deprivation, core20_shares
from jsna.analysis.population import lsoa_population, ward_population
from jsna.demo.pack import DEMO_AREA_CODE
from jsna.exceptions import DataValidationError
from jsna.io.datapack import DataPack

POPULATION = "population/sapelsoasyoa_mid2022_Demoshire.csv"
LOOKUP = "lookups/LSOA21_WD25_LAD25_EW_LU.csv"


def copy_without(demo_pack: Path, tmp_path: Path, relative: str, code: str) -> DataPack:
    """The demo pack with the rows of LSOA ``code`` removed from one file."""
    folder = tmp_path / "pack"
    shutil.copytree(demo_pack, folder)
    path = folder / relative
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [line for line in lines if code not in line]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")
    return DataPack.open(folder)


def first_lsoa(demo_pack: Path) -> str:
    lookup = pd.read_csv(demo_pack / LOOKUP, dtype=str)
    return lookup["LSOA21CD"].iloc[0]


def test_lsoa_missing_from_the_population_is_an_error(demo_pack, tmp_path):
    code = first_lsoa(demo_pack)
    pack = copy_without(demo_pack, tmp_path, POPULATION, code)
    for function in (lsoa_population, ward_population, area_deprivation):
        with pytest.raises(DataValidationError, match=rf"no population estimate.*{code}") as info:
            function(pack, DEMO_AREA_CODE)
        assert "\n" not in str(info.value)
        assert "1 of 150 LSOAs" in str(info.value)


def test_lsoa_missing_from_the_lookup_is_named_with_its_residents(demo_pack, tmp_path):
    code = first_lsoa(demo_pack)
    whole = DataPack.open(demo_pack)
    residents = whole.read("population.lsoa").query("lsoa21_code == @code")["population"].sum()
    pack = copy_without(demo_pack, tmp_path, LOOKUP, code)
    expected = rf"{code}.*{int(residents):,} residents.*in no authority of the best-fit lookup"
    with pytest.warns(UserWarning, match=expected):
        pop = lsoa_population(pack, DEMO_AREA_CODE)
    assert pop["population"].sum() == pytest.approx(
        whole.read("population.lsoa")["population"].sum() - residents
    )
    with pytest.warns(UserWarning, match=expected):
        dep = area_deprivation(pack, DEMO_AREA_CODE)
    share = dep["area"]["core20_population_share"].iloc[0]
    assert np.isfinite(share) and np.isfinite(dep["area"]["population"].iloc[0])


def test_complete_demo_pack_gives_numbers_without_warnings(demo_pack):
    pack = DataPack.open(demo_pack)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dep = area_deprivation(pack, DEMO_AREA_CODE)
        pop = lsoa_population(pack, DEMO_AREA_CODE)
    assert dep["area"]["population"].iloc[0] == pytest.approx(pop["population"].sum())
    assert np.isfinite(dep["area"]["core20_population_share"].iloc[0])


def test_core20_shares_still_mark_uncovered_authorities_nan(demo_pack, tmp_path):
    # Across all authorities a regional population file covers only some: NaN, by design.
    code = first_lsoa(demo_pack)
    pack = copy_without(demo_pack, tmp_path, POPULATION, code)
    shares = core20_shares(pack, areas=[DEMO_AREA_CODE])
    assert np.isnan(shares["population"].iloc[0])
