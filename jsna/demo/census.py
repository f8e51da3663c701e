"""Demo Census 2021 tables: topic summaries in the Nomis bulk layout, general health by age.

Synthetic data. For every demo LSOA the module draws the Census 2021 topic summary
tables a JSNA population chapter uses, in the layout of the Nomis bulk files
(``date, geography, geography code, <Topic>: Total: <universe>; measures: Value, ...``):
TS011 household deprivation, TS021 ethnic group, TS037 general health, TS038
disability and TS039 unpaid care for LSOAs, and TS029 proficiency in English for
MSOAs. General health by sex and five-year age band (the basis of healthy life
expectancy) is written in the layout of an ONS Census 2021 custom dataset
(``<Area type> Code, <Area type>, General health (6 categories) Code, ...,
Observation``).

Shares follow the national deprivation decile of the LSOA (more deprived: more
deprived households, more disability, bad health and unpaid care, more residents of
minority ethnic groups and with another main language). General health falls with
age and deprivation; TS037 has the shares of the by-age table summed over ages (its own
total and draw, as the two are perturbed separately). Each table's
total is the LSOA's residents (or households, or residents aged 3 or 5 and over) plus
a few people of noise of its own, as ONS's cell-key perturbation makes totals of the
same area differ between tables; categories sum to their table's total.

Examples
--------
>>> PACK_FILES["census_ts029"], PACK_FILES["census_ts038"]
('census/census2021-ts029-msoa.csv', 'census/census2021-ts038-lsoa.csv')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.formats import csv_text

__all__ = [
    "CENSUS_TABLES",
    "HEALTH_BY_AGE_FILE",
    "AGE_BANDS",
    "GOOD_HEALTH_LOGIT",
    "PACK_FILES",
    "census_files",
    "census_entries",
    "good_health_prevalence",
]

#: Each topic table: (file name, level, header of the total, level-1 categories).
CENSUS_TABLES = {
    "TS011": (
        "lsoa",
        "Household deprivation: Total: All households",
        [
            "Household deprivation: Household is not deprived in any dimension",
            "Household deprivation: Household is deprived in one dimension",
            "Household deprivation: Household is deprived in two dimensions",
            "Household deprivation: Household is deprived in three dimensions",
            "Household deprivation: Household is deprived in four dimensions",
        ],
    ),
    "TS021": (
        "lsoa",
        "Ethnic group: Total: All usual residents",
        [
            "Ethnic group: Asian, Asian British or Asian Welsh",
            "Ethnic group: Black, Black British, Black Welsh, Caribbean or African",
            "Ethnic group: Mixed or Multiple ethnic groups",
            "Ethnic group: White",
            "Ethnic group: Other ethnic group",
        ],
    ),
    "TS037": (
        "lsoa",
        "General health: Total: All usual residents",
        [
            "General health: Very good health",
            "General health: Good health",
            "General health: Fair health",
            "General health: Bad health",
            "General health: Very bad health",
        ],
    ),
    "TS038": (
        "lsoa",
        "Disability: Total: All usual residents",
        [
            "Disability: Disabled under the Equality Act",
            "Disability: Disabled under the Equality Act: Day-to-day activities limited a lot",
            "Disability: Disabled under the Equality Act: Day-to-day activities limited a little",
            "Disability: Not disabled under the Equality Act",
            "Disability: Not disabled under the Equality Act: Has long term physical or mental "
            "health condition but day-to-day activities are not limited",
            "Disability: Not disabled under the Equality Act: No long term physical or mental "
            "health conditions",
        ],
    ),
    "TS039": (
        "lsoa",
        "Provision of unpaid care: Total: All usual residents aged 5 and over",
        [
            "Provision of unpaid care: Provides no unpaid care",
            "Provision of unpaid care: Provides 19 hours or less unpaid care a week",
            "Provision of unpaid care: Provides 20 to 49 hours unpaid care a week",
            "Provision of unpaid care: Provides 50 or more hours unpaid care a week",
        ],
    ),
    "TS029": (
        "msoa",
        "Proficiency in English language: Total: All usual residents aged 3 years and over",
        [
            "Proficiency in English language: Main language is English (English or Welsh in Wales)",
            "Proficiency in English language: Main language is not English (English or Welsh in "
            "Wales)",
            *[
                "Proficiency in English language: Main language is not English (English or Welsh "
                f"in Wales): {c}"
                for c in (
                    "Can speak English very well",
                    "Can speak English well",
                    "Cannot speak English well",
                    "Cannot speak English",
                )
            ],
        ],
    ),
}

#: The file of general health by sex and age (ONS custom dataset layout), in the pack's census/.
HEALTH_BY_AGE_FILE = "census2021-general-health-sex-age18-lsoa.csv"

#: Each demo Census file by key, as :data:`jsna.demo.pack.FILES` lists them: path in the pack.
PACK_FILES = {
    **{
        f"census_{t.lower()}": f"census/census2021-{t.lower()}-{level}.csv"
        for t, (level, _, _) in CENSUS_TABLES.items()
    },
    "census_health_age": f"census/{HEALTH_BY_AGE_FILE}",
}


def census_entries() -> list[tuple[str, str, dict]]:
    """The manifest entries of the demo Census files: (role, path, settings).

    Examples
    --------
    >>> census_entries()[0]
    ('census.lsoa', 'census/census2021-ts011-lsoa.csv', {'table': 'TS011'})
    """
    entries = [
        (f"census.{level}", PACK_FILES[f"census_{t.lower()}"], {"table": t})
        for t, (level, _, _) in CENSUS_TABLES.items()
    ]
    entries.append(
        (
            "census.health_age",
            PACK_FILES["census_health_age"],
            {"table": "custom dataset, LSOA 2021"},
        )
    )
    return entries


#: Census 2021 "Age (18 categories)": (start, end inclusive or None for open), label.
AGE_BANDS = [
    *[(0, 4, "Aged 4 years and under")],
    *[(a, a + 4, f"Aged {a} to {a + 4} years") for a in range(5, 85, 5)],
    (85, None, "Aged 85 years and over"),
]

#: Logit of the share in good or very good health: intercept, per year of age, per unit of
#: deprivation (0 least, 1 most deprived nationally), male offset. About 98% at 0-4 and
#: 55% at 85+ in the least deprived areas; about 28 points lower at 85+ in the most.
GOOD_HEALTH_LOGIT = (3.9, -0.042, -1.2, 0.05)

_HEALTH = [
    (-8, "Does not apply"),
    (1, "Very good health"),
    (2, "Good health"),
    (3, "Fair health"),
    (4, "Bad health"),
    (5, "Very bad health"),
]


def good_health_prevalence(age: np.ndarray, deprivation: np.ndarray, male: np.ndarray):
    """The planted share in good or very good health (the demo's truth).

    Examples
    --------
    >>> good_health_prevalence(np.array([2.0, 88.0]), np.zeros(2), np.zeros(2)).round(3).tolist()
    [0.978, 0.551]
    """
    a, b_age, b_dep, b_male = GOOD_HEALTH_LOGIT
    logit = a + b_age * age + b_dep * deprivation + b_male * male
    return 1.0 / (1.0 + np.exp(-logit))


def _perturb(rng, totals: np.ndarray) -> np.ndarray:
    """Each table's own total: a few people off the true count (cell-key perturbation)."""
    return np.maximum(totals + rng.integers(-4, 5, size=totals.shape), 0)


def _split(rng, totals: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Counts of each category summing to the totals (multinomial by area)."""
    shares = shares / shares.sum(axis=1, keepdims=True)
    return rng.multinomial(totals.astype(np.int64), shares)


def _nomis(codes, names, total_header, headers, total, counts) -> pd.DataFrame:
    frame = pd.DataFrame({"date": 2021, "geography": names, "geography code": codes})
    frame[f"{total_header}; measures: Value"] = total.astype(np.int64)
    for i, header in enumerate(headers):
        frame[f"{header}; measures: Value"] = counts[:, i].astype(np.int64)
    return frame


def census_files(seed: int, geo, dep, pop: np.ndarray) -> dict[str, str]:
    """Every demo Census file as text, keyed by its file name.

    Parameters
    ----------
    seed : int
        The demo seed (the Census draws use their own stream of it).
    geo, dep : demo geography and deprivation (``jsna.demo.geography``, ``.deprivation``).
    pop : ndarray
        Residents by LSOA, sex (0 female, 1 male) and single year of age.

    Returns
    -------
    dict of str to str
        ``census2021-tsNNN-<level>.csv`` for the topic tables and
        :data:`HEALTH_BY_AGE_FILE`.
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 2021]))
    n = len(geo.lsoa_code)
    x = (10 - np.asarray(dep.decile, dtype=float)) / 9  # 1 = most deprived decile nationally
    noise = rng.normal(0, 0.15, n)  # the place's own character, beyond deprivation
    residents = pop.sum(axis=(1, 2)).astype(np.int64)
    ages = np.arange(pop.shape[2])
    files: dict[str, str] = {}

    # general health by sex and age band: the basis of TS037 and of healthy life expectancy
    band_of_age = np.searchsorted([s for s, _, _ in AGE_BANDS], ages, side="right") - 1
    by_band = np.zeros((n, 2, len(AGE_BANDS)))
    np.add.at(by_band, (slice(None), slice(None), band_of_age), pop)
    by_band = by_band.astype(np.int64)
    mid = np.array([s + 2 if e is not None else 88 for s, e, _ in AGE_BANDS], dtype=float)
    dep_eff = np.clip(x + noise, -0.2, 1.3)
    good = good_health_prevalence(
        mid[None, None, :], dep_eff[:, None, None], np.array([0, 1])[None, :, None]
    )
    very_good_of_good = (
        np.clip(0.75 - 0.005 * mid, 0.25, 0.8)[None, None, :] - 0.1 * x[:, None, None]
    )
    bad = 1 - good
    shares = np.stack(
        [
            good * very_good_of_good,
            good * (1 - very_good_of_good),
            bad * (0.74 - 0.2 * x[:, None, None]),
            bad * (0.2 + 0.14 * x[:, None, None]),
            bad * (0.06 + 0.06 * x[:, None, None]),
        ],
        axis=-1,
    )
    flat = shares.reshape(-1, 5)
    counts = _split(rng, _perturb(rng, by_band.reshape(-1)), flat).reshape(n, 2, -1, 5)
    area = np.repeat(geo.lsoa_code, 2 * len(AGE_BANDS) * 6)
    health = np.concatenate([np.zeros((*counts.shape[:3], 1), dtype=np.int64), counts], axis=-1)
    files[HEALTH_BY_AGE_FILE] = csv_text(
        pd.DataFrame(
            {
                "Lower layer Super Output Areas Code": area,
                "Lower layer Super Output Areas": np.repeat(geo.lsoa_name, 2 * len(AGE_BANDS) * 6),
                "Sex (2 categories) Code": np.tile(np.repeat([1, 2], len(AGE_BANDS) * 6), n),
                "Sex (2 categories)": np.tile(np.repeat(["Female", "Male"], len(AGE_BANDS) * 6), n),
                "Age (18 categories) Code": np.tile(
                    np.repeat(np.arange(1, len(AGE_BANDS) + 1), 6), 2 * n
                ),
                "Age (18 categories)": np.tile(np.repeat([b[2] for b in AGE_BANDS], 6), 2 * n),
                "General health (6 categories) Code": np.tile([c for c, _ in _HEALTH], 2 * n * 18),
                "General health (6 categories)": np.tile([h for _, h in _HEALTH], 2 * n * 18),
                "Observation": health.reshape(-1),
            }
        )
    )

    def lsoa_table(table: str, total: np.ndarray, counts: np.ndarray) -> None:
        _, total_header, headers = CENSUS_TABLES[table]
        files[f"census2021-{table.lower()}-lsoa.csv"] = csv_text(
            _nomis(geo.lsoa_code, geo.lsoa_name, total_header, headers, total, counts)
        )

    # TS037 is a table of its own: its own total, split as the by-age counts are
    people = _perturb(rng, residents)
    lsoa_table("TS037", people, _split(rng, people, counts.sum(axis=(1, 2)) + 0.01))

    households = _perturb(rng, np.round(residents / (2.15 + 0.25 * (1 - x))))
    none = np.clip(0.62 - 0.36 * x + 0.1 * noise, 0.15, 0.8)
    rest = np.stack([0.55 - 0.1 * x, np.full(n, 0.32), 0.11 + 0.08 * x, 0.02 + 0.02 * x], axis=1)
    shares = np.column_stack([none, (1 - none)[:, None] * rest / rest.sum(1, keepdims=True)])
    lsoa_table("TS011", households, _split(rng, households, shares))

    people = _perturb(rng, residents)
    other = np.clip(0.02 + 0.16 * x**2 + np.abs(noise) * 0.15, 0.01, 0.6)
    mix = np.array([0.42, 0.22, 0.26, 0.10])
    shares = np.column_stack([other[:, None] * mix[:3], 1 - other, other * mix[3]])
    lsoa_table("TS021", people, _split(rng, people, shares))

    people = _perturb(rng, residents)
    disabled = np.clip(0.13 + 0.13 * x + 0.3 * (1 - good.mean(axis=(1, 2))) - 0.05, 0.06, 0.45)
    limited = np.column_stack([disabled * (0.42 + 0.08 * x), disabled * (0.58 - 0.08 * x)])
    condition = (1 - disabled) * 0.08
    level1 = _split(rng, people, np.column_stack([disabled, 1 - disabled]))
    sub_dis = _split(rng, level1[:, 0], limited)
    sub_not = _split(rng, level1[:, 1], np.column_stack([condition, 1 - disabled - condition]))
    lsoa_table(
        "TS038",
        people,
        np.column_stack([level1[:, 0], sub_dis, level1[:, 1], sub_not]),
    )

    aged5 = _perturb(rng, pop[:, :, 5:].sum(axis=(1, 2)))
    carers = np.clip(0.075 + 0.035 * x + rng.normal(0, 0.008, n), 0.03, 0.2)
    hours = np.column_stack([carers * (0.58 - 0.12 * x), carers * 0.18, carers * (0.24 + 0.12 * x)])
    lsoa_table("TS039", aged5, _split(rng, aged5, np.column_stack([1 - carers, hours])))

    # TS029 for MSOAs: residents aged 3 and over of the MSOA's LSOAs
    m = len(geo.msoa_code)
    aged3 = np.bincount(geo.lsoa_msoa, weights=pop[:, :, 3:].sum(axis=(1, 2)), minlength=m)
    x_m = np.bincount(geo.lsoa_msoa, weights=x * residents, minlength=m) / np.maximum(
        np.bincount(geo.lsoa_msoa, weights=residents, minlength=m), 1
    )
    aged3 = _perturb(rng, np.round(aged3))
    not_english = np.clip(0.015 + 0.09 * x_m**2 + rng.gamma(2.0, 0.01, m), 0.005, 0.4)
    level1 = _split(rng, aged3, np.column_stack([1 - not_english, not_english]))
    subs = _split(
        rng,
        level1[:, 1],
        np.tile([0.45, 0.33, 0.18, 0.04], (m, 1)) + np.outer(x_m, [-0.1, 0.0, 0.07, 0.03]),
    )
    _, total_header, headers = CENSUS_TABLES["TS029"]
    files["census2021-ts029-msoa.csv"] = csv_text(
        _nomis(
            geo.msoa_code,
            geo.msoa_name,
            total_header,
            headers,
            aged3,
            np.column_stack([level1, subs]),
        )
    )
    return dict(sorted(files.items()))
