"""compare and recent_trend against the labels Fingertips publishes, and by construction."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from jsna.exceptions import DataValidationError
from jsna.stats import compare, recent_trend
from jsna.stats.funnels import funnel_significance

RENAME = {
    "Value": "value",
    "Lower CI 95.0 limit": "lower_ci95",
    "Upper CI 95.0 limit": "upper_ci95",
    "Lower CI 99.8 limit": "lower_ci99_8",
    "Upper CI 99.8 limit": "upper_ci99_8",
}
FILES = [
    "la_hospital_admissions_2324.csv",
    "region_hospital_admissions_2324.csv",
    "indicators-CountyUA.data.csv",
]
KEYS = ["Area Code", "Sex", "Age"]


def areas(shared_data, name):
    data = pd.read_csv(shared_data / "fingertips" / name).rename(columns=RENAME)
    data = data[data["Category Type"].isna()]
    england = (
        data[data["Area Code"] == "E92000001"]
        .drop_duplicates(["Time period", "Sex", "Age"])[["Time period", "Sex", "Age", "value"]]
        .rename(columns={"value": "england"})
    )
    data = data[data["Area Code"] != "E92000001"]
    return data.merge(england, on=["Time period", "Sex", "Age"], how="left")


@pytest.mark.parametrize("name, compared", [(FILES[0], 5701), (FILES[1], 6043), (FILES[2], 750)])
def test_compare_with_england_as_fingertips(shared_data, name, compared):
    data = areas(shared_data, name)
    out = compare(data, "england", polarity="low is good", method="ci_overlap", confidence=0.95)
    published = out["Compared to England value or percentiles"]
    assert (out["comparison"] == published).all()
    assert (published != "Not compared").sum() == compared
    assert set(published) == {"Better", "Similar", "Worse", "Not compared"}


def latest_labels(data, trend):
    latest = data.sort_values("Time period Sortable").groupby(KEYS).tail(1)
    return latest.merge(trend, on=KEYS)


def test_recent_trend_as_fingertips_region_file(shared_data):
    data = areas(shared_data, FILES[1])
    trend = recent_trend(data, by=KEYS, period="Time period Sortable", polarity="low is good")
    merged = latest_labels(data, trend)
    assert len(merged) == 486
    assert (merged["recent_trend"] == merged["Recent Trend"]).all()
    counts = merged["recent_trend"].value_counts().to_dict()
    assert counts == {
        "No significant change": 283,
        "Decreasing and getting better": 192,
        "Cannot be calculated": 6,
        "Increasing and getting worse": 5,
    }


def test_recent_trend_la_file_has_its_directions_reversed(shared_data):
    """The LA export of the same indicator labels the same trends with the opposite direction.

    Its values are identical to the region export's for the same areas, yet where that file
    (and jsna) says "Decreasing and getting better" this one says "Increasing and getting
    worse" and vice versa: a fault in that export, shown here rather than matched.
    """
    data = areas(shared_data, FILES[0])
    trend = recent_trend(data, by=KEYS, period="Time period Sortable", polarity="low is good")
    merged = latest_labels(data, trend)
    swap = {
        "Decreasing and getting better": "Increasing and getting worse",
        "Increasing and getting worse": "Decreasing and getting better",
    }
    assert (merged["recent_trend"].replace(swap) == merged["Recent Trend"]).all()
    assert (merged["recent_trend"] != merged["Recent Trend"]).sum() == 176


def test_recent_trend_legacy_file_cannot_be_calculated(shared_data):
    data = areas(shared_data, FILES[2])
    trend = recent_trend(data, by=KEYS, period="Time period Sortable")
    assert (trend["recent_trend"] == "Cannot be calculated").all()  # three periods only
    published = data["Recent Trend"].dropna()
    assert (published == "Cannot be calculated").all() and len(published) == 161


def test_cochran_armitage_equals_n_r_squared():
    x = np.array([30, 36, 41, 50, 58])
    n = np.array([200, 210, 205, 220, 215])
    df = pd.DataFrame({"g": "a", "year": range(5), "count": x, "denominator": n})
    out = recent_trend(df, by="g", period="year", kind="proportion", polarity="high is good")
    # Cochran-Armitage chi-squared is N r^2, r the correlation of outcome and time over people
    times = np.repeat(np.arange(5), n)
    outcome = np.concatenate(
        [np.r_[np.ones(k), np.zeros(m - k)] for k, m in zip(x, n, strict=True)]
    )
    r = np.corrcoef(times, outcome)[0, 1]
    assert out["chi_squared"][0] == pytest.approx(n.sum() * r**2, rel=1e-9)
    assert out["recent_trend"][0] == "Increasing and getting better"


def test_weighted_slope_chi_squared_by_hand():
    y = np.array([10.0, 10.5, 11.5, 12.0, 13.0])
    se = np.array([0.4, 0.5, 0.4, 0.3, 0.5])
    df = pd.DataFrame(
        {
            "g": "a",
            "p": range(5),
            "value": y,
            "lower_ci95": y - 1.959963984540054 * se,
            "upper_ci95": y + 1.959963984540054 * se,
        }
    )
    out = recent_trend(df, by="g", period="p", polarity="no judgement")
    w, t = 1 / se**2, np.arange(5.0)
    tbar, ybar = (w * t).sum() / w.sum(), (w * y).sum() / w.sum()
    slope = (w * (t - tbar) * (y - ybar)).sum() / (w * (t - tbar) ** 2).sum()
    assert out["chi_squared"][0] == pytest.approx(slope**2 * (w * (t - tbar) ** 2).sum(), rel=1e-9)
    assert out["recent_trend"][0] == "Increasing"


def test_trend_needs_stable_sign_when_leaving_one_out():
    # b: a significant rise driven only by the last point; leaving it out, the slope falls
    y = np.array([10.0, 11.0, 12.0, 13.0, 14.0])
    y2 = np.array([10.0, 10.2, 9.8, 9.9, 30.0])
    df = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 5, "p": list(range(5)) * 2, "value": np.r_[y, y2]})
    df["lower_ci95"], df["upper_ci95"] = df["value"] - 0.2, df["value"] + 0.2
    out = recent_trend(df, by="g", period="p")
    assert (out["chi_squared"] > 9.5495).all()
    assert out["recent_trend"].tolist() == ["Increasing", "No significant change"]


def test_trend_labels_polarity_and_too_few_points():
    rows = []
    for group, values in {
        "up": [1, 2, 3, 4, 5],
        "down": [5, 4, 3, 2, 1],
        "short": [1, 2, 3, 4],
    }.items():
        for i, v in enumerate(values):
            rows.append(
                {
                    "g": group,
                    "p": 2000 + i,
                    "value": float(v),
                    "lower_ci95": v - 0.1,
                    "upper_ci95": v + 0.1,
                }
            )
    df = pd.DataFrame(rows)
    labels = {}
    for polarity in ["high is good", "low is good", "no judgement"]:
        out = recent_trend(df, by="g", period="p", polarity=polarity)
        labels[polarity] = out["recent_trend"].tolist()
    assert labels == {
        "high is good": [
            "Increasing and getting better",
            "Decreasing and getting worse",
            "Cannot be calculated",
        ],
        "low is good": [
            "Increasing and getting worse",
            "Decreasing and getting better",
            "Cannot be calculated",
        ],
        "no judgement": ["Increasing", "Decreasing", "Cannot be calculated"],
    }
    with pytest.raises(DataValidationError, match="polarity='good'"):
        recent_trend(df, by="g", period="p", polarity="good")
    with pytest.raises(DataValidationError, match="appears more than once in a group"):
        recent_trend(df, by=None, period="p")


def test_compare_labels_and_spc():
    df = pd.DataFrame(
        {
            "value": [10.0, 12.0, 15.0, np.nan],
            "lower_ci95": [8.0, 11.0, 13.0, np.nan],
            "upper_ci95": [11.0, 13.0, 17.0, np.nan],
        }
    )
    assert compare(df, 12.0, polarity="high is good")["comparison"].tolist() == [
        "Worse",
        "Similar",
        "Better",
        "Not compared",
    ]
    assert compare(df, 12.0, polarity="no judgement")["comparison"].tolist() == [
        "Lower",
        "Similar",
        "Higher",
        "Not compared",
    ]
    # limits touching the benchmark count as similar (inclusive)
    assert compare(df, 11.0, polarity="low is good")["comparison"].tolist()[:2] == [
        "Similar",
        "Similar",
    ]
    # SPC for proportions: the same control limits as the funnel plot around the benchmark
    counts = pd.DataFrame({"n": [300, 420, 380, 520, 40], "d": [1000, 1100, 1000, 1200, 150]})
    average = counts["n"].sum() / counts["d"].sum()
    spc = compare(
        counts,
        average * 100,
        polarity="no judgement",
        method="spc",
        count="n",
        denominator="d",
        confidence=0.998,
    )
    funnel = funnel_significance(counts, "n", "d", statistic="proportion")["significance"]
    expected = funnel.map({"Low (0.001)": "Lower", "High (0.001)": "Higher"}).fillna("Similar")
    assert spc["comparison"].tolist() == expected.tolist()
    with pytest.raises(DataValidationError, match="method='spc' needs count= and denominator="):
        compare(counts, 30.0, polarity="no judgement", method="spc")


def test_trend_is_fast_for_7000_wards_by_20_indicators():
    rng = np.random.default_rng(1)
    wards, indicators, periods = 7000, 20, 6
    size = wards * indicators * periods
    value = rng.uniform(5, 50, size)
    df = pd.DataFrame(
        {
            "indicator": np.repeat(np.arange(indicators), wards * periods),
            "ward": np.tile(np.repeat(np.arange(wards), periods), indicators),
            "period": np.tile(np.arange(periods), wards * indicators),
            "value": value,
            "lower_ci95": value * 0.9,
            "upper_ci95": value * 1.1,
        }
    )
    start = time.perf_counter()
    out = recent_trend(df, by=["indicator", "ward"], period="period", polarity="low is good")
    elapsed = time.perf_counter() - start
    assert len(out) == wards * indicators
    assert elapsed < 4  # the benchmark's target is 2 s; leave room for a busy CI machine


def test_compare_swapped_limits_and_empty_frame_are_errors():
    df = pd.DataFrame(
        {
            "value": [10.0, 12.0, 15.0],
            "lower_ci95": [8.0, 13.0, 13.0],
            "upper_ci95": [11.0, 11.0, 17.0],
        },
        index=["a", "b", "c"],
    )
    with pytest.raises(
        DataValidationError,
        match=r"lower limit column 'lower_ci95' is above upper limit column "
        r"'upper_ci95' in rows 'b' \(1 in all\) \(e.g. 13 > 11\); "
        r"the limits look swapped",
    ):
        compare(df, 12.0, polarity="low is good")
    # equal limits (a zero-width interval) are not swapped
    assert compare(df.assign(upper_ci95=[11.0, 13.0, 17.0]), 13.0, polarity="no judgement")[
        "comparison"
    ].tolist() == ["Lower", "Similar", "Similar"]
    with pytest.raises(
        DataValidationError, match=r"compare: the data have no rows; check your filter"
    ):
        compare(df.iloc[:0], 12.0, polarity="low is good")


def test_period_ranks_read_period_labels_in_time_order():
    from jsna.stats.common import period_ranks

    labels = [
        "2019/20",
        "2018/19",
        "2017 - 19",
        "2019 Q4",
        "2019 Q1",
        "Mar 2021",
        "Jan 2021",
        "2020",
    ]
    ranks = period_ranks(pd.DataFrame({"p": labels}), "p")
    ordered = [label for _, label in sorted(zip(ranks, labels, strict=True))]
    assert ordered == [
        "2017 - 19",
        "2018/19",
        "2019/20",
        "2019 Q1",
        "2019 Q4",
        "2020",
        "Jan 2021",
        "Mar 2021",
    ]
    assert period_ranks(pd.DataFrame({"p": [2021, 2019, 2020, 2019]}), "p").tolist() == [2, 0, 1, 0]
    assert period_ranks(pd.DataFrame({"p": ["10", "9", "11"]}), "p").tolist() == [
        1,
        0,
        2,
    ]  # not text order
    with pytest.raises(
        DataValidationError,
        match=r"period column 'p' has labels that are not time periods: "
        r"'twenty' \(1 in all\); give a column that sorts in time order",
    ):
        period_ranks(pd.DataFrame({"p": ["2019", "twenty"]}), "p")


def test_every_verb_refuses_an_empty_frame():
    from jsna.stats import funnel_limits, funnel_significance, isr

    empty = pd.DataFrame(
        {
            "area": pd.Series([], dtype=str),
            "year": pd.Series([], dtype=int),
            "n": pd.Series([], dtype=float),
            "d": pd.Series([], dtype=float),
            "value": pd.Series([], dtype=float),
            "lower_ci95": pd.Series([], dtype=float),
            "upper_ci95": pd.Series([], dtype=float),
        }
    )
    calls = {
        "isr": lambda: isr(empty, "n", "d", "n", "d", by="area"),
        "funnel": lambda: funnel_significance(empty, "n", "d", statistic="proportion"),
        "funnel ": lambda: funnel_limits(empty, "n", "d", statistic="proportion"),
        "recent_trend": lambda: recent_trend(empty, by="area", period="year"),
    }
    for name, call in calls.items():
        with pytest.raises(
            DataValidationError,
            match=rf"{name.strip()}.*: the data have no rows; check your filter",
        ):
            call()
