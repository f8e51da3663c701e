"""Demo Fingertips indicators: proportions, crude rates, DSRs and life expectancy.

For the authority, region, England, neighbours and (where a gradient is
planted) wards, with values and confidence limits computed from the counts by
:mod:`jsna.stats`; deprivation gradients (true slope index of inequality),
improving and worsening trends, and the authority worse than England on some
indicators (:data:`jsna.demo.planted.INDICATORS`).

A ward's expected value is linear in its relative rank among the indicator's
own denominators (wards ordered by population-weighted IMD score), so the
recorded SII is exactly the SII of the expected values, at ward level or for
any contiguous grouping of wards such as local quintiles. Counts are plain
binomial/Poisson draws from those values, without further ward-level noise, so
the SII's 95% limits from the counts cover the truth about 95% of the time
(about 95% of indicator-by-seed pairs over 200 seeds). Each indicator draws
from its own random stream, keyed by its ID.

Ward rows for smoking at time of delivery (93085) and dental decay at age 5
(93563) are a demo device: Fingertips publishes those two for local
authorities and upwards only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.demo.areas import relative_rank, simulate_areas, ward_x
from jsna.demo.deaths import by_band
from jsna.demo.fingertips import fingertips_rows, period_labels, quiet
from jsna.demo.life_expectancy import simulate_life_expectancy
from jsna.demo.place import N_WARD
from jsna.demo.planted import HIGH_GOOD, INDICATORS, LOW_GOOD, N_PERIODS
from jsna.demo.population import population_growth

__all__ = ["ESP_BANDS", "simulate_indicators"]

#: The 19 ESP2013 age bands (0-4, ..., 85-89, 90+).
ESP_BANDS = (*[f"{a}-{a + 4}" for a in range(0, 90, 5)], "90+")
_ESP_START = np.arange(0, 95, 5)


def _shape(name: str) -> np.ndarray:
    """Relative rate by ESP2013 band (per person), for a DSR's age pattern."""
    mid = _ESP_START + 2.5
    if name == "mortality":
        return 0.0004 + 0.012 * np.exp(0.085 * (mid - 70))
    if name == "cvd":
        return 0.00002 + 0.003 * np.exp(0.1 * (mid - 70))
    if name == "falls":
        return 0.02 * np.exp(0.1 * (mid - 67.5))
    if name == "hip":
        return 0.004 * np.exp(0.13 * (mid - 67.5))
    if name == "alcohol":
        return 0.009 * np.exp(-(((mid - 52) / 14) ** 2)) * (mid > 15)
    if name == "selfharm":
        return 0.004 * np.exp(-(((mid - 20) / 9) ** 2)) + 0.001 * np.exp(-(((mid - 45) / 15) ** 2))
    raise ValueError(name)


def _stream(seeds: np.random.SeedSequence, key: int) -> np.random.Generator:
    """An independent generator keyed by ``key`` (an indicator ID).

    Adding an indicator leaves the others' draws alone.
    """
    return np.random.default_rng(
        np.random.SeedSequence(seeds.entropy, spawn_key=(*seeds.spawn_key, key))
    )


