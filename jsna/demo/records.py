"""Synthetic record-level data for the demo: deaths, hospital admissions and GP registrations.

Made from the demo pack's LSOAs, populations and IMD ranks (read through
:class:`jsna.DataPack`), in the layouts analysts receive, one row per event or person,
written as Parquet (through DuckDB) under ``records/`` in the pack folder:

* ``records/deaths/deaths_YYYY_NN.parquet``: registered deaths in the style of the
  Primary Care Mortality Database (PCMD) extract: registration date ``REG_DATE``, date of
  death ``DOD``, age ``DEC_AGEC``, sex ``DEC_SEX`` (1 male, 2 female), LSOA of residence
  ``LSOA_OF_RESIDENCE_CODE`` and underlying cause ``S_UNDERLYING_COD_ICD10`` (ICD-10, no dot);
* ``records/admissions/admissions_YYYY_NN.parquet``: emergency hospital admissions in the
  style of Hospital Episode Statistics: ``EPIKEY``, ``ADMIDATE``, ``STARTAGE``, ``SEX``
  (1/2), ``LSOA21``, ``ADMIMETH`` (21: emergency via A&E) and ``DIAG_4_01``;
* ``records/gp_registrations/gp_registrations.parquet``: one row per registered patient
  (a population health platform extract): ``PATIENT_ID``, ``AGE``, ``SEX`` (M/F),
  ``LSOA_CODE``, ``REGISTRATION_DATE`` and register flags ``HYP``, ``DM`` (1 on the
  register); in the pack also ``PRACTICE_CODE``: the pack's patients by practice and LSOA
  (``gp.lsoa_patients``) are counted from them by :data:`PACK_PATIENTS_RECIPE`
  (:func:`pack_gp_files`).

The deaths are the demo pack's: the demo pack itself (:func:`jsna.demo.pack.write_demo_pack`)
expands its drawn deaths by LSOA, sex and life-table band into records
(:func:`death_records`: an age within the band, a registration date in 2019-2023, an
underlying cause) and makes its ``deaths.lsoa`` file by running the recipe
:data:`PACK_DEATHS_RECIPE` on them with :func:`jsna.records.aggregate` (DuckDB)
(:func:`pack_death_files`). The mortality planted is the pack's
(:func:`jsna.demo.deaths.lsoa_mortality`: base rates by sex and band, a deprivation
gradient :data:`jsna.demo.planted.MORTALITY_GRADIENT` and the authority's excess); causes
are drawn with age-specific shares (:data:`CAUSE_MIX`) tilted by deprivation
(:data:`CAUSE_GRADIENT`), so that the gap between the most and least deprived has causes.

Planted effects (stored in ``records/truth.json``): death and admission rates rise with
deprivation as ``exp(gradient * (u - 0.5))``, where ``u`` is the LSOA's national
deprivation percentile (1 = most deprived, from the IMD rank); register prevalence does
the same. Everything is drawn from ``seed``; ``scale`` multiplies the population at risk,
so ``scale=800`` gives about ten million deaths for benchmarks, written in files of at
most ``rows_per_file`` rows so that memory stays flat. At ``scale=1`` into the pack's own
``records`` folder, the pack's deaths and GP registration records (those its
``deaths.lsoa`` and ``gp.lsoa_patients`` were made from) are kept.

Examples
--------
>>> import tempfile
>>> from jsna.demo.pack import write_demo_pack
>>> pack_dir = write_demo_pack(Path(tempfile.mkdtemp()) / "demo")
>>> truth = load_records_truth(pack_dir / RECORDS_FOLDER)  # the pack's own deaths records
>>> truth["deaths"]["rows"] > 5000, truth["deaths"]["gradient"]["Male"]
(True, 1.05)
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from jsna import config
from jsna.columns import IMD_RANK, LSOA21_CODE, POPULATION
from jsna.demo.deaths import LE_BANDS, LE_START, by_band, mortality_rates
from jsna.demo.formats import csv_text
from jsna.demo.planted import (
    AUTHORITY_MORTALITY_EXCESS,
    DEATHS_PERIOD,
    DEATHS_YEARS,
    MORTALITY_GRADIENT,
)
from jsna.exceptions import SourceError
from jsna.io.datapack import DataPack

__all__ = [
    "RECORDS_FOLDER",
    "NATIONAL_LSOAS",
    "YEARS",
    "ADMISSION_GRADIENT",
    "PREVALENCE_GRADIENT",
    "CAUSE_MIX",
    "CAUSE_GRADIENT",
    "DEATHS_RECIPE",
    "PACK_DEATHS_RECIPE",
    "DEATH_RECORDS",
    "cause_probabilities",
    "cause_gap_truth",
    "expected_deaths",
    "death_records",
    "pack_death_files",
    "PACK_PATIENTS_RECIPE",
    "GP_RECORDS",
    "pack_gp_files",
    "write_demo_records",
    "load_records_truth",
]

RECORDS_FOLDER = "records"
#: LSOAs in England (2021): IoD2025 ranks run 1..33,755.
NATIONAL_LSOAS = 33_755
#: Registration years of the demo records (the pack's deaths period).
YEARS = (2019, 2020, 2021, 2022, 2023)
#: Log rate ratio of emergency admissions between the most and least deprived ends.
ADMISSION_GRADIENT = 0.8
#: Log ratio of register prevalence (HYP, DM) between the most and least deprived ends.
PREVALENCE_GRADIENT = {"HYP": 0.3, "DM": 0.6}
_MAX_AGE = 90  # the pack's single years 0..89 and 90+
_ADMISSION_BASE = 0.06  # emergency admissions per person-year at age 40, least deprived mid-point

#: Underlying causes: (group, ICD-10 codes drawn uniformly) and their share by age band
#: (0-14, 15-44, 45-64, 65-84, 85+); groups as in the ``broad`` scheme of jsna.reference.icd10.
CAUSE_MIX = {
    "Cancer": (("C349", "C509", "C189", "C61", "C259", "C169"), (0.10, 0.15, 0.38, 0.30, 0.14)),
    "Circulatory diseases": (
        ("I219", "I251", "I64", "I500", "I489", "I110"),
        (0.05, 0.12, 0.22, 0.24, 0.24),
    ),
    "Respiratory diseases": (("J449", "J189", "J40", "J841"), (0.08, 0.05, 0.08, 0.13, 0.14)),
    "Dementia and Alzheimer's disease": (("F03", "G309", "F019"), (0.0, 0.0, 0.02, 0.10, 0.22)),
    "Digestive diseases": (("K703", "K746", "K922", "K566"), (0.04, 0.10, 0.10, 0.05, 0.04)),
    "External causes": (("X59", "V892", "X44", "W19", "X70"), (0.30, 0.40, 0.08, 0.02, 0.03)),
    "COVID-19": (("U071",), (0.0, 0.02, 0.04, 0.05, 0.05)),
    "Other causes": (
        ("N185", "E149", "G20", "A419", "R54", "P073"),
        (0.43, 0.16, 0.08, 0.11, 0.14),
    ),
}
_CAUSE_BAND_STARTS = np.array([0, 15, 45, 65, 85])

#: Log ratio of each cause's share of deaths (before the shares are renormalised) between the
#: most and least deprived ends (u = 1 vs u = 0): causes of the deprivation gap.
CAUSE_GRADIENT = {
    "Cancer": 0.2,
    "Circulatory diseases": 0.3,
    "Respiratory diseases": 0.9,
    "Dementia and Alzheimer's disease": -0.5,
    "Digestive diseases": 1.0,
    "External causes": 0.8,
    "COVID-19": 0.6,
    "Other causes": 0.0,
}

#: The pack's deaths records, inside the pack folder.
DEATH_RECORDS = "records/deaths/deaths_2019-2023.parquet"

#: The worked example of docs/records.md, written beside the demo records.
DEATHS_RECIPE = """\
# Deaths by ward, age band, sex and cause, 2019-2023 (jsna aggregate; see docs/records.md)
[recipe]
name = "Deaths by ward, age band, sex and cause, 2019-2023"

