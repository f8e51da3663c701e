"""Demo deaths: by LSOA, sex and 20 life-table age bands over five years.

Mortality rises with deprivation (:data:`jsna.demo.planted.MORTALITY_GRADIENT`)
and the authority is worse than its deprivation alone gives
(:data:`jsna.demo.planted.AUTHORITY_MORTALITY_EXCESS`); deaths are Poisson
draws of the expected deaths over :data:`jsna.demo.planted.DEATHS_PERIOD`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.deprivation import Deprivation
from jsna.demo.geography import Geography
from jsna.demo.place import MAX_AGE
from jsna.demo.planted import (
    AUTHORITY_MORTALITY_EXCESS,
    DEATHS_PERIOD,
    DEATHS_YEARS,
    FEMALE_FACTOR,
    MALE_MORTALITY,
    MORTALITY_GRADIENT,
)

__all__ = [
    "LE_BANDS",
    "LE_START",
    "by_band",
    "mortality_rates",
    "lsoa_mortality",
    "simulate_deaths",
]

#: Life-table age bands (0, 1-4, 5-9, ..., 85-89, 90+) and the age each starts at.
LE_BANDS = ("0", "1-4", *[f"{a}-{a + 4}" for a in range(5, 90, 5)], "90+")
LE_START = np.array([0, 1, *range(5, 95, 5)])


def by_band(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum the last axis (single years 0..90+) into bands starting at ``starts``.

    Parameters
    ----------
    values : numpy.ndarray
        Any leading shape, then 91 single years of age.
    starts : numpy.ndarray
        The first age of each band, increasing from 0.

    Returns
    -------
    numpy.ndarray
        The leading shape, then one value per band.

    Examples
    --------
    >>> import numpy as np
    >>> by_band(np.ones(91), np.array([0, 65])).tolist()
    [65.0, 26.0]
    """
    band = np.searchsorted(starts, np.arange(MAX_AGE + 1), side="right") - 1
    out = np.zeros(values.shape[:-1] + (len(starts),))
    np.add.at(out, (..., band), values)  # small arrays; vectorised over the leading axes
    return out


def mortality_rates(dep_u) -> np.ndarray:
    """Death rates per person-year by sex and life-table band for deprivation percentiles.

    Parameters
    ----------
    dep_u : float or array-like
        National deprivation percentiles (0 least deprived, 1 most deprived).

    Returns
    -------
    numpy.ndarray
        Shape (n, 2 sexes [female, male], 20 bands).

    Examples
    --------
    >>> rates = mortality_rates([0.0, 1.0])
    >>> rates.shape, bool((rates[1] > rates[0]).all())
    ((2, 2, 20), True)
    """
    dep_u = np.atleast_1d(np.asarray(dep_u, dtype=float))
    out = np.empty((len(dep_u), 2, len(LE_BANDS)))
    for s, sex in enumerate(("Female", "Male")):
        base = MALE_MORTALITY * (FEMALE_FACTOR if sex == "Female" else 1.0)
        ratio = np.exp(MORTALITY_GRADIENT[sex] * (dep_u - 0.5))
        out[:, s, :] = base[None, :] * ratio[:, None]
    return out


def lsoa_mortality(dep: Deprivation) -> np.ndarray:
    """Death rates of the demo LSOAs: their deprivation's rates times the authority's excess.

    Parameters
    ----------
    dep : Deprivation
        The LSOAs' deprivation (its national percentiles ``u``).

    Returns
    -------
    numpy.ndarray
        Shape (n_lsoa, 2, 20).

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> lsoa_mortality(SimpleNamespace(u=np.array([0.5]))).shape
    (1, 2, 20)
    """
    return mortality_rates(dep.u) * AUTHORITY_MORTALITY_EXCESS


def simulate_deaths(
    rng: np.random.Generator, geo: Geography, dep: Deprivation, pop: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Draw deaths by LSOA, sex and life-table band over the deaths period.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator to draw from.
    geo : Geography
        The LSOAs' codes.
    dep : Deprivation
        The LSOAs' deprivation.
    pop : numpy.ndarray
        Residents of shape (n_lsoa, 2, 91).

    Returns
    -------
    tuple
        The deaths file (``LSOA21CD, sex, age_band, deaths, period``), and the
        observed deaths, expected deaths and person-years, each of shape
        (n_lsoa, 2, 20).

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> geo = SimpleNamespace(lsoa_code=np.array(["E01999001"]))
    >>> dep = SimpleNamespace(u=np.array([0.5]))
    >>> pop = np.full((1, 2, 91), 10)
    >>> frame, observed, expected, exposure = simulate_deaths(
    ...     np.random.default_rng(1), geo, dep, pop
    ... )
    >>> frame.shape, float(exposure.sum())
    ((40, 5), 9100.0)
    """
    exposure = by_band(pop, LE_START) * DEATHS_YEARS  # (lsoa, sex, band) person-years
    expected = lsoa_mortality(dep) * exposure
    deaths = rng.poisson(expected)
    lsoa, sex, band = np.indices(deaths.shape).reshape(3, -1)
    frame = pd.DataFrame(
        {
            "LSOA21CD": geo.lsoa_code[lsoa],
            "sex": np.array(["Female", "Male"])[sex],
            "age_band": np.array(LE_BANDS)[band],
            "deaths": deaths.reshape(-1),
            "period": DEATHS_PERIOD,
        }
    )
    return frame, deaths, expected, exposure
