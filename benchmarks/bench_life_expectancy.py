"""Life expectancy and the Arriaga decomposition for 7,000 synthetic wards (both sexes).

Target (issue 16): under 2 s on 2 cores for life expectancy and the decomposition of
every ward's gap against its authority... here against one comparator per sex, by age
and by five cause groups. Run: ``python benchmarks/bench_life_expectancy.py``.

Each step is timed by the wall clock and by the CPU time of this process
(``time.process_time``): on a shared machine the wall clock also counts the time other
processes hold the cores, while the CPU time is what the step costs (numpy and pandas run
these steps on one core).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from jsna.stats.decomposition import arriaga
from jsna.stats.life_expectancy import life_expectancy

N_WARDS = 7_000
AGES = [0, 1, *range(5, 95, 5)]
CAUSES = ["circulatory", "cancer", "respiratory", "external", "other"]


def synthetic(rng: np.random.Generator) -> pd.DataFrame:
    nb, nc = len(AGES), len(CAUSES)
    m = 0.00005 * np.exp(0.085 * np.array(AGES, dtype=float))
    wards = np.array([f"W{i:05d}" for i in range(N_WARDS)] + ["England"])
    ng = len(wards) * 2
    pop = np.where(np.arange(ng)[:, None] >= ng - 2, 2.5e7 / nb, rng.uniform(300, 900, (ng, nb)))
    pop *= 5  # five years of person-years
    deaths = rng.poisson(pop * m * rng.uniform(0.7, 1.4, (ng, 1))).astype(float)
    deaths[:, -1] = np.maximum(deaths[:, -1], 1)
    split = rng.dirichlet(np.ones(nc), (ng, nb)) * deaths[..., None]
    # codes as categoricals, as a records layer or a reader with dtypes would give them
    return pd.DataFrame(
        {
            "ward": pd.Categorical(np.repeat(np.repeat(wards, 2), nb * nc)),
            "sex": pd.Categorical(np.repeat(np.tile(["Male", "Female"], len(wards)), nb * nc)),
            "age": np.tile(np.repeat(AGES, nc), ng),
            "cause": pd.Categorical(np.tile(CAUSES, ng * nb)),
            "population": np.repeat(pop.ravel(), nc),
            "deaths": split.ravel(),
        }
    )


def main() -> None:
    df = synthetic(np.random.default_rng(1))
    all_cause = df.groupby(["ward", "sex", "age"], as_index=False, sort=False).agg(
        population=("population", "first"), deaths=("deaths", "sum")
    )
    # every ward against England: the comparator rows repeated in each ward's group
    england = df[df["ward"] == "England"]
    wards = df[df["ward"] != "England"]
    clock = Clock()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with clock("le"):
            le = life_expectancy(
                all_cause, "deaths", "population", by=["ward", "sex"], age_band="age"
            )
        paired = pd.concat(
            [
                wards.assign(side="ward"),
                england.drop(columns="ward")
                .merge(pd.DataFrame({"ward": wards["ward"].unique()}), how="cross")
                .assign(side="England"),
            ],
            ignore_index=True,
        ).astype({"ward": "category", "side": "category", "sex": "category"})
        by_age = paired.groupby(["ward", "sex", "side", "age"], as_index=False, observed=True)
        by_age = by_age.agg(population=("population", "first"), deaths=("deaths", "sum"))
        with clock("age"):
            arriaga(
                by_age, "deaths", "population", compare="side", base="ward", comparator="England",
                by=["ward", "sex"], age_band="age",
            )  # fmt: skip
        with clock("cause"):
            out = arriaga(
                paired, "deaths", "population", compare="side", base="ward", comparator="England",
                by=["ward", "sex"], age_band="age", cause="cause",
            )  # fmt: skip
    groups = out.groupby(["ward", "sex"], sort=False)
    worst = (groups["contribution"].sum() - groups["gap"].first()).abs().max()
    wall, cpu = clock.wall, clock.cpu
    print(f"life expectancy: {le['ward'].nunique():,} wards x 2 sexes in {clock.text('le')}")
    print(f"decomposition by age: {clock.text('age')}")
    print(
        f"decomposition by age and {len(CAUSES)} causes: {len(out):,} rows in "
        f"{clock.text('cause')} (largest |sum - gap| {worst:.1e} years)"
    )
    for what, step in (("by age", "age"), ("by age and cause", "cause")):
        total, total_cpu = wall["le"] + wall[step], cpu["le"] + cpu[step]
        verdict = "met" if total < 2 else "NOT met"
        print(
            f"life expectancy + decomposition {what}: {total:.2f} s wall, {total_cpu:.2f} s CPU "
            f"(target < 2 s): {verdict}"
        )


class Clock:
    """Wall-clock and CPU seconds of named steps."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def __call__(self, name: str):
        clock = self

        class _Step:
            def __enter__(self):
                self.start = (time.perf_counter(), time.process_time())

            def __exit__(self, *exc):
                clock.wall[name] = time.perf_counter() - self.start[0]
                clock.cpu[name] = time.process_time() - self.start[1]

        return _Step()

    def text(self, name: str) -> str:
        return f"{self.wall[name]:.2f} s wall ({self.cpu[name]:.2f} s CPU)"


if __name__ == "__main__":
    main()
