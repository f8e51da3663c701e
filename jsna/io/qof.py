"""Readers for disease prevalence: QOF registers, modelled prevalence, patients by LSOA.

Roles and layouts
-----------------
``prevalence.recorded``
    * NHS England QOF raw practice file ``PRACTICE_CODE, GROUP_CODE, REGISTER,
      PATIENT_LIST_TYPE, PRACTICE_LIST_SIZE`` (``level = "practice"``). The
      entry's ``mapping`` attribute names the QOF ``MAPPING_NHS_GEOGRAPHIES``
      file (relative to the pack folder) giving each practice's PCN, sub-ICB
      location and ICB. Practices missing from the mapping are kept (with
      empty PCN) and listed in ``attrs["unmapped_practices"]``.
    * Registers summed to local authorities ``lad_code, lad_name,
      group_code, register, list, prevalence`` (``level = "lad"``; e.g. the
      House of Commons Library's QOF by local authority, which are fractional
      because practice registers are apportioned to LSOAs).

``prevalence.model``
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

``gp.lsoa_patients``
    NHS Digital "Patients registered at a GP practice" by LSOA:
    ``PUBLICATION, EXTRACT_DATE, PRACTICE_CODE, PRACTICE_NAME, LSOA_CODE, SEX,
    NUMBER_OF_PATIENTS``. ``SEX`` is MALE/FEMALE (or ALL). The LSOA vintage
    comes from the entry's ``vintage`` ("LSOA11" or "LSOA21"); without it,
    LSOA 2021 is assumed and ``attrs["note"]`` says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.columns import FEMALE, MALE, PERSONS, SEX
from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import find_column, normalise_header, read_csv
from jsna.reference.qof import LIST_TYPE_MIN_AGE

__all__ = [
    "HYPERTENSIVE_GROUPS",
    "read_recorded",
    "read_model",
    "read_lsoa_patients",
    "sex_label",
]

#: The HSE groups that count as "has hypertension" (summed).
HYPERTENSIVE_GROUPS = (
    "Hypertensive controlled",
    "Hypertensive uncontrolled",
    "Hypertensive untreated",
)
#: Tolerance (percentage points) of the check of the summed groups against "All with hypertension".
HSE_SUM_TOLERANCE = 2.0

_SEXES = {
    "male": MALE,
    "males": MALE,
    "men": MALE,
    "m": MALE,
    "1": MALE,
    "female": FEMALE,
    "females": FEMALE,
    "women": FEMALE,
    "f": FEMALE,
    "2": FEMALE,
    "persons": PERSONS,
    "person": PERSONS,
    "all": PERSONS,
    "adults": PERSONS,
    "p": PERSONS,
    "4": PERSONS,
}


def sex_label(values, *, where: str) -> np.ndarray:
    """Publishers' sex labels (MALE, Men, F, ...) as Male, Female or Persons.

    Examples
    --------
    >>> sex_label(["MALE", "Women", "All"], where="x").tolist()
    ['Male', 'Female', 'Persons']
    """
    text = pd.Series(values, dtype="object").astype(str).str.strip().str.lower()
    mapped = text.map(_SEXES)
    bad = mapped.isna()
    if bad.any():
        raise SourceError(
            f"{where}: sex values {first_values(pd.Series(values)[bad.to_numpy()].tolist())} are not "
            "recognised; use Male/Female/Persons (or MALE/FEMALE/ALL, Men/Women/Adults)"
        )
    return mapped.to_numpy(dtype=object)


def _read_all(entry: FileEntry) -> pd.DataFrame:
    frames = [read_csv(p, role=entry.role) for p in entry.paths]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _numbers(
    raw: pd.DataFrame, column: str, where: str, *, non_negative: bool = True
) -> np.ndarray:
    values = pd.to_numeric(
        raw[column].str.strip() if raw[column].dtype != float else raw[column], errors="coerce"
    )
    bad = values.isna()
    if bad.any():
        raise DataValidationError(
            f"{where}: column {column!r} has missing or non-numeric values "
            f"{first_values(raw.loc[bad, column].fillna('<empty>').tolist())}; every row needs a number"
        )
    if non_negative and (values < 0).any():
        raise DataValidationError(
            f"{where}: column {column!r} has negative values {first_values(values[values < 0].tolist())}"
        )
    return values.to_numpy(dtype=float)


def _pack_root(entry: FileEntry) -> Path:
    """The folder holding the manifest: the first parent of the entry's files with a datapack.toml."""
    start = entry.paths[0].resolve().parent
    for folder in (start, *start.parents):
        if (folder / "datapack.toml").is_file():
            return folder
    return start


