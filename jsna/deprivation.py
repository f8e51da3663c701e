"""Deprivation: IMD attached to LSOAs, Core20, and population-weighted summaries.

* IMD is attached for an explicitly chosen edition: IoD2019 on LSOA 2011,
  IoD2025 on LSOA 2021. Mixing an edition with the other LSOA vintage is an
  error, never a partial match.
* Core20 is the 20% most deprived LSOAs in England: national IMD deciles 1
  and 2 (NHS England, Core20PLUS5).
* Ward and authority scores are population-weighted averages of LSOA IMD
  scores (weighted scores, never averaged ranks); IoD2019 files without
  scores give NaN scores and a warning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from jsna.exceptions import GeographyError
from jsna.geography import hierarchy, lsoa_column, report_unmatched
from jsna.schema import CORE20, IMD_DECILE, IMD_QUINTILE, IMD_SCORE, POPULATION
from jsna.sources.imd import EDITION_LSOA
from jsna.sources.ons import code_column

__all__ = ["CORE20_DECILES", "attach_imd", "decile_to_quintile", "area_deprivation"]

#: National IMD deciles that make up Core20 (the most deprived 20% of LSOAs).
CORE20_DECILES = (1, 2)


def decile_to_quintile(decile) -> np.ndarray:
    """National IMD quintile (1 most deprived) from the decile.

    Examples
    --------
    >>> decile_to_quintile([1, 2, 3, 10]).tolist()
    [1, 1, 2, 5]
    """
    return (np.asarray(decile, dtype=int) + 1) // 2


def attach_imd(frame: pd.DataFrame, imd: pd.DataFrame, *, unmatched: str = "warn") -> pd.DataFrame:
    """Add IMD score, decile, quintile and the Core20 flag to an LSOA frame.

    The frame's LSOA vintage must be the edition's (IoD2025: ``lsoa21_code``;
    IoD2019: ``lsoa11_code``). LSOAs missing from the IMD file are reported.

    Examples
    --------
    >>> imd = pd.DataFrame({"lsoa21_code": ["A", "B"], "imd_score": [40.0, 5.0], "imd_decile": [1, 9]})
    >>> imd.attrs["edition"] = "IoD2025"
    >>> attach_imd(pd.DataFrame({"lsoa21_code": ["A", "B"]}), imd)[["imd_quintile", "core20"]].values.tolist()
    [[1, True], [5, False]]
    """
    edition = imd.attrs.get("edition", "")
    left, right = lsoa_column(frame), lsoa_column(imd)
    if left != right:
        raise GeographyError(
            f"IMD edition {edition or right} is on {right.split('_')[0].upper()} but the data are on "
            f"{left.split('_')[0].upper()}; use the edition published on the data's LSOAs "
            f"({', '.join(f'{e}: {v.upper()}' for e, v in EDITION_LSOA.items())}) - never mix them"
        )
    report_unmatched(
        frame.loc[~frame[left].isin(imd[right]), left].unique(), what=f"LSOAs missing from {edition or 'the IMD file'}",
        unmatched=unmatched,
    )
    cols = [right, IMD_SCORE, IMD_DECILE]
    out = frame.merge(imd[cols], on=left, how="left")
    decile = out[IMD_DECILE]
    out[IMD_QUINTILE] = ((decile + 1) // 2).astype("Int64")
    out[CORE20] = decile.isin(CORE20_DECILES)
    out.attrs.update(frame.attrs)
    out.attrs["imd_edition"] = edition
    return out


def area_deprivation(pack, area: str, *, edition: str | None = None) -> dict[str, pd.DataFrame]:
    """Population-weighted IMD score and Core20 share by ward and for the authority.

    Parameters
    ----------
    pack : DataPack
    area : str
        Local authority code.
    edition : str, optional
        IoD edition ("IoD2025", "IoD2019"); the most recent in the pack by default.

    Returns
    -------
    dict
        ``"lsoa"``: LSOAs with ward, population, IMD and Core20 flag;
        ``"ward"``: per ward ``population, imd_score`` (population-weighted),
        ``core20_lsoa_share`` and ``core20_population_share`` (percent);
        ``"area"``: the same for the authority (one row).

    Examples
    --------
    >>> from jsna.sources.demo import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> dep = area_deprivation(pack, DEMO_AREA_CODE)
    >>> 0 <= float(dep["area"]["core20_population_share"].iloc[0]) <= 100
    True
    """
    from jsna.population import lsoa_population

    imd = pack.read("imd", edition=edition)
    lookup = hierarchy(pack, area)
    pop = lsoa_population(pack, area)
    totals = pop.groupby("lsoa21_code")[POPULATION].sum()
    ward = code_column(lookup, "wd")
    lsoas = lookup[["lsoa21_code", ward, ward.replace("_code", "_name")]].copy()
    lsoas[POPULATION] = lsoas["lsoa21_code"].map(totals).fillna(0.0)
    lsoas = attach_imd(lsoas, imd)
    if lsoas[IMD_SCORE].isna().all():
        warnings.warn(
            f"{imd.attrs.get('edition')} file has no IMD scores; population-weighted scores are NaN "
            "(Core20 shares use deciles and are unaffected)",
            UserWarning,
            stacklevel=2,
        )

    def summarise(groups: list[str]) -> pd.DataFrame:
        frame = lsoas.assign(
            _wscore=lsoas[IMD_SCORE] * lsoas[POPULATION],
            _core_pop=np.where(lsoas[CORE20], lsoas[POPULATION], 0.0),
            _core=lsoas[CORE20].astype(int),
            _n=1,
        )
        keys = groups if groups else (lambda _: 0)
        g = frame.groupby(keys, sort=True)
        out = g[[POPULATION, "_wscore", "_core_pop", "_core", "_n"]].sum(min_count=1)
        out[IMD_SCORE] = out["_wscore"] / out[POPULATION]
        out["n_lsoas"] = out["_n"].astype(int)
        out["core20_lsoas"] = out["_core"].astype(int)
        out["core20_lsoa_share"] = 100 * out["_core"] / out["_n"]
        out["core20_population_share"] = 100 * out["_core_pop"] / out[POPULATION]
        out = out.drop(columns=["_wscore", "_core_pop", "_core", "_n"])
        return out.reset_index(drop=not groups)

    by_ward = summarise([ward, ward.replace("_code", "_name")])
    whole = summarise([])
    whole.insert(0, "area_code", area)
    for frame in (lsoas, by_ward, whole):
        frame.attrs.update(imd_edition=imd.attrs.get("edition"), note=pop.attrs.get("note", ""))
    return {"lsoa": lsoas, "ward": by_ward, "area": whole}
