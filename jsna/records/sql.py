"""The one SQL query a recipe becomes, in the subset DuckDB and Spark SQL share.

The engines register the same tables under the same names, then run this text
unchanged:

* ``records``: the record files, with the recipe's columns renamed to the standard
  names ``date_raw``, ``age_raw``, ``sex_raw``, ``lsoa_raw``, ``cause_raw`` (the engine does
  the renaming, so that no dialect's identifier quoting appears here);
* ``geo``: ``lsoa, ward, lad`` from the pack's LSOA to ward and authority lookup;
* ``lsoa11``: ``code`` of 2011 LSOAs that no longer exist in 2021 (to name mixed vintages);
* ``bands``: ``age, age_band`` for every single year of age;
* ``codes``: ``code, cause_group`` (three- and four-character ICD-10 codes);
* ``residence``: ``lad`` codes the residence filter keeps.

Only functions both engines define alike are used: ``TRY_CAST`` (invalid text becomes
NULL), ``CAST``, ``floor``, ``upper``, ``trim``, ``replace``, ``substr``, ``length``,
``coalesce``, ``EXTRACT(YEAR FROM ...)``, ``CASE``, ``count(*)`` and ``DATE 'YYYY-MM-DD'``
literals. No value from a recipe or a file is pasted into the text except dates and whole
numbers the recipe has already checked.

One scan of the records gives everything: the query groups by the output columns plus a
``problem`` column (why a record is invalid, or NULL) and an ``excluded`` column (which
filter left it out, or NULL); the caller keeps the rows where both are NULL as counts and
reports the others.

Examples
--------
>>> from jsna.records.recipe import Recipe
>>> recipe = Recipe(files=("d.parquet",), columns={"sex": "SEX"}, group_by=("sex",))
>>> print(aggregate_sql(recipe, has_lookup=False, has_lsoa11=False))  # doctest: +ELLIPSIS
WITH base AS (
  SELECT
    CASE WHEN upper(trim(CAST(sex_raw AS STRING))) IN ('1', 'M', 'MALE') THEN 'Male' ...
"""

from __future__ import annotations

from jsna.records.recipe import Recipe

__all__ = ["PROBLEMS", "EXCLUSIONS", "SOURCE_NAMES", "aggregate_sql", "examples_sql"]

#: Raw column each standard column is registered as in the ``records`` table.
SOURCE_NAMES = {
    "date": "date_raw",
    "age": "age_raw",
    "sex": "sex_raw",
    "lsoa": "lsoa_raw",
    "cause": "cause_raw",
    "practice": "practice_raw",
}

#: Problem code -> (what is wrong, the raw column whose values are named in messages).
PROBLEMS = {
    "date": ("have no valid date", "date_raw"),
    "age": ("have a missing age or one out of range", "age_raw"),
    "sex": ("have a sex that is not male or female (1/2, M/F, Male/Female)", "sex_raw"),
    "lsoa_vintage": ("have 2011 LSOA codes that do not exist in 2021 (mixed vintages)", "lsoa_raw"),
    "lsoa": ("have LSOA codes that are not in the pack's lookup", "lsoa_raw"),
    "cause": ("have ICD-10 codes that match no cause group", "cause_raw"),
    "practice": ("have no practice code", "practice_raw"),
}

#: Exclusion code -> what the filter left out.
EXCLUSIONS = {
    "period": "dated outside the period",
    "ages": "aged outside the age filter",
    "residence": "resident outside the residence filter",
}

_OUTPUT = {
    "lsoa": "c.lsoa",
    "ward": "c.ward",
    "lad": "c.lad",
    "age_band": "c.age_band",
    "sex": "c.sex",
    "cause_group": "c.cause_group",
    "year": "c.year",
    "practice": "c.practice",
}


def _base(recipe: Recipe) -> list[str]:
    cols = recipe.columns
    out = []
    if "date" in cols:
        out.append("TRY_CAST(date_raw AS DATE) AS event_date")
    if "age" in cols:
        out.append("TRY_CAST(age_raw AS DOUBLE) AS age_value")
    if "sex" in cols:
        text = "upper(trim(CAST(sex_raw AS STRING)))"
        out.append(
            f"CASE WHEN {text} IN ('1', 'M', 'MALE') THEN 'Male' "
            f"WHEN {text} IN ('2', 'F', 'FEMALE') THEN 'Female' END AS sex"
        )
    if "lsoa" in cols:
        out.append("upper(trim(CAST(lsoa_raw AS STRING))) AS lsoa_code")
    if "cause" in cols:
        out.append("replace(upper(trim(CAST(cause_raw AS STRING))), '.', '') AS icd10")
    if "practice" in cols:
        out.append("upper(trim(CAST(practice_raw AS STRING))) AS practice")
    return out + [f"{raw}" for std, raw in SOURCE_NAMES.items() if std in cols]


