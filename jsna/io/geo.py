"""Readers for ONS boundary GeoJSON (roles ``boundaries.ward``, ``.lsoa``, ``.msoa``).

Boundaries are returned in British National Grid (EPSG:27700) with the ONS
code and name columns renamed to jsna's vintage-carrying names
(``wd25_code``, ``lsoa21_name``...). Several files (one per authority) are
concatenated; a feature repeated across files is kept once.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io.ons import rename_ons_columns, require_kinds
from jsna.meta import with_meta

__all__ = ["BNG", "read_boundaries"]

BNG = "EPSG:27700"

_KIND = {"boundaries.ward": "wd", "boundaries.lsoa": "lsoa", "boundaries.msoa": "msoa"}


def _read_one(path) -> gpd.GeoDataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL chatter about CRS84
            frame = gpd.read_file(path)
    except Exception as exc:
        raise SourceError(
            f"cannot read boundaries {path}: {str(exc).splitlines()[0]}; "
            "the file may be truncated or not GeoJSON - download it again"
        ) from exc
    if frame.crs is None:
        raise SourceError(
            f"{path} has no coordinate reference system; ONS GeoJSON is CRS84 (lon/lat) "
            "or EPSG:27700 - export it again with its CRS"
        )
    if frame.crs.is_geographic and len(frame):
        minx, miny, maxx, maxy = frame.total_bounds
        if min(minx, miny) < -180 or maxx > 180 or maxy > 90:
            raise SourceError(
                f"{path}: coordinates are in metres (up to {maxx:,.0f}, {maxy:,.0f}) but the file "
                "declares no "
                'projected CRS, so it is read as longitude/latitude; add "crs": {"type": "name", '
                '"properties": {"name": "urn:ogc:def:crs:EPSG::27700"}} to the GeoJSON or export '
                "it again with its CRS"
            )
    try:
        return frame.to_crs(BNG)
    except Exception as exc:  # noqa: BLE001 - reported with the fix
        raise SourceError(
            f"{path}: cannot reproject to British National Grid ({exc}); check the file's CRS"
        ) from exc


def read_boundaries(entry: FileEntry) -> gpd.GeoDataFrame:
    """Read one boundary role into a GeoDataFrame in EPSG:27700.

    Parameters
    ----------
    entry : FileEntry
        A ``boundaries.ward``, ``boundaries.lsoa`` or ``boundaries.msoa`` entry.

    Returns
    -------
    geopandas.GeoDataFrame
        ``<kind><yy>_code``, ``<kind><yy>_name`` (and ``lad<yy>_code/_name``
        when the file has them) and ``geometry``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> square = gpd.GeoDataFrame({"WD25CD": ["E05999999"], "WD25NM": ["Test"]},
    ...     geometry=[shapely.box(-1.0, 53.0, -0.99, 53.01)], crs="OGC:CRS84")
    >>> square.to_file(folder / "w.geojson")
    >>> wards = read_boundaries(FileEntry("boundaries.ward", (folder / "w.geojson",)))
    >>> list(wards.columns), wards.crs.to_epsg()
    (['wd25_code', 'wd25_name', 'geometry'], 27700)
    """
    kind = _KIND[entry.role]
    frames = [_read_one(path) for path in entry.paths]
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=BNG)
    frame = rename_ons_columns(frame, where=entry.describe())
    keep = [
        c
        for c in frame.columns
        if c.endswith(("_code", "_name")) and not c.startswith(("cauth", "utla", "rgn"))
    ]
    frame = frame[keep + ["geometry"]]
    code = require_kinds(frame, [kind], where=entry.describe())[kind]
    # The same area in two files (one per authority) is kept once; one code with
    # two different shapes is an error, never a silent choice.
    shapes = shapely.to_wkb(shapely.normalize(frame.geometry.to_numpy()), hex=True)
    frame = frame.loc[
        ~pd.DataFrame({"c": frame[code].to_numpy(), "g": shapes}).duplicated().to_numpy()
    ]
    conflict = frame[code].duplicated(keep=False)
    if conflict.any():
        raise DataValidationError(
            f"{entry.describe()}: {code} {first_values(frame.loc[conflict, code])} has two "
            "different polygons; "
            "keep one boundary per area (check for overlapping downloads of different vintages)"
        )
    frame = frame.reset_index(drop=True)
    invalid = ~frame.geometry.is_valid.to_numpy()
    if invalid.any():
        # Generalised ONS boundaries sometimes self-intersect slightly: repair
        # them (keeping the polygonal parts) and say so; refuse what cannot be repaired.
        repaired = shapely.make_valid(
            frame.geometry.to_numpy()[invalid], method="structure", keep_collapsed=False
        )
        polygonal = np.array(
            [
                g is not None and g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty
                for g in repaired
            ]
        )
        if not polygonal.all():
            bad = frame.loc[invalid, code].to_numpy()[~polygonal]
            raise DataValidationError(
                f"{entry.describe()}: invalid polygons for {first_values(bad)} that cannot be "
                "repaired; "
                "download the boundaries again"
            )
        frame.loc[invalid, "geometry"] = repaired
        warnings.warn(
            f"{entry.describe()}: repaired invalid polygons for "
            f"{first_values(frame.loc[invalid, code])} "
            "(shapely.make_valid)",
            UserWarning,
            stacklevel=2,
        )
    if frame.geometry.is_empty.any() or frame.geometry.isna().any():
        bad = frame.geometry.is_empty | frame.geometry.isna()
        raise DataValidationError(
            f"{entry.describe()}: empty geometry for {first_values(frame.loc[bad, code])}; "
            "download the boundaries again"
        )
    with_meta(frame, vintage=code.split("_")[0].upper(), source=entry.describe())
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=BNG)


for _role in _KIND:
    reader(_role)(read_boundaries)