[source]
files = ["deaths/*.parquet"]      # relative to this file; globs, one or many files

[columns]                         # jsna's names = the extract's columns
date = "REG_DATE"
age = "DEC_AGEC"
sex = "DEC_SEX"
lsoa = "LSOA_OF_RESIDENCE_CODE"
cause = "S_UNDERLYING_COD_ICD10"

[filters]
period = ["2019-01-01", "2023-12-31"]
residence = ["E06999001"]

[derive]
age_band = "esp2013"              # 0-4, 5-9, ..., 85-89, 90+
cause_groups = "broad"            # jsna/reference/icd10_cause_groups.csv

[output]
group_by = ["ward", "age_band", "sex", "cause_group"]

[disclosure]
rule = "project"                  # or "ehrql", or "none" for analysis inside Python
"""

#: The recipe that makes the demo pack's ``deaths.lsoa`` file from its deaths records.
PACK_DEATHS_RECIPE = """\
# The demo pack's deaths.lsoa file: deaths by LSOA, sex, life-table age band and cause,
# 2019-2023, aggregated from the deaths records (jsna.records; see docs/records.md)
[recipe]
name = "Deaths by LSOA, sex, life-table age band and cause, 2019-2023"

[source]
files = ["deaths/*.parquet"]

[columns]
date = "REG_DATE"
age = "DEC_AGEC"
sex = "DEC_SEX"
lsoa = "LSOA_OF_RESIDENCE_CODE"
cause = "S_UNDERLYING_COD_ICD10"

[filters]
period = ["2019-01-01", "2023-12-31"]
residence = ["E06999001"]

[derive]
age_band = "life_table"           # 0, 1-4, 5-9, ..., 85-89, 90+ (Chiang II life expectancy)
cause_groups = "broad"

[output]
group_by = ["lsoa", "sex", "age_band", "cause_group"]

[disclosure]
# an input of the pack, kept inside the analyst's environment: life expectancy needs the
# true counts; everything published from it passes the build's gate (docs/records.md)
rule = "none"
"""


def _admission_rates(ages: np.ndarray, female: np.ndarray, u: np.ndarray) -> np.ndarray:
    ages = np.asarray(ages, dtype=float)
    base = _ADMISSION_BASE * np.exp(0.025 * (ages - 40))
    base = np.where(np.asarray(female), base * 0.9, base)
    return base * np.exp(ADMISSION_GRADIENT * (np.asarray(u, dtype=float) - 0.5))


def _prevalence(condition: str, ages: np.ndarray, u: np.ndarray) -> np.ndarray:
    ages = np.asarray(ages, dtype=float)
    slope, top = {"HYP": (0.075, 0.6), "DM": (0.055, 0.2)}[condition]
    base = top / (1 + np.exp(-slope * (ages - 62)))
    return np.clip(base * np.exp(PREVALENCE_GRADIENT[condition] * (u - 0.5)), 0, 1)


def _frames(pack_dir: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """Population cells (lsoa, sex, age, population) and each cell's deprivation percentile."""
    pack = DataPack.open(pack_dir)
    pop = pack.read("population.lsoa")
    imd = pack.read("imd")
    pop = pop[pop["sex"].isin(["Female", "Male"])].reset_index(drop=True)
    rank = pop[LSOA21_CODE].map(imd.set_index(LSOA21_CODE)[IMD_RANK])
    if rank.isna().any():
        missing = pop.loc[rank.isna(), LSOA21_CODE].unique()[:5].tolist()
        raise SourceError(f"demo records: LSOAs {missing} of the population have no IMD rank")
    u = 1.0 - (rank.to_numpy(dtype=float) - 0.5) / NATIONAL_LSOAS
    return pop, u


