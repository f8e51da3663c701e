"""The attacker: what a reader can work out about hidden cells from what is published.

:func:`jsna.analysis.suppression.suppress` hides small counts; this module checks that
the hiding holds. It models a reader who sees a published table (or a figure's CSV)
and knows its structure - which columns are counts, which cells add up to which
totals (group totals, whether in the table or published elsewhere, and several counts
of one row that add up, such as ``male + female = persons``), and that counts are
whole and never negative - and solves, by integer linear programming
(:func:`scipy.optimize.linprog` with ``integrality``), the smallest and largest value
each hidden cell can take. A hidden cell is **protected** when that interval is at
least the protection level wide (5 by default: ``upper - lower >= 5``), so that a
hidden 1-4 can never be narrowed to 1-4.

Derived values (rates, ratios, limits) are not modelled as equations; instead a
derived value shown in a row where a count it comes from is hidden counts as a leak
(the count could be worked back as ``rate x denominator``), with interval width 0.

The structure is the JSON-able dictionary the gate records beside every output
(``<name>.disclosure.json``, see :func:`jsna.analysis.suppression.protect`), so
:func:`audit_file` can rerun the attack on a published CSV.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from jsna.exceptions import DataValidationError, SourceError

__all__ = [
    "PROTECTION_LEVEL",
    "SIDECAR_SUFFIX",
    "linear_relations",
    "cell_bounds",
    "method_caps",
    "audit",
    "audit_file",
]

#: The narrowest interval allowed for a hidden cell: ``upper - lower >= 5``, so no hidden
#: count can be pinned to the suppressed range 1-4 (which is 3 wide).
PROTECTION_LEVEL = 5

#: The structure of each output is written beside it as ``<stem>.disclosure.json``.
SIDECAR_SUFFIX = ".disclosure.json"


def linear_relations(
    values: np.ndarray,
    group: np.ndarray,
    is_total: np.ndarray,
    external_totals: np.ndarray | None,
    row_sums: list[tuple[int, list[int]]],
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The equations a reader knows hold between the cells of a table: ``A @ x = b``.

    Parameters
    ----------
    values : ndarray, shape (n rows, k count columns)
        NaN for a missing cell (missing cells take part in no equation).
    group : ndarray of int, shape (n,)
        Group of each row (0 .. G-1).
    is_total : ndarray of bool, shape (n,)
        The group's total row (at most one per group).
    external_totals : ndarray, shape (G, k), or None
        For groups without a total row, the group total the reader is taken to know
        (published elsewhere); NaN or ``None`` where unknown.
    row_sums : list of (total column, [part columns])
        Columns of one row that add up (``persons = male + female``), as positions.

    Returns
    -------
    A : scipy.sparse.csr_matrix, shape (m, n * k)
        Cell ``(row, column)`` is variable ``row * k + column``; parts have
        coefficient +1 and totals -1.
    b : ndarray, shape (m,)

    Examples
    --------
    >>> A, b = linear_relations(np.array([[3.0], [7.0], [10.0]]), np.zeros(3, int),
    ...                         np.array([False, False, True]), None, [])
    >>> A.toarray(), b
    (array([[ 1.,  1., -1.]]), array([0.]))
    """
    n, k = values.shape
    n_groups = int(group.max(initial=-1)) + 1
    present = ~np.isnan(values)
    rows_i, cols_i, coef, rel = [], [], [], []
    b_parts = []
    # group relations: relation id g * k + c
    for c in range(k):
        cell = np.flatnonzero(present[:, c] & ~is_total)
        tot = np.flatnonzero(present[:, c] & is_total)
        rows_i += [cell, tot]
        cols_i += [np.full(cell.size, c), np.full(tot.size, c)]
        coef += [np.ones(cell.size), -np.ones(tot.size)]
        rel += [group[cell] * k + c, group[tot] * k + c]
        has_total = np.zeros(n_groups, dtype=bool)
        has_total[group[tot]] = True
        known = np.full(n_groups, np.nan)
        if external_totals is not None:
            known = np.where(has_total, np.nan, external_totals[:, c])
        b_parts.append(np.where(has_total, 0.0, known))
    b_group = np.column_stack(b_parts).ravel() if b_parts else np.zeros(0)
    base = n_groups * k
    b_rows = []
    for j, (tot, parts) in enumerate(row_sums):
        ok = present[:, [tot, *parts]].all(axis=1)
        r = np.flatnonzero(ok)
        for p in parts:
            rows_i.append(r)
            cols_i.append(np.full(r.size, p))
            coef.append(np.ones(r.size))
            rel.append(base + j * n + r)
        rows_i.append(r)
        cols_i.append(np.full(r.size, tot))
        coef.append(-np.ones(r.size))
        rel.append(base + j * n + r)
        b_rows.append(np.where(ok, 0.0, np.nan))
    b = np.concatenate([b_group, *b_rows]) if b_rows else b_group
    if not rows_i:
        return sparse.csr_matrix((0, n * k)), np.zeros(0)
    r_all = np.concatenate(rows_i).astype(np.int64)
    c_all = np.concatenate(cols_i).astype(np.int64)
    A = sparse.coo_matrix(
        (np.concatenate(coef), (np.concatenate(rel).astype(np.int64), r_all * k + c_all)),
        shape=(b.size, n * k),
    ).tocsr()
    # a relation whose right-hand side is unknown, or with fewer than two cells, says nothing
    keep = ~np.isnan(b) & (np.diff(A.indptr) >= 1)
    return A[keep], b[keep]


