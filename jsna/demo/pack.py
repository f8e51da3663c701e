"""Synthetic demo data pack, written in the real publishers' file formats.

:func:`write_demo_pack` writes a folder that :class:`jsna.io.datapack.DataPack`
opens like any other pack: a fictional unitary authority, "Demoshire
(synthetic)", its region, England and ten statistical neighbours, in the
layouts of the ONS, MHCLG, OHID Fingertips, NHS England and NHS Digital
files, so the demo exercises the same readers as real data.

Everything is drawn from one seed (byte-identical output for the same seed
and version: fixed float formatting, sorted keys, no timestamps), and the
effects planted in the data are written to ``truth.json`` so tests can check
that the analysis recovers them (:func:`load_truth`).

Codes sit in a "999" block that the ONS does not use (LA ``E06999001``,
wards ``E05999001``..., LSOAs ``E01999001``..., MSOAs ``E02999001``...,
region ``E12999001``, England ``E92999901``, neighbours ``E06999002`` to
``E06999011``, ICB ``E54999001``, sub-ICB ``E38999001``; practices
``Z99001``..., PCNs ``U99001``...), and every name is obviously fictional.

What is planted
---------------
* Geography: about 150 LSOAs, a Voronoi tessellation of seeded points
  clipped to an irregular outline in British National Grid about 25 x 20 km
  (in the North Sea around BNG 560000, 480000), grouped into MSOAs and 22
  wards as unions of LSOAs, so LSOAs nest in wards exactly. Written as
  ONS-style GeoJSON in CRS84 longitude/latitude.
* Deprivation: IoD2025 File 7 columns with national ranks out of 33,755
  and deciles consistent with them; a deprived urban core (Core20 LSOAs)
  and affluent edges.
* Population: ONS SAPE mid-2022 single year of age by sex on LSOA 2021,
  about 1,500 residents per LSOA, younger where more deprived. Layout
  ``LAD 2021 Code, LAD 2021 Name, LSOA 2021 Code, LSOA 2021 Name, Total,
  F0 ... F90, M0 ... M90`` (one CSV). The ONS single-year-of-age LSOA
  tables ("sapelsoasyoa", sheets "Mid-20xx LSOA 2021") use this header;
  a public script reading the mid-2024 sheet saved as CSV shows
  ``LAD 2023 Code, LAD 2023 Name, LSOA 2021 Code, LSOA 2021 Name, Total,
  F0...`` (the LAD vintage follows the release), and ONS totals may carry
  thousands separators there; the demo writes plain integers.
* Deaths by LSOA, sex and 20 age bands (0, 1-4, ..., 85-89, 90+) over a
  5-year period, with mortality rising with deprivation (true life
  expectancy gap recorded).
* GP practices: QOF registers and list sizes (NHS England raw QOF layout)
  with under-diagnosis growing with deprivation (true observed/expected
  ratio by IMD quintile and by practice recorded), the NHS geography
  mapping file, patients registered by LSOA (NHS Digital layout), modelled
  age/sex prevalence rates and an HSE-style hypertension table.
* Indicators: a Fingertips ``all_data`` CSV (27 columns, parent = region)
  with proportions, crude rates, directly standardised rates and life
  expectancy, for the authority, region, England, neighbours and wards,
  with values and confidence limits computed from the counts by
  :mod:`jsna.stats`; deprivation gradients (true slope index of
  inequality), improving and worsening trends, and the authority worse
  than England on some indicators.
* Ward gradients (9 indicators, among them the Core20PLUS5 ones smoking at
  time of delivery 93085 and dental decay at age 5 93563): a ward's expected
  value is linear in its relative rank among the indicator's own
  denominators (wards ordered by population-weighted IMD score), so the
  recorded SII is exactly the SII of the expected values, at ward level or
  for any contiguous grouping of wards such as local quintiles. Counts are
  plain binomial/Poisson draws from those values, without further ward-level
  noise, so the SII's 95% limits from the counts cover the truth about 95%
  of the time (about 95% of indicator-by-seed pairs over 200 seeds). Life
  expectancy's truth is the population-weighted slope of the expected ward
  values (mortality follows LSOA deprivation, so it is nearly, not exactly,
  linear in the ward rank). Each indicator draws from its own random
  stream, keyed by its ID.

Notes on the layouts
--------------------
* Fingertips: indicator IDs and names follow Fingertips' own (90284, 20601,
  108, 90366 ...) so chapters written for real data find them; the values
  are synthetic. The comparison columns are "Not compared" and "Recent
  Trend" is empty: jsna computes benchmarks and trends itself. Ward rows
  (Area Type "Ward") have the authority as parent; life expectancy for
  wards is pooled over 2019-23 from the deaths file.
* Ward rows for smoking at time of delivery and dental decay at age 5 are
  a demo device: Fingertips publishes those two for local authorities and
  upwards only.
* NHS Digital patients by LSOA: ``PUBLICATION`` "GP_PRAC_PAT_LIST",
  ``EXTRACT_DATE`` "01APR2023", ``SEX`` "MALE"/"FEMALE" (the date format is
  not checked against a publisher file).
* QOF: ``REGISTER`` is written as a float ("112.0"), as in the copy of the
  2022-23 raw file we have.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from jsna import config
from jsna.exceptions import SourceError

__all__ = [
    "DEMO_AREA_CODE",
    "DEMO_AREA_NAME",
    "DEMO_VERSION",
    "write_demo_pack",
    "ensure_demo_pack",
    "load_truth",
]

#: Bumped whenever the generator's output changes; a pack of another version is rewritten.
DEMO_VERSION = 3

DEMO_AREA_CODE = "E06999001"
DEMO_AREA_NAME = "Demoshire (synthetic)"
LSOA_STEM = "Demoshire"  # LSOA/MSOA names: "Demoshire 001A", as ONS names them after the LA

REGION_CODE = "E12999001"
REGION_NAME = "Synthetic Region (statistical)"
ENGLAND_CODE = "E92999901"
ENGLAND_NAME = "England (synthetic)"
ICB_CODE, ICB_ODS, ICB_NAME = "E54999001", "QZZ", "NHS Demoshire Integrated Care Board (synthetic)"
SICBL_CODE, SICBL_ODS = "E38999001", "Z9Z"
SICBL_NAME = "NHS Demoshire ICB - Z9Z (synthetic)"
NHS_REGION_CODE, NHS_REGION_ODS = "E40999001", "Y99"
NHS_REGION_NAME = "Synthetic NHS Region"

NEIGHBOURS = [
    ("E06999002", "Mockbury (synthetic)"),
    ("E06999003", "Fauxford (synthetic)"),
    ("E06999004", "Pretendon (synthetic)"),
    ("E06999005", "Dummington (synthetic)"),
    ("E06999006", "Sampleton (synthetic)"),
    ("E06999007", "Bogusham (synthetic)"),
    ("E06999008", "Testwick (synthetic)"),
    ("E06999009", "Makebelieve Vale (synthetic)"),
    ("E06999010", "Notreal upon Sea (synthetic)"),
    ("E06999011", "Imaginaria (synthetic)"),
]

WARD_NAMES = [
    "Amet Hill",
    "Bogus Bridge",
    "Copyton",
    "Dolor Bank",
    "Ersatz End",
    "Fauxfield",
    "Fictiwick",
    "Foobar Green",
    "Ipsum Vale",
    "Lorem Heath",
    "Madeup Moor",
    "Mimicstone",
    "Mockley",
    "Notreal Cross",
    "Placeholder Park",
    "Proxyham",
    "Pseudon",
    "Shamwell",
    "Simulacra Quay",
    "Stubwood",
    "Synthfield",
    "Testbury",
]

#: Centre of the fictional authority in British National Grid (offshore, North Sea).
CENTRE = (560_000.0, 480_000.0)
N_LSOA = 150
N_MSOA = 30
N_WARD = len(WARD_NAMES)
N_PRACTICE = 20
N_NATIONAL_LSOA = 33_755  # LSOAs in England, 2021: IoD2025 ranks run 1..33,755
MAX_AGE = 90  # single years 0..89 and 90+

_FILES = {
    "wards": "boundaries/wards_wd25/E06999001.geojson",
    "lsoas": "boundaries/lsoa21/E06999001.geojson",
    "msoas": "boundaries/msoa21/E06999001.geojson",
    "lookup_best_fit": "lookups/LSOA21_WD25_LAD25_EW_LU.csv",
    "lookup_ward_lad": "lookups/Ward_to_Local_Authority_District_(May_2025)_Lookup_in_the_United_Kingdom.csv",
    "lookup_lsoa11": "lookups/LSOA11_LSOA21_LAD22_EW_LU.csv",
    "lookup_icb": "lookups/LSOA21_SICBL24_ICB24_EN_LU.csv",
    "imd": "imd/File_7_IoD2025_Demoshire.csv",
    "population": "population/sapelsoasyoa_mid2022_Demoshire.csv",
    "deaths": "deaths/deaths_lsoa21_2019-2023_Demoshire.csv",
    "indicators": "fingertips/demoshire_all_data.csv",
    "neighbours": "neighbours/neighbours.csv",
    "qof": "qof/PREVALENCE_2223.csv",
    "qof_mapping": "qof/MAPPING_NHS_GEOGRAPHIES_2223.csv",
    "gp_lsoa": "gp/gp-reg-pat-prac-lsoa-male-female-Apr-23.csv",
    "model_rates": "prevalence/model_prevalence_rates.csv",
    "hse": "prevalence/hse_hypertension_estimate.csv",
    "truth": "truth.json",
    "manifest": "datapack.toml",
}

_TO_LONLAT = Transformer.from_crs("EPSG:27700", "OGC:CRS84", always_xy=True)


# --------------------------------------------------------------------------- helpers


def _fmt(values, decimals: int) -> np.ndarray:
    """Floats as fixed-decimal strings (NaN as empty), for byte-stable CSVs."""
    values = np.asarray(values, dtype=float)
    out = np.char.mod(f"%.{decimals}f", np.nan_to_num(values))
    out = np.where(np.isnan(values), "", out)
    return np.where(out == f"-{0:.{decimals}f}", f"{0:.{decimals}f}", out)


def _csv_text(frame: pd.DataFrame, *, bom: bool = False) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return ("\ufeff" if bom else "") + buffer.getvalue()


def _round_json(value):
    """Round floats in a nested structure so truth.json is byte-stable."""
    if isinstance(value, dict):
        return {str(k): _round_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_round_json(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return None if np.isnan(value) else round(value, 6)
    return value


# --------------------------------------------------------------------------- geography


@dataclass
class _Geography:
    lsoa_geom: np.ndarray  # shapely polygons in BNG, in LSOA code order
    lsoa_code: np.ndarray
    lsoa_name: np.ndarray
    lsoa_msoa: np.ndarray  # index into msoa arrays
    lsoa_ward: np.ndarray  # index into ward arrays
    msoa_code: np.ndarray
    msoa_name: np.ndarray
    msoa_geom: np.ndarray
    ward_code: np.ndarray
    ward_name: np.ndarray
    ward_geom: np.ndarray
    centroid: np.ndarray  # (n_lsoa, 2) BNG
    core: np.ndarray  # BNG point of the urban core
    scale: float  # metres, for distances from the core
    extra: dict = field(default_factory=dict)


def _outline(rng: np.random.Generator) -> shapely.Polygon:
    theta = np.linspace(0, 2 * np.pi, 240, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 7):
        radius += rng.uniform(0.02, 0.09) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    x = CENTRE[0] + 12_500 * radius * np.cos(theta)
    y = CENTRE[1] + 10_000 * radius * np.sin(theta)
    return shapely.set_precision(shapely.Polygon(np.column_stack([x, y])), 1.0)


def _seed_points(
    rng: np.random.Generator, outline: shapely.Polygon, core: np.ndarray
) -> np.ndarray:
    """Points denser in the urban core, then half a Lloyd step to even out slivers."""
    minx, miny, maxx, maxy = outline.bounds
    n_urban = N_LSOA // 2

    def inside(candidates, n):
        ok = shapely.contains_xy(outline, candidates[:, 0], candidates[:, 1])
        return candidates[ok][:n]

    urban = inside(rng.normal(core, 3_200, size=(4 * N_LSOA, 2)), n_urban)
    rural = inside(rng.uniform((minx, miny), (maxx, maxy), size=(4 * N_LSOA, 2)), N_LSOA - n_urban)
    points = np.vstack([urban, rural])
    if len(points) < N_LSOA:  # pragma: no cover - 4x oversampling always suffices
        raise RuntimeError("demo geography: too few seed points inside the outline")
    centroids = shapely.get_coordinates(shapely.centroid(_voronoi(points, outline)))
    return 0.5 * points + 0.5 * centroids


def _voronoi(points: np.ndarray, outline: shapely.Polygon) -> np.ndarray:
    diagram = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline, ordered=True)
    cells = np.asarray(shapely.get_parts(diagram))
    cells = shapely.intersection(cells, outline)
    return shapely.set_precision(cells, 1.0)


def _adjacency(cells: np.ndarray) -> list[set[int]]:
    tree = shapely.STRtree(cells)
    left, right = tree.query(cells, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(cells[left], cells[right]))
    neighbours: list[set[int]] = [set() for _ in cells]
    for a, b in zip(left[shared > 1], right[shared > 1], strict=True):
        neighbours[a].add(int(b))
        neighbours[b].add(int(a))
    return neighbours


def _grow_groups(rng, centroids: np.ndarray, neighbours: list[set[int]], k: int) -> np.ndarray:
    """Contiguous groups of about equal size: balanced region growing from spread seeds."""
    n = len(centroids)
    seeds = [int(rng.integers(n))]
    distance = np.linalg.norm(centroids - centroids[seeds[0]], axis=1)
    for _ in range(k - 1):
        seeds.append(int(np.argmax(distance)))
        distance = np.minimum(distance, np.linalg.norm(centroids - centroids[seeds[-1]], axis=1))
    group = np.full(n, -1)
    group[seeds] = np.arange(k)
    sizes = np.ones(k, dtype=int)
    while (group < 0).any():
        grew = False
        for g in np.argsort(sizes, kind="stable"):
            members = np.flatnonzero(group == g)
            frontier = sorted({j for i in members for j in neighbours[i] if group[j] < 0})
            if not frontier:
                continue
            frontier = np.array(frontier)
            far = np.linalg.norm(centroids[frontier] - centroids[seeds[g]], axis=1)
            group[frontier[np.argmin(far)]] = g
            sizes[g] += 1
            grew = True
            break
        if not grew:  # an island with no assigned neighbour: join the nearest seed
            lost = np.flatnonzero(group < 0)[0]
            g = int(np.argmin(np.linalg.norm(centroids[seeds] - centroids[lost], axis=1)))
            group[lost] = g
            sizes[g] += 1
    return _balance(group, neighbours, k)


def _connected(members: set[int], neighbours: list[set[int]]) -> bool:
    if not members:
        return False
    start = next(iter(members))
    seen, stack = {start}, [start]
    while stack:
        for j in neighbours[stack.pop()] & members:
            if j not in seen:
                seen.add(j)
                stack.append(j)
    return len(seen) == len(members)


def _balance(group: np.ndarray, neighbours: list[set[int]], k: int) -> np.ndarray:
    """Move boundary cells from larger to smaller neighbouring groups, keeping groups contiguous."""
    group = group.copy()
    for _ in range(50):
        moved = False
        sizes = np.bincount(group, minlength=k)
        for i in range(len(group)):
            source = group[i]
            targets = sorted(
                {int(group[j]) for j in neighbours[i]} - {int(source)}, key=lambda g: (sizes[g], g)
            )
            if not targets or sizes[source] - sizes[targets[0]] < 2:
                continue
            rest = set(np.flatnonzero(group == source).tolist()) - {i}
            if _connected(rest, neighbours):
                group[i] = targets[0]
                sizes[source] -= 1
                sizes[targets[0]] += 1
                moved = True
        if not moved:
            break
    return group


def _geography(rng: np.random.Generator) -> _Geography:
    outline = _outline(rng)
    core = np.array([CENTRE[0] - 3_000, CENTRE[1] + 1_500])
    points = _seed_points(rng, outline, core)
    cells = _voronoi(points, outline)
    centroids = shapely.get_coordinates(shapely.centroid(cells))
    neighbours = _adjacency(cells)

    msoa = _grow_groups(rng, centroids, neighbours, N_MSOA)
    ward = _grow_groups(rng, centroids, neighbours, N_WARD)

    # MSOAs numbered north to south (as ONS numbers them), LSOAs lettered west to east.
    msoa_y = np.array([centroids[msoa == g, 1].mean() for g in range(N_MSOA)])
    msoa_rank = np.empty(N_MSOA, dtype=int)
    msoa_rank[np.argsort(-msoa_y, kind="stable")] = np.arange(N_MSOA)
    lsoa_msoa = msoa_rank[msoa]
    order = np.lexsort((centroids[:, 0], lsoa_msoa))
    cells, centroids, lsoa_msoa, ward = (
        cells[order],
        centroids[order],
        lsoa_msoa[order],
        ward[order],
    )
    letters = np.zeros(N_LSOA, dtype=int)
    for g in range(N_MSOA):
        members = np.flatnonzero(lsoa_msoa == g)
        letters[members] = np.arange(len(members))
    msoa_code = np.array([f"E02999{i + 1:03d}" for i in range(N_MSOA)])
    msoa_name = np.array([f"{LSOA_STEM} {i + 1:03d}" for i in range(N_MSOA)])
    lsoa_code = np.array([f"E01999{i + 1:03d}" for i in range(N_LSOA)])
    lsoa_name = np.array(
        [
            f"{msoa_name[m]}{string.ascii_uppercase[k]}"
            for m, k in zip(lsoa_msoa, letters, strict=True)
        ]
    )

    # Ward names: shuffled onto groups, then codes in alphabetical order of name (as ONS does).
    names = np.array(WARD_NAMES)[rng.permutation(N_WARD)]
    alpha = np.argsort(names, kind="stable")
    ward_index = np.empty(N_WARD, dtype=int)
    ward_index[alpha] = np.arange(N_WARD)
    lsoa_ward = ward_index[ward]
    ward_name = names[alpha]
    ward_code = np.array([f"E05999{i + 1:03d}" for i in range(N_WARD)])

    ward_geom = np.array(
        [shapely.union_all(cells[lsoa_ward == w], grid_size=1.0) for w in range(N_WARD)]
    )
    msoa_geom = np.array(
        [shapely.union_all(cells[lsoa_msoa == m], grid_size=1.0) for m in range(N_MSOA)]
    )
    return _Geography(
        lsoa_geom=cells,
        lsoa_code=lsoa_code,
        lsoa_name=lsoa_name,
        lsoa_msoa=lsoa_msoa,
        lsoa_ward=lsoa_ward,
        msoa_code=msoa_code,
        msoa_name=msoa_name,
        msoa_geom=msoa_geom,
        ward_code=ward_code,
        ward_name=ward_name,
        ward_geom=ward_geom,
        centroid=centroids,
        core=core,
        scale=float(np.sqrt(outline.area / np.pi)),
    )


def _geojson(name: str, properties: list[dict], geoms: np.ndarray) -> str:
    """ONS-style GeoJSON text in CRS84, one feature per line, 7 decimal places."""
    lines = [
        "{",
        '"type": "FeatureCollection",',
        f'"name": "{name}",',
        '"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },',
        '"features": [',
    ]
    features = []
    for props, geom in zip(properties, geoms, strict=True):
        polygons = list(shapely.get_parts(geom)) if geom.geom_type == "MultiPolygon" else [geom]
        rings_json = []
        for polygon in polygons:
            rings = [polygon.exterior, *polygon.interiors]
            parts = []
            for ring in rings:
                xy = shapely.get_coordinates(ring)
                lon, lat = _TO_LONLAT.transform(xy[:, 0], xy[:, 1])
                coords = ", ".join(f"[ {a:.7f}, {b:.7f} ]" for a, b in zip(lon, lat, strict=True))
                parts.append(f"[ {coords} ]")
            rings_json.append("[ " + ", ".join(parts) + " ]")
        if len(polygons) == 1:
            geometry = f'{{ "type": "Polygon", "coordinates": {rings_json[0]} }}'
        else:
            geometry = f'{{ "type": "MultiPolygon", "coordinates": [ {", ".join(rings_json)} ] }}'
        features.append(
            f'{{ "type": "Feature", "properties": {json.dumps(props, ensure_ascii=False)}, '
            f'"geometry": {geometry} }}'
        )
    lines.append(",\n".join(features))
    lines += ["]", "}", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- deprivation

_IMD_COLUMNS = [
    ("imd", "Index of Multiple Deprivation (IMD) Score", "Index of Multiple Deprivation (IMD)"),
    ("income", "Income Score (rate)", "Income"),
    ("employment", "Employment Score (rate)", "Employment"),
    ("education", "Education, Skills and Training Score", "Education, Skills and Training"),
    ("health", "Health Deprivation and Disability Score", "Health Deprivation and Disability"),
    ("crime", "Crime Score", "Crime"),
    ("housing", "Barriers to Housing and Services Score", "Barriers to Housing and Services"),
    ("environment", "Living Environment Score", "Living Environment"),
]
# domain -> (correlation with overall deprivation, score at the national median, spread, kind, decimals)
_DOMAIN_MODEL = {
    "imd": (1.0, 17.4, 0.72, "log", 3),
    "income": (0.92, 0.12, 0.75, "log", 3),
    "employment": (0.9, 0.09, 0.65, "log", 3),
    "education": (0.85, 16.5, 0.95, "log", 3),
    "health": (0.85, 0.0, 0.9, "linear", 3),
    "crime": (0.6, 0.0, 0.85, "linear", 3),
    "housing": (0.1, 20.0, 0.45, "log", 3),
    "environment": (0.45, 17.8, 0.75, "log", 3),
}


@dataclass
class _Deprivation:
    u: np.ndarray  # national deprivation percentile of each LSOA, 1 = most deprived
    rank: np.ndarray  # national IMD rank, 1 = most deprived
    decile: np.ndarray
    quintile: np.ndarray
    score: np.ndarray
    file7: pd.DataFrame


def _unique_ranks(u: np.ndarray) -> np.ndarray:
    """National ranks (1 = most deprived) from percentiles, distinct within the demo LSOAs."""
    rank = np.clip(np.ceil((1 - u) * N_NATIONAL_LSOA), 1, N_NATIONAL_LSOA).astype(int)
    order = np.argsort(rank, kind="stable")
    ranked = rank[order]
    for i in range(1, len(ranked)):  # at most 150 steps
        ranked[i] = max(ranked[i], ranked[i - 1] + 1)
    rank[order] = ranked
    return rank


def _decile(rank: np.ndarray) -> np.ndarray:
    return (rank * 10 + N_NATIONAL_LSOA - 1) // N_NATIONAL_LSOA


def _deprivation(rng: np.random.Generator, geo: _Geography) -> _Deprivation:
    from scipy import stats

    xy = (geo.centroid - geo.core) / geo.scale
    distance = np.linalg.norm(xy, axis=1)
    waves = np.zeros(N_LSOA)
    for _ in range(4):
        k = rng.normal(0, 2.2, size=2)
        waves += np.cos(xy @ k + rng.uniform(0, 2 * np.pi)) / 2
    z = 1.75 - 2.9 * distance + 0.45 * waves + 0.35 * rng.standard_normal(N_LSOA)
    u = stats.norm.cdf(z)
    frame = pd.DataFrame(
        {
            "LSOA code (2021)": geo.lsoa_code,
            "LSOA name (2021)": geo.lsoa_name,
            "Local Authority District code (2024)": DEMO_AREA_CODE,
            "Local Authority District name (2024)": DEMO_AREA_NAME,
        }
    )
    result = {}
    for key, score_header, prefix in _IMD_COLUMNS:
        rho, median, spread, kind, decimals = _DOMAIN_MODEL[key]
        q = z if key == "imd" else rho * z + np.sqrt(1 - rho**2) * rng.standard_normal(N_LSOA)
        ud = stats.norm.cdf(q)
        rank = _unique_ranks(ud)
        centile = stats.norm.ppf(
            1 - (rank - 0.5) / N_NATIONAL_LSOA
        )  # score follows the rank exactly
        score = median * np.exp(spread * centile) if kind == "log" else median + spread * centile
        if key in ("income", "employment"):
            score = np.clip(score, 0.002, 0.95)
        elif kind == "log":
            score = np.clip(score, 0.1, 94.0)
        frame[score_header] = _fmt(score, decimals)
        frame[f"{prefix} Rank (where 1 is most deprived)"] = rank
        frame[f"{prefix} Decile (where 1 is most deprived 10% of LSOAs)"] = _decile(rank)
        result[key] = (rank, score)
    rank, score = result["imd"]
    decile = _decile(rank)
    return _Deprivation(
        u=u,
        rank=rank,
        decile=decile,
        quintile=(decile + 1) // 2,
        score=np.round(score, 3),
        file7=frame,
    )


# --------------------------------------------------------------------------- population


def _age_weights(dep, female: bool) -> np.ndarray:
    """Relative population by single year of age (0..90+) for deprivation ``dep`` in [-1, 1]."""
    dep = np.atleast_1d(np.asarray(dep, dtype=float))[:, None]
    age = np.arange(MAX_AGE + 1, dtype=float)
    base = np.where(
        age < 60, 1.0 + 0.08 * np.exp(-(((age - 57) / 6) ** 2)), np.exp(-0.0017 * (age - 59) ** 2)
    )
    if not female:
        base = base * np.where(age >= 60, np.exp(-0.011 * (age - 60)), 1.0)
    tail = np.exp(-0.0017 * (np.arange(90, 111) - 59) ** 2).sum() * (1.0 if female else 0.6)
    base[MAX_AGE] = tail
    tilt = np.exp(0.45 * dep * (40 - np.minimum(age, 90)) / 40)
    return base * tilt


def _population(rng: np.random.Generator, dep: _Deprivation) -> np.ndarray:
    """Residents by LSOA, sex (0 female, 1 male) and single year of age: shape (n_lsoa, 2, 91)."""
    centred = 2 * dep.u - 1
    total = np.round(1_500 * np.exp(0.13 * rng.standard_normal(N_LSOA)) * (1 + 0.08 * centred))
    weights = np.concatenate([_age_weights(centred, True), _age_weights(centred, False)], axis=1)
    weights[:, 91:] *= 0.97  # slightly fewer males
    weights /= weights.sum(axis=1, keepdims=True)
    counts = rng.multinomial(total.astype(int), weights)
    return counts.reshape(N_LSOA, 2, MAX_AGE + 1)


def _population_file(geo: _Geography, pop: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "LAD 2021 Code": DEMO_AREA_CODE,
            "LAD 2021 Name": DEMO_AREA_NAME,
            "LSOA 2021 Code": geo.lsoa_code,
            "LSOA 2021 Name": geo.lsoa_name,
            "Total": pop.sum(axis=(1, 2)),
        }
    )
    ages = pd.DataFrame(
        pop.reshape(N_LSOA, -1),
        columns=[f"F{a}" for a in range(MAX_AGE + 1)] + [f"M{a}" for a in range(MAX_AGE + 1)],
    )
    return pd.concat([frame, ages], axis=1)


# --------------------------------------------------------------------------- lookups


def _lookups(geo: _Geography) -> dict[str, pd.DataFrame]:
    ward = geo.lsoa_ward
    best_fit = pd.DataFrame(
        {
            "LSOA21CD": geo.lsoa_code,
            "LSOA21NM": geo.lsoa_name,
            "WD25CD": geo.ward_code[ward],
            "WD25NM": geo.ward_name[ward],
            "LAD25CD": DEMO_AREA_CODE,
            "LAD25NM": DEMO_AREA_NAME,
        }
    )
    ward_lad = pd.DataFrame(
        {
            "WD25CD": geo.ward_code,
            "WD25NM": geo.ward_name,
            "WD25NMW": "",
            "LAD25CD": DEMO_AREA_CODE,
            "LAD25NM": DEMO_AREA_NAME,
            "LAD25NMW": "",
            "ObjectId": np.arange(1, N_WARD + 1),
        }
    )
    icb = pd.DataFrame(
        {
            "LSOA21CD": geo.lsoa_code,
            "LSOA21NM": geo.lsoa_name,
            "SICBL24CD": SICBL_CODE,
            "SICBL24CDH": SICBL_ODS,
            "SICBL24NM": SICBL_NAME,
            "ICB24CD": ICB_CODE,
            "ICB24CDH": ICB_ODS,
            "ICB24NM": ICB_NAME,
        }
    )
    return {
        "lookup_best_fit": best_fit,
        "lookup_ward_lad": ward_lad,
        "lookup_icb": icb,
        "lookup_lsoa11": _lsoa11_lookup(geo),
    }


def _lsoa11_lookup(geo: _Geography) -> pd.DataFrame:
    """LSOA11 -> LSOA21 with four splits (S) and three merges (M); the rest unchanged (U).

    A split 2011 LSOA and the 2011 LSOAs merged into one 2021 LSOA get retired
    codes ``E01999801``... that are not 2021 codes, as ONS retired them.
    """
    same_msoa = np.flatnonzero(geo.lsoa_msoa[:-1] == geo.lsoa_msoa[1:])
    split_first = same_msoa[[3, 17, 40, 71]]  # pairs (i, i+1) of 2021 LSOAs that were one 2011 LSOA
    merged = np.array([25, 88, 130])  # 2021 LSOAs that each merged two 2011 LSOAs
    used_letters = {m: int((geo.lsoa_msoa == m).sum()) for m in range(N_MSOA)}
    retired = iter(range(801, 900))

    def retired_lsoa(msoa: int) -> tuple[str, str]:
        letter = string.ascii_uppercase[used_letters[msoa]]
        used_letters[msoa] += 1
        return f"E01999{next(retired)}", f"{geo.msoa_name[msoa]}{letter}"

    rows = []
    special = set(split_first) | set(split_first + 1) | set(merged)
    for i in range(N_LSOA):
        if i not in special:
            rows.append(
                (geo.lsoa_code[i], geo.lsoa_name[i], geo.lsoa_code[i], geo.lsoa_name[i], "U")
            )
    for i in split_first:
        code11, name11 = retired_lsoa(geo.lsoa_msoa[i])
        for j in (i, i + 1):
            rows.append((code11, name11, geo.lsoa_code[j], geo.lsoa_name[j], "S"))
    for i in merged:
        for _ in range(2):
            code11, name11 = retired_lsoa(geo.lsoa_msoa[i])
            rows.append((code11, name11, geo.lsoa_code[i], geo.lsoa_name[i], "M"))
    frame = pd.DataFrame(rows, columns=["LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "CHGIND"])
    frame["LAD22CD"] = DEMO_AREA_CODE
    frame["LAD22NM"] = DEMO_AREA_NAME
    return frame.sort_values(["LSOA11CD", "LSOA21CD"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- GP practices and QOF

MODEL_BANDS = ("16-34", "35-44", "45-54", "55-64", "65-74", "75+")
_BAND_START = np.array([16, 35, 45, 55, 65, 75])

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
_HSE_SPLIT = {"Women": (0.36, 0.18, 0.46), "Men": (0.34, 0.22, 0.44)}

_PRACTICE_KINDS = ("Surgery", "Medical Centre", "Health Centre", "Family Practice")


def diagnosis_ratio(condition: str, quintile) -> np.ndarray:
    """True recorded/expected ratio planted for a condition in national IMD quintile(s) (1 = most deprived)."""
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
class _Practices:
    code: np.ndarray
    name: np.ndarray
    pcn: np.ndarray  # index
    share: np.ndarray  # (n_lsoa, n_practice): share of each LSOA's residents registered there
    patients_lsoa: pd.DataFrame  # NHS Digital layout
    age_sex: np.ndarray  # (n_practice, 2, 91) expected registered patients by sex and age
    qof: pd.DataFrame
    mapping: pd.DataFrame
    truth: dict


def _practices(
    rng: np.random.Generator, geo: _Geography, dep: _Deprivation, pop: np.ndarray
) -> _Practices:
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
    qof["REGISTER"] = _fmt(qof["REGISTER"], 1)

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
        "top - drop * (5 - quintile) / 4; a practice's true O/E is its patients' mix of LSOA ratios, "
        "weighted by expected cases"
    )
    truth["expected_rule"] = (
        "expected cases = model rate (condition, sex, age band; 0 under 16 and under the list type's "
        "minimum age) x registered patients by sex and single year of age, where a practice's age "
        "structure is its patients' LSOA age structure"
    )
    return _Practices(
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


def _model_files() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for condition, (women, men) in MODEL_RATES.items():
        for sex, rates in (("Female", women), ("Male", men)):
            for band, rate in zip(MODEL_BANDS, rates, strict=True):
                rows.append((condition, sex, band, rate))
    tidy = pd.DataFrame(rows, columns=["condition", "sex", "age_band", "rate_percent"])
    tidy["rate_percent"] = _fmt(tidy["rate_percent"], 2)

    hse = []
    totals = {
        "Men": np.array(MODEL_RATES["HYP"][1], float),
        "Women": np.array(MODEL_RATES["HYP"][0], float),
    }
    totals["Adults"] = np.round((totals["Men"] + totals["Women"]) / 2)
    split = dict(
        _HSE_SPLIT, Adults=tuple(np.mean([_HSE_SPLIT["Men"], _HSE_SPLIT["Women"]], axis=0))
    )
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


# --------------------------------------------------------------------------- deaths

LE_BANDS = ("0", "1-4", *[f"{a}-{a + 4}" for a in range(5, 90, 5)], "90+")
_LE_START = np.array([0, 1, *range(5, 95, 5)])
#: Baseline death rates per person-year by life-table band (men); women are lower.
_MALE_MORTALITY = np.array(
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
_FEMALE_FACTOR = np.array(
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


def _band_of_age() -> np.ndarray:
    return np.searchsorted(_LE_START, np.arange(MAX_AGE + 1), side="right") - 1


def _by_band(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum the last axis (single years 0..90+) into bands starting at ``starts``."""
    band = np.searchsorted(starts, np.arange(MAX_AGE + 1), side="right") - 1
    out = np.zeros(values.shape[:-1] + (len(starts),))
    np.add.at(out, (..., band), values)  # small arrays; vectorised over the leading axes
    return out


