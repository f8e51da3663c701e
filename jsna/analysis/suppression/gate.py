"""The gate: every table and figure's data leaves the process through :func:`protect`.

The caller declares the role of every column (:class:`ColumnRoles`); nothing is
guessed from names, so a renamed count is still a count:

* **counts** (``count_columns``): counts of people, suppressed by size, with the
  cells that add up declared by ``by``/``total`` (groups and their totals) and
  ``row_sums`` (``persons = male + female`` in one row);
* **derived** (``derived_columns``): values calculated from counts (rates, ratios,
  percentages, confidence limits, life expectancy), hidden in every row where a count
  they come from is hidden;
* **safe** (``safe_columns``): numbers that are not counts of people in the output's
  cells, or that are published already at this level - codes, years, ranks, scores,
  populations of areas (ONS estimates), benchmark values for England.

**The rule**: a frame with a numeric column (numbers, or text that is all numbers;
True/False flags are not numbers) whose role is not declared is refused with a
:class:`~jsna.exceptions.DataValidationError` naming the columns. The ``by`` and
``total`` columns are structure and need no other role.

The structure protected (:attr:`Protected.structure`) is written beside the output as
``<name>.disclosure.json`` so that :func:`jsna.analysis.suppression.audit.audit_file`
can rerun the attack on the published file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jsna.analysis.suppression.rules import DEFAULT_RULE, MARKER_COLUMN, SuppressionRule
from jsna.analysis.suppression.suppress import SuppressionReport, suppress
from jsna.columns import as_list, check_columns
from jsna.exceptions import DataValidationError, first_values

__all__ = ["ColumnRoles", "Protected", "numeric_columns", "protect", "structure_json"]


@dataclass(frozen=True)
class ColumnRoles:
    """The role of each numeric column of an output, and which cells add up.

    Parameters
    ----------
    count_columns : str or list of str
        Counts of people (suppressed by size).
    derived_columns : list of str or dict
        Values calculated from the counts: a list (from every count) or
        ``{count column: [derived columns]}``.
    safe_columns : str or list of str
        Numbers safe to publish as they are (codes, years, ranks, scores, area populations).
    by, total, row_sums, hidden, totals_published
        As for :func:`jsna.analysis.suppression.suppress`.

    Examples
    --------
    >>> ColumnRoles(count_columns="deaths", derived_columns=["value"], safe_columns="year")
    ... # doctest: +ELLIPSIS
    ColumnRoles(count_columns=('deaths',), derived_columns=('value',), safe_columns=('year',), ...)
    """

    count_columns: Sequence[str] | str = ()
    derived_columns: Sequence[str] | Mapping[str, Sequence[str]] | str = ()
    safe_columns: Sequence[str] | str = ()
    by: Sequence[str] | str | None = None
    total: str | None = None
    row_sums: Mapping[str, Sequence[str]] | None = None
    hidden: Mapping[str, Sequence[bool]] | None = field(default=None, repr=False)
    totals_published: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "count_columns", tuple(as_list(self.count_columns)))
        object.__setattr__(self, "safe_columns", tuple(as_list(self.safe_columns)))
        if not isinstance(self.derived_columns, Mapping):
            object.__setattr__(self, "derived_columns", tuple(as_list(self.derived_columns)))

    def derived_names(self) -> list[str]:
        """Every derived column."""
        if isinstance(self.derived_columns, Mapping):
            return [c for names in self.derived_columns.values() for c in as_list(names)]
        return list(self.derived_columns)


@dataclass(frozen=True)
class Protected:
    """What :func:`protect` returns: the frame to publish, the report, the structure."""

    frame: pd.DataFrame
    report: SuppressionReport | None
    structure: dict


def numeric_columns(df: pd.DataFrame) -> list[str]:
    """Columns holding numbers: a numeric dtype, or text that is all numbers (flags excluded).

    Examples
    --------
    >>> numeric_columns(pd.DataFrame({"a": [1], "b": ["3"], "c": ["E0"], "d": [True]}))
    ['a', 'b']
    """
    found = []
    for column in df.columns:
        values = df[column]
        kind = values.dtype.kind
        if kind in "iufc":
            found.append(column)
        elif kind == "O" or isinstance(values.dtype, pd.StringDtype):
            present = values.dropna()
            present = present[present.map(lambda v: not isinstance(v, bool))]
            if len(present) and pd.to_numeric(present, errors="coerce").notna().all():
                found.append(column)
    return found


def protect(
    df: pd.DataFrame, roles: ColumnRoles | None = None, *, rule: SuppressionRule = DEFAULT_RULE
) -> Protected:
    """Check the roles of an output's columns and apply disclosure control: the one gate.

    Parameters
    ----------
    df : pandas.DataFrame
        The finished output (computed from unsuppressed data).
    roles : ColumnRoles, optional
        The role of every numeric column (``None``: the frame must hold no numbers).
    rule : SuppressionRule
        :data:`~jsna.analysis.suppression.DEFAULT_RULE` (1-4) or, for record-level
        outputs, :data:`~jsna.analysis.suppression.EHRQL_RULE`.

    Returns
    -------
    Protected
        ``frame`` to write, the :class:`SuppressionReport` (``None`` without counts) and
        the ``structure`` to record beside it.

    Raises
    ------
    DataValidationError
        A numeric column with no declared role, a column declared twice, or the
        errors of :func:`jsna.analysis.suppression.suppress`.

    Examples
    --------
    A rate whose count column was renamed is still hidden with it, because the roles
    are declared:

    >>> frame = pd.DataFrame({"ward": ["A", "B", "C"], "Deaths (number)": [3, 40, 9],
    ...                       "Rate": [1.5, 20.0, 4.5], "Population": [200, 200, 200]})
    >>> roles = ColumnRoles(count_columns="Deaths (number)", derived_columns=["Rate"],
    ...                     safe_columns="Population")
    >>> protect(frame, roles).frame  # doctest: +NORMALIZE_WHITESPACE
      ward  Deaths (number)  Rate  Population suppression
    0    A              NaN   NaN         200         [c]
    1    B             40.0  20.0         200
    2    C              NaN   NaN         200         [c]
    >>> protect(frame.drop(columns="Population"))  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: columns 'Deaths (number)', 'Rate' hold numbers but
    have no declared role; declare each as a count (count_columns=), derived from counts
    (derived_columns=) or safe to publish (safe_columns=: codes, years, ranks, area populations)
    """
    roles = roles if roles is not None else ColumnRoles()
    if not isinstance(roles, ColumnRoles):
        raise DataValidationError(
            f"roles={roles!r} is not a ColumnRoles; give e.g. ColumnRoles(count_columns='count')"
        )
    if MARKER_COLUMN in df.columns:
        raise DataValidationError(
            f"the frame already has a {MARKER_COLUMN!r} column, so it looks suppressed already; "
            "give the gate the unsuppressed frame (and hidden= for cells another output hides)"
        )
    counts, derived, safe = (
        list(roles.count_columns),
        roles.derived_names(),
        list(roles.safe_columns),
    )
    structural = as_list(roles.by) + as_list(roles.total)
    check_columns(df, {"count_columns": counts, "derived_columns": derived, "safe_columns": safe})
    named = counts + derived + safe
    twice = sorted({c for c in named if named.count(c) > 1})
    if twice:
        raise DataValidationError(
            f"columns {first_values(twice)} are declared with two roles; a column is a count, "
            "derived from counts, or safe - give it one"
        )
    undeclared = [c for c in numeric_columns(df) if c not in named and c not in structural]
    if undeclared:
        listed = ", ".join(repr(c) for c in undeclared[:6]) + (
            " ..." if len(undeclared) > 6 else ""
        )
        raise DataValidationError(
            f"columns {listed} hold numbers but have no declared role; declare each as a count "
            "(count_columns=), derived from counts (derived_columns=) or safe to publish "
            "(safe_columns=: codes, years, ranks, area populations)"
        )
    if not counts:
        if derived:
            raise DataValidationError(
                f"derived_columns {first_values(derived)} are given but no count_columns; name "
                "the counts they are calculated from"
            )
        structure = {"count_columns": [], "safe_columns": safe}
        return Protected(df, None, structure)
    out, report = suppress(
        df,
        count_columns=counts,
        derived_columns=(
            dict(roles.derived_columns)
            if isinstance(roles.derived_columns, Mapping)
            else list(roles.derived_columns)
        ),
        by=roles.by,
        total=roles.total,
        row_sums=roles.row_sums,
        hidden=roles.hidden,
        totals_published=roles.totals_published,
        rule=rule,
    )
    structure = {**report.structure, "safe_columns": safe}
    return Protected(out, report, structure)


def structure_json(structure: Mapping) -> str:
    """The structure as stable JSON text (sorted keys, one line per entry), for the sidecar file.

    Examples
    --------
    >>> print(structure_json({"count_columns": ["n"], "hidden": {"n": [0, 2]}}), end="")
    {
      "count_columns": ["n"],
      "hidden": {"n": [0, 2]}
    }
    """

    def plain(value):
        if isinstance(value, (np.integer,)):
            return int(value)
        if isinstance(value, (np.floating,)):
            return None if np.isnan(value) else float(value)
        if isinstance(value, float) and np.isnan(value):
            return None
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    data = plain(dict(structure))
    lines = [f"  {json.dumps(k)}: {json.dumps(data[k], sort_keys=True)}" for k in sorted(data)]
    return "{\n" + ",\n".join(lines) + "\n}\n"