def _check_level(entry: FileEntry, found: str) -> None:
    level = entry.get("level")
    if level is not None and str(level).lower() != found:
        raise SourceError(
            f"{entry.describe()}: the manifest says level = {level!r} but the file is in the "
            f"{found}-level layout; fix level in datapack.toml"
        )


# --------------------------------------------------------------------------- recorded


def _mapping(entry: FileEntry) -> pd.DataFrame | None:
    name = entry.get("mapping")
    if not name:
        return None
    root = _pack_root(entry)
    paths = sorted(root.glob(str(name)))
    if not paths:
        raise SourceError(
            f"{entry.describe()}: mapping {name!r} matches no file in {root}; "
            "download the QOF MAPPING_NHS_GEOGRAPHIES file or fix mapping in datapack.toml"
        )
    raw = pd.concat([read_csv(p, role=entry.role) for p in paths], ignore_index=True)
    where = f"{', '.join(p.name for p in paths)} (mapping of role {entry.role})"
    wanted = {
        "practice_code": r"practice_code",
        "practice_name": r"practice_name",
        "pcn_code": r"pcn_(ods_)?code",
        "pcn_name": r"pcn_name",
        "sicbl_code": r"sub_icb(_loc)?_ons_code",
        "sicbl_ods": r"sub_icb(_loc)?_ods_code",
        "sicbl_name": r"sub_icb(_loc)?_name",
        "icb_code": r"icb_ons_code",
        "icb_ods": r"icb_ods_code",
        "icb_name": r"icb_name",
    }
    out = {}
    for name_out, pattern in wanted.items():
        required = name_out in ("practice_code", "pcn_code")
        column = find_column(
            raw.columns, pattern, where=where, what=name_out.replace("_", " "), required=required
        )
        if column is not None:
            out[name_out] = raw[column].str.strip()
    frame = pd.DataFrame(out)
    dupes = frame["practice_code"].duplicated()
    if dupes.any():
        raise DataValidationError(
            f"{where}: practices listed more than once {first_values(frame.loc[dupes, 'practice_code'])}"
        )
    return frame


def _read_practice_recorded(entry: FileEntry, raw: pd.DataFrame) -> pd.DataFrame:
    where = entry.describe()
    col = {
        "practice_code": find_column(
            raw.columns, r"practice_code", where=where, what="practice code"
        ),
        "condition": find_column(raw.columns, r"group_code", where=where, what="QOF group code"),
        "register": find_column(raw.columns, r"register", where=where, what="register"),
        "list_type": find_column(
            raw.columns, r"patient_list_type", where=where, what="patient list type"
        ),
        "list_size": find_column(raw.columns, r"practice_list_size", where=where, what="list size"),
    }
    out = pd.DataFrame(
        {
            "practice_code": raw[col["practice_code"]].str.strip(),
            "condition": raw[col["condition"]].str.strip().str.upper(),
            "register": _numbers(raw, col["register"], where),
            "list_type": raw[col["list_type"]].str.strip().str.upper(),
            "list_size": _numbers(raw, col["list_size"], where),
        }
    )
    unknown = ~out["list_type"].isin(list(LIST_TYPE_MIN_AGE))
    if unknown.any():
        raise SourceError(
            f"{where}: unknown PATIENT_LIST_TYPE {first_values(out.loc[unknown, 'list_type'])}; "
            f"known types are {', '.join(LIST_TYPE_MIN_AGE)}"
        )
    dupes = out.duplicated(["practice_code", "condition"])
    if dupes.any():
        pairs = (out.loc[dupes, "practice_code"] + "/" + out.loc[dupes, "condition"]).tolist()
        raise DataValidationError(f"{where}: practice and group repeated: {first_values(pairs)}")
    notes = []
    mapping = _mapping(entry)
    unmapped: list[str] = []
    if mapping is not None:
        known = out["practice_code"].isin(mapping["practice_code"])
        unmapped = sorted(out.loc[~known, "practice_code"].unique().tolist())
        names = mapping.rename(columns={"practice_code": "practice_code"})
        out = out.merge(names, on="practice_code", how="left", validate="many_to_one")
        if unmapped:
            notes.append(
                f"{len(unmapped)} practices are not in the NHS geographies mapping: "
                f"{first_values(unmapped)}"
            )
    else:
        notes.append(
            "No NHS geographies mapping (mapping = ... in datapack.toml): no PCN, sub-ICB or ICB."
        )
    front = [
        c
        for c in (
            "practice_code",
            "practice_name",
            "pcn_code",
            "pcn_name",
            "sicbl_code",
            "sicbl_ods",
            "sicbl_name",
            "icb_code",
            "icb_ods",
            "icb_name",
        )
        if c in out.columns
    ]
    out = out[front + ["condition", "register", "list_type", "list_size"]]
    over = int((out["register"] > out["list_size"]).sum())
    if over:
        notes.append(f"{over} register(s) exceed their list size.")
    out = out.sort_values(["practice_code", "condition"], kind="stable").reset_index(drop=True)
    out.attrs.update(
        source=where,
        level="practice",
        period=str(entry.get("period", "")),
        unmapped_practices=unmapped,
        registers_over_list=over,
        note=" ".join(notes),
    )
    return out


