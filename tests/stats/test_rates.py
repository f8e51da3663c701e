"""proportion, crude_rate and mean_ci against both reference packages, and edge cases."""

from __future__ import annotations

import contextlib
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from jsna.exceptions import DataValidationError
from jsna.stats import crude_rate, mean_ci, proportion

LIMITS = ["lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8"]
# reference column names: PHEindicatormethods, PHStatsMethods
NAMES = {
    "PHEindicatormethods": {
        "value": "value",
        "lower_ci95": "lower95_0cl",
        "upper_ci95": "upper95_0cl",
        "lower_ci99_8": "lower99_8cl",
        "upper_ci99_8": "upper99_8cl",
        "g_lower": "lowercl",
        "g_upper": "uppercl",
        "method": "method",
    },
    "PHStatsMethods": {
        "value": "Value",
        "lower_ci95": "lower_95_ci",
        "upper_ci95": "upper_95_ci",
        "lower_ci99_8": "lower_99_8_ci",
        "upper_ci99_8": "upper_99_8_ci",
        "g_lower": "lower_95_ci",
        "g_upper": "upper_95_ci",
        "method": "Method",
    },
}


def close(actual, expected):
    np.testing.assert_allclose(
        np.asarray(actual, float), np.asarray(expected, float), rtol=1e-6, equal_nan=True
    )


