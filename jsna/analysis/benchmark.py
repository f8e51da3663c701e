"""How does an area compare with England, its region and areas like it, and which way is it going?

:func:`benchmark` takes the tidy indicator frame (:data:`jsna.columns.INDICATOR_COLUMNS`,
e.g. ``pack.read("indicators.fingertips")``) and, for each area asked for and each
indicator, sex, age, category and period, gives

* the value and its 95% and 99.8% confidence limits;
* the comparison with England and with the area's region at 95% and at 99.8%
  (Fingertips' rule, :func:`jsna.stats.compare`: "Better"/"Similar"/"Worse"
  with a polarity, "Higher"/"Similar"/"Lower" without, "Not compared" when a
  value or limit is missing). Rows of a category (e.g. deprivation deciles)
  are compared with the England or region value for all people in the same
  period, as Fingertips does;
* the mean, median, lowest and highest value of the area's statistical
  neighbours, the area's rank among them, how many neighbours the model lists
  and how many have data, which ones have none, and the model's name in
  ``neighbour_model``;
* the spread of all areas of the same area type (lowest, 25th percentile,
  median, 75th percentile, highest: the data of a spine chart) and the
  quartile the area falls in;
* the recent trend (:func:`jsna.stats.recent_trend`, the Fingertips test on
  the latest five points) on the latest period of each series.

Fingertips repeats each area once per parent the file was downloaded for
(England and the region); the copies must carry the same values (a conflict is
an error) and are kept once. The England code, the region and the neighbours
are given by :class:`Comparators`; by default England is the area of type
"England" in the data and each area's region is its parent other than England
in the Fingertips parent columns.

Assumptions (documented here, next to the code)
-----------------------------------------------
* The neighbour rank counts from the best value: 1 is the lowest value when
  low is good, the highest when high is good or there is no judgement.
* ``type_quartile`` counts from the lowest values: 1 is at or below the 25th
  percentile, 4 above the 75th (numpy's linear percentiles of the areas with a
  value).
* Polarity comes from the ``polarity`` argument, then the data's ``polarity``
  column, then :data:`KNOWN_POLARITY` (Fingertips' own polarity of common
  indicators); anything still unknown is compared with no judgement, with a
  warning.
* The trend test for proportions (values equal to count / denominator x 100)
  is the chi-squared test for trend on counts, and for everything else the
  weighted regression on the 95% limits (``trend_kind="auto"``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.columns import as_list, check_columns
from jsna.exceptions import DataValidationError, GeographyError, first_values
from jsna.stats import compare, recent_trend

__all__ = [
    "Comparators",
    "benchmark",
    "neighbour_coverage",
    "area_and_neighbours",
    "latest",
    "headline",
    "series",
    "sentence",
    "units_label",
    "KNOWN_UNITS",
    "KNOWN_POLARITY",
    "CHILDREN_INDICATORS",
    "ENGLAND_CODE",
    "SERIES_COLUMNS",
    "BENCHMARK_COLUMNS",
]

ENGLAND_CODE = "E92000001"

#: Fingertips' polarity of common indicators (from the Fingertips indicator metadata),
#: used where neither the caller nor the data pack gives one.
KNOWN_POLARITY: dict[int, str] = {
    90284: S.POLARITY_LOW_GOOD,  # hospital admissions for injuries in children aged 0 to 14
    90285: S.POLARITY_LOW_GOOD,  # hospital admissions for injuries in young people aged 15 to 24
    20601: S.POLARITY_LOW_GOOD,  # Reception: prevalence of overweight (including obesity)
    20602: S.POLARITY_LOW_GOOD,  # Year 6: prevalence of overweight (including obesity)
    93563: S.POLARITY_LOW_GOOD,  # 5 year olds with experience of visibly obvious dental decay
    90631: S.POLARITY_HIGH_GOOD,  # school readiness: good level of development at the end of Reception
    20401: S.POLARITY_LOW_GOOD,  # under 18s conception rate
    93085: S.POLARITY_LOW_GOOD,  # smoking status at time of delivery
    92443: S.POLARITY_LOW_GOOD,  # smoking prevalence in adults (18+)
    30314: S.POLARITY_HIGH_GOOD,  # flu vaccination coverage, 65+
    108: S.POLARITY_LOW_GOOD,  # under 75 mortality rate from all causes
    40401: S.POLARITY_LOW_GOOD,  # under 75 mortality rate from cardiovascular diseases
    22401: S.POLARITY_LOW_GOOD,  # emergency admissions due to falls, 65+
    41401: S.POLARITY_LOW_GOOD,  # hip fractures, 65+
    92906: S.POLARITY_LOW_GOOD,  # admission episodes for alcohol-specific conditions
    21001: S.POLARITY_LOW_GOOD,  # emergency admissions for intentional self-harm
    90366: S.POLARITY_HIGH_GOOD,  # life expectancy at birth
    93505: S.POLARITY_HIGH_GOOD,  # life expectancy at 65
    93356: S.POLARITY_LOW_GOOD,  # campylobacter infection rate
}

#: Units of common Fingertips indicators (from the Fingertips indicator metadata), for axis labels.
KNOWN_UNITS: dict[int, str] = {
    90284: "crude rate per 10,000 aged 0 to 14",
    90285: "crude rate per 10,000 aged 15 to 24",
    20601: "% of Reception children (aged 4 to 5)",
    20602: "% of Year 6 children (aged 10 to 11)",
    93563: "% of 5 year olds",
    90631: "% of children at the end of Reception",
    20401: "crude rate per 1,000 females aged 15 to 17",
    93085: "% of women at time of delivery",
    92443: "% of adults aged 18 and over",
    30314: "% of people aged 65 and over",
    108: "directly standardised rate per 100,000",
    40401: "directly standardised rate per 100,000",
    22401: "directly standardised rate per 100,000",
    41401: "directly standardised rate per 100,000",
    92906: "directly standardised rate per 100,000",
    21001: "directly standardised rate per 100,000",
    90366: "years",
    93505: "years",
    93356: "crude rate per 100,000",
}

#: Fingertips indicators about children and young people (the "start well" chapter).
CHILDREN_INDICATORS: tuple[int, ...] = (90284, 90285, 20601, 20602, 93563, 90631, 20401, 93085)

#: What identifies a series value (with the area).
SERIES_COLUMNS = [S.INDICATOR_ID, S.SEX, S.AGE, S.CATEGORY_TYPE, S.CATEGORY, S.PERIOD]
_KEY = [S.INDICATOR_ID, S.AREA_CODE, S.SEX, S.AGE, S.CATEGORY_TYPE, S.CATEGORY, S.PERIOD]
_RANGE = "time_period_range"  # Fingertips' "1y", "3y", "5y": a 3-year series is not a 5-year one
_TREND_BY = [S.INDICATOR_ID, S.AREA_CODE, S.SEX, S.AGE, S.CATEGORY_TYPE, S.CATEGORY, _RANGE]
_LIMITS = [S.LOWER_CI95, S.UPPER_CI95, S.LOWER_CI99_8, S.UPPER_CI99_8]
_VALUES = [S.VALUE, *_LIMITS, S.COUNT, S.DENOMINATOR]
_REQUIRED = [
    S.INDICATOR_ID,
    S.AREA_CODE,
    S.AREA_TYPE,
    S.PARENT_CODE,
    S.SEX,
    S.AGE,
    S.CATEGORY_TYPE,
    S.CATEGORY,
    S.PERIOD,
    S.PERIOD_SORTABLE,
    S.VALUE,
    *_LIMITS,
]
_LEVELS = {"95": 0.95, "99_8": 0.998}

#: Columns of :func:`benchmark`'s result, in order.
BENCHMARK_COLUMNS = [
    S.INDICATOR_ID,
    S.INDICATOR_NAME,
    S.AREA_CODE,
    S.AREA_NAME,
    S.AREA_TYPE,
    S.SEX,
    S.AGE,
    S.CATEGORY_TYPE,
    S.CATEGORY,
    S.PERIOD,
    S.PERIOD_SORTABLE,
    _RANGE,
    S.POLARITY,
    S.VALUE,
    *_LIMITS,
    S.COUNT,
    S.DENOMINATOR,
    S.VALUE_NOTE,
    "england_code",
    "england_value",
    "compared_to_england_95",
    "compared_to_england_99_8",
    "region_code",
    "region_name",
    "region_value",
    "compared_to_region_95",
    "compared_to_region_99_8",
    "neighbour_model",
    "neighbours_listed",
    "neighbours_with_data",
    "neighbours_missing",
    "neighbour_mean",
    "neighbour_median",
    "neighbour_min",
    "neighbour_max",
    "neighbour_rank",
    "neighbour_rank_of",
    "type_areas",
    "type_min",
    "type_q25",
    "type_median",
    "type_q75",
    "type_max",
    "type_quartile",
    "trend_points",
    "trend_chi_squared",
    "recent_trend",
]


# --------------------------------------------------------------------------- comparators
@dataclass(frozen=True)
class Comparators:
    """Who an area is compared with.

    Parameters
    ----------
    england : str, optional
        England's area code; by default the one area of type "England" in
        the data (``E92000001`` if the data have several or none).
    region : str or mapping of area code to region code, optional
        The region; by default each area's parent code other than England
        in the Fingertips parent columns.
    neighbours : DataFrame or mapping of area code to neighbour codes, optional
        Statistical neighbours in rank order: the frame of
        ``pack.read("neighbours.dfe")`` or ``pack.read("neighbours.list")``
        (``area_code, neighbour_code, rank``, optionally ``neighbour_name``,
        ``model``, ``status``, ``note``), or ``{"E08000014": ["E08000015",
        ...]}``.
    neighbour_model : str, optional
        The neighbour model's name, shown in every output; by default the
        frame's ``model`` column. Required with a mapping.

    Examples
    --------
    >>> c = Comparators(neighbours={"E08000014": ["E08000015", "E08000011"]},
    ...                 neighbour_model="CIPFA 2019")
    >>> c.neighbour_frame()[["area_code", "neighbour_code", "rank", "model"]].values.tolist()
    [['E08000014', 'E08000015', 1, 'CIPFA 2019'], ['E08000014', 'E08000011', 2, 'CIPFA 2019']]
    """

    england: str | None = None
    region: str | Mapping[str, str] | None = None
    neighbours: pd.DataFrame | Mapping[str, Sequence[str]] | None = None
    neighbour_model: str | None = None

    @classmethod
    def from_pack(cls, pack, *, role: str | None = None, **select) -> Comparators:
        """Comparators with the neighbours of a data pack.

        ``role`` is "neighbours.dfe" or "neighbours.list"; by default the DfE
        model when the pack has one (its most recent model unless ``select``
        chooses, e.g. ``vintage="April 2021 model"``), otherwise the plain list,
        otherwise no neighbours.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from jsna.io.datapack import DataPack
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "nn.csv").write_text("area_code,neighbour_code,rank\\nE06999001,E06999002,1\\n")
        >>> _ = (folder / "datapack.toml").write_text(
        ...     '[pack]\\nname = "x"\\n[[file]]\\nrole = "neighbours.list"\\npath = "nn.csv"\\nmodel = "local list"\\n')
        >>> Comparators.from_pack(DataPack.open(folder)).neighbour_frame()["model"].tolist()
        ['local list']
        """
        if role is None:
            role = next((r for r in ("neighbours.dfe", "neighbours.list") if pack.has(r)), None)
            if role is None:
                return cls()
        if role not in ("neighbours.dfe", "neighbours.list"):
            raise DataValidationError(
                f"role={role!r} must be 'neighbours.dfe' or 'neighbours.list'"
            )
        return cls(neighbours=pack.read(role, **select))

    def neighbour_frame(self) -> pd.DataFrame:
        """The neighbours as a long frame: area_code, neighbour_code, neighbour_name, rank, model, status, note."""
        columns = [
            S.AREA_CODE,
            "neighbour_code",
            "neighbour_name",
            "rank",
            "model",
            "status",
            "note",
        ]
        given = self.neighbours
        if given is None:
            return pd.DataFrame(
                {c: pd.Series(dtype="int64" if c == "rank" else "str") for c in columns}
            )
        if isinstance(given, pd.DataFrame):
            check_columns(given, {"neighbours": [S.AREA_CODE, "neighbour_code", "rank"]})
            frame = given.copy()
            models = frame["model"].dropna().unique().tolist() if "model" in frame else []
            if len(models) > 1:
                raise DataValidationError(
                    f"neighbours holds several models {first_values(models)}; give one, e.g. "
                    "pack.read('neighbours.dfe', vintage='April 2021 model')"
                )
            model = self.neighbour_model or (models[0] if models else given.attrs.get("model"))
        elif isinstance(given, Mapping):
            rows = [
                (str(a), str(n), r + 1) for a, codes in given.items() for r, n in enumerate(codes)
            ]
            frame = pd.DataFrame(rows, columns=[S.AREA_CODE, "neighbour_code", "rank"])
            model = self.neighbour_model
        else:
            raise DataValidationError(
                f"neighbours is a {type(given).__name__}; give a neighbours frame or a mapping of "
                "area code to a list of neighbour codes"
            )
        if not model:
            raise DataValidationError(
                "the neighbour model has no name; give Comparators(neighbour_model='...') so outputs can say "
                "which neighbours were used"
            )
        frame["model"] = str(model)
        for column in columns:
            if column not in frame:
                frame[column] = pd.Series(np.nan, index=frame.index, dtype="str")
        frame["rank"] = pd.to_numeric(frame["rank"]).astype("int64")
        frame = (
            frame[columns].sort_values([S.AREA_CODE, "rank"], kind="stable").reset_index(drop=True)
        )
        for column in (S.AREA_CODE, "neighbour_code", "neighbour_name", "model", "status", "note"):
            frame[column] = frame[column].astype("str")
        return frame


# --------------------------------------------------------------------------- helpers
def _one_row_per_key(df: pd.DataFrame, key: np.ndarray) -> np.ndarray:
    """Positions of one copy of each row repeated once per parent view; conflicting copies are an error.

    ``key`` numbers the indicator, area, sex, age, category and period of each row.
    """
    present = [c for c in _VALUES if c in df.columns]
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
        shown = ", ".join(f"{c}={row[c]!r}" for c in _KEY if not pd.isna(row[c]))
        raise DataValidationError(
            f"indicators: the same indicator, area, sex, age, category and period has different values in "
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
        # an area downloaded against several parents (region, ICB ...): its region is the one of region type
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


def _polarity(df: pd.DataFrame, polarity) -> pd.Series:
    """Polarity of each row: the argument, then the data, then KNOWN_POLARITY, else no judgement."""
    ids = df[S.INDICATOR_ID]
    out = pd.Series(np.nan, index=df.index, dtype="str")
    if isinstance(polarity, str):
        out[:] = polarity
    elif isinstance(polarity, Mapping):
        out = ids.map({int(k): v for k, v in polarity.items()}).astype("str")
    elif polarity is not None:
        raise DataValidationError(
            f"polarity is a {type(polarity).__name__}; give one of {', '.join(map(repr, S.POLARITIES))} or a "
            "mapping of indicator id to polarity"
        )
    if S.POLARITY in df:
        out = out.fillna(df[S.POLARITY].astype("str"))
    out = out.fillna(ids.map(KNOWN_POLARITY).astype("str"))
    bad = out.notna() & ~out.isin(S.POLARITIES)
    if bad.any():
        raise DataValidationError(
            f"polarity {first_values(out[bad])} is not one of {', '.join(map(repr, S.POLARITIES))}"
        )
    unknown = out.isna()
    if unknown.any():
        warnings.warn(
            f"benchmark: no polarity for indicator(s) {first_values(ids[unknown])}; compared with no judgement "
            "(Higher/Similar/Lower). Give polarity= or set polarity in datapack.toml",
            UserWarning,
            stacklevel=3,
        )
        out = out.fillna(S.POLARITY_NONE)
    return out


def _trend_kinds(df: pd.DataFrame, trend_kind) -> pd.Series:
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
        return kinds.fillna(_trend_kinds(df, "auto"))
    if trend_kind != "auto":
        raise DataValidationError(
            f"trend_kind={trend_kind!r} must be 'auto', 'rate', 'proportion' or a mapping of indicator id to those"
        )
    if S.COUNT not in df or S.DENOMINATOR not in df:
        return pd.Series("rate", index=df.index, dtype="str")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = 100 * df[S.COUNT].to_numpy(float) / df[S.DENOMINATOR].to_numpy(float)
    value = df[S.VALUE].to_numpy(float)
    known = np.isfinite(share) & np.isfinite(value)
    fits = np.abs(share - value) <= 1e-6 * np.maximum(np.abs(value), 1e-9)
    fits &= df[S.COUNT].to_numpy(float) <= df[S.DENOMINATOR].to_numpy(float)
    per = pd.DataFrame({"id": df[S.INDICATOR_ID].to_numpy(), "known": known, "bad": known & ~fits})
    sums = per.groupby("id").sum()
    proportion = sums.index[(sums["known"] > 0) & (sums["bad"] == 0)]
    return pd.Series(
        np.where(df[S.INDICATOR_ID].isin(proportion), "proportion", "rate"),
        index=df.index,
        dtype="str",
    )


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
        of each series. ``attrs`` holds ``neighbour_model``, ``england`` and
        ``regions``.

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
    ...                      "area_name": code, "area_type": kind, "parent_code": parent, "sex": "Persons",
    ...                      "age": "<15 yrs", "category_type": None, "category": None, "period": str(year),
    ...                      "period_sortable": year * 10000, "value": v, "lower_ci95": v - 4,
    ...                      "upper_ci95": v + 4, "lower_ci99_8": v - 6, "upper_ci99_8": v + 6})
    >>> data = pd.DataFrame(rows)
    >>> out = benchmark(data, "E08000014",
    ...                 Comparators(neighbours={"E08000014": ["E08000015"]}, neighbour_model="local"),
    ...                 polarity="low is good")
    >>> latest = out.iloc[-1]
    >>> latest[["value", "england_value", "compared_to_england_95", "region_value",
    ...         "compared_to_region_99_8", "neighbour_mean", "neighbour_rank", "neighbour_model"]].to_dict()
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
            f"comparators is a {type(comparators).__name__}; give a jsna.analysis.benchmark.Comparators"
        )
    check_columns(indicators, {"indicators": _REQUIRED})
    if indicators.empty:
        raise DataValidationError(
            "indicators has no rows; read the pack's indicators.fingertips files first"
        )
    if method not in ("ci_overlap", "spc"):
        raise DataValidationError(f"method={method!r} must be 'ci_overlap' or 'spc'")
    keep = [
        c
        for c in dict.fromkeys(
            _REQUIRED
            + [
                S.INDICATOR_NAME,
                S.AREA_NAME,
                S.COUNT,
                S.DENOMINATOR,
                S.VALUE_NOTE,
                S.POLARITY,
                _RANGE,
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
    firsts = _one_row_per_key(raw, series_all.astype(np.int64) * n_areas + area_all)
    data = raw.iloc[firsts].reset_index(drop=True)
    series_of_row, area_of_row = series_all[firsts], area_all[firsts]
    for column in (S.INDICATOR_NAME, S.AREA_NAME, S.COUNT, S.DENOMINATOR, S.VALUE_NOTE, _RANGE):
        if column not in data:
            data[column] = (
                np.nan
                if column in (S.COUNT, S.DENOMINATOR)
                else pd.Series(np.nan, index=data.index, dtype="str")
            )
    data[S.POLARITY] = _polarity(data, polarity)
    n_series = int(series_all.max()) + 1
    values = np.full((n_series, n_areas), np.nan)
    values[series_of_row, area_of_row] = data[S.VALUE].to_numpy(float)
    column_of = pd.Series(np.arange(n_areas), index=area_codes)

    # the series of the same indicator, sex, age and period for all people (no category)
    series_keys = (
        data[SERIES_COLUMNS + [S.PERIOD_SORTABLE, _RANGE]]
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
        """Benchmark values of each output row from the all-people series in the given area columns."""
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
        for suffix, level in _LEVELS.items():
            kwargs = (
                {"count": S.COUNT, "denominator": S.DENOMINATOR, "multiplier": multiplier}
                if method == "spc"
                else {}
            )
            out[f"compared_to_{name}_{suffix}"] = compare(
                out, column, polarity=S.POLARITY, method=method, confidence=level, **kwargs
            )["comparison"]

    _neighbour_summaries(out, values, s, a, area_codes, column_of, comparators, names)
    _type_spread(out, data, values, s, a, area_codes)
    # each series' line (the same indicator, sex, age, category and period range over time) and time order
    line_of_series = (
        series_keys.groupby(_TREND_BY[:1] + _TREND_BY[2:], sort=False, dropna=False)
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
    _trends(out, _trend_kinds(out, trend_kind), trend_group, time_of_series[s])

    result = out[BENCHMARK_COLUMNS]
    result.attrs = {
        "england": england,
        "regions": regions.dropna().to_dict(),
        "neighbour_model": out["neighbour_model"].dropna().iloc[0]
        if out["neighbour_model"].notna().any()
        else None,
    }
    return result


def _neighbour_summaries(out, values, s, a, area_codes, column_of, comparators, names_of) -> None:
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


def _type_spread(out, data, values, s, a, area_codes) -> None:
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


def _trends(out: pd.DataFrame, kinds: pd.Series, group: np.ndarray, time: np.ndarray) -> None:
    """Recent trend of each line (``group``), written on its latest period (``time`` orders periods)."""
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


# --------------------------------------------------------------------------- coverage
def neighbour_coverage(
    indicators: pd.DataFrame, area: str, comparators: Comparators
) -> pd.DataFrame:
    """Each neighbour of ``area`` in rank order, and whether the indicator data have it.

    Authorities that changed since the model was made (DfE ``status`` not
    "current") are kept and their ``note`` says what happened; a neighbour
    with no rows in the data is reported with ``rows_with_data`` 0 and a
    comment, never dropped silently.

    Returns
    -------
    DataFrame
        ``rank, neighbour_code, neighbour_name, model, status, note,
        indicators_with_data, rows_with_data, comment``.

    Examples
    --------
    >>> data = pd.DataFrame({"area_code": ["E08000015", "E08000015"], "indicator_id": [1, 1],
    ...                      "value": [1.0, 2.0]})
    >>> c = Comparators(neighbours={"E08000014": ["E08000015", "E10000021"]}, neighbour_model="list")
    >>> neighbour_coverage(data, "E08000014", c)[["neighbour_code", "rows_with_data", "comment"]].values.tolist()
    [['E08000015', 2, nan], ['E10000021', 0, 'no data in the indicator file']]
    """
    check_columns(indicators, {"indicators": [S.AREA_CODE, S.INDICATOR_ID, S.VALUE]})
    nb = comparators.neighbour_frame()
    nb = nb[nb[S.AREA_CODE] == str(area)].reset_index(drop=True)
    present = indicators[indicators[S.VALUE].notna()]
    rows = present.groupby(S.AREA_CODE).size()
    ids = present.groupby(S.AREA_CODE)[S.INDICATOR_ID].nunique()
    out = nb[["rank", "neighbour_code", "neighbour_name", "model", "status", "note"]].copy()
    if S.AREA_NAME in indicators:
        names = indicators.drop_duplicates(S.AREA_CODE).set_index(S.AREA_CODE)[S.AREA_NAME]
        out["neighbour_name"] = (
            out["neighbour_name"].fillna(out["neighbour_code"].map(names)).astype("str")
        )
    out["indicators_with_data"] = out["neighbour_code"].map(ids).fillna(0).astype("int64")
    out["rows_with_data"] = out["neighbour_code"].map(rows).fillna(0).astype("int64")
    out["comment"] = pd.Series(np.nan, index=out.index, dtype="str").mask(
        out["rows_with_data"] == 0, "no data in the indicator file"
    )
    return out


# --------------------------------------------------------------------------- selections
def area_and_neighbours(
    indicators: pd.DataFrame, area: str, comparators: Comparators, **options
) -> pd.DataFrame:
    """:func:`benchmark` rows of an area and of its neighbours that have data (for a neighbour bar chart or rug).

    ``options`` go to :func:`benchmark`. Adds ``model_rank``: 0 for the area,
    the neighbour's rank in the model otherwise. Neighbours without data are
    left out here and listed by :func:`neighbour_coverage`.

    Examples
    --------
    >>> data = pd.DataFrame({"indicator_id": 1, "area_code": ["E92000001", "E06000001", "E06000002"],
    ...     "area_type": ["England", "UA", "UA"], "parent_code": [None, "E92000001", "E92000001"],
    ...     "sex": "Persons", "age": "All", "category_type": None, "category": None, "period": "2024",
    ...     "period_sortable": 20240000, "value": [10.0, 12.0, 9.0], "lower_ci95": [9.9, 11.0, 8.0],
    ...     "upper_ci95": [10.1, 13.0, 10.0], "lower_ci99_8": np.nan, "upper_ci99_8": np.nan})
    >>> c = Comparators(neighbours={"E06000001": ["E06000002"]}, neighbour_model="list")
    >>> out = area_and_neighbours(data, "E06000001", c, polarity="low is good")
    >>> out[["area_code", "model_rank", "compared_to_england_95"]].values.tolist()
    [['E06000001', 0, 'Worse'], ['E06000002', 1, 'Similar']]
    """
    nb = comparators.neighbour_frame()
    nb = nb[nb[S.AREA_CODE] == str(area)]
    present = set(indicators[S.AREA_CODE].astype(str))
    ranks = {
        str(area): 0,
        **{
            c: int(r)
            for c, r in zip(nb["neighbour_code"], nb["rank"], strict=True)
            if c in present and c != str(area)
        },
    }
    out = benchmark(indicators, list(ranks), comparators, **options)
    out = out.assign(model_rank=out[S.AREA_CODE].map(ranks).astype("int64"))
    out = out.sort_values(["model_rank"], kind="stable").reset_index(drop=True)
    out.attrs = dict(out.attrs)
    return out


def latest(result: pd.DataFrame) -> pd.DataFrame:
    """The rows of each area's latest period of every indicator, sex, age, category and period range.

    Examples
    --------
    >>> df = pd.DataFrame({"indicator_id": [1, 1, 2], "area_code": "A", "sex": "Persons", "age": "All",
    ...                    "category_type": None, "category": None, "time_period_range": "1y",
    ...                    "period": ["2023", "2024", "2020"], "period_sortable": [20230000, 20240000, 20200000]})
    >>> latest(df)["period"].tolist()
    ['2024', '2020']
    """
    by = [c for c in _TREND_BY if c in result.columns]
    check_columns(result, {"result": [S.PERIOD_SORTABLE, S.INDICATOR_ID, S.AREA_CODE]})
    newest = result.groupby(by, sort=False, dropna=False)[S.PERIOD_SORTABLE].transform("max")
    return result[result[S.PERIOD_SORTABLE] == newest].reset_index(drop=True)


def headline(result: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator for a summary: the latest period, all people (no category), persons if published.

    Where an indicator has several sexes, ages or period ranges, the row kept is
    Persons (else the one sex published), then the one compared with most areas.

    Examples
    --------
    >>> df = pd.DataFrame({"indicator_id": [1, 1, 1, 2], "area_code": "A", "sex": ["Male", "Persons", "Persons", "Female"],
    ...     "age": "All", "category_type": None, "category": None, "time_period_range": "1y",
    ...     "period": ["2024", "2024", "2023", "2024"], "period_sortable": [20240000, 20240000, 20230000, 20240000],
    ...     "type_areas": 150})
    >>> headline(df)[["indicator_id", "sex", "period"]].values.tolist()
    [[1, 'Persons', '2024'], [2, 'Female', '2024']]
    """
    rows = latest(result)
    rows = rows[rows[S.CATEGORY_TYPE].isna() & rows[S.CATEGORY].isna()]
    preference = np.where(rows[S.SEX] == S.PERSONS, 0, 1)
    areas = rows["type_areas"] if "type_areas" in rows else pd.Series(0, index=rows.index)
    rows = rows.assign(_p=preference, _n=-areas.fillna(0).to_numpy()).sort_values(
        [S.INDICATOR_ID, "_p", "_n"], kind="stable"
    )
    return (
        rows.drop_duplicates([S.AREA_CODE, S.INDICATOR_ID])
        .drop(columns=["_p", "_n"])
        .reset_index(drop=True)
    )


