"""The demo geography: LSOAs as a Voronoi tessellation, grouped into MSOAs and wards.

About 150 LSOAs are the Voronoi cells of seeded points (denser in an urban
core) clipped to an irregular outline in British National Grid about 25 x 20 km
(in the North Sea around BNG 560000, 480000). MSOAs and 22 wards are contiguous
unions of LSOAs of about equal size, so LSOAs nest in wards exactly. The
boundaries are written as ONS-style GeoJSON in CRS84 longitude/latitude.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer

from jsna.demo.place import (
    CENTRE,
    LSOA_STEM,
    N_LSOA,
    N_MSOA,
    N_WARD,
    WARD_NAMES,
)

__all__ = ["Geography", "simulate_geography", "geojson"]

_TO_LONLAT = Transformer.from_crs("EPSG:27700", "OGC:CRS84", always_xy=True)


@dataclass
class Geography:
    """The LSOAs, MSOAs and wards of the demo authority, in British National Grid.

    Arrays are in code order; ``lsoa_msoa`` and ``lsoa_ward`` index the MSOA
    and ward arrays. Made by :func:`simulate_geography`.
    """

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


def simulate_geography(rng: np.random.Generator) -> Geography:
    """Draw the demo geography: LSOA cells, MSOAs and wards, with codes and names.

    MSOAs are numbered north to south (as ONS numbers them), LSOAs lettered
    west to east within their MSOA, and ward codes follow the alphabetical
    order of the ward names.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator to draw from.

    Returns
    -------
    Geography
        The LSOAs, MSOAs and wards.

    Examples
    --------
    >>> import numpy as np
    >>> geo = simulate_geography(np.random.default_rng(1))
    >>> len(geo.lsoa_code), len(geo.ward_code), str(geo.lsoa_name[0])
    (150, 22, 'Demoshire 001A')
    """
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
    return Geography(
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


def geojson(name: str, properties: list[dict], geoms: np.ndarray) -> str:
    """ONS-style GeoJSON text in CRS84, one feature per line, 7 decimal places.

    Parameters
    ----------
    name : str
        The collection's ``name``.
    properties : list of dict
        One dict of properties per feature.
    geoms : numpy.ndarray of shapely (Multi)Polygons
        The features' geometries in British National Grid (EPSG:27700).

    Returns
    -------
    str
        The GeoJSON text.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> square = shapely.box(560_000, 480_000, 561_000, 481_000)
    >>> text = geojson("demo", [{"FID": 1}], np.array([square]))
    >>> text.splitlines()[5][:60]
    '{ "type": "Feature", "properties": {"FID": 1}, "geometry": {'
    """
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
