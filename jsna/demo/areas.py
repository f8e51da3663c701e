"""The areas of the demo indicators: England, region, neighbours, the authority, its wards.

England, the region and the ten statistical neighbours are simulated whole (an
age structure, a mortality and a ratio to England per indicator); the
authority and its wards are built from their LSOAs. Wards are placed on a
relative deprivation rank (0 most deprived end, 1 least) on which the planted
ward gradients are linear.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from jsna.demo.deaths import LE_START, by_band, lsoa_mortality, mortality_rates
from jsna.demo.deprivation import Deprivation
from jsna.demo.geography import Geography
from jsna.demo.place import (
    DEMO_AREA_CODE,
    DEMO_AREA_NAME,
    ENGLAND_CODE,
    ENGLAND_NAME,
    MAX_AGE,
    N_LSOA,
    N_WARD,
    NEIGHBOURS,
    REGION_CODE,
    REGION_NAME,
)
from jsna.demo.planted import IndicatorSpec
from jsna.demo.population import age_weights

__all__ = ["Area", "simulate_areas", "relative_rank", "ward_x"]


@dataclass
class Area:
    """One area of the Fingertips file: its identity, residents, ratios and mortality."""

    code: str
    name: str
    area_type: str
    parent_code: str
    parent_name: str
    pop: np.ndarray  # (2, 91) residents by sex and age, mid-2022
    ratio: dict  # indicator id -> area / England (non-LA areas)
    mortality: np.ndarray  # (2, 20) death rates per person-year in 2021


def simulate_areas(
    rng: np.random.Generator,
    geo: Geography,
    dep: Deprivation,
    pop: np.ndarray,
    specs: Sequence[IndicatorSpec],
) -> tuple[Area, Area, list[Area], Area, list[Area]]:
    """England, region, neighbours (simulated whole), the authority and its wards (from LSOAs).

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator to draw from (the areas simulated whole).
    geo : Geography
        The LSOAs and wards.
    dep : Deprivation
        The LSOAs' deprivation (the local mortality).
    pop : numpy.ndarray
        Residents of shape (n_lsoa, 2, 91).
    specs : sequence of IndicatorSpec
        The indicators (one ratio to England each, for the areas simulated whole).

    Returns
    -------
    tuple
        England, the region, the list of neighbours, the authority and the list of wards.

    Examples
    --------
    >>> import numpy as np
    >>> from jsna.demo.deprivation import simulate_deprivation
    >>> from jsna.demo.geography import simulate_geography
    >>> from jsna.demo.planted import INDICATORS
    >>> from jsna.demo.population import simulate_population
    >>> geo = simulate_geography(np.random.default_rng(1))
    >>> dep = simulate_deprivation(np.random.default_rng(2), geo)
    >>> pop = simulate_population(np.random.default_rng(3), dep)
    >>> england, region, neighbours, authority, wards = simulate_areas(
    ...     np.random.default_rng(4), geo, dep, pop, INDICATORS
    ... )
    >>> len(neighbours), len(wards), authority.code, int(authority.pop.sum()) == int(pop.sum())
    (10, 22, 'E06999001', True)
    """

    def structure(total, mean_dep):
        w = np.concatenate([age_weights(mean_dep, True), age_weights(mean_dep, False)], axis=1)
        return (w / w.sum() * total).reshape(2, MAX_AGE + 1)

    def mortality(a):
        u = ((np.arange(200) + 0.5) / 200) ** (
            1 / a
        )  # Beta(a, 1) quantiles: a > 1 is more deprived
        return mortality_rates(u).mean(axis=0)

    def ratios(spread, pull):
        return {
            s.id: float(np.exp(np.log(s.la_ratio) * pull + spread * rng.standard_normal()))
            for s in specs
        }

    england = Area(
        ENGLAND_CODE,
        ENGLAND_NAME,
        "England",
        "",
        "",
        structure(57_100_000, 0.0),
        {s.id: 1.0 for s in specs},
        mortality(1.0),
    )
    region = Area(
        REGION_CODE,
        REGION_NAME,
        "Regions (statistical)",
        ENGLAND_CODE,
        ENGLAND_NAME,
        structure(7_420_000, 0.15),
        ratios(0.03, 0.4),
        mortality(1.3),
    )
    neighbours = []
    for code, name in NEIGHBOURS:
        a = rng.uniform(1.1, 2.2)
        neighbours.append(
            Area(
                code,
                name,
                "Counties & UAs (from Apr 2023)",
                REGION_CODE,
                REGION_NAME,
                structure(rng.uniform(150_000, 340_000), (a - 1) / (a + 1)),
                ratios(0.10, 0.8),
                mortality(a),
            )
        )
    lsoa_rates = lsoa_mortality(dep)  # (lsoa, 2, 20)
    lsoa_bands = by_band(pop, LE_START)

    def local(code, name, area_type, parent_code, parent_name, members):
        p = pop[members].sum(axis=0).astype(float)
        rates = (lsoa_rates[members] * lsoa_bands[members]).sum(axis=0) / lsoa_bands[members].sum(
            axis=0
        )
        return Area(code, name, area_type, parent_code, parent_name, p, {}, rates)

    authority = local(
        DEMO_AREA_CODE,
        DEMO_AREA_NAME,
        "Counties & UAs (from Apr 2023)",
        REGION_CODE,
        REGION_NAME,
        np.arange(N_LSOA),
    )
    wards = [
        local(
            geo.ward_code[w],
            geo.ward_name[w],
            "Ward",
            DEMO_AREA_CODE,
            DEMO_AREA_NAME,
            np.flatnonzero(geo.lsoa_ward == w),
        )
        for w in range(N_WARD)
    ]
    return england, region, neighbours, authority, wards


def relative_rank(weights: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Relative deprivation rank (0 = most deprived end, 1 = least) of each ward, along axis 0.

    Wards are ordered by ``score`` (population-weighted IMD score), most deprived first;
    a ward's rank is the midpoint of its share of the cumulative ``weights`` (residents,
    or an indicator's denominators, one column per period).

    Parameters
    ----------
    weights : array-like
        Shape (n_ward,) or (n_ward, n_period).
    score : numpy.ndarray
        Shape (n_ward,): higher is more deprived.

    Returns
    -------
    numpy.ndarray
        The ranks, shaped like ``weights``.

    Examples
    --------
    >>> import numpy as np
    >>> relative_rank([1, 1, 2], np.array([10.0, 30.0, 20.0])).tolist()
    [0.875, 0.125, 0.5]
    """
    weights = np.asarray(weights, dtype=float)
    order = np.argsort(-score, kind="stable")
    share = weights[order] / weights.sum(axis=0, keepdims=True)
    x = np.empty_like(share)
    x[order] = np.cumsum(share, axis=0) - share / 2
    return x


def ward_x(geo: Geography, dep: Deprivation, pop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relative deprivation rank of each ward among residents, and its IMD score.

    Parameters
    ----------
    geo : Geography
        The wards of the LSOAs.
    dep : Deprivation
        The LSOAs' IMD scores.
    pop : numpy.ndarray
        Residents of shape (n_lsoa, 2, 91).

    Returns
    -------
    tuple of numpy.ndarray
        Each ward's relative rank (0 = most deprived end, :func:`relative_rank`
        weighted by residents) and its population-weighted IMD score.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> geo = SimpleNamespace(lsoa_ward=np.arange(22))
    >>> dep = SimpleNamespace(score=np.arange(22.0))
    >>> x, score = ward_x(geo, dep, np.ones((22, 2, 91)))
    >>> float(x[-1]), float(score[-1])
    (0.022727272727272728, 21.0)
    """
    residents = pop.sum(axis=(1, 2)).astype(float)
    ward_pop = np.bincount(geo.lsoa_ward, residents, minlength=N_WARD)
    score = np.bincount(geo.lsoa_ward, residents * dep.score, minlength=N_WARD) / ward_pop
    return relative_rank(ward_pop, score), score
