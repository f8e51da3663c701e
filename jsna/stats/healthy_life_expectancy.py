"""Healthy life expectancy by Sullivan's method, with confidence limits.

Sullivan (1971): the person-years of a period life table, ``nL_x``, are split by the
prevalence of good health in each age band, ``pi_x``, so that healthy life
expectancy at age ``a`` is ``HLE_a = sum_{x >= a} pi_x nL_x / l_a``. Its variance
from the sampling of the prevalence (the mortality term being negligible) is
``sum_{x >= a} nL_x**2 var(pi_x) / l_a**2`` with ``var(pi_x) = pi_x (1 - pi_x) / N_x``
for a simple random sample of ``N_x`` people (Euro-REVES, *Practical guide on
health expectancy calculation: the Sullivan method*, Jagger, Hauet et al., 1997,
equations 20-21 and table 3; Jagger et al., *Health expectancy calculation by the
Sullivan method: a practical guide*, EHLEIS technical report 2014). This is also
the method of the ONS healthy life expectancy statistics.

The life table is the Chiang II table of :func:`jsna.stats.life_expectancy`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values
from jsna.stats.common import (
    DEFAULT_CONFIDENCE,
    check_rows,
    ci_columns,
    confidence_levels,
    group_index,
)
from jsna.stats.intervals import z_value
from jsna.stats.life_expectancy import life_expectancy

__all__ = ["sullivan", "healthy_life_expectancy"]


def sullivan(
    df: pd.DataFrame,
    lx: str,
    nLx: str,  # noqa: N803 - the life table's own name
    prevalence: str,
    *,
    by: str | list[str] | None,
    sample_size: str | None = None,
    se: str | None = None,
    confidence=DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Sullivan health expectancy at the start of every band, from a life table and prevalences.

    Parameters
    ----------
    df : DataFrame
        One row per group and age band, **youngest band first within each group**
        (the open-ended band last), with the life table columns.
    lx, nLx : str
        Survivors to the start of the band and person-years lived in it.
    prevalence : str
        Proportion (0-1) of the band in the state counted (e.g. good health).
    by : str, list of str or None
        Grouping columns, kept.
    sample_size, se : str, optional
        The prevalence's survey sample size ``N_x`` (its variance is then
        ``pi (1 - pi) / N_x``) or its standard error. Give one of them for limits;
        with neither, the limits are NaN.
    confidence : float or sequence of float
        Level(s) of the normal limits; default ``(0.95, 0.998)``.

    Returns
    -------
    DataFrame
        The input columns with ``value`` (health expectancy, years), ``se`` and the
        limit columns added.

    Examples
    --------
    Euro-REVES practical guide (1997), tables 1 and 3, French women 1991, ages 65-85+:

    >>> df = pd.DataFrame({
    ...     "age": [65, 70, 75, 80, 85],
    ...     "lx": [89367, 84968, 78012, 66625, 48532],
    ...     "Lx": [436589, 408793, 364013, 290533, 289068],
    ...     "free": [0.804, 0.714, 0.630, 0.487, 0.290],
    ...     "se": np.sqrt([0.000281, 0.000507, 0.000675, 0.000914, 0.000805]),
    ... })
    >>> out = sullivan(df, "lx", "Lx", "free", by=None, se="se", confidence=0.95)
    >>> out["value"].round(1).tolist()
    [12.3, 8.8, 5.8, 3.4, 1.7]
    >>> out["se"].round(2).tolist()
    [0.22, 0.21, 0.2, 0.18, 0.17]
    """
    by_cols = as_list(by)
    if sample_size is not None and se is not None:
        raise DataValidationError("give sample_size= or se=, not both")
    extra = {"sample_size": sample_size} if sample_size else {"se": se} if se else {}
    check_columns(df, {"lx": lx, "nLx": nLx, "prevalence": prevalence, "by": by_cols, **extra})
    check_rows(df, "sullivan")
    levels = confidence_levels(confidence)
    ell = numeric_column(df, lx, "lx")
    big_l = numeric_column(df, nLx, "nLx")
    pi = numeric_column(df, prevalence, "prevalence")
    bad = (pi < 0) | (pi > 1)
    if bad.any():
        raise DataValidationError(
            f"prevalence column {prevalence!r} has values outside 0-1: {first_values(pi[bad])}; "
            "give proportions, not percentages"
        )
    if sample_size is not None:
        n = numeric_column(df, sample_size, "sample_size")
        if (n <= 0).any():
            raise DataValidationError(
                f"sample_size column {sample_size!r} has values of 0 or less: "
                f"{first_values(n[n <= 0])}"
            )
        var = pi * (1 - pi) / n
    elif se is not None:
        var = numeric_column(df, se, "se") ** 2
    else:
        var = np.full(len(df), np.nan)
    codes, _ = group_index(df, by_cols)
    # cumulative sums from the end of each group: reverse, cumsum by group, reverse back
    order = np.arange(len(df))[::-1]
    rev = pd.DataFrame({"g": codes[order], "h": (pi * big_l)[order], "v": (big_l**2 * var)[order]})
    sums = rev.groupby("g", sort=False)[["h", "v"]].cumsum().to_numpy()[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = sums[:, 0] / ell
        std = np.sqrt(sums[:, 1]) / ell
    out = df.copy()
    out["value"] = value
    out["se"] = std
    for level in levels:
        lower, upper = ci_columns(level)
        z = z_value(level)
        out[lower] = value - z * std
        out[upper] = value + z * std
    return out


def healthy_life_expectancy(
    df: pd.DataFrame,
    deaths: str,
    population: str,
    prevalence: str,
    *,
    by: str | list[str] | None,
    age_band: str,
    sample_size: str | None = None,
    se: str | None = None,
    confidence=DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Healthy life expectancy (Sullivan) at every start age from deaths, population, prevalence.

    The life table is :func:`jsna.stats.life_expectancy` (Chiang II, 90+ or 85+
    final band) and the prevalence of good health is applied to its ``nLx``.

    Parameters
    ----------
    df : DataFrame
        One row per group and life table age band.
    deaths, population : str
        Deaths and population (person-years) in the band.
    prevalence : str
        Proportion (0-1) in good health in the band, e.g. from the Census 2021
        question on general health ("very good" or "good"), or a survey.
    by, age_band : see :func:`jsna.stats.life_expectancy`.
    sample_size, se : str, optional
        The prevalence's sample size (survey respondents; for a census, the
        population) or standard error, for the limits.
    confidence : float or sequence of float

    Returns
    -------
    DataFrame
        The ``by`` columns, ``age_band``, ``value`` (healthy life expectancy,
        years), ``se``, the limit columns, ``life_expectancy`` and ``statistic``.
        Groups whose life table is invalid (see :func:`jsna.stats.life_expectancy`,
        which warns) are NaN.

    Examples
    --------
    >>> ages = [0, 1, *range(5, 95, 5)]
    >>> m = 0.00005 * np.exp(0.085 * np.array(ages, dtype=float))
    >>> df = pd.DataFrame({"age": ages, "pop": 20_000.0, "deaths": np.round(m * 20_000),
    ...                    "good": np.linspace(0.97, 0.45, 20), "n": 400})
    >>> out = healthy_life_expectancy(df, "deaths", "pop", "good", by=None, age_band="age",
    ...                               sample_size="n", confidence=0.95)
    >>> out.loc[0, ["value", "life_expectancy"]].astype(float).round(1).tolist()
    [60.5, 84.2]
    """
    by_cols = as_list(by)
    check_columns(df, {"prevalence": prevalence, "age_band": age_band, "by": by_cols})
    work = df.reset_index(drop=True)
    le = life_expectancy(
        work,
        deaths,
        population,
        by=by_cols,
        age_band=age_band,
        confidence=0.95,
        life_table=True,
    )
    # life_expectancy orders rows by group then age; bring the prevalence along by key
    keys = [*by_cols, age_band]
    extra = [c for c in (sample_size, se) if c]
    le = le.merge(work[[*keys, prevalence, *extra]], on=keys, how="left", validate="one_to_one")
    out = sullivan(
        le,
        "lx",
        "nLx",
        prevalence,
        by=by_cols,
        sample_size=sample_size,
        se=se,
        confidence=confidence,
    )
    out["life_expectancy"] = out["Tx"] / out["lx"]
    out["statistic"] = out["statistic"].str.replace("life expectancy", "healthy life expectancy")
    cols = [*by_cols, age_band, "value", "se"]
    for level in confidence_levels(confidence):
        cols += list(ci_columns(level))
    return out[[*cols, "life_expectancy", "statistic"]]
