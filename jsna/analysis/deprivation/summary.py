"""Local-authority summaries of the English Indices of Deprivation, from the LSOA file.

The Indices rank small areas (LSOAs); MHCLG also publishes summaries for local
authority districts (IoD2025 File 10, "Local authority district summaries"), the
figures analysts quote ("Knowsley is the 13th most deprived of 296"). This module
recomputes them from the LSOA file (File 7) for every authority at once.

Method
------
As described in the IoD research and technical reports (MHCLG, *The English Indices
of Deprivation 2019: Research report*, Noble et al., September 2019, section on
summary measures for larger areas; *Technical report*, McLennan et al., September
2019, Appendix N, quoted in humaniverse/IMD ``R/extent.R``; kept unchanged for
IoD2025 - *The English Indices of Deprivation 2025: Technical report*; the
definitions are also given with DCLG's Open Data Communities IoD2010 summaries and
the GLA datastore's "Indices of Multiple Deprivation, Borough"):

* **Average score**: the population-weighted mean of the LSOA scores.
* **Average rank**: the population-weighted mean of the LSOA ranks, with the LSOAs
  ranked so that the *most* deprived has the highest rank (N, the number of LSOAs
  in England: 33,755 in IoD2025, 32,844 in IoD2019). Published this way, so a
  higher average rank is more deprived.
* **Proportion of LSOAs in the most deprived 10% nationally**: the LSOAs in national
  decile 1 over all the authority's LSOAs (not population-weighted).
* **Extent**: the share of the population living in the most deprived 30% of LSOAs
  nationally, weighted: 1 in the most deprived 10%, then a sliding weight from 0.95
  in the 11th percentile down by 0.9/19 per percentile to 0.05 in the 30th, 0
  beyond. The percentile of an LSOA is ``ceil(100 * rank / N)`` (rank 1 = most
  deprived), the rule that reproduces the published deciles (``ceil(10 * rank / N)``)
  for all 33,755 LSOAs of IoD2025.
* **Local concentration**: the population-weighted mean of the (reversed) ranks of
  the authority's most deprived LSOAs that hold exactly 10% of its population; the
  LSOA that crosses the 10% line counts only for the people needed to reach it.

Authorities are then ranked on each measure, 1 = most deprived; ties share the
lowest rank (as File 10, where every authority with no LSOA in the most deprived
10% gets the same rank).

Population weights
------------------
The published summaries weight by the release's own denominators: IoD2025 File 7
``Total population: mid 2022`` (IoD2019: ``Total population: mid 2015 (excluding
prisoners)``). :func:`jsna.io.imd.read_imd` keeps that column as ``population``
where the file has it, and :func:`authority_summaries` uses it by default. Other
populations (e.g. ONS mid-2020 estimates moved to 2021 LSOAs) give averages that
differ a little from the published ones: in IoD2025, with mid-2020 estimates on
2011 LSOAs bridged to 2021 LSOAs, the average score differs by 0.16 on average
and 1.1 at most (Westminster), and ranks among authorities by up to 18 places.
Equal weights (no population at all) roughly double those differences.
The proportion of LSOAs in the most deprived 10% needs no population and matches
File 10 exactly.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from jsna.analysis.geography import lsoa_column
from jsna.columns import POPULATION, code_column
from jsna.exceptions import DataValidationError, GeographyError, first_values
from jsna.meta import meta, with_meta

__all__ = ["SUMMARY_MEASURES", "authority_summaries"]

#: Summary measures, each followed in the output by ``rank_of_<measure>`` (1 = most deprived).
SUMMARY_MEASURES = (
    "average_score",
    "average_rank",
    "proportion_most_deprived_10",
    "extent",
    "local_concentration",
)


def _authorities(imd: pd.DataFrame, lad: pd.DataFrame | None, lsoa: str) -> tuple[pd.Series, ...]:
    """The authority code (and name, if any) of each LSOA of ``imd``, in its order."""
    source = imd if lad is None else lad
    if lad is not None and lsoa not in lad.columns:
        raise GeographyError(
            f"the lad lookup has no {lsoa!r} column (the IMD file's LSOA vintage); its columns "
            f"are {first_values(list(lad.columns), 10)}: pass the lookup.lsoa_ward_lad frame "
            "of the same LSOA vintage"
        )
    code = code_column(source, "lad")
    name = code.replace("_code", "_name")
    keep = [code] + ([name] if name in source.columns else [])
    if lad is None:
        found = imd[keep]
    else:
        pairs = lad[[lsoa, *keep]].drop_duplicates(lsoa)
        found = imd[[lsoa]].merge(pairs, on=lsoa, how="left")[keep]
    missing = found[code].isna().to_numpy()
    if missing.any():
        raise DataValidationError(
            f"{int(missing.sum())} LSOAs have no local authority ({code}): "
            f"{first_values(imd.loc[missing, lsoa])}; pass a lookup (lad=) that covers every "
            "LSOA of the IMD file"
        )
    return tuple(found[c].reset_index(drop=True) for c in keep)


def _weights(imd: pd.DataFrame, population, lsoa: str) -> tuple[np.ndarray, str]:
    """LSOA weights in ``imd`` order, and a note saying which were used."""
    if population is None and POPULATION in imd.columns and imd[POPULATION].notna().any():
        values = pd.to_numeric(imd[POPULATION], errors="coerce").to_numpy(dtype=float)
        used = "the population denominators of the IoD release (File 7)"
    elif population is None:
        warnings.warn(
            "authority_summaries: no population given and the IMD file has none; every LSOA "
            "is weighted equally, so average score, average rank, extent and local "
            "concentration differ from the published (population-weighted) summaries",
            UserWarning,
            stacklevel=3,
        )
        return np.ones(len(imd)), "Every LSOA weighted equally (no population was given)."
    else:
        if not isinstance(population, pd.Series):
            raise DataValidationError(
                f"population must be a Series of residents indexed by {lsoa}, not "
                f"{type(population).__name__}"
            )
        values = (
            pd.to_numeric(population, errors="coerce")
            .groupby(level=0)
            .sum(min_count=1)
            .reindex(imd[lsoa])
            .to_numpy(dtype=float)
        )
        period = meta(population, "period", "")
        used = "population estimates" + (f" for {period}" if period else "") + " as given"
    bad = values < 0
    if bad.any():
        raise DataValidationError(
            f"population is negative for LSOAs {first_values(imd.loc[bad, lsoa])}: "
            f"{first_values(values[bad])}; weights must be residents (0 or more)"
        )
    return values, f"Population-weighted with {used}."


def _rank(values: np.ndarray) -> pd.Series:
    """Rank among authorities, 1 = the highest value (most deprived); ties share the lowest."""
    return pd.Series(values).rank(ascending=False, method="min").astype("Int64")


def authority_summaries(
    imd: pd.DataFrame,
    population: pd.Series | None = None,
    *,
    lad: pd.DataFrame | None = None,
    domain: str = "imd",
    n_national: int | None = None,
) -> pd.DataFrame:
    """The IoD local-authority summary measures of every authority, from the LSOA file.

    Average score, average rank, the proportion of LSOAs in the most deprived 10%
    nationally, extent and local concentration, each with the authority's rank
    among all authorities (1 = most deprived), computed as MHCLG's File 10 (see the
    module docstring for the method and its sources).

    Parameters
    ----------
    imd : pandas.DataFrame
        The IoD LSOA file as read by :func:`jsna.io.imd.read_imd` (``lsoa21_code``
        or ``lsoa11_code``, ``<domain>_rank``, ``<domain>_decile`` and, for the
        average score, ``<domain>_score``). Ranks are national, 1 = most deprived.
        Pass the whole England file: summaries of part of England have no ranks.
    population : pandas.Series, optional
        Residents indexed by the LSOA code of ``imd``. Default: the file's own
        ``population`` column (the release's denominators), else equal weights
        with a warning.
    lad : pandas.DataFrame, optional
        LSOA to local authority lookup (e.g. ``pack.read("lookup.lsoa_ward_lad")``)
        with the LSOA column of ``imd`` and one ``lad<YY>_code`` column (and its
        ``_name``). Default: the ``lad<YY>_code`` column of ``imd`` (File 7 has one).
    domain : str
        ``"imd"`` (default) or a domain of :data:`jsna.io.imd.DOMAINS`
        (``"income"``, ``"employment"``...).
    n_national : int, optional
        Number of LSOAs in England for the edition, needed only when ``imd`` holds
        part of England (IoD2025: 33,755; IoD2019: 32,844).

    Returns
    -------
    pandas.DataFrame
        One row per authority, sorted by code: ``lad<YY>_code`` (and ``_name``),
        ``n_lsoas``, ``n_most_deprived_10``, ``population`` (sum of the weights),
        then each of :data:`SUMMARY_MEASURES` followed by ``rank_of_<measure>``
        (nullable integers; missing when ``imd`` is not the whole of England, and
        for the population-weighted measures when any authority lacks population).
        Average rank and local concentration use reversed LSOA ranks (N = most
        deprived), as published. Metadata: ``edition`` and ``note`` (the weights
        used).

    Raises
    ------
    DataValidationError
        Missing columns, LSOAs without an authority, negative population, or
        ranks that are not national.

    Warns
    -----
    UserWarning
        Equal weights (no population); authorities whose population is incomplete
        (their population-weighted measures are NaN); ranks left out for part of
        England.

    Examples
    --------
    A country of ten LSOAs (rank 1 = most deprived) in two authorities; A has
    1,000 residents in four LSOAs, B 600 in six:

    >>> imd = pd.DataFrame({
    ...     "lsoa21_code": list("abcdefghij"),
    ...     "imd_score": [60.0, 50, 40, 35, 30, 25, 20, 15, 10, 5],
    ...     "imd_rank": range(1, 11), "imd_decile": range(1, 11),
    ...     "lad24_code": ["A", "A", "B", "B", "A", "B", "B", "B", "B", "A"],
    ... })
    >>> pop = pd.Series([100.0, 300, 100, 100, 100, 100, 100, 100, 100, 500],
    ...                 index=imd["lsoa21_code"])
    >>> out = authority_summaries(imd, pop)
    >>> out[["lad24_code", "average_score", "average_rank", "rank_of_average_rank"]].round(3)
      lad24_code  average_score  average_rank  rank_of_average_rank
    0          A         26.500         4.800                     2
    1          B         24.167         4.833                     1
    >>> out[["proportion_most_deprived_10", "extent", "local_concentration"]].round(3)
       proportion_most_deprived_10  extent  local_concentration
    0                         0.25   0.257                 10.0
    1                         0.00   0.008                  8.0

    A's score is higher but its average rank lower: 500 of its people live in the
    least deprived LSOA. Its extent is (100 x 1 + 300 x 0.526) / 1,000, the rank-2
    LSOA being in the 20th percentile; its most deprived 100 residents (10%) all live
    in the rank-1 LSOA (reversed rank 10), while B's 60 live in its rank-3 LSOA (8).
    """
    lsoa = lsoa_column(imd)
    rank_col, decile_col, score_col = (f"{domain}_{m}" for m in ("rank", "decile", "score"))
    for column in (rank_col, decile_col):
        if column not in imd.columns:
            raise DataValidationError(
                f"authority_summaries needs the {column!r} column (domain {domain!r}); the IMD "
                f"frame has {first_values(list(imd.columns), 12)}"
            )
    imd = imd.reset_index(drop=True)
    rank = pd.to_numeric(imd[rank_col], errors="coerce").to_numpy(dtype=float)
    decile = pd.to_numeric(imd[decile_col], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(rank) | (rank < 1) | np.isnan(decile)
    if bad.any():
        raise DataValidationError(
            f"{rank_col!r} or {decile_col!r} is missing or below 1 for LSOAs "
            f"{first_values(imd.loc[bad, lsoa])}; national ranks start at 1 (most deprived)"
        )
    whole = n_national is None
    n = len(imd) if whole else int(n_national)
    if whole and rank.max() != n:
        raise DataValidationError(
            f"the {rank_col!r} values of these {n:,} LSOAs run from {rank.min():,.0f} to "
            f"{rank.max():,.0f}, not the national 1 to {n:,}: this is not the whole England "
            "file; pass it, or n_national= (IoD2025: 33755, IoD2019: 32844) for part of it"
        )
    if rank.max() > n:
        raise DataValidationError(
            f"{rank_col!r} goes up to {rank.max():,.0f}, above n_national={n:,}; give the "
            "number of LSOAs in England for the edition"
        )
    score = (
        pd.to_numeric(imd[score_col], errors="coerce").to_numpy(dtype=float)
        if score_col in imd.columns
        else np.full(len(imd), np.nan)
    )
    codes, *names = _authorities(imd, lad, lsoa)
    weights, used = _weights(imd, population, lsoa)

    group, uniques = pd.factorize(codes, sort=True)
    g = len(uniques)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=values, minlength=g)

    missing_pop = total(np.isnan(weights)) > 0
    w = np.nan_to_num(weights)
    people = total(w)
    reversed_rank = n + 1 - rank
    with np.errstate(invalid="ignore", divide="ignore"):
        average_score = total(w * np.nan_to_num(score)) / people
        average_score[total(np.isnan(score)) > 0] = np.nan
        average_rank = total(w * reversed_rank) / people
        n_lsoas = np.bincount(group, minlength=g)
        n_top = total((decile == 1).astype(float))
        proportion = n_top / n_lsoas
        percentile = np.ceil(100 * rank / n)
        sliding = np.where(
            percentile <= 10,
            1.0,
            np.where(percentile <= 30, 0.95 - (0.9 / 19) * (percentile - 11), 0.0),
        )
        extent = total(w * sliding) / people
        # Local concentration: within each authority, most deprived first, the people
        # needed to reach 10% of its population.
        order = np.lexsort((rank, group))
        gs, ws = group[order], w[order]
        before = np.cumsum(ws) - ws - np.concatenate([[0.0], np.cumsum(people)[:-1]])[gs]
        take = np.clip(0.1 * people[gs] - before, 0.0, ws)
        local = np.bincount(gs, weights=take * reversed_rank[order], minlength=g) / np.bincount(
            gs, weights=take, minlength=g
        )
    weighted = [average_score, average_rank, extent, local]
    empty = missing_pop | (people <= 0)
    for values in weighted:
        values[empty] = np.nan
    if empty.any():
        warnings.warn(
            f"authority_summaries: {int(empty.sum())} authorities have LSOAs without population "
            f"(or none at all): {first_values(uniques[empty])}; their population-weighted "
            "measures are NaN, and so are every authority's ranks on those measures",
            UserWarning,
            stacklevel=2,
        )
    out = pd.DataFrame({codes.name: np.asarray(uniques)})
    if names:
        first_name = pd.Series(names[0].to_numpy()).groupby(group).first()
        out[names[0].name] = first_name.reindex(range(g)).to_numpy()
    out["n_lsoas"] = n_lsoas
    out["n_most_deprived_10"] = n_top.astype(int)
    out[POPULATION] = np.where(missing_pop, np.nan, people)
    measures = [average_score, average_rank, proportion, extent, local]
    values = dict(zip(SUMMARY_MEASURES, measures, strict=True))
    ranked = whole or len(imd) == n
    if not ranked:
        warnings.warn(
            f"authority_summaries: the IMD frame holds {len(imd):,} of England's {n:,} LSOAs; "
            "ranks among authorities need the whole England file and are left empty",
            UserWarning,
            stacklevel=2,
        )
    for measure, v in values.items():
        out[measure] = v
        rankable = ranked and not (empty.any() and measure != "proportion_most_deprived_10")
        out[f"rank_of_{measure}"] = _rank(v) if rankable else pd.array([pd.NA] * g, dtype="Int64")
    note = (
        f"{used} Summary measures as MHCLG's local authority district summaries (File 10); "
        "rank 1 = most deprived."
    )
    return with_meta(out, edition=meta(imd, "edition", ""), note=note)