def _write_parquet(frame: pd.DataFrame, path: Path, dates: tuple[str, ...]) -> None:
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.register("frame", frame)
        select = ", ".join(
            f'CAST("{c}" AS DATE) AS "{c}"' if c in dates else f'"{c}"' for c in frame.columns
        )
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT {select} FROM frame) TO '{target}' (FORMAT parquet)")


def _chunks(counts: np.ndarray, rows_per_file: int) -> list[np.ndarray]:
    """Split cell indices into consecutive runs of at most ``rows_per_file`` events."""
    total = int(counts.sum())
    n = max(1, math.ceil(total / rows_per_file))
    edges = np.searchsorted(np.cumsum(counts), np.linspace(0, total, n + 1)[1:-1])
    return np.split(np.arange(len(counts)), edges)


def _dates(rng, year: int, n: int) -> np.ndarray:
    start = np.datetime64(f"{year}-01-01")
    days = (np.datetime64(f"{year + 1}-01-01") - start).astype(int)
    return start + rng.integers(0, days, n).astype("timedelta64[D]")


def _events(kind, rng, pop, u, rates, scale, rows_per_file, folder, seed_seq) -> int:
    """Draw admissions per cell and year and write them in files; returns the number of rows."""
    ages = pop["age"].to_numpy(dtype=int)
    female = (pop["sex"] == "Female").to_numpy()
    expected = pop[POPULATION].to_numpy(dtype=float) * rates * scale
    lsoa = pop[LSOA21_CODE].astype("category")
    rows = 0
    for year in YEARS:
        counts = rng.poisson(expected)
        for part, cells in enumerate(_chunks(counts, rows_per_file)):
            crng = np.random.default_rng(seed_seq.spawn(1)[0])
            cell = np.repeat(cells, counts[cells])
            n = len(cell)
            age = ages[cell]
            # the pack's top single year is 90+: spread it over 90..99
            age = np.where(age >= _MAX_AGE, _MAX_AGE + crng.geometric(0.3, n) - 1, age)
            age = np.minimum(age, 105)
            frame = pd.DataFrame(
                {
                    "EPIKEY": np.arange(rows, rows + n, dtype="int64") + 1,
                    "ADMIDATE": _dates(crng, year, n),
                    "STARTAGE": age.astype("int32"),
                    "SEX": np.where(female[cell], 2, 1).astype("int8"),
                    "LSOA21": pd.Categorical.from_codes(
                        lsoa.cat.codes.to_numpy()[cell], lsoa.cat.categories
                    ),
                    "ADMIMETH": "21",
                    "DIAG_4_01": _causes(crng, age),
                }
            )
            _write_parquet(frame, folder / f"{kind}_{year}_{part + 1:02d}.parquet", ("ADMIDATE",))
            rows += n
            del frame, cell
        del counts
    return rows


def _causes(rng, ages: np.ndarray) -> pd.Categorical:
    groups = list(CAUSE_MIX)
    shares = np.array([CAUSE_MIX[g][1] for g in groups])  # (group, age band)
    shares = shares / shares.sum(axis=0, keepdims=True)
    band = np.searchsorted(_CAUSE_BAND_STARTS, ages, side="right") - 1
    cumulative = np.cumsum(shares, axis=0)[:, band]  # (group, record)
    group = np.minimum((rng.random(len(ages)) > cumulative).sum(axis=0), len(groups) - 1)
    all_codes = [c for g in groups for c in CAUSE_MIX[g][0]]
    offsets = np.cumsum([0] + [len(CAUSE_MIX[g][0]) for g in groups])
    sizes = np.diff(offsets)
    pick = offsets[group] + (rng.random(len(ages)) * sizes[group]).astype(int)
    return pd.Categorical.from_codes(pick, all_codes)


