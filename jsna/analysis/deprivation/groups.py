"""Indicators by deprivation group: rates from summed counts, the gap, and the SII and RII.

Rules
-----
* Indicators by deprivation sum counts within deprivation groups and then
  compute the statistic (:mod:`jsna.stats`).
* The gap is the most deprived group against the least deprived.
* The SII and RII come from :func:`jsna.stats.inequality.sii`; whether values
  are proportions, and on what scale, is decided by
  :mod:`jsna.analysis.indicator_kind`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.analysis.indicator_kind import kind_of_statistic, proportion_scale
from jsna.columns import (
    AGE,
    IMD_DECILE,
    IMD_QUINTILE,
    INDICATOR_ID,
    INDICATOR_NAME,
    PERIOD,
    SEX,
    as_list,
    check_columns,
    numeric_column,
)
from jsna.exceptions import DataValidationError, first_values
from jsna.meta import copy_meta, with_meta
from jsna.stats.intervals import z_value

__all__ = [
    "INDICATOR_KEYS",
    "by_deprivation",
    "gap",
    "inequality_indices",
    "inequality_summary",
]

#: The columns that identify one indicator value series in by-deprivation tables.
INDICATOR_KEYS = [INDICATOR_ID, INDICATOR_NAME, SEX, AGE, PERIOD]
_KINDS = ("proportion", "rate", "dsr")


def by_deprivation(
    frame: pd.DataFrame,
    count: str,
    denominator: str,
    *,
    group: str = IMD_QUINTILE,
    kind: str = "proportion",
    by: str | Sequence[str] | None = None,
    multiplier: float | None = None,
    age_band: str | None = None,
    confidence=(0.95, 0.998),
) -> pd.DataFrame:
    """An indicator by deprivation group, from counts summed within each group.

    Parameters
    ----------
    frame : DataFrame
        Counts for small areas (LSOAs or wards) with their deprivation group
        (e.g. ``imd_quintile``, ``imd_decile``, ``local_quintile`` or the
        ``core20`` flag).
    count, denominator : str
        Numerator and denominator (population for rates) columns.
    group : str
        The deprivation group column; default national ``imd_quintile``.
    kind : {"proportion", "rate", "dsr"}
        :func:`jsna.stats.rates.proportion` (Wilson), :func:`jsna.stats.rates.crude_rate`
        (Byar's / exact Poisson) or :func:`jsna.stats.dsr.dsr` (needs ``age_band``).
    by : str or list of str, optional
        Further grouping columns (period, sex, indicator ...).
    multiplier : float, optional
        Default 100 for proportions (a percentage) and 100,000 for rates.
    age_band : str, optional
        Age band column for ``kind="dsr"``.
    confidence : float or sequence of float
        Default (0.95, 0.998).

    Returns
    -------
    DataFrame
        One row per ``by`` group and deprivation group (sorted): the summed
        count and denominator, ``value``, limits, ``statistic``, ``method``.

    Warns
    -----
    UserWarning
        Rows with no deprivation group (an LSOA missing from the IMD file)
        are left out, and say how many.

    Examples
    --------
    >>> df = pd.DataFrame({"imd_quintile": [1, 1, 2, 5], "n": [30, 20, 15, 5],
    ...                    "d": [100, 100, 100, 100]})
    >>> by_deprivation(df, "n", "d", confidence=0.95)[["imd_quintile", "n", "d", "value"]]
       imd_quintile     n      d  value
    0             1  50.0  200.0   25.0
    1             2  15.0  100.0   15.0
    2             5   5.0  100.0    5.0
    """
    if kind not in _KINDS:
        raise DataValidationError(f"kind={kind!r} is not one of {', '.join(map(repr, _KINDS))}")
    by_cols = as_list(by)
    check_columns(
        frame,
        {
            "count": count,
            "denominator": denominator,
            "group": group,
            "by": by_cols,
            "age_band": age_band,
        },
    )
    missing = frame[group].isna().to_numpy()
    if missing.any():
        warnings.warn(
            f"by_deprivation: {int(missing.sum())} row(s) have no {group!r} "
            "(e.g. LSOAs missing from the "
            "IMD file) and are left out",
            UserWarning,
            stacklevel=2,
        )
        frame = frame[~missing]
    keys = [*by_cols, group]
    if kind == "proportion":
        from jsna.stats.rates import proportion

        out = proportion(
            frame, count, denominator, by=keys, multiplier=multiplier or 100, confidence=confidence
        )
    elif kind == "rate":
        from jsna.stats.rates import crude_rate

        out = crude_rate(
            frame,
            count,
            denominator,
            by=keys,
            multiplier=multiplier or 100_000,
            confidence=confidence,
        )
    else:
        from jsna.stats.dsr import dsr

        if age_band is None:
            raise DataValidationError("kind='dsr' needs age_band= (the column of age band labels)")
        out = dsr(
            frame,
            count,
            denominator,
            by=keys,
            age_band=age_band,
            multiplier=multiplier or 100_000,
            confidence=confidence,
        )
    out = out.sort_values(keys, kind="stable").reset_index(drop=True)
    copy_meta(out, frame)
    return with_meta(out, group=group, kind=kind)


def _most_least(values: pd.Series, most, least):
    levels = pd.unique(values.dropna())
    if pd.api.types.is_bool_dtype(values.dtype) or set(levels) <= {True, False}:
        return (True if most is None else most), (False if least is None else least)
    ordered = sorted(levels)
    return (ordered[0] if most is None else most), (ordered[-1] if least is None else least)


def gap(
    table: pd.DataFrame,
    *,
    group: str = IMD_QUINTILE,
    by: str | Sequence[str] | None = None,
    most=None,
    least=None,
) -> pd.DataFrame:
    """Absolute and relative gap between the most and the least deprived group.

    Parameters
    ----------
    table : DataFrame
        From :func:`by_deprivation` (``value``, ``lower_ci95``, ``upper_ci95``).
    group : str
        The deprivation group column.
    by : str or list of str, optional
        Grouping columns; one gap per group.
    most, least : optional
        The groups to compare; default the lowest group number (most
        deprived) against the highest, or ``True`` against ``False`` for a
        flag such as ``core20``.

    Returns
    -------
    DataFrame
        ``by`` columns, ``most_group, least_group, most_value, least_value,
        absolute_gap`` (most minus least) with ``absolute_lower_ci95`` and
        ``absolute_upper_ci95``, ``relative_gap`` (most divided by least) with
        ``relative_lower_ci95``/``relative_upper_ci95``, and ``method``. The
        limits are approximate: each group's standard error is taken from its
        95% limits (on the log scale for the ratio) and the two are combined
        as independent. A group missing from the table gives NaN and a warning.

    Examples
    --------
    >>> t = pd.DataFrame({"imd_quintile": [1, 5], "value": [30.0, 10.0],
    ...                   "lower_ci95": [27.0, 8.0], "upper_ci95": [33.0, 12.5]})
    >>> g = gap(t)
    >>> g[["absolute_gap", "relative_gap"]].round(2).values.tolist()
    [[20.0, 3.0]]
    >>> bool(g["absolute_lower_ci95"].item() < 20 < g["absolute_upper_ci95"].item())
    True
    """
    by_cols = as_list(by)
    check_columns(
        table,
        {
            "group": group,
            "by": by_cols,
            "value": "value",
            "lower": "lower_ci95",
            "upper": "upper_ci95",
        },
    )
    most, least = _most_least(table[group], most, least)
    z = z_value(0.95)
    cols = ["value", "lower_ci95", "upper_ci95"]
    ends = {}
    for label, level in (("most", most), ("least", least)):
        part = table.loc[table[group] == level, [*by_cols, *cols]]
        if part.duplicated(by_cols).any() if by_cols else len(part) > 1:
            raise DataValidationError(
                f"group {level!r} appears more than once per {by_cols or 'table'}; "
                "add the missing column to by="
            )
        ends[label] = part.rename(columns={c: f"{label}_{c}" for c in cols})
    if by_cols:
        keys = table[by_cols].drop_duplicates().reset_index(drop=True)
        out = keys.merge(ends["most"], on=by_cols, how="left").merge(
            ends["least"], on=by_cols, how="left"
        )
    else:
        row = {
            f"{k}_{c}": (ends[k][f"{k}_{c}"].iloc[0] if len(ends[k]) else np.nan)
            for k in ("most", "least")
            for c in cols
        }
        out = pd.DataFrame([row])
    a = {c: out[f"most_{c}"].to_numpy(dtype=float, na_value=np.nan) for c in cols}
    b = {c: out[f"least_{c}"].to_numpy(dtype=float, na_value=np.nan) for c in cols}
    absent = np.isnan(a["value"]) | np.isnan(b["value"])
    if absent.any():
        warnings.warn(
            f"gap: {int(absent.sum())} group(s) lack a value for group {most!r} or {least!r}; "
            "their gap is NaN",
            UserWarning,
            stacklevel=2,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        se_a = (a["upper_ci95"] - a["lower_ci95"]) / (2 * z)
        se_b = (b["upper_ci95"] - b["lower_ci95"]) / (2 * z)
        diff = a["value"] - b["value"]
        half = z * np.sqrt(se_a**2 + se_b**2)
        log_a = (np.log(a["upper_ci95"]) - np.log(a["lower_ci95"])) / (2 * z)
        log_b = (np.log(b["upper_ci95"]) - np.log(b["lower_ci95"])) / (2 * z)
        ratio = a["value"] / b["value"]
        log_half = z * np.sqrt(log_a**2 + log_b**2)
        finite = np.isfinite(log_half)
        rel_lo = np.where(finite, ratio * np.exp(-log_half), np.nan)
        rel_hi = np.where(finite, ratio * np.exp(log_half), np.nan)
    result = out[by_cols].copy() if by_cols else pd.DataFrame(index=range(len(out)))
    result["most_group"] = most
    result["least_group"] = least
    result["most_value"] = a["value"]
    result["least_value"] = b["value"]
    result["absolute_gap"] = diff
    result["absolute_lower_ci95"] = diff - half
    result["absolute_upper_ci95"] = diff + half
    result["relative_gap"] = ratio
    result["relative_lower_ci95"] = rel_lo
    result["relative_upper_ci95"] = rel_hi
    result["method"] = "difference and ratio; approximate 95% limits from each group's limits"
    return result


def inequality_indices(
    table: pd.DataFrame,
    *,
    group: str = IMD_DECILE,
    by: str | Sequence[str] | None = None,
    value_type: str | None = None,
    scale: float | None = None,
    repetitions: int = 10_000,
    seed: int = 1,
    confidence=0.95,
) -> pd.DataFrame:
    """Slope and relative index of inequality (SII, RII) across deprivation groups.

    Parameters
    ----------
    table : DataFrame
        From :func:`by_deprivation`: one row per group (quintile or decile,
        1 = most deprived) with ``value``, its 95% limits and the
        denominator (the regression weights are the denominators' shares).
    group : str
        The deprivation group column (5 to 100 groups).
    by : str or list of str, optional
        Grouping columns; one SII and RII per group.
    value_type : {"proportion", "rate", "other"}, optional
        Default from the table's ``statistic``: percentages and proportions
        are proportions, anything else a rate.
    scale : float, optional
        What the values are multiplied by (100 for percentages); default
        from the ``statistic`` column (100 for "percentage", else 1). The SII
        is reported on the values' own scale (percentage points, rate per
        100,000 ...).
    repetitions, seed : int
        Simulations for the limits (at least 1,000) and their seed.
    confidence : float or sequence of float
        Default 0.95.

    Returns
    -------
    DataFrame
        Two rows per group (``statistic`` "sii" and "rii") with ``value``,
        simulated limits, ``intercept`` and ``method``, as
        :func:`jsna.stats.inequality.sii`.

    Examples
    --------
    >>> t = pd.DataFrame({"imd_quintile": [1, 2, 3, 4, 5], "n": [300, 250, 200, 150, 100],
    ...                   "d": [1000] * 5})
    >>> table = by_deprivation(t, "n", "d", confidence=0.95)
    >>> out = inequality_indices(table, group="imd_quintile")
    >>> out[["statistic", "value"]].round(2)
      statistic  value
    0       sii -25.00
    1       rii   0.23
    """
    from jsna.stats.inequality import sii

    by_cols = as_list(by)
    check_columns(table, {"group": group, "by": by_cols})
    denominator = _denominator_column(table)
    statistic = (
        str(table["statistic"].iloc[0]) if "statistic" in table.columns and len(table) else ""
    )
    if value_type is None:
        value_type, _ = kind_of_statistic(statistic)
    if scale is None:
        _, scale = kind_of_statistic(statistic)
    if value_type != "proportion":
        scale = 1.0 if scale is None else scale
    work = table[[*by_cols, group, denominator]].copy()
    for column in ("value", "lower_ci95", "upper_ci95"):
        work[column] = numeric_column(table, column, column) / (
            scale if value_type == "proportion" else 1.0
        )
    out = sii(
        work,
        "value",
        denominator,
        group,
        by=by_cols or None,
        value_type=value_type,
        multiplier=scale if value_type == "proportion" else 1,
        repetitions=repetitions,
        seed=seed,
        confidence=confidence,
    )
    return out


def _denominator_column(table: pd.DataFrame) -> str:
    """The denominator column of a by_deprivation table (the one before ``value``)."""
    columns = list(table.columns)
    if "value" not in columns:
        raise DataValidationError(
            f"the table has no 'value' column; columns are {first_values(columns, 10)}"
        )
    position = columns.index("value")
    if position < 1:
        raise DataValidationError(
            "the table has no denominator column before 'value'; use by_deprivation"
        )
    return columns[position - 1]


def inequality_summary(
    table: pd.DataFrame,
    *,
    group: str = "local_quintile",
    repetitions: int = 10_000,
    seed: int = 1,
) -> pd.DataFrame:
    """Gap (most against least deprived) and SII/RII for each indicator of a by-deprivation table.

    Parameters
    ----------
    table : DataFrame
        From :func:`ward_indicators_by_deprivation` (or :func:`fingertips_deprivation_deciles`):
        one row per indicator, sex, age, period and deprivation group, with ``value_type``.
    group : str
        The deprivation group column (quintiles or deciles, 1 = most deprived).
    repetitions, seed : int
        For the SII's simulated limits.

    Returns
    -------
    DataFrame
        One row per indicator, sex, age and period: ``most_value, least_value``,
        ``absolute_gap`` and ``relative_gap`` with 95% limits (:func:`gap`),
        ``sii, sii_lower_ci95, sii_upper_ci95, rii, rii_lower_ci95,
        rii_upper_ci95`` (:func:`inequality_indices`; positive SII = higher
        values in the least deprived), ``value_type``.

    Examples
    --------
    >>> t = pd.DataFrame({"indicator_id": 1, "indicator_name": "x", "sex": "Persons", "age": "All",
    ...                   "period": "2024", "local_quintile": [1, 2, 3, 4, 5],
    ...                   "count": [300, 250, 200, 150, 100],
    ...                   "denominator": 1000})
    >>> table = by_deprivation(t, "count", "denominator", group="local_quintile",
    ...                        by=["indicator_id", "indicator_name", "sex", "age", "period"],
    ...                        confidence=0.95)
    >>> s = inequality_summary(table.assign(value_type="proportion"))
    >>> s[["absolute_gap", "sii", "rii"]].round(2).values.tolist()
    [[20.0, -25.0, 0.23]]
    """
    keys = [k for k in INDICATOR_KEYS if k in table.columns]
    if table.empty:
        return pd.DataFrame(columns=[*keys, "sii"])
    out = []
    for _, part in table.groupby(keys, sort=True):
        value_type = part["value_type"].iloc[0] if "value_type" in part.columns else None
        scale = (
            proportion_scale(part["statistic"].iloc[0], part["value"])
            if value_type == "proportion"
            else 1.0
        )
        g = gap(part, group=group, by=keys)
        indices = inequality_indices(
            part,
            group=group,
            by=keys,
            value_type=value_type,
            scale=scale,
            repetitions=repetitions,
            seed=seed,
        )
        wide = g.drop(columns=["method"])
        for stat in ("sii", "rii"):
            row = indices[indices["statistic"] == stat]
            wide[stat] = row["value"].to_numpy()
            wide[f"{stat}_lower_ci95"] = row["lower_ci95"].to_numpy()
            wide[f"{stat}_upper_ci95"] = row["upper_ci95"].to_numpy()
        wide["value_type"] = value_type
        out.append(wide)
    return pd.concat(out, ignore_index=True)
