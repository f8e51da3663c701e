"""Benchmark: SII simulation and life expectancy at scale (jsna only).

Run with ``python benchmarks/bench_stats_inequality.py``. Prints wall time and
peak traced memory (numpy and Python allocations, via tracemalloc) for:

- SII with 100,000 repetitions for 300 areas x 10 deciles (target < 5 s),
  for each kind of value (the rate and proportion paths back-transform every
  simulated value, so they are the slowest);
- life expectancy for 7,000 wards x 20 age bands (target < 2 s).

Targets for every case: peak memory < 1 GB. The data are synthetic.
"""

from __future__ import annotations

import resource
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

from jsna.stats.inequality import sii
from jsna.stats.life_expectancy import life_expectancy

POPS = [
    7060,
    35059,
    46974,
    48489,
    43219,
    38561,
    46009,
    57208,
    61435,
    55601,
    50209,
    56416,
    46411,
    39820,
    37978,
    37039,
    33288,
    23306,
    11936,
    11936,
]
DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937]
LABELS = ["0", "1-4", *[f"{a}-{a + 4}" for a in range(5, 90, 5)], "90+"]


def sii_data(areas: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = areas * 10
    df = pd.DataFrame(
        {
            "area": np.repeat([f"E0600{i:04d}" for i in range(areas)], 10),
            "decile": np.tile(np.arange(1, 11), areas),
            "population": rng.integers(5_000, 30_000, n).astype(float),
        }
    )
    rate = np.tile(np.linspace(8.0, 4.0, 10), areas) * rng.uniform(0.8, 1.2, n)
    df["value"] = rate
    df["lower_ci95"] = rate * 0.9
    df["upper_ci95"] = rate * 1.1
    return df


def le_data(wards: int = 7_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pops = rng.poisson(np.asarray(POPS) / 8, (wards, 20))
    deaths = rng.binomial(pops, np.asarray(DEATHS) / np.asarray(POPS))
    return pd.DataFrame(
        {
            "ward": np.repeat([f"E05{i:06d}" for i in range(wards)], 20),
            "age_band": np.tile(LABELS, wards),
            "deaths": deaths.ravel(),
            "population": pops.ravel(),
        }
    )


def measure(name: str, target_s: float, func) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # small synthetic wards: wide CIs
        start = time.perf_counter()
        func()
        elapsed = time.perf_counter() - start
        tracemalloc.start()
        func()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    verdict = "ok" if elapsed < target_s and peak < 1e9 else "MISSED"
    print(
        f"{name:<58} {elapsed:7.2f} s (target < {target_s:g} s)  "
        f"peak {peak / 1e6:7.0f} MB  {verdict}"
    )


def main() -> None:
    df = sii_data()
    prop = df.assign(**{c: df[c] / 100 for c in ["value", "lower_ci95", "upper_ci95"]})
    print("jsna.stats inequality and life expectancy benchmark (synthetic data)")
    for label, data, kwargs in [
        ("other (e.g. life expectancy)", df, dict(value_type="other")),
        ("rate", df, dict(value_type="rate")),
        ("rate, log transform", df, dict(value_type="rate", transform=True)),
        ("proportion", prop, dict(value_type="proportion")),
    ]:
        measure(
            f"SII 100,000 reps, 300 areas x 10 deciles, {label}",
            5.0,
            lambda data=data, kwargs=kwargs: sii(
                data, "value", "population", "decile", by="area", repetitions=100_000, **kwargs
            ),
        )
    wards = le_data()
    measure(
        "life expectancy, 7,000 wards x 20 bands",
        2.0,
        lambda: life_expectancy(wards, "deaths", "population", by="ward", age_band="age_band"),
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process maximum resident set size: {rss:.0f} MB (includes pandas/numpy imports)")


if __name__ == "__main__":
    main()
