"""The Fingertips recent trend of each benchmarked series."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.analysis.indicator_kind import indicator_kinds
from jsna.exceptions import DataValidationError, first_values
from jsna.stats import recent_trend

__all__ = ["trend_kinds", "add_trends"]


def trend_kinds(df: pd.DataFrame, trend_kind) -> pd.Series:
    """'rate' or 'proportion' for each row's indicator."""
    if trend_kind in ("rate", "proportion"):
        return pd.Series(trend_kind, index=df.index, dtype="str")
    if isinstance(trend_kind, Mapping):
        kinds = df[S.INDICATOR_ID].map({int(k): v for k, v in trend_kind.items()}).astype("str")
        bad = kinds.notna() & ~kinds.isin(["rate", "proportion"])
        if bad.any():
            raise DataValidationError(
                f"trend_kind has {first_values(kinds[bad])}; use 'rate' or 'proportion'"
            )
        return kinds.fillna(trend_kinds(df, "auto"))
    if trend_kind != "auto":
        raise DataValidationError(
            f"trend_kind={trend_kind!r} must be 'auto', 'rate', 'proportion' or a mapping of "
            "indicator id to those"
        )
    return indicator_kinds(df)


def add_trends(out: pd.DataFrame, kinds: pd.Series, group: np.ndarray, time: np.ndarray) -> None:
    """Recent trend of each line (``group``), written on its latest period (``time`` orders
    periods).
    """
    frame = pd.DataFrame(
        {
            "_g": group,
            "_t": time,
            S.POLARITY: out[S.POLARITY].to_numpy(),
            S.VALUE: out[S.VALUE].to_numpy(float),
            S.LOWER_CI95: out[S.LOWER_CI95].to_numpy(float),
            S.UPPER_CI95: out[S.UPPER_CI95].to_numpy(float),
            S.COUNT: out[S.COUNT].to_numpy(float),
            S.DENOMINATOR: out[S.DENOMINATOR].to_numpy(float),
        }
    )
    points = np.zeros(len(out), dtype=np.int64)
    chi2 = np.full(len(out), np.nan)
    label = np.full(len(out), np.nan, dtype=object)
    latest = np.zeros(int(group.max()) + 1 if len(group) else 0, dtype=frame["_t"].dtype)
    np.maximum.at(latest, group, frame["_t"].to_numpy())
    for kind in ("rate", "proportion"):
        mask = (kinds == kind).to_numpy()
        if not mask.any():
            continue
        result = recent_trend(frame[mask], by="_g", period="_t", kind=kind, polarity=S.POLARITY)
        per_group = result.set_index("_g")
        g = group[mask]
        idx = np.flatnonzero(mask)
        points[idx] = per_group["points"].reindex(g).to_numpy()
        chi2[idx] = per_group["chi_squared"].reindex(g).to_numpy()
        label[idx] = per_group["recent_trend"].reindex(g).to_numpy(dtype=object)
    is_latest = frame["_t"].to_numpy() == latest[group] if len(group) else np.zeros(0, dtype=bool)
    out["trend_points"] = pd.array(np.where(is_latest, points, 0), dtype="Int64")
    out.loc[~is_latest, "trend_points"] = pd.NA
    out["trend_chi_squared"] = np.where(is_latest, chi2, np.nan)
    out["recent_trend"] = pd.Series(
        np.where(is_latest, label, np.nan), index=out.index, dtype="str"
    )
