"""Inequality statistics: the slope and relative indices of inequality, and quantiles.

``sii`` follows PHEindicatormethods ``phe_sii`` (Low & Low 2004): each
quantile (e.g. deprivation decile, 1 = most deprived) gets a relative rank,
the midpoint of its share of the cumulative population; a regression
weighted by population share is fitted; the SII is the fitted difference
between the ends of the scale (rank 1 minus rank 0) and the RII their ratio.
Confidence limits are simulated: each quantile's value is redrawn from a
normal distribution around it (on the log scale for rates, the logit scale
for proportions) and the regression refitted, many times.

``quantiles`` assigns areas to quantiles by the OHID rule used by
PHEindicatormethods ``phe_quantile`` (ties share a quantile).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import special

from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values
from jsna.stats.common import (
    DEFAULT_CONFIDENCE,
    check_rows,
    ci_columns,
    confidence_levels,
    group_index,
    group_labels,
)
from jsna.stats.intervals import z_value

__all__ = ["sii", "quantiles"]

VALUE_TYPES = ("rate", "proportion", "other")
#: Fewest simulations accepted (as PHEindicatormethods).
MIN_REPETITIONS = 1_000
#: Fewest and most distinct quantiles accepted; more than WARN_QUANTILES warns.
MIN_QUANTILES, MAX_QUANTILES, WARN_QUANTILES = 5, 100, 10
#: Simulated values held in memory at once (per chunk of groups and repetitions).
_CHUNK_ELEMENTS = 1 << 22


def _forward(x: np.ndarray, value_type: str) -> np.ndarray:
    """The scale the simulation works on: log for rates, logit for proportions."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if value_type == "rate":
            return np.log(x)
        if value_type == "proportion":
            return np.log(x / (1.0 - x))
    return x


def _inverse(x: np.ndarray, value_type: str) -> np.ndarray:
    with np.errstate(over="ignore"):
        if value_type == "rate":
            return np.exp(x)
        if value_type == "proportion":
            return special.expit(x)
    return x


def _indices(b0: np.ndarray, b1: np.ndarray, back) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SII, RII and intercept from the fitted coefficients (``back`` undoes a transform)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if back is None:
            return b1, (b0 + b1) / b0, b0
        y0, y1 = back(b0), back(b0 + b1)
        return y1 - y0, y1 / y0, y0


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise DataValidationError(f"{name}={value!r} is not one of {', '.join(map(repr, choices))}")


