"""Prevalence gaps: age bands, expected counts, apportionment, diagnosis ratio.

(jsna.analysis.prevalence)
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.prevalence import (
    age_band_map,
    apportion,
    authority_gaps,
    diagnosis_gradient,
    diagnosis_ratio,
    expected_counts,
    practice_gaps,
    sex_averaged,
)
from jsna.exceptions import DataValidationError
from jsna.io.datapack import DataPack
from jsna.meta import meta, note
from jsna.stats import intervals
from jsna.stats.rates import crude_rate

CM = [
    "E08000011",
    "E08000012",
    "E08000013",
    "E08000014",
    "E08000015",
    "E06000006",
    "E06000007",
    "E06000049",
    "E06000050",
]


# ----------------------------------------------------------------- age bands


def test_bands_tile_and_below_model():
    m = age_band_map(["16-34", "35-44", "45-54", "55-64", "65-74", "75+"], range(91))
    assert not m.loc[m["age"] == 15, "in_model"].item()
    assert m.loc[m["age"] == 90, "age_band"].item() == "75+"
    assert m["age_band"].notna().sum() == 75


@pytest.mark.parametrize(
    "bands, message",
    [
        (["16-34", "45-54", "55+"], "gap"),
        (["16-40", "35-44", "45+"], "overlap"),
        (["16-34", "35-74"], "older than the oldest"),
    ],
)
def test_bands_that_do_not_tile(bands, message):
    with pytest.raises(DataValidationError, match=message):
        age_band_map(bands, range(91))


def test_population_band_straddles():
    with pytest.raises(DataValidationError, match="straddle"):
        age_band_map(["16-34", "35+"], ["0-15", "16-39", "40+"])
    ok = age_band_map(["16-34", "35+"], ["0-15", "16-24", "25-34", "35+"])
    assert ok["age_band"].tolist()[1:] == ["16-34", "16-34", "35+"] and pd.isna(
        ok["age_band"].iloc[0]
    )


def test_expected_counts_by_hand_and_min_age():
    pop = pd.DataFrame(
        {
            "area": "A",
            "sex": ["Male", "Female", "Male", "Female"],
            "age": [10, 10, 50, 90],
            "population": [100.0, 100.0, 200.0, 50.0],
        }
    )
    rates = pd.DataFrame(
        {
            "condition": "DM",
            "sex": ["Male", "Female"] * 2,
            "age_band": ["16-64", "16-64", "65+", "65+"],
            "rate": [0.05, 0.04, 0.2, 0.3],
        }
    )
    out = expected_counts(pop, rates, by="area")
    # DM counts from 17: the 10-year-olds are left out of the population too
    assert out["population"].item() == 250.0
    assert out["expected"].item() == pytest.approx(200 * 0.05 + 50 * 0.3)
    everyone = expected_counts(pop, rates, by="area", min_age=0)
    assert (
        everyone["population"].item() == 450.0 and everyone["population_modelled"].item() == 250.0
    )


def test_persons_population_needs_sex_averaged_rates():
    pop = pd.DataFrame({"sex": "Persons", "age": [20, 80], "population": [10.0, 10.0]})
    rates = pd.DataFrame(
        {
            "condition": "HYP",
            "sex": ["Male", "Female"] * 2,
            "age_band": ["16-64", "16-64", "65+", "65+"],
            "rate": [0.1, 0.2, 0.6, 0.7],
        }
    )
    with pytest.raises(DataValidationError, match="sex_averaged"):
        expected_counts(pop, rates)
    out = expected_counts(pop, sex_averaged(rates))
    assert out["expected"].item() == pytest.approx(10 * 0.15 + 10 * 0.65)


def test_rates_as_percentages_refused():
    pop = pd.DataFrame({"sex": "Male", "age": [20], "population": [10.0]})
    rates = pd.DataFrame({"condition": "HYP", "sex": "Male", "age_band": ["16+"], "rate": [15.0]})
    with pytest.raises(DataValidationError, match="fractions"):
        expected_counts(pop, rates)


# ----------------------------------------------------------------- apportionment


def test_apportion_preserves_totals_exactly():
    rng = np.random.default_rng(5)
    n_practice, n_lsoa = 40, 60
    practices = [f"P{i:02d}" for i in range(n_practice)]
    patients = pd.DataFrame(
        {
            "practice_code": np.repeat(practices, n_lsoa),
            "lsoa21_code": np.tile([f"E01{i:06d}" for i in range(n_lsoa)], n_practice),
            "patients": rng.poisson(rng.gamma(0.3, 30, n_practice * n_lsoa)),
        }
    )
    frame = pd.DataFrame(
        {
            "practice_code": np.repeat(practices, 2),
            "condition": ["HYP", "DM"] * n_practice,
            "register": rng.integers(0, 3000, 2 * n_practice),
            "list_size": rng.integers(3000, 20000, 2 * n_practice),
        }
    )
    frame.loc[0, "register"] = 0  # a zero register
    before = frame.copy()
    out = apportion(frame, patients, values=["register", "list_size"], by="condition")
    pd.testing.assert_frame_equal(frame, before)  # input not mutated
    sums = out.groupby(["practice_code", "condition"])[["register", "list_size"]].sum()
    want = frame.set_index(["practice_code", "condition"])[["register", "list_size"]].astype(float)
    pd.testing.assert_frame_equal(sums.sort_index(), want.sort_index())
    assert (out["register"] == np.round(out["register"])).all()
    # whole-number shares are within 1 of the proportional share
    exact = (
        out["share"] * out.merge(frame, on=["practice_code", "condition"])["register_y"].to_numpy()
    )
    assert (np.abs(out["register"] - exact) < 1).all()
    assert (
        out.loc[out["practice_code"].eq("P00") & out["condition"].eq("HYP"), "register"].eq(0).all()
    )


def test_apportion_missing_practice_reported_not_dropped():
    patients = pd.DataFrame(
        {"practice_code": "P1", "lsoa21_code": ["A", "B"], "patients": [30, 10]}
    )
    frame = pd.DataFrame({"practice_code": ["P1", "P2"], "register": [8, 5]})
    with pytest.warns(UserWarning, match="P2"):
        out = apportion(frame, patients, values="register")
    assert meta(out, "unallocated_practices") == ["P2"]
    assert out["register"].sum() == 13
    assert out[out["practice_code"] == "P2"]["lsoa21_code"].isna().all()
    assert out.set_index("lsoa21_code").loc[["A", "B"], "register"].tolist() == [6, 2]


def test_apportion_weights():
    patients = pd.DataFrame(
        {"practice_code": "P1", "lsoa21_code": ["A", "B"], "patients": [50, 50]}
    )
    frame = pd.DataFrame({"practice_code": ["P1"], "register": [30]})
    weights = pd.DataFrame({"lsoa21_code": ["A", "B"], "weight": [0.1, 0.2]})
    out = apportion(frame, patients, values="register", weights=weights)
    assert out["register"].tolist() == [10, 20]
    with pytest.raises(DataValidationError, match="no value for LSOAs"):
        apportion(frame, patients, values="register", weights=weights.iloc[:1])


# ----------------------------------------------------------------- diagnosis ratio


def test_diagnosis_ratio_limits_match_stats():
    df = pd.DataFrame(
        {
            "area": list("ABCDE"),
            "o": [0, 3, 9, 10, 2500],
            "e": [4.0, 5.0, 12.0, 8.0, 3000.0],
            "n": [100, 100, 200, 200, 20000],
        }
    )
    out = diagnosis_ratio(df, "o", "e", by="area", denominator="n")
    # O/E limits are crude-rate limits with E as the denominator (multiplier 1)
    rate = crude_rate(df, "o", "e", by="area", multiplier=1)
    for col in ("value", "lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8"):
        np.testing.assert_allclose(out[col], rate[col], rtol=1e-12)
    assert out["method"].tolist() == ["Exact", "Exact", "Exact", "Byars", "Byars"]
    lo, hi = intervals.byars([2500], 0.95)
    assert out["undiagnosed"].iloc[4] == 500
    assert out["undiagnosed_lower_ci95"].iloc[4] == pytest.approx(3000 - hi[0])
    assert out["undiagnosed_upper_ci95"].iloc[4] == pytest.approx(3000 - lo[0])
    lo0, hi0 = intervals.exact_poisson([0], 0.95)
    assert out["value"].iloc[0] == 0 and out["lower_ci95"].iloc[0] == 0  # a zero register
    assert out["upper_ci95"].iloc[0] == pytest.approx(hi0[0] / 4.0)
    assert out["recorded_pct"].tolist()[:2] == [0.0, 3.0]
    assert out["expected_pct"].iloc[1] == 5.0
    assert out["rank"].tolist() == [1, 2, 3, 5, 4]


def test_diagnosis_ratio_zero_expected_warns():
    df = pd.DataFrame({"area": ["A", "B"], "o": [1, 2], "e": [0.0, 2.0]})
    with pytest.warns(UserWarning, match="expected count of 0"):
        out = diagnosis_ratio(df, "o", "e", by="area")
    assert np.isnan(out["value"].iloc[0]) and out["value"].iloc[1] == 1.0


def test_gradient_recovers_linear_truth():
    rng = np.random.default_rng(1)
    rows = []
    for p in range(30):
        mix = rng.dirichlet(np.full(5, 0.5))
        for q in range(1, 6):
            e = 400 * mix[q - 1]
            rows.append((f"P{p}", q, e, 0.6 + 0.05 * (q - 1)))
    cells = pd.DataFrame(rows, columns=["practice_code", "imd_quintile", "expected", "theta"])
    mu = (cells["expected"] * cells["theta"]).groupby(cells["practice_code"]).sum()
    registers = pd.Series(rng.poisson(mu), index=mu.index)
    first = ~cells["practice_code"].duplicated()
    cells["register"] = np.where(first, cells["practice_code"].map(registers), 0)
    out = diagnosis_gradient(cells, by=None)
    truth = [0.6, 0.65, 0.7, 0.75, 0.8, 0.2]
    assert ((out["lower_ci95"] <= truth) & (truth <= out["upper_ci95"])).all()


# ----------------------------------------------------------------- real pack: the nine authorities


@pytest.fixture(scope="module")
def real(shared_data):
    return DataPack.open(shared_data)


def test_hypertension_gap_nine_authorities(real):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gaps = authority_gaps(real, "HYP")
    assert gaps["area_code"].tolist() == CM
    sefton = gaps.set_index("area_code").loc["E08000014"]
    # Checked by hand from the CSVs: mid-2020 Sefton population by age; HSE 2022 rates, the
    # three hypertensive groups summed and averaged over men and women (16-34 4.5%, 35-44 14.5%,
    # 45-54 26%, 55-64 40.5%, 65-74 57.5%, 75+ 68.5%) -> 73,938.155 expected of 275,899
    # residents = 26.799%;
    # applied to the 2019/20 list of 291,034.55 -> E = 77,994.33 against a register of 50,071.16.
    assert sefton["resident_population"] == 275_899
    assert sefton["expected_pct"] == pytest.approx(26.7989934722489, abs=1e-9)
    assert sefton["observed"] == pytest.approx(50_071.1608593386)
    assert sefton["expected"] == pytest.approx(77_994.32971225586)
    assert sefton["value"] == pytest.approx(0.6419846294476267)
    assert sefton["undiagnosed"] == pytest.approx(27_923.16885291726)
    assert sefton["lower_ci95"] == pytest.approx(0.6363736423358669)
    assert sefton["upper_ci95"] == pytest.approx(0.64763278184012)
    assert sefton["recorded_pct"] == pytest.approx(17.204541893851076)
    # every authority: ratio between 0.55 and 0.75, and the C&M total gap
    assert gaps["value"].between(0.55, 0.75).all()
    assert gaps.set_index("area_code").loc["E08000012", "value"] == pytest.approx(0.687, abs=5e-4)
    assert gaps.set_index("area_code").loc["E06000049", "rank"] == 1
    assert gaps["undiagnosed"].sum() == pytest.approx(229_064.85, abs=0.01)
    assert "mean of the male and female rates" in note(gaps)
    assert "2019/20" in note(gaps) and "mid-2020" in note(gaps)


# ---------------------------------------------------------- demo pack: planted under-diagnosis


@pytest.fixture(scope="module")
def demo():
    from jsna.config import project_paths
    from jsna.demo.pack import DEMO_AREA_CODE, ensure_demo_pack, load_truth

    path = ensure_demo_pack(project_paths().demo_pack)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gaps = practice_gaps(DataPack.open(path), DEMO_AREA_CODE)
    return gaps, load_truth(path)["prevalence"]


def test_demo_truth_recovered(demo):
    gaps, truth = demo
    for condition, planted in truth["conditions"].items():
        # by quintile of residence (modelled): the planted ratio lies within the 95% limits
        g = gaps["gradient"][gaps["gradient"]["condition"] == condition].set_index("imd_quintile")
        for q, ratio in planted["true_oe_by_imd_quintile"].items():
            assert g.loc[q, "lower_ci95"] <= ratio <= g.loc[q, "upper_ci95"], (condition, q)
        gap = planted["true_oe_by_imd_quintile"]["5"] - planted["true_oe_by_imd_quintile"]["1"]
        assert g.loc["5 minus 1", "lower_ci95"] <= gap <= g.loc["5 minus 1", "upper_ci95"]
        # the authority: expected cases within 1% and the true ratio within the limits
        area = gaps["area"][gaps["area"]["condition"] == condition].iloc[0]
        assert area["expected"] == pytest.approx(planted["authority_expected_cases"], rel=0.01)
        assert area["observed"] == planted["authority_register"]
        assert area["lower_ci95"] <= planted["authority_true_oe"] <= area["upper_ci95"]
    practice = gaps["practice"]
    true = [
        truth["practices"][p][c]["true_oe"]
        for p, c in zip(practice["practice_code"], practice["condition"], strict=True)
    ]
    inside = (practice["lower_ci95"] <= true) & (true <= practice["upper_ci95"])
    assert inside.mean() >= 0.9


def test_demo_apportioned_totals(demo):
    gaps, truth = demo
    cells, practice = gaps["cells"], gaps["practice"]
    sums = cells.groupby(["condition", "practice_code"])[["register", "list_size"]].sum()
    mine = practice.set_index(["condition", "practice_code"])[["observed", "list_size"]]
    np.testing.assert_array_equal(sums.loc[mine.index].to_numpy(), mine.to_numpy())
    for level in ("ward", "quintile", "pcn"):
        frame = gaps[level]
        total = frame.groupby("condition")["observed"].sum()
        want = gaps["area"].set_index("condition")["observed"]
        np.testing.assert_array_equal(total.loc[want.index].to_numpy(), want.to_numpy())
    assert gaps["ward"]["ward_code"].nunique() == 22
