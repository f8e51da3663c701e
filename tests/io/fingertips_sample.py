"""A two-row Fingertips ``all_data`` file for the io tests, with cells to change."""

from io import StringIO

import pandas as pd

__all__ = ["FT_HEADER", "FT_ROWS", "ft_text"]

# Fingertips all_data, current 27-column layout. England and Sefton, indicator 90284
# (hospital admissions for injuries in children), 2010/11 - values from the real download.
FT_HEADER = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
    "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
    "Compared to England value or percentiles,Compared to Regions (statistical) value or "
    "percentiles,"
    "Time period Sortable,New data,Compared to goal,Time period range"
)
FT_ROWS = [
    "90284,Injury admissions (0-14),,,E92000001,England,England,Persons,<15 yrs,,,2010/11,"
    "115.21668,114.528722,115.907745,,,107429,9324084,,,Not compared,Not compared,20100000,,,1y",
    "90284,Injury admissions (0-14),E12000002,North West region (statistics),E08000014,Sefton,"
    "Counties & UAs (from Apr 2023),Persons,<15 yrs,,,2010/11,145.2,127.8,164.3,,,254,174932,,,"
    "Worse,Similar,20100000,,,1y",
]


def ft_text(**changes: str) -> str:
    """The Fingertips CSV with cells of the Sefton row changed (``{column: value}``)."""
    frame = pd.read_csv(
        StringIO("\n".join([FT_HEADER, *FT_ROWS])), dtype=str, keep_default_na=False
    )
    for column, value in changes.items():
        frame.loc[1, column] = value
    return frame.to_csv(index=False)
