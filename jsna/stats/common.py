"""Shared plumbing for the DataFrame verbs of ``jsna.stats``.

Validation of arguments (one rule per message), confidence levels and their
column names, and vectorised grouped sums.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, first_values

__all__ = [
    "DEFAULT_CONFIDENCE",
    "confidence_levels",
    "ci_columns",
    "group_index",
    "group_runs",
    "group_sum",
    "factorize",
    "take_rows",
    "check_rows",
    "period_ranks",
    "labels",
    "check_non_negative",
    "check_finite",
    "warn_degenerate",
    "add_limits",
    "multiplier_value",
]

DEFAULT_CONFIDENCE = (0.95, 0.998)


def confidence_levels(confidence) -> tuple[float, ...]:
    """Validate ``confidence`` and return it as a tuple of levels in (0, 1).

    A percentage such as 95 is refused with a message saying to give 0.95.
    Levels are rounded to 10 significant digits (or the precision of their numpy
    type, 6 for float32), so a ``numpy.float32(0.95)`` (0.949999988...) is 0.95
    and names its columns ``lower_ci95``; a level given twice is refused.

    Examples
    --------
    >>> confidence_levels(0.95)
    (0.95,)
    >>> confidence_levels(np.float32(0.95))
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
    clean = tuple(_clean_level(level) for level in levels)
    repeated = sorted({level for level in clean if clean.count(level) > 1})
    if repeated:
        raise DataValidationError(
            f"confidence={confidence!r} gives the level {first_values(repeated)} more than once; "
            "give each level once, e.g. (0.95, 0.998)"
        )
    return clean


def _clean_level(level) -> float:
    """A level as a plain float: rounded to 10 significant digits, or to the precision of its
    numpy type if less (6 for float32, so float32 0.95 = 0.949999988... -> 0.95).
    """
    digits = 10
    if isinstance(level, np.floating):
        digits = min(digits, np.finfo(type(level)).precision)
    return float(f"{float(level):.{digits}g}")


def ci_columns(level: float) -> tuple[str, str]:
    """Column names for the limits at a confidence level.

    Examples
    --------
    >>> ci_columns(0.95)
    ('lower_ci95', 'upper_ci95')
    >>> ci_columns(0.998)
    ('lower_ci99_8', 'upper_ci99_8')
    """
    pct = f"{_clean_level(level) * 100:.10g}".replace(".", "_")
    return f"lower_ci{pct}", f"upper_ci{pct}"


def check_finite(df: pd.DataFrame, values: np.ndarray, column: str, argument: str) -> None:
    """Raise if a column has infinite values (NaN, a missing value, is allowed).

    No published statistic takes an infinite count, population or value;
    one usually comes from a division by zero upstream.

    Examples
    --------
    >>> check_finite(pd.DataFrame({"n": [1.0, np.nan]}), np.array([1.0, np.nan]), "n", "count")
    """
    infinite = np.isinf(values)
    if infinite.any():
        raise DataValidationError(
            f"{argument} column {column!r} has infinite values: "
            f"{first_values(values[infinite].tolist())} "
            f"(rows {first_values(df.index[infinite].tolist(), 3)}); correct them, or make them "
            "NaN if "
            "they are missing (an infinite value usually comes from a division by zero upstream)"
        )


def check_rows(df: pd.DataFrame, function: str) -> None:
    """Raise if ``df`` has no rows: a statistic of nothing is almost always a filter gone wrong.

    Examples
    --------
    >>> check_rows(pd.DataFrame({"n": [1]}), "proportion")
    >>> check_rows(pd.DataFrame({"n": []}), "proportion")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: proportion: the data have no rows; check your filter (or
    the file it came from) before computing a statistic
    """
    if len(df) == 0:
        raise DataValidationError(
            f"{function}: the data have no rows; check your filter (or the file it came from) "
            "before computing a statistic"
        )


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
    codes, keys, _ = group_runs(df, by)
    return codes, keys


