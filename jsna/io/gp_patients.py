"""Reader for patients registered at each GP practice by LSOA (role ``gp.lsoa_patients``).

NHS Digital "Patients registered at a GP practice" by LSOA:
``PUBLICATION, EXTRACT_DATE, PRACTICE_CODE, PRACTICE_NAME, LSOA_CODE, SEX,
NUMBER_OF_PATIENTS``. ``SEX`` is MALE/FEMALE (or ALL). The LSOA vintage
comes from the entry's ``vintage`` ("LSOA11" or "LSOA21"); without it,
LSOA 2021 is assumed and ``attrs["note"]`` says so.
"""

from __future__ import annotations

import re

import pandas as pd

from jsna.columns import PERSONS, SEX
from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import find_column, non_negative_numbers, normalise_header, read_entry, sex_label
from jsna.meta import with_meta

__all__ = ["read_lsoa_patients"]


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
    >>> _ = p.write_text("PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,"
    ...                  "NUMBER_OF_PATIENTS\\n"
    ...                  "GP_PRAC_PAT_LIST,01APR2023,Z99001,A SURGERY,E01999001,MALE,12\\n")
    >>> frame = read_lsoa_patients(FileEntry("gp.lsoa_patients", (p,), {"vintage": "LSOA21"}))
    >>> print(frame.to_string(index=False))
    practice_code practice_name lsoa21_code  sex  patients
           Z99001     A SURGERY   E01999001 Male      12.0
    """
    where = entry.describe()
    raw = read_entry(entry)
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
            "patients": non_negative_numbers(raw[count], count, where),
        }
    )
    keys = ["practice_code", f"lsoa{year}_code", SEX]
    dupes = out.duplicated(keys)
    if dupes.any():
        raise DataValidationError(
            f"{where}: practice, LSOA and sex repeated "
            f"{first_values(out.loc[dupes, 'practice_code'])}; "
            "is the file listed twice, or are ALL and MALE/FEMALE rows mixed?"
        )
    if set(out[SEX]) > {PERSONS} and PERSONS in set(out[SEX]):
        raise DataValidationError(
            f"{where}: the file mixes ALL with MALE/FEMALE rows; use the male-female file or the "
            "all file"
        )
    date_col = find_column(
        raw.columns, r"extract_date", where=where, what="extract date", required=False
    )
    extract = str(raw[date_col].iloc[0]).strip() if date_col else ""
    with_meta(out, source=where, extract_date=extract, vintage=f"LSOA{year}", note=note)
    return out


reader("gp.lsoa_patients")(read_lsoa_patients)
