"""Mortality: life expectancy by ward or deprivation decile, and why life expectancy differs.

:func:`area_life_expectancy` reads LSOA deaths from a data pack. The other functions take
tidy count frames (deaths and population by area or quintile x life table age band x sex,
optionally x cause group), from the record-level layer or from aggregated counts:

* :func:`gap_decomposition`, :func:`within_area_gap`, :func:`england_gap`: the gap in life
  expectancy at birth split by age band and cause (Arriaga, as the OHID Segment Tool);
* :func:`le_sii`: the slope index of inequality in life expectancy across deprivation
  deciles (the OHID / Marmot indicator);
* :func:`premature_mortality`: under-75 directly standardised rates by cause and years of
  life lost before 75.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from jsna.analysis.deprivation import attach_imd, local_quantiles
from jsna.analysis.geography import hierarchy
from jsna.analysis.population import lsoa_population
from jsna.columns import AGE, POPULATION, SEX, VALUE, as_list, check_columns, code_column
from jsna.exceptions import DataValidationError, first_values
from jsna.meta import copy_meta, meta, note, with_meta
from jsna.stats.common import DEFAULT_CONFIDENCE
from jsna.stats.decomposition import arriaga
from jsna.stats.dsr import ESP2013, dsr
from jsna.stats.inequality import sii
from jsna.stats.life_expectancy import life_expectancy

__all__ = [
    "area_life_expectancy",
    "mortality_counts",
    "ward_le_significance",
    "compare_with_benchmark",
    "broad_age_groups",
    "has_local_health_msoa",
    "local_health_lsoa",
    "local_health_by",
    "gap_decomposition",
    "within_area_gap",
    "england_gap",
    "le_sii",
    "premature_mortality",
]

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
    deaths, pop, years, periods = _lsoa_cells(pack, area, lookup)
    lsoa = [c for c in deaths.columns if re.fullmatch(r"lsoa\d\d_code", c)][0]
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


def _lsoa_cells(pack, area: str, lookup: pd.DataFrame, deaths: pd.DataFrame | None = None):
    """Deaths and population of the area's LSOAs with each row's life table band start."""
    if deaths is None:
        deaths = pack.read("deaths.lsoa")
    lsoa = [c for c in deaths.columns if re.fullmatch(r"lsoa\d\d_code", c)]
    if not lsoa:
        raise DataValidationError(
            f"deaths have no LSOA code column (lsoa21_code); columns are "
            f"{first_values(list(deaths.columns))}"
        )
    lsoa = lsoa[0]
    if lsoa not in lookup.columns:
        raise DataValidationError(
            f"deaths are on {lsoa} but the lookup on {code_column(lookup, 'lsoa')}; "
            "give deaths by LSOA 2021"
        )
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
    deaths = deaths.assign(_start=_starts(deaths["age_band"]))
    return deaths, pop, years, periods


#: The cause group of deaths whose cause is missing.
UNKNOWN_CAUSE = "Cause not recorded"
#: The groupings :func:`mortality_counts` knows.
GROUPINGS = ("area", "ward", "imd_decile", "local_quintile", "local_decile")


def mortality_counts(
    pack, area: str, *, by: str = "area", deaths: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Deaths and person-years by group, sex, life table age band (and cause) for an area.

    The counts every other function of this module takes, from the pack's LSOA deaths
    (role ``deaths.lsoa``; with its optional ``cause_group`` column, by cause too) and
    population (person-years are the population times the years of the deaths' period).

    Parameters
    ----------
    pack : DataPack
    area : str
    by : {"area", "ward", "imd_decile", "local_quintile", "local_decile"}
        ``imd_decile`` is the national IMD decile of each LSOA; ``local_quintile`` and
        ``local_decile`` rank the area's own LSOAs by IMD score (1 = most deprived, equal
        numbers of LSOAs, :func:`jsna.analysis.deprivation.local_quantiles`).
    deaths : DataFrame, optional
        Deaths in the layout of role ``deaths.lsoa`` to use instead of the pack's (for
        example aggregated from record-level deaths with :mod:`jsna.records`).

    Returns
    -------
    DataFrame
        ``group``, ``group_name``, ``sex``, ``age_band`` (start age of the band: 0, 1, 5,
        ..., 90), ``cause_group`` (when the deaths have causes: every cause on every
        cell, 0 where none died), ``deaths`` and ``population`` (person-years, the whole
        cell's on every cause row). Metadata ``period`` (of the deaths) and ``note``.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> counts = mortality_counts(pack, DEMO_AREA_CODE, by="local_quintile")
    >>> sorted(counts["group"].unique().tolist()), int(counts["age_band"].nunique())
    ([1, 2, 3, 4, 5], 20)
    """
    if by not in GROUPINGS:
        raise DataValidationError(f"by={by!r}; give one of {', '.join(GROUPINGS)}")
    lookup = hierarchy(pack, area)
    deaths, pop, years, periods = _lsoa_cells(pack, area, lookup, deaths)
    lsoa = code_column(lookup, "lsoa")
    if by == "area":
        lad = code_column(lookup, "lad")
        groups = lookup[[lsoa, lad, lad.replace("_code", "_name")]]
    elif by == "ward":
        ward = code_column(lookup, "wd")
        groups = lookup[[lsoa, ward, ward.replace("_code", "_name")]]
    else:
        imd = attach_imd(lookup[[lsoa]], pack.read("imd"))
        if by == "imd_decile":
            number = imd["imd_decile"]
        else:
            n = 5 if by == "local_quintile" else 10
            imd = local_quantiles(imd, n)
            number = imd[by]
        number = number.astype("Int64")
        label = "Decile " if by.endswith("decile") else "Quintile "
        groups = pd.DataFrame({lsoa: imd[lsoa], "g": number, "n": label + number.astype(str)})
    groups = groups.set_axis([lsoa, "group", "group_name"], axis=1)
    cause = "cause_group" if "cause_group" in deaths.columns else None
    if cause:  # deaths without a cause still count, in a group of their own
        deaths = deaths.assign(cause_group=deaths[cause].astype(object).fillna(UNKNOWN_CAUSE))
    keys = ["group", "group_name", SEX, "_start"]
    d = deaths.merge(groups, on=lsoa).groupby([*keys, *as_list(cause)], observed=True)["deaths"]
    d = d.sum()
    p = pop.merge(groups, on=lsoa).groupby(keys, observed=True)[POPULATION].sum() * years
    if cause:
        causes = sorted(deaths[cause].dropna().astype(str).unique())
        grid = pd.MultiIndex.from_tuples(
            [(*k, c) for k in p.index for c in causes], names=[*keys, cause]
        )
        d.index = d.index.set_levels(d.index.levels[-1].astype(str), level=-1)
        table = pd.DataFrame({"deaths": d.reindex(grid, fill_value=0)}).reset_index()
        table = table.merge(p.rename(POPULATION).reset_index(), on=keys, how="left")
    else:
        table = pd.concat([d, p.rename(POPULATION)], axis=1).reset_index()
        table["deaths"] = table["deaths"].fillna(0)
    unmatched = d.index.droplevel(-1) if cause else d.index
    lost = ~unmatched.isin(p.index)
    if lost.any():
        raise DataValidationError(
            "deaths fall in cells with no population (group, sex, age band "
            f"{first_values(list(unmatched[lost]))}); check the files' sexes and age bands"
        )
    table = table.rename(columns={"_start": "age_band"})
    table["deaths"] = table["deaths"].astype(float)
    text = (
        f"Deaths {periods[0] if len(periods) else ''} ({years} years) with person-years taken "
        f"as the population ({meta(pop, 'period', '')}) times {years}. {note(pop)}"
    ).strip()
    return with_meta(table, period=str(periods[0]) if len(periods) else "", note=text)