def group_labels(keys: pd.DataFrame, mask: np.ndarray) -> str:
    """The keys of the groups selected by ``mask``, for messages.

    Examples
    --------
    >>> group_labels(pd.DataFrame({"g": ["a", "b"]}), np.array([False, True]))
    "'b' (1 in all)"
    """
    if keys.shape[1] == 0:
        return "the whole frame"
    rows = keys[mask]
    if keys.shape[1] == 1:
        return first_values(rows.iloc[:, 0].tolist())
    return first_values(list(rows.itertuples(index=False, name=None)))


def group_runs(
    df: pd.DataFrame, by: Sequence[str]
) -> tuple[np.ndarray, pd.DataFrame, np.ndarray | None]:
    """:func:`group_index`, plus the first row of each group when every group is one run of rows.

    Rows of a group usually sit together (data sorted by area), so the keys
    are compared with the row before (cheap) and only the first row of each
    run is hashed. The third value, ``starts``, is the first row of each
    group when each group's rows are contiguous (codes then ascend and
    ``np.add.reduceat(values, starts)`` gives the group sums); otherwise None.

    Examples
    --------
    >>> codes, keys, starts = group_runs(pd.DataFrame({"g": ["b", "b", "a"]}), ["g"])
    >>> codes.tolist(), keys["g"].tolist(), starts.tolist()
    ([0, 0, 1], ['b', 'a'], [0, 2])
    >>> group_runs(pd.DataFrame({"g": ["b", "a", "b"]}), ["g"])[2] is None
    True
    """
    by = list(by)
    size = len(df)
    if not by:
        starts = np.zeros(1 if size else 0, dtype=np.intp)
        return np.zeros(size, dtype=np.intp), pd.DataFrame(index=range(len(starts))), starts
    change = np.zeros(size, dtype=bool)
    if size:
        change[0] = True
    for name in by:
        differs = _differs_from_previous(df[name])
        if differs is None:  # values that cannot be compared row to row: hash them all
            change[:] = True
            break
        change[1:] |= differs
    run_starts = np.flatnonzero(change)
    run_codes, first_run = _factorize_keys(df[by].iloc[run_starts], by)
    codes = run_codes[np.cumsum(change) - 1] if size else np.zeros(0, dtype=np.intp)
    keys = df[by].iloc[run_starts[first_run]].reset_index(drop=True)
    starts = run_starts if len(first_run) == len(run_starts) else None
    return codes.astype(np.intp, copy=False), keys, starts


def _differs_from_previous(series: pd.Series) -> np.ndarray | None:
    """Whether each row's value differs from the row before (NaN differs
    from NaN); None if unknown.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        values = series.cat.codes.to_numpy()
    else:
        values = (
            series.to_numpy(dtype=object)
            if pd.api.types.is_string_dtype(series.dtype)
            else series.to_numpy()
        )
    try:
        differs = values[1:] != values[:-1]
    except (TypeError, ValueError):  # e.g. pd.NA, whose truth value is ambiguous
        return None
    if (
        not isinstance(differs, np.ndarray)
        or differs.dtype != bool
        or differs.shape != (len(values) - 1,)
    ):
        return None
    return differs


def _key_codes(series: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes of a key column (missing values a code of their own) and their number.

    A categorical column gives its category codes as they are (no hashing); other columns
    are factorized (text as a plain object array).
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.int64)
        n = len(series.cat.categories)
        if len(codes) and codes.min() < 0:  # missing keys form a group of their own
            codes = np.where(codes < 0, n, codes)
        return codes, n + 1
    values = _hashable(series)
    codes, uniques = pd.factorize(values)
    if len(codes) and codes.min() < 0:  # missing keys form a group of their own
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), len(uniques) + 1


def _factorize_keys(df: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Group code of each row (first-appearance order, NaN keys kept) and each group's first row."""
    combined = np.zeros(len(df), dtype=np.int64)
    # one factorized column numbers its groups in order of first appearance already
    in_order = len(by) == 1 and not isinstance(df[by[0]].dtype, pd.CategoricalDtype)
    for name in by:
        codes, size = _key_codes(df[name])
        if len(combined) and int(combined.max()) >= (2**62) // size:  # keep within int64
            combined = pd.factorize(combined)[0].astype(np.int64)
        combined = combined * size + codes
    if not in_order:
        combined = pd.factorize(combined)[0]
    codes = combined.astype(np.intp)
    # codes number groups in order of first appearance, so a group starts where a code
    # exceeds every code before it
    if not len(codes):
        return codes, codes
    seen = np.maximum.accumulate(codes)
    first = np.flatnonzero(np.r_[True, codes[1:] > seen[:-1]])
    return codes, first


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_QUARTER = re.compile(r"\bQ([1-4])\b", re.IGNORECASE)
_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