def _read_lad_recorded(entry: FileEntry, raw: pd.DataFrame) -> pd.DataFrame:
    where = entry.describe()
    code = find_column(
        raw.columns, r"lad(\d\d)?_?code|lad\d\dcd", where=where, what="local authority code"
    )
    name = find_column(
        raw.columns,
        r"lad(\d\d)?_?name|lad\d\dnm",
        where=where,
        what="local authority name",
        required=False,
    )
    group = find_column(raw.columns, r"group_code|condition", where=where, what="QOF group code")
    register = find_column(raw.columns, r"register", where=where, what="register")
    size = find_column(raw.columns, r"list(_size)?", where=where, what="list size")
    out = pd.DataFrame(
        {
            "lad_code": raw[code].str.strip(),
            "lad_name": raw[name].str.strip() if name else raw[code].str.strip(),
            "condition": raw[group].str.strip().str.upper(),
            "register": _numbers(raw, register, where),
            "list_size": _numbers(raw, size, where),
        }
    )
    dupes = out.duplicated(["lad_code", "condition"])
    if dupes.any():
        pairs = (out.loc[dupes, "lad_code"] + "/" + out.loc[dupes, "condition"]).tolist()
        raise DataValidationError(f"{where}: authority and group repeated: {first_values(pairs)}")
    prevalence = find_column(
        raw.columns, r"prevalence", where=where, what="prevalence", required=False
    )
    if prevalence is not None:
        given = _numbers(raw, prevalence, where)
        with np.errstate(divide="ignore", invalid="ignore"):
            mine = out["register"].to_numpy() / out["list_size"].to_numpy()
        off = np.abs(given - mine) > 1e-6 * np.maximum(1, np.abs(given))
        off &= out["list_size"].to_numpy() > 0
        if off.any():
            raise DataValidationError(
                f"{where}: column {prevalence!r} is not register / list for "
                f"{first_values(out.loc[off, 'lad_code'])}; is the prevalence a percentage? "
                "The layout expects a fraction"
            )
    out = out.sort_values(["lad_code", "condition"], kind="stable").reset_index(drop=True)
    out.attrs.update(source=where, level="lad", period=str(entry.get("period", "")), note="")
    return out


def read_recorded(entry: FileEntry) -> pd.DataFrame:
    """Read recorded prevalence (QOF registers and list sizes) at practice or authority level.

    Returns
    -------
    pandas.DataFrame
        Practice layout: ``practice_code``, the mapping's ``practice_name,
        pcn_code, pcn_name, sicbl_code, sicbl_ods, sicbl_name, icb_code,
        icb_ods, icb_name`` (when a mapping is given), ``condition`` (the QOF
        group code, e.g. ``HYP``), ``register``, ``list_type`` (``TOTAL``,
        ``17OV`` ...) and ``list_size``. Authority layout: ``lad_code,
        lad_name, condition, register, list_size``. ``attrs`` hold
        ``level``, ``period``, ``source`` and ``note``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "PREVALENCE.csv"
    >>> _ = p.write_text("PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\\n"
    ...                  "A81001,HYP,112.0,TOTAL,3996\\n")
    >>> frame = read_recorded(FileEntry("prevalence.recorded", (p,), {"period": "2022/23"}))
    >>> frame[["practice_code", "condition", "register", "list_size"]].values.tolist()
    [['A81001', 'HYP', 112.0, 3996.0]]
    """
    raw = _read_all(entry)
    headers = {normalise_header(c) for c in raw.columns}
    if {"practice_code", "group_code", "register"} <= headers:
        _check_level(entry, "practice")
        return _read_practice_recorded(entry, raw)
    if "register" in headers and any(
        re.fullmatch(r"lad(\d\d)?_?code|lad\d\dcd", h) for h in headers
    ):
        _check_level(entry, "lad")
        return _read_lad_recorded(entry, raw)
    raise SourceError(
        f"{entry.describe()}: not a QOF prevalence layout; expected PRACTICE_CODE, GROUP_CODE, REGISTER, "
        f"PATIENT_LIST_TYPE, PRACTICE_LIST_SIZE or lad_code, lad_name, group_code, register, list; "
        f"the columns are {list(raw.columns)[:8]}"
    )


