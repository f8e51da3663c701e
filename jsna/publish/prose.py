"""Text for readers: axis labels of indicator units and key-message sentences.

These write words from numbers; the numbers come from :mod:`jsna.analysis.benchmark`.
"""

from __future__ import annotations

import pandas as pd

from jsna import columns as S
from jsna.analysis.benchmark import KNOWN_UNITS

__all__ = ["units_label", "sentence"]


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
    ...     "area_name": "Sefton", "sex": "Persons", "period": "2023/24", "value": 92.79,
    ...     "lower_ci95": 83.86,
    ...     "upper_ci95": 101.92, "england_value": 72.71, "compared_to_england_95": "Worse",
    ...     "region_name": "North West region (statistical)", "region_value": 87.83,
    ...     "compared_to_region_95": "Similar", "neighbour_model": "DfE 2025 model",
    ...     "neighbour_rank": 7,
    ...     "neighbour_rank_of": 11, "neighbour_mean": 90.1, "polarity": "low is good",
    ...     "recent_trend": "No significant change"})
    >>> print(sentence(row))  # doctest: +NORMALIZE_WHITESPACE
    Admissions for injuries (0-14), 2023/24: Sefton 92.8 (crude rate per 10,000 aged 0 to 14; 95% CI
    83.9 to 101.9), worse than England (72.7) and similar to the North West region (statistical)
    (87.8); 7th of 11 with its DfE 2025 model statistical neighbours (1 = best; their mean 90.1);
    recent trend: no significant change.
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
            f"; {rank}{suffix} of {int(row['neighbour_rank_of'])} with its "
            f"{row['neighbour_model']} "
            f"statistical neighbours ({best}; their mean {num(row['neighbour_mean'])})"
        )
    trend = row.get("recent_trend")
    if isinstance(trend, str) and trend != "Cannot be calculated":
        text += f"; recent trend: {trend[:1].lower() + trend[1:]}"
    elif isinstance(trend, str):
        text += "; too few recent points to test the trend"
    return text + "."