def units_label(indicator_id: int) -> str:
    """The units of an indicator for an axis label (:data:`KNOWN_UNITS`), or a plain fallback.

    Examples
    --------
    >>> units_label(90284)
    'Crude rate per 10,000 aged 0 to 14'
    >>> units_label(1)
    'Value (units as published for indicator 1)'
    """
    units = KNOWN_UNITS.get(int(indicator_id))
    return (
        units[:1].upper() + units[1:]
        if units
        else f"Value (units as published for indicator {int(indicator_id)})"
    )


_PHRASES = {
    "Better": "better than",
    "Worse": "worse than",
    "Similar": "similar to",
    "Higher": "higher than",
    "Lower": "lower than",
    "Not compared": "not compared with",
}


def sentence(row: pd.Series, *, digits: int = 1) -> str:
    """A key-message sentence for one :func:`benchmark` row, written from its numbers.

    Examples
    --------
    >>> row = pd.Series({"indicator_id": 90284, "indicator_name": "Admissions for injuries (0-14)",
    ...     "area_name": "Sefton", "sex": "Persons", "period": "2023/24", "value": 92.79, "lower_ci95": 83.86,
    ...     "upper_ci95": 101.92, "england_value": 72.71, "compared_to_england_95": "Worse",
    ...     "region_name": "North West region (statistical)", "region_value": 87.83,
    ...     "compared_to_region_95": "Similar", "neighbour_model": "DfE 2025 model", "neighbour_rank": 7,
    ...     "neighbour_rank_of": 11, "neighbour_mean": 90.1, "polarity": "low is good",
    ...     "recent_trend": "No significant change"})
    >>> print(sentence(row))
    Admissions for injuries (0-14), 2023/24: Sefton 92.8 (crude rate per 10,000 aged 0 to 14; 95% CI 83.9 to 101.9), worse than England (72.7) and similar to the North West region (statistical) (87.8); 7th of 11 with its DfE 2025 model statistical neighbours (1 = best; their mean 90.1); recent trend: no significant change.
    """

    def num(x):
        return f"{x:,.{digits}f}"

    units = KNOWN_UNITS.get(int(row[S.INDICATOR_ID]))
    who = (
        ""
        if row.get(S.SEX) in (S.PERSONS, None) or pd.isna(row.get(S.SEX))
        else f" ({str(row[S.SEX]).lower()})"
    )
    if pd.isna(row[S.VALUE]):
        return f"{row[S.INDICATOR_NAME]}{who}, {row[S.PERIOD]}: no value for {row[S.AREA_NAME]}."
    detail = "; ".join(
        x
        for x in (
            units,
            (
                f"95% CI {num(row[S.LOWER_CI95])} to {num(row[S.UPPER_CI95])}"
                if pd.notna(row.get(S.LOWER_CI95))
                else None
            ),
        )
        if x
    )
    text = f"{row[S.INDICATOR_NAME]}{who}, {row[S.PERIOD]}: {row[S.AREA_NAME]} {num(row[S.VALUE])}"
    text += f" ({detail})" if detail else ""
    if pd.notna(row.get("england_value")):
        text += f", {_PHRASES[row['compared_to_england_95']]} England ({num(row['england_value'])})"
    if pd.notna(row.get("region_value")):
        text += (
            f" and {_PHRASES[row['compared_to_region_95']]} the {row['region_name']} "
            f"({num(row['region_value'])})"
        )
    if pd.notna(row.get("neighbour_rank")):
        rank = int(row["neighbour_rank"])
        suffix = (
            "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
        )
        best = (
            "1 = best"
            if row.get(S.POLARITY) in (S.POLARITY_LOW_GOOD, S.POLARITY_HIGH_GOOD)
            else "1 = highest"
        )
        text += (
            f"; {rank}{suffix} of {int(row['neighbour_rank_of'])} with its {row['neighbour_model']} "
            f"statistical neighbours ({best}; their mean {num(row['neighbour_mean'])})"
        )
    trend = row.get("recent_trend")
    if isinstance(trend, str) and trend != "Cannot be calculated":
        text += f"; recent trend: {trend[:1].lower() + trend[1:]}"
    elif isinstance(trend, str):
        text += "; too few recent points to test the trend"
    return text + "."


