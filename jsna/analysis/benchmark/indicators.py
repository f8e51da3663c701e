"""Facts about common Fingertips indicators: polarity, units, the children's indicators.

:func:`resolve_polarity` decides each row's polarity from the caller, the data and
:data:`KNOWN_POLARITY`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.exceptions import DataValidationError, first_values

__all__ = ["KNOWN_POLARITY", "KNOWN_UNITS", "CHILDREN_INDICATORS", "resolve_polarity"]

#: Fingertips' polarity of common indicators (from the Fingertips indicator metadata),
#: used where neither the caller nor the data pack gives one.
KNOWN_POLARITY: dict[int, str] = {
    90284: S.POLARITY_LOW_GOOD,  # hospital admissions for injuries in children aged 0 to 14
    90285: S.POLARITY_LOW_GOOD,  # hospital admissions for injuries in young people aged 15 to 24
    20601: S.POLARITY_LOW_GOOD,  # Reception: prevalence of overweight (including obesity)
    20602: S.POLARITY_LOW_GOOD,  # Year 6: prevalence of overweight (including obesity)
    93563: S.POLARITY_LOW_GOOD,  # 5 year olds with experience of visibly obvious dental decay
    # school readiness: good level of development at the end of Reception
    90631: S.POLARITY_HIGH_GOOD,
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


def resolve_polarity(df: pd.DataFrame, polarity) -> pd.Series:
    """Polarity of each row: the argument, then the data, then KNOWN_POLARITY, else no judgement."""
    ids = df[S.INDICATOR_ID]
    out = pd.Series(np.nan, index=df.index, dtype="str")
    if isinstance(polarity, str):
        out[:] = polarity
    elif isinstance(polarity, Mapping):
        out = ids.map({int(k): v for k, v in polarity.items()}).astype("str")
    elif polarity is not None:
        raise DataValidationError(
            f"polarity is a {type(polarity).__name__}; give one of "
            f"{', '.join(map(repr, S.POLARITIES))} or a "
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
            f"benchmark: no polarity for indicator(s) {first_values(ids[unknown])}; compared with "
            "no judgement "
            "(Higher/Similar/Lower). Give polarity= or set polarity in datapack.toml",
            UserWarning,
            stacklevel=3,
        )
        out = out.fillna(S.POLARITY_NONE)
    return out