def mortality_rates(dep_u) -> np.ndarray:
    """Death rates per person-year, shape (n, 2 sexes [female, male], 20 bands), for percentiles ``dep_u``."""
    dep_u = np.atleast_1d(np.asarray(dep_u, dtype=float))
    out = np.empty((len(dep_u), 2, len(LE_BANDS)))
    for s, sex in enumerate(("Female", "Male")):
        base = _MALE_MORTALITY * (_FEMALE_FACTOR if sex == "Female" else 1.0)
        ratio = np.exp(MORTALITY_GRADIENT[sex] * (dep_u - 0.5))
        out[:, s, :] = base[None, :] * ratio[:, None]
    return out


def _lsoa_mortality(dep: _Deprivation) -> np.ndarray:
    return mortality_rates(dep.u) * AUTHORITY_MORTALITY_EXCESS


def _deaths(rng: np.random.Generator, geo: _Geography, dep: _Deprivation, pop: np.ndarray):
    exposure = _by_band(pop, _LE_START) * DEATHS_YEARS  # (lsoa, sex, band) person-years
    expected = _lsoa_mortality(dep) * exposure
    deaths = rng.poisson(expected)
    lsoa, sex, band = np.indices(deaths.shape).reshape(3, -1)
    frame = pd.DataFrame(
        {
            "LSOA21CD": geo.lsoa_code[lsoa],
            "sex": np.array(["Female", "Male"])[sex],
            "age_band": np.array(LE_BANDS)[band],
            "deaths": deaths.reshape(-1),
            "period": DEATHS_PERIOD,
        }
    )
    return frame, deaths, expected, exposure


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class _Spec:
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