def _period_key(label) -> tuple[float, int, int] | None:
    """(year, quarter, month) of a period label such as "2019/20", "2017 - 19", "2020 Q3" or "Mar
    2021".
    """
    text = str(label)
    if _NUMBER.match(text):
        return float(text), 0, 0
    year = _YEAR.search(text)
    if year is None:
        return None
    quarter = _QUARTER.search(text)
    month = _MONTH.search(text)
    return (
        float(year[1]),
        int(quarter[1]) if quarter else 0,
        _MONTHS.index(month[1].lower()) + 1 if month else 0,
    )


def period_ranks(df: pd.DataFrame, period: str, argument: str = "period") -> np.ndarray:
    """Rank of each row's period in time order (0 the earliest; equal periods share a rank).

    Numbers and dates sort as they are (use ``period_sortable`` when the data
    have it). Text labels are read by their first four-digit year, then a
    quarter ("Q3") or month name: "2019/20", "2017 - 19", "2020 Q3",
    "Mar 2021"; labels holding no year (such as "twenty") raise
    :class:`~jsna.exceptions.DataValidationError`, rather than being sorted
    as text ("2019/20" would sort after "2019 Q4").

    Examples
    --------
    >>> df = pd.DataFrame({"p": ["2020/21", "2018/19", "2019/20 Q2", "2019/20 Q1"]})
    >>> period_ranks(df, "p").tolist()
    [3, 0, 2, 1]
    """
    series = df[period]
    if series.isna().any():
        raise DataValidationError(
            f"{argument} column {period!r} has missing values; every row needs its period"
        )
    kind = series.dtype
    if (
        pd.api.types.is_numeric_dtype(kind) and not pd.api.types.is_bool_dtype(kind)
    ) or pd.api.types.is_datetime64_any_dtype(kind):
        return np.unique(series.to_numpy(), return_inverse=True)[1].reshape(-1).astype(np.intp)
    codes, uniques = factorize(series)
    keys = [_period_key(label) for label in uniques]  # one parse per distinct label
    bad = [label for label, key in zip(uniques, keys, strict=True) if key is None]
    if bad:
        raise DataValidationError(
            f"{argument} column {period!r} has labels that are not time periods: "
            f"{first_values(bad)}; "
            "give a column that sorts in time order (Fingertips' period_sortable, or a year)"
        )
    order = np.unique(np.array(keys, dtype=float), axis=0, return_inverse=True)[1].reshape(-1)
    return order[codes].astype(np.intp)


def group_sum(
    values: np.ndarray, codes: np.ndarray, size: int, starts: np.ndarray | None
) -> np.ndarray:
    """Sum ``values`` within groups: ``np.add.reduceat`` over runs when ``starts`` is given, else
    bincount.

    Examples
    --------
    >>> group_sum(np.array([1.0, 2.0, 3.0]), np.array([0, 0, 1]), 2, np.array([0, 2])).tolist()
    [3.0, 3.0]
    >>> group_sum(np.array([1.0, 2.0, 3.0]), np.array([0, 1, 0]), 2, None).tolist()
    [4.0, 2.0]
    """
    if starts is not None and len(values):
        return np.add.reduceat(np.asarray(values, dtype=float), starts)
    return np.bincount(codes, values, minlength=size).astype(float, copy=False)


def _hashable(series: pd.Series):
    """Values to factorize: text columns as a plain object array (three times faster)."""
    if pd.api.types.is_string_dtype(series.dtype) and not isinstance(
        series.dtype, pd.CategoricalDtype
    ):
        return series.to_numpy(dtype=object)
    return series


