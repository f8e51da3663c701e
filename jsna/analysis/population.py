"""Population of an area on LSOA 2021 geography, by sex and single year of age.

The pack's population file may be on LSOA 2011 (the real mid-2020 SAPE
sheet) or LSOA 2021. LSOA 2011 populations are bridged to LSOA 2021 with
:func:`jsna.analysis.geography.bridge_lsoa11_to_lsoa21` (split 2011 LSOAs shared
equally among their 2021 LSOAs, since no 2021 population is in the pack; the
rule is said in the ``note`` metadata).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.analysis.geography import (
    aggregate,
    area_wards,
    bridge_lsoa11_to_lsoa21,
    hierarchy,
    lsoa_column,
    require_population,
    warn_unplaced_residents,
)
from jsna.columns import AGE, POPULATION, SEX
from jsna.meta import join_notes, meta, with_meta

__all__ = ["lsoa_population", "ward_population", "age_profile"]


def lsoa_population(pack, area: str | None = None) -> pd.DataFrame:
    """Long LSOA 2021 population (``lsoa21_code, sex, age, population``) for an area.

    Nothing is dropped silently: an LSOA of ``area`` with no population estimate
    is a :class:`~jsna.exceptions.DataValidationError` (its residents cannot be
    counted), and residents of the population file whose LSOA is in no authority
    of the best-fit lookup are left out with a warning naming the LSOAs and how
    many residents.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> pop = lsoa_population(pack, DEMO_AREA_CODE)
    >>> sorted(pop["sex"].unique())
    ['Female', 'Male']
    """
    pop = pack.read("population.lsoa")
    persons_only = meta(pop, "persons_only", False)
    period = meta(pop, "period", "")
    lookup = hierarchy(pack, area)
    source = pack.entry("population.lsoa").describe()
    full = pack.read("lookup.lsoa_ward_lad")
    placed = full[lsoa_column(full)]
    notes = []
    if lsoa_column(pop) == "lsoa11_code":
        bridge = pack.read("lookup.lsoa11_lsoa21")
        placed11 = bridge.loc[bridge["lsoa21_code"].isin(placed), "lsoa11_code"]
        warn_unplaced_residents(pop["lsoa11_code"], pop[POPULATION], placed11, source=source)
        wanted = bridge[bridge["lsoa21_code"].isin(lookup["lsoa21_code"])]["lsoa11_code"]
        pop = pop[pop["lsoa11_code"].isin(wanted)]
        pop = bridge_lsoa11_to_lsoa21(pop, bridge, POPULATION, by=[SEX, AGE])
        counts = meta(pop, "bridging")
        notes.append(
            "Population estimates on 2011 LSOAs were moved to 2021 LSOAs with the ONS lookup "
            f"({counts.get('U', 0)} unchanged, {counts.get('M', 0)} merged, "
            f"{counts.get('S', 0)} split "
            f"and {counts.get('X', 0)} irregular 2011 LSOAs; split LSOAs shared equally)."
        )
    else:
        warn_unplaced_residents(pop["lsoa21_code"], pop[POPULATION], placed, source=source)
    pop = pop[pop["lsoa21_code"].isin(lookup["lsoa21_code"])].reset_index(drop=True)
    if area is not None:
        require_population(lookup["lsoa21_code"], pop["lsoa21_code"], area=area, source=source)
    if persons_only:
        notes.append("The population file has persons only (no split by sex).")
    return with_meta(pop, persons_only=persons_only, note=" ".join(notes), period=period)


def ward_population(pack, area: str) -> pd.DataFrame:
    """Total residents of each ward of an area (wards with no LSOA show 0 LSOAs and NaN).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> wards = ward_population(pack, DEMO_AREA_CODE)
    >>> bool(wards["population"].gt(0).all())
    True
    """
    wards = area_wards(pack, area)
    pop = lsoa_population(pack, area)
    lookup = hierarchy(pack, area)
    sums = aggregate(pop, "ward", lookup=lookup, values=POPULATION)
    ward_col = [c for c in sums.columns if c.endswith("_code")][0]
    wards[POPULATION] = wards["ward_code"].map(sums.set_index(ward_col)[POPULATION])
    return with_meta(
        wards,
        note=join_notes(meta(wards, "note"), meta(pop, "note")),
        period=meta(pop, "period"),  # the estimates' period, for titles
    )


def age_profile(pop: pd.DataFrame, *, band_width: int = 5) -> pd.DataFrame:
    """Population in age bands (0-4, 5-9, ..., 85-89, 90+) by sex.

    Examples
    --------
    >>> df = pd.DataFrame({"sex": "Persons", "age": range(91), "population": 1.0})
    >>> prof = age_profile(df)
    >>> prof["age_band"].iloc[[0, -1]].tolist(), prof["population"].iloc[[0, -1]].tolist()
    (['0-4', '90+'], [5.0, 1.0])
    """
    start = (np.minimum(pop[AGE].to_numpy(), 90) // band_width) * band_width
    start = np.where(pop[AGE].to_numpy() >= 90, 90, start)
    names = {
        s: "90+" if s >= 90 else f"{s}-{s + band_width - 1}" for s in np.unique(start).tolist()
    }
    labels = pd.Series(start).map(names).to_numpy()
    frame = pd.DataFrame(
        {
            SEX: pop[SEX].to_numpy(),
            "age_start": start,
            "age_band": labels,
            POPULATION: pop[POPULATION].to_numpy(),
        }
    )
    out = frame.groupby([SEX, "age_start", "age_band"], sort=True)[POPULATION].sum().reset_index()
    return out.drop(columns="age_start")
