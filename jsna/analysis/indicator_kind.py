"""Is an indicator a proportion (a percentage) or a rate, and with what multiplier?

Fingertips does not say in a column whether a value is a percentage, a crude
rate per 1,000 or 100,000, or something that cannot be rebuilt from counts
(a directly standardised rate, life expectancy). jsna decides it from the
numbers, in one place:

* :func:`implied_multiplier`: the multiplier ``m`` for which every usable row
  has ``value = count / denominator x m`` (tried in :data:`MULTIPLIERS` order;
  at least 80% of the rows must have a count, a positive denominator and a
  value), else ``None``: the values cannot be recomputed from summed counts.
* :func:`value_kind`: "proportion" when that multiplier is 100 and no count
  exceeds its denominator, "rate" for any other multiplier, ``None`` when
  there is none; with the multiplier.
* :func:`kind_of_statistic`: the value type and scale of a table that already
  says what it holds in its ``statistic`` column ("percentage" ...).
* :func:`proportion_scale`: what a proportion's values are multiplied by:
  100 for percentages, or when a value exceeds 1; else 1.
* :func:`indicator_kinds`: the per-indicator rule used for trends of a whole
  indicator frame (every row with a count and a value must be exactly
  ``100 x count / denominator``, count at most the denominator).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.columns import COUNT, DENOMINATOR, INDICATOR_ID, VALUE

__all__ = [
    "MULTIPLIERS",
    "PROPORTION_STATISTICS",
    "implied_multiplier",
    "value_kind",
    "kind_of_statistic",
    "proportion_scale",
    "indicator_kinds",
]

#: Multipliers tried when checking whether a published value is count / denominator x multiplier.
MULTIPLIERS = (100.0, 1_000.0, 10_000.0, 100_000.0)
#: ``statistic`` texts of tables whose values are proportions.
PROPORTION_STATISTICS = ("percentage", "proportion of 1")


def _numbers(rows: pd.DataFrame, column: str) -> np.ndarray:
    return rows[column].to_numpy(dtype=float, na_value=np.nan)


def implied_multiplier(rows: pd.DataFrame) -> float | None:
    """The multiplier m if every usable row's value is count / denominator x m, else None.

    A row is usable with a finite count, a positive denominator and a finite
    value; at least 80% of the rows must be usable.

    Examples
    --------
    >>> rows = pd.DataFrame({"count": [5.0, 20.0], "denominator": [1000.0, 2000.0],
    ...                      "value": [500.0, 1000.0]})
    >>> implied_multiplier(rows)
    100000.0
    >>> implied_multiplier(rows.assign(value=[72.1, 80.4])) is None
    True
    """
    count = _numbers(rows, COUNT)
    denominator = _numbers(rows, DENOMINATOR)
    value = _numbers(rows, VALUE)
    usable = np.isfinite(count) & np.isfinite(denominator) & (denominator > 0) & np.isfinite(value)
    if not usable.any() or usable.sum() < 0.8 * len(rows):
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = count[usable] / denominator[usable]
    for m in MULTIPLIERS:
        if np.allclose(ratio * m, value[usable], rtol=1e-3, atol=1e-6):
            return m
    return None


def value_kind(rows: pd.DataFrame) -> tuple[str | None, float | None]:
    """("proportion" or "rate", multiplier) when the values are count / denominator x m.

    A proportion has multiplier 100 and no count above its denominator (a
    missing count makes it a rate); any other multiplier is a rate. Values
    that are not count / denominator x m give ``(None, None)``.

    Examples
    --------
    >>> rows = pd.DataFrame({"count": [30.0, 45.0], "denominator": [100.0, 300.0],
    ...                      "value": [30.0, 15.0]})
    >>> value_kind(rows)
    ('proportion', 100.0)
    >>> value_kind(rows.assign(count=[300.0, 450.0], value=[300.0, 150.0]))
    ('rate', 100.0)
    """
    multiplier = implied_multiplier(rows)
    if multiplier is None:
        return None, None
    within = (rows[COUNT] <= rows[DENOMINATOR]).all()
    kind = "proportion" if multiplier == 100 and within else "rate"
    return kind, multiplier


def kind_of_statistic(statistic: str) -> tuple[str, float]:
    """(value type, scale) of a table whose ``statistic`` column says what it holds.

    Percentages are proportions scaled by 100; "proportion of 1" a proportion
    of scale 1; anything else a rate on its own scale.

    Examples
    --------
    >>> kind_of_statistic("percentage"), kind_of_statistic("rate per 100,000")
    (('proportion', 100.0), ('rate', 1.0))
    """
    value_type = "proportion" if statistic in PROPORTION_STATISTICS else "rate"
    scale = 100.0 if statistic == "percentage" else 1.0
    return value_type, scale


def proportion_scale(statistic: str, values: pd.Series) -> float:
    """What the values of a proportion are multiplied by: 100 (percentages) or 1.

    100 when ``statistic`` is "percentage" or any value exceeds 1, else 1.

    Examples
    --------
    >>> proportion_scale("percentage", pd.Series([0.5])), proportion_scale("", pd.Series([0.5]))
    (100.0, 1.0)
    >>> proportion_scale("", pd.Series([12.0, 30.0]))
    100.0
    """
    _, scale = kind_of_statistic(str(statistic))
    if scale == 1.0 and values.max() > 1:
        scale = 100.0
    return scale


def indicator_kinds(frame: pd.DataFrame, *, by: str = INDICATOR_ID) -> pd.Series:
    """'proportion' or 'rate' for each row, decided per indicator over all its rows.

    An indicator is a proportion when at least one row has a finite
    ``100 x count / denominator`` and value, and every such row matches its
    value (relative tolerance 1e-6) with the count at most the denominator.
    A frame without counts or denominators is all rates.

    Examples
    --------
    >>> frame = pd.DataFrame({"indicator_id": [1, 1, 2], "count": [3.0, 4.0, 5.0],
    ...                       "denominator": [10.0, 20.0, 1000.0], "value": [30.0, 20.0, 500.0]})
    >>> indicator_kinds(frame).tolist()
    ['proportion', 'proportion', 'rate']
    """
    if COUNT not in frame or DENOMINATOR not in frame:
        return pd.Series("rate", index=frame.index, dtype="str")
    count = frame[COUNT].to_numpy(float)
    denominator = frame[DENOMINATOR].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = 100 * count / denominator
    value = frame[VALUE].to_numpy(float)
    known = np.isfinite(share) & np.isfinite(value)
    fits = np.abs(share - value) <= 1e-6 * np.maximum(np.abs(value), 1e-9)
    fits &= count <= denominator
    per = pd.DataFrame({"id": frame[by].to_numpy(), "known": known, "bad": known & ~fits})
    sums = per.groupby("id").sum()
    proportion = sums.index[(sums["known"] > 0) & (sums["bad"] == 0)]
    return pd.Series(
        np.where(frame[by].isin(proportion), "proportion", "rate"),
        index=frame.index,
        dtype="str",
    )
