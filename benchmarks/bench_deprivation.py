"""Benchmark: the ward-level deprivation profile for all of England (target < 2 s).

Run with ``python benchmarks/bench_deprivation.py [SHARED_DATA]`` (default
``../shared/data``). Inputs, all national:

- ``lookups/LSOA21_WD24_LAD24_EW_LU.csv`` (35,672 LSOAs in England and Wales;
  the 1,917 Welsh LSOAs are outside the English Indices and left out),
- ``imd/imd2025_england_lsoa21.csv`` (IoD2025, 33,755 LSOAs),
- ``population/population20_lsoa11.csv.gz`` (mid-2020 persons on LSOA 2011),
  bridged to LSOA 2021 with ``lookups/LSOA11_LSOA21_LAD22_EW_LU.csv``.

Prints the time to read the four files, to bridge the population, and to
build the profile (Core20 LSOA and population shares, population-weighted IMD
score and quintile population shares for about 6,900 wards), and the total.
The target applies to the total, reading included.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from jsna.analysis.deprivation import deprivation_profile
from jsna.analysis.geography import bridge_lsoa11_to_lsoa21
from jsna.io import FileEntry
from jsna.io.imd import read_imd
from jsna.io.lookups import read_lookup

TARGET_SECONDS = 2.0


def main(shared: Path) -> float:
    start = time.perf_counter()
    lookup = read_lookup(
        FileEntry("lookup.lsoa_ward_lad", (shared / "lookups/LSOA21_WD24_LAD24_EW_LU.csv",))
    )
    bridge = read_lookup(
        FileEntry("lookup.lsoa11_lsoa21", (shared / "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv",))
    )
    imd = read_imd(
        FileEntry("imd", (shared / "imd/imd2025_england_lsoa21.csv",), {"edition": "IoD2025"})
    )
    # only the LSOA totals are needed: read two columns of the single-year-of-age table
    pop11 = pd.read_csv(
        shared / "population/population20_lsoa11.csv.gz",
        usecols=["lsoa11_code", "total_population"],
    )
    read = time.perf_counter()

    pop11 = pop11.rename(columns={"total_population": "population"})
    pop21 = bridge_lsoa11_to_lsoa21(pop11, bridge, "population", unmatched="raise")
    population = pop21.set_index("lsoa21_code")["population"]
    bridged = time.perf_counter()

    england = lookup[lookup["lsoa21_code"].str.startswith("E")]
    profile = deprivation_profile(england, imd, population, level="ward", unmatched="raise")
    done = time.perf_counter()

    total = done - start
    print(
        f"LSOAs in lookup: {len(lookup):,} (England {len(england):,}); "
        f"wards profiled: {len(profile):,}"
    )
    print(
        f"residents: {profile['population'].sum():,.0f}; wards with Core20 LSOAs: "
        f"{int((profile['core20_lsoas'] > 0).sum()):,}"
    )
    print(f"read files      {read - start:6.3f} s")
    print(f"bridge LSOA11   {bridged - read:6.3f} s")
    print(f"ward profile    {done - bridged:6.3f} s")
    print(
        f"total           {total:6.3f} s  (target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if total < TARGET_SECONDS else 'MISSED'})"
    )
    return total


if __name__ == "__main__":
    folder = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    main(folder)
