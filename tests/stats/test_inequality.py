"""sii and quantiles against the PHEindicatormethods / PHStatsMethods reference files."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from jsna.exceptions import DataValidationError
from jsna.stats.common import ci_columns
from jsna.stats.inequality import quantiles, sii

PACKAGES = ["PHEindicatormethods", "PHStatsMethods"]  # the two files are byte-identical

# --- SII reference cases --------------------------------------------------------------------------
# testdata_SII.xlsx: the arguments of each case are those of PHEindicatormethods
# tests/testthat/testSII.R (the sheet's Confidence column does not record them: the
# "98%" cases say 95). Keyed by the first RecordNo of the case. Cases R runs with
# both the standard errors and the limits are run both ways here.
CI = {"lower": "LowerCL", "upper": "UpperCL"}
SE = {"se": "StandardError"}
CASES = {
    "default, se": (1, dict(value_type="other", **SE)),
    "default, limits": (1, dict(value_type="other", **CI)),
    "99% confidence": (21, dict(value_type="other", confidence=0.99, **CI)),
    "10,000 repetitions": (41, dict(value_type="other", repetitions=10_000, **SE)),
    "quintiles": (61, dict(value_type="other", **SE)),
    "rate, se": (71, dict(value_type="rate", **SE)),
    "rate, limits": (71, dict(value_type="rate", **CI)),
    "proportion, se": (91, dict(value_type="proportion", **SE)),
    "proportion, limits": (91, dict(value_type="proportion", **CI)),
    "proportion x 100": (111, dict(value_type="proportion", multiplier=100, **CI)),
    "proportion x -100": (131, dict(value_type="proportion", multiplier=-100, **CI)),
    "95% and 99%": (226, dict(value_type="other", confidence=(0.95, 0.99), **SE)),
    "default, intercept": (246, dict(value_type="other", **CI)),
    "rate, intercept": (266, dict(value_type="rate", **CI)),
    "proportion, intercept": (286, dict(value_type="proportion", **CI)),
    "rate, log": (306, dict(value_type="rate", transform=True, **CI)),
    "proportion, logit": (326, dict(value_type="proportion", transform=True, **CI)),
    "proportion, logit, x -1": (
        346,
        dict(value_type="proportion", transform=True, multiplier=-1, **CI),
    ),
    "rate, log, 95% and 98%": (
        366,
        dict(value_type="rate", transform=True, confidence=(0.95, 0.98), **CI),
    ),
    "rate, log, x -1": (386, dict(value_type="rate", transform=True, multiplier=-1, **CI)),
    "rate, log, 98%": (406, dict(value_type="rate", transform=True, confidence=0.98, **CI)),
    "rate, log, no rii": (426, dict(value_type="rate", transform=True, **CI)),
    "proportion, logit, no rii": (446, dict(value_type="proportion", transform=True, **CI)),
    "proportion, logit, 98%": (
        466,
        dict(value_type="proportion", transform=True, confidence=0.98, **CI),
    ),
    "proportion, logit, 95% and 98%": (
        486,
        dict(value_type="proportion", transform=True, confidence=(0.95, 0.98), **CI),
    ),
}


@pytest.fixture(scope="module", params=PACKAGES)
def sii_data(request, reference_dir):
    return pd.read_excel(reference_dir / request.param / "testdata_SII.xlsx")


def case_rows(data, first):
    description = data.loc[data["RecordNo"] == first, "TestDescription"].iloc[0]
    return data[data["TestDescription"] == description]


def close_to_simulated(ours, reference, scale):
    """Within 1% of the reference, on the scale of the interval.

    A limit near zero (the 99% lower SII limit of area1 is 1.92 with a half-width of
    5.0) has a Monte Carlo error of about 1.6% of itself in the reference's own
    100,000 draws, so the 1% is taken of max(|limit|, interval half-width).
    """
    tolerance = 0.01 * np.maximum(np.abs(reference), scale)
    return np.abs(ours - reference) <= tolerance


@pytest.mark.parametrize("name", list(CASES))
def test_sii_reference(sii_data, name):
    first, kwargs = CASES[name]
    rows = case_rows(sii_data, first)
    kwargs = {"confidence": 0.95, **kwargs}
    levels = (
        kwargs["confidence"] if isinstance(kwargs["confidence"], tuple) else (kwargs["confidence"],)
    )
    out = sii(rows, "Value", "Population", "Quantile", by="Area", **kwargs)
    expected = rows[rows["sii"].notna()].set_index("Area")
    got = {
        stat: out[out["statistic"] == stat].set_index("Area").loc[expected.index]
        for stat in ("sii", "rii")
    }

    # the point estimates do not depend on the simulation: exact
    np.testing.assert_allclose(got["sii"]["value"], expected["sii"], rtol=1e-6)
    if expected["rii"].notna().all():
        np.testing.assert_allclose(got["rii"]["value"], expected["rii"], rtol=1e-6)
    if expected["Intercept"].notna().all():
        np.testing.assert_allclose(got["sii"]["intercept"], expected["Intercept"], rtol=1e-6)

    checked = 0
    for j, level in enumerate(levels, start=1):
        lower, upper = ci_columns(level)
        for stat in ("sii", "rii"):
            ref_lo, ref_hi = expected[f"{stat}_lowercl_{j}"], expected[f"{stat}_uppercl_{j}"]
            if ref_lo.isna().all():
                continue
            half = (ref_hi - ref_lo) / 2
            assert close_to_simulated(got[stat][lower], ref_lo, half).all(), (stat, level)
            assert close_to_simulated(got[stat][upper], ref_hi, half).all(), (stat, level)
            checked += 1
    assert checked or name == "quintiles"  # the quintile case has no reference limits


def test_sii_limits_mostly_within_1_percent_of_themselves(sii_data):
    """The plain relative criterion holds for all but limits close to zero."""
    rows = case_rows(sii_data, 1)
    out = sii(
        rows, "Value", "Population", "Quantile", by="Area", se="StandardError", confidence=0.95
    )
    expected = rows[rows["sii"].notna()].set_index("Area")
    got = out[out["statistic"] == "sii"].set_index("Area").loc[expected.index]
    np.testing.assert_allclose(got["lower_ci95"], expected["sii_lowercl_1"], rtol=0.01)
    np.testing.assert_allclose(got["upper_ci95"], expected["sii_uppercl_1"], rtol=0.01)


@pytest.mark.parametrize(
    ("records", "match"),
    [((171, 175), "upper column 'UpperCL'"), ((176, 180), "lower column 'LowerCL'")],
)
def test_sii_proportion_limits_out_of_range_are_refused(sii_data, records, match):
    rows = sii_data[sii_data["RecordNo"].between(*records)]
    with pytest.raises(DataValidationError, match=match + " has proportions outside 0-1: 11|8"):
        sii(rows, "Value", "Population", "Quantile", by="Area", value_type="proportion", **CI)


def test_sii_negative_population_is_refused(sii_data):
    rows = case_rows(sii_data, 151)
    with pytest.raises(DataValidationError, match="negative values: -200"):
        sii(rows, "Value", "Population", "Quantile", by="Area", **SE)


def test_sii_negative_standard_error_is_refused(sii_data):
    rows = case_rows(sii_data, 161)
    with pytest.raises(DataValidationError, match="negative standard errors: -5"):
        sii(rows, "Value", "Population", "Quantile", by="Area", **SE)


@pytest.mark.parametrize("first", [181, 191, 201])
def test_sii_missing_values_limits_or_populations_give_nan_and_warn(sii_data, first):
    # PHEindicatormethods stops on some of these; jsna makes the group NaN and warns
    rows = case_rows(sii_data, first)
    with pytest.warns(UserWarning, match="missing or unusable"):
        out = sii(rows, "Value", "Population", "Quantile", by="Area", **CI)
    assert out["value"].isna().all() and len(out) == 2


def test_sii_more_than_ten_quantiles_warns(sii_data):
    rows = case_rows(sii_data, 211)
    with pytest.warns(UserWarning, match="15 quantiles"):
        out = sii(rows, "Value", "Population", "Quantile", by="Area", **CI)
    assert out["value"].notna().all()


# --- SII properties -------------------------------------------------------------------------------


def deciles(area="A", slope=6.0, n=10, seed=0):
    rng = np.random.default_rng(seed)
    value = 75 + slope * (np.arange(n) + 0.5) / n + rng.normal(0, 0.5, n)
    return pd.DataFrame(
        {
            "area": area,
            "decile": np.arange(1, n + 1),
            "pop": rng.integers(5_000, 9_000, n),
            "value": value,
            "lower_ci95": value - 3,
            "upper_ci95": value + 3,
        }
    )


def test_sii_is_the_weighted_least_squares_slope():
    df = deciles()
    out = sii(df, "value", "pop", "decile", by="area", repetitions=1_000)
    share = df["pop"] / df["pop"].sum()
    rank = share.cumsum() - share / 2
    slope, intercept = np.polyfit(rank, df["value"], 1, w=np.sqrt(share))
    assert out["value"].iloc[0] == pytest.approx(slope, rel=1e-10)
    assert out["value"].iloc[1] == pytest.approx((intercept + slope) / intercept, rel=1e-10)
    assert out["intercept"].iloc[0] == pytest.approx(intercept, rel=1e-10)


def test_sii_output_columns_and_limits_bracket():
    out = sii(pd.concat([deciles("B"), deciles("A", seed=1)]), "value", "pop", "decile", by="area")
    assert list(out.columns) == [
        "area",
        "statistic",
        "value",
        "lower_ci95",
        "upper_ci95",
        "lower_ci99_8",
        "upper_ci99_8",
        "intercept",
        "method",
    ]
    assert out["area"].tolist() == ["B", "B", "A", "A"]
    assert out["statistic"].tolist() == ["sii", "rii"] * 2
    assert (
        (out["lower_ci99_8"] < out["lower_ci95"])
        & (out["lower_ci95"] < out["value"])
        & (out["value"] < out["upper_ci95"])
        & (out["upper_ci95"] < out["upper_ci99_8"])
    ).all()
    assert "100,000 simulations (seed 1)" in out["method"].iloc[0]


def test_sii_reproducible_with_a_seed_and_independent_of_other_groups():
    both = pd.concat([deciles("A"), deciles("B", seed=1)], ignore_index=True)
    one = sii(both, "value", "pop", "decile", by="area", repetitions=5_000, seed=7)
    again = sii(both, "value", "pop", "decile", by="area", repetitions=5_000, seed=7)
    alone = sii(
        deciles("B", seed=1), "value", "pop", "decile", by="area", repetitions=5_000, seed=7
    )
    other = sii(both, "value", "pop", "decile", by="area", repetitions=5_000, seed=8)
    pd.testing.assert_frame_equal(one, again)
    pd.testing.assert_frame_equal(one[one["area"] == "B"].reset_index(drop=True), alone)
    assert not np.allclose(one["lower_ci95"], other["lower_ci95"])


def test_sii_input_is_not_mutated():
    df = deciles()
    before = df.copy()
    sii(df, "value", "pop", "decile", by="area", value_type="rate", repetitions=1_000)
    pd.testing.assert_frame_equal(df, before)


def test_sii_one_row_group_and_missing_quantile_give_nan_and_warn():
    df = pd.concat(
        [deciles("A"), deciles("B").iloc[:1], deciles("C").drop(index=4)], ignore_index=True
    )
    with pytest.warns(
        UserWarning, match="2 group\\(s\\) have not exactly one row for each of the 10"
    ):
        out = sii(df, "value", "pop", "decile", by="area", repetitions=1_000)
    assert out.loc[out["area"] == "A", "value"].notna().all()
    assert out.loc[out["area"] != "A", ["value", "lower_ci95"]].isna().all().all()


def test_sii_rate_of_zero_cannot_be_logged():
    df = deciles()
    df.loc[3, ["value", "lower_ci95"]] = 0.0
    with pytest.warns(UserWarning, match="cannot be transformed"):
        out = sii(df, "value", "pop", "decile", by="area", value_type="rate", repetitions=1_000)
    assert out["value"].isna().all()


def test_sii_empty_frame_is_an_error():
    with pytest.raises(DataValidationError, match="sii: the data have no rows; check your filter"):
        sii(deciles().iloc[:0], "value", "pop", "decile", by="area")


def test_sii_without_grouping():
    out = sii(deciles(), "value", "pop", "decile", by=None, repetitions=1_000)
    assert out["statistic"].tolist() == ["sii", "rii"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(confidence=95), "did you mean 0.95"),
        (dict(value_type="ratio"), "value_type='ratio'"),
        (dict(transform=True), "transform=True needs value_type"),
        (dict(value_type="rate", transform=True, se="value"), "se cannot be used with transform"),
        (dict(repetitions=999), "at least 1,000"),
        (dict(multiplier=0), "non-zero"),
        (
            dict(value_type="proportion"),
            "value column 'value' has proportions outside 0-1.*multiplier=100",
        ),
        (dict(lower="nope"), "lower='nope' is not a column"),
    ],
)
def test_sii_bad_arguments(kwargs, match):
    with pytest.raises(DataValidationError, match=match):
        sii(deciles(), "value", "pop", "decile", by="area", **kwargs)


def test_sii_data_errors():
    df = deciles()
    with pytest.raises(DataValidationError, match="4 distinct"):
        sii(df[df["decile"] <= 4], "value", "pop", "decile", by="area")
    with pytest.raises(DataValidationError, match="quantile 3 appears 2 times in group 'A'"):
        sii(pd.concat([df, df.iloc[[2]]]), "value", "pop", "decile", by="area")
    swapped = df.assign(lower_ci95=df["upper_ci95"], upper_ci95=df["lower_ci95"])
    with pytest.raises(DataValidationError, match="swapped"):
        sii(swapped, "value", "pop", "decile", by="area")
    with pytest.raises(DataValidationError, match="quantile column 'decile' has missing values"):
        sii(
            df.assign(decile=df["decile"].where(df["decile"] != 2)),
            "value",
            "pop",
            "decile",
            by="area",
        )


def test_sii_negative_multiplier_flips_sii_and_inverts_rii():
    df = deciles()
    plus = sii(df, "value", "pop", "decile", by="area", repetitions=2_000)
    minus = sii(df, "value", "pop", "decile", by="area", repetitions=2_000, multiplier=-1)
    assert minus["value"].iloc[0] == pytest.approx(-plus["value"].iloc[0])
    assert minus["value"].iloc[1] == pytest.approx(1 / plus["value"].iloc[1])
    # order statistics at round(R * 0.025) and round(R * 0.975), as R: negating the draws
    # moves each limit by one order statistic, not more
    assert minus["lower_ci95"].iloc[0] == pytest.approx(-plus["upper_ci95"].iloc[0], rel=0.01)
    assert minus["upper_ci95"].iloc[0] == pytest.approx(-plus["lower_ci95"].iloc[0], rel=0.01)


@pytest.mark.parametrize("package", PACKAGES)
def test_sii_on_the_life_expectancy_worked_example(reference_dir, package):
    """LE_testdata.csv (life expectancy by decile with SE) has no expected SII values;
    it is used as real input: 722 complete groups and two one-row groups."""
    le = pd.read_csv(reference_dir / package / "LE_testdata.csv")
    with pytest.warns(UserWarning, match="2 group\\(s\\) have not exactly one row"):
        out = sii(le, "LifeExp", "Pop", "Decile", by=["Sex", "GeoCode"], se="SE", repetitions=2_000)
    assert len(out) == 2 * 724
    assert out["value"].notna().sum() == 2 * 722
    first = le[(le["Sex"] == 1) & (le["GeoCode"] == "E06000001")]
    share = first["Pop"] / first["Pop"].sum()
    slope = np.polyfit(share.cumsum() - share / 2, first["LifeExp"], 1, w=np.sqrt(share))[0]
    assert out["value"].iloc[0] == pytest.approx(slope, rel=1e-10)
    # most areas show longer lives in less deprived deciles
    assert (out.loc[out["statistic"] == "sii", "value"] > 0).mean() > 0.9


# --- quantiles ------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=PACKAGES)
def quantile_data(request, reference_dir):
    data = pd.read_excel(reference_dir / request.param / "testdata_Quantiles.xlsx")
    data["GroupSet"] = data["GroupSet"].fillna("None")  # pandas reads the text 'None' as NaN
    return data


QUANTILE_CASES = [
    # (IndSexRef, GroupSet, by, n, invert) as in PHEindicatormethods testQuantiles.R:
    # within-region deciles inverted by polarity, septiles without regions, ungrouped quartiles
    ("40501Female", "IndSexReg", "ParentCode", 10, True),  # low is good
    ("90366Female", "IndSexReg", "ParentCode", 10, False),  # high is good
    ("11111Female", "IndSexReg", "ParentCode", 10, True),  # ties
    ("22222Female", "IndSexReg", "ParentCode", 10, False),  # ties
    ("90366Female", "IndSex", None, 7, False),
    # mixed polarity within the set: R refuses it; the expected values are those of invert=True
    ("11111Female", "IndSex", None, 7, True),
]


@pytest.mark.parametrize(("ref", "group_set", "by", "n", "invert"), QUANTILE_CASES)
def test_quantiles_reference(quantile_data, ref, group_set, by, n, invert):
    rows = quantile_data[
        (quantile_data["IndSexRef"] == ref) & (quantile_data["GroupSet"] == group_set)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # regions with fewer than n areas
        out = quantiles(rows.drop(columns="QuantileInGrp"), "Value", by=by, n=n, invert=invert)
    np.testing.assert_array_equal(out["quantile"].to_numpy(), rows["QuantileInGrp"].to_numpy())


def test_quantiles_reference_ungrouped_quartiles(quantile_data):
    rows = quantile_data[quantile_data["GroupSet"] == "None"]
    out = quantiles(rows.drop(columns="QuantileInGrp"), "Value", n=4)
    np.testing.assert_array_equal(out["quantile"].to_numpy(), rows["QuantileInGrp"].to_numpy())


def test_quantiles_every_reference_row_is_covered(quantile_data):
    covered = (
        sum(
            ((quantile_data["IndSexRef"] == ref) & (quantile_data["GroupSet"] == gs)).sum()
            for ref, gs, *_ in QUANTILE_CASES
        )
        + (quantile_data["GroupSet"] == "None").sum()
    )
    assert covered == len(quantile_data) == 1017


def test_quantiles_too_few_areas_warns_and_gives_nan(quantile_data):
    rows = quantile_data[
        (quantile_data["IndSexRef"] == "40501Female") & (quantile_data["GroupSet"] == "IndSexReg")
    ].drop(columns="QuantileInGrp")
    with pytest.warns(UserWarning, match="fewer than 10 areas with values.*'E12000"):
        out = quantiles(rows, "Value", by="ParentCode")
    small = rows.groupby("ParentCode")["Value"].transform("count") < 10
    assert out.loc[small, "quantile"].isna().all()
    assert out.loc[~small & rows["Value"].notna(), "quantile"].between(1, 10).all()


def test_quantiles_nan_values_are_not_counted():
    df = pd.DataFrame({"v": [np.nan, 5, 4, 3, 2, 1]})
    out = quantiles(df, "v", n=5)
    assert np.isnan(out["quantile"].iloc[0])
    assert out["quantile"].iloc[1:].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_quantiles_copy_and_errors():
    df = pd.DataFrame({"v": [3.0, 1.0, 2.0]})
    out = quantiles(df, "v", n=3)
    assert "quantile" not in df.columns and out["quantile"].tolist() == [1.0, 3.0, 2.0]
    with pytest.raises(DataValidationError, match="already has a 'quantile' column"):
        quantiles(out, "v", n=3)
    with pytest.raises(DataValidationError, match="n=1"):
        quantiles(df, "v", n=1)
    with pytest.raises(DataValidationError, match="invert='yes'"):
        quantiles(df, "v", invert="yes")
    with pytest.raises(
        DataValidationError, match="quantiles: the data have no rows; check your filter"
    ):
        quantiles(df.iloc[:0], "v")


def test_quantiles_one_row_group_warns():
    df = pd.DataFrame({"g": ["a"] * 10 + ["b"], "v": np.arange(11.0)})
    with pytest.warns(UserWarning, match="1 group\\(s\\) have fewer than 10.*'b'"):
        out = quantiles(df, "v", by="g")
    assert out["quantile"].iloc[:10].tolist() == list(np.arange(10.0, 0, -1))
    assert np.isnan(out["quantile"].iloc[10])
