"""Census 2021 tables in the Nomis bulk layout (roles ``census.lsoa`` and ``census.msoa``).

Nomis publishes each Census 2021 topic summary table (TS011 household
deprivation, TS021 ethnic group, TS029 proficiency in English, TS038
disability, ...) as ``census2021-tsNNN-<level>.csv`` inside
``https://www.nomisweb.co.uk/output/census/2021/census2021-tsNNN.zip``. Each
file has ``date, geography, geography code`` and one column per category,
headed ``<Topic>: <Category>[: <Sub-category>][; measures: Value]``, the first
of which is the table's total (``<Topic>: Total: All usual residents``).

The reader returns one row per area and category with the count, the
table's **own** total for that area and the share ``count / total``. ONS
perturbs every table separately (cell-key perturbation), so the total of the
same LSOA differs between tables by a few people (TS021 and TS038 differ by
-8 to +11 in Cheshire and Merseyside): a share must use the total of its own
table, never another table's total or a population estimate. Sub-categories
(level 2) are kept with their parent category, so shares sum to about one
within a level, not across levels.

The table number comes from the entry's ``table`` setting (``"TS011"``) or
the file name (``census2021-ts011-lsoa.csv``); a data pack with several
tables lists one entry per table and is read with
``pack.read("census.lsoa", table="TS011")``.

Role ``census.health_age`` (:func:`read_census_health_age`) reads general health by
sex and age band, which the topic summary TS037 lacks, in the layout of an ONS
Census 2021 dataset download: ``<Area type> Code, <Area type>, General health
(6 categories) Code, General health (6 categories), [Sex (2 categories) ...,] Age
(... categories) Code, Age (... categories), [other variables ...,] Observation``.
This is the layout of ONS's multivariate table RM046 "General health by tenure by
age" (https://www.ons.gov.uk/datasets/RM046/editions/2021/versions/1, usual
residents in households, for local authorities) and of an ONS "Create a custom
dataset" download of General health x Sex x Age (the one to fetch for healthy life
expectancy by sex). Other variables (tenure) are summed over.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import find_column, non_negative_numbers, read_csv, sex_label
from jsna.meta import with_meta

__all__ = [
    "read_census",
    "read_census_health_age",
    "parse_header",
    "parse_age_band",
    "CENSUS_COLUMNS",
    "HEALTH_AGE_COLUMNS",
]

#: Columns of the frame :func:`read_census` returns, after the code and name columns.
CENSUS_COLUMNS = [
    "table",
    "topic",
    "category",
    "parent_category",
    "level",
    "universe",
    "count",
    "total",
    "share",
]

_LEVELS = {"census.lsoa": ("lsoa21", "E01", "LSOA"), "census.msoa": ("msoa21", "E02", "MSOA")}
_MEASURES = re.compile(r";\s*measures:\s*value\s*$", re.I)
_TABLE_IN_NAME = re.compile(r"(?:^|[^a-z])(ts\d{3}[a-z]?)(?:[^a-z0-9]|$)", re.I)


def parse_header(header: str) -> tuple[str, str, str | None, int, bool]:
    """Split a Nomis Census 2021 header into topic, category, parent, level and is-total.

    Examples
    --------
    >>> parse_header("Household deprivation: Total: All households; measures: Value")
    ('Household deprivation', 'All households', None, 0, True)
    >>> parse_header("Proficiency in English language: Main language is not English "
    ...              "(English or Welsh in Wales): Cannot speak English")
    ... # doctest: +NORMALIZE_WHITESPACE
    ('Proficiency in English language', 'Cannot speak English',
     'Main language is not English (English or Welsh in Wales)', 2, False)
    """
    text = _MEASURES.sub("", str(header).replace("\ufeff", "").strip())
    parts = [p.strip() for p in text.split(": ")]
    if len(parts) < 2:
        return text, "", None, -1, False
    topic = parts[0]
    if parts[1].lower() == "total":
        return topic, ": ".join(parts[2:]) or "Total", None, 0, True
    level = len(parts) - 1
    return topic, parts[-1], parts[-2] if level > 1 else None, level, False


def _table(path: Path, entry: FileEntry, where: str) -> str:
    setting = str(entry.get("table", "") or "").strip().upper()
    found = _TABLE_IN_NAME.search(path.name)
    named = found.group(1).upper() if found else ""
    if setting and named and setting != named:
        raise SourceError(
            f"{where}: datapack.toml says table {setting!r} but the file name says {named!r}; "
            "fix table in datapack.toml or point the entry at the right file"
        )
    return setting or named


def _read_one(path: Path, entry: FileEntry) -> tuple[pd.DataFrame, str]:
    geo, prefix, label = _LEVELS[entry.role]
    where = f"{path} (role {entry.role})"
    raw = read_csv(path, role=entry.role)
    code_col = find_column(
        raw.columns, r"geography code|mnemonic", where=where, what="geography code"
    )
    name_col = find_column(raw.columns, r"geography", where=where, what="geography name")
    date_col = find_column(raw.columns, r"date", where=where, what="date", required=False)
    codes = raw[code_col].str.strip()
    wrong = ~codes.str.startswith(prefix, na=False) & ~codes.str.startswith(
        "W" + prefix[1:], na=False
    )
    if wrong.any():
        raise SourceError(
            f"{where}: column {code_col!r} holds codes that are not {label} codes "
            f"{first_values(codes[wrong])}; role {entry.role} needs the {label.lower()} file "
            f"(census2021-tsNNN-{label.lower()}.csv) - use the other census role or file"
        )
    parsed = {c: parse_header(c) for c in raw.columns if c not in (code_col, name_col, date_col)}
    not_census = [c for c, p in parsed.items() if p[3] < 0]
    if not_census:
        raise SourceError(
            f"{where}: columns {first_values(not_census)} are not Nomis Census 2021 headers "
            "('<Topic>: <Category>'); download census2021-tsNNN.zip from Nomis again"
        )
    totals = [c for c, p in parsed.items() if p[4]]
    if len(totals) != 1:
        raise SourceError(
            f"{where}: {'no' if not totals else 'several'} total column(s) "
            f"{first_values(totals) if totals else ''} (a header like '<Topic>: Total: All "
            "usual residents'); each Nomis table has one - download the table again"
        )
    topics = sorted({p[0] for p in parsed.values()})
    if len(topics) > 1:
        raise SourceError(
            f"{where}: columns of several topics {first_values(topics)}; a Nomis table holds one "
            "topic - keep one table per file"
        )
    total_col = totals[0]
    total = non_negative_numbers(raw[total_col], total_col, where)
    categories = [c for c in parsed if c != total_col]
    if not categories:
        raise SourceError(f"{where}: only a total column; the table has no categories")
    counts = np.column_stack([non_negative_numbers(raw[c], c, where) for c in categories])
    n_areas, n_cats = counts.shape
    if codes.duplicated().any():
        raise DataValidationError(
            f"{where}: areas repeated {first_values(codes[codes.duplicated()])}; "
            "is the file listed twice in datapack.toml?"
        )
    table = _table(path, entry, where)
    topic = topics[0]
    totals_rep = np.repeat(total, n_cats)
    counts_flat = counts.reshape(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(totals_rep > 0, counts_flat / totals_rep, np.nan)
    zero = total == 0
    if zero.any():
        warnings.warn(
            f"{where}: {int(zero.sum())} area(s) with a total of 0 "
            f"{first_values(codes[zero])}; their shares are NaN",
            stacklevel=3,
        )
    frame = pd.DataFrame(
        {
            f"{geo}_code": np.repeat(codes.to_numpy(dtype=object), n_cats),
            f"{geo}_name": np.repeat(raw[name_col].str.strip().to_numpy(dtype=object), n_cats),
            "table": table or topic,
            "topic": topic,
            "category": np.tile(
                np.array([parsed[c][1] for c in categories], dtype=object), n_areas
            ),
            "parent_category": np.tile(
                np.array([parsed[c][2] for c in categories], dtype=object), n_areas
            ),
            "level": np.tile(np.array([parsed[c][3] for c in categories]), n_areas),
            "universe": parsed[total_col][1],
            "count": counts_flat,
            "total": totals_rep,
            "share": share,
        }
    )
    period = str(raw[date_col].dropna().iloc[0]).strip() if date_col else "2021"
    return frame, period


def read_census(entry: FileEntry) -> pd.DataFrame:
    """Read Census 2021 tables in the Nomis bulk CSV layout.

    Parameters
    ----------
    entry : FileEntry
        Role ``census.lsoa`` (LSOA 2021 codes, ``E01``) or ``census.msoa``
        (MSOA 2021, ``E02``); one or more ``census2021-tsNNN-<level>.csv``
        files. Setting ``table`` ("TS011") names the table when the file
        name does not.

    Returns
    -------
    pandas.DataFrame
        ``lsoa21_code, lsoa21_name`` (or ``msoa21_...``) then
        :data:`CENSUS_COLUMNS`: one row per area and category; ``total`` is
        the table's own total for the area (its ``universe``, e.g. "All
        households"), ``share = count / total`` (NaN where the total is 0).
        Metadata: ``source``, ``period`` ("2021"), ``vintage``
        ("LSOA2021"/"MSOA2021").

    Raises
    ------
    SourceError
        The file is not a Nomis table, has no or several totals, holds codes
        of another level, or its name and the ``table`` setting disagree.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "census2021-ts038-lsoa.csv"
    >>> _ = p.write_text("date,geography,geography code,Disability: Total: All usual residents,"
    ...                  "Disability: Disabled under the Equality Act\\n"
    ...                  "2021,Sefton 001A,E01006912,1500,300\\n")
    >>> frame = read_census(FileEntry("census.lsoa", (p,)))
    >>> frame[["lsoa21_code", "table", "category", "count", "total", "share"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'lsoa21_code': 'E01006912', 'table': 'TS038', 'category': 'Disabled under the Equality Act',
      'count': 300.0, 'total': 1500.0, 'share': 0.2}]
    """
    if entry.role not in _LEVELS:
        raise SourceError(f"read_census reads roles {', '.join(_LEVELS)}, not {entry.role!r}")
    if not entry.paths:
        raise SourceError(f"no files for role {entry.role}; check the path in datapack.toml")
    read = [_read_one(Path(p), entry) for p in entry.paths]
    frame = pd.concat([f for f, _ in read], ignore_index=True) if len(read) > 1 else read[0][0]
    geo = _LEVELS[entry.role][0]
    dupes = frame.duplicated([f"{geo}_code", "table", "category", "parent_category"])
    if dupes.any():
        raise DataValidationError(
            f"{entry.describe()}: tables repeated {first_values(frame.loc[dupes, 'table'])}; "
            "list each Census table once"
        )
    periods = sorted({p for _, p in read})
    return with_meta(
        frame,
        source=entry.describe(),
        role=entry.role,
        period=", ".join(periods),
        vintage=_LEVELS[entry.role][2] + "2021",
        note=(
            "Census 2021 counts are perturbed by ONS table by table; shares use each table's own "
            "total."
        ),
    )


for _role in _LEVELS:
    reader(_role)(read_census)

#: Columns of the frame :func:`read_census_health_age` returns.
HEALTH_AGE_COLUMNS = [
    "area_code",
    "area_name",
    "area_type",
    "sex",
    "age_start",
    "age_end",
    "age_label",
    "good",
    "total",
    "share",
]
_AGE_UNDER = re.compile(r"aged\s+(\d+)\s+years?\s+and\s+under", re.I)
_AGE_RANGE = re.compile(r"aged\s+(\d+)\s+to\s+(\d+)\s+years?", re.I)
_AGE_OVER = re.compile(r"aged\s+(\d+)\s+years?\s+and\s+over", re.I)
_AGE_ONE = re.compile(r"aged\s+(\d+)\s+years?$|aged\s+under\s+1\s+year", re.I)
_AREA_TYPES = {
    "lower layer super output areas": "lsoa",
    "middle layer super output areas": "msoa",
    "lower tier local authorities": "ltla",
    "upper tier local authorities": "utla",
    "electoral wards and divisions": "ward",
    "regions": "region",
    "countries": "country",
}


def parse_age_band(label: str) -> tuple[int, float]:
    """Start and end (inclusive; ``inf`` when open) of an ONS Census 2021 age label.

    Examples
    --------
    >>> parse_age_band("Aged 4 years and under"), parse_age_band("Aged 5 to 9 years")
    ((0, 4.0), (5, 9.0))
    >>> parse_age_band("Aged 85 years and over"), parse_age_band("Aged 16 years")
    ((85, inf), (16, 16.0))
    """
    text = re.sub(r"\s+", " ", str(label)).strip()
    if m := _AGE_UNDER.fullmatch(text):
        return 0, float(m.group(1))
    if m := _AGE_RANGE.fullmatch(text):
        return int(m.group(1)), float(m.group(2))
    if m := _AGE_OVER.fullmatch(text):
        return int(m.group(1)), float("inf")
    if m := _AGE_ONE.fullmatch(text):
        age = int(m.group(1)) if m.group(1) else 0
        return age, float(age)
    raise SourceError(
        f"age label {label!r} is not an ONS Census 2021 age band ('Aged 5 to 9 years', "
        "'Aged 4 years and under', 'Aged 85 years and over'); download the table again"
    )


def _good_health(labels: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(good or very good, counted): 'Does not apply' is not counted."""
    text = labels.astype(str).str.strip().str.lower()
    counted = ~text.str.startswith("does not apply")
    good = text.str.startswith("very good") | text.isin(["good", "good health"])
    return good.to_numpy(), counted.to_numpy()


