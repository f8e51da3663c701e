"""Small-number suppression (statistical disclosure control) for published outputs.

Every table and every figure's data passes through :func:`suppress` as the
**last step before it leaves the process** (CSV, Excel, report tables, the
data behind a figure). The order matters:

1. compute everything - rates, confidence intervals, group and authority
   totals, trends - from the *unsuppressed* counts;
2. call :func:`suppress` on the finished output frame;
3. write the frame and its one-sentence note (``report.note``).

Never aggregate, rank or benchmark a frame that has been suppressed: the
NaNs would silently drop people from totals.

What it does, for each count column:

* **Primary suppression**: counts from ``rule.lower`` to ``rule.upper``
  (default 1 to 4) are suppressed; zeros are shown.
* **Secondary (complementary) suppression**: the cells of each group (rows
  sharing the ``by`` columns, e.g. the wards of one authority) add up to the
  group total, which is taken to be known to the reader - either a total row
  in the frame (``total=``) or published elsewhere (the authority figure on
  Fingertips). Where only one entry of a group's sum is hidden it could be
  recovered as *total minus the published cells*, so the next-smallest
  non-zero cell is suppressed too (then a zero, then the total row, if that
  is all there is). The same is done when every suppressed cell is a 1 and
  the total is shown, since the difference would then reveal them all.
* **Derived values** (rates, proportions, confidence limits: ``value``,
  ``lower_ci95`` ... by default) are suppressed in every row where a count
  they come from is suppressed, so a count cannot be worked back from
  ``rate x denominator``.

Suppressed cells become NaN; a ``suppression`` column holds the marker
``[c]`` in every row with a suppressed cell, and the
:class:`SuppressionReport` says how many cells were suppressed and why in one
sentence for the output's notes.

The attacker modelled is a reader who knows each group's total, the
published cells, and that zeros are shown. Groups are one level deep (cells
and their total); for a nested hierarchy (LSOAs in wards in an authority)
suppress each published table at its own level.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jsna import columns as schema
from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values

__all__ = [
    "SUPPRESS_FROM",
    "SUPPRESS_TO",
    "CONFIDENTIAL_MARKER",
    "MARKER_COLUMN",
    "DEFAULT_DERIVED_COLUMNS",
    "SuppressionRule",
    "DEFAULT_RULE",
    "SuppressionReport",
    "check_counts",
    "suppress",
]

# Counts from SUPPRESS_FROM to SUPPRESS_TO inclusive are suppressed; zero is
# shown. Source: ONS, "Review of the Dissemination of Health Statistics:
# Confidentiality Guidance" (2006, approved for all health statistics published
# for England; https://www.ons.gov.uk/ons/guide-method/best-practice/
# disclosure-control-of-health-statistics/), which treats cells of 1 or 2 as
# potentially unsafe and, for small areas and sensitive data, 3 and 4 as well -
# wards and LSOAs in a JSNA are such small areas. Zeros are not suppressed but
# secondary suppression is required, as in NHS Digital's HES/ECDS practice
# ("replacing values between 1 and 5 with '*' ... checking that other values
# within the data cannot be used to recalculate the original small numbers",
# https://digital.nhs.uk/data-and-information/data-tools-and-services/
# data-services/hospital-episode-statistics/change-to-disclosure-control-
# methodology-for-hes-and-ecds-from-september-2018).
SUPPRESS_FROM = 1
SUPPRESS_TO = 4

# "[c] = confidential (for example, when suppressing values for statistical
# disclosure control)": Government Analysis Function, "Using symbols and
# shorthand in tables" (https://analysisfunction.civilservice.gov.uk/
# policy-store/symbols-in-tables-definitions-and-help/), used by ONS and GSS.
CONFIDENTIAL_MARKER = "[c]"

# The column added to every suppressed frame; "[c]" in rows with a suppressed cell.
MARKER_COLUMN = "suppression"

# Columns treated as derived from the counts when ``derived_columns`` is not given.
DEFAULT_DERIVED_COLUMNS = (
    schema.VALUE,
    schema.LOWER_CI95,
    schema.UPPER_CI95,
    schema.LOWER_CI99_8,
    schema.UPPER_CI99_8,
)


@dataclass(frozen=True)
class SuppressionRule:
    """Which counts are suppressed and how suppressed cells are marked.

    Parameters
    ----------
    lower, upper : int
        Counts from ``lower`` to ``upper`` inclusive are suppressed. The
        default 1 to 4 shows zeros (see :data:`SUPPRESS_FROM` for the source).
        ``lower=0`` suppresses zeros too.
    marker : str
        The shorthand written for a suppressed cell, ``[c]`` by default.

    Examples
    --------
    >>> SuppressionRule()
    SuppressionRule(lower=1, upper=4, marker='[c]')
    >>> SuppressionRule(upper=9).describe()
    'Counts of 1 to 9 are shown as [c] to protect confidentiality (zeros are shown)'
    """

    lower: int = SUPPRESS_FROM
    upper: int = SUPPRESS_TO
    marker: str = CONFIDENTIAL_MARKER

    def __post_init__(self) -> None:
        for name in ("lower", "upper"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise DataValidationError(
                    f"SuppressionRule {name}={value!r} is not a whole number; give e.g. lower=1, "
                    "upper=4"
                )
        if not 0 <= self.lower <= self.upper:
            raise DataValidationError(
                f"SuppressionRule lower={self.lower}, upper={self.upper} is not a range of counts; "
                "give 0 <= lower <= upper, e.g. lower=1, upper=4"
            )
        if not isinstance(self.marker, str) or not self.marker:
            raise DataValidationError(
                f"SuppressionRule marker={self.marker!r} must be a non-empty string such as '[c]'"
            )

    def describe(self) -> str:
        """The rule in words, for notes under tables and figures."""
        zeros = "zeros are suppressed too" if self.lower == 0 else "zeros are shown"
        counts = f"{self.lower}" if self.lower == self.upper else f"{self.lower} to {self.upper}"
        return f"Counts of {counts} are shown as {self.marker} to protect confidentiality ({zeros})"


DEFAULT_RULE = SuppressionRule()


@dataclass(frozen=True)
class SuppressionReport:
    """What :func:`suppress` did to one output.

    Attributes
    ----------
    rule : SuppressionRule
        The rule applied.
    primary : int
        Count cells inside the suppressed range.
    secondary : int
        Further count cells suppressed so that the primary ones cannot be
        recovered from totals.
    derived : int
        Derived cells (rates, limits) suppressed because a count they come
        from was suppressed.
    unprotected : int
        Groups where a suppressed cell could still be recovered from the
        group total (nothing left to suppress); a warning names them.
    note : str
        One sentence for the output's notes.
    mask : pandas.DataFrame
        Boolean, same index as the output, one column per count and derived
        column: True where the cell was suppressed (for writers that put the
        marker in the cell itself).
    """

    rule: SuppressionRule
    primary: int
    secondary: int
    derived: int
    unprotected: int
    note: str
    mask: pd.DataFrame = field(repr=False, compare=False)


def check_counts(
    df: pd.DataFrame, columns: str | Sequence[str], *, argument: str = "count_columns"
) -> None:
    """Raise unless every value in ``columns`` is a whole number >= 0 (or missing).

    Parameters
    ----------
    df : pandas.DataFrame
    columns : str or list of str
        Count columns.
    argument : str
        The argument name used in error messages.

    Raises
    ------
    DataValidationError
        Naming the column, the first offending values and the fix.

    Examples
    --------
    >>> check_counts(pd.DataFrame({"n": [0, 3, None]}), "n")
    >>> check_counts(pd.DataFrame({"n": [2.5, -1]}), "n")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: count_columns column 'n' has counts that are not whole
    numbers: 2.5 (1 in all); counts of people must be whole - round or fix them before suppression
    """
    columns = as_list(columns)
    check_columns(df, {argument: columns})
    for column in columns:
        values = numeric_column(df, column, argument)
        finite = np.isfinite(values)
        bad = ~finite & ~np.isnan(values)
        if bad.any():
            raise DataValidationError(
                f"{argument} column {column!r} has infinite counts: "
                f"{first_values(values[bad].tolist())}; "
                "fix the division or input that produced them"
            )
        fractional = finite & (values != np.round(values))
        if fractional.any():
            raise DataValidationError(
                f"{argument} column {column!r} has counts that are not whole numbers: "
                f"{first_values(values[fractional].tolist())}; counts of people must be whole - "
                "round or fix them before suppression"
            )
        negative = finite & (values < 0)
        if negative.any():
            raise DataValidationError(
                f"{argument} column {column!r} has negative counts: "
                f"{first_values(values[negative].tolist())}; "
                "counts of people cannot be negative - fix the input data"
            )


def suppress(
    df: pd.DataFrame,
    *,
    count_columns: str | Sequence[str],
    derived_columns: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    by: str | Sequence[str] | None = None,
    total: str | None = None,
    rule: SuppressionRule = DEFAULT_RULE,
) -> tuple[pd.DataFrame, SuppressionReport]:
    """Suppress small counts, their complements and derived values, as the last step before output.

    Compute every aggregate first, from unsuppressed data; then call this on
    the finished table or figure data.

    Parameters
    ----------
    df : pandas.DataFrame
        The output frame. Not modified.
    count_columns : str or list of str
        Columns of counts of people (events, registrations, residents). Each
        must be whole and non-negative (NaN allowed for missing values).
    derived_columns : list of str, dict, or None
        Columns calculated from the counts. A list: suppressed in every row
        where any count column is suppressed. A dict ``{count column: [derived
        columns]}``: suppressed where that count is. ``None`` (default): the
        standard statistic columns ``value, lower_ci95, upper_ci95,
        lower_ci99_8, upper_ci99_8`` that are present. ``[]`` for none.
    by : str or list of str, optional
        Columns identifying the groups whose cells add up to a known total
        (e.g. ``"lad_code"`` for wards within authorities; also indicator,
        period, sex ... in a long frame). ``None``: the whole frame is one
        group. Every group's total is taken to be known to the reader.
    total : str, optional
        Name of a boolean column marking each group's total row (at most one
        per group), e.g. the authority row of a ward table. Total rows are
        suppressed like any count and take part in the secondary check.
    rule : SuppressionRule
        Threshold and marker; the default suppresses 1 to 4 and shows zeros.

    Returns
    -------
    frame : pandas.DataFrame
        A copy with suppressed cells set to NaN (count columns become float)
        and a ``suppression`` column holding ``[c]`` in rows with a suppressed
        cell and ``""`` elsewhere.
    report : SuppressionReport
        Counts of suppressed cells, a one-sentence ``note``, and the ``mask``.

    Raises
    ------
    DataValidationError
        A count that is not whole or is negative, text in a count column, an
        unknown column, a total column that is not boolean or has two totals
        in a group, or a frame already suppressed.

    Warns
    -----
    UserWarning
        When a group cannot be protected (e.g. a single cell whose total is
        published): the cell could be recovered from the total.

    Examples
    --------
    Wards of one authority with the authority total row; the ward of 3 is
    suppressed and so is the next-smallest ward, so neither can be worked
    out as the total minus the others:

    >>> wards = pd.DataFrame({
    ...     "area": ["A", "B", "C", "D", "Sefton"],
    ...     "count": [3, 12, 40, 0, 55],
    ...     "is_total": [False, False, False, False, True],
    ... })
    >>> out, report = suppress(wards, count_columns="count", total="is_total")
    >>> out  # doctest: +NORMALIZE_WHITESPACE
         area  count  is_total suppression
    0       A    NaN     False         [c]
    1       B    NaN     False         [c]
    2       C   40.0     False
    3       D    0.0     False
    4  Sefton   55.0      True
    >>> report.note  # doctest: +NORMALIZE_WHITESPACE
    'Counts of 1 to 4 are shown as [c] to protect confidentiality (zeros are shown): 1 count here,
    and 1 further count so that it cannot be worked out from totals.'
    """
    if not isinstance(rule, SuppressionRule):
        raise DataValidationError(
            f"rule={rule!r} is not a SuppressionRule; give e.g. rule=SuppressionRule(lower=1, "
            "upper=4)"
        )
    counts = as_list(count_columns)
    if not counts:
        raise DataValidationError("count_columns is empty; name the column(s) of counts of people")
    by_cols = as_list(by)
    check_columns(df, {"count_columns": counts, "by": by_cols, "total": total})
    if MARKER_COLUMN in df.columns:
        raise DataValidationError(
            f"the frame already has a {MARKER_COLUMN!r} column, so it looks suppressed already; "
            "suppress the unsuppressed frame once, as the last step"
        )
    derived = _derived_map(df, counts, derived_columns)
    check_counts(df, counts)

    n = len(df)
    group = (
        df.groupby(by_cols, sort=False, dropna=False).ngroup().to_numpy()
        if by_cols
        else np.zeros(n, dtype=np.int64)
    )
    is_total = _total_rows(df, total, group, by_cols)

    masks: dict[str, np.ndarray] = {}
    primary = secondary = unprotected = 0
    unprotected_groups: list[object] = []
    for column in counts:
        values = numeric_column(df, column, "count_columns")
        first = (values >= rule.lower) & (values <= rule.upper)
        hidden, lost = _secondary(values, first, group, is_total)
        masks[column] = hidden
        primary += int(first.sum())
        secondary += int((hidden & ~first).sum())
        unprotected += len(lost)
        if lost:
            keys = _group_labels(df, by_cols, group, lost)
            unprotected_groups.extend(keys)
            warnings.warn(
                f"suppress: in {column!r}, a suppressed count in group(s) {first_values(keys)} "
                "could still "
                "be recovered from the group total (no other cell left to suppress); merge small "
                "groups "
                "or leave the total out of the output",
                UserWarning,
                stacklevel=2,
            )

    derived_masks: dict[str, np.ndarray] = {}
    for column, sources in derived.items():
        hidden = np.zeros(n, dtype=bool)
        for source in sources:
            hidden |= masks[source]
        derived_masks[column] = hidden & df[column].notna().to_numpy()

    out = df.copy()
    for column, hidden in masks.items():
        out[column] = np.where(hidden, np.nan, numeric_column(df, column, "count_columns"))
    for column, hidden in derived_masks.items():
        out[column] = out[column].mask(hidden)
    any_hidden = np.zeros(n, dtype=bool)
    for hidden in (*masks.values(), *derived_masks.values()):
        any_hidden |= hidden
    out[MARKER_COLUMN] = np.where(any_hidden, rule.marker, "")

    mask = pd.DataFrame({**masks, **derived_masks}, index=df.index)
    n_derived = int(sum(int(h.sum()) for h in derived_masks.values()))
    report = SuppressionReport(
        rule=rule,
        primary=primary,
        secondary=secondary,
        derived=n_derived,
        unprotected=unprotected,
        note=_note(rule, primary, secondary, n_derived),
        mask=mask,
    )
    return out, report


def _derived_map(df: pd.DataFrame, counts: list[str], derived_columns) -> dict[str, list[str]]:
    """Derived column -> the count columns it is calculated from."""
    if derived_columns is None:
        names = [c for c in DEFAULT_DERIVED_COLUMNS if c in df.columns and c not in counts]
        return {c: list(counts) for c in names}
    if isinstance(derived_columns, Mapping):
        check_columns(df, {"derived_columns (keys)": list(derived_columns)})
        unknown = [k for k in derived_columns if k not in counts]
        if unknown:
            raise DataValidationError(
                f"derived_columns keys {first_values(unknown)} are not count_columns {counts}; "
                "key each list of derived columns by the count column it is calculated from"
            )
        result: dict[str, list[str]] = {}
        for source, names in derived_columns.items():
            names = as_list(names)
            check_columns(df, {"derived_columns": names})
            for name in names:
                result.setdefault(name, []).append(source)
    else:
        names = as_list(derived_columns)
        check_columns(df, {"derived_columns": names})
        result = {name: list(counts) for name in names}
    overlap = [c for c in result if c in counts]
    if overlap:
        raise DataValidationError(
            f"derived_columns {first_values(overlap)} are also count_columns; "
            "a column is either a count (suppressed by size) or derived from one"
        )
    return result


def _total_rows(
    df: pd.DataFrame, total: str | None, group: np.ndarray, by_cols: list[str]
) -> np.ndarray:
    if total is None:
        return np.zeros(len(df), dtype=bool)
    column = df[total]
    valid = column.isin([True, False]) & column.notna()
    if not valid.all():
        raise DataValidationError(
            f"total column {total!r} must be True/False; found "
            f"{first_values(column[~valid].tolist())}; "
            "mark each group's total row with True and the other rows with False"
        )
    is_total = column.to_numpy(dtype=bool)
    per_group = np.bincount(group[is_total], minlength=group.max(initial=-1) + 1)
    doubled = np.flatnonzero(per_group > 1)
    if doubled.size:
        raise DataValidationError(
            f"total column {total!r} marks more than one total row in group(s) "
            f"{first_values(_group_labels(df, by_cols, group, doubled.tolist()))}; "
            "give one total per group, or add the column that tells them apart to by="
        )
    return is_total


def _secondary(
    values: np.ndarray, first: np.ndarray, group: np.ndarray, is_total: np.ndarray
) -> tuple[np.ndarray, list[int]]:
    """Add complementary suppressions until no group's sum gives a hidden cell away.

    A group is unsafe when exactly one entry of its sum (cells and the total
    row, or cells alone when the total is published elsewhere) is hidden, or
    when the total is shown and every hidden cell is a 1 (the difference
    would equal their number). Candidates, in order: the smallest non-zero
    shown cell, a zero cell, the total row. Returns the mask and the groups
    that could not be protected.
    """
    hidden = first.copy()
    n_groups = int(group.max(initial=-1)) + 1
    if n_groups == 0:
        return hidden, []
    present = ~np.isnan(values)
    cell = ~is_total & present
    total_row = np.full(n_groups, -1, dtype=np.int64)
    usable_total = is_total & present
    total_row[group[usable_total]] = np.flatnonzero(usable_total)
    stuck = np.zeros(n_groups, dtype=bool)
    for _ in range(len(values) + 1):
        entries = np.bincount(group[hidden & (cell | is_total)], minlength=n_groups)
        hidden_cells = np.bincount(group[hidden & cell], minlength=n_groups)
        ones = np.bincount(group[hidden & cell & (values == 1)], minlength=n_groups)
        total_hidden = np.zeros(n_groups, dtype=bool)
        total_hidden[group[hidden & is_total]] = True
        unsafe = (entries == 1) | ((hidden_cells > 0) & (ones == hidden_cells) & ~total_hidden)
        unsafe &= ~stuck
        if not unsafe.any():
            break
        chosen = np.full(n_groups, -1, dtype=np.int64)
        for candidates in (cell & ~hidden & (values > 0), cell & ~hidden & (values == 0)):
            need = unsafe & (chosen < 0)
            rows = np.flatnonzero(candidates & need[group])
            if rows.size:
                # smallest value per group; ties go to the first row
                order = rows[np.lexsort((rows, values[rows], group[rows]))]
                firsts = order[np.r_[True, group[order][1:] != group[order][:-1]]]
                chosen[group[firsts]] = firsts
        need = unsafe & (chosen < 0) & (total_row >= 0)
        need &= ~total_hidden
        chosen[need] = total_row[need]
        stuck |= unsafe & (chosen < 0)
        hidden[chosen[chosen >= 0]] = True
    return hidden, np.flatnonzero(stuck).tolist()


def _group_labels(
    df: pd.DataFrame, by_cols: list[str], group: np.ndarray, groups: list[int]
) -> list[object]:
    if not by_cols:
        return ["(whole frame)" for _ in groups]
    firsts = pd.Series(np.arange(len(group))).groupby(group).first()
    labels = []
    for g in groups:
        row = df.iloc[int(firsts[g])]
        values = [row[c] for c in by_cols]
        labels.append(values[0] if len(values) == 1 else tuple(values))
    return labels


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _note(rule: SuppressionRule, primary: int, secondary: int, derived: int) -> str:
    head = rule.describe()
    if primary == 0 and secondary == 0:
        return f"{head}: none here, so nothing was suppressed."
    parts = [f"{_plural(primary, 'count')} here"]
    if secondary:
        it = "it" if primary == 1 else "they"
        parts.append(
            f"{_plural(secondary, 'further count')} so that {it} cannot be worked out from totals"
        )
    if derived:
        parts.append(f"{_plural(derived, 'value')} calculated from suppressed counts")
    if len(parts) == 1:
        body = parts[0]
    else:
        body = ", ".join(parts[:-1]) + ", and " + parts[-1]
    return f"{head}: {body}."