def compare_with_benchmark(
    df: pd.DataFrame,
    benchmark,
    *,
    value: str = VALUE,
    lower: str = "lower_ci95",
    upper: str = "upper_ci95",
    polarity: str = "high is good",
) -> pd.Series:
    """Fingertips' comparison of values with a benchmark value by their 95% limits.

    A value whose limits lie wholly above the benchmark is "Better" (with ``polarity``
    "high is good", as life expectancy) or "Higher" (``"no judgement"``); wholly below,
    "Worse" or "Lower"; otherwise "Similar"; without limits "Not compared". This is the
    comparison OHID's Fingertips and Local Health make of a ward or MSOA with its
    authority or England: the benchmark's own uncertainty is not counted.

    Parameters
    ----------
    df : DataFrame
    benchmark : float or array
        The benchmark value (one, or one per row).

    Returns
    -------
    Series of str

    Examples
    --------
    >>> df = pd.DataFrame({"value": [80.0, 78.0, 76.0, np.nan],
    ...                    "lower_ci95": [79.1, 77.0, 75.0, np.nan],
    ...                    "upper_ci95": [80.9, 79.0, 77.5, np.nan]})
    >>> compare_with_benchmark(df, 78.5).tolist()
    ['Better', 'Similar', 'Worse', 'Not compared']
    """
    if polarity not in ("high is good", "low is good", "no judgement"):
        raise DataValidationError(
            f"polarity={polarity!r}; give 'high is good', 'low is good' or 'no judgement'"
        )
    check_columns(df, {"value": value, "lower": lower, "upper": upper})
    lo = pd.to_numeric(df[lower], errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(df[upper], errors="coerce").to_numpy(dtype=float)
    bench = np.broadcast_to(np.asarray(benchmark, dtype=float), lo.shape)
    up, down = {
        "high is good": ("Better", "Worse"),
        "low is good": ("Worse", "Better"),
        "no judgement": ("Higher", "Lower"),
    }[polarity]
    missing = np.isnan(lo) | np.isnan(hi) | np.isnan(bench)
    out = np.select(
        [missing, lo > bench, hi < bench], ["Not compared", up, down], default="Similar"
    )
    return pd.Series(out, index=df.index, dtype=object)


def ward_le_significance(
    pack, area: str, *, deaths: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Life expectancy at birth by ward and for the authority, each ward compared with it.

    Returns
    -------
    (DataFrame, DataFrame)
        Wards (``group`` ward code, ``group_name``, ``sex``, ``deaths``, ``population``,
        ``value`` and its limits, ``vs_area`` from :func:`compare_with_benchmark`) and
        the authority (one row per sex). A ward with too few person-years has NaN life
        expectancy (with the warning of :func:`jsna.stats.life_expectancy`) and is
        "Not compared".

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> wards, whole = ward_le_significance(pack, DEMO_AREA_CODE)
    >>> sorted(set(wards["vs_area"])) , len(whole)
    (['Better', 'Similar', 'Worse'], 2)
    """
    wards = mortality_counts(pack, area, by="ward", deaths=deaths)
    whole = mortality_counts(pack, area, by="area", deaths=deaths)
    out = []
    for frame in (wards, whole):
        cells = frame.groupby(["group", "group_name", SEX, "age_band"], as_index=False)[
            ["deaths", POPULATION]
        ].agg({"deaths": "sum", POPULATION: "first"})
        le = life_expectancy(
            cells,
            "deaths",
            POPULATION,
            by=["group", "group_name", SEX],
            age_band="age_band",
            confidence=0.95,
        )
        at_birth = le[le["age_band"] == 0].drop(columns=["age_band"])
        totals = cells.groupby(["group", "group_name", SEX])[["deaths", POPULATION]].sum()
        out.append(totals.reset_index().merge(at_birth, on=["group", "group_name", SEX]))
    ward_le, area_le = out
    bench = ward_le[SEX].map(area_le.set_index(SEX)[VALUE])
    ward_le["vs_area"] = compare_with_benchmark(ward_le, bench.to_numpy())
    with_meta(ward_le, period=meta(wards, "period"), note=note(wards))
    return ward_le, with_meta(area_le, period=meta(wards, "period"))


#: Broad age groups of the Segment-style chart: (label, first band start, last band start).
BROAD_AGES = (("Under 20", 0, 15), ("20-39", 20, 35), ("40-59", 40, 55), ("60-74", 60, 70))
BROAD_AGES += (("75 and over", 75, 90),)


def broad_age_groups(starts) -> pd.Categorical:
    """The broad age group of each life table band start (0, 1, 5 ... 90), in order.

    Examples
    --------
    >>> list(broad_age_groups([0, 1, 20, 70, 90]))
    ['Under 20', 'Under 20', '20-39', '60-74', '75 and over']
    """
    s = np.asarray(_starts(pd.Series(starts)), dtype=int)
    edges = np.array([first for _, first, _ in BROAD_AGES])
    labels = [label for label, _, _ in BROAD_AGES]
    index = np.searchsorted(edges, s, side="right") - 1
    return pd.Categorical.from_codes(index, categories=labels, ordered=True)


#: Local Health indicators used for life expectancy and mortality, with short names.
LOCAL_HEALTH_MORTALITY = {
    "Life expectancy at birth for females": "le_female",
    "Life expectancy at birth for males": "le_male",
    "Deaths from all causes, all ages": "smr_all",
    "Deaths from all causes, under 75 years": "smr_all_u75",
    "Deaths from causes considered preventable, under 75 years, SMR": "smr_preventable_u75",
    "Deaths from all cancer, under 75 years": "smr_cancer_u75",
    "Deaths from circulatory disease, under 75 years": "smr_circulatory_u75",
    "Deaths from coronary heart disease, all ages": "smr_chd",
    "Deaths from stroke, all ages": "smr_stroke",
    "Deaths from respiratory diseases, all ages": "smr_respiratory",
}


def _local_health_msoa(pack) -> pd.DataFrame:
    role = "indicators.local_health"
    if pack.entries_for(role, level="msoa"):
        return pack.read(role, level="msoa")
    data = pack.read(role)
    return copy_meta(data[data["area_code"].astype(str).str.startswith("E02")], data)


def has_local_health_msoa(pack) -> bool:
    """Whether the pack has Local Health MSOA life expectancy (role ``indicators.local_health``).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> has_local_health_msoa(DataPack.open(ensure_demo_pack(project_paths().demo_pack)))
    False
    """
    if not pack.has("indicators.local_health"):
        return False
    data = _local_health_msoa(pack)
    return bool(data["indicator"].isin(list(LOCAL_HEALTH_MORTALITY)[:2]).any())


def local_health_lsoa(pack, area: str) -> pd.DataFrame:
    """Local Health MSOA life expectancy and SMRs given to each of the area's 2021 LSOAs.

    Local Health (role ``indicators.local_health`` at ``level = "msoa"``) publishes values
    for 2011 MSOAs. Each 2021 LSOA of the area takes the value of its MSOA: the MSOA
    named by the LSOA's name without its final letter ("Liverpool 001A" is in "Liverpool
    001"), matched to the Local Health code through the 2021 MSOA boundaries (role
    ``boundaries.msoa``), or to the Local Health label where the codes differ. Values can
    then be shared to wards and deprivation quintiles by population
    (:func:`local_health_by`).

    Returns
    -------
    DataFrame
        ``lsoa21_code``, ``msoa_code``, ``msoa_name``, ``population`` (all ages, the
        pack's estimates) and one column per indicator of :data:`LOCAL_HEALTH_MORTALITY`
        the file has; metadata ``period`` (the entry's) and ``note`` (what was done and
        which LSOAs have no MSOA value).
    """
    data = _local_health_msoa(pack)
    lookup = hierarchy(pack, area)
    lsoa = code_column(lookup, "lsoa")
    names = lookup[[lsoa, lsoa.replace("_code", "_name")]].set_axis([lsoa, "lsoa_name"], axis=1)
    names["msoa_name"] = names["lsoa_name"].astype(str).str.strip().str[:-1].str.strip()
    wanted = data[data["indicator"].isin(LOCAL_HEALTH_MORTALITY)]
    wide = wanted.pivot_table(
        index=["area_code", "area_name"], columns="indicator", values=VALUE, aggfunc="first"
    ).rename(columns=LOCAL_HEALTH_MORTALITY)
    wide = wide.reset_index().rename(columns={"area_code": "msoa_code", "area_name": "lh_name"})
    codes = pd.DataFrame(columns=["msoa_name", "msoa_code"])
    if pack.has("boundaries.msoa"):
        bounds = pack.read("boundaries.msoa")
        code = code_column(bounds, "msoa")
        codes = pd.DataFrame(
            {"msoa_name": bounds[code.replace("_code", "_name")], "msoa_code": bounds[code]}
        ).drop_duplicates("msoa_name")
    by_code = names.merge(codes, on="msoa_name", how="left").merge(
        wide.drop(columns="lh_name"), on="msoa_code", how="left"
    )
    value_cols = [c for c in wide.columns if c not in ("msoa_code", "lh_name")]
    unmatched = by_code[value_cols].isna().all(axis=1)
    if unmatched.any():  # codes changed in 2021, or no boundaries: match the label
        by_label = names.loc[unmatched].merge(
            wide.rename(columns={"lh_name": "msoa_name"}), on="msoa_name", how="left"
        )
        by_code = pd.concat([by_code.loc[~unmatched], by_label], ignore_index=True)
    pop = lsoa_population(pack, area).groupby(lsoa)[POPULATION].sum()
    out = by_code.assign(population=by_code[lsoa].map(pop).fillna(0.0))
    missing = out[value_cols].isna().all(axis=1)
    text = (
        "Local Health publishes life expectancy and standardised mortality ratios for 2011 "
        "MSOAs only; each 2021 LSOA was given its MSOA's value and wards and quintiles are "
        "population-weighted averages of their LSOAs' values (an MSOA split between wards "
        "counts in each by its residents)."
    )
    if missing.any():
        text += (
            f" {int(missing.sum())} LSOAs ({first_values(out.loc[missing, lsoa])}) have no "
            "Local Health MSOA value and are left out."
        )
    keep = [lsoa, "msoa_code", "msoa_name", POPULATION, *value_cols]
    out = out[keep].sort_values(lsoa).reset_index(drop=True)
    return with_meta(out, period=meta(data, "period", ""), note=text)


def local_health_by(lsoa_values: pd.DataFrame, groups: pd.DataFrame, *, on: str = "group"):
    """Population-weighted averages of LSOA values (from :func:`local_health_lsoa`) by group.

    Parameters
    ----------
    lsoa_values : DataFrame
        ``lsoa21_code``, ``population`` and value columns.
    groups : DataFrame
        ``lsoa21_code`` and the ``on`` column (and optionally ``<on>_name``).

    Returns
    -------
    DataFrame
        One row per group: ``population`` and the weighted mean of each value column
        (LSOAs with no value left out of that column's weights).

    Examples
    --------
    >>> v = pd.DataFrame({"lsoa21_code": ["A", "B", "C"], "population": [100.0, 300.0, 50.0],
    ...                   "le_male": [70.0, 80.0, np.nan]})
    >>> g = pd.DataFrame({"lsoa21_code": ["A", "B", "C"], "group": ["W1", "W1", "W2"]})
    >>> local_health_by(v, g)[["group", "population", "le_male"]].to_dict("list")
    {'group': ['W1', 'W2'], 'population': [400.0, 50.0], 'le_male': [77.5, nan]}
    """
    lsoa = code_column(lsoa_values, "lsoa")
    values = [
        c
        for c in lsoa_values.columns
        if c not in (lsoa, POPULATION, "msoa_code", "msoa_name")
        and pd.api.types.is_numeric_dtype(lsoa_values[c])
    ]
    keys = [c for c in groups.columns if c != lsoa]
    merged = lsoa_values.merge(groups, on=lsoa, how="inner")
    w = merged[POPULATION].to_numpy(dtype=float)
    parts = {POPULATION: merged[POPULATION]}
    for c in values:
        v = merged[c].to_numpy(dtype=float)
        ok = ~np.isnan(v)
        parts[f"_n_{c}"] = np.where(ok, v * w, 0.0)
        parts[f"_w_{c}"] = np.where(ok, w, 0.0)
    frame = pd.DataFrame(parts, index=merged.index)
    frame[keys] = merged[keys]
    sums = frame.groupby(keys, sort=True).sum()
    out = sums[[POPULATION]].copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in values:
            out[c] = np.where(sums[f"_w_{c}"] > 0, sums[f"_n_{c}"] / sums[f"_w_{c}"], np.nan)
    return out.reset_index()


#: Deaths below which a gap decomposition by cause is not shown (per population compared):
#: the Segment Tool publishes upper-tier authorities only, over two or more years, because
#: smaller numbers do not give robust breakdowns.
MIN_GAP_DEATHS = 100
#: Premature mortality: deaths under this age.
PREMATURE_AGE = 75


def _starts(bands: pd.Series) -> np.ndarray:
    """Start age of each life table band label (0, "<1", "1-4", "90+", 85 ...)."""
    text = bands.astype(str).str.strip()
    under_one = text.str.match(r"(?i)^(<\s*1|under\s*1)")
    first = text.str.extract(r"(\d+)")[0].astype(float)
    if first.isna().any():
        raise DataValidationError(
            f"age band labels {first_values(text[first.isna()].unique())} have no age; "
            "use life table bands 0, 1-4, 5-9, ..., 90+"
        )
    return np.where(under_one, 0, first).astype(int)


def gap_decomposition(
    df: pd.DataFrame,
    *,
    compare: str,
    base,
    comparator,
    by: str | list[str] | None = SEX,
    cause: str | None = None,
    age_band: str = "age_band",
    deaths: str = "deaths",
    population: str = "population",
    min_deaths: int = MIN_GAP_DEATHS,
) -> pd.DataFrame:
    """The gap in life expectancy at birth between two populations, by age band and cause.

    Arriaga's decomposition (:func:`jsna.stats.decomposition.arriaga`) with each band's
    contribution shared among causes by the difference in their death rates, as the
    OHID Segment Tool. The gap is comparator minus base: with the most deprived fifth
    as base, a positive contribution is years of life expectancy the most deprived
    lose through higher death rates from that cause at those ages.

    Parameters
    ----------
    df : DataFrame
        Deaths and population (person-years) by ``compare``, ``by``, life table age band
        and (optionally) cause; with causes, each cell's population is on every cause row.
    compare, base, comparator
        The column naming the two populations and their values.
    by : str, list or None, default "sex"
        Groups compared separately.
    cause : str, optional
        Column of cause groups.
    age_band, deaths, population : str
        Column names.
    min_deaths : int, default 100
        A group where either population has fewer deaths is NaN, with a warning:
        too few deaths to split by age and cause.

    Returns
    -------
    DataFrame
        As :func:`jsna.stats.decomposition.arriaga`, plus ``deaths_base``,
        ``deaths_comparator`` and ``note`` (why a group is NaN).

    Examples
    --------
    >>> ages = [0, 1, *range(5, 95, 5)]
    >>> m = 0.00005 * np.exp(0.085 * np.array(ages, dtype=float))
    >>> df = pd.DataFrame({"q": np.repeat([1, 5], 20), "age_band": ages * 2, "sex": "Male",
    ...                    "population": 20_000.0,
    ...                    "deaths": np.round(np.concatenate([m * 1.3, m]) * 20_000)})
    >>> out = gap_decomposition(df, compare="q", base=1, comparator=5)
    >>> round(float(out["contribution"].sum()), 2) == round(float(out["gap"].iloc[0]), 2)
    True
    """
    by_cols = as_list(by)
    check_columns(
        df,
        {
            "compare": compare,
            "by": by_cols,
            "age_band": age_band,
            "deaths": deaths,
            "population": population,
            "cause": as_list(cause),
        },
    )
    out = arriaga(
        df,
        deaths,
        population,
        compare=compare,
        base=base,
        comparator=comparator,
        by=by_cols,
        age_band=age_band,
        cause=cause,
    )
    totals = (
        df[df[compare].isin([base, comparator])]
        .groupby([*by_cols, compare], dropna=False)[deaths]
        .sum()
    )
    totals = totals.unstack(compare).reindex(columns=[base, comparator])
    totals.columns = ["deaths_base", "deaths_comparator"]
    if by_cols:
        out = out.merge(totals.reset_index(), on=by_cols, how="left")
    else:
        out["deaths_base"] = totals["deaths_base"].iloc[0]
        out["deaths_comparator"] = totals["deaths_comparator"].iloc[0]
    few = (out[["deaths_base", "deaths_comparator"]].min(axis=1) < min_deaths).to_numpy()
    out["note"] = np.where(
        few, f"fewer than {min_deaths} deaths in a population: too few to split the gap", None
    )
    if few.any():
        groups = out.loc[few, by_cols].drop_duplicates() if by_cols else pd.DataFrame()
        warnings.warn(
            f"gap_decomposition: {max(len(groups), 1)} group(s) have fewer than {min_deaths} "
            f"deaths in {base!r} or {comparator!r}; their decomposition is NaN: "
            f"{first_values(list(groups.itertuples(index=False, name=None))) if by_cols else ''}",
            UserWarning,
            stacklevel=2,
        )
        value_cols = ["contribution", "direct", "indirect", "interaction"]
        value_cols += ["le_base", "le_comparator", "gap"]
        out.loc[few, value_cols] = np.nan
    return out


def within_area_gap(
    df: pd.DataFrame, *, quintile: str = "imd_quintile", by=SEX, **kwargs
) -> pd.DataFrame:
    """The gap between the least and most deprived fifths of an area, by age and cause.

    Base is quintile 1 (most deprived), comparator the highest quintile present
    (5); see :func:`gap_decomposition` for the other arguments.

    Examples
    --------
    >>> ages = [0, 1, *range(5, 95, 5)]
    >>> m = 0.00005 * np.exp(0.085 * np.array(ages, dtype=float))
    >>> df = pd.DataFrame({"imd_quintile": np.repeat([1, 5], 20), "age_band": ages * 2,
    ...                    "sex": "Female", "population": 20_000.0,
    ...                    "deaths": np.round(np.concatenate([m * 1.3, m]) * 20_000)})
    >>> float(within_area_gap(df)["gap"].iloc[0]) > 0
    True
    """
    check_columns(df, {"quintile": quintile})
    top = int(pd.to_numeric(df[quintile]).max())
    return gap_decomposition(df, compare=quintile, base=1, comparator=top, by=by, **kwargs)


def england_gap(
    area: pd.DataFrame, england: pd.DataFrame, *, by=SEX, area_label="Area", **kwargs
) -> pd.DataFrame:
    """The gap between an area and England, by age and cause (England minus the area).

    ``area`` and ``england`` have the same columns (deaths and population by sex, age
    band and optionally cause). See :func:`gap_decomposition`.

    Examples
    --------
    >>> ages = [0, 1, *range(5, 95, 5)]
    >>> m = 0.00005 * np.exp(0.085 * np.array(ages, dtype=float))
    >>> eng = pd.DataFrame({"age_band": ages, "sex": "Male", "population": 2e6,
    ...                     "deaths": np.round(m * 2e6)})
    >>> area = eng.assign(population=2e4, deaths=np.round(m * 1.2 * 2e4))
    >>> float(england_gap(area, eng)["gap"].iloc[0]) > 0
    True
    """
    both = pd.concat(
        [area.assign(_population=area_label), england.assign(_population="England")],
        ignore_index=True,
    )
    out = gap_decomposition(
        both, compare="_population", base=area_label, comparator="England", by=by, **kwargs
    )
    return out


def le_sii(
    df: pd.DataFrame,
    *,
    decile: str = "imd_decile",
    by=SEX,
    age_band: str = "age_band",
    deaths: str = "deaths",
    population: str = "population",
    repetitions: int = 100_000,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Life expectancy at birth by deprivation decile and its slope index of inequality.

    The SII (:func:`jsna.stats.sii`, value type "other", limits from the 95% limits of
    life expectancy) is the gap in years between the least and the most deprived ends
    of the decile scale, the OHID / Marmot indicator. Decile 1 is the most deprived.

    Returns
    -------
    (DataFrame, DataFrame)
        Life expectancy at birth by ``by`` and decile (with ``population`` and
        ``deaths`` totals and limits), and the SII/RII rows by ``by``. A group with a
        decile whose life expectancy is NaN (too few people or deaths) gets a NaN SII
        with a warning, from :func:`jsna.stats.sii`.

    Examples
    --------
    >>> ages = [0, 1, *range(5, 95, 5)]
    >>> m = 0.00005 * np.exp(0.085 * np.array(ages, dtype=float))
    >>> df = pd.concat([pd.DataFrame({"imd_decile": d, "age_band": ages, "sex": "Male",
    ...     "population": 20_000.0, "deaths": np.round(m * (1.5 - d / 20) * 20_000)})
    ...     for d in range(1, 11)])
    >>> le, s = le_sii(df, repetitions=1000)
    >>> float(s.loc[s["statistic"] == "sii", "value"].iloc[0]) > 0
    True
    """
    by_cols = as_list(by)
    check_columns(
        df,
        {
            "decile": decile,
            "by": by_cols,
            "age_band": age_band,
            "deaths": deaths,
            "population": population,
        },
    )
    le = life_expectancy(
        df, deaths, population, by=[*by_cols, decile], age_band=age_band, confidence=0.95
    )
    starts = _starts(le[age_band])
    at_birth = le[starts == 0].drop(columns=[age_band]).reset_index(drop=True)
    totals = df.groupby([*by_cols, decile])[[deaths, population]].sum().reset_index()
    at_birth = at_birth.merge(totals, on=[*by_cols, decile], how="left")
    # a group is only comparable when its life table rows all came through
    out = sii(
        at_birth,
        VALUE,
        population,
        decile,
        by=by_cols or None,
        repetitions=repetitions,
        confidence=0.95,
    )
    return at_birth, out


def premature_mortality(
    df: pd.DataFrame,
    *,
    by=SEX,
    cause: str | None = None,
    age_band: str = "age_band",
    deaths: str = "deaths",
    population: str = "population",
) -> pd.DataFrame:
    """Premature (under 75) mortality: directly standardised rates and years of life lost.

    DSRs per 100,000 on the European Standard Population 2013 bands 0-4 ... 70-74
    (life table bands 0 and 1-4 are added together), with Dobson limits and the
    published rule (NaN, with a warning and ``value_note``, for fewer than 10 deaths).
    Years of life lost are ``sum(deaths * (75 - mid-age of the band))`` over the bands
    under 75 (mid-ages 0.5, 3, 7.5, ..., 72.5), with their crude rate per 100,000 people under 75.

    Parameters
    ----------
    df : DataFrame
        Deaths and population by ``by``, life table age band and optionally cause (the
        band's population on every cause row).

    Returns
    -------
    DataFrame
        One row per group (and cause): ``deaths`` and ``population`` under 75,
        ``value`` (DSR per 100,000) and its limits, ``value_note``,
        ``years_of_life_lost`` and ``yll_rate`` (per 100,000 under 75).

    Examples
    --------
    >>> ages = [0, 1, *range(5, 95, 5)]
    >>> df = pd.DataFrame({"age_band": ages, "sex": "Male", "population": 20_000.0,
    ...                    "deaths": 40.0})
    >>> out = premature_mortality(df)
    >>> float(out["deaths"].iloc[0]), float(out["years_of_life_lost"].iloc[0])
    (640.0, 25460.0)
    """
    by_cols = as_list(by)
    cause_cols = as_list(cause)
    check_columns(
        df,
        {
            "by": by_cols,
            "cause": cause_cols,
            "age_band": age_band,
            "deaths": deaths,
            "population": population,
        },
    )
    start = _starts(df[age_band])
    young = df.assign(_start=np.where(start == 1, 0, start))[start < PREMATURE_AGE]
    labels = {a: f"{a}-{a + 4}" for a in range(0, PREMATURE_AGE, 5)}
    keys = [*by_cols, *cause_cols, "_start"]
    # the population of the 0 and 1-4 rows of a cell are added; deaths likewise
    cells = young.groupby(keys, dropna=False)[[deaths, population]].sum().reset_index()
    cells["_band"] = cells["_start"].map(labels)
    standard = {b: w for b, w in ESP2013.items() if b in labels.values()}
    rates = dsr(
        cells,
        deaths,
        population,
        by=[*by_cols, *cause_cols] or None,
        age_band="_band",
        standard=standard,
        confidence=0.95,
    )
    young_start = start[start < PREMATURE_AGE]
    mid = young_start + np.select([young_start == 0, young_start == 1], [0.5, 2.0], 2.5)
    young = young.assign(_yll=young[deaths].to_numpy() * (PREMATURE_AGE - mid))
    yll = young.groupby([*by_cols, *cause_cols], dropna=False)["_yll"].sum()
    if by_cols or cause_cols:
        rates = rates.merge(
            yll.rename("years_of_life_lost").reset_index(), on=[*by_cols, *cause_cols]
        )
    else:
        rates["years_of_life_lost"] = float(yll.sum())
    rates["yll_rate"] = rates["years_of_life_lost"] / rates[population] * 100_000
    return rates
