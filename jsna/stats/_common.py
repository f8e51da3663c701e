"""Shared plumbing for the DataFrame verbs of ``jsna.stats``.

Validation of arguments (one rule per message), confidence levels and their
column names, and vectorised grouped sums.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, first_values

__all__ = [
    "DEFAULT_CONFIDENCE",
    "confidence_levels",
    "ci_columns",
    "as_list",
    "check_columns",
    "numeric_column",
    "group_sums",
    "group_index",
    "factorize",
    "labels",
    "check_non_negative",
    "warn_degenerate",
    "add_limits",
    "multiplier_value",
]

DEFAULT_CONFIDENCE = (0.95, 0.998)


def confidence_levels(confidence) -> tuple[float, ...]:
    """Validate ``confidence`` and return it as a tuple of levels in (0, 1).

    A percentage such as 95 is refused with a message saying to give 0.95.

    Examples
    --------
    >>> confidence_levels(0.95)
    (0.95,)
    >>> confidence_levels((0.95, 0.998))
    (0.95, 0.998)
    """
    levels = (confidence,) if np.isscalar(confidence) else tuple(confidence)
    if not levels:
        raise DataValidationError("confidence is empty; give 0.95, 0.998 or (0.95, 0.998)")
    for level in levels:
        if isinstance(level, bool) or not isinstance(level, (int, float, np.floating)):
            raise DataValidationError(f"confidence={level!r} is not a number; give 0.95 or 0.998")
        if not 0 < float(level) < 1:
            hint = f"; did you mean {level / 100:g}?" if 1 < float(level) < 100 else ""
            raise DataValidationError(
                f"confidence={level!r} is not a level between 0 and 1{hint} "
                "(give 0.95 for 95%, 0.998 for 99.8%)"
            )
    return tuple(float(level) for level in levels)


def ci_columns(level: float) -> tuple[str, str]:
    """Column names for the limits at a confidence level.

    Examples
    --------
    >>> ci_columns(0.95)
    ('lower_ci95', 'upper_ci95')
    >>> ci_columns(0.998)
    ('lower_ci99_8', 'upper_ci99_8')
    """
    pct = f"{level * 100:.10g}".replace(".", "_")
    return f"lower_ci{pct}", f"upper_ci{pct}"


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """Grouping argument as a list.

    Examples
    --------
    >>> as_list("area_code"), as_list(None), as_list(["a", "b"])
    (['area_code'], [], ['a', 'b'])
    """
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def check_columns(df: pd.DataFrame, columns: dict[str, str | Sequence[str] | None]) -> None:
    """Raise if an argument names a column that ``df`` does not have.

    ``columns`` maps argument name to the column name(s) it gave.

    Examples
    --------
    >>> check_columns(pd.DataFrame({"n": [1]}), {"count": "n"})
    """
    if not isinstance(df, pd.DataFrame):
        raise DataValidationError(f"expected a pandas DataFrame, got {type(df).__name__}")
    for argument, names in columns.items():
        for name in as_list(names):
            if name not in df.columns:
                raise DataValidationError(
                    f"{argument}={name!r} is not a column of the data; "
                    f"columns are {first_values(list(df.columns), 10)}"
                )


def numeric_column(df: pd.DataFrame, column: str, argument: str) -> np.ndarray:
    """A column as a float array, or an error naming the text values found.

    Examples
    --------
    >>> numeric_column(pd.DataFrame({"n": [1, 2]}), "n", "count")
    array([1., 2.])
    """
    series = df[column]
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() & series.notna()
    if bad.any():
        raise DataValidationError(
            f"{argument} column {column!r} has values that are not numbers: "
            f"{first_values(df.loc[bad, column].tolist())}; clean them or convert to NaN"
        )
    return values.to_numpy(dtype=float, na_value=np.nan)


def group_sums(df: pd.DataFrame, by: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """Sum ``columns`` within groups of ``by`` (NaN kept as NaN if any is NaN).

    Groups keep first-appearance order; an empty ``by`` gives one row.

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a", "b", "a"], "x": [1.0, 2.0, 3.0]})
    >>> group_sums(df, ["g"], ["x"])
       g    x
    0  a  4.0
    1  b  2.0
    """
    by = list(by)
    if not by:
        sums = {c: [df[c].sum(min_count=1) if not df[c].isna().any() else np.nan] for c in columns}
        return pd.DataFrame(sums)
    grouped = df.groupby(by, sort=False, dropna=False)[list(columns)]
    out = grouped.sum(min_count=1)
    has_nan = df[list(columns)].isna().groupby([df[b] for b in by], sort=False, dropna=False).any()
    out = out.mask(has_nan.to_numpy())
    return out.reset_index()


def group_index(df: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group codes for each row and the frame of group keys.

    Groups keep first-appearance order and NaN keys form groups of their own;
    an empty ``by`` puts every row in one group (with no key columns).
    Sums per group are then ``np.bincount(codes, weights)``.

    Examples
    --------
    >>> codes, keys = group_index(pd.DataFrame({"g": ["b", "a", "b"]}), ["g"])
    >>> codes.tolist(), keys["g"].tolist()
    ([0, 1, 0], ['b', 'a'])
    """
    by = list(by)
    if not by:
        return np.zeros(len(df), dtype=np.intp), pd.DataFrame(index=range(1 if len(df) else 0))
    combined = np.zeros(len(df), dtype=np.int64)
    for name in by:
        values = _hashable(df[name])
        codes, uniques = pd.factorize(values)
        if len(codes) and codes.min() < 0:  # missing keys form a group of their own
            codes, uniques = pd.factorize(values, use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    if len(by) > 1:
        combined = pd.factorize(combined)[0]
    codes = combined.astype(np.intp)
    # codes number groups in order of first appearance, so a group starts where a code
    # exceeds every code before it
    seen = np.maximum.accumulate(codes) if len(codes) else codes
    first = np.flatnonzero(np.r_[True, codes[1:] > seen[:-1]]) if len(codes) else codes
    keys = df[by].iloc[first].reset_index(drop=True)
    return codes, keys


def _hashable(series: pd.Series):
    """Values to factorize: text columns as a plain object array (three times faster)."""
    if pd.api.types.is_string_dtype(series.dtype) and not isinstance(series.dtype, pd.CategoricalDtype):
        return series.to_numpy(dtype=object)
    return series


def factorize(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of a column (missing values coded -1), fast for text.

    Examples
    --------
    >>> codes, uniques = factorize(pd.Series(["b", "a", "b"]))
    >>> codes.tolist(), list(uniques)
    ([0, 1, 0], ['b', 'a'])
    """
    codes, uniques = pd.factorize(_hashable(series))
    return codes, np.asarray(uniques)


def labels(choices: Sequence[str | None], codes: np.ndarray | int, size: int | None = None) -> pd.Categorical:
    """A column of repeated text labels, stored as a categorical (cheap for long frames).

    ``codes`` index ``choices`` (-1 for missing); an int fills ``size`` rows.

    Examples
    --------
    >>> list(labels(["Exact", "Byars"], np.array([1, 0, -1])))
    ['Byars', 'Exact', nan]
    >>> list(labels(["Wilson"], 0, 2))
    ['Wilson', 'Wilson']
    """
    if np.isscalar(codes):
        codes = np.full(size, codes, dtype=np.int8)
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int8), categories=list(choices))


def check_non_negative(df: pd.DataFrame, values: np.ndarray, column: str, argument: str,
                       *, strict: bool = False) -> None:
    """Raise if a column has negative values (or zero/negative with ``strict``).

    Examples
    --------
    >>> check_non_negative(pd.DataFrame({"n": [0, 1]}), np.array([0.0, 1.0]), "n", "count")
    """
    bad = values <= 0 if strict else values < 0
    if bad.any():
        rule = "greater than zero" if strict else "zero or more"
        raise DataValidationError(
            f"{argument} column {column!r} must be {rule}; found "
            f"{first_values(df.loc[bad, column].tolist())}; correct or remove those rows"
        )


def warn_degenerate(function: str, mask: np.ndarray, reason: str, keys: pd.DataFrame | None = None,
                    consequence: str = "value and limits are NaN") -> None:
    """Issue one UserWarning naming how many (and which) groups got NaN.

    Examples
    --------
    >>> warn_degenerate("proportion", np.array([False]), "a denominator of 0")
    """
    n = int(np.count_nonzero(mask))
    if n == 0:
        return
    which = ""
    if keys is not None and keys.shape[1]:
        labels = [", ".join(map(str, row)) for row in keys.loc[mask].itertuples(index=False)]
        which = f" ({first_values(labels, 3)})"
    noun = "group has" if n == 1 else "groups have"
    warnings.warn(f"{function}: {n} {noun} {reason}{which}; {consequence}",
                  UserWarning, stacklevel=3)


def add_limits(out: dict[str, object], limits: Callable[[float], tuple[np.ndarray, np.ndarray]],
               levels: Sequence[float]) -> None:
    """Add ``lower_ci*``/``upper_ci*`` arrays to ``out`` for each confidence level.

    Examples
    --------
    >>> out = {}
    >>> add_limits(out, lambda c: (np.array([c]), np.array([1.0])), (0.95,))
    >>> sorted(out)
    ['lower_ci95', 'upper_ci95']
    """
    for level in levels:
        lower, upper = limits(level)
        lo_name, hi_name = ci_columns(level)
        out[lo_name] = lower
        out[hi_name] = upper


def multiplier_value(multiplier, argument: str = "multiplier") -> float:
    """Validate a positive multiplier (e.g. 100 for a percentage).

    Examples
    --------
    >>> multiplier_value(100_000)
    100000.0
    """
    if isinstance(multiplier, bool) or not isinstance(multiplier, (int, float, np.number)) \
            or not np.isfinite(multiplier) or multiplier <= 0:
        raise DataValidationError(f"{argument}={multiplier!r} must be a positive number such as 100 or 100_000")
    return float(multiplier)
