"""Directly standardised rates (Dobson limits) and the standard populations.

Age bands are matched to the standard population by their labels, never by
their position in the data. The European Standard Population 2013 (19 bands,
0-4 ... 85-89, 90+) is built in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, first_values
from jsna.stats import intervals
from jsna.stats._common import (
    DEFAULT_CONFIDENCE,
    add_limits,
    as_list,
    check_columns,
    check_non_negative,
    confidence_levels,
    factorize,
    group_index,
    multiplier_value,
    numeric_column,
    warn_degenerate,
)

__all__ = ["ESP2013", "dsr", "standard_weights"]

#: European Standard Population 2013: band label -> weight (sums to 100,000).
ESP2013: dict[str, float] = {
    "0-4": 5000, "5-9": 5500, "10-14": 5500, "15-19": 5500, "20-24": 6000,
    "25-29": 6000, "30-34": 6500, "35-39": 7000, "40-44": 7000, "45-49": 7000,
    "50-54": 7000, "55-59": 6500, "60-64": 6000, "65-69": 5500, "70-74": 5000,
    "75-79": 4000, "80-84": 2500, "85-89": 1500, "90+": 1000,
}

#: A DSR is not published below this many events.
DSR_MIN_COUNT = 10

_RANGE = re.compile(r"^\D*?(\d+)\s*(?:-|–|to)\s*(\d+)\D*$", re.IGNORECASE)
_OPEN = re.compile(r"^\D*?(\d+)\s*(?:\+|plus|and over|or over|and above|or more)\D*$", re.IGNORECASE)
_START = re.compile(r"^\s*(\d+)(?:\.0)?\s*$")


def _band_key(label) -> tuple[int, int | None] | None:
    """(start, end) ages of a band label; end None for an open band ("90+")."""
    text = str(label).strip()
    if match := _RANGE.match(text):
        return int(match[1]), int(match[2])
    if match := _OPEN.match(text):
        return int(match[1]), None
    if match := _START.match(text):
        return int(match[1]), -1  # a bare start age: matched on the start only
    return None


def standard_weights(labels: Sequence, standard: Mapping[str, float] | None = None) -> np.ndarray:
    """Weights of a standard population for age band labels.

    Labels are matched by the ages they name, so ``"0-4"``, ``"00-04"``,
    ``"0 to 4"``, ``"Aged 0-4"`` and the start age ``0`` all match the
    ESP2013 band "0-4", and ``"90+"``, ``"90 and over"`` or ``90`` match
    "90+". A label naming other ages (such as ``"55-69"``) raises
    :class:`~jsna.exceptions.DataValidationError`.

    Examples
    --------
    >>> standard_weights(["00-04", "90 and over", 85]).tolist()
    [5000.0, 1000.0, 1500.0]
    """
    standard = ESP2013 if standard is None else standard
    by_key: dict[tuple, float] = {}
    by_start: dict[int, float] = {}
    for band, weight in standard.items():
        key = _band_key(band)
        if key is None:
            raise DataValidationError(f"standard population band {band!r} is not an age band label like '0-4' or '90+'")
        by_key[key] = float(weight)
        by_start[key[0]] = float(weight)
    inverse, unique = pd.factorize(pd.Series(labels).astype(str))
    weights = np.empty(len(unique))
    bad = []
    for i, label in enumerate(unique):
        key = _band_key(label)
        if key is not None and key[1] == -1 and key[0] in by_start:
            weights[i] = by_start[key[0]]
        elif key is not None and key in by_key:
            weights[i] = by_key[key]
        else:
            bad.append(label)
    if bad:
        raise DataValidationError(
            f"age_band labels {first_values(bad)} are not bands of the standard population "
            f"({', '.join(standard)}); relabel them, or give standard= a column of weights"
        )
    return weights[inverse]


def dsr(
    df: pd.DataFrame,
    count: str,
    denominator: str,
    *,
    by: str | Sequence[str] | None,
    age_band: str,
    standard: str | Mapping[str, float] = "esp2013",
    multiplier: float = 100_000,
    confidence=DEFAULT_CONFIDENCE,
    event_frequency: str | None = None,
) -> pd.DataFrame:
    """Directly standardised rates with Dobson confidence limits.

    Parameters
    ----------
    df : DataFrame
        One row per group and age band (and event frequency, see below).
    count, denominator : str
        Columns of events and population in each age band. A missing (NaN)
        count is taken as 0 events, as PHEindicatormethods does.
    by : str or list of str or None
        Grouping columns (area, period, sex ...), kept in the output.
    age_band : str
        Column of age band labels.
    standard : "esp2013", column name, or mapping, default "esp2013"
        The standard population: the built-in European Standard Population
        2013 matched to ``age_band`` by label (see :func:`standard_weights`);
        the name of a column of ``df`` holding each row's weight; or a
        mapping from band label to weight.
    multiplier : float, default 100_000
        Rate per this many people.
    confidence : float or sequence of float, default (0.95, 0.998)
        Levels between 0 and 1; 95 is refused (give 0.95).
    event_frequency : str, optional
        For events that are not independent (one person can have several):
        a column giving how many events each person had; then ``count`` is
        the number of people with that many events, one row per group, age
        band and frequency, and the variance is adjusted as in
        PHEindicatormethods ``calculate_dsr(independent_events = FALSE)``.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, ``count`` and ``denominator``
        totals (named as given), ``value``, the limit columns,
        ``statistic``, ``method`` ("Dobson") and ``value_note``.

    Notes
    -----
    Value and limits are NaN, with ``value_note`` saying why and a
    ``UserWarning``, for a group with fewer than 10 events in total, a group
    missing an age band that other groups have (each group must have every
    band present in the data; a band with no events needs a row with count
    0), and a group with a population of 0 or NaN in a band. Negative counts,
    populations or weights, duplicated bands within a group and labels that
    are not bands of the standard raise
    :class:`~jsna.exceptions.DataValidationError`. An empty frame gives an
    empty result.

    Examples
    --------
    >>> bands = list(ESP2013)
    >>> df = pd.DataFrame({"area": "A", "age": bands, "deaths": 10, "pop": 1000})
    >>> out = dsr(df, "deaths", "pop", by="area", age_band="age", confidence=0.95)
    >>> out[["area", "deaths", "pop", "value", "lower_ci95", "upper_ci95"]].round(2)
      area  deaths      pop   value  lower_ci95  upper_ci95
    0    A   190.0  19000.0  1000.0      855.41     1161.04
    """
    levels = confidence_levels(confidence)
    multiplier = multiplier_value(multiplier)
    standard_column = isinstance(standard, str) and standard.lower() != "esp2013"
    check_columns(df, {
        "count": count, "denominator": denominator, "by": by, "age_band": age_band,
        "standard": standard if standard_column else None, "event_frequency": event_frequency,
    })
    by = as_list(by)
    x = numeric_column(df, count, "count")
    n = numeric_column(df, denominator, "denominator")
    check_non_negative(df, x, count, "count")
    check_non_negative(df, n, denominator, "denominator")
    band_codes, bands = factorize(df[age_band])
    if (band_codes < 0).any():
        raise DataValidationError(f"age_band column {age_band!r} has missing labels; every row needs its age band")
    if standard_column:
        w = numeric_column(df, standard, "standard")
        check_non_negative(df, w, standard, "standard")
        if np.isnan(w).any():
            raise DataValidationError(f"standard column {standard!r} has missing weights; give every band its weight")
    elif isinstance(standard, str):
        w = standard_weights(bands, ESP2013)[band_codes]
    elif isinstance(standard, Mapping):
        w = standard_weights(bands, standard)[band_codes]
    else:
        raise DataValidationError(
            f"standard={standard!r} is not 'esp2013', a column name or a mapping of band label to weight"
        )
    if event_frequency is None:
        f = np.ones(len(df))
        method = "Dobson"
    else:
        f = numeric_column(df, event_frequency, "event_frequency")
        if np.isnan(f).any() or (f < 1).any():
            raise DataValidationError(
                f"event_frequency column {event_frequency!r} must hold event counts of 1 or more per person; "
                f"found {first_values(df.loc[~(f >= 1), event_frequency].tolist())}"
            )
        method = "Dobson, with confidence adjusted for non-independent events"

    codes, keys = group_index(df, by)
    size = len(keys)
    nbands = len(bands)
    cell = codes.astype(np.int64) * max(nbands, 1) + band_codes
    repeated = pd.Series(cell).duplicated().to_numpy()
    first = np.flatnonzero(~repeated)  # the first row of each group and age band
    if event_frequency is None and repeated.any():
        dup = df[age_band].to_numpy()[repeated]
        raise DataValidationError(
            f"age_band {first_values(dup.tolist())} appears more than once in a group; give one row per "
            "group and age band (or name the event_frequency column for non-independent events)"
        )
    if event_frequency is not None:
        sub = pd.DataFrame({"cell": cell, "n": n})
        spread = sub.groupby("cell", sort=False)["n"].agg(["min", "max"])
        if (spread["min"] != spread["max"]).any():
            raise DataValidationError(
                f"denominator column {denominator!r} differs between event frequencies of the same "
                "group and age band; each band has one population"
            )

    events = np.nan_to_num(x) * f
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = w / n
        weighted = np.where(events == 0, 0.0, events * ratio)
        squared = np.where(events == 0, 0.0, events * f * ratio**2)
    cell_group = codes[first]
    bad_pop = np.bincount(cell_group, ~(n[first] > 0), minlength=size) > 0
    present = np.bincount(cell_group, minlength=size)
    total_w = np.bincount(cell_group, w[first], minlength=size)
    total_n = np.bincount(cell_group, n[first], minlength=size)
    total_x = np.bincount(codes, events, minlength=size)
    sum_weighted = np.bincount(codes, weighted, minlength=size)
    sum_squared = np.bincount(codes, squared, minlength=size)

    missing_band = present < nbands
    small = total_x < DSR_MIN_COUNT
    warn_degenerate("dsr", missing_band, "missing age band(s) that other groups have", keys)
    warn_degenerate("dsr", bad_pop & ~missing_band, "a population of 0 or NaN in an age band", keys)
    warn_degenerate("dsr", small & ~missing_band & ~bad_pop, f"fewer than {DSR_MIN_COUNT} events", keys)
    invalid = missing_band | bad_pop | small
    note = np.where(missing_band, "missing age band",
                    np.where(bad_pop, "population of 0 or missing in an age band",
                             np.where(small, f"not calculated for fewer than {DSR_MIN_COUNT} events", None)))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(invalid, np.nan, sum_weighted / total_w * multiplier)
        variance = np.where(invalid, np.nan, sum_squared / total_w**2)
    out = {count: total_x, denominator: np.where(bad_pop, np.nan, total_n), "value": value}
    add_limits(out, lambda level: intervals.dobson(value, total_x, variance, level, multiplier), levels)
    out["statistic"] = f"dsr per {multiplier:,.10g}"
    out["method"] = method
    out["value_note"] = note
    return keys.assign(**out)