def sii(
    df: pd.DataFrame,
    value: str,
    population: str,
    quantile: str,
    *,
    by: str | list[str] | None,
    lower: str | None = "lower_ci95",
    upper: str | None = "upper_ci95",
    se: str | None = None,
    value_type: str = "other",
    transform: bool = False,
    multiplier: float = 1,
    repetitions: int = 100_000,
    seed: int | None = 1,
    confidence=DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Slope index of inequality (SII) and relative index (RII) with simulated limits.

    Parameters
    ----------
    df : DataFrame
        One row per group and quantile.
    value : str
        Column of the indicator value in each quantile. Proportions must be
        on the 0-1 scale (use ``multiplier=100`` to report percentages).
    population : str
        Column of the quantile's population (the regression weights).
    quantile : str
        Column of quantile numbers, ordered from most deprived (lowest
        number, relative rank near 0) to least deprived.
    by : str, list of str or None
        Grouping columns (kept in the output); ``None`` for one group.
    lower, upper : str or None
        Columns of the value's 95% confidence limits, used for its standard
        error when ``se`` is not given. Default ``lower_ci95``/``upper_ci95``.
    se : str, optional
        Column of standard errors, used instead of the limits. It is on the
        simulation's scale: of log(value) for rates, of logit(value) for
        proportions, of the value itself otherwise. Not allowed with
        ``transform=True``.
    value_type : {"other", "rate", "proportion"}
        Rates are simulated on the log scale and proportions on the logit
        scale; "other" values (e.g. life expectancy) on their own scale.
    transform : bool
        Fit the regression on the log (rates) or logit (proportions) scale
        and back-transform the SII, RII and intercept (for indicators whose
        relation to deprivation is not linear).
    multiplier : float
        Multiplies the SII and its limits (e.g. 100 for percentages). A
        negative multiplier also inverts the RII, for indicators where lower
        is better.
    repetitions : int
        Number of simulations, at least 1,000; default 100,000.
    seed : int or None
        Seed of the simulation (default 1), so that results are reproducible.
        The same standard normal draws are used for every group, so a
        group's limits do not depend on which other groups are in the frame.
        ``None`` draws fresh randomness.
    confidence : float or sequence of float
        Level(s) of the simulated limits; default ``(0.95, 0.998)``. The
        limits are the order statistics at positions ``round(R * (1 - c) / 2)``
        and ``round(R * (1 + c) / 2)`` of the ``R`` sorted simulations, as in
        PHEindicatormethods.

    Returns
    -------
    DataFrame
        Two rows per group, ``statistic`` ``"sii"`` and ``"rii"``, each with
        ``value`` and simulated limits (``lower_ci95, upper_ci95,
        lower_ci99_8, upper_ci99_8`` by default); ``intercept`` (the fitted
        value at the most deprived end, relative rank 0, on the scale of
        ``value`` and not multiplied) and ``method``.

    Warns
    -----
    UserWarning
        A group without exactly one row for every quantile in the data (for
        example a one-row group), or with a missing (NaN) value, standard
        error, limit or population, a zero population, or a value that
        cannot be log- or logit-transformed (a rate of 0, a proportion of 0
        or 1), gets NaN. More than 10 quantiles warns that the SII may be
        unstable.

    Raises
    ------
    DataValidationError
        A missing or non-numeric column; missing quantile numbers; a
        quantile repeated within a group; fewer than 5 or more than 100
        distinct quantiles; negative populations or standard errors; an upper
        limit below the lower; proportions or their limits outside 0-1;
        ``transform=True`` with ``value_type="other"`` or with ``se``; fewer
        than 1,000 repetitions; a bad ``confidence`` (``95`` is refused:
        give ``0.95``).

    Notes
    -----
    With quantile population shares ``a`` and relative ranks ``b`` (the
    midpoints of the cumulative shares), the model
    ``y * sqrt(a) = b0 * sqrt(a) + b1 * b * sqrt(a)`` is fitted by least
    squares; SII = ``b1`` and RII = ``(b0 + b1) / b0`` (with ``transform``,
    SII = ``f(b0 + b1) - f(b0)`` and RII = ``f(b0 + b1) / f(b0)`` where
    ``f`` undoes the transform). The simulation is vectorised across
    groups and repetitions and processed in chunks, so memory stays small.
    An empty frame gives an empty result.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "decile": range(1, 11),
    ...     "pop": [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534],
    ...     "le": [75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3],
    ...     "se": [1.64, 1.58, 1.51, 1.78, 1.7, 1.56, 1.37, 1.4, 2.43, 1.57],
    ... })
    >>> out = sii(df, "le", "pop", "decile", by=None, se="se", confidence=0.95)
    >>> out[["statistic", "value", "lower_ci95", "upper_ci95"]].round(2)
      statistic  value  lower_ci95  upper_ci95
    0       sii   7.00        3.19       10.86
    1       rii   1.09        1.04        1.14
    """
    by_cols = as_list(by)
    _check_choice("value_type", value_type, VALUE_TYPES)
    if not isinstance(transform, (bool, np.bool_)):
        raise DataValidationError(f"transform={transform!r} must be True or False")
    if transform and value_type == "other":
        raise DataValidationError(
            "transform=True needs value_type='rate' (log) or 'proportion' (logit); "
            "'other' values are never transformed"
        )
    if transform and se is not None:
        raise DataValidationError(
            "se cannot be used with transform=True: the standard error is taken from the "
            "transformed 95% limits; pass lower= and upper= instead"
        )
    if (
        isinstance(repetitions, bool)
        or not isinstance(repetitions, Integral)
        or repetitions < MIN_REPETITIONS
    ):
        raise DataValidationError(
            f"repetitions={repetitions!r} must be a whole number of at least {MIN_REPETITIONS:,} "
            "(default 100,000)"
        )
    if (
        isinstance(multiplier, bool)
        or not isinstance(multiplier, Real)
        or not np.isfinite(multiplier)
        or multiplier == 0
    ):
        raise DataValidationError(
            f"multiplier={multiplier!r} must be a non-zero number such as 1, 100 or -1"
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, Integral)):
        raise DataValidationError(f"seed={seed!r} must be a whole number or None")
    levels = confidence_levels(confidence)
    limit_cols = {"se": se} if se is not None else {"lower": lower, "upper": upper}
    if se is None and (lower is None or upper is None):
        raise DataValidationError("sii needs the value's 95% limits (lower= and upper=) or se=")
    check_columns(
        df,
        {
            "value": value,
            "population": population,
            "quantile": quantile,
            "by": by_cols,
            **limit_cols,
        },
    )
    check_rows(df, "sii")

    out_cols = [*by_cols, "statistic", "value"]
    for level in levels:
        out_cols += list(ci_columns(level))
    out_cols += ["intercept", "method"]
    if df.empty:
        return pd.DataFrame({c: df[c] for c in by_cols}).reindex(columns=out_cols)

    y = numeric_column(df, value, "value")
    pop = numeric_column(df, population, "population")
    qnum = numeric_column(df, quantile, "quantile")
    if np.isnan(qnum).any():
        raise DataValidationError(
            f"quantile column {quantile!r} has missing values; give every row its quantile number"
        )
    if (pop < 0).any():
        raise DataValidationError(
            f"population column {population!r} has negative values: {first_values(pop[pop < 0])}"
        )
    if se is not None:
        se_raw = numeric_column(df, se, "se")
        if (se_raw < 0).any():
            raise DataValidationError(
                f"se column {se!r} has negative standard errors: {first_values(se_raw[se_raw < 0])}"
            )
    else:
        lo = numeric_column(df, lower, "lower")
        up = numeric_column(df, upper, "upper")
    if value_type == "proportion":
        checks = [("value", value, y)] + (
            [] if se is not None else [("lower", lower, lo), ("upper", upper, up)]
        )
        for argument, column, x in checks:
            bad = (x < 0) | (x > 1)
            if bad.any():
                raise DataValidationError(
                    f"{argument} column {column!r} has proportions outside 0-1: "
                    f"{first_values(x[bad])}; "
                    "give proportions on the 0-1 scale and use multiplier=100 for percentages"
                )
    if se is None and (up < lo).any():
        raise DataValidationError(
            f"upper column {upper!r} is below lower column {lower!r} in {int((up < lo).sum())} "
            "row(s); check the limits are not swapped"
        )

    levels_q = np.unique(qnum)
    nq = len(levels_q)
    if not MIN_QUANTILES <= nq <= MAX_QUANTILES:
        raise DataValidationError(
            f"quantile column {quantile!r} has {nq} distinct value(s); the SII needs "
            f"{MIN_QUANTILES} to {MAX_QUANTILES} quantiles (e.g. quintiles or deciles)"
        )
    if nq > WARN_QUANTILES:
        warnings.warn(
            f"sii: {nq} quantiles; small populations in many quantiles can make the SII unstable",
            UserWarning,
            stacklevel=2,
        )

    codes, keys = group_index(df, by_cols)
    ng = len(keys)
    pos = np.searchsorted(levels_q, qnum)
    cell = codes * nq + pos
    counts = np.bincount(cell, minlength=ng * nq).reshape(ng, nq)
    if (counts > 1).any():
        g, k = np.argwhere(counts > 1)[0]
        where = "" if not by_cols else f" in group {group_labels(keys, np.arange(ng) == g)}"
        raise DataValidationError(
            f"quantile {levels_q[k]:g} appears {counts[g, k]} times{where}; each group needs one "
            "row "
            "per quantile: add the missing grouping column to by= or sum the rows first"
        )

    t_row = _forward(y, value_type)
    if se is not None:
        s_row = se_raw
    else:
        s_row = (_forward(up, value_type) - _forward(lo, value_type)) / (2 * z_value(0.95))

    def grid(row_values: np.ndarray) -> np.ndarray:
        out = np.full((ng, nq), np.nan)
        out.flat[cell] = row_values
        return out

    yy, tt, ss, aa = grid(y), grid(t_row), grid(s_row), grid(pop)
    complete = counts.all(1)
    usable = np.isfinite(yy).all(1) & np.isfinite(tt).all(1) & np.isfinite(ss).all(1)
    usable &= np.isfinite(aa).all(1) & (aa > 0).all(1)
    rules = [
        (f"not exactly one row for each of the {nq} quantiles", ~complete),
        (
            "a missing or unusable value, limit, standard error or population "
            "(NaN, zero population, or a rate of 0 / proportion of 0 or 1 that cannot be "
            "transformed)",
            complete & ~usable,
        ),
    ]
    for what, mask in rules:
        if mask.any():
            warnings.warn(
                f"sii: {int(mask.sum())} group(s) have {what}; their SII and RII are NaN: "
                f"{group_labels(keys, mask)}",
                UserWarning,
                stacklevel=2,
            )
    ok = np.flatnonzero(complete & usable)

    nv = len(ok)
    point = np.full((3, ng), np.nan)
    limits = np.full((2, 2 * len(levels), ng), np.nan)  # (sii|rii, lower/upper per level, group)
    if nv:
        share = aa[ok] / aa[ok].sum(1, keepdims=True)
        rank = np.cumsum(share, 1) - share / 2
        root = np.sqrt(share)
        x = np.stack([root, rank * root], axis=2)  # (groups, quantiles, 2)
        hat = np.linalg.solve(x.transpose(0, 2, 1) @ x, x.transpose(0, 2, 1)) * root[:, None, :]
        # hat @ y gives (b0, b1) of the weighted fit for y on the regression scale
        back = (lambda v: _inverse(v, value_type)) if transform else None
        reg = tt[ok] if transform else yy[ok]
        beta = np.einsum("gkq,gq->gk", hat, reg)
        s_val, r_val, icpt = _indices(beta[:, 0], beta[:, 1], back)
        point[0, ok] = s_val * multiplier
        point[1, ok] = 1 / r_val if multiplier < 0 else r_val
        point[2, ok] = icpt
        limits[:, :, ok] = _simulate(
            tt[ok], ss[ok], hat, value_type, transform, multiplier, repetitions, seed, levels
        )

    frames = []
    method = (
        f"weighted least squares on relative rank ({value_type}"
        f"{', transformed' if transform else ''}); limits from {repetitions:,} simulations"
        f"{'' if seed is None else f' (seed {seed})'}"
    )
    for i, stat in enumerate(("sii", "rii")):
        part = keys.copy()
        part["statistic"] = stat
        part["value"] = point[i]
        for j, level in enumerate(levels):
            low_col, up_col = ci_columns(level)
            part[low_col] = limits[i, 2 * j]
            part[up_col] = limits[i, 2 * j + 1]
        part["intercept"] = point[2]
        part["method"] = method
        part["_order"] = np.arange(ng)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True).sort_values("_order", kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)[out_cols]


def _simulate(t, s, hat, value_type, transform, multiplier, repetitions, seed, levels):
    """Simulated limits of the SII and RII for every group (vectorised, chunked).

    ``t`` and ``s`` are (groups x quantiles) values and standard errors on the
    simulation scale; ``hat`` maps regression-scale values to coefficients.
    """
    ng, nq = t.shape
    draws = np.random.default_rng(seed).standard_normal((repetitions, nq))
    # order statistics as PHEindicatormethods: round(R * p), 1-based
    positions = []
    for level in levels:
        upper_p = level + (1 - level) / 2
        positions += [
            int(np.round(repetitions * (1 - upper_p))),
            int(np.round(repetitions * upper_p)),
        ]
    kth = np.clip(np.array(positions) - 1, 0, repetitions - 1)
    back = (lambda v: _inverse(v, value_type)) if transform else None

    out = np.empty((2, len(kth), ng))
    g_chunk = max(1, min(ng, _CHUNK_ELEMENTS // (4 * repetitions)))
    for g0 in range(0, ng, g_chunk):
        g = slice(g0, min(ng, g0 + g_chunk))
        gn = g.stop - g.start
        if transform or value_type == "other":
            # the fit is linear in the simulated values: beta = hat @ t + (hat * s) @ z
            base = np.einsum("gkq,gq->gk", hat[g], t[g])
            spread = (hat[g] * s[g][:, None, :]).reshape(gn * 2, nq)
            beta = (spread @ draws.T).reshape(gn, 2, repetitions) + base[:, :, None]
            b0, b1 = beta[:, 0], beta[:, 1]
        else:
            # rates and proportions fitted on their own scale: back-transform each draw
            b0 = np.empty((gn, repetitions))
            b1 = np.empty((gn, repetitions))
            r_chunk = max(1, _CHUNK_ELEMENTS // (gn * nq))
            ht = hat[g].transpose(0, 2, 1)  # (groups, quantiles, 2)
            for r0 in range(0, repetitions, r_chunk):
                r = slice(r0, min(repetitions, r0 + r_chunk))
                sims = s[g][:, None, :] * draws[None, r, :]
                sims += t[g][:, None, :]
                with np.errstate(over="ignore"):
                    if value_type == "rate":
                        np.exp(sims, out=sims)
                    else:  # inverse logit, in place
                        np.negative(sims, out=sims)
                        np.exp(sims, out=sims)
                        sims += 1.0
                        np.reciprocal(sims, out=sims)
                coef = sims @ ht  # (groups, reps, 2)
                b0[:, r], b1[:, r] = coef[..., 0], coef[..., 1]
        s_sim, r_sim, _ = _indices(b0, b1, back)
        s_sim = s_sim * multiplier
        if multiplier < 0:
            with np.errstate(divide="ignore"):
                r_sim = 1 / r_sim
        for i, sims in enumerate((s_sim, r_sim)):
            part = np.partition(sims, kth, axis=1)
            out[i, :, g] = part[:, kth].T
    return out


def quantiles(
    df: pd.DataFrame,
    value: str,
    *,
    by: str | list[str] | None = None,
    n: int = 10,
    invert: bool = True,
) -> pd.DataFrame:
    """Assign areas to quantiles of a value by the OHID / PHE rule.

    Within each group, areas are ranked (ties share the lowest rank) and
    area ``i`` of ``N`` goes to quantile
    ``floor(n + 1 - ceil((N + 1 - rank) / (N / n)))`` (a result of 0 becomes
    1), as PHEindicatormethods ``phe_quantile`` and PHStatsMethods
    ``ph_quantile``. Tied values therefore share a quantile, so quantiles
    need not be the same size.

    Parameters
    ----------
    df : DataFrame
        One row per area (per group).
    value : str
        Numeric column to rank by (e.g. an IMD score).
    by : str, list of str or None
        Columns defining separate sets of quantiles (e.g. region); default
        ``None``, one set for the whole frame.
    n : int
        Number of quantiles; default 10 (deciles).
    invert : bool
        ``True`` (default): quantile 1 holds the highest values (e.g. IMD
        score, so decile 1 is the most deprived); ``False``: quantile 1 holds
        the lowest values.

    Returns
    -------
    DataFrame
        A copy of ``df`` with a float column ``quantile`` (1 to ``n``).

    Warns
    -----
    UserWarning
        Groups with fewer than ``n`` areas with values get NaN quantiles.
        Rows with a NaN value get a NaN quantile and are not counted.

    Raises
    ------
    DataValidationError
        A missing or non-numeric column; ``n`` not a whole number of at
        least 2; ``invert`` not a bool; ``df`` already has a ``quantile``
        column.

    Examples
    --------
    >>> df = pd.DataFrame({"area": list("abcdef"), "score": [50, 40, 40, 30, 20, 10]})
    >>> quantiles(df, "score", n=3)["quantile"].tolist()
    [1.0, 1.0, 1.0, 2.0, 3.0, 3.0]
    >>> quantiles(df, "score", n=3, invert=False)["quantile"].tolist()
    [3.0, 2.0, 2.0, 2.0, 1.0, 1.0]
    """
    by_cols = as_list(by)
    check_columns(df, {"value": value, "by": by_cols})
    check_rows(df, "quantiles")
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 2:
        raise DataValidationError(
            f"n={n!r} must be a whole number of quantiles, at least 2 (10 for deciles)"
        )
    if not isinstance(invert, (bool, np.bool_)):
        raise DataValidationError(f"invert={invert!r} must be True or False")
    if "quantile" in df.columns:
        raise DataValidationError(
            "df already has a 'quantile' column; drop or rename it before assigning quantiles"
        )
    out = df.copy()
    if df.empty:
        out["quantile"] = pd.Series(dtype=float)
        return out

    x = numeric_column(df, value, "value")
    codes, keys = group_index(df, by_cols)
    series = pd.Series(x)
    rank = series.groupby(codes).rank(method="min", ascending=not invert).to_numpy()
    count = np.bincount(codes, weights=~np.isnan(x), minlength=len(keys))
    num = count[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.floor((n + 1) - np.ceil(((num + 1) - rank) / (num / n)))
    q[q == 0] = 1
    few = count < n
    q[few[codes]] = np.nan
    if few.any():
        warnings.warn(
            f"quantiles: {int(few.sum())} group(s) have fewer than {n} areas with values, so no "
            f"quantiles are assigned (NaN): {group_labels(keys, few)}",
            UserWarning,
            stacklevel=2,
        )
    out["quantile"] = q
    return out
