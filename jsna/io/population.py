"""Reader for ONS small area population estimates (role ``population.lsoa``).

Layouts read (all single year of age, 90+ as the last band):

* the SAPE "Mid-20xx Persons" sheet saved as CSV: ``LSOA Code, LSOA Name,
  LA Code (...), ..., All Ages, 0, 1, ..., 89, 90+`` (persons only; the LSOA
  vintage comes from the manifest's ``vintage``, e.g. "LSOA11");
* the mid-2022 LSOA 2021 table: ``LAD 2021 Code, LAD 2021 Name, LSOA 2021
  Code, LSOA 2021 Name, Total, F0, ..., F90, M0, ..., M90`` (by sex);
* the compact ``lsoa11_code, lsoa11_name, total_population, 0, ..., 90+``.

The result is long: one row per LSOA, sex and single year of age (90 means
90 and over), with the population as a float (ONS estimates are whole, but
bridged or apportioned populations need not be).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from jsna.columns import AGE, FEMALE, MALE, PERSONS, POPULATION, SEX
from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import normalise_header, numbers, read_entry
from jsna.io.validation import MAX_LSOA_PEOPLE
from jsna.meta import with_meta

__all__ = ["read_population", "MAX_AGE"]

MAX_AGE = 90  # the last single-year band is 90+


def _age_of(header: str) -> tuple[str, int] | None:
    text = normalise_header(header)
    match = re.fullmatch(r"([fm]?)(\d{1,2})(\+?)", text)
    if not match:
        return None
    sex_letter, age, plus = match.groups()
    age = int(age)
    if age > MAX_AGE or (plus and age != MAX_AGE):
        return None
    sex = {"f": FEMALE, "m": MALE, "": PERSONS}[sex_letter]
    return sex, age


def _lsoa_column(columns, entry: FileEntry) -> tuple[str, str]:
    for column in columns:
        text = normalise_header(column)
        match = re.fullmatch(r"lsoa ?(20)?(\d\d) ?code", text) or re.fullmatch(
            r"lsoa(\d\d)_code", text
        )
        if match:
            return column, f"lsoa{match.groups()[-1]}"
    for column in columns:
        if normalise_header(column) in ("lsoa code", "lsoa_code"):
            hint = str(entry.get("vintage", "")).lower().replace(" ", "")
            found = re.search(r"lsoa(11|21|2011|2021)", hint)
            if not found:
                raise SourceError(
                    f"{entry.describe()}: column {column!r} does not say its LSOA vintage; add "
                    'vintage = "LSOA11" or "LSOA21" to this file\'s entry in datapack.toml'
                )
            return column, f"lsoa{found.group(1)[-2:]}"
    raise SourceError(
        f"{entry.describe()}: no LSOA code column (like 'LSOA Code' or 'LSOA 2021 Code') among "
        f"{list(columns)[:8]}; is this an ONS small area population estimates file?"
    )


def read_population(entry: FileEntry) -> pd.DataFrame:
    """Read LSOA population estimates into a long frame.

    Returns
    -------
    pandas.DataFrame
        ``lsoa11_code`` or ``lsoa21_code``, ``sex`` (Persons, or Male and
        Female), ``age`` (0-90, 90 meaning 90+), ``population``.
        Its ``persons_only`` metadata (:func:`jsna.meta.meta`) says whether
        the file had no sex split.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "pop.csv"
    >>> ages = ",".join(str(a) for a in range(90))
    >>> row = "E01000001,91," + ",".join(["1"] * 91)
    >>> _ = p.write_text("LSOA Code,All Ages," + ages + ",90+\\n" + row + "\\n")
    >>> pop = read_population(FileEntry("population.lsoa", (p,), {"vintage": "LSOA11"}))
    >>> from jsna.meta import meta
    >>> pop.shape, pop["population"].sum(), meta(pop, "persons_only")
    ((91, 4), np.float64(91.0), True)
    """
    where = entry.describe()
    raw = read_entry(entry)
    code_col, vintage = _lsoa_column(raw.columns, entry)
    ages = {c: _age_of(c) for c in raw.columns}
    ages = {c: a for c, a in ages.items() if a is not None}
    # read_csv renames a repeated header "45" to "45.1": two columns for one age
    repeated = [c for c in raw.columns if c not in ages and _age_of(re.sub(r"\.\d+$", "", c))]
    if repeated:
        name = re.sub(r"\.\d+$", "", repeated[0])
        times = 1 + sum(re.sub(r"\.\d+$", "", c) == name for c in repeated)
        raise SourceError(
            f"{where}: age column {name!r} appears {times} times; "
            "keep one column per sex and single year of age (the file may have been edited)"
        )
    sexes = {sex for sex, _ in ages.values()}
    if not ages:
        raise SourceError(f"{where}: no single-year-of-age columns (0 ... 90+, or F0 ... M90)")
    if PERSONS in sexes and len(sexes) > 1:
        ages = {c: a for c, a in ages.items() if a[0] != PERSONS}
        sexes -= {PERSONS}
    for sex in sexes:
        have = sorted(age for s, age in ages.values() if s == sex)
        if have != list(range(MAX_AGE + 1)):
            missing = sorted(set(range(MAX_AGE + 1)) - set(have))
            raise SourceError(
                f"{where}: ages {first_values(missing)} are missing for {sex}; "
                "the file must have every single year 0-89 and 90+"
            )
    columns = sorted(
        ages, key=lambda c: ages[c]
    )  # by sex, then age: rows come out ordered without a sort
    fix = (
        "replace them with the estimates (ONS files have no suppressed cells) "
        "or download the file again"
    )
    matrix = np.column_stack([numbers(raw[c], c, where, fix=fix) for c in columns])
    huge = matrix > MAX_LSOA_PEOPLE
    if huge.any():
        col = int(np.argmax(huge.any(axis=0)))
        rows = huge[:, col]
        raise DataValidationError(
            f"{where}: column {columns[col]!r} has populations above {MAX_LSOA_PEOPLE:,} "
            f"{first_values(matrix[rows, col])} for LSOAs {first_values(raw.loc[rows, code_col])};"
            " no LSOA has that many residents of one age (LSOAs hold about 1,000-3,000 people) "
            "- fix the file or download it again"
        )
    problems = np.isnan(matrix) | (matrix < 0)
    if problems.any():
        col = int(np.argmax(problems.any(axis=0)))
        rows = problems[:, col]
        raise DataValidationError(
            f"{where}: column {columns[col]!r} has missing or negative populations "
            f"{first_values(matrix[rows, col])} for LSOAs {first_values(raw.loc[rows, code_col])}; "
            "fix the file or download it again"
        )
    total_col = next(
        (
            c
            for c in raw.columns
            if normalise_header(c) in ("all ages", "total", "total_population")
        ),
        None,
    )
    if total_col is not None:
        totals = pd.to_numeric(raw[total_col], errors="coerce").to_numpy(dtype=float)
        sums = matrix.sum(axis=1)
        wrong = ~np.isnan(totals) & (np.abs(totals - sums) > 0.5)
        if wrong.any():
            raise DataValidationError(
                f"{where}: column {total_col!r} ({first_values(totals[wrong])}) does not equal "
                "the sum of the "
                f"single-year ages ({first_values(sums[wrong])}) for LSOAs "
                f"{first_values(raw.loc[wrong, code_col])}; "
                "the file may be shifted or edited - download it again"
            )
    codes = raw[code_col].str.strip().to_numpy()
    dupes = pd.Series(codes).duplicated()
    if dupes.any():
        raise DataValidationError(
            f"{where}: LSOA codes repeated: {first_values(codes[dupes.to_numpy()])}; each LSOA once"
        )
    labels = [ages[c] for c in columns]
    out = pd.DataFrame(
        {
            f"{vintage}_code": np.repeat(codes, len(columns)),
            SEX: np.tile([s for s, _ in labels], len(codes)),
            AGE: np.tile(np.array([a for _, a in labels], dtype=int), len(codes)),
            POPULATION: matrix.reshape(-1),
        }
    )
    return with_meta(
        out,
        source=where,
        persons_only=sexes == {PERSONS},
        vintage=vintage.upper(),
        period=entry.get("vintage", ""),
    )


reader("population.lsoa")(read_population)
