"""The demo geography and lookups: LSOAs tile wards, ONS naming, LSOA11 changes, CRS84."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from jsna.demo.pack import FILES, N_LSOA, N_WARD


def test_lsoas_tile_the_wards(pack_csv, pack):
    lsoas = gpd.read_file(pack / FILES["lsoas"]).to_crs(27700)
    wards = gpd.read_file(pack / FILES["wards"]).to_crs(27700)
    best_fit = pack_csv("lookup_best_fit")
    assert len(lsoas) == N_LSOA and len(wards) == N_WARD
    assert lsoas.is_valid.all() and wards.is_valid.all()
    lsoas = lsoas.merge(best_fit[["LSOA21CD", "WD25CD"]], on="LSOA21CD")
    lsoa_area = lsoas.groupby("WD25CD")["geometry"].apply(lambda g: g.area.sum())
    ward_area = wards.set_index("WD25CD").area
    np.testing.assert_allclose(lsoa_area.loc[ward_area.index], ward_area, rtol=1e-6)
    # no overlaps: pairwise intersections are slivers of rounding at most
    geoms = lsoas.geometry.to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[keep]], geoms[right[keep]]))
    assert overlap.max() < 1.0  # square metres
    # about 25 x 20 km, in British National Grid around (560000, 480000)
    minx, miny, maxx, maxy = wards.total_bounds
    assert 20_000 < maxx - minx < 32_000 and 15_000 < maxy - miny < 26_000
    assert minx < 560_000 < maxx and miny < 480_000 < maxy
    sizes = best_fit.groupby("WD25CD").size()
    assert sizes.min() >= 3


def test_lsoa_names_follow_their_msoa(pack_csv, pack):
    best_fit = pack_csv("lookup_best_fit")
    assert best_fit["LSOA21NM"].str.fullmatch(r"Demoshire \d{3}[A-Z]").all()
    msoas = gpd.read_file(pack / FILES["msoas"])
    assert set(best_fit["LSOA21NM"].str[:-1]) == set(msoas["MSOA21NM"])


def test_lsoa11_lookup_has_splits_and_merges(pack_csv):
    lookup = pack_csv("lookup_lsoa11")
    assert list(lookup.columns) == [
        "LSOA11CD",
        "LSOA11NM",
        "LSOA21CD",
        "LSOA21NM",
        "CHGIND",
        "LAD22CD",
        "LAD22NM",
    ]
    counts = lookup["CHGIND"].value_counts()
    assert counts["S"] >= 4 and counts["M"] >= 4 and counts["U"] > 100
    unchanged = lookup[lookup["CHGIND"] == "U"]
    assert (unchanged["LSOA11CD"] == unchanged["LSOA21CD"]).all()
    assert (lookup[lookup["CHGIND"] == "S"].groupby("LSOA11CD").size() >= 2).all()
    assert (lookup[lookup["CHGIND"] == "M"].groupby("LSOA21CD").size() >= 2).all()
    best_fit = pack_csv("lookup_best_fit")
    assert set(lookup["LSOA21CD"]) == set(best_fit["LSOA21CD"])


def test_geojson_is_crs84_like_the_real_files(pack):
    text = (pack / FILES["wards"]).read_text(encoding="utf-8")
    assert '"urn:ogc:def:crs:OGC:1.3:CRS84"' in text
    wards = gpd.read_file(pack / FILES["wards"])
    minx, miny, maxx, maxy = wards.total_bounds
    assert 0 < minx < maxx < 2 and 54 < miny < maxy < 55  # the North Sea off Yorkshire
