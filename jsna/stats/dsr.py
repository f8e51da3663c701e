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

from jsna.columns import as_list, check_columns, numeric_column
from jsna.exceptions import DataValidationError, first_values
from jsna.stats import intervals
from jsna.stats.common import (
    DEFAULT_CONFIDENCE,
    add_limits,
    check_non_negative,
    check_rows,
    confidence_levels,
    factorize,
    group_runs,
    group_sum,
    multiplier_value,
    warn_degenerate,
)

__all__ = ["ESP2013", "dsr", "standard_weights"]

#: European Standard Population 2013: band label -> weight (sums to 100,000).
ESP2013: dict[str, float] = {
    "0-4": 5000,
    "5-9": 5500,
    "10-14": 5500,
    "15-19": 5500,
    "20-24": 6000,
    "25-29": 6000,
    "30-34": 6500,
    "35-39": 7000,
    "40-44": 7000,
    "45-49": 7000,
    "50-54": 7000,
    "55-59": 6500,
    "60-64": 6000,
    "65-69": 5500,
    "70-74": 5000,
    "75-79": 4000,
    "80-84": 2500,
    "85-89": 1500,
    "90+": 1000,
}

#: A DSR is not published below this many events.
DSR_MIN_COUNT = 10

# Age band labels: "0-4", "00-04", "0 to 4", "Aged 0-4", "0-4 yrs", "Aged 0 to 4 years";
# "90+", "90 plus", "90 and over", "Aged 90 years and over", "90+ yrs"; a bare start age "0".
# Nothing else may surround the ages, so "0-4x" or "0-44" is not read as 0-4.
_AGED = r"(?:aged?\s*|ages\s*)?"
_YEARS = r"(?:\s*(?:years?|yrs?))?"
_RANGE = re.compile(rf"^{_AGED}(\d+){_YEARS}\s*(?:-|–|to)\s*(\d+){_YEARS}$", re.IGNORECASE)
_OPEN = re.compile(
    rf"^{_AGED}(\d+){_YEARS}\s*(?:\+|plus|and over|or over|and above|or more|and older){_YEARS}$",
    re.IGNORECASE,
)
_START = re.compile(r"^(\d+)(?:\.0)?$")


def _band_key(label) -> tuple[int, int | None] | None:
    """(start, end) ages of a band label; end None for an open band ("90+"), -1 for a bare start
    age.
    """
    text = " ".join(str(label).split())
    if match := _RANGE.match(text):
        return int(match[1]), int(match[2])
    if match := _OPEN.match(text):
        return int(match[1]), None
    if match := _START.match(text):
        return int(match[1]), -1  # a bare start age: matched on the start only
    return None


def _standard_positions(labels: Sequence, standard: Mapping[str, float]) -> np.ndarray:
    """Position in ``standard`` of the band each label names, or an error naming the labels that fit
    none.
    """
    by_key: dict[tuple, int] = {}
    by_start: dict[int, int] = {}
    for position, band in enumerate(standard):
        key = _band_key(band)
        if key is None or key[1] == -1:
            raise DataValidationError(
                f"standard population band {band!r} is not an age band label like '0-4' or '90+'"
            )
        by_key[key] = position
        by_start[key[0]] = position
    positions = np.empty(len(labels), dtype=np.intp)
    bad = []
    for i, label in enumerate(labels):
        key = _band_key(label)
        if key is not None and key[1] == -1 and key[0] in by_start:
            positions[i] = by_start[key[0]]
        elif key is not None and key in by_key:
            positions[i] = by_key[key]
        else:
            bad.append(label)
    if bad:
        raise DataValidationError(
            f"age_band labels {first_values(bad)} are not bands of the standard population "
            f"({', '.join(standard)}); relabel them, or give standard= a column of weights"
        )
    return positions


def standard_weights(labels: Sequence, standard: Mapping[str, float] | None = None) -> np.ndarray:
    """Weights of a standard population for age band labels.

    Labels are matched by the ages they name, so ``"0-4"``, ``"00-04"``,
    ``"0 to 4"``, ``"Aged 0-4"``, ``"0-4 yrs"`` and the start age ``0`` all
    match the ESP2013 band "0-4", and ``"90+"``, ``"90 and over"`` or ``90``
    match "90+". A label naming other ages (such as ``"55-69"``), or with
    anything else around the ages (``"0-4x"``), raises
    :class:`~jsna.exceptions.DataValidationError`.

    Examples
    --------
    >>> standard_weights(["00-04", "90 and over", 85]).tolist()
    [5000.0, 1000.0, 1500.0]
    """
    standard = ESP2013 if standard is None else standard
    codes, unique = pd.factorize(pd.Series(labels).astype(str))
    weights = np.array(list(standard.values()), dtype=float)
    return weights[_standard_positions(list(unique), standard)][codes]


