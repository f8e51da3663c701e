"""Core20PLUS5: the registry of clinical areas and a summary of a pack's data against it.

Core20PLUS5 is NHS England's approach to reducing healthcare inequalities:
the most deprived 20% of the national population by IMD (Core20, national
deciles 1 and 2), locally chosen PLUS groups, and five clinical areas each for
adults (plus smoking cessation) and for children and young people. The
registry (``jsna/data/core20plus5.toml``, :func:`load_registry`) records for
each area its focus, national ambition (date, source, status), headline and
related metrics with public data identifiers, and caveats; where a fact was
not confirmed it says so rather than guess.

:func:`summary` matches the pack's Fingertips indicators to the registry (by
indicator ID or name) and, for each match, gives the authority's latest value,
its recent trend, the gap between deprived and less deprived wards (Core20
wards against the rest, local quintile 1 against 5), the slope index of
inequality, and the distance to the national ambition where the indicator
measures it.
"""

from __future__ import annotations

import re
import tomllib
import warnings
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.analysis.benchmark.labels import (
    apply_publisher_labels,
    disagreement_note,
    label_disagreements,
    publisher_labels,
)
from jsna.analysis.deprivation import (
    area_deprivation,
    gap,
    inequality_summary,
    ward_indicators_by_deprivation,
)
from jsna.analysis.indicator_kind import implied_multiplier
from jsna.analysis.indicator_rows import (
    SERIES_KEYS,
    area_rows,
    latest_rows,
    period_order,
    without_categories,
)
from jsna.columns import AREA_CODE, PERIOD, PERSONS, POLARITIES, SEX
from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.meta import join_notes, meta, with_meta
from jsna.stats.trend import recent_trend

__all__ = [
    "REGISTRY_FILE",
    "TREND_COLUMNS",
    "load_registry",
    "registry_table",
    "match_indicators",
    "latest_with_trend",
    "summary",
]

REGISTRY_FILE = "core20plus5.toml"
#: The trend columns of :func:`latest_with_trend` and :func:`summary`: the label shown
#: (the publisher's where its file gives one), jsna's own, which is shown, and the
#: publisher's differing downloads (see :mod:`jsna.analysis.benchmark.labels`).
TREND_COLUMNS = ["recent_trend", "jsna_recent_trend", "trend_source", "publisher_trend_conflict"]
PROGRAMMES = ("adults", "children and young people")
ROLES = ("headline", "related")
STATUSES = ("current", "withdrawn")
REQUIRED_AREA = ("key", "programme", "name", "focus", "source_url", "caveats", "ambition", "metric")
REQUIRED_AMBITION = ("text", "date", "source", "status")
REQUIRED_METRIC = (
    "name",
    "role",
    "numerator",
    "denominator",
    "polarity",
    "fingertips_ids",
    "name_pattern",
    "measures_ambition",
)


def load_registry(path: str | Path | None = None) -> dict:
    """The Core20PLUS5 registry, checked: every area and metric has its required fields.

    Parameters
    ----------
    path : str or Path, optional
        A registry TOML file; default the one shipped with jsna.

    Returns
    -------
    dict
        ``{"registry": {...}, "area": [ {...}, ... ]}`` as in the TOML file.

    Raises
    ------
    SourceError
        The file is missing or not valid TOML.
    DataValidationError
        An entry lacks a required field or has a value outside the allowed set.

    Examples
    --------
    >>> reg = load_registry()
    >>> [a["key"] for a in reg["area"] if a["programme"] == "adults"]
    ['maternity', 'smi', 'respiratory', 'cancer', 'hypertension', 'smoking']
    """
    if path is None:
        return _shipped()
    return _load(Path(path))


@cache
def _shipped() -> dict:
    text = resources.files("jsna.reference").joinpath(REGISTRY_FILE).read_text(encoding="utf-8")
    return _check(_parse(text, REGISTRY_FILE), REGISTRY_FILE)


def _load(path: Path) -> dict:
    if not path.is_file():
        raise SourceError(
            f"Core20PLUS5 registry {path} not found; omit path= to use the one shipped with jsna"
        )
    return _check(_parse(path.read_text(encoding="utf-8"), str(path)), str(path))


