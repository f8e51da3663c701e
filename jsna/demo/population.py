"""Demo population: residents by LSOA, sex and single year of age (ONS SAPE layout).

About 1,500 residents per LSOA, younger where more deprived. The file has the
layout of the ONS single-year-of-age LSOA tables ("sapelsoasyoa", sheets
"Mid-20xx LSOA 2021"): ``LAD 2021 Code, LAD 2021 Name, LSOA 2021 Code,
LSOA 2021 Name, Total, F0 ... F90, M0 ... M90`` (one CSV). A public script
reading the mid-2024 sheet saved as CSV shows ``LAD 2023 Code, LAD 2023 Name,
LSOA 2021 Code, LSOA 2021 Name, Total, F0...`` (the LAD vintage follows the
release), and ONS totals may carry thousands separators there; the demo writes
plain integers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.deprivation import Deprivation
from jsna.demo.geography import Geography
from jsna.demo.place import DEMO_AREA_CODE, DEMO_AREA_NAME, MAX_AGE, N_LSOA

__all__ = ["age_weights", "simulate_population", "population_file", "population_growth"]


def age_weights(dep, female: bool) -> np.ndarray:
    """Relative population by single year of age (0..90+) for deprivation ``dep`` in [-1, 1].

    Parameters
    ----------
    dep : float or array-like
        Deprivation centred on 0: -1 least deprived, 1 most deprived (younger).
    female : bool
        Women (True) or men (False, fewer at older ages).

    Returns
    -------
    numpy.ndarray
        Shape (len(dep), 91): unnormalised weights by age, 90+ last.

    Examples
    --------
    >>> w = age_weights([-1.0, 1.0], female=True)
    >>> w.shape, bool(w[1, 5] / w[1].sum() > w[0, 5] / w[0].sum())
    ((2, 91), True)
    """
    dep = np.atleast_1d(np.asarray(dep, dtype=float))[:, None]
    age = np.arange(MAX_AGE + 1, dtype=float)
    base = np.where(
        age < 60, 1.0 + 0.08 * np.exp(-(((age - 57) / 6) ** 2)), np.exp(-0.0017 * (age - 59) ** 2)
    )
    if not female:
        base = base * np.where(age >= 60, np.exp(-0.011 * (age - 60)), 1.0)
    tail = np.exp(-0.0017 * (np.arange(90, 111) - 59) ** 2).sum() * (1.0 if female else 0.6)
    base[MAX_AGE] = tail
    tilt = np.exp(0.45 * dep * (40 - np.minimum(age, 90)) / 40)
    return base * tilt


def simulate_population(rng: np.random.Generator, dep: Deprivation) -> np.ndarray:
    """Residents by LSOA, sex (0 female, 1 male) and single year of age.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator to draw from.
    dep : Deprivation
        The LSOAs' deprivation (:func:`jsna.demo.deprivation.simulate_deprivation`).

    Returns
    -------
    numpy.ndarray
        Counts of shape (n_lsoa, 2, 91).

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> pop = simulate_population(np.random.default_rng(1), SimpleNamespace(u=np.full(150, 0.5)))
    >>> pop.shape, bool(1_200 < pop.sum() / 150 < 1_800)
    ((150, 2, 91), True)
    """
    centred = 2 * dep.u - 1
    total = np.round(1_500 * np.exp(0.13 * rng.standard_normal(N_LSOA)) * (1 + 0.08 * centred))
    weights = np.concatenate([age_weights(centred, True), age_weights(centred, False)], axis=1)
    weights[:, 91:] *= 0.97  # slightly fewer males
    weights /= weights.sum(axis=1, keepdims=True)
    counts = rng.multinomial(total.astype(int), weights)
    return counts.reshape(N_LSOA, 2, MAX_AGE + 1)


def population_file(geo: Geography, pop: np.ndarray) -> pd.DataFrame:
    """The population in the ONS SAPE single-year-of-age layout, one row per LSOA.

    Parameters
    ----------
    geo : Geography
        The LSOAs' codes and names.
    pop : numpy.ndarray
        Residents of shape (n_lsoa, 2, 91) (:func:`simulate_population`).

    Returns
    -------
    pandas.DataFrame
        ``LAD 2021 Code, LAD 2021 Name, LSOA 2021 Code, LSOA 2021 Name, Total,
        F0 ... F90, M0 ... M90``.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> geo = SimpleNamespace(lsoa_code=np.arange(150), lsoa_name=np.arange(150))
    >>> frame = population_file(geo, np.ones((150, 2, 91), dtype=int))
    >>> frame.shape, int(frame["Total"].iloc[0])
    ((150, 187), 182)
    """
    frame = pd.DataFrame(
        {
            "LAD 2021 Code": DEMO_AREA_CODE,
            "LAD 2021 Name": DEMO_AREA_NAME,
            "LSOA 2021 Code": geo.lsoa_code,
            "LSOA 2021 Name": geo.lsoa_name,
            "Total": pop.sum(axis=(1, 2)),
        }
    )
    ages = pd.DataFrame(
        pop.reshape(N_LSOA, -1),
        columns=[f"F{a}" for a in range(MAX_AGE + 1)] + [f"M{a}" for a in range(MAX_AGE + 1)],
    )
    return pd.concat([frame, ages], axis=1)


def population_growth(year) -> np.ndarray:
    """The population in ``year`` relative to mid-2022 (growth of 0.4% a year).

    Parameters
    ----------
    year : float or array-like
        Calendar year(s).

    Returns
    -------
    numpy.ndarray
        The factor(s) to scale a mid-2022 population by.

    Examples
    --------
    >>> population_growth([2022, 2023]).tolist()
    [1.0, 1.004]
    """
    return 1 + 0.004 * (np.asarray(year, dtype=float) - 2022)
