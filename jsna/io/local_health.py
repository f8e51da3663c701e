"""Local Health data-store exports (role ``indicators.local_health``).

Local Health (PHE, now OHID; https://www.localhealth.org.uk/) exported one
value per area and indicator: ``Code;Label;<indicator>;<indicator>;...`` for
MSOAs (2011), lower-tier (LTLA 2021) or upper-tier (UTLA 2021) authorities.
The exports have quirks the reader absorbs:

* **semicolon-delimited**, UTF-8 with a byte-order mark, CRLF line endings;
* every data row ends with a run of commas glued to the last value
  (``...;67.1,,,,,,,,,,,,,``), stripped before the value is read;
* suppressed values are the literal ``N/A`` (missing, counted in the note);
* header names with commas (unquoted; fine with ``;``) and double spaces
  (collapsed).

The file states no period, confidence limits or counts. Units follow the
indicator name: life expectancy in years, prevalences and limiting illness in
per cent, deaths as standardised mortality ratios, hospital stays and
admissions as standardised admission ratios, cancer incidence as
standardised incidence ratios (England = 100). The entry's ``period`` setting
(e.g. ``"2015-2019"``, the pooled years of the deaths and life expectancy)
becomes the frame's ``period``; without it the note says the file does not
state one.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import find_column, numbers, read_csv
from jsna.meta import with_meta

__all__ = ["read_local_health", "indicator_unit", "LOCAL_HEALTH_COLUMNS"]

ROLE = "indicators.local_health"

#: Columns of the frame :func:`read_local_health` returns.
LOCAL_HEALTH_COLUMNS = ["area_code", "area_name", "area_level", "indicator", "unit", "value"]

_LEVELS = {"msoa": "MSOA2011", "ltla": "LTLA2021", "utla": "UTLA2021", "ward": "WD2020"}
_PREFIX = {"msoa": ("E02",), "ward": ("E05",), "ltla": ("E06", "E07", "E08", "E09")}
_PREFIX["utla"] = ("E06", "E08", "E09", "E10")


def indicator_unit(name: str) -> str:
    """The unit of a Local Health indicator, from its name.

    Examples
    --------
    >>> indicator_unit("Life expectancy at birth for males")
    'years'
    >>> indicator_unit("Emergency hospital admissions for stroke")
    'SAR (England = 100)'
    """
    text = name.lower()
    if "life expectancy" in text:
        return "years"
    if "prevalence" in text or "limiting long-term illness" in text:
        return "%"
    if text.startswith("incidence"):
        return "SIR (England = 100)"
    if text.startswith("deaths"):
        return "SMR (England = 100)"
    if "hospital" in text or "admission" in text:
        return "SAR (England = 100)"
    return ""


def _level(codes: pd.Series, entry: FileEntry, where: str) -> str:
    setting = str(entry.get("level", "") or "").strip().lower()
    if setting and setting not in _LEVELS:
        raise SourceError(
            f"{where}: level {entry.get('level')!r} is not one of {', '.join(_LEVELS)}; "
            "fix level in datapack.toml"
        )
    prefixes = set(codes.str[:3])
    if not setting:
        if prefixes <= {"E02"}:
            setting = "msoa"
        elif prefixes <= {"E05"}:
            setting = "ward"
        elif "E10" in prefixes:
            setting = "utla"
        elif "E07" in prefixes:
            setting = "ltla"
        else:
            raise SourceError(
                f"{where}: cannot tell whether the file is lower- or upper-tier (codes "
                f'{first_values(sorted(prefixes))}); add level = "ltla" or "utla" to '
                "datapack.toml"
            )
    wrong = ~codes.str[:3].isin(_PREFIX[setting])
    if wrong.any():
        raise SourceError(
            f"{where}: column 'Code' holds codes that are not {setting.upper()} codes "
            f"{first_values(codes[wrong])}; check level in datapack.toml or the file"
        )
    return setting


def read_local_health(entry: FileEntry) -> pd.DataFrame:
    """Read Local Health exports (``Code;Label;<indicator>;...``) into a long frame.

    Parameters
    ----------
    entry : FileEntry
        Role ``indicators.local_health``; one or more exports of the same
        level. Settings: ``level`` ("msoa", "ltla", "utla", "ward"; inferred
        from the codes when absent), ``period``.

    Returns
    -------
    pandas.DataFrame
        :data:`LOCAL_HEALTH_COLUMNS`, one row per area and indicator; ``value``
        float64, NaN where the file has ``N/A``. Metadata: ``source``,
        ``vintage`` (e.g. "MSOA2011"), ``period`` (the entry's, or empty) and a
        ``note`` counting suppressed values.

    Raises
    ------
    SourceError
        No ``Code``/``Label`` column, a value that is not a number, codes of
        another level.
    DataValidationError
        An area repeated.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "msoa_raw.csv"
    >>> _ = p.write_bytes("\\ufeffCode;Label;Life expectancy at birth for males;"
    ...     "Deaths from stroke, all ages\\r\\nE02001347;Sefton 001;N/A;97.2,,,,\\r\\n"
    ...     .encode("utf-8"))
    >>> frame = read_local_health(FileEntry("indicators.local_health", (p,)))
    >>> frame[["area_code", "indicator", "unit", "value"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'area_code': 'E02001347', 'indicator': 'Life expectancy at birth for males',
      'unit': 'years', 'value': nan},
     {'area_code': 'E02001347', 'indicator': 'Deaths from stroke, all ages',
      'unit': 'SMR (England = 100)', 'value': 97.2}]
    """
    if not entry.paths:
        raise SourceError(f"no files for role {ROLE}; check the path in datapack.toml")
    frames, suppressed, levels = [], 0, set()
    for path in entry.paths:
        where = f"{path} (role {ROLE})"
        raw = read_csv(path, role=ROLE, sep=";")
        if len(raw.columns) < 3:
            raise SourceError(
                f"{where}: {len(raw.columns)} column(s) {first_values(list(raw.columns))}; a "
                "Local Health export is semicolon-delimited 'Code;Label;<indicator>;...' - "
                "export it again from the Local Health data store"
            )
        code = find_column(raw.columns, r"code|area ?code", where=where, what="area code")
        name = find_column(raw.columns, r"label|name|area ?name", where=where, what="area name")
        indicators = [c for c in raw.columns if c not in (code, name)]
        last = indicators[-1]
        raw[last] = raw[last].str.replace(r",+\s*$", "", regex=True)
        codes = raw[code].str.strip()
        level = _level(codes, entry, where)
        levels.add(level)
        values = raw[indicators].apply(lambda s: s.str.strip())
        na = values.isin(["N/A", "n/a", "NA", "*", "-", ":"])
        suppressed += int(na.to_numpy().sum())
        values = values.mask(na)
        parsed = np.column_stack(
            [
                numbers(
                    values[c],
                    c,
                    where,
                    fix="the file may be damaged - export it again",
                    error=SourceError,
                ).to_numpy()
                for c in indicators
            ]
        )
        names = [re.sub(r"\s+", " ", c).strip() for c in indicators]
        n = len(raw)
        frames.append(
            pd.DataFrame(
                {
                    "area_code": np.repeat(codes.to_numpy(dtype=object), len(names)),
                    "area_name": np.repeat(
                        raw[name].str.strip().to_numpy(dtype=object), len(names)
                    ),
                    "area_level": level,
                    "indicator": np.tile(np.array(names, dtype=object), n),
                    "unit": np.tile(np.array([indicator_unit(x) for x in names], dtype=object), n),
                    "value": parsed.reshape(-1),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(levels) > 1:
        raise SourceError(
            f"{entry.describe()}: files of several levels {first_values(sorted(levels))}; "
            "list each level as its own entry"
        )
    dupes = frame.duplicated(["area_code", "indicator"])
    if dupes.any():
        raise DataValidationError(
            f"{entry.describe()}: areas repeated {first_values(frame.loc[dupes, 'area_code'])}; "
            "is a file listed twice?"
        )
    period = str(entry.get("period", "") or "")
    notes = [f"{suppressed} values suppressed in the source (N/A)."] if suppressed else []
    if not period:
        notes.append("The Local Health export does not state its period.")
    return with_meta(
        frame,
        source=entry.describe(),
        role=ROLE,
        vintage=_LEVELS[levels.pop()],
        period=period,
        note=" ".join(notes),
    )


reader(ROLE)(read_local_health)
