"""The fictional place: codes, names and sizes of Demoshire and its comparators.

Codes sit in a "999" block that the ONS does not use (LA ``E06999001``,
wards ``E05999001``..., LSOAs ``E01999001``..., MSOAs ``E02999001``...,
region ``E12999001``, England ``E92999901``, neighbours ``E06999002`` to
``E06999011``, ICB ``E54999001``, sub-ICB ``E38999001``; practices
``Z99001``..., PCNs ``U99001``...), and every name is obviously fictional.

Examples
--------
>>> DEMO_AREA_CODE, N_WARD == len(WARD_NAMES), len(NEIGHBOURS)
('E06999001', True, 10)
"""

from __future__ import annotations

__all__ = [
    "DEMO_AREA_CODE",
    "DEMO_AREA_NAME",
    "LSOA_STEM",
    "REGION_CODE",
    "REGION_NAME",
    "ENGLAND_CODE",
    "ENGLAND_NAME",
    "ICB_CODE",
    "ICB_ODS",
    "ICB_NAME",
    "SICBL_CODE",
    "SICBL_ODS",
    "SICBL_NAME",
    "NHS_REGION_CODE",
    "NHS_REGION_ODS",
    "NHS_REGION_NAME",
    "NEIGHBOURS",
    "WARD_NAMES",
    "CENTRE",
    "N_LSOA",
    "N_MSOA",
    "N_WARD",
    "N_PRACTICE",
    "N_NATIONAL_LSOA",
    "MAX_AGE",
]

DEMO_AREA_CODE = "E06999001"
DEMO_AREA_NAME = "Demoshire (synthetic)"
LSOA_STEM = "Demoshire"  # LSOA/MSOA names: "Demoshire 001A", as ONS names them after the LA

REGION_CODE = "E12999001"
REGION_NAME = "Synthetic Region (statistical)"
ENGLAND_CODE = "E92999901"
ENGLAND_NAME = "England (synthetic)"
ICB_CODE, ICB_ODS, ICB_NAME = "E54999001", "QZZ", "NHS Demoshire Integrated Care Board (synthetic)"
SICBL_CODE, SICBL_ODS = "E38999001", "Z9Z"
SICBL_NAME = "NHS Demoshire ICB - Z9Z (synthetic)"
NHS_REGION_CODE, NHS_REGION_ODS = "E40999001", "Y99"
NHS_REGION_NAME = "Synthetic NHS Region"

NEIGHBOURS = [
    ("E06999002", "Mockbury (synthetic)"),
    ("E06999003", "Fauxford (synthetic)"),
    ("E06999004", "Pretendon (synthetic)"),
    ("E06999005", "Dummington (synthetic)"),
    ("E06999006", "Sampleton (synthetic)"),
    ("E06999007", "Bogusham (synthetic)"),
    ("E06999008", "Testwick (synthetic)"),
    ("E06999009", "Makebelieve Vale (synthetic)"),
    ("E06999010", "Notreal upon Sea (synthetic)"),
    ("E06999011", "Imaginaria (synthetic)"),
]

WARD_NAMES = [
    "Amet Hill",
    "Bogus Bridge",
    "Copyton",
    "Dolor Bank",
    "Ersatz End",
    "Fauxfield",
    "Fictiwick",
    "Foobar Green",
    "Ipsum Vale",
    "Lorem Heath",
    "Madeup Moor",
    "Mimicstone",
    "Mockley",
    "Notreal Cross",
    "Placeholder Park",
    "Proxyham",
    "Pseudon",
    "Shamwell",
    "Simulacra Quay",
    "Stubwood",
    "Synthfield",
    "Testbury",
]

#: Centre of the fictional authority in British National Grid (offshore, North Sea).
CENTRE = (560_000.0, 480_000.0)
N_LSOA = 150
N_MSOA = 30
N_WARD = len(WARD_NAMES)
N_PRACTICE = 20
N_NATIONAL_LSOA = 33_755  # LSOAs in England, 2021: IoD2025 ranks run 1..33,755
MAX_AGE = 90  # single years 0..89 and 90+
