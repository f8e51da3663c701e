"""Prevalence gaps for a data pack: by authority, and by practice, PCN, ward and quintile.

:func:`practice_gaps` composes the frame verbs (:func:`~.expected.expected_counts`,
:func:`~.apportion.apportion`) and the statistic (:func:`~.ratios.diagnosis_ratio`)
for a pack with practice registers, patients by LSOA, population and modelled
rates; :func:`authority_gaps` for a pack with registers already summed to local
authorities. :func:`model_rates` reads the pack's modelled age/sex rates,
:func:`modelled_conditions` lists them, and :func:`supports_practice_gaps` and
:func:`supports_authority_gaps` say what a pack can give.

Expected prevalence is measured on the register's own denominator: the expected
prevalence of the resident population of the register's ages is applied to the
registered list, so that O and E share a denominator (registered lists run above
resident populations).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.analysis.deprivation import attach_imd
from jsna.analysis.geography import hierarchy
from jsna.analysis.population import lsoa_population
from jsna.analysis.prevalence.apportion import apportion
from jsna.analysis.prevalence.bands import parse_age_band
from jsna.analysis.prevalence.expected import expected_counts, min_age_of, sex_averaged
from jsna.analysis.prevalence.ratios import diagnosis_gradient, diagnosis_ratio
from jsna.analysis.prevalence.recorded import PRACTICE_NOTE, area_practices
from jsna.columns import PERSONS, POPULATION, SEX, code_column
from jsna.exceptions import DataValidationError, GeographyError, first_values
from jsna.meta import meta, note, with_meta
from jsna.reference.qof import CONDITIONS
from jsna.stats.common import DEFAULT_CONFIDENCE

__all__ = [
    "model_rates",
    "modelled_conditions",
    "supports_practice_gaps",
    "supports_authority_gaps",
    "authority_gaps",
    "practice_gaps",
]


def _rate_frames(pack) -> list[pd.DataFrame]:
    """Every ``prevalence.model`` entry of the pack that holds age/sex rates, in pack order."""
    frames = [
        pack.read("prevalence.model", path=entry.get("path"))
        for entry in pack.entries_for("prevalence.model")
    ]
    return [f for f in frames if meta(f, "kind") == "rates"]


def model_rates(pack, conditions: Sequence[str] | None = None) -> pd.DataFrame:
    """Modelled age/sex prevalence rates from the pack (role ``prevalence.model``).

    Every entry holding rates is read; where two give the same condition, the
    first in the pack wins.

    Parameters
    ----------
    pack : DataPack
    conditions : list of str, optional
        QOF group codes to keep; by default every condition modelled.

    Returns
    -------
    DataFrame
        ``condition, sex, age_band, rate`` (fractions), with metadata ``note``
        (the models' notes), ``sources`` and ``survey`` (the surveys named by
        the files, joined with "; "; empty when none is).

    Raises
    ------
    DataValidationError
        The pack has no rates, or none for some of ``conditions``.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> sorted(model_rates(pack, ["DEM", "HYP"])["condition"].unique())
    ['DEM', 'HYP']
    """
    frames = _rate_frames(pack)
    if not frames:
        raise DataValidationError(
            f"data pack {pack.name!r} has no age/sex modelled rates (role prevalence.model); "
            "add a rates file (condition, sex, age_band, rate_percent) or an HSE table"
        )
    seen: set[str] = set()
    kept, notes = [], []
    for frame in frames:
        fresh = frame[~frame["condition"].isin(seen)]
        if fresh.empty:
            continue
        seen |= set(fresh["condition"])
        kept.append(fresh)
        notes.append(note(frame))
    rates = pd.concat(kept, ignore_index=True)
    if conditions is not None:
        unknown = sorted(set(conditions) - set(rates["condition"]))
        if unknown:
            raise DataValidationError(
                f"no modelled rates for {first_values(unknown)}; the pack models "
                f"{', '.join(sorted(rates['condition'].unique()))}"
            )
        rates = rates[rates["condition"].isin(list(conditions))].reset_index(drop=True)
    surveys = list(dict.fromkeys(meta(f, "survey") for f in kept if meta(f, "survey")))
    return with_meta(
        rates,
        note=" ".join(n for n in notes if n),
        sources=[meta(f, "source") for f in kept],
        survey="; ".join(surveys),
    )


def modelled_conditions(pack) -> list[str]:
    """The conditions the pack has modelled age/sex rates for (empty when it has none).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> "DEM" in modelled_conditions(pack)
    True
    """
    found: list[str] = []
    for frame in _rate_frames(pack):
        found += [c for c in pd.unique(frame["condition"]) if c not in found]
    return found


def supports_practice_gaps(pack, condition: str | None = None) -> bool:
    """Whether the pack can give :func:`practice_gaps` (for ``condition``, when given).

    It needs practice registers (``prevalence.recorded`` at ``level =
    "practice"``), patients registered by LSOA (``gp.lsoa_patients``), the
    population by LSOA and modelled rates (for ``condition``, when given;
    else for some condition).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> supports_practice_gaps(pack), supports_practice_gaps(pack, "DEM")
    (True, True)
    """
    possible = (
        pack.has("gp.lsoa_patients")
        and pack.has("population.lsoa")
        and bool(pack.entries_for("prevalence.recorded", level="practice"))
    )
    if not possible:
        return False
    modelled = modelled_conditions(pack)
    if condition is not None:
        return str(condition).upper() in modelled
    return bool(modelled)


def supports_authority_gaps(pack) -> bool:
    """Whether the pack has registers summed to local authorities (for :func:`authority_gaps`).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> supports_authority_gaps(DataPack.open(ensure_demo_pack(project_paths().demo_pack)))
    False
    """
    return bool(pack.entries_for("prevalence.recorded", level="lad"))


def _unplaced(recorded: pd.DataFrame, patients: pd.DataFrame, lookup: pd.DataFrame) -> list[str]:
    """Practices of the registers in the area's sub-ICB locations with no patients by LSOA."""
    sicbl = code_column(lookup, "sicbl", required=False)
    if sicbl is None or "sicbl_code" not in recorded.columns:
        return []
    near = recorded["sicbl_code"].isin(lookup[sicbl].dropna().unique())
    missing = ~recorded["practice_code"].isin(patients["practice_code"])
    return sorted(recorded.loc[near & missing, "practice_code"].unique().tolist())


