"""Mortality: life expectancy at birth by ward or by deprivation decile, from LSOA deaths."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from jsna.analysis.deprivation import attach_imd
from jsna.analysis.geography import hierarchy
from jsna.analysis.population import lsoa_population
from jsna.analysis.prevalence.bands import parse_age_band
from jsna.columns import AGE, POPULATION, SEX, VALUE, code_column
from jsna.exceptions import DataValidationError, first_values
from jsna.meta import meta, note, with_meta
from jsna.stats.common import DEFAULT_CONFIDENCE
from jsna.stats.life_expectancy import life_expectancy

__all__ = ["area_life_expectancy"]

#: Start ages of the life table bands (0, 1-4, 5-9, ..., 85-89, 90+).
_LE_STARTS = np.array([0, 1, *range(5, 95, 5)])


def area_life_expectancy(
    pack, area: str, *, by: str = "ward", confidence=DEFAULT_CONFIDENCE
) -> pd.DataFrame:
    """Life expectancy at birth by ward or by national IMD decile, by sex, from LSOA deaths.

    Deaths (role ``deaths.lsoa``: LSOA, sex, life-table age band, over a
    period of years such as ``2019-2023``) are summed with person-years (the
    pack's population times the number of years, i.e. the population taken
    as the period's mid-year population) and passed to
    :func:`jsna.stats.life_expectancy` (Chiang II, 90+ final band).

    Parameters
    ----------
    pack : DataPack
    area : str
    by : {"ward", "imd_decile"}
    confidence : float or sequence, default (0.95, 0.998)

    Returns
    -------
    DataFrame
        ``group`` (ward code or decile), ``group_name``, ``sex``, ``deaths``,
        ``person_years``, ``value`` (life expectancy at birth, years) and its
        limits; metadata ``note``. For deciles, metadata ``gap`` (a list of records, one per
        sex) gives the most and least deprived deciles present and the gap in
        years between them.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> le = area_life_expectancy(pack, DEMO_AREA_CODE, by="imd_decile")
    >>> all(row["gap_years"] > 0 for row in meta(le, "gap"))
    True
    """
    if by not in ("ward", "imd_decile"):
        raise DataValidationError(f"by={by!r}; give 'ward' or 'imd_decile'")
    lookup = hierarchy(pack, area)
    deaths = pack.read("deaths.lsoa")
    lsoa = [c for c in deaths.columns if re.fullmatch(r"lsoa\d\d_code", c)][0]
    deaths = deaths[deaths[lsoa].isin(lookup[lsoa])]
    periods = deaths["period"].dropna().unique() if "period" in deaths.columns else []
    found = (
        re.fullmatch(r"\s*(\d{4})\s*(?:-|to|–)\s*(\d{4})\s*", str(periods[0]))
        if len(periods) == 1
        else None
    )
    years = int(found.group(2)) - int(found.group(1)) + 1 if found else 1
    pop = lsoa_population(pack, area)
    start = _LE_STARTS[np.searchsorted(_LE_STARTS, pop[AGE].to_numpy(), side="right") - 1]
    pop = pop.assign(_start=start)
    band_start = deaths["age_band"].map(
        lambda b: parse_age_band(b)[0] if str(b).strip() not in ("<1",) else 0
    )
    deaths = deaths.assign(_start=band_start.astype(int))
    ward_col = code_column(lookup, "wd")
    if by == "ward":
        groups = lookup[[lsoa, ward_col, ward_col.replace("_code", "_name")]].set_axis(
            [lsoa, "group", "group_name"], axis=1
        )
    else:
        imd = attach_imd(lookup[[lsoa]], pack.read("imd"))
        groups = pd.DataFrame(
            {
                lsoa: imd[lsoa],
                "group": imd["imd_decile"].astype("Int64"),
                "group_name": "Decile " + imd["imd_decile"].astype("Int64").astype(str),
            }
        )
    d = (
        deaths.merge(groups, on=lsoa)
        .groupby(["group", "group_name", SEX, "_start"])["deaths"]
        .sum()
    )
    p = (
        pop.merge(groups, on=lsoa).groupby(["group", "group_name", SEX, "_start"])[POPULATION].sum()
        * years
    )
    table = pd.concat([d, p.rename("person_years")], axis=1).reset_index()
    missing = table["deaths"].isna() | table["person_years"].isna()
    if missing.any():
        raise DataValidationError(
            "deaths and population do not cover the same groups, sexes and ages "
            f"(e.g. {first_values(table.loc[missing, SEX].tolist())}); "
            "check the files' sexes and age bands"
        )
    le = life_expectancy(
        table,
        "deaths",
        "person_years",
        by=["group", "group_name", SEX],
        age_band="_start",
        confidence=confidence,
    )
    at_birth = le[le["_start"] == 0].drop(columns=["_start"]).reset_index(drop=True)
    totals = (
        table.groupby(["group", "group_name", SEX])[["deaths", "person_years"]].sum().reset_index()
    )
    out = totals.merge(at_birth, on=["group", "group_name", SEX], how="left")
    text = (
        f"Deaths {periods[0] if len(periods) else ''} ({years} years) with person-years taken "
        f"as the population ({meta(pop, 'period', '')}) times {years}. {note(pop)}"
    ).strip()
    with_meta(out, note=text)
    if by == "imd_decile":
        valid = out.dropna(subset=[VALUE])
        first = valid.loc[valid.groupby(SEX)["group"].idxmin()].set_index(SEX)
        last = valid.loc[valid.groupby(SEX)["group"].idxmax()].set_index(SEX)
        gap = pd.DataFrame(
            {
                "most_deprived_decile": first["group"].astype(int),
                "least_deprived_decile": last["group"].astype(int),
                "most_deprived_le": first[VALUE],
                "least_deprived_le": last[VALUE],
                "gap_years": last[VALUE] - first[VALUE],
            }
        ).reset_index()
        with_meta(out, gap=gap.to_dict("records"))
    return out
