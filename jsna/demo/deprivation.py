"""Demo deprivation: IoD2025 File 7 scores, national ranks and deciles for the LSOAs.

Ranks are national (out of 33,755 LSOAs, 1 = most deprived) and deciles are
consistent with them. Deprivation falls with distance from the urban core (the
Core20 LSOAs) towards affluent edges, with smooth waves and noise; each domain
is correlated with the overall index by a planted correlation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.demo.formats import fixed
from jsna.demo.geography import Geography
from jsna.demo.place import DEMO_AREA_CODE, DEMO_AREA_NAME, N_LSOA, N_NATIONAL_LSOA

__all__ = ["Deprivation", "simulate_deprivation"]

_IMD_COLUMNS = [
    ("imd", "Index of Multiple Deprivation (IMD) Score", "Index of Multiple Deprivation (IMD)"),
    ("income", "Income Score (rate)", "Income"),
    ("employment", "Employment Score (rate)", "Employment"),
    ("education", "Education, Skills and Training Score", "Education, Skills and Training"),
    ("health", "Health Deprivation and Disability Score", "Health Deprivation and Disability"),
    ("crime", "Crime Score", "Crime"),
    ("housing", "Barriers to Housing and Services Score", "Barriers to Housing and Services"),
    ("environment", "Living Environment Score", "Living Environment"),
]
# domain -> (correlation with overall deprivation, score at the national median, spread, kind,
# decimals)
_DOMAIN_MODEL = {
    "imd": (1.0, 17.4, 0.72, "log", 3),
    "income": (0.92, 0.12, 0.75, "log", 3),
    "employment": (0.9, 0.09, 0.65, "log", 3),
    "education": (0.85, 16.5, 0.95, "log", 3),
    "health": (0.85, 0.0, 0.9, "linear", 3),
    "crime": (0.6, 0.0, 0.85, "linear", 3),
    "housing": (0.1, 20.0, 0.45, "log", 3),
    "environment": (0.45, 17.8, 0.75, "log", 3),
}


@dataclass
class Deprivation:
    """The demo LSOAs' deprivation (in LSOA code order) and the File 7 table.

    Made by :func:`simulate_deprivation`.
    """

    u: np.ndarray  # national deprivation percentile of each LSOA, 1 = most deprived
    rank: np.ndarray  # national IMD rank, 1 = most deprived
    decile: np.ndarray
    quintile: np.ndarray
    score: np.ndarray
    file7: pd.DataFrame


def _unique_ranks(u: np.ndarray) -> np.ndarray:
    """National ranks (1 = most deprived) from percentiles, distinct within the demo LSOAs."""
    rank = np.clip(np.ceil((1 - u) * N_NATIONAL_LSOA), 1, N_NATIONAL_LSOA).astype(int)
    order = np.argsort(rank, kind="stable")
    ranked = rank[order]
    for i in range(1, len(ranked)):  # at most 150 steps
        ranked[i] = max(ranked[i], ranked[i - 1] + 1)
    rank[order] = ranked
    return rank


def _decile(rank: np.ndarray) -> np.ndarray:
    return (rank * 10 + N_NATIONAL_LSOA - 1) // N_NATIONAL_LSOA


def simulate_deprivation(rng: np.random.Generator, geo: Geography) -> Deprivation:
    """Draw each LSOA's deprivation and write it in the IoD2025 File 7 layout.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator to draw from.
    geo : Geography
        The LSOAs (:func:`jsna.demo.geography.simulate_geography`).

    Returns
    -------
    Deprivation
        National percentiles, IMD ranks, deciles, quintiles and scores, and the
        File 7 table with every domain.

    Examples
    --------
    >>> import numpy as np
    >>> from jsna.demo.geography import simulate_geography
    >>> geo = simulate_geography(np.random.default_rng(1))
    >>> dep = simulate_deprivation(np.random.default_rng(2), geo)
    >>> bool((dep.decile <= 2).any() and (dep.decile >= 9).any()), dep.file7.shape[1]
    (True, 28)
    """
    from scipy import stats

    xy = (geo.centroid - geo.core) / geo.scale
    distance = np.linalg.norm(xy, axis=1)
    waves = np.zeros(N_LSOA)
    for _ in range(4):
        k = rng.normal(0, 2.2, size=2)
        waves += np.cos(xy @ k + rng.uniform(0, 2 * np.pi)) / 2
    z = 1.75 - 2.9 * distance + 0.45 * waves + 0.35 * rng.standard_normal(N_LSOA)
    u = stats.norm.cdf(z)
    frame = pd.DataFrame(
        {
            "LSOA code (2021)": geo.lsoa_code,
            "LSOA name (2021)": geo.lsoa_name,
            "Local Authority District code (2024)": DEMO_AREA_CODE,
            "Local Authority District name (2024)": DEMO_AREA_NAME,
        }
    )
    result = {}
    for key, score_header, prefix in _IMD_COLUMNS:
        rho, median, spread, kind, decimals = _DOMAIN_MODEL[key]
        q = z if key == "imd" else rho * z + np.sqrt(1 - rho**2) * rng.standard_normal(N_LSOA)
        ud = stats.norm.cdf(q)
        rank = _unique_ranks(ud)
        centile = stats.norm.ppf(
            1 - (rank - 0.5) / N_NATIONAL_LSOA
        )  # score follows the rank exactly
        score = median * np.exp(spread * centile) if kind == "log" else median + spread * centile
        if key in ("income", "employment"):
            score = np.clip(score, 0.002, 0.95)
        elif kind == "log":
            score = np.clip(score, 0.1, 94.0)
        frame[score_header] = fixed(score, decimals)
        frame[f"{prefix} Rank (where 1 is most deprived)"] = rank
        frame[f"{prefix} Decile (where 1 is most deprived 10% of LSOAs)"] = _decile(rank)
        result[key] = (rank, score)
    rank, score = result["imd"]
    decile = _decile(rank)
    return Deprivation(
        u=u,
        rank=rank,
        decile=decile,
        quintile=(decile + 1) // 2,
        score=np.round(score, 3),
        file7=frame,
    )
