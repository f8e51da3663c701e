"""The publisher's own comparison and trend labels are shown; jsna recomputes only where none.

Real exports: ../shared/data/fingertips (90284 downloaded with England and with the regions
as parent; a legacy 93356 export whose 2017 rows say "Cannot be calculated"). Small frames
check each rule on its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.benchmark import (
    PublisherLabelWarning,
    benchmark,
    disagreement_note,
    label_disagreements,
)
from jsna.analysis.benchmark.labels import CONFLICT
from jsna.io.datapack import DataPack
from jsna.meta import note

KEY = ["indicator_id", "area_code", "sex", "age", "category_type", "category", "period"]
CANNOT = "Cannot be calculated"


# --------------------------------------------------------------------------- real exports
@pytest.fixture(scope="module")
def fingertips(shared_data):
    return DataPack.open(shared_data).read("indicators.fingertips")


@pytest.fixture(scope="module")
def result(fingertips):
    return benchmark(fingertips, None)  # no PublisherLabelWarning: warnings are errors here


def _given(fingertips: pd.DataFrame, column: str) -> pd.DataFrame:
    """The publisher's labels per key, every download."""
    rows = fingertips[fingertips[column].notna() & (fingertips[column] != "")]
    return rows.groupby(KEY, dropna=False)[column].agg(lambda s: set(s)).rename("given")


def _at(result: pd.DataFrame, given: pd.Series) -> pd.DataFrame:
    """The benchmark rows of the keys of ``given`` (merged: keys hold NaN), with ``given``."""
    rows = given.reset_index().merge(result, on=KEY, how="left", validate="1:1", indicator=True)
    assert (rows["_merge"] == "both").all()
    return rows


def test_never_a_trend_where_the_publisher_cannot_calculate_one(fingertips, result):
    given = _given(fingertips, "recent_trend")
    cannot = given[given.map(lambda labels: CANNOT in labels)]
    # 221 rows of the files: 182 legacy 93356 rows (2017) and 15 series of 90284, twice
    assert len(cannot) == 197
    ids = cannot.index.get_level_values("indicator_id")
    assert (ids == 93356).sum() == 182
    shown = _at(result, cannot)
    assert (shown["recent_trend"] == CANNOT).all()
    assert (shown["trend_source"] == "publisher").all()
    legacy = result[(result["indicator_id"] == 93356) & (result["period"] == "2017")]
    assert len(legacy) == 182 and set(legacy["recent_trend"]) == {CANNOT}


def test_publisher_labels_shown_wherever_given(fingertips, result):
    trend = _given(fingertips, "recent_trend")
    single = _at(result, trend[trend.map(len) == 1].map(lambda labels: next(iter(labels))))
    assert len(single) == 740 - 232
    assert (single["recent_trend"] == single["given"]).all()
    assert (single["trend_source"] == "publisher").all()
    # jsna's own trend is only on the rows the publisher leaves empty (the latest periods)
    own = result[result["trend_source"] == "jsna"]
    assert len(own) == 163 and own["recent_trend"].equals(own["jsna_recent_trend"])
    england = _given(fingertips, "compared_to_england")
    # the downloads agree, except England's own rows: "Not compared" in one, "Similar" in
    # the other; the judgement is kept
    twice = england[england.map(len) > 1]
    assert len(twice) == 38
    assert set(twice.map(frozenset)) == {frozenset({"Not compared", "Similar"})}
    judged = england.map(lambda labels: labels - {"Not compared"})
    judged = _at(result, judged[judged.map(len) == 1].map(lambda labels: next(iter(labels))))
    assert (judged["compared_to_england"] == judged["given"]).all()
    assert (judged["england_comparison_source"] == "publisher").all()
    publisher = result["england_comparison_source"] == "publisher"
    assert publisher.sum() == len(judged)
    # "Not compared" is no judgement: jsna compares there
    others = result[~publisher]
    assert (others["compared_to_england"] == others["compared_to_england_95"]).all()
    assert (others["england_comparison_source"] == "jsna").all()
    # the region's label comes from the region-parent download only, never "Compared to
    # percentiles" (the England-parent download)
    regional = fingertips[fingertips["compared_to_parent_type"].str.contains("Region")]
    region = _given(regional, "compared_to_parent").map(lambda labels: labels - {"Not compared"})
    region = _at(result, region[region.map(len) == 1].map(lambda labels: next(iter(labels))))
    assert len(region) > 3_000
    assert (region["compared_to_region"] == region["given"]).all()
    assert (region["region_comparison_source"] == "publisher").all()
    no_region = result[result["region_comparison_source"] != "publisher"]
    assert len(no_region) == len(result) - len(region)
    assert (
        no_region["compared_to_region"].fillna("") == no_region["compared_to_region_95"].fillna("")
    ).all()
    # where the publisher compares, jsna agrees at 95% (Fingertips' level for these)
    assert (
        result.loc[publisher, "compared_to_england"]
        == result.loc[publisher, "compared_to_england_95"]
    ).all()


