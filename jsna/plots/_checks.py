"""Argument checks shared by the plot functions: one rule per message."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, first_values

__all__ = ["check_frame", "check_column", "numeric", "text_required", "interval"]


def check_frame(frame, argument: str = "df") -> None:
    """``frame`` must be a DataFrame with at least one row."""
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(f"{argument} is a {type(frame).__name__}, not a pandas DataFrame")
    if frame.empty:
        raise DataValidationError(f"{argument} has no rows; there is nothing to plot")


def check_column(frame: pd.DataFrame, column, argument: str) -> None:
    """``column`` must be one of the frame's columns."""
    if column not in frame.columns:
        raise DataValidationError(
            f"{argument}={column!r} is not a column; columns are "
            f"{first_values(map(str, frame.columns), 8)}"
        )


def numeric(
    frame: pd.DataFrame, column, argument: str, *, non_negative: bool = False
) -> np.ndarray:
    """The column as float (NaN for missing), checked numeric (and >= 0 if asked)."""
    check_column(frame, column, argument)
    series = frame[column]
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise DataValidationError(
            f"{argument}={column!r} is not numeric (values {first_values(series.dropna())}); "
            "convert it with pandas.to_numeric"
        )
    values = series.to_numpy(dtype=float, na_value=np.nan)
    if non_negative and (values < 0).any():
        raise DataValidationError(
            f"{argument}={column!r} has negative values {first_values(values[values < 0])}; counts "
            "cannot be negative"
        )
    return values


def text_required(value, argument: str) -> str:
    """A non-empty label such as an axis title with its units."""
    if not isinstance(value, str) or not value.strip():
        raise DataValidationError(
            f"{argument} is empty; say what is shown and its units, e.g. 'Rate per 100,000 "
            "population'"
        )
    return value.strip()


def interval(frame: pd.DataFrame, value: np.ndarray, lower, upper) -> np.ndarray | None:
    """Error-bar lengths ``[value - lower, upper - value]`` (2 x n), or None without limits."""
    if lower is None and upper is None:
        return None
    if lower is None or upper is None:
        raise DataValidationError(
            "give both lower= and upper= confidence limit columns, or neither"
        )
    lo = numeric(frame, lower, "lower")
    hi = numeric(frame, upper, "upper")
    bad = (lo > value) | (hi < value)
    if bad.any():
        raise DataValidationError(
            f"confidence limits do not contain the value in rows {first_values(frame.index[bad])}; "
            f"check that lower={lower!r} and upper={upper!r} are the limits of this value"
        )
    return np.vstack([value - lo, hi - value])