def _population_rates(pop: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    if set(pop[SEX].unique()) == {PERSONS} and PERSONS not in set(rates[SEX]):
        return sex_averaged(rates)
    return rates


def authority_gaps(
    pack,
    condition: str = "HYP",
    *,
    areas: Sequence[str] | None = None,
    confidence=DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Diagnosis gap of each local authority from registers summed to authorities.

    Uses the pack's ``prevalence.recorded`` file at ``level = "lad"`` (e.g.
    QOF registers apportioned to authorities), the modelled age/sex rates and
    the resident population (:func:`jsna.analysis.population.lsoa_population`). The
    expected prevalence of the resident population of the register's ages is
    applied to the registered list: ``expected = expected_pct / 100 x
    list_size``.

    Parameters
    ----------
    pack : DataPack
    condition : str, default "HYP"
        QOF group code.
    areas : list of str, optional
        Authority codes; by default the pack's areas.
    confidence : float or sequence, default (0.95, 0.998)

    Returns
    -------
    DataFrame
        One row per authority: ``area_code, area_name, condition,
        population`` (resident, of the register's ages), ``expected_pct`` and
        the columns of :func:`diagnosis_ratio` (``observed`` is the register).
        Metadata (:mod:`jsna.meta`): ``note`` (periods, population and model
        caveats), ``band_map``, ``register_period``, ``population_period``,
        ``persons_only`` and ``survey`` (the model's survey).

    Examples
    --------
    >>> from jsna.io.datapack import DataPack
    >>> pack = DataPack.open("../shared/data")  # doctest: +SKIP
    >>> authority_gaps(pack, "HYP")[["area_code", "value", "undiagnosed"]]  # doctest: +SKIP
    """
    condition = str(condition).upper()
    recorded = pack.read("prevalence.recorded", level="lad")
    areas = list(areas) if areas is not None else list(pack.areas)
    if not areas:
        raise DataValidationError("authority_gaps needs areas=[...] (the pack lists no areas)")
    rates = model_rates(pack, [condition])
    frames = []
    for area in areas:
        pop = lsoa_population(pack, area)
        frames.append(pop.assign(area_code=area))
    pop = pd.concat(frames, ignore_index=True)
    pop_note = (
        "Population estimates on 2011 LSOAs were moved to 2021 LSOAs with the ONS lookup "
        "(split LSOAs shared equally)."
        if any("2011 LSOAs" in note(f) for f in frames)
        else ""
    )
    period = meta(frames[0], "period", "")
    persons_only = set(pop[SEX].unique()) == {PERSONS}
    rates = _population_rates(pop, rates)
    expected = expected_counts(pop, rates, by="area_code")
    rows = recorded[recorded["condition"] == condition].set_index("lad_code")
    missing = [a for a in areas if a not in rows.index]
    if missing:
        raise DataValidationError(
            f"{meta(recorded, 'source')}: no {condition} register for "
            f"{first_values(missing)}; "
            "check the authorities' codes against the file's vintage"
        )
    frame = expected.assign(
        area_name=rows.loc[expected["area_code"], "lad_name"].to_numpy(),
        register=rows.loc[expected["area_code"], "register"].to_numpy(),
        list_size=rows.loc[expected["area_code"], "list_size"].to_numpy(),
    )
    frame["expected"] = frame["expected_pct"] / 100 * frame["list_size"]
    frame = frame.rename(columns={POPULATION: "resident_population"})
    keep = [
        "area_code",
        "area_name",
        "condition",
        "resident_population",
        "register",
        "expected",
        "list_size",
    ]
    out = diagnosis_ratio(
        frame[keep], "register", "expected", denominator="list_size", confidence=confidence
    )
    youngest = min_age_of(condition)
    ages = "all ages" if youngest == 0 else f"aged {youngest}+"
    model_bands = sorted(rates["age_band"].unique(), key=lambda b: parse_age_band(b)[0])
    notes = [
        f"{CONDITIONS.get(condition, condition)}: registers from {meta(recorded, 'source')} "
        f"({meta(recorded, 'period') or 'period not stated'}); expected prevalence from "
        f"{note(rates).strip()}",
        f"Model age bands {', '.join(model_bands)} applied to the resident population "
        f"({period}; {ages}); {note(expected)}",
        "The resident population's expected prevalence is applied to the registered list size "
        "so that observed and expected share a denominator.",
        pop_note,
    ]
    if persons_only:
        notes.append(
            "The population is for persons only, so the mean of the male and female rates is used."
        )
    return with_meta(
        out,
        note=" ".join(n for n in notes if n),
        band_map=meta(expected, "band_map"),
        register_period=meta(recorded, "period", ""),
        population_period=period,
        persons_only=persons_only,
        survey=meta(rates, "survey", ""),
    )


def practice_gaps(
    pack,
    area: str,
    conditions: Sequence[str] | None = None,
    *,
    imd_edition: str | None = None,
    confidence=DEFAULT_CONFIDENCE,
) -> dict[str, pd.DataFrame]:
    """Diagnosis gaps by practice, PCN, ward, authority and deprivation quintile.

    Needs the pack's practice-level ``prevalence.recorded`` (with the NHS
    geographies mapping for PCNs), ``gp.lsoa_patients``, the population and
    modelled age/sex rates.

    Method: each practice's register and list size (whole numbers) are
    shared among the LSOAs its patients live in (:func:`apportion`). The
    expected prevalence of each LSOA's residents of the register's ages
    (:func:`expected_counts`) times the list size shared to that LSOA gives
    the expected cases of each practice-LSOA cell, so a practice's expected
    cases reflect where (and so at what age/sex structure) its patients live.
    Cells are summed to practices, PCNs, wards (best-fit lookup), the
    authority and national IMD quintiles of the LSOAs, and
    :func:`diagnosis_ratio` is applied. Patients living outside the
    authority (or with no LSOA) get the authority's expected prevalence.

    The practices (and so PCNs) of the area are those with more of their
    registered patients living in it than in any other authority
    (:func:`~jsna.analysis.prevalence.recorded.area_practices`), never every
    practice of a sub-ICB location; wards, quintiles and the authority count
    every patient living in the area, whichever practice they are registered
    with.

    Parameters
    ----------
    pack : DataPack
    area : str
        Local authority code.
    conditions : list of str, optional
        QOF group codes; by default every condition with both a register and
        modelled rates.
    imd_edition : str, optional
        IoD edition for the quintiles (the most recent by default; it must
        be on the patients file's LSOA vintage).
    confidence : float or sequence, default (0.95, 0.998)

    Returns
    -------
    dict of DataFrame
        ``"practice"``, ``"pcn"``, ``"ward"`` (``ward_code, ward_name``),
        ``"area"``, ``"quintile"`` (``imd_quintile`` 1 = most deprived), each
        with the columns of :func:`diagnosis_ratio` and ranks within each
        condition; ``"gradient"`` (:func:`diagnosis_gradient`: the ratio by
        quintile of residence separated from the practice a patient is
        registered with); ``"cells"`` (practice x LSOA). ``"practice"`` also
        has ``share``: the share of each practice's registered patients
        living in the area. Every frame's metadata ``note`` states the method
        and the placement of practices; ``register_period`` the QOF period;
        ``unallocated_practices`` lists practices of the registers in the
        area's sub-ICB locations missing from the patients-by-LSOA file
        (which cannot be placed, so are left out of the practice and PCN
        rows).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> gaps = practice_gaps(pack, DEMO_AREA_CODE, ["HYP"])
    >>> sorted(gaps)
    ['area', 'cells', 'gradient', 'pcn', 'practice', 'quintile', 'ward']
    """
    recorded = pack.read("prevalence.recorded", level="practice")
    patients = pack.read("gp.lsoa_patients")
    lsoa = [c for c in patients.columns if re.fullmatch(r"lsoa\d\d_code", c)][0]
    lookup = hierarchy(pack, area)
    if lsoa not in lookup.columns:
        raise GeographyError(
            f"the patients-by-LSOA file is on {lsoa.split('_')[0].upper()} "
            "but the LSOA-ward lookup is on "
            f"{[c for c in lookup.columns if c.startswith('lsoa')][0].split('_')[0].upper()}; "
            "use the file of the lookup's LSOA vintage"
        )
    pop = lsoa_population(pack, area)
    model = model_rates(pack)
    if conditions is None:
        order = [
            c
            for c in CONDITIONS
            if c in set(model["condition"]) and c in set(recorded["condition"])
        ]
        conditions = order
    conditions = [str(c).upper() for c in conditions]
    rates = _population_rates(pop, model_rates(pack, conditions))
    expected = expected_counts(pop, rates, by=lsoa)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected["_e"] = expected["expected"] / expected[POPULATION]
    area_e = expected.groupby("condition")[["expected", POPULATION]].sum()
    area_e = area_e["expected"] / area_e[POPULATION]

    placed = area_practices(patients, hierarchy(pack), area)
    share = placed.set_index("practice_code")["share"]
    mine = sorted(set(placed["practice_code"]) & set(recorded["practice_code"]))
    serving = patients.loc[patients[lsoa].isin(lookup[lsoa]), "practice_code"].unique().tolist()
    chosen = recorded[
        recorded["practice_code"].isin(set(mine) | set(serving))
        & recorded["condition"].isin(conditions)
    ]
    cells = apportion(chosen, patients, values="list_size", by="condition")
    unallocated = _unplaced(recorded, patients, lookup)
    not_registered = sorted(set(placed["practice_code"]) - set(recorded["practice_code"]))
    places = pd.MultiIndex.from_product(
        [patients[lsoa].unique(), conditions], names=[lsoa, "condition"]
    )
    e_table = expected.set_index([lsoa, "condition"])["_e"].reindex(places)
    fallback = e_table.isna().to_numpy()
    weight = np.where(
        fallback,
        places.get_level_values("condition").map(area_e).to_numpy(dtype=float),
        e_table.to_numpy(dtype=float),
    )
    weights = pd.DataFrame(
        {
            lsoa: places.get_level_values(0),
            "condition": places.get_level_values(1),
            "weight": weight,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", UserWarning
        )  # the missing practices were reported just above
        registers = apportion(chosen, patients, values="register", by="condition", weights=weights)
    cells["register"] = registers["register"].to_numpy()
    key = pd.MultiIndex.from_arrays([cells[lsoa], cells["condition"]])
    e = weights.set_index([lsoa, "condition"])["weight"].reindex(key).to_numpy(dtype=float)
    e = np.where(np.isnan(e), cells["condition"].map(area_e).to_numpy(dtype=float), e)
    cells["expected"] = cells["list_size"].to_numpy() * e
    cells["in_area"] = cells[lsoa].isin(lookup[lsoa]).to_numpy()

    notes = [
        "List sizes were shared among LSOAs by each practice's registered patients by LSOA "
        f"({meta(patients, 'extract_date') or 'date not stated'}), in whole numbers "
        "(largest remainder).",
        "Expected cases: each LSOA's expected prevalence (modelled age/sex rates applied to its "
        "residents of the register's ages) times the list size shared to it.",
        "Registers were shared in proportion to each practice's expected cases in each LSOA "
        "(whole numbers), that is, assuming a practice diagnoses equally well wherever its "
        "patients live; sharing by headcount would credit young, deprived LSOAs with the cases "
        "of older ones.",
        note(rates),
        note(expected),
        note(pop),
    ]
    outside = cells.loc[~cells[lsoa].isin(expected[lsoa]) & cells[lsoa].notna(), "list_size"].sum()
    if outside > 0:
        notes.append(
            f"{outside:,.0f} list places of patients living outside the authority (or with no "
            "LSOA) were given the authority's expected prevalence."
        )
    notes.append(PRACTICE_NOTE)
    if len(placed):
        notes.append(
            f"{len(mine)} practices have most of their registered patients living in the area "
            f"(from {100 * share.min():.0f}% to {100 * share.max():.0f}% of their patients)."
        )
    if unallocated:
        notes.append(
            f"{len(unallocated)} practice(s) of the registers in the area's sub-ICB location(s) "
            f"are missing from the patients-by-LSOA file ({first_values(unallocated)}): they "
            "cannot be placed in an authority and are left out of the practice, PCN and "
            "authority figures."
        )
    if not_registered:
        notes.append(
            f"{len(not_registered)} practice(s) placed in the area have no register in the QOF "
            f"file ({first_values(not_registered)}), e.g. opened or closed since."
        )
    text = " ".join(n for n in notes if n)

    def finish(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        out = diagnosis_ratio(
            frame,
            "register",
            "expected",
            by=by,
            denominator="list_size",
            rank_by="condition",
            confidence=confidence,
        )
        out = out.sort_values(
            ["condition", *[b for b in by if b != "condition"]],
            kind="stable",
            key=lambda s: (
                s.map({c: i for i, c in enumerate(conditions)}) if s.name == "condition" else s
            ),
        )
        out = out.reset_index(drop=True)
        return with_meta(
            out,
            note=text,
            unallocated_practices=unallocated,
            register_period=meta(recorded, "period", ""),
        )

    info = recorded.drop_duplicates("practice_code").set_index("practice_code")
    extra = [c for c in ("practice_name", "pcn_code", "pcn_name") if c in info.columns]
    practice_cells = cells[cells["practice_code"].isin(mine)].copy()
    for c in extra:
        practice_cells[c] = practice_cells["practice_code"].map(info[c])
    practice = finish(practice_cells, ["condition", "practice_code", *extra])
    practice["share"] = practice["practice_code"].map(share).to_numpy(dtype=float)
    pcn_keys = [c for c in ("pcn_code", "pcn_name") if c in extra]
    pcn = finish(practice_cells, ["condition", *pcn_keys]) if pcn_keys else practice.iloc[0:0]

    ward_col = code_column(lookup, "wd")
    local = cells[cells["in_area"]].merge(
        lookup[[lsoa, ward_col, ward_col.replace("_code", "_name")]], on=lsoa, how="left"
    )
    local = local.rename(
        columns={ward_col: "ward_code", ward_col.replace("_code", "_name"): "ward_name"}
    )
    ward = finish(local, ["condition", "ward_code", "ward_name"])

    whole = finish(cells[cells["in_area"]].assign(area_code=area), ["condition", "area_code"])

    imd = pack.read("imd", edition=imd_edition)
    with_imd = attach_imd(local, imd)
    quintile = finish(with_imd.dropna(subset=["imd_quintile"]), ["condition", "imd_quintile"])
    quintile["imd_quintile"] = quintile["imd_quintile"].astype(int)
    with_meta(quintile, imd_edition=meta(imd, "edition", ""))
    quintiles = with_imd.drop_duplicates(lsoa).set_index(lsoa)["imd_quintile"]
    cells["imd_quintile"] = cells[lsoa].map(quintiles).astype("Int64")
    gradient = diagnosis_gradient(cells, by="condition", confidence=0.95)
    with_meta(gradient, note=text, imd_edition=meta(imd, "edition", ""))
    with_meta(cells, note=text, unallocated_practices=unallocated)
    return {
        "practice": practice,
        "pcn": pcn,
        "ward": ward,
        "area": whole,
        "quintile": quintile,
        "gradient": gradient,
        "cells": cells,
    }
