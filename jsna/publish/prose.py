"""Text for readers: axis labels of indicator units and key-message sentences.

These write words from numbers; the numbers come from :mod:`jsna.analysis.benchmark`.
"""

from __future__ import annotations

import pandas as pd

from jsna import columns as S
from jsna.analysis.benchmark import KNOWN_UNITS
from jsna.exceptions import DataValidationError
from jsna.meta import meta

__all__ = [
    "COMPARISON_COLUMNS",
    "units_label",
    "sentence",
    "rank_sentence",
    "count_text",
    "ordinal",
]


def count_text(n: int, word: str, plural: str | None = None, *, zero: str = "no") -> str:
    """A count with its noun in the right number: "no indicators", "1 indicator", "3 indicators".

    Parameters
    ----------
    n : int
        The count.
    word : str
        The noun in the singular (``"children's indicator"``).
    plural : str, optional
        The plural when it is not ``word + "s"`` (``"wards"`` is found, ``"people"`` is not).
    zero : str
        What to write for 0 (``"no"``, or ``"none of the"``...).

    Examples
    --------
    >>> count_text(0, "indicator"), count_text(1, "indicator"), count_text(3, "indicator")
    ('no indicators', '1 indicator', '3 indicators')
    >>> count_text(1200, "person", "people")
    '1,200 people'
    """
    n = int(n)
    noun = word if n == 1 else (plural or word + "s")
    return f"{zero} {noun}" if n == 0 else f"{n:,} {noun}"


