"""Reader for recorded disease prevalence: QOF registers and list sizes.

Role ``prevalence.recorded``, two layouts:

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
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import (
    find_column,
    non_negative_numbers,
    normalise_header,
    read_csv,
    read_entry,
)
from jsna.io.paths import pack_files
from jsna.meta import with_meta
from jsna.reference.qof import LIST_TYPE_MIN_AGE

__all__ = ["read_recorded"]


def _pack_root(entry: FileEntry) -> Path:
    """The folder holding the manifest: the first parent of the entry's files with one."""
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


def _mapping(entry: FileEntry) -> pd.DataFrame | None:
    name = entry.get("mapping")
    if not name:
        return None
    root = entry.root if entry.root is not None else _pack_root(entry)
    paths = pack_files(root, name, where=f"{entry.describe()} mapping", allow_none=True)
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
            f"{where}: practices listed more than once "
            f"{first_values(frame.loc[dupes, 'practice_code'])}"
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
            "register": non_negative_numbers(raw[col["register"]], col["register"], where),
            "list_type": raw[col["list_type"]].str.strip().str.upper(),
            "list_size": non_negative_numbers(raw[col["list_size"]], col["list_size"], where),
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
    with_meta(
        out,
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
            "register": non_negative_numbers(raw[register], register, where),
            "list_size": non_negative_numbers(raw[size], size, where),
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
        given = non_negative_numbers(raw[prevalence], prevalence, where)
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
    with_meta(out, source=where, level="lad", period=str(entry.get("period", "")), note="")
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
    raw = read_entry(entry)
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
        f"{entry.describe()}: not a QOF prevalence layout; expected PRACTICE_CODE, GROUP_CODE, "
        "REGISTER, "
        f"PATIENT_LIST_TYPE, PRACTICE_LIST_SIZE or lad_code, lad_name, group_code, register, list; "
        f"the columns are {list(raw.columns)[:8]}"
    )


reader("prevalence.recorded")(read_recorded)
