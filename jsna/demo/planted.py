"""What the demo pack plants: true rates, ratios, gradients and trends (a table of facts).

The generator draws the pack's counts from these numbers, and ``truth.json``
records what they imply, so tests can check that the analysis recovers them.

* Prevalence: the true (diagnosed and undiagnosed) rates by sex and age band
  (:data:`MODEL_RATES`), the QOF list types (:data:`LIST_TYPE`) and the
  diagnosis ratio that falls with deprivation (:data:`DIAGNOSIS`).
* Mortality: baseline death rates by life-table band, a deprivation gradient
  and the authority's excess (deaths by LSOA over :data:`DEATHS_PERIOD`).
* Indicators (:data:`INDICATORS`): England's value and trend, the authority's
  ratio to England and extra trend, and the ward gradient (SII as a share of
  the authority's value) for the nine indicators with ward rows, among them the
  Core20PLUS5 ones smoking at time of delivery (93085) and dental decay at age
  5 (93563). Life expectancy (:data:`LE_SPECS`) follows the mortality.

Examples
--------
>>> len(INDICATORS), sum(spec.gradient is not None for spec in INDICATORS)
(15, 9)
>>> MODEL_RATES["HYP"][1][-1], DIAGNOSIS["HYP"]
(67, (0.82, 0.22))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jsna import columns as S

__all__ = [
    "MODEL_BANDS",
    "MODEL_RATES",
    "LIST_TYPE",
    "DIAGNOSIS",
    "HSE_SPLIT",
    "MALE_MORTALITY",
    "FEMALE_FACTOR",
    "MORTALITY_GRADIENT",
    "AUTHORITY_MORTALITY_EXCESS",
    "DEATHS_PERIOD",
    "DEATHS_YEARS",
    "IndicatorSpec",
    "HIGH_GOOD",
    "LOW_GOOD",
    "INDICATORS",
    "LE_SPECS",
    "N_PERIODS",
    "FIRST_YEAR",
    "LE_TIME_TREND",
]

#: Age bands of the modelled prevalence rates.
MODEL_BANDS = ("16-34", "35-44", "45-54", "55-64", "65-74", "75+")

#: True (diagnosed + undiagnosed) prevalence, % by sex and age band: (women, men).
MODEL_RATES = {
    "HYP": ((3, 7, 20, 31, 53, 70), (5, 21, 30, 47, 60, 67)),
    "DM": ((1.0, 2.5, 5.5, 9.0, 13.0, 15.0), (1.0, 3.5, 7.5, 13.0, 18.0, 20.0)),
    "COPD": ((0.1, 0.5, 1.5, 3.5, 7.0, 8.5), (0.1, 0.5, 1.5, 4.0, 8.0, 11.0)),
    "CHD": ((0.05, 0.3, 1.2, 3.5, 8.0, 15.0), (0.1, 0.8, 3.0, 8.0, 15.0, 24.0)),
    "AF": ((0.05, 0.15, 0.5, 1.5, 4.5, 12.0), (0.1, 0.3, 0.9, 2.5, 6.5, 15.0)),
    "DEP": ((16, 19, 19, 17, 13, 11), (9, 11, 11, 10, 8, 7)),
    "DEM": ((0.0, 0.0, 0.05, 0.3, 2.2, 15.0), (0.0, 0.0, 0.05, 0.3, 2.0, 11.0)),
}
#: QOF patient list type of each register, and the youngest age it counts.
LIST_TYPE = {
    "HYP": ("TOTAL", 0),
    "DM": ("17OV", 17),
    "COPD": ("TOTAL", 0),
    "CHD": ("TOTAL", 0),
    "AF": ("TOTAL", 0),
    "DEP": ("18OV", 18),
    "DEM": ("TOTAL", 0),
}
#: Diagnosis ratio (recorded / true) in the least deprived national IMD quintile, and how much
#: lower it is in the most deprived quintile (linear across quintiles).
DIAGNOSIS = {
    "HYP": (0.82, 0.22),
    "DM": (0.93, 0.10),
    "COPD": (0.78, 0.22),
    "CHD": (0.92, 0.10),
    "AF": (0.86, 0.16),
    "DEP": (0.80, 0.15),
    "DEM": (0.74, 0.20),
}
#: HSE-style split of hypertension (controlled, uncontrolled, untreated) as shares of all cases.
HSE_SPLIT = {"Women": (0.36, 0.18, 0.46), "Men": (0.34, 0.22, 0.44)}

#: Baseline death rates per person-year by life-table band (men); women are lower.
MALE_MORTALITY = np.array(
    [
        0.0042,
        0.00012,
        0.00008,
        0.0001,
        0.0003,
        0.0005,
        0.0006,
        0.0008,
        0.0011,
        0.0016,
        0.0024,
        0.0035,
        0.0054,
        0.0085,
        0.0135,
        0.022,
        0.037,
        0.065,
        0.115,
        0.25,
    ]
)
FEMALE_FACTOR = np.array(
    [
        0.82,
        0.85,
        0.85,
        0.85,
        0.5,
        0.45,
        0.5,
        0.55,
        0.6,
        0.62,
        0.64,
        0.66,
        0.66,
        0.64,
        0.64,
        0.66,
        0.68,
        0.72,
        0.78,
        0.85,
    ]
)
#: Log mortality ratio between the most and least deprived ends (national percentile 1 vs 0).
MORTALITY_GRADIENT = {"Female": 0.85, "Male": 1.05}
#: The authority's mortality above what its deprivation alone gives (it is worse than England).
AUTHORITY_MORTALITY_EXCESS = 1.12
DEATHS_PERIOD = "2019-2023"
DEATHS_YEARS = 5


@dataclass(frozen=True)
class IndicatorSpec:
    """One synthetic Fingertips indicator: its identity, its population and what is planted."""

    id: int
    name: str
    kind: str  # "proportion", "crude", "dsr"
    age: str  # Fingertips' Age label
    ages: tuple[int, int]  # single years counted in the denominator: [first, last]
    sex: str  # "Persons" or "Female"
    polarity: str
    periods: str  # "fy" financial/academic year, "cal" calendar year, "3y" 3-year pooled
    england: float  # England's value in the first period
    england_trend: float  # change in log value per year, England
    la_ratio: float  # the authority / England in the first period
    la_trend: float  # extra change in log value per year in the authority
    gradient: float | None = None  # ward SII as a share of the authority value; None: no ward rows
    multiplier: float = 100.0
    coverage: float = 1.0  # denominator as a share of the age group's population
    shape: str = ""  # DSRs: age pattern of the rates


HIGH_GOOD, LOW_GOOD = S.POLARITY_HIGH_GOOD, S.POLARITY_LOW_GOOD

INDICATORS = (
    IndicatorSpec(
        90284,
        "Hospital admissions caused by unintentional and deliberate injuries in children "
        "(aged 0 to 14 years)",
        "crude",
        "<15 yrs",
        (0, 14),
        "Persons",
        LOW_GOOD,
        "fy",
        112.0,
        -0.035,
        1.30,
        0.0,
        -0.7,
        10_000,
    ),
    IndicatorSpec(
        20601,
        "Reception prevalence of overweight (including obesity)",
        "proportion",
        "4-5 yrs",
        (4, 4),
        "Persons",
        LOW_GOOD,
        "fy",
        22.5,
        0.003,
        1.08,
        0.008,
        -0.35,
        coverage=0.95,
    ),
    IndicatorSpec(
        20602,
        "Year 6 prevalence of overweight (including obesity)",
        "proportion",
        "10-11 yrs",
        (10, 10),
        "Persons",
        LOW_GOOD,
        "fy",
        33.5,
        0.008,
        1.10,
        0.006,
        -0.40,
        coverage=0.94,
    ),
    IndicatorSpec(
        93563,
        "Percentage of 5 year olds with experience of visibly obvious dental decay",
        "proportion",
        "5 yrs",
        (5, 5),
        "Persons",
        LOW_GOOD,
        "fy",
        27.9,
        -0.025,
        1.35,
        -0.01,
        -0.9,
        coverage=0.3,
    ),
    IndicatorSpec(
        90631,
        "School readiness: percentage of children achieving a good level of development "
        "at the end of Reception",
        "proportion",
        "5 yrs",
        (5, 5),
        "Persons",
        HIGH_GOOD,
        "fy",
        60.4,
        0.012,
        0.94,
        0.004,
        0.18,
        coverage=0.98,
    ),
    IndicatorSpec(
        20401,
        "Under 18s conception rate / 1,000",
        "crude",
        "<18 yrs",
        (15, 17),
        "Female",
        LOW_GOOD,
        "cal",
        24.3,
        -0.065,
        1.35,
        -0.01,
        multiplier=1_000,
    ),
    IndicatorSpec(
        93085,
        "Smoking status at time of delivery",
        "proportion",
        "All ages",
        (0, 0),
        "Female",
        LOW_GOOD,
        "fy",
        12.0,
        -0.045,
        1.40,
        0.0,
        -1.0,
        coverage=2.0,
    ),
    IndicatorSpec(
        92443,
        "Smoking Prevalence in adults (18+) - current smokers (APS)",
        "proportion",
        "18+ yrs",
        (18, 90),
        "Persons",
        LOW_GOOD,
        "cal",
        18.4,
        -0.043,
        1.15,
        0.0,
        coverage=0.005,
    ),
    IndicatorSpec(
        30314,
        "Population vaccination coverage: Flu (aged 65+)",
        "proportion",
        "65+ yrs",
        (65, 90),
        "Persons",
        HIGH_GOOD,
        "fy",
        73.2,
        0.007,
        1.00,
        0.0,
    ),
    IndicatorSpec(
        108,
        "Under 75 mortality rate from all causes",
        "dsr",
        "<75 yrs",
        (0, 74),
        "Persons",
        LOW_GOOD,
        "3y",
        335.0,
        0.004,
        1.22,
        0.004,
        -0.9,
        100_000,
        shape="mortality",
    ),
    IndicatorSpec(
        40401,
        "Under 75 mortality rate from all cardiovascular diseases",
        "dsr",
        "<75 yrs",
        (0, 74),
        "Persons",
        LOW_GOOD,
        "3y",
        78.0,
        -0.005,
        1.25,
        -0.01,
        multiplier=100_000,
        shape="cvd",
    ),
    IndicatorSpec(
        22401,
        "Emergency hospital admissions due to falls in people aged 65 and over",
        "dsr",
        "65+ yrs",
        (65, 90),
        "Persons",
        LOW_GOOD,
        "fy",
        2050.0,
        0.01,
        1.05,
        0.015,
        -0.3,
        100_000,
        shape="falls",
    ),
    IndicatorSpec(
        41401,
        "Hip fractures in people aged 65 and over",
        "dsr",
        "65+ yrs",
        (65, 90),
        "Persons",
        LOW_GOOD,
        "fy",
        575.0,
        -0.01,
        1.00,
        0.0,
        multiplier=100_000,
        shape="hip",
    ),
    IndicatorSpec(
        92906,
        "Admission episodes for alcohol-specific conditions",
        "dsr",
        "All ages",
        (0, 90),
        "Persons",
        LOW_GOOD,
        "fy",
        560.0,
        0.01,
        1.45,
        0.01,
        -1.0,
        100_000,
        shape="alcohol",
    ),
    IndicatorSpec(
        21001,
        "Emergency Hospital Admissions for Intentional Self-Harm",
        "dsr",
        "All ages",
        (0, 90),
        "Persons",
        LOW_GOOD,
        "fy",
        190.0,
        -0.02,
        1.30,
        0.035,
        multiplier=100_000,
        shape="selfharm",
    ),
)
#: Life expectancy indicators: (ID, name, Fingertips Age label, age the expectancy is at).
LE_SPECS = (
    (90366, "Life expectancy at birth", "All ages", 0),
    (93505, "Life expectancy at 65", "65", 65),
)
N_PERIODS = 11  # periods of every indicator
FIRST_YEAR = 2013  # the first period starts in this year
LE_TIME_TREND = -0.012  # change in log mortality per year (life expectancy improving)
