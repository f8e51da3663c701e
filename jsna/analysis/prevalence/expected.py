"""Expected cases: modelled age/sex rates applied to a population's age/sex structure.

:func:`expected_counts` gives expected cases, the population counted and the
expected prevalence; :func:`sex_averaged` gives persons rates (the mean of the
male and female rates) for a persons-only population; :func:`min_age_of` is the
youngest age a QOF register counts.

Expected prevalence is measured on the register's own denominator: QOF registers
count patients of all ages (``TOTAL`` lists) or from an age (``17OV`` for
diabetes ...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from jsna.analysis.prevalence.bands import age_band_map, parse_age_band
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
from jsna.meta import copy_meta, note, with_meta
from jsna.reference.qof import LIST_TYPE, LIST_TYPE_MIN_AGE
from jsna.stats.common import group_index

__all__ = ["min_age_of", "sex_averaged", "expected_counts"]


def min_age_of(condition: str) -> int:
    """Youngest age a QOF register counts (its patient list type).

    Examples
    --------
    >>> min_age_of("HYP"), min_age_of("DM")
    (0, 17)
    """
    return LIST_TYPE_MIN_AGE[LIST_TYPE.get(str(condition).upper(), "TOTAL")]


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
            "sex_averaged needs male and female rates for every condition and band; "
            f"missing {missing or 'some'}"
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
    copy_meta(out, rates)
    return with_meta(
        out,
        note=(
            note(rates) + " Persons rates are the mean of the male and female "
            "rates (the population has no split by sex)."
        ).strip(),
    )


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
        condition's own list type (:data:`jsna.reference.qof.LIST_TYPE`).

    Returns
    -------
    DataFrame
        ``by`` columns, ``condition``, ``population`` (of the ages counted),
        ``population_modelled`` (of those, the ages the model's bands cover),
        ``expected`` and ``expected_pct`` (expected / population x 100).
        Metadata (:mod:`jsna.meta`): ``band_map`` is the age-to-band table
        per condition (a dict of columns ``age, age_band, in_model,
        counted``; pass it to ``pd.DataFrame``) and ``note`` says which ages
        fall outside the model.

    Raises
    ------
    DataValidationError
        The bands do not tile the population (:func:`age_band_map`); the
        population's sexes have no rates (use :func:`sex_averaged` for a
        persons-only population).

    Examples
    --------
    >>> pop = pd.DataFrame({"sex": "Persons", "age": [10, 20, 80],
    ...                     "population": [100.0, 100.0, 50.0]})
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
                f"rates for {condition} are missing for "
                f"{first_values((gone[SEX] + ' ' + gone['band']).tolist())}"
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
    # plain lists in the metadata (pandas compares it when frames are combined; frames break that)
    with_meta(
        result,
        band_map={c: {k: m[k].tolist() for k in m.columns} for c, m in maps.items()},
        note=" ".join(notes),
    )
    return result
