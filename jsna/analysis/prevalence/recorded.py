"""Recorded prevalence for an area: its practices, its sub-ICB locations, its authorities.

Which practices belong to a local authority is not in the QOF files, and a
sub-ICB location (SICBL), by which the files group practices, may cover several
authorities. :func:`area_practices` places practices in authorities by where
their registered patients live (:func:`jsna.analysis.geography.practice_authorities`;
never a whole sub-ICB location), so it needs the ``gp.lsoa_patients`` role;
:func:`shared_sub_icb_locations` says which of the area's sub-ICB locations it
shares with other authorities; :func:`practice_recorded` and
:func:`authority_recorded` give the registers of the area's practices and of a
list of authorities.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from jsna.analysis.geography import PRACTICE_RULE, hierarchy, practice_authorities
from jsna.columns import code_column
from jsna.exceptions import GeographyError
from jsna.meta import copy_meta, join_notes, note, with_meta

__all__ = [
    "area_practices",
    "can_place_practices",
    "practice_recorded",
    "shared_sub_icb_locations",
    "authority_recorded",
    "PRACTICE_NOTE",
]

#: The placement rule, for the notes of practice-level tables and figures.
PRACTICE_NOTE = (
    PRACTICE_RULE + " Practices are placed by NHS England's patients registered at a GP practice "
    "by LSOA, never by a whole sub-ICB location."
)


def can_place_practices(pack) -> bool:
    """Whether the pack can place practices in authorities (it has ``gp.lsoa_patients``).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> can_place_practices(DataPack.open(ensure_demo_pack(project_paths().demo_pack)))
    True
    """
    return pack.has("gp.lsoa_patients")


def area_practices(patients: pd.DataFrame, lookup: pd.DataFrame, area: str) -> pd.DataFrame:
    """The practices of an authority: those where more of their patients live than anywhere else.

    Parameters
    ----------
    patients : DataFrame
        Patients registered by practice and LSOA (role ``gp.lsoa_patients``).
    lookup : DataFrame
        LSOA to authority for the whole pack (:func:`jsna.analysis.geography.hierarchy`
        without an area), so the authorities the other patients live in count.
    area : str
        Local authority code.

    Returns
    -------
    DataFrame
        The rows of :func:`jsna.analysis.geography.practice_authorities` for
        ``area``: ``practice_code`` (``practice_name``), ``patients``,
        ``patients_in_authority``, ``share`` (of the practice's registered
        patients living in the area) and ``tied``; sorted by practice code.

    Examples
    --------
    >>> lookup = pd.DataFrame({"lsoa21_code": ["A1", "A2", "B1"],
    ...                        "lad24_code": ["LA", "LA", "LB"]})
    >>> patients = pd.DataFrame({"practice_code": ["P1", "P1", "P2", "P2", "P3"],
    ...                          "lsoa21_code": ["A1", "B1", "A2", "B1", "B1"],
    ...                          "patients": [70, 30, 10, 90, 50]})
    >>> area_practices(patients, lookup, "LA")[["practice_code", "share"]]
      practice_code  share
    0            P1    0.7
    """
    placed = practice_authorities(patients, lookup)
    lad = code_column(placed, "lad")
    mine = placed[placed[lad] == area].drop(columns=[c for c in placed if c.startswith("lad")])
    return mine.reset_index(drop=True)


def practice_recorded(pack, area: str, condition: str = "HYP") -> pd.DataFrame:
    """Registers of one condition for the practices of an area (:func:`area_practices`).

    Parameters
    ----------
    pack : DataPack
        With a practice-level ``prevalence.recorded`` file and patients
        registered by LSOA (``gp.lsoa_patients``).
    area : str
        Local authority code.
    condition : str, default "HYP"
        QOF group code.

    Returns
    -------
    DataFrame
        The practice-level rows of ``condition`` (in the file's order) for the
        area's practices, with ``share`` (of each practice's registered
        patients living in the area) and the file's metadata (``period``,
        ``source``).

    Raises
    ------
    GeographyError
        The pack has no patients by LSOA, so its practices cannot be placed.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> hyp = practice_recorded(pack, DEMO_AREA_CODE, "HYP")
    >>> sorted(hyp["condition"].unique()), hyp["practice_code"].is_unique, float(hyp["share"].min())
    (['HYP'], True, 1.0)
    """
    if not can_place_practices(pack):
        raise GeographyError(
            "practices are placed in authorities by where their registered patients live, and "
            "this pack has no patients registered at each practice by LSOA (role "
            "gp.lsoa_patients); add NHS England's LSOA file (jsna fetch --only gp.lsoa_patients)"
        )
    pack.check_area(area)
    recorded = pack.read("prevalence.recorded", level="practice")
    mine = area_practices(pack.read("gp.lsoa_patients"), hierarchy(pack), area)
    rows = recorded["practice_code"].isin(mine["practice_code"]) & (
        recorded["condition"] == condition
    )
    share = mine.set_index("practice_code")["share"]
    out = recorded[rows].assign(share=lambda d: d["practice_code"].map(share))
    copy_meta(out, recorded)
    return with_meta(out, note=join_notes(note(recorded), PRACTICE_NOTE))


def shared_sub_icb_locations(pack, area: str) -> pd.DataFrame:
    """The sub-ICB locations of an area that also cover other local authorities.

    Parameters
    ----------
    pack : DataPack
        With the ``lookup.lsoa_ward_lad`` and ``lookup.lsoa_icb`` files.
    area : str
        Local authority code.

    Returns
    -------
    DataFrame
        One row per shared location: ``sicbl_code``, ``sicbl_ods`` (the ODS
        code, e.g. ``27D``) and ``authorities`` (the names of every authority
        with LSOAs in it, in the lookup's order). Empty when the pack has no
        LSOA-ICB lookup or no location is shared.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> list(shared_sub_icb_locations(pack, DEMO_AREA_CODE).columns)
    ['sicbl_code', 'sicbl_ods', 'authorities']
    """
    empty = pd.DataFrame({"sicbl_code": [], "sicbl_ods": [], "authorities": []}, dtype=object)
    mine = hierarchy(pack, area)
    sicbl = code_column(mine, "sicbl", required=False)
    if sicbl is None:
        return empty
    everyone = hierarchy(pack)
    lad_name = code_column(everyone, "lad").replace("_code", "_name")
    ods = sicbl.replace("_code", "_ods")
    rows = []
    for code in mine[sicbl].dropna().unique():
        inside = everyone[everyone[sicbl] == code]
        names = inside[lad_name].unique().tolist()
        if len(names) > 1:
            label = inside[ods].iloc[0] if ods in inside.columns else code
            rows.append({"sicbl_code": code, "sicbl_ods": label, "authorities": names})
    return pd.DataFrame(rows) if rows else empty


def authority_recorded(pack, condition: str, areas: Sequence[str]) -> pd.DataFrame:
    """Registers of one condition summed to local authorities, with recorded prevalence.

    Parameters
    ----------
    pack : DataPack
        With an authority-level (``level = "lad"``) ``prevalence.recorded`` file.
    condition : str
        QOF group code.
    areas : list of str
        Authority codes to keep.

    Returns
    -------
    DataFrame
        The file's rows for ``areas`` and ``condition`` (``lad_code``,
        ``lad_name``, ``register``, ``list_size`` ...) in the file's order, plus
        ``recorded_pct`` (register / list size x 100), with the file's metadata.

    Examples
    --------
    >>> from jsna.io.datapack import DataPack
    >>> pack = DataPack.open("../shared/data")  # doctest: +SKIP
    >>> authority_recorded(pack, "DEM", ["E08000014"])["recorded_pct"]  # doctest: +SKIP
    """
    lad = pack.read("prevalence.recorded", level="lad")
    rows = lad["lad_code"].isin(list(areas)) & (lad["condition"] == condition)
    out = lad[rows].assign(recorded_pct=lambda d: 100 * d["register"] / d["list_size"])
    return copy_meta(out, lad)
