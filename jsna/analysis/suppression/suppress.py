"""Small counts hidden so that no hidden cell can be worked back: :func:`suppress`.

Primary suppression hides counts in the rule's range; secondary suppression then
hides further cells until the attacker of :mod:`jsna.analysis.suppression.audit`
(who knows every published cell, every declared sum - group totals, total rows,
counts of one row that add up - that counts are whole and never negative, and how
cells are chosen) cannot narrow any hidden cell to an interval less than
:data:`~jsna.analysis.suppression.audit.PROTECTION_LEVEL` wide. Values derived
from a hidden count are hidden in its row.

One case no suppression can protect: a group whose total the reader knows from
elsewhere (``totals_published``; not a row of the output, which could be hidden) and
which is below the protection level, e.g. 2 deaths of girls aged 5-9 from external
causes in an authority, split by ward. Every cell of such a group lies between 0 and
the total whatever is hidden, so its width is at most the total, less than 5 (a group
of one cell is its total, whatever its size: the cell is published with it). There,
every cell of the group is hidden, zeros included (:func:`bounded_by_known_totals`):
the output then adds nothing to what the total already tells, which cell holds the
deaths stays unknown, and the report counts the cells as ``bounded`` (within
``unprotected``) with a warning naming the groups and the way out (coarser groups, or
not treating the total as published).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jsna.analysis.suppression.audit import (
    PROTECTION_LEVEL,
    cell_bounds,
    linear_relations,
    method_caps,
)
from jsna.analysis.suppression.rules import (
    DEFAULT_DERIVED_COLUMNS,
    DEFAULT_RULE,
    MARKER_COLUMN,
    SuppressionRule,
    check_counts,
)
from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values

__all__ = ["SuppressionReport", "suppress", "protect_cells", "bounded_by_known_totals"]


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
        Further count cells suppressed so that no hidden cell can be worked out.
    derived : int
        Derived cells (rates, limits) suppressed because a count they come
        from was suppressed.
    unprotected : int
        Hidden cells that could still be narrowed to less than the protection
        level (nothing left to suppress); a warning names their groups.
    bounded : int
        Of ``unprotected``, the cells of groups whose known total (published elsewhere)
        is below the protection level: all their cells are hidden, so the output adds
        nothing to the total, but the total alone bounds each cell (see the module
        docstring). ``unprotected - bounded`` cells are exposed by the output itself
        (none, unless the structure leaves nothing to hide).
    note : str
        One sentence for the output's notes.
    mask : pandas.DataFrame
        Boolean, same index as the output, one column per count and derived
        column: True where the cell was suppressed.
    structure : dict
        What the reader is taken to know (JSON-able): count and derived columns,
        groups, total rows, group totals published elsewhere, row sums, hidden cells.
        Written beside each output so :func:`jsna.analysis.suppression.audit.audit_file`
        can rerun the attack.
    """

    rule: SuppressionRule
    primary: int
    secondary: int
    derived: int
    unprotected: int
    note: str
    mask: pd.DataFrame = field(repr=False, compare=False)
    structure: dict = field(default_factory=dict, repr=False, compare=False)
    bounded: int = 0


def _choose(A, values: np.ndarray, hidden: np.ndarray, unsafe: np.ndarray) -> np.ndarray:
    """One more cell to hide in each unsafe relation (positions; may be empty).

    In order: the smallest shown positive cell, a shown zero cell, the shown total.
    """
    coo = A.tocoo()
    pick = unsafe[coo.row] & ~hidden[coo.col]
    rel, col, coef = coo.row[pick], coo.col[pick], coo.data[pick]
    if rel.size == 0:
        return np.zeros(0, dtype=np.int64)
    v = values[col]
    rank = np.where(coef < 0, 2, np.where(v > 0, 0, 1))
    order = np.lexsort((col, v, rank, rel))
    rel, col = rel[order], col[order]
    first = np.r_[True, rel[1:] != rel[:-1]]
    return np.unique(col[first])


