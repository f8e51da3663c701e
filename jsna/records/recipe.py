"""The recipe: one declared aggregation of record-level files into a tidy count frame.

A recipe says which files to read, which of their columns hold the date, age, sex,
LSOA of residence and ICD-10 code, which records to keep (period, ages, residence),
which columns to derive (age band, cause group, ward and authority, year) and which to
group by; :func:`jsna.records.aggregate` runs it on an engine. It is usually written as
a TOML file (``docs/records.md`` documents every key) and read with :func:`load_recipe`.

Examples
--------
>>> recipe = Recipe.from_dict({
...     "source": {"files": ["deaths/*.parquet"]},
...     "columns": {"date": "REG_DATE", "age": "DEC_AGEC", "sex": "DEC_SEX",
...                 "lsoa": "LSOA_OF_RESIDENCE_CODE"},
...     "filters": {"period": ["2019-01-01", "2023-12-31"]},
...     "derive": {"age_band": "esp2013"},
...     "output": {"group_by": ["ward", "age_band", "sex"]},
... })
>>> recipe.group_by, recipe.disclosure
(('ward', 'age_band', 'sex'), 'project')
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jsna.exceptions import DataValidationError, SourceError

__all__ = [
    "STANDARD_COLUMNS",
    "AGE_BAND_SCHEMES",
    "GROUP_COLUMNS",
    "DISCLOSURE_RULES",
    "Recipe",
    "load_recipe",
    "age_band_table",
]

#: The record columns a recipe may name, and what each holds.
STANDARD_COLUMNS = {
    "date": "the event date the period filter and the year use (e.g. registration date)",
    "age": "age in whole years at the event",
    "sex": "sex: 1/2, M/F or Male/Female",
    "lsoa": "LSOA of residence code (2021 codes unless the pack maps 2011 codes)",
    "cause": "ICD-10 code (e.g. the underlying cause of death), with or without the dot",
    "practice": "GP practice (ODS) code of a registration, e.g. Y01234",
}

#: Named age band schemes: start ages of each band (the last band is open).
AGE_BAND_SCHEMES = {
    # European Standard Population 2013: 0-4, 5-9, ..., 85-89, 90+ (19 bands)
    "esp2013": tuple(range(0, 95, 5)),
    # the same with an 85+ top band (18 bands), for data without a 90+ split
    "esp2013_85": tuple(range(0, 90, 5)),
    # life table bands: 0, 1-4, 5-9, ..., 85-89, 90+ (20 bands; Chiang II life expectancy)
    "life_table": (0, 1, *range(5, 95, 5)),
    # life table bands with an 85+ top band (19 bands)
    "life_table_85": (0, 1, *range(5, 90, 5)),
}

#: Grouping columns a recipe may name; ``ward``, ``lad`` and ``lsoa`` become the
#: vintage-carrying names of the pack's lookup (``wd25_code``, ``lad25_code``, ``lsoa21_code``).
GROUP_COLUMNS = ("lsoa", "ward", "lad", "age_band", "sex", "cause_group", "year", "practice")

#: Disclosure control applied before counts leave the engine (see ``jsna.records.disclosure``).
DISCLOSURE_RULES = ("project", "ehrql", "none")

_SECTIONS = (
    "recipe",
    "source",
    "columns",
    "filters",
    "derive",
    "output",
    "disclosure",
    "validation",
)


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DataValidationError(
            f"recipe {name}={value!r} is not a date; write it as YYYY-MM-DD, e.g. '2019-01-01'"
        ) from None


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataValidationError(f"recipe {name}={value!r} is not a whole number of years")
    return value


def age_band_table(bands: str | tuple[int, ...] | list[int], max_age: int = 120) -> pd.DataFrame:
    """One row per single year of age 0..``max_age``: ``age``, ``age_band`` and ``band_order``.

    ``bands`` is a scheme of :data:`AGE_BAND_SCHEMES` or a list of start ages beginning at 0.
    Labels are ``"0-4"``, ``"1-4"`` or ``"0"`` for one year, and ``"90+"`` for the top band,
    as :func:`jsna.stats.dsr` and :func:`jsna.stats.life_expectancy` read them.

    Examples
    --------
    >>> table = age_band_table("esp2013")
    >>> table.groupby("age_band", sort=False).size().index.tolist()[-3:]
    ['80-84', '85-89', '90+']
    >>> age_band_table([0, 18, 65], max_age=70)["age_band"].unique().tolist()
    ['0-17', '18-64', '65+']
    """
    if isinstance(bands, str):
        if bands not in AGE_BAND_SCHEMES:
            raise DataValidationError(
                f"recipe derive.age_band={bands!r} is not a scheme ({', '.join(AGE_BAND_SCHEMES)});"
                " give one of them or a list of start ages such as [0, 18, 65]"
            )
        starts = list(AGE_BAND_SCHEMES[bands])
    else:
        starts = [_whole(a, "derive.age_band") for a in bands]
    if not starts or starts[0] != 0 or sorted(set(starts)) != starts or starts[-1] > max_age:
        raise DataValidationError(
            f"recipe derive.age_band={list(starts)} must be increasing start ages from 0 up to "
            f"validation.max_age={max_age}, e.g. [0, 18, 65]"
        )
    labels = []
    for i, start in enumerate(starts):
        if i == len(starts) - 1:
            labels.append(f"{start}+")
        elif starts[i + 1] - start == 1:
            labels.append(str(start))
        else:
            labels.append(f"{start}-{starts[i + 1] - 1}")
    ages = pd.RangeIndex(max_age + 1)
    order = pd.Series(range(len(starts)), index=starts).reindex(ages).ffill().astype(int)
    return pd.DataFrame(
        {
            "age": ages.to_numpy(),
            "age_band": [labels[i] for i in order],
            "band_order": order.to_numpy(),
        }
    )


@dataclass(frozen=True)
class Recipe:
    """One aggregation of record-level files, as declared (see ``docs/records.md``).

    Attributes
    ----------
    files : tuple of str
        Paths or globs of Parquet or CSV files (relative to ``base``).
    format : {"parquet", "csv"}
    columns : dict
        Standard column name (:data:`STANDARD_COLUMNS`) -> the file's column.
    period : tuple of two dates or None
        Keep records whose ``date`` lies in this inclusive range.
    ages : tuple of two ints or None
        Keep records whose age lies in this inclusive range (e.g. (0, 74) for premature).
    residence : tuple of str
        Keep records whose LSOA lies in these local authorities (through the lookup).
    age_band : str or tuple of int
        Age band scheme or start ages.
    cause_groups : str
        A scheme of :mod:`jsna.reference.icd10` or a path to a CSV of groups.
    group_by : tuple of str
        Output columns, from :data:`GROUP_COLUMNS`.
    complete : bool
        Add zero rows for every combination of the known levels (wards of the lookup,
        every age band, both sexes, every cause group, every year of the period).
    disclosure : {"project", "ehrql", "none"}
    disclosure_by : tuple of str or None
        Columns of the groups whose cells add up to a published total (for secondary
        suppression); default: every output column but the first.
    on_problem : {"error", "exclude"}
        What to do with invalid records: stop with a message naming them (default), or
        leave them out and say how many in the output's note.
    max_age : int
        Ages above this are invalid.
    name : str
    base : Path
        The folder relative paths are read from (the recipe file's folder).
    """

    files: tuple[str, ...]
    columns: Mapping[str, str]
    group_by: tuple[str, ...]
    format: str = "parquet"
    period: tuple[dt.date, dt.date] | None = None
    ages: tuple[int, int] | None = None
    residence: tuple[str, ...] = ()
    age_band: str | tuple[int, ...] = "esp2013"
    cause_groups: str = "broad"
    complete: bool = True
    disclosure: str = "project"
    disclosure_by: tuple[str, ...] | None = None
    on_problem: str = "error"
    max_age: int = 120
    name: str = "records"
    base: Path = field(default_factory=Path.cwd)

    def __post_init__(self) -> None:
        if not self.files:
            raise DataValidationError("recipe source.files is empty; name the record files")
        if self.format not in ("parquet", "csv"):
            raise DataValidationError(
                f"recipe source.format={self.format!r} is not 'parquet' or 'csv'"
            )
        unknown = [k for k in self.columns if k not in STANDARD_COLUMNS]
        if unknown:
            raise DataValidationError(
                f"recipe [columns] names {unknown} are not record columns jsna knows "
                f"({', '.join(STANDARD_COLUMNS)}); map those names to your file's columns"
            )
        bad = [g for g in self.group_by if g not in GROUP_COLUMNS]
        if bad or not self.group_by:
            raise DataValidationError(
                f"recipe output.group_by={list(self.group_by)} must name some of "
                f"{', '.join(GROUP_COLUMNS)}"
            )
        needs = {
            "lsoa": "lsoa",
            "ward": "lsoa",
            "lad": "lsoa",
            "age_band": "age",
            "sex": "sex",
            "cause_group": "cause",
            "year": "date",
            "practice": "practice",
        }
        for group in self.group_by:
            if needs[group] not in self.columns:
                raise DataValidationError(
                    f"recipe output.group_by has {group!r} but [columns] has no {needs[group]!r}; "
                    f'add {needs[group]} = "<your column>" to [columns]'
                )
        for name, column in (("period", "date"), ("ages", "age"), ("residence", "lsoa")):
            if getattr(self, name) and column not in self.columns:
                raise DataValidationError(
                    f"recipe filters.{name} needs a {column!r} column; add {column} = "
                    '"<your column>" to [columns]'
                )
        if self.period and self.period[0] > self.period[1]:
            raise DataValidationError(f"recipe filters.period {self.period} ends before it starts")
        if self.ages and not 0 <= self.ages[0] <= self.ages[1]:
            raise DataValidationError(f"recipe filters.ages {self.ages} is not a range of ages")
        if self.disclosure not in DISCLOSURE_RULES:
            raise DataValidationError(
                f"recipe disclosure.rule={self.disclosure!r} is not one of "
                f"{', '.join(DISCLOSURE_RULES)}"
            )
        if self.on_problem not in ("error", "exclude"):
            raise DataValidationError(
                f"recipe validation.on_problem={self.on_problem!r} is not 'error' or 'exclude'"
            )
        if self.disclosure_by is not None:
            extra = [c for c in self.disclosure_by if c not in self.group_by]
            if extra:
                raise DataValidationError(
                    f"recipe disclosure.by={list(self.disclosure_by)} names {extra}, which are "
                    f"not in output.group_by {list(self.group_by)}"
                )
        age_band_table(self.age_band, self.max_age)  # checks the bands

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base: str | Path | None = None) -> Recipe:
        """A recipe from the sections of a recipe file (see the module example)."""
        unknown = [k for k in data if k not in _SECTIONS]
        if unknown:
            raise DataValidationError(
                f"recipe sections {unknown} are not recipe sections ({', '.join(_SECTIONS)})"
            )
        source = dict(data.get("source", {}))
        filters = dict(data.get("filters", {}))
        derive = dict(data.get("derive", {}))
        output = dict(data.get("output", {}))
        disclosure = dict(data.get("disclosure", {}))
        validation = dict(data.get("validation", {}))
        files = source.get("files", [])
        files = (files,) if isinstance(files, str) else tuple(str(f) for f in files)
        fmt = source.get("format")
        if fmt is None:
            fmt = "csv" if files and all(f.lower().endswith(".csv") for f in files) else "parquet"
        period = filters.get("period")
        if period is not None:
            if not isinstance(period, list | tuple) or len(period) != 2:
                raise DataValidationError(
                    f"recipe filters.period={period!r} must be [first date, last date]"
                )
            period = (_date(period[0], "filters.period"), _date(period[1], "filters.period"))
        ages = filters.get("ages")
        if ages is not None:
            if not isinstance(ages, list | tuple) or len(ages) != 2:
                raise DataValidationError(
                    f"recipe filters.ages={ages!r} must be [youngest, oldest], e.g. [0, 74]"
                )
            ages = (_whole(ages[0], "filters.ages"), _whole(ages[1], "filters.ages"))
        residence = filters.get("residence", ())
        residence = (residence,) if isinstance(residence, str) else tuple(residence)
        age_band = derive.get("age_band", "esp2013")
        if not isinstance(age_band, str):
            age_band = tuple(age_band)
        by = disclosure.get("by")
        return cls(
            files=files,
            format=str(fmt).lower(),
            columns={str(k): str(v) for k, v in data.get("columns", {}).items()},
            period=period,
            ages=ages,
            residence=residence,
            age_band=age_band,
            cause_groups=str(derive.get("cause_groups", "broad")),
            group_by=tuple(output.get("group_by", ())),
            complete=bool(output.get("complete", True)),
            disclosure=str(disclosure.get("rule", "project")),
            disclosure_by=None if by is None else tuple(by),
            on_problem=str(validation.get("on_problem", "error")),
            max_age=_whole(validation.get("max_age", 120), "validation.max_age"),
            name=str(data.get("recipe", {}).get("name", "records")),
            base=Path(base) if base is not None else Path.cwd(),
        )

    def paths(self) -> list[Path]:
        """The files the recipe's globs match, sorted; an error naming a glob that matches none.

        Examples
        --------
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.csv").write_text("x\\n1\\n")
        >>> recipe = Recipe(files=("*.csv",), columns={"sex": "SEX"}, group_by=("sex",),
        ...                 base=folder, format="csv")
        >>> [p.name for p in recipe.paths()]
        ['a.csv']
        """
        found: list[Path] = []
        for pattern in self.files:
            path = Path(pattern)
            if not path.is_absolute():
                path = self.base / path
            matches = (
                sorted(path.parent.glob(path.name))
                if any(ch in path.name for ch in "*?[")
                else ([path] if path.is_file() else [])
            )
            if not matches:
                raise SourceError(
                    f"recipe source.files {pattern!r} matches no file (looked in {path.parent}); "
                    "check the path, which is relative to the recipe file"
                )
            found += matches
        return sorted(dict.fromkeys(found))


def load_recipe(path: str | Path) -> Recipe:
    """Read a recipe TOML file; relative paths in it are read from the file's folder.

    Examples
    --------
    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "r.toml"
    >>> _ = file.write_text('[source]\\nfiles = ["d.csv"]\\n[columns]\\nsex = "SEX"\\n'
    ...                     '[output]\\ngroup_by = ["sex"]\\n')
    >>> load_recipe(file).format
    'csv'
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"recipe file {path} does not exist; give the path of a recipe .toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"recipe file {path} is not valid TOML: {exc}") from None
    return Recipe.from_dict(data, base=path.parent)
