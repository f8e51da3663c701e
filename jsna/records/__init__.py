"""Record-level aggregation: one recipe, run on embedded DuckDB (default) or on Spark.

Modules: ``recipe`` (the declared aggregation and its TOML file), ``sql`` (the one SQL
text both engines run), ``engines`` (DuckDB and Spark), ``disclosure`` (suppression at the
engine's edge), ``aggregate`` (runs a recipe into the tidy count frame). See
``docs/records.md``.

Examples
--------
>>> from jsna.records import Recipe, aggregate
>>> Recipe.__name__, aggregate.__name__
('Recipe', 'aggregate')
"""

from jsna.records.aggregate import aggregate
from jsna.records.disclosure import apply_disclosure
from jsna.records.engines import DuckDBEngine, SparkEngine, spark_available
from jsna.records.recipe import AGE_BAND_SCHEMES, Recipe, age_band_table, load_recipe

__all__ = [
    "AGE_BAND_SCHEMES",
    "DuckDBEngine",
    "Recipe",
    "SparkEngine",
    "age_band_table",
    "aggregate",
    "apply_disclosure",
    "load_recipe",
    "spark_available",
]
