"""Diagnosis ratios: observed against expected cases, and its gradient by deprivation.

:func:`diagnosis_ratio` gives, for any grouping: observed, expected, recorded and
expected prevalence, the diagnosis ratio O/E with exact Poisson limits on O below
10 and Byar's from 10 (E fixed, as :func:`jsna.stats.crude_rate` does), the
estimated number undiagnosed E - O with limits, and ranks.
:func:`diagnosis_gradient` models the ratio by deprivation quintile of residence
from practice registers (an ecological Poisson regression, identity link).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.columns import METHOD, STATISTIC, VALUE, as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values
from jsna.meta import copy_meta
from jsna.stats import intervals
from jsna.stats.common import (
    DEFAULT_CONFIDENCE,
    add_limits,
    ci_columns,
    confidence_levels,
    group_index,
    warn_degenerate,
)

__all__ = ["UNDIAGNOSED", "diagnosis_ratio", "diagnosis_gradient"]

#: Name of the column holding the estimated number undiagnosed (and the prefix of its limits).
UNDIAGNOSED = "undiagnosed"


def diagnosis_ratio(
    df: pd.DataFrame,
    observed: str,
    expected: str,
    *,
    by: str | Sequence[str] | None = None,
    denominator: str | None = None,
    rank_by: str | Sequence[str] | None = None,
    confidence=DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Diagnosis ratio O/E, recorded and expected prevalence, and the estimated number undiagnosed.

    Parameters
    ----------
    df : DataFrame
        One row per area (or per part, summed with ``by``).
    observed, expected : str
        Columns of recorded cases (the register) and expected cases.
    by : str or list of str, optional
        Grouping columns; observed, expected and denominator are summed.
    denominator : str, optional
        Column of the register's list size; gives ``recorded_pct`` and
        ``expected_pct``.
    rank_by : str or list of str, optional
        Rank within groups of these output columns (e.g. ``condition``);
        by default over all rows.
    confidence : float or sequence, default (0.95, 0.998)

    Returns
    -------
    DataFrame
        ``by`` columns (or the input columns), ``observed``, ``expected``,
        ``denominator`` (renamed ``list_size``), ``recorded_pct``,
        ``expected_pct``, ``value`` (O/E), its limits (``lower_ci95`` ...),
        ``undiagnosed`` (E - O) with ``undiagnosed_lower_ci95`` ... (E minus
        the limits of O), ``rank`` (1 = the lowest diagnosis ratio) and
        ``rank_undiagnosed`` (1 = the most undiagnosed), ``statistic`` and
        ``method`` ("Exact" below 10 observed, "Byars" from 10).

    Notes
    -----
    E is treated as fixed (it comes from a model); the limits are those of a
    Poisson count O divided by E. A register of 0 gives a ratio of 0 with a
    real upper limit. An expected count of 0 gives NaN and a UserWarning.

    Examples
    --------
    >>> df = pd.DataFrame({"area": ["A", "B"], "o": [80, 5], "e": [100.0, 10.0]})
    >>> out = diagnosis_ratio(df, "o", "e", by="area", confidence=0.95)
    >>> out[["area", "value", "lower_ci95", "upper_ci95", "undiagnosed", "rank", "method"]].round(4)
      area  value  lower_ci95  upper_ci95  undiagnosed  rank method
    0    A    0.8      0.6343      0.9957         20.0     2  Byars
    1    B    0.5      0.1623      1.1668          5.0     1  Exact
    """
    levels = confidence_levels(confidence)
    by = as_list(by)
    check_columns(
        df,
        {
            "observed": observed,
            "expected": expected,
            "by": by,
            "denominator": [denominator] if denominator else [],
        },
    )
    columns = [observed, expected] + ([denominator] if denominator else [])
    arrays = {c: numeric_column(df, c, c) for c in columns}
    for c, x in arrays.items():
        if (x < 0).any():
            raise DataValidationError(
                f"column {c!r} must be zero or more; found {first_values(x[x < 0].tolist())}"
            )
    if by:
        codes, keys = group_index(df, by)
        size = len(keys)
        sums = {}
        for c, x in arrays.items():
            missing = np.bincount(codes, np.isnan(x), minlength=size) > 0
            sums[c] = np.where(
                missing, np.nan, np.bincount(codes, np.nan_to_num(x), minlength=size)
            )
        base = keys.copy()
    else:
        sums = arrays
        keys = df[[]].reset_index(drop=True)
        base = df.reset_index(drop=True).drop(columns=columns)
    o, e = sums[observed], sums[expected]
    zero = e == 0
    warn_degenerate("diagnosis_ratio", zero, "an expected count of 0", keys if by else None)
    e = np.where(zero, np.nan, e)
    out: dict[str, object] = {"observed": o, "expected": e}
    if denominator:
        n = np.where(sums[denominator] == 0, np.nan, sums[denominator])
        out["list_size"] = sums[denominator]
        with np.errstate(divide="ignore", invalid="ignore"):
            out["recorded_pct"] = 100 * o / n
            out["expected_pct"] = 100 * e / n
    out[VALUE] = o / e

    def limits(level):
        lower, upper = intervals.poisson(o, level)
        return lower / e, upper / e

    add_limits(out, limits, levels)
    out[UNDIAGNOSED] = e - o
    for level in levels:
        lower, upper = intervals.poisson(o, level)
        lo_name, hi_name = ci_columns(level)
        out[f"{UNDIAGNOSED}_{lo_name}"] = e - upper
        out[f"{UNDIAGNOSED}_{hi_name}"] = e - lower
    rank_by = as_list(rank_by)
    check_columns(base, {"rank_by": rank_by})
    ranks = pd.DataFrame({VALUE: out[VALUE], UNDIAGNOSED: out[UNDIAGNOSED]})
    if rank_by:
        ranks = ranks.groupby([base[c].to_numpy() for c in rank_by], sort=False, dropna=False)
    out["rank"] = ranks[VALUE].rank(method="min", ascending=True).astype("Int64").to_numpy()
    out["rank_undiagnosed"] = (
        ranks[UNDIAGNOSED].rank(method="min", ascending=False).astype("Int64").to_numpy()
    )
    out[STATISTIC] = "diagnosis ratio (observed / expected)"
    out[METHOD] = np.where(
        np.isnan(o), None, np.where(o < intervals.BYARS_MIN_COUNT, "Exact", "Byars")
    )
    result = base.assign(**out)
    copy_meta(result, df)
    return result