HIGH_GOOD, LOW_GOOD = "high is good", "low is good"

INDICATORS = (
    _Spec(
        90284,
        "Hospital admissions caused by unintentional and deliberate injuries in children (aged 0 to 14 years)",
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
    _Spec(
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
    _Spec(
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
    _Spec(
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
    _Spec(
        90631,
        "School readiness: percentage of children achieving a good level of development at the end of Reception",
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
    _Spec(
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
    _Spec(
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
    _Spec(
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
    _Spec(
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
    _Spec(
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
    _Spec(
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
    _Spec(
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
    _Spec(
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
    _Spec(
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
    _Spec(
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
LE_SPECS = (
    (90366, "Life expectancy at birth", "All ages", 0),
    (93505, "Life expectancy at 65", "65", 65),
)
N_PERIODS = 11
FIRST_YEAR = 2013
LE_TIME_TREND = -0.012  # change in log mortality per year (life expectancy improving)

ESP_BANDS = (*[f"{a}-{a + 4}" for a in range(0, 90, 5)], "90+")
_ESP_START = np.arange(0, 95, 5)

_COLUMNS = [
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Compared to Regions (statistical) value or percentiles",
    "Time period Sortable",
    "New data",
    "Compared to goal",
    "Time period range",
]


def _period_labels(kind: str) -> tuple[list[str], np.ndarray, str]:
    """Period labels, the calendar year each is centred on, and the Fingertips range."""
    starts = FIRST_YEAR + np.arange(N_PERIODS)
    if kind == "fy":
        return [f"{y}/{(y + 1) % 100:02d}" for y in starts], starts + 0.5, "1y"
    if kind == "cal":
        return [str(y) for y in starts], starts.astype(float), "1y"
    starts = starts - 2
    return [f"{y} - {(y + 2) % 100:02d}" for y in starts], starts + 1.0, "3y"


def _shape(name: str) -> np.ndarray:
    """Relative rate by ESP2013 band (per person), for a DSR's age pattern."""
    mid = _ESP_START + 2.5
    if name == "mortality":
        return 0.0004 + 0.012 * np.exp(0.085 * (mid - 70))
    if name == "cvd":
        return 0.00002 + 0.003 * np.exp(0.1 * (mid - 70))
    if name == "falls":
        return 0.02 * np.exp(0.1 * (mid - 67.5))
    if name == "hip":
        return 0.004 * np.exp(0.13 * (mid - 67.5))
    if name == "alcohol":
        return 0.009 * np.exp(-(((mid - 52) / 14) ** 2)) * (mid > 15)
    if name == "selfharm":
        return 0.004 * np.exp(-(((mid - 20) / 9) ** 2)) + 0.001 * np.exp(-(((mid - 45) / 15) ** 2))
    raise ValueError(name)


@dataclass
class _Area:
    code: str
    name: str
    area_type: str
    parent_code: str
    parent_name: str
    pop: np.ndarray  # (2, 91) residents by sex and age, mid-2022
    ratio: dict  # indicator id -> area / England (non-LA areas)
    mortality: np.ndarray  # (2, 20) death rates per person-year in 2021


def _areas(rng: np.random.Generator, geo: _Geography, dep: _Deprivation, pop: np.ndarray):
    """England, region, neighbours (simulated whole), the authority and its wards (from LSOAs)."""

    def structure(total, mean_dep):
        w = np.concatenate([_age_weights(mean_dep, True), _age_weights(mean_dep, False)], axis=1)
        return (w / w.sum() * total).reshape(2, MAX_AGE + 1)

    def mortality(a):
        u = ((np.arange(200) + 0.5) / 200) ** (
            1 / a
        )  # Beta(a, 1) quantiles: a > 1 is more deprived
        return mortality_rates(u).mean(axis=0)

    def ratios(spread, pull):
        return {
            s.id: float(np.exp(np.log(s.la_ratio) * pull + spread * rng.standard_normal()))
            for s in INDICATORS
        }

    england = _Area(
        ENGLAND_CODE,
        ENGLAND_NAME,
        "England",
        "",
        "",
        structure(57_100_000, 0.0),
        {s.id: 1.0 for s in INDICATORS},
        mortality(1.0),
    )
    region = _Area(
        REGION_CODE,
        REGION_NAME,
        "Regions (statistical)",
        ENGLAND_CODE,
        ENGLAND_NAME,
        structure(7_420_000, 0.15),
        ratios(0.03, 0.4),
        mortality(1.3),
    )
    neighbours = []
    for code, name in NEIGHBOURS:
        a = rng.uniform(1.1, 2.2)
        neighbours.append(
            _Area(
                code,
                name,
                "Counties & UAs (from Apr 2023)",
                REGION_CODE,
                REGION_NAME,
                structure(rng.uniform(150_000, 340_000), (a - 1) / (a + 1)),
                ratios(0.10, 0.8),
                mortality(a),
            )
        )
    lsoa_rates = _lsoa_mortality(dep)  # (lsoa, 2, 20)
    lsoa_bands = _by_band(pop, _LE_START)

    def local(code, name, area_type, parent_code, parent_name, members):
        p = pop[members].sum(axis=0).astype(float)
        rates = (lsoa_rates[members] * lsoa_bands[members]).sum(axis=0) / lsoa_bands[members].sum(
            axis=0
        )
        return _Area(code, name, area_type, parent_code, parent_name, p, {}, rates)

    authority = local(
        DEMO_AREA_CODE,
        DEMO_AREA_NAME,
        "Counties & UAs (from Apr 2023)",
        REGION_CODE,
        REGION_NAME,
        np.arange(N_LSOA),
    )
    wards = [
        local(
            geo.ward_code[w],
            geo.ward_name[w],
            "Ward",
            DEMO_AREA_CODE,
            DEMO_AREA_NAME,
            np.flatnonzero(geo.lsoa_ward == w),
        )
        for w in range(N_WARD)
    ]
    return england, region, neighbours, authority, wards


def _relative_rank(weights: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Relative deprivation rank (0 = most deprived end, 1 = least) of each ward, along axis 0.

    Wards are ordered by ``score`` (population-weighted IMD score), most deprived first;
    a ward's rank is the midpoint of its share of the cumulative ``weights`` (residents,
    or an indicator's denominators, one column per period).
    """
    weights = np.asarray(weights, dtype=float)
    order = np.argsort(-score, kind="stable")
    share = weights[order] / weights.sum(axis=0, keepdims=True)
    x = np.empty_like(share)
    x[order] = np.cumsum(share, axis=0) - share / 2
    return x


def _ward_x(geo: _Geography, dep: _Deprivation, pop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relative deprivation rank of each ward among residents (0 = most deprived end) and its IMD score."""
    residents = pop.sum(axis=(1, 2)).astype(float)
    ward_pop = np.bincount(geo.lsoa_ward, residents, minlength=N_WARD)
    score = np.bincount(geo.lsoa_ward, residents * dep.score, minlength=N_WARD) / ward_pop
    return _relative_rank(ward_pop, score), score


def _growth(year) -> np.ndarray:
    return 1 + 0.004 * (np.asarray(year, dtype=float) - 2022)


def _fingertips_rows(
    spec_id, name, areas, periods, sortable, span, sex, age, stats_frame
) -> pd.DataFrame:
    """Rows of the 27-column all_data layout from a stats result with area/period positions."""
    a = stats_frame["area_i"].to_numpy()
    t = stats_frame["period_i"].to_numpy()
    count = stats_frame["count"].to_numpy(dtype=float)
    denominator = stats_frame["denominator"].to_numpy(dtype=float)
    note = stats_frame["value_note"] if "value_note" in stats_frame else pd.Series([""] * len(a))
    return pd.DataFrame(
        {
            "Indicator ID": spec_id,
            "Indicator Name": name,
            "Parent Code": [areas[i].parent_code for i in a],
            "Parent Name": [areas[i].parent_name for i in a],
            "Area Code": [areas[i].code for i in a],
            "Area Name": [areas[i].name for i in a],
            "Area Type": [areas[i].area_type for i in a],
            "Sex": sex if isinstance(sex, str) else np.asarray(sex),
            "Age": age,
            "Category Type": "",
            "Category": "",
            "Time period": np.asarray(periods)[t],
            "Value": _fmt(stats_frame["value"], 6),
            "Lower CI 95.0 limit": _fmt(stats_frame["lower_ci95"], 6),
            "Upper CI 95.0 limit": _fmt(stats_frame["upper_ci95"], 6),
            "Lower CI 99.8 limit": _fmt(stats_frame["lower_ci99_8"], 6),
            "Upper CI 99.8 limit": _fmt(stats_frame["upper_ci99_8"], 6),
            "Count": _fmt(count, 0),
            "Denominator": _fmt(denominator, 0),
            "Value note": note.fillna("").astype(str).to_numpy(),
            "Recent Trend": "",
            "Compared to England value or percentiles": "Not compared",
            "Compared to Regions (statistical) value or percentiles": "Not compared",
            "Time period Sortable": np.asarray(sortable)[t],
            "New data": "",
            "Compared to goal": "",
            "Time period range": span,
        }
    )[_COLUMNS]


def _quiet(function, *args, **kwargs):
    """Call a jsna.stats verb; its small-number warnings become the value notes it writes."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return function(*args, **kwargs)


def _stream(seeds: np.random.SeedSequence, key: int) -> np.random.Generator:
    """An independent generator keyed by ``key`` (an indicator ID): adding an indicator leaves the others' draws alone."""
    return np.random.default_rng(
        np.random.SeedSequence(seeds.entropy, spawn_key=(*seeds.spawn_key, key))
    )


def _indicators(seeds, geo, dep, pop, deaths_info) -> tuple[pd.DataFrame, dict]:
    from jsna.stats.dsr import ESP2013, dsr
    from jsna.stats.rates import crude_rate, proportion

    england, region, neighbours, authority, wards = _areas(_stream(seeds, 0), geo, dep, pop)
    areas = [england, region, *neighbours, authority, *wards]
    n_whole = 2 + len(neighbours)  # areas simulated whole; then the authority, then wards
    la, ward_slice = n_whole, slice(n_whole + 1, None)
    x, ward_score = _ward_x(geo, dep, pop)
    ward_pop = np.array([w.pop.sum() for w in wards])
    residents = pop.sum(axis=(1, 2)).astype(float)
    core20_share = (
        np.bincount(geo.lsoa_ward, residents * (dep.decile <= 2), minlength=N_WARD) / ward_pop
    )
    core20_ward = (
        core20_share >= 0.5
    )  # as jsna.analysis.deprivation: at least half the residents in Core20 LSOAs
    t = np.arange(N_PERIODS)
    frames, truth = [], {"ward_relative_rank": {}, "indicators": {}}
    truth["ward_relative_rank"] = {
        geo.ward_code[w]: {
            "x": x[w],
            "imd_score": ward_score[w],
            "population": ward_pop[w],
            "core20_population_share": core20_share[w],
            "core20_ward": bool(core20_ward[w]),
        }
        for w in range(N_WARD)
    }
    pops = np.stack([a.pop for a in areas])  # (area, 2, 91)

    for spec in INDICATORS:
        rng = _stream(seeds, spec.id)
        labels, centre, span = _period_labels(spec.periods)
        years = 3 if spec.periods == "3y" else 1
        growth = sum(_growth(np.floor(centre) - (years // 2) + k) for k in range(years))
        sortable = [f"{int(np.floor(c)) - years // 2}0000" for c in centre]
        sexes = [0, 1] if spec.sex == "Persons" else [0]
        ages = np.arange(spec.ages[0], spec.ages[1] + 1)
        with_wards = spec.gradient is not None
        e = spec.england * np.exp(spec.england_trend * t)
        la_value = e * spec.la_ratio * np.exp(spec.la_trend * t)
        keep = (
            np.arange(len(areas)) if with_wards else np.arange(la + 1)
        )  # wards only where planted
        # the population at risk first: a ward's expected value follows its rank among it
        if spec.kind in ("proportion", "crude"):
            base = pops[keep][:, sexes][:, :, ages].sum(axis=(1, 2))
            denominator = np.round(
                base[:, None] * growth[None, :] * spec.coverage
            )  # (area, period)
            at_risk = denominator.copy()
        else:
            in_range = (_ESP_START >= spec.ages[0]) & (_ESP_START <= spec.ages[1])
            band_pop = _by_band(pops[keep][:, sexes].sum(axis=1), _ESP_START)[
                :, in_range
            ]  # (area, band)
            exposure = np.round(
                band_pop[:, None, :] * growth[None, :, None]
            )  # (area, period, band)
            at_risk = exposure.sum(axis=2)
        value = np.full((len(areas), N_PERIODS), np.nan)
        value[:n_whole] = (
            e[None, :] * np.array([a.ratio[spec.id] for a in areas[:n_whole]])[:, None]
        )
        value[la] = la_value
        rank = None
        if (
            with_wards
        ):  # linear in the ward's relative rank among the denominators: SII = la_value x gradient
            rank = _relative_rank(at_risk[ward_slice], ward_score)  # (ward, period)
            value[ward_slice] = la_value[None, :] * (1 + spec.gradient * (rank - 0.5))
        if spec.kind == "proportion":
            value = np.minimum(value, 99.0)

        if spec.kind in ("proportion", "crude"):
            mean = value[keep] / spec.multiplier
            if spec.kind == "proportion":
                count = rng.binomial(denominator.astype(np.int64), mean).astype(float)
            else:
                count = rng.poisson(mean * denominator).astype(float)
            if with_wards:  # the authority is the sum of its wards
                count[la], denominator[la] = (
                    count[ward_slice].sum(axis=0),
                    denominator[ward_slice].sum(axis=0),
                )
            ai, ti = np.meshgrid(keep, t, indexing="ij")
            df = pd.DataFrame(
                {
                    "area_i": ai.ravel(),
                    "period_i": ti.ravel(),
                    "count": count.ravel(),
                    "denominator": denominator.ravel(),
                }
            )
            verb = proportion if spec.kind == "proportion" else crude_rate
            result = _quiet(verb, df, "count", "denominator", multiplier=spec.multiplier)
        else:
            bands = np.array(ESP_BANDS)[in_range]
            shape = _shape(spec.shape)[in_range]
            reference = pd.DataFrame({"band": bands, "count": shape * 1e9, "pop": 1e9, "g": 0})
            standard = {
                band: ESP2013[band] for band in bands
            }  # an age-restricted indicator: its bands only
            shape_dsr = float(
                dsr(
                    reference,
                    "count",
                    "pop",
                    by="g",
                    age_band="band",
                    standard=standard,
                    multiplier=spec.multiplier,
                )["value"].iloc[0]
            )
            rate = shape[None, None, :] * value[keep][:, :, None] / shape_dsr
            count = rng.poisson(rate * exposure).astype(float)
            if with_wards:
                count[la], exposure[la] = (
                    count[ward_slice].sum(axis=0),
                    exposure[ward_slice].sum(axis=0),
                )
            ai, ti, bi = np.meshgrid(keep, t, np.arange(len(bands)), indexing="ij")
            df = pd.DataFrame(
                {
                    "area_i": ai.ravel(),
                    "period_i": ti.ravel(),
                    "band": bands[bi.ravel()],
                    "count": count.ravel(),
                    "denominator": exposure.ravel(),
                }
            )
            result = _quiet(
                dsr,
                df,
                "count",
                "denominator",
                by=["area_i", "period_i"],
                age_band="band",
                standard=standard,
                multiplier=spec.multiplier,
            )
        frames.append(
            _fingertips_rows(
                spec.id, spec.name, areas, labels, sortable, span, spec.sex, spec.age, result
            )
        )
        truth["indicators"][str(spec.id)] = _indicator_truth(
            spec, labels, e, la_value, value, rank, at_risk, geo, core20_ward
        )

    le_frames, le_truth = _life_expectancy(
        _stream(seeds, 1), geo, dep, areas, la, ward_slice, x, deaths_info
    )
    frames += le_frames
    truth["indicators"].update(le_truth)
    out = pd.concat(frames, ignore_index=True)
    return out, truth


def _trend_word(change: float, polarity: str) -> str:
    if abs(change) < 1e-9:
        return "no change"
    better = (change > 0) == (polarity == HIGH_GOOD)
    return "improving" if better else "worsening"


def _indicator_truth(
    spec, labels, england, la_value, value, rank, at_risk, geo, core20_ward
) -> dict:
    change = spec.england_trend + spec.la_trend
    worse = (spec.la_ratio > 1) == (spec.polarity == LOW_GOOD) and spec.la_ratio != 1
    out = {
        "name": spec.name,
        "kind": {
            "proportion": "proportion",
            "crude": "crude rate",
            "dsr": "directly standardised rate",
        }[spec.kind],
        "multiplier": spec.multiplier,
        "polarity": spec.polarity,
        "age": spec.age,
        "sex": spec.sex,
        "periods": labels,
        "england_expected": list(england),
        "authority_expected": list(la_value),
        "authority_vs_england_ratio": spec.la_ratio,
        "authority_planned_worse_than_england": bool(worse and abs(np.log(spec.la_ratio)) >= 0.15),
        "trend_log_change_per_year": change,
        "trend": _trend_word(change, spec.polarity),
        "ward_level": spec.gradient is not None,
    }
    if spec.gradient is not None:
        ward_values, r, weight = value[-N_WARD:, -1], rank[:, -1], at_risk[-N_WARD:, -1]
        in_core20 = np.stack([core20_ward, ~core20_ward])
        with np.errstate(invalid="ignore"):  # no Core20 ward (another seed): NaN
            core20, rest = (in_core20 @ (weight * ward_values)) / (in_core20 @ weight)
        out["ward_gradient"] = {
            "period": labels[-1],
            "sii_latest": float(la_value[-1] * spec.gradient),
            "sii_relative_to_authority": spec.gradient,
            # the same number computed from the expected ward values, as an analysis would
            "sii_latest_wls": float(np.polyfit(r, ward_values, 1, w=np.sqrt(weight))[0]),
            "expected_latest_core20_wards": float(core20),
            "expected_latest_other_wards": float(rest),
            "expected_latest_core20_minus_other": float(core20 - rest),
            "expected_latest_by_ward": dict(zip(geo.ward_code, ward_values, strict=True)),
            "relative_rank_latest_by_ward": dict(zip(geo.ward_code, r, strict=True)),
            "denominator_latest_by_ward": dict(zip(geo.ward_code, weight, strict=True)),
            "definition": (
                "expected ward value = authority value x (1 + g (x - 0.5)), where x is the ward's relative "
                "rank among the indicator's own denominators in that period (wards ordered by "
                "population-weighted IMD score, most deprived first; x = midpoint of the ward's share of "
                "the cumulative denominator: 0 most deprived, 1 least deprived; relative_rank_latest_by_ward). "
                "SII = value at x=1 minus value at x=0 = authority value x g; it is also the "
                "denominator-weighted least-squares slope of the expected ward values on x (sii_latest_wls) "
                "and the SII of the expected values of any contiguous deprivation groups of wards (such as "
                "local quintiles), so an analysis of the counts recovers it up to sampling error. Counts are "
                "binomial (proportions) or Poisson (rates, by age band for DSRs) draws from the expected "
                "values, with no further ward-level noise; the authority's counts are the sums of its wards'. "
                "Core20 wards (ward_relative_rank[...]['core20_ward']) have at least half their residents in "
                "Core20 LSOAs; expected_latest_core20_wards/other_wards are denominator-weighted means"
            ),
        }
    return out


def _le_table(deaths, exposure, group_names: dict[str, np.ndarray]) -> pd.DataFrame:
    """Long frame for life_expectancy from arrays shaped (..., 20 bands)."""
    shape = deaths.shape
    index = np.indices(shape).reshape(len(shape), -1)
    frame = {name: values[index[k]] for k, (name, values) in enumerate(group_names.items())}
    frame["band"] = _LE_START[index[-1]]
    frame["deaths"] = deaths.reshape(-1).astype(float)
    frame["pop"] = exposure.reshape(-1).astype(float)
    return pd.DataFrame(frame)


def _le_values(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    from jsna.stats.life_expectancy import life_expectancy

    return _quiet(life_expectancy, table, "deaths", "pop", by=by, age_band="band")


def _life_expectancy(rng, geo, dep, areas, la, ward_slice, x, deaths_info):
    observed, expected, exposure5 = deaths_info
    labels, centre, _ = _period_labels("3y")
    growth = sum(_growth(np.floor(centre) - 1 + k) for k in range(3))
    whole = areas[: la + 1]
    bands = np.stack([_by_band(a.pop, _LE_START) for a in whole])  # (area, sex, band)
    exposure = np.round(bands[:, None] * growth[None, :, None, None])  # (area, t, sex, band)
    trend = np.exp(LE_TIME_TREND * (centre - 2021))
    rates = np.stack([a.mortality for a in whole])[:, None] * trend[None, :, None, None]
    deaths = rng.poisson(rates * exposure)
    groups = {
        "area_i": np.arange(len(whole)),
        "period_i": np.arange(N_PERIODS),
        "sex": np.array(["Female", "Male"]),
    }
    observed_3y = _le_values(_le_table(deaths, exposure, groups), ["area_i", "period_i", "sex"])
    expected_3y = _le_values(
        _le_table(rates * exposure, exposure, groups), ["area_i", "period_i", "sex"]
    )

    # five-year ward and authority values from the deaths file
    ward_of = geo.lsoa_ward
    wd = np.zeros((N_WARD, 2, len(LE_BANDS)))
    we = np.zeros_like(wd)
    wx = np.zeros_like(wd)
    np.add.at(wd, ward_of, observed)
    np.add.at(we, ward_of, expected)
    np.add.at(wx, ward_of, exposure5)
    local_d = np.concatenate([observed.sum(axis=0)[None], wd])
    local_e = np.concatenate([expected.sum(axis=0)[None], we])
    local_x = np.concatenate([exposure5.sum(axis=0)[None], wx])
    local_groups = {
        "area_i": np.arange(la, la + 1 + N_WARD),
        "period_i": np.array([0]),
        "sex": np.array(["Female", "Male"]),
    }
    observed_5y = _le_values(
        _le_table(local_d[:, None], local_x[:, None], local_groups), ["area_i", "period_i", "sex"]
    )
    expected_5y = _le_values(
        _le_table(local_e[:, None], local_x[:, None], local_groups), ["area_i", "period_i", "sex"]
    )

    # true life expectancy by national IMD quintile (pooled LSOAs, expected deaths)
    qd = np.zeros((5, 2, len(LE_BANDS)))
    qx = np.zeros_like(qd)
    np.add.at(qd, dep.quintile - 1, expected)
    np.add.at(qx, dep.quintile - 1, exposure5)
    quintile_le = _le_values(
        _le_table(qd, qx, {"quintile": np.arange(1, 6), "sex": np.array(["Female", "Male"])}),
        ["quintile", "sex"],
    )

    frames, truth = [], {}
    sortable_3y = [f"{int(c) - 1}0000" for c in centre]
    for spec_id, name, age_label, start in LE_SPECS:
        obs3 = observed_3y[observed_3y["band"] == start].reset_index(drop=True)
        obs5 = observed_5y[observed_5y["band"] == start].reset_index(drop=True)
        for frame, periods, sortable, span in (
            (obs3, labels, sortable_3y, "3y"),
            (obs5, ["2019 - 23"], ["20190000"], "5y"),
        ):
            frame = frame.assign(count=np.nan, denominator=np.nan)
            frames.append(
                _fingertips_rows(
                    spec_id,
                    name,
                    areas,
                    periods,
                    sortable,
                    span,
                    frame["sex"].to_numpy(),
                    age_label,
                    frame,
                )
            )
        exp3 = expected_3y[expected_3y["band"] == start]
        exp5 = expected_5y[expected_5y["band"] == start]
        qle = quintile_le[quintile_le["band"] == start]
        sexes = {}
        for sex in ("Female", "Male"):
            la_rows = exp3[(exp3["area_i"] == la) & (exp3["sex"] == sex)].sort_values("period_i")
            england = exp3[(exp3["area_i"] == 0) & (exp3["sex"] == sex)].sort_values("period_i")
            ward_rows = exp5[(exp5["sex"] == sex) & (exp5["area_i"] > la)].sort_values("area_i")
            ward_le = ward_rows["value"].to_numpy(dtype=float)
            weights = np.array([a.pop.sum() for a in areas[ward_slice]])
            slope = float(np.polyfit(x, ward_le, 1, w=np.sqrt(weights))[0])
            by_q = qle[qle["sex"] == sex].set_index("quintile")["value"].astype(float)
            sexes[sex] = {
                "authority_expected": la_rows["value"].astype(float).tolist(),
                "england_expected": england["value"].astype(float).tolist(),
                "expected_2019_23_by_ward": dict(zip(geo.ward_code, ward_le, strict=True)),
                "expected_2019_23_authority": float(
                    exp5[(exp5["sex"] == sex) & (exp5["area_i"] == la)]["value"].iloc[0]
                ),
                "expected_2019_23_by_imd_quintile": {str(q): float(v) for q, v in by_q.items()},
                "gap_least_minus_most_deprived_quintile": float(by_q[5] - by_q[1]),
                "ward_sii_wls": slope,
            }
        truth[str(spec_id)] = {
            "name": name,
            "kind": "life expectancy",
            "polarity": HIGH_GOOD,
            "age": age_label,
            "periods": labels,
            "ward_period": "2019 - 23",
            "trend": "improving",
            "trend_log_mortality_change_per_year": LE_TIME_TREND,
            "ward_level": True,
            "mortality_gradient_log_ratio": MORTALITY_GRADIENT,
            "by_sex": sexes,
            "definition": (
                "expected values are life expectancy (jsna.stats.life_expectancy) of expected deaths; "
                "ward_sii_wls = population-weighted least-squares slope of the expected ward values on "
                "the ward relative rank x (0 most deprived, 1 least deprived)"
            ),
        }
    return frames, truth


# --------------------------------------------------------------------------- the pack


def _manifest() -> str:
    f = _FILES
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
    ]
    attribution = [
        "Synthetic data generated by jsna (jsna.demo.pack): not real statistics about any place.",
        "Synthetic data in the layouts of ONS, MHCLG, OHID Fingertips, NHS England and NHS Digital files; "
        "no real values are included.",
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
    return "\n".join(lines) + "\n"


def _build(seed: int) -> dict[str, str]:
    """Every file of the pack as text, keyed by its path inside the pack."""
    seeds = np.random.SeedSequence(seed).spawn(8)
    streams = [np.random.default_rng(s) for s in seeds]
    geo = _geography(streams[0])
    dep = _deprivation(streams[1], geo)
    pop = _population(streams[2], dep)
    practices = _practices(streams[3], geo, dep, pop)
    deaths_file, observed, expected, exposure = _deaths(streams[4], geo, dep, pop)
    lookups = _lookups(geo)
    tidy_rates, hse = _model_files()
    indicators, indicator_truth = _indicators(
        seeds[5], geo, dep, pop, (observed, expected, exposure)
    )

    f = _FILES
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
    files[f["wards"]] = _geojson(DEMO_AREA_CODE, ward_props, geo.ward_geom)
    files[f["lsoas"]] = _geojson(DEMO_AREA_CODE, lsoa_props, geo.lsoa_geom)
    files[f["msoas"]] = _geojson(DEMO_AREA_CODE, msoa_props, geo.msoa_geom)
    files[f["lookup_best_fit"]] = _csv_text(lookups["lookup_best_fit"])
    files[f["lookup_ward_lad"]] = _csv_text(lookups["lookup_ward_lad"], bom=True)
    files[f["lookup_lsoa11"]] = _csv_text(lookups["lookup_lsoa11"])
    files[f["lookup_icb"]] = _csv_text(lookups["lookup_icb"])
    files[f["imd"]] = _csv_text(dep.file7)
    files[f["population"]] = _csv_text(_population_file(geo, pop))
    files[f["deaths"]] = _csv_text(deaths_file)
    files[f["indicators"]] = _csv_text(indicators)
    files[f["neighbours"]] = _csv_text(
        pd.DataFrame(
            {
                "area_code": DEMO_AREA_CODE,
                "neighbour_code": [c for c, _ in NEIGHBOURS],
                "rank": np.arange(1, len(NEIGHBOURS) + 1),
            }
        )
    )
    files[f["qof"]] = _csv_text(practices.qof)
    files[f["qof_mapping"]] = _csv_text(practices.mapping)
    files[f["gp_lsoa"]] = _csv_text(practices.patients_lsoa)
    files[f["model_rates"]] = _csv_text(tidy_rates)
    files[f["hse"]] = _csv_text(hse)

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
        },
        "prevalence": practices.truth,
        "indicators": indicator_truth["indicators"],
        "ward_relative_rank": indicator_truth["ward_relative_rank"],
        "files": sorted([*files, f["manifest"], f["truth"]]),
    }
    files[f["truth"]] = (
        json.dumps(_round_json(truth), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
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
    if not _is_demo_pack(path) or not (path / _FILES["truth"]).is_file():
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
    files = _build(int(seed))
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.writing-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    for name, text in files.items():
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
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
    file = Path(path) / _FILES["truth"]
    if not file.is_file():
        raise SourceError(
            f"{file} is missing; is {path} a jsna demo pack? write one with write_demo_pack"
        )
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SourceError(f"{file} is not valid JSON ({exc}); write the demo pack again") from exc
