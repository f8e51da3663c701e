"""funnel_limits and funnel_significance against the PHEindicatormethods funnel CSVs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.exceptions import DataValidationError
from jsna.stats import funnel_limits, funnel_significance

LEVELS = [("95", "2s"), ("99_8", "3s")]


def read(reference_dir, name):
    data = pd.read_csv(reference_dir / "PHEindicatormethods" / name, encoding="utf-8-sig")
    data.columns = [c.strip() for c in data.columns]
    return data


def close(actual, expected, **tolerance):
    np.testing.assert_allclose(
        np.asarray(actual, float), np.asarray(expected, float), **(tolerance or {"rtol": 1e-6})
    )


@pytest.mark.parametrize(
    "name, subset",
    [
        ("testdata_funnel_prop_outputs.csv", None),
        ("testdata_funnel_prop_outputs_with_axis_variation.csv", 31000),
    ],
)
def test_proportion_limits(reference_dir, name, subset):
    data = read(reference_dir, "testdata_funnel_prop_inputs.csv")
    if subset:
        data = data[data["denominator"] < subset]
    expected = read(reference_dir, name)
    out = funnel_limits(data, "numerator", "denominator", statistic="proportion", multiplier=100)
    assert len(out) == 100
    close(out["denominator"], expected["Population"], rtol=0)
    close(out["lower_ci95"], expected["Lower2s0025limit"])
    close(out["upper_ci95"], expected["Upper2s0025limit"])
    close(out["lower_ci99_8"], expected["Lower3s0001limit"])
    close(out["upper_ci99_8"], expected["Upper3s0001limit"])
    close(out["baseline"], expected["Baseline"])


def test_proportion_significance(reference_dir):
    data = read(reference_dir, "testdata_funnel_prop_inputs.csv")
    out = funnel_significance(
        data.drop(columns="significance"), "numerator", "denominator", statistic="proportion"
    )
    assert out["significance"].tolist() == data["significance"].tolist()


@pytest.mark.parametrize("ratio_type", ["count", "isr"])
def test_ratio_limits(reference_dir, ratio_type):
    data = read(reference_dir, "testdata_funnel_ratio_inputs.csv")
    expected = read(reference_dir, "testdata_funnel_ratio_outputs.csv")
    out = funnel_limits(data, "obs", "expected", statistic="ratio", ratio_type=ratio_type)
    close(out["observed"], expected["Observed_events"], rtol=0)
    for level, sigma in LEVELS:
        for side in ("lower", "upper"):
            close(out[f"expected_{side}_ci{level}"], expected[f"{side}_{sigma}_exp_events"])
            limit = out[f"{side}_ci{level}"]
            reference = expected[f"{side}_{sigma}_{ratio_type}"]
            if ratio_type == "count":
                # observed / expected - 1 crosses zero, so a relative tolerance means nothing
                # there; the ratio itself (limit + 1) is held to 1e-6 relative.
                close(limit + 1, reference + 1)
            else:
                close(limit, reference)


def test_ratio_significance(reference_dir):
    data = read(reference_dir, "testdata_funnel_ratio_inputs.csv")
    out = funnel_significance(
        data.drop(columns="significance"), "obs", "expected", statistic="ratio"
    )
    assert out["significance"].tolist() == data["significance"].tolist()


def _rate_cases(data):
    crude = data.assign(ev=np.where(data["ev"] == data["ev"].max(), 5, data["ev"]))
    zero = data[["ev", "rate"]].copy()
    zero["pop"] = 100_000 * zero["ev"] / zero["rate"]
    top = zero["ev"] == zero["ev"].max()
    zero.loc[top, ["rate", "ev"]] = 0
    zero = zero[zero["pop"] > zero["pop"].max() / 2]
    return [
        ("testdata_funnel_rate_outputs.csv", data, None, "dsr"),
        ("testdata_funnel_rate_outputs_2.csv", crude, None, "crude"),
        ("testdata_funnel_rate_outputs_3.csv", zero, "pop", "crude"),
    ]


@pytest.mark.parametrize("case", [0, 1, 2])
def test_rate_limits(reference_dir, case):
    data = read(reference_dir, "testdata_funnel_rate_input_funnels.csv")
    name, frame, denominator, rate_type = _rate_cases(data)[case]
    expected = read(reference_dir, name)
    out = funnel_limits(
        frame,
        "ev",
        denominator,
        statistic="rate",
        rate="rate",
        rate_type=rate_type,
        multiplier=100_000,
        years_of_data=3,
    )
    close(out["events"], expected["Events"], rtol=0)
    for level, sigma in LEVELS:
        for side in ("lower", "upper"):
            close(
                out[f"population_{side}_ci{level}"], expected[f"{side}_{sigma}_population_1_year"]
            )
            close(out[f"{side}_ci{level}"], expected[f"{side}_{sigma}_limit"])
    close(out["baseline"], expected["baseline"])
    assert out["statistic"][0] == expected["statistic"][0]


COLUMNS = {
    ("dsr", 100_000): "rate_dsr",
    ("dsr", 100): "rate_dsr",
    ("crude", 100_000): "rate_crude_per_100000",
    ("crude", 100): "rate_crude_per_100",
}


@pytest.mark.parametrize("rate_type", ["dsr", "crude"])
@pytest.mark.parametrize("multiplier", [100_000, 100])
@pytest.mark.parametrize("with_zero", [True, False])
def test_rate_significance(reference_dir, rate_type, multiplier, with_zero):
    data = read(reference_dir, "testdata_funnel_rate_dsr_inputs.csv")
    expected_column = f"{rate_type}_per_{multiplier}_{'with' if with_zero else 'without'}_0"
    if not with_zero:
        data = data[data["count"] > 0]
    rate = COLUMNS[rate_type, multiplier]
    if rate_type == "dsr" and multiplier == 100:
        data = data.assign(rate_dsr=data["rate_dsr"] / 1000)  # the DSRs are per 100,000
    out = funnel_significance(
        data,
        "count",
        "pop",
        statistic="rate",
        rate=rate,
        rate_type=rate_type,
        multiplier=multiplier,
    )
    assert out["significance"].tolist() == data[expected_column].tolist()


def test_errors():
    df = pd.DataFrame({"n": [5, 20], "d": [10, 10]})
    with pytest.raises(DataValidationError, match="count <= denominator"):
        funnel_limits(df, "n", "d", statistic="proportion")
    with pytest.raises(DataValidationError, match="statistic='mean' must be one of"):
        funnel_significance(df, "n", "d", statistic="mean")
    with pytest.raises(DataValidationError, match="rate_type=None must be 'dsr' or 'crude'"):
        funnel_limits(df, "n", "d", statistic="rate", rate="n")
    with pytest.raises(DataValidationError, match="give every area a count"):
        funnel_significance(df.assign(n=[np.nan, 1]), "n", "d", statistic="ratio")
