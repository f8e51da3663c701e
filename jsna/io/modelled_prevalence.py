"""Reader for modelled disease prevalence (role ``prevalence.model``).

Layouts:

    * Age/sex-specific rates, tidy: ``condition, sex, age_band`` and one of
      ``rate_percent``, ``rate_fraction``, or ``rate`` with a ``unit`` column or
      a ``unit = "percent" | "fraction"`` attribute. A bare ``rate`` with no
      unit is refused: 0.5 could be 0.5% or 50%.
    * The Health Survey for England table ``Sex, Group, 16-34, 35-44, ...,
      75+`` (percentages, by the publisher's convention; "-" marks a cell
      with no or suppressed observations). The entry's ``condition``
      attribute says which condition it models. For hypertension (``HYP``)
      "has hypertension" means the three hypertensive groups summed:
      *Hypertensive controlled* + *Hypertensive uncontrolled* + *Hypertensive
      untreated* (everyone with high blood pressure or on treatment for it,
      diagnosed or not), with "-" counted as 0. *Normotensive untreated* is
      left out. Where the table also has an "All with hypertension" row the
      sum is checked against it (within the rounding of the summands, 2
      percentage points). Other conditions name their groups with a
      ``groups`` attribute. The "Adults" rows are not used: they are the
      survey's own all-adult estimate; for a persons-only population use
      :func:`jsna.analysis.prevalence.sex_averaged`.
    * Expected prevalence per area or practice: a code column
      (``practice_code``/``PRACTICE_CODE``, ``area_code``, ``lad_code``,
      ``lsoa21_code``), ``condition`` and ``expected_percent``,
      ``expected_fraction`` or ``expected_prevalence`` with a unit.

    Rates come out as fractions (``rate``, 0-1) whatever the file's unit;
    ``attrs["kind"]`` is ``"rates"`` or ``"expected"``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from jsna.columns import PERSONS, SEX
from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import find_column, non_negative_numbers, normalise_header, read_entry, sex_label
from jsna.meta import with_meta

__all__ = ["HYPERTENSIVE_GROUPS", "HSE_SUM_TOLERANCE", "read_model"]

#: The HSE groups that count as "has hypertension" (summed).
HYPERTENSIVE_GROUPS = (
    "Hypertensive controlled",
    "Hypertensive uncontrolled",
    "Hypertensive untreated",
)
#: Tolerance (percentage points) of the check of the summed groups against "All with hypertension".
HSE_SUM_TOLERANCE = 2.0


def _unit_scale(unit: object, where: str, column: str) -> float:
    text = str(unit).strip().lower()
    if text in ("percent", "percentage", "%", "per 100", "pct"):
        return 100.0
    if text in ("fraction", "proportion", "proportion of 1", "ratio", "per 1"):
        return 1.0
    raise SourceError(
        f"{where}: unit {unit!r} of column {column!r} is not 'percent' or 'fraction'; "
        'say which with unit = "percent" or "fraction" in datapack.toml (or a unit column)'
    )


def _as_fraction(
    raw: pd.DataFrame, stem: str, entry: FileEntry, where: str
) -> tuple[np.ndarray, str]:
    """The ``stem`` value column as fractions.

    From ``stem_percent``, ``stem_fraction`` or ``stem`` with a unit.
    """
    headers = {normalise_header(c): c for c in raw.columns}
    if f"{stem}_percent" in headers:
        column, scale = headers[f"{stem}_percent"], np.full(len(raw), 100.0)
    elif f"{stem}_fraction" in headers:
        column, scale = headers[f"{stem}_fraction"], np.full(len(raw), 1.0)
    else:
        bare = (
            headers.get(stem)
            or headers.get(f"{stem}_prevalence")
            or headers.get("expected_prevalence")
        )
        if bare is None:
            raise SourceError(
                f"{where}: no {stem}_percent, {stem}_fraction or {stem} column; the columns are "
                f"{list(raw.columns)[:8]}"
            )
        column = bare
        if "unit" in headers:
            units = raw[headers["unit"]].fillna("")
            scale = np.array([_unit_scale(u, where, column) for u in units.unique()])
            scale = units.map(dict(zip(units.unique(), scale, strict=True))).to_numpy(dtype=float)
        elif entry.get("unit") is not None:
            scale = np.full(len(raw), _unit_scale(entry.get("unit"), where, column))
        else:
            raise SourceError(
                f"{where}: column {column!r} does not say whether it is a percentage or a "
                "fraction; "
                f"rename it {stem}_percent or {stem}_fraction, add a unit column, or add "
                'unit = "percent" (or "fraction") to the entry in datapack.toml'
            )
    values = non_negative_numbers(raw[column], column, where)
    fraction = values / scale
    too_big = fraction > 1
    if too_big.any():
        hint = '; they look like percentages: give unit = "percent"' if (scale == 1).all() else ""
        raise DataValidationError(
            f"{where}: column {column!r} has rates above 100% "
            f"{first_values(values[too_big].tolist())}{hint}"
        )
    return fraction, column


def _band_columns(columns) -> list[str]:
    return [
        c
        for c in columns
        if re.fullmatch(r"\d+\s*(-|–|to)\s*\d+|\d+\s*\+|\d+\s*(and over|plus)", normalise_header(c))
    ]


def _read_hse(entry: FileEntry, raw: pd.DataFrame) -> pd.DataFrame:
    where = entry.describe()
    condition = entry.get("condition")
    if not condition:
        raise SourceError(
            f'{where}: a Health Survey for England table needs condition = "HYP" (or another QOF '
            "group code) in its datapack.toml entry"
        )
    condition = str(condition).upper()
    groups = entry.get("groups")
    if groups is None:
        if condition != "HYP":
            raise SourceError(
                f"{where}: say which groups of the table count as having {condition} with "
                'groups = ["...", ...] in datapack.toml'
            )
        groups = list(HYPERTENSIVE_GROUPS)
    groups = [str(g) for g in ([groups] if isinstance(groups, str) else groups)]
    sex_col = find_column(raw.columns, r"sex", where=where, what="sex")
    group_col = find_column(raw.columns, r"group", where=where, what="group")
    bands = _band_columns(raw.columns)
    if not bands:
        raise SourceError(
            f"{where}: no age band columns (like 16-34, 75+) among {list(raw.columns)[:8]}"
        )
    group_text = raw[group_col].str.strip()
    missing = [g for g in groups if not group_text.str.lower().eq(g.lower()).any()]
    if missing:
        raise SourceError(
            f"{where}: groups {first_values(missing)} are not in the table's {group_col!r} column"
        )
    cells = raw[bands].apply(lambda s: s.str.strip())
    dash = cells.isin(["-", "–", "*", ".."]) | cells.isna()
    numbers = cells.mask(dash).apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna() & ~dash
    if bad.any().any():
        column = bad.any().idxmax()
        raise DataValidationError(
            f"{where}: column {column!r} has values that are not numbers or '-': "
            f"{first_values(cells.loc[bad[column], column].tolist())}"
        )
    sexes = sex_label(raw[sex_col], where=where)
    chosen = group_text.str.lower().isin([g.lower() for g in groups]).to_numpy() & (
        sexes != PERSONS
    )
    summed = numbers[chosen].fillna(0.0).groupby(sexes[chosen], sort=True).sum()
    all_missing = dash[chosen].groupby(sexes[chosen], sort=True).all()
    if all_missing.any().any():
        raise DataValidationError(
            f"{where}: every group of {condition} is '-' for some sex and age band; no rate can "
            "be formed"
        )
    checked = ""
    totals_row = group_text.str.lower().str.startswith("all with").to_numpy() & (sexes != PERSONS)
    if condition == "HYP" and totals_row.any():
        totals = numbers[totals_row].groupby(sexes[totals_row], sort=True).sum()
        diff = (summed - totals.reindex(summed.index)).abs()
        if (diff > HSE_SUM_TOLERANCE).any().any():
            raise DataValidationError(
                f"{where}: the hypertensive groups do not add up to 'All with hypertension' "
                f"(differences up to {diff.max().max():g} points); check the table"
            )
        checked = (
            f" The sums agree with the table's 'All with hypertension' row within "
            f"{diff.max().max():g} percentage point(s) (rounding)."
        )
    long = (
        summed.rename_axis(index=SEX, columns="age_band")
        .stack()
        .rename("rate_percent")
        .reset_index()
    )
    long["age_band"] = long["age_band"].map(
        {b: normalise_header(b).replace(" ", "") for b in bands}
    )
    band_order = {normalise_header(b).replace(" ", ""): i for i, b in enumerate(bands)}
    long = long.assign(_order=long["age_band"].map(band_order)).sort_values(
        [SEX, "_order"], kind="stable"
    )
    out = pd.DataFrame(
        {
            "condition": condition,
            SEX: long[SEX].to_numpy(),
            "age_band": long["age_band"].to_numpy(),
            "rate": long["rate_percent"].to_numpy(dtype=float) / 100,
        }
    )
    if (out["rate"] > 1).any():
        raise DataValidationError(f"{where}: summed groups exceed 100% in some cells; check groups")
    note = (
        f"{condition} rates from {entry.get('source', 'the survey table')}: the groups "
        f"{', '.join(groups)} summed by sex and age band ('-' counted as 0).{checked} "
        "The table's 'Adults' rows are not used."
    )
    with_meta(
        out,
        source=where,
        kind="rates",
        unit="fraction",
        file_unit="percent",
        groups=groups,
        note=note,
        survey=str(entry.get("source", "")),
    )
    return out.reset_index(drop=True)


def _read_tidy_rates(entry: FileEntry, raw: pd.DataFrame) -> pd.DataFrame:
    where = entry.describe()
    condition = find_column(raw.columns, r"condition|group_code", where=where, what="condition")
    sex = find_column(raw.columns, r"sex", where=where, what="sex")
    band = find_column(raw.columns, r"age_band|age", where=where, what="age band")
    rate, column = _as_fraction(raw, "rate", entry, where)
    out = pd.DataFrame(
        {
            "condition": raw[condition].str.strip().str.upper(),
            SEX: sex_label(raw[sex], where=where),
            "age_band": raw[band].str.strip().str.replace(" ", "", regex=False),
            "rate": rate,
        }
    )
    dupes = out.duplicated(["condition", SEX, "age_band"])
    if dupes.any():
        keys = (
            out.loc[dupes, "condition"]
            + "/"
            + out.loc[dupes, SEX]
            + "/"
            + out.loc[dupes, "age_band"]
        )
        raise DataValidationError(
            f"{where}: condition, sex and age band repeated: {first_values(keys.tolist())}"
        )
    with_meta(
        out,
        source=where,
        kind="rates",
        unit="fraction",
        file_unit="percent" if column.lower().endswith("percent") else str(entry.get("unit", "")),
        note=f"Modelled rates from {entry.get('source', where)}.",
        survey=str(entry.get("source", "")),
    )
    return out


def _read_expected(entry: FileEntry, raw: pd.DataFrame, code: str) -> pd.DataFrame:
    where = entry.describe()
    condition = find_column(raw.columns, r"condition|group_code", where=where, what="condition")
    value, _ = _as_fraction(raw, "expected", entry, where)
    name = normalise_header(code)
    out_code = "practice_code" if name == "practice_code" else name
    out = pd.DataFrame(
        {
            out_code: raw[code].str.strip(),
            "condition": raw[condition].str.strip().str.upper(),
            "expected_prevalence": value,
        }
    )
    dupes = out.duplicated([out_code, "condition"])
    if dupes.any():
        raise DataValidationError(
            f"{where}: {out_code} and condition repeated: {first_values(out.loc[dupes, out_code])}"
        )
    with_meta(
        out,
        source=where,
        kind="expected",
        unit="fraction",
        note=f"Modelled expected prevalence from {entry.get('source', where)}.",
    )
    return out


def read_model(entry: FileEntry) -> pd.DataFrame:
    """Read modelled prevalence: age/sex-specific rates, or expected prevalence per area/practice.

    Returns
    -------
    pandas.DataFrame
        Rates: ``condition, sex, age_band, rate`` (a fraction, 0-1), with
        ``attrs["kind"] == "rates"``. Expected prevalence: a code column,
        ``condition, expected_prevalence`` (fraction), ``attrs["kind"] ==
        "expected"``. See the module docstring for the layouts and units.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "rates.csv"
    >>> _ = p.write_text("condition,sex,age_band,rate_percent\\nDM,Male,16-34,1.5\\n")
    >>> read_model(FileEntry("prevalence.model", (p,), {}))["rate"].tolist()
    [0.015]
    """
    raw = read_entry(entry)
    headers = {normalise_header(c): c for c in raw.columns}
    if "group" in headers and "sex" in headers and _band_columns(raw.columns):
        return _read_hse(entry, raw)
    if "sex" in headers and any(h.startswith("rate") for h in headers):
        return _read_tidy_rates(entry, raw)
    for code in ("practice_code", "area_code", "lad_code", "lsoa21_code", "lsoa11_code"):
        if code in headers and any(h.startswith("expected") for h in headers):
            return _read_expected(entry, raw, headers[code])
    raise SourceError(
        f"{entry.describe()}: not a modelled prevalence layout; expected condition, sex, age_band, "
        "rate_percent (or rate_fraction); a Health Survey for England table (Sex, Group, 16-34, "
        "...); or a code column with condition and expected_percent. The columns are "
        f"{list(raw.columns)[:8]}"
    )


reader("prevalence.model")(read_model)
