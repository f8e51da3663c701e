"""Summaries across areas: the statistical neighbours' spread and rank, all areas of a type."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna import columns as S

__all__ = ["add_neighbour_summaries", "add_type_spread"]


def _sorted_quantiles(
    block: np.ndarray, quantiles: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Linear-interpolation quantiles (numpy's default) of each row ignoring NaN, and the counts.

    Rows with no values give NaN (reported by the counts, not warned about).
    """
    ordered = np.sort(block, axis=1)  # NaN sort last
    n = (~np.isnan(block)).sum(axis=1)
    out = np.full((block.shape[0], len(quantiles)), np.nan)
    rows = np.flatnonzero(n > 0)
    if len(rows):
        ordered, m = ordered[rows], n[rows]
        for j, q in enumerate(quantiles):
            position = q * (m - 1)
            low = np.floor(position).astype(np.intp)
            high = np.minimum(low + 1, m - 1)
            lo = np.take_along_axis(ordered, low[:, None], axis=1)[:, 0]
            hi = np.take_along_axis(ordered, high[:, None], axis=1)[:, 0]
            out[rows, j] = lo + (hi - lo) * (position - low)
    return out, n


def _missing_text(missing: np.ndarray, codes: np.ndarray, names: np.ndarray) -> np.ndarray:
    """'Name (code); ...' for the missing neighbours of each row, from a boolean (rows, k) mask."""
    out = np.full(len(missing), np.nan, dtype=object)
    rows = np.flatnonzero(missing.any(axis=1))
    if not len(rows):
        return out
    # one string per distinct (area's neighbour list, missing pattern)
    pattern = np.packbits(missing[rows], axis=1)
    key = pd.DataFrame(np.column_stack([codes[rows].astype(str), pattern.astype(str)]))
    groups = key.groupby(list(key.columns), sort=False).ngroup().to_numpy()
    _, first = np.unique(groups, return_index=True)
    texts = []
    for i in first:
        r = rows[i]
        texts.append(
            "; ".join(
                f"{n} ({c})" if n and n != "nan" else c
                for c, n, m in zip(codes[r], names[r], missing[r], strict=True)
                if m
            )
        )
    out[rows] = np.asarray(texts, dtype=object)[groups]
    return out


