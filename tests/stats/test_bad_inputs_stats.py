"""Bad inputs to the statistics (jsna.stats).

Every kind of bad input gives a :class:`~jsna.exceptions.JSNAError` whose
message names what is wrong and says what to do, or NaN with a warning where
the published method says so - never a silently wrong number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna import stats
from jsna.exceptions import DataValidationError
from jsna.stats import ESP2013

SEFTON = "E08000014"

ESP_BANDS = list(ESP2013)
LE_FRAME = pd.DataFrame(
    {  # PHEindicatormethods life expectancy example: 80.1696 at birth
        "age": [0, 1, *range(5, 95, 5)],
        "pop": [
            7060,
            35059,
            46974,
            48489,
            43219,
            38561,
            46009,
            57208,
            61435,
            55601,
            50209,
            56416,
            46411,
            39820,
            37978,
            37039,
            33288,
            23306,
            11936,
            11936,
        ],
        "deaths": [
            17,
            9,
            4,
            8,
            20,
            15,
            24,
            33,
            50,
            71,
            100,
            163,
            263,
            304,
            536,
            872,
            1390,
            1605,
            1936,
            1937,
        ],
    }
)
SII_FRAME = pd.DataFrame(
    {  # PHEindicatormethods SII example: 7.00 (3.19 to 10.86)
        "decile": range(1, 11),
        "pop": [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534],
        "le": [75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3],
        "se": [1.64, 1.58, 1.51, 1.78, 1.7, 1.56, 1.37, 1.4, 2.43, 1.57],
    }
)


def test_negative_count():
    df = pd.DataFrame({"area": ["A", "B"], "n": [-1, 65], "d": [100, 100]})
    with pytest.raises(
        DataValidationError,
        match=r"count column 'n' must be zero or more; found -1.*correct or remove",
    ):
        stats.proportion(df, "n", "d")


def test_count_above_denominator():
    df = pd.DataFrame({"n": [120, 65], "d": [100, 100]})
    with pytest.raises(
        DataValidationError,
        match=r"'n' is greater than denominator column 'd'.*120.*count <= denominator",
    ):
        stats.proportion(df, "n", "d")


def test_zero_denominator_gives_nan_with_warning():
    df = pd.DataFrame({"area": ["A", "B"], "n": [3, 65], "d": [0, 100]})
    with pytest.warns(
        UserWarning, match=r"crude_rate: 1 group has a denominator of 0; value and limits are NaN"
    ):
        out = stats.crude_rate(df, "n", "d", multiplier=100, confidence=0.95)
    assert np.isnan(out.loc[0, "value"])
    assert out.loc[1, "value"] == pytest.approx(65.0)
    assert out.loc[1, "lower_ci95"] == pytest.approx(50.1632, abs=1e-4)


def test_missing_denominator_gives_nan_with_warning():
    df = pd.DataFrame({"n": [3, 65], "d": [np.nan, 100]})
    with pytest.warns(UserWarning, match=r"denominator"):
        out = stats.proportion(df, "n", "d")
    assert np.isnan(out.loc[0, "value"])


def test_text_in_numeric_column():
    df = pd.DataFrame({"n": ["3", "five"], "d": [10, 10]})
    with pytest.raises(
        DataValidationError,
        match=r"count column 'n' has values that are not numbers: 'five'.*clean them",
    ):
        stats.proportion(df, "n", "d")


def test_confidence_given_as_a_percentage():
    df = pd.DataFrame({"area": "A", "age": ESP_BANDS, "deaths": 10, "pop": 1000})
    with pytest.raises(
        DataValidationError,
        match=r"confidence=95 is not a level between 0 and 1; did you mean 0.95\?",
    ):
        stats.dsr(df, "deaths", "pop", by="area", age_band="age", confidence=95)


def test_column_that_does_not_exist():
    df = pd.DataFrame({"n": [3], "d": [10]})
    with pytest.raises(
        DataValidationError,
        match=r"count='count' is not a column of the data; columns are 'n', 'd'",
    ):
        stats.proportion(df, "count", "d")


def test_dsr_missing_age_band():
    df = pd.DataFrame({"area": "A", "age": ESP_BANDS, "deaths": 10, "pop": 1000}).iloc[1:]
    with pytest.raises(DataValidationError, match=r"0-4"):
        stats.dsr(df, "deaths", "pop", by="area", age_band="age")


def test_life_expectancy_missing_age_band_gives_nan_with_warning():
    with pytest.warns(
        UserWarning, match=r"missing age band \(all 20 bands 0, 1-4, ..., 90\+ are needed\)"
    ):
        out = stats.life_expectancy(
            LE_FRAME.drop(index=5), "deaths", "pop", by=None, age_band="age"
        )
    assert out["value"].isna().all()
    complete = stats.life_expectancy(
        LE_FRAME, "deaths", "pop", by=None, age_band="age", confidence=0.95
    )
    assert complete.loc[0, "value"] == pytest.approx(80.1696, abs=1e-4)


def test_duplicate_age_band_rows():
    df = pd.DataFrame({"area": "A", "age": ESP_BANDS, "deaths": 10, "pop": 1000})
    with pytest.raises(
        DataValidationError,
        match=r"age_band '0-4' .* appears more than once in a group; give one row per",
    ):
        stats.dsr(pd.concat([df, df.iloc[:1]]), "deaths", "pop", by="area", age_band="age")


def test_dsr_fewer_than_10_events_is_nan_with_warning():
    df = pd.DataFrame({"area": "A", "age": ESP_BANDS, "deaths": [5] + [0] * 18, "pop": 1000})
    with pytest.warns(UserWarning, match=r"dsr: 1 group has fewer than 10 events"):
        out = stats.dsr(df, "deaths", "pop", by="area", age_band="age")
    assert (
        np.isnan(out.loc[0, "value"])
        and out.loc[0, "value_note"] == "not calculated for fewer than 10 events"
    )


def test_deaths_above_population_is_nan_with_warning():
    bad = LE_FRAME.assign(deaths=[8000, *LE_FRAME["deaths"].tolist()[1:]])
    with pytest.warns(UserWarning, match=r"more deaths than population in an age band"):
        out = stats.life_expectancy(bad, "deaths", "pop", by=None, age_band="age")
    assert out["value"].isna().all()


def test_isr_zero_reference_denominator():
    df = pd.DataFrame(
        {
            "area": ["A", "A"],
            "age": ["0-64", "65+"],
            "deaths": [10, 30],
            "pop": [1000, 500],
            "rd": [50, 300],
            "rp": [0, 5000],
        }
    )
    with pytest.raises(
        DataValidationError,
        match=r"ref_denominator 'rp' must be greater than zero in every band; found 0",
    ):
        stats.isr(df, "deaths", "pop", "rd", "rp", by="area")


def test_group_all_nan_gives_nan_with_warning():
    df = pd.DataFrame({"ward": ["A", "A", "B", "B"], "x": [np.nan, np.nan, 4.0, 6.0]})
    with pytest.warns(UserWarning, match=r"mean_ci: 1 group has a NaN value \('A'"):
        out = stats.mean_ci(df, "x", by="ward", confidence=0.95)
    assert np.isnan(out.loc[0, "value"])
    assert out.loc[1, "value"] == 5.0
    assert out.loc[1, "upper_ci95"] == pytest.approx(17.7062, abs=1e-4)


def test_quantiles_of_an_all_nan_group_are_nan_with_warning():
    df = pd.DataFrame({"g": ["A"] * 3 + ["B"] * 3, "v": [np.nan] * 3 + [1.0, 2.0, 3.0]})
    with pytest.warns(
        UserWarning,
        match=r"fewer than 3 areas with values, so no quantiles are assigned \(NaN\): 'A'",
    ):
        out = stats.quantiles(df, "v", by="g", n=3)
    assert out["quantile"].iloc[:3].isna().all()
    assert out["quantile"].iloc[3:].tolist() == [3.0, 2.0, 1.0]


def test_sii_group_missing_a_quantile_is_nan_with_warning():
    two = pd.concat([SII_FRAME.assign(area="A"), SII_FRAME.assign(area="B").iloc[1:]])
    with pytest.warns(
        UserWarning,
        match=r"not exactly one row for each of the 10 quantiles; their SII and RII are NaN: 'B'",
    ):
        out = stats.sii(two, "le", "pop", "decile", by="area", se="se", repetitions=1000)
    a = out[(out["area"] == "A") & (out["statistic"] == "sii")]["value"].item()
    assert a == pytest.approx(7.00, abs=0.01)
    assert out[out["area"] == "B"]["value"].isna().all()


def test_sii_duplicate_quantile():
    with pytest.raises(
        DataValidationError,
        match=r"quantile 1 appears 2 times; each group needs one row per quantile",
    ):
        stats.sii(
            pd.concat([SII_FRAME, SII_FRAME.iloc[:1]]), "le", "pop", "decile", by=None, se="se"
        )


def test_unknown_polarity():
    df = pd.DataFrame({"value": [10.0], "lower_ci95": [8.0], "upper_ci95": [11.0]})
    with pytest.raises(
        DataValidationError,
        match=r"polarity='higher is better' is neither one of 'high is good', 'low is good'",
    ):
        stats.compare(df, 12.0, polarity="higher is better")


def test_compare_swapped_limits():
    df = pd.DataFrame(
        {"value": [10.0, 12.0], "lower_ci95": [11.0, 13.0], "upper_ci95": [8.0, 11.0]}
    )
    with pytest.raises(DataValidationError, match=r"lower_ci95.*upper_ci95"):
        stats.compare(df, 12.0, polarity="low is good")


def test_duplicate_area_period_rows_in_a_trend():
    df = pd.DataFrame(
        {
            "area": SEFTON,
            "year": range(2015, 2021),
            "value": [10.0, 11, 12, 13, 14, 15],
            "lower_ci95": [9.5, 10.5, 11.5, 12.5, 13.5, 14.5],
            "upper_ci95": [10.5, 11.5, 12.5, 13.5, 14.5, 15.5],
        }
    )
    with pytest.raises(
        DataValidationError,
        match=r"period .*2020.* appears more than once in a group; give one row per group and "
        r"period",
    ):
        stats.recent_trend(pd.concat([df, df.iloc[-1:]]), by="area", period="year")
    few = stats.recent_trend(df.iloc[:3], by="area", period="year")
    assert few.loc[0, "recent_trend"] == "Cannot be calculated" and np.isnan(
        few.loc[0, "chi_squared"]
    )


def test_infinite_count():
    df = pd.DataFrame({"n": [np.inf], "d": [100]})
    with pytest.raises(DataValidationError, match=r"'n'"):
        stats.crude_rate(df, "n", "d")


def test_empty_frame_to_a_statistic():
    with pytest.raises(DataValidationError, match=r"no rows"):
        stats.proportion(pd.DataFrame({"n": [], "d": []}), "n", "d")
