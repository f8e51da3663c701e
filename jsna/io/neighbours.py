"""Statistical neighbours: DfE children's services models and plain lists.

Two roles, one long frame (one row per area and neighbour, in rank order):

* ``neighbours.dfe``: the DfE statistical neighbour groupings, keyed by DfE
  3-digit local authority numbers ("old LA codes"). Two layouts are read:
  the April 2021 file (``LA num, LA Name, LA number, GOInd, GOReg, SN1, SNP,
  SN2, SNP, ...`` with a byte-order mark, duplicate ``SNP`` headers, a
  trailing comma and an "Old SNs:" section for authorities that no longer
  exist) and the wide 2025 layout (``old_la_code, la_name, region_ind,
  region_name, SN_1, SN_1P, ...``). DfE numbers are resolved to ONS codes by
  the table shipped in ``jsna/data/dfe_la_codes.csv``.
* ``neighbours.list``: a plain ``area_code,neighbour_code,rank`` CSV (CIPFA,
  a Fingertips nearest-neighbour pull, or a local choice), optionally with
  ``neighbour_name``.

Authorities change: Northamptonshire (928) was split in 2021, Cumbria (909)
in 2023, Bournemouth, Poole and Dorset were reorganised in 2019, and North
Yorkshire and Somerset became unitary authorities in 2023 with new ONS codes.
An authority that changed since the model was made is kept, with ``status``
("abolished" or "recoded") and a ``note`` naming its successors or its
former code, and a :class:`UserWarning` lists them. Abolished authorities
keep their last ONS code (data for them exist only for earlier periods).
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from jsna import columns as S
from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import normalise_header, read_csv
from jsna.meta import with_meta

__all__ = ["read_dfe_neighbours", "read_neighbour_list", "dfe_la_codes", "NEIGHBOUR_COLUMNS"]

DFE_LA_CODE = "dfe_la_code"
NEIGHBOUR_CODE = "neighbour_code"
NEIGHBOUR_DFE_CODE = "neighbour_dfe_code"
NEIGHBOUR_NAME = "neighbour_name"
RANK = "rank"
CLOSENESS = "closeness"
MODEL = "model"
STATUS = "status"
AREA_STATUS = "area_status"
NOTE = "note"

#: Columns of both readers' frames.
NEIGHBOUR_COLUMNS = [
    S.AREA_CODE,
    S.AREA_NAME,
    DFE_LA_CODE,
    NEIGHBOUR_CODE,
    NEIGHBOUR_DFE_CODE,
    NEIGHBOUR_NAME,
    RANK,
    CLOSENESS,
    MODEL,
    AREA_STATUS,
    STATUS,
    NOTE,
]

_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}


@lru_cache(maxsize=1)
def _codes() -> pd.DataFrame:
    with (
        resources.files("jsna.reference")
        .joinpath("dfe_la_codes.csv")
        .open("r", encoding="utf-8") as f
    ):
        table = pd.read_csv(f, dtype=str, keep_default_na=False, na_values=[""])
    return table.set_index("old_la_code")


def dfe_la_codes() -> pd.DataFrame:
    """The DfE local authority number to ONS code table shipped with jsna.

    Columns: ``old_la_code`` (DfE 3-digit number), ``la_name``, ``ons_code``
    (current code; for abolished authorities the last code they had),
    ``status`` ("current" or "abolished"), ``changed`` (date of the last
    change), ``former_ons_code`` (where the code changed but not the area),
    ``successor_la_codes`` (DfE numbers, ``;``-separated) and ``notes``.

    Examples
    --------
    >>> table = dfe_la_codes()
    >>> table.loc[table["old_la_code"] == "343", ["la_name", "ons_code"]].values.tolist()
    [['Sefton', 'E08000014']]
    >>> table.loc[table["old_la_code"] == "928", "successor_la_codes"].item()
    '940;941'
    """
    return _codes().reset_index()


def _model_date(entry: FileEntry, paths: list[Path]) -> pd.Timestamp | None:
    """When the model was made, from the entry's date/vintage/edition or the file name."""
    texts = [str(entry.get(k, "")) for k in ("date", "vintage", "edition", "model")]
    texts += [p.name for p in paths]
    for text in texts:
        match = re.search(r"(?<!\d)(19|20)(\d\d)(?!\d)", text)
        if match:
            year = int(match.group(1) + match.group(2))
            month = next((n for m, n in _MONTHS.items() if m in text.lower()), 1)
            iso = re.search(r"(?<!\d)(?:19|20)\d\d-(\d\d)", text)
            if iso:
                month = int(iso.group(1))
            return pd.Timestamp(year=year, month=month, day=1)
    return None