def _poisson_identity_fit(observed: np.ndarray, design: np.ndarray, start: np.ndarray):
    """Maximum likelihood for O ~ Poisson(X b) (identity link) by Newton steps with step halving.

    Returns ``(b, covariance)`` from the observed information, or NaNs when it does not converge.
    """

    def loglik(b):
        mu = design @ b
        return -np.inf if (mu <= 0).any() else float((observed * np.log(mu) - mu).sum())

    b = start.astype(float)
    current = loglik(b)
    for _ in range(100):
        mu = design @ b
        score = design.T @ (observed / mu - 1)
        info = (design.T * (observed / mu**2)) @ design
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            break
        size = 1.0
        while size > 1e-8 and loglik(b + size * step) < current:
            size /= 2
        b = b + size * step
        new = loglik(b)
        if abs(new - current) < 1e-10 * (1 + abs(current)):
            current = new
            break
        current = new
    mu = design @ b
    info = (design.T * (observed / mu**2)) @ design
    try:
        return b, np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return np.full_like(b, np.nan), np.full((len(b), len(b)), np.nan)


def diagnosis_gradient(
    cells: pd.DataFrame,
    *,
    quintile: str = "imd_quintile",
    by: str | Sequence[str] | None = "condition",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Diagnosis ratio by deprivation quintile of residence, modelled from practice registers.

    Registers are counted per practice, so sharing them among LSOAs can
    only show differences between practices: within a practice, every LSOA
    gets the practice's own ratio. This function separates where patients
    live: each practice's register is modelled as Poisson with mean
    ``sum over its LSOAs of E x (a + b x (quintile - 3))``, a diagnosis ratio
    that changes linearly across national IMD quintiles (an ecological
    Poisson regression, identity link, fitted by maximum likelihood). The
    result gives the ratio in each quintile, ``a + b x (q - 3)``, and the
    gap between the least and most deprived quintiles, ``4 b``, with Wald
    limits from the observed information.

    Parameters
    ----------
    cells : DataFrame
        Practice x LSOA cells (``practice_code``, ``register``,
        ``expected``, ``quintile`` and the ``by`` columns), as in
        ``practice_gaps(...)["cells"]``. Cells with no quintile (patients
        living outside the authority) count at the average quintile.
    quintile : str, default "imd_quintile"
        Column of quintiles 1 (most deprived) to 5.
    by : str or list of str, default "condition"
        One model per group.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``by`` columns, ``imd_quintile`` (1-5, and ``"5 minus 1"`` for the
        gap), ``value`` (the modelled ratio, or for the gap the difference),
        the limits, ``practices`` (number in the model), ``statistic`` and
        ``method``. Fewer than 3 practices give NaN and a UserWarning.

    Examples
    --------
    >>> cells = pd.DataFrame({
    ...     "practice_code": ["P1", "P1", "P2", "P2", "P3", "P3"],
    ...     "imd_quintile": [1, 5, 1, 5, 1, 5],
    ...     "expected": [100.0, 0.0, 50.0, 50.0, 0.0, 100.0],
    ...     "register": [60, 0, 35, 35, 80, 0]})
    >>> out = diagnosis_gradient(cells, by=None)
    >>> out["value"].round(3).tolist()
    [0.6, 0.65, 0.7, 0.75, 0.8, 0.2]
    """
    by = as_list(by)
    check_columns(
        cells, {"cells": ["practice_code", "register", "expected"], "quintile": quintile, "by": by}
    )
    lo_name, hi_name = ci_columns(confidence)
    z = intervals.z_value(confidence)
    data = cells[cells["practice_code"].notna()]
    q = pd.to_numeric(data[quintile], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isnan(q) & ~np.isin(q, [1, 2, 3, 4, 5])
    if bad.any():
        raise DataValidationError(
            f"quintile column {quintile!r} has values outside 1-5: {first_values(q[bad].tolist())}"
        )
    frame = data.assign(
        _e=numeric_column(data, "expected", "expected"),
        _x=numeric_column(data, "expected", "expected") * np.nan_to_num(q - 3.0),
        _o=numeric_column(data, "register", "register"),
    )
    practice = (
        frame.groupby([*by, "practice_code"], sort=False, dropna=False)[["_o", "_e", "_x"]]
        .sum()
        .reset_index()
    )
    rows = []
    groups = practice.groupby(by, sort=False, dropna=False) if by else [((), practice)]
    too_few = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        part = part[part["_e"] > 0]
        o = part["_o"].to_numpy()
        design = np.column_stack([part["_e"].to_numpy(), part["_x"].to_numpy()])
        if len(part) < 3:
            b, cov = np.full(2, np.nan), np.full((2, 2), np.nan)
            too_few.append(", ".join(map(str, key)) or "all")
        else:
            b, cov = _poisson_identity_fit(o, design, np.array([o.sum() / design[:, 0].sum(), 0.0]))
        contrasts = [(str(k), np.array([1.0, k - 3.0])) for k in range(1, 6)] + [
            ("5 minus 1", np.array([0.0, 4.0]))
        ]
        for label, c in contrasts:
            value = float(c @ b)
            se = float(np.sqrt(c @ cov @ c))
            rows.append((*key, label, value, value - z * se, value + z * se, len(part)))
    if too_few:
        warnings.warn(
            f"diagnosis_gradient: fewer than 3 practices for {first_values(too_few)}; "
            "values are NaN",
            UserWarning,
            stacklevel=2,
        )
    out = pd.DataFrame(rows, columns=[*by, quintile, VALUE, lo_name, hi_name, "practices"])
    out[STATISTIC] = np.where(
        out[quintile] == "5 minus 1",
        "difference in diagnosis ratio, least minus most deprived",
        "diagnosis ratio (observed / expected), modelled",
    )
    out[METHOD] = (
        "Poisson regression of practice registers on expected cases by IMD quintile of residence "
        "(identity link, linear trend); Wald limits"
    )
    return out
