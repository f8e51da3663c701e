"""Engines that run a recipe's SQL: embedded DuckDB (the default) and Spark.

Both register the record files as a table ``records`` (renaming the recipe's columns to
the standard raw names), register small reference tables (lookups, age bands, code lists)
from pandas frames, and run the SQL text of :mod:`jsna.records.sql` unchanged, returning
a small pandas frame of counts. The records themselves never pass through pandas:
DuckDB streams the Parquet or CSV files (spilling to disk when a group-by outgrows
memory); Spark reads them in partitions.

Examples
--------
>>> engine = DuckDBEngine()
>>> engine.register_table("t", pd.DataFrame({"x": [1, 2, 2]}))
>>> engine.query("SELECT x, count(*) AS n FROM t GROUP BY x ORDER BY x").to_dict("list")
{'x': [1, 2], 'n': [1, 2]}
>>> engine.close()
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna.exceptions import JSNAError, SourceError, first_values

__all__ = [
    "ENGINES",
    "DuckDBEngine",
    "SparkEngine",
    "make_engine",
    "spark_available",
    "start_spark",
]


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _check_columns(available: Sequence[str], columns: Mapping[str, str], paths) -> None:
    missing = [c for c in columns.values() if c not in available]
    if missing:
        raise SourceError(
            f"record files {first_values([p.name for p in paths], 3)} have no column(s) "
            f"{first_values(missing)}; their columns are {first_values(list(available), 12)} - "
            "fix the names in the recipe's [columns]"
        )


def _unmask(values: np.ndarray) -> np.ndarray:
    """NULLs of a DuckDB column as None (text) or NaN (numbers), never a fill value."""
    if not np.ma.isMaskedArray(values):
        return values
    if not values.mask.any():
        return values.data
    if values.dtype.kind in "iufb":
        return values.astype(float).filled(np.nan)
    return values.astype(object).filled(None)


class DuckDBEngine:
    """Embedded DuckDB: no server, out-of-core over the files.

    Parameters
    ----------
    memory_limit : str, optional
        DuckDB's memory limit (e.g. ``"1GB"``); beyond it large group-bys spill to disk.
    threads : int, optional
        Worker threads (default: DuckDB's, one per core).
    """

    name = "duckdb"

    def __init__(self, *, memory_limit: str | None = None, threads: int | None = None) -> None:
        import duckdb

        self._duckdb = duckdb
        self.connection = duckdb.connect()
        # order of rows within a group-by result is not needed; this lowers memory
        self.connection.execute("SET preserve_insertion_order = false")
        if memory_limit:
            self.connection.execute(f"SET memory_limit = {_literal(memory_limit)}")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")

    def register_records(self, paths: Sequence[Path], fmt: str, columns: Mapping[str, str]) -> None:
        """Register ``paths`` as table ``records`` with ``columns`` (raw name -> file column)."""
        files = "[" + ", ".join(_literal(str(p)) for p in paths) + "]"
        if fmt == "csv":
            scan = f"read_csv({files}, header = true, all_varchar = true, union_by_name = true)"
        else:
            scan = f"read_parquet({files}, union_by_name = true)"
        try:
            available = [
                row[0]
                for row in self.connection.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
            ]
        except self._duckdb.Error as exc:
            raise SourceError(
                f"record files {first_values([p.name for p in paths], 3)} could not be read as "
                f"{fmt}: {str(exc).splitlines()[0]}"
            ) from None
        _check_columns(available, columns, paths)
        select = ", ".join(f"{_identifier(src)} AS {raw}" for raw, src in columns.items())
        self.connection.execute(f"CREATE OR REPLACE VIEW records AS SELECT {select} FROM {scan}")

    def register_table(self, name: str, frame: pd.DataFrame) -> None:
        """Register a small pandas frame as table ``name``."""
        self.connection.register(f"{name}_frame", frame)
        self.connection.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_frame")
        self.connection.unregister(f"{name}_frame")

    def query(self, sql: str) -> pd.DataFrame:
        """Run ``sql``; the (small) result as a pandas frame."""
        try:
            result = self.connection.execute(sql)
            rows = result.fetchall()
        except self._duckdb.Error as exc:
            raise JSNAError(
                f"DuckDB could not run the recipe: {str(exc).splitlines()[0]}"
            ) from None
        return pd.DataFrame(rows, columns=[d[0] for d in result.description])

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def spark_available() -> bool:
    """True when pyspark is installed and a ``java`` runtime is on the PATH.

    Examples
    --------
    >>> isinstance(spark_available(), bool)
    True
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


class SparkEngine:
    """Spark SQL (local mode unless given a session): the same SQL as DuckDB.

    Parameters
    ----------
    session : pyspark.sql.SparkSession, optional
        A running session (a cluster's, or one shared by tests); by default a local
        session with ``master`` is started and stopped by :meth:`close`.
    master : str
        The Spark master when starting a session, ``local[2]`` by default.
    """

    name = "spark"

    def __init__(self, *, session: Any = None, master: str = "local[2]") -> None:
        if not spark_available():
            raise JSNAError(
                "the Spark engine needs pyspark and Java: pip install pyspark and install a Java "
                "17+ runtime (e.g. apt-get install default-jre-headless), or use --engine duckdb"
            )
        from pyspark.sql import types

        self._types = types
        self._owned = session is None
        self.session = session if session is not None else start_spark(master)

    def register_records(self, paths: Sequence[Path], fmt: str, columns: Mapping[str, str]) -> None:
        """Register ``paths`` as view ``records`` with ``columns`` (raw name -> file column)."""
        from pyspark.sql import functions

        files = [str(p) for p in paths]
        reader = self.session.read
        try:
            if fmt == "csv":
                frame = reader.option("header", True).csv(files)
            else:
                frame = reader.option("mergeSchema", True).parquet(*files)
        except Exception as exc:  # Spark raises its own analysis errors
            raise SourceError(
                f"record files {first_values([p.name for p in paths], 3)} could not be read as "
                f"{fmt}: {str(exc).splitlines()[0]}"
            ) from None
        _check_columns(frame.columns, columns, paths)
        selected = frame.select(
            [
                functions.col("`" + src.replace("`", "``") + "`").alias(raw)
                for raw, src in columns.items()
            ]
        )
        selected.createOrReplaceTempView("records")

    def register_table(self, name: str, frame: pd.DataFrame) -> None:
        """Register a small pandas frame as view ``name`` (without pandas-on-Spark or Arrow)."""
        t = self._types
        fields, columns = [], []
        for column in frame.columns:
            values = frame[column]
            if pd.api.types.is_integer_dtype(values.dtype):
                fields.append(t.StructField(str(column), t.LongType(), True))
                columns.append([int(v) for v in values])
            elif pd.api.types.is_float_dtype(values.dtype):
                fields.append(t.StructField(str(column), t.DoubleType(), True))
                columns.append([None if np.isnan(v) else float(v) for v in values])
            else:
                fields.append(t.StructField(str(column), t.StringType(), True))
                columns.append([None if pd.isna(v) else str(v) for v in values])
        rows = list(zip(*columns, strict=True)) if columns else []
        self.session.createDataFrame(rows, t.StructType(fields)).createOrReplaceTempView(name)

    def query(self, sql: str) -> pd.DataFrame:
        """Run ``sql``; the (small) result collected into a pandas frame."""
        try:
            frame = self.session.sql(sql)
            rows = frame.collect()
        except Exception as exc:
            raise JSNAError(f"Spark could not run the recipe: {str(exc).splitlines()[0]}") from None
        return pd.DataFrame([tuple(r) for r in rows], columns=frame.columns)

    def close(self) -> None:
        """Stop the session if this engine started it."""
        if self._owned:
            self.session.stop()


def start_spark(master: str = "local[2]"):
    """A quiet local Spark session for jsna (no UI, few shuffle partitions, no Arrow)."""
    from pyspark.sql import SparkSession

    with warnings.catch_warnings():
        # pyspark warns about pandas versions it has not been tested with; jsna never
        # passes frames through pandas-on-Spark (see SparkEngine.register_table/query)
        warnings.simplefilter("ignore")
        session = (
            SparkSession.builder.master(master)
            .appName("jsna-records")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.execution.arrow.pyspark.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    return session


#: Engine name -> class.
ENGINES = {"duckdb": DuckDBEngine, "spark": SparkEngine}


def make_engine(engine: str | Any = "duckdb", **options: Any):
    """An engine from its name (``"duckdb"`` or ``"spark"``), or ``engine`` itself if built.

    Examples
    --------
    >>> make_engine("duckdb").name
    'duckdb'
    """
    if isinstance(engine, str):
        if engine not in ENGINES:
            raise JSNAError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
        return ENGINES[engine](**options)
    return engine
