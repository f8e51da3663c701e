"""NHS England's GP practice map, ``gp-reg-pat-prac-map.csv`` (role ``gp.practice_map``).

Published monthly with "Patients Registered at a GP Practice": one row per
practice with its PCN, sub-ICB location, ICB and NHS England region. Two
schemas are read:

* from July 2022: ``..., ONS_SUB_ICB_LOCATION_CODE, SUB_ICB_LOCATION_CODE,
  SUB_ICB_LOCATION_NAME, ONS_ICB_CODE, ICB_CODE, ICB_NAME, ...`` and, in later
  extracts, ``SUPPLIER_NAME``;
* before: ``ONS_CCG_CODE, CCG_CODE, CCG_NAME, ONS_STP_CODE, STP_CODE,
  STP_NAME`` (CCGs became sub-ICB locations with the same codes, STPs ICBs).

Both become the same tidy frame; the extract date (``01Oct2025``) is the
frame's ``extract_date`` and ``period`` metadata, and the schema its
``vintage`` ("sub-ICB" or "CCG").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io import FileEntry, reader
from jsna.io._read import find_column, read_entry
from jsna.meta import with_meta

__all__ = ["read_practice_map", "PRACTICE_MAP_COLUMNS"]

#: Columns of the frame :func:`read_practice_map` returns.
PRACTICE_MAP_COLUMNS = [
    "practice_code",
    "practice_name",
    "practice_postcode",
    "pcn_code",
    "pcn_name",
    "sicbl_code",
    "sicbl_ods_code",
    "sicbl_name",
    "icb_code",
    "icb_ods_code",
    "icb_name",
    "region_code",
    "region_ods_code",
    "region_name",
    "supplier_name",
]

# tidy name -> (pattern of the current schema | pattern of the CCG schema), required
_COLUMNS = {
    "practice_code": (r"practice_code", True),
    "practice_name": (r"practice_name", True),
    "practice_postcode": (r"practice_postcode|postcode", False),
    "pcn_code": (r"pcn_code", True),
    "pcn_name": (r"pcn_name", True),
    "sicbl_code": (r"ons_sub_icb_location_code|ons_sub_icb_code|ons_ccg_code", True),
    "sicbl_ods_code": (r"sub_icb_location_code|sub_icb_code|ccg_code", True),
    "sicbl_name": (r"sub_icb_location_name|sub_icb_name|ccg_name", True),
    "icb_code": (r"ons_icb_code|ons_stp_code", True),
    "icb_ods_code": (r"icb_code|stp_code", True),
    "icb_name": (r"icb_name|stp_name", True),
    "region_code": (r"ons_comm_region_code|ons_region_code|ons_nhser_code", True),
    "region_ods_code": (r"comm_region_code|region_code|nhser_code", True),
    "region_name": (r"comm_region_name|region_name|nhser_name", True),
    "supplier_name": (r"supplier_name", False),
}


def read_practice_map(entry: FileEntry) -> pd.DataFrame:
    """Read NHS England's practice -> PCN -> sub-ICB -> ICB -> region map.

    Parameters
    ----------
    entry : FileEntry
        Role ``gp.practice_map``: ``gp-reg-pat-prac-map.csv`` of either schema
        (sub-ICB/ICB from July 2022, CCG/STP before).

    Returns
    -------
    pandas.DataFrame
        :data:`PRACTICE_MAP_COLUMNS`, one row per practice: ``sicbl_code``,
        ``icb_code`` and ``region_code`` are the ONS codes (E38, E54, E40),
        the ``*_ods_code`` columns the NHS codes (99A, QYG, Y62);
        ``supplier_name`` is missing in files without it. Metadata:
        ``source``, ``extract_date`` and ``period`` ("01Oct2025"),
        ``vintage`` ("sub-ICB" or "CCG").

    Raises
    ------
    SourceError
        A column is missing, or the file mixes extract dates.
    DataValidationError
        A practice appears twice.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "gp-reg-pat-prac-map.csv"
    >>> _ = p.write_text(
    ...     "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,"
    ...     "PCN_NAME,ONS_CCG_CODE,CCG_CODE,CCG_NAME,ONS_STP_CODE,STP_CODE,STP_NAME,"
    ...     "ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME\\n"
    ...     "GP_PRAC_PAT_LIST,01Jan2022,N82001,A SURGERY,L1 1AA,U12345,A PCN,E38000101,99A,"
    ...     "NHS Liverpool CCG,E54000008,QYG,Cheshire and Merseyside,E40000010,Y62,North West\\n")
    >>> frame = read_practice_map(FileEntry("gp.practice_map", (p,)))
    >>> frame.loc[0, ["practice_code", "sicbl_ods_code", "icb_code"]].tolist()
    ['N82001', '99A', 'E54000008']
    >>> from jsna.meta import meta
    >>> meta(frame, "vintage"), meta(frame, "extract_date")
    ('CCG', '01Jan2022')
    """
    where = entry.describe()
    raw = read_entry(entry)
    out = {}
    for tidy, (pattern, required) in _COLUMNS.items():
        column = find_column(
            raw.columns, pattern, where=where, what=tidy.replace("_", " "), required=required
        )
        if column is None:
            out[tidy] = pd.Series(np.nan, index=raw.index, dtype="object")
        else:
            out[tidy] = raw[column].str.strip().replace("", np.nan)
    frame = pd.DataFrame(out)[PRACTICE_MAP_COLUMNS]
    dupes = frame["practice_code"].duplicated()
    if dupes.any():
        raise DataValidationError(
            f"{where}: practices repeated {first_values(frame.loc[dupes, 'practice_code'])}; "
            "list one extract of the practice map per entry"
        )
    date_col = find_column(
        raw.columns, r"extract_date", where=where, what="extract date", required=False
    )
    dates = sorted(raw[date_col].dropna().str.strip().unique()) if date_col else []
    if len(dates) > 1:
        raise SourceError(
            f"{where}: the file mixes extract dates {first_values(dates)}; keep one month's "
            "practice map per entry"
        )
    extract = dates[0] if dates else str(entry.get("vintage", "") or "")
    schema = "CCG" if any("ccg" in c.lower() for c in raw.columns) else "sub-ICB"
    return with_meta(
        frame,
        source=where,
        role="gp.practice_map",
        extract_date=extract,
        period=extract,
        vintage=schema,
    )


reader("gp.practice_map")(read_practice_map)
