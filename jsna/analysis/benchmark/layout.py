"""The columns a benchmark reads and writes."""

from __future__ import annotations

from jsna import columns as S

__all__ = [
    "SERIES_COLUMNS",
    "KEY_COLUMNS",
    "PERIOD_RANGE",
    "LINE_COLUMNS",
    "LIMIT_COLUMNS",
    "VALUE_COLUMNS",
    "REQUIRED_COLUMNS",
    "LEVELS",
    "BENCHMARK_COLUMNS",
]

#: What identifies a series value (with the area).
SERIES_COLUMNS = [S.INDICATOR_ID, S.SEX, S.AGE, S.CATEGORY_TYPE, S.CATEGORY, S.PERIOD]
KEY_COLUMNS = [S.INDICATOR_ID, S.AREA_CODE, S.SEX, S.AGE, S.CATEGORY_TYPE, S.CATEGORY, S.PERIOD]
PERIOD_RANGE = (
    "time_period_range"  # Fingertips' "1y", "3y", "5y": a 3-year series is not a 5-year one
)
LINE_COLUMNS = [
    S.INDICATOR_ID,
    S.AREA_CODE,
    S.SEX,
    S.AGE,
    S.CATEGORY_TYPE,
    S.CATEGORY,
    PERIOD_RANGE,
]
LIMIT_COLUMNS = [S.LOWER_CI95, S.UPPER_CI95, S.LOWER_CI99_8, S.UPPER_CI99_8]
VALUE_COLUMNS = [S.VALUE, *LIMIT_COLUMNS, S.COUNT, S.DENOMINATOR]
REQUIRED_COLUMNS = [
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
    *LIMIT_COLUMNS,
]
LEVELS = {"95": 0.95, "99_8": 0.998}

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
    PERIOD_RANGE,
    S.POLARITY,
    S.VALUE,
    *LIMIT_COLUMNS,
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
    # the labels shown: the publisher's where its file gives them (jsna.analysis.benchmark.labels)
    "compared_to_england",
    "england_comparison_source",
    "compared_to_region",
    "region_comparison_source",
    "jsna_recent_trend",
    "trend_source",
    "publisher_trend_conflict",
]
