"""jsna.analysis.benchmark against Fingertips' own comparison and trend labels, DfE neighbours, and
small cases.

The real extracts (../shared/data/fingertips) are indicator 90284 (hospital admissions for
injuries in children aged 0 to 14, crude rate per 10,000, low is good) downloaded twice, once
with England as the parent (``la_hospital_admissions_2324.csv``) and once with the regions
(``region_hospital_admissions_2324.csv``), and a legacy export of 93356 (campylobacter, crude
rate per 100,000, low is good). Fingertips fills "Compared to England" and the parent
comparison with Better/Similar/Worse at 95%; jsna reproduces every one of them. Its "Recent
Trend" labels agree with jsna on every row of the region download and on 315 of the 603 rows
of the England download: on the other 288 the England download names the opposite direction
to the one the five values take (and to the region download's label for the same series),
shown row by row below.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jsna.analysis.benchmark import (
    BENCHMARK_COLUMNS,
    KNOWN_POLARITY,
    Comparators,
    area_and_neighbours,
    benchmark,
    headline,
    latest,
    neighbour_coverage,
    series,
)
from jsna.exceptions import DataValidationError, GeographyError
from jsna.io.datapack import DataPack
from jsna.meta import meta

KEY = ["indicator_id", "area_code", "sex", "age", "category_type", "category", "period"]
JUDGED = ["Better", "Similar", "Worse"]
SEFTON, LIVERPOOL, DERBYSHIRE = "E08000014", "E08000012", "E10000007"
SEFTON_2021 = [
    "Wirral",
    "Lancashire",
    "Stockton-on-Tees",
    "North Tyneside",
    "Nottinghamshire",
    "Bury",
    "Wigan",
    "Derbyshire",
    "Darlington",
    "Calderdale",
]
CHI2_CRITICAL = float(stats.chi2.ppf(0.998, 1))  # 9.5495


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def pack(shared_data):
    return DataPack.open(shared_data)


@pytest.fixture(scope="module")
def fingertips(pack):
    return pack.read("indicators.fingertips")


@pytest.fixture(scope="module")
def dfe_2021(pack):
    with pytest.warns(UserWarning, match="DfE April 2021 model: 7 authorities changed"):
        return pack.read("neighbours.dfe", vintage="April 2021 model")


@pytest.fixture(scope="module")
def admissions(fingertips, dfe_2021):
    """Every area of 90284 benchmarked, with the April 2021 DfE model."""
    data = fingertips[fingertips["indicator_id"] == 90284]
    return data, benchmark(data, None, Comparators(neighbours=dfe_2021))


@pytest.fixture(scope="module")
def campylobacter(fingertips):
    data = fingertips[fingertips["indicator_id"] == 93356]
    return data, benchmark(data)


def joined(data: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """Each Fingertips row (every parent view) with jsna's benchmark of it."""
    merged = data.merge(
        out, on=KEY, how="left", suffixes=("", "_jsna"), validate="m:1", indicator=True
    )
    assert (merged["_merge"] == "both").all()
    return merged


# --------------------------------------------------------------------------- comparisons
@pytest.mark.parametrize(("which", "rows"), [("admissions", 13_297), ("campylobacter", 750)])
def test_compared_to_england_reproduces_fingertips(request, which, rows):
    data, out = request.getfixturevalue(which)
    merged = joined(data, out)
    filled = merged["compared_to_england"].isin(JUDGED)
    assert filled.sum() == rows
    at95 = merged.loc[filled, "compared_to_england"] == merged.loc[filled, "compared_to_england_95"]
    at998 = (
        merged.loc[filled, "compared_to_england"] == merged.loc[filled, "compared_to_england_99_8"]
    )
    print(
        f"\n{which}: Compared to England reproduced on {at95.sum()} of {filled.sum()} rows "
        f"({at95.mean():.1%}) at 95%; {at998.mean():.1%} at 99.8% (Fingertips compares this "
        "indicator at 95%)"
    )
    assert at95.all()
    assert not at998.all()