def cause_probabilities(ages: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Probability of each cause group (:data:`CAUSE_MIX` order) of a death at ``ages`` and ``u``.

    The age band's shares of :data:`CAUSE_MIX`, each tilted by
    ``exp(CAUSE_GRADIENT * (u - 0.5))`` and renormalised.

    Parameters
    ----------
    ages : array of int
        Ages at death (or the start age of a life-table band: each lies within one band
        of the cause mix).
    u : array of float
        National deprivation percentile of each death's LSOA (1 = most deprived).

    Returns
    -------
    numpy.ndarray
        Shape (len(ages), len(CAUSE_MIX)); rows sum to 1.

    Examples
    --------
    >>> p = cause_probabilities(np.array([70, 70]), np.array([1.0, 0.0]))
    >>> groups = list(CAUSE_MIX)
    >>> r = groups.index("Respiratory diseases")
    >>> d = groups.index("Dementia and Alzheimer's disease")
    >>> bool(p[0, r] > p[1, r] and p[0, d] < p[1, d]), np.allclose(p.sum(axis=1), 1)
    (True, True)
    """
    shares = np.array([CAUSE_MIX[g][1] for g in CAUSE_MIX])  # (group, broad band)
    band = np.searchsorted(_CAUSE_BAND_STARTS, np.asarray(ages), side="right") - 1
    tilt = np.exp(
        np.array([CAUSE_GRADIENT[g] for g in CAUSE_MIX])[None, :]
        * (np.asarray(u, dtype=float)[:, None] - 0.5)
    )
    weights = shares[:, band].T * tilt
    return weights / weights.sum(axis=1, keepdims=True)


def death_records(
    rng: np.random.Generator,
    lsoa_codes,
    u: np.ndarray,
    counts: np.ndarray,
    cells: np.ndarray | None = None,
) -> pd.DataFrame:
    """Registered deaths in the PCMD layout, from deaths by LSOA, sex and life-table band.

    Each death gets an age within its band (the 90+ band spread over 90..105), a
    registration date in 2019-2023 (:data:`YEARS`) with the date of death up to 20 days
    before, and an underlying cause: a group drawn from :func:`cause_probabilities`,
    then one of the group's ICD-10 codes (:data:`CAUSE_MIX`).

    Parameters
    ----------
    rng : numpy.random.Generator
    lsoa_codes : array of str
        The LSOAs (first axis of ``counts``).
    u : numpy.ndarray
        Each LSOA's national deprivation percentile (1 = most deprived).
    counts : numpy.ndarray of int
        Deaths of shape (lsoa, 2 sexes [female, male], 20 life-table bands).
    cells : numpy.ndarray, optional
        Flat indices of the cells of ``counts`` to expand (default: all).

    Returns
    -------
    DataFrame
        ``REG_DATE``, ``DOD``, ``DEC_AGEC``, ``DEC_SEX`` (1 male, 2 female),
        ``LSOA_OF_RESIDENCE_CODE``, ``S_UNDERLYING_COD_ICD10``; one row per death, in
        cell order.

    Examples
    --------
    >>> counts = np.zeros((1, 2, 20), dtype=int)
    >>> counts[0, 1, 19] = 3  # three men aged 90+
    >>> frame = death_records(np.random.default_rng(1), ["E01999001"], np.array([0.5]), counts)
    >>> len(frame), set(frame["DEC_SEX"]), bool((frame["DEC_AGEC"] >= 90).all())
    (3, {1}, True)
    """
    flat = np.asarray(counts).reshape(-1)
    cells = np.arange(flat.size) if cells is None else np.asarray(cells)
    cell = np.repeat(cells, flat[cells])
    n = len(cell)
    lsoa, sex, band = np.unravel_index(cell, np.shape(counts))
    width = np.diff(LE_START, append=LE_START[-1] + 1)
    age = LE_START[band] + (rng.random(n) * width[band]).astype(int)
    top = band == len(LE_START) - 1
    age[top] = _MAX_AGE + np.minimum(rng.geometric(0.3, int(top.sum())) - 1, 15)
    start = np.datetime64(f"{YEARS[0]}-01-01")
    days = int((np.datetime64(f"{YEARS[-1] + 1}-01-01") - start).astype(int))
    date = start + rng.integers(0, days, n).astype("timedelta64[D]")
    probs = cause_probabilities(LE_START[band], np.asarray(u, dtype=float)[lsoa])
    groups = list(CAUSE_MIX)
    group = np.minimum(
        (rng.random(n)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1), len(groups) - 1
    )
    all_codes = [c for g in groups for c in CAUSE_MIX[g][0]]
    offsets = np.cumsum([0] + [len(CAUSE_MIX[g][0]) for g in groups])
    sizes = np.diff(offsets)
    pick = offsets[group] + (rng.random(n) * sizes[group]).astype(int)
    codes = pd.Categorical(np.asarray(lsoa_codes))
    return pd.DataFrame(
        {
            "REG_DATE": date,
            "DOD": date - rng.integers(0, 21, n).astype("timedelta64[D]"),
            "DEC_AGEC": age.astype("int32"),
            "DEC_SEX": np.where(sex == 0, 2, 1).astype("int8"),
            "LSOA_OF_RESIDENCE_CODE": pd.Categorical.from_codes(
                codes.codes[lsoa], codes.categories
            ),
            "S_UNDERLYING_COD_ICD10": pd.Categorical.from_codes(pick, all_codes),
        }
    )


def _deaths_truth(expected: np.ndarray, u: np.ndarray, rows: int, scale: float) -> dict:
    """What the deaths records plant: rates, gradients, causes, the expected deaths by cause."""
    probs = cause_probabilities(
        np.tile(LE_START, len(u)), np.repeat(np.asarray(u, dtype=float), len(LE_START))
    ).reshape(len(u), 1, len(LE_START), -1)
    by_cause = (expected[..., None] * probs).sum(axis=(0, 1, 2))
    return {
        "rows": int(rows),
        "expected": float(expected.sum()),
        "scale": float(scale),
        "period": DEATHS_PERIOD,
        "bands": list(LE_BANDS),
        "gradient": dict(MORTALITY_GRADIENT),
        "authority_excess": AUTHORITY_MORTALITY_EXCESS,
        "rates": "jsna.demo.deaths.lsoa_mortality: base rates by sex and life-table band x "
        "exp(gradient[sex] * (u - 0.5)) x authority_excess, per person-year; person-years = "
        "population x 5",
        "cause_mix": {g: list(v[1]) for g, v in CAUSE_MIX.items()},
        "cause_gradient": dict(CAUSE_GRADIENT),
        "expected_by_cause": {g: float(v) for g, v in zip(CAUSE_MIX, by_cause, strict=True)},
    }


def cause_gap_truth(
    expected: np.ndarray, exposure: np.ndarray, u: np.ndarray, quintile: np.ndarray
) -> dict:
    """The planted gap in life expectancy at birth between national IMD quintiles, by cause.

    Arriaga's decomposition (:func:`jsna.stats.decomposition.arriaga`) of the expected
    deaths (split into causes by :func:`cause_probabilities`) between the most and least
    deprived national quintiles that the LSOAs have.

    Parameters
    ----------
    expected, exposure : numpy.ndarray
        Expected deaths and person-years, shape (lsoa, 2 sexes [female, male], 20 bands).
    u : numpy.ndarray
        National deprivation percentile of each LSOA.
    quintile : numpy.ndarray
        National IMD quintile of each LSOA (1 = most deprived).

    Returns
    -------
    dict
        By sex: ``base_quintile``, ``comparator_quintile``, ``gap`` (years, comparator minus
        base) and ``by_cause`` (years; they add up to the gap).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> exposure = np.full((10, 2, 20), 5000.0)
    >>> u = np.linspace(0.05, 0.95, 10)
    >>> expected = mortality_rates(u) * exposure
    >>> truth = cause_gap_truth(expected, exposure, u, 5 - (u * 5).astype(int))
    >>> male = truth["Male"]
    >>> male["base_quintile"], male["comparator_quintile"], male["gap"] > 0
    (1, 5, True)
    >>> bool(abs(sum(male["by_cause"].values()) - male["gap"]) < 1e-9)
    True
    """
    import warnings

    from jsna.stats.decomposition import arriaga

    probs = cause_probabilities(
        np.tile(LE_START, len(u)), np.repeat(np.asarray(u, dtype=float), len(LE_START))
    ).reshape(len(u), 1, len(LE_START), -1)
    by_cause = expected[..., None] * probs  # (lsoa, sex, band, cause)
    quintiles = np.unique(quintile)
    base, comparator = int(quintiles.min()), int(quintiles.max())
    rows = []
    for q in (base, comparator):
        inside = np.asarray(quintile) == q
        deaths = by_cause[inside].sum(axis=0)  # (sex, band, cause)
        people = exposure[inside].sum(axis=0)  # (sex, band)
        s, b, c = np.indices(deaths.shape).reshape(3, -1)
        rows.append(
            pd.DataFrame(
                {
                    "quintile": q,
                    "sex": np.array(["Female", "Male"])[s],
                    "age_band": LE_START[b],
                    "cause": np.array(list(CAUSE_MIX))[c],
                    "deaths": deaths.reshape(-1),
                    "population": people[s, b],
                }
            )
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = arriaga(
            pd.concat(rows, ignore_index=True),
            "deaths",
            "population",
            compare="quintile",
            base=base,
            comparator=comparator,
            by="sex",
            age_band="age_band",
            cause="cause",
        )
    truth = {}
    for sex, part in out.groupby("sex"):
        truth[str(sex)] = {
            "base_quintile": base,
            "comparator_quintile": comparator,
            "gap": float(part["gap"].iloc[0]),
            "by_cause": {
                str(k): float(v)
                for k, v in part.groupby("cause", sort=False)["contribution"].sum().items()
            },
        }
    return truth


def _parquet_bytes(frame: pd.DataFrame, dates: tuple[str, ...]) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.parquet"
        _write_parquet(frame, path, dates)
        return path.read_bytes()


def _aggregate_pack_records(
    lookup_csv: str, records: str, parquet: bytes, recipe_name: str, recipe_text: str
) -> pd.DataFrame:
    """Run a pack recipe on its records with :func:`jsna.records.aggregate` (DuckDB), as an
    analyst would, in a scratch pack holding only the LSOA lookup and the records."""
    from jsna.records import aggregate

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "lookup.csv").write_text(lookup_csv, encoding="utf-8")
        (root / "datapack.toml").write_text(
            '[pack]\nname = "demo records lookup"\nsynthetic = true\n\n'
            '[[file]]\nrole = "lookup.lsoa_ward_lad"\npath = "lookup.csv"\n',
            encoding="utf-8",
        )
        (root / records).parent.mkdir(parents=True)
        (root / records).write_bytes(parquet)
        recipe = root / RECORDS_FOLDER / recipe_name
        recipe.write_text(recipe_text, encoding="utf-8")
        return aggregate(recipe, pack=root)


def pack_death_files(
    rng: np.random.Generator,
    lsoa_codes,
    u: np.ndarray,
    observed: np.ndarray,
    expected: np.ndarray,
    lookup_csv: str,
) -> dict[str, str | bytes]:
    """The demo pack's deaths records and its ``deaths.lsoa`` file aggregated from them.

    The deaths by LSOA, sex and life-table band are expanded into records
    (:func:`death_records`), written as Parquet, and :data:`PACK_DEATHS_RECIPE` is run on
    them with :func:`jsna.records.aggregate` (DuckDB) in a scratch folder holding the
    pack's LSOA lookup, as an analyst would run it on an extract. The aggregated counts,
    summed over causes, are checked against ``observed``.

    Parameters
    ----------
    rng : numpy.random.Generator
    lsoa_codes : array of str
    u : numpy.ndarray
        National deprivation percentile of each LSOA.
    observed, expected : numpy.ndarray
        Deaths drawn and expected, shape (lsoa, 2 sexes [female, male], 20 bands).
    lookup_csv : str
        The pack's LSOA to ward and authority lookup (role ``lookup.lsoa_ward_lad``).

    Returns
    -------
    dict
        Path inside the pack -> content: ``deaths.lsoa`` text (key ``"deaths.lsoa"``; the
        caller puts it at its path), :data:`DEATH_RECORDS` (Parquet bytes), the recipes
        ``records/deaths_by_lsoa.toml`` and ``records/deaths_by_ward.toml`` and
        ``records/truth.json``.

    Examples
    --------
    >>> from jsna.demo.pack import pack_files
    >>> files = pack_files(1)
    >>> deaths = files["deaths/deaths_lsoa21_2019-2023_Demoshire.csv"]
    >>> files[DEATH_RECORDS][:4], deaths.splitlines()[0]
    (b'PAR1', 'LSOA21CD,sex,age_band,cause_group,deaths,period')
    """
    records = death_records(rng, lsoa_codes, u, observed)
    parquet = _parquet_bytes(records, ("REG_DATE", "DOD"))
    counts = _aggregate_pack_records(
        lookup_csv, DEATH_RECORDS, parquet, "deaths_by_lsoa.toml", PACK_DEATHS_RECIPE
    )
    summed = counts.groupby([LSOA21_CODE, "sex", "age_band"], sort=False)["count"].sum()
    index = pd.MultiIndex.from_product(
        [list(lsoa_codes), ["Female", "Male"], list(LE_BANDS)],
        names=[LSOA21_CODE, "sex", "age_band"],
    )
    if not np.array_equal(summed.reindex(index).to_numpy(), np.asarray(observed).reshape(-1)):
        raise SourceError(
            "demo pack: the deaths aggregated from the records differ from the deaths drawn"
        )
    deaths = pd.DataFrame(
        {
            "LSOA21CD": counts[LSOA21_CODE],
            "sex": counts["sex"],
            "age_band": counts["age_band"],
            "cause_group": counts["cause_group"],
            "deaths": counts["count"],
            "period": DEATHS_PERIOD,
        }
    )
    truth = {
        "generator": "jsna.demo.pack",
        "years": list(YEARS),
        "deaths": {
            **_deaths_truth(expected, u, len(records), 1.0),
            "files": [Path(DEATH_RECORDS).name],
            "aggregated_to": "deaths.lsoa by records/deaths_by_lsoa.toml",
        },
    }
    return {
        "deaths.lsoa": csv_text(deaths),
        DEATH_RECORDS: parquet,
        f"{RECORDS_FOLDER}/deaths_by_lsoa.toml": PACK_DEATHS_RECIPE,
        f"{RECORDS_FOLDER}/deaths_by_ward.toml": DEATHS_RECIPE,
        f"{RECORDS_FOLDER}/truth.json": json.dumps(truth, indent=1, sort_keys=True) + "\n",
    }


def _gp(rng, pop: pd.DataFrame, u: np.ndarray, folder: Path) -> dict:
    counts = pop[POPULATION].to_numpy(dtype=float).round().astype(int)
    cell = np.repeat(np.arange(len(pop)), counts)
    n = len(cell)
    age = pop["age"].to_numpy(dtype=int)[cell]
    lsoa = pop[LSOA21_CODE].astype("category")
    frame = pd.DataFrame(
        {
            "PATIENT_ID": np.arange(1, n + 1, dtype="int64"),
            "AGE": age.astype("int32"),
            "SEX": np.where((pop["sex"] == "Female").to_numpy()[cell], "F", "M"),
            "LSOA_CODE": pd.Categorical.from_codes(
                lsoa.cat.codes.to_numpy()[cell], lsoa.cat.categories
            ),
            "REGISTRATION_DATE": np.datetime64("2000-01-01")
            + rng.integers(0, 8766, n).astype("timedelta64[D]"),
        }
    )
    truth = {}
    for condition in PREVALENCE_GRADIENT:
        p = _prevalence(condition, age, u[cell])
        frame[condition] = (rng.random(n) < p).astype("int8")
        truth[condition] = {"gradient": PREVALENCE_GRADIENT[condition], "expected": float(p.sum())}
    _write_parquet(frame, folder / "gp_registrations.parquet", ("REGISTRATION_DATE",))
    return {"rows": n, "registers": truth}


#: The recipe that makes the demo pack's ``gp.lsoa_patients`` file from its GP registrations.
PACK_PATIENTS_RECIPE = """\
# The demo pack's gp.lsoa_patients file: registered patients by practice, LSOA and sex,
# counted from the GP registration records (jsna.records; see docs/records.md)
[recipe]
name = "Registered patients by practice, LSOA and sex, April 2023"

[source]
files = ["gp_registrations/*.parquet"]

[columns]
practice = "PRACTICE_CODE"
sex = "SEX"
lsoa = "LSOA_CODE"

[output]
group_by = ["practice", "lsoa", "sex"]
complete = false                  # the published layout lists only non-empty rows

[disclosure]
rule = "none"                     # a pack input; published outputs pass the build's gate
"""

#: The pack's GP registration records, inside the pack folder.
GP_RECORDS = "records/gp_registrations/gp_registrations.parquet"


def pack_gp_files(
    rng: np.random.Generator,
    patients: pd.DataFrame,
    lsoa_codes,
    u: np.ndarray,
    pop: np.ndarray,
    lookup_csv: str,
) -> dict[str, str | bytes]:
    """The demo pack's GP registration records and its ``gp.lsoa_patients`` file counted from them.

    Each patient of the practices' lists (``patients``, the NHS Digital layout: practice,
    LSOA, sex, number of patients) becomes a record with an age drawn from the LSOA's
    residents of that sex, a registration date and ``HYP``/``DM`` register flags (the
    planted prevalence, :data:`PREVALENCE_GRADIENT`); :data:`PACK_PATIENTS_RECIPE` then
    counts them back by practice, LSOA and sex with :func:`jsna.records.aggregate`
    (DuckDB). The counts are checked to equal ``patients``.

    Parameters
    ----------
    rng : numpy.random.Generator
    patients : DataFrame
        Patients by practice, LSOA and sex in the NHS Digital layout.
    lsoa_codes : array of str
    u : numpy.ndarray
        National deprivation percentile of each LSOA.
    pop : numpy.ndarray
        Residents of shape (lsoa, 2 sexes [female, male], 91 ages).
    lookup_csv : str
        The pack's LSOA lookup (role ``lookup.lsoa_ward_lad``).

    Returns
    -------
    dict
        ``"gp.lsoa_patients"``: the file's text; :data:`GP_RECORDS`: Parquet bytes;
        ``records/gp_by_practice.toml``; ``"truth"``: the records' truth.

    Examples
    --------
    >>> from jsna.demo.pack import pack_files
    >>> files = pack_files(1)
    >>> files[GP_RECORDS][:4]
    b'PAR1'
    """
    position = {code: i for i, code in enumerate(lsoa_codes)}
    n_each = patients["NUMBER_OF_PATIENTS"].to_numpy(dtype=int)
    row = np.repeat(np.arange(len(patients)), n_each)
    lsoa = patients["LSOA_CODE"].map(position).to_numpy(dtype=int)[row]
    female = (patients["SEX"] == "FEMALE").to_numpy()[row]
    sex = np.where(female, 0, 1)
    n = len(row)
    cdf = np.cumsum(pop, axis=2) / np.maximum(pop.sum(axis=2, keepdims=True), 1)
    age = np.zeros(n, dtype=np.int32)
    for start in range(0, n, 200_000):  # (patients x 91) comparisons, in slices
        part = slice(start, start + 200_000)
        draw = rng.random(len(age[part]))[:, None]
        age[part] = np.minimum((draw > cdf[lsoa[part], sex[part]]).sum(axis=1), _MAX_AGE)
    frame = pd.DataFrame(
        {
            "PATIENT_ID": np.arange(1, n + 1, dtype="int64"),
            "PRACTICE_CODE": pd.Categorical(patients["PRACTICE_CODE"].to_numpy()[row]),
            "AGE": age,
            "SEX": np.where(female, "F", "M"),
            "LSOA_CODE": pd.Categorical(patients["LSOA_CODE"].to_numpy()[row]),
            "REGISTRATION_DATE": np.datetime64("2000-01-01")
            + rng.integers(0, 8492, n).astype("timedelta64[D]"),
        }
    )
    registers = {}
    for condition in PREVALENCE_GRADIENT:
        p = _prevalence(condition, age, np.asarray(u, dtype=float)[lsoa])
        frame[condition] = (rng.random(n) < p).astype("int8")
        registers[condition] = {
            "gradient": PREVALENCE_GRADIENT[condition],
            "expected": float(p.sum()),
        }
    parquet = _parquet_bytes(frame, ("REGISTRATION_DATE",))
    counts = _aggregate_pack_records(
        lookup_csv, GP_RECORDS, parquet, "gp_by_practice.toml", PACK_PATIENTS_RECIPE
    )
    names = patients.drop_duplicates("PRACTICE_CODE").set_index("PRACTICE_CODE")["PRACTICE_NAME"]
    out = (
        pd.DataFrame(
            {
                "PUBLICATION": "GP_PRAC_PAT_LIST",
                "EXTRACT_DATE": "01APR2023",
                "PRACTICE_CODE": counts["practice_code"].astype(str),
                "PRACTICE_NAME": counts["practice_code"].astype(str).map(names),
                "LSOA_CODE": counts[LSOA21_CODE].astype(str),
                "SEX": counts["sex"].str.upper().to_numpy(),
                "NUMBER_OF_PATIENTS": counts["count"].to_numpy(),
            }
        )
        .sort_values(["PRACTICE_CODE", "LSOA_CODE", "SEX"], kind="stable")
        .reset_index(drop=True)
    )
    if not out.astype(str).equals(patients.reset_index(drop=True).astype(str)):
        raise SourceError(
            "demo pack: the patients counted from the GP records differ from the lists drawn"
        )
    truth = {"rows": n, "registers": registers, "files": [Path(GP_RECORDS).name]}
    return {
        "gp.lsoa_patients": csv_text(out),
        GP_RECORDS: parquet,
        f"{RECORDS_FOLDER}/gp_by_practice.toml": PACK_PATIENTS_RECIPE,
        "truth": truth,
    }


def _death_expected(pop: pd.DataFrame, u_cells: np.ndarray):
    """LSOA codes, their ``u`` and the pack's expected deaths (lsoa, sex, band) over the period."""
    lsoa = pd.Categorical(pop[LSOA21_CODE])
    people = np.zeros((len(lsoa.categories), 2, _MAX_AGE + 1))
    sex = (pop["sex"] == "Male").to_numpy().astype(int)
    age = np.minimum(pop["age"].to_numpy(dtype=int), _MAX_AGE)
    np.add.at(people, (lsoa.codes, sex, age), pop[POPULATION].to_numpy(dtype=float))
    u = np.zeros(len(lsoa.categories))
    u[lsoa.codes] = u_cells
    exposure = by_band(people, LE_START) * DEATHS_YEARS
    expected = mortality_rates(u) * AUTHORITY_MORTALITY_EXCESS * exposure
    return np.asarray(lsoa.categories), u, expected