@contextlib.contextmanager
def only_warnings(pattern):
    """Allow warnings (none, or several) provided each matches ``pattern``."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        yield record
    for warning in record:
        assert re.search(pattern, str(warning.message)), str(warning.message)


# The reference sheets end with rows whose numerator, denominator or both are missing
# (Area09-Area11); both packages give NA, and jsna gives NaN with a warning naming them.
MISSING = (
    r"(proportion|crude_rate): \d+ groups? ha(s|ve) a missing "
    r"(count \('Numerator'\)|denominator \('Denominator'\))"
)


@pytest.fixture(params=list(NAMES))
def package(request):
    return request.param


def test_proportion_reference(reference_dir, package):
    names = NAMES[package]
    ref = pd.read_excel(
        reference_dir / package / "testdata_Proportion.xlsx", sheet_name="testdata_Prop"
    )
    multiplier_column = "multiplier"
    assert len(ref) == 19
    for multiplier, rows in ref.groupby(multiplier_column):
        with only_warnings(MISSING):
            out = proportion(rows, "Numerator", "Denominator", multiplier=multiplier)
        close(out["value"], rows[names["value"]])
        for column in LIMITS:
            close(out[column], rows[names[column]])
        assert (out["method"] == "Wilson").all()


def test_proportion_grouped_reference(reference_dir, package):
    names = NAMES[package]
    data = pd.read_excel(
        reference_dir / package / "testdata_Proportion.xlsx", sheet_name="testdata_Prop"
    )
    ref = pd.read_excel(
        reference_dir / package / "testdata_Proportion.xlsx", sheet_name="testdata_Prop_g"
    )
    with only_warnings(MISSING) as record:
        out = proportion(data, "Numerator", "Denominator", by="Area", multiplier=1, confidence=0.95)
    messages = [str(w.message) for w in record]
    assert len(messages) == 2
    assert "missing count ('Numerator') ('Area09', 'Area11' (2 in all))" in messages[0]
    assert "missing denominator ('Denominator') ('Area10', 'Area11' (2 in all))" in messages[1]
    assert list(out["Area"]) == list(ref["Area"])
    close(out["Numerator"], ref["Numerator"])
    close(out["Denominator"], ref["Denominator"])
    close(out["value"], ref[names["value"]])
    close(out["lower_ci95"], ref[names["g_lower"]])
    close(out["upper_ci95"], ref[names["g_upper"]])
    assert "lower_ci99_8" not in out


def test_rate_reference(reference_dir, package):
    names = NAMES[package]
    ref = pd.read_excel(reference_dir / package / "testdata_Rate.xlsx", sheet_name="testdata_Rate")
    assert len(ref) == 20
    multiplier_column = "multiplier" if "multiplier" in ref else "Multiplier"
    for multiplier, rows in ref.groupby(multiplier_column):
        with only_warnings(MISSING):
            out = crude_rate(rows, "Numerator", "Denominator", multiplier=multiplier)
        close(out["value"], rows[names["value"]])
        for column in LIMITS:
            close(out[column], rows[names[column]])
        assert (
            out["method"].astype(object).fillna("none").tolist()
            == rows[names["method"]].fillna("none").tolist()
        )


def test_rate_grouped_reference(reference_dir, package):
    names = NAMES[package]
    data = pd.read_excel(reference_dir / package / "testdata_Rate.xlsx", sheet_name="testdata_Rate")
    ref = pd.read_excel(
        reference_dir / package / "testdata_Rate.xlsx", sheet_name="testdata_Rate_g"
    )
    with only_warnings(MISSING) as record:
        out = crude_rate(data, "Numerator", "Denominator", by="Area", confidence=0.95)
    assert len(record) == 2
    assert list(out["Area"]) == list(ref["Area"])
    close(out["value"], ref[names["value"]])
    close(out["lower_ci95"], ref[names["g_lower"]])
    close(out["upper_ci95"], ref[names["g_upper"]])
    assert (
        out["method"].astype(object).fillna("none").tolist()
        == ref[names["method"]].fillna("none").tolist()
    )


def test_mean_reference(reference_dir, package):
    names = NAMES[package]
    data = pd.read_excel(reference_dir / package / "testdata_Mean.xlsx", sheet_name="testdata_Mean")
    ref = pd.read_excel(
        reference_dir / package / "testdata_Mean.xlsx", sheet_name="testdata_Mean_results"
    )
    data = data.dropna()  # PHStatsMethods' sheet adds one NaN row, tested below
    grouped = mean_ci(data, "values", by="area")
    whole = mean_ci(data, "values")
    out = pd.concat([grouped, whole.assign(area="No grouping")], ignore_index=True)
    assert list(out["area"]) == list(ref["area"])
    for column in ["value_sum", "value_count", "stdev"]:
        close(out[column], ref[column])
    close(out["value"], ref[names["value"]])
    for column in LIMITS:
        close(out[column], ref[names[column]])


def test_mean_with_nan_reference(reference_dir):
    path = reference_dir / "PHStatsMethods" / "testdata_Mean.xlsx"
    data = pd.read_excel(path, sheet_name="testdata_Mean")
    ref = pd.read_excel(path, sheet_name="testdata_Mean_results_NA")
    with pytest.warns(UserWarning, match="1 group has a NaN value"):
        out = mean_ci(data, "values", by="area")
    # Area1 holds the NaN: NaN out, as the reference; Area2 unaffected
    assert out[["value", "stdev", "value_sum"] + LIMITS].iloc[0].isna().all()
    assert ref.loc[0, ["Value", "stdev", "value_sum", "lower_95_ci"]].isna().all()
    close(
        out.iloc[1][["value", "stdev"] + LIMITS].to_numpy(float),
        ref.iloc[1][
            ["Value", "stdev", "lower_95_ci", "upper_95_ci", "lower_99_8_ci", "upper_99_8_ci"]
        ].to_numpy(float),
    )
    # The reference's ungrouped NA row is inconsistent with itself: its value (3948.11) is the mean
    # of the 26 non-missing values (102650.968 / 26) but its value_sum (102221.33) is Area2's sum,
    # so it is not reproduced; jsna gives NaN for any group holding a NaN.
    no_grouping = ref.iloc[2]
    assert no_grouping["Value"] == pytest.approx(102650.968 / 26, rel=1e-6)
    assert no_grouping["value_sum"] != pytest.approx(102650.968, rel=1e-3)


# ---- edge cases -------------------------------------------------------------------------------


def test_count_zero_gives_lower_zero_and_real_upper():
    df = pd.DataFrame({"n": [0], "d": [1000]})
    rate = crude_rate(df, "n", "d")
    assert rate["value"][0] == 0 and rate["lower_ci95"][0] == 0 and rate["lower_ci99_8"][0] == 0
    assert rate["upper_ci95"][0] == pytest.approx(3.688879454 / 1000 * 100_000, rel=1e-6)
    assert rate["upper_ci99_8"][0] == pytest.approx(6.907755279 / 1000 * 100_000, rel=1e-6)
    share = proportion(df, "n", "d")
    assert share["lower_ci95"][0] == 0 and share["upper_ci95"][0] > 0


def test_count_equal_denominator_gives_upper_limit_multiplier():
    out = proportion(pd.DataFrame({"n": [50], "d": [50]}), "n", "d")
    assert out["value"][0] == 100 and out["upper_ci95"][0] == 100 and out["lower_ci95"][0] < 100


def test_proportion_count_above_denominator_is_an_error():
    with pytest.raises(
        DataValidationError,
        match=r"count column 'n' is greater than denominator column 'd'.*count <= denominator",
    ):
        proportion(pd.DataFrame({"n": [5, 11], "d": [10, 10]}), "n", "d")


def test_rate_count_above_denominator_is_allowed():
    out = crude_rate(pd.DataFrame({"n": [250], "d": [220]}), "n", "d", multiplier=100)
    assert out["value"][0] == pytest.approx(113.6363636, rel=1e-6)


@pytest.mark.parametrize("verb", [proportion, crude_rate])
def test_denominator_zero_gives_nan_and_a_warning(verb):
    df = pd.DataFrame({"area": ["A", "B"], "n": [0, 1], "d": [0, 10]})
    with pytest.warns(UserWarning, match="1 group has a denominator of 0"):
        out = verb(df, "n", "d")
    assert out.loc[0, ["value"] + LIMITS].isna().all()
    assert out.loc[1, ["value"] + LIMITS].notna().all()


@pytest.mark.parametrize("verb", [proportion, crude_rate])
@pytest.mark.parametrize("column", ["n", "d"])
def test_negative_values_are_errors(verb, column):
    df = pd.DataFrame({"n": [1, 2], "d": [10, 10]})
    df.loc[1, column] = -3
    with pytest.raises(
        DataValidationError, match=rf"column '{column}' must be zero or more; found -3"
    ):
        verb(df, "n", "d")


@pytest.mark.parametrize("verb", [proportion, crude_rate])
def test_nan_inputs_give_nan_with_a_warning_naming_them(verb):
    df = pd.DataFrame({"g": ["a", "a", "b"], "n": [1.0, np.nan, 2.0], "d": [10.0, 10.0, 10.0]})
    with pytest.warns(
        UserWarning,
        match=r"1 group has a missing count \('n'\) \('a' \(1 in all\)\); value and limits",
    ):
        out = verb(df, "n", "d", by="g")
    assert out.loc[0, ["value"] + LIMITS].isna().all()
    assert out.loc[1, ["value"] + LIMITS].notna().all()
    rows = pd.DataFrame({"n": [3.0, 65.0, 4.0], "d": [np.nan, 100.0, np.nan]}, index=[10, 11, 12])
    with pytest.warns(
        UserWarning,
        match=r"2 groups have a missing denominator \('d'\); value and limits are NaN "
        r"\(rows 10, 12 \(2 in all\)\)",
    ):
        out = verb(rows, "n", "d")
    assert out["value"].isna().tolist() == [True, False, True]


@pytest.mark.parametrize(
    "verb", [proportion, crude_rate, lambda df, n, d, by=None: mean_ci(df, n, by=by)]
)
def test_empty_frame_is_an_error(verb):
    df = pd.DataFrame(
        {
            "g": pd.Series([], dtype=str),
            "n": pd.Series([], dtype=float),
            "d": pd.Series([], dtype=float),
        }
    )
    for by in (None, "g"):
        with pytest.raises(
            DataValidationError, match=r": the data have no rows; check your filter"
        ):
            verb(df, "n", "d", by=by)


@pytest.mark.parametrize("verb", [proportion, crude_rate])
@pytest.mark.parametrize("column", ["n", "d"])
@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_infinite_values_are_errors(verb, column, bad):
    df = pd.DataFrame({"n": [1.0, 2.0], "d": [10.0, 10.0]})
    df.loc[1, column] = bad
    with pytest.raises(
        DataValidationError,
        match=rf"column '{column}' has infinite values: -?inf \(1 in all\) "
        r"\(rows 1 \(1 in all\)\); correct them, or make them NaN",
    ):
        verb(df, "n", "d")


def test_fractional_counts_are_used_as_given():
    # Fingertips publishes some non-integer counts; Wilson and the exact Poisson limits take them.
    out = proportion(pd.DataFrame({"n": [2.5], "d": [10]}), "n", "d", confidence=0.95)
    z = 1.959963984540054
    p, n = 0.25, 10
    centre, half = p + z**2 / (2 * n), z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert out.loc[0, "value"] == 25.0
    assert out.loc[0, "lower_ci95"] == pytest.approx(
        100 * (centre - half) / (1 + z**2 / n), rel=1e-12
    )
    assert out.loc[0, "upper_ci95"] == pytest.approx(
        100 * (centre + half) / (1 + z**2 / n), rel=1e-12
    )
    rate = crude_rate(pd.DataFrame({"n": [2.5], "d": [1000]}), "n", "d", confidence=0.95)
    # exact limits at a count of 2.5: the gamma quantiles (chi-squared with 5 and 7 df, halved)
    from scipy import stats

    assert rate.loc[0, "lower_ci95"] == pytest.approx(stats.chi2.ppf(0.025, 5) / 2 * 100, rel=1e-9)
    assert rate.loc[0, "upper_ci95"] == pytest.approx(stats.chi2.ppf(0.975, 7) / 2 * 100, rel=1e-9)


def test_one_row_groups():
    df = pd.DataFrame({"g": ["a", "b", "b"], "n": [3, 4, 5], "d": [10, 10, 10]})
    out = proportion(df, "n", "d", by="g")
    assert out["n"].tolist() == [3, 9] and out["d"].tolist() == [10, 20]
    with pytest.warns(UserWarning, match="fewer than 2 values"):
        means = mean_ci(df, "n", by="g")
    assert means.loc[0, "value"] == 3 and np.isnan(means.loc[0, "lower_ci95"])


@pytest.mark.parametrize("confidence", [95, (95, 99.8), 0, 1.5])
def test_percentage_confidence_is_refused(confidence):
    with pytest.raises(DataValidationError, match=r"confidence=.*(0\.95|between 0 and 1)"):
        proportion(pd.DataFrame({"n": [1], "d": [2]}), "n", "d", confidence=confidence)


def test_confidence_95_message_suggests_the_fix():
    with pytest.raises(DataValidationError, match="did you mean 0.95"):
        crude_rate(pd.DataFrame({"n": [1], "d": [2]}), "n", "d", confidence=95)


def test_single_level_gives_only_its_pair():
    out = proportion(pd.DataFrame({"n": [1], "d": [2]}), "n", "d", confidence=0.998)
    assert "lower_ci99_8" in out and "lower_ci95" not in out


def test_input_is_not_mutated():
    df = pd.DataFrame({"g": ["a", "a"], "n": [1, 2], "d": [10, 10]})
    before = df.copy()
    proportion(df, "n", "d")
    crude_rate(df, "n", "d", by="g")
    mean_ci(df, "n", by="g")
    pd.testing.assert_frame_equal(df, before)


def test_missing_column_and_text_values_are_named():
    df = pd.DataFrame({"n": ["1", "x"], "d": [10, 10]})
    with pytest.raises(DataValidationError, match="count='num' is not a column"):
        proportion(df, "num", "d")
    with pytest.raises(
        DataValidationError, match="count column 'n' has values that are not numbers: 'x'"
    ):
        proportion(df, "n", "d")


def test_mean_of_an_infinite_value_is_an_error():
    with pytest.raises(DataValidationError, match=r"value column 'x' has infinite values: inf"):
        mean_ci(pd.DataFrame({"x": [1.0, np.inf]}), "x")
