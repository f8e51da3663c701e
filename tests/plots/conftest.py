"""Fixtures for the plot tests: Agg backend, closed figures, real and synthetic wards."""

from __future__ import annotations

import os

os.environ["MPLBACKEND"] = "Agg"

import geopandas as gpd  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import shapely  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _wards(shared_data, code: str) -> gpd.GeoDataFrame:
    path = shared_data / "boundaries" / "wards_wd25" / f"{code}.geojson"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return gpd.read_file(path)


@pytest.fixture(scope="session")
def sefton_lonlat(shared_data) -> gpd.GeoDataFrame:
    """Sefton's 22 wards (WD25) as published: CRS84 longitude/latitude."""
    return _wards(shared_data, "E08000014")


@pytest.fixture(scope="session")
def sefton(sefton_lonlat) -> gpd.GeoDataFrame:
    """Sefton's 22 wards in British National Grid."""
    return sefton_lonlat.to_crs(27700)


@pytest.fixture(scope="session")
def liverpool(shared_data) -> gpd.GeoDataFrame:
    """Liverpool's 64 wards in British National Grid."""
    return _wards(shared_data, "E08000012").to_crs(27700)


@pytest.fixture(scope="session")
def cheshire_east(shared_data) -> gpd.GeoDataFrame:
    """Cheshire East's 52 wards in British National Grid: crowded towns in a rural authority."""
    return _wards(shared_data, "E06000049").to_crs(27700)


@pytest.fixture
def squares() -> gpd.GeoDataFrame:
    """Six 1 km squares in a row (British National Grid) with names and values 1..6."""
    return gpd.GeoDataFrame(
        {"name": [f"Ward {c}" for c in "ABCDEF"], "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]},
        geometry=[
            shapely.box(300000 + i * 1000, 400000, 301000 + i * 1000, 401000) for i in range(6)
        ],
        crs=27700,
    )