def simulate_indicators(seeds, geo, dep, pop, deaths_info) -> tuple[pd.DataFrame, dict]:
    """Draw every indicator's counts and write them in the Fingertips ``all_data`` layout.

    Parameters
    ----------
    seeds : numpy.random.SeedSequence
        The seed of the indicators: each indicator draws from its own stream, keyed by its ID.
    geo : jsna.demo.geography.Geography
        The LSOAs and wards.
    dep : jsna.demo.deprivation.Deprivation
        The LSOAs' deprivation.
    pop : numpy.ndarray
        Residents of shape (n_lsoa, 2, 91).
    deaths_info : tuple of numpy.ndarray
        Observed deaths, expected deaths and person-years by LSOA, sex and
        life-table band (:func:`jsna.demo.deaths.simulate_deaths`), for the
        wards' life expectancy.

    Returns
    -------
    tuple
        The all_data rows (text), and the truth: ``indicators`` (what was
        planted in each indicator) and ``ward_relative_rank``.

    Examples
    --------
    >>> import numpy as np
    >>> from jsna.demo.deaths import simulate_deaths
    >>> from jsna.demo.deprivation import simulate_deprivation
    >>> from jsna.demo.geography import simulate_geography
    >>> from jsna.demo.population import simulate_population
    >>> geo = simulate_geography(np.random.default_rng(1))
    >>> dep = simulate_deprivation(np.random.default_rng(2), geo)
    >>> pop = simulate_population(np.random.default_rng(3), dep)
    >>> _, *deaths_info = simulate_deaths(np.random.default_rng(4), geo, dep, pop)
    >>> rows, truth = simulate_indicators(np.random.SeedSequence(5), geo, dep, pop, deaths_info)
    >>> rows["Indicator ID"].nunique(), truth["indicators"]["108"]["trend"]
    (17, 'worsening')
    """
    from jsna.stats.dsr import ESP2013, dsr
    from jsna.stats.rates import crude_rate, proportion

    england, region, neighbours, authority, wards = simulate_areas(
        _stream(seeds, 0), geo, dep, pop, INDICATORS
    )
    areas = [england, region, *neighbours, authority, *wards]
    n_whole = 2 + len(neighbours)  # areas simulated whole; then the authority, then wards
    la, ward_slice = n_whole, slice(n_whole + 1, None)
    x, ward_score = ward_x(geo, dep, pop)
    ward_pop = np.array([w.pop.sum() for w in wards])
    residents = pop.sum(axis=(1, 2)).astype(float)
    core20_share = (
        np.bincount(geo.lsoa_ward, residents * (dep.decile <= 2), minlength=N_WARD) / ward_pop
    )
    # as jsna.analysis.deprivation: at least half the residents in Core20 LSOAs
    core20_ward = core20_share >= 0.5
    t = np.arange(N_PERIODS)
    frames, truth = [], {"ward_relative_rank": {}, "indicators": {}}
    truth["ward_relative_rank"] = {
        geo.ward_code[w]: {
            "x": x[w],
            "imd_score": ward_score[w],
            "population": ward_pop[w],
            "core20_population_share": core20_share[w],
            "core20_ward": bool(core20_ward[w]),
        }
        for w in range(N_WARD)
    }
    pops = np.stack([a.pop for a in areas])  # (area, 2, 91)

    for spec in INDICATORS:
        rng = _stream(seeds, spec.id)
        labels, centre, span = period_labels(spec.periods)
        years = 3 if spec.periods == "3y" else 1
        growth = sum(population_growth(np.floor(centre) - (years // 2) + k) for k in range(years))
        sortable = [f"{int(np.floor(c)) - years // 2}0000" for c in centre]
        sexes = [0, 1] if spec.sex == "Persons" else [0]
        ages = np.arange(spec.ages[0], spec.ages[1] + 1)
        with_wards = spec.gradient is not None
        e = spec.england * np.exp(spec.england_trend * t)
        la_value = e * spec.la_ratio * np.exp(spec.la_trend * t)
        # wards only where planted
        keep = np.arange(len(areas)) if with_wards else np.arange(la + 1)
        # the population at risk first: a ward's expected value follows its rank among it
        if spec.kind in ("proportion", "crude"):
            base = pops[keep][:, sexes][:, :, ages].sum(axis=(1, 2))
            # (area, period)
            denominator = np.round(base[:, None] * growth[None, :] * spec.coverage)
            at_risk = denominator.copy()
        else:
            in_range = (_ESP_START >= spec.ages[0]) & (_ESP_START <= spec.ages[1])
            # (area, band), then (area, period, band)
            band_pop = by_band(pops[keep][:, sexes].sum(axis=1), _ESP_START)[:, in_range]
            exposure = np.round(band_pop[:, None, :] * growth[None, :, None])
            at_risk = exposure.sum(axis=2)
        value = np.full((len(areas), N_PERIODS), np.nan)
        value[:n_whole] = (
            e[None, :] * np.array([a.ratio[spec.id] for a in areas[:n_whole]])[:, None]
        )
        value[la] = la_value
        rank = None
        if with_wards:
            # linear in the ward's relative rank among the denominators: SII = la_value x gradient
            rank = relative_rank(at_risk[ward_slice], ward_score)  # (ward, period)
            value[ward_slice] = la_value[None, :] * (1 + spec.gradient * (rank - 0.5))
        if spec.kind == "proportion":
            value = np.minimum(value, 99.0)

        if spec.kind in ("proportion", "crude"):
            mean = value[keep] / spec.multiplier
            if spec.kind == "proportion":
                count = rng.binomial(denominator.astype(np.int64), mean).astype(float)
            else:
                count = rng.poisson(mean * denominator).astype(float)
            if with_wards:  # the authority is the sum of its wards
                count[la], denominator[la] = (
                    count[ward_slice].sum(axis=0),
                    denominator[ward_slice].sum(axis=0),
                )
            ai, ti = np.meshgrid(keep, t, indexing="ij")
            df = pd.DataFrame(
                {
                    "area_i": ai.ravel(),
                    "period_i": ti.ravel(),
                    S.COUNT: count.ravel(),
                    S.DENOMINATOR: denominator.ravel(),
                }
            )
            verb = proportion if spec.kind == "proportion" else crude_rate
            result = quiet(verb, df, S.COUNT, S.DENOMINATOR, multiplier=spec.multiplier)
        else:
            bands = np.array(ESP_BANDS)[in_range]
            shape = _shape(spec.shape)[in_range]
            reference = pd.DataFrame({"band": bands, "count": shape * 1e9, "pop": 1e9, "g": 0})
            # an age-restricted indicator: its bands only
            standard = {band: ESP2013[band] for band in bands}
            shape_dsr = float(
                dsr(
                    reference,
                    "count",
                    "pop",
                    by="g",
                    age_band="band",
                    standard=standard,
                    multiplier=spec.multiplier,
                )[S.VALUE].iloc[0]
            )
            rate = shape[None, None, :] * value[keep][:, :, None] / shape_dsr
            count = rng.poisson(rate * exposure).astype(float)
            if with_wards:
                count[la], exposure[la] = (
                    count[ward_slice].sum(axis=0),
                    exposure[ward_slice].sum(axis=0),
                )
            ai, ti, bi = np.meshgrid(keep, t, np.arange(len(bands)), indexing="ij")
            df = pd.DataFrame(
                {
                    "area_i": ai.ravel(),
                    "period_i": ti.ravel(),
                    "band": bands[bi.ravel()],
                    S.COUNT: count.ravel(),
                    S.DENOMINATOR: exposure.ravel(),
                }
            )
            result = quiet(
                dsr,
                df,
                S.COUNT,
                S.DENOMINATOR,
                by=["area_i", "period_i"],
                age_band="band",
                standard=standard,
                multiplier=spec.multiplier,
            )
        frames.append(
            fingertips_rows(
                spec.id, spec.name, areas, labels, sortable, span, spec.sex, spec.age, result
            )
        )
        truth["indicators"][str(spec.id)] = _indicator_truth(
            spec, labels, e, la_value, value, rank, at_risk, geo, core20_ward
        )

    le_frames, le_truth = simulate_life_expectancy(
        _stream(seeds, 1), geo, dep, areas, la, ward_slice, x, deaths_info
    )
    frames += le_frames
    truth["indicators"].update(le_truth)
    out = pd.concat(frames, ignore_index=True)
    return out, truth


def _trend_word(change: float, polarity: str) -> str:
    if abs(change) < 1e-9:
        return "no change"
    better = (change > 0) == (polarity == HIGH_GOOD)
    return "improving" if better else "worsening"


def _indicator_truth(
    spec, labels, england, la_value, value, rank, at_risk, geo, core20_ward
) -> dict:
    change = spec.england_trend + spec.la_trend
    worse = (spec.la_ratio > 1) == (spec.polarity == LOW_GOOD) and spec.la_ratio != 1
    out = {
        "name": spec.name,
        "kind": {
            "proportion": "proportion",
            "crude": "crude rate",
            "dsr": "directly standardised rate",
        }[spec.kind],
        "multiplier": spec.multiplier,
        "polarity": spec.polarity,
        "age": spec.age,
        "sex": spec.sex,
        "periods": labels,
        "england_expected": list(england),
        "authority_expected": list(la_value),
        "authority_vs_england_ratio": spec.la_ratio,
        "authority_planned_worse_than_england": bool(worse and abs(np.log(spec.la_ratio)) >= 0.15),
        "trend_log_change_per_year": change,
        "trend": _trend_word(change, spec.polarity),
        "ward_level": spec.gradient is not None,
    }
    if spec.gradient is not None:
        ward_values, r, weight = value[-N_WARD:, -1], rank[:, -1], at_risk[-N_WARD:, -1]
        in_core20 = np.stack([core20_ward, ~core20_ward])
        with np.errstate(invalid="ignore"):  # no Core20 ward (another seed): NaN
            core20, rest = (in_core20 @ (weight * ward_values)) / (in_core20 @ weight)
        out["ward_gradient"] = {
            "period": labels[-1],
            "sii_latest": float(la_value[-1] * spec.gradient),
            "sii_relative_to_authority": spec.gradient,
            # the same number computed from the expected ward values, as an analysis would
            "sii_latest_wls": float(np.polyfit(r, ward_values, 1, w=np.sqrt(weight))[0]),
            "expected_latest_core20_wards": float(core20),
            "expected_latest_other_wards": float(rest),
            "expected_latest_core20_minus_other": float(core20 - rest),
            "expected_latest_by_ward": dict(zip(geo.ward_code, ward_values, strict=True)),
            "relative_rank_latest_by_ward": dict(zip(geo.ward_code, r, strict=True)),
            "denominator_latest_by_ward": dict(zip(geo.ward_code, weight, strict=True)),
            "definition": (
                "expected ward value = authority value x (1 + g (x - 0.5)), where x is the ward's "
                "relative rank among the indicator's own denominators in that period (wards "
                "ordered by population-weighted IMD score, most deprived first; x = midpoint of "
                "the ward's share of the cumulative denominator: 0 most deprived, 1 least "
                "deprived; relative_rank_latest_by_ward). SII = value at x=1 minus value at x=0 = "
                "authority value x g; it is also the denominator-weighted least-squares slope of "
                "the expected ward values on x (sii_latest_wls) and the SII of the expected values "
                "of any contiguous deprivation groups of wards (such as local quintiles), so an "
                "analysis of the counts recovers it up to sampling error. Counts are binomial "
                "(proportions) or Poisson (rates, by age band for DSRs) draws from the expected "
                "values, with no further ward-level noise; the authority's counts are the sums of "
                "its wards'. Core20 wards (ward_relative_rank[...]['core20_ward']) have at least "
                "half their residents in Core20 LSOAs; expected_latest_core20_wards/other_wards "
                "are denominator-weighted means"
            ),
        }
    return out
