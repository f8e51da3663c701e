"""Run a recipe: records in, the tidy count frame out, checked and disclosure-controlled.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "d.csv").write_text("AGE,SEX\\n3,1\\n70,2\\n71,2\\n")
>>> recipe = Recipe(files=("d.csv",), format="csv", columns={"age": "AGE", "sex": "SEX"},
...                 group_by=("age_band", "sex"), age_band=(0, 65), base=folder,
...                 disclosure="none")
>>> aggregate(recipe)
  age_band     sex  count
0     0-64  Female      0
1     0-64    Male      1
2      65+  Female      2
3      65+    Male      0
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna.columns import COUNT, LSOA21_CODE, code_column
from jsna.exceptions import DataValidationError, GeographyError, first_values
from jsna.meta import join_notes, with_meta
from jsna.records.disclosure import apply_disclosure
from jsna.records.engines import make_engine
from jsna.records.recipe import Recipe, age_band_table, load_recipe
from jsna.records.sql import EXCLUSIONS, PROBLEMS, SOURCE_NAMES, aggregate_sql, examples_sql
from jsna.reference.icd10 import SCHEMES, cause_groups, code_list_frame

__all__ = ["SEXES", "aggregate"]

#: The sexes of the output, in order.
SEXES = ("Female", "Male")


def _codes(recipe: Recipe) -> pd.DataFrame:
    if recipe.cause_groups in SCHEMES:
        return cause_groups(recipe.cause_groups)
    path = Path(recipe.cause_groups)
    if not path.is_absolute():
        path = recipe.base / path
    if not path.is_file():
        raise DataValidationError(
            f"recipe derive.cause_groups={recipe.cause_groups!r} is neither a scheme "
            f"({', '.join(SCHEMES)}) nor a CSV file (looked for {path})"
        )
    return code_list_frame(pd.read_csv(path, dtype=str), source=str(path.name))


class _Geography:
    """The pack's LSOA -> ward -> authority lookup, in the names the output uses."""

    def __init__(self, pack) -> None:
        lookup = pack.read("lookup.lsoa_ward_lad")
        self.ward = code_column(lookup, "wd")
        self.lad = code_column(lookup, "lad")
        self.table = pd.DataFrame(
            {
                "lsoa": lookup[LSOA21_CODE].astype(str).str.upper(),
                "ward": lookup[self.ward].astype(str),
                "lad": lookup[self.lad].astype(str),
            }
        ).drop_duplicates("lsoa")
        self.lsoa11 = pd.DataFrame({"code": pd.Series([], dtype=str)})
        if pack.has("lookup.lsoa11_lsoa21"):
            old = pack.read("lookup.lsoa11_lsoa21")["lsoa11_code"].astype(str).str.upper()
            self.lsoa11 = pd.DataFrame({"code": sorted(set(old) - set(self.table["lsoa"]))})
        self.source = pack.entry("lookup.lsoa_ward_lad").describe()


def _levels(recipe: Recipe, geo: _Geography | None, codes, counts: pd.DataFrame) -> dict:
    table = geo.table if geo is not None else None
    if table is not None and recipe.residence:
        table = table[table["lad"].isin(recipe.residence)]
    bands = age_band_table(recipe.age_band, recipe.max_age)
    if recipe.ages:
        bands = bands[bands["age"].between(*recipe.ages)]
    levels: dict[str, list] = {
        "age_band": list(dict.fromkeys(bands["age_band"])),
        "sex": list(SEXES),
    }
    if codes is not None:
        levels["cause_group"] = list(dict.fromkeys(codes["cause_group"]))
    if table is not None:
        for name in ("lsoa", "ward", "lad"):
            levels[name] = sorted(table[name].unique())
    if recipe.period:
        levels["year"] = list(range(recipe.period[0].year, recipe.period[1].year + 1))
    for name in recipe.group_by:
        seen = sorted(counts[name].dropna().unique()) if name in counts else []
        known = levels.get(name, [])
        levels[name] = known + [v for v in seen if v not in set(known)]
    return {name: levels[name] for name in recipe.group_by}