def _read_health_age(path: Path, entry: FileEntry) -> pd.DataFrame:
    where = f"{path} (role {entry.role})"
    raw = read_csv(path, role=entry.role)
    columns = list(raw.columns)
    code_col = columns[0]
    if not code_col.lower().endswith(" code") or len(columns) < 4:
        raise SourceError(
            f"{where}: the first column {code_col!r} is not an area code column ('<Area type> "
            "Code'); this is not an ONS Census 2021 dataset download - download it again as CSV"
        )
    name_col = columns[1]
    area_type = _AREA_TYPES.get(name_col.strip().lower(), name_col.strip().lower())
    value_col = find_column(columns, r"observation|count", where=where, what="observation")
    health_col = find_column(
        columns, r"general health( \(\d+ categories\))?", where=where, what="general health"
    )
    age_col = find_column(
        columns, r"age( \([a-z]\))?( \(\d+ categories\))?", where=where, what="age band"
    )
    sex_col = find_column(
        columns, r"sex( \(\d+ categories\))?", where=where, what="sex", required=False
    )
    count = non_negative_numbers(raw[value_col], value_col, where)
    good, counted = _good_health(raw[health_col])
    if not good.any():
        raise SourceError(
            f"{where}: column {health_col!r} has no 'Very good health' or 'Good health' rows "
            f"({first_values(raw[health_col].unique())}); it needs the general health categories"
        )
    labels = raw[age_col].astype(str).str.strip()
    bands = {label: parse_age_band(label) for label in labels.unique()}
    sex = sex_label(raw[sex_col], where=where) if sex_col else np.full(len(raw), "Persons")
    work = pd.DataFrame(
        {
            "area_code": raw[code_col].str.strip(),
            "area_name": raw[name_col].str.strip(),
            "sex": sex,
            "age_label": labels,
            "good": np.where(good & counted, count, 0.0),
            "total": np.where(counted, count, 0.0),
        }
    )
    out = work.groupby(["area_code", "area_name", "sex", "age_label"], sort=False).sum()
    out = out.reset_index()
    out.insert(2, "area_type", area_type)
    out["age_start"] = out["age_label"].map({k: v[0] for k, v in bands.items()}).astype(int)
    out["age_end"] = out["age_label"].map({k: v[1] for k, v in bands.items()}).astype(float)
    out = out.sort_values(["area_code", "sex", "age_start"], kind="stable", ignore_index=True)
    first = out.groupby(["area_code", "sex"])["age_start"].transform("min")
    following = out.groupby(["area_code", "sex"])["age_start"].shift(-1)
    gaps = (first != 0) | (following.notna() & (following != out["age_end"] + 1))
    if gaps.any():
        raise SourceError(
            f"{where}: the age bands of {first_values(out.loc[gaps, 'area_code'])} do not run "
            "from 0 without gaps or overlaps; use one age classification per file"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(out["total"] > 0, out["good"] / out["total"], np.nan)
    return out[HEALTH_AGE_COLUMNS]


def read_census_health_age(entry: FileEntry) -> pd.DataFrame:
    """Read Census 2021 general health by (sex and) age band: the share in good health.

    Parameters
    ----------
    entry : FileEntry
        Role ``census.health_age``: one or more CSV downloads of ONS Census 2021
        datasets with general health and age (and sex), e.g. RM046 or a custom
        dataset General health (6 categories) x Sex (2 categories) x Age (18
        categories), for LSOAs, MSOAs or local authorities (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        :data:`HEALTH_AGE_COLUMNS`: one row per area, sex ("Persons" without a sex
        variable) and age band (``age_start``, ``age_end`` inclusive, ``inf`` when
        open); ``good`` is residents in very good or good health, ``total`` residents
        whose health was recorded ("Does not apply" left out), ``share = good /
        total`` (NaN where the total is 0). Other variables are summed over.

    Raises
    ------
    SourceError
        Not an ONS dataset download; no general health, age or observation column;
        an age label that is not an ONS age band; bands with gaps.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "rm.csv"
    >>> rows = ["Lower tier local authorities Code,Lower tier local authorities,"
    ...         "General health (6 categories) Code,General health (6 categories),"
    ...         "Age (B) (2 categories) Code,Age (B) (2 categories),Observation"]
    >>> for age, n in (("Aged 15 years and under", (0, 60, 30, 8, 2, 0)),
    ...                ("Aged 16 years and over", (0, 200, 300, 300, 150, 50))):
    ...     rows += [f"E08000014,Sefton,{i},{h},1,{age},{c}" for i, (h, c) in enumerate(zip(
    ...         ["Does not apply", "Very good health", "Good health", "Fair health",
    ...          "Bad health", "Very bad health"], n))]
    >>> _ = p.write_text("\\n".join(rows) + "\\n")
    >>> out = read_census_health_age(FileEntry("census.health_age", (p,)))
    >>> out[["sex", "age_start", "age_end", "good", "total", "share"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'sex': 'Persons', 'age_start': 0, 'age_end': 15.0, 'good': 90.0, 'total': 100.0,
      'share': 0.9},
     {'sex': 'Persons', 'age_start': 16, 'age_end': inf, 'good': 500.0, 'total': 1000.0,
      'share': 0.5}]
    """
    if not entry.paths:
        raise SourceError(f"no files for role {entry.role}; check the path in datapack.toml")
    frames = [_read_health_age(Path(p), entry) for p in entry.paths]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    dupes = frame.duplicated(["area_code", "sex", "age_start"])
    if dupes.any():
        raise DataValidationError(
            f"{entry.describe()}: areas repeated {first_values(frame.loc[dupes, 'area_code'])}; "
            "list each file once"
        )
    return with_meta(
        frame,
        source=entry.describe(),
        role=entry.role,
        period="2021",
        vintage=", ".join(sorted(frame["area_type"].unique())),
        note=(
            "Census 2021 general health by age: good health is 'very good' or 'good'; "
            "counts are perturbed by ONS."
        ),
    )


reader("census.health_age")(read_census_health_age)
