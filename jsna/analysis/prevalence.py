"""Prevalence gaps: recorded (QOF) against expected (modelled) prevalence.

The pieces, each a pure function over frames:

1. :func:`age_band_map` maps the population's ages onto the model's age
   bands and checks that the bands tile them (no gap, no overlap, no
   population band straddling two model bands, an open top band or one
   reaching the oldest age). Ages below the youngest band are outside the
   model (e.g. under 16 for the Health Survey for England) and are assumed to
   have no cases; the mapping table says so.
2. :func:`expected_counts` applies modelled age/sex rates to a population's
   (or a practice list's) age/sex structure: expected cases, the population
   counted, and the expected prevalence. :func:`sex_averaged` gives
   persons rates (the mean of the male and female rates) for a persons-only
   population.
3. :func:`apportion` shares practice registers and list sizes among LSOAs
   by each practice's registered patients by LSOA (NHS Digital), in whole
   numbers by the largest-remainder rule so that every practice's total is
   preserved exactly. Practices missing from the patients-by-LSOA file are
   kept (with no LSOA), reported in a warning and in ``attrs``.
4. :func:`diagnosis_ratio` gives, for any grouping: observed, expected,
   recorded and expected prevalence, the diagnosis ratio O/E with exact
   Poisson limits on O below 10 and Byar's from 10 (E fixed, as
   :func:`jsna.stats.crude_rate` does), the estimated number undiagnosed
   E - O with limits, and ranks.
5. :func:`practice_gaps` composes these for a pack with practice registers,
   patients by LSOA, population and model rates (practice, PCN, ward,
   authority and deprivation quintile); :func:`authority_gaps` for a pack
   with registers already summed to local authorities.

Expected prevalence is measured on the register's own denominator: QOF
registers count patients of all ages (``TOTAL`` lists) or from an age
(``17OV`` for diabetes ...); the expected prevalence of the resident
population of the same ages is applied to the registered list, so that O and
E share a denominator (registered lists run above resident populations).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from jsna.columns import (
    AGE,
    FEMALE,
    MALE,
    PERSONS,
    POPULATION,
    SEX,
    as_list,
    check_columns,
    numeric_column,
)
from jsna.exceptions import DataValidationError, first_values
from jsna.reference.qof import CONDITIONS, LIST_TYPE_MIN_AGE
from jsna.stats import intervals
from jsna.stats.common import (
    DEFAULT_CONFIDENCE,
    add_limits,
    ci_columns,
    confidence_levels,
    group_index,
    warn_degenerate,
)

__all__ = [
    "CONDITIONS",
    "QOF_LIST_TYPE",
    "DEMENTIA_AMBITION",
    "DEMENTIA_AMBITION_SOURCE",
    "parse_age_band",
    "age_band_map",
    "sex_averaged",
    "expected_counts",
    "apportion",
    "diagnosis_ratio",
    "diagnosis_gradient",
    "practice_gaps",
    "authority_gaps",
    "area_life_expectancy",
]

#: QOF patient list type of each register (2019/20 to 2022/23 rules).
QOF_LIST_TYPE = {
    "AST": "06OV",
    "RA": "16OV",
    "DM": "17OV",
    "CKD": "18OV",
    "DEP": "18OV",
    "EP": "18OV",
    "NDH": "18OV",
    "OB": "18OV",
    "OST": "50OV",
}

#: National ambition for the dementia diagnosis rate, percent.
DEMENTIA_AMBITION = 66.7
DEMENTIA_AMBITION_SOURCE = (
    'NHS England, 2024/25 priorities and operational planning guidance ("increasing the dementia '
    'diagnosis rate to 66.7%"), https://www.england.nhs.uk/wp-content/uploads/2024/03/'
    "PRN00715-2024-to-2025-priorities-and-operational-planning-guidance-27.03.2024.pdf; OHID Dementia "
    "surveillance: the aspiration that two-thirds of people estimated to have dementia have a formal "
    "diagnosis, measured for people aged 65 and over with CFAS II prevalence rates, "
    "https://fingertips.phe.org.uk/documents/Dementia_Surveillance_England.html"
)

#: Name of the column holding the diagnosis ratio and its limit prefix for the undiagnosed count.
UNDIAGNOSED = "undiagnosed"


def min_age_of(condition: str) -> int:
    """Youngest age a QOF register counts (its patient list type).

    Examples
    --------
    >>> min_age_of("HYP"), min_age_of("DM")
    (0, 17)
    """
    return LIST_TYPE_MIN_AGE[QOF_LIST_TYPE.get(str(condition).upper(), "TOTAL")]


# --------------------------------------------------------------------------- age bands

_BAND = re.compile(r"^\s*(\d+)\s*(?:(-|–|to)\s*(\d+)|(\+|and over|plus))?\s*$", re.IGNORECASE)


def parse_age_band(label) -> tuple[int, float]:
    """First and last age of a band label: ``"16-34"`` -> (16, 34); ``"75+"`` -> (75, inf).

    A single age (``40`` or ``"40"``) is the band (40, 40).

    Examples
    --------
    >>> parse_age_band("16-34"), parse_age_band("75+"), parse_age_band(3)
    ((16, 34.0), (75, inf), (3, 3.0))
    """
    match = _BAND.match(str(label))
    if not match:
        raise DataValidationError(
            f"age band {label!r} cannot be read; write bands like '16-34', '75+' or single ages"
        )
    low, _, high, plus = match.groups()
    low = int(low)
    if plus:
        return low, np.inf
    if high is None:
        return low, float(low)
    if int(high) < low:
        raise DataValidationError(f"age band {label!r} ends before it starts")
    return low, float(high)


def _bands(labels) -> pd.DataFrame:
    parsed = [parse_age_band(b) for b in labels]
    frame = pd.DataFrame(
        {"age_band": list(labels), "low": [p[0] for p in parsed], "high": [p[1] for p in parsed]}
    )
    return frame.sort_values("low", kind="stable").reset_index(drop=True)


def age_band_map(bands: Sequence, ages: Sequence, *, open_top: bool = True) -> pd.DataFrame:
    """Map population ages (or age bands) onto a model's age bands, checking that they tile.

    Parameters
    ----------
    bands : sequence of str
        The model's bands (``"16-34", ..., "75+"``).
    ages : sequence of int or str
        The population's single years of age (``0 ... 90``) or bands.
    open_top : bool, default True
        Whether the population's oldest age is open-ended (ONS: 90 means 90
        and over); it must then fall in an open model band.

    Returns
    -------
    pandas.DataFrame
        One row per population age: ``age``, ``age_band`` (the model band,
        NaN below the youngest band) and ``in_model``.

    Raises
    ------
    DataValidationError
        The model bands overlap or leave a gap; a population band straddles
        two model bands; ages above the oldest model band.

    Examples
    --------
    >>> m = age_band_map(["16-34", "35+"], range(0, 91))
    >>> m.loc[m["age"].isin([15, 16, 34, 35, 90]), ["age", "age_band"]].values.tolist()
    [[15, nan], [16, '16-34'], [34, '16-34'], [35, '35+'], [90, '35+']]
    """
    model = _bands(pd.unique(pd.Series(list(bands), dtype="object")))
    if model.empty:
        raise DataValidationError("the model has no age bands")
    gaps = model["low"].to_numpy()[1:] - model["high"].to_numpy()[:-1]
    if (gaps < 1).any():
        i = int(np.argmax(gaps < 1))
        raise DataValidationError(
            f"model age bands {model['age_band'][i]!r} and {model['age_band'][i + 1]!r} overlap; "
            "each age must be in one band"
        )
    if (gaps > 1).any():
        i = int(np.argmax(gaps > 1))
        raise DataValidationError(
            f"model age bands leave a gap between {model['age_band'][i]!r} and {model['age_band'][i + 1]!r}; "
            "the bands must tile the ages they cover (add the missing band)"
        )
    pop = _bands(pd.unique(pd.Series(list(ages), dtype="object")))
    if open_top and len(pop):
        pop.loc[pop.index[-1], "high"] = np.inf
    lows, highs = model["low"].to_numpy(), model["high"].to_numpy()
    first = np.searchsorted(lows, pop["low"].to_numpy(), side="right") - 1
    last = np.searchsorted(lows, np.minimum(pop["high"].to_numpy(), 1e9), side="right") - 1
    below = pop["high"].to_numpy() < lows[0]
    straddle = ~below & ((first != last) | (first < 0))
    if straddle.any():
        raise DataValidationError(
            f"population ages {first_values(pop.loc[straddle, 'age_band'].tolist())} straddle model bands "
            f"{list(model['age_band'])}; give the population in single years or in bands that nest in them"
        )
    beyond = ~below & (pop["high"].to_numpy() > highs[np.clip(first, 0, None)])
    if beyond.any():
        raise DataValidationError(
            f"population ages {first_values(pop.loc[beyond, 'age_band'].tolist())} are older than the oldest "
            f"model band {model['age_band'].iloc[-1]!r}; the model bands do not tile the population "
            "(give an open top band such as '75+')"
        )
    band = np.where(below, None, model["age_band"].to_numpy(dtype=object)[np.clip(first, 0, None)])
    return pd.DataFrame({"age": pop["age_band"].to_numpy(), "age_band": band, "in_model": ~below})


def sex_averaged(rates: pd.DataFrame) -> pd.DataFrame:
    """Persons rates as the unweighted mean of the male and female rates of each band.

    For a population published for persons only (no split by sex).

    Examples
    --------
    >>> r = pd.DataFrame({"condition": "HYP", "sex": ["Male", "Female"], "age_band": "75+",
    ...                   "rate": [0.66, 0.71]})
    >>> sex_averaged(r)[["sex", "rate"]].values.tolist()
    [['Persons', 0.685]]
    """
    check_columns(rates, {"rates": ["condition", SEX, "age_band", "rate"]})
    mf = rates[rates[SEX].isin([MALE, FEMALE])]
    wide = mf.pivot_table(
        index=["condition", "age_band"], columns=SEX, values="rate", aggfunc="first", sort=False
    )
    missing = [s for s in (MALE, FEMALE) if s not in wide.columns]
    if missing or wide.isna().any().any():
        raise DataValidationError(
            f"sex_averaged needs male and female rates for every condition and band; missing {missing or 'some'}"
        )
    out = wide.reset_index()
    out = pd.DataFrame(
        {
            "condition": out["condition"],
            SEX: PERSONS,
            "age_band": out["age_band"],
            "rate": (out[MALE] + out[FEMALE]) / 2,
        }
    )
    out.attrs.update(rates.attrs)
    out.attrs["note"] = (
        rates.attrs.get("note", "") + " Persons rates are the mean of the male and female "
        "rates (the population has no split by sex)."
    ).strip()
    return out


# --------------------------------------------------------------------------- expected


def expected_counts(
    population: pd.DataFrame,
    rates: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    min_age: int | Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Expected cases from age/sex rates applied to a population's age/sex structure.

    Parameters
    ----------
    population : DataFrame
        ``sex``, ``age`` (single years, the oldest open-ended as in ONS
        estimates, or bands) and ``population``, plus the ``by`` columns.
    rates : DataFrame
        ``condition, sex, age_band, rate`` (fractions), as read from the
        ``prevalence.model`` role.
    by : str or list of str, optional
        Groups of the population (``lsoa21_code`` ...).
    min_age : int or dict, optional
        Youngest age counted, for registers of a list type such as ``17OV``
        (diabetes): younger people are left out of both expected cases and
        population. A dict gives it by condition; by default each QOF
        condition's own list type (:data:`QOF_LIST_TYPE`).

    Returns
    -------
    DataFrame
        ``by`` columns, ``condition``, ``population`` (of the ages counted),
        ``population_modelled`` (of those, the ages the model's bands cover),
        ``expected`` and ``expected_pct`` (expected / population x 100).
        ``attrs["band_map"]`` is the age-to-band table per condition (a dict
        of columns ``age, age_band, in_model, counted``; pass it to
        ``pd.DataFrame``) and
        ``attrs["note"]`` says which ages fall outside the model.

    Raises
    ------
    DataValidationError
        The bands do not tile the population (:func:`age_band_map`); the
        population's sexes have no rates (use :func:`sex_averaged` for a
        persons-only population).

    Examples
    --------
    >>> pop = pd.DataFrame({"sex": "Persons", "age": [10, 20, 80], "population": [100.0, 100.0, 50.0]})
    >>> rates = pd.DataFrame({"condition": "HYP", "sex": "Persons", "age_band": ["16-64", "65+"],
    ...                       "rate": [0.1, 0.6]})
    >>> expected_counts(pop, rates)[["condition", "population", "expected", "expected_pct"]]
      condition  population  expected  expected_pct
    0       HYP       250.0      40.0          16.0
    """
    by = as_list(by)
    check_columns(population, {"population": [SEX, AGE, POPULATION], "by": by})
    check_columns(rates, {"rates": ["condition", SEX, "age_band", "rate"]})
    people = numeric_column(population, POPULATION, "population")
    if np.isnan(people).any() or (people < 0).any():
        raise DataValidationError("population column 'population' has missing or negative values")
    rate = numeric_column(rates, "rate", "rate")
    if np.isnan(rate).any() or (rate < 0).any() or (rate > 1).any():
        raise DataValidationError(
            "rates column 'rate' must be fractions between 0 and 1 (read them through the "
            "prevalence.model role, which converts percentages)"
        )
    ages = pd.unique(population[AGE])
    open_top = pd.api.types.is_integer_dtype(population[AGE])
    frames, maps, notes = [], {}, []
    codes, keys = group_index(population, by)
    pop_sexes = set(population[SEX].unique())
    for condition, crates in rates.groupby("condition", sort=False):
        rate_sexes = set(crates[SEX])
        missing = pop_sexes - rate_sexes
        if missing:
            hint = (
                " use jsna.analysis.prevalence.sex_averaged(rates) for a persons-only population"
                if missing == {PERSONS}
                else ""
            )
            raise DataValidationError(
                f"rates for {condition} have no {', '.join(sorted(missing))} rows (they have "
                f"{', '.join(sorted(rate_sexes))});{hint}"
            )
        band_map = age_band_map(crates["age_band"], ages, open_top=open_top)
        youngest = (
            min_age_of(condition)
            if min_age is None
            else (min_age.get(condition, 0) if isinstance(min_age, Mapping) else int(min_age))
        )
        low = np.array([parse_age_band(a)[0] for a in band_map["age"]])
        band_map["counted"] = low >= youngest
        maps[condition] = band_map
        lookup = crates.set_index([SEX, "age_band"])["rate"]
        row_band = population[AGE].map(
            dict(zip(band_map["age"], band_map["age_band"], strict=True))
        )
        counted = (
            population[AGE]
            .map(dict(zip(band_map["age"], band_map["counted"], strict=True)))
            .to_numpy(bool)
        )
        index = pd.MultiIndex.from_arrays([population[SEX], row_band])
        row_rate = lookup.reindex(index).to_numpy(dtype=float)
        in_model = row_band.notna().to_numpy()
        row_rate = np.where(in_model, row_rate, 0.0)
        if np.isnan(row_rate).any():
            gone = population.loc[np.isnan(row_rate), [SEX]].assign(
                band=row_band[np.isnan(row_rate)]
            )
            raise DataValidationError(
                f"rates for {condition} are missing for {first_values((gone[SEX] + ' ' + gone['band']).tolist())}"
            )
        weight = np.where(counted, people, 0.0)
        size = len(keys)
        out = keys.copy()
        out["condition"] = condition
        out[POPULATION] = np.bincount(codes, weight, minlength=size)
        out["population_modelled"] = np.bincount(
            codes, np.where(in_model, weight, 0.0), minlength=size
        )
        out["expected"] = np.bincount(codes, weight * row_rate, minlength=size)
        frames.append(out)
        outside = band_map.loc[band_map["counted"] & ~band_map["in_model"], "age"].tolist()
        if outside:
            notes.append(
                f"{condition}: ages {outside[0]}-{outside[-1]} are below the model's youngest band "
                f"and counted as having no cases."
            )
    result = pd.concat(frames, ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        result["expected_pct"] = 100 * result["expected"] / result[POPULATION]
    # plain lists in attrs (pandas compares attrs when frames are combined; frames there break that)
    result.attrs.update(
        band_map={c: {k: m[k].tolist() for k in m.columns} for c, m in maps.items()},
        note=" ".join(notes),
    )
    return result


# --------------------------------------------------------------------------- apportionment


def _largest_remainder(values: np.ndarray, shares: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Whole-number shares of each group's whole value, adding up to it exactly.

    ``values`` repeats the group's value on each of its rows; ``groups`` are
    group numbers 0..k-1. Each row gets the floor of its share and the rest
    of the group's value goes one each to the rows with the largest
    remainders (ties to the earlier row).
    """
    if len(groups) == 0:
        return np.zeros(0)
    raw = values * shares
    floor = np.floor(raw)
    size = int(groups.max()) + 1
    total = np.zeros(size)
    total[groups] = values
    left = np.rint(total - np.bincount(groups, floor, minlength=size)).astype(np.int64)
    order = np.lexsort((np.arange(len(groups)), -(raw - floor), groups))
    starts = np.r_[0, np.flatnonzero(np.diff(groups[order])) + 1]
    lengths = np.diff(np.r_[starts, len(groups)])
    position = np.empty(len(groups), dtype=np.int64)
    position[order] = np.arange(len(groups)) - np.repeat(starts, lengths)
    return floor + (position < left[groups])


def apportion(
    frame: pd.DataFrame,
    patients: pd.DataFrame,
    *,
    values: str | Sequence[str],
    by: str | Sequence[str] | None = None,
    weights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share practice counts among LSOAs by the practice's registered patients by LSOA.

    Parameters
    ----------
    frame : DataFrame
        One row per practice (and ``by`` group, e.g. condition) with
        ``practice_code`` and the ``values`` columns (registers, list sizes).
    patients : DataFrame
        ``practice_code``, an LSOA code column and ``patients`` (the
        ``gp.lsoa_patients`` role; rows by sex are summed).
    values : str or list of str
        Count columns to share. Whole numbers are shared in whole numbers by
        the largest-remainder rule, so each practice's total is preserved
        exactly; other values are shared in proportion.
    by : str or list of str, optional
        Extra key columns of ``frame`` kept in the result (``condition``).
    weights : DataFrame, optional
        The LSOA code column, any of the ``by`` columns and ``weight``: each
        practice's patients in an LSOA count ``weight`` times (e.g. the
        LSOA's expected prevalence, so that a register is shared in
        proportion to expected cases rather than headcount). Every LSOA of
        the patients file needs a weight; a practice whose weights are all 0
        is shared by headcount.

    Returns
    -------
    DataFrame
        ``practice_code``, the LSOA code column (missing for practices not in
        ``patients``), ``by`` columns, ``share`` and the shared values.
        ``attrs["unallocated_practices"]`` lists practices that were not in
        the patients-by-LSOA file; they keep their whole count with no LSOA.

    Warns
    -----
    UserWarning
        Practices missing from the patients-by-LSOA file (named).

    Examples
    --------
    >>> reg = pd.DataFrame({"practice_code": ["P1"], "register": [10]})
    >>> pat = pd.DataFrame({"practice_code": "P1", "lsoa21_code": ["A", "B", "C"],
    ...                     "patients": [100, 100, 100]})
    >>> apportion(reg, pat, values="register")[["lsoa21_code", "register"]].values.tolist()
    [['A', 4.0], ['B', 3.0], ['C', 3.0]]
    """
    values, by = as_list(values), as_list(by)
    check_columns(frame, {"frame": ["practice_code"], "values": values, "by": by})
    lsoa = [c for c in patients.columns if re.fullmatch(r"lsoa\d\d_code", str(c))]
    if len(lsoa) != 1:
        raise DataValidationError(
            f"patients needs one LSOA code column (lsoa21_code or lsoa11_code); it has {list(patients.columns)[:8]}"
        )
    lsoa = lsoa[0]
    check_columns(patients, {"patients": ["practice_code", "patients"]})
    counts = numeric_column(patients, "patients", "patients")
    if np.isnan(counts).any() or (counts < 0).any():
        raise DataValidationError("patients column 'patients' has missing or negative values")
    cells = (
        patients.assign(patients=counts)
        .groupby(["practice_code", lsoa], sort=True)["patients"]
        .sum()
        .reset_index()
    )
    totals = cells.groupby("practice_code")["patients"].transform("sum").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        cells["share"] = np.where(totals > 0, cells["patients"].to_numpy() / totals, np.nan)
    cells = cells[cells["share"] > 0].drop(columns="patients")
    numbers = {v: numeric_column(frame, v, v) for v in values}
    for v, x in numbers.items():
        if np.isnan(x).any() or (x < 0).any():
            raise DataValidationError(f"values column {v!r} has missing or negative values")
    missing = sorted(set(frame["practice_code"]) - set(cells["practice_code"]))
    if missing:
        warnings.warn(
            f"apportion: {len(missing)} practice(s) are not in the patients-by-LSOA file: "
            f"{first_values(missing)}; their counts are kept with no LSOA (not dropped)",
            UserWarning,
            stacklevel=2,
        )
    base = (
        frame[["practice_code", *by]]
        .assign(**{v: numbers[v] for v in values})
        .reset_index(drop=True)
    )
    base["_row"] = np.arange(len(base))
    merged = base.merge(cells, on="practice_code", how="left", sort=False)
    if weights is not None:
        keys = [lsoa, *[b for b in by if b in weights.columns]]
        check_columns(weights, {"weights": [*keys, "weight"]})
        merged = merged.merge(
            weights[[*keys, "weight"]], on=keys, how="left", validate="many_to_one"
        )
        gone = merged["weight"].isna() & merged[lsoa].notna()
        if gone.any():
            raise DataValidationError(
                f"weights have no value for LSOAs {first_values(merged.loc[gone, lsoa].tolist())}; "
                "give every LSOA of the patients file a weight"
            )
        weighted = merged["share"] * merged["weight"]
        total = weighted.groupby(merged["_row"]).transform("sum")
        merged["share"] = np.where(total > 0, weighted / total, merged["share"])
        merged = merged.drop(columns="weight")
    merged["share"] = merged["share"].fillna(1.0)
    merged = merged.sort_values(["_row", lsoa], kind="stable", na_position="last").reset_index(
        drop=True
    )
    row = merged["_row"].to_numpy()
    share = merged["share"].to_numpy()
    for v in values:
        x = merged[v].to_numpy(dtype=float)
        whole = np.all(np.isclose(numbers[v], np.round(numbers[v])))
        merged[v] = _largest_remainder(np.round(x), share, row) if whole else x * share
    out = merged[["practice_code", lsoa, *by, "share", *values]]
    out.attrs.update(frame.attrs)
    out.attrs["unallocated_practices"] = missing
    out.attrs["lsoa_column"] = lsoa
    return out


# --------------------------------------------------------------------------- the statistic


def diagnosis_ratio(
    df: pd.DataFrame,
    observed: str,
    expected: str,
    *,
    by: str | Sequence[str] | None = None,
    denominator: str | None = None,
    rank_by: str | Sequence[str] | None = None,
    confidence=DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Diagnosis ratio O/E, recorded and expected prevalence, and the estimated number undiagnosed.

    Parameters
    ----------
    df : DataFrame
        One row per area (or per part, summed with ``by``).
    observed, expected : str
        Columns of recorded cases (the register) and expected cases.
    by : str or list of str, optional
        Grouping columns; observed, expected and denominator are summed.
    denominator : str, optional
        Column of the register's list size; gives ``recorded_pct`` and
        ``expected_pct``.
    rank_by : str or list of str, optional
        Rank within groups of these output columns (e.g. ``condition``);
        by default over all rows.
    confidence : float or sequence, default (0.95, 0.998)

    Returns
    -------
    DataFrame
        ``by`` columns (or the input columns), ``observed``, ``expected``,
        ``denominator`` (renamed ``list_size``), ``recorded_pct``,
        ``expected_pct``, ``value`` (O/E), its limits (``lower_ci95`` ...),
        ``undiagnosed`` (E - O) with ``undiagnosed_lower_ci95`` ... (E minus
        the limits of O), ``rank`` (1 = the lowest diagnosis ratio) and
        ``rank_undiagnosed`` (1 = the most undiagnosed), ``statistic`` and
        ``method`` ("Exact" below 10 observed, "Byars" from 10).

    Notes
    -----
    E is treated as fixed (it comes from a model); the limits are those of a
    Poisson count O divided by E. A register of 0 gives a ratio of 0 with a
    real upper limit. An expected count of 0 gives NaN and a UserWarning.

    Examples
    --------
    >>> df = pd.DataFrame({"area": ["A", "B"], "o": [80, 5], "e": [100.0, 10.0]})
    >>> out = diagnosis_ratio(df, "o", "e", by="area", confidence=0.95)
    >>> out[["area", "value", "lower_ci95", "upper_ci95", "undiagnosed", "rank", "method"]].round(4)
      area  value  lower_ci95  upper_ci95  undiagnosed  rank method
    0    A    0.8      0.6343      0.9957         20.0     2  Byars
    1    B    0.5      0.1623      1.1668          5.0     1  Exact
    """
    levels = confidence_levels(confidence)
    by = as_list(by)
    check_columns(
        df,
        {
            "observed": observed,
            "expected": expected,
            "by": by,
            "denominator": [denominator] if denominator else [],
        },
    )
    columns = [observed, expected] + ([denominator] if denominator else [])
    arrays = {c: numeric_column(df, c, c) for c in columns}
    for c, x in arrays.items():
        if (x < 0).any():
            raise DataValidationError(
                f"column {c!r} must be zero or more; found {first_values(x[x < 0].tolist())}"
            )
    if by:
        codes, keys = group_index(df, by)
        size = len(keys)
        sums = {}
        for c, x in arrays.items():
            missing = np.bincount(codes, np.isnan(x), minlength=size) > 0
            sums[c] = np.where(
                missing, np.nan, np.bincount(codes, np.nan_to_num(x), minlength=size)
            )
        base = keys.copy()
    else:
        sums = arrays
        keys = df[[]].reset_index(drop=True)
        base = df.reset_index(drop=True).drop(columns=columns)
    o, e = sums[observed], sums[expected]
    zero = e == 0
    warn_degenerate("diagnosis_ratio", zero, "an expected count of 0", keys if by else None)
    e = np.where(zero, np.nan, e)
    out: dict[str, object] = {"observed": o, "expected": e}
    if denominator:
        n = np.where(sums[denominator] == 0, np.nan, sums[denominator])
        out["list_size"] = sums[denominator]
        with np.errstate(divide="ignore", invalid="ignore"):
            out["recorded_pct"] = 100 * o / n
            out["expected_pct"] = 100 * e / n
    out["value"] = o / e

    def limits(level):
        lower, upper = intervals.poisson(o, level)
        return lower / e, upper / e

    add_limits(out, limits, levels)
    out[UNDIAGNOSED] = e - o
    for level in levels:
        lower, upper = intervals.poisson(o, level)
        lo_name, hi_name = ci_columns(level)
        out[f"{UNDIAGNOSED}_{lo_name}"] = e - upper
        out[f"{UNDIAGNOSED}_{hi_name}"] = e - lower
    rank_by = as_list(rank_by)
    check_columns(base, {"rank_by": rank_by})
    ranks = pd.DataFrame({"value": out["value"], UNDIAGNOSED: out[UNDIAGNOSED]})
    if rank_by:
        ranks = ranks.groupby([base[c].to_numpy() for c in rank_by], sort=False, dropna=False)
    out["rank"] = ranks["value"].rank(method="min", ascending=True).astype("Int64").to_numpy()
    out["rank_undiagnosed"] = (
        ranks[UNDIAGNOSED].rank(method="min", ascending=False).astype("Int64").to_numpy()
    )
    out["statistic"] = "diagnosis ratio (observed / expected)"
    out["method"] = np.where(
        np.isnan(o), None, np.where(o < intervals.BYARS_MIN_COUNT, "Exact", "Byars")
    )
    result = base.assign(**out)
    result.attrs.update(df.attrs)
    return result


def _poisson_identity_fit(observed: np.ndarray, design: np.ndarray, start: np.ndarray):
    """Maximum likelihood for O ~ Poisson(X b) (identity link) by Newton steps with step halving.

    Returns ``(b, covariance)`` from the observed information, or NaNs when it does not converge.
    """

    def loglik(b):
        mu = design @ b
        return -np.inf if (mu <= 0).any() else float((observed * np.log(mu) - mu).sum())

    b = start.astype(float)
    current = loglik(b)
    for _ in range(100):
        mu = design @ b
        score = design.T @ (observed / mu - 1)
        info = (design.T * (observed / mu**2)) @ design
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            break
        size = 1.0
        while size > 1e-8 and loglik(b + size * step) < current:
            size /= 2
        b = b + size * step
        new = loglik(b)
        if abs(new - current) < 1e-10 * (1 + abs(current)):
            current = new
            break
        current = new
    mu = design @ b
    info = (design.T * (observed / mu**2)) @ design
    try:
        return b, np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return np.full_like(b, np.nan), np.full((len(b), len(b)), np.nan)


def diagnosis_gradient(
    cells: pd.DataFrame,
    *,
    quintile: str = "imd_quintile",
    by: str | Sequence[str] | None = "condition",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Diagnosis ratio by deprivation quintile of residence, modelled from practice registers.

    Registers are counted per practice, so sharing them among LSOAs can
    only show differences between practices: within a practice, every LSOA
    gets the practice's own ratio. This function separates where patients
    live: each practice's register is modelled as Poisson with mean
    ``sum over its LSOAs of E x (a + b x (quintile - 3))``, a diagnosis ratio
    that changes linearly across national IMD quintiles (an ecological
    Poisson regression, identity link, fitted by maximum likelihood). The
    result gives the ratio in each quintile, ``a + b x (q - 3)``, and the
    gap between the least and most deprived quintiles, ``4 b``, with Wald
    limits from the observed information.

    Parameters
    ----------
    cells : DataFrame
        Practice x LSOA cells (``practice_code``, ``register``,
        ``expected``, ``quintile`` and the ``by`` columns), as in
        ``practice_gaps(...)["cells"]``. Cells with no quintile (patients
        living outside the authority) count at the average quintile.
    quintile : str, default "imd_quintile"
        Column of quintiles 1 (most deprived) to 5.
    by : str or list of str, default "condition"
        One model per group.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``by`` columns, ``imd_quintile`` (1-5, and ``"5 minus 1"`` for the
        gap), ``value`` (the modelled ratio, or for the gap the difference),
        the limits, ``practices`` (number in the model), ``statistic`` and
        ``method``. Fewer than 3 practices give NaN and a UserWarning.

    Examples
    --------
    >>> cells = pd.DataFrame({
    ...     "practice_code": ["P1", "P1", "P2", "P2", "P3", "P3"],
    ...     "imd_quintile": [1, 5, 1, 5, 1, 5],
    ...     "expected": [100.0, 0.0, 50.0, 50.0, 0.0, 100.0],
    ...     "register": [60, 0, 35, 35, 80, 0]})
    >>> out = diagnosis_gradient(cells, by=None)
    >>> out["value"].round(3).tolist()
    [0.6, 0.65, 0.7, 0.75, 0.8, 0.2]
    """
    by = as_list(by)
    check_columns(
        cells, {"cells": ["practice_code", "register", "expected"], "quintile": quintile, "by": by}
    )
    lo_name, hi_name = ci_columns(confidence)
    z = intervals.z_value(confidence)
    data = cells[cells["practice_code"].notna()]
    q = pd.to_numeric(data[quintile], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isnan(q) & ~np.isin(q, [1, 2, 3, 4, 5])
    if bad.any():
        raise DataValidationError(
            f"quintile column {quintile!r} has values outside 1-5: {first_values(q[bad].tolist())}"
        )
    frame = data.assign(
        _e=numeric_column(data, "expected", "expected"),
        _x=numeric_column(data, "expected", "expected") * np.nan_to_num(q - 3.0),
        _o=numeric_column(data, "register", "register"),
    )
    practice = (
        frame.groupby([*by, "practice_code"], sort=False, dropna=False)[["_o", "_e", "_x"]]
        .sum()
        .reset_index()
    )
    rows = []
    groups = practice.groupby(by, sort=False, dropna=False) if by else [((), practice)]
    too_few = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        part = part[part["_e"] > 0]
        o = part["_o"].to_numpy()
        design = np.column_stack([part["_e"].to_numpy(), part["_x"].to_numpy()])
        if len(part) < 3:
            b, cov = np.full(2, np.nan), np.full((2, 2), np.nan)
            too_few.append(", ".join(map(str, key)) or "all")
        else:
            b, cov = _poisson_identity_fit(o, design, np.array([o.sum() / design[:, 0].sum(), 0.0]))
        contrasts = [(str(k), np.array([1.0, k - 3.0])) for k in range(1, 6)] + [
            ("5 minus 1", np.array([0.0, 4.0]))
        ]
        for label, c in contrasts:
            value = float(c @ b)
            se = float(np.sqrt(c @ cov @ c))
            rows.append((*key, label, value, value - z * se, value + z * se, len(part)))
    if too_few:
        warnings.warn(
            f"diagnosis_gradient: fewer than 3 practices for {first_values(too_few)}; values are NaN",
            UserWarning,
            stacklevel=2,
        )
    out = pd.DataFrame(rows, columns=[*by, quintile, "value", lo_name, hi_name, "practices"])
    out["statistic"] = np.where(
        out[quintile] == "5 minus 1",
        "difference in diagnosis ratio, least minus most deprived",
        "diagnosis ratio (observed / expected), modelled",
    )
    out["method"] = (
        "Poisson regression of practice registers on expected cases by IMD quintile of residence "
        "(identity link, linear trend); Wald limits"
    )
    return out


# --------------------------------------------------------------------------- composed for a pack


def _model_rates(
    pack, condition_list: Sequence[str] | None, select: Mapping | None
) -> pd.DataFrame:
    """Modelled rates from the pack (every ``prevalence.model`` entry of kind "rates", first wins)."""
    if select:
        frames = [pack.read("prevalence.model", **select)]
    else:
        frames = []
        for entry in pack.entries_for("prevalence.model"):
            chooser = {k: entry.get(k) for k in ("path",)}
            frames.append(pack.read("prevalence.model", **chooser))
    frames = [f for f in frames if f.attrs.get("kind") == "rates"]
    if not frames:
        raise DataValidationError(
            f"data pack {pack.name!r} has no age/sex modelled rates (role prevalence.model); "
            "add a rates file (condition, sex, age_band, rate_percent) or an HSE table"
        )
    seen: set[str] = set()
    kept, notes = [], []
    for frame in frames:
        fresh = frame[~frame["condition"].isin(seen)]
        if fresh.empty:
            continue
        seen |= set(fresh["condition"])
        kept.append(fresh)
        notes.append(frame.attrs.get("note", ""))
    rates = pd.concat(kept, ignore_index=True)
    if condition_list is not None:
        unknown = sorted(set(condition_list) - set(rates["condition"]))
        if unknown:
            raise DataValidationError(
                f"no modelled rates for {first_values(unknown)}; the pack models "
                f"{', '.join(sorted(rates['condition'].unique()))}"
            )
        rates = rates[rates["condition"].isin(list(condition_list))].reset_index(drop=True)
    rates.attrs.update(
        note=" ".join(n for n in notes if n), sources=[f.attrs.get("source") for f in kept]
    )
    return rates


def _population_rates(pop: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    if set(pop[SEX].unique()) == {PERSONS} and PERSONS not in set(rates[SEX]):
        return sex_averaged(rates)
    return rates


def authority_gaps(
    pack,
    condition: str = "HYP",
    *,
    areas: Sequence[str] | None = None,
    confidence=DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Diagnosis gap of each local authority from registers summed to authorities.

    Uses the pack's ``prevalence.recorded`` file at ``level = "lad"`` (e.g.
    QOF registers apportioned to authorities), the modelled age/sex rates and
    the resident population (:func:`jsna.analysis.population.lsoa_population`). The
    expected prevalence of the resident population of the register's ages is
    applied to the registered list: ``expected = expected_pct / 100 x
    list_size``.

    Parameters
    ----------
    pack : DataPack
    condition : str, default "HYP"
        QOF group code.
    areas : list of str, optional
        Authority codes; by default the pack's areas.
    confidence : float or sequence, default (0.95, 0.998)

    Returns
    -------
    DataFrame
        One row per authority: ``area_code, area_name, condition,
        population`` (resident, of the register's ages), ``expected_pct`` and
        the columns of :func:`diagnosis_ratio` (``observed`` is the register).
        ``attrs`` hold ``note`` (periods, population and model caveats) and
        ``band_map``.

    Examples
    --------
    >>> from jsna.io.datapack import DataPack
    >>> pack = DataPack.open("../shared/data")  # doctest: +SKIP
    >>> authority_gaps(pack, "HYP")[["area_code", "value", "undiagnosed"]]  # doctest: +SKIP
    """
    from jsna.analysis.population import lsoa_population

    condition = str(condition).upper()
    recorded = pack.read("prevalence.recorded", level="lad")
    areas = list(areas) if areas is not None else list(pack.areas)
    if not areas:
        raise DataValidationError("authority_gaps needs areas=[...] (the pack lists no areas)")
    rates = _model_rates(pack, [condition], None)
    frames = []
    for area in areas:
        pop = lsoa_population(pack, area)
        frames.append(pop.assign(area_code=area))
    pop = pd.concat(frames, ignore_index=True)
    pop_note = (
        "Population estimates on 2011 LSOAs were moved to 2021 LSOAs with the ONS lookup "
        "(split LSOAs shared equally)."
        if any("2011 LSOAs" in f.attrs.get("note", "") for f in frames)
        else ""
    )
    period = frames[0].attrs.get("period", "")
    persons_only = set(pop[SEX].unique()) == {PERSONS}
    rates = _population_rates(pop, rates)
    expected = expected_counts(pop, rates, by="area_code")
    rows = recorded[recorded["condition"] == condition].set_index("lad_code")
    missing = [a for a in areas if a not in rows.index]
    if missing:
        raise DataValidationError(
            f"{recorded.attrs.get('source')}: no {condition} register for {first_values(missing)}; "
            "check the authorities' codes against the file's vintage"
        )
    frame = expected.assign(
        area_name=rows.loc[expected["area_code"], "lad_name"].to_numpy(),
        register=rows.loc[expected["area_code"], "register"].to_numpy(),
        list_size=rows.loc[expected["area_code"], "list_size"].to_numpy(),
    )
    frame["expected"] = frame["expected_pct"] / 100 * frame["list_size"]
    frame = frame.rename(columns={POPULATION: "resident_population"})
    keep = [
        "area_code",
        "area_name",
        "condition",
        "resident_population",
        "register",
        "expected",
        "list_size",
    ]
    out = diagnosis_ratio(
        frame[keep], "register", "expected", denominator="list_size", confidence=confidence
    )
    youngest = min_age_of(condition)
    ages = "all ages" if youngest == 0 else f"aged {youngest}+"
    model_bands = sorted(rates["age_band"].unique(), key=lambda b: parse_age_band(b)[0])
    notes = [
        f"{CONDITIONS.get(condition, condition)}: registers from {recorded.attrs.get('source')} "
        f"({recorded.attrs.get('period') or 'period not stated'}); expected prevalence from "
        f"{rates.attrs.get('note', '').strip()}",
        f"Model age bands {', '.join(model_bands)} applied to the resident population "
        f"({period}; {ages}); {expected.attrs.get('note', '')}",
        "The resident population's expected prevalence is applied to the registered list size so that "
        "observed and expected share a denominator.",
        pop_note,
    ]
    if persons_only:
        notes.append(
            "The population is for persons only, so the mean of the male and female rates is used."
        )
    out.attrs.update(
        note=" ".join(n for n in notes if n),
        band_map=expected.attrs["band_map"],
        register_period=recorded.attrs.get("period", ""),
        population_period=period,
        persons_only=persons_only,
    )
    return out


def _area_practices(
    recorded: pd.DataFrame, patients: pd.DataFrame, lookup: pd.DataFrame, lsoa: str
) -> list[str]:
    """Practices of the area: in its sub-ICB locations, else with most of their patients living in it."""
    sicbl = [c for c in lookup.columns if re.fullmatch(r"sicbl\d\d_code", str(c))]
    if "sicbl_code" in recorded.columns and sicbl and recorded["sicbl_code"].notna().any():
        mine = recorded["sicbl_code"].isin(lookup[sicbl[0]].dropna().unique())
        if mine.any():
            return sorted(recorded.loc[mine, "practice_code"].unique().tolist())
    counts = (
        patients.groupby(["practice_code", patients[lsoa].isin(lookup[lsoa])])["patients"]
        .sum()
        .unstack(fill_value=0.0)
    )
    inside = counts.get(True, pd.Series(0.0, index=counts.index))
    share = inside / counts.sum(axis=1)
    return sorted(share[share >= 0.5].index.tolist())


def practice_gaps(
    pack,
    area: str,
    conditions: Sequence[str] | None = None,
    *,
    imd_edition: str | None = None,
    confidence=DEFAULT_CONFIDENCE,
) -> dict[str, pd.DataFrame]:
    """Diagnosis gaps by practice, PCN, ward, authority and deprivation quintile.

    Needs the pack's practice-level ``prevalence.recorded`` (with the NHS
    geographies mapping for PCNs), ``gp.lsoa_patients``, the population and
    modelled age/sex rates.

    Method: each practice's register and list size (whole numbers) are
    shared among the LSOAs its patients live in (:func:`apportion`). The
    expected prevalence of each LSOA's residents of the register's ages
    (:func:`expected_counts`) times the list size shared to that LSOA gives
    the expected cases of each practice-LSOA cell, so a practice's expected
    cases reflect where (and so at what age/sex structure) its patients live.
    Cells are summed to practices, PCNs, wards (best-fit lookup), the
    authority and national IMD quintiles of the LSOAs, and
    :func:`diagnosis_ratio` is applied. Patients living outside the
    authority (or with no LSOA) get the authority's expected prevalence.

    Parameters
    ----------
    pack : DataPack
    area : str
        Local authority code.
    conditions : list of str, optional
        QOF group codes; by default every condition with both a register and
        modelled rates.
    imd_edition : str, optional
        IoD edition for the quintiles (the most recent by default; it must
        be on the patients file's LSOA vintage).
    confidence : float or sequence, default (0.95, 0.998)

    Returns
    -------
    dict of DataFrame
        ``"practice"``, ``"pcn"``, ``"ward"`` (``ward_code, ward_name``),
        ``"area"``, ``"quintile"`` (``imd_quintile`` 1 = most deprived), each
        with the columns of :func:`diagnosis_ratio` and ranks within each
        condition; ``"gradient"`` (:func:`diagnosis_gradient`: the ratio by
        quintile of residence separated from the practice a patient is
        registered with); ``"cells"`` (practice x LSOA). Every frame's
        ``attrs["note"]`` states the method and anything left unallocated;
        ``attrs["unallocated_practices"]`` lists practices missing from the
        patients-by-LSOA file (kept in the practice, PCN and authority rows,
        not in wards or quintiles).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> gaps = practice_gaps(pack, DEMO_AREA_CODE, ["HYP"])
    >>> sorted(gaps)
    ['area', 'cells', 'gradient', 'pcn', 'practice', 'quintile', 'ward']
    """
    from jsna.analysis.deprivation import attach_imd
    from jsna.analysis.geography import hierarchy
    from jsna.analysis.population import lsoa_population
    from jsna.columns import code_column

    recorded = pack.read("prevalence.recorded", level="practice")
    patients = pack.read("gp.lsoa_patients")
    lsoa = [c for c in patients.columns if re.fullmatch(r"lsoa\d\d_code", c)][0]
    lookup = hierarchy(pack, area)
    if lsoa not in lookup.columns:
        from jsna.exceptions import GeographyError

        raise GeographyError(
            f"the patients-by-LSOA file is on {lsoa.split('_')[0].upper()} but the LSOA-ward lookup is on "
            f"{[c for c in lookup.columns if c.startswith('lsoa')][0].split('_')[0].upper()}; "
            "use the file of the lookup's LSOA vintage"
        )
    pop = lsoa_population(pack, area)
    model = _model_rates(pack, None, None)
    if conditions is None:
        order = [
            c
            for c in CONDITIONS
            if c in set(model["condition"]) and c in set(recorded["condition"])
        ]
        conditions = order
    conditions = [str(c).upper() for c in conditions]
    rates = _population_rates(pop, _model_rates(pack, conditions, None))
    expected = expected_counts(pop, rates, by=lsoa)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected["_e"] = expected["expected"] / expected[POPULATION]
    area_e = expected.groupby("condition")[["expected", POPULATION]].sum()
    area_e = area_e["expected"] / area_e[POPULATION]

    mine = _area_practices(recorded, patients, lookup, lsoa)
    serving = patients.loc[patients[lsoa].isin(lookup[lsoa]), "practice_code"].unique().tolist()
    chosen = recorded[
        recorded["practice_code"].isin(set(mine) | set(serving))
        & recorded["condition"].isin(conditions)
    ]
    cells = apportion(chosen, patients, values="list_size", by="condition")
    unallocated = [p for p in cells.attrs["unallocated_practices"] if p in set(mine)]
    places = pd.MultiIndex.from_product(
        [patients[lsoa].unique(), conditions], names=[lsoa, "condition"]
    )
    e_table = expected.set_index([lsoa, "condition"])["_e"].reindex(places)
    fallback = e_table.isna().to_numpy()
    weight = np.where(
        fallback,
        places.get_level_values("condition").map(area_e).to_numpy(dtype=float),
        e_table.to_numpy(dtype=float),
    )
    weights = pd.DataFrame(
        {
            lsoa: places.get_level_values(0),
            "condition": places.get_level_values(1),
            "weight": weight,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", UserWarning
        )  # the missing practices were reported just above
        registers = apportion(chosen, patients, values="register", by="condition", weights=weights)
    cells["register"] = registers["register"].to_numpy()
    key = pd.MultiIndex.from_arrays([cells[lsoa], cells["condition"]])
    e = weights.set_index([lsoa, "condition"])["weight"].reindex(key).to_numpy(dtype=float)
    e = np.where(np.isnan(e), cells["condition"].map(area_e).to_numpy(dtype=float), e)
    cells["expected"] = cells["list_size"].to_numpy() * e
    cells["in_area"] = cells[lsoa].isin(lookup[lsoa]).to_numpy()

    notes = [
        "List sizes were shared among LSOAs by each practice's registered patients by LSOA "
        f"({patients.attrs.get('extract_date') or 'date not stated'}), in whole numbers (largest remainder).",
        "Expected cases: each LSOA's expected prevalence (modelled age/sex rates applied to its residents "
        "of the register's ages) times the list size shared to it.",
        "Registers were shared in proportion to each practice's expected cases in each LSOA (whole numbers), "
        "that is, assuming a practice diagnoses equally well wherever its patients live; sharing by headcount "
        "would credit young, deprived LSOAs with the cases of older ones.",
        rates.attrs.get("note", ""),
        expected.attrs.get("note", ""),
        pop.attrs.get("note", ""),
    ]
    outside = cells.loc[~cells[lsoa].isin(expected[lsoa]) & cells[lsoa].notna(), "list_size"].sum()
    if outside > 0:
        notes.append(
            f"{outside:,.0f} list places of patients living outside the authority (or with no "
            "LSOA) were given the authority's expected prevalence."
        )
    if unallocated:
        held = chosen.loc[chosen["practice_code"].isin(unallocated), "practice_code"].nunique()
        notes.append(
            f"{held} practice(s) are missing from the patients-by-LSOA file ({first_values(unallocated)}): "
            "they are in the practice, PCN and authority figures but not in wards or quintiles."
        )
    note = " ".join(n for n in notes if n)

    def finish(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        out = diagnosis_ratio(
            frame,
            "register",
            "expected",
            by=by,
            denominator="list_size",
            rank_by="condition",
            confidence=confidence,
        )
        out = out.sort_values(
            ["condition", *[b for b in by if b != "condition"]],
            kind="stable",
            key=lambda s: (
                s.map({c: i for i, c in enumerate(conditions)}) if s.name == "condition" else s
            ),
        )
        out = out.reset_index(drop=True)
        out.attrs.update(note=note, unallocated_practices=unallocated)
        return out

    info = recorded.drop_duplicates("practice_code").set_index("practice_code")
    extra = [c for c in ("practice_name", "pcn_code", "pcn_name") if c in info.columns]
    practice_cells = cells[cells["practice_code"].isin(mine)].copy()
    for c in extra:
        practice_cells[c] = practice_cells["practice_code"].map(info[c])
    practice = finish(practice_cells, ["condition", "practice_code", *extra])
    pcn_keys = [c for c in ("pcn_code", "pcn_name") if c in extra]
    pcn = finish(practice_cells, ["condition", *pcn_keys]) if pcn_keys else practice.iloc[0:0]

    ward_col = code_column(lookup, "wd")
    local = cells[cells["in_area"]].merge(
        lookup[[lsoa, ward_col, ward_col.replace("_code", "_name")]], on=lsoa, how="left"
    )
    local = local.rename(
        columns={ward_col: "ward_code", ward_col.replace("_code", "_name"): "ward_name"}
    )
    ward = finish(local, ["condition", "ward_code", "ward_name"])

    in_authority = pd.concat(
        [cells[cells["in_area"]], cells[cells["practice_code"].isin(unallocated)]],
        ignore_index=True,
    )
    whole = finish(in_authority.assign(area_code=area), ["condition", "area_code"])

    imd = pack.read("imd", edition=imd_edition)
    with_imd = attach_imd(local, imd)
    quintile = finish(with_imd.dropna(subset=["imd_quintile"]), ["condition", "imd_quintile"])
    quintile["imd_quintile"] = quintile["imd_quintile"].astype(int)
    quintile.attrs["imd_edition"] = imd.attrs.get("edition", "")
    quintiles = with_imd.drop_duplicates(lsoa).set_index(lsoa)["imd_quintile"]
    cells["imd_quintile"] = cells[lsoa].map(quintiles).astype("Int64")
    gradient = diagnosis_gradient(cells, by="condition", confidence=0.95)
    gradient.attrs.update(note=note, imd_edition=imd.attrs.get("edition", ""))
    cells.attrs.update(note=note, unallocated_practices=unallocated)
    return {
        "practice": practice,
        "pcn": pcn,
        "ward": ward,
        "area": whole,
        "quintile": quintile,
        "gradient": gradient,
        "cells": cells,
    }


# --------------------------------------------------------------------------- Age Well: life expectancy

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
        limits. For deciles, ``attrs["gap"]`` (a list of records, one per
        sex) gives the most and least deprived deciles present and the gap in
        years between them.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> le = area_life_expectancy(pack, DEMO_AREA_CODE, by="imd_decile")
    >>> all(row["gap_years"] > 0 for row in le.attrs["gap"])
    True
    """
    from jsna.analysis.deprivation import attach_imd
    from jsna.analysis.geography import hierarchy
    from jsna.analysis.population import lsoa_population
    from jsna.columns import code_column
    from jsna.stats.life_expectancy import life_expectancy

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
            f"(e.g. {first_values(table.loc[missing, SEX].tolist())}); check the files' sexes and age bands"
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
    note = (
        f"Deaths {periods[0] if len(periods) else ''} ({years} years) with person-years taken as the "
        f"population ({pop.attrs.get('period', '')}) times {years}. {pop.attrs.get('note', '')}"
    ).strip()
    out.attrs["note"] = note
    if by == "imd_decile":
        valid = out.dropna(subset=["value"])
        first = valid.loc[valid.groupby(SEX)["group"].idxmin()].set_index(SEX)
        last = valid.loc[valid.groupby(SEX)["group"].idxmax()].set_index(SEX)
        gap = pd.DataFrame(
            {
                "most_deprived_decile": first["group"].astype(int),
                "least_deprived_decile": last["group"].astype(int),
                "most_deprived_le": first["value"],
                "least_deprived_le": last["value"],
                "gap_years": last["value"] - first["value"],
            }
        ).reset_index()
        out.attrs["gap"] = gap.to_dict("records")
    return out