@pytest.mark.parametrize(("which", "rows"), [("admissions", 5_701), ("campylobacter", 450)])
def test_compared_to_region_reproduces_fingertips(request, which, rows):
    data, out = request.getfixturevalue(which)
    merged = joined(data, out)
    filled = merged["compared_to_parent"].isin(JUDGED)
    assert filled.sum() == rows
    region = merged[filled]
    assert (
        region["parent_code"] == region["region_code"]
    ).all()  # the region from the parent columns
    assert region["parent_code"].str.startswith("E12").all()
    same = region["compared_to_parent"] == region["compared_to_region_95"]
    print(
        f"\n{which}: Compared to region ({region['compared_to_parent_type'].iloc[0]}) reproduced "
        "on "
        f"{same.sum()} of {len(region)} rows ({same.mean():.1%})"
    )
    assert same.all()


def test_deprivation_deciles_are_compared_with_england_overall(admissions):
    data, out = admissions
    deciles = out[
        out["category_type"].notna() & (out["period"] == "2023/24") & (out["sex"] == "Persons")
    ]
    england = out[
        (out["area_code"] == "E92000001")
        & out["category_type"].isna()
        & (out["period"] == "2023/24")
        & (out["sex"] == "Persons")
    ]["value"].item()
    assert len(deciles) > 0
    np.testing.assert_allclose(deciles["england_value"], england)
    most = deciles[
        deciles["category"].str.startswith("Most deprived") & deciles["lower_ci95"].notna()
    ]
    assert len(most) == 2 and (most["compared_to_england_95"] == "Worse").all()


