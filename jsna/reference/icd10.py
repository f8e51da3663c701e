"""ICD-10 code lists for cause groups: which underlying causes count as which group.

The groups live in ``icd10_cause_groups.csv`` beside this module, one row per group:
``scheme, cause_group, icd10_codes``, where ``icd10_codes`` is a space-separated list of
codes (``F01``, ``U071``) and ranges (``A00-B99``, ``U073-U079``) without dots. A code
matches a group when its first three or four characters (dots removed) are in the
group's list; within a scheme every code belongs to at most one group.

Sources:

* ``icd10_chapter``: the 22 chapters of ICD-10 and their block ranges, World Health
  Organization, *International Statistical Classification of Diseases and Related
  Health Problems, 10th Revision*, Version 2019 (https://icd.who.int/browse10/2019/en).
  Chapter XXII "Codes for special purposes" is U00-U99 (U07.1 and U07.2 are COVID-19).
* ``broad``: broad groups for JSNA mortality tables, made from the WHO chapters above.
  Cancer (C00-C97), circulatory (I00-I99) and respiratory diseases (J00-J99) are the
  code ranges of OHID's under-75 mortality indicators (Public Health Outcomes
  Framework, Fingertips); dementia and Alzheimer's disease (F01, F03, G30) is the group
  of ONS's leading causes of death; COVID-19 is U07.1 and U07.2 (WHO emergency codes);
  "Other causes" holds every other code of chapters I-XXII, so that the scheme covers
  every valid ICD-10 code.

Examples
--------
>>> groups = cause_groups("icd10_chapter")
>>> groups.loc[groups["code"] == "I21", "cause_group"].item()
'IX Diseases of the circulatory system'
>>> sorted(SCHEMES)
['broad', 'icd10_chapter']
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from jsna.exceptions import DataValidationError, first_values

__all__ = ["SCHEMES", "cause_groups", "expand_codes", "code_list_frame"]

_FILE = "icd10_cause_groups.csv"

#: The schemes of the bundled CSV, with their sources (see the module docstring).
SCHEMES = {
    "icd10_chapter": "WHO ICD-10 Version 2019, chapters I-XXII",
    "broad": "jsna broad cause groups from the WHO ICD-10 chapters and OHID/ONS definitions",
}


def _code_number(code: str) -> tuple[str, int]:
    """(letter, number) of a three- or four-character code: 'A09' -> ('A', 9)."""
    if not (len(code) in (3, 4) and code[0].isalpha() and code[1:].isdigit()):
        raise DataValidationError(
            f"ICD-10 code {code!r} is not a letter followed by two or three digits "
            "(e.g. 'I21' or 'I219', without the dot)"
        )
    return code[0], int(code[1:])


def expand_codes(text: str) -> list[str]:
    """Every three- or four-character code a list of codes and ranges names.

    Examples
    --------
    >>> expand_codes("A98-B01 U071")
    ['A98', 'A99', 'B00', 'B01', 'U071']
    >>> expand_codes("U073-U075")
    ['U073', 'U074', 'U075']
    """
    out: list[str] = []
    for part in str(text).upper().replace(".", "").split():
        if "-" not in part:
            _code_number(part)
            out.append(part)
            continue
        start, end = part.split("-", 1)
        if len(start) != len(end):
            raise DataValidationError(
                f"ICD-10 range {part!r} mixes code lengths; write ranges of three-character "
                "codes (A00-B99) or of four-character codes in one category (U073-U079)"
            )
        (a, i), (b, j) = _code_number(start), _code_number(end)
        width = len(start) - 1
        top = 10**width
        first, last = (ord(a) - 65) * top + i, (ord(b) - 65) * top + j
        if last < first:
            raise DataValidationError(f"ICD-10 range {part!r} ends before it starts")
        out += [f"{chr(65 + n // top)}{n % top:0{width}d}" for n in range(first, last + 1)]
    return out


def code_list_frame(groups: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """One row per code: ``code`` (3 or 4 characters) and ``cause_group``, checked for overlaps.

    ``groups`` has columns ``cause_group`` and ``icd10_codes`` (see the module docstring).

    Examples
    --------
    >>> code_list_frame(pd.DataFrame({"cause_group": ["CHD"], "icd10_codes": ["I20-I21"]}),
    ...                 source="mine").to_dict("list")
    {'code': ['I20', 'I21'], 'cause_group': ['CHD', 'CHD']}
    """
    missing = [c for c in ("cause_group", "icd10_codes") if c not in groups.columns]
    if missing:
        raise DataValidationError(
            f"cause groups {source} has no column(s) {missing}; give columns cause_group and "
            "icd10_codes (codes and ranges such as 'I20-I25 I60')"
        )
    rows = [
        (code, str(group))
        for group, text in zip(groups["cause_group"], groups["icd10_codes"], strict=True)
        for code in expand_codes(text)
    ]
    frame = pd.DataFrame(rows, columns=["code", "cause_group"])
    doubled = frame.loc[frame["code"].duplicated(keep=False)]
    parents = frame.loc[frame["code"].str.len() == 4, "code"].str[:3]
    nested = sorted(set(parents) & set(frame.loc[frame["code"].str.len() == 3, "code"]))
    if len(doubled) or nested:
        bad = sorted(set(doubled["code"])) + nested
        raise DataValidationError(
            f"cause groups {source} put ICD-10 code(s) {first_values(bad)} in more than one "
            "group; each code must belong to one group of a scheme"
        )
    return frame


@cache
def _bundled() -> pd.DataFrame:
    with resources.files("jsna.reference").joinpath(_FILE).open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str)


def cause_groups(scheme: str) -> pd.DataFrame:
    """The code list of a bundled scheme: one row per ICD-10 code with its ``cause_group``.

    Examples
    --------
    >>> cause_groups("broad").set_index("code").loc[["C50", "U071"], "cause_group"].tolist()
    ['Cancer', 'COVID-19']
    """
    if scheme not in SCHEMES:
        raise DataValidationError(
            f"cause group scheme {scheme!r} is not one of jsna's ({', '.join(SCHEMES)}); "
            "give one of them or the path of a CSV with columns cause_group, icd10_codes"
        )
    table = _bundled()
    return code_list_frame(table[table["scheme"] == scheme], source=f"scheme {scheme!r}")
