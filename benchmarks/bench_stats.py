"""Benchmark jsna.stats against PHStatsMethods on the same synthetic data, in one process.

Run with ``python benchmarks/bench_stats.py``. Prints wall time, peak traced memory
(tracemalloc, which numpy reports to) and the speed ratio for each case. PHStatsMethods
(GPL-3) is imported only here, inside the functions that call it; the jsna package never
imports it. Cases without a PHStatsMethods counterpart are jsna-only.

Other benchmark files add their own cases by building :class:`Case` objects and calling
:func:`main` with them (see ``CASES``).
"""

from __future__ import annotations

import contextlib
import gc
import io
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.stats import ESP2013, dsr, isr, proportion, recent_trend

CONFIDENCE = (0.95, 0.998)
MEMORY_LIMIT = 1024**3  # 1 GB for every jsna case


@dataclass
class Case:
    """One benchmark: data made once, then jsna (and optionally PHStatsMethods) run on it."""

    name: str
    make_data: Callable[[], object]
    run_jsna: Callable[[object], object]
    run_reference: Callable[[object], object] | None = None
    target_ratio: float | None = None  # jsna at least this many times faster
    target_seconds: float | None = None  # jsna wall time under this


def measure(function: Callable[[object], object], data: object) -> tuple[float, int]:
    """Wall time of one run (untraced) and peak traced memory of a second run."""
    gc.collect()
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # PHStatsMethods prints as it joins the ESP
        function(data)
    elapsed = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    with contextlib.redirect_stdout(io.StringIO()):
        function(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak


# ---- synthetic data -------------------------------------------------------------------------

RNG_SEED = 20240601
BANDS = list(ESP2013)


def proportion_data(rows: int = 500_000) -> pd.DataFrame:
    rng = np.random.default_rng(RNG_SEED)
    denominator = rng.integers(100, 10_000, rows)
    return pd.DataFrame(
        {
            "area": np.arange(rows).astype(str),
            "numerator": rng.binomial(denominator, 0.3),
            "denominator": denominator,
        }
    )


def banded_data(areas: int = 35_000) -> pd.DataFrame:
    rng = np.random.default_rng(RNG_SEED + 1)
    pop = rng.integers(200, 3_000, areas * len(BANDS))
    rate = np.tile(np.linspace(0.001, 0.12, len(BANDS)), areas)
    ref_pop = np.tile(rng.integers(40_000, 70_000, len(BANDS)), areas)
    return pd.DataFrame(
        {
            "area": np.repeat([f"E{i:08d}" for i in range(areas)], len(BANDS)),
            "ageband": np.tile(BANDS, areas),
            "count": rng.poisson(rate * pop),
            "pop": pop,
            "esp": np.tile(list(ESP2013.values()), areas),
            "refcount": np.round(ref_pop * rate * 1.05),
            "refpop": ref_pop,
        }
    )


def trend_data(wards: int = 7_000, indicators: int = 20, periods: int = 10) -> pd.DataFrame:
    rng = np.random.default_rng(RNG_SEED + 2)
    size = wards * indicators * periods
    value = rng.uniform(5, 50, size) * (1 + 0.02 * np.tile(np.arange(periods), wards * indicators))
    half = rng.uniform(0.5, 5, size)
    return pd.DataFrame(
        {
            "indicator_id": np.repeat(np.arange(indicators), wards * periods),
            "area_code": np.tile(
                np.repeat([f"E05{i:06d}" for i in range(wards)], periods), indicators
            ),
            "period": np.tile(
                [f"{2014 + p}/{(15 + p) % 100:02d}" for p in range(periods)], wards * indicators
            ),
            "value": value,
            "lower_ci95": value - half,
            "upper_ci95": value + half,
        }
    )


# ---- the two implementations ------------------------------------------------------------------


def phs_proportion(df):
    from PHStatsMethods import ph_proportion

    return ph_proportion(
        df, "numerator", "denominator", confidence=list(CONFIDENCE), multiplier=100
    )


def phs_dsr(df):
    from PHStatsMethods import ph_dsr

    return ph_dsr(
        df[["area", "ageband", "count", "pop", "esp"]],
        "count",
        "pop",
        "esp",
        group_cols="area",
        confidence=list(CONFIDENCE),
        euro_standard_pops=False,
    )


def phs_isr(df):
    from PHStatsMethods import ph_ISRatio

    return ph_ISRatio(
        df[["area", "ageband", "count", "pop", "refcount", "refpop"]],
        "count",
        "pop",
        "refcount",
        "refpop",
        group_cols="area",
        confidence=list(CONFIDENCE),
    )


def quiet(function):
    """Run a jsna verb with its degenerate-group warnings silenced (small synthetic areas)."""

    def run(data):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return function(data)

    return run


CASES: list[Case] = [
    Case(
        "proportion, 500,000 rows",
        proportion_data,
        quiet(lambda df: proportion(df, "numerator", "denominator", confidence=CONFIDENCE)),
        phs_proportion,
        target_ratio=500,
    ),
    Case(
        "DSR, 35,000 areas x 19 bands (ESP2013 joined by label)",
        banded_data,
        quiet(
            lambda df: dsr(df, "count", "pop", by="area", age_band="ageband", confidence=CONFIDENCE)
        ),
        phs_dsr,
        target_ratio=100,
    ),
    Case(
        "ISR, 35,000 areas x 19 bands",
        banded_data,
        quiet(
            lambda df: isr(
                df, "count", "pop", "refcount", "refpop", by="area", confidence=CONFIDENCE
            )
        ),
        phs_isr,
        target_ratio=100,
    ),
    Case(
        "recent trend, 7,000 wards x 20 indicators x 10 periods",
        trend_data,
        quiet(
            lambda df: recent_trend(
                df, by=["indicator_id", "area_code"], period="period", polarity="low is good"
            )
        ),
        target_seconds=2,
    ),
]


def main(cases: list[Case] | None = None, *, reference: bool = True) -> int:
    """Run the cases, print a table, and return 1 if any target is missed."""
    failed = False
    cache: dict[Callable, object] = {}
    print(
        f"{'case':58} {'jsna s':>8} {'jsna MB':>8} {'PHS s':>9} {'PHS MB':>8} {'ratio':>8}  target"
    )
    for case in cases or CASES:
        data = cache.setdefault(case.make_data, case.make_data())
        seconds, peak = measure(case.run_jsna, data)
        line = f"{case.name:58} {seconds:8.3f} {peak / 1e6:8.1f}"
        ok = peak < MEMORY_LIMIT
        if case.run_reference is not None and reference:
            ref_seconds, ref_peak = measure(case.run_reference, data)
            ratio = ref_seconds / seconds
            line += f" {ref_seconds:9.2f} {ref_peak / 1e6:8.1f} {ratio:7.0f}x"
            if case.target_ratio is not None:
                ok &= ratio >= case.target_ratio
                line += f"  >= {case.target_ratio}x"
        else:
            line += f" {'-':>9} {'-':>8} {'-':>8}"
            if case.target_seconds is not None:
                ok &= seconds < case.target_seconds
                line += f"  < {case.target_seconds} s"
        line += "  ok" if ok else "  MISSED"
        failed |= not ok
        print(line, flush=True)
    return int(failed)


if __name__ == "__main__":
    sys.exit(main(reference="--no-reference" not in sys.argv))
