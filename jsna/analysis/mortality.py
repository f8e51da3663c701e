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

from jsna.analysis.deprivation import attach_imd
from jsna.analysis.geography import hierarchy
from jsna.analysis.population import lsoa_population
from jsna.analysis.prevalence.bands import parse_age_band
from jsna.columns import AGE, POPULATION, SEX, VALUE, as_list, check_columns, code_column
from jsna.exceptions import DataValidationError, first_values
from jsna.meta import meta, note, with_meta
from jsna.stats.common import DEFAULT_CONFIDENCE
from jsna.stats.decomposition import arriaga
from jsna.stats.dsr import ESP2013, dsr
from jsna.stats.inequality import sii
from jsna.stats.life_expectancy import life_expectancy

__all__ = [
    "area_life_expectancy",
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
