"""Columns of the wrong kind and confidence levels of other float types (issue 12).

Booleans, dates and durations are not counts: the verbs refuse them, naming the column,
instead of reading True as 1 or a date as nanoseconds since 1970. A ``numpy.float32``
confidence of 0.95 names its columns ``lower_ci95``, not ``lower_ci94_99999881``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna import stats
from jsna.columns import numeric_column
from jsna.exceptions import DataValidationError
from jsna.stats.common import ci_columns, confidence_levels

BASE = pd.DataFrame({"area": ["A", "B", "C"], "n": [3, 5, 8], "d": [100, 200, 300]})


def frame_with(**columns) -> pd.DataFrame:
    return BASE.assign(**columns)


@pytest.mark.parametrize(
    "values, kind",
    [
        ([True, False, True], "true/false"),
        (pd.array([True, False, None], dtype="boolean"), "true/false"),
        (pd.Series([True, False, True], dtype=object), "true/false"),
        (pd.Series([True, 2, None], dtype=object), "true/false"),
        (pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"]), "dates"),
        (pd.to_datetime(["2020-01-01"] * 3).tz_localize("UTC"), "dates"),
        (pd.to_timedelta([1, 2, 3], unit="D"), "durations"),
    ],
)
def test_proportion_refuses_counts_that_are_not_numbers(values, kind):
    with pytest.raises(DataValidationError, match=rf"count column 'n' holds {kind}") as info:
        stats.proportion(frame_with(n=values), "n", "d")
    assert "\n" not in str(info.value)


def test_crude_rate_refuses_a_boolean_denominator():
    with pytest.raises(DataValidationError, match=r"denominator column 'd' holds true/false"):
        stats.crude_rate(frame_with(d=[True, True, True]), "n", "d")


def test_mean_ci_refuses_dates():
    df = frame_with(v=pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"]))
    with pytest.raises(DataValidationError, match=r"value column 'v' holds dates"):
        stats.mean_ci(df, "v")


def test_life_expectancy_refuses_boolean_deaths():
    df = pd.DataFrame(
        {
            "age": [0, 1, *range(5, 95, 5)],
            "pop": [1000] * 20,
            "deaths": [True] * 20,
        }
    )
    with pytest.raises(DataValidationError, match=r"deaths column 'deaths' holds true/false"):
        stats.life_expectancy(df, "deaths", "pop", age_band="age", by=None)


def test_numeric_column_names_the_fix():
    with pytest.raises(DataValidationError, match=r"convert it to counts") as info:
        numeric_column(pd.DataFrame({"n": [True]}), "n", "count")
    assert "'n'" in str(info.value)


def test_numeric_column_still_reads_numbers_and_numeric_text():
    df = pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": ["1.5", None]})
    assert np.allclose(numeric_column(df, "a", "count"), [1.0, np.nan], equal_nan=True)
    assert np.allclose(numeric_column(df, "b", "count"), [1.5, np.nan], equal_nan=True)


@pytest.mark.parametrize("level", [np.float32(0.95), np.float16(0.95), 0.95000000001])
def test_float32_confidence_names_columns_cleanly(level):
    out = stats.proportion(BASE, "n", "d", confidence=level)
    assert "lower_ci95" in out.columns and "upper_ci95" in out.columns
    reference = stats.proportion(BASE, "n", "d", confidence=0.95)
    assert np.allclose(out["lower_ci95"], reference["lower_ci95"])


def test_float32_confidence_pair():
    out = stats.crude_rate(BASE, "n", "d", confidence=(np.float32(0.95), np.float32(0.998)))
    assert {"lower_ci95", "upper_ci99_8"} <= set(out.columns)


def test_confidence_levels_are_clean_floats():
    assert confidence_levels(np.float32(0.998)) == (0.998,)
    assert type(confidence_levels(np.float32(0.95))[0]) is float
    assert ci_columns(np.float32(0.95)) == ("lower_ci95", "upper_ci95")
    assert ci_columns(0.998) == ("lower_ci99_8", "upper_ci99_8")
    assert confidence_levels(0.9) == (0.9,) and confidence_levels(0.999) == (0.999,)


def test_the_same_level_twice_refused():
    with pytest.raises(DataValidationError, match=r"confidence.*0.95.*more than once"):
        stats.proportion(BASE, "n", "d", confidence=(0.95, np.float32(0.95)))


def test_nan_confidence_refused():
    with pytest.raises(DataValidationError, match=r"confidence=nan"):
        stats.proportion(BASE, "n", "d", confidence=float("nan"))
