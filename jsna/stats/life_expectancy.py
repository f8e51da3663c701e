"""Life expectancy from deaths and populations in five-year age bands.

The abridged life table of Chiang (method II) with the variance of the final,
open-ended band from Silcocks et al. (2001), as in the OHID / PHE life
expectancy calculator and PHEindicatormethods ``phe_life_expectancy``.

The age bands are ``0, 1-4, 5-9, ..., 85-89, 90+`` (20 bands). An ``85+``
final band (19 bands) is also accepted, for areas whose populations are only
published to 85+ (asked for in PHEindicatormethods issue #96); the same
Silcocks variance is then applied to the 85+ band.

Every group's life table is computed at once on a (groups x bands) array, so
thousands of wards take a fraction of a second.
"""

from __future__ import annotations

import re
import warnings

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
    group_labels,
    take_rows,
)
from jsna.stats.intervals import z_value

__all__ = ["life_expectancy"]

#: Start ages of the standard 20 bands: 0, 1-4, 5-9, ..., 85-89, 90+.
START_AGES_90 = (0, 1, *range(5, 95, 5))
#: Start ages with an 85+ final band (19 bands).
START_AGES_85 = START_AGES_90[:-1]
#: Life expectancy is not calculated when a group's total population is at or
#: below this (PHEindicatormethods: ``total_pop <= 5000``).
MIN_TOTAL_POPULATION = 5_000
#: Life expectancy is suppressed (limits kept) when its 95% CI is wider than this.
MAX_CI95_WIDTH = 20.0
#: Radix of the life table (l at age 0).
RADIX = 100_000.0

