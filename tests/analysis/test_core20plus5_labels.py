"""Core20PLUS5 trends: the publisher's "Recent Trend" is shown where given, jsna's elsewhere."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.benchmark.labels import CONFLICT, label_disagreements
from jsna.analysis.core20plus5 import (
    TREND_COLUMNS,
    latest_with_trend,
    load_registry,
    match_indicators,
    summary,
)
from jsna.io import FileEntry
from jsna.io.datapack import DataPack
from jsna.io.fingertips import read_fingertips
from jsna.meta import note

CANNOT = "Cannot be calculated"


def _registry(ids: list[int], polarity: str = "low is good") -> dict:
    """The shipped registry cut to one metric that matches the given Fingertips ids."""
    reg = copy.deepcopy(load_registry())
    area = next(a for a in reg["area"] if a["key"] == "smoking")
    area["metric"] = [
        dict(
            area["metric"][0],
            fingertips_ids=ids,
            name_pattern="^$",  # by id only
            measures_ambition=False,
            polarity=polarity,
        )
    ]
    reg["area"] = [area]
    return reg


def _series(indicator: int, values: list[float], trend: str | None, area: str = "E1"):
    n = len(values)
    value = np.asarray(values, dtype=float)
    return pd.DataFrame(
        {
            "indicator_id": indicator,
            "indicator_name": f"Indicator {indicator}",
            "area_code": area,
            "sex": "Persons",
            "age": "All ages",
            "period": [str(2015 + i) for i in range(n)],
            "value": value,
            "lower_ci95": value - 1.0,
            "upper_ci95": value + 1.0,
            "count": np.nan,
            "denominator": np.nan,
            "recent_trend": [None] * (n - 1) + [trend],
        }
    )


# ----------------------------------------------------------------------------- synthetic
def test_publisher_label_shown_and_recomputed_only_where_none():
    rows = pd.concat(
        [
            # falling steeply: jsna finds a trend, the publisher cannot calculate one
            _series(1, [30.0, 25.0, 20.0, 15.0, 10.0], CANNOT),
            # no label in the file: jsna's own trend is shown
            _series(2, [10.0, 15.0, 20.0, 25.0, 30.0], None),
            # the publisher's label agrees with jsna
            _series(3, [30.0, 25.0, 20.0, 15.0, 10.0], "Decreasing and getting better"),
        ],
        ignore_index=True,
    )
    reg = _registry([1, 2, 3])
    table = latest_with_trend(rows, "E1", match_indicators(rows, reg)).set_index("indicator_id")
    assert set(TREND_COLUMNS) <= set(table.columns)
    assert table.loc[1, "recent_trend"] == CANNOT
    assert table.loc[1, "jsna_recent_trend"] == "Decreasing and getting better"
    assert table.loc[1, "trend_source"] == "publisher"
    assert table.loc[2, "recent_trend"] == "Increasing and getting worse"
    assert table.loc[2, "trend_source"] == "jsna"
    assert table.loc[3, "recent_trend"] == "Decreasing and getting better"
    assert table.loc[3, "trend_source"] == "publisher"
    assert table["period"].eq("2019").all()
    differ = label_disagreements(table.reset_index())
    assert differ[["indicator_id", "what", "publisher", "jsna"]].values.tolist() == [
        [1, "trend", CANNOT, "Decreasing and getting better"]
    ]


def test_labels_are_read_from_every_downloaded_copy_of_the_row():
    # Fingertips repeats rows per parent; only one copy carries the label
    rows = _series(1, [30.0, 25.0, 20.0, 15.0, 10.0], None)
    rows["compared_to_parent_type"] = "percentiles"
    copy_ = rows.assign(compared_to_parent_type="Regions (statistical)")
    copy_.loc[copy_.index[-1], "recent_trend"] = CANNOT
    table = latest_with_trend(
        pd.concat([rows, copy_], ignore_index=True), "E1", match_indicators(rows, _registry([1]))
    )
    assert table["recent_trend"].tolist() == [CANNOT]
    assert table["jsna_recent_trend"].tolist() == ["Decreasing and getting better"]


def test_no_label_columns_means_jsna_trends():
    rows = _series(1, [10.0, 15.0, 20.0, 25.0, 30.0], None).drop(columns="recent_trend")
    table = latest_with_trend(rows, "E1", match_indicators(rows, _registry([1])))
    assert table[["recent_trend", "trend_source"]].values.tolist() == [
        ["Increasing and getting worse", "jsna"]
    ]


# ----------------------------------------------------------------------------- real exports
@pytest.fixture(scope="module")
def real_pack(shared_data):
    return DataPack.open(shared_data)


def test_survey_series_never_claim_a_trend_the_publisher_cannot_calculate(shared_data):
    # London adult overweight/obesity (Active Lives survey): every latest row "Cannot be
    # calculated"; jsna's weighted regression on the City of London's 7 points finds a rise
    path = shared_data / "fingertips" / "extra" / "london_adult_obesity_93088_93881.csv"
    frame = read_fingertips(FileEntry("indicators.fingertips", (Path(path),)))
    matched = match_indicators(frame, _registry([93088, 93881], "high is good"))
    city = latest_with_trend(frame, "E09000001", matched)
    assert city["period"].tolist() == ["2021/22", "2021/22"]
    assert city["value"].tolist() == pytest.approx([58.23909, 25.22979])
    assert city["recent_trend"].tolist() == [CANNOT, CANNOT]
    assert city["jsna_recent_trend"].tolist() == ["Increasing and getting better"] * 2
    assert city["trend_source"].tolist() == ["publisher"] * 2
    for code in frame.loc[frame["area_type"].str.startswith("Districts"), "area_code"].unique():
        shown = latest_with_trend(frame, code, matched)["recent_trend"]
        assert shown.eq(CANNOT).all(), code


def test_real_summary_shows_the_publishers_trend_and_reports_differing_downloads(real_pack):
    # 90284 (child injury admissions, low is good): St Helens' England- and region-parent
    # downloads label 2023/24 differently; jsna's test on the falling series (157.8 in
    # 2014/15 to 83.1 in 2023/24) agrees with "Decreasing and getting better"
    reg = _registry([90284, 93356])
    table = summary(real_pack, "E08000013", registry=reg, repetitions=50)
    injuries = table[table["indicator_id"] == 90284].iloc[0]
    assert injuries["period"] == "2023/24" and injuries["value"] == pytest.approx(83.09437)
    assert injuries["recent_trend"] == "Decreasing and getting better"
    assert injuries["publisher_trend_conflict"] == (
        "Increasing and getting worse | Decreasing and getting better"
    )
    assert "publisher's downloads give different recent trends for Hospital admissions" in note(
        table
    )
    assert CONFLICT in set(label_disagreements(table)["what"])
    # Campylobacter 2017, all ages: the publisher "Cannot be calculated" (3 points)
    campylobacter = table[(table["indicator_id"] == 93356) & (table["age"] == "All ages")]
    assert campylobacter[["period", "recent_trend", "trend_source"]].values.tolist() == [
        ["2017", CANNOT, "publisher"]
    ]
    # Sefton: the publisher's "No significant change" is shown, with no disagreement
    sefton = summary(real_pack, "E08000014", registry=reg, repetitions=50)
    row = sefton[sefton["indicator_id"] == 90284].iloc[0]
    assert (row["recent_trend"], row["trend_source"]) == ("No significant change", "publisher")
    assert "publisher's own labels" not in note(sefton)
