"""Population-weighted deprivation profiles of wards and authorities, and Core20 shares.

Rules
-----
* Ward and authority scores are population-weighted averages of LSOA IMD
  scores (weighted scores, never averaged ranks). A unit whose population is
  incomplete gets NaN population figures, never a partial sum.
* Core20 is the 20% most deprived LSOAs in England (national IMD deciles 1
  and 2); a Core20 ward has at least :data:`CORE20_WARD_THRESHOLD` % of its
  residents in Core20 LSOAs.
* LSOAs missing from the IMD file are reported and left out of the shares.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.analysis.deprivation.imd import QUINTILES, attach_imd, local_quantiles
from jsna.analysis.geography import (
    LEVELS,
    area_wards,
    bridge_lsoa11_to_lsoa21,
    hierarchy,
    lsoa_column,
    require_population,
    warn_unplaced_residents,
)
from jsna.columns import (
    CORE20,
    IMD_DECILE,
    IMD_SCORE,
    POPULATION,
    as_list,
    code_column,
)
from jsna.exceptions import DataValidationError, GeographyError, SourceError, first_values
from jsna.meta import meta, with_meta
from jsna.reference.imd import EDITION_LSOA

__all__ = [
    "CORE20_WARD_THRESHOLD",
    "lsoa_population_totals",
    "deprivation_profile",
    "core20_shares",
    "area_deprivation",
]

#: A ward (or other unit) counts as a Core20 ward when at least this share (%) of its
#: residents live in Core20 LSOAs.
CORE20_WARD_THRESHOLD = 50.0


def lsoa_population_totals(pack, edition: str | None = None) -> pd.Series:
    """Residents of each LSOA on the IMD edition's LSOA vintage, from the pack's population file.

    A population on LSOA 2011 is used as it is for IoD2019 and moved to LSOA
    2021 for IoD2025 (split 2011 LSOAs shared equally, as
    :func:`jsna.analysis.population.lsoa_population`); its ``note`` metadata says so.

    Returns
    -------
    pandas.Series
        Population indexed by LSOA code (index named ``lsoa11_code`` or ``lsoa21_code``).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> totals = lsoa_population_totals(pack)
    >>> totals.index.name, bool(totals.gt(0).all())
    ('lsoa21_code', True)
    """
    imd_entry = pack.entry("imd", edition=edition)
    edition = imd_entry.get("edition") or edition or "IoD2025"
    if edition not in EDITION_LSOA:
        raise SourceError(f"unknown IoD edition {edition!r}; use one of {sorted(EDITION_LSOA)}")
    target = f"{EDITION_LSOA[edition]}_code"
    pop = pack.read("population.lsoa")
    have = lsoa_column(pop)
    note = ""
    if have != target:
        if have == "lsoa11_code" and target == "lsoa21_code":
            bridge = pack.read("lookup.lsoa11_lsoa21")
            totals = pop.groupby(have, sort=False)[POPULATION].sum().rename_axis(have).reset_index()
            pop = bridge_lsoa11_to_lsoa21(totals, bridge, POPULATION, unmatched="warn")
            counts = meta(pop, "bridging")
            note = (
                "Population estimates on 2011 LSOAs were moved to 2021 LSOAs with the ONS lookup "
                f"({counts.get('S', 0)} split and {counts.get('X', 0)} irregular 2011 LSOAs "
                "shared equally)."
            )
        else:
            raise GeographyError(
                f"the population file is on {have.split('_')[0].upper()} but {edition} is on "
                f"{target.split('_')[0].upper()}; "
                "LSOA 2021 populations cannot be moved back to 2011 "
                "LSOAs: use IoD2025 with this population file"
            )
    out = pop.groupby(target, sort=True)[POPULATION].sum()
    period = meta(pack.read("population.lsoa"), "period", "")
    return with_meta(out, note=note, period=period, edition=edition)


def deprivation_profile(
    lookup: pd.DataFrame,
    imd: pd.DataFrame,
    population: pd.Series | None = None,
    *,
    level: str = "ward",
    unmatched: str = "warn",
) -> pd.DataFrame:
    """Core20 shares and the population-weighted IMD score of every ward (or authority).

    Vectorised over the whole lookup, so all of England (about 33,800 LSOAs,
    7,000 wards) takes milliseconds.

    Parameters
    ----------
    lookup : DataFrame
        One row per LSOA with the LSOA code of the edition's vintage and the
        target level's code (and name) columns, e.g. the
        ``lookup.lsoa_ward_lad`` frame or :func:`jsna.analysis.geography.hierarchy`.
    imd : DataFrame
        The pack's ``imd`` frame (its ``edition`` metadata names the edition).
    population : Series, optional
        Residents per LSOA, indexed by LSOA code (see
        :func:`lsoa_population_totals`). Without it the population columns are NaN.
    level : {"ward", "lad", "msoa", "icb", "sicbl"}
        The unit to profile.
    unmatched : {"warn", "raise"}
        What to do with LSOAs missing from the IMD file.

    Returns
    -------
    DataFrame
        One row per unit, sorted by code: the unit's code and name columns
        (and the ``lad`` code and name for wards), ``n_lsoas`` (in the
        lookup), ``lsoas_with_imd``, ``core20_lsoas``, ``core20_lsoa_share``
        (% of LSOAs with IMD), ``population``, ``core20_population``,
        ``core20_population_share`` (%), ``imd_score`` (population-weighted;
        NaN without scores or population) and ``population_share_q1`` ...
        ``population_share_q5`` (% of residents in each national quintile).
        Population figures are NaN for a unit with any LSOA lacking a population.

    Examples
    --------
    >>> lookup = pd.DataFrame({"lsoa21_code": ["A", "B", "C"], "wd24_code": ["W1", "W1", "W2"],
    ...                        "wd24_name": ["North", "North", "South"]})
    >>> imd = pd.DataFrame({"lsoa21_code": ["A", "B", "C"], "imd_score": [50.0, 10.0, 20.0],
    ...                     "imd_decile": [1, 8, 5]})
    >>> imd = with_meta(imd, edition="IoD2025")
    >>> pop = pd.Series([100.0, 300.0, 200.0], index=["A", "B", "C"])
    >>> prof = deprivation_profile(lookup, imd, pop)
    >>> prof[["wd24_code", "core20_lsoa_share", "core20_population_share", "imd_score"]]
      wd24_code  core20_lsoa_share  core20_population_share  imd_score
    0        W1               50.0                     25.0       20.0
    1        W2                0.0                      0.0       20.0
    """
    if level not in LEVELS or level == "lsoa":
        raise DataValidationError(
            f"level={level!r}; profile one of 'ward', 'lad', 'msoa', 'icb', 'sicbl'"
        )
    left = lsoa_column(lookup)
    unit = code_column(lookup, LEVELS[level])
    keys = [unit] + [c for c in (unit.replace("_code", "_name"),) if c in lookup.columns]
    if level == "ward":
        lad = code_column(lookup, "lad", required=False)
        if lad is not None:
            keys += [lad] + [c for c in (lad.replace("_code", "_name"),) if c in lookup.columns]
    lsoas = attach_imd(lookup[[left, *keys]], imd, unmatched=unmatched)
    values = (
        None
        if population is None
        else lsoas[left].map(population).to_numpy(dtype=float, na_value=np.nan)
    )
    out = _summarise(lsoas, keys, values, level)
    return with_meta(
        out,
        imd_edition=meta(imd, "edition", ""),
        level=level,
        note=meta(population, "note", "") if population is not None else "",
    )


def _summarise(
    lsoas: pd.DataFrame, keys: list[str], pop: np.ndarray | None, level: str
) -> pd.DataFrame:
    """Per-unit sums of an LSOA frame that already has IMD attached (see deprivation_profile)."""
    left, unit = lsoa_column(lsoas), keys[0]
    if lsoas[left].duplicated().any():
        raise DataValidationError(
            "lookup has LSOAs listed more than once: "
            f"{first_values(lsoas.loc[lsoas[left].duplicated(), left])}; "
            "give one row per LSOA (a best-fit lookup)"
        )
    codes, uniques = pd.factorize(lsoas[unit], sort=True)
    if (codes < 0).any():
        raise DataValidationError(
            f"lookup column {unit!r} has missing codes; every LSOA needs its {level}"
        )
    ng = len(uniques)

    def total(weights) -> np.ndarray:
        return np.bincount(codes, weights=np.asarray(weights, dtype=float), minlength=ng)

    decile = lsoas[IMD_DECILE].to_numpy(dtype=float, na_value=np.nan)
    has = ~np.isnan(decile)
    core = lsoas[CORE20].to_numpy(dtype=bool)
    if pop is None:
        pop = np.full(len(lsoas), np.nan)
    score = lsoas[IMD_SCORE].to_numpy(dtype=float, na_value=np.nan)
    pop_h = np.where(has, np.nan_to_num(pop), 0.0)
    pop_missing = total(has & np.isnan(pop)) > 0
    n_imd = total(has)
    _, first = np.unique(codes, return_index=True)
    out = lsoas[keys].iloc[first].reset_index(drop=True)
    out["n_lsoas"] = total(np.ones(len(lsoas))).astype(int)
    out["lsoas_with_imd"] = n_imd.astype(int)
    out["core20_lsoas"] = total(core).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["core20_lsoa_share"] = np.where(n_imd > 0, 100 * total(core) / n_imd, np.nan)
        people = np.where(pop_missing, np.nan, total(pop_h))
        out[POPULATION] = people
        out["core20_population"] = np.where(pop_missing, np.nan, total(np.where(core, pop_h, 0.0)))
        out["core20_population_share"] = 100 * out["core20_population"].to_numpy() / people
        scored = has & ~np.isnan(score)
        w_score = total(np.where(scored, score * pop_h, 0.0))
        w_pop = total(np.where(scored, pop_h, 0.0))
        out[IMD_SCORE] = np.where(pop_missing | (total(scored) < n_imd), np.nan, w_score / w_pop)
        quintile = np.where(has, (np.nan_to_num(decile) + 1) // 2, 0)
        for q in QUINTILES:
            out[f"population_share_q{q}"] = (
                100 * total(np.where(quintile == q, pop_h, 0.0)) / people
            )
    return out


def core20_shares(
    pack, edition: str | None = None, *, areas: Sequence[str] | None = None
) -> pd.DataFrame:
    """Share of LSOAs and of residents in Core20 (national IMD deciles 1-2) for every authority.

    Parameters
    ----------
    pack : DataPack
    edition : str, optional
        "IoD2025" (LSOA 2021, authorities from the ``lookup.lsoa_ward_lad``
        best-fit lookup) or "IoD2019" (LSOA 2011, authorities from the
        ``lookup.lsoa11_lsoa21`` lookup's LAD columns); default the most recent.
    areas : list of str, optional
        Keep only these authorities.

    Returns
    -------
    DataFrame
        One row per English authority, most deprived first: ``edition,
        area_code, area_name, n_lsoas, core20_lsoas, core20_lsoa_share,
        population, core20_population, core20_population_share, imd_score``.
        Population figures are NaN where the pack's population file does not
        cover every LSOA of the authority, and for every authority when the
        population is on LSOA 2021 and the edition on LSOA 2011 (IoD2019 next to
        a 2021 population: a population is never moved back to 2011 LSOAs; the
        note says so). Welsh LSOAs are outside the English
        Indices and left out; the ``note`` metadata says what was done.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> shares = core20_shares(pack, areas=[DEMO_AREA_CODE])
    >>> shares["area_code"].tolist(), bool(0 < shares["core20_lsoa_share"].item() < 100)
    (['E06999001'], True)
    """
    imd = pack.read("imd", edition=edition)
    edition = meta(imd, "edition")
    notes = []
    if lsoa_column(imd) == "lsoa21_code":
        lookup = pack.read("lookup.lsoa_ward_lad")
        lad = code_column(lookup, "lad")
    else:
        lookup = pack.read("lookup.lsoa11_lsoa21")
        lad = code_column(lookup, "lad")
        lookup = lookup[["lsoa11_code", lad, lad.replace("_code", "_name")]].drop_duplicates(
            "lsoa11_code"
        )
        notes.append(
            f"{edition} LSOAs (2011) are placed in authorities by the LSOA 2011 to 2021 lookup's "
            f"{lad.split('_')[0].upper()} codes "
            "(irregular LSOAs spanning two authorities in the first listed)."
        )
    left = lsoa_column(lookup)
    english = lookup[left].str.startswith("E")
    if not english.all():
        notes.append(
            f"{int((~english).sum())} Welsh LSOAs are outside the English Indices and left out."
        )
    lookup = lookup[english]
    population = None
    if pack.has("population.lsoa"):
        have = lsoa_column(pack.read("population.lsoa"))
        if have == "lsoa21_code" and lsoa_column(imd) == "lsoa11_code":
            notes.append(
                f"Residents' shares are not given for {edition}: it is on 2011 LSOAs and the "
                "pack's population on 2021 LSOAs, which are never moved back to 2011 LSOAs "
                "(the shares of LSOAs are given)."
            )
        else:
            population = lsoa_population_totals(pack, edition)
            if meta(population, "note"):
                notes.append(meta(population, "note"))
    profile = deprivation_profile(lookup, imd, population, level="lad")
    out = profile.rename(columns={lad: "area_code", lad.replace("_code", "_name"): "area_name"})
    out.insert(0, "edition", edition)
    if population is not None:
        covered = int(out[POPULATION].notna().sum())
        notes.append(
            f"Population-weighted shares for the {covered} of {len(out)} authorities whose every "
            "LSOA has a population in the pack."
        )
    if areas is not None:
        areas = [str(a) for a in as_list(areas)]
        missing = sorted(set(areas) - set(out["area_code"]))
        if missing:
            raise GeographyError(
                f"areas {first_values(missing)} are not authorities of {edition}'s lookup"
            )
        out = out[out["area_code"].isin(areas)]
    out = out.sort_values(
        ["core20_lsoa_share", "area_code"], ascending=[False, True], kind="stable"
    )
    cols = [
        "edition",
        "area_code",
        "area_name",
        "n_lsoas",
        "core20_lsoas",
        "core20_lsoa_share",
        POPULATION,
        "core20_population",
        "core20_population_share",
        IMD_SCORE,
    ]
    out = out[[c for c in cols if c in out.columns]].reset_index(drop=True)
    out = pd.DataFrame({c: out[c] for c in out.columns})  # a fresh frame: none of the profile's
    return with_meta(out, edition=edition, note=" ".join(notes))


def area_deprivation(pack, area: str, *, edition: str | None = None) -> dict[str, pd.DataFrame]:
    """Population-weighted IMD score and Core20 share by LSOA, ward and for the authority.

    Parameters
    ----------
    pack : DataPack
    area : str
        Local authority code.
    edition : str, optional
        IoD edition ("IoD2025", "IoD2019"); the most recent in the pack by
        default. It must be on the lookup's LSOA vintage (mixing is an error).

    Returns
    -------
    dict
        ``"lsoa"``: LSOAs with ward, population, IMD, national quintile,
        ``local_quintile``/``local_decile`` (among the area's LSOAs) and the
        Core20 flag; ``"ward"``: per ward the columns of
        :func:`deprivation_profile` plus ``local_quintile`` (wards ranked by
        their population-weighted score within the area), ``core20_ward``
        (at least half the residents in Core20 LSOAs) and ``no_lsoa`` (a
        ward with a boundary but no LSOA in the best-fit lookup, kept as no
        data); ``"area"``: the same for the authority (one row).

    Raises
    ------
    DataValidationError
        If an LSOA of the area has no population estimate (its residents cannot
        be counted). Residents of LSOAs in no authority of the lookup are left
        out with a warning naming them.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> dep = area_deprivation(pack, DEMO_AREA_CODE)
    >>> 0 <= float(dep["area"]["core20_population_share"].iloc[0]) <= 100
    True
    """
    imd = pack.read("imd", edition=edition)
    lookup = hierarchy(pack, area)
    left = lsoa_column(lookup)
    ward = code_column(lookup, "wd")
    ward_name = ward.replace("_code", "_name")
    lad = code_column(lookup, "lad")
    lad_name = lad.replace("_code", "_name")
    edition = meta(imd, "edition")
    population = lsoa_population_totals(pack, edition)
    source = pack.entry("population.lsoa").describe()
    if population.index.name == left:  # residents in no area of the lookup, and LSOAs of
        full = pack.read("lookup.lsoa_ward_lad")  # the area with none: never silent
        warn_unplaced_residents(
            population.index.to_series(), population.to_numpy(), full[left], source=source
        )
        require_population(lookup[left], population.index, area=area, source=source)
    lsoas = attach_imd(lookup[[left, ward, ward_name, lad, lad_name]], imd)
    pop = lsoas[left].map(population).to_numpy(dtype=float, na_value=np.nan)
    lsoas[POPULATION] = np.nan_to_num(pop)
    lsoas = local_quantiles(local_quantiles(lsoas, 5), 10)
    if lsoas[IMD_SCORE].isna().all():
        warnings.warn(
            f"{edition} file has no IMD scores; population-weighted scores are NaN "
            "(Core20 shares use deciles and are unaffected)",
            UserWarning,
            stacklevel=2,
        )
    by_ward = _summarise(lsoas, [ward, ward_name], pop, "ward")
    by_ward["no_lsoa"] = False
    if pack.has("boundaries.ward"):
        wards = area_wards(pack, area)
        extra = wards.loc[~wards["ward_code"].isin(by_ward[ward]), ["ward_code", "ward_name"]]
        if len(extra):
            blank = pd.DataFrame(
                {
                    ward: extra["ward_code"].to_numpy(),
                    ward_name: extra["ward_name"].to_numpy(),
                    "n_lsoas": 0,
                    "lsoas_with_imd": 0,
                    "core20_lsoas": 0,
                    "no_lsoa": True,
                }
            )
            by_ward = pd.concat([by_ward, blank], ignore_index=True)
    by_ward = by_ward.sort_values(ward_name, kind="stable").reset_index(drop=True)
    if by_ward[IMD_SCORE].notna().sum() >= 5:
        by_ward = local_quantiles(by_ward, 5)
    else:
        by_ward["local_quintile"] = np.nan
    core20_ward = pd.array(
        by_ward["core20_population_share"].ge(CORE20_WARD_THRESHOLD).to_numpy(), dtype="boolean"
    )
    core20_ward[by_ward["core20_population_share"].isna().to_numpy()] = pd.NA
    by_ward["core20_ward"] = core20_ward
    whole = _summarise(lsoas, [lad, lad_name], pop, "lad")
    whole = whole.rename(columns={lad: "area_code", lad_name: "area_name"})
    lsoas = lsoas.drop(columns=[lad, lad_name])
    note = meta(population, "note", "")
    for frame in (lsoas, by_ward, whole):
        with_meta(frame, imd_edition=edition, note=note)
    return {"lsoa": lsoas, "ward": by_ward, "area": whole}
