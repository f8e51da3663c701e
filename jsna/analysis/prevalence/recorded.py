"""Recorded prevalence for an area: its practices, its sub-ICB locations, its authorities.

Which practices belong to a local authority is not in the QOF files: practices
are grouped by sub-ICB location (SICBL), which may be shared by several
authorities. :func:`area_practices` takes the practices of the area's sub-ICB
locations (or, without them, the practices most of whose patients live in the
area); :func:`shared_sub_icb_locations` says which of those locations the area
shares with other authorities; :func:`practice_recorded` and
:func:`authority_recorded` give the registers of the area's practices and of a
list of authorities.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from jsna.analysis.geography import hierarchy
from jsna.columns import code_column
from jsna.meta import copy_meta

__all__ = [
    "area_practices",
    "practice_recorded",
    "shared_sub_icb_locations",
    "authority_recorded",
]


def area_practices(
    recorded: pd.DataFrame,
    lookup: pd.DataFrame,
    patients: pd.DataFrame | None = None,
) -> list[str]:
    """Practices of an area: in its sub-ICB locations, else with most of their patients in it.

    Parameters
    ----------
    recorded : DataFrame
        Practice registers with ``practice_code`` and ``sicbl_code`` (the
        practice-level ``prevalence.recorded`` role).
    lookup : DataFrame
        The area's LSOAs (:func:`jsna.analysis.geography.hierarchy`), with a
        ``sicblNN_code`` column when the pack has the LSOA-ICB lookup.
    patients : DataFrame, optional
        Patients registered by practice and LSOA (``gp.lsoa_patients``): when
        the registers or the lookup have no sub-ICB locations, the practices
        with at least half of their patients living in the area's LSOAs.

    Returns
    -------
    list of str
        Practice codes, sorted (empty when neither rule can be applied).

    Examples
    --------
    >>> recorded = pd.DataFrame({"practice_code": ["P1", "P2", "P3"],
    ...                          "sicbl_code": ["S1", "S2", "S1"]})
    >>> lookup = pd.DataFrame({"lsoa21_code": ["L1", "L2"], "sicbl24_code": ["S1", "S1"]})
    >>> area_practices(recorded, lookup)
    ['P1', 'P3']
    >>> patients = pd.DataFrame({"practice_code": ["P1", "P1", "P2"],
    ...                          "lsoa21_code": ["L1", "X9", "L2"], "patients": [30.0, 70.0, 10.0]})
    >>> area_practices(recorded.drop(columns="sicbl_code"), lookup, patients)
    ['P2']
    """
    sicbl = code_column(lookup, "sicbl", required=False)
    if "sicbl_code" in recorded.columns and sicbl and recorded["sicbl_code"].notna().any():
        mine = recorded["sicbl_code"].isin(lookup[sicbl].dropna().unique())
        if mine.any():
            return sorted(recorded.loc[mine, "practice_code"].unique().tolist())
    if patients is None:
        return []
    lsoa = code_column(patients, "lsoa")
    counts = (
        patients.groupby(["practice_code", patients[lsoa].isin(lookup[lsoa])])["patients"]
        .sum()
        .unstack(fill_value=0.0)
    )
    inside = counts.get(True, pd.Series(0.0, index=counts.index))
    share = inside / counts.sum(axis=1)
    return sorted(share[share >= 0.5].index.tolist())


def practice_recorded(pack, area: str, condition: str = "HYP") -> pd.DataFrame:
    """Registers of one condition for the practices of an area (:func:`area_practices`).

    Parameters
    ----------
    pack : DataPack
        With a practice-level ``prevalence.recorded`` file.
    area : str
        Local authority code.
    condition : str, default "HYP"
        QOF group code.

    Returns
    -------
    DataFrame
        The practice-level rows of ``condition`` (in the file's order) for the
        area's practices, with the file's metadata (``period``, ``source``).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> hyp = practice_recorded(pack, DEMO_AREA_CODE, "HYP")
    >>> sorted(hyp["condition"].unique()), hyp["practice_code"].is_unique
    (['HYP'], True)
    """
    recorded = pack.read("prevalence.recorded", level="practice")
    lookup = hierarchy(pack, area)
    patients = pack.read("gp.lsoa_patients") if pack.has("gp.lsoa_patients") else None
    mine = area_practices(recorded, lookup, patients)
    rows = recorded["practice_code"].isin(mine) & (recorded["condition"] == condition)
    return copy_meta(recorded[rows].copy(), recorded)


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