def _model_name(entry: FileEntry, role_label: str) -> str:
    if entry.get("model"):
        return str(entry.get("model"))
    vintage = entry.get("vintage") or entry.get("edition")
    if vintage:
        text = str(vintage)
        return text if text.lower().startswith(role_label.lower()) else f"{role_label} {text}"
    return f"{role_label} ({', '.join(p.name for p in entry.paths)})"


def _resolve(dfe: pd.Series, model_date: pd.Timestamp | None) -> pd.DataFrame:
    """ONS code, status and note for DfE numbers, given when the model was made.

    Worked out once per distinct number (a model has about 150), then mapped.
    """
    table = _codes()
    resolved = {}
    for code in dfe.dropna().unique():
        if code not in table.index:
            resolved[code] = (
                np.nan,
                "unknown",
                f"DfE number {code} is not in jsna's table of DfE codes",
            )
            continue
        row = table.loc[code]
        label = f"{row['la_name']} ({code})"
        later = pd.notna(row["changed"]) and (
            model_date is None or pd.Timestamp(row["changed"]) > model_date
        )
        if row["status"] == "abolished":
            successors = [c for c in str(row["successor_la_codes"]).split(";") if c]
            now = ", ".join(
                f"{table.loc[c, 'la_name']} ({c}, {table.loc[c, 'ons_code']})" for c in successors
            )
            resolved[code] = (
                row["ons_code"],
                "abolished",
                f"{label} was abolished on {row['changed']}; its area is now {now}",
            )
        elif pd.notna(row["former_ons_code"]) and later:
            resolved[code] = (
                row["ons_code"],
                "recoded",
                f"{label} had ONS code {row['former_ons_code']} when the model was made; "
                f"{row['ons_code']} since {row['changed']}",
            )
        else:
            resolved[code] = (row["ons_code"], "current", np.nan)
    parts = {
        key: {c: v[i] for c, v in resolved.items()}
        for i, key in enumerate(("ons_code", "status", "note"))
    }
    return pd.DataFrame(
        {key: dfe.map(values).astype("str") for key, values in parts.items()}, index=dfe.index
    )


def _join_notes(*notes: pd.Series) -> pd.Series:
    """Join the non-missing notes of each row with '; ' (missing when there are none)."""
    joined = pd.Series("", index=notes[0].index, dtype="str")
    for note in notes:
        text = note.fillna("")
        joined = joined + np.where((joined != "") & (text != ""), "; ", "") + text
    return joined.replace("", np.nan).astype("str")


def _layout(columns: list[str], where: str) -> tuple[str, str, list[tuple[int, str, str | None]]]:
    """The LA number and name columns, and (rank, code column, closeness column) triples."""
    norm = [normalise_header(c) for c in columns]
    code_col = name_col = None
    for candidates, kind in (
        ((r"old_la_code", r"la num", r"la number", r"la_code", r"la code"), "code"),
        ((r"la_name", r"la name"), "name"),
    ):
        for pattern in candidates:
            hits = [c for c, n in zip(columns, norm, strict=True) if n == pattern]
            if hits:
                if kind == "code":
                    code_col = hits[0]
                else:
                    name_col = hits[0]
                break
    pairs = []
    for i, n in enumerate(norm):
        match = re.fullmatch(r"sn_?(\d+)", n)
        if match:
            nxt = norm[i + 1] if i + 1 < len(norm) else ""
            closeness = columns[i + 1] if re.fullmatch(r"sn_?(\d+)?p(\.\d+)?", nxt) else None
            pairs.append((int(match.group(1)), columns[i], closeness))
    if code_col is None or name_col is None or not pairs:
        what = (
            "LA number ('LA num' or 'old_la_code')"
            if code_col is None
            else (
                "LA name ('LA Name' or 'la_name')"
                if name_col is None
                else "neighbour ('SN1'... or 'SN_1'...)"
            )
        )
        raise SourceError(
            f"{where}: no {what} column; its columns are {', '.join(map(repr, columns[:12]))}. "
            "A DfE statistical neighbours file has 'LA num, LA Name, ..., SN1, SNP, ...' "
            "(2021) or 'old_la_code, la_name, ..., SN_1, SN_1P, ...' (2025)"
        )
    return code_col, name_col, pairs