def _unsafe_relations(A, values: np.ndarray, hidden: np.ndarray, protection: int) -> np.ndarray:
    """Relations that give a hidden cell away on their own.

    One hidden entry (total minus the rest); or hidden entries all on one side whose
    sum (which the reader then knows) is less than the protection level.
    """
    coo = A.tocoo()
    m = A.shape[0]
    hid = hidden[coo.col].astype(float)
    n_hidden = np.bincount(coo.row, weights=hid, minlength=m)
    n_total = np.bincount(coo.row, weights=hid * (coo.data < 0), minlength=m)
    hidden_sum = np.bincount(coo.row, weights=hid * values[coo.col], minlength=m)
    one_side = (n_total == 0) | (n_total == n_hidden)
    return (n_hidden == 1) | ((n_hidden >= 2) & one_side & (hidden_sum < protection))


def _small_total_relations(A, values: np.ndarray, protection: int) -> np.ndarray:
    """Relations that add up cells (no total cell in the table) to a known total that bounds
    them below ``protection`` whatever is hidden: a total below it, or a relation of one cell
    (the cell is the total)."""
    coo = A.tocoo()
    m = A.shape[0]
    has_total_cell = np.bincount(coo.row, weights=(coo.data < 0).astype(float), minlength=m) > 0
    one_cell = np.diff(A.tocsr().indptr) == 1
    return ~has_total_cell & ((A @ values < protection) | one_cell)


def bounded_by_known_totals(
    A, values: np.ndarray, hidden: np.ndarray, protection: int = PROTECTION_LEVEL
) -> np.ndarray:
    """Hidden cells that a known total bounds below ``protection``, whatever else is hidden.

    A relation that adds up cells to a total the reader knows but which is not a cell of
    the output (a group total published elsewhere) puts each of its cells within
    ``0 .. total``; when that total is below ``protection`` no choice of hidden cells
    makes the interval wide enough. A group of one cell is its total: the cell is
    published wherever the total is.

    Parameters
    ----------
    A : sparse matrix
        From :func:`~jsna.analysis.suppression.audit.linear_relations`.
    values : ndarray, shape (cells,)
    hidden : ndarray of bool, shape (cells,)
    protection : int

    Returns
    -------
    ndarray of bool, shape (cells,)

    Examples
    --------
    Wards of an age band whose authority total (3, published elsewhere) is below 5:

    >>> vals = np.array([3.0, 0.0, 0.0])
    >>> A, b = linear_relations(vals.reshape(-1, 1), np.zeros(3, int), np.zeros(3, bool),
    ...                         np.array([[3.0]]), [])
    >>> bounded_by_known_totals(A, vals, np.array([True, True, False])).tolist()
    [True, True, False]
    """
    return _small_cells(A, _small_total_relations(A, np.nan_to_num(values), protection)) & hidden


def _small_cells(A, small: np.ndarray) -> np.ndarray:
    """Cells that take part in any of the ``small`` relations."""
    cells = np.zeros(A.shape[1], dtype=bool)
    if small.any():
        coo = A.tocoo()
        cells[coo.col[small[coo.row]]] = True
    return cells


def _hide_small_groups(coo_small, hidden: np.ndarray) -> bool:
    """Hide every cell of each small-total relation that has a hidden cell; True if any was.

    ``coo_small`` is (relation, cell) of the entries of the small-total relations.
    """
    rel, col = coo_small
    if rel.size == 0:
        return False
    touched = np.zeros(int(rel.max()) + 1, dtype=bool)
    touched[rel[hidden[col]]] = True
    new = col[touched[rel] & ~hidden[col]]
    hidden[new] = True
    return new.size > 0


