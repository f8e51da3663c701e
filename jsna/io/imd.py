"""Reader for the English Indices of Deprivation (role ``imd``).

Two layouts are read: the published IoD File 7 (``LSOA code (2021)``,
``Index of Multiple Deprivation (IMD) Score``, ``... Rank (where 1 is most
deprived)``, ``... Decile (where 1 is most deprived 10% of LSOAs)`` and the
domains), and the compact ``lsoa21_code,IMD_decile,IMD_rank,IMD_score,...``
layout. Editions: IoD2019 (on LSOA 2011) and IoD2025 (on LSOA 2021). Ranks
and deciles are national (1 = most deprived). Where File 7 carries them, the
local authority columns (``Local Authority District code (2024)``) and the
population denominator of the release (``Total population: mid 2022`` in
IoD2025, ``Total population: mid 2015 (excluding prisoners)`` in IoD2019) are
kept as ``lad<YY>_code``, ``lad<YY>_name`` and ``population``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from jsna.columns import POPULATION
from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import non_negative_numbers, normalise_header, numbers, read_entry
from jsna.meta import with_meta
from jsna.reference.imd import EDITION_LSOA

__all__ = ["read_imd", "DOMAINS"]


#: domain key -> (File 7 header prefix, compact layout prefixes)
DOMAINS = {
    "imd": ("index of multiple deprivation (imd)", ("imd",)),
    "income": ("income", ("income",)),
    "employment": ("employment", ("employment",)),
    "education": ("education, skills and training", ("education",)),
    "health": ("health deprivation and disability", ("health",)),
    "crime": ("crime", ("crime",)),
    "housing": ("barriers to housing and services", ("housing_and_services", "housing_and_access")),
    "environment": ("living environment", ("environment",)),
}
_MEASURES = ("score", "rank", "decile")


def _clean(header: str) -> str:
    text = normalise_header(header)
    text = re.sub(r"\s*\(where 1 is most deprived.*\)$", "", text)
    return re.sub(r"\s*\(rate\)", "", text).strip()


def _lsoa_column(columns) -> tuple[str, str]:
    for column in columns:
        text = normalise_header(column)
        match = re.fullmatch(r"lsoa code \((20\d\d)\)", text) or re.fullmatch(
            r"lsoa(\d\d)_?c(?:o)?d(?:e)?", text
        )
        if match:
            year = match.group(1)[-2:]
            return column, f"lsoa{year}"
    raise SourceError(
        f"no LSOA code column (like 'LSOA code (2021)' or 'lsoa21_code') among {list(columns)[:8]}"
    )


def _extra_columns(raw: pd.DataFrame, where: str) -> dict[str, object]:
    """File 7's local authority and population-denominator columns, where present."""
    out: dict[str, object] = {}
    for column in raw.columns:
        text = normalise_header(column)
        match = re.fullmatch(r"local authority district (code|name) \((20\d\d)\)", text)
        if match:
            out[f"lad{match.group(2)[-2:]}_{match.group(1)}"] = raw[column].str.strip()
        elif re.fullmatch(r"total population: mid 20\d\d( \(excluding prisoners\))?", text):
            out[POPULATION] = non_negative_numbers(raw[column], column, where)
    return out


def read_imd(entry: FileEntry) -> pd.DataFrame:
    """Read an IoD file into a tidy frame of LSOA scores, ranks and deciles.

    Returns
    -------
    pandas.DataFrame
        ``lsoa21_code`` (IoD2025) or ``lsoa11_code`` (IoD2019), then
        ``imd_score`` (NaN where the file has no scores), ``imd_rank``,
        ``imd_decile`` and ``<domain>_score/_rank/_decile`` for the domains
        present; ``lad<YY>_code``, ``lad<YY>_name`` and ``population`` (the
        release's population denominator) last, when the file has them. Its
        ``edition`` metadata (:func:`jsna.meta.meta`) names the edition.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "imd.csv"
    >>> _ = p.write_text("lsoa21_code,IMD_decile,IMD_rank,IMD_score\\nE01000001,8,26525,8.742\\n")
    >>> frame = read_imd(FileEntry("imd", (p,), {"edition": "IoD2025"}))
    >>> print(frame.to_string(index=False))
    lsoa21_code  imd_score  imd_rank  imd_decile
      E01000001      8.742     26525           8
    """
    where = entry.describe()
    raw = read_entry(entry)
    code_col, vintage = _lsoa_column(raw.columns)
    edition = entry.get("edition") or ("IoD2025" if vintage == "lsoa21" else "IoD2019")
    expected = EDITION_LSOA.get(edition)
    if expected is None:
        raise SourceError(
            f"{where}: unknown edition {edition!r}; use one of {sorted(EDITION_LSOA)}"
        )
    if expected != vintage:
        raise SourceError(
            f"{where}: edition {edition} is published on {expected.upper()} but the file has "
            f"{vintage.upper()} codes ({code_col!r}); fix the edition in datapack.toml"
        )
    cleaned = {_clean(c): c for c in raw.columns}
    out = pd.DataFrame({f"{vintage}_code": raw[code_col].str.strip()})
    for domain, (long_prefix, short_prefixes) in DOMAINS.items():
        for measure in _MEASURES:
            names = [f"{long_prefix} {measure}"] + [f"{p}_{measure}" for p in short_prefixes]
            source = next((cleaned[n] for n in names if n in cleaned), None)
            if source is None:
                continue
            values = numbers(raw[source], source, where)
            out[f"{domain}_{measure}"] = values.astype("Int64") if measure != "score" else values
    if "imd_decile" not in out.columns:
        raise SourceError(
            f"{where}: no IMD decile column (like 'Index of Multiple Deprivation (IMD) Decile "
            "(where 1 is most deprived 10% of LSOAs)' or 'IMD_decile'); is this an IoD file?"
        )
    if "imd_score" not in out.columns:
        out.insert(1, "imd_score", np.nan)
    bad = ~out["imd_decile"].isin(range(1, 11))
    if bad.any():
        raise DataValidationError(
            f"{where}: IMD deciles outside 1-10 ({first_values(out.loc[bad, 'imd_decile'])}) for "
            f"LSOAs {first_values(out.loc[bad, f'{vintage}_code'])}; check the decile column or "
            "download the file again"
        )
    dupes = out[f"{vintage}_code"].duplicated()
    if dupes.any():
        raise DataValidationError(
            f"{where}: LSOA codes repeated: {first_values(out.loc[dupes, f'{vintage}_code'])}; "
            "each LSOA must appear once"
        )
    first = [f"{vintage}_code", "imd_score", "imd_rank", "imd_decile"]
    out = out[[c for c in first if c in out.columns] + [c for c in out.columns if c not in first]]
    for name, values in _extra_columns(raw, where).items():
        out[name] = np.asarray(values)
    return with_meta(
        out, edition=edition, source=where, has_scores=bool(out["imd_score"].notna().any())
    )


reader("imd")(read_imd)