def _dfe_codes(values: pd.Series, column: str, where: str) -> pd.Series:
    text = values.str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & (numbers.isna() | (numbers % 1 != 0))
    if bad.any():
        raise SourceError(
            f"{where}: column {column!r} should hold DfE 3-digit LA numbers; found "
            f"{first_values(values[bad])}"
        )
    return numbers.astype("Int64").astype("str").where(text.notna())


def _read_dfe_file(path: Path) -> pd.DataFrame:
    where = f"{path} (role neighbours.dfe)"
    frame = read_csv(path, role="neighbours.dfe")
    code_col, name_col, pairs = _layout(list(frame.columns), where)
    codes = _dfe_codes(frame[code_col], code_col, where)
    # Blank separator rows and the "Old SNs:" heading have no LA number.
    old_section = frame[name_col].str.strip().str.lower().str.startswith("old sn").fillna(False)
    after_old = old_section.cummax()
    keep = codes.notna()
    frame, codes, after_old = frame[keep], codes[keep], after_old[keep]
    names = frame[name_col].str.strip()
    lookup_name = dict(zip(codes, names, strict=True))
    n, k = len(frame), len(pairs)
    neighbour = np.column_stack(
        [_dfe_codes(frame[c], c, where).to_numpy(dtype=object) for _, c, _ in pairs]
    )
    closeness = np.column_stack(
        [
            (
                frame[p].str.strip() if p else pd.Series(np.nan, index=frame.index, dtype="str")
            ).to_numpy(dtype=object)
            for _, _, p in pairs
        ]
    )
    long = pd.DataFrame(
        {
            DFE_LA_CODE: np.repeat(codes.to_numpy(dtype=object), k),
            S.AREA_NAME: np.repeat(names.to_numpy(dtype=object), k),
            NEIGHBOUR_DFE_CODE: neighbour.ravel(),
            RANK: np.tile(np.array([r for r, _, _ in pairs], dtype="int64"), n),
            CLOSENESS: closeness.ravel(),
            "_old_section": np.repeat(after_old.to_numpy(dtype=bool), k),
        }
    )
    long = long[long[NEIGHBOUR_DFE_CODE].notna()].reset_index(drop=True)
    long[NEIGHBOUR_NAME] = long[NEIGHBOUR_DFE_CODE].map(lookup_name)
    # "Close " / "Very Close" / "Very close": one spelling, sentence case.
    text = long[CLOSENESS].astype("str").str.strip().str.lower()
    long[CLOSENESS] = text.str[:1].str.upper() + text.str[1:]
    for column in (DFE_LA_CODE, S.AREA_NAME, NEIGHBOUR_DFE_CODE, NEIGHBOUR_NAME):
        long[column] = long[column].astype("str")
    long["_file"] = path.name
    return long


def _check_duplicates(frame: pd.DataFrame, key: list[str], value: str, where: str) -> pd.DataFrame:
    frame = frame.drop_duplicates(key + [value])
    clash = frame.duplicated(key, keep=False)
    if clash.any():
        rows = frame[clash].sort_values(key)
        first = rows.iloc[0]
        files = sorted(set(rows.loc[(rows[key] == first[key]).all(axis=1), "_file"]))
        raise DataValidationError(
            f"{where}: {', '.join(f'{c} {first[c]}' for c in key)} has different neighbours "
            f"({first_values(rows.loc[(rows[key] == first[key]).all(axis=1), value])}) in "
            f"{' and '.join(files)}; keep one file per model"
        )
    return frame


