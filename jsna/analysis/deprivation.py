"""Deprivation: IMD attached to LSOAs, Core20, deprivation profiles and gradients.

Rules
-----
* IMD is attached for an explicitly chosen edition: IoD2019 on LSOA 2011,
  IoD2025 on LSOA 2021. Mixing an edition with the other LSOA vintage is an
  error, never a partial match. LSOAs missing from the IMD file are reported
  and left out of the shares (they count neither as Core20 nor as not).
* National deciles and quintiles are the published ones (decile 1 = the most
  deprived 10% of LSOAs in England; quintile 1 = deciles 1 and 2). Local
  quantiles rank an area's own LSOAs (or wards) by IMD score with the OHID
  rule (:func:`jsna.stats.inequality.quantiles`); without scores (the IoD2019
  file in the real pack) they rank by national IMD rank instead.
* Core20 is the 20% most deprived LSOAs in England: national IMD deciles 1
  and 2 (NHS England, Core20PLUS5).
* Ward and authority scores are population-weighted averages of LSOA IMD
  scores (weighted scores, never averaged ranks). A unit whose population is
  incomplete gets NaN population figures, never a partial sum.
* Indicators by deprivation sum counts within deprivation groups and then
  compute the statistic (:mod:`jsna.stats`); the gap is most deprived against
  least deprived; the SII and RII come from :func:`jsna.stats.inequality.sii`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.analysis.geography import (
    LEVELS,
    bridge_lsoa11_to_lsoa21,
    hierarchy,
    lsoa_column,
    report_unmatched,
)
from jsna.columns import (
    CORE20,
    IMD_DECILE,
    IMD_QUINTILE,
    IMD_RANK,
    IMD_SCORE,
    POPULATION,
    as_list,
    check_columns,
    code_column,
    numeric_column,
)
from jsna.exceptions import DataValidationError, GeographyError, SourceError, first_values
from jsna.reference.imd import EDITION_LSOA
from jsna.stats.intervals import z_value

__all__ = [
    "CORE20_DECILES",
    "QUINTILES",
    "decile_to_quintile",
    "attach_imd",
    "local_quantiles",
    "lsoa_population_totals",
    "deprivation_profile",
    "area_deprivation",
    "core20_shares",
    "by_deprivation",
    "gap",
    "inequality_indices",
    "ward_indicators_by_deprivation",
    "inequality_summary",
    "fingertips_deprivation_deciles",
]

#: National IMD deciles that make up Core20 (the most deprived 20% of LSOAs).
CORE20_DECILES = (1, 2)
#: National IMD quintiles, 1 = most deprived.
QUINTILES = (1, 2, 3, 4, 5)
#: A ward (or other unit) counts as a Core20 ward when at least this share (%) of its residents live in Core20 LSOAs.
CORE20_WARD_THRESHOLD = 50.0


def decile_to_quintile(decile) -> np.ndarray:
    """National IMD quintile (1 most deprived) from the decile.

    Examples
    --------
    >>> decile_to_quintile([1, 2, 3, 10]).tolist()
    [1, 1, 2, 5]
    """
    return (np.asarray(decile, dtype=int) + 1) // 2


def attach_imd(frame: pd.DataFrame, imd: pd.DataFrame, *, unmatched: str = "warn") -> pd.DataFrame:
    """Add IMD score, rank, decile, quintile and the Core20 flag to an LSOA frame.

    The frame's LSOA vintage must be the edition's (IoD2025: ``lsoa21_code``;
    IoD2019: ``lsoa11_code``). LSOAs missing from the IMD file are reported
    (a warning by default, an error with ``unmatched="raise"``) and get NaN
    deciles and ``core20`` False.

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
    repeated = imd[right].duplicated(keep=False)
    if repeated.any():
        raise DataValidationError(
            f"IMD ({edition or 'no edition'}) lists LSOAs more than once: {first_values(imd.loc[repeated, right])}; "
            "each LSOA needs exactly one decile - read the file through DataPack or drop the duplicates"
        )
    decile_values = pd.to_numeric(imd[IMD_DECILE], errors="coerce")
    bad = ~decile_values.isin(range(1, 11))
    if bad.any():
        raise DataValidationError(
            f"IMD ({edition or 'no edition'}) column {IMD_DECILE!r} has values outside 1-10: "
            f"{first_values(imd.loc[bad, IMD_DECILE])}; deciles are national, 1 = most deprived"
        )
    report_unmatched(
        frame.loc[~frame[left].isin(imd[right]), left].unique(),
        what=f"LSOAs missing from {edition or 'the IMD file'}",
        unmatched=unmatched,
    )
    cols = [right, IMD_SCORE] + ([IMD_RANK] if IMD_RANK in imd.columns else []) + [IMD_DECILE]
    out = frame.merge(imd[cols], on=left, how="left")
    decile = out[IMD_DECILE]
    out[IMD_QUINTILE] = ((decile + 1) // 2).astype("Int64")
    out[CORE20] = decile.isin(CORE20_DECILES).to_numpy(dtype=bool)
    out.attrs.update(frame.attrs)
    out.attrs["imd_edition"] = edition
    return out


def _quantile_name(n: int) -> str:
    return {5: "local_quintile", 10: "local_decile"}.get(n, f"local_q{n}")


def local_quantiles(
    frame: pd.DataFrame,
    n: int = 5,
    *,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Add local deprivation quantiles (1 = most deprived) ranking the frame's own rows.

    Parameters
    ----------
    frame : DataFrame
        LSOAs (from :func:`attach_imd`) or wards (from :func:`deprivation_profile`).
    n : int
        5 for quintiles (column ``local_quintile``), 10 for deciles
        (``local_decile``); other numbers give ``local_q<n>``.
    by : str or list of str, optional
        Rank separately within these groups (e.g. ``lad24_code``).
    value : str, optional
        Column to rank by. Default ``imd_score`` (higher = more deprived), or
        ``imd_rank`` (lower = more deprived) when there are no scores.

    Returns
    -------
    DataFrame
        A copy with the quantile column added (float, NaN where the value is NaN).

    Examples
    --------
    >>> df = pd.DataFrame({"ward": list("abcdefghij"), "imd_score": [50, 45, 40, 35, 30, 25, 20, 15, 10, 5]})
    >>> local_quantiles(df, 5)["local_quintile"].tolist()
    [1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0]
    """
    from jsna.stats.inequality import quantiles

    if value is None:
        has_score = IMD_SCORE in frame.columns and frame[IMD_SCORE].notna().any()
        if not has_score and IMD_RANK not in frame.columns:
            raise DataValidationError(
                f"local_quantiles needs an {IMD_SCORE!r} or {IMD_RANK!r} column (or value=); "
                f"columns are {first_values(list(frame.columns), 10)}"
            )
        value = IMD_SCORE if has_score else IMD_RANK
    check_columns(frame, {"value": value, "by": as_list(by)})
    name = _quantile_name(n)
    invert = value != IMD_RANK
    ranked = quantiles(
        frame.drop(columns=[name], errors="ignore"), value, by=by, n=n, invert=invert
    )
    out = ranked.rename(columns={"quantile": name})
    out.attrs.update(frame.attrs)
    out.attrs[f"{name}_by"] = value
    return out


def lsoa_population_totals(pack, edition: str | None = None) -> pd.Series:
    """Residents of each LSOA on the IMD edition's LSOA vintage, from the pack's population file.

    A population on LSOA 2011 is used as it is for IoD2019 and moved to LSOA
    2021 for IoD2025 (split 2011 LSOAs shared equally, as
    :func:`jsna.analysis.population.lsoa_population`); ``attrs["note"]`` says so.

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
            counts = pop.attrs["bridging"]
            note = (
                "Population estimates on 2011 LSOAs were moved to 2021 LSOAs with the ONS lookup "
                f"({counts.get('S', 0)} split and {counts.get('X', 0)} irregular 2011 LSOAs shared equally)."
            )
        else:
            raise GeographyError(
                f"the population file is on {have.split('_')[0].upper()} but {edition} is on "
                f"{target.split('_')[0].upper()}; LSOA 2021 populations cannot be moved back to 2011 "
                "LSOAs: use IoD2025 with this population file"
            )
    out = pop.groupby(target, sort=True)[POPULATION].sum()
    out.attrs.update(
        note=note, period=pack.read("population.lsoa").attrs.get("period", ""), edition=edition
    )
    return out


def deprivation_profile(
    lookup: pd.DataFrame,
    imd: pd.DataFrame,
    population: pd.Series | None = None,
    *,
    level: str = "ward",
    unmatched: str = "warn",
) -> pd.DataFrame:
    """Core20 shares and the population-weighted IMD score for every ward (or authority) of a lookup.

    Vectorised over the whole lookup, so all of England (about 33,800 LSOAs,
    7,000 wards) takes milliseconds.

    Parameters
    ----------
    lookup : DataFrame
        One row per LSOA with the LSOA code of the edition's vintage and the
        target level's code (and name) columns, e.g. the
        ``lookup.lsoa_ward_lad`` frame or :func:`jsna.analysis.geography.hierarchy`.
    imd : DataFrame
        The pack's ``imd`` frame (``attrs["edition"]`` names the edition).
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
    >>> imd.attrs["edition"] = "IoD2025"
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
    out.attrs.update(
        imd_edition=imd.attrs.get("edition", ""),
        level=level,
        note=population.attrs.get("note", "") if population is not None else "",
    )
    return out


def _summarise(
    lsoas: pd.DataFrame, keys: list[str], pop: np.ndarray | None, level: str
) -> pd.DataFrame:
    """Per-unit sums of an LSOA frame that already has IMD attached (see deprivation_profile)."""
    left, unit = lsoa_column(lsoas), keys[0]
    if lsoas[left].duplicated().any():
        raise DataValidationError(
            f"lookup has LSOAs listed more than once: {first_values(lsoas.loc[lsoas[left].duplicated(), left])}; "
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
        cover every LSOA of the authority. Welsh LSOAs are outside the English
        Indices and left out; ``attrs["note"]`` says what was done.

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
    edition = imd.attrs.get("edition")
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
            f"{lad.split('_')[0].upper()} codes (irregular LSOAs spanning two authorities in the first listed)."
        )
    left = lsoa_column(lookup)
    english = lookup[left].str.startswith("E")
    if not english.all():
        notes.append(
            f"{int((~english).sum())} Welsh LSOAs are outside the English Indices and left out."
        )
    lookup = lookup[english]
    population = lsoa_population_totals(pack, edition) if pack.has("population.lsoa") else None
    if population is not None and population.attrs.get("note"):
        notes.append(population.attrs["note"])
    profile = deprivation_profile(lookup, imd, population, level="lad")
    out = profile.rename(columns={lad: "area_code", lad.replace("_code", "_name"): "area_name"})
    out.insert(0, "edition", edition)
    covered = int(out[POPULATION].notna().sum())
    notes.append(
        f"Population-weighted shares for the {covered} of {len(out)} authorities whose every LSOA "
        "has a population in the pack."
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
    out.attrs = {}
    out.attrs.update(edition=edition, note=" ".join(notes))
    return out


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
    population = lsoa_population_totals(pack, imd.attrs.get("edition"))
    lsoas = attach_imd(lookup[[left, ward, ward_name, lad, lad_name]], imd)
    pop = lsoas[left].map(population).to_numpy(dtype=float, na_value=np.nan)
    lsoas[POPULATION] = np.nan_to_num(pop)
    lsoas = local_quantiles(local_quantiles(lsoas, 5), 10)
    if lsoas[IMD_SCORE].isna().all():
        warnings.warn(
            f"{imd.attrs.get('edition')} file has no IMD scores; population-weighted scores are NaN "
            "(Core20 shares use deciles and are unaffected)",
            UserWarning,
            stacklevel=2,
        )
    by_ward = _summarise(lsoas, [ward, ward_name], pop, "ward")
    by_ward["no_lsoa"] = False
    if pack.has("boundaries.ward"):
        from jsna.analysis.geography import area_wards

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
    note = population.attrs.get("note", "")
    for frame in (lsoas, by_ward, whole):
        frame.attrs.update(imd_edition=imd.attrs.get("edition"), note=note)
    return {"lsoa": lsoas, "ward": by_ward, "area": whole}


# ---------------------------------------------------------------------------- indicators by deprivation
_KINDS = ("proportion", "rate", "dsr")


def by_deprivation(
    frame: pd.DataFrame,
    count: str,
    denominator: str,
    *,
    group: str = IMD_QUINTILE,
    kind: str = "proportion",
    by: str | Sequence[str] | None = None,
    multiplier: float | None = None,
    age_band: str | None = None,
    confidence=(0.95, 0.998),
) -> pd.DataFrame:
    """An indicator by deprivation group, from counts summed within each group.

    Parameters
    ----------
    frame : DataFrame
        Counts for small areas (LSOAs or wards) with their deprivation group
        (e.g. ``imd_quintile``, ``imd_decile``, ``local_quintile`` or the
        ``core20`` flag).
    count, denominator : str
        Numerator and denominator (population for rates) columns.
    group : str
        The deprivation group column; default national ``imd_quintile``.
    kind : {"proportion", "rate", "dsr"}
        :func:`jsna.stats.rates.proportion` (Wilson), :func:`jsna.stats.rates.crude_rate`
        (Byar's / exact Poisson) or :func:`jsna.stats.dsr.dsr` (needs ``age_band``).
    by : str or list of str, optional
        Further grouping columns (period, sex, indicator ...).
    multiplier : float, optional
        Default 100 for proportions (a percentage) and 100,000 for rates.
    age_band : str, optional
        Age band column for ``kind="dsr"``.
    confidence : float or sequence of float
        Default (0.95, 0.998).

    Returns
    -------
    DataFrame
        One row per ``by`` group and deprivation group (sorted): the summed
        count and denominator, ``value``, limits, ``statistic``, ``method``.

    Warns
    -----
    UserWarning
        Rows with no deprivation group (an LSOA missing from the IMD file)
        are left out, and say how many.

    Examples
    --------
    >>> df = pd.DataFrame({"imd_quintile": [1, 1, 2, 5], "n": [30, 20, 15, 5], "d": [100, 100, 100, 100]})
    >>> by_deprivation(df, "n", "d", confidence=0.95)[["imd_quintile", "n", "d", "value"]]
       imd_quintile     n      d  value
    0             1  50.0  200.0   25.0
    1             2  15.0  100.0   15.0
    2             5   5.0  100.0    5.0
    """
    if kind not in _KINDS:
        raise DataValidationError(f"kind={kind!r} is not one of {', '.join(map(repr, _KINDS))}")
    by_cols = as_list(by)
    check_columns(
        frame,
        {
            "count": count,
            "denominator": denominator,
            "group": group,
            "by": by_cols,
            "age_band": age_band,
        },
    )
    missing = frame[group].isna().to_numpy()
    if missing.any():
        warnings.warn(
            f"by_deprivation: {int(missing.sum())} row(s) have no {group!r} (e.g. LSOAs missing from the "
            "IMD file) and are left out",
            UserWarning,
            stacklevel=2,
        )
        frame = frame[~missing]
    keys = [*by_cols, group]
    if kind == "proportion":
        from jsna.stats.rates import proportion

        out = proportion(
            frame, count, denominator, by=keys, multiplier=multiplier or 100, confidence=confidence
        )
    elif kind == "rate":
        from jsna.stats.rates import crude_rate

        out = crude_rate(
            frame,
            count,
            denominator,
            by=keys,
            multiplier=multiplier or 100_000,
            confidence=confidence,
        )
    else:
        from jsna.stats.dsr import dsr

        if age_band is None:
            raise DataValidationError("kind='dsr' needs age_band= (the column of age band labels)")
        out = dsr(
            frame,
            count,
            denominator,
            by=keys,
            age_band=age_band,
            multiplier=multiplier or 100_000,
            confidence=confidence,
        )
    out = out.sort_values(keys, kind="stable").reset_index(drop=True)
    out.attrs.update(frame.attrs)
    out.attrs.update(group=group, kind=kind)
    return out


def _most_least(values: pd.Series, most, least):
    levels = pd.unique(values.dropna())
    if pd.api.types.is_bool_dtype(values.dtype) or set(levels) <= {True, False}:
        return (True if most is None else most), (False if least is None else least)
    ordered = sorted(levels)
    return (ordered[0] if most is None else most), (ordered[-1] if least is None else least)


def gap(
    table: pd.DataFrame,
    *,
    group: str = IMD_QUINTILE,
    by: str | Sequence[str] | None = None,
    most=None,
    least=None,
) -> pd.DataFrame:
    """Absolute and relative gap between the most and the least deprived group.

    Parameters
    ----------
    table : DataFrame
        From :func:`by_deprivation` (``value``, ``lower_ci95``, ``upper_ci95``).
    group : str
        The deprivation group column.
    by : str or list of str, optional
        Grouping columns; one gap per group.
    most, least : optional
        The groups to compare; default the lowest group number (most
        deprived) against the highest, or ``True`` against ``False`` for a
        flag such as ``core20``.

    Returns
    -------
    DataFrame
        ``by`` columns, ``most_group, least_group, most_value, least_value,
        absolute_gap`` (most minus least) with ``absolute_lower_ci95`` and
        ``absolute_upper_ci95``, ``relative_gap`` (most divided by least) with
        ``relative_lower_ci95``/``relative_upper_ci95``, and ``method``. The
        limits are approximate: each group's standard error is taken from its
        95% limits (on the log scale for the ratio) and the two are combined
        as independent. A group missing from the table gives NaN and a warning.

    Examples
    --------
    >>> t = pd.DataFrame({"imd_quintile": [1, 5], "value": [30.0, 10.0],
    ...                   "lower_ci95": [27.0, 8.0], "upper_ci95": [33.0, 12.5]})
    >>> g = gap(t)
    >>> g[["absolute_gap", "relative_gap"]].round(2).values.tolist()
    [[20.0, 3.0]]
    >>> bool(g["absolute_lower_ci95"].item() < 20 < g["absolute_upper_ci95"].item())
    True
    """
    by_cols = as_list(by)
    check_columns(
        table,
        {
            "group": group,
            "by": by_cols,
            "value": "value",
            "lower": "lower_ci95",
            "upper": "upper_ci95",
        },
    )
    most, least = _most_least(table[group], most, least)
    z = z_value(0.95)
    cols = ["value", "lower_ci95", "upper_ci95"]
    ends = {}
    for label, level in (("most", most), ("least", least)):
        part = table.loc[table[group] == level, [*by_cols, *cols]]
        if part.duplicated(by_cols).any() if by_cols else len(part) > 1:
            raise DataValidationError(
                f"group {level!r} appears more than once per {by_cols or 'table'}; add the missing column to by="
            )
        ends[label] = part.rename(columns={c: f"{label}_{c}" for c in cols})
    if by_cols:
        keys = table[by_cols].drop_duplicates().reset_index(drop=True)
        out = keys.merge(ends["most"], on=by_cols, how="left").merge(
            ends["least"], on=by_cols, how="left"
        )
    else:
        row = {
            f"{k}_{c}": (ends[k][f"{k}_{c}"].iloc[0] if len(ends[k]) else np.nan)
            for k in ("most", "least")
            for c in cols
        }
        out = pd.DataFrame([row])
    a = {c: out[f"most_{c}"].to_numpy(dtype=float, na_value=np.nan) for c in cols}
    b = {c: out[f"least_{c}"].to_numpy(dtype=float, na_value=np.nan) for c in cols}
    absent = np.isnan(a["value"]) | np.isnan(b["value"])
    if absent.any():
        warnings.warn(
            f"gap: {int(absent.sum())} group(s) lack a value for group {most!r} or {least!r}; "
            "their gap is NaN",
            UserWarning,
            stacklevel=2,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        se_a = (a["upper_ci95"] - a["lower_ci95"]) / (2 * z)
        se_b = (b["upper_ci95"] - b["lower_ci95"]) / (2 * z)
        diff = a["value"] - b["value"]
        half = z * np.sqrt(se_a**2 + se_b**2)
        log_a = (np.log(a["upper_ci95"]) - np.log(a["lower_ci95"])) / (2 * z)
        log_b = (np.log(b["upper_ci95"]) - np.log(b["lower_ci95"])) / (2 * z)
        ratio = a["value"] / b["value"]
        log_half = z * np.sqrt(log_a**2 + log_b**2)
        finite = np.isfinite(log_half)
        rel_lo = np.where(finite, ratio * np.exp(-log_half), np.nan)
        rel_hi = np.where(finite, ratio * np.exp(log_half), np.nan)
    result = out[by_cols].copy() if by_cols else pd.DataFrame(index=range(len(out)))
    result["most_group"] = most
    result["least_group"] = least
    result["most_value"] = a["value"]
    result["least_value"] = b["value"]
    result["absolute_gap"] = diff
    result["absolute_lower_ci95"] = diff - half
    result["absolute_upper_ci95"] = diff + half
    result["relative_gap"] = ratio
    result["relative_lower_ci95"] = rel_lo
    result["relative_upper_ci95"] = rel_hi
    result["method"] = "difference and ratio; approximate 95% limits from each group's limits"
    return result


def inequality_indices(
    table: pd.DataFrame,
    *,
    group: str = IMD_DECILE,
    by: str | Sequence[str] | None = None,
    value_type: str | None = None,
    scale: float | None = None,
    repetitions: int = 10_000,
    seed: int = 1,
    confidence=0.95,
) -> pd.DataFrame:
    """Slope and relative index of inequality (SII, RII) across deprivation groups.

    Parameters
    ----------
    table : DataFrame
        From :func:`by_deprivation`: one row per group (quintile or decile,
        1 = most deprived) with ``value``, its 95% limits and the
        denominator (the regression weights are the denominators' shares).
    group : str
        The deprivation group column (5 to 100 groups).
    by : str or list of str, optional
        Grouping columns; one SII and RII per group.
    value_type : {"proportion", "rate", "other"}, optional
        Default from the table's ``statistic``: percentages and proportions
        are proportions, anything else a rate.
    scale : float, optional
        What the values are multiplied by (100 for percentages); default
        from the ``statistic`` column (100 for "percentage", else 1). The SII
        is reported on the values' own scale (percentage points, rate per
        100,000 ...).
    repetitions, seed : int
        Simulations for the limits (at least 1,000) and their seed.
    confidence : float or sequence of float
        Default 0.95.

    Returns
    -------
    DataFrame
        Two rows per group (``statistic`` "sii" and "rii") with ``value``,
        simulated limits, ``intercept`` and ``method``, as
        :func:`jsna.stats.inequality.sii`.

    Examples
    --------
    >>> t = pd.DataFrame({"imd_quintile": [1, 2, 3, 4, 5], "n": [300, 250, 200, 150, 100],
    ...                   "d": [1000] * 5})
    >>> table = by_deprivation(t, "n", "d", confidence=0.95)
    >>> out = inequality_indices(table, group="imd_quintile")
    >>> out[["statistic", "value"]].round(2)
      statistic  value
    0       sii -25.00
    1       rii   0.23
    """
    from jsna.stats.inequality import sii

    by_cols = as_list(by)
    check_columns(table, {"group": group, "by": by_cols})
    denominator = _denominator_column(table)
    statistic = (
        str(table["statistic"].iloc[0]) if "statistic" in table.columns and len(table) else ""
    )
    if value_type is None:
        value_type = "proportion" if statistic in ("percentage", "proportion of 1") else "rate"
    if scale is None:
        scale = 100.0 if statistic == "percentage" else 1.0
    if value_type != "proportion":
        scale = 1.0 if scale is None else scale
    work = table[[*by_cols, group, denominator]].copy()
    for column in ("value", "lower_ci95", "upper_ci95"):
        work[column] = numeric_column(table, column, column) / (
            scale if value_type == "proportion" else 1.0
        )
    out = sii(
        work,
        "value",
        denominator,
        group,
        by=by_cols or None,
        value_type=value_type,
        multiplier=scale if value_type == "proportion" else 1,
        repetitions=repetitions,
        seed=seed,
        confidence=confidence,
    )
    return out


def _denominator_column(table: pd.DataFrame) -> str:
    """The denominator column of a by_deprivation table (the one before ``value``)."""
    columns = list(table.columns)
    if "value" not in columns:
        raise DataValidationError(
            f"the table has no 'value' column; columns are {first_values(columns, 10)}"
        )
    position = columns.index("value")
    if position < 1:
        raise DataValidationError(
            "the table has no denominator column before 'value'; use by_deprivation"
        )
    return columns[position - 1]


# ---------------------------------------------------------------------------- indicators published for wards
#: Multipliers tried when checking whether a published value is count / denominator x multiplier.
_MULTIPLIERS = (100.0, 1_000.0, 10_000.0, 100_000.0)
_KEYS = ["indicator_id", "indicator_name", "sex", "age", "period"]


def _summable(rows: pd.DataFrame) -> float | None:
    """The multiplier m if every row's value is count / denominator x m (a proportion or crude rate)."""
    count = rows["count"].to_numpy(dtype=float, na_value=np.nan)
    denominator = rows["denominator"].to_numpy(dtype=float, na_value=np.nan)
    value = rows["value"].to_numpy(dtype=float, na_value=np.nan)
    usable = np.isfinite(count) & np.isfinite(denominator) & (denominator > 0) & np.isfinite(value)
    if not usable.any() or usable.sum() < 0.8 * len(rows):
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = count[usable] / denominator[usable]
    for m in _MULTIPLIERS:
        if np.allclose(ratio * m, value[usable], rtol=1e-3, atol=1e-6):
            return m
    return None


def ward_indicators_by_deprivation(
    indicators: pd.DataFrame,
    wards: pd.DataFrame,
    *,
    group: str = "local_quintile",
    latest: bool = True,
) -> pd.DataFrame:
    """Indicators published for wards, regrouped by the wards' deprivation group.

    Parameters
    ----------
    indicators : DataFrame
        The tidy Fingertips frame (``pack.read("indicators.fingertips")``);
        only rows whose ``area_code`` is one of ``wards`` are used.
    wards : DataFrame
        ``area_deprivation(pack, area)["ward"]``: a ward code column, ``population``
        and the ``group`` column (``local_quintile``, ``core20_ward`` ...).
    group : str
        Deprivation group of each ward.
    latest : bool
        Only each indicator's latest period with ward rows (default), or every period.

    Returns
    -------
    DataFrame
        One row per indicator, sex, age, period and group: ``count``,
        ``denominator``, ``value``, ``lower_ci95``, ``upper_ci95``,
        ``statistic``, ``method`` and ``value_type``. Proportions and crude
        rates (value = count / denominator x 100, 1,000 ... on every row) are
        recomputed from the summed counts (Wilson; Byar's or exact Poisson).
        Other values (directly standardised rates, life expectancy) are
        averaged over the group's wards weighted by their denominators (or
        residents), with a normal interval from the wards' standard errors
        (taken from their 95% limits): an approximation, said in ``method``.

    Examples
    --------
    >>> wards = pd.DataFrame({"wd25_code": ["W1", "W2"], "population": [100.0, 300.0], "core20_ward": [True, False]})
    >>> ind = pd.DataFrame({"indicator_id": 1, "indicator_name": "Smokers", "area_code": ["W1", "W2"],
    ...                     "sex": "Persons", "age": "18+ yrs", "period": "2024", "period_sortable": 20240000,
    ...                     "value": [20.0, 10.0], "lower_ci95": [13.0, 7.0], "upper_ci95": [29.0, 14.0],
    ...                     "count": [20.0, 30.0], "denominator": [100.0, 300.0]})
    >>> out = ward_indicators_by_deprivation(ind, wards, group="core20_ward")
    >>> out[["core20_ward", "count", "value", "method"]]
       core20_ward  count  value  method
    0        False   30.0   10.0  Wilson
    1         True   20.0   20.0  Wilson
    """
    ward = code_column(wards, "wd")
    check_columns(wards, {"group": group})
    check_columns(
        indicators,
        {
            "columns": [
                *_KEYS,
                "area_code",
                "value",
                "lower_ci95",
                "upper_ci95",
                "count",
                "denominator",
            ]
        },
    )
    rows = indicators[indicators["area_code"].isin(wards[ward])]
    if "category_type" in rows.columns:
        rows = rows[rows["category_type"].isna() | rows["category_type"].eq("")]
    if rows.empty:
        return pd.DataFrame(
            columns=[
                *_KEYS,
                group,
                "count",
                "denominator",
                "value",
                "lower_ci95",
                "upper_ci95",
                "statistic",
                "method",
                "value_type",
            ]
        )
    if latest:
        order = "period_sortable" if "period_sortable" in rows.columns else "period"
        newest = rows.groupby(["indicator_id", "sex", "age"])[order].transform("max")
        rows = rows[rows[order] == newest]
    info = wards.set_index(ward)
    rows = rows.assign(
        **{
            group: rows["area_code"].map(info[group]).to_numpy(),
            "_residents": rows["area_code"].map(info[POPULATION]).to_numpy(dtype=float),
        }
    )
    out = []
    for _, part in rows.groupby(_KEYS, sort=True):
        part = part[part[group].notna()]
        multiplier = _summable(part)
        if multiplier is not None:
            kind = (
                "proportion"
                if multiplier == 100 and (part["count"] <= part["denominator"]).all()
                else "rate"
            )
            table = by_deprivation(
                part,
                "count",
                "denominator",
                group=group,
                kind=kind,
                by=_KEYS,
                multiplier=multiplier,
                confidence=0.95,
            )
            table["value_type"] = kind
        else:
            table = _weighted_mean(part, group)
        out.append(table)
    result = pd.concat(out, ignore_index=True)
    cols = [
        *_KEYS,
        group,
        "count",
        "denominator",
        "value",
        "lower_ci95",
        "upper_ci95",
        "statistic",
        "method",
        "value_type",
    ]
    return result[cols]


def _weighted_mean(part: pd.DataFrame, group: str) -> pd.DataFrame:
    """Weighted mean of ward values per group with a normal interval (see ward_indicators_by_deprivation)."""
    z = z_value(0.95)
    denominator = part["denominator"].to_numpy(dtype=float, na_value=np.nan)
    has_den = np.isfinite(denominator).all() and (denominator > 0).all()
    weight = denominator if has_den else part["_residents"].to_numpy(dtype=float)
    value = part["value"].to_numpy(dtype=float, na_value=np.nan)
    se = (
        part["upper_ci95"].to_numpy(dtype=float, na_value=np.nan)
        - part["lower_ci95"].to_numpy(dtype=float, na_value=np.nan)
    ) / (2 * z)
    frame = pd.DataFrame({g: part[g].to_numpy() for g in [*_KEYS, group]})
    frame = frame.assign(
        _w=weight,
        _wv=weight * value,
        _wse=(weight * se) ** 2,
        count=part["count"].to_numpy(dtype=float, na_value=np.nan),
        denominator=weight,
    )
    sums = (
        frame.groupby([*_KEYS, group], sort=True)
        .agg(
            _w=("_w", "sum"),
            _wv=("_wv", "sum"),
            _wse=("_wse", "sum"),
            count=("count", lambda c: c.sum(min_count=len(c))),
            denominator=("denominator", "sum"),
        )
        .reset_index()
    )
    mean = sums["_wv"] / sums["_w"]
    half = z * np.sqrt(sums["_wse"]) / sums["_w"]
    counted = bool(np.isfinite(frame["count"]).all())
    sums["value"], sums["lower_ci95"], sums["upper_ci95"] = mean, mean - half, mean + half
    sums["statistic"] = "weighted mean of ward values"
    sums["method"] = (
        "mean of ward values weighted by "
        + ("denominator" if has_den else "residents")
        + "; normal 95% limits from the wards' limits (approximate)"
    )
    sums["value_type"] = "rate" if counted and (sums["lower_ci95"] > 0).all() else "other"
    return sums.drop(columns=["_w", "_wv", "_wse"])


def inequality_summary(
    table: pd.DataFrame,
    *,
    group: str = "local_quintile",
    repetitions: int = 10_000,
    seed: int = 1,
) -> pd.DataFrame:
    """Gap (most against least deprived) and SII/RII for each indicator of a by-deprivation table.

    Parameters
    ----------
    table : DataFrame
        From :func:`ward_indicators_by_deprivation` (or :func:`fingertips_deprivation_deciles`):
        one row per indicator, sex, age, period and deprivation group, with ``value_type``.
    group : str
        The deprivation group column (quintiles or deciles, 1 = most deprived).
    repetitions, seed : int
        For the SII's simulated limits.

    Returns
    -------
    DataFrame
        One row per indicator, sex, age and period: ``most_value, least_value``,
        ``absolute_gap`` and ``relative_gap`` with 95% limits (:func:`gap`),
        ``sii, sii_lower_ci95, sii_upper_ci95, rii, rii_lower_ci95,
        rii_upper_ci95`` (:func:`inequality_indices`; positive SII = higher
        values in the least deprived), ``value_type``.

    Examples
    --------
    >>> t = pd.DataFrame({"indicator_id": 1, "indicator_name": "x", "sex": "Persons", "age": "All",
    ...                   "period": "2024", "local_quintile": [1, 2, 3, 4, 5], "count": [300, 250, 200, 150, 100],
    ...                   "denominator": 1000})
    >>> table = by_deprivation(t, "count", "denominator", group="local_quintile",
    ...                        by=["indicator_id", "indicator_name", "sex", "age", "period"], confidence=0.95)
    >>> s = inequality_summary(table.assign(value_type="proportion"))
    >>> s[["absolute_gap", "sii", "rii"]].round(2).values.tolist()
    [[20.0, -25.0, 0.23]]
    """
    keys = [k for k in _KEYS if k in table.columns]
    if table.empty:
        return pd.DataFrame(columns=[*keys, "sii"])
    out = []
    for _, part in table.groupby(keys, sort=True):
        value_type = part["value_type"].iloc[0] if "value_type" in part.columns else None
        scale = (
            100.0
            if value_type == "proportion" and str(part["statistic"].iloc[0]) == "percentage"
            else 1.0
        )
        if value_type == "proportion" and scale == 1.0 and part["value"].max() > 1:
            scale = 100.0
        g = gap(part, group=group, by=keys)
        indices = inequality_indices(
            part,
            group=group,
            by=keys,
            value_type=value_type,
            scale=scale,
            repetitions=repetitions,
            seed=seed,
        )
        wide = g.drop(columns=["method"])
        for stat in ("sii", "rii"):
            row = indices[indices["statistic"] == stat]
            wide[stat] = row["value"].to_numpy()
            wide[f"{stat}_lower_ci95"] = row["lower_ci95"].to_numpy()
            wide[f"{stat}_upper_ci95"] = row["upper_ci95"].to_numpy()
        wide["value_type"] = value_type
        out.append(wide)
    return pd.concat(out, ignore_index=True)


# Fingertips labels of England's deprivation deciles of areas ("Most deprived decile (IMD2019)" ...)
_DECILE_WORDS = {
    "most deprived": 1,
    "second most deprived": 2,
    "third more deprived": 3,
    "fourth more deprived": 4,
    "fifth more deprived": 5,
    "fifth less deprived": 6,
    "fourth less deprived": 7,
    "third less deprived": 8,
    "second least deprived": 9,
    "least deprived": 10,
}


def fingertips_deprivation_deciles(
    indicators: pd.DataFrame, *, category_type: str | None = None, latest: bool = True
) -> pd.DataFrame:
    """England's values by deprivation decile of areas, from Fingertips' category rows.

    Fingertips publishes England broken down by ``Category Type`` "County & UA
    deprivation deciles in England (IMD2019, 4/23 geography)" and the like:
    areas (not LSOAs) grouped by their IMD decile. These give a national
    gradient even where a pack has no ward rows.

    Parameters
    ----------
    indicators : DataFrame
        The tidy Fingertips frame.
    category_type : str, optional
        Which breakdown; default, per indicator, the County & UA one with the
        most values in the latest period (District & UA otherwise).
    latest : bool
        Only the latest period with decile values (default).

    Returns
    -------
    DataFrame
        ``indicator_id, indicator_name, sex, age, period, category_type,
        decile`` (1 = most deprived), ``value``, limits, ``count``,
        ``denominator``, ``statistic`` and ``value_type`` (``proportion`` or
        ``rate`` as :func:`ward_indicators_by_deprivation` decides), one row
        per decile, ready for :func:`inequality_summary` with ``group="decile"``.
        Missing 95% limits of proportions and crude rates (Fingertips leaves
        them empty on some aggregated rows) are recomputed from the count and
        denominator (Wilson; Byar's or exact Poisson).

    Examples
    --------
    >>> labels = [k.capitalize() + " decile (IMD2019)" for k in _DECILE_WORDS]
    >>> ind = pd.DataFrame({"indicator_id": 1, "indicator_name": "x", "sex": "Persons", "age": "All",
    ...                     "period": "2024", "period_sortable": 20240000, "area_code": "E92000001",
    ...                     "category_type": "County & UA deprivation deciles in England (IMD2019, 4/23 geography)",
    ...                     "category": labels, "value": np.linspace(30, 12, 10), "lower_ci95": np.nan,
    ...                     "upper_ci95": np.nan, "count": np.nan, "denominator": np.nan})
    >>> fingertips_deprivation_deciles(ind)["decile"].tolist()
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    """
    check_columns(indicators, {"columns": [*_KEYS, "category_type", "category", "value"]})
    rows = indicators[
        indicators["category_type"].fillna("").str.contains("deprivation deciles", case=False)
    ]
    rows = rows[rows["value"].notna()]
    label = rows["category"].str.lower().str.extract(r"^(.*?) decile", expand=False)
    rows = rows.assign(decile=label.map(_DECILE_WORDS))
    rows = rows[rows["decile"].notna()]
    if "compared_to_parent_type" in rows.columns:
        rows = rows.drop_duplicates([*_KEYS, "category_type", "decile"])
    columns = [
        *_KEYS,
        "category_type",
        "decile",
        "count",
        "denominator",
        "value",
        "lower_ci95",
        "upper_ci95",
        "statistic",
        "value_type",
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    order = "period_sortable" if "period_sortable" in rows.columns else "period"
    if latest:
        newest = rows.groupby(["indicator_id", "sex", "age"])[order].transform("max")
        rows = rows[rows[order] == newest]
    if category_type is not None:
        rows = rows[rows["category_type"] == category_type]
    else:
        n = rows.groupby(["indicator_id", "sex", "age", "period", "category_type"])[
            "value"
        ].transform("size")
        county = rows["category_type"].str.startswith("County").astype(int)
        rows = rows.assign(_n=n, _county=county).sort_values(
            ["indicator_id", "sex", "age", "period", "_n", "_county", "category_type"],
            ascending=[True, True, True, True, False, False, False],
            kind="stable",
        )
        chosen = rows.drop_duplicates(["indicator_id", "sex", "age", "period"])[
            ["indicator_id", "sex", "age", "period", "category_type"]
        ]
        rows = rows.merge(chosen, on=["indicator_id", "sex", "age", "period", "category_type"])
    rows = rows.assign(decile=rows["decile"].astype(int))
    out = []
    for _, part in rows.groupby(_KEYS, sort=True):
        multiplier = _summable(part)
        part = part.copy()
        if multiplier is not None:
            kind = (
                "proportion"
                if multiplier == 100 and (part["count"] <= part["denominator"]).all()
                else "rate"
            )
            part["value_type"] = kind
            part["statistic"] = (
                "percentage" if kind == "proportion" else f"rate per {multiplier:,.0f}"
            )
            missing = part[["lower_ci95", "upper_ci95"]].isna().any(axis=1).to_numpy()
            if (
                missing.any()
            ):  # e.g. "Aggregated from all known lower geography values": recompute the limits
                from jsna.stats.rates import crude_rate, proportion

                verb = proportion if kind == "proportion" else crude_rate
                limits = verb(
                    part[["count", "denominator"]],
                    "count",
                    "denominator",
                    multiplier=multiplier,
                    confidence=0.95,
                )
                for side in ("lower_ci95", "upper_ci95"):
                    part.loc[missing, side] = limits.loc[missing, side].to_numpy()
        else:
            part["value_type"] = "rate" if (part["value"] > 0).all() else "other"
            part["statistic"] = "as published"
        out.append(part.sort_values("decile"))
    return pd.concat(out, ignore_index=True)[columns]
