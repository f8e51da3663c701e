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
  ``LSOA_CODE``, ``REGISTRATION_DATE`` and register flags ``HYP``, ``DM`` (1 on the register).

Planted effects (stored in ``records/truth.json``): death and admission rates rise with
deprivation as ``exp(gradient * (u - 0.5))``, where ``u`` is the LSOA's national
deprivation percentile (1 = most deprived, from the IMD rank); register prevalence does
the same. Everything is drawn from ``seed``; ``scale`` multiplies the population at risk,
so ``scale=800`` gives about ten million deaths for benchmarks, written in files of at
most ``rows_per_file`` rows so that memory stays flat.

Examples
--------
>>> import tempfile
>>> from jsna.demo.pack import write_demo_pack
>>> pack_dir = write_demo_pack(Path(tempfile.mkdtemp()) / "demo")
>>> truth = write_demo_records(pack_dir, kinds=("deaths",))
>>> truth["deaths"]["rows"] > 5000, truth["deaths"]["gradient"]
(True, 1.0)
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from jsna import config
from jsna.columns import IMD_RANK, LSOA21_CODE, POPULATION
from jsna.exceptions import SourceError
from jsna.io.datapack import DataPack

__all__ = [
    "RECORDS_FOLDER",
    "NATIONAL_LSOAS",
    "YEARS",
    "DEATH_GRADIENT",
    "ADMISSION_GRADIENT",
    "PREVALENCE_GRADIENT",
    "CAUSE_MIX",
    "DEATHS_RECIPE",
    "death_rates",
    "write_demo_records",
    "load_records_truth",
]

RECORDS_FOLDER = "records"
#: LSOAs in England (2021): IoD2025 ranks run 1..33,755.
NATIONAL_LSOAS = 33_755
#: Registration years of the demo records.
YEARS = (2019, 2020, 2021, 2022, 2023)
#: Log rate ratio of deaths between the most and least deprived ends (u = 1 vs u = 0).
DEATH_GRADIENT = 1.0
#: Log rate ratio of emergency admissions between the most and least deprived ends.
ADMISSION_GRADIENT = 0.8
#: Log ratio of register prevalence (HYP, DM) between the most and least deprived ends.
PREVALENCE_GRADIENT = {"HYP": 0.3, "DM": 0.6}
_MAX_AGE = 90  # the pack's single years 0..89 and 90+
_FEMALE_FACTOR = 0.7
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


def death_rates(ages: np.ndarray, female: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Deaths per person-year planted in the demo records (Gompertz by age, deprivation gradient).

    Examples
    --------
    >>> rates = death_rates(np.array([70, 70]), np.array([False, False]), np.array([1.0, 0.0]))
    >>> round(float(np.log(rates[0] / rates[1])), 6) == DEATH_GRADIENT
    True
    """
    ages = np.asarray(ages, dtype=float)
    base = np.where(ages < 1, 0.004, np.exp(-10.2 + 0.094 * np.minimum(ages, 95)))
    base = np.where(np.asarray(female), base * _FEMALE_FACTOR, base)
    return base * np.exp(DEATH_GRADIENT * (np.asarray(u, dtype=float) - 0.5))


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
    """Draw events per cell and year and write them in files; returns the number of rows."""
    ages = pop["age"].to_numpy(dtype=int)
    female = (pop["sex"] == "Female").to_numpy()
    expected = pop[POPULATION].to_numpy(dtype=float) * rates * scale
    lsoa = pop[LSOA21_CODE].astype("category")
    rows = 0
    for y, year in enumerate(YEARS):
        counts = rng.poisson(expected)
        for part, cells in enumerate(_chunks(counts, rows_per_file)):
            crng = np.random.default_rng(seed_seq.spawn(1)[0])
            cell = np.repeat(cells, counts[cells])
            n = len(cell)
            age = ages[cell]
            # the pack's top single year is 90+: spread it over 90..99
            age = np.where(age >= _MAX_AGE, _MAX_AGE + crng.geometric(0.3, n) - 1, age)
            age = np.minimum(age, 105)
            date = _dates(crng, year, n)
            sex = np.where(female[cell], 2, 1)
            codes = _causes(crng, age)
            where = pd.Categorical.from_codes(lsoa.cat.codes.to_numpy()[cell], lsoa.cat.categories)
            if kind == "deaths":
                frame = pd.DataFrame(
                    {
                        "REG_DATE": date,
                        "DOD": date - crng.integers(0, 21, n).astype("timedelta64[D]"),
                        "DEC_AGEC": age.astype("int32"),
                        "DEC_SEX": sex.astype("int8"),
                        "LSOA_OF_RESIDENCE_CODE": where,
                        "S_UNDERLYING_COD_ICD10": codes,
                    }
                )
                dates = ("REG_DATE", "DOD")
            else:
                frame = pd.DataFrame(
                    {
                        "EPIKEY": np.arange(rows, rows + n, dtype="int64") + 1,
                        "ADMIDATE": date,
                        "STARTAGE": age.astype("int32"),
                        "SEX": sex.astype("int8"),
                        "LSOA21": where,
                        "ADMIMETH": "21",
                        "DIAG_4_01": codes,
                    }
                )
                dates = ("ADMIDATE",)
            _write_parquet(frame, folder / f"{kind}_{year}_{part + 1:02d}.parquet", dates)
            rows += n
            del frame, cell
        del counts, y
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
    for index, kind in enumerate(("deaths", "admissions")):
        if kind not in kinds:
            continue
        folder = out / kind
        if folder.exists():
            shutil.rmtree(folder)
        # the pack's 90+ population is spread over 90..99 when drawn; rates use its start age
        rates = (death_rates if kind == "deaths" else _admission_rates)(ages, female, u_cells)
        rng = np.random.default_rng(seeds[index])
        rows = _events(kind, rng, pop, u_cells, rates, scale, rows_per_file, folder, seeds[index])
        expected = float((pop[POPULATION].to_numpy() * rates).sum() * scale * len(YEARS))
        truth[kind] = {
            "rows": rows,
            "expected": expected,
            "gradient": DEATH_GRADIENT if kind == "deaths" else ADMISSION_GRADIENT,
            "files": sorted(p.name for p in folder.glob("*.parquet")),
        }
    if "deaths" in truth:
        truth["deaths"]["cause_mix"] = {g: list(v[1]) for g, v in CAUSE_MIX.items()}
        truth["deaths"]["female_factor"] = _FEMALE_FACTOR
    if "gp_registrations" in kinds:
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
