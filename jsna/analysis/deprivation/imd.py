"""IMD attached to LSOAs: national deciles, quintiles, the Core20 flag and local quantiles.

Rules
-----
* IMD is attached for an explicitly chosen edition: IoD2019 on LSOA 2011,
  IoD2025 on LSOA 2021. Mixing an edition with the other LSOA vintage is an
  error, never a partial match. LSOAs missing from the IMD file are reported
  and left out of the shares (they count neither as Core20 nor as not).
* National deciles and quintiles are the published ones (decile 1 = the most
  deprived 10% of LSOAs in England; quintile 1 = deciles 1 and 2). Local
  quantiles rank an area's own LSOAs (or wards) by IMD score with the OHID
  rule (:func:`jsna.stats.inequality.quantiles`); without scores (the IoD2019
  file in the real pack) they rank by national IMD rank instead.
* Core20 is the 20% most deprived LSOAs in England: national IMD deciles 1
  and 2 (NHS England, Core20PLUS5).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.analysis.geography import lsoa_column, report_unmatched
from jsna.columns import (
    CORE20,
    IMD_DECILE,
    IMD_QUINTILE,
    IMD_RANK,
    IMD_SCORE,
    as_list,
    check_columns,
)
from jsna.exceptions import DataValidationError, GeographyError, first_values
from jsna.meta import KEYS, copy_meta, meta, with_meta
from jsna.reference.imd import EDITION_LSOA

__all__ = ["CORE20_DECILES", "QUINTILES", "decile_to_quintile", "attach_imd", "local_quantiles"]

#: National IMD deciles that make up Core20 (the most deprived 20% of LSOAs).
CORE20_DECILES = (1, 2)
#: National IMD quintiles, 1 = most deprived.
QUINTILES = (1, 2, 3, 4, 5)


def decile_to_quintile(decile) -> np.ndarray:
    """National IMD quintile (1 most deprived) from the decile.

    Examples
    --------
    >>> decile_to_quintile([1, 2, 3, 10]).tolist()
    [1, 1, 2, 5]
    """
    return (np.asarray(decile, dtype=int) + 1) // 2


def attach_imd(frame: pd.DataFrame, imd: pd.DataFrame, *, unmatched: str = "warn") -> pd.DataFrame:
    """Add IMD score, rank, decile, quintile and the Core20 flag to an LSOA frame.

    The frame's LSOA vintage must be the edition's (IoD2025: ``lsoa21_code``;
    IoD2019: ``lsoa11_code``). LSOAs missing from the IMD file are reported
    (a warning by default, an error with ``unmatched="raise"``) and get NaN
    deciles and ``core20`` False.

    Examples
    --------
    >>> imd = pd.DataFrame({"lsoa21_code": ["A", "B"], "imd_score": [40.0, 5.0],
    ...                     "imd_decile": [1, 9]})
    >>> imd = with_meta(imd, edition="IoD2025")
    >>> lsoas = attach_imd(pd.DataFrame({"lsoa21_code": ["A", "B"]}), imd)
    >>> lsoas[["imd_quintile", "core20"]].values.tolist()
    [[1, True], [5, False]]
    """
    edition = meta(imd, "edition", "")
    left, right = lsoa_column(frame), lsoa_column(imd)
    if left != right:
        raise GeographyError(
            f"IMD edition {edition or right} is on {right.split('_')[0].upper()} but the data are "
            f"on {left.split('_')[0].upper()}; use the edition published on the data's LSOAs "
            f"({', '.join(f'{e}: {v.upper()}' for e, v in EDITION_LSOA.items())}) - never mix them"
        )
    repeated = imd[right].duplicated(keep=False)
    if repeated.any():
        raise DataValidationError(
            f"IMD ({edition or 'no edition'}) lists LSOAs more than once: "
            f"{first_values(imd.loc[repeated, right])}; "
            "each LSOA needs exactly one decile - "
            "read the file through DataPack or drop the duplicates"
        )
    decile_values = pd.to_numeric(imd[IMD_DECILE], errors="coerce")
    bad = ~decile_values.isin(range(1, 11))
    if bad.any():
        raise DataValidationError(
            f"IMD ({edition or 'no edition'}) column {IMD_DECILE!r} has values outside 1-10: "
            f"{first_values(imd.loc[bad, IMD_DECILE])}; deciles are national, 1 = most deprived"
        )
    report_unmatched(
        frame.loc[~frame[left].isin(imd[right]), left].unique(),
        what=f"LSOAs missing from {edition or 'the IMD file'}",
        unmatched=unmatched,
    )
    cols = [right, IMD_SCORE] + ([IMD_RANK] if IMD_RANK in imd.columns else []) + [IMD_DECILE]
    out = frame.merge(imd[cols], on=left, how="left")
    decile = out[IMD_DECILE]
    out[IMD_QUINTILE] = ((decile + 1) // 2).astype("Int64")
    out[CORE20] = decile.isin(CORE20_DECILES).to_numpy(dtype=bool)
    copy_meta(out, frame)
    return with_meta(out, imd_edition=edition)


def _quantile_name(n: int) -> str:
    return {5: "local_quintile", 10: "local_decile"}.get(n, f"local_q{n}")


def local_quantiles(
    frame: pd.DataFrame,
    n: int = 5,
    *,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Add local deprivation quantiles (1 = most deprived) ranking the frame's own rows.

    Parameters
    ----------
    frame : DataFrame
        LSOAs (from :func:`attach_imd`) or wards (from :func:`deprivation_profile`).
    n : int
        5 for quintiles (column ``local_quintile``), 10 for deciles
        (``local_decile``); other numbers give ``local_q<n>``.
    by : str or list of str, optional
        Rank separately within these groups (e.g. ``lad24_code``).
    value : str, optional
        Column to rank by. Default ``imd_score`` (higher = more deprived), or
        ``imd_rank`` (lower = more deprived) when there are no scores.

    Returns
    -------
    DataFrame
        A copy with the quantile column added (float, NaN where the value is NaN).

    Examples
    --------
    >>> df = pd.DataFrame({"ward": list("abcdefghij"),
    ...                    "imd_score": [50, 45, 40, 35, 30, 25, 20, 15, 10, 5]})
    >>> local_quantiles(df, 5)["local_quintile"].tolist()
    [1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0]
    """
    from jsna.stats.inequality import quantiles

    if value is None:
        has_score = IMD_SCORE in frame.columns and frame[IMD_SCORE].notna().any()
        if not has_score and IMD_RANK not in frame.columns:
            raise DataValidationError(
                f"local_quantiles needs an {IMD_SCORE!r} or {IMD_RANK!r} column (or value=); "
                f"columns are {first_values(list(frame.columns), 10)}"
            )
        value = IMD_SCORE if has_score else IMD_RANK
    check_columns(frame, {"value": value, "by": as_list(by)})
    name = _quantile_name(n)
    invert = value != IMD_RANK
    ranked = quantiles(
        frame.drop(columns=[name], errors="ignore"), value, by=by, n=n, invert=invert
    )
    out = ranked.rename(columns={"quantile": name})
    copy_meta(out, frame)
    if f"{name}_by" in KEYS:  # local_quintile_by, local_decile_by: the column ranked by
        with_meta(out, **{f"{name}_by": value})
    return out