def _solve(c: np.ndarray, A: sparse.csr_matrix, b: np.ndarray, bounds: list) -> float:
    """Minimum of ``c @ x`` over whole ``x`` within ``bounds`` with ``A x = b``."""
    relaxed = linprog(c, A_eq=A, b_eq=b, bounds=bounds, method="highs")
    if relaxed.status == 3:
        return -np.inf
    if relaxed.status != 0:
        raise DataValidationError(
            "the published cells contradict the declared totals (no whole, non-negative "
            "solution); check the count columns, by= and total= of this output"
        )
    if np.allclose(relaxed.x, np.round(relaxed.x), atol=1e-7):
        return float(relaxed.fun)  # a whole optimum of the relaxation is the whole optimum
    whole = linprog(c, A_eq=A, b_eq=b, bounds=bounds, method="highs", integrality=np.ones(c.size))
    return float(whole.fun) if whole.status == 0 else float(relaxed.fun)


def cell_bounds(
    A: sparse.csr_matrix,
    b: np.ndarray,
    values: np.ndarray,
    hidden: np.ndarray,
    caps: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest whole value each hidden cell can take, given the rest.

    Parameters
    ----------
    A, b : from :func:`linear_relations`
    values : ndarray, shape (n * k,)
        The cells as published (hidden ones are ignored).
    hidden : ndarray of bool, shape (n * k,)
    caps : ndarray, optional
        What else the reader knows: an upper limit for each hidden cell (one entry per
        hidden cell, ``inf`` for none), e.g. from knowing how cells are chosen
        (:func:`method_caps`).

    Returns
    -------
    lower, upper : ndarray
        One entry per hidden cell (in order of ``np.flatnonzero(hidden)``);
        ``upper`` is ``inf`` when nothing bounds the cell.

    Examples
    --------
    Two hidden cells of a group of three whose total (14) is shown:

    >>> vals = np.array([3.0, 4.0, 7.0, 14.0])
    >>> A, b = linear_relations(vals.reshape(-1, 1), np.zeros(4, int),
    ...                         np.array([False, False, False, True]), None, [])
    >>> cell_bounds(A, b, vals, np.array([True, True, False, False]))
    (array([0., 0.]), array([7., 7.]))
    """
    hid = np.flatnonzero(hidden)
    caps = np.full(hid.size, np.inf) if caps is None else np.asarray(caps, dtype=float)
    lower = np.zeros(hid.size)
    upper = caps.copy()
    if hid.size == 0 or A.shape[0] == 0:
        return lower, upper
    shown = np.flatnonzero(~hidden)
    known = np.nan_to_num(values[shown])
    rhs = b - A[:, shown] @ known
    AH = A[:, hid].tocsr()
    used = np.diff(AH.indptr) > 0
    AH, rhs = AH[used], rhs[used]
    if AH.shape[0] == 0:
        return lower, upper
    link = (AH.T @ AH).tocsr()
    n_comp, label = connected_components(link, directed=False)
    AHc = AH.tocsc()
    for comp in range(n_comp):
        vars_ = np.flatnonzero(label == comp)
        sub = AHc[:, vars_].tocsr()
        rows = np.flatnonzero(np.diff(sub.indptr) > 0)
        if rows.size == 0:
            continue
        sub, sub_b = sub[rows], rhs[rows]
        if rows.size == 1 and np.abs(sub.data).max() == 1 and abs(sub.data.sum()) == sub.nnz:
            # one sum of the cells, all on one side: sum x = S, 0 <= x <= cap, in closed form
            total = sub_b[0] * sub.data[0]
            cap = caps[vars_]
            infinite = np.isinf(cap)
            finite_sum = cap[~infinite].sum()
            others = np.where(
                infinite.sum() - infinite > 0, np.inf, finite_sum - np.where(infinite, 0, cap)
            )
            lower[vars_] = np.maximum(0.0, total - others)
            upper[vars_] = np.minimum(cap, total)
            continue
        bounds = [(0, None if np.isinf(cap) else cap) for cap in caps[vars_]]
        for i, var in enumerate(vars_):
            c = np.zeros(vars_.size)
            c[i] = 1.0
            lower[var] = _solve(c, sub, sub_b, bounds)
            upper[var] = -_solve(-c, sub, sub_b, bounds)
    lower = np.ceil(np.round(lower, 6))
    upper = np.floor(np.round(upper, 6))
    return lower, upper


def method_caps(
    A: sparse.csr_matrix, values: np.ndarray, hidden: np.ndarray, upper: int
) -> np.ndarray:
    """Upper limits a reader who knows the suppression method can put on hidden cells.

    A hidden cell is either a small count (at most ``upper``) or was hidden as the
    smallest shown cell of one of its relations, so it is at most the smallest
    positive cell still shown there. A cell that is a total somewhere may have been
    hidden as a total, and gets no limit.

    Parameters
    ----------
    A : from :func:`linear_relations`
    values : ndarray, shape (n * k,)
    hidden : ndarray of bool, shape (n * k,)
    upper : int
        The top of the suppressed range (4).

    Returns
    -------
    ndarray
        One limit per hidden cell (``inf`` for none).

    Examples
    --------
    >>> vals = np.array([4.0, 7.0, 7.0, 4.0, 22.0])
    >>> A, _ = linear_relations(vals.reshape(-1, 1), np.zeros(5, int),
    ...                         np.array([False] * 4 + [True]), None, [])
    >>> method_caps(A, vals, np.array([True, True, False, False, False]), 4)
    array([4., 4.])
    """
    coo = A.tocoo()
    n_rel = A.shape[0]
    part = coo.data > 0
    shown_pos = part & ~hidden[coo.col] & (np.nan_to_num(values[coo.col]) > 0)
    smallest = np.full(n_rel, np.inf)
    np.minimum.at(smallest, coo.row[shown_pos], values[coo.col[shown_pos]])
    hid = np.flatnonzero(hidden)
    where = np.full(hidden.size, -1, dtype=np.int64)
    where[hid] = np.arange(hid.size)
    cap = np.full(hid.size, -np.inf)
    mine = part & hidden[coo.col]
    np.maximum.at(cap, where[coo.col[mine]], smallest[coo.row[mine]])
    is_total = np.zeros(hid.size, dtype=bool)
    as_total = ~part & hidden[coo.col]
    is_total[where[coo.col[as_total]]] = True
    cap = np.where(is_total | np.isneginf(cap), np.inf, cap)
    return np.maximum(cap, upper)


def _structure_arrays(frame: pd.DataFrame, structure: Mapping) -> dict:
    counts = list(structure["count_columns"])
    missing = [c for c in counts if c not in frame.columns]
    if missing:
        raise SourceError(f"the output lacks the count columns {missing} its structure names")
    values = frame[counts].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    n = len(frame)
    group = np.asarray(structure.get("groups") or [0] * n, dtype=np.int64)
    total = structure.get("total")
    is_total = (
        frame[total].astype(str).str.lower().eq("true").to_numpy()
        if total
        else np.zeros(n, dtype=bool)
    )
    n_groups = int(group.max(initial=-1)) + 1
    external = np.full((n_groups, len(counts)), np.nan)
    for j, column in enumerate(counts):
        given = (structure.get("external_totals") or {}).get(column)
        if given is not None:
            external[:, j] = np.asarray(given, dtype=float)
    position = {c: j for j, c in enumerate(counts)}
    row_sums = [
        (position[t], [position[p] for p in parts])
        for t, parts in (structure.get("row_sums") or {}).items()
    ]
    hidden = np.zeros(values.shape, dtype=bool)
    for column, rows in (structure.get("hidden") or {}).items():
        hidden[np.asarray(rows, dtype=np.int64), position[column]] = True
    return {
        "counts": counts,
        "values": values,
        "group": group,
        "is_total": is_total,
        "external": external,
        "row_sums": row_sums,
        "hidden": hidden,
    }


def audit(
    frame: pd.DataFrame, structure: Mapping, *, protection: int = PROTECTION_LEVEL
) -> pd.DataFrame:
    """Attack a published frame: the feasible interval of every hidden cell.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output as published (hidden cells are NaN).
    structure : dict
        As recorded by :func:`jsna.analysis.suppression.protect` (``count_columns``,
        ``derived_columns``, ``groups``, ``total``, ``external_totals``, ``row_sums``,
        ``hidden``).
    protection : int
        Smallest allowed width ``upper - lower``.

    Returns
    -------
    pandas.DataFrame
        One row per hidden cell: ``row``, ``column``, ``lower``, ``upper``, ``width``,
        ``ok``, ``reason`` (``""``, ``"narrow"``, ``"shown"`` - a hidden cell whose value
        is published anyway - or ``"derived: <column>"``).

    Examples
    --------
    The issue's example: a ward of four LSOAs (total 22) hides a 4 and a 7, and the
    smallest shown cell is 7: the reader learns the hidden pair sums to 11.

    >>> frame = pd.DataFrame({"n": [np.nan, np.nan, 5.0, 6.0, 22.0],
    ...                       "is_total": [False, False, False, False, True]})
    >>> structure = {"count_columns": ["n"], "total": "is_total", "hidden": {"n": [0, 1]}}
    >>> audit(frame, structure)[["row", "lower", "upper", "width", "ok"]]
       row  lower  upper  width    ok
    0    0    0.0   11.0   11.0  True
    1    1    0.0   11.0   11.0  True
    """
    parts = _structure_arrays(frame, structure)
    values, hidden = parts["values"], parts["hidden"]
    n, k = values.shape
    A, b = linear_relations(
        np.where(hidden, 0.0, values),
        parts["group"],
        parts["is_total"],
        parts["external"],
        parts["row_sums"],
    )
    flat_hidden = hidden.ravel()
    caps = None
    if structure.get("rule_upper") is not None:
        caps = method_caps(A, values.ravel(), flat_hidden, int(structure["rule_upper"]))
    lower, upper = cell_bounds(A, b, values.ravel(), flat_hidden, caps)
    cells = np.flatnonzero(flat_hidden)
    result = pd.DataFrame(
        {
            "row": cells // k,
            "column": [parts["counts"][c] for c in cells % k],
            "lower": lower,
            "upper": upper,
        }
    )
    result["width"] = result["upper"] - result["lower"]
    result["reason"] = np.where(result["width"] < protection, "narrow", "")
    leaked = ~np.isnan(values.ravel()[cells])
    result.loc[leaked, ["reason", "width"]] = ["shown", 0.0]
    position = {c: j for j, c in enumerate(parts["counts"])}
    for column, sources in (structure.get("derived_columns") or {}).items():
        if column not in frame.columns:
            continue
        shown = pd.to_numeric(frame[column], errors="coerce").notna().to_numpy()
        for source in sources:
            leak = hidden[:, position[source]] & shown
            hit = result["row"].isin(np.flatnonzero(leak)) & result["column"].eq(source)
            result.loc[hit, ["reason", "width"]] = [f"derived: {column}", 0.0]
    result["ok"] = result["reason"].eq("")
    return result[["row", "column", "lower", "upper", "width", "ok", "reason"]]


def audit_file(path: str | Path, *, protection: int = PROTECTION_LEVEL) -> pd.DataFrame:
    """:func:`audit` a published CSV with the structure recorded beside it.

    Parameters
    ----------
    path : path
        ``<stem>.csv``; its structure is read from ``<stem>.disclosure.json``.

    Raises
    ------
    SourceError
        The structure file is missing (the output did not pass the gate).
    """
    path = Path(path)
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists():
        raise SourceError(
            f"{path.name} has no {sidecar.name}: it did not leave through the disclosure gate; "
            "save it with Chapter.table/Chapter.figure"
        )
    structure = json.loads(sidecar.read_text(encoding="utf-8"))
    if not structure.get("count_columns"):
        return pd.DataFrame(
            {
                "row": pd.Series(dtype="int64"),
                "column": pd.Series(dtype=object),
                **{c: pd.Series(dtype=float) for c in ("lower", "upper", "width")},
                "ok": pd.Series(dtype=bool),
                "reason": pd.Series(dtype=object),
            }
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    return audit(frame, structure, protection=protection)
