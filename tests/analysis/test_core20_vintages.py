"""Core20 shares when an IMD edition is on another LSOA vintage than the population.

IoD2019 is on 2011 LSOAs. Beside a population on 2021 LSOAs (as ``jsna fetch``
writes it) :func:`jsna.analysis.deprivation.core20_shares` gives the shares of
LSOAs only: a 2021 population is never moved back to 2011 LSOAs. The pack is the
demo pack copied to a temporary folder with an IoD2019 file written from its
IoD2025 file (each 2011 LSOA given the deciles of the 2021 LSOA it became, in the
layout of MHCLG's File 7 for 2019), so the expected shares are known exactly.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from jsna.analysis.deprivation import core20_shares
from jsna.demo.pack import DEMO_AREA_CODE
from jsna.io.datapack import DataPack
from jsna.meta import meta

IMD19 = {
    "LSOA code (2011)": "LSOA11CD",
    "LSOA name (2011)": "LSOA11NM",
    "Local Authority District code (2019)": "LAD22CD",
    "Local Authority District name (2019)": "LAD22NM",
}
RANK = "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"
DECILE = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"


@pytest.fixture(scope="module")
def mixed_pack(demo_pack, tmp_path_factory):
    folder = tmp_path_factory.mktemp("vintages") / "pack"
    shutil.copytree(demo_pack, folder)
    imd25 = pd.read_csv(folder / "imd" / "File_7_IoD2025_Demoshire.csv", dtype=str)
    bridge = pd.read_csv(folder / "lookups" / "LSOA11_LSOA21_LAD22_EW_LU.csv", dtype=str)
    bridge = bridge.drop_duplicates("LSOA11CD")
    deciles = imd25.set_index("LSOA code (2021)")
    out = pd.DataFrame({name: bridge[column].to_numpy() for name, column in IMD19.items()})
    out[RANK] = deciles.loc[bridge["LSOA21CD"], RANK].to_numpy()
    out[DECILE] = deciles.loc[bridge["LSOA21CD"], DECILE].to_numpy()
    out.to_csv(folder / "imd" / "File_7_IoD2019_Demoshire.csv", index=False)
    with (folder / "datapack.toml").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[[file]]\nrole = "imd"\npath = "imd/File_7_IoD2019_Demoshire.csv"\n'
            'edition = "IoD2019"\n'
        )
    return DataPack.open(folder), out


def test_iod2019_beside_lsoa21_population_gives_lsoa_shares_only(mixed_pack):
    pack, imd19 = mixed_pack
    assert pack.read("population.lsoa").columns[0] == "lsoa21_code"
    shares = core20_shares(pack, "IoD2019", areas=[DEMO_AREA_CODE])
    row = shares.iloc[0]
    core20 = imd19[DECILE].astype(int).le(2)
    assert row["edition"] == "IoD2019"
    assert row["n_lsoas"] == len(imd19)
    assert row["core20_lsoas"] == int(core20.sum())
    assert row["core20_lsoa_share"] == pytest.approx(100 * core20.mean())
    assert pd.isna(row["population"]) and pd.isna(row["core20_population_share"])
    assert "Residents' shares are not given for IoD2019" in meta(shares, "note")


def test_iod2025_keeps_residents_shares(mixed_pack):
    pack, _ = mixed_pack
    shares = core20_shares(pack, "IoD2025", areas=[DEMO_AREA_CODE])
    assert shares["population"].iloc[0] == pytest.approx(
        pack.read("population.lsoa")["population"].sum()
    )
    assert 0 < shares["core20_population_share"].iloc[0] < 100
