"""Deprivation: editions, Core20 shares (real C&M figures), profiles, gradients, gap, SII."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.analysis.deprivation import (
    area_deprivation,
    attach_imd,
    by_deprivation,
    core20_shares,
    deprivation_profile,
    gap,
    inequality_indices,
    local_quantiles,
)
from jsna.exceptions import DataValidationError, GeographyError
from jsna.io.datapack import DataPack
from jsna.meta import meta, note, with_meta

# SOURCES.md: share of LSOAs in national IMD deciles 1-2 per authority, and mid-2020 totals.
IOD2025 = {
    "E08000011": 54.0,
    "E08000012": 53.6,
    "E06000006": 45.0,
    "E08000013": 36.4,
    "E08000015": 32.5,
    "E08000014": 27.2,
    "E06000050": 16.2,
    "E06000007": 15.9,
    "E06000049": 8.6,
}
IOD2019 = {
    "E08000011": 63.3,
    "E08000012": 62.8,
    "E06000006": 49.4,
    "E08000013": 42.0,
    "E08000015": 35.0,
    "E08000014": 31.2,
    "E06000007": 18.9,
    "E06000050": 16.0,
    "E06000049": 7.7,
}
POPULATION = {
    "E08000012": 500_474,
    "E06000049": 386_667,
    "E06000050": 343_823,
    "E08000015": 324_336,
    "E08000014": 275_899,
    "E06000007": 209_397,
    "E08000013": 181_095,
    "E08000011": 152_452,
    "E06000006": 129_759,
}


@pytest.fixture(scope="module")
def real_pack(shared_data):
    return DataPack.open(shared_data)


def _imd(codes, deciles, scores=None, edition="IoD2025", vintage="lsoa21"):
    imd = pd.DataFrame(
        {
            f"{vintage}_code": codes,
            "imd_score": np.nan if scores is None else scores,
            "imd_rank": np.arange(1, len(codes) + 1),
            "imd_decile": deciles,
        }
    )
    with_meta(imd, edition=edition)
    return imd


# ------------------------------------------------------------------------ real pack: Core20 shares
@pytest.mark.parametrize(("edition", "expected"), [("IoD2025", IOD2025), ("IoD2019", IOD2019)])
def test_core20_lsoa_shares_match_sources_with_population_shares_beside(
    real_pack, edition, expected
):
    shares = core20_shares(real_pack, edition, areas=list(expected))
    assert shares["edition"].unique().tolist() == [edition]
    got = dict(zip(shares["area_code"], shares["core20_lsoa_share"].round(1), strict=True))
    assert got == expected
    # most deprived first, as SOURCES.md lists them
    assert shares["area_code"].tolist() == list(expected)
    # residents: the mid-2020 totals, all of them counted, and a real population-weighted share
    assert dict(zip(shares["area_code"], shares["population"], strict=True)) == pytest.approx(
        POPULATION
    )
    assert shares["core20_population_share"].between(1, 99).all()
    assert (shares["core20_population_share"] - shares["core20_lsoa_share"]).abs().max() < 5
    assert "Welsh LSOAs" in note(shares)


def test_core20_shares_cover_every_english_authority(real_pack):
    shares = core20_shares(real_pack, "IoD2025")
    assert len(shares) == 296
    assert shares["n_lsoas"].sum() == 33_755
    # shares of residents only where the pack's population covers every LSOA
    assert shares["population"].notna().sum() == 9
    # the national share of LSOAs in deciles 1-2 is 20% by construction
    assert shares["core20_lsoas"].sum() / shares["n_lsoas"].sum() == pytest.approx(0.2, abs=0.001)


def test_iod2019_has_no_scores_so_weighted_score_is_nan(real_pack):
    shares = core20_shares(real_pack, "IoD2019", areas=["E08000014"])
    assert shares["imd_score"].isna().all() and shares["core20_lsoas"].item() == 59


def test_unknown_area_in_core20_shares(real_pack):
    with pytest.raises(GeographyError, match="E09999999"):
        core20_shares(real_pack, "IoD2025", areas=["E09999999"])


# ----------------------------------------------------------------------------- real pack: wards
def test_sefton_ward_core20_shares(real_pack):
    dep = area_deprivation(real_pack, "E08000014")
    wards = dep["ward"]
    assert len(wards) == 22 and not wards["no_lsoa"].any()
    assert wards["core20_lsoas"].sum() == 52 == dep["area"]["core20_lsoas"].item()
    assert round(dep["area"]["core20_lsoa_share"].item(), 1) == 27.2
    assert wards["population"].sum() == pytest.approx(275_899)
    assert wards["core20_lsoa_share"].between(0, 100).all()
    assert wards["core20_population_share"].between(0, 100).all()
    # population-weighted ward scores average back to the authority's score
    weighted = np.average(wards["imd_score"], weights=wards["population"])
    assert weighted == pytest.approx(dep["area"]["imd_score"].item())
    # Sefton's south (Bootle) wards are the Core20 wards; Southport's Harington is not
    by_name = wards.set_index("wd24_name")
    assert by_name.loc["Linacre", "core20_lsoa_share"] > 80
    assert by_name.loc["Harington", "core20_lsoa_share"] == 0
    assert sorted(wards["local_quintile"].value_counts().index) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_liverpool_ward_core20_shares_with_waterfront_north_as_no_data(real_pack):
    dep = area_deprivation(real_pack, "E08000012")
    wards = dep["ward"]
    assert len(wards) == 64
    no_data = wards[wards["no_lsoa"]]
    assert no_data["wd24_code"].tolist() == ["E05015332"]
    assert no_data["wd24_name"].tolist() == ["Waterfront North"]
    assert (
        no_data[["core20_lsoa_share", "core20_population_share", "imd_score"]].isna().all(axis=None)
    )
    assert pd.isna(no_data["core20_ward"].item())
    rest = wards[~wards["no_lsoa"]]
    assert rest["core20_lsoa_share"].notna().all() and rest["n_lsoas"].gt(0).all()
    assert rest["core20_lsoas"].sum() == 162
    assert rest["population"].sum() == pytest.approx(500_474)


def test_real_ward_with_all_lsoas_in_one_quintile(real_pack):
    wards = area_deprivation(real_pack, "E08000012")["ward"].set_index("wd24_name")
    county = wards.loc["County"]
    assert county["core20_lsoa_share"] == 100 and county["population_share_q1"] == 100
    assert county[[f"population_share_q{q}" for q in range(2, 6)]].sum() == 0
    assert bool(county["core20_ward"])


# ----------------------------------------------------------------------------- editions
def test_edition_mixing_is_an_error(real_pack):
    lsoa21 = pd.DataFrame({"lsoa21_code": ["E01006412"]})
    with pytest.raises(GeographyError, match="IoD2019 is on LSOA11 but the data are on LSOA21"):
        attach_imd(lsoa21, real_pack.read("imd", edition="IoD2019"))
    with pytest.raises(GeographyError, match="never mix"):
        area_deprivation(real_pack, "E08000014", edition="IoD2019")


def test_lsoa_missing_from_imd_is_reported_and_left_out_of_shares():
    lookup = pd.DataFrame(
        {"lsoa21_code": ["A", "B", "C"], "wd24_code": ["W1", "W1", "W1"], "wd24_name": "One"}
    )
    imd = _imd(["A", "B"], [1, 9], [40.0, 5.0])
    with pytest.warns(UserWarning, match=r"1 LSOAs missing from IoD2025 did not match: 'C'"):
        prof = deprivation_profile(
            lookup, imd, pd.Series([100.0, 100.0, 100.0], index=["A", "B", "C"])
        )
    row = prof.iloc[0]
    assert (row["n_lsoas"], row["lsoas_with_imd"], row["core20_lsoas"]) == (3, 2, 1)
    assert row["core20_lsoa_share"] == 50 and row["population"] == 200 and row["imd_score"] == 22.5
    with pytest.raises(GeographyError, match="did not match: 'C'"):
        deprivation_profile(lookup, imd, unmatched="raise")


# -------------------------------------------------------------------------- profiles and quantiles
def test_profile_of_a_ward_whose_lsoas_are_all_in_one_quintile():
    lookup = pd.DataFrame(
        {
            "lsoa21_code": list("ABCDE"),
            "wd24_code": ["W1", "W1", "W1", "W2", "W2"],
            "wd24_name": ["One"] * 3 + ["Two"] * 2,
            "lad24_code": "L",
            "lad24_name": "Ell",
        }
    )
    imd = _imd(list("ABCDE"), [3, 4, 4, 1, 10], [30.0, 25.0, 24.0, 60.0, 2.0])
    pop = pd.Series([1000.0, 2000.0, 1000.0, 500.0, 1500.0], index=list("ABCDE"))
    prof = deprivation_profile(lookup, imd, pop)
    one = prof.set_index("wd24_code").loc["W1"]
    assert one["population_share_q2"] == 100
    assert (
        one[
            [
                "population_share_q1",
                "population_share_q3",
                "population_share_q4",
                "population_share_q5",
            ]
        ].sum()
        == 0
    )
    assert one["core20_lsoas"] == 0 and one["core20_population_share"] == 0
    assert one["imd_score"] == pytest.approx((30 * 1000 + 25 * 2000 + 24 * 1000) / 4000)
    two = prof.set_index("wd24_code").loc["W2"]
    assert two["core20_lsoa_share"] == 50 and two["core20_population_share"] == 25
    assert two["lad24_code"] == "L"
    # at authority level: weighted score, never an average of ranks
    lad = deprivation_profile(lookup, imd, pop, level="lad")
    assert lad["imd_score"].item() == pytest.approx((30e3 + 50e3 + 24e3 + 30e3 + 3e3) / 6000)


def test_profile_population_incomplete_gives_nan_not_partial_sums():
    lookup = pd.DataFrame({"lsoa21_code": ["A", "B"], "wd24_code": ["W1", "W1"]})
    imd = _imd(["A", "B"], [1, 5], [50.0, 20.0])
    prof = deprivation_profile(lookup, imd, pd.Series([100.0], index=["A"]))
    assert prof["core20_lsoa_share"].item() == 50
    assert prof[["population", "core20_population_share", "imd_score"]].isna().all(axis=None)


def test_profile_rejects_repeated_lsoas_and_bad_level():
    lookup = pd.DataFrame({"lsoa21_code": ["A", "A"], "wd24_code": ["W1", "W2"]})
    with pytest.raises(DataValidationError, match="more than once: 'A'"):
        deprivation_profile(lookup, _imd(["A"], [1]))
    with pytest.raises(DataValidationError, match="level='lsoa'"):
        deprivation_profile(lookup, _imd(["A"], [1]), level="lsoa")


def test_profile_does_not_mutate_inputs():
    lookup = pd.DataFrame({"lsoa21_code": ["A", "B"], "wd24_code": ["W1", "W1"]})
    imd = _imd(["A", "B"], [1, 5], [50.0, 20.0])
    before = lookup.copy(), imd.copy()
    deprivation_profile(lookup, imd)
    pd.testing.assert_frame_equal(lookup, before[0])
    pd.testing.assert_frame_equal(imd, before[1])


def test_local_quantiles_use_scores_or_ranks():
    frame = pd.DataFrame({"imd_score": np.arange(10.0, 0, -1), "imd_rank": np.arange(1, 11)})
    by_score = local_quantiles(frame, 5)
    assert by_score["local_quintile"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert meta(by_score, "local_quintile_by") == "imd_score"
    no_scores = frame.assign(imd_score=np.nan)
    by_rank = local_quantiles(no_scores, 10)
    assert by_rank["local_decile"].tolist() == list(range(1, 11))
    assert meta(by_rank, "local_decile_by") == "imd_rank"
    with pytest.raises(DataValidationError, match="imd_score"):
        local_quantiles(pd.DataFrame({"x": [1]}))


def test_real_local_quintiles_differ_from_national(real_pack):
    lsoas = area_deprivation(real_pack, "E06000049")["lsoa"]  # Cheshire East: few Core20 LSOAs
    assert lsoas["local_quintile"].value_counts().min() >= 0.15 * len(lsoas)
    assert (lsoas["imd_quintile"] == 1).mean() < 0.1


# ----------------------------------------------------------------------------- gradients, gap, SII
def _lsoa_counts():
    return pd.DataFrame(
        {
            "imd_quintile": [1, 1, 2, 3, 4, 5, 5],
            "smokers": [150, 150, 250, 200, 150, 50, 50],
            "adults": [500, 500, 1000, 1000, 1000, 500, 500],
        }
    )


def test_by_deprivation_sums_counts_then_computes_wilson():
    out = by_deprivation(_lsoa_counts(), "smokers", "adults", confidence=0.95)
    assert out["imd_quintile"].tolist() == [1, 2, 3, 4, 5]
    assert out["smokers"].tolist() == [300, 250, 200, 150, 100]
    assert out["value"].tolist() == pytest.approx([30, 25, 20, 15, 10])
    # Wilson 95% for 300/1000
    assert out.loc[0, "lower_ci95"] == pytest.approx(27.2407, abs=1e-3)
    assert out.loc[0, "upper_ci95"] == pytest.approx(32.9126, abs=1e-3)
    assert (out["method"] == "Wilson").all()


def test_by_deprivation_rates_dsr_and_missing_groups():
    counts = _lsoa_counts().assign(imd_quintile=[1, 1, 2, 3, 4, 5, None])
    with pytest.warns(UserWarning, match="1 row\\(s\\) have no 'imd_quintile'"):
        out = by_deprivation(
            counts, "smokers", "adults", kind="rate", multiplier=1000, confidence=0.95
        )
    assert out["value"].tolist() == pytest.approx([300, 250, 200, 150, 100])
    with pytest.raises(DataValidationError, match="age_band"):
        by_deprivation(_lsoa_counts(), "smokers", "adults", kind="dsr")
    with pytest.raises(DataValidationError, match="kind='odds'"):
        by_deprivation(_lsoa_counts(), "smokers", "adults", kind="odds")


def test_gap_most_against_least_deprived():
    table = by_deprivation(_lsoa_counts(), "smokers", "adults", confidence=0.95)
    g = gap(table)
    assert (g["most_group"].item(), g["least_group"].item()) == (1, 5)
    assert g["absolute_gap"].item() == pytest.approx(20)
    assert g["relative_gap"].item() == pytest.approx(3)
    assert g["absolute_lower_ci95"].item() < 20 < g["absolute_upper_ci95"].item()
    assert 1 < g["relative_lower_ci95"].item() < 3 < g["relative_upper_ci95"].item()
    # by group, and a Core20 flag compares True (Core20) with False
    flagged = pd.DataFrame(
        {
            "period": ["a", "a", "b", "b"],
            "core20": [True, False, True, False],
            "value": [30.0, 20.0, 25.0, 20.0],
            "lower_ci95": [28.0, 19.0, 23.0, 19.0],
            "upper_ci95": [32.0, 21.0, 27.0, 21.0],
        }
    )
    g2 = gap(flagged, group="core20", by="period")
    assert g2["absolute_gap"].tolist() == pytest.approx([10, 5])
    assert g2["most_group"].tolist() == [True, True]


def test_gap_missing_group_is_nan_with_warning():
    table = by_deprivation(_lsoa_counts(), "smokers", "adults", confidence=0.95)
    with pytest.warns(UserWarning, match="lack a value"):
        g = gap(table, least=9)
    assert np.isnan(g["absolute_gap"].item())


def test_sii_recovers_a_linear_gradient():
    # equal populations, proportions falling 5 points per quintile: slope -25 points over the scale
    table = by_deprivation(_lsoa_counts(), "smokers", "adults", confidence=0.95)
    out = inequality_indices(table, group="imd_quintile").set_index("statistic")
    assert out.loc["sii", "value"] == pytest.approx(-25)
    assert out.loc["sii", "lower_ci95"] < -25 < out.loc["sii", "upper_ci95"]
    # RII: fitted least deprived over most deprived = 7.5 / 32.5
    assert out.loc["rii", "value"] == pytest.approx(7.5 / 32.5)
    assert out.loc["sii", "intercept"] == pytest.approx(0.325)


def test_sii_for_rates_by_decile_with_by_groups():
    rows = []
    for period, slope in (("2022", 200.0), ("2023", 100.0)):
        for d in range(1, 11):
            rows.append(
                {
                    "period": period,
                    "imd_decile": d,
                    "events": 400 - slope * (d - 1) / 9,
                    "pop": 100_000,
                }
            )
    table = by_deprivation(
        pd.DataFrame(rows),
        "events",
        "pop",
        group="imd_decile",
        kind="rate",
        by="period",
        confidence=0.95,
    )
    out = inequality_indices(table, group="imd_decile", by="period")
    sii = out[out["statistic"] == "sii"].set_index("period")["value"]
    # the fitted slope across deciles 1..10 spans ranks 0.05..0.95:
    # -slope / 0.9 over the whole scale
    assert sii["2022"] == pytest.approx(-200 / 0.9)
    assert sii["2023"] == pytest.approx(-100 / 0.9)


# ------------------------------------------------------------------------- demo: planted gradients
def _planted(truth):
    """(indicator id, sex, true SII) for every planted ward gradient in the demo's truth.json."""
    out = []
    for key, entry in truth["indicators"].items():
        if "ward_gradient" in entry:
            out.append((int(key), entry["sex"], entry["ward_gradient"]["sii_latest"]))
        for sex, values in entry.get("by_sex", {}).items():
            if "ward_sii_wls" in values:
                out.append((int(key), sex, values["ward_sii_wls"]))
    return out