def protect_cells(
    A, values: np.ndarray, hidden: np.ndarray, *, upper: int, protection: int = PROTECTION_LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Hide further cells until every hidden cell's feasible interval is wide enough.

    A greedy pass over the relations (:func:`_unsafe_relations`), then the linear
    programming attack (:func:`~jsna.analysis.suppression.audit.cell_bounds` with the
    limits of :func:`~jsna.analysis.suppression.audit.method_caps`); for every cell it
    narrows too far, one more cell of each of its relations is hidden; until the attack
    fails or nothing is left to hide. A group whose known total (not a cell) is below
    ``protection`` cannot be protected (:func:`bounded_by_known_totals`): as soon as one
    of its cells is hidden, all of them are, zeros included, and its cells are not
    counted as a reason to hide cells elsewhere.

    Parameters
    ----------
    A : sparse matrix
        From :func:`~jsna.analysis.suppression.audit.linear_relations`.
    values : ndarray, shape (cells,)
        Unsuppressed values (NaN for missing cells, which take part in no relation).
    hidden : ndarray of bool, shape (cells,)
        Cells hidden so far (the primary ones).
    upper : int
        Top of the suppressed range (the reader knows a small count is at most this).
    protection : int
        Smallest allowed width of a hidden cell's interval.

    Returns
    -------
    hidden : ndarray of bool
        All hidden cells.
    exposed : ndarray of bool
        Hidden cells still narrowed below ``protection``: those bounded by a small known
        total, and any others left with nothing to hide.

    Examples
    --------
    The issue's ward: LSOAs 4, 7, 7, 9 (total 27, shown). Hiding the 4 and the
    smallest other cell is not enough (4 + 7 = 11, each at most 7: the 4 lies in
    4-7), so a third cell is hidden:

    >>> vals = np.array([4.0, 7.0, 7.0, 9.0, 27.0])
    >>> A, b = linear_relations(vals.reshape(-1, 1), np.zeros(5, int),
    ...                         np.array([False] * 4 + [True]), None, [])
    >>> hidden, exposed = protect_cells(A, vals, vals == 4, upper=4)
    >>> hidden.astype(int), exposed.any()
    (array([1, 1, 1, 0, 0]), np.False_)

    Wards whose total, 3, is known: nothing protects them, and all are hidden.

    >>> vals = np.array([3.0, 0.0, 0.0])
    >>> A, b = linear_relations(vals.reshape(-1, 1), np.zeros(3, int), np.zeros(3, bool),
    ...                         np.array([[3.0]]), [])
    >>> hidden, exposed = protect_cells(A, vals, vals == 3, upper=4)
    >>> hidden.astype(int), exposed.astype(int)
    (array([1, 1, 1]), array([1, 1, 1]))
    """
    hidden = hidden.copy()
    values0 = np.nan_to_num(values)
    small = _small_total_relations(A, values0, protection)
    coo = A.tocoo()
    in_small = small[coo.row]
    coo_small = (coo.row[in_small], coo.col[in_small])
    small_cells = _small_cells(A, small)
    b = None
    for _ in range(hidden.size + 1):
        if _hide_small_groups(coo_small, hidden):
            continue
        unsafe = _unsafe_relations(A, values0, hidden, protection) & ~small
        if unsafe.any():
            chosen = _choose(A, values0, hidden, unsafe)
            if chosen.size:
                hidden[chosen] = True
                continue
        if b is None:
            b = A @ values0
        caps = method_caps(A, values0, hidden, upper)
        lower, top = cell_bounds(A, b, values0, hidden, caps)
        narrow = np.zeros(hidden.size, dtype=bool)
        narrow[np.flatnonzero(hidden)[top - lower < protection]] = True
        fixable = narrow & ~small_cells
        if not fixable.any():
            return hidden, narrow
        touched = np.zeros(A.shape[0], dtype=bool)
        touched[np.unique(A[:, np.flatnonzero(fixable)].tocoo().row)] = True
        chosen = _choose(A, values0, hidden, touched & ~small)
        if chosen.size == 0:
            return hidden, narrow
        hidden[chosen] = True
    return hidden, np.zeros(hidden.size, dtype=bool)


def suppress(
    df: pd.DataFrame,
    *,
    count_columns: str | Sequence[str],
    derived_columns: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    by: str | Sequence[str] | None = None,
    total: str | None = None,
    row_sums: Mapping[str, Sequence[str]] | None = None,
    hidden: Mapping[str, Sequence[bool]] | None = None,
    totals_published: bool = True,
    rule: SuppressionRule = DEFAULT_RULE,
    protection: int = PROTECTION_LEVEL,
) -> tuple[pd.DataFrame, SuppressionReport]:
    """Suppress small counts, their complements and derived values, as the last step before output.

    Compute every aggregate first, from unsuppressed data; then call this on
    the finished table or figure data (chapters do it through
    :func:`jsna.analysis.suppression.protect`, the gate).

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
        (e.g. ``"lad_code"`` for wards within authorities). ``None``: the whole
        frame is one group. The total of a group without a total row is taken
        to be published elsewhere (known to the reader).
    total : str, optional
        Name of a boolean column marking each group's total row (at most one
        per group), which must equal the sum of the group's cells.
    row_sums : dict, optional
        ``{total column: [part columns]}`` for counts of one row that add up,
        e.g. ``{"persons": ["male", "female"]}`` (all of them count columns).
    totals_published : bool
        ``True`` (default): the total of a group without a total row is taken to be
        known to the reader (published elsewhere, e.g. the authority's count on
        Fingertips). ``False`` when the cells add up to nothing published (different
        conditions, periods of a trend, a set of neighbouring authorities).
    hidden : dict, optional
        ``{count column: booleans}``: cells already hidden in another output of the
        same numbers, kept hidden so that the outputs agree.
    rule : SuppressionRule
        Threshold, marker and rounding; the default suppresses 1 to 4 and shows zeros.
    protection : int
        Smallest width ``upper - lower`` a reader may narrow a hidden cell to (5).

    Returns
    -------
    frame : pandas.DataFrame
        A copy with suppressed cells set to NaN (count columns become float)
        and a ``suppression`` column holding ``[c]`` in rows with a suppressed
        cell and ``""`` elsewhere.
    report : SuppressionReport
        Counts of suppressed cells, a one-sentence ``note``, the ``mask`` and the
        ``structure`` for the audit.

    Raises
    ------
    DataValidationError
        A count that is not whole or is negative, text in a count column, an
        unknown column, a total column that is not boolean, has two totals
        in a group or does not equal its cells' sum, or a frame already suppressed.

    Warns
    -----
    UserWarning
        When a group cannot be protected (e.g. a single cell whose total is
        published): the cell could be recovered from the total.

    Examples
    --------
    Wards of one authority with the authority total row; the ward of 3 is
    suppressed, and so are further wards until no hidden ward can be narrowed
    to less than 5 wide (3 + 12 = 15, so each lies in 0-15 for a reader):

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
    sums = _row_sums(df, counts, row_sums)
    check_counts(df, counts)

    n, k = len(df), len(counts)
    group = (
        df.groupby(by_cols, sort=False, dropna=False).ngroup().to_numpy()
        if by_cols
        else np.zeros(n, dtype=np.int64)
    )
    is_total = _total_rows(df, total, group, by_cols)
    values = np.column_stack([numeric_column(df, c, "count_columns") for c in counts])
    n_groups = int(group.max(initial=-1)) + 1
    external = np.full((n_groups, k), np.nan)
    cells = ~is_total
    for j in range(k):
        present = cells & ~np.isnan(values[:, j])
        external[:, j] = np.bincount(group[present], weights=values[present, j], minlength=n_groups)
    has_total = np.zeros(n_groups, dtype=bool)
    has_total[group[is_total]] = True
    external[has_total] = np.nan
    if not totals_published:
        external[:] = np.nan
    position = {c: j for j, c in enumerate(counts)}
    sum_pos = [(position[t], [position[p] for p in parts]) for t, parts in sums.items()]
    A, b = linear_relations(values, group, is_total, external, sum_pos)
    _check_sums(df, A, b, values, by_cols, group, k)

    first = (values >= rule.lower) & (values <= rule.upper)
    start = first.copy()
    for column, mask in (hidden or {}).items():
        check_columns(df, {"hidden (keys)": [column]})
        j = position[column]
        start[:, j] |= np.asarray(mask, dtype=bool) & ~np.isnan(values[:, j])
    flat, exposed = protect_cells(
        A, values.ravel(), start.ravel(), upper=rule.upper, protection=protection
    )
    bounded = (bounded_by_known_totals(A, values.ravel(), flat, protection) & exposed).reshape(n, k)
    mask_matrix = flat.reshape(n, k)
    exposed = exposed.reshape(n, k)
    if bounded.any():
        rows = bounded.any(axis=1)
        keys = _group_labels(df, by_cols, group, np.unique(group[rows]).tolist())
        r, j = np.nonzero(bounded)
        known = sorted({int(t) for t in np.nan_to_num(external[group[r], j])})
        warnings.warn(
            f"suppress: {int(bounded.sum())} suppressed count(s) in {len(keys)} group(s) "
            f"{first_values(keys)} could still be narrowed to less than {protection} wide: "
            f"their group total, taken as published elsewhere, is below {protection} "
            f"({first_values(known)}), and every count lies between 0 and it whatever is "
            "hidden; all their cells are hidden, so the output adds nothing to the total. "
            "Merge small groups (ages, causes, areas) or pass totals_published=False if "
            "those totals are not public",
            UserWarning,
            stacklevel=2,
        )
    others = exposed & ~bounded
    if others.any():
        keys = _group_labels(df, by_cols, group, np.unique(group[others.any(axis=1)]).tolist())
        warnings.warn(
            f"suppress: a suppressed count in group(s) {first_values(keys)} could still be "
            f"narrowed to less than {protection} wide from the totals and other cells (nothing "
            "left to suppress); merge small groups or leave the total out of the output",
            UserWarning,
            stacklevel=2,
        )
    masks = {c: mask_matrix[:, j] for j, c in enumerate(counts)}

    derived_masks: dict[str, np.ndarray] = {}
    for column, sources in derived.items():
        gone = np.zeros(n, dtype=bool) | bool(rule.rounding)
        for source in sources:
            gone |= masks[source]
        derived_masks[column] = gone & df[column].notna().to_numpy()

    out = df.copy()
    for column, gone in masks.items():
        shown = numeric_column(df, column, "count_columns")
        if rule.rounding:
            shown = rule.rounding * np.round(shown / rule.rounding)
        out[column] = np.where(gone, np.nan, shown)
    for column, gone in derived_masks.items():
        out[column] = out[column].mask(gone)
    any_hidden = np.zeros(n, dtype=bool)
    for gone in (*masks.values(), *derived_masks.values()):
        any_hidden |= gone
    out[MARKER_COLUMN] = np.where(any_hidden, rule.marker, "")

    mask = pd.DataFrame({**masks, **derived_masks}, index=df.index)
    n_derived = int(sum(int(h.sum()) for h in derived_masks.values()))
    primary = int(first.sum())
    structure = {
        "rule": rule.describe(),
        "rule_upper": rule.upper,
        "rounding": rule.rounding,
        "protection": protection,
        "count_columns": counts,
        "derived_columns": derived,
        "by": by_cols,
        "total": total,
        "row_sums": sums,
        "groups": group.tolist(),
        "external_totals": {
            c: [None if np.isnan(t) else float(t) for t in external[:, j]]
            for j, c in enumerate(counts)
        },
        "hidden": {c: np.flatnonzero(m).tolist() for c, m in masks.items()},
        # hidden cells bounded only by a group total below the protection level
        "bounded_by_known_totals": {
            c: np.flatnonzero(bounded[:, j]).tolist() for j, c in enumerate(counts)
        },
    }
    report = SuppressionReport(
        rule=rule,
        primary=primary,
        secondary=int(mask_matrix.sum()) - primary,
        derived=n_derived,
        unprotected=int(exposed.sum()),
        note=_note(rule, primary, int(mask_matrix.sum()) - primary, n_derived),
        mask=mask,
        structure=structure,
        bounded=int(bounded.sum()),
    )
    return out, report


