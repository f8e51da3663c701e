"""The demo Fingertips indicators: levels, kinds, trends, and the planted ward gradients."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pandas as pd
import pytest

from jsna.demo import indicators
from jsna.demo.pack import DEMO_AREA_CODE, ENGLAND_CODE, FILES, pack_files
from jsna.demo.planted import INDICATORS


def test_indicators_cover_levels_kinds_and_years(pack_csv, truth):
    data = pack_csv("indicators")
    assert len(data.columns) == 27
    la = data[data["Area Code"] == DEMO_AREA_CODE]
    periods = la.groupby("Indicator ID")["Time period"].nunique()
    assert (periods >= 10).sum() >= 15
    assert set(data["Area Type"]) == {
        "England",
        "Regions (statistical)",
        "Counties & UAs (from Apr 2023)",
        "Ward",
    }
    assert (
        data.loc[data["Area Type"] == "Counties & UAs (from Apr 2023)", "Area Code"].nunique() == 11
    )
    ward_indicators = data.loc[data["Area Type"] == "Ward", "Indicator ID"].unique()
    assert len(ward_indicators) >= 5
    kinds = {entry["kind"] for entry in truth["indicators"].values()}
    assert kinds == {"proportion", "crude rate", "directly standardised rate", "life expectancy"}
    assert {entry["polarity"] for entry in truth["indicators"].values()} == {
        "high is good",
        "low is good",
    }
    trends = {entry["trend"] for entry in truth["indicators"].values()}
    assert {"improving", "worsening"} <= trends
    le = data[(data["Indicator ID"] == "90366") & (data["Area Code"] == DEMO_AREA_CODE)]
    assert set(le["Sex"]) == {"Male", "Female"}
    # counts and values agree (the values came from the counts)
    rates = data[(data["Indicator ID"] == "90284") & (data["Count"] != "")]
    value = rates["Count"].astype(float) / rates["Denominator"].astype(float) * 10_000
    np.testing.assert_allclose(value, rates["Value"].astype(float), rtol=1e-6)


def test_authority_is_worse_than_england_where_planted(pack_csv, truth):
    data = pack_csv("indicators")
    worse = 0
    for indicator_id, entry in truth["indicators"].items():
        if not entry.get("authority_planned_worse_than_england"):
            continue
        rows = data[
            (data["Indicator ID"] == indicator_id) & (data["Time period"] == entry["periods"][-1])
        ]
        la = rows[rows["Area Code"] == DEMO_AREA_CODE].iloc[0]
        england = rows[rows["Area Code"] == ENGLAND_CODE].iloc[0]
        if entry["polarity"] == "low is good":
            worse += float(la["Lower CI 95.0 limit"]) > float(england["Upper CI 95.0 limit"])
    assert worse >= 5


def _ward_gradients(truth) -> dict[str, dict]:
    return {k: e["ward_gradient"] for k, e in truth["indicators"].items() if "ward_gradient" in e}


def test_ward_gradients_are_recovered(pack_csv, truth):
    data = pack_csv("indicators")
    for indicator_id in ("108", "92906", "93085"):
        entry = truth["indicators"][indicator_id]
        planted = entry["ward_gradient"]
        rows = data[
            (data["Indicator ID"] == indicator_id)
            & (data["Area Type"] == "Ward")
            & (data["Time period"] == planted["period"])
        ]
        x = rows["Area Code"].map(planted["relative_rank_latest_by_ward"]).to_numpy()
        weight = rows["Denominator"].astype(float).to_numpy()
        slope = np.polyfit(x, rows["Value"].astype(float), 1, w=np.sqrt(weight))[0]
        assert slope == pytest.approx(planted["sii_latest"], rel=0.35), indicator_id
    gap = truth["indicators"]["90366"]["by_sex"]["Male"]["gap_least_minus_most_deprived_quintile"]
    assert 5 < gap < 12


def test_planted_sii_is_the_sii_of_the_expected_values(pack_csv, pack, truth):
    """By construction: at ward level, for local quintiles of wards, and consistent with the
    authority."""
    from jsna.analysis.deprivation import area_deprivation
    from jsna.io.datapack import DataPack

    wards = area_deprivation(DataPack.open(pack), DEMO_AREA_CODE)["ward"].set_index("wd25_code")
    data = pack_csv("indicators")
    gradients = _ward_gradients(truth)
    assert {"93085", "93563", "20601"} <= set(gradients) and len(gradients) == 9
    for indicator_id, planted in gradients.items():
        entry = truth["indicators"][indicator_id]
        frame = pd.DataFrame(
            {
                "expected": planted["expected_latest_by_ward"],
                "x": planted["relative_rank_latest_by_ward"],
                "d": planted["denominator_latest_by_ward"],
            }
        )
        # the truth's denominators are the file's, and the ranks follow the wards' IMD scores
        rows = data[
            (data["Indicator ID"] == indicator_id)
            & (data["Time period"] == planted["period"])
            & (data["Area Type"] == "Ward")
        ].set_index("Area Code")
        np.testing.assert_array_equal(
            rows["Denominator"].astype(float).reindex(frame.index), frame["d"]
        )
        order = wards["imd_score"].reindex(frame.index).sort_values(ascending=False).index
        assert (np.diff(frame.loc[order, "x"]) > 0).all()
        share = frame["d"] / frame["d"].sum()
        np.testing.assert_allclose(
            frame.loc[order, "x"], (share.loc[order].cumsum() - share.loc[order] / 2), atol=2e-6
        )
        sii = planted["sii_latest"]
        assert sii == pytest.approx(
            entry["authority_expected"][-1] * planted["sii_relative_to_authority"], rel=1e-5
        )
        assert planted["sii_latest_wls"] == pytest.approx(sii, rel=1e-5)
        # the authority's expected value is the wards' denominator-weighted mean
        assert np.average(frame["expected"], weights=frame["d"]) == pytest.approx(
            entry["authority_expected"][-1], rel=1e-5
        )
        # grouped into local quintiles of wards, the expected values give the same SII
        frame["q"] = wards["local_quintile"].reindex(frame.index)
        q = frame.assign(ed=frame["expected"] * frame["d"]).groupby("q")[["ed", "d"]].sum()
        q_share = q["d"] / q["d"].sum()
        q_x = q_share.cumsum() - q_share / 2
        q_sii = np.polyfit(q_x, q["ed"] / q["d"], 1, w=np.sqrt(q_share))[0]
        assert q_sii == pytest.approx(sii, rel=1e-4), indicator_id
        # Core20 wards against the rest, as jsna.analysis.deprivation flags them
        core20 = wards["core20_ward"].reindex(frame.index).astype(bool)
        assert core20.tolist() == [
            truth["ward_relative_rank"][c]["core20_ward"] for c in frame.index
        ]
        for flag, key in (
            (True, "expected_latest_core20_wards"),
            (False, "expected_latest_other_wards"),
        ):
            part = frame[core20 == flag]
            assert np.average(part["expected"], weights=part["d"]) == pytest.approx(
                planted[key], rel=1e-5
            )


def test_core20plus5_indicators_have_ward_gradients(truth):
    for indicator_id, sex in (("93085", "Female"), ("93563", "Persons")):
        entry = truth["indicators"][indicator_id]
        assert entry["sex"] == sex and entry["ward_level"]
        planted = entry["ward_gradient"]
        assert planted["sii_latest"] < 0  # low is good: worse in the deprived wards
        assert planted["expected_latest_core20_minus_other"] > 0


def test_indicator_streams_are_independent(monkeypatch):
    """Planting a gradient in one indicator leaves every other indicator's draws alone."""

    def ward_free_rows(specs):
        monkeypatch.setattr(indicators, "INDICATORS", specs)
        text = pack_files(7)[FILES["indicators"]]
        data = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        return data[
            (data["Area Type"] != "Ward")
            & (data["Indicator ID"] != "93563")
            & (data["Area Code"] != DEMO_AREA_CODE)
        ]

    base = INDICATORS
    without = tuple(dataclasses.replace(s, gradient=None) if s.id == 93563 else s for s in base)
    pd.testing.assert_frame_equal(
        ward_free_rows(base).reset_index(drop=True), ward_free_rows(without).reset_index(drop=True)
    )