_UNDER_ONE = re.compile(r"^\s*(<\s*1\b|under\s*1\b|0\s*(-|to|–)\s*0\b)", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")


def _start_age(label: object) -> tuple[int | None, bool]:
    """Start age of one age band label, and whether the label is a closed range.

    ``0``, ``"<1"``, ``"Under 1"`` -> 0; ``"1-4"``, ``"1–4"``, ``"01-04"`` -> 1;
    ``"90+"``, ``"90 +"``, ``90`` -> 90. Returns ``(None, False)`` when no age
    can be read.
    """
    if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
        return int(label), False
    if isinstance(label, (float, np.floating)):
        if np.isfinite(label) and float(label).is_integer():
            return int(label), False
        return None, False
    text = str(label)
    if _UNDER_ONE.match(text):
        return 0, True
    numbers = _NUMBER.findall(text)
    if not numbers:
        return None, False
    return int(numbers[0]), len(numbers) > 1


def _band_positions(labels: pd.Series, argument: str) -> tuple[np.ndarray, tuple[int, ...]]:
    """Position of each row's band in the band layout, and the layout's start ages."""
    codes, uniques = pd.factorize(labels, use_na_sentinel=True)
    if (codes < 0).any():
        raise DataValidationError(
            f"{argument} column {labels.name!r} has missing values; every row needs an age band "
            "(0, 1-4, 5-9, ..., 85-89, 90+)"
        )
    parsed = [_start_age(u) for u in uniques]
    starts = np.array([p[0] if p[0] is not None else -1 for p in parsed])
    closed = np.array([p[1] for p in parsed])
    unknown = [u for u, s in zip(uniques, starts, strict=True) if s not in START_AGES_90]
    if unknown:
        raise DataValidationError(
            f"{argument} column {labels.name!r} has bands that are not life table bands: "
            f"{first_values(unknown)}; use 0, 1-4, 5-9, ..., 85-89, 90+ (or 85+ as the last band)"
        )
    if 90 in starts:
        layout = START_AGES_90
    else:
        closed_85 = [u for u, s, c in zip(uniques, starts, closed, strict=True) if s == 85 and c]
        if closed_85:
            raise DataValidationError(
                f"{argument} column {labels.name!r} has no 90+ band and its 85 band "
                f"{first_values(closed_85)} is closed; add the 90+ rows, or label the last band 85+"
            )
        layout = START_AGES_85
    lookup = np.full(91, -1)
    lookup[list(layout)] = np.arange(len(layout))
    return lookup[starts][codes], layout


def _life_table(deaths: np.ndarray, pops: np.ndarray, layout: tuple[int, ...]):
    """Chiang II life expectancy and its standard error for every group and start age.

    ``deaths`` and ``pops`` are (groups x bands) arrays of valid groups.
    """
    nb = len(layout)
    start = np.asarray(layout, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = deaths / pops
        n = np.empty_like(m)
        n[:, :-1] = np.diff(start)
        n[:, -1] = 2.0 / m[:, -1]
        a = np.where(start == 0, 0.1, 0.5)
        q = m * n / (1.0 + m * n * (1.0 - a))
        q[:, -1] = 1.0
        q = np.minimum(q, 1.0)  # deaths >= 40% of the population of a 5-year band
        p = 1.0 - q
        ell = np.empty_like(m)
        ell[:, 0] = RADIX
        ell[:, 1:] = RADIX * np.cumprod(p[:, :-1], axis=1)
        ell_next = np.zeros_like(ell)
        ell_next[:, :-1] = ell[:, 1:]
        d = ell - ell_next
        big_l = n * (ell_next + a * d)
        big_l[:, -1] = ell[:, -1] / m[:, -1]
        big_t = np.cumsum(big_l[:, ::-1], axis=1)[:, ::-1]
        e = np.where(ell == 0, 0.0, big_t / ell)
        var_p = np.where(d == 0, 0.0, q**2 * (1.0 - q) / deaths)
        var_p[:, -1] = 4.0 / (deaths[:, -1] * m[:, -1] ** 2)
        e_next = np.zeros_like(e)
        e_next[:, :-1] = e[:, 1:]
        w = var_p * ell**2 * ((1.0 - a) * n + e_next) ** 2
        w[:, -1] = (ell[:, -1] / 2.0) ** 2 * var_p[:, -1]
        big_st = np.cumsum(w[:, ::-1], axis=1)[:, ::-1]
        se = np.sqrt(big_st / ell**2)
    assert e.shape[1] == nb
    return e, se, ell, big_l, big_t


def life_expectancy(
    df: pd.DataFrame,
    deaths: str,
    population: str,
    *,
    by: str | list[str] | None,
    age_band: str,
    confidence=DEFAULT_CONFIDENCE,
    life_table: bool = False,
) -> pd.DataFrame:
    """Life expectancy at every start age, with confidence limits (Chiang II, Silcocks).

    One output row per group and age band: the life expectancy of a person
    at the start of that band, with limits from the Chiang variance plus the
    Silcocks et al. term for the final, open-ended band.

    Parameters
    ----------
    df : DataFrame
        One row per group and age band.
    deaths, population : str
        Columns of deaths and (mid-year) population in the band. Over several
        years, pass the summed deaths and summed populations (person-years).
    by : str, list of str or None
        Grouping columns (kept in the output); ``None`` treats the whole frame
        as one group.
    age_band : str
        Column of age bands: start ages (``0, 1, 5, ..., 90``) or labels such
        as ``"<1"``, ``"1-4"``, ``"10 - 14"``, ``"90+"``. The bands are matched
        by the start age read from the label, never by row position. The
        last band is 90+ (20 bands), or 85+ (19 bands) when no row starts at
        90 and the 85 band is not written as a closed range like ``"85-89"``.
    confidence : float or sequence of float
        Confidence level(s) in (0, 1); default ``(0.95, 0.998)``. A
        percentage such as ``95`` is refused with a hint to give ``0.95``.
    life_table : bool, default False
        Also return the life table columns ``lx`` (survivors to the start of
        the band, radix 100,000), ``nLx`` (person-years lived in the band)
        and ``Tx`` (person-years lived from the start of the band on), for
        decompositions and Sullivan health expectancies. They are given for
        every valid group, also where ``value`` is suppressed for a wide
        interval, and are NaN for the invalid groups.

    Returns
    -------
    DataFrame
        The ``by`` columns, the ``age_band`` column as given, ``value``, the
        limits (``lower_ci95, upper_ci95, lower_ci99_8, upper_ci99_8`` by
        default), ``statistic`` (``"life expectancy at age 65"``) and
        ``method``; with ``life_table=True``, ``lx``, ``nLx`` and ``Tx``
        before ``statistic``. Rows are ordered by group (first appearance) then age.

    Warns
    -----
    UserWarning
        The published rules make a whole group NaN, with one warning per
        rule naming the first groups: a missing (NaN) death or population
        count; negative deaths; a zero or negative population; a missing age
        band; more deaths than population in a band; a total population of
        5,000 or less; no deaths in the final band. Separately, a value whose
        95% confidence interval is wider than 20 years is set to NaN while
        its limits are kept.

    Raises
    ------
    DataValidationError
        A column is missing or not numeric; an age band cannot be read or is
        not a life table band; a band appears twice in a group (a grouping
        column is probably missing from ``by``); a bad ``confidence``.

    Notes
    -----
    Chiang's abridged life table with fractions of the interval lived by
    those dying of 0.1 for age 0 and 0.5 otherwise; the probability of dying
    is capped at 1 (the correction of PHEindicatormethods 1.3.0). The
    variance of the final band is ``4 / (D * M**2)`` (Silcocks et al. 2001).
    An empty frame gives an empty result.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "age": [0, 1, *range(5, 95, 5)],
    ...     "pop": [7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601,
    ...             50209, 56416, 46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936],
    ...     "deaths": [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872,
    ...                1390, 1605, 1936, 1937],
    ... })
    >>> le = life_expectancy(df, "deaths", "pop", by=None, age_band="age", confidence=0.95)
    >>> le.loc[0, ["value", "lower_ci95", "upper_ci95"]].astype(float).round(4).tolist()
    [80.1696, 79.8827, 80.4565]
    >>> le.loc[0, "statistic"]
    'life expectancy at age 0'
    """
    by_cols = as_list(by)
    check_columns(
        df, {"deaths": deaths, "population": population, "by": by_cols, "age_band": age_band}
    )
    check_rows(df, "life_expectancy")
    levels = confidence_levels(confidence)
    out_cols = [*by_cols, age_band, "value"]
    for level in levels:
        out_cols += list(ci_columns(level))
    if life_table:
        out_cols += ["lx", "nLx", "Tx"]
    out_cols += ["statistic", "method"]
    if df.empty:
        return pd.DataFrame({c: df[c] for c in [*by_cols, age_band]}).reindex(columns=out_cols)

    d_row = numeric_column(df, deaths, "deaths")
    p_row = numeric_column(df, population, "population")
    band, layout = _band_positions(df[age_band], "age_band")
    nb = len(layout)
    codes, keys = group_index(df, by_cols)
    ng = len(keys)

    cell = codes * nb + band
    counts = np.bincount(cell, minlength=ng * nb).reshape(ng, nb)
    if (counts > 1).any():
        g, b = np.argwhere(counts > 1)[0]
        where = "" if not by_cols else f" in group {group_labels(keys, np.arange(ng) == g)}"
        raise DataValidationError(
            f"age_band {layout[b]} appears {counts[g, b]} times{where}; each group needs one row "
            "per band: add the missing grouping column to by= or sum the rows first"
        )
    dd = np.full((ng, nb), np.nan)
    pp = np.full((ng, nb), np.nan)
    dd.flat[cell] = d_row
    pp.flat[cell] = p_row
    present = counts == 1

    final = f"{layout[-1]}+"
    rules = [
        (
            "a missing (NaN) deaths or population value",
            (present & (np.isnan(dd) | np.isnan(pp))).any(1),
        ),
        ("negative deaths", (dd < 0).any(1)),
        ("a zero or negative population", (pp <= 0).any(1)),
        (f"a missing age band (all {nb} bands 0, 1-4, ..., {final} are needed)", ~present.all(1)),
        ("more deaths than population in an age band", (dd > pp).any(1)),
        (
            f"a total population of {MIN_TOTAL_POPULATION:,} or less",
            np.nansum(pp, 1) <= MIN_TOTAL_POPULATION,
        ),
        (f"no deaths in the {final} band", dd[:, -1] == 0),
    ]
    invalid = np.zeros(ng, dtype=bool)
    for what, mask in rules:
        mask = mask & ~invalid  # one warning per group, for the first rule it breaks
        if mask.any():
            warnings.warn(
                f"life_expectancy: {int(mask.sum())} group(s) have {what}; their life expectancy "
                f"is NaN: {group_labels(keys, mask)}",
                UserWarning,
                stacklevel=2,
            )
        invalid |= mask

    e = np.full((ng, nb), np.nan)
    se = np.full((ng, nb), np.nan)
    table = np.full((3, ng, nb), np.nan)
    ok = ~invalid
    if ok.any():
        e[ok], se[ok], table[0, ok], table[1, ok], table[2, ok] = _life_table(
            dd[ok], pp[ok], layout
        )
    e[~np.isfinite(e)] = np.nan

    wide = 2 * z_value(0.95) * se > MAX_CI95_WIDTH
    if wide.any():
        warnings.warn(
            f"life_expectancy: {int(wide.sum())} value(s) have a 95% confidence interval wider "
            "than "
            f"{MAX_CI95_WIDTH:g} years and are set to NaN (their limits are kept); groups: "
            f"{group_labels(keys, wide.any(1))}",
            UserWarning,
            stacklevel=2,
        )

    order = np.lexsort((band, codes))
    flat = cell[order]
    out = pd.DataFrame({c: take_rows(df[c], order) for c in [*by_cols, age_band]})
    out["value"] = np.where(wide.flat[flat], np.nan, e.flat[flat])
    se_rows = se.flat[flat]
    e_rows = e.flat[flat]
    for level in levels:
        lower, upper = ci_columns(level)
        z = z_value(level)
        out[lower] = e_rows - z * se_rows
        out[upper] = e_rows + z * se_rows
    if life_table:
        for name, values in zip(("lx", "nLx", "Tx"), table, strict=True):
            out[name] = values.flat[flat]
    names = np.array([f"life expectancy at age {a}" for a in layout], dtype=object)
    out["statistic"] = names[band[order]]
    out["method"] = f"Chiang II abridged life table; Silcocks et al. variance for the {final} band"
    return out[out_cols]
