"""The rules of small-number suppression: which counts are hidden, and the marker.

Named constants with their sources (as ehrQL's ``disclosure_control.py`` does):
:data:`DEFAULT_RULE` (1-4 hidden, zeros shown; ONS/NHS England guidance) and
:data:`EHRQL_RULE` (the stricter OpenSAFELY style for record-level outputs: counts of
7 or fewer hidden, the others rounded to the nearest 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna import columns as schema
from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values

__all__ = [
    "SUPPRESS_FROM",
    "SUPPRESS_TO",
    "CONFIDENTIAL_MARKER",
    "MARKER_COLUMN",
    "DEFAULT_DERIVED_COLUMNS",
    "SuppressionRule",
    "DEFAULT_RULE",
    "EHRQL_SUPPRESS_TO",
    "EHRQL_ROUNDING",
    "EHRQL_RULE",
    "check_counts",
]

# Counts from SUPPRESS_FROM to SUPPRESS_TO inclusive are suppressed; zero is
# shown. Source: ONS, "Review of the Dissemination of Health Statistics:
# Confidentiality Guidance" (2006, approved for all health statistics published
# for England; https://www.ons.gov.uk/ons/guide-method/best-practice/
# disclosure-control-of-health-statistics/), which treats cells of 1 or 2 as
# potentially unsafe and, for small areas and sensitive data, 3 and 4 as well -
# wards and LSOAs in a JSNA are such small areas. Zeros are not suppressed but
# secondary suppression is required, as in NHS Digital's HES/ECDS practice
# ("replacing values between 1 and 5 with '*' ... checking that other values
# within the data cannot be used to recalculate the original small numbers",
# https://digital.nhs.uk/data-and-information/data-tools-and-services/
# data-services/hospital-episode-statistics/change-to-disclosure-control-
# methodology-for-hes-and-ecds-from-september-2018).
SUPPRESS_FROM = 1
SUPPRESS_TO = 4

# "[c] = confidential (for example, when suppressing values for statistical
# disclosure control)": Government Analysis Function, "Using symbols and
# shorthand in tables" (https://analysisfunction.civilservice.gov.uk/
# policy-store/symbols-in-tables-definitions-and-help/), used by ONS and GSS.
CONFIDENTIAL_MARKER = "[c]"

# The column added to every suppressed frame; "[c]" in rows with a suppressed cell.
MARKER_COLUMN = "suppression"

# Columns treated as derived from the counts when ``derived_columns`` is not given.
DEFAULT_DERIVED_COLUMNS = (
    schema.VALUE,
    schema.LOWER_CI95,
    schema.UPPER_CI95,
    schema.LOWER_CI99_8,
    schema.UPPER_CI99_8,
)


@dataclass(frozen=True)
class SuppressionRule:
    """Which counts are suppressed and how suppressed cells are marked.

    Parameters
    ----------
    lower, upper : int
        Counts from ``lower`` to ``upper`` inclusive are suppressed. The
        default 1 to 4 shows zeros (see :data:`SUPPRESS_FROM` for the source).
        ``lower=0`` suppresses zeros too.
    marker : str
        The shorthand written for a suppressed cell, ``[c]`` by default.
    rounding : int
        ``0`` (default): shown counts are exact. ``5`` (:data:`EHRQL_RULE`): shown counts
        are rounded to the nearest multiple, and values derived from counts are withheld.

    Examples
    --------
    >>> SuppressionRule()
    SuppressionRule(lower=1, upper=4, marker='[c]', rounding=0)
    >>> SuppressionRule(upper=9).describe()
    'Counts of 1 to 9 are shown as [c] to protect confidentiality (zeros are shown)'
    >>> EHRQL_RULE.describe()  # doctest: +NORMALIZE_WHITESPACE
    'Counts of 1 to 7 are shown as [c] to protect confidentiality (zeros are shown); other
    counts are rounded to the nearest 5'
    """

    lower: int = SUPPRESS_FROM
    upper: int = SUPPRESS_TO
    marker: str = CONFIDENTIAL_MARKER
    rounding: int = 0

    def __post_init__(self) -> None:
        for name in ("lower", "upper", "rounding"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise DataValidationError(
                    f"SuppressionRule {name}={value!r} is not a whole number; give e.g. lower=1, "
                    "upper=4"
                )
        if not 0 <= self.lower <= self.upper:
            raise DataValidationError(
                f"SuppressionRule lower={self.lower}, upper={self.upper} is not a range of counts; "
                "give 0 <= lower <= upper, e.g. lower=1, upper=4"
            )
        if self.rounding < 0:
            raise DataValidationError(
                f"SuppressionRule rounding={self.rounding} is negative; give 0 (exact) or e.g. 5"
            )
        if not isinstance(self.marker, str) or not self.marker:
            raise DataValidationError(
                f"SuppressionRule marker={self.marker!r} must be a non-empty string such as '[c]'"
            )

    def describe(self) -> str:
        """The rule in words, for notes under tables and figures."""
        zeros = "zeros are suppressed too" if self.lower == 0 else "zeros are shown"
        counts = f"{self.lower}" if self.lower == self.upper else f"{self.lower} to {self.upper}"
        text = f"Counts of {counts} are shown as {self.marker} to protect confidentiality ({zeros})"
        if self.rounding:
            text += f"; other counts are rounded to the nearest {self.rounding}"
        return text


DEFAULT_RULE = SuppressionRule()

# The OpenSAFELY/ehrQL measures framework: "values less than or equal to seven are replaced
# with zero (suppressed); then, values are rounded to the nearest five" (OpenSAFELY changelog,
# 27 November 2023, https://www.opensafely.org/changelog/2023-11-27/; the constants
# SUPPRESSION_THRESHOLD = 7 and ROUNDING_MULTIPLE = 5 of ehrql/measures/disclosure_control.py,
# https://github.com/opensafely-core/ehrql). Here suppressed cells are shown as [c] rather
# than 0, and ratios are not recomputed: every value derived from a rounded count is withheld.
EHRQL_SUPPRESS_TO = 7
EHRQL_ROUNDING = 5
EHRQL_RULE = SuppressionRule(lower=1, upper=EHRQL_SUPPRESS_TO, rounding=EHRQL_ROUNDING)


def check_counts(
    df: pd.DataFrame, columns: str | Sequence[str], *, argument: str = "count_columns"
) -> None:
    """Raise unless every value in ``columns`` is a whole number >= 0 (or missing).

    Parameters
    ----------
    df : pandas.DataFrame
    columns : str or list of str
        Count columns.
    argument : str
        The argument name used in error messages.

    Raises
    ------
    DataValidationError
        Naming the column, the first offending values and the fix.

    Examples
    --------
    >>> check_counts(pd.DataFrame({"n": [0, 3, None]}), "n")
    >>> check_counts(pd.DataFrame({"n": [2.5, -1]}), "n")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    jsna.exceptions.DataValidationError: count_columns column 'n' has counts that are not whole
    numbers: 2.5 (1 in all); counts of people must be whole - round or fix them before suppression
    """
    columns = as_list(columns)
    check_columns(df, {argument: columns})
    for column in columns:
        values = numeric_column(df, column, argument)
        finite = np.isfinite(values)
        bad = ~finite & ~np.isnan(values)
        if bad.any():
            raise DataValidationError(
                f"{argument} column {column!r} has infinite counts: "
                f"{first_values(values[bad].tolist())}; "
                "fix the division or input that produced them"
            )
        fractional = finite & (values != np.round(values))
        if fractional.any():
            raise DataValidationError(
                f"{argument} column {column!r} has counts that are not whole numbers: "
                f"{first_values(values[fractional].tolist())}; counts of people must be whole - "
                "round or fix them before suppression"
            )
        negative = finite & (values < 0)
        if negative.any():
            raise DataValidationError(
                f"{argument} column {column!r} has negative counts: "
                f"{first_values(values[negative].tolist())}; "
                "counts of people cannot be negative - fix the input data"
            )
