"""life_expectancy: Chiang II with Silcocks' final-band variance, against PHEindicatormethods."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from jsna.exceptions import DataValidationError
from jsna.stats.intervals import z_value
from jsna.stats.life_expectancy import life_expectancy

LABELS = ["0", "1-4", *[f"{a}-{a + 4}" for a in range(5, 90, 5)], "90+"]
STARTS = [0, 1, *range(5, 95, 5)]
# df1 of PHEindicatormethods tests/testthat/testLifeExpectancy.R (also the R examples)
POPS = [
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
]
DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937]


def table(area="A", deaths=DEATHS, pops=POPS, labels=LABELS):
    return pd.DataFrame({"area": area, "age": labels, "deaths": deaths, "pop": pops})


def le(df, **kw):
    kw.setdefault("by", "area")
    kw.setdefault("age_band", "age")
    return life_expectancy(df, "deaths", "pop", **kw)


# --- reference values -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def df1(reference_dir):
    return pd.read_csv(reference_dir / "PHEindicatormethods" / "LE_example_df1.csv")


def test_reference_df1_every_start_age(df1):
    out = life_expectancy(df1, "deaths", "pops", by=None, age_band="startage", confidence=0.95)
    assert out["startage"].tolist() == df1["startage"].tolist()
    np.testing.assert_allclose(out["value"], df1["expected_le"], rtol=1e-6)
    # The transcribed limits were computed with z = 1.96; ours use the exact 1.959964,
    # which moves them by at most 8.6e-7 relative, inside the tolerance.
    np.testing.assert_allclose(out["lower_ci95"], df1["expected_lowercl95"], rtol=1e-6)
    np.testing.assert_allclose(out["upper_ci95"], df1["expected_uppercl95"], rtol=1e-6)


def test_reference_standard_errors_match_exactly_with_z_196(df1):
    out = life_expectancy(df1, "deaths", "pops", by=None, age_band="startage", confidence=0.95)
    se = (out["upper_ci95"] - out["lower_ci95"]) / (2 * z_value(0.95))
    expected_se = (df1["expected_uppercl95"] - df1["expected_lowercl95"]) / (2 * 1.96)
    np.testing.assert_allclose(se, expected_se, rtol=1e-7)


def test_reference_with_labels_in_any_row_order(df1):
    labelled = df1.assign(band=LABELS).sample(frac=1, random_state=3)
    out = life_expectancy(labelled, "deaths", "pops", by=None, age_band="band", confidence=0.95)
    assert out["band"].tolist() == LABELS  # ordered by age, not by input row
    np.testing.assert_allclose(out["value"], df1["expected_le"], rtol=1e-6)


# --- output shape ------------------------------------------------------------------------------


def test_groups_columns_and_order():
    df = pd.concat([table("B"), table("A")], ignore_index=True)
    out = le(df)
    assert list(out.columns) == [
        "area",
        "age",
        "value",
        "lower_ci95",
        "upper_ci95",
        "lower_ci99_8",
        "upper_ci99_8",
        "statistic",
        "method",
    ]
    assert out["area"].tolist() == ["B"] * 20 + ["A"] * 20  # first appearance
    np.testing.assert_array_equal(out["value"][:20], out["value"][20:])
    assert out["statistic"].iloc[14] == "life expectancy at age 65"
    assert "Silcocks" in out["method"].iloc[0] and "90+" in out["method"].iloc[0]
    lo95, hi95, lo99, hi99 = (
        out[c] for c in ["lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8"]
    )
    assert ((lo99 < lo95) & (lo95 < out["value"]) & (out["value"] < hi95) & (hi95 < hi99)).all()


def test_single_confidence_level_gives_one_pair():
    out = le(table(), confidence=0.998)
    assert [c for c in out.columns if "ci" in c] == ["lower_ci99_8", "upper_ci99_8"]


def test_confidence_as_percentage_is_refused():
    with pytest.raises(DataValidationError, match="0.95"):
        le(table(), confidence=95)


def test_several_grouping_columns_and_labels_like_under_one():
    df = table(labels=["<1", "1–4", *LABELS[2:-1], "90 +"]).assign(sex="F")
    out = le(df, by=["area", "sex"])
    np.testing.assert_allclose(out["value"], le(table())["value"])
    assert out["sex"].eq("F").all()


def test_input_is_not_mutated():
    df = table()
    before = df.copy()
    le(df)
    pd.testing.assert_frame_equal(df, before)


def test_empty_frame_is_an_error():
    with pytest.raises(
        DataValidationError, match="life_expectancy: the data have no rows; check your filter"
    ):
        le(table().iloc[:0])


# --- the PHE rules for invalid groups: NaN plus a warning ---------------------------------------


def invalid(rule_change, match):
    bad = table("bad")
    rule_change(bad)
    df = pd.concat([table("good"), bad], ignore_index=True)
    with pytest.warns(UserWarning, match=match):
        out = le(df)
    assert out.loc[out["area"] == "good", "value"].notna().all()
    rows = out[out["area"] == "bad"]
    assert rows[["value", "lower_ci95", "upper_ci95"]].isna().all().all()
    return out


def test_total_population_of_5000_or_less():
    def small(d):
        d["pop"] = 250  # 20 bands x 250 = 5,000
        d["deaths"] = 1

    invalid(small, "5,000 or less")


def test_deaths_more_than_population():
    invalid(
        lambda d: d.__setitem__("deaths", d["deaths"].where(d["age"] != "5-9", 50_000)),
        "more deaths than population",
    )


def test_negative_deaths():
    invalid(
        lambda d: d.__setitem__("deaths", d["deaths"].where(d["age"] != "5-9", -1)),
        "negative deaths",
    )


def test_zero_population():
    invalid(
        lambda d: d.__setitem__("pop", d["pop"].where(d["age"] != "5-9", 0)),
        "zero or negative population",
    )


def test_missing_death_count():
    invalid(
        lambda d: d.__setitem__("deaths", d["deaths"].where(d["age"] != "5-9", np.nan)), "missing"
    )


def test_no_deaths_in_final_band():
    invalid(
        lambda d: d.__setitem__("deaths", d["deaths"].where(d["age"] != "90+", 0)),
        "no deaths in the 90\\+",
    )


def test_missing_age_band():
    bad = table("bad").drop(index=5)
    df = pd.concat([table("good"), bad], ignore_index=True)
    with pytest.warns(UserWarning, match="missing age band"):
        out = le(df)
    assert len(out) == 39  # the rows given, NaN for the incomplete group
    assert out.loc[out["area"] == "bad", "value"].isna().all()


def test_one_row_group():
    df = pd.concat([table("good"), table("one").iloc[:1]], ignore_index=True)
    with pytest.warns(UserWarning, match="1 group\\(s\\) have a missing age band.*'one'"):
        out = le(df)
    assert out.loc[out["area"] == "one", "value"].isna().all()


def test_confidence_interval_wider_than_20_years_suppresses_value_only():
    # a small population: total 6,000, with few deaths at the oldest ages
    pops = [300] * 20
    deaths = [1] * 17 + [20, 40, 2]
    with pytest.warns(UserWarning, match="wider than 20 years"):
        out = le(table(deaths=deaths, pops=pops))
    width = out["upper_ci95"] - out["lower_ci95"]
    assert (width > 20).any()
    assert out.loc[width > 20, "value"].isna().all()
    assert out.loc[width > 20, ["lower_ci95", "upper_ci95"]].notna().all().all()
    assert out.loc[width <= 20, "value"].notna().all()


def test_probability_of_dying_is_capped_at_one():
    deaths = list(DEATHS)
    deaths[17] = POPS[17] // 2  # half of the 80-84 population dies: q would exceed 1
    out = le(table(deaths=deaths))
    by_age = out.set_index("age")
    assert by_age.loc["80-84", "value"] == pytest.approx(2.5)  # n * a: everyone dies mid-band
    assert by_age.loc["85-89", "value"] == 0 and by_age.loc["90+", "value"] == 0


# --- 85+ final band (PHEindicatormethods issue #96) -----------------------------------------------


def test_85_plus_final_band():
    labels = [*LABELS[:-2], "85+"]
    deaths = [*DEATHS[:-2], DEATHS[-2] + DEATHS[-1]]
    pops = [*POPS[:-2], POPS[-2] + POPS[-1]]
    out = le(table(deaths=deaths, pops=pops, labels=labels), confidence=0.95)
    assert len(out) == 19 and "85+ band" in out["method"].iloc[0]
    last = out.iloc[-1]
    # final band alone: e = P / D and, by Silcocks, SE = e / sqrt(D)
    e85 = pops[-1] / deaths[-1]
    assert last["value"] == pytest.approx(e85, rel=1e-12)
    assert last["upper_ci95"] - last["value"] == pytest.approx(
        z_value(0.95) * e85 / np.sqrt(deaths[-1])
    )
    full = le(table(), confidence=0.95)
    # merging the last two bands changes life expectancy at birth only slightly
    assert abs(out["value"].iloc[0] - full["value"].iloc[0]) < 0.05


def test_85_plus_with_numeric_start_ages():
    df = pd.DataFrame({"area": "A", "age": STARTS[:-1], "deaths": DEATHS[:-1], "pop": POPS[:-1]})
    out = le(df)
    assert out["statistic"].iloc[-1] == "life expectancy at age 85"
    assert out["value"].iloc[-1] == pytest.approx(POPS[-2] / DEATHS[-2])


def test_closed_85_band_without_90_plus_is_refused():
    with pytest.raises(DataValidationError, match="no 90\\+ band"):
        le(table().iloc[:-1])


# --- errors ---------------------------------------------------------------------------------------


def test_unknown_age_band():
    df = table(labels=[*LABELS[:-1], "95+"])
    with pytest.raises(DataValidationError, match="'95\\+'"):
        le(df)


def test_band_repeated_in_a_group_names_the_group():
    df = pd.concat([table("A"), table("A").iloc[[3]]], ignore_index=True)
    with pytest.raises(DataValidationError, match="appears 2 times in group 'A'.*by="):
        le(df)


def test_missing_and_text_columns():
    with pytest.raises(DataValidationError, match="deaths='deaths'"):
        life_expectancy(table().drop(columns="deaths"), "deaths", "pop", by="area", age_band="age")
    with pytest.raises(DataValidationError, match="not numbers: 'x'"):
        le(table(deaths=["x", *DEATHS[1:]]))
    with pytest.raises(DataValidationError, match="missing values"):
        le(table(labels=[None, *LABELS[1:]]))


# --- properties -----------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(scale=st.floats(0.2, 5.0), mortality=st.floats(0.5, 1.5))
def test_limits_bracket_and_nest(scale, mortality):
    pops = np.round(np.asarray(POPS) * scale)
    deaths = np.minimum(np.round(np.asarray(DEATHS) * scale * mortality), pops)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # small populations may trip the 20-year rule
        out = le(table(deaths=deaths, pops=pops))
    ok = out["value"].notna()
    assert ok.iloc[0]
    v = out.loc[ok]
    assert (v["lower_ci99_8"] <= v["lower_ci95"]).all() and (v["lower_ci95"] <= v["value"]).all()
    assert (v["value"] <= v["upper_ci95"]).all() and (v["upper_ci95"] <= v["upper_ci99_8"]).all()
    # more deaths at the same population never lengthen life expectancy at birth
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        worse = le(table(deaths=np.minimum(deaths * 1.1, pops), pops=pops))
    assert worse["value"].iloc[0] <= out["value"].iloc[0] + 1e-9


# --- life table columns (for decompositions and Sullivan health expectancies) --------------------


def test_life_table_columns(df1):
    out = life_expectancy(
        df1, "deaths", "pops", by=None, age_band="startage", confidence=0.95, life_table=True
    )
    assert list(out.columns[-5:]) == ["lx", "nLx", "Tx", "statistic", "method"]
    assert out["lx"].iloc[0] == 100_000
    np.testing.assert_allclose(out["Tx"] / out["lx"], df1["expected_le"], rtol=1e-6)
    np.testing.assert_allclose(out["Tx"].iloc[0], out["nLx"].sum())
    np.testing.assert_allclose(out["Tx"].to_numpy()[:-1] - out["Tx"].to_numpy()[1:],
                               out["nLx"].to_numpy()[:-1])  # fmt: skip
    assert (np.diff(out["lx"]) < 0).all()
    # the open 90+ band: nLx = lx / M
    last = df1.iloc[-1]
    assert out["nLx"].iloc[-1] == pytest.approx(out["lx"].iloc[-1] * last["pops"] / last["deaths"])


def test_life_table_columns_nan_for_invalid_groups():
    bad = table("bad", deaths=[*DEATHS[:-1], 0])
    with pytest.warns(UserWarning, match="no deaths"):
        out = le(pd.concat([table("good"), bad], ignore_index=True), life_table=True)
    assert out.loc[out["area"] == "bad", ["lx", "nLx", "Tx"]].isna().all().all()
    assert out.loc[out["area"] == "good", ["lx", "nLx", "Tx"]].notna().all().all()