def add_neighbour_summaries(
    out, values, s, a, area_codes, column_of, comparators, names_of
) -> None:
    nb = comparators.neighbour_frame()
    nb["neighbour_name"] = (
        nb["neighbour_name"].fillna(nb["neighbour_code"].map(names_of)).astype("str")
    )
    model = nb["model"].iloc[0] if len(nb) else None
    wanted_areas = np.unique(a)
    nb = nb[nb[S.AREA_CODE].isin(area_codes[wanted_areas])]
    k = int(nb.groupby(S.AREA_CODE).size().max()) if len(nb) else 0
    n = len(out)
    out["neighbour_model"] = pd.Series(model, index=out.index, dtype="str")
    if k == 0:
        for column in ("neighbour_mean", "neighbour_median", "neighbour_min", "neighbour_max"):
            out[column] = np.nan
        out["neighbours_listed"] = 0
        out["neighbours_with_data"] = 0
        out["neighbours_missing"] = pd.Series(np.nan, index=out.index, dtype="str")
        out["neighbour_rank"] = pd.array([pd.NA] * n, dtype="Int64")
        out["neighbour_rank_of"] = pd.array([pd.NA] * n, dtype="Int64")
        return
    # (area, k) tables of neighbour columns (-1: not in the data), codes and names
    area_pos = pd.Series(np.arange(len(area_codes)), index=area_codes)
    slot = nb.groupby(S.AREA_CODE, sort=False).cumcount().to_numpy()
    owner = area_pos[nb[S.AREA_CODE]].to_numpy()
    table = np.full((len(area_codes), k), -1, dtype=np.intp)
    listed = np.zeros((len(area_codes), k), dtype=bool)
    codes = np.full((len(area_codes), k), "", dtype=object)
    nnames = np.full((len(area_codes), k), "", dtype=object)
    table[owner, slot] = nb["neighbour_code"].map(column_of).fillna(-1).to_numpy(np.intp)
    listed[owner, slot] = True
    codes[owner, slot] = nb["neighbour_code"].to_numpy(dtype=object)
    nnames[owner, slot] = nb["neighbour_name"].fillna("").to_numpy(dtype=object)

    cols = table[a]  # (rows, k)
    vals = np.where(cols >= 0, values[s[:, None], np.where(cols >= 0, cols, 0)], np.nan)
    have = ~np.isnan(vals)
    count = have.sum(axis=1)
    spread, _ = _sorted_quantiles(vals, (0.0, 0.5, 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        out["neighbour_mean"] = np.where(count > 0, np.nansum(vals, axis=1) / count, np.nan)
    out["neighbour_median"] = spread[:, 1]
    out["neighbour_min"] = spread[:, 0]
    out["neighbour_max"] = spread[:, 2]
    out["neighbours_listed"] = listed[a].sum(axis=1)
    out["neighbours_with_data"] = count
    out["neighbours_missing"] = pd.Series(
        _missing_text(listed[a] & ~have, codes[a], nnames[a]), index=out.index, dtype="str"
    )
    own = out[S.VALUE].to_numpy(float)
    low_good = (out[S.POLARITY] == S.POLARITY_LOW_GOOD).to_numpy()
    with np.errstate(invalid="ignore"):
        better = np.where(low_good[:, None], vals < own[:, None], vals > own[:, None])
    ranked = ~np.isnan(own) & (count > 0)
    out["neighbour_rank"] = pd.array(np.where(ranked, better.sum(axis=1) + 1, 0), dtype="Int64")
    out.loc[~ranked, "neighbour_rank"] = pd.NA
    out["neighbour_rank_of"] = pd.array(np.where(ranked, count + 1, 0), dtype="Int64")
    out.loc[~ranked, "neighbour_rank_of"] = pd.NA


def add_type_spread(out, data, values, s, a, area_codes) -> None:
    """Percentiles of all areas of each row's area type, and the row's quartile among them."""
    types = (
        data.drop_duplicates(S.AREA_CODE).set_index(S.AREA_CODE)[S.AREA_TYPE].reindex(area_codes)
    )
    type_codes, type_of_area = np.unique(types.fillna("").to_numpy(dtype=str), return_inverse=True)
    spread = np.full((len(out), 5), np.nan)
    areas = np.zeros(len(out), dtype=np.int64)
    row_type = type_of_area[a]
    for t in np.unique(row_type):
        columns = np.flatnonzero(type_of_area == t)
        rows = np.flatnonzero(row_type == t)
        series = np.unique(s[rows])
        block = values[np.ix_(series, columns)]
        stats, counts = _sorted_quantiles(block, (0.0, 0.25, 0.5, 0.75, 1.0))  # (series, 5)
        lookup = np.searchsorted(series, s[rows])
        spread[rows] = stats[lookup]
        areas[rows] = counts[lookup]
    for i, column in enumerate(("type_min", "type_q25", "type_median", "type_q75", "type_max")):
        out[column] = spread[:, i]
    out["type_areas"] = areas
    own = out[S.VALUE].to_numpy(float)
    with np.errstate(invalid="ignore"):
        quartile = (
            1 + (own > spread[:, 1]).astype(int) + (own > spread[:, 2]) + (own > spread[:, 3])
        )
    out["type_quartile"] = pd.array(
        np.where(np.isnan(own) | np.isnan(spread[:, 1]), 0, quartile), dtype="Int64"
    )
    out.loc[np.isnan(own) | np.isnan(spread[:, 1]), "type_quartile"] = pd.NA
