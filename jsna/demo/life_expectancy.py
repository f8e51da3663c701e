"""Demo life expectancy indicators: at birth (90366) and at 65 (93505).

For England, the region, the neighbours and the authority, 3-year periods
from simulated deaths (mortality improving over time); for the authority and
its wards, 2019-23 pooled from the deaths file. The truth records the expected
values (life expectancy of the expected deaths), the gap between the least and
most deprived national IMD quintiles and the wards' population-weighted slope
on their relative deprivation rank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.demo.deaths import LE_BANDS, LE_START, by_band
from jsna.demo.fingertips import fingertips_rows, period_labels, quiet
from jsna.demo.place import N_WARD
from jsna.demo.planted import (
    HIGH_GOOD,
    LE_SPECS,
    LE_TIME_TREND,
    MORTALITY_GRADIENT,
    N_PERIODS,
)
from jsna.demo.population import population_growth

__all__ = ["simulate_life_expectancy"]


def _le_table(deaths, exposure, group_names: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long frame for life_expectancy from arrays shaped (..., 20 bands)."""
    shape = deaths.shape
    index = np.indices(shape).reshape(len(shape), -1)
    frame = {name: values[index[k]] for k, (name, values) in enumerate(group_names.items())}
    frame["band"] = LE_START[index[-1]]
    frame["deaths"] = deaths.reshape(-1).astype(float)
    frame["pop"] = exposure.reshape(-1).astype(float)
    return pd.DataFrame(frame)


