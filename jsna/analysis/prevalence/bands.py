"""Age bands: read band labels and map a population's ages onto a model's bands.

:func:`age_band_map` maps the population's ages onto the model's age bands and
checks that the bands tile them (no gap, no overlap, no population band
straddling two model bands, an open top band or one reaching the oldest age).
Ages below the youngest band are outside the model (e.g. under 16 for the Health
Survey for England) and are assumed to have no cases; the mapping table says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, first_values

__all__ = ["parse_age_band", "age_band_map"]

_BAND = re.compile(r"^\s*(\d+)\s*(?:(-|–|to)\s*(\d+)|(\+|and over|plus))?\s*$", re.IGNORECASE)


def parse_age_band(label) -> tuple[int, float]:
    """First and last age of a band label: ``"16-34"`` -> (16, 34); ``"75+"`` -> (75, inf).

    A single age (``40`` or ``"40"``) is the band (40, 40).

    Examples
    --------
    >>> parse_age_band("16-34"), parse_age_band("75+"), parse_age_band(3)
    ((16, 34.0), (75, inf), (3, 3.0))
    """
    match = _BAND.match(str(label))
    if not match:
        raise DataValidationError(
            f"age band {label!r} cannot be read; write bands like '16-34', '75+' or single ages"
        )
    low, _, high, plus = match.groups()
    low = int(low)
    if plus:
        return low, np.inf
    if high is None:
        return low, float(low)
    if int(high) < low:
        raise DataValidationError(f"age band {label!r} ends before it starts")
    return low, float(high)


def _bands(labels) -> pd.DataFrame:
    parsed = [parse_age_band(b) for b in labels]
    frame = pd.DataFrame(
        {"age_band": list(labels), "low": [p[0] for p in parsed], "high": [p[1] for p in parsed]}
    )
    return frame.sort_values("low", kind="stable").reset_index(drop=True)


def age_band_map(bands: Sequence, ages: Sequence, *, open_top: bool = True) -> pd.DataFrame:
    """Map population ages (or age bands) onto a model's age bands, checking that they tile.

    Parameters
    ----------
    bands : sequence of str
        The model's bands (``"16-34", ..., "75+"``).
    ages : sequence of int or str
        The population's single years of age (``0 ... 90``) or bands.
    open_top : bool, default True
        Whether the population's oldest age is open-ended (ONS: 90 means 90
        and over); it must then fall in an open model band.

    Returns
    -------
    pandas.DataFrame
        One row per population age: ``age``, ``age_band`` (the model band,
        NaN below the youngest band) and ``in_model``.

    Raises
    ------
    DataValidationError
        The model bands overlap or leave a gap; a population band straddles
        two model bands; ages above the oldest model band.

    Examples
    --------
    >>> m = age_band_map(["16-34", "35+"], range(0, 91))
    >>> m.loc[m["age"].isin([15, 16, 34, 35, 90]), ["age", "age_band"]].values.tolist()
    [[15, nan], [16, '16-34'], [34, '16-34'], [35, '35+'], [90, '35+']]
    """
    model = _bands(pd.unique(pd.Series(list(bands), dtype="object")))
    if model.empty:
        raise DataValidationError("the model has no age bands")
    gaps = model["low"].to_numpy()[1:] - model["high"].to_numpy()[:-1]
    if (gaps < 1).any():
        i = int(np.argmax(gaps < 1))
        raise DataValidationError(
            f"model age bands {model['age_band'][i]!r} and {model['age_band'][i + 1]!r} overlap; "
            "each age must be in one band"
        )
    if (gaps > 1).any():
        i = int(np.argmax(gaps > 1))
        raise DataValidationError(
            f"model age bands leave a gap between {model['age_band'][i]!r} and "
            f"{model['age_band'][i + 1]!r}; "
            "the bands must tile the ages they cover (add the missing band)"
        )
    pop = _bands(pd.unique(pd.Series(list(ages), dtype="object")))
    if open_top and len(pop):
        pop.loc[pop.index[-1], "high"] = np.inf
    lows, highs = model["low"].to_numpy(), model["high"].to_numpy()
    first = np.searchsorted(lows, pop["low"].to_numpy(), side="right") - 1
    last = np.searchsorted(lows, np.minimum(pop["high"].to_numpy(), 1e9), side="right") - 1
    below = pop["high"].to_numpy() < lows[0]
    straddle = ~below & ((first != last) | (first < 0))
    if straddle.any():
        raise DataValidationError(
            f"population ages {first_values(pop.loc[straddle, 'age_band'].tolist())} "
            f"straddle model bands {list(model['age_band'])}; "
            "give the population in single years or in bands that nest in them"
        )
    beyond = ~below & (pop["high"].to_numpy() > highs[np.clip(first, 0, None)])
    if beyond.any():
        raise DataValidationError(
            f"population ages {first_values(pop.loc[beyond, 'age_band'].tolist())} "
            f"are older than the oldest model band {model['age_band'].iloc[-1]!r}; "
            "the model bands do not tile the population "
            "(give an open top band such as '75+')"
        )
    band = np.where(below, None, model["age_band"].to_numpy(dtype=object)[np.clip(first, 0, None)])
    return pd.DataFrame({"age": pop["age_band"].to_numpy(), "age_band": band, "in_model": ~below})