def ordinal(rank: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st...

    Examples
    --------
    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd']
    """
    rank = int(rank)
    tail = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{tail}"


def _nth_highest(rank) -> str:
    return "highest" if int(rank) == 1 else f"{ordinal(rank)} highest"


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
#: The comparison columns :func:`sentence` reads: the label shown (the publisher's
#: where its file gives one, :mod:`jsna.analysis.benchmark.labels`), else jsna's at 95%.
COMPARISON_COLUMNS = {
    "England": ("compared_to_england", "compared_to_england_95"),
    "region": ("compared_to_region", "compared_to_region_95"),
}


def _comparison(row: pd.Series, whom: str) -> str:
    """The words of the comparison shown with England or the region ("worse than")."""
    for column in COMPARISON_COLUMNS[whom]:
        label = row.get(column)
        if isinstance(label, str) and label:
            return _PHRASES.get(label, f"{label[:1].lower()}{label[1:]} compared with")
    return _PHRASES["Not compared"]


def sentence(row: pd.Series, *, digits: int = 1) -> str:
    """A key-message sentence for one :func:`benchmark` row, written from its numbers.

    The comparisons and the trend are the labels the benchmark shows
    (``compared_to_england``, ``compared_to_region`` and ``recent_trend``: the
    publisher's where its file gives them, :mod:`jsna.analysis.benchmark.labels`);
    a row without them falls back to ``compared_to_*_95``. Where the trend
    "Cannot be calculated" the sentence claims none.

    Examples
    --------
    >>> row = pd.Series({"indicator_id": 90284, "indicator_name": "Admissions for injuries (0-14)",
    ...     "area_name": "Sefton", "sex": "Persons", "period": "2023/24", "value": 92.79,
    ...     "lower_ci95": 83.86,
    ...     "upper_ci95": 101.92, "england_value": 72.71, "compared_to_england": "Worse",
    ...     "region_name": "North West region (statistical)", "region_value": 87.83,
    ...     "compared_to_region": "Similar", "neighbour_model": "DfE 2025 model",
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
        text += f", {_comparison(row, 'England')} England ({num(row['england_value'])})"
    if pd.notna(row.get("region_value")):
        text += (
            f" and {_comparison(row, 'region')} the {row['region_name']} "
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
    elif isinstance(trend, str) and row.get("trend_source") == "publisher":
        text += "; the publisher could not calculate a recent trend"
    elif isinstance(trend, str):
        text += "; too few recent points to test the trend"
    return text + "."


def rank_sentence(summary: pd.DataFrame, area: str) -> str:
    """How deprived an authority is among all authorities in England, from its IoD summaries.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`jsna.analysis.deprivation.authority_summaries` for the whole of England.
    area : str
        The authority's code (e.g. ``"E08000011"``).

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna.meta import with_meta
    >>> summary = with_meta(pd.DataFrame({
    ...     "lad24_code": ["E1", "E2", "E3"], "lad24_name": ["Ayton", "Beeby", "Ceeford"],
    ...     "n_lsoas": [100, 80, 60], "n_most_deprived_10": [40, 0, 3],
    ...     "average_score": [36.2, 12.0, 20.5], "rank_of_average_score": [1, 3, 2],
    ...     "proportion_most_deprived_10": [0.4, 0.0, 0.05],
    ...     "rank_of_proportion_most_deprived_10": [1, 3, 2],
    ...     "extent": [0.515, 0.0, 0.1], "rank_of_extent": [1, 3, 2]}), edition="IoD2025")
    >>> print(rank_sentence(summary, "E3"))  # doctest: +NORMALIZE_WHITESPACE
    Ceeford is the 2nd most deprived of 3 local authorities in England on the Index of
    Multiple Deprivation (IoD2025, rank of average score; 1 = most deprived). 3 of its 60
    neighbourhoods (LSOAs, 5.0%) are among the most deprived 10% in England (2nd highest
    share); its extent (the share of residents in the most deprived 30% of areas, weighted
    towards the most deprived 10%) is 10.0% (2nd highest).

    Summaries weighted equally (no population) give only the exact measure:

    >>> equal = with_meta(summary.copy(), edition="IoD2025",
    ...                   note="Every LSOA weighted equally (no population was given).")
    >>> print(rank_sentence(equal, "E1"))  # doctest: +NORMALIZE_WHITESPACE
    40 of Ayton's 100 neighbourhoods (LSOAs, 40.0%) are among the most deprived 10% in England
    on the Index of Multiple Deprivation (IoD2025): the highest share of 3 local
    authorities (1 = highest). The ranks of average score and extent need the LSOAs'
    population, which the pack's IMD file does not have.
    """
    code = next((c for c in summary.columns if c.startswith("lad") and c.endswith("_code")), None)
    if code is None or area not in set(summary[code]):
        raise DataValidationError(
            f"rank_sentence: no authority {area!r} in the summaries (column {code!r}); pass the "
            "authority_summaries frame of the whole of England and an authority code"
        )
    row = summary.loc[summary[code] == area].iloc[0]
    ranked = summary["rank_of_average_score"].notna()
    if pd.isna(row["rank_of_average_score"]):
        raise DataValidationError(
            f"rank_sentence: {area} has no rank of average score (no IMD scores, or summaries "
            "of part of England); compute authority_summaries from the whole England file"
        )

    nth = ordinal
    name = row.get(code.replace("_code", "_name"), area)
    edition = meta(summary, "edition", "")
    if str(meta(summary, "note", "")).startswith("Every LSOA weighted equally"):
        # Without population weights only the share of LSOAs in the most deprived 10% is
        # the published measure; average score and extent would differ from MHCLG's.
        return (
            f"{int(row['n_most_deprived_10'])} of {name}'s {int(row['n_lsoas'])} "
            f"neighbourhoods (LSOAs, {100 * row['proportion_most_deprived_10']:.1f}%) are among "
            f"the most deprived 10% in England on the Index of Multiple Deprivation"
            f"{' (' + edition + ')' if edition else ''}: the "
            f"{_nth_highest(row['rank_of_proportion_most_deprived_10'])} share of "
            f"{int(ranked.sum())} local authorities (1 = highest). The ranks of average score "
            "and extent need the LSOAs' population, which the pack's IMD file does not have."
        )
    text = (
        f"{name} is the {nth(row['rank_of_average_score'])} most deprived of {int(ranked.sum())} "
        "local authorities in England on the Index of Multiple Deprivation "
        f"({edition + ', ' if edition else ''}rank of average score; 1 = most deprived). "
        f"{int(row['n_most_deprived_10'])} of its {int(row['n_lsoas'])} neighbourhoods (LSOAs, "
        f"{100 * row['proportion_most_deprived_10']:.1f}%) are among the most deprived 10% in "
        f"England ({nth(row['rank_of_proportion_most_deprived_10'])} highest share)"
    )
    if pd.notna(row.get("extent")):
        text += (
            f"; its extent (the share of residents in the most deprived 30% of areas, weighted "
            f"towards the most deprived 10%) is {100 * row['extent']:.1f}% "
            f"({nth(row['rank_of_extent'])} highest)"
        )
    return text + "."
