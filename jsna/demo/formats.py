"""Byte-stable text for the demo pack: fixed-decimal numbers, CSV text, rounded JSON.

The same seed must give the same bytes, so every float is written with a fixed
number of decimals, CSVs end lines with ``\\n``, and ``truth.json`` is rounded.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

__all__ = ["fixed", "csv_text", "round_json"]


def fixed(values, decimals: int) -> np.ndarray:
    """Floats as fixed-decimal strings (NaN as empty, no negative zero), for byte-stable CSVs.

    Parameters
    ----------
    values : array-like of float
        The numbers to write.
    decimals : int
        Digits after the decimal point.

    Returns
    -------
    numpy.ndarray
        One string per value.

    Examples
    --------
    >>> fixed([1.25, float("nan"), -0.0001], 2).tolist()
    ['1.25', '', '0.00']
    """
    values = np.asarray(values, dtype=float)
    out = np.char.mod(f"%.{decimals}f", np.nan_to_num(values))
    out = np.where(np.isnan(values), "", out)
    return np.where(out == f"-{0:.{decimals}f}", f"{0:.{decimals}f}", out)


def csv_text(frame: pd.DataFrame, *, bom: bool = False) -> str:
    """A frame as CSV text without its index, lines ending ``\\n``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to write.
    bom : bool, default False
        Start with a UTF-8 byte-order mark, as some ONS downloads do.

    Returns
    -------
    str
        The CSV text.

    Examples
    --------
    >>> import pandas as pd
    >>> csv_text(pd.DataFrame({"a": [1, 2]}))
    'a\\n1\\n2\\n'
    """
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return ("\ufeff" if bom else "") + buffer.getvalue()


def round_json(value):
    """Round floats in a nested structure (to 6 decimals, NaN as None) so JSON is byte-stable.

    Parameters
    ----------
    value : object
        A dict, list, tuple, number or other JSON-ready value; NumPy scalars are converted.

    Returns
    -------
    object
        The same structure with string keys, lists for tuples and rounded floats.

    Examples
    --------
    >>> round_json({1: (0.1234567891, float("nan"))})
    {'1': [0.123457, None]}
    """
    if isinstance(value, dict):
        return {str(k): round_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [round_json(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return None if np.isnan(value) else round(value, 6)
    return value