@reader("neighbours.dfe")
def read_dfe_neighbours(entry: FileEntry) -> pd.DataFrame:
    """Read a DfE children's services statistical neighbour model.

    Parameters
    ----------
    entry : FileEntry
        The model's file (April 2021 or 2025 layout). ``vintage`` (e.g.
        "April 2021 model") names the model and dates it; ``model`` may
        name it outright; ``date`` ("2021-04") overrides the date.

    Returns
    -------
    pandas.DataFrame
        :data:`NEIGHBOUR_COLUMNS`, one row per authority and neighbour in
        rank order: ``area_code`` and ``neighbour_code`` (ONS), the DfE
        numbers, names as the model gives them, ``rank`` (1 = closest),
        ``closeness`` ("Extremely close", "Very close", "Close", "Somewhat
        close", "Not close"), ``model``, ``area_status`` and ``status``
        ("current", "recoded", "abolished" or "unknown") and ``note``.

    Warns
    -----
    UserWarning
        Listing the authorities that changed since the model was made.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sn.csv"
    >>> _ = p.write_text("old_la_code,la_name,SN_1,SN_1P,SN_2,SN_2P\\n"
    ...                  "343,Sefton,344,Very close,342,Close \\n"
    ...                  "344,Wirral,343,Very close,342,Close\\n"
    ...                  "342,St Helens,343,Close,344,Close\\n")
    >>> frame = read_dfe_neighbours(FileEntry("neighbours.dfe", (p,), {"vintage": "2025 model"}))
    >>> sefton = frame[frame["area_name"] == "Sefton"]
    >>> sefton[["neighbour_code", "neighbour_name", "rank", "closeness", "model"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['E08000015', 'Wirral', 1, 'Very close', 'DfE 2025 model'],
     ['E08000013', 'St Helens', 2, 'Close', 'DfE 2025 model']]
    """
    paths = [Path(p) for p in entry.paths]
    if not paths:
        raise SourceError("no files for role neighbours.dfe; check the path in datapack.toml")
    where = entry.describe()
    long = pd.concat([_read_dfe_file(p) for p in paths], ignore_index=True)
    long = _check_duplicates(long, [DFE_LA_CODE, RANK], NEIGHBOUR_DFE_CODE, where)
    model = _model_name(entry, "DfE")
    date = _model_date(entry, paths)
    area = _resolve(long[DFE_LA_CODE], date)
    other = _resolve(long[NEIGHBOUR_DFE_CODE], date)
    section = pd.Series(np.nan, index=long.index, dtype="str").mask(
        long["_old_section"], "listed under 'Old SNs' in " + long["_file"]
    )
    out = pd.DataFrame(
        {
            S.AREA_CODE: area["ons_code"],
            S.AREA_NAME: long[S.AREA_NAME],
            DFE_LA_CODE: long[DFE_LA_CODE],
            NEIGHBOUR_CODE: other["ons_code"],
            NEIGHBOUR_DFE_CODE: long[NEIGHBOUR_DFE_CODE],
            NEIGHBOUR_NAME: long[NEIGHBOUR_NAME].fillna(
                pd.Series(
                    _codes()["la_name"].reindex(long[NEIGHBOUR_DFE_CODE]).to_numpy(),
                    index=long.index,
                )
            ),
            RANK: long[RANK],
            CLOSENESS: long[CLOSENESS],
            MODEL: model,
            AREA_STATUS: area["status"],
            STATUS: other["status"],
            NOTE: _join_notes(area["note"], other["note"], section),
        }
    )
    _warn_changes(out, model)
    return with_meta(
        out,
        source=where,
        role="neighbours.dfe",
        model=model,
        model_date=None if date is None else date.date().isoformat(),
    )


def _warn_changes(out: pd.DataFrame, model: str) -> None:
    changed = pd.concat(
        [
            out.loc[
                out[AREA_STATUS] != "current", [DFE_LA_CODE, S.AREA_NAME, AREA_STATUS]
            ].set_axis(["code", "name", "status"], axis=1),
            out.loc[
                out[STATUS] != "current", [NEIGHBOUR_DFE_CODE, NEIGHBOUR_NAME, STATUS]
            ].set_axis(["code", "name", "status"], axis=1),
        ]
    ).drop_duplicates("code")
    if changed.empty:
        return
    table = _codes()
    items = []
    for code, name, status in changed.sort_values("code").itertuples(index=False):
        if status == "abolished":
            successors = ", ".join(
                f"{table.loc[c, 'la_name']} ({c})"
                for c in table.loc[code, "successor_la_codes"].split(";")
            )
            items.append(
                f"{name} ({code}) abolished {table.loc[code, 'changed']}, now {successors}"
            )
        elif status == "recoded":
            items.append(
                f"{name} ({code}) ONS code {table.loc[code, 'former_ons_code']} -> "
                f"{table.loc[code, 'ons_code']} on {table.loc[code, 'changed']}"
            )
        else:
            items.append(f"{name} ({code}) not in jsna's DfE code table")
    warnings.warn(
        f"{model}: {len(items)} authorities changed since the model was made; kept, with "
        f"status and note columns: {'; '.join(items)}",
        UserWarning,
        stacklevel=3,
    )