def factorize(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of a column (missing values coded -1), fast for text.

    Examples
    --------
    >>> codes, uniques = factorize(pd.Series(["b", "a", "b"]))
    >>> codes.tolist(), list(uniques)
    ([0, 1, 0], ['b', 'a'])
    >>> codes, uniques = factorize(pd.Series(["b", None, "a", "b"], dtype="category"))
    >>> codes.tolist(), list(uniques)
    ([0, -1, 1, 0], ['b', 'a'])
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        # category codes renumbered by first appearance, without hashing; missing: -1
        raw = series.cat.codes.to_numpy().astype(np.intp) + 1  # 0: missing
        first = np.full(len(series.cat.categories) + 1, len(raw))
        np.minimum.at(first, raw, np.arange(len(raw)))
        seen = np.flatnonzero(first[1:] < len(raw)) + 1  # categories present
        seen = seen[np.argsort(first[seen], kind="stable")]
        renumber = np.full(len(first), -1, dtype=np.intp)
        renumber[seen] = np.arange(len(seen))
        uniques = series.cat.categories.to_numpy()[seen - 1]
        return renumber[raw], np.asarray(uniques)
    codes, uniques = pd.factorize(_hashable(series))
    return codes, np.asarray(uniques)


def take_rows(column: pd.Series, rows: np.ndarray):
    """The column's values at positions ``rows``, categorical columns kept categorical.

    Taking category codes is much cheaper than taking (and later hashing) text, so
    grouping columns stay fast through a chain of verbs; other columns come back as
    numpy arrays.

    Examples
    --------
    >>> take_rows(pd.Series(["a", "b"], dtype="category"), np.array([1, 1, 0])).tolist()
    ['b', 'b', 'a']
    >>> take_rows(pd.Series([1.5, 2.5]), np.array([1])).tolist()
    [2.5]
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array.take(rows)
    return column.to_numpy()[rows]


def labels(
    choices: Sequence[str | None], codes: np.ndarray | int, size: int | None = None
) -> pd.Categorical:
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


def check_non_negative(
    df: pd.DataFrame, values: np.ndarray, column: str, argument: str, *, strict: bool = False
) -> None:
    """Raise if a column has negative (or zero/negative with ``strict``) or infinite values.

    The check every verb makes of its count and denominator columns.

    Examples
    --------
    >>> check_non_negative(pd.DataFrame({"n": [0, 1]}), np.array([0.0, 1.0]), "n", "count")
    """
    check_finite(df, values, column, argument)
    bad = values <= 0 if strict else values < 0
    if bad.any():
        rule = "greater than zero" if strict else "zero or more"
        raise DataValidationError(
            f"{argument} column {column!r} must be {rule}; found "
            f"{first_values(df.loc[bad, column].tolist())}; correct or remove those rows"
        )


def warn_degenerate(
    function: str,
    mask: np.ndarray,
    reason: str,
    keys: pd.DataFrame | None = None,
    consequence: str = "value and limits are NaN",
    rows: pd.Index | None = None,
) -> None:
    """Issue one UserWarning naming how many (and which) groups got NaN.

    ``keys`` (the group keys) names the groups; without grouping columns,
    ``rows`` (the input's index) names the rows instead.

    Examples
    --------
    >>> warn_degenerate("proportion", np.array([False]), "a denominator of 0")
    """
    n = int(np.count_nonzero(mask))
    if n == 0:
        return
    which = after = ""
    if keys is not None and keys.shape[1]:
        labels = [", ".join(map(str, row)) for row in keys.loc[mask].itertuples(index=False)]
        which = f" ({first_values(labels, 3)})"
    elif rows is not None:
        after = f" (row{'s' if n > 1 else ''} {first_values(rows[mask].tolist(), 3)})"
    noun = "group has" if n == 1 else "groups have"
    warnings.warn(
        f"{function}: {n} {noun} {reason}{which}; {consequence}{after}", UserWarning, stacklevel=3
    )


def add_limits(
    out: dict[str, object],
    limits: Callable[[float], tuple[np.ndarray, np.ndarray]],
    levels: Sequence[float],
) -> None:
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
    if (
        isinstance(multiplier, bool)
        or not isinstance(multiplier, (int, float, np.number))
        or not np.isfinite(multiplier)
        or multiplier <= 0
    ):
        raise DataValidationError(
            f"{argument}={multiplier!r} must be a positive number such as 100 or 100_000"
        )
    return float(multiplier)
