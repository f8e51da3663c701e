"""Reader for deaths by LSOA, sex and age band (role ``deaths.lsoa``).

ONS does not publish deaths by LSOA and age openly; local public health teams
receive them through the Primary Care Mortality Database or ONS annual
district deaths extracts. jsna reads a plain CSV in this layout::

    LSOA21CD,sex,age_band,deaths,period
    E01000001,Female,0,0,2019-2023
    E01000001,Female,1-4,0,2019-2023

``LSOA11CD`` is accepted instead of ``LSOA21CD``. Age bands are the 20
life-expectancy bands (0, 1-4, 5-9, ..., 85-89, 90+); deaths are whole and
non-negative.

An optional ``cause_group`` column splits each LSOA, sex, age band and period into
causes of death (the groups of a scheme of ``jsna/reference/icd10_cause_groups.csv``,
e.g. ``broad``, as ``jsna aggregate`` makes them from a deaths extract; see
``docs/records.md``). The causes of a cell must add up to all its deaths (give an
"Other causes" group for the rest): functions that need all-cause deaths sum over them,
and the life expectancy gap is decomposed by cause where it is present. Cause labels
must be text; a cell must not repeat a cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.columns import SEX
from jsna.exceptions import DataValidationError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import find_column, read_entry
from jsna.meta import with_meta

__all__ = ["read_deaths"]


def read_deaths(entry: FileEntry) -> pd.DataFrame:
    """Read deaths by LSOA, sex and age band.

    Returns
    -------
    pandas.DataFrame
        ``lsoa21_code`` (or ``lsoa11_code``), ``sex``, ``age_band``, ``cause_group`` (only
        when the file has it), ``deaths``, ``period``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = p.write_text("LSOA21CD,sex,age_band,deaths,period\\nE01000001,Male,90+,3,2019-2023\\n")
    >>> print(read_deaths(FileEntry("deaths.lsoa", (p,))).to_string(index=False))
    lsoa21_code  sex age_band  deaths    period
      E01000001 Male      90+       3 2019-2023

    With causes (the demo pack's deaths are aggregated from records this way):

    >>> _ = p.write_text("LSOA21CD,sex,age_band,cause_group,deaths,period\\n"
    ...                  "E01000001,Male,90+,Cancer,1,2019-2023\\n"
    ...                  "E01000001,Male,90+,Other causes,2,2019-2023\\n")
    >>> read_deaths(FileEntry("deaths.lsoa", (p,))).groupby("age_band")["deaths"].sum().tolist()
    [3]
    """
    where = entry.describe()
    raw = read_entry(entry)
    code = find_column(raw.columns, r"lsoa(11|21)cd", where=where, what="LSOA code (LSOA21CD)")
    vintage = "lsoa" + code.strip().lower()[4:6]
    columns = {
        "sex": find_column(raw.columns, r"sex", where=where, what="sex"),
        "age_band": find_column(raw.columns, r"age_?band", where=where, what="age band"),
        "deaths": find_column(raw.columns, r"deaths", where=where, what="deaths"),
        "period": find_column(raw.columns, r"period", where=where, what="period", required=False),
        "cause_group": find_column(
            raw.columns, r"cause_?group", where=where, what="cause group", required=False
        ),
    }
    deaths = pd.to_numeric(raw[columns["deaths"]], errors="coerce")
    bad = deaths.isna() | (deaths < 0) | (deaths != np.floor(deaths)) | ~np.isfinite(deaths)
    huge = ~bad & (deaths > 100_000)  # more than int64-safe and than any LSOA's people
    if huge.any():
        raise DataValidationError(
            f"{where}: column {columns['deaths']!r} has counts above 100,000: "
            f"{first_values(deaths[huge].tolist())} for LSOAs {first_values(raw.loc[huge, code])}; "
            "no LSOA has that many deaths - fix the extract"
        )
    if bad.any():
        raise DataValidationError(
            f"{where}: column {columns['deaths']!r} has values that are not whole non-negative "
            f"numbers: {first_values(raw.loc[bad, columns['deaths']])}; fix the extract"
        )
    out = pd.DataFrame(
        {
            f"{vintage}_code": raw[code].str.strip(),
            SEX: raw[columns["sex"]].str.strip(),
            "age_band": raw[columns["age_band"]].str.strip(),
        }
    )
    keys = [f"{vintage}_code", SEX, "age_band", "period"]
    if columns["cause_group"]:
        cause = raw[columns["cause_group"]].astype("string").str.strip()
        blank = cause.isna() | (cause == "")
        if blank.any():
            raise DataValidationError(
                f"{where}: column {columns['cause_group']!r} is empty on {int(blank.sum())} "
                f"rows (LSOAs {first_values(raw.loc[blank, code])}); give every row its cause "
                "group (an 'Other causes' group for deaths in no named group)"
            )
        out["cause_group"] = cause.astype(object)
        keys.append("cause_group")
    out["deaths"] = deaths.astype("int64")
    out["period"] = (
        raw[columns["period"]].str.strip() if columns["period"] else entry.get("period", "")
    )
    dupes = out.duplicated(keys, keep=False)
    if dupes.any():
        what = (
            "LSOA, sex, age band, period and cause group"
            if columns["cause_group"]
            else ("LSOA, sex, age band and period")
        )
        raise DataValidationError(
            f"{where}: rows repeat for {what}: "
            f"{first_values(out.loc[dupes, f'{vintage}_code'])}; each combination once"
        )
    return with_meta(out, source=where)


reader("deaths.lsoa")(read_deaths)