@reader("neighbours.list")
def read_neighbour_list(entry: FileEntry) -> pd.DataFrame:
    """Read a plain neighbour list (CIPFA, Fingertips or local): ``area_code,neighbour_code,rank``.

    Parameters
    ----------
    entry : FileEntry
        The file(s); optional columns ``neighbour_name`` and ``area_name``.
        ``model`` (or ``vintage``/``edition``) names the list.

    Returns
    -------
    pandas.DataFrame
        :data:`NEIGHBOUR_COLUMNS`; the DfE columns, ``closeness`` and the
        statuses are missing.

    Raises
    ------
    SourceError
        A required column is missing.
    DataValidationError
        Empty codes, ranks that are not whole numbers from 1, or an area
        listing the same rank twice with different neighbours.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "cipfa.csv"
    >>> _ = p.write_text("area_code,neighbour_code,rank\\n"
    ...                  "E08000014,E08000015,1\\nE08000014,E08000011,2\\n")
    >>> frame = read_neighbour_list(FileEntry("neighbours.list", (p,), {"model": "CIPFA 2019"}))
    >>> frame[["area_code", "neighbour_code", "rank", "model"]].values.tolist()
    [['E08000014', 'E08000015', 1, 'CIPFA 2019'], ['E08000014', 'E08000011', 2, 'CIPFA 2019']]
    """
    paths = [Path(p) for p in entry.paths]
    if not paths:
        raise SourceError("no files for role neighbours.list; check the path in datapack.toml")
    where = entry.describe()
    frames = []
    for path in paths:
        frame = read_csv(path, role="neighbours.list")
        norm = {normalise_header(c): c for c in frame.columns}
        missing = [c for c in ("area_code", "neighbour_code", "rank") if c not in norm]
        if missing:
            raise SourceError(
                f"{path} (role neighbours.list): no column {missing[0]!r}; a neighbour list has "
                "area_code,neighbour_code,rank; its columns are "
                f"{', '.join(map(repr, frame.columns))}"
            )
        part = pd.DataFrame(
            {
                S.AREA_CODE: frame[norm["area_code"]].str.strip(),
                NEIGHBOUR_CODE: frame[norm["neighbour_code"]].str.strip(),
                "_rank": frame[norm["rank"]].str.strip(),
                S.AREA_NAME: frame[norm["area_name"]].str.strip()
                if "area_name" in norm
                else np.nan,
                NEIGHBOUR_NAME: frame[norm["neighbour_name"]].str.strip()
                if "neighbour_name" in norm
                else np.nan,
                "_file": path.name,
            }
        )
        frames.append(part)
    long = pd.concat(frames, ignore_index=True)
    for column in (S.AREA_CODE, NEIGHBOUR_CODE):
        empty = long[column].isna() | (long[column] == "")
        if empty.any():
            raise DataValidationError(
                f"{where}: {column} is empty on {int(empty.sum())} row(s) (first at data row "
                f"{int(np.flatnonzero(empty)[0]) + 1}); fill or remove them"
            )
    rank = pd.to_numeric(long["_rank"], errors="coerce")
    bad = rank.isna() | (rank < 1) | (rank % 1 != 0)
    if bad.any():
        raise DataValidationError(
            f"{where}: rank must be a whole number from 1; found "
            f"{first_values(long.loc[bad, '_rank'].fillna('<empty>'))}"
        )
    long[RANK] = rank.astype("int64")
    long = _check_duplicates(long, [S.AREA_CODE, RANK], NEIGHBOUR_CODE, where)
    model = _model_name(entry, "neighbour list")
    out = pd.DataFrame(
        {
            S.AREA_CODE: long[S.AREA_CODE].astype("str"),
            S.AREA_NAME: long[S.AREA_NAME].astype("str"),
            DFE_LA_CODE: pd.Series(np.nan, index=long.index, dtype="str"),
            NEIGHBOUR_CODE: long[NEIGHBOUR_CODE].astype("str"),
            NEIGHBOUR_DFE_CODE: pd.Series(np.nan, index=long.index, dtype="str"),
            NEIGHBOUR_NAME: long[NEIGHBOUR_NAME].astype("str"),
            RANK: long[RANK],
            CLOSENESS: pd.Series(np.nan, index=long.index, dtype="str"),
            MODEL: model,
            AREA_STATUS: pd.Series(np.nan, index=long.index, dtype="str"),
            STATUS: pd.Series(np.nan, index=long.index, dtype="str"),
            NOTE: pd.Series(np.nan, index=long.index, dtype="str"),
        }
    )
    out = out.sort_values([S.AREA_CODE, RANK], kind="stable").reset_index(drop=True)
    return with_meta(out, source=where, role="neighbours.list", model=model)
