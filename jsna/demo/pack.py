"""Assemble the synthetic demo pack and publish it atomically.

:func:`write_demo_pack` draws every part of the pack from one seed (see
:mod:`jsna.demo` for what is planted), writes the files into a staging folder
next to the target and renames it into place; :func:`ensure_demo_pack` writes
only when the pack is missing, incomplete or of another version;
:func:`load_truth` reads the planted effects back.

The names of the parts are re-exported here, where they were before the demo
became its own package (``DEMO_AREA_CODE``, ``diagnosis_ratio``,
``mortality_rates`` ...).
"""

from __future__ import annotations

import json
import os
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from jsna import config
from jsna.demo.census import PACK_FILES as CENSUS_FILES
from jsna.demo.census import census_entries, census_files
from jsna.demo.deaths import LE_BANDS, mortality_rates, simulate_deaths
from jsna.demo.deprivation import simulate_deprivation
from jsna.demo.formats import csv_text, round_json
from jsna.demo.geography import geojson, simulate_geography
from jsna.demo.indicators import ESP_BANDS, simulate_indicators
from jsna.demo.lookups import lookup_files
from jsna.demo.place import (
    CENTRE,
    DEMO_AREA_CODE,
    DEMO_AREA_NAME,
    ENGLAND_CODE,
    ENGLAND_NAME,
    ICB_CODE,
    ICB_NAME,
    ICB_ODS,
    LSOA_STEM,
    MAX_AGE,
    N_LSOA,
    N_MSOA,
    N_NATIONAL_LSOA,
    N_PRACTICE,
    N_WARD,
    NEIGHBOURS,
    NHS_REGION_CODE,
    NHS_REGION_NAME,
    NHS_REGION_ODS,
    REGION_CODE,
    REGION_NAME,
    SICBL_CODE,
    SICBL_NAME,
    SICBL_ODS,
    WARD_NAMES,
)
from jsna.demo.planted import (
    AUTHORITY_MORTALITY_EXCESS,
    DEATHS_PERIOD,
    DEATHS_YEARS,
    DIAGNOSIS,
    FIRST_YEAR,
    HIGH_GOOD,
    INDICATORS,
    LE_SPECS,
    LE_TIME_TREND,
    LIST_TYPE,
    LOW_GOOD,
    MODEL_BANDS,
    MODEL_RATES,
    MORTALITY_GRADIENT,
    N_PERIODS,
)
from jsna.demo.population import population_file, simulate_population
from jsna.demo.practices import diagnosis_ratio, model_files, simulate_practices
from jsna.demo.records import (
    DEATH_RECORDS,
    GP_RECORDS,
    cause_gap_truth,
    pack_death_files,
    pack_gp_files,
)
from jsna.exceptions import SourceError
from jsna.reference.sources import synthetic_attribution

__all__ = [
    "DEMO_VERSION",
    "FILES",
    "DEMO_ATTRIBUTION",
    "write_demo_pack",
    "ensure_demo_pack",
    "load_truth",
    "pack_files",
    # re-exported from the parts
    "DEMO_AREA_CODE",
    "DEMO_AREA_NAME",
    "LSOA_STEM",
    "REGION_CODE",
    "REGION_NAME",
    "ENGLAND_CODE",
    "ENGLAND_NAME",
    "ICB_CODE",
    "ICB_ODS",
    "ICB_NAME",
    "SICBL_CODE",
    "SICBL_ODS",
    "SICBL_NAME",
    "NHS_REGION_CODE",
    "NHS_REGION_ODS",
    "NHS_REGION_NAME",
    "NEIGHBOURS",
    "WARD_NAMES",
    "CENTRE",
    "N_LSOA",
    "N_MSOA",
    "N_WARD",
    "N_PRACTICE",
    "N_NATIONAL_LSOA",
    "MAX_AGE",
    "MODEL_BANDS",
    "MODEL_RATES",
    "LIST_TYPE",
    "DIAGNOSIS",
    "diagnosis_ratio",
    "LE_BANDS",
    "MORTALITY_GRADIENT",
    "AUTHORITY_MORTALITY_EXCESS",
    "DEATHS_PERIOD",
    "DEATHS_YEARS",
    "mortality_rates",
    "HIGH_GOOD",
    "LOW_GOOD",
    "INDICATORS",
    "LE_SPECS",
    "N_PERIODS",
    "FIRST_YEAR",
    "LE_TIME_TREND",
    "ESP_BANDS",
]