def _le_values(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    from jsna.stats.life_expectancy import life_expectancy

    return quiet(life_expectancy, table, "deaths", "pop", by=by, age_band="band")


def simulate_life_expectancy(rng, geo, dep, areas, la, ward_slice, x, deaths_info):
    """Life expectancy rows in the Fingertips layout, and their truth.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator for the deaths of the areas' 3-year periods.
    geo : jsna.demo.geography.Geography
        The wards of the LSOAs.
    dep : jsna.demo.deprivation.Deprivation
        The LSOAs' national IMD quintiles.
    areas : list of jsna.demo.areas.Area
        England, region, neighbours, the authority (at position ``la``), then the wards.
    la : int
        The authority's position in ``areas``.
    ward_slice : slice
        The wards' positions in ``areas``.
    x : numpy.ndarray
        The wards' relative deprivation rank (:func:`jsna.demo.areas.ward_x`).
    deaths_info : tuple of numpy.ndarray
        Observed deaths, expected deaths and person-years by LSOA, sex and band.

    Returns
    -------
    tuple
        A list of all_data frames, and the truth by indicator ID.

    Examples
    --------
    >>> import numpy as np
    >>> from jsna.demo.areas import simulate_areas, ward_x
    >>> from jsna.demo.deaths import simulate_deaths
    >>> from jsna.demo.deprivation import simulate_deprivation
    >>> from jsna.demo.geography import simulate_geography
    >>> from jsna.demo.planted import INDICATORS
    >>> from jsna.demo.population import simulate_population
    >>> geo = simulate_geography(np.random.default_rng(1))
    >>> dep = simulate_deprivation(np.random.default_rng(2), geo)
    >>> pop = simulate_population(np.random.default_rng(3), dep)
    >>> _, *deaths_info = simulate_deaths(np.random.default_rng(4), geo, dep, pop)
    >>> england, region, neighbours, la, wards = simulate_areas(
    ...     np.random.default_rng(5), geo, dep, pop, INDICATORS
    ... )
    >>> areas = [england, region, *neighbours, la, *wards]
    >>> x, _ = ward_x(geo, dep, pop)
    >>> frames, truth = simulate_life_expectancy(
    ...     np.random.default_rng(6), geo, dep, areas, 12, slice(13, None), x, deaths_info
    ... )
    >>> sorted(truth), truth["90366"]["trend"]
    (['90366', '93505'], 'improving')
    """
    observed, expected, exposure5 = deaths_info
    labels, centre, _ = period_labels("3y")
    growth = sum(population_growth(np.floor(centre) - 1 + k) for k in range(3))
    whole = areas[: la + 1]
    bands = np.stack([by_band(a.pop, LE_START) for a in whole])  # (area, sex, band)
    exposure = np.round(bands[:, None] * growth[None, :, None, None])  # (area, t, sex, band)
    trend = np.exp(LE_TIME_TREND * (centre - 2021))
    rates = np.stack([a.mortality for a in whole])[:, None] * trend[None, :, None, None]
    deaths = rng.poisson(rates * exposure)
    groups = {
        "area_i": np.arange(len(whole)),
        "period_i": np.arange(N_PERIODS),
        "sex": np.array(["Female", "Male"]),
    }
    observed_3y = _le_values(_le_table(deaths, exposure, groups), ["area_i", "period_i", "sex"])
    expected_3y = _le_values(
        _le_table(rates * exposure, exposure, groups), ["area_i", "period_i", "sex"]
    )

    # five-year ward and authority values from the deaths file
    ward_of = geo.lsoa_ward
    wd = np.zeros((N_WARD, 2, len(LE_BANDS)))
    we = np.zeros_like(wd)
    wx = np.zeros_like(wd)
    np.add.at(wd, ward_of, observed)
    np.add.at(we, ward_of, expected)
    np.add.at(wx, ward_of, exposure5)
    local_d = np.concatenate([observed.sum(axis=0)[None], wd])
    local_e = np.concatenate([expected.sum(axis=0)[None], we])
    local_x = np.concatenate([exposure5.sum(axis=0)[None], wx])
    local_groups = {
        "area_i": np.arange(la, la + 1 + N_WARD),
        "period_i": np.array([0]),
        "sex": np.array(["Female", "Male"]),
    }
    observed_5y = _le_values(
        _le_table(local_d[:, None], local_x[:, None], local_groups), ["area_i", "period_i", "sex"]
    )
    expected_5y = _le_values(
        _le_table(local_e[:, None], local_x[:, None], local_groups), ["area_i", "period_i", "sex"]
    )

    # true life expectancy by national IMD quintile (pooled LSOAs, expected deaths)
    qd = np.zeros((5, 2, len(LE_BANDS)))
    qx = np.zeros_like(qd)
    np.add.at(qd, dep.quintile - 1, expected)
    np.add.at(qx, dep.quintile - 1, exposure5)
    quintile_le = _le_values(
        _le_table(qd, qx, {"quintile": np.arange(1, 6), "sex": np.array(["Female", "Male"])}),
        ["quintile", "sex"],
    )

    frames, truth = [], {}
    sortable_3y = [f"{int(c) - 1}0000" for c in centre]
    for spec_id, name, age_label, start in LE_SPECS:
        obs3 = observed_3y[observed_3y["band"] == start].reset_index(drop=True)
        obs5 = observed_5y[observed_5y["band"] == start].reset_index(drop=True)
        for frame, periods, sortable, span in (
            (obs3, labels, sortable_3y, "3y"),
            (obs5, ["2019 - 23"], ["20190000"], "5y"),
        ):
            frame = frame.assign(count=np.nan, denominator=np.nan)
            frames.append(
                fingertips_rows(
                    spec_id,
                    name,
                    areas,
                    periods,
                    sortable,
                    span,
                    frame["sex"].to_numpy(),
                    age_label,
                    frame,
                )
            )
        exp3 = expected_3y[expected_3y["band"] == start]
        exp5 = expected_5y[expected_5y["band"] == start]
        qle = quintile_le[quintile_le["band"] == start]
        sexes = {}
        for sex in ("Female", "Male"):
            la_rows = exp3[(exp3["area_i"] == la) & (exp3["sex"] == sex)].sort_values("period_i")
            england = exp3[(exp3["area_i"] == 0) & (exp3["sex"] == sex)].sort_values("period_i")
            ward_rows = exp5[(exp5["sex"] == sex) & (exp5["area_i"] > la)].sort_values("area_i")
            ward_le = ward_rows[S.VALUE].to_numpy(dtype=float)
            weights = np.array([a.pop.sum() for a in areas[ward_slice]])
            slope = float(np.polyfit(x, ward_le, 1, w=np.sqrt(weights))[0])
            by_q = qle[qle["sex"] == sex].set_index("quintile")[S.VALUE].astype(float)
            sexes[sex] = {
                "authority_expected": la_rows[S.VALUE].astype(float).tolist(),
                "england_expected": england[S.VALUE].astype(float).tolist(),
                "expected_2019_23_by_ward": dict(zip(geo.ward_code, ward_le, strict=True)),
                "expected_2019_23_authority": float(
                    exp5[(exp5["sex"] == sex) & (exp5["area_i"] == la)][S.VALUE].iloc[0]
                ),
                "expected_2019_23_by_imd_quintile": {str(q): float(v) for q, v in by_q.items()},
                "gap_least_minus_most_deprived_quintile": float(by_q[5] - by_q[1]),
                "ward_sii_wls": slope,
            }
        truth[str(spec_id)] = {
            "name": name,
            "kind": "life expectancy",
            "polarity": HIGH_GOOD,
            "age": age_label,
            "periods": labels,
            "ward_period": "2019 - 23",
            "trend": "improving",
            "trend_log_mortality_change_per_year": LE_TIME_TREND,
            "ward_level": True,
            "mortality_gradient_log_ratio": MORTALITY_GRADIENT,
            "by_sex": sexes,
            "definition": (
                "expected values are life expectancy (jsna.stats.life_expectancy) of expected "
                "deaths; ward_sii_wls = population-weighted least-squares slope of the expected "
                "ward values on the ward relative rank x (0 most deprived, 1 least deprived)"
            ),
        }
    return frames, truth
