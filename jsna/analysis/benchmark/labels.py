"""The publisher's own comparison and trend labels: shown where given, checked against jsna's.

A Fingertips ``all_data`` export carries its own judgements: ``Recent Trend``
("No significant change", "Increasing and getting worse", "Cannot be calculated",
...) on the latest period of each series, ``Compared to England value or
percentiles`` and ``Compared to <parent> value or percentiles`` ("Better",
"Similar", "Worse", "Not compared", ...). The reader keeps them as
``recent_trend``, ``compared_to_england``, ``compared_to_parent`` and
``compared_to_parent_type`` (:mod:`jsna.io.fingertips`).

:func:`jsna.analysis.benchmark.benchmark` shows the publisher's label wherever the
file gives one and its own recomputation only where it does not:

* ``recent_trend`` is the publisher's ``Recent Trend`` where given, else jsna's
  (:func:`jsna.stats.recent_trend`); jsna's own is always in ``jsna_recent_trend``
  and ``trend_source`` says which is shown ("publisher" or "jsna"). So where the
  publisher says "Cannot be calculated" (survey-based series, too few points), so
  does jsna, whatever its own test would give.
* ``compared_to_england`` and ``compared_to_region`` are the publisher's
  judgements (the parent comparison counts as the region's only when the parent
  is of a region type) where given, else jsna's comparison at 95%;
  ``england_comparison_source`` and ``region_comparison_source`` say which.
  "Not compared" is no judgement (the demo's files say it on every row, and
  Fingertips on rows it leaves uncompared), so jsna compares there.
  ``compared_to_*_95`` and ``compared_to_*_99_8`` stay jsna's own.

The difference is deliberate: "Cannot be calculated" is the publisher's finding
about the series (too few comparable points, a survey whose method changed), so
jsna never replaces it with a trend of its own; "Not compared" only says no
comparison was made.

:func:`label_disagreements` lists the rows where both have a judgement and they
differ, and :func:`disagreement_note` says so in one sentence for a chapter's notes:
the benchmark's ``note`` metadata holds it, and where jsna's recomputation and a
consistent publisher label differ, the benchmark also warns
(:class:`PublisherLabelWarning`), so a chapter's notes show it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna import columns as S

__all__ = [
    "PublisherLabelWarning",
    "CONFLICT",
    "PUBLISHER",
    "JSNA",
    "NOT_JUDGED",
    "LABEL_COLUMNS",
    "INPUT_COLUMNS",
    "publisher_labels",
    "apply_publisher_labels",
    "label_disagreements",
    "disagreement_note",
]


class PublisherLabelWarning(UserWarning):
    """jsna's recomputed comparison or trend differs from the publisher's own label."""


PUBLISHER, JSNA = "publisher", "jsna"
CANNOT = "Cannot be calculated"
#: ``what`` of :func:`label_disagreements` rows where the publisher's own downloads differ.
CONFLICT = "trend (the publisher's downloads differ)"
_SEPARATOR = " | "
#: Labels that give no judgement: a difference from them is not a disagreement.
NOT_JUDGED = ("Not compared", "")
#: The label columns :func:`apply_publisher_labels` writes.
LABEL_COLUMNS = [
    "compared_to_england",
    "england_comparison_source",
    "compared_to_region",
    "region_comparison_source",
    "jsna_recent_trend",
    "trend_source",
    "publisher_trend_conflict",
]
# the reader's names of the publisher's label columns
_TREND, _ENGLAND, _PARENT, _PARENT_TYPE = (
    "recent_trend",
    "compared_to_england",
    "compared_to_parent",
    "compared_to_parent_type",
)
#: The reader's columns holding the publisher's labels (read when present).
INPUT_COLUMNS = [_TREND, _ENGLAND, _PARENT, _PARENT_TYPE]


def _text(values: pd.Series | None, index: pd.Index) -> pd.Series:
    if values is None:
        return pd.Series(np.nan, index=index, dtype="object")
    text = values.astype("object").where(values.notna())
    text = text.map(lambda v: " ".join(str(v).split()) if isinstance(v, str) else v)
    return text.where(text != "")


def _judgement(labels: pd.Series) -> pd.Series:
    """A comparison label, missing where it judges nothing ("Not compared")."""
    return labels.where(~labels.isin(NOT_JUDGED))


def publisher_labels(raw: pd.DataFrame, key: np.ndarray) -> pd.DataFrame:
    """The publisher's trend, England and region labels of each row key (first given copy).

    Fingertips repeats each row once per parent it was downloaded for; the copies
    may differ in their parent comparison (the England-parent copy compares with
    percentiles, the region-parent copy with the region), so each label is taken
    from the first copy that gives it ("Not compared" gives none), the region's
    only from a copy whose parent is of a region type.

    Two downloads of one series may carry different ``Recent Trend`` labels (the
    real 90284 exports do: the England-parent download names the opposite direction
    on 288 rows); ``trend_labels`` then lists them all, for
    :func:`apply_publisher_labels` to choose from and :func:`label_disagreements`
    to report.

    Parameters
    ----------
    raw : DataFrame
        The indicator rows, with any of ``recent_trend``, ``compared_to_england``,
        ``compared_to_parent`` and ``compared_to_parent_type``.
    key : array of int
        The key of each row (indicator, area, sex, age, category and period).

    Returns
    -------
    DataFrame
        Indexed by key: ``trend``, ``england`` and ``region`` (missing where not
        given) and ``trend_labels`` (the labels joined by " | " where the copies
        differ, else missing).

    Examples
    --------
    >>> raw = pd.DataFrame({"recent_trend": [None, "Cannot be calculated", "Increasing"],
    ...                     "compared_to_england": ["Not compared", "Worse", None],
    ...                     "compared_to_parent": ["Not compared", "Similar", None],
    ...                     "compared_to_parent_type": ["percentiles", "Region", None]})
    >>> publisher_labels(raw, np.array([7, 7, 7])).to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'trend': 'Cannot be calculated', 'england': 'Worse', 'region': 'Similar',
      'trend_labels': 'Cannot be calculated | Increasing'}]
    """
    index = raw.index
    parent_type = _text(raw.get(_PARENT_TYPE), index)
    is_region = parent_type.str.contains("region", case=False, na=False).to_numpy(bool)
    labels = pd.DataFrame(
        {
            "_key": np.asarray(key),
            "trend": _text(raw.get(_TREND), index).to_numpy(object),
            "england": _judgement(_text(raw.get(_ENGLAND), index)).to_numpy(object),
            "region": _judgement(_text(raw.get(_PARENT), index)).where(is_region).to_numpy(object),
        }
    )
    first = labels.groupby("_key", sort=True)[["trend", "england", "region"]].first()
    distinct = labels.dropna(subset=["trend"]).drop_duplicates(["_key", "trend"])
    several = distinct["_key"].duplicated(keep=False)
    joined = distinct[several].groupby("_key", sort=True)["trend"].agg(_SEPARATOR.join)
    first["trend_labels"] = joined.reindex(first.index)
    return first


def apply_publisher_labels(out: pd.DataFrame, labels: pd.DataFrame, key: np.ndarray) -> None:
    """Write the shown labels and their sources into a benchmark's rows (see the module).

    ``out`` has jsna's ``recent_trend``, ``compared_to_england_95`` and
    ``compared_to_region_95``; ``labels`` is :func:`publisher_labels` and ``key`` the
    key of each row of ``out``.
    """
    given = labels.reindex(np.asarray(key))
    jsna_trend = out["recent_trend"].astype("object")
    out["jsna_recent_trend"] = out["recent_trend"]
    for column, label, source in (
        ("compared_to_england", "england", "england_comparison_source"),
        ("compared_to_region", "region", "region_comparison_source"),
    ):
        mine = out[f"{column}_95"].astype("object").to_numpy()
        theirs = given[label].to_numpy(object)
        has = pd.notna(theirs)
        out[column] = pd.Series(np.where(has, theirs, mine), index=out.index, dtype="str")
        out[source] = pd.Series(
            np.where(has, PUBLISHER, np.where(pd.notna(mine), JSNA, None)),
            index=out.index,
            dtype="str",
        )
    theirs = given["trend"].to_numpy(object)
    conflict = given["trend_labels"].to_numpy(object)
    mine = jsna_trend.to_numpy()
    for i in np.flatnonzero(pd.notna(conflict)):  # the few series whose downloads differ
        options = conflict[i].split(_SEPARATOR)
        # never a trend where any download says it cannot be calculated; else the
        # download that agrees with the data, as jsna tests them
        theirs[i] = CANNOT if CANNOT in options else mine[i] if mine[i] in options else theirs[i]
    out["publisher_trend_conflict"] = pd.Series(conflict, index=out.index, dtype="str")
    has = pd.notna(theirs)
    out["recent_trend"] = pd.Series(
        np.where(has, theirs, jsna_trend.to_numpy()), index=out.index, dtype="str"
    )
    out["trend_source"] = pd.Series(
        np.where(has, PUBLISHER, np.where(jsna_trend.notna(), JSNA, None)),
        index=out.index,
        dtype="str",
    )


_WHAT = {
    "trend": ("recent_trend", "jsna_recent_trend", "trend_source"),
    "England comparison": (
        "compared_to_england",
        "compared_to_england_95",
        "england_comparison_source",
    ),
    "region comparison": (
        "compared_to_region",
        "compared_to_region_95",
        "region_comparison_source",
    ),
}


def label_disagreements(result: pd.DataFrame) -> pd.DataFrame:
    """Rows where the publisher's label and jsna's recomputation judge differently.

    A difference counts when the publisher gives a label and jsna has one, and
    jsna's is not "Not compared" (a trend the publisher "Cannot" calculate and jsna
    calls anything else does count: jsna would have claimed a trend). Series whose
    downloads give different trends are listed too (``what`` is :data:`CONFLICT`).

    Parameters
    ----------
    result : DataFrame
        A :func:`jsna.analysis.benchmark.benchmark` result.

    Returns
    -------
    DataFrame
        ``indicator_id, indicator_name, area_code, area_name, sex, age, category,
        period, what, publisher, jsna, jsna_99_8`` (``what`` is "trend",
        "England comparison" or "region comparison"; ``jsna_99_8`` is jsna's
        comparison at 99.8%, which the publisher may have used).

    Examples
    --------
    >>> result = pd.DataFrame({
    ...     "indicator_id": [1], "indicator_name": ["A"], "area_code": ["E1"],
    ...     "area_name": ["Area"], "sex": ["Persons"], "age": ["All"], "category": [None],
    ...     "period": ["2023"], "recent_trend": ["Cannot be calculated"],
    ...     "jsna_recent_trend": ["Increasing and getting worse"], "trend_source": ["publisher"],
    ...     "compared_to_england": ["Similar"], "compared_to_england_95": ["Worse"],
    ...     "compared_to_england_99_8": ["Similar"], "england_comparison_source": ["publisher"],
    ...     "compared_to_region": ["Worse"], "compared_to_region_95": ["Worse"],
    ...     "compared_to_region_99_8": ["Worse"], "region_comparison_source": ["jsna"]})
    >>> label_disagreements(result)[["what", "publisher", "jsna", "jsna_99_8"]].values.tolist()
    [['trend', 'Cannot be calculated', 'Increasing and getting worse', nan], \
['England comparison', 'Similar', 'Worse', 'Similar']]
    """
    keys = [
        S.INDICATOR_ID,
        S.INDICATOR_NAME,
        S.AREA_CODE,
        S.AREA_NAME,
        S.SEX,
        S.AGE,
        S.CATEGORY,
        S.PERIOD,
    ]
    keys = [k for k in keys if k in result.columns]
    parts = []
    if {"publisher_trend_conflict", "jsna_recent_trend"} <= set(result.columns):
        differ = result["publisher_trend_conflict"].notna()
        if differ.any():
            parts.append(
                result.loc[differ, keys].assign(
                    what=CONFLICT,
                    publisher=result.loc[differ, "publisher_trend_conflict"],
                    jsna=result.loc[differ, "jsna_recent_trend"],
                    jsna_99_8=np.nan,
                )
            )
    for what, (shown, mine, source) in _WHAT.items():
        if not {shown, mine, source} <= set(result.columns):
            continue
        theirs, ours = result[shown].astype("object"), result[mine].astype("object")
        differ = (
            result[source].eq(PUBLISHER)
            & ours.notna()
            & ~theirs.fillna("").isin(NOT_JUDGED)
            & ~ours.fillna("").isin(NOT_JUDGED)
            & (theirs != ours)
        )
        if not differ.any():
            continue
        part = result.loc[differ, keys].assign(
            what=what, publisher=theirs[differ], jsna=ours[differ]
        )
        level = mine.replace("_95", "_99_8")
        part["jsna_99_8"] = (
            result.loc[differ, level] if what != "trend" and level in result else np.nan
        )
        parts.append(part)
    columns = [*keys, "what", "publisher", "jsna", "jsna_99_8"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


_PHRASES = {
    "trend": "jsna's recomputed recent trend differs from the publisher's for {}",
    "England comparison": "jsna's recomputed comparison with England differs from the "
    "publisher's for {}",
    "region comparison": "jsna's recomputed comparison with the region differs from the "
    "publisher's for {}",
    CONFLICT: "the publisher's downloads give different recent trends for {}, and the one "
    "jsna's recomputation agrees with is shown ('Cannot be calculated' where any says so)",
}


def disagreement_note(disagreements: pd.DataFrame, limit: int = 5) -> str:
    """One sentence for a chapter's notes: where jsna's recomputation differs from the publisher.

    Parameters
    ----------
    disagreements : DataFrame
        :func:`label_disagreements` (needs ``indicator_name`` and ``what``).
    limit : int, default 5
        Indicators named for each kind of difference; the rest are counted.

    Returns
    -------
    str
        "" when there are none.

    Examples
    --------
    >>> table = pd.DataFrame({"indicator_name": ["Admissions", "Admissions", "Smoking"],
    ...                       "what": ["trend", "trend", "England comparison"]})
    >>> disagreement_note(table)
    "The publisher's own labels are shown. jsna's recomputed recent trend differs from the publisher's for Admissions (2 rows); jsna's recomputed comparison with England differs from the publisher's for Smoking (1 row)."
    >>> disagreement_note(table.iloc[:0])
    ''
    """  # noqa: E501
    if disagreements is None or disagreements.empty:
        return ""
    clauses = []
    for what, part in disagreements.groupby("what", sort=False):
        counts = part.groupby(S.INDICATOR_NAME, sort=False).size()
        shown = [
            f"{name} ({count} row{'s' if count != 1 else ''})"
            for name, count in counts.head(limit).items()
        ]
        more = f" and {len(counts) - limit} more indicators" if len(counts) > limit else ""
        clauses.append(_PHRASES[what].format(", ".join(shown) + more))
    text = "; ".join(clauses)
    if text.startswith("the "):  # a sentence starts with a capital ("jsna" never has one)
        text = "T" + text[1:]
    return "The publisher's own labels are shown. " + text + "."