#: Bumped whenever the generator's output changes; a pack of another version is rewritten.
DEMO_VERSION = 5

#: Each file of the pack, by key: its path inside the pack.
FILES = {
    "wards": "boundaries/wards_wd25/E06999001.geojson",
    "lsoas": "boundaries/lsoa21/E06999001.geojson",
    "msoas": "boundaries/msoa21/E06999001.geojson",
    "lookup_best_fit": "lookups/LSOA21_WD25_LAD25_EW_LU.csv",
    "lookup_ward_lad": (
        "lookups/Ward_to_Local_Authority_District_(May_2025)_Lookup_in_the_United_Kingdom.csv"
    ),
    "lookup_lsoa11": "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv",
    "lookup_icb": "lookups/LSOA21_SICBL24_ICB24_EN_LU.csv",
    "imd": "imd/File_7_IoD2025_Demoshire.csv",
    "population": "population/sapelsoasyoa_mid2022_Demoshire.csv",
    "deaths": "deaths/deaths_lsoa21_2019-2023_Demoshire.csv",
    # the deaths records the deaths file is aggregated from, its recipe, the docs' example
    "deaths_records": DEATH_RECORDS,
    "deaths_recipe": "records/deaths_by_lsoa.toml",
    "deaths_ward_recipe": "records/deaths_by_ward.toml",
    "records_truth": "records/truth.json",
    # the GP registrations the patients-by-LSOA file is counted from, and its recipe
    "gp_records": GP_RECORDS,
    "gp_recipe": "records/gp_by_practice.toml",
    "indicators": "fingertips/demoshire_all_data.csv",
    "neighbours": "neighbours/neighbours.csv",
    "qof": "qof/PREVALENCE_2223.csv",
    "qof_mapping": "qof/MAPPING_NHS_GEOGRAPHIES_2223.csv",
    "gp_lsoa": "gp/gp-reg-pat-prac-lsoa-male-female-Apr-23.csv",
    "model_rates": "prevalence/model_prevalence_rates.csv",
    "hse": "prevalence/hse_hypertension_estimate.csv",
    **CENSUS_FILES,
    "truth": "truth.json",
    "manifest": "datapack.toml",
}


#: Attribution of the demo files whose layout no publisher's file has.
DEMO_ATTRIBUTION = {
    FILES["neighbours"]: "Synthetic data: a made-up nearest-neighbour list of authorities",
    FILES["model_rates"]: "Synthetic data: made-up prevalence rates by age and sex",
    FILES["hse"]: "Synthetic data in the layout of NHS England, Health Survey for England "
    "(hypertension by age and sex)",
}


