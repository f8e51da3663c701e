"""Array-level interval helpers against the PHEindicatormethods / PHStatsMethods values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.exceptions import DataValidationError
from jsna.stats import intervals

PACKAGES = ["PHEindicatormethods", "PHStatsMethods"]


@pytest.fixture(params=PACKAGES)
def byars_wilson(request, reference_dir):
    data = pd.read_excel(reference_dir / request.param / "testdata_Byars_Wilson.xlsx")
    data["level"] = data["confidence"].map({"95%": 0.95, "99.8%": 0.998})
    return data


def test_byars_reference_values(byars_wilson):
    rows = byars_wilson[byars_wilson["method"] == "Byars"]
    assert len(rows) == 7
    for level, group in rows.groupby("level"):
        lower, upper = intervals.byars(group["x"], level)
        np.testing.assert_allclose(upper, group["uppercl"], rtol=1e-6)
        # the count of 1 at 99.8% has no Byar's lower limit (the cubed term is negative): NaN
        np.testing.assert_allclose(lower, group["lowercl"], rtol=1e-6, equal_nan=True)
    assert rows["lowercl"].isna().sum() == 1


def test_wilson_reference_values(byars_wilson):
    rows = byars_wilson[byars_wilson["method"] == "Wilson"]
    assert len(rows) == 6
    for level, group in rows.groupby("level"):
        lower, upper = intervals.wilson(group["x"], group["n"], level)
        np.testing.assert_allclose(lower, group["lowercl"], rtol=1e-6)
        np.testing.assert_allclose(upper, group["uppercl"], rtol=1e-6)


def test_exact_poisson_matches_chi_squared_definition():
    from scipy import stats

    counts = np.array([1, 2, 5, 9, 30])
    lower, upper = intervals.exact_poisson(counts, 0.95)
    np.testing.assert_allclose(lower, stats.chi2.ppf(0.025, 2 * counts) / 2, rtol=1e-12)
    np.testing.assert_allclose(upper, stats.chi2.ppf(0.975, 2 * counts + 2) / 2, rtol=1e-12)


def test_poisson_switches_from_exact_to_byars_at_ten():
    lower, upper = intervals.poisson([0, 9, 10], 0.95)
    exact = intervals.exact_poisson([0, 9], 0.95)
    byars = intervals.byars([10], 0.95)
    assert lower[0] == 0 and upper[0] == pytest.approx(3.688879, rel=1e-6)
    assert lower[1] == exact[0][1] and upper[1] == exact[1][1]
    assert lower[2] == byars[0][0] and upper[2] == byars[1][0]


def test_dobson_is_value_plus_scaled_poisson_offsets():
    value, total, variance = 1043.0248, 895.0, 1.3656619e-05
    lower, upper = intervals.dobson([value], [total], [variance], 0.95, 10_000)
    blo, bhi = intervals.byars([total], 0.95)
    scale = np.sqrt(variance / total) * 10_000
    assert lower[0] == pytest.approx(value + scale * (blo[0] - total), rel=1e-12)
    assert upper[0] == pytest.approx(value + scale * (bhi[0] - total), rel=1e-12)
    assert np.isnan(intervals.dobson([1.0], [0.0], [0.0])[0][0])


def test_student_t_reference(reference_dir):
    results = pd.read_excel(
        reference_dir / "PHEindicatormethods" / "testdata_Mean.xlsx",
        sheet_name="testdata_Mean_results",
    )
    for level, lo, hi in [
        (0.95, "lower95_0cl", "upper95_0cl"),
        (0.998, "lower99_8cl", "upper99_8cl"),
    ]:
        lower, upper = intervals.student_t(
            results["value"], results["stdev"], results["value_count"], level
        )
        np.testing.assert_allclose(lower, results[lo], rtol=1e-6)
        np.testing.assert_allclose(upper, results[hi], rtol=1e-6)
    assert np.isnan(intervals.student_t([1.0], [np.nan], [1])[0][0])


@pytest.mark.parametrize("level", [95, 0, 1, -0.5, "0.95"])
def test_bad_confidence_is_refused(level):
    with pytest.raises(DataValidationError, match="confidence"):
        intervals.poisson([5], level)
