"""Readable column headers for published tables.

Chapters publish tables with headers a reader understands ("Residents", not
``population``). One map, :data:`LABELS`, holds the house labels of jsna's column
names; a chapter passes ``overrides`` only where a column means something more
specific in its table (``value`` is a diagnosis ratio in one table, a rate in another).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"ward_name": ["Ainsdale"], "population": [12_000], "value": [0.8]})
>>> list(labelled(frame, {"value": "Diagnosis ratio (O/E)"}).columns)
['Ward', 'Residents', 'Diagnosis ratio (O/E)']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from jsna.exceptions import DataValidationError, first_values

__all__ = ["LABELS", "label", "labelled"]

#: jsna column name -> header in a published table.
LABELS: dict[str, str] = {
    # geography
    "ward_code": "Ward code",
    "ward_name": "Ward",
    "lsoa21_code": "LSOA",
    "lsoa11_code": "LSOA (2011)",
    "area_code": "Area code",
    "area_name": "Area",
    "practice_code": "Practice code",
    "practice_name": "Practice",
    "n_lsoas": "LSOAs",
    # population and deprivation
    "population": "Residents",
    "resident_population": "Residents",
    "residents_90_plus": "Residents aged 90+",
    "is_total": "Ward total",
    "imd_score": "IMD score (population-weighted)",
    "core20_lsoas": "Core20 LSOAs",
    "core20_lsoa_share": "Core20 LSOAs (%)",
    "core20_population_share": "Residents in Core20 LSOAs (%)",
    "local_quintile": "Local deprivation quintile (1 = most deprived)",
    "imd_quintile": "IMD quintile (1 = most deprived)",
    # indicators
    "indicator_name": "Indicator",
    "compared_to_england": "Compared with England",
    "compared_to_region": "Compared with the region",
    "compared_to_england_95": "Compared with England (jsna, 95%)",
    "compared_to_region_95": "Compared with the region (jsna, 95%)",
    "recent_trend": "Recent trend",
    "jsna_recent_trend": "Recent trend (jsna)",
    "trend_source": "Trend from",
    "sex": "Sex",
    "age": "Age",
    "period": "Period",
    "value": "Value",
    "lower_ci95": "Lower 95% CI",
    "upper_ci95": "Upper 95% CI",
    "lower_ci99_8": "Lower 99.8% CI",
    "upper_ci99_8": "Upper 99.8% CI",
    "count": "Count",
    "denominator": "Denominator",
    # prevalence gaps
    "condition_name": "Condition",
    "list_size": "Registered patients",
    "observed": "Recorded (register)",
    "expected": "Expected",
    "recorded_pct": "Recorded %",
    "expected_pct": "Expected %",
    "undiagnosed": "Estimated undiagnosed",
    "undiagnosed_lower_ci95": "Undiagnosed, lower 95% CI",
    "undiagnosed_upper_ci95": "Undiagnosed, upper 95% CI",
    "rank": "Rank",
    "practices": "Practices",
    # inequality
    "most_value": "Most deprived",
    "least_value": "Least deprived",
    "absolute_gap": "Gap",
    "absolute_lower_ci95": "Gap lower 95%",
    "absolute_upper_ci95": "Gap upper 95%",
    "relative_gap": "Ratio",
    "sii": "SII",
    "sii_lower_ci95": "SII lower 95%",
    "sii_upper_ci95": "SII upper 95%",
    "rii": "RII",
    "rii_lower_ci95": "RII lower 95%",
    "rii_upper_ci95": "RII upper 95%",
}


def label(column: str, overrides: Mapping[str, str] | None = None) -> str:
    """The published header of one column (the column itself when it has no label).

    Examples
    --------
    >>> label("population"), label("unknown_column")
    ('Residents', 'unknown_column')
    """
    if overrides and column in overrides:
        return overrides[column]
    return LABELS.get(column, column)


def labelled(
    frame: pd.DataFrame,
    overrides: Mapping[str, str] | None = None,
    *,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``frame`` (or its ``columns``, in that order) with readable headers.

    Raises when two columns would get the same header, or a column named in
    ``columns`` or ``overrides`` is missing.

    Examples
    --------
    >>> frame = pd.DataFrame({"sex": ["Male"], "sii": [2.5], "extra": [1]})
    >>> list(labelled(frame, columns=["sii", "sex"]).columns)
    ['SII', 'Sex']
    """
    names = list(frame.columns) if columns is None else list(columns)
    missing = [c for c in [*names, *(overrides or {})] if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"labelled: columns {first_values(missing)} are not in the table; "
            f"it has {first_values(list(frame.columns), 10)}"
        )
    headers = [label(c, overrides) for c in names]
    repeated = sorted({h for h in headers if headers.count(h) > 1})
    if repeated:
        raise DataValidationError(
            f"labelled: several columns would be headed {first_values(repeated)}; "
            "give overrides to tell them apart"
        )
    return frame[names].set_axis(headers, axis=1)