def _parse(text: str, where: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{where} is not valid TOML: {exc}; fix the registry file") from exc


def _check(reg: dict, where: str) -> dict:
    areas = reg.get("area")
    if not isinstance(areas, list) or not areas:
        raise DataValidationError(f"{where}: no [[area]] entries")
    keys = [a.get("key") for a in areas]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise DataValidationError(f"{where}: area keys repeated: {first_values(dupes)}")
    for area in areas:
        name = area.get("key", "?")
        missing = [f for f in REQUIRED_AREA if f not in area]
        if missing:
            raise DataValidationError(
                f"{where}: area {name!r} lacks {missing}; add them to the registry"
            )
        if area["programme"] not in PROGRAMMES:
            raise DataValidationError(
                f"{where}: area {name!r} programme {area['programme']!r} is not one of {PROGRAMMES}"
            )
        if not isinstance(area["caveats"], list):
            raise DataValidationError(f"{where}: area {name!r} caveats must be a list of sentences")
        ambition = area["ambition"]
        missing = [f for f in REQUIRED_AMBITION if f not in ambition]
        if missing:
            raise DataValidationError(f"{where}: area {name!r} ambition lacks {missing}")
        if ambition["status"] not in STATUSES:
            raise DataValidationError(
                f"{where}: area {name!r} ambition status {ambition['status']!r} "
                f"is not one of {STATUSES}"
            )
        if ("value" in ambition) != ("unit" in ambition):
            raise DataValidationError(
                f"{where}: area {name!r} ambition needs both value and unit, or neither"
            )
        if not area["metric"]:
            raise DataValidationError(f"{where}: area {name!r} has no [[area.metric]]")
        for metric in area["metric"]:
            missing = [f for f in REQUIRED_METRIC if f not in metric]
            if missing:
                raise DataValidationError(
                    f"{where}: area {name!r} metric {metric.get('name', '?')!r} lacks {missing}"
                )
            if metric["role"] not in ROLES:
                raise DataValidationError(
                    f"{where}: metric {metric['name']!r} role {metric['role']!r} "
                    f"is not one of {ROLES}"
                )
            if metric["polarity"] not in POLARITIES:
                raise DataValidationError(
                    f"{where}: metric {metric['name']!r} polarity {metric['polarity']!r} "
                    f"is not one of {POLARITIES}"
                )
            try:
                re.compile(metric["name_pattern"])
            except re.error as exc:
                raise DataValidationError(
                    f"{where}: metric {metric['name']!r} name_pattern "
                    f"is not a regular expression: {exc}"
                ) from exc
            if metric["measures_ambition"] and "value" not in ambition:
                raise DataValidationError(
                    f"{where}: metric {metric['name']!r} measures the ambition "
                    f"but area {name!r} ambition has no value"
                )
    return reg


def registry_table(registry: dict | None = None) -> pd.DataFrame:
    """One row per registry metric, with its clinical area and ambition.

    Examples
    --------
    >>> table = registry_table()
    >>> row = table[table["area_key"] == "cancer"].iloc[0]
    >>> float(row["ambition_value"]), row["ambition_date"]
    (75.0, '2028')
    """
    registry = registry or load_registry()
    rows = []
    for area in registry["area"]:
        ambition = area["ambition"]
        for metric in area["metric"]:
            rows.append(
                {
                    "programme": area["programme"],
                    "area_key": area["key"],
                    "clinical_area": area["name"],
                    "metric": metric["name"],
                    "role": metric["role"],
                    "polarity": metric["polarity"],
                    "numerator": metric["numerator"],
                    "denominator": metric["denominator"],
                    "fingertips_ids": ", ".join(str(i) for i in metric["fingertips_ids"]),
                    "cvdprevent_ids": ", ".join(metric.get("cvdprevent_ids", [])),
                    "measures_ambition": bool(metric["measures_ambition"]),
                    "ambition": ambition["text"],
                    "ambition_value": float(ambition["value"]) if "value" in ambition else np.nan,
                    "ambition_unit": ambition.get("unit", ""),
                    "ambition_date": str(ambition["date"]),
                    "ambition_status": ambition["status"],
                    "ambition_source": ambition["source"],
                }
            )
    return pd.DataFrame(rows)


def match_indicators(indicators: pd.DataFrame, registry: dict | None = None) -> pd.DataFrame:
    """Which of a pack's indicators belong to which Core20PLUS5 metric (by Fingertips ID or name).

    Returns
    -------
    DataFrame
        One row per matched indicator and metric: ``indicator_id,
        indicator_name`` and the :func:`registry_table` columns; ``matched_by``
        says "id" or "name".

    Examples
    --------
    >>> ind = pd.DataFrame({"indicator_id": [93085, 1],
    ...                     "indicator_name": ["Smoking status at time of delivery", "x"]})
    >>> match_indicators(ind)[["indicator_id", "area_key", "matched_by"]].values.tolist()
    [[93085, 'maternity', 'id'], [93085, 'smoking', 'id']]
    """
    table = registry_table(registry)
    have = indicators[["indicator_id", "indicator_name"]].drop_duplicates("indicator_id")
    rows = []
    reg = registry or load_registry()
    metrics = [(a["key"], m) for a in reg["area"] for m in a["metric"]]
    for _, ind in have.iterrows():
        for key, metric in metrics:
            by_id = int(ind["indicator_id"]) in [int(i) for i in metric["fingertips_ids"]]
            by_name = bool(
                re.search(metric["name_pattern"], str(ind["indicator_name"]), flags=re.I)
            )
            if by_id or by_name:
                rows.append(
                    {
                        "indicator_id": int(ind["indicator_id"]),
                        "indicator_name": ind["indicator_name"],
                        "area_key": key,
                        "metric": metric["name"],
                        "matched_by": "id" if by_id else "name",
                    }
                )
    columns = ["indicator_id", "indicator_name", "matched_by", *table.columns]
    if not rows:
        return pd.DataFrame(columns=columns)
    found = pd.DataFrame(rows).merge(table, on=["area_key", "metric"], how="left")
    return (
        found[columns]
        .sort_values(["indicator_id", "programme", "area_key"], kind="stable")
        .reset_index(drop=True)
    )


def summary(
    pack,
    area: str,
    *,
    edition: str | None = None,
    registry: dict | None = None,
    repetitions: int = 10_000,
    seed: int = 1,
) -> pd.DataFrame:
    """One row per Core20PLUS5 indicator in the pack: latest value, trend, inequality and ambition.

    Parameters
    ----------
    pack : DataPack
        Needs ``indicators.fingertips``; ward rows (area type "Ward" or codes of
        the area's wards) give the inequality columns.
    area : str
        Local authority code.
    edition : str, optional
        IoD edition for the wards' deprivation (default the most recent).
    registry : dict, optional
        Default :func:`load_registry`.
    repetitions, seed : int
        For the SII's simulated limits.

    Returns
    -------
    DataFrame
        For each matched indicator (and sex, age): ``programme, clinical_area,
        metric, role, indicator_id, indicator_name, sex, age, polarity``; the
        authority's latest ``period, value, lower_ci95, upper_ci95`` and
        its trend (:data:`TREND_COLUMNS`, :func:`latest_with_trend`):
        ``recent_trend`` is the publisher's label where the file gives one
        ("Cannot be calculated" stands), else jsna's (:func:`jsna.stats.recent_trend`,
        latest 5 points), with ``jsna_recent_trend`` and ``trend_source``;
        from the wards' latest period (``ward_period``): ``core20_value`` and
        ``rest_value`` (wards with at least half their residents in Core20
        LSOAs against the others) with 95% limits, ``q1_value`` and
        ``q5_value`` (local ward quintiles, most and least deprived),
        ``absolute_gap`` (q1 minus q5) with limits, ``relative_gap``,
        ``sii`` with limits (positive: higher in the least deprived);
        ``ambition``, ``ambition_value`` and ``distance_to_ambition`` (how far
        the latest value is short of the ambition, in its units, where the
        indicator measures it: positive = not yet met); ``note``. Empty (with
        these columns) when no indicator matches; the ``note`` metadata says why,
        and names the indicators whose recomputed trend differs from the publisher's
        (:func:`jsna.analysis.benchmark.disagreement_note`).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> table = summary(pack, DEMO_AREA_CODE)
    >>> "Smoking cessation" in set(table["clinical_area"])
    True
    """
    columns = [
        "programme",
        "clinical_area",
        "metric",
        "role",
        "indicator_id",
        "indicator_name",
        "sex",
        "age",
        "polarity",
        "period",
        "value",
        "lower_ci95",
        "upper_ci95",
        *TREND_COLUMNS,
        "ward_period",
        "core20_value",
        "core20_lower_ci95",
        "core20_upper_ci95",
        "rest_value",
        "rest_lower_ci95",
        "rest_upper_ci95",
        "q1_value",
        "q5_value",
        "absolute_gap",
        "absolute_lower_ci95",
        "absolute_upper_ci95",
        "relative_gap",
        "sii",
        "sii_lower_ci95",
        "sii_upper_ci95",
        "ambition",
        "ambition_value",
        "ambition_date",
        "ambition_status",
        "distance_to_ambition",
        "note",
    ]
    pack.check_area(area)
    if not pack.has("indicators.fingertips"):
        return with_meta(
            pd.DataFrame(columns=columns), note="The pack has no Fingertips indicators."
        )
    indicators = pack.read("indicators.fingertips")
    matched = match_indicators(indicators, registry)
    if matched.empty:
        return with_meta(
            pd.DataFrame(columns=columns),
            note=(
                "No Fingertips indicator in the pack is a Core20PLUS5 metric (indicator IDs "
                f"{first_values(indicators['indicator_id'].unique().tolist())})."
            ),
        )
    ids = matched["indicator_id"].unique()
    mine = indicators[indicators["indicator_id"].isin(ids)]
    latest = latest_with_trend(mine, area, matched)

    dep = area_deprivation(pack, area, edition=edition)
    wards = dep["ward"]
    by_quintile = ward_indicators_by_deprivation(mine, wards, group="local_quintile")
    keys = ["indicator_id", "sex", "age"]
    if not by_quintile.empty:
        ineq = inequality_summary(
            by_quintile, group="local_quintile", repetitions=repetitions, seed=seed
        )
        ineq = ineq.rename(
            columns={"most_value": "q1_value", "least_value": "q5_value", "period": "ward_period"}
        )
        by_core = ward_indicators_by_deprivation(
            mine, wards.assign(core20_ward=wards["core20_ward"].astype(object)), group="core20_ward"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # no Core20 ward: NaN, said in the note
            core = gap(
                by_core.assign(core20_ward=by_core["core20_ward"].astype(bool)),
                group="core20_ward",
                by=keys,
                most=True,
                least=False,
            )
        core = core.rename(columns={"most_value": "core20_value", "least_value": "rest_value"})
        limits = by_core.assign(core20_ward=by_core["core20_ward"].astype(bool)).set_index(
            [*keys, "core20_ward"]
        )
        for flag, prefix in ((True, "core20"), (False, "rest")):
            for side in ("lower_ci95", "upper_ci95"):
                index = pd.MultiIndex.from_frame(core[keys].assign(core20_ward=flag))
                core[f"{prefix}_{side}"] = limits[side].reindex(index).to_numpy()
        wanted = [
            *keys,
            "ward_period",
            "q1_value",
            "q5_value",
            "absolute_gap",
            "absolute_lower_ci95",
            "absolute_upper_ci95",
            "relative_gap",
            "sii",
            "sii_lower_ci95",
            "sii_upper_ci95",
        ]
        latest = latest.merge(ineq[wanted], on=keys, how="left").merge(
            core[
                [
                    *keys,
                    "core20_value",
                    "core20_lower_ci95",
                    "core20_upper_ci95",
                    "rest_value",
                    "rest_lower_ci95",
                    "rest_upper_ci95",
                ]
            ],
            on=keys,
            how="left",
        )
    for column in columns:
        if column not in latest.columns:
            latest[column] = np.nan
    polarity = latest["polarity"]
    short = np.where(
        polarity == "low is good",
        latest["value"] - latest["ambition_value"],
        latest["ambition_value"] - latest["value"],
    )
    latest["distance_to_ambition"] = np.where(
        latest["measures_ambition"].astype(bool), short, np.nan
    )
    notes = []
    for _, row in latest.iterrows():
        parts = []
        if pd.isna(row["sii"]):
            parts.append("no ward rows: no inequality within the area")
        if row["ambition_status"] == "withdrawn":
            parts.append("national ambition withdrawn")
        if not row["measures_ambition"]:
            parts.append("related measure, not the ambition's")
        notes.append("; ".join(parts))
    latest["note"] = notes
    out = (
        latest[columns]
        .sort_values(["programme", "clinical_area", "role", "indicator_id", "sex"], kind="stable")
        .reset_index(drop=True)
    )
    n_ward = int(out["sii"].notna().sum())
    differ = label_disagreements(out.drop_duplicates(["indicator_id", SEX, "age"]))
    return with_meta(
        out,
        note=join_notes(
            f"{out['indicator_id'].nunique()} of the pack's indicators match Core20PLUS5 metrics; "
            f"{n_ward} row(s) have ward data for the within-area inequality columns. "
            f"Ward deprivation: {meta(dep['ward'], 'imd_edition')}, local quintiles of ward "
            "population-weighted IMD scores; Core20 wards have at least half their residents "
            "in Core20 LSOAs.",
            disagreement_note(differ),
        ),
    )


def latest_with_trend(indicators: pd.DataFrame, area: str, matched: pd.DataFrame) -> pd.DataFrame:
    """An area's latest value and recent trend per matched indicator, sex and age.

    The trend shown is the publisher's ``Recent Trend`` where the file gives one on
    the latest period (so "Cannot be calculated" stands: jsna never claims a trend
    the publisher could not calculate), and jsna's own
    (:func:`jsna.stats.recent_trend` on the latest five points) only where it gives
    none, as in :func:`jsna.analysis.benchmark.benchmark`
    (:mod:`jsna.analysis.benchmark.labels`).

    Parameters
    ----------
    indicators : DataFrame
        Tidy Fingertips rows (:data:`jsna.columns.INDICATOR_COLUMNS`), with the
        publisher's ``recent_trend`` where the file has one.
    area : str
        The area's code.
    matched : DataFrame
        :func:`match_indicators` of the indicators (its registry columns are kept).

    Returns
    -------
    DataFrame
        The registry columns of ``matched`` with ``indicator_id, sex, age,
        indicator_name, period, value, lower_ci95, upper_ci95`` of the latest
        period and :data:`TREND_COLUMNS`: ``recent_trend`` (shown),
        ``jsna_recent_trend``, ``trend_source`` ("publisher" or "jsna") and
        ``publisher_trend_conflict`` (the labels, where the publisher's downloads
        differ). Persons rows only where an indicator has them.

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "indicator_id": 93085, "indicator_name": "Smoking status at time of delivery",
    ...     "area_code": "E1", "sex": "Persons", "age": "All ages",
    ...     "period": ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"],
    ...     "value": [20.0, 18.0, 16.0, 14.0, 12.0],
    ...     "lower_ci95": [19.0, 17.0, 15.0, 13.0, 11.0],
    ...     "upper_ci95": [21.0, 19.0, 17.0, 15.0, 13.0], "count": np.nan, "denominator": np.nan,
    ...     "recent_trend": [None, None, None, None, "Cannot be calculated"]})
    >>> table = latest_with_trend(rows, "E1", match_indicators(rows))
    >>> table[["period", "recent_trend", "jsna_recent_trend", "trend_source"]].iloc[0].tolist()
    ['2023/24', 'Cannot be calculated', 'Decreasing and getting better', 'publisher']
    """
    own = without_categories(indicators[indicators[AREA_CODE] == area])
    rows = area_rows(indicators, area)
    persons = rows.groupby("indicator_id")[SEX].transform(lambda s: (s == PERSONS).any())
    rows = rows[~persons | (rows[SEX] == PERSONS)]
    order = period_order(rows)
    keys = list(SERIES_KEYS)
    first = matched.drop_duplicates(["indicator_id", "area_key"])
    trends = []
    for key, part in rows.groupby(keys, sort=True):
        polarity = first.loc[first["indicator_id"] == key[0], "polarity"].iloc[0]
        kind = "proportion" if implied_multiplier(part) == 100 else "rate"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            trend = recent_trend(part, by=keys, period=order, kind=kind, polarity=polarity)
        trends.append(trend[[*keys, "recent_trend"]])
    trend = (
        pd.concat(trends, ignore_index=True)
        if trends
        else pd.DataFrame(columns=[*keys, "recent_trend"])
    )
    newest = latest_rows(rows, keys)[
        [*keys, "indicator_name", "period", "value", "lower_ci95", "upper_ci95"]
    ]
    out = first.drop(columns=["indicator_name"]).merge(newest, on="indicator_id", how="inner")
    out = out.merge(trend, on=keys, how="left").reset_index(drop=True)
    # the publisher's own label of each latest row (from every downloaded copy of it)
    on = [*keys, PERIOD]
    both = pd.concat([own[on], out[on]], ignore_index=True).astype(str)
    code = both.groupby(on, sort=False).ngroup().to_numpy(np.int64)
    labels = publisher_labels(own, code[: len(own)])
    out["compared_to_england_95"] = np.nan  # no comparisons here: the trend only
    out["compared_to_region_95"] = np.nan
    apply_publisher_labels(out, labels, code[len(own) :])
    return out[
        [c for c in out.columns if c in first.columns or c in newest.columns] + TREND_COLUMNS
    ]