def _manifest() -> str:
    f = FILES
    entries = [
        ("boundaries.ward", "boundaries/wards_wd25/*.geojson", {"vintage": "WD25"}),
        ("boundaries.lsoa", "boundaries/lsoa21/*.geojson", {"vintage": "LSOA21"}),
        ("boundaries.msoa", "boundaries/msoa21/*.geojson", {"vintage": "MSOA21"}),
        ("lookup.lsoa_ward_lad", f["lookup_best_fit"], {"vintage": "LSOA21_WD25_LAD25"}),
        ("lookup.ward_lad", f["lookup_ward_lad"], {"vintage": "WD25_LAD25"}),
        ("lookup.lsoa11_lsoa21", f["lookup_lsoa11"], {}),
        ("lookup.lsoa_icb", f["lookup_icb"], {}),
        ("imd", f["imd"], {"edition": "IoD2025"}),
        ("population.lsoa", f["population"], {"vintage": "mid-2022, LSOA21, by sex"}),
        ("deaths.lsoa", f["deaths"], {"period": DEATHS_PERIOD, "vintage": "LSOA21"}),
        ("indicators.fingertips", f["indicators"], {}),
        ("neighbours.list", f["neighbours"], {"vintage": "synthetic nearest neighbours"}),
        (
            "prevalence.recorded",
            f["qof"],
            {"level": "practice", "period": "2022/23", "mapping": f["qof_mapping"]},
        ),
        (
            "prevalence.model",
            f["model_rates"],
            {"layout": "tidy", "source": "synthetic age/sex rates"},
        ),
        (
            "prevalence.model",
            f["hse"],
            {
                "condition": "HYP",
                "layout": "HSE",
                "source": "synthetic, in the Health Survey for England table layout",
            },
        ),
        ("gp.lsoa_patients", f["gp_lsoa"], {"period": "April 2023", "vintage": "LSOA21"}),
        *census_entries(),
    ]
    attribution = [
        "Synthetic data generated by jsna (jsna.demo.pack): not real statistics about any place.",
        "Synthetic data in the layouts of ONS, MHCLG, OHID Fingertips, NHS England and NHS Digital "
        "files; no real values are included.",
    ]
    lines = [
        "# Synthetic demo data pack written by jsna.demo.pack. Every file is made up.",
        "",
        "[pack]",
        f'name = "Demoshire synthetic demo pack (jsna demo version {DEMO_VERSION})"',
        "synthetic = true",
        f"areas = [{json.dumps(DEMO_AREA_CODE)}]",
        "attribution = [",
        *[f"  {json.dumps(a, ensure_ascii=False)}," for a in attribution],
        "]",
        'generator = "jsna.demo.pack"',
        f"version = {DEMO_VERSION}",
    ]
    for role, path, attrs in entries:
        lines += ["", "[[file]]", f"role = {json.dumps(role)}", f"path = {json.dumps(path)}"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in attrs.items()]
        # each file says it is synthetic, in whose layout (cited under figures and tables)
        own = DEMO_ATTRIBUTION.get(path) or synthetic_attribution(role, attrs)
        lines.append(f"attribution = {json.dumps(own, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def pack_files(seed: int) -> dict[str, str | bytes]:
    """Every file of the pack as text (Parquet records as bytes), keyed by its path in the pack.

    Parameters
    ----------
    seed : int
        Everything is drawn from this seed.

    Returns
    -------
    dict of str to str or bytes
        Path inside the pack (:data:`FILES`) -> the file's text (bytes for Parquet).

    Examples
    --------
    >>> files = pack_files(1)
    >>> sorted(files) == sorted(FILES.values())
    True
    """
    seeds = np.random.SeedSequence(seed).spawn(8)
    streams = [np.random.default_rng(s) for s in seeds]
    geo = simulate_geography(streams[0])
    dep = simulate_deprivation(streams[1], geo)
    pop = simulate_population(streams[2], dep)
    practices = simulate_practices(streams[3], geo, dep, pop)
    _, observed, expected, exposure = simulate_deaths(streams[4], geo, dep, pop)
    lookups = lookup_files(geo)
    tidy_rates, hse = model_files()
    indicators, indicator_truth = simulate_indicators(
        seeds[5], geo, dep, pop, (observed, expected, exposure)
    )

    f = FILES
    files: dict[str, str] = {}
    ward_props = [
        {
            "FID": i + 1,
            "WD25CD": geo.ward_code[i],
            "WD25NM": geo.ward_name[i],
            "WD25NMW": " ",
            "LAD25CD": DEMO_AREA_CODE,
            "LAD25NM": DEMO_AREA_NAME,
        }
        for i in range(N_WARD)
    ]
    lsoa_props = [
        {"FID": i + 1, "LSOA21CD": geo.lsoa_code[i], "LSOA21NM": geo.lsoa_name[i]}
        for i in range(N_LSOA)
    ]
    msoa_props = [
        {"FID": i + 1, "MSOA21CD": geo.msoa_code[i], "MSOA21NM": geo.msoa_name[i]}
        for i in range(N_MSOA)
    ]
    files[f["wards"]] = geojson(DEMO_AREA_CODE, ward_props, geo.ward_geom)
    files[f["lsoas"]] = geojson(DEMO_AREA_CODE, lsoa_props, geo.lsoa_geom)
    files[f["msoas"]] = geojson(DEMO_AREA_CODE, msoa_props, geo.msoa_geom)
    files[f["lookup_best_fit"]] = csv_text(lookups["lookup_best_fit"])
    files[f["lookup_ward_lad"]] = csv_text(lookups["lookup_ward_lad"], bom=True)
    files[f["lookup_lsoa11"]] = csv_text(lookups["lookup_lsoa11"])
    files[f["lookup_icb"]] = csv_text(lookups["lookup_icb"])
    files[f["imd"]] = csv_text(dep.file7)
    files[f["population"]] = csv_text(population_file(geo, pop))
    # deaths.lsoa is aggregated (jsna.records, DuckDB) from the deaths expanded into records
    records = pack_death_files(
        streams[6], geo.lsoa_code, dep.u, observed, expected, csv_text(lookups["lookup_best_fit"])
    )
    files[f["deaths"]] = records.pop("deaths.lsoa")
    files.update(records)
    files[f["indicators"]] = csv_text(indicators)
    files[f["neighbours"]] = csv_text(
        pd.DataFrame(
            {
                "area_code": DEMO_AREA_CODE,
                "neighbour_code": [c for c, _ in NEIGHBOURS],
                "rank": np.arange(1, len(NEIGHBOURS) + 1),
            }
        )
    )
    files[f["qof"]] = csv_text(practices.qof)
    files[f["qof_mapping"]] = csv_text(practices.mapping)
    # gp.lsoa_patients is counted (jsna.records, DuckDB) from one record per registered patient
    gp = pack_gp_files(
        streams[7],
        practices.patients_lsoa,
        geo.lsoa_code,
        dep.u,
        pop,
        csv_text(lookups["lookup_best_fit"]),
    )
    files[f["gp_lsoa"]] = gp.pop("gp.lsoa_patients")
    records_truth = json.loads(files[f["records_truth"]])
    records_truth["gp_registrations"] = gp.pop("truth")
    files[f["records_truth"]] = json.dumps(records_truth, indent=1, sort_keys=True) + "\n"
    files.update(gp)
    files[f["model_rates"]] = csv_text(tidy_rates)
    files[f["hse"]] = csv_text(hse)
    files.update({f"census/{k}": v for k, v in census_files(seed, geo, dep, pop).items()})

    residents = pop.sum(axis=(1, 2))
    truth = {
        "generator": "jsna.demo.pack",
        "version": DEMO_VERSION,
        "seed": int(seed),
        "area": {
            "code": DEMO_AREA_CODE,
            "name": DEMO_AREA_NAME,
            "region": REGION_CODE,
            "england": ENGLAND_CODE,
            "neighbours": [c for c, _ in NEIGHBOURS],
            "icb": ICB_CODE,
            "sub_icb": SICBL_CODE,
        },
        "geography": {
            "lsoas": N_LSOA,
            "msoas": N_MSOA,
            "wards": N_WARD,
            "lsoa11_changes": lookups["lookup_lsoa11"]["CHGIND"]
            .value_counts()
            .sort_index()
            .to_dict(),
        },
        "population": {
            "total": int(residents.sum()),
            "female": int(pop[:, 0].sum()),
            "male": int(pop[:, 1].sum()),
        },
        "deprivation": {
            "lsoas_by_national_decile": {
                str(d): int((dep.decile == d).sum()) for d in range(1, 11)
            },
            "core20_lsoas": int((dep.decile <= 2).sum()),
            "core20_population_share": float(residents[dep.decile <= 2].sum() / residents.sum()),
            "note": "ranks and deciles are national (out of 33,755 LSOAs); 1 = most deprived",
        },
        "deaths": {
            "period": DEATHS_PERIOD,
            "total": int(observed.sum()),
            "mortality_gradient_log_ratio": MORTALITY_GRADIENT,
            "authority_excess_mortality": AUTHORITY_MORTALITY_EXCESS,
            "records": DEATH_RECORDS,
            "cause_gap_by_national_imd_quintile": cause_gap_truth(
                expected, exposure, dep.u, dep.quintile
            ),
        },
        "prevalence": practices.truth,
        "indicators": indicator_truth["indicators"],
        "ward_relative_rank": indicator_truth["ward_relative_rank"],
        "files": sorted([*files, f["manifest"], f["truth"]]),
    }
    files[f["truth"]] = (
        json.dumps(round_json(truth), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    )
    files[f["manifest"]] = _manifest()
    return files


def _is_demo_pack(path: Path) -> bool:
    manifest = path / "datapack.toml"
    if not manifest.is_file():
        return False
    try:
        pack = tomllib.loads(manifest.read_text(encoding="utf-8")).get("pack", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    return bool(pack.get("synthetic")) and pack.get("generator") == "jsna.demo.pack"


def _is_complete(path: Path, seed: int | None = None) -> bool:
    if not _is_demo_pack(path) or not (path / FILES["truth"]).is_file():
        return False
    try:
        truth = load_truth(path)
    except SourceError:
        return False
    if truth.get("version") != DEMO_VERSION or (seed is not None and truth.get("seed") != seed):
        return False
    return all((path / name).is_file() for name in truth.get("files", [])) and bool(
        truth.get("files")
    )


def write_demo_pack(
    path: str | os.PathLike[str], *, seed: int = config.SEED, overwrite: bool = False
) -> Path:
    """Write the synthetic demo data pack to a folder.

    The files are written into a temporary folder next to ``path`` and then
    renamed into place, so an interrupted run never leaves half a pack.

    Parameters
    ----------
    path : str or Path
        Folder to write. It may be missing or empty; an existing demo pack is
        replaced only with ``overwrite=True``; any other non-empty folder is
        refused.
    seed : int, default ``jsna.config.SEED``
        Everything is drawn from this seed: the same seed gives byte-identical files.
    overwrite : bool, default False
        Replace an existing demo pack at ``path``.

    Returns
    -------
    Path
        The pack folder (open it with ``jsna.DataPack.open``).

    Raises
    ------
    SourceError
        ``path`` is a non-empty folder that is not a demo pack, or a demo pack
        and ``overwrite`` is False, or a file.

    Examples
    --------
    >>> import tempfile
    >>> folder = write_demo_pack(Path(tempfile.mkdtemp()) / "demo")
    >>> (folder / "datapack.toml").is_file(), load_truth(folder)["area"]["code"] == DEMO_AREA_CODE
    (True, True)
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise SourceError(
            f"demo pack path {path} is a file; give a folder to write the demo pack into"
        )
    occupied = path.is_dir() and any(path.iterdir())
    if occupied and not _is_demo_pack(path):
        raise SourceError(
            f"{path} is not empty and is not a jsna demo pack; refusing to overwrite it - "
            "give a new or empty folder for the demo pack"
        )
    if occupied and not overwrite:
        raise SourceError(
            f"{path} already holds a demo pack; pass overwrite=True to replace it "
            "(or use ensure_demo_pack to keep a complete one)"
        )
    files = pack_files(int(seed))
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.writing-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    for name, text in files.items():
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    old = path.parent / f".{path.name}.old-{os.getpid()}"
    if path.exists():
        path.rename(old)
    staging.rename(path)
    if old.exists():
        shutil.rmtree(old)
    return path


def ensure_demo_pack(path: str | os.PathLike[str], *, seed: int = config.SEED) -> Path:
    """The demo pack at ``path``, written first if it is missing, incomplete or of another version.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "demo"
    >>> ensure_demo_pack(folder) == ensure_demo_pack(folder) == folder
    True
    """
    path = Path(path)
    if _is_complete(path, seed):
        return path
    return write_demo_pack(path, seed=seed, overwrite=True)


def load_truth(path: str | os.PathLike[str]) -> dict:
    """The effects planted in a demo pack (its ``truth.json``).

    Examples
    --------
    >>> import tempfile
    >>> truth = load_truth(ensure_demo_pack(Path(tempfile.mkdtemp()) / "demo"))
    >>> truth["indicators"]["90366"]["by_sex"]["Male"]["gap_least_minus_most_deprived_quintile"] > 5
    True
    """
    file = Path(path) / FILES["truth"]
    if not file.is_file():
        raise SourceError(
            f"{file} is missing; is {path} a jsna demo pack? write one with write_demo_pack"
        )
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SourceError(f"{file} is not valid JSON ({exc}); write the demo pack again") from exc
