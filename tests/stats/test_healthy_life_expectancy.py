"""Sullivan health expectancy against the Euro-REVES practical guide (1997), tables 1 and 3.

Euro-REVES, *Practical guide on health expectancy calculation: the Sullivan method*
(Hauet, Jagger et al., June 1996, revised 1997): French women 1991, life table
``l_x`` and ``nL_x``, the prevalence of disability by age and its variance. Table 1
gives the disability-free person-years and life expectancy, table 3 (equation 21)
the variance and standard error. The rows printed in full are 65, 70, 75, 80 and
85+ (table 1 prints the 85+ prevalence of being free of disability as 0.710, its
disability prevalence; its own column 5, 83,967 = 0.290 x 289,068, and table 3 give
0.290).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from jsna.exceptions import DataValidationError
from jsna.stats.healthy_life_expectancy import healthy_life_expectancy, sullivan
from jsna.stats.life_expectancy import life_expectancy

EUROREVES = pd.DataFrame(
    {
        "age": [65, 70, 75, 80, 85],
        "lx": [89367, 84968, 78012, 66625, 48532],
        "Lx": [436589, 408793, 364013, 290533, 289068],
        "disabled": [0.196, 0.286, 0.370, 0.513, 0.710],
        "var": [0.000281, 0.000507, 0.000675, 0.000914, 0.000805],
    }
)


def test_euroreves_table_1_and_3():
    df = EUROREVES.assign(free=1 - EUROREVES["disabled"], se=np.sqrt(EUROREVES["var"]))
    out = sullivan(df, "lx", "Lx", "free", by=None, se="se", confidence=0.95)
    # table 1 column 6 (disability-free person-years from x; computed by the guide from
    # unrounded prevalences, printed to 3 decimals here, hence 0.2%) and column 7
    np.testing.assert_allclose(
        out["value"] * df["lx"], [1_097_520, 746_643, 454_701, 225_526, 83_967], rtol=2e-3
    )
    np.testing.assert_allclose(out["value"], [12.3, 8.8, 5.8, 3.4, 1.7], atol=0.05)
    # table 3 column 7 (variance, 4 decimals) and column 8 (standard error)
    np.testing.assert_allclose(out["se"] ** 2, [0.0466, 0.0441, 0.0384, 0.0325, 0.0285], atol=6e-5)
    np.testing.assert_allclose(out["se"], [0.22, 0.21, 0.20, 0.18, 0.17], atol=0.005)
    z = 1.959963984540054
    np.testing.assert_allclose(out["upper_ci95"] - out["value"], z * out["se"])


def test_sample_size_variance_and_groups():
    df = pd.concat(
        [EUROREVES.assign(g="a", n=500), EUROREVES.assign(g="b", n=2000)], ignore_index=True
    ).assign(free=lambda d: 1 - d["disabled"])
    out = sullivan(df, "lx", "Lx", "free", by="g", sample_size="n", confidence=0.95)
    a, b = out[out["g"] == "a"], out[out["g"] == "b"]
    np.testing.assert_allclose(a["value"].to_numpy(), b["value"].to_numpy())
    np.testing.assert_allclose(a["se"].to_numpy(), 2 * b["se"].to_numpy())  # 4x the sample
    last = a.iloc[-1]
    expected = np.sqrt(0.29 * 0.71 / 500) * 289068 / 48532
    assert last["se"] == pytest.approx(expected)


STARTS = [0, 1, *range(5, 95, 5)]
POPS = [7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209, 56416,
        46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936]  # fmt: skip
DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605,
          1936, 1937]  # fmt: skip


def test_from_deaths_everyone_healthy_gives_life_expectancy_and_halving_halves():
    df = pd.DataFrame({"age": STARTS, "pop": POPS, "deaths": DEATHS, "good": 1.0, "n": 1000})
    le = life_expectancy(df, "deaths", "pop", by=None, age_band="age", confidence=0.95)
    out = healthy_life_expectancy(
        df, "deaths", "pop", "good", by=None, age_band="age", sample_size="n", confidence=0.95
    )
    np.testing.assert_allclose(out["value"], le["value"], rtol=1e-12)
    np.testing.assert_allclose(out["life_expectancy"], le["value"], rtol=1e-12)
    assert (out["se"] == 0).all()  # a prevalence of 1 has no sampling variance
    half = healthy_life_expectancy(
        df.assign(good=0.5), "deaths", "pop", "good", by=None, age_band="age", sample_size="n"
    )
    np.testing.assert_allclose(half["value"], le["value"] / 2, rtol=1e-12)
    assert half["statistic"].iloc[14] == "healthy life expectancy at age 65"


def test_from_deaths_rows_in_any_order_and_invalid_groups():
    df = pd.DataFrame({"age": STARTS, "pop": POPS, "deaths": DEATHS})
    df["good"] = np.linspace(0.97, 0.4, 20)
    both = pd.concat([df.assign(g="x"), df.assign(g="y", deaths=0)], ignore_index=True)
    shuffled = both.sample(frac=1, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        out = healthy_life_expectancy(shuffled, "deaths", "pop", "good", by="g", age_band="age")
    x = out[out["g"] == "x"]
    assert x["age"].tolist() == STARTS
    lx = life_expectancy(df, "deaths", "pop", by=None, age_band="age", life_table=True)
    expected = (df["good"] * lx["nLx"])[::-1].cumsum()[::-1] / lx["lx"]
    np.testing.assert_allclose(x["value"], expected, rtol=1e-12)
    assert out.loc[out["g"] == "y", "value"].isna().all()


def test_errors():
    df = EUROREVES.assign(free=1 - EUROREVES["disabled"])
    with pytest.raises(DataValidationError, match="outside 0-1"):
        sullivan(df.assign(free=df["free"] * 100), "lx", "Lx", "free", by=None)
    with pytest.raises(DataValidationError, match="not both"):
        sullivan(df.assign(n=1, s=0.1), "lx", "Lx", "free", by=None, sample_size="n", se="s")
    with pytest.raises(DataValidationError, match="0 or less"):
        sullivan(df.assign(n=0), "lx", "Lx", "free", by=None, sample_size="n")
