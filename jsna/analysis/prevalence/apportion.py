"""Apportioning: share practice counts among LSOAs by where each practice's patients live.

:func:`apportion` shares practice registers and list sizes among LSOAs by each
practice's registered patients by LSOA (NHS Digital), in whole numbers by the
largest-remainder rule so that every practice's total is preserved exactly.
Practices missing from the patients-by-LSOA file are kept (with no LSOA),
reported in a warning and in the metadata.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values
from jsna.meta import copy_meta, with_meta

__all__ = ["apportion"]


def _largest_remainder(values: np.ndarray, shares: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Whole-number shares of each group's whole value, adding up to it exactly.

    ``values`` repeats the group's value on each of its rows; ``groups`` are
    group numbers 0..k-1. Each row gets the floor of its share and the rest
    of the group's value goes one each to the rows with the largest
    remainders (ties to the earlier row).
    """
    if len(groups) == 0:
        return np.zeros(0)
    raw = values * shares
    floor = np.floor(raw)
    size = int(groups.max()) + 1
    total = np.zeros(size)
    total[groups] = values
    left = np.rint(total - np.bincount(groups, floor, minlength=size)).astype(np.int64)
    order = np.lexsort((np.arange(len(groups)), -(raw - floor), groups))
    starts = np.r_[0, np.flatnonzero(np.diff(groups[order])) + 1]
    lengths = np.diff(np.r_[starts, len(groups)])
    position = np.empty(len(groups), dtype=np.int64)
    position[order] = np.arange(len(groups)) - np.repeat(starts, lengths)
    return floor + (position < left[groups])


def apportion(
    frame: pd.DataFrame,
    patients: pd.DataFrame,
    *,
    values: str | Sequence[str],
    by: str | Sequence[str] | None = None,
    weights: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share practice counts among LSOAs by the practice's registered patients by LSOA.

    Parameters
    ----------
    frame : DataFrame
        One row per practice (and ``by`` group, e.g. condition) with
        ``practice_code`` and the ``values`` columns (registers, list sizes).
    patients : DataFrame
        ``practice_code``, an LSOA code column and ``patients`` (the
        ``gp.lsoa_patients`` role; rows by sex are summed).
    values : str or list of str
        Count columns to share. Whole numbers are shared in whole numbers by
        the largest-remainder rule, so each practice's total is preserved
        exactly; other values are shared in proportion.
    by : str or list of str, optional
        Extra key columns of ``frame`` kept in the result (``condition``).
    weights : DataFrame, optional
        The LSOA code column, any of the ``by`` columns and ``weight``: each
        practice's patients in an LSOA count ``weight`` times (e.g. the
        LSOA's expected prevalence, so that a register is shared in
        proportion to expected cases rather than headcount). Every LSOA of
        the patients file needs a weight; a practice whose weights are all 0
        is shared by headcount.

    Returns
    -------
    DataFrame
        ``practice_code``, the LSOA code column (missing for practices not in
        ``patients``), ``by`` columns, ``share`` and the shared values.
        Metadata ``unallocated_practices`` lists practices that were not in
        the patients-by-LSOA file; they keep their whole count with no LSOA.

    Warns
    -----
    UserWarning
        Practices missing from the patients-by-LSOA file (named).

    Examples
    --------
    >>> reg = pd.DataFrame({"practice_code": ["P1"], "register": [10]})
    >>> pat = pd.DataFrame({"practice_code": "P1", "lsoa21_code": ["A", "B", "C"],
    ...                     "patients": [100, 100, 100]})
    >>> apportion(reg, pat, values="register")[["lsoa21_code", "register"]].values.tolist()
    [['A', 4.0], ['B', 3.0], ['C', 3.0]]
    """
    values, by = as_list(values), as_list(by)
    check_columns(frame, {"frame": ["practice_code"], "values": values, "by": by})
    lsoa = [c for c in patients.columns if re.fullmatch(r"lsoa\d\d_code", str(c))]
    if len(lsoa) != 1:
        raise DataValidationError(
            "patients needs one LSOA code column (lsoa21_code or lsoa11_code); "
            f"it has {list(patients.columns)[:8]}"
        )
    lsoa = lsoa[0]
    check_columns(patients, {"patients": ["practice_code", "patients"]})
    counts = numeric_column(patients, "patients", "patients")
    if np.isnan(counts).any() or (counts < 0).any():
        raise DataValidationError("patients column 'patients' has missing or negative values")
    cells = (
        patients.assign(patients=counts)
        .groupby(["practice_code", lsoa], sort=True)["patients"]
        .sum()
        .reset_index()
    )
    totals = cells.groupby("practice_code")["patients"].transform("sum").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        cells["share"] = np.where(totals > 0, cells["patients"].to_numpy() / totals, np.nan)
    cells = cells[cells["share"] > 0].drop(columns="patients")
    numbers = {v: numeric_column(frame, v, v) for v in values}
    for v, x in numbers.items():
        if np.isnan(x).any() or (x < 0).any():
            raise DataValidationError(f"values column {v!r} has missing or negative values")
    missing = sorted(set(frame["practice_code"]) - set(cells["practice_code"]))
    if missing:
        warnings.warn(
            f"apportion: {len(missing)} practice(s) are not in the patients-by-LSOA file: "
            f"{first_values(missing)}; their counts are kept with no LSOA (not dropped)",
            UserWarning,
            stacklevel=2,
        )
    base = (
        frame[["practice_code", *by]]
        .assign(**{v: numbers[v] for v in values})
        .reset_index(drop=True)
    )
    base["_row"] = np.arange(len(base))
    merged = base.merge(cells, on="practice_code", how="left", sort=False)
    if weights is not None:
        keys = [lsoa, *[b for b in by if b in weights.columns]]
        check_columns(weights, {"weights": [*keys, "weight"]})
        merged = merged.merge(
            weights[[*keys, "weight"]], on=keys, how="left", validate="many_to_one"
        )
        gone = merged["weight"].isna() & merged[lsoa].notna()
        if gone.any():
            raise DataValidationError(
                f"weights have no value for LSOAs {first_values(merged.loc[gone, lsoa].tolist())}; "
                "give every LSOA of the patients file a weight"
            )
        weighted = merged["share"] * merged["weight"]
        total = weighted.groupby(merged["_row"]).transform("sum")
        merged["share"] = np.where(total > 0, weighted / total, merged["share"])
        merged = merged.drop(columns="weight")
    merged["share"] = merged["share"].fillna(1.0)
    merged = merged.sort_values(["_row", lsoa], kind="stable", na_position="last").reset_index(
        drop=True
    )
    row = merged["_row"].to_numpy()
    share = merged["share"].to_numpy()
    for v in values:
        x = merged[v].to_numpy(dtype=float)
        whole = np.all(np.isclose(numbers[v], np.round(numbers[v])))
        merged[v] = _largest_remainder(np.round(x), share, row) if whole else x * share
    out = merged[["practice_code", lsoa, *by, "share", *values]]
    copy_meta(out, frame)
    with_meta(out, unallocated_practices=missing, lsoa_column=lsoa)
    return out
