"""Demo GP practices: QOF registers, the NHS geography mapping, patients by LSOA, model rates.

Twenty practices draw patients from nearby LSOAs. Registers are binomial
draws of the true cases (the model rates of :mod:`jsna.demo.planted` applied to
each practice's patients by sex and age) with under-diagnosis growing with
deprivation: the true observed/expected ratio by national IMD quintile and by
practice is recorded in the truth. The files are in the NHS England raw QOF
layout (``REGISTER`` written as a float, "112.0", as in the copy of the 2022-23
raw file we have), the QOF mapping of NHS geographies, and the NHS Digital
patients-by-LSOA layout (``PUBLICATION`` "GP_PRAC_PAT_LIST", ``EXTRACT_DATE``
"01APR2023", ``SEX`` "MALE"/"FEMALE"; the date format is not checked against a
publisher file), with modelled age/sex prevalence rates and an HSE-style
hypertension table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from jsna.demo.deprivation import Deprivation
from jsna.demo.formats import fixed
from jsna.demo.geography import Geography
from jsna.demo.place import (
    ENGLAND_CODE,
    ENGLAND_NAME,
    ICB_CODE,
    ICB_NAME,
    ICB_ODS,
    MAX_AGE,
    N_LSOA,
    N_PRACTICE,
    NHS_REGION_CODE,
    NHS_REGION_NAME,
    NHS_REGION_ODS,
    SICBL_CODE,
    SICBL_NAME,
    SICBL_ODS,
)
from jsna.demo.planted import DIAGNOSIS, HSE_SPLIT, LIST_TYPE, MODEL_BANDS, MODEL_RATES

__all__ = ["diagnosis_ratio", "Practices", "simulate_practices", "model_files"]

_BAND_START = np.array([16, 35, 45, 55, 65, 75])

_PRACTICE_KINDS = ("Surgery", "Medical Centre", "Health Centre", "Family Practice")


def diagnosis_ratio(condition: str, quintile) -> np.ndarray:
    """True recorded/expected ratio planted for a condition in national IMD quintile(s).

    Parameters
    ----------
    condition : str
        A QOF group code of :data:`jsna.demo.planted.DIAGNOSIS` (e.g. "HYP").
    quintile : int or array-like of int
        National IMD quintile(s), 1 = most deprived.

    Returns
    -------
    numpy.ndarray
        The planted ratio: ``top - drop * (5 - quintile) / 4``.

    Examples
    --------
    >>> diagnosis_ratio("HYP", [1, 5]).round(2).tolist()
    [0.6, 0.82]
    """
    top, drop = DIAGNOSIS[condition]
    return top - drop * (5 - np.asarray(quintile, dtype=float)) / 4


def _model_rate_by_age(condition: str) -> np.ndarray:
    """Rate as a fraction by sex (0 female, 1 male) and single year of age, 0 below 16."""
    band = np.searchsorted(_BAND_START, np.arange(MAX_AGE + 1), side="right") - 1
    out = np.zeros((2, MAX_AGE + 1))
    for sex in (0, 1):
        rates = np.asarray(MODEL_RATES[condition][sex], dtype=float) / 100
        out[sex] = np.where(band >= 0, rates[np.clip(band, 0, None)], 0.0)
    minimum = LIST_TYPE[condition][1]
    out[:, :minimum] = 0.0
    return out


@dataclass
class Practices:
    """The demo practices, their files and the prevalence truth (:func:`simulate_practices`)."""

    code: np.ndarray
    name: np.ndarray
    pcn: np.ndarray  # index
    share: np.ndarray  # (n_lsoa, n_practice): share of each LSOA's residents registered there
    patients_lsoa: pd.DataFrame  # NHS Digital layout
    age_sex: np.ndarray  # (n_practice, 2, 91) expected registered patients by sex and age
    qof: pd.DataFrame
    mapping: pd.DataFrame
    truth: dict


def simulate_practices(
    rng: np.random.Generator, geo: Geography, dep: Deprivation, pop: np.ndarray
) -> Practices:
    """Draw the practices, their patients by LSOA and their QOF registers.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator to draw from.
    geo : Geography
        The LSOAs and wards (practice names follow their ward).
    dep : Deprivation
        The LSOAs' deprivation (under-diagnosis follows the national quintile).
    pop : numpy.ndarray
        Residents of shape (n_lsoa, 2, 91).

    Returns
    -------
    Practices
        Codes, names, PCNs, the QOF file, the mapping file, patients by LSOA and
        the truth (expected cases and true O/E by practice and condition).

    Examples
    --------
    >>> import numpy as np
    >>> from jsna.demo.deprivation import simulate_deprivation
    >>> from jsna.demo.geography import simulate_geography
    >>> from jsna.demo.population import simulate_population
    >>> geo = simulate_geography(np.random.default_rng(1))
    >>> dep = simulate_deprivation(np.random.default_rng(2), geo)
    >>> pop = simulate_population(np.random.default_rng(3), dep)
    >>> practices = simulate_practices(np.random.default_rng(4), geo, dep, pop)
    >>> practices.qof.shape, str(practices.code[0])
    ((140, 5), 'Z99001')
    """
    density = pop.sum(axis=(1, 2)) / shapely.area(geo.lsoa_geom)
    weights = density / density.sum()
    sites = np.sort(rng.choice(N_LSOA, size=N_PRACTICE, replace=False, p=weights))
    site_xy = geo.centroid[sites]
    attract = np.exp(0.5 * rng.standard_normal(N_PRACTICE))
    distance = np.linalg.norm(geo.centroid[:, None, :] - site_xy[None, :, :], axis=2)
    pull = attract[None, :] * np.exp(-distance / 2_500)
    share = pull / pull.sum(axis=1, keepdims=True)
    coverage = 1.03  # registered lists run a little above resident populations

    residents = pop.sum(axis=2)  # (lsoa, sex)
    expected = residents[:, None, :] * share[:, :, None] * coverage  # (lsoa, practice, sex)
    patients = rng.poisson(expected)
    age_sex = np.einsum("lp,lsa->psa", share * coverage, pop)

    ward_of_site = geo.lsoa_ward[sites]
    names, seen = [], {}
    for w in ward_of_site:
        kind = _PRACTICE_KINDS[seen.get(w, 0) % len(_PRACTICE_KINDS)]
        seen[w] = seen.get(w, 0) + 1
        names.append(f"{geo.ward_name[w]} {kind} (synthetic)")
    code = np.array([f"Z99{i + 1:03d}" for i in range(N_PRACTICE)])
    name = np.array(names)
    # PCNs: four groups of neighbouring practices, west to east
    pcn = np.empty(N_PRACTICE, dtype=int)
    pcn[np.argsort(site_xy[:, 0], kind="stable")] = np.arange(N_PRACTICE) * 4 // N_PRACTICE
    pcn_names = [
        "Demoshire West PCN (synthetic)",
        "Demoshire Central PCN (synthetic)",
        "Demoshire East PCN (synthetic)",
        "Demoshire Coast PCN (synthetic)",
    ]

    lsoa_idx, prac_idx, sex_idx = np.nonzero(patients)
    patients_lsoa = (
        pd.DataFrame(
            {
                "PUBLICATION": "GP_PRAC_PAT_LIST",
                "EXTRACT_DATE": "01APR2023",
                "PRACTICE_CODE": code[prac_idx],
                "PRACTICE_NAME": np.char.upper(name[prac_idx].astype(str)),
                "LSOA_CODE": geo.lsoa_code[lsoa_idx],
                "SEX": np.array(["FEMALE", "MALE"])[sex_idx],
                "NUMBER_OF_PATIENTS": patients[lsoa_idx, prac_idx, sex_idx],
            }
        )
        .sort_values(["PRACTICE_CODE", "LSOA_CODE", "SEX"], kind="stable")
        .reset_index(drop=True)
    )

    list_total = patients.sum(axis=(0, 2))
    age = np.arange(MAX_AGE + 1)
    rows, truth = [], {"conditions": {}, "practices": {}}
    quintile_share = np.zeros((N_PRACTICE, 5))
    for condition in MODEL_RATES:
        list_type, minimum = LIST_TYPE[condition]
        eligible_share = age_sex[:, :, age >= minimum].sum(axis=(1, 2)) / age_sex.sum(axis=(1, 2))
        list_size = np.round(list_total * eligible_share).astype(int)
        rate = _model_rate_by_age(condition)
        # expected (true) cases by LSOA and practice, then the planted diagnosis ratio by LSOA
        cases_lp = np.einsum("lp,lsa,sa->lp", share * coverage, pop, rate)
        ratio_l = diagnosis_ratio(condition, dep.quintile)
        true_cases = cases_lp.sum(axis=0) * list_total / age_sex.sum(axis=(1, 2))
        oe = (cases_lp * ratio_l[:, None]).sum(axis=0) / cases_lp.sum(axis=0)
        register = rng.binomial(np.round(true_cases).astype(int), oe)
        for p in range(N_PRACTICE):
            rows.append((code[p], condition, float(register[p]), list_type, int(list_size[p])))
            entry = truth["practices"].setdefault(code[p], {})
            entry[condition] = {
                "expected_cases": true_cases[p],
                "true_oe": oe[p],
                "register": int(register[p]),
                "list_size": int(list_size[p]),
            }
        by_q = {}
        for q in range(1, 6):
            by_q[str(q)] = float(diagnosis_ratio(condition, q))
        expected_total = float(true_cases.sum())
        truth["conditions"][condition] = {
            "list_type": list_type,
            "true_oe_by_imd_quintile": by_q,
            "authority_expected_cases": expected_total,
            "authority_register": int(register.sum()),
            "authority_true_oe": float((true_cases * oe).sum() / expected_total),
            "authority_true_prevalence_percent": 100 * expected_total / float(list_size.sum()),
        }
    for q in range(1, 6):
        quintile_share[:, q - 1] = (share * pop.sum(axis=(1, 2))[:, None])[dep.quintile == q].sum(
            axis=0
        )
    for p in range(N_PRACTICE):
        truth["practices"][code[p]]["patients_by_imd_quintile_share"] = list(
            quintile_share[p] / quintile_share[p].sum()
        )
    qof = pd.DataFrame(
        rows,
        columns=[
            "PRACTICE_CODE",
            "GROUP_CODE",
            "REGISTER",
            "PATIENT_LIST_TYPE",
            "PRACTICE_LIST_SIZE",
        ],
    )
    qof = qof.sort_values(["PRACTICE_CODE", "GROUP_CODE"], kind="stable").reset_index(drop=True)
    qof["REGISTER"] = fixed(qof["REGISTER"], 1)

    mapping = pd.DataFrame(
        {
            "NAT_ONS_CODE": ENGLAND_CODE,
            "NAT_CODE": "ENG",
            "NAT_COUNTRY": ENGLAND_NAME,
            "REGION_ODS_CODE": NHS_REGION_ODS,
            "REGION_ONS_CODE": NHS_REGION_CODE,
            "REGION_NAME": NHS_REGION_NAME,
            "ICB_ODS_CODE": ICB_ODS,
            "ICB_ONS_CODE": ICB_CODE,
            "ICB_NAME": ICB_NAME,
            "SUB_ICB_ODS_CODE": SICBL_ODS,
            "SUB_ICB_ONS_CODE": SICBL_CODE,
            "SUB_ICB_NAME": SICBL_NAME,
            "PCN_ODS_CODE": [f"U99{k + 1:03d}" for k in pcn],
            "PCN_NAME": [pcn_names[k] for k in pcn],
            "PRACTICE_CODE": code,
            "PRACTICE_NAME": name,
        }
    )
    truth["diagnosis_ratio_rule"] = (
        "recorded/true ratio by national IMD quintile of the patient's LSOA (1 = most deprived): "
        "top - drop * (5 - quintile) / 4; a practice's true O/E is its patients' mix of LSOA "
        "ratios, weighted by expected cases"
    )
    truth["expected_rule"] = (
        "expected cases = model rate (condition, sex, age band; 0 under 16 and under the list "
        "type's minimum age) x registered patients by sex and single year of age, where a "
        "practice's age structure is its patients' LSOA age structure"
    )
    return Practices(
        code=code,
        name=name,
        pcn=pcn,
        share=share,
        patients_lsoa=patients_lsoa,
        age_sex=age_sex,
        qof=qof,
        mapping=mapping,
        truth=truth,
    )


def model_files() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The model prevalence rates (tidy) and an HSE-style hypertension table.

    Returns
    -------
    tuple of pandas.DataFrame
        ``condition, sex, age_band, rate_percent`` for every condition, and the
        hypertension table ``Sex, Group, 16-34, ..., 75+`` in the layout of the
        Health Survey for England table.

    Examples
    --------
    >>> tidy, hse = model_files()
    >>> tidy.shape, hse.shape, hse.columns[2]
    ((84, 4), (15, 8), '16-34')
    """
    rows = []
    for condition, (women, men) in MODEL_RATES.items():
        for sex, rates in (("Female", women), ("Male", men)):
            for band, rate in zip(MODEL_BANDS, rates, strict=True):
                rows.append((condition, sex, band, rate))
    tidy = pd.DataFrame(rows, columns=["condition", "sex", "age_band", "rate_percent"])
    tidy["rate_percent"] = fixed(tidy["rate_percent"], 2)

    hse = []
    totals = {
        "Men": np.array(MODEL_RATES["HYP"][1], float),
        "Women": np.array(MODEL_RATES["HYP"][0], float),
    }
    totals["Adults"] = np.round((totals["Men"] + totals["Women"]) / 2)
    split = dict(HSE_SPLIT, Adults=tuple(np.mean([HSE_SPLIT["Men"], HSE_SPLIT["Women"]], axis=0)))
    for sex in ("Men", "Women", "Adults"):
        total = totals[sex]
        controlled = np.round(total * split[sex][0])
        uncontrolled = np.round(total * split[sex][1])
        untreated = total - controlled - uncontrolled
        for group, values in (
            ("Normotensive untreated", 100 - total),
            ("Hypertensive controlled", controlled),
            ("Hypertensive uncontrolled", uncontrolled),
            ("Hypertensive untreated", untreated),
            ("All with hypertension", total),
        ):
            hse.append([sex, group, *[str(int(v)) for v in values]])
    return tidy, pd.DataFrame(hse, columns=["Sex", "Group", *MODEL_BANDS])
