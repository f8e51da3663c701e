"""England's values by deprivation decile of areas, parsed from Fingertips' category rows.

Fingertips breaks England down by ``Category Type`` "County & UA deprivation
deciles in England (IMD2019, 4/23 geography)" and the like: areas (not LSOAs)
grouped by their IMD decile, labelled "Most deprived decile (IMD2019)" ...
"Least deprived decile (IMD2019)". They give a national gradient even where a
pack has no ward rows.
"""

from __future__ import annotations

import pandas as pd

from jsna.analysis.deprivation.groups import INDICATOR_KEYS
from jsna.analysis.indicator_kind import value_kind
from jsna.analysis.indicator_rows import latest_rows, one_per_comparator
from jsna.columns import CATEGORY, CATEGORY_TYPE, VALUE, check_columns
from jsna.stats.rates import crude_rate, proportion

__all__ = ["DECILE_WORDS", "fingertips_deprivation_deciles"]

_KEYS = INDICATOR_KEYS

#: Fingertips labels of England's deprivation deciles of areas -> decile (1 = most deprived).
DECILE_WORDS = {
    "most deprived": 1,
    "second most deprived": 2,
    "third more deprived": 3,
    "fourth more deprived": 4,
    "fifth more deprived": 5,
    "fifth less deprived": 6,
    "fourth less deprived": 7,
    "third less deprived": 8,
    "second least deprived": 9,
    "least deprived": 10,
}


def fingertips_deprivation_deciles(
    indicators: pd.DataFrame, *, category_type: str | None = None, latest: bool = True
) -> pd.DataFrame:
    """England's values by deprivation decile of areas, from Fingertips' category rows.

    Fingertips publishes England broken down by ``Category Type`` "County & UA
    deprivation deciles in England (IMD2019, 4/23 geography)" and the like:
    areas (not LSOAs) grouped by their IMD decile. These give a national
    gradient even where a pack has no ward rows.

    Parameters
    ----------
    indicators : DataFrame
        The tidy Fingertips frame.
    category_type : str, optional
        Which breakdown; default, per indicator, the County & UA one with the
        most values in the latest period (District & UA otherwise).
    latest : bool
        Only the latest period with decile values (default).

    Returns
    -------
    DataFrame
        ``indicator_id, indicator_name, sex, age, period, category_type,
        decile`` (1 = most deprived), ``value``, limits, ``count``,
        ``denominator``, ``statistic`` and ``value_type`` (``proportion`` or
        ``rate`` as :func:`ward_indicators_by_deprivation` decides), one row
        per decile, ready for :func:`inequality_summary` with ``group="decile"``.
        Missing 95% limits of proportions and crude rates (Fingertips leaves
        them empty on some aggregated rows) are recomputed from the count and
        denominator (Wilson; Byar's or exact Poisson).

    Examples
    --------
    >>> import numpy as np
    >>> labels = [k.capitalize() + " decile (IMD2019)" for k in DECILE_WORDS]
    >>> ind = pd.DataFrame({"indicator_id": 1, "indicator_name": "x", "sex": "Persons",
    ...                     "age": "All", "period": "2024", "period_sortable": 20240000,
    ...                     "area_code": "E92000001",
    ...                     "category_type": "County & UA deprivation deciles in England "
    ...                                      "(IMD2019, 4/23 geography)",
    ...                     "category": labels, "value": np.linspace(30, 12, 10),
    ...                     "lower_ci95": np.nan, "upper_ci95": np.nan, "count": np.nan,
    ...                     "denominator": np.nan})
    >>> fingertips_deprivation_deciles(ind)["decile"].tolist()
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    """
    check_columns(indicators, {"columns": [*_KEYS, CATEGORY_TYPE, CATEGORY, VALUE]})
    rows = indicators[
        indicators["category_type"].fillna("").str.contains("deprivation deciles", case=False)
    ]
    rows = rows[rows["value"].notna()]
    label = rows["category"].str.lower().str.extract(r"^(.*?) decile", expand=False)
    rows = rows.assign(decile=label.map(DECILE_WORDS))
    rows = rows[rows["decile"].notna()]
    rows = one_per_comparator(rows, [*_KEYS, CATEGORY_TYPE, "decile"])
    columns = [
        *_KEYS,
        "category_type",
        "decile",
        "count",
        "denominator",
        "value",
        "lower_ci95",
        "upper_ci95",
        "statistic",
        "value_type",
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    if latest:
        rows = latest_rows(rows)
    if category_type is not None:
        rows = rows[rows["category_type"] == category_type]
    else:
        n = rows.groupby(["indicator_id", "sex", "age", "period", "category_type"])[
            "value"
        ].transform("size")
        county = rows["category_type"].str.startswith("County").astype(int)
        rows = rows.assign(_n=n, _county=county).sort_values(
            ["indicator_id", "sex", "age", "period", "_n", "_county", "category_type"],
            ascending=[True, True, True, True, False, False, False],
            kind="stable",
        )
        chosen = rows.drop_duplicates(["indicator_id", "sex", "age", "period"])[
            ["indicator_id", "sex", "age", "period", "category_type"]
        ]
        rows = rows.merge(chosen, on=["indicator_id", "sex", "age", "period", "category_type"])
    rows = rows.assign(decile=rows["decile"].astype(int))
    out = []
    for _, part in rows.groupby(_KEYS, sort=True):
        kind, multiplier = value_kind(part)
        part = part.copy()
        if kind is not None:
            part["value_type"] = kind
            part["statistic"] = (
                "percentage" if kind == "proportion" else f"rate per {multiplier:,.0f}"
            )
            missing = part[["lower_ci95", "upper_ci95"]].isna().any(axis=1).to_numpy()
            if missing.any():
                # e.g. "Aggregated from all known lower geography values": recompute the limits
                verb = proportion if kind == "proportion" else crude_rate
                limits = verb(
                    part[["count", "denominator"]],
                    "count",
                    "denominator",
                    multiplier=multiplier,
                    confidence=0.95,
                )
                for side in ("lower_ci95", "upper_ci95"):
                    part.loc[missing, side] = limits.loc[missing, side].to_numpy()
        else:
            part["value_type"] = "rate" if (part["value"] > 0).all() else "other"
            part["statistic"] = "as published"
        out.append(part.sort_values("decile"))
    return pd.concat(out, ignore_index=True)[columns]