def _row_sums(df, counts: list[str], row_sums) -> dict[str, list[str]]:
    if not row_sums:
        return {}
    if not isinstance(row_sums, Mapping):
        raise DataValidationError(
            f"row_sums={row_sums!r} is not a dict; give e.g. "
            "row_sums={'persons': ['male', 'female']}"
        )
    result = {}
    for total, parts in row_sums.items():
        parts = as_list(parts)
        named = [total, *parts]
        outside = [c for c in named if c not in counts]
        if outside:
            raise DataValidationError(
                f"row_sums names {first_values(outside)}, which are not count_columns {counts}; "
                "a row sum adds up count columns - declare them as counts"
            )
        result[total] = parts
    return result


def _check_sums(df, A, b, values, by_cols, group, k) -> None:
    gap = np.abs(A @ np.nan_to_num(values.ravel()) - b)
    bad = np.flatnonzero(gap > 1e-6)
    if bad.size:
        cells = np.unique(A[bad].tocoo().col // k)
        keys = _group_labels(df, by_cols, group, np.unique(group[cells]).tolist())
        raise DataValidationError(
            f"the total rows or row sums of group(s) {first_values(keys)} do not equal the sum "
            "of their cells; publish totals computed from the same counts, or do not declare "
            "them as totals"
        )


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
