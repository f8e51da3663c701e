"""ONS-style column names to jsna's vintage-carrying snake_case names.

ONS lookups and boundaries name columns ``<KIND><YY><SUFFIX>``: ``LSOA21CD``,
``WD24NM``, ``LAD24CD``, ``SICBL24CDH``, ``WD23NMW``. jsna keeps the vintage
in the name: ``lsoa21_code``, ``wd24_name``, ``lad24_code``, ``sicbl24_ods``,
``wd23_name_welsh``. Other columns (``ObjectId``, ``FID``, ``GlobalID``) are
dropped.
"""

from __future__ import annotations

import re

import pandas as pd

from jsna.columns import code_column
from jsna.exceptions import SourceError
from jsna.io._read import normalise_header

__all__ = ["ons_column_name", "rename_ons_columns", "require_kinds"]

_ONS = re.compile(
    r"(lsoa|msoa|oa|wd|lad|ltla|utla|cty|rgn|ctry|sicbl|icb|cal|pcon)(\d\d)(cdh|cd|nmw|nm)"
)
_SUFFIX = {"cd": "code", "nm": "name", "nmw": "name_welsh", "cdh": "ods"}


def ons_column_name(header: str) -> str | None:
    """The jsna name of an ONS header, or ``None`` if it is not an ONS code/name column.

    Examples
    --------
    >>> ons_column_name("\\ufeffWD24CD"), ons_column_name("SICBL24CDH"), ons_column_name("ObjectId")
    ('wd24_code', 'sicbl24_ods', None)
    """
    match = _ONS.fullmatch(normalise_header(header))
    if not match:
        return None
    kind, year, suffix = match.groups()
    return f"{kind}{year}_{_SUFFIX[suffix]}"


def rename_ons_columns(frame: pd.DataFrame, *, where: str) -> pd.DataFrame:
    """Keep the ONS code/name columns of ``frame``, renamed; drop the rest (not geometry).

    Examples
    --------
    >>> df = pd.DataFrame({"LSOA21CD": ["E01000001"], "WD24CD": ["E05000001"], "ObjectId": [1]})
    >>> list(rename_ons_columns(df, where="x.csv").columns)
    ['lsoa21_code', 'wd24_code']
    """
    mapping = {c: ons_column_name(c) for c in frame.columns}
    mapping = {old: new for old, new in mapping.items() if new}
    if not mapping:
        raise SourceError(
            f"{where}: no ONS code columns (like LSOA21CD, WD24CD, LAD24CD) among "
            f"{list(frame.columns)[:10]}; is this the right file?"
        )
    keep = list(mapping) + (["geometry"] if "geometry" in frame.columns else [])
    return frame[keep].rename(columns=mapping)


def require_kinds(frame: pd.DataFrame, kinds: list[str], *, where: str) -> dict[str, str]:
    """Check that ``frame`` has a code column of each kind; return kind → column.

    Examples
    --------
    >>> frame = pd.DataFrame(columns=["lsoa21_code", "lad24_code"])
    >>> require_kinds(frame, ["lsoa", "lad"], where="x")
    {'lsoa': 'lsoa21_code', 'lad': 'lad24_code'}
    """
    found = {}
    for kind in kinds:
        column = code_column(frame, kind, required=False)
        if column is None:
            raise SourceError(
                f"{where}: no {kind.upper()}<yy>CD column (e.g. {kind.upper()}21CD); columns are "
                f"{list(frame.columns)[:10]}. Check the file's role in datapack.toml"
            )
        found[kind] = column
    return found