def expected_deaths(pack_dir: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The planted expected deaths of a demo pack, before any are drawn.

    Returns
    -------
    tuple
        The LSOA codes, each LSOA's national deprivation percentile ``u`` (1 = most
        deprived) and the expected deaths over the period, shape (lsoa, 2 sexes [female,
        male], 20 life-table bands); :func:`cause_probabilities` splits them by cause.

    Examples
    --------
    >>> from jsna.config import project_paths
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> codes, u, expected = expected_deaths(ensure_demo_pack(project_paths().demo_pack))
    >>> expected.shape == (len(codes), 2, 20), bool(expected.sum() > 1000)
    (True, True)
    """
    pop, u_cells = _frames(Path(pack_dir))
    return _death_expected(pop, u_cells)


def write_demo_records(
    pack_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str] | None = None,
    *,
    seed: int = config.SEED,
    scale: float = 1.0,
    rows_per_file: int = 2_000_000,
    kinds: tuple[str, ...] = ("deaths", "admissions", "gp_registrations"),
) -> dict:
    """Write synthetic record-level files for the demo pack at ``pack_dir``; return the truth.

    Parameters
    ----------
    pack_dir : path
        A demo pack folder (``jsna.demo.pack.write_demo_pack``): its LSOAs, populations and
        IMD ranks are the population at risk.
    out_dir : path, optional
        Where to write; ``pack_dir/records`` by default. Existing files of the kinds written
        are replaced.
    seed : int
    scale : float
        Multiplies the population at risk (``800`` gives about 10 million deaths).
    rows_per_file : int
        At most this many rows per Parquet file (memory stays flat as ``scale`` grows).
    kinds : tuple of str
        Which of ``deaths``, ``admissions``, ``gp_registrations`` to write.

    Returns
    -------
    dict
        The planted truth, also written to ``truth.json`` in ``out_dir``.
    """
    pack_dir = Path(pack_dir)
    out = Path(out_dir) if out_dir is not None else pack_dir / RECORDS_FOLDER
    pop, u_cells = _frames(pack_dir)
    seeds = np.random.SeedSequence([int(seed), 15]).spawn(3)
    ages = pop["age"].to_numpy(dtype=float)
    female = (pop["sex"] == "Female").to_numpy()
    truth: dict = {
        "generator": "jsna.demo.records",
        "seed": int(seed),
        "scale": float(scale),
        "years": list(YEARS),
        "deprivation": "u = 1 - (IMD rank - 0.5) / 33,755 (1 = most deprived); rate ratio "
        "exp(gradient * (u - 0.5))",
    }
    own = out.resolve() == (pack_dir / RECORDS_FOLDER).resolve() and scale == 1
    previous = out / "truth.json"
    if "deaths" in kinds and own and (pack_dir / DEATH_RECORDS).is_file() and previous.is_file():
        # the pack's own deaths records: its deaths.lsoa file was aggregated from them
        truth["deaths"] = load_records_truth(out)["deaths"]
    elif "deaths" in kinds:
        folder = out / "deaths"
        if folder.exists():
            shutil.rmtree(folder)
        codes, u, expected = _death_expected(pop, u_cells)
        rng = np.random.default_rng(seeds[0])
        counts = rng.poisson(expected * scale)
        rows = 0
        for part, cells in enumerate(_chunks(counts.reshape(-1), rows_per_file)):
            frame = death_records(
                np.random.default_rng(seeds[0].spawn(1)[0]), codes, u, counts, cells
            )
            name = f"deaths_{DEATHS_PERIOD}_{part + 1:02d}.parquet"
            _write_parquet(frame, folder / name, ("REG_DATE", "DOD"))
            rows += len(frame)
            del frame
        truth["deaths"] = {
            **_deaths_truth(expected * scale, u, rows, scale),
            "files": sorted(p.name for p in folder.glob("*.parquet")),
        }
    if "admissions" in kinds:
        folder = out / "admissions"
        if folder.exists():
            shutil.rmtree(folder)
        # the pack's 90+ population is spread over 90..99 when drawn; rates use its start age
        rates = _admission_rates(ages, female, u_cells)
        rng = np.random.default_rng(seeds[1])
        rows = _events(
            "admissions", rng, pop, u_cells, rates, scale, rows_per_file, folder, seeds[1]
        )
        truth["admissions"] = {
            "rows": rows,
            "expected": float((pop[POPULATION].to_numpy() * rates).sum() * scale * len(YEARS)),
            "gradient": ADMISSION_GRADIENT,
            "files": sorted(p.name for p in folder.glob("*.parquet")),
        }
    if "gp_registrations" in kinds and own and (pack_dir / GP_RECORDS).is_file():
        # the pack's own registrations: its gp.lsoa_patients file was counted from them
        truth["gp_registrations"] = load_records_truth(out)["gp_registrations"]
    elif "gp_registrations" in kinds:
        folder = out / "gp_registrations"
        if folder.exists():
            shutil.rmtree(folder)
        truth["gp_registrations"] = _gp(np.random.default_rng(seeds[2]), pop, u_cells, folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "deaths_by_ward.toml").write_text(DEATHS_RECIPE, encoding="utf-8")
    (out / "truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n")
    return truth


def load_records_truth(folder: str | os.PathLike[str]) -> dict:
    """The planted truth of demo records written to ``folder`` (its ``truth.json``).

    Examples
    --------
    >>> load_records_truth("/nonexistent")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.SourceError: no demo records truth.json in /nonexistent; ...
    """
    file = Path(folder) / "truth.json"
    if not file.is_file():
        raise SourceError(
            f"no demo records truth.json in {folder}; write the records with write_demo_records"
        )
    return json.loads(file.read_text())