def _band_codes(series: pd.Series, period: int) -> tuple[np.ndarray, np.ndarray]:
    """``factorize`` of the age band column, fast when the labels repeat every ``period`` rows.

    Data sorted by group and band repeat the same labels in every group; then
    only the first ``period`` labels are factorized (exact: the check is on
    every row).
    """
    values = series.to_numpy(dtype=object) if pd.api.types.is_string_dtype(series.dtype) else None
    size = len(series)
    if values is not None and 0 < period < size:
        try:
            repeats = np.array_equal(
                values[period : period + 64], values[: min(64, size - period)]
            ) and np.array_equal(values[period:], values[:-period])
        except (TypeError, ValueError):  # values without a plain truth value (pd.NA)
            repeats = False
        if repeats:
            codes, uniques = pd.factorize(values[:period])
            if (codes >= 0).all():
                return np.resize(codes.astype(np.intp, copy=False), size), np.asarray(uniques)
    codes, uniques = factorize(series)
    return codes.astype(np.intp, copy=False), uniques


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
        Columns of events and population in each age band.
    by : str or list of str or None
        Grouping columns (area, period, sex ...), kept in the output.
    age_band : str
        Column of age band labels.
    standard : "esp2013", column name, or mapping, default "esp2013"
        The standard population: the built-in European Standard Population
        2013 matched to ``age_band`` by label (see :func:`standard_weights`);
        the name of a column of ``df`` holding each row's weight; or a
        mapping from band label to weight (for an age-restricted indicator,
        the bands it covers, e.g. ``{b: w for b, w in ESP2013.items() if
        b in under_75}``).
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
    Every group needs a row for every band of the standard, a band with no
    events included as a row with count 0 and its population. The rule for
    missing bands:

    * a band of the standard (ESP2013 or a mapping) with no row in any group
      raises :class:`~jsna.exceptions.DataValidationError` naming the band:
      PHEindicatormethods ``calculate_dsr`` needs every standard band, and
      standardising over the bands present would give a rate on another
      standard. Give the band its zero counts and populations, or, for an
      age-restricted indicator, give ``standard=`` only the bands it covers;
    * a band that some groups have and others lack gives NaN for the
      groups lacking it, ``value_note`` "missing age band" and a
      ``UserWarning`` naming them. With ``standard=`` a column of weights
      the bands are the labels found in the data, so only this second rule
      applies.

    A missing (NaN) count in a band is taken as 0 events, as
    PHEindicatormethods (``na.zero``) and PHStatsMethods (``fillna(0)``) do
    and as their reference values require, with a ``UserWarning`` naming the
    groups (give 0 for bands with no events to silence it). Value and limits
    are NaN, with ``value_note`` saying why and a ``UserWarning``, for a
    group with fewer than 10 events in total, a missing band (above), or a
    population of 0 or NaN in a band. Negative or infinite counts,
    populations or weights, duplicated bands within a group, labels that are
    not bands of the standard (``"0-4x"``, ``"55-69"``) and a frame with no
    rows raise :class:`~jsna.exceptions.DataValidationError`.

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
    check_columns(
        df,
        {
            "count": count,
            "denominator": denominator,
            "by": by,
            "age_band": age_band,
            "standard": standard if standard_column else None,
            "event_frequency": event_frequency,
        },
    )
    check_rows(df, "dsr")
    if not (standard_column or isinstance(standard, Mapping) or isinstance(standard, str)):
        raise DataValidationError(
            f"standard={standard!r} is not 'esp2013', a column name or a mapping of band label to "
            "weight"
        )
    by = as_list(by)
    x = numeric_column(df, count, "count")
    n = numeric_column(df, denominator, "denominator")
    check_non_negative(df, x, count, "count")
    check_non_negative(df, n, denominator, "denominator")
    codes, keys, starts = group_runs(df, by)
    size = len(keys)
    first_run = np.argmax(codes != codes[0]) if (codes != codes[0]).any() else len(codes)

    # age bands: codes into the standard's bands (or the labels found, for a column of weights)
    labels, label_names = _band_codes(df[age_band], first_run)
    if (labels < 0).any():
        raise DataValidationError(
            f"age_band column {age_band!r} has missing labels; every row needs its age band"
        )
    if standard_column:
        w = numeric_column(df, standard, "standard")
        check_non_negative(df, w, standard, "standard")
        if np.isnan(w).any():
            raise DataValidationError(
                f"standard column {standard!r} has missing weights; give every band its weight"
            )
        band, nbands = labels, len(label_names)
    else:
        mapping = ESP2013 if isinstance(standard, str) else standard
        band_weights = np.array(list(mapping.values()), dtype=float)
        if not (np.isfinite(band_weights) & (band_weights >= 0)).all():
            raise DataValidationError("standard= weights must be numbers of zero or more")
        band = _standard_positions(list(label_names), mapping)[labels]
        nbands = len(mapping)
        absent = np.bincount(band, minlength=nbands) == 0
        if absent.any():
            names = [name for name, gone in zip(mapping, absent, strict=True) if gone]
            raise DataValidationError(
                f"age_band column {age_band!r} has no rows for standard band(s) "
                f"{first_values(names)}; "
                "give every group a row for every band (count 0 with its population where there "
                "were no "
                "events), or for an age-restricted indicator give standard= only the bands it "
                "covers"
            )
        w = band_weights[band]

    if event_frequency is None:
        f = None
        method = "Dobson"
    else:
        f = numeric_column(df, event_frequency, "event_frequency")
        if np.isnan(f).any() or (f < 1).any():
            raise DataValidationError(
                f"event_frequency column {event_frequency!r} must hold event counts of 1 or more "
                "per person; "
                f"found {first_values(df.loc[~(f >= 1), event_frequency].tolist())}"
            )
        method = "Dobson, with confidence adjusted for non-independent events"

    # one row per group and band (several, one per frequency, for non-independent events)
    cell = codes.astype(np.int64, copy=False) * nbands + band
    if f is None and size * nbands <= 4 * len(cell):  # count the cells (cheaper than hashing them)
        repeated = (
            None
            if np.bincount(cell, minlength=size * nbands).max() <= 1
            else pd.Series(cell).duplicated().to_numpy()
        )
    else:
        repeated = pd.Series(cell).duplicated().to_numpy()
        repeated = repeated if repeated.any() else None
    if f is None and repeated is not None:
        dup = df[age_band].to_numpy()[repeated]
        raise DataValidationError(
            f"age_band {first_values(dup.tolist())} appears more than once in a group; give one "
            "row per "
            "group and age band (or name the event_frequency column for non-independent events)"
        )
    if f is not None:
        spread = (
            pd.DataFrame({"cell": cell, "n": n})
            .groupby("cell", sort=False)["n"]
            .agg(["min", "max"])
        )
        if (spread["min"] != spread["max"]).any():
            raise DataValidationError(
                f"denominator column {denominator!r} differs between event frequencies of the same "
                "group and age band; each band has one population"
            )

    missing_x = np.isnan(x)
    if missing_x.any():
        warn_degenerate(
            "dsr",
            np.bincount(codes, missing_x, minlength=size) > 0,
            "a missing count in an age band",
            keys,
            "taken as 0 events, as PHEindicatormethods does; give 0 for bands with no events",
        )
        x = np.where(missing_x, 0.0, x)
    events = x if f is None else x * f
    positive = n > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = w / n
        if positive.all():
            weighted = events * ratio
            squared = (events if f is None else events * f) * ratio**2
        else:  # no events in a band of no population add nothing (0 x inf)
            weighted = np.where(events == 0, 0.0, events * ratio)
            squared = np.where(events == 0, 0.0, (events if f is None else events * f) * ratio**2)
    total_x = group_sum(events, codes, size, starts)
    sum_weighted = group_sum(weighted, codes, size, starts)
    sum_squared = group_sum(squared, codes, size, starts)
    if repeated is None:  # every row is its group's only row for its band
        present = (
            np.bincount(codes, minlength=size)
            if starts is None
            else np.diff(np.r_[starts, len(codes)])
        )
        total_n = group_sum(n, codes, size, starts)
        total_w = group_sum(w, codes, size, starts)
        bad_pop = (
            np.zeros(size, dtype=bool)
            if positive.all()
            else group_sum(~positive, codes, size, starts) > 0
        )
    else:
        first = ~repeated  # the first row of each group and band
        present = np.bincount(codes[first], minlength=size)
        total_n = np.bincount(codes[first], n[first], minlength=size)
        total_w = np.bincount(codes[first], w[first], minlength=size)
        bad_pop = np.bincount(codes[first], ~positive[first], minlength=size) > 0

    missing_band = present < nbands
    small = total_x < DSR_MIN_COUNT
    warn_degenerate("dsr", missing_band, "missing age band(s) that other groups have", keys)
    warn_degenerate("dsr", bad_pop & ~missing_band, "a population of 0 or NaN in an age band", keys)
    warn_degenerate(
        "dsr", small & ~missing_band & ~bad_pop, f"fewer than {DSR_MIN_COUNT} events", keys
    )
    invalid = missing_band | bad_pop | small
    note = np.where(
        missing_band,
        "missing age band",
        np.where(
            bad_pop,
            "population of 0 or missing in an age band",
            np.where(small, f"not calculated for fewer than {DSR_MIN_COUNT} events", None),
        ),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(invalid, np.nan, sum_weighted / total_w * multiplier)
        variance = np.where(invalid, np.nan, sum_squared / total_w**2)
    out = {count: total_x, denominator: np.where(bad_pop, np.nan, total_n), "value": value}
    add_limits(
        out, lambda level: intervals.dobson(value, total_x, variance, level, multiplier), levels
    )
    out["statistic"] = f"dsr per {multiplier:,.10g}"
    out["method"] = method
    out["value_note"] = note
    return keys.assign(**out)
