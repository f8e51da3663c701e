"""Fixtures of the record-level tests: demo records, a small hand-made extract, a Spark session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.records.engines import spark_available


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as Parquet through DuckDB (pyarrow is not a dependency)."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.register("frame", frame)
        con.execute(f"COPY frame TO '{path}' (FORMAT parquet)")
    return path


@pytest.fixture(scope="session")
def parquet_writer():
    """The function that writes a frame as Parquet."""
    return write_parquet


@pytest.fixture(scope="session")
def demo_records(demo_pack: Path, tmp_path_factory) -> Path:
    """Demo deaths, admissions and GP registrations for the demo pack, in a temporary folder."""
    from jsna.demo.records import write_demo_records

    folder = tmp_path_factory.mktemp("records")
    write_demo_records(demo_pack, folder)
    return folder


@pytest.fixture(scope="session")
def small_deaths() -> pd.DataFrame:
    """200 deaths in the PCMD-style layout over demo LSOAs, every value valid."""
    rng = np.random.default_rng(3)
    n = 200
    lsoas = [f"E01999{i:03d}" for i in range(1, 21)]
    return pd.DataFrame(
        {
            "REG_DATE": pd.Timestamp("2021-01-01")
            + pd.to_timedelta(rng.integers(0, 365 * 2, n), unit="D"),
            "DEC_AGEC": rng.integers(0, 100, n),
            "DEC_SEX": rng.choice([1, 2], n),
            "LSOA_OF_RESIDENCE_CODE": rng.choice(lsoas, n),
            "S_UNDERLYING_COD_ICD10": rng.choice(["I219", "C349", "J44.9", "X59", "F03"], n),
        }
    )


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for a test module (start-up takes about ten seconds)."""
    if not spark_available():
        pytest.skip("pyspark or Java is not installed")
    from jsna.records.engines import start_spark

    session = start_spark()
    yield session
    session.stop()
