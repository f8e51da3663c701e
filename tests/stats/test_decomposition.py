"""Arriaga's decomposition by age and cause: published worked examples and exact additivity.

Worked examples:

* age: the United States female life tables of 1935 and 1995 of Preston, Heuveline &
  Guillot (2001), *Demography*, box 3.4 p. 65 (``l_x`` and ``e_x`` as printed in
  Ponnapalli 2005, Demographic Research 12(7), appendix I, and in the R package
  decompositionLE's ``us_females``). Ponnapalli's symmetric Arriaga results (the
  average of the decomposition in both directions; his table for Arriaga's method
  on the grouped ages 0, 5, 15, 25, 45, 65, 85+, as transcribed in decompositionLE's
  ``tests/testthat/test-decomp_age.R``) and decompositionLE's printed output for all
  19 bands (README) are reproduced;
* cause: the India and China males 1990 age-and-cause example (Murray & Lopez 1996,
  used by Preston, Heuveline & Guillot 2001, section 4.5), shares of each age's
  contribution from eq. 4.13, against decompositionLE's README output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsna.exceptions import DataValidationError
from jsna.stats.decomposition import arriaga, arriaga_effects, cause_shares
from jsna.stats.life_expectancy import life_expectancy

# --- Preston, Heuveline & Guillot (2001) box 3.4: US females 1935 (1) and 1995 (2) -------------
L1 = np.array([1.00000, .95458, .93887, .93174, .92613, .91681, .90341, .88746, .86997, .84847,
               .82368, .79012, .74539, .68688, .60779, .50757, .38276, .23930, .12281])  # fmt: skip
E1 = np.array([63.32, 65.32, 62.39, 57.85, 53.19, 48.70, 44.38, 40.14, 35.89, 31.74, 27.61,
               23.67, 19.94, 16.41, 13.21, 10.31, 7.82, 6.03, 4.49])  # fmt: skip
L2 = np.array([1.00000, .99321, .99179, .99096, .98999, .98772, .98524, .98206, .97769, .97152,
               .96298, .95048, .93085, .90071, .85504, .78775, .69655, .57275, .41424])  # fmt: skip
E2 = np.array([79.00, 78.54, 74.65, 69.71, 64.78, 59.92, 55.06, 50.23, 45.45, 40.72, 36.06,
               31.49, 27.10, 22.92, 19.00, 15.40, 12.07, 9.12, 6.62])  # fmt: skip


def table(ell, e, rows=slice(None)):
    ell, e = ell[rows], e[rows]
    big_t = ell * e
    return ell, big_t - np.append(big_t[1:], 0.0), big_t


def symmetric(rows=slice(None)):
    forward = arriaga_effects(*table(L1, E1, rows), *table(L2, E2, rows))
    backward = arriaga_effects(*table(L2, E2, rows), *table(L1, E1, rows))
    return [(f - b) / 2 for f, b in zip(forward, backward, strict=True)]


def test_us_females_contributions_add_to_the_gap():
    effects = arriaga_effects(*table(L1, E1), *table(L2, E2))
    total = sum(effects)
    assert total.sum() == pytest.approx(79.00 - 63.32, abs=1e-12)
    # the open 85+ band is all direct: l_85^1 (e_85^2 - e_85^1)
    assert total[-1] == pytest.approx(0.12281 * (6.62 - 4.49), abs=1e-12)
    assert effects[1][-1] == 0 and effects[2][-1] == 0
    # Arriaga's direct effect at age 0: nL0^2/l0^2 - nL0^1/l0^1
    assert effects[0][0] == pytest.approx(0.0265, abs=5e-5)


def test_ponnapalli_grouped_table():
    # ages 0, 5, 15, 25, 45, 65, 85+; published to 2 decimals from rounded inputs:
    # agreement to 0.015 years (the paper's own rows differ from their sums by up to 0.01)
    rows = [0, 2, 4, 6, 10, 14, 18]
    direct, indirect, interaction = symmetric(rows)
    np.testing.assert_allclose(direct, [0.22, 0.06, 0.08, 0.58, 1.18, 2.55, 0.57], atol=0.015)
    np.testing.assert_allclose(indirect[:-1], [3.63, 0.67, 0.94, 1.99, 2.19, 1.18], atol=0.015)
    np.testing.assert_allclose(
        interaction[:-1], [0.00, -0.00, -0.01, -0.02, -0.06, -0.07], atol=0.015
    )
    total = direct + indirect + interaction
    np.testing.assert_allclose(total, [3.85, 0.73, 1.01, 2.55, 3.31, 3.66, 0.57], atol=0.015)


def test_symmetric_arriaga_every_band_matches_decompositionle():
    direct, indirect, interaction = symmetric()
    total = direct + indirect + interaction
    printed = [2.8051081, 1.0399461, 0.4333348, 0.2976956, 0.4195021, 0.5990223, 0.6536626,
               0.5999136, 0.6600597, 0.6231166, 0.7428925, 0.8048068, 0.8333338, 0.9327126,
               0.9383034, 1.0030556, 1.0389165, 0.6826590, 0.5719583]  # fmt: skip
    np.testing.assert_allclose(total, printed, atol=1e-6)
    np.testing.assert_allclose(direct[[0, 9, 18]], [0.02645220, 0.03666408, 0.57195825], atol=1e-6)


# --- causes: India (1) and China (2), males 1990 -----------------------------------------------
M_INDIA = np.array([0.0267, 0.0025, 0.0021, 0.0043, 0.0139, 0.0388, 0.0929])
P_INDIA = np.array([[0.882, 0.073, 0.046], [0.504, 0.188, 0.309], [0.382, 0.223, 0.394],
                    [0.429, 0.315, 0.257], [0.304, 0.592, 0.104], [0.248, 0.722, 0.030],
                    [0.247, 0.728, 0.025]])  # fmt: skip
M_CHINA = np.array([0.0084, 0.0009, 0.0015, 0.0028, 0.0102, 0.0342, 0.1003])
P_CHINA = np.array([[0.677, 0.174, 0.149], [0.174, 0.337, 0.488], [0.068, 0.380, 0.552],
                    [0.101, 0.573, 0.326], [0.095, 0.796, 0.109], [0.070, 0.879, 0.051],
                    [0.084, 0.877, 0.039]])  # fmt: skip
N_DX = np.array([5.6, 0.8, 0.3, 0.6, 0.8, 0.3, -0.3])  # China minus India, by age


def test_india_china_cause_contributions():
    # the printed proportions of a row do not always add to exactly 1 (India at 0: 1.001):
    # a fourth "rounding" cause makes the cause rates add to the all-cause rate, as eq. 4.13
    # (and the package) assume
    def rates(m, p):
        return np.column_stack([m[:, None] * p, m * (1 - p.sum(axis=1))])

    shares = cause_shares(rates(M_INDIA, P_INDIA), rates(M_CHINA, P_CHINA))
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    got = N_DX[:, None] * shares[:, :3]
    # printed: communicable, non-communicable, injuries
    expected = [[5.4661508, 0.1491803, -0.007160656], [0.5517000, 0.0833500, 0.166650000],
                [0.3501000, -0.0508500, -0.000300000], [0.6247600, -0.0999600, 0.076920000],
                [0.7041297, 0.0236973, 0.072172973], [0.4714174, -0.1335783, -0.037839130],
                [0.5886932, -0.8242662, -0.064427027]]  # fmt: skip
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_cause_shares_sum_to_one_and_fall_back_when_rates_are_equal():
    r1 = np.array([[0.004, 0.002], [0.003, 0.001], [0.0, 0.0]])
    r2 = np.array([[0.002, 0.0015], [0.001, 0.003], [0.001, 0.0]])
    shares = cause_shares(r1, r2)
    np.testing.assert_allclose(shares.sum(1), 1.0)
    np.testing.assert_allclose(shares[1], [0.75, 0.25])  # all-cause rates equal: base deaths
    np.testing.assert_allclose(shares[2], [1.0, 0.0])  # base has no deaths: comparator's


# --- the DataFrame verb ---------------------------------------------------------------------------
AGES = [0, 1, *range(5, 95, 5)]
BASE_M = 0.00005 * np.exp(0.085 * np.array(AGES, dtype=float))


def frame(groups=("A",), ratios=(1.3, 1.0), causes=None, pop=20_000.0):
    """Two populations per group; ``causes`` maps cause -> (base share, comparator share)."""
    rows = []
    for g in groups:
        for q, ratio in zip((1, 5), ratios, strict=True):
            deaths = np.round(BASE_M * ratio * pop)
            if causes is None:
                rows.append(pd.DataFrame({"g": g, "q": q, "age": AGES, "pop": pop, "d": deaths}))
                continue
            for name, shares in causes.items():
                rows.append(
                    pd.DataFrame(
                        {
                            "g": g,
                            "q": q,
                            "age": AGES,
                            "pop": pop,
                            "cause": name,
                            "d": deaths * shares[0 if q == 1 else 1],
                        }  # fmt: skip
                    )
                )
    return pd.concat(rows, ignore_index=True)


def run(df, **kw):
    kw.setdefault("by", "g")
    return arriaga(df, "d", "pop", compare="q", base=1, comparator=5, age_band="age", **kw)


def test_frame_gap_matches_life_expectancy():
    df = frame(groups=("A", "B"))
    out = run(df)
    le = life_expectancy(df, "d", "pop", by=["g", "q"], age_band="age", confidence=0.95)
    at_birth = le[le["age"] == 0].set_index(["g", "q"])["value"]
    for g in ("A", "B"):
        rows = out[out["g"] == g]
        assert len(rows) == 20 and rows["age"].tolist() == AGES
        gap = at_birth[(g, 5)] - at_birth[(g, 1)]
        assert rows["gap"].iloc[0] == pytest.approx(gap, abs=1e-9)
        assert rows["contribution"].sum() == pytest.approx(gap, abs=1e-9)
        effects = rows[["direct", "indirect", "interaction"]].sum(axis=1)
        np.testing.assert_allclose(effects, rows["contribution"], atol=1e-12)
    assert "Arriaga" in out["method"].iloc[0]


def test_planted_cause_recovered():
    # the base has 30% more deaths, all of them circulatory: every extra death is circulatory
    causes = {"circulatory": (0.3 / 1.3 + 0.3 / 1.3, 0.3), "other": (1 - 0.6 / 1.3, 0.7)}
    out = run(frame(causes=causes), cause="cause")
    by_cause = out.groupby("cause")["contribution"].sum()
    gap = out["gap"].iloc[0]
    assert by_cause.sum() == pytest.approx(gap, abs=1e-9)
    # base circulatory rate 0.6 m, comparator 0.3 m; other 0.7 m in both (rounding aside)
    assert by_cause["circulatory"] == pytest.approx(gap, rel=0.02)
    assert abs(by_cause["other"]) < 0.02 * gap


def test_group_without_comparator_is_left_out_with_a_warning():
    df = frame(groups=("A", "B"))
    df = df[~((df["g"] == "B") & (df["q"] == 5))]
    with pytest.warns(UserWarning, match="left out: 'B'"):
        out = run(df)
    assert set(out["g"]) == {"A"}


def test_errors():
    df = frame()
    with pytest.raises(DataValidationError, match="no rows for 3"):
        arriaga(df, "d", "pop", compare="q", base=3, comparator=5, by="g", age_band="age")
    with pytest.raises(DataValidationError, match="both 1"):
        arriaga(df, "d", "pop", compare="q", base=1, comparator=1, by="g", age_band="age")
    bad = frame(causes={"a": (0.5, 0.5), "b": (0.5, 0.5)})
    bad.loc[0, "pop"] = 1.0
    with pytest.raises(DataValidationError, match="differs between the cause rows"):
        run(bad, cause="cause")


# --- property: contributions add up to the gap exactly ---------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    ratio=st.floats(0.5, 2.0),
    ncause=st.integers(1, 5),
    top85=st.booleans(),
)
def test_contributions_sum_to_the_gap(seed, ratio, ncause, top85):
    rng = np.random.default_rng(seed)
    ages = AGES[:-1] if top85 else AGES
    nb = len(ages)
    rows = []
    for q in (1, 5):
        pop = rng.uniform(2_000, 60_000, nb)
        m = BASE_M[:nb] * (ratio if q == 1 else 1.0) * rng.uniform(0.5, 1.5, nb)
        m[-1] = max(m[-1], 0.05)
        deaths = np.minimum(rng.poisson(m * pop) + (np.arange(nb) == nb - 1), pop)
        split = rng.dirichlet(np.ones(ncause), nb) * deaths[:, None]
        for c in range(ncause):
            rows.append(pd.DataFrame({"q": q, "age": ages, "pop": pop, "cause": f"c{c}",
                                      "d": split[:, c]}))  # fmt: skip
    df = pd.concat(rows, ignore_index=True)
    out = arriaga(df, "d", "pop", compare="q", base=1, comparator=5, by=None, age_band="age",
                  cause="cause")  # fmt: skip
    assert len(out) == nb * ncause
    gap = out["gap"].iloc[0]
    assert np.isfinite(gap)
    assert abs(out["contribution"].sum() - gap) < 1e-9
    by_band = out.groupby("age", sort=False)["contribution"].sum().to_numpy()
    band_total = out.drop_duplicates("age")[["direct", "indirect", "interaction"]].sum(axis=1)
    np.testing.assert_allclose(by_band, band_total.to_numpy(), atol=1e-9)