def test_downloads_that_disagree_are_reported_and_the_data_decide(fingertips, result):
    given = _given(fingertips, "recent_trend")
    both = given[given.map(len) == 2]
    assert len(both) == 232
    table = label_disagreements(result)
    assert set(table["what"]) == {CONFLICT}  # no consistent publisher label is contradicted
    assert len(table) == 232
    shown = _at(result, both)
    # the label shown is the download that agrees with the five values (jsna's test)
    assert (shown["recent_trend"] == shown["jsna_recent_trend"]).all()
    pairs = zip(shown["recent_trend"], shown["given"], strict=True)
    assert all(label in given for label, given in pairs)
    # England, males: 101.6 -> 83.2 -> 87.7 -> 80.0 -> 78.2 is falling
    male = shown[
        (shown["area_code"] == "E92000001") & (shown["sex"] == "Male") & shown["category"].isna()
    ]
    assert male["recent_trend"].tolist() == ["Decreasing and getting better"]
    assert male["given"].tolist() == [
        {"Increasing and getting worse", "Decreasing and getting better"}
    ]
    assert note(result) == (
        "The publisher's own labels are shown. The publisher's downloads give different recent "
        "trends for Hospital admissions caused by unintentional and deliberate injuries in "
        "children (aged 0 to 14 years) (232 rows), and the one jsna's recomputation agrees with "
        "is shown ('Cannot be calculated' where any says so)."
    )


# --------------------------------------------------------------------------- small frames
def _series(
    area_values: list[float], *, trend=None, england_label=None, half_width=1.0
) -> pd.DataFrame:
    """England flat at 100 and one area over six years; labels on the area's latest row."""
    rows = []
    for code, kind, parent, values in [
        ("E92000001", "England", None, [100.0] * 6),
        ("E06000001", "UA", "E92000001", area_values),
    ]:
        for i, v in enumerate(values):
            latest = i == len(values) - 1 and code == "E06000001"
            rows.append(
                {
                    "indicator_id": 1,
                    "indicator_name": "Admissions",
                    "area_code": code,
                    "area_name": code,
                    "area_type": kind,
                    "parent_code": parent,
                    "sex": "Persons",
                    "age": "All ages",
                    "category_type": None,
                    "category": None,
                    "period": str(2018 + i),
                    "period_sortable": (2018 + i) * 10000,
                    "value": v,
                    "lower_ci95": v - half_width,
                    "upper_ci95": v + half_width,
                    "lower_ci99_8": v - 1.6 * half_width,
                    "upper_ci99_8": v + 1.6 * half_width,
                    "recent_trend": trend if latest else np.nan,
                    "compared_to_england": england_label if code == "E06000001" else np.nan,
                    "compared_to_parent": np.nan,
                    "compared_to_parent_type": "percentiles",
                }
            )
    return pd.DataFrame(rows)


RISING = [100.0, 104.0, 108.0, 112.0, 116.0, 120.0]


def test_no_label_jsna_recomputes():
    out = benchmark(_series(RISING), "E06000001", polarity="low is good")
    latest = out.iloc[-1]
    assert latest["recent_trend"] == "Increasing and getting worse"
    assert latest["trend_source"] == "jsna" and latest["england_comparison_source"] == "jsna"
    assert latest["compared_to_england"] == latest["compared_to_england_95"] == "Worse"
    assert pd.isna(out.iloc[0]["trend_source"])  # no trend on earlier periods
    assert label_disagreements(out).empty and note(out) == ""


def test_cannot_be_calculated_wins_and_the_disagreement_is_reported():
    data = _series(RISING, trend=CANNOT)
    with pytest.warns(PublisherLabelWarning, match=r"recent trend differs .* Admissions \(1 row\)"):
        out = benchmark(data, "E06000001", polarity="low is good")
    latest = out.iloc[-1]
    assert latest["recent_trend"] == CANNOT and latest["trend_source"] == "publisher"
    assert latest["jsna_recent_trend"] == "Increasing and getting worse"
    table = label_disagreements(out)
    assert table[["period", "what", "publisher", "jsna"]].values.tolist() == [
        ["2023", "trend", CANNOT, "Increasing and getting worse"]
    ]
    assert "recent trend differs from the publisher's for Admissions" in note(out)


def test_publisher_comparison_shown_and_checked():
    # 103 +- 2 against England's 100: jsna says Worse at 95%, Similar at 99.8%
    near = [103.0] * 6
    with pytest.warns(PublisherLabelWarning, match="comparison with England differs"):
        out = benchmark(
            _series(near, england_label="Similar", half_width=2.0),
            "E06000001",
            polarity="low is good",
        )
    latest = out.iloc[-1]
    assert latest["compared_to_england_95"] == "Worse"
    assert latest["compared_to_england_99_8"] == "Similar"
    assert latest["compared_to_england"] == "Similar"
    assert latest["england_comparison_source"] == "publisher"
    table = label_disagreements(out)
    assert table[["what", "publisher", "jsna", "jsna_99_8"]].drop_duplicates().values.tolist() == [
        ["England comparison", "Similar", "Worse", "Similar"]
    ]
    assert len(table) == 6
    # "Not compared" from the publisher (the demo's files say it everywhere) judges
    # nothing: jsna compares, and there is no disagreement
    quiet = benchmark(
        _series(near, england_label="Not compared", half_width=2.0),
        "E06000001",
        polarity="low is good",
    )
    assert set(quiet["compared_to_england"]) == {"Worse"}
    assert set(quiet["england_comparison_source"]) == {"jsna"}
    assert label_disagreements(quiet).empty


def test_disagreement_note_counts_and_limits():
    table = pd.DataFrame(
        {
            "indicator_name": [f"Indicator {i}" for i in range(7)],
            "what": ["trend"] * 7,
        }
    )
    text = disagreement_note(table, limit=2)
    assert text.endswith("for Indicator 0 (1 row), Indicator 1 (1 row) and 5 more indicators.")