def series(result: pd.DataFrame, row: pd.Series, *, across_areas: bool = False) -> pd.DataFrame:
    """Rows of ``result`` on the same line as ``row``: for a trend chart, or all areas for a bar chart.

    By default the row's area over time (same indicator, sex, age, category and
    period range), in time order; with ``across_areas=True`` every area in
    ``result`` in the row's period.

    Examples
    --------
    >>> df = pd.DataFrame({"indicator_id": 1, "area_code": ["A", "A", "B"], "sex": "Persons", "age": "All",
    ...     "category_type": None, "category": None, "time_period_range": "1y", "period": ["2024", "2023", "2024"],
    ...     "period_sortable": [20240000, 20230000, 20240000]})
    >>> series(df, df.iloc[0])["period"].tolist(), series(df, df.iloc[0], across_areas=True)["area_code"].tolist()
    (['2023', '2024'], ['A', 'B'])
    """
    columns = [c for c in _TREND_BY if c in result.columns and c in row.index]
    if across_areas:
        columns = [c for c in columns if c != S.AREA_CODE] + [S.PERIOD]
    same = np.ones(len(result), dtype=bool)
    for column in columns:
        value = row[column]
        same &= (result[column].isna() if pd.isna(value) else result[column] == value).to_numpy()
    out = result[same]
    return (
        out.sort_values(S.PERIOD_SORTABLE, kind="stable").reset_index(drop=True)
        if not across_areas
        else out.reset_index(drop=True)
    )