# --------------------------------------------------------------------------- trends
def _five_points(out: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """The latest five usable points of a row's series, as the Fingertips test uses them."""
    same = np.ones(len(out), dtype=bool)
    for column in ["indicator_id", "area_code", "sex", "age", "category_type", "category"]:
        same &= (
            out[column].isna() if pd.isna(row[column]) else out[column] == row[column]
        ).to_numpy()
    series = out[same].sort_values("period_sortable")
    usable = series["value"].notna() & (series["upper_ci95"] > series["lower_ci95"])
    return series[usable].tail(5)


def _why(points: pd.DataFrame) -> tuple[float, float, list[float]]:
    """Weighted least-squares slope, its chi-squared and the five leave-one-out slopes."""
    y = points["value"].to_numpy(float)
    w = ((2 * 1.959964) / (points["upper_ci95"] - points["lower_ci95"]).to_numpy(float)) ** 2
    t = np.arange(1.0, 6.0)

    def slope(mask):
        tb = np.average(t[mask], weights=w[mask])
        yb = np.average(y[mask], weights=w[mask])
        sxx = np.sum(w[mask] * (t[mask] - tb) ** 2)
        return np.sum(w[mask] * (t[mask] - tb) * (y[mask] - yb)) / sxx, sxx

    b, sxx = slope(np.ones(5, dtype=bool))
    return b, b**2 * sxx, [slope(np.arange(5) != i)[0] for i in range(5)]


def test_recent_trend_labels(admissions, campylobacter):
    data, out = admissions
    merged = joined(data, out)
    filled = merged[merged["recent_trend"].notna()]
    agree = filled["recent_trend"] == filled["jsna_recent_trend"]
    by_file = (
        filled.assign(agree=agree).groupby("compared_to_parent_type")["agree"].agg(["sum", "size"])
    )
    print("\n90284 Recent Trend agreement by download:\n" + by_file.to_string())
    assert by_file.loc["Regions (statistical)"].tolist() == [558, 558]
    assert by_file.loc["percentiles"].tolist() == [315, 603]  # the England-parent download
    assert agree.sum() == 873

    region_label = filled[filled["compared_to_parent_type"] == "Regions (statistical)"].set_index(
        KEY
    )["recent_trend"]
    disagree = filled[~agree]
    print(
        f"{len(disagree)} disagreements (Fingertips label vs jsna; the five points, 95% limits, "
        "chi-squared "
        f"vs {CHI2_CRITICAL:.4f} and the leave-one-out slopes):"
    )
    for _, row in disagree.iterrows():
        points = _five_points(out, row)
        b, chi2, loo = _why(points)
        print(
            f"  {row['area_name']} {row['sex']} "
            f"{row['category'] if pd.notna(row['category']) else ''} "
            f"{row['period']}: Fingertips {row['recent_trend']!r}, jsna "
            f"{row['jsna_recent_trend']!r}; "
            + ", ".join(
                f"{p} {v:.1f} ({lo:.1f}-{hi:.1f})"
                for p, v, lo, hi in points[
                    ["period", "value", "lower_ci95", "upper_ci95"]
                ].itertuples(index=False)
            )
            + f"; slope {b:+.2f}/yr, chi2 {chi2:.1f}, leave-one-out slopes "
            + " ".join(f"{s:+.2f}" for s in loo)
        )
        # the data contradict the label: a significant slope in the other direction, stable when any
        # point is left out, and the region download labels the same series as jsna does
        fingertips_up = row["recent_trend"].startswith("Increasing")
        assert row["jsna_recent_trend"].startswith("Decreasing" if fingertips_up else "Increasing")
        assert len(points) == 5 and chi2 > CHI2_CRITICAL
        assert all(np.sign(s) == (-1 if fingertips_up else 1) for s in [b, *loo])
        key = tuple(row[k] for k in KEY)
        assert region_label.get(key, row["jsna_recent_trend"]) == row["jsna_recent_trend"]

    # the known case: England, males, falling 106.7 -> 101.6 -> 83.2 -> 87.7 -> 80.0 -> 78.2
    male = disagree[
        (disagree["area_code"] == "E92000001")
        & (disagree["sex"] == "Male")
        & disagree["category"].isna()
    ]
    assert set(male["recent_trend"]) == {"Increasing and getting worse"}
    assert set(male["jsna_recent_trend"]) == {"Decreasing and getting better"}
    np.testing.assert_allclose(
        _five_points(out, male.iloc[0])["value"],
        [101.62141, 83.23839, 87.65467, 80.02892, 78.18825],
    )

    cdata, cout = campylobacter
    cmerged = joined(cdata, cout)
    cfilled = cmerged[cmerged["recent_trend"].notna()]
    print(
        "93356: Recent Trend agrees on "
        f"{(cfilled['recent_trend'] == cfilled['jsna_recent_trend']).sum()} of "
        f"{len(cfilled)} rows (three periods: cannot be calculated)"
    )
    assert len(cfilled) == 182
    assert (cfilled["jsna_recent_trend"] == "Cannot be calculated").all()


def test_trend_is_on_the_latest_period_only(admissions):
    _, out = admissions
    sefton = out[(out["area_code"] == SEFTON) & out["category"].isna()]
    labelled = sefton[sefton["recent_trend"].notna()]
    assert labelled["period"].tolist() == ["2023/24"] * 3
    assert labelled["trend_points"].tolist() == [12, 12, 14]


# --------------------------------------------------------------------------- neighbours
def test_sefton_dfe_2021_neighbours_in_order_and_named(fingertips, admissions, dfe_2021):
    data, out = admissions
    comparators = Comparators(neighbours=dfe_2021)
    coverage = neighbour_coverage(data, SEFTON, comparators)
    assert coverage["neighbour_name"].tolist() == SEFTON_2021
    assert coverage["rank"].tolist() == list(range(1, 11))
    assert (coverage["model"] == "DfE April 2021 model").all()
    assert (coverage["rows_with_data"] > 0).all() and coverage["comment"].isna().all()
    sefton = out[out["area_code"] == SEFTON]
    assert (sefton["neighbour_model"] == "DfE April 2021 model").all()
    assert (out["neighbour_model"] == "DfE April 2021 model").all()
    latest = sefton[(sefton["period"] == "2023/24") & (sefton["sex"] == "Persons")].iloc[0]
    assert latest["neighbours_listed"] == 10 and latest["neighbours_with_data"] == 10
    assert pd.isna(latest["neighbours_missing"])
    # the neighbour summaries from the Fingertips values of the ten
    codes = dfe_2021.loc[dfe_2021["area_code"] == SEFTON, "neighbour_code"]
    values = data[
        data["area_code"].isin(codes)
        & (data["period"] == "2023/24")
        & (data["sex"] == "Persons")
        & data["category"].isna()
    ].drop_duplicates("area_code")["value"]
    assert len(values) == 10
    assert latest["neighbour_mean"] == pytest.approx(values.mean())
    assert latest["neighbour_median"] == pytest.approx(values.median())
    assert latest["neighbour_min"] == pytest.approx(values.min())
    assert latest["neighbour_max"] == pytest.approx(values.max())
    assert (
        latest["neighbour_rank"] == 1 + (values < latest["value"]).sum()
    )  # low is good: 1 = lowest
    assert latest["neighbour_rank_of"] == 11


def test_default_dfe_model_is_2025_and_named(pack, fingertips):
    data = fingertips[fingertips["indicator_id"] == 90284]
    out = benchmark(data, [SEFTON, LIVERPOOL], Comparators.from_pack(pack))
    assert set(out["neighbour_model"]) == {"DfE 2025 model"}
    assert meta(out, "neighbour_model") == "DfE 2025 model"
    coverage = neighbour_coverage(data, SEFTON, Comparators.from_pack(pack))
    assert coverage["neighbour_name"].tolist()[:3] == ["Wirral", "St Helens", "Wigan"]


def test_changed_authority_without_data_is_reported_not_dropped(admissions, dfe_2021):
    """Derbyshire's 2021 neighbours include Cumbria, abolished in 2023: no 2023-geography data."""
    data, out = admissions
    derbyshire = out[
        (out["area_code"] == DERBYSHIRE)
        & (out["period"] == "2023/24")
        & (out["sex"] == "Persons")
        & out["category"].isna()
    ].iloc[0]
    assert derbyshire["neighbours_listed"] == 10
    assert derbyshire["neighbours_with_data"] == 9
    assert derbyshire["neighbours_missing"] == "Cumbria (E10000006)"
    coverage = neighbour_coverage(data, DERBYSHIRE, Comparators(neighbours=dfe_2021))
    cumbria = coverage[coverage["neighbour_name"] == "Cumbria"].iloc[0]
    assert cumbria["rank"] == 5 and cumbria["status"] == "abolished"
    assert cumbria["comment"] == "no data in the indicator file"
    assert "abolished on 2023-04-01" in cumbria["note"]
    # Lancashire and Nottinghamshire, counties in both models, have data
    lancs = neighbour_coverage(data, SEFTON, Comparators(neighbours=dfe_2021))
    assert (
        lancs.set_index("neighbour_name").loc[["Lancashire", "Derbyshire"], "rows_with_data"] > 0
    ).all()


def test_quartiles_among_all_areas_of_the_type(admissions):
    data, out = admissions
    sefton = out[
        (out["area_code"] == SEFTON)
        & (out["period"] == "2023/24")
        & (out["sex"] == "Persons")
        & out["category"].isna()
    ].iloc[0]
    peers = data[
        (data["area_type"] == sefton["area_type"])
        & (data["period"] == "2023/24")
        & (data["sex"] == "Persons")
        & data["category"].isna()
    ].drop_duplicates("area_code")["value"]
    assert sefton["type_areas"] == peers.notna().sum() == 151
    np.testing.assert_allclose(
        sefton[["type_min", "type_q25", "type_median", "type_q75", "type_max"]].astype(float),
        np.nanpercentile(peers, [0, 25, 50, 75, 100]),
    )
    assert sefton["type_quartile"] == 4  # 92.8 per 10,000, above the 75th percentile (87.1)


# --------------------------------------------------------------------------- small cases
def _frame(
    values: dict[str, list[float]], *, polarity=None, parent=None, half_width=2.0
) -> pd.DataFrame:
    rows = []
    for code, points in values.items():
        for i, v in enumerate(points):
            rows.append(
                {
                    "indicator_id": 1,
                    "indicator_name": "x",
                    "area_code": code,
                    "area_name": f"Area {code[-2:]}",
                    "area_type": "England"
                    if code == "E92000001"
                    else "Region"
                    if code.startswith("E12")
                    else "UA",
                    "parent_code": (parent or {}).get(
                        code,
                        None
                        if code == "E92000001"
                        else ("E92000001" if code.startswith("E12") else "E12000002"),
                    ),
                    "sex": "Persons",
                    "age": "All ages",
                    "category_type": None,
                    "category": None,
                    "period": str(2015 + i),
                    "period_sortable": (2015 + i) * 10000,
                    "value": v,
                    "lower_ci95": v - half_width,
                    "upper_ci95": v + half_width,
                    "lower_ci99_8": v - 1.6 * half_width,
                    "upper_ci99_8": v + 1.6 * half_width,
                    "count": np.nan,
                    "denominator": np.nan,
                    "polarity": polarity,
                }
            )
    return pd.DataFrame(rows)


def test_polarity_and_levels():
    data = _frame(
        {"E92000001": [50.0], "E12000002": [50.0], "E06000001": [53.0], "E06000002": [47.0]}
    )
    for polarity, labels in [
        ("low is good", ["Worse", "Better"]),
        ("high is good", ["Better", "Worse"]),
        ("no judgement", ["Higher", "Lower"]),
    ]:
        out = benchmark(data, ["E06000001", "E06000002"], polarity=polarity)
        assert out["compared_to_england_95"].tolist() == labels
        assert out["compared_to_england_99_8"].tolist() == ["Similar", "Similar"]  # 53 - 3.2 < 50
        assert out["compared_to_region_95"].tolist() == labels


def test_polarity_from_data_then_known_then_warning():
    data = _frame({"E92000001": [50.0], "E06000001": [55.0]}, polarity="high is good")
    assert benchmark(data, "E06000001")["compared_to_england_95"].item() == "Better"
    unknown = data.assign(polarity=np.nan, indicator_id=999_999)
    with pytest.warns(UserWarning, match="no polarity for indicator"):
        assert benchmark(unknown, "E06000001")["compared_to_england_95"].item() == "Higher"
    known = data.assign(polarity=np.nan, indicator_id=90284)
    assert KNOWN_POLARITY[90284] == "low is good"
    assert benchmark(known, "E06000001")["compared_to_england_95"].item() == "Worse"
    with pytest.raises(DataValidationError, match="polarity 'good' .* is not one of"):
        benchmark(data, "E06000001", polarity={1: "good"})


def test_neighbour_rank_counts_from_the_best():
    data = _frame(
        {
            "E92000001": [50.0],
            "E06000001": [40.0],
            "E06000002": [30.0],
            "E06000003": [45.0],
            "E06000004": [np.nan],
        }
    )
    c = Comparators(
        neighbours={"E06000001": ["E06000002", "E06000003", "E06000004", "E06000099"]},
        neighbour_model="test list",
    )
    low = benchmark(data, "E06000001", c, polarity="low is good").iloc[0]
    high = benchmark(data, "E06000001", c, polarity="high is good").iloc[0]
    assert (low["neighbour_rank"], high["neighbour_rank"], low["neighbour_rank_of"]) == (2, 2, 3)
    assert low["neighbours_listed"] == 4 and low["neighbours_with_data"] == 2
    assert low["neighbours_missing"] == "Area 04 (E06000004); E06000099"
    assert low["neighbour_mean"] == 37.5 and low["neighbour_median"] == 37.5
    assert low["neighbour_model"] == "test list"
    data2 = _frame(
        {"E92000001": [50.0], "E06000001": [40.0], "E06000002": [30.0], "E06000003": [20.0]}
    )
    assert benchmark(data2, "E06000001", c, polarity="low is good").iloc[0]["neighbour_rank"] == 3


def test_no_neighbours_gives_missing_summaries():
    out = benchmark(
        _frame({"E92000001": [50.0], "E06000001": [40.0]}), "E06000001", polarity="low is good"
    )
    row = out.iloc[0]
    assert (
        pd.isna(row["neighbour_model"])
        and pd.isna(row["neighbour_mean"])
        and row["neighbours_listed"] == 0
    )
    assert list(out.columns) == BENCHMARK_COLUMNS


def test_trend_falls_and_rises():
    falling = [120.0, 110.0, 100.0, 90.0, 80.0, 70.0]
    data = _frame(
        {
            "E92000001": [100.0] * 6,
            "E06000001": falling,
            "E06000002": falling[::-1],
            "E06000003": [60.0, 61.0, 60.0, 61.0, 60.0, 61.0],
        }
    )
    out = benchmark(data, None, polarity="low is good")
    latest = out[out["recent_trend"].notna()].set_index("area_code")["recent_trend"]
    assert latest["E06000001"] == "Decreasing and getting better"
    assert latest["E06000002"] == "Increasing and getting worse"
    assert latest["E06000003"] == "No significant change"
    assert latest["E92000001"] == "No significant change"
    short = benchmark(
        _frame({"E92000001": [1.0] * 4, "E06000001": [1.0, 2.0, 3.0, 4.0]}),
        "E06000001",
        polarity="low is good",
    )
    assert short["recent_trend"].dropna().tolist() == ["Cannot be calculated"]


def test_region_given_or_ambiguous():
    data = _frame(
        {"E92000001": [50.0], "E12000002": [60.0], "E12000003": [40.0], "E06000001": [45.0]}
    )
    out = benchmark(data, "E06000001", Comparators(region="E12000003"), polarity="low is good")
    assert (
        out["region_code"].item() == "E12000003" and out["compared_to_region_95"].item() == "Worse"
    )
    la = data[data["area_code"] == "E06000001"]
    icb = pd.concat([data, la.assign(parent_code="E54000008")])  # a second, non-region parent view
    assert benchmark(icb, "E06000001", polarity="low is good")["region_code"].item() == "E12000002"
    two = pd.concat([data, la.assign(parent_code="E12000003")])
    with pytest.raises(DataValidationError, match="several parents other than England"):
        benchmark(two, "E06000001", polarity="low is good")


def test_conflicting_parent_views_and_unknown_area():
    data = _frame({"E92000001": [50.0], "E06000001": [45.0]})
    copy = data[data["area_code"] == "E06000001"].assign(parent_code="E92000001", value=46.0)
    with pytest.raises(DataValidationError, match="different values in different rows.*E06000001"):
        benchmark(pd.concat([data, copy]), "E06000001", polarity="low is good")
    same = data[data["area_code"] == "E06000001"].assign(parent_code="E92000001")
    assert len(benchmark(pd.concat([data, same]), "E06000001", polarity="low is good")) == 1
    with pytest.raises(GeographyError, match="'E06000404' .* has no rows"):
        benchmark(data, "E06000404", polarity="low is good")
    with pytest.raises(DataValidationError, match="indicators='lower_ci95' is not a column"):
        benchmark(data.drop(columns="lower_ci95"), "E06000001")


def test_comparators_checks():
    with pytest.raises(DataValidationError, match="neighbour model has no name"):
        Comparators(neighbours={"E06000001": ["E06000002"]}).neighbour_frame()
    two = pd.DataFrame(
        {
            "area_code": ["A", "A"],
            "neighbour_code": ["B", "C"],
            "rank": [1, 1],
            "model": ["m1", "m2"],
        }
    )
    with pytest.raises(DataValidationError, match="several models"):
        Comparators(neighbours=two).neighbour_frame()


def test_inputs_not_mutated(admissions):
    data, _ = admissions
    before = data.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        benchmark(data, SEFTON)
    pd.testing.assert_frame_equal(data, before)


def test_demo_pack_authority(demo_pack):
    """On the synthetic pack: ten neighbours with data, the planted
    'worse than England' recovered.
    """
    from jsna.demo.pack import load_truth

    pack = DataPack.open(demo_pack)
    truth = load_truth(demo_pack)
    area = truth["area"]["code"]
    out = benchmark(pack.read("indicators.fingertips"), area, Comparators.from_pack(pack))
    assert meta(out, "england") == truth["area"]["england"]
    assert meta(out, "regions") == {area: truth["area"]["region"]}
    latest = out[out["recent_trend"].notna()]
    assert (latest["neighbours_listed"] == 10).all()
    five_year = (
        latest["time_period_range"] == "5y"
    )  # ward-level 5-year life expectancy: authority only
    assert five_year.any() and (latest.loc[five_year, "neighbours_with_data"] == 0).all()
    assert (latest.loc[~five_year, "neighbours_with_data"] == 10).all()
    latest = latest[~five_year]
    planned = [
        int(k)
        for k, spec in truth["indicators"].items()
        if spec.get("authority_planned_worse_than_england")
    ]
    assert planned
    rows = out[out["indicator_id"].isin(planned) & (out["time_period_range"] != "5y")]
    labels = rows["compared_to_england_95"].value_counts().to_dict()
    print(f"\ndemo: planned worse than England, compared at 95% over all periods: {labels}")
    # planted ratios of 1.16 to 1.45: worse in (nearly) every period, never better
    assert "Better" not in labels and labels["Worse"] >= 0.9 * len(rows)
    for indicator in planned:
        assert (
            out.loc[out["indicator_id"] == indicator, "polarity"]
            == truth["indicators"][str(indicator)]["polarity"]
        ).all()


# --------------------------------------------------------------------------- summaries and the chap
def test_headline_and_neighbour_rows_for_sefton(pack, fingertips):
    data = fingertips[fingertips["indicator_id"] == 90284]
    comparators = Comparators.from_pack(pack)  # the 2025 model
    result = benchmark(data, SEFTON, comparators)
    assert len(latest(result)) == 3  # Sefton has no category rows: three sexes, latest period
    (row,) = [r for _, r in headline(result).iterrows()]
    assert (row["sex"], row["period"]) == ("Persons", "2023/24")
    line = series(result, row)
    assert line["period"].iloc[0] == "2010/11" and len(line) == 14
    peers = series(area_and_neighbours(data, SEFTON, comparators), row, across_areas=True)
    assert peers["model_rank"].tolist() == list(range(11))
    assert peers["area_name"].iloc[0] == "Sefton"
    # the rank in the benchmark agrees with the peers' values
    low_to_high = peers.sort_values("value")["area_name"].tolist()
    assert low_to_high.index("Sefton") + 1 == row["neighbour_rank"] == 6


def test_metadata_is_the_benchmarks_own(admissions):
    data, out = admissions
    assert meta(out, "england") == "E92000001"
    assert meta(out, "source") is None  # the input's metadata does not travel


@pytest.mark.slow
@pytest.mark.parametrize(("area", "name"), [(SEFTON, "Sefton"), (LIVERPOOL, "Liverpool")])
def test_real_start_well_chapter(shared_data, tmp_path, area, name):
    from jsna.publish.build import build

    result = build(shared_data, area, tmp_path, chapters=["02"], progress=lambda _: None)
    assert result.ok, result.failed
    html = (result.reports / "02_start_well.html").read_text()
    assert (
        "Key messages" in html and "DfE 2025 model" in html and "worse than England (72.7)" in html
    )
    manifest = (result.figures / "manifest.csv").read_text()
    for figure in ("02_trend_90284", "02_neighbours_90284"):
        assert figure in manifest
    # one indicator: a sentence instead of a spine chart and a tartan rug that carry nothing
    for figure in ("02_spine_chart", "02_tartan_rug"):
        assert figure not in manifest
    assert "a spine chart or a grid of indicators would show a single row" in html
    neighbours = pd.read_csv(
        result.reports / "tables" / "02_start_well" / "statistical_neighbours.csv"
    )
    assert len(neighbours) == 10 and (neighbours["model"] == "DfE 2025 model").all()


def test_proportions_spc_and_trend_test():
    """Proportions: SPC comparison on counts, and the chi-squared test for trend on counts
    (auto-detected).
    """
    from jsna.stats import recent_trend

    rows = []
    for code, kind, counts in [
        ("E92000001", "England", [50_000] * 6),
        ("E06000001", "UA", [300, 330, 360, 390, 420, 450]),
    ]:
        n = 100_000 if code == "E92000001" else 1_000
        for i, c in enumerate(counts):
            v = 100 * c / n
            half = 1.96 * np.sqrt(v * (100 - v) / n)
            rows.append(
                {
                    "indicator_id": 7,
                    "area_code": code,
                    "area_type": kind,
                    "parent_code": None if kind == "England" else "E92000001",
                    "sex": "Persons",
                    "age": "All",
                    "category_type": None,
                    "category": None,
                    "period": str(2018 + i),
                    "period_sortable": (2018 + i) * 10000,
                    "value": v,
                    "lower_ci95": v - half,
                    "upper_ci95": v + half,
                    "lower_ci99_8": v - 1.6 * half,
                    "upper_ci99_8": v + 1.6 * half,
                    "count": float(c),
                    "denominator": float(n),
                }
            )
    data = pd.DataFrame(rows)
    spc = benchmark(data, "E06000001", method="spc", polarity="high is good")
    # 30% to 45% of 1,000 people against England's 50%: below the control limits every year
    assert spc["compared_to_england_95"].tolist() == ["Worse"] * 6
    near = data.assign(count=np.where(data["area_code"] == "E06000001", 480.0, data["count"]))
    assert set(
        benchmark(near, "E06000001", method="spc", polarity="high is good")[
            "compared_to_england_95"
        ]
    ) == {"Similar"}  # 48% of 1,000 is within the 95% limits around 50%
    out = benchmark(data, "E06000001", polarity="high is good")
    latest_row = out.iloc[-1]
    direct = recent_trend(
        data[data["area_code"] == "E06000001"],
        by="area_code",
        period="period_sortable",
        kind="proportion",
        polarity="high is good",
    )
    assert latest_row["trend_chi_squared"] == pytest.approx(direct["chi_squared"].item())
    assert latest_row["recent_trend"] == "Increasing and getting better"


def test_empty_indicators_refused():
    empty = _frame({"E92000001": [1.0]}).iloc[:0]
    with pytest.raises(DataValidationError, match="indicators has no rows"):
        benchmark(empty)
