"""The Fingertips-style benchmark of areas (see :mod:`jsna.analysis.benchmark`)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.analysis.benchmark.comparators import ENGLAND_CODE, Comparators
from jsna.analysis.benchmark.indicators import resolve_polarity
from jsna.analysis.benchmark.labels import (
    CONFLICT,
    INPUT_COLUMNS,
    PublisherLabelWarning,
    apply_publisher_labels,
    disagreement_note,
    label_disagreements,
    publisher_labels,
)
from jsna.analysis.benchmark.layout import (
    BENCHMARK_COLUMNS,
    KEY_COLUMNS,
    LEVELS,
    LINE_COLUMNS,
    PERIOD_RANGE,
    REQUIRED_COLUMNS,
    SERIES_COLUMNS,
    VALUE_COLUMNS,
)
from jsna.analysis.benchmark.spread import add_neighbour_summaries, add_type_spread
from jsna.analysis.benchmark.trends import add_trends, trend_kinds
from jsna.columns import as_list, check_columns
from jsna.exceptions import DataValidationError, GeographyError, first_values
from jsna.meta import with_meta
from jsna.stats import compare

__all__ = ["benchmark"]


# --------------------------------------------------------------------------- helpers
def _one_row_per_key(df: pd.DataFrame, key: np.ndarray) -> np.ndarray:
    """Positions of one copy of each row repeated once per parent view; conflicting copies are an
    error.

    ``key`` numbers the indicator, area, sex, age, category and period of each row.
    """
    present = [c for c in VALUE_COLUMNS if c in df.columns]
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    start = np.ones(len(key), dtype=bool)
    start[1:] = sorted_key[1:] != sorted_key[:-1]
    first = np.maximum.accumulate(np.where(start, np.arange(len(key)), 0))
    differ = np.zeros(len(key), dtype=bool)
    for column in present:
        v = df[column].to_numpy(float)[order]
        w = v[first]
        differ |= ~((v == w) | (np.isnan(v) & np.isnan(w)))
    if differ.any():
        clash = order[np.flatnonzero(differ)]
        row = df.iloc[clash[0]]
        shown = ", ".join(f"{c}={row[c]!r}" for c in KEY_COLUMNS if not pd.isna(row[c]))
        raise DataValidationError(
            "indicators: the same indicator, area, sex, age, category and period has different "
            "values in "
            f"different rows ({shown}; {int(pd.unique(key[clash]).size)} key(s) in all); "
            "keep one download of each indicator"
        )
    return np.sort(order[start])


def _england_code(df: pd.DataFrame, given: str | None) -> str:
    if given is not None:
        return str(given)
    codes = (
        df.loc[df[S.AREA_TYPE].str.lower().isin(["england", "country"]), S.AREA_CODE]
        .dropna()
        .unique()
    )
    codes = [c for c in codes if str(c).startswith("E92")] or list(codes)
    if len(codes) == 1:
        return str(codes[0])
    return ENGLAND_CODE


def _regions(
    df: pd.DataFrame,
    area_of_row: np.ndarray,
    codes: np.ndarray,
    areas: np.ndarray,
    england: str,
    given,
) -> pd.Series:
    """Region code of each area (missing where it has none)."""
    if isinstance(given, str):
        return pd.Series(given, index=areas, dtype="str")
    if isinstance(given, Mapping):
        return pd.Series({a: given.get(a) for a in areas}, dtype="str").reindex(areas)
    if given is not None:
        raise DataValidationError(
            f"region is a {type(given).__name__}; give a code or a mapping of area to region"
        )
    parent_codes, parents = pd.factorize(df[S.PARENT_CODE])
    combined = np.unique(area_of_row.astype(np.int64) * (len(parents) + 1) + parent_codes + 1)
    pairs = pd.DataFrame(
        {
            S.AREA_CODE: np.asarray(codes, dtype=object)[combined // (len(parents) + 1)],
            S.PARENT_CODE: np.r_[[None], np.asarray(parents, dtype=object)][
                combined % (len(parents) + 1)
            ],
        }
    )
    pairs = pairs[
        pairs[S.PARENT_CODE].notna()
        & (pairs[S.PARENT_CODE] != england)
        & (pairs[S.PARENT_CODE] != pairs[S.AREA_CODE])
        & pairs[S.AREA_CODE].isin(areas)
    ]
    several = pairs[S.AREA_CODE].duplicated(keep=False)
    if several.any():
        # an area downloaded against several parents (region, ICB ...): its region is the one of
        # region type
        types = df.drop_duplicates(S.AREA_CODE).set_index(S.AREA_CODE)[S.AREA_TYPE]
        is_region = pairs[S.PARENT_CODE].map(types).str.contains("region", case=False).fillna(False)
        regions = pairs[several & is_region]
        resolved = regions[~regions[S.AREA_CODE].duplicated(keep=False)]
        unresolved = pairs.loc[
            several & ~pairs[S.AREA_CODE].isin(resolved[S.AREA_CODE]), S.AREA_CODE
        ]
        if len(unresolved):
            area = unresolved.iloc[0]
            raise DataValidationError(
                f"area {area} has several parents other than England "
                f"({first_values(pairs.loc[pairs[S.AREA_CODE] == area, S.PARENT_CODE])}); "
                "give Comparators(region=...) to say which is its region"
            )
        pairs = pd.concat([pairs[~several], resolved])
    return pairs.set_index(S.AREA_CODE)[S.PARENT_CODE].reindex(areas).astype("str")


# --------------------------------------------------------------------------- benchmark
def benchmark(
    indicators: pd.DataFrame,
    area: str | Sequence[str] | None = None,
    comparators: Comparators | None = None,
    *,
    polarity: str | Mapping[int, str] | None = None,
    method: str = "ci_overlap",
    multiplier: float = 100,
    trend_kind: str | Mapping[int, str] = "auto",
) -> pd.DataFrame:
    """Benchmark areas against England, their region and their statistical neighbours, with trends.

    Parameters
    ----------
    indicators : DataFrame
        The tidy indicator frame (:data:`jsna.columns.INDICATOR_COLUMNS`), e.g.
        ``pack.read("indicators.fingertips")``: England, the regions and all
        areas of the area's type for the comparisons and quartiles, the
        neighbours for the neighbour summaries. Rows repeated once per
        Fingertips parent view are kept once.
    area : str or list of str, optional
        Area code(s) to benchmark; None benchmarks every area in the data.
    comparators : Comparators, optional
        England code, region and neighbours; by default England and regions
        from the data and no neighbours.
    polarity : str or mapping of indicator id to str, optional
        "high is good", "low is good" or "no judgement"; by default the
        data's ``polarity`` column, then :data:`KNOWN_POLARITY`.
    method : {"ci_overlap", "spc"}
        How to compare with England and the region (see
        :func:`jsna.stats.compare`); "spc" is for proportions and needs
        ``count`` and ``denominator``.
    multiplier : float, default 100
        Scale of the values for ``method="spc"``.
    trend_kind : {"auto", "rate", "proportion"} or mapping of indicator id to those
        Which Fingertips trend test to use (see the module notes).

    Returns
    -------
    DataFrame
        :data:`BENCHMARK_COLUMNS`: one row per area, indicator, sex, age,
        category and period. ``compared_to_*_95`` and ``compared_to_*_99_8``
        are the comparisons at 95% and 99.8%; ``neighbour_model`` names the
        neighbour model on every row (missing when there are none);
        ``neighbours_missing`` lists the neighbours with no value for the
        row ("name (code)"); ``recent_trend`` is filled on the latest period
        of each series. ``compared_to_england``, ``compared_to_region`` and
        ``recent_trend`` are the labels to show: the publisher's where its file
        gives one, else jsna's (95% for comparisons); ``*_source`` columns say
        which and ``jsna_recent_trend`` is jsna's own trend
        (:mod:`jsna.analysis.benchmark.labels`). Its metadata
        (:func:`jsna.meta.meta`) holds ``neighbour_model``, ``england``,
        ``regions`` and a ``note`` listing the disagreements with the publisher.

    Raises
    ------
    DataValidationError
        Missing columns, an unknown polarity, conflicting copies of a row, or
        an area with several possible regions.
    GeographyError
        An area asked for is not in the data.

    Warns
    -----
    UserWarning
        Indicators with no known polarity (compared with no judgement).
    PublisherLabelWarning
        jsna's recomputed comparison or trend differs from a label the publisher's
        file gives (the label shown is the publisher's; see
        :mod:`jsna.analysis.benchmark.labels`).

    Examples
    --------
    >>> rows = []
    >>> for code, kind, parent, base in [("E92000001", "England", None, 100.0),
    ...                                  ("E12000002", "Region", "E92000001", 110.0),
    ...                                  ("E08000014", "UA", "E12000002", 130.0),
    ...                                  ("E08000015", "UA", "E12000002", 95.0)]:
    ...     for i, year in enumerate(range(2019, 2024)):
    ...         v = base - 5 * i
    ...         rows.append({"indicator_id": 1, "indicator_name": "Admissions", "area_code": code,
    ...                      "area_name": code, "area_type": kind, "parent_code": parent,
    ...                      "sex": "Persons",
    ...                      "age": "<15 yrs", "category_type": None, "category": None,
    ...                      "period": str(year),
    ...                      "period_sortable": year * 10000, "value": v, "lower_ci95": v - 4,
    ...                      "upper_ci95": v + 4, "lower_ci99_8": v - 6, "upper_ci99_8": v + 6})
    >>> data = pd.DataFrame(rows)
    >>> out = benchmark(data, "E08000014",
    ...                 Comparators(neighbours={"E08000014": ["E08000015"]},
    ...                 neighbour_model="local"),
    ...                 polarity="low is good")
    >>> latest = out.iloc[-1]
    >>> latest[["value", "england_value", "compared_to_england_95", "region_value",
    ...         "compared_to_region_99_8", "neighbour_mean", "neighbour_rank",
    ...         "neighbour_model"]].to_dict()
    ... # doctest: +NORMALIZE_WHITESPACE
    {'value': 110.0, 'england_value': 80.0, 'compared_to_england_95': 'Worse', 'region_value': 90.0,
     'compared_to_region_99_8': 'Worse', 'neighbour_mean': 75.0, 'neighbour_rank': 2,
     'neighbour_model': 'local'}
    >>> latest["recent_trend"]
    'Decreasing and getting better'
    """
    comparators = comparators if comparators is not None else Comparators()
    if not isinstance(comparators, Comparators):
        raise DataValidationError(
            f"comparators is a {type(comparators).__name__}; give a "
            "jsna.analysis.benchmark.Comparators"
        )
    check_columns(indicators, {"indicators": REQUIRED_COLUMNS})
    if indicators.empty:
        raise DataValidationError(
            "indicators has no rows; read the pack's indicators.fingertips files first"
        )
    if method not in ("ci_overlap", "spc"):
        raise DataValidationError(f"method={method!r} must be 'ci_overlap' or 'spc'")
    keep = [
        c
        for c in dict.fromkeys(
            REQUIRED_COLUMNS
            + [
                S.INDICATOR_NAME,
                S.AREA_NAME,
                S.COUNT,
                S.DENOMINATOR,
                S.VALUE_NOTE,
                S.POLARITY,
                PERIOD_RANGE,
                *INPUT_COLUMNS,
            ]
        )
        if c in indicators.columns
    ]
    raw = indicators[keep]
    england = _england_code(raw, comparators.england)
    # area x series matrix of values, one copy of the rows repeated per parent view
    area_all, area_codes = pd.factorize(raw[S.AREA_CODE], sort=True)
    area_codes = np.asarray(area_codes, dtype=object)
    series_all = raw.groupby(SERIES_COLUMNS, sort=False, dropna=False).ngroup().to_numpy()
    n_areas = len(area_codes)
    row_key = series_all.astype(np.int64) * n_areas + area_all
    firsts = _one_row_per_key(raw, row_key)
    given_labels = publisher_labels(raw, row_key)
    data = raw.iloc[firsts].reset_index(drop=True)
    series_of_row, area_of_row = series_all[firsts], area_all[firsts]
    for column in (
        S.INDICATOR_NAME,
        S.AREA_NAME,
        S.COUNT,
        S.DENOMINATOR,
        S.VALUE_NOTE,
        PERIOD_RANGE,
    ):
        if column not in data:
            data[column] = (
                np.nan
                if column in (S.COUNT, S.DENOMINATOR)
                else pd.Series(np.nan, index=data.index, dtype="str")
            )
    data[S.POLARITY] = resolve_polarity(data, polarity)
    n_series = int(series_all.max()) + 1
    values = np.full((n_series, n_areas), np.nan)
    values[series_of_row, area_of_row] = data[S.VALUE].to_numpy(float)
    column_of = pd.Series(np.arange(n_areas), index=area_codes)

    # the series of the same indicator, sex, age and period for all people (no category)
    series_keys = (
        data[SERIES_COLUMNS + [S.PERIOD_SORTABLE, PERIOD_RANGE]]
        .assign(_s=series_of_row)
        .drop_duplicates("_s")
        .sort_values("_s")
        .reset_index(drop=True)
    )
    base_on = [S.INDICATOR_ID, S.SEX, S.AGE, S.PERIOD]
    plain = series_keys[
        series_keys[S.CATEGORY_TYPE].isna() & series_keys[S.CATEGORY].isna()
    ].drop_duplicates(base_on)
    base = series_keys[base_on + ["_s"]].merge(
        plain[base_on + ["_s"]].rename(columns={"_s": "_base"}), on=base_on, how="left"
    )
    base_of_series = base.sort_values("_s")["_base"].to_numpy(float)

    # which areas
    if area is None:
        wanted = area_codes
    else:
        wanted = np.asarray([str(a).strip() for a in as_list(area)])
        unknown = ~np.isin(wanted, area_codes)
        if unknown.any():
            raise GeographyError(
                f"area {first_values(wanted[unknown])} has no rows in the indicator data; it has "
                f"{first_values(area_codes, 8)}"
            )
    rows = np.flatnonzero(np.isin(area_of_row, column_of[wanted].to_numpy()))
    out = data.iloc[rows].reset_index(drop=True)
    s = series_of_row[rows]
    a = area_of_row[rows]
    b = base_of_series[s]
    has_base = ~np.isnan(b)
    b = np.where(has_base, b, 0).astype(np.intp)

    def at(columns: np.ndarray) -> np.ndarray:
        """Benchmark values of each output row from the all-people series
        in the given area columns.
        """
        ok = has_base & (columns >= 0)
        return np.where(ok, values[b, np.where(columns >= 0, columns, 0)], np.nan)

    # England
    england_column = int(column_of.get(england, -1))
    out["england_code"] = pd.Series(
        england if england_column >= 0 else np.nan, index=out.index, dtype="str"
    )
    out["england_value"] = at(np.full(len(out), england_column))
    # region
    regions = _regions(raw, area_all, area_codes, wanted, england, comparators.region)
    region_code = regions.reindex(area_codes[a]).to_numpy(dtype=object)
    region_column = pd.Series(region_code).map(column_of).fillna(-1).to_numpy(np.intp)
    names = data.drop_duplicates(S.AREA_CODE).set_index(S.AREA_CODE)[S.AREA_NAME]
    out["region_code"] = pd.Series(region_code, index=out.index, dtype="str")
    out["region_name"] = out["region_code"].map(names).astype("str")
    out["region_value"] = at(region_column)
    for name, column in (("england", "england_value"), ("region", "region_value")):
        for suffix, level in LEVELS.items():
            kwargs = (
                {"count": S.COUNT, "denominator": S.DENOMINATOR, "multiplier": multiplier}
                if method == "spc"
                else {}
            )
            out[f"compared_to_{name}_{suffix}"] = compare(
                out, column, polarity=S.POLARITY, method=method, confidence=level, **kwargs
            )["comparison"]

    add_neighbour_summaries(out, values, s, a, area_codes, column_of, comparators, names)
    add_type_spread(out, data, values, s, a, area_codes)
    # each series' line (the same indicator, sex, age, category and period range over time) and time
    # order
    line_of_series = (
        series_keys.groupby(LINE_COLUMNS[:1] + LINE_COLUMNS[2:], sort=False, dropna=False)
        .ngroup()
        .to_numpy()
    )
    time_order = np.lexsort(
        (series_keys[S.PERIOD].astype(str).to_numpy(), series_keys[S.PERIOD_SORTABLE].to_numpy())
    )
    time_of_series = np.empty(len(series_keys), dtype=np.int64)
    time_of_series[time_order] = np.arange(len(series_keys))
    _, trend_group = np.unique(
        line_of_series[s].astype(np.int64) * n_areas + a, return_inverse=True
    )
    add_trends(out, trend_kinds(out, trend_kind), trend_group, time_of_series[s])
    # the publisher's own labels shown where its file gives them; jsna's elsewhere
    apply_publisher_labels(out, given_labels, s.astype(np.int64) * n_areas + a)

    # a fresh frame: the result carries the benchmark's metadata only, not the input's
    result = pd.DataFrame(out[BENCHMARK_COLUMNS])
    model = out["neighbour_model"].dropna()
    disagreements = label_disagreements(result)
    genuine = disagreements[disagreements["what"] != CONFLICT]
    if len(genuine):
        warnings.warn(disagreement_note(genuine), PublisherLabelWarning, stacklevel=2)
    return with_meta(
        result,
        england=england,
        regions=regions.dropna().to_dict(),
        neighbour_model=model.iloc[0] if len(model) else None,
        note=disagreement_note(disagreements),
    )