def _classified(recipe: Recipe, has_lookup: bool, has_lsoa11: bool) -> tuple[list, list, list]:
    """SELECT items, JOINs and problem/exclusion CASE arms of the classified records."""
    cols = recipe.columns
    select, joins, problems, excluded = ["b.*"], [], [], []
    if "date" in cols:
        select.append("EXTRACT(YEAR FROM b.event_date) AS year")
        problems.append("WHEN b.event_date IS NULL THEN 'date'")
    if "age" in cols:
        select.append("bands.age_band AS age_band")
        joins.append("LEFT JOIN bands ON bands.age = CAST(floor(b.age_value) AS INT)")
        problems.append(
            f"WHEN b.age_value IS NULL OR b.age_value < 0 OR b.age_value > {recipe.max_age} "
            "THEN 'age'"
        )
    if "sex" in cols:
        problems.append("WHEN b.sex IS NULL THEN 'sex'")
    if "lsoa" in cols:
        if has_lookup:
            select += ["geo.lsoa AS lsoa", "geo.ward AS ward", "geo.lad AS lad"]
            joins.append("LEFT JOIN geo ON geo.lsoa = b.lsoa_code")
            if has_lsoa11:
                joins.append("LEFT JOIN lsoa11 ON lsoa11.code = b.lsoa_code")
                problems.append(
                    "WHEN geo.lsoa IS NULL AND lsoa11.code IS NOT NULL THEN 'lsoa_vintage'"
                )
            problems.append("WHEN geo.lsoa IS NULL THEN 'lsoa'")
        else:
            # no lookup: only the shape of the code can be checked
            select.append("b.lsoa_code AS lsoa")
            problems.append(
                "WHEN b.lsoa_code IS NULL OR length(b.lsoa_code) <> 9 "
                "OR substr(b.lsoa_code, 1, 3) NOT IN ('E01', 'W01') THEN 'lsoa'"
            )
    if "cause" in cols and "cause_group" in recipe.group_by:
        select.append("coalesce(c4.cause_group, c3.cause_group) AS cause_group")
        joins.append("LEFT JOIN codes c4 ON c4.code = substr(b.icd10, 1, 4)")
        joins.append("LEFT JOIN codes c3 ON c3.code = substr(b.icd10, 1, 3)")
        problems.append("WHEN c4.cause_group IS NULL AND c3.cause_group IS NULL THEN 'cause'")
    if "practice" in cols:
        problems.append("WHEN b.practice IS NULL OR b.practice = '' THEN 'practice'")
    if recipe.period:
        first, last = (d.isoformat() for d in recipe.period)
        excluded.append(
            f"WHEN b.event_date < DATE '{first}' OR b.event_date > DATE '{last}' THEN 'period'"
        )
    if recipe.ages:
        low, high = (int(a) for a in recipe.ages)
        excluded.append(f"WHEN b.age_value < {low} OR b.age_value >= {high + 1} THEN 'ages'")
    if recipe.residence:
        joins.append("LEFT JOIN residence ON residence.lad = geo.lad")
        excluded.append("WHEN geo.lad IS NOT NULL AND residence.lad IS NULL THEN 'residence'")
    return select, joins, problems, excluded


def aggregate_sql(recipe: Recipe, *, has_lookup: bool, has_lsoa11: bool) -> str:
    """The query: counts by the output columns, ``problem`` and ``excluded``.

    Examples
    --------
    >>> from jsna.records.recipe import Recipe
    >>> recipe = Recipe(files=("d.parquet",), columns={"age": "AGE"}, group_by=("age_band",))
    >>> "GROUP BY c.age_band, problem, excluded" in aggregate_sql(
    ...     recipe, has_lookup=False, has_lsoa11=False)
    True
    """
    select, joins, problems, excluded = _classified(recipe, has_lookup, has_lsoa11)
    problem = "CASE " + " ".join(problems) + " END" if problems else "CAST(NULL AS STRING)"
    exclusion = "CASE " + " ".join(excluded) + " END" if excluded else "CAST(NULL AS STRING)"
    keys = [_OUTPUT[g] for g in recipe.group_by]
    tables = ("bands", "geo", "lsoa11", "residence", "codes")
    small = [t for t in tables if any(f"JOIN {t} " in j for j in joins)]
    # a hint to Spark to broadcast the small tables (a comment to DuckDB)
    hint = f"/*+ BROADCAST({', '.join(small)}) */ " if small else ""
    lines = [
        "WITH base AS (",
        "  SELECT",
        "    " + ",\n    ".join(_base(recipe)),
        "  FROM records",
        "), classified AS (",
        f"  SELECT {hint}",
        "    " + ",\n    ".join(select) + ",",
        f"    {problem} AS problem,",
        f"    {exclusion} AS excluded",
        "  FROM base b",
        *[f"  {j}" for j in joins],
        ")",
        "SELECT " + ", ".join(f"{k} AS {g}" for k, g in zip(keys, recipe.group_by, strict=True)),
        "  , c.problem AS problem, c.excluded AS excluded, count(*) AS n",
        "FROM classified c",
        "GROUP BY " + ", ".join([*keys, "problem", "excluded"]),
    ]
    return "\n".join(lines)


def examples_sql(recipe: Recipe, problem: str, *, has_lookup: bool, has_lsoa11: bool) -> str:
    """The five commonest raw values of the records with ``problem``, with their counts.

    Examples
    --------
    >>> from jsna.records.recipe import Recipe
    >>> recipe = Recipe(files=("d.parquet",), columns={"sex": "SEX"}, group_by=("sex",))
    >>> examples_sql(recipe, "sex", has_lookup=False, has_lsoa11=False).splitlines()[-1]
    'ORDER BY n DESC, value LIMIT 5'
    """
    raw = PROBLEMS[problem][1]
    full = aggregate_sql(recipe, has_lookup=has_lookup, has_lsoa11=has_lsoa11)
    head = full[: full.rindex("\nSELECT ")]
    return "\n".join(
        [
            head,
            f"SELECT CAST(c.{raw} AS STRING) AS value, count(*) AS n",
            "FROM classified c",
            f"WHERE c.problem = '{problem}' AND c.excluded IS NULL",
            f"GROUP BY CAST(c.{raw} AS STRING)",
            "ORDER BY n DESC, value LIMIT 5",
        ]
    )