def _problem_message(recipe: Recipe, problems: pd.DataFrame, examples: dict, total: int) -> str:
    parts = []
    for problem, n in problems.items():
        shown = ", ".join(f"{v!r} x{c:,}" for v, c in examples.get(problem, []))
        column = recipe.columns.get(
            next(k for k, v in SOURCE_NAMES.items() if v == PROBLEMS[problem][1])
        )
        parts.append(f"{n:,} records {PROBLEMS[problem][0]} (column {column!r}: {shown})")
    return f"{len(problems)} kind(s) of invalid record among {total:,}: " + "; ".join(parts)


def aggregate(
    recipe: Recipe | str | Path,
    *,
    pack: Any = None,
    engine: Any = "duckdb",
    disclosure: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Run ``recipe`` on ``engine``: the tidy count frame of its ``group_by`` columns and ``count``.

    Parameters
    ----------
    recipe : Recipe or path of a recipe TOML file
    pack : DataPack or path, optional
        Needed for wards, authorities, the residence filter and the LSOA checks
        (role ``lookup.lsoa_ward_lad``; ``lookup.lsoa11_lsoa21`` names 2011 codes).
    engine : {"duckdb", "spark"} or an engine object
        Where the records are read and counted; DuckDB by default.
    disclosure : {"project", "ehrql", "none"}, optional
        Overrides the recipe's ``[disclosure] rule``.
    progress : callable, optional
        Called with a line of text at each step (the command line prints them).

    Returns
    -------
    DataFrame
        One row per combination of the output columns (``lsoa21_code``, the lookup's ward
        and authority code columns such as ``wd25_code``, ``age_band``, ``sex``,
        ``cause_group``, ``year``) and ``count``; metadata ``disclosure``, ``note`` (records
        left out by the filters, invalid records excluded), ``source``, ``period``,
        ``lookup_vintage``.

    Raises
    ------
    DataValidationError
        Invalid records (unknown or 2011 LSOA codes, bad ages, dates or sexes, ICD-10
        codes in no group), named with their counts and commonest values, unless the
        recipe says ``on_problem = "exclude"``.
    GeographyError
        Residence codes that are not in the lookup.

    Examples
    --------
    See the module example, and ``docs/records.md``.
    """
    started = time.perf_counter()
    say = progress or (lambda text: None)
    if not isinstance(recipe, Recipe):
        recipe = load_recipe(recipe)
    rule = disclosure or recipe.disclosure
    if pack is not None and not hasattr(pack, "read"):
        from jsna.io.datapack import DataPack

        pack = DataPack.open(pack)
    needs_geo = bool({"ward", "lad"} & set(recipe.group_by)) or bool(recipe.residence)
    if needs_geo and pack is None:
        raise DataValidationError(
            f"recipe {recipe.name!r} groups by ward or authority or filters by residence, which "
            "needs the pack's LSOA lookup; give pack= (on the command line, --pack PATH)"
        )
    geo = _Geography(pack) if pack is not None and "lsoa" in recipe.columns else None
    if geo is not None and recipe.residence:
        unknown = [c for c in recipe.residence if c not in set(geo.table["lad"])]
        if unknown:
            raise GeographyError(
                f"recipe filters.residence codes {first_values(unknown)} are not authorities of "
                f"the lookup {geo.source}; it has {first_values(sorted(set(geo.table['lad'])))}"
            )
    paths = recipe.paths()
    size = sum(p.stat().st_size for p in paths) / 1e6
    engine_name = getattr(engine, "name", engine)
    say(f"{recipe.name}: {len(paths)} file(s), {size:,.1f} MB, engine {engine_name}")
    runner = make_engine(engine)
    try:
        columns = {SOURCE_NAMES[k]: v for k, v in recipe.columns.items()}
        runner.register_records(paths, recipe.format, columns)
        if "age" in recipe.columns:
            bands = age_band_table(recipe.age_band, recipe.max_age)[["age", "age_band"]]
            runner.register_table("bands", bands)
        codes = None
        if "cause_group" in recipe.group_by:
            codes = _codes(recipe)
            runner.register_table("codes", codes)
        if geo is not None:
            runner.register_table("geo", geo.table)
            runner.register_table("lsoa11", geo.lsoa11)
            if recipe.residence:
                runner.register_table("residence", pd.DataFrame({"lad": list(recipe.residence)}))
        flags = {"has_lookup": geo is not None, "has_lsoa11": geo is not None}
        say("counting and checking the records (one pass)")
        raw = runner.query(aggregate_sql(recipe, **flags))
        raw["n"] = raw["n"].astype("int64")
        total = int(raw["n"].sum())
        excluded = raw.loc[raw["excluded"].notna()].groupby("excluded")["n"].sum()
        invalid = raw["excluded"].isna() & raw["problem"].notna()
        problems = raw.loc[invalid].groupby("problem")["n"].sum()
        problems = problems.reindex([p for p in PROBLEMS if p in problems.index])
        examples = {}
        for problem in problems.index:
            found = runner.query(examples_sql(recipe, problem, **flags))
            examples[problem] = list(zip(found["value"], found["n"].astype(int), strict=True))
    finally:
        if isinstance(engine, str):  # an engine object given by the caller stays open
            runner.close()
    say(f"{total:,} records read in {time.perf_counter() - started:.1f} s")

    notes = []
    if len(problems):
        message = _problem_message(recipe, problems, examples, total)
        if recipe.on_problem == "error":
            raise DataValidationError(
                f"{message}; correct them, add the codes to the lookup or the cause groups, or "
                'set [validation] on_problem = "exclude" to leave them out (they are then counted '
                "in the output's note)"
            )
        notes.append(f"Left out as invalid: {message}.")
    if len(excluded):
        what = {
            "period": f"dated outside {recipe.period[0]} to {recipe.period[1]}"
            if recipe.period
            else "",
            "ages": f"aged outside {recipe.ages[0]}-{recipe.ages[1]}" if recipe.ages else "",
            "residence": f"resident outside {', '.join(recipe.residence)}",
        }
        parts = [f"{int(n):,} {what.get(k, EXCLUSIONS[k])}" for k, n in excluded.items()]
        notes.append(f"Of {total:,} records, the filters left out: {'; '.join(parts)}.")

    keep = raw["excluded"].isna() & raw["problem"].isna()
    group_by = list(recipe.group_by)
    counts = raw.loc[keep].groupby(group_by, dropna=False)["n"].sum().rename(COUNT).reset_index()
    if "year" in counts:
        counts["year"] = counts["year"].astype("int64")
    levels = _levels(recipe, geo, codes, counts)
    if recipe.complete:
        index = pd.MultiIndex.from_product(list(levels.values()), names=group_by)
        counts = counts.set_index(group_by)[COUNT].reindex(index, fill_value=0).reset_index()
    else:
        order = [pd.Categorical(counts[c], categories=levels[c]).codes for c in group_by]
        counts = counts.iloc[np.lexsort(order[::-1])]
        counts = counts.reset_index(drop=True)
    counts[COUNT] = counts[COUNT].astype("int64")
    rename = {"lsoa": LSOA21_CODE, "practice": "practice_code"}
    if geo is not None:
        rename.update({"ward": geo.ward, "lad": geo.lad})
    counts = counts.rename(columns=rename)
    out_names = [rename.get(c, c) for c in group_by]
    by = recipe.disclosure_by
    by = [rename.get(c, c) for c in by] if by is not None else out_names[1:]
    with_meta(
        counts,
        source=f"{recipe.name}: {', '.join(p.name for p in paths[:3])}"
        + (f" (+{len(paths) - 3} more)" if len(paths) > 3 else ""),
        note=join_notes(*notes),
    )
    if recipe.period:
        with_meta(counts, period=f"{recipe.period[0]} to {recipe.period[1]}")
    if geo is not None:
        with_meta(counts, lookup_vintage=f"{geo.ward[:4].upper()} ({geo.source})")
    out = apply_disclosure(counts, rule, by=by)
    say(f"{len(out):,} rows; disclosure rule {rule!r}; {time.perf_counter() - started:.1f} s")
    return out
