"""The demo QOF registers: list types, sizes, and under-diagnosis that grows with deprivation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.pack import N_PRACTICE


def test_qof_registers_and_list_types(pack_csv):
    qof = pack_csv("qof")
    assert set(qof["GROUP_CODE"]) == {"HYP", "DM", "COPD", "CHD", "AF", "DEP", "DEM"}
    types = qof.groupby("GROUP_CODE")["PATIENT_LIST_TYPE"].unique().map(list).to_dict()
    assert types == {
        "AF": ["TOTAL"],
        "CHD": ["TOTAL"],
        "COPD": ["TOTAL"],
        "DEM": ["TOTAL"],
        "DEP": ["18OV"],
        "DM": ["17OV"],
        "HYP": ["TOTAL"],
    }
    assert qof["REGISTER"].str.fullmatch(r"\d+\.0").all()
    assert qof["PRACTICE_CODE"].nunique() == N_PRACTICE
    patients = pack_csv("gp_lsoa")
    totals = (
        patients.assign(n=patients["NUMBER_OF_PATIENTS"].astype(int))
        .groupby("PRACTICE_CODE")["n"]
        .sum()
    )
    hyp = (
        qof[qof["GROUP_CODE"] == "HYP"].set_index("PRACTICE_CODE")["PRACTICE_LIST_SIZE"].astype(int)
    )
    pd.testing.assert_series_equal(hyp.sort_index(), totals.sort_index(), check_names=False)
    prevalence = qof[qof["GROUP_CODE"] == "HYP"]["REGISTER"].astype(float).sum() / hyp.sum()
    assert 0.08 < prevalence < 0.2


def test_under_diagnosis_grows_with_deprivation(pack_csv, truth):
    for condition, entry in truth["prevalence"]["conditions"].items():
        ratios = [entry["true_oe_by_imd_quintile"][str(q)] for q in range(1, 6)]
        assert np.all(np.diff(ratios) > 0), condition
    # recovered from the registers: practices with more deprived patients record less of what
    # is expected
    practices = truth["prevalence"]["practices"]
    qof = pack_csv("qof")
    hyp = qof[qof["GROUP_CODE"] == "HYP"].set_index("PRACTICE_CODE")["REGISTER"].astype(float)
    codes = sorted(practices)
    oe = np.array([hyp[c] / practices[c]["HYP"]["expected_cases"] for c in codes])
    deprived = np.array([practices[c]["patients_by_imd_quintile_share"][0] for c in codes])
    assert np.corrcoef(deprived, oe)[0, 1] < -0.5