# --------------------------------------------------------------------------- modelled


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
    """The ``stem`` value column as fractions, from ``stem_percent``, ``stem_fraction`` or ``stem`` + unit."""
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
                f"{where}: column {column!r} does not say whether it is a percentage or a fraction; "
                f"rename it {stem}_percent or {stem}_fraction, add a unit column, or add "
                'unit = "percent" (or "fraction") to the entry in datapack.toml'
            )
    values = _numbers(raw, column, where)
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
            f"{where}: every group of {condition} is '-' for some sex and age band; no rate can be formed"
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
    out.attrs.update(
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
    out.attrs.update(
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
    out.attrs.update(
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
    raw = _read_all(entry)
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
        "rate_percent (or rate_fraction); a Health Survey for England table (Sex, Group, 16-34, ...); "
        f"or a code column with condition and expected_percent. The columns are {list(raw.columns)[:8]}"
    )


# --------------------------------------------------------------------------- patients by LSOA


def read_lsoa_patients(entry: FileEntry) -> pd.DataFrame:
    """Read NHS Digital's patients registered at each GP practice by LSOA of residence.

    Returns
    -------
    pandas.DataFrame
        ``practice_code, practice_name, lsoa21_code`` (or ``lsoa11_code``),
        ``sex`` (Male, Female or Persons), ``patients``; ``attrs`` hold the
        ``extract_date``, ``vintage`` and ``note``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "gp.csv"
    >>> _ = p.write_text("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS\\n"
    ...                  "GP_PRAC_PAT_LIST,01APR2023,Z99001,A SURGERY,E01999001,MALE,12\\n")
    >>> frame = read_lsoa_patients(FileEntry("gp.lsoa_patients", (p,), {"vintage": "LSOA21"}))
    >>> print(frame.to_string(index=False))
    practice_code practice_name lsoa21_code  sex  patients
           Z99001     A SURGERY   E01999001 Male      12.0
    """
    where = entry.describe()
    raw = _read_all(entry)
    practice = find_column(raw.columns, r"practice_code", where=where, what="practice code")
    name = find_column(
        raw.columns, r"practice_name", where=where, what="practice name", required=False
    )
    lsoa = find_column(
        raw.columns, r"lsoa_?(20)?(11|21)?_?code|lsoa(11|21)cd", where=where, what="LSOA code"
    )
    sex = find_column(raw.columns, r"sex|gender", where=where, what="sex")
    count = find_column(
        raw.columns, r"number_of_patients|patients", where=where, what="number of patients"
    )
    note = ""
    in_header = re.search(r"(11|21)", normalise_header(lsoa))
    vintage = str(entry.get("vintage", "")).upper().replace(" ", "")
    if vintage:
        found = re.search(r"(11|21)$", vintage)
        if not found:
            raise SourceError(f"{where}: vintage {entry.get('vintage')!r} is not LSOA11 or LSOA21")
        year = found.group(1)
    elif in_header:
        year = in_header.group(1)
    else:
        year = "21"
        note = (
            'The file does not say its LSOA vintage; LSOA 2021 was assumed (add vintage = "LSOA11" '
            "to datapack.toml for files on 2011 LSOAs)."
        )
    out = pd.DataFrame(
        {
            "practice_code": raw[practice].str.strip(),
            "practice_name": raw[name].str.strip() if name else raw[practice].str.strip(),
            f"lsoa{year}_code": raw[lsoa].str.strip(),
            SEX: sex_label(raw[sex], where=where),
            "patients": _numbers(raw, count, where),
        }
    )
    keys = ["practice_code", f"lsoa{year}_code", SEX]
    dupes = out.duplicated(keys)
    if dupes.any():
        raise DataValidationError(
            f"{where}: practice, LSOA and sex repeated {first_values(out.loc[dupes, 'practice_code'])}; "
            "is the file listed twice, or are ALL and MALE/FEMALE rows mixed?"
        )
    if set(out[SEX]) > {PERSONS} and PERSONS in set(out[SEX]):
        raise DataValidationError(
            f"{where}: the file mixes ALL with MALE/FEMALE rows; use the male-female file or the all file"
        )
    date_col = find_column(
        raw.columns, r"extract_date", where=where, what="extract date", required=False
    )
    extract = str(raw[date_col].iloc[0]).strip() if date_col else ""
    out.attrs.update(source=where, extract_date=extract, vintage=f"LSOA{year}", note=note)
    return out


reader("prevalence.recorded")(read_recorded)
reader("prevalence.model")(read_model)
reader("gp.lsoa_patients")(read_lsoa_patients)