@pytest.fixture(scope="module")
def demo_gradients(demo_pack):
    from jsna.analysis.deprivation import inequality_summary, ward_indicators_by_deprivation
    from jsna.demo.pack import DEMO_AREA_CODE, load_truth

    pack = DataPack.open(demo_pack)
    wards = area_deprivation(pack, DEMO_AREA_CODE)["ward"]
    table = ward_indicators_by_deprivation(pack.read("indicators.fingertips"), wards)
    return inequality_summary(table).set_index(["indicator_id", "sex"]), _planted(
        load_truth(demo_pack)
    )


def test_demo_plants_gradients_in_ward_indicators(demo_gradients):
    summary, planted = demo_gradients
    assert len(planted) >= 9
    assert {(i, s) for i, s, _ in planted} == set(summary.index)


@pytest.mark.parametrize("case", range(13))
def test_demo_planted_gradient_within_sii_limits(demo_gradients, case):
    summary, planted = demo_gradients
    if case >= len(planted):
        pytest.skip("fewer planted gradients")
    indicator, sex, true = sorted(planted)[case]
    row = summary.loc[(indicator, sex)]
    assert row["sii_lower_ci95"] <= true <= row["sii_upper_ci95"], (
        indicator,
        sex,
        row["sii"],
        true,
    )
    assert np.sign(row["sii"]) == np.sign(true)
