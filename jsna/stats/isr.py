"""Indirectly standardised ratios and rates (exact/Byar's limits)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values
from jsna.stats import intervals
from jsna.stats.common import (
    DEFAULT_CONFIDENCE,
    add_limits,
    check_non_negative,
    check_rows,
    confidence_levels,
    group_index,
    multiplier_value,
    warn_degenerate,
)

__all__ = ["isr"]


def _join_reference(df, reference, age_band, ref_count, ref_denominator):
    """Reference counts and populations for each row of ``df``, joined by age band label."""
    check_columns(
        reference,
        {"age_band": age_band, "ref_count": ref_count, "ref_denominator": ref_denominator},
    )
    duplicated = reference[age_band].duplicated()
    if duplicated.any():
        raise DataValidationError(
            "reference has age band(s) "
            f"{first_values(reference.loc[duplicated, age_band].tolist())} "
            "more than once; give one row per age band"
        )
    position = pd.Index(reference[age_band]).get_indexer(df[age_band])
    if (position < 0).any():
        missing = df[age_band].to_numpy()[position < 0]
        raise DataValidationError(
            f"age_band labels {first_values(missing.tolist())} are not in the reference "
            f"(its bands: {first_values(reference[age_band].tolist(), 20)}); relabel one of them"
        )
    return (
        numeric_column(reference, ref_count, "ref_count")[position],
        numeric_column(reference, ref_denominator, "ref_denominator")[position],
    )


def isr(
    df: pd.DataFrame,
    count: str,
    denominator: str,
    ref_count: str,
    ref_denominator: str,
    *,
    by: str | Sequence[str] | None,
    kind: str = "ratio",
    multiplier: float | None = None,
    confidence=DEFAULT_CONFIDENCE,
    reference: pd.DataFrame | None = None,
    age_band: str | None = None,
    observed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Indirectly standardised ratios (SMR-style) or rates, with Poisson limits.

    The expected count of each group is the sum over its age bands of the
    population times the reference rate (``ref_count / ref_denominator``);
    the ratio is observed / expected. Limits are exact Poisson limits of the
    observed count below 10 events and Byar's from 10, divided by the
    expected count.

    Parameters
    ----------
    df : DataFrame
        One row per group and age band.
    count, denominator : str
        Columns of observed events and population in each age band. With
        ``observed`` the ``count`` column is read from that frame instead.
    ref_count, ref_denominator : str
        Columns of reference events and population per age band: columns of
        ``df``, or of ``reference`` when it is given. A missing reference
        count is taken as 0 events.
    by : str or list of str or None
        Grouping columns, kept in the output.
    kind : {"ratio", "rate"}, default "ratio"
        "ratio" gives observed / expected times ``multiplier`` (default 1;
        100 for an SMR-style figure); "rate" gives the ratio times the
        reference crude rate (``sum(ref_count) / sum(ref_denominator)`` over
        the group's bands) times ``multiplier`` (default 100,000).
    confidence : float or sequence of float, default (0.95, 0.998)
        Levels between 0 and 1; 95 is refused (give 0.95).
    reference : DataFrame, optional
        Reference counts and populations by age band, joined to ``df`` on the
        ``age_band`` column's labels (never by position).
    age_band : str, optional
        Age band column, needed with ``reference``.
    observed : DataFrame, optional
        Observed totals per group when they are not available by age band:
        the ``by`` columns and a ``count`` column, one row per group.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``observed``, ``expected``,
        (``ref_rate`` for rates), ``value``, the limit columns,
        ``statistic`` and ``method`` ("Exact" below 10 observed events,
        "Byars" from 10).

    Notes
    -----
    An observed count of 0 gives a value and lower limit of 0 and a real
    upper limit. A population of 0 in a band adds nothing to the expected
    count; so do missing (NaN) counts and populations, which count as 0, as
    in PHEindicatormethods. Negative counts or populations, a reference population of 0 or
    less, and groups of ``observed`` that do not match ``df`` raise
    :class:`~jsna.exceptions.DataValidationError`; a group whose expected
    count is 0 or NaN gets NaN and a ``UserWarning``.

    Examples
    --------
    >>> df = pd.DataFrame({"area": ["A", "A"], "age": ["0-64", "65+"],
    ...                    "deaths": [10, 30], "pop": [1000, 500],
    ...                    "ref_deaths": [50, 300], "ref_pop": [10000, 5000]})
    >>> out = isr(df, "deaths", "pop", "ref_deaths", "ref_pop", by="area",
    ...           multiplier=100, confidence=0.95)
    >>> out[["area", "observed", "expected", "value", "lower_ci95", "upper_ci95"]].round(2)
      area  observed  expected   value  lower_ci95  upper_ci95
    0    A      40.0      35.0  114.29       81.64      155.63
    """
    levels = confidence_levels(confidence)
    if kind not in ("ratio", "rate"):
        raise DataValidationError(f"kind={kind!r} must be 'ratio' or 'rate'")
    multiplier = multiplier_value(
        (1 if kind == "ratio" else 100_000) if multiplier is None else multiplier
    )
    by = as_list(by)
    check_columns(
        df,
        {
            "denominator": denominator,
            "by": by,
            "count": count if observed is None else None,
            "age_band": age_band,
        },
    )
    check_rows(df, "isr")
    if reference is None:
        check_columns(df, {"ref_count": ref_count, "ref_denominator": ref_denominator})
        ref_x = numeric_column(df, ref_count, "ref_count")
        ref_n = numeric_column(df, ref_denominator, "ref_denominator")
    else:
        if age_band is None:
            raise DataValidationError(
                "reference= needs age_band=, the column whose labels join the two frames"
            )
        ref_x, ref_n = _join_reference(df, reference, age_band, ref_count, ref_denominator)
    n = numeric_column(df, denominator, "denominator")
    check_non_negative(df, n, denominator, "denominator")
    if (ref_x < 0).any():
        raise DataValidationError(
            f"ref_count {ref_count!r} must be zero or more; found "
            f"{first_values(ref_x[ref_x < 0].tolist())}"
        )
    if not (ref_n > 0).all():
        raise DataValidationError(
            f"ref_denominator {ref_denominator!r} must be greater than zero in every band; "
            f"found {first_values(ref_n[~(ref_n > 0)].tolist())}"
        )

    codes, keys = group_index(df, by)
    size = len(keys)
    ref_x = np.nan_to_num(ref_x)
    expected_rows = ref_x / ref_n * n
    expected = np.bincount(codes, np.nan_to_num(expected_rows), minlength=size)
    if observed is None:
        x = numeric_column(df, count, "count")
        check_non_negative(df, x, count, "count")
        obs = np.bincount(codes, np.nan_to_num(x), minlength=size)
    else:
        check_columns(observed, {"by": by, "count": count})
        x = numeric_column(observed, count, "count")
        check_non_negative(observed, x, count, "count")
        lookup = observed.set_index(by)[count] if by else None
        if by and lookup.index.has_duplicates:
            raise DataValidationError(
                "observed has more than one row for groups "
                f"{first_values(lookup.index[lookup.index.duplicated()].tolist())}"
            )
        if by:
            index = pd.MultiIndex.from_frame(keys) if len(by) > 1 else pd.Index(keys[by[0]])
            position = lookup.index.get_indexer(index)
            if (position < 0).any():
                raise DataValidationError(
                    f"observed has no row for groups {first_values(index[position < 0].tolist())}; "
                    "give an observed count (0 if none) for every group"
                )
            obs = x[position]
        else:
            if len(observed) != 1:
                raise DataValidationError("observed must have exactly one row when by is None")
            obs = x[:1]
    bad = ~(expected > 0)
    warn_degenerate("isr", bad, "an expected count of 0 or NaN", keys)
    expected = np.where(bad, np.nan, expected)
    if kind == "rate":
        ref_rate = (
            np.bincount(codes, ref_x, minlength=size)
            / np.bincount(codes, ref_n, minlength=size)
            * multiplier
        )
        scale = ref_rate / expected
        statistic = f"indirectly standardised rate per {multiplier:,.10g}"
    else:
        ref_rate = None
        scale = multiplier / expected
        statistic = f"indirectly standardised ratio x {multiplier:,.10g}"
    out = {"observed": obs, "expected": expected}
    if ref_rate is not None:
        out["ref_rate"] = ref_rate
    out["value"] = obs * scale

    def limits(level):
        lower, upper = intervals.poisson(obs, level)
        return lower * scale, upper * scale

    add_limits(out, limits, levels)
    out["statistic"] = statistic
    out["method"] = np.where(
        np.isnan(obs), None, np.where(obs < intervals.BYARS_MIN_COUNT, "Exact", "Byars")
    )
    return keys.assign(**out)
