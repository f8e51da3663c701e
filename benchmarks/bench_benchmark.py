"""Benchmark: benchmarking plus trends for 150 upper-tier authorities x 15 years x 200 indicators.

Run with ``python benchmarks/bench_benchmark.py`` (target < 5 s for ``benchmark``).

Builds a synthetic tidy indicator frame in the Fingertips shape: England,
9 regions and 150 authorities (each in one region, with 10 statistical
neighbours), 200 indicators (half rates, half proportions with counts and
denominators), persons, 15 periods, values with 95% and 99.8% limits. Each
authority row appears twice, once per parent view (England and region), as
in the Fingertips downloads. Then times :func:`jsna.analysis.benchmark.benchmark` for
every area at once: comparisons with England and region at both levels,
neighbour summaries and ranks, quartiles among all authorities and the recent
trend of every series.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from jsna.analysis.benchmark import Comparators, benchmark

TARGET_SECONDS = 5.0
N_AUTHORITIES, N_REGIONS, N_INDICATORS, N_YEARS, N_NEIGHBOURS = 150, 9, 200, 15, 10


def synthetic(seed: int = 1) -> tuple[pd.DataFrame, Comparators]:
    """The synthetic frame and its comparators."""
    rng = np.random.default_rng(seed)
    england = ["E92000001"]
    regions = [f"E1200000{i + 1}" for i in range(N_REGIONS)]
    las = [f"E06{i:06d}" for i in range(N_AUTHORITIES)]
    codes = np.array(england + regions + las)
    kinds = np.array(
        ["England"]
        + ["Regions (statistical)"] * N_REGIONS
        + ["Counties & UAs (from Apr 2023)"] * N_AUTHORITIES
    )
    region_of = rng.integers(0, N_REGIONS, N_AUTHORITIES)
    parents = np.array([""] + ["E92000001"] * N_REGIONS + [regions[r] for r in region_of])
    n_areas = len(codes)
    ind, area, year = (
        x.ravel()
        for x in np.meshgrid(
            np.arange(N_INDICATORS), np.arange(n_areas), np.arange(N_YEARS), indexing="ij"
        )
    )
    denominator = np.where(
        area == 0, 5e6, np.where(area <= N_REGIONS, 6e5, rng.uniform(1e4, 8e4, len(area)))
    )
    p = 0.05 + 0.1 * rng.random(N_INDICATORS)[ind] * np.exp(0.01 * year) * rng.lognormal(
        0, 0.15, len(area)
    )
    count = rng.binomial(denominator.astype(np.int64), np.minimum(p, 0.9)).astype(float)
    proportion = ind % 2 == 0
    scale = np.where(proportion, 100.0, 1e5)
    value = count / denominator * scale
    se = np.sqrt(np.maximum(count, 1)) / denominator * scale
    frame = pd.DataFrame(
        {
            "indicator_id": ind + 1,
            "indicator_name": "Indicator " + pd.Series(ind + 1).astype(str),
            "area_code": codes[area],
            "area_name": codes[area],
            "area_type": kinds[area],
            "parent_code": pd.Series(parents[area]).replace("", np.nan).to_numpy(),
            "sex": "Persons",
            "age": "All ages",
            "category_type": np.nan,
            "category": np.nan,
            "period": (2009 + year).astype(str),
            "period_sortable": (2009 + year) * 10000,
            "value": value,
            "lower_ci95": value - 1.96 * se,
            "upper_ci95": value + 1.96 * se,
            "lower_ci99_8": value - 3.09 * se,
            "upper_ci99_8": value + 3.09 * se,
            "count": count,
            "denominator": denominator,
            "polarity": np.where(ind % 3 == 0, "high is good", "low is good"),
        }
    )
    # the England-parent view of each authority, as in a Fingertips download for England
    las_rows = frame[frame["area_type"].str.startswith("Counties")].assign(parent_code="E92000001")
    frame = pd.concat([frame, las_rows], ignore_index=True)
    neighbours = {
        la: list(rng.choice([x for x in las if x != la], N_NEIGHBOURS, replace=False)) for la in las
    }
    return frame, Comparators(neighbours=neighbours, neighbour_model="synthetic nearest neighbours")


def main() -> float:
    frame, comparators = synthetic()
    print(
        f"synthetic frame: {len(frame):,} rows ({N_AUTHORITIES} authorities x {N_YEARS} years x "
        f"{N_INDICATORS} indicators, with England, {N_REGIONS} regions and a second parent view)"
    )
    start = time.perf_counter()
    out = benchmark(frame, None, comparators)
    elapsed = time.perf_counter() - start
    latest = out["recent_trend"].notna().sum()
    print(
        f"benchmark: {len(out):,} rows, {latest:,} trends, in {elapsed:.2f} s "
        f"(target < {TARGET_SECONDS:g} s)"
    )
    return elapsed


if __name__ == "__main__":
    seconds = main()
    sys.exit(0 if seconds < TARGET_SECONDS else 1)
