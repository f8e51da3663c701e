"""Record-level aggregation: DuckDB against pandas (and Spark) on synthetic deaths, in one run.

Writes synthetic PCMD-style deaths for the demo pack (``jsna.demo.records``, about
12,000 deaths per unit of ``--scale``; ``--rows 10_000_000`` picks the scale), then counts
them by LSOA x 5-year band x sex x cause group three ways, each in its own process so
that peak memory (``ru_maxrss``) is its own:

* **duckdb**: ``jsna.records.aggregate`` (the recipe's SQL on embedded DuckDB, streaming
  the Parquet files);
* **pandas**: read every record into one DataFrame (``pandas.read_parquet`` when pyarrow is
  installed, otherwise DuckDB's reader into pandas) and ``groupby`` the same derived columns;
* **spark** (``--spark``): the same recipe on Spark local mode (``local[2]``).

It checks that the three give identical counts and prints times, peak memory and the
ratios. Targets (issue 15): 10 million records in under 3 s and under 1 GB on DuckDB with 2
cores; pandas took about 9 s and 2.6 GB on a similar table.

Usage::

    python benchmarks/bench_records.py --rows 10_000_000 --threads 2 [--spark]
    python benchmarks/bench_records.py --rows 1_000_000 --rows 10_000_000 --rows 100_000_000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RECIPE = """
[recipe]
name = "bench: deaths by LSOA, age band, sex and cause"
[source]
files = ["deaths/*.parquet"]
[columns]
date = "REG_DATE"
age = "DEC_AGEC"
sex = "DEC_SEX"
lsoa = "LSOA_OF_RESIDENCE_CODE"
cause = "S_UNDERLYING_COD_ICD10"
[derive]
age_band = "esp2013"
cause_groups = "broad"
[output]
group_by = ["lsoa", "age_band", "sex", "cause_group"]
complete = false
[disclosure]
rule = "none"
"""


def _child(engine: str, folder: str, pack: str, threads: int) -> None:
    """Run one engine and print its result as JSON (runs in a fresh process)."""
    started = time.perf_counter()
    if engine == "pandas":
        import numpy as np
        import pandas as pd

        from jsna.records import age_band_table
        from jsna.reference.icd10 import cause_groups

        files = sorted(Path(folder, "deaths").glob("*.parquet"))
        try:
            import pyarrow  # noqa: F401

            frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
            reader = "pandas.read_parquet"
        except ImportError:
            import duckdb

            con = duckdb.connect()
            con.execute(f"SET threads = {threads}")
            frame = con.execute(
                "SELECT * FROM read_parquet([" + ", ".join(f"'{f}'" for f in files) + "])"
            ).df()
            reader = "duckdb reader into pandas (pyarrow not installed)"
        bands = age_band_table("esp2013")["age_band"].to_numpy()
        codes = cause_groups("broad").set_index("code")["cause_group"]
        icd = frame["S_UNDERLYING_COD_ICD10"].astype(str).str.upper().str.replace(".", "")
        group = icd.str[:4].map(codes).fillna(icd.str[:3].map(codes))
        counts = (
            pd.DataFrame(
                {
                    "lsoa21_code": frame["LSOA_OF_RESIDENCE_CODE"],
                    "age_band": bands[np.minimum(frame["DEC_AGEC"].to_numpy(), 120)],
                    "sex": np.where(frame["DEC_SEX"].to_numpy() == 1, "Male", "Female"),
                    "cause_group": group,
                }
            )
            .groupby(["lsoa21_code", "age_band", "sex", "cause_group"], observed=True)
            .size()
        )
        total, cells = int(counts.sum()), int(len(counts))
        checksum = int((counts.to_numpy() * np.arange(1, len(counts) + 1) % 9973).sum())
        del frame
    else:
        import numpy as np

        from jsna.records import DuckDBEngine, SparkEngine, aggregate

        runner = DuckDBEngine(threads=threads) if engine == "duckdb" else SparkEngine()
        out = aggregate(Path(folder, "recipe.toml"), engine=runner)
        runner.close()
        out = out.sort_values(["lsoa21_code", "age_band", "sex", "cause_group"])
        total, cells = int(out["count"].sum()), int(len(out))
        values = out["count"].to_numpy()
        checksum = int((values * np.arange(1, len(values) + 1) % 9973).sum())
        # Spark's work happens in its JVM, whose memory ru_maxrss of this process leaves out
        reader = "recipe" if engine == "duckdb" else "recipe; peak MB is the Python side only"
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB
    print(
        json.dumps(
            {
                "engine": engine,
                "seconds": seconds,
                "peak_mb": peak_mb,
                "total": total,
                "cells": cells,
                "checksum": checksum,
                "reader": reader,
            }
        )
    )


def _run(engine: str, folder: Path, pack: Path, threads: int) -> dict:
    command = [sys.executable, __file__, "--child", engine, str(folder), str(pack), str(threads)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{engine} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=lambda s: int(s.replace("_", "")), action="append")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--spark", action="store_true", help="also run Spark (1M and 10M only)")
    parser.add_argument("--skip-pandas-above", type=int, default=20_000_000)
    parser.add_argument("--folder", help="work folder (default: a temporary one)")
    args = parser.parse_args()

    from jsna.demo.pack import ensure_demo_pack
    from jsna.demo.records import write_demo_records

    work = Path(args.folder or tempfile.mkdtemp(prefix="jsna-bench-records-"))
    pack = ensure_demo_pack(work / "pack")
    print(f"{'rows':>12} {'engine':>7} {'seconds':>8} {'peak MB':>8} {'cells':>8}  ratio")
    for rows in args.rows or [10_000_000]:
        folder = work / f"records_{rows}"
        if not (folder / "truth.json").is_file():
            started = time.perf_counter()
            truth = write_demo_records(
                pack, folder, scale=rows / 12_100, rows_per_file=2_000_000, kinds=("deaths",)
            )
            took = time.perf_counter() - started
            print(f"# wrote {truth['deaths']['rows']:,} deaths in {took:.0f} s")
        (folder / "recipe.toml").write_text(RECIPE)
        results = [_run("duckdb", folder, pack, args.threads)]
        if rows <= args.skip_pandas_above:
            results.append(_run("pandas", folder, pack, args.threads))
        if args.spark and rows <= 10_000_000:
            results.append(_run("spark", folder, pack, args.threads))
        base = results[0]
        for result in results:
            same = (result["total"], result["cells"], result["checksum"]) == (
                base["total"],
                base["cells"],
                base["checksum"],
            )
            ratio = result["seconds"] / base["seconds"]
            print(
                f"{rows:>12,} {result['engine']:>7} {result['seconds']:>8.2f} "
                f"{result['peak_mb']:>8.0f} {result['cells']:>8,}  {ratio:5.1f}x duckdb"
                f"{'' if same else '  COUNTS DIFFER'}  ({result['reader']})"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        main()
