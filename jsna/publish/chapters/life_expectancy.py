"""Life expectancy and the causes of the gap: what each section of chapter 06 shows.

:func:`analyse` computes everything first (no output), so that the chapter can open with
its key messages; each section function then takes the
:class:`~jsna.publish.chapter.Chapter` and those results, draws and saves its figures and
tables (through the disclosure gate) and returns a
:class:`~jsna.publish.chapters.live_well.Section`.

The chapter uses what the pack has:

* **deaths by LSOA** (role ``deaths.lsoa``): life tables (Chiang II) by ward, local
  deprivation quintile and decile and for the authority; the gap between the most and
  least deprived fifths split by age (Arriaga) and, when the deaths carry a
  ``cause_group`` column, by cause as OHID's Segment Tool; the slope index of inequality;
  premature (under 75) mortality;
* otherwise **Local Health MSOA exports** (role ``indicators.local_health``): published
  life expectancy at birth and standardised mortality ratios by 2011 MSOA, mapped, and
  shared to wards and deprivation quintiles by population, saying so.

Examples
--------
>>> import tempfile
>>> from jsna.publish.chapter import Chapter
>>> out = tempfile.mkdtemp()
>>> chapter = Chapter.start("06_life_expectancy_gap", None, None, out + "/f", out + "/r")
>>> results = analyse(chapter)
>>> results.kind, len(results.findings) >= 3
('deaths', True)
>>> import matplotlib.pyplot as plt; plt.close("all")
"""

from __future__ import annotations

import textwrap
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown

from jsna.analysis.deprivation import attach_imd, local_quantiles
from jsna.analysis.geography import area_wards, hierarchy, lsoa_column
from jsna.analysis.mortality import (
    BROAD_AGES,
    broad_age_groups,
    compare_with_benchmark,
    has_local_health_msoa,
    le_sii,
    local_health_by,
    local_health_lsoa,
    mortality_counts,
    premature_mortality,
    ward_le_significance,
    within_area_gap,
)
from jsna.columns import code_column
from jsna.exceptions import DataValidationError, first_values
from jsna.meta import meta, note
from jsna.plots import ranked_bars, ward_map
from jsna.plots.mortality import (
    gap_by_cause_and_age,
    life_expectancy_by_decile,
    life_expectancy_map,
)
from jsna.publish.chapter import Chapter
from jsna.publish.chapters.live_well import Section, intro
from jsna.publish.escape import markdown_text
from jsna.publish.findings import Finding
from jsna.publish.labels import label, labelled
from jsna.stats.healthy_life_expectancy import sullivan
from jsna.stats.life_expectancy import life_expectancy

__all__ = [
    "Results",
    "intro",
    "analyse",
    "key_messages",
    "england",
    "inequalities",
    "ward_map_section",
    "causes_of_gap",
    "premature",
    "healthy_life_expectancy",
    "HLE_ROLES",
    "SULLIVAN_LIMITS",
    "recommendations",
    "data_and_methods",
    "DEATHS_EXTRACT",
    "SII_REPETITIONS",
    "NO_DATA",
]

SEXES = ("Female", "Male")
#: Simulations for the limits of the slope index of inequality (seeded).
SII_REPETITIONS = 10_000
#: What a deaths extract adds, for packs without one.
DEATHS_EXTRACT = (
    "A deaths extract by LSOA, sex, five-year age band and underlying cause (role "
    "`deaths.lsoa` with a `cause_group` column; from the Primary Care Mortality Database or "
    "an ONS annual deaths extract, aggregated with `jsna aggregate`) would add life tables "
    "with confidence limits for every ward and deprivation fifth and decile, the split of the "
    "gap by age and cause (as OHID's Segment Tool, for this area's own years), the slope index "
    "of inequality and premature mortality rates by cause."
)
_LH = "Local Health (OHID)"
#: The data pack roles behind each kind of output (their sources are cited under it).
DEATH_COUNTS = ("deaths.lsoa", "population.lsoa", "lookup.lsoa_ward_lad")
BY_DEPRIVATION = (*DEATH_COUNTS, "imd")
WARD_MAP = (*DEATH_COUNTS, "boundaries.ward")
ENGLAND_LE = ("indicators.fingertips",)
LOCAL_HEALTH = ("indicators.local_health",)
LH_MSOA_MAP = (*LOCAL_HEALTH, "boundaries.msoa")
LH_BY_GROUP = (*LOCAL_HEALTH, "population.lsoa", "lookup.lsoa_ward_lad", "imd")
#: What a section says when the pack has neither deaths nor Local Health values.
NO_DATA = (
    "Not shown: this pack has neither deaths by LSOA (role `deaths.lsoa`) nor Local Health "
    'MSOA life expectancy (role `indicators.local_health`, `level = "msoa"`).'
)
_AGE_ORDER = [label for label, _, _ in BROAD_AGES]


@dataclass
class Results:
    """What :func:`analyse` found: ``kind`` ("deaths", "local_health" or None), the frames
    the sections draw, and ``findings`` (message, so what) for the key messages."""

    kind: str | None
    data: dict[str, Any] = field(default_factory=dict)
    findings: list[tuple[str, str]] = field(default_factory=list)
    period: str = ""


def _wrap(title: str, width: int = 72) -> str:
    return textwrap.fill(title, width)


def _quiet(function, *args, **kwargs):
    """Call, keeping warnings as notes for the methods section."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = function(*args, **kwargs)
    return out, [str(w.message) for w in caught]


def _sum_causes(counts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Deaths over causes with each cell's population once."""
    return counts.groupby(keys, as_index=False).agg(
        deaths=("deaths", "sum"), population=("population", "first")
    )


def analyse(chapter: Chapter, *, deaths: pd.DataFrame | None = None) -> Results:
    """Compute the chapter's numbers from what the pack has (see the module docstring).

    ``deaths`` replaces the pack's ``deaths.lsoa`` frame (e.g. deaths aggregated from
    record-level files).
    """
    pack = chapter.pack
    if deaths is not None or pack.has("deaths.lsoa"):
        return _analyse_deaths(chapter, deaths)
    if has_local_health_msoa(pack):
        results, caught = _quiet(_analyse_local_health, chapter)
        results.data["notes"] += caught
        return results
    return Results(None)


def _analyse_deaths(chapter: Chapter, deaths) -> Results:
    pack, area, name = chapter.pack, chapter.area, chapter.area_name
    notes: list[str] = []
    whole = mortality_counts(pack, area, by="area", deaths=deaths)
    causes = "cause_group" in whole.columns
    period = meta(whole, "period", "")
    quint = mortality_counts(pack, area, by="local_quintile", deaths=deaths)
    gap, w = _quiet(
        within_area_gap,
        quint,
        quintile="group",
        cause="cause_group" if causes else None,
    )
    notes += w
    deciles = _sum_causes(
        mortality_counts(pack, area, by="local_decile", deaths=deaths),
        ["group", "sex", "age_band"],
    )
    (le_dec, sii), w = _quiet(le_sii, deciles, decile="group", repetitions=SII_REPETITIONS)
    notes += w
    quint_all = _sum_causes(quint, ["group", "sex", "age_band"])
    (le_q, _), w = _quiet(le_sii, quint_all, decile="group", repetitions=1000)
    notes += w
    (wards, authority), w = _quiet(ward_le_significance, pack, area, deaths=deaths)
    notes += w
    premature_by = ["sex", "cause_group"] if causes else ["sex"]
    prem, w = _quiet(premature_mortality, whole, by="sex", cause="cause_group" if causes else None)
    notes += w
    prem_q, w = _quiet(premature_mortality, quint_all, by=["group", "sex"])
    notes += w
    data = {
        "whole": whole,
        "gap": gap,
        "le_decile": le_dec,
        "le_quintile": le_q,
        "sii": sii,
        "wards": wards,
        "authority": authority,
        "premature": prem,
        "premature_by": premature_by,
        "premature_quintile": prem_q,
        "causes": causes,
        "notes": notes,
        "england": _england_le(chapter),
    }
    findings = []
    for sex in SEXES:
        part = gap[gap["sex"] == sex]
        if not len(part) or np.isnan(part["gap"].iloc[0]):
            continue
        years = part["gap"].iloc[0]
        lead = "The gap in life expectancy at birth between the most and least deprived fifths "
        lead += f"of {name} is {years:.1f} years for {sex.lower()}s ({period})"
        if causes:
            by_cause = (
                part.groupby("cause_group")["contribution"].sum().sort_values(ascending=False)
            )
            top, share = by_cause.index[0], by_cause.iloc[0]
            lead += f"; {top.lower()} contributes {share:.1f} years of it"
            so_what = (
                f"Reducing deaths from {top.lower()} in the most deprived fifth is where the "
                "largest part of the gap could be closed."
            )
        else:
            ages = part.assign(g=broad_age_groups(part["age_band"])).groupby("g", observed=True)
            by_age = ages["contribution"].sum().sort_values(ascending=False)
            lead += (
                f"; deaths at ages {by_age.index[0]} contribute the most ({by_age.iloc[0]:.1f} "
                "years)"
            )
            so_what = (
                "The ages that contribute most show where prevention and earlier diagnosis "
                "would narrow the gap; a deaths extract by cause would say which diseases."
            )
        findings.append((lead + ".", so_what))
    for sex in SEXES:
        row = sii[(sii["sex"] == sex) & (sii["statistic"] == "sii")]
        if len(row) and np.isfinite(row["value"].iloc[0]):
            r = row.iloc[0]
            findings.append(
                (
                    f"Across the whole deprivation scale of {name}, {sex.lower()} life expectancy "
                    f"differs by {r['value']:.1f} years (slope index of inequality, 95% CI "
                    f"{r['lower_ci95']:.1f} to {r['upper_ci95']:.1f}).",
                    "The gradient runs through every decile, not only the most deprived: "
                    "action in proportion to need (proportionate universalism) fits it.",
                )
            )
    for sex in SEXES:
        part = wards[wards["sex"] == sex]
        worse = int((part["vs_area"] == "Worse").sum())
        if len(part):
            findings.append(
                (
                    f"{worse} of {len(part)} wards have {sex.lower()} life expectancy "
                    f"significantly below {name} as a whole.",
                    "These wards are where services for long-term conditions and prevention "
                    "need the most reach.",
                )
            )
    eng = data["england"]
    if eng is not None:
        for sex in SEXES:
            row = eng[eng["sex"] == sex]
            if len(row) and np.isfinite(row["england"].iloc[0]):
                r = row.iloc[0]
                versus = {
                    "Worse": "significantly below",
                    "Better": "significantly above",
                }.get(r["vs_england"], "not significantly different from")
                so_what = (
                    "Raising life expectancy in the most deprived fifths, where it is lowest, is "
                    "also how the area closes on England."
                    if r["vs_england"] == "Worse"
                    else "The area's average hides the gap within it: the comparison that "
                    "matters most is between its own neighbourhoods."
                )
                findings.append(
                    (
                        f"{sex} life expectancy at birth in {name} is {r['area']:.1f} years, "
                        f"{versus} England's {r['england']:.1f} ({r['period']}, Fingertips).",
                        so_what,
                    )
                )
    return Results("deaths", data, findings, period)


def _england_le(chapter: Chapter) -> pd.DataFrame | None:
    """Life expectancy at birth of the area and England from Fingertips (indicator 90366)."""
    pack = chapter.pack
    if not pack.has("indicators.fingertips"):
        return None
    f = pack.read("indicators.fingertips")
    le = f[(f["indicator_id"].astype(str) == "90366") & f["sex"].isin(SEXES)]
    if not len(le):
        return None
    england = le[le["area_type"].astype(str).str.lower() == "england"]
    mine = le[le["area_code"] == chapter.area]
    if not len(england) or not len(mine):
        return None
    latest = mine["period_sortable"].max()
    mine = mine[mine["period_sortable"] == latest]
    england = england[england["period_sortable"] == latest]
    out = mine[["sex", "period", "value", "lower_ci95", "upper_ci95"]].rename(
        columns={"value": "area"}
    )
    out = out.merge(
        england[["sex", "value"]].rename(columns={"value": "england"}), on="sex", how="left"
    )
    out["vs_england"] = compare_with_benchmark(
        out.rename(columns={"area": "value"}), out["england"].to_numpy()
    )
    return out.reset_index(drop=True)


def _analyse_local_health(chapter: Chapter) -> Results:
    pack, area, name = chapter.pack, chapter.area, chapter.area_name
    lsoa_values = local_health_lsoa(pack, area)
    period = meta(lsoa_values, "period", "")
    lookup = hierarchy(pack, area)
    lsoa = code_column(lookup, "lsoa")
    ward = code_column(lookup, "wd")
    wards = local_health_by(
        lsoa_values,
        lookup[[lsoa, ward, ward.replace("_code", "_name")]].set_axis(
            [lsoa, "ward_code", "ward_name"], axis=1
        ),
    )
    imd = local_quantiles(attach_imd(lookup[[lsoa]], pack.read("imd")), 5)
    quint = local_health_by(
        lsoa_values, imd[[lsoa, "local_quintile"]].rename(columns={"local_quintile": "group"})
    )
    msoa = (
        lsoa_values.groupby(["msoa_code", "msoa_name"], as_index=False)
        .agg({"population": "sum", **{c: "first" for c in lsoa_values.columns[4:]}})
        .sort_values("msoa_name")
    )
    authority = _local_health_authority(pack, area)
    data = {
        "lsoa": lsoa_values,
        "wards": wards,
        "quintile": quint,
        "msoa": msoa,
        "authority": authority,
        "notes": [note(lsoa_values)],
    }
    findings = []
    for sex in SEXES:
        col = f"le_{sex.lower()}"
        part = msoa.dropna(subset=[col])
        if not len(part):
            continue
        low, high = part.loc[part[col].idxmin()], part.loc[part[col].idxmax()]
        q = quint.set_index("group")[col]
        findings.append(
            (
                f"{sex} life expectancy at birth ranges from {low[col]:.1f} years in "
                f"{low['msoa_name']} to {high[col]:.1f} years in {high['msoa_name']} "
                f"({_LH}, MSOAs, {period}); the most deprived fifth of {name} averages "
                f"{q.get(1, np.nan):.1f} years against {q.get(5, np.nan):.1f} in the least "
                f"deprived, a gap of {q.get(5, np.nan) - q.get(1, np.nan):.1f} years.",
                "Life expectancy follows deprivation closely across the area; services "
                "and prevention need to reach the neighbourhoods with the shortest lives.",
            )
        )
    if authority is not None:
        row = authority.set_index("measure")["value"]
        if "smr_all" in row and np.isfinite(row["smr_all"]):
            findings.append(
                (
                    f"Deaths from all causes in {name} are {row['smr_all']:.0f}% of what "
                    f"England's age-specific rates would give (standardised mortality ratio, "
                    f"{period}); under 75 the ratio is {row.get('smr_all_u75', np.nan):.0f}.",
                    "Deaths above the England rate, most of all before 75, are the largest "
                    "part of the gap with England and are largely preventable.",
                )
            )
    q = quint.set_index("group")
    if "smr_circulatory_u75" in q and "smr_cancer_u75" in q:
        findings.append(
            (
                "In the most deprived fifth, deaths under 75 from circulatory disease are "
                f"{q.loc[1, 'smr_circulatory_u75']:.0f}% and from cancer "
                f"{q.loc[1, 'smr_cancer_u75']:.0f}% of the England rates, against "
                f"{q.loc[5, 'smr_circulatory_u75']:.0f}% and {q.loc[5, 'smr_cancer_u75']:.0f}% "
                "in the least deprived fifth.",
                "Circulatory disease and cancer before 75 carry the gap; cardiovascular "
                "prevention (blood pressure, lipids, smoking) and earlier cancer diagnosis "
                "target it.",
            )
        )
    return Results("local_health", data, findings, period)


def _local_health_authority(pack, area: str) -> pd.DataFrame | None:
    """The authority's own Local Health values (LTLA or UTLA export), when the pack has one."""
    from jsna.analysis.mortality import LOCAL_HEALTH_MORTALITY

    role = "indicators.local_health"
    for level in ("ltla", "utla"):
        if not pack.entries_for(role, level=level):
            continue
        f = pack.read(role, level=level)
        mine = f[(f["area_code"] == area) & f["indicator"].isin(LOCAL_HEALTH_MORTALITY)]
        if len(mine):
            return pd.DataFrame(
                {
                    "measure": mine["indicator"].map(LOCAL_HEALTH_MORTALITY).to_numpy(),
                    "indicator": mine["indicator"].to_numpy(),
                    "unit": mine["unit"].to_numpy(),
                    "value": mine["value"].to_numpy(dtype=float),
                }
            )
    return None


#: Table headers of this chapter (with :data:`jsna.publish.labels.LABELS` for the rest).
HEADERS = {
    "group": "Local deprivation quintile (1 = most deprived)",
    "deaths": "Deaths",
    "population": "Person-years",
    "value": "Life expectancy at birth (years)",
    "area": "Life expectancy at birth (years)",
    "england": "England (years)",
    "vs_england": "Compared with England (95% CI)",
    "statistic": "Measure",
    "indicator": "Indicator",
    "unit": "Unit",
    "le_female": "Female life expectancy at birth (years)",
    "le_male": "Male life expectancy at birth (years)",
    "cause_group": "Cause of death",
    "years_of_life_lost": "Years of life lost before 75",
}


def _publish(chapter: Chapter, frame: pd.DataFrame, name: str, *, headers=None, **kwargs):
    """:meth:`Chapter.table` with readable headers; roles are given by the frame's names."""
    names = {**HEADERS, **(headers or {})}
    names = {k: v for k, v in names.items() if k in frame.columns}
    for role in ("count_columns", "derived_columns", "safe_columns"):
        kwargs[role] = [label(c, names) for c in kwargs.get(role, ())]
    numeric = frame.select_dtypes("number").columns
    shown = labelled(frame.assign(**{c: frame[c].round(2) for c in numeric}), names)
    return chapter.table(shown, name, **kwargs)


def key_messages(chapter: Chapter, results: Results):
    """The key messages, each with its "so what" (shown first in the chapter)."""
    if results.kind is None:
        lines = [
            "This data pack has neither deaths by LSOA nor Local Health life expectancy, so "
            "life expectancy cannot be shown for this area. " + DEATHS_EXTRACT
        ]
    else:
        lines = [Finding(message, so_what) for message, so_what in results.findings]
    return chapter.messages(lines)


# ----------------------------------------------------------------------------- sections


def england(chapter: Chapter, results: Results) -> Section:
    """The area against England: life expectancy (Fingertips) or SMRs (Local Health)."""
    name = chapter.area_name
    if results.kind == "deaths":
        eng = results.data["england"]
        text = (
            "The gap with England is split by age and cause in the same way as the gap within "
            f"{markdown_text(name)} when England's deaths and population by age and cause are in "
            "the pack (ONS mortality statistics); this pack has neither, so the comparison is of "
            "life expectancy itself"
        )
        if eng is None:
            return Section([Markdown(text + ", which this pack's Fingertips file does not have.")])
        table = _publish(
            chapter,
            eng[["sex", "period", "area", "lower_ci95", "upper_ci95", "england", "vs_england"]],
            "england_life_expectancy",
            sources=ENGLAND_LE,
            title=f"Life expectancy at birth, {name} and England, {eng['period'].iloc[0]}",
            safe_columns=["area", "lower_ci95", "upper_ci95", "england"],
            note="Fingertips indicator 90366; compared by the 95% confidence interval.",
        )
        return Section([Markdown(text + " (Fingertips indicator 90366)."), table])
    if results.kind == "local_health":
        auth = results.data["authority"]
        text = (
            "Local Health gives standardised mortality ratios (SMRs): deaths in the area as a "
            "percentage of the deaths England's age-specific rates would give (England = 100). "
            "It gives no confidence limits, so no significance is shown. A decomposition of the "
            "gap with England by age and cause needs deaths by age and cause for the area and "
            "England."
        )
        if auth is None:
            return Section(
                [Markdown(text + " This pack has no authority-level Local Health file.")]
            )
        table = _publish(
            chapter,
            auth[["indicator", "unit", "value"]],
            "england_smr",
            headers={"value": "Value"},
            title=f"Deaths and life expectancy, {name} against England, {results.period}",
            safe_columns=["value"],
            sources=LOCAL_HEALTH,
        )
        return Section([Markdown(text), table])
    return Section([Markdown(NO_DATA)])


def inequalities(chapter: Chapter, results: Results) -> Section:
    """Life expectancy by local deprivation quintile and decile, with limits, and the SII."""
    name = chapter.area_name
    if results.kind == "local_health":
        return _quintiles_local_health(chapter, results)
    if results.kind != "deaths":
        return Section([Markdown(NO_DATA)])
    outputs = []
    authority = results.data["authority"].set_index("sex")["value"]
    for sex in SEXES:
        part = results.data["le_decile"]
        part = part[part["sex"] == sex].copy()
        part["vs_area"] = compare_with_benchmark(part, authority.get(sex, np.nan))
        ax = life_expectancy_by_decile(
            part,
            decile="group",
            value="value",
            lower="lower_ci95",
            upper="upper_ci95",
            significance="vs_area",
            benchmark=authority.get(sex),
            benchmark_label=f"{name} as a whole",
            value_label=f"{sex} life expectancy at birth (years)",
            decile_label=f"Local deprivation decile of {name}'s LSOAs (1 = most deprived)",
        )
        title = (
            f"{sex} life expectancy at birth by local deprivation decile, {name}, {results.period}"
        )
        ax.set_title(_wrap(title))
        chapter.figure(
            ax.figure,
            f"le_local_decile_{sex.lower()}",
            sources=BY_DEPRIVATION,
            title=title,
            alt_text=(
                f"Points with 95% limits of {sex.lower()} life expectancy in each local "
                "deprivation decile, rising from the most to the least deprived."
            ),
            data=part[["group", "deaths", "population", "value", "lower_ci95", "upper_ci95"]],
            count_columns=["deaths"],
            derived_columns=["value", "lower_ci95", "upper_ci95"],
            safe_columns=["group", "population"],
        )
    q = results.data["le_quintile"]
    table = _publish(
        chapter,
        q[["sex", "group", "deaths", "population", "value", "lower_ci95", "upper_ci95"]],
        "le_local_quintile",
        sources=BY_DEPRIVATION,
        title=f"Life expectancy at birth by local deprivation quintile, {name}, {results.period}",
        count_columns=["deaths"],
        derived_columns=["value", "lower_ci95", "upper_ci95"],
        safe_columns=["group", "population"],
        note="Quintile 1 is the most deprived fifth of the area's LSOAs (IMD score).",
    )
    sii = results.data["sii"]
    sii_table = _publish(
        chapter,
        sii.assign(statistic=sii["statistic"].str.upper())[
            ["sex", "statistic", "value", "lower_ci95", "upper_ci95"]
        ],
        "le_sii",
        sources=BY_DEPRIVATION,
        headers={"value": "Value (years; RII a ratio)"},
        title=f"Slope index of inequality in life expectancy at birth, {name}, {results.period}",
        safe_columns=["value", "lower_ci95", "upper_ci95"],
        note=(
            "The SII is the modelled gap in years between the least and most deprived ends of "
            "the area's deprivation scale (local deciles), as OHID's PHOF indicator; the RII is "
            "the ratio. Limits simulated (seeded)."
        ),
    )
    outputs += [table, sii_table]
    return Section(outputs)


def _quintiles_local_health(chapter: Chapter, results: Results) -> Section:
    name, q = chapter.area_name, results.data["quintile"]
    outputs = [
        Markdown(
            "Each quintile's value is the population-weighted average of its LSOAs' MSOA values "
            "(Local Health publishes MSOAs only), not a life table of the quintile, so it has "
            "no confidence limits; deciles are not shown because MSOA values repeat across "
            "them."
        )
    ]
    for sex in SEXES:
        col = f"le_{sex.lower()}"
        whole = _authority_value(results, col)
        ax = life_expectancy_by_decile(
            q.assign(q=q["group"].astype(int)),
            decile="q",
            value=col,
            lower=None,
            upper=None,
            benchmark=whole,
            benchmark_label=f"{name} ({_LH})",
            value_label=f"{sex} life expectancy at birth (years)",
            decile_label="Local deprivation quintile (IMD; 1 = most deprived)",
        )
        title = f"{sex} life expectancy at birth by local deprivation quintile, {name}, "
        title += f"{results.period} ({_LH}, MSOAs shared by population)"
        ax.set_title(_wrap(title))
        chapter.figure(
            ax.figure,
            f"le_quintile_{sex.lower()}",
            title=title,
            alt_text=f"Bar chart of {sex.lower()} life expectancy in each local quintile.",
            data=q[["group", "population", col]],
            safe_columns=["group", "population", col],
            sources=LH_BY_GROUP,
        )
    return Section(outputs)


def _authority_value(results: Results, measure: str) -> float | None:
    auth = results.data.get("authority")
    if auth is None or measure not in set(auth["measure"]):
        return None
    value = float(auth.set_index("measure").loc[measure, "value"])
    return value if np.isfinite(value) else None


def ward_map_section(chapter: Chapter, results: Results) -> Section:
    """Ward map of life expectancy against the authority (deaths), or MSOA maps (Local Health)."""
    name, pack = chapter.area_name, chapter.pack
    if results.kind == "deaths":
        wards = area_wards(pack, chapter.area)
        le = results.data["wards"]
        authority = results.data["authority"].set_index("sex")["value"]
        outputs = []
        for sex in SEXES:
            part = le[le["sex"] == sex]
            mapped = wards.merge(
                part.rename(columns={"group": "ward_code"}).drop(columns="group_name"),
                on="ward_code",
                how="left",
            )
            ax = life_expectancy_map(
                mapped,
                "value",
                significance="vs_area",
                benchmark_label=name,
                legend_title=f"{sex} life expectancy at birth (years)",
                labels="ward_name",
                attribution=pack.sources(*WARD_MAP),
                synthetic=chapter.synthetic,
            )
            title = f"{sex} life expectancy at birth by ward, {name}, {results.period}"
            ax.set_title(_wrap(title))
            chapter.figure(
                ax.figure,
                f"le_ward_map_{sex.lower()}",
                sources=WARD_MAP,
                title=title,
                alt_text=(
                    f"Map of {len(mapped)} wards shaded by {sex.lower()} life expectancy, "
                    f"hatched where significantly above or below {name} "
                    f"({authority.get(sex, np.nan):.1f} years)."
                ),
                data=part[
                    ["group", "group_name", "deaths", "population", "value"]
                    + ["lower_ci95", "upper_ci95", "vs_area"]
                ],
                count_columns=["deaths"],
                derived_columns=["value", "lower_ci95", "upper_ci95"],
                safe_columns=["population"],
            )
        outputs.append(
            Markdown(
                "Wards are compared with the authority's life expectancy by their 95% "
                "confidence intervals (as Fingertips and Local Health compare areas with a "
                "benchmark value)."
            )
        )
        return Section(outputs)
    if results.kind == "local_health":
        return _msoa_maps(chapter, results)
    return Section([Markdown(NO_DATA)])


def _msoa_shapes(chapter: Chapter, results: Results):
    """The area's MSOA boundaries with their Local Health values (None without boundaries)."""
    pack, msoa = chapter.pack, results.data["msoa"]
    if not pack.has("boundaries.msoa"):
        return None
    bounds = pack.read("boundaries.msoa")
    code = code_column(bounds, "msoa")
    shapes = bounds[bounds[code].isin(msoa["msoa_code"])].rename(columns={code: "msoa_code"})
    return shapes[["msoa_code", "geometry"]].merge(msoa, on="msoa_code", how="left")


#: Classes of the SMR maps (upper bounds; England = 100).
SMR_BINS = (90, 110, 130, 160)


def _smr_map(chapter: Chapter, results: Results) -> None:
    shapes = _msoa_shapes(chapter, results)
    if shapes is None or "smr_all_u75" not in shapes.columns:
        return
    name, pack = chapter.area_name, chapter.pack
    top = max(float(np.nanmax(shapes["smr_all_u75"])), SMR_BINS[-1] + 1)
    ax = ward_map(
        shapes,
        "smr_all_u75",
        legend_title="Deaths under 75 from all causes, SMR (England = 100)",
        scheme="user_defined",
        bins=[*SMR_BINS, top],
        legend_fmt="{:,.0f}",
        labels="msoa_name",
        attribution=pack.sources(*LH_MSOA_MAP),
        synthetic=chapter.synthetic,
    )
    title = f"Deaths under 75 from all causes by MSOA, {name}, {results.period} ({_LH})"
    ax.set_title(_wrap(title))
    chapter.figure(
        ax.figure,
        "premature_smr_msoa_map",
        title=title,
        alt_text=(
            f"Map of {len(shapes)} MSOAs shaded by the standardised mortality ratio of deaths "
            "under 75, from below 90 to 160 and above (England = 100)."
        ),
        data=results.data["msoa"][["msoa_code", "msoa_name", "smr_all_u75"]],
        safe_columns=["smr_all_u75"],
        sources=LH_MSOA_MAP,
    )


def _msoa_maps(chapter: Chapter, results: Results) -> Section:
    pack, name = chapter.pack, chapter.area_name
    msoa = results.data["msoa"]
    outputs = []
    shapes = _msoa_shapes(chapter, results)
    if shapes is not None:
        for sex in SEXES:
            col = f"le_{sex.lower()}"
            ax = ward_map(
                shapes,
                col,
                legend_title=f"{sex} life expectancy at birth (years)",
                labels="msoa_name",
                attribution=pack.sources(*LH_MSOA_MAP),
                synthetic=chapter.synthetic,
            )
            title = f"{sex} life expectancy at birth by MSOA, {name}, {results.period} ({_LH})"
            ax.set_title(_wrap(title))
            chapter.figure(
                ax.figure,
                f"le_msoa_map_{sex.lower()}",
                title=title,
                alt_text=(
                    f"Map of {len(shapes)} MSOAs shaded by {sex.lower()} life expectancy at "
                    "birth in five classes with equal numbers of MSOAs."
                ),
                data=msoa[["msoa_code", "msoa_name", col]],
                safe_columns=[col],
                sources=LH_MSOA_MAP,
            )
    wards = results.data["wards"]
    table = _publish(
        chapter,
        wards[["ward_code", "ward_name", "population", "le_female", "le_male"]],
        "le_ward_shared",
        headers={"population": "Residents"},
        title=(
            f"Life expectancy at birth by ward, {name}, {results.period}: Local Health MSOA "
            "values shared to wards by population"
        ),
        safe_columns=["population", "le_female", "le_male"],
        note=note(results.data["lsoa"]),
        sources=LH_BY_GROUP,
    )
    outputs.append(
        Markdown(
            "Local Health publishes life expectancy for MSOAs without confidence limits, so wards "
            "cannot be tested against the authority here; MSOAs it leaves blank ('N/A', too few "
            "deaths) are shown as no data. " + DEATHS_EXTRACT
        )
    )
    outputs.append(table)
    return Section(outputs)


def causes_of_gap(chapter: Chapter, results: Results) -> Section:
    """Segment-style chart: the within-area gap split by age and (when the pack has it) cause."""
    name = chapter.area_name
    if results.kind != "deaths":
        return Section(
            [
                Markdown(
                    "Splitting the gap by age and cause needs deaths by age and cause. "
                    + DEATHS_EXTRACT
                )
            ]
        )
    gap = results.data["gap"]
    causes = results.data["causes"]
    outputs = []
    for sex in SEXES:
        part = gap[gap["sex"] == sex].dropna(subset=["contribution"])
        if not len(part):
            outputs.append(Markdown(f"Too few {sex.lower()} deaths to split the gap."))
            continue
        part = part.assign(age_group=broad_age_groups(part["age_band"]).astype(str))
        ages = [g for g in _AGE_ORDER if g in set(part["age_group"])]
        if causes:
            shown = part.groupby(["cause_group", "age_group"], as_index=False, observed=True)[
                "contribution"
            ].sum()
            ax = gap_by_cause_and_age(
                shown, cause="cause_group", age_group="age_group", contribution="contribution",
                age_groups=ages,
            )  # fmt: skip
        else:  # one bar per age group
            shown = part.groupby("age_group", as_index=False, observed=True)["contribution"].sum()
            shown = shown.sort_values("age_group", key=lambda a: a.map(_AGE_ORDER.index))
            shown["cause"] = "All causes"
            ax = gap_by_cause_and_age(
                shown, cause="age_group", age_group="cause", contribution="contribution",
                causes=ages,
            )  # fmt: skip
            ax.set_ylabel("Age (years)")
            ax.get_legend().set_title("Cause of death")
        title = (
            f"Contribution to the {part['gap'].iloc[0]:.1f}-year gap in {sex.lower()} life "
            f"expectancy between the most and least deprived fifths, {name}, {results.period}"
        )
        ax.set_title(_wrap(title))
        chapter.figure(
            ax.figure,
            f"gap_segment_{sex.lower()}",
            sources=BY_DEPRIVATION,
            title=title,
            alt_text=(
                f"Bar chart of the years each {'cause' if causes else 'age group'} contributes "
                f"to the {sex.lower()} gap, split by age group."
            ),
            data=shown,
            # years of life expectancy of whole fifths, each with at least MIN_GAP_DEATHS
            # deaths (else NaN): no count can be worked back from them
            safe_columns=["contribution"],
        )
    if not causes:
        outputs.append(
            Markdown(
                "The pack's deaths have no cause of death, so the gap is split by age only. "
                + DEATHS_EXTRACT
            )
        )
    outputs.append(
        Markdown(
            "Arriaga's decomposition, as OHID's Segment Tool: each age band's contribution is "
            "shared among causes by the difference in their death rates; contributions add up "
            "to the gap. Quintiles are local (fifths of the area's LSOAs by IMD score)."
        )
    )
    return Section(outputs)


def premature(chapter: Chapter, results: Results) -> Section:
    """Premature (under 75) mortality: DSRs by cause, or SMRs under 75 by quintile."""
    name = chapter.area_name
    if results.kind == "deaths":
        prem = results.data["premature"]
        by = results.data["premature_by"]
        table = _publish(
            chapter,
            prem[
                [*by, "deaths", "population", "value", "lower_ci95", "upper_ci95"]
                + ["years_of_life_lost"]
            ],  # fmt: skip
            "premature_mortality",
            sources=DEATH_COUNTS,
            headers={
                "population": "Person-years under 75",
                "value": "Deaths under 75 per 100,000 (DSR)",
            },
            title=f"Deaths under 75 per 100,000 (directly standardised), {name}, {results.period}",
            count_columns=["deaths"],
            derived_columns=["value", "lower_ci95", "upper_ci95", "years_of_life_lost"],
            safe_columns=["population"],
            note="European Standard Population 2013; Dobson limits; years of life lost before 75.",
        )
        q = results.data["premature_quintile"]
        q_table = _publish(
            chapter,
            q[["group", "sex", "deaths", "population", "value", "lower_ci95", "upper_ci95"]],
            "premature_by_quintile",
            sources=BY_DEPRIVATION,
            headers={
                "population": "Person-years under 75",
                "value": "Deaths under 75 per 100,000 (DSR)",
            },
            title=(
                f"Deaths under 75 per 100,000 by local deprivation quintile, {name}, "
                f"{results.period}"
            ),
            count_columns=["deaths"],
            derived_columns=["value", "lower_ci95", "upper_ci95"],
            safe_columns=["group", "population"],
        )
        if results.data["causes"]:
            _premature_by_cause(chapter, results)
        return Section([table, q_table])
    if results.kind == "local_health":
        _smr_map(chapter, results)
        q = results.data["quintile"]
        cols = {
            "smr_all_u75": "All causes",
            "smr_circulatory_u75": "Circulatory disease",
            "smr_cancer_u75": "Cancer",
            "smr_preventable_u75": "Causes considered preventable",
        }
        have = [c for c in cols if c in q.columns]
        long = q.melt(id_vars="group", value_vars=have, var_name="measure", value_name="smr")
        long["cause"] = long["measure"].map(cols)
        long["label"] = long["cause"] + ", quintile " + long["group"].astype(int).astype(str)
        most = long[long["group"].isin([1, 5])].sort_values(["measure", "group"])
        ax = ranked_bars(
            most,
            label="label",
            value="smr",
            value_label="Deaths under 75, SMR (England = 100)",
            reference=100,
            reference_label="England",
            sort=None,
        )
        title = (
            f"Deaths under 75 by cause, most and least deprived fifths of {name}, "
            f"{results.period} ({_LH})"
        )
        ax.set_title(_wrap(title))
        chapter.figure(
            ax.figure,
            "premature_smr_quintile",
            title=title,
            alt_text="Bar chart of under-75 SMRs by cause in the most and least deprived fifths.",
            data=most[["group", "cause", "smr"]],
            safe_columns=["group", "smr"],
            sources=LH_BY_GROUP,
        )
        return Section(
            [
                Markdown(
                    "Standardised mortality ratios under 75 from Local Health, averaged over the "
                    "LSOAs of each fifth by population. Rates per 100,000 with limits need a "
                    "deaths extract."
                )
            ]
        )
    return Section([Markdown(NO_DATA)])


def _premature_by_cause(chapter: Chapter, results: Results) -> None:
    """Bars of the under-75 DSR by cause with 95% limits, one chart per sex."""
    name, prem = chapter.area_name, results.data["premature"]
    for sex in SEXES:
        part = prem[(prem["sex"] == sex) & prem["value"].notna()]
        if not len(part):
            continue
        ax = ranked_bars(
            part,
            label="cause_group",
            value="value",
            lower="lower_ci95",
            upper="upper_ci95",
            value_label="Deaths under 75 per 100,000 (directly standardised)",
        )
        title = f"{sex} deaths under 75 by cause, {name}, {results.period}"
        ax.set_title(_wrap(title))
        chapter.figure(
            ax.figure,
            f"premature_cause_{sex.lower()}",
            sources=DEATH_COUNTS,
            title=title,
            alt_text=(
                f"Bar chart of {sex.lower()} deaths under 75 per 100,000 by cause with 95% "
                f"limits; highest: {part.loc[part['value'].idxmax(), 'cause_group']}."
            ),
            data=part[["cause_group", "deaths", "population", "value", "lower_ci95", "upper_ci95"]],
            count_columns=["deaths"],
            derived_columns=["value", "lower_ci95", "upper_ci95"],
            safe_columns=["population"],
        )


#: The roles behind healthy life expectancy: the life tables' and Census general health by age.
HLE_ROLES = (*DEATH_COUNTS, "census.health_age")
HLE_BY_DEPRIVATION = (*BY_DEPRIVATION, "census.health_age")
#: Where the limits of Sullivan's healthy life expectancy come from.
SULLIVAN_LIMITS = (
    "Euro-REVES, Practical guide on health expectancy calculation: the Sullivan method "
    "(Jagger, Hauet et al., 1997), equations 20-21: the variance of the prevalence of good "
    "health, pi(1 - pi)/N with N the Census residents of the band, weighted by the life "
    "table's person-years; the guide leaves out the mortality term as small beside it"
)
_NO_HLE = (
    "Healthy life expectancy by Sullivan's method (`jsna.stats.healthy_life_"
    "expectancy`) splits the life table's years by the share of people in good "
    "health at each age. The Census 2021 gives general health by age (Nomis "
    "tables of general health by age band; the topic summary TS037 has no ages, so "
    "it cannot be used); this pack has no such table, so healthy life expectancy is "
    "not shown. Added to the pack, it would give Census-based (2021) healthy life "
    "expectancy by deprivation fifth with confidence limits."
)


def _good_health_groups(chapter: Chapter) -> tuple[pd.DataFrame, str]:
    """Census good health by group (the area; local quintiles from LSOA data), sex and age.

    Returns the frame (``group``, ``group_name``, ``sex``, ``age_start``, ``good``,
    ``total``; empty when the pack's table has none of the area) and the level read.
    """
    pack, area = chapter.pack, chapter.area
    health = pack.read("census.health_age")
    lookup = hierarchy(pack, area)
    lsoa = lsoa_column(lookup)
    keys = ["group", "group_name", "sex", "age_start"]
    mine = health[health["area_code"].isin(set(lookup[lsoa]))]
    if mine.empty:
        whole = health[health["area_code"] == area].assign(group=area, group_name=chapter.area_name)
        return whole.groupby(keys, as_index=False)[["good", "total"]].sum(), "authority"
    parts = [mine.assign(group=area, group_name=chapter.area_name)]
    if pack.has("imd") and pack.has("deaths.lsoa"):
        imd = local_quantiles(attach_imd(lookup[[lsoa]], pack.read("imd")), 5)
        quintile = imd.set_index(lsoa)["local_quintile"]
        q = mine.assign(group=mine["area_code"].map(quintile)).dropna(subset=["group"])
        q["group"] = q["group"].astype(int)
        parts.append(q.assign(group_name="Quintile " + q["group"].astype(str)))
    frame = pd.concat(parts, ignore_index=True)
    frame["group"] = frame["group"].astype(str)
    return frame.groupby(keys, as_index=False, sort=False)[["good", "total"]].sum(), "lsoa"


def _sullivan_at_birth(counts: pd.DataFrame, health: pd.DataFrame) -> pd.DataFrame:
    """Life expectancy and Sullivan healthy life expectancy at birth by group and sex.

    The Chiang II life table's bands are summed into the Census age bands (whose starts
    must be starts of life-table bands) before the prevalence is applied, so each
    Census prevalence counts once in the variance.
    """
    by = ["group", "sex"]
    if set(health["sex"]) == {"Persons"}:
        counts = counts.assign(sex="Persons")
    counts = counts.groupby([*by, "age_band"], as_index=False)[["deaths", "population"]].sum()
    table = life_expectancy(
        counts, "deaths", "population", by=by, age_band="age_band", life_table=True,
        confidence=0.95,
    )  # fmt: skip
    starts = np.sort(health["age_start"].unique())
    if not set(starts) <= set(table["age_band"].unique()):
        raise DataValidationError(
            f"the Census age bands start at {first_values(starts)} but the life table's at "
            f"{first_values(np.sort(table['age_band'].unique()))}; healthy life expectancy "
            "needs Census bands made of whole life-table bands (e.g. Age (18 categories))"
        )
    table["age_start"] = starts[np.searchsorted(starts, table["age_band"], side="right") - 1]
    bands = table.groupby([*by, "age_start"], as_index=False, sort=True).agg(
        lx=("lx", "first"), nLx=("nLx", "sum")
    )
    bands = bands.merge(health, on=[*by, "age_start"], how="inner", validate="one_to_one")
    with np.errstate(divide="ignore", invalid="ignore"):
        bands["share"] = np.where(bands["total"] > 0, bands["good"] / bands["total"], np.nan)
    bands = bands.sort_values([*by, "age_start"], ignore_index=True)
    hle = sullivan(bands, "lx", "nLx", "share", by=by, sample_size="total", confidence=0.95)
    birth = hle[hle["age_start"] == 0][[*by, "value", "lower_ci95", "upper_ci95"]]
    le = table[table["age_band"] == 0][[*by, "value", "lower_ci95", "upper_ci95"]]
    out = birth.merge(le, on=by, suffixes=("", "_le"))
    out["not_good"] = out["value_le"] - out["value"]
    out["share_good"] = 100 * out["value"] / out["value_le"]
    return out


def healthy_life_expectancy(chapter: Chapter, results: Results) -> Section:
    """Healthy life expectancy at birth by sex (Sullivan), from Census 2021 health by age.

    With general health by sex and age (role ``census.health_age``) and deaths by LSOA,
    the chapter's Chiang II life tables are split by the Census 2021 share in very good or
    good health at each age (Sullivan's method), for the area and, from LSOA tables, for
    each local deprivation fifth, with limits as Euro-REVES (:data:`SULLIVAN_LIMITS`).
    Without them the section says what the table would add.
    """
    pack, name = chapter.pack, chapter.area_name
    if results.kind != "deaths" or not pack.has("census.health_age"):
        return Section([Markdown(_NO_HLE)])
    health, level = _good_health_groups(chapter)
    if health.empty:
        return Section(
            [
                Markdown(
                    "The pack's Census 2021 general health by age (role `census.health_age`) "
                    f"has none of the areas of {markdown_text(name)}, so healthy life "
                    "expectancy is not shown."
                )
            ]
        )
    counts = [_sum_causes(results.data["whole"], ["group", "sex", "age_band"])]
    if health["group"].nunique() > 1:
        q = mortality_counts(pack, chapter.area, by="local_quintile")
        counts.append(_sum_causes(q, ["group", "sex", "age_band"]))
    counts = pd.concat(counts, ignore_index=True).assign(group=lambda d: d["group"].astype(str))
    try:
        hle, caught = _quiet(_sullivan_at_birth, counts, health[health["total"] > 0])
    except DataValidationError as exc:
        return Section(
            [Markdown(f"*Healthy life expectancy not shown: {markdown_text(str(exc))}*")]
        )
    names = health.drop_duplicates("group").set_index("group")["group_name"]
    hle = hle.assign(_later=hle["group"] != chapter.area).sort_values(
        ["_later", "group", "sex"], kind="stable"
    )
    hle = hle.drop(columns="_later").reset_index(drop=True)
    hle.insert(0, "group_name", hle["group"].map(names))
    hle.loc[hle["group_name"] == "Quintile 1", "group_name"] = "Quintile 1 (most deprived)"
    hle.loc[hle["group_name"] == "Quintile 5", "group_name"] = "Quintile 5 (least deprived)"
    period = f"Census 2021 and deaths {results.period}"
    headers = {
        "group_name": "Area or local deprivation fifth",
        "value": "Healthy life expectancy at birth (years)",
        "value_le": "Life expectancy at birth (years)",
        "lower_ci95_le": "Life expectancy lower 95% CI",
        "upper_ci95_le": "Life expectancy upper 95% CI",
        "not_good": "Years not in good health",
        "share_good": "Share of life in good health (%)",
    }
    shown = hle.drop(columns="group")
    table = _publish(
        chapter,
        shown,
        "healthy_life_expectancy",
        headers=headers,
        sources=HLE_BY_DEPRIVATION if level == "lsoa" and len(names) > 1 else HLE_ROLES,
        title=f"Healthy life expectancy at birth (Sullivan), {name}, {period}",
        safe_columns=[c for c in shown.columns if c not in ("group_name", "sex")],
        note=(
            "Good health: 'very good' or 'good' general health in Census 2021. Sullivan's "
            f"method on the chapter's Chiang II life tables; limits: {SULLIVAN_LIMITS}."
        ),
    )
    area = hle[hle["group"] == chapter.area]
    parts = []
    for _, r in area.iterrows():
        who = {"Female": "females", "Male": "males"}.get(r["sex"], "people")
        parts.append(
            f"{r['value']:.1f} years for {who} (95% CI {r['lower_ci95']:.1f} to "
            f"{r['upper_ci95']:.1f}), of a life expectancy of {r['value_le']:.1f}: "
            f"{r['not_good']:.1f} years not in good health"
        )
    text = (
        f"Healthy life expectancy at birth in {markdown_text(name)} - the years a newborn "
        "could expect to live in very good or good health if the Census 2021 shares in good "
        f"health at each age and the death rates of {results.period} held - is "
        + "; ".join(parts)
        + ". It is Census 2021-based (self-reported general health on Census day, 21 March "
        "2021), not ONS's survey-based (Annual Population Survey) healthy life expectancy, so "
        "compare it with other Census-based figures only."
    )
    quint = hle[hle["group"].isin(["1", "5"])]
    gaps, wider = [], []
    for sex in SEXES:
        part = quint[quint["sex"] == sex].set_index("group")
        if {"1", "5"} <= set(part.index):
            gap = part.loc["5", "value"] - part.loc["1", "value"]
            gaps.append(f"{gap:.1f} years for {sex.lower()}s")
            wider.append(gap > part.loc["5", "value_le"] - part.loc["1", "value_le"])
    if gaps:
        text += (
            " Between the least and most deprived fifths of the area the gap in healthy life "
            f"expectancy is {' and '.join(gaps)}"
            + (
                ": wider than the gap in life expectancy, as people in more deprived areas "
                "live shorter lives and more of them in poor health."
                if all(wider)
                else "."
            )
        )
    text += (
        " The limits count the sampling of the prevalence only; with Census counts they are "
        "narrow, and the uncertainty of the death rates (see life expectancy's own limits) is "
        "not in them."
    )
    return Section([Markdown(text), table, *[Markdown(f"*{markdown_text(n)}*") for n in caught]])


def recommendations(chapter: Chapter, results: Results) -> Markdown:
    """Draft recommendations, marked for local review."""
    name = markdown_text(chapter.area_name)
    extract = (
        "Obtain a deaths extract by LSOA, age, sex and cause (Primary Care Mortality "
        "Database) so the gap can be split by age and cause for current years."
    )
    if results.kind is None:
        items = [
            extract,
            "Until then, add OHID's Local Health MSOA life expectancy export to the data pack "
            "(role `indicators.local_health`).",
        ]
    else:
        items = [
            f"Set a local ambition for narrowing the gap in life expectancy between the most and "
            f"least deprived fifths of {name}, and track it with this chapter's measures each "
            "year.",
            "Use the ward and neighbourhood maps to place services for long-term conditions "
            "where life expectancy is shortest.",
        ]
        if _premature_higher_in_most_deprived(results):
            items.insert(
                1,
                "Focus cardiovascular prevention (blood pressure, cholesterol, smoking) and "
                "earlier cancer diagnosis on the most deprived fifth, where deaths under 75 are "
                "highest.",
            )
        if results.kind != "deaths":
            items.append(extract)
    bullets = "\n".join(f"- {item}" for item in items)
    return Markdown("**Draft for local review.**\n\n" + bullets)


def _premature_higher_in_most_deprived(results: Results) -> bool:
    """Whether deaths under 75 are higher in the most than the least deprived fifth."""
    if results.kind == "deaths":
        q = results.data["premature_quintile"].pivot(index="sex", columns="group", values="value")
        return bool((q[1] > q[q.columns.max()]).all())
    if results.kind == "local_health":
        q = results.data["quintile"].set_index("group")
        return "smr_all_u75" in q and bool(q.loc[1, "smr_all_u75"] > q.loc[5, "smr_all_u75"])
    return False


def data_and_methods(chapter: Chapter, results: Results) -> Markdown:
    """What was used, how, and what the pack lacked."""
    parts = []
    if results.kind == "deaths":
        parts.append(
            markdown_text(note(results.data["whole"]))
            + " Life expectancy by the Chiang II abridged life table with a 90+ final band "
            "(`jsna.stats.life_expectancy`), as OHID; the gap split by Arriaga's method "
            "(`jsna.stats.decomposition`); SII by weighted least squares across local deciles "
            "(`jsna.stats.inequality`); premature mortality as directly standardised rates "
            "(ESP2013). Roles used: `deaths.lsoa`, `population.lsoa`, `imd`, "
            "`lookup.lsoa_ward_lad`, `boundaries.ward`"
            + (
                ", `indicators.fingertips` (England)."
                if results.data["england"] is not None
                else "."
            )
        )
        notes = sorted(set(results.data["notes"]))
        if notes:
            parts.append("Notes: " + " ".join(markdown_text(n) for n in notes))
    elif results.kind == "local_health":
        parts.append(
            f"Life expectancy and standardised mortality ratios are {_LH}'s published values "
            f"for 2011 MSOAs, {markdown_text(results.period)} (five pooled years; life "
            "expectancy with a 90+ final band). "
            + markdown_text(" ".join(results.data["notes"]))
            + " Roles used: `indicators.local_health`, `population.lsoa`, `imd`, "
            "`lookup.lsoa_ward_lad`, `boundaries.msoa`. Lacking: `deaths.lsoa`. " + DEATHS_EXTRACT
        )
    else:
        parts.append(
            "Roles lacking: `deaths.lsoa` and `indicators.local_health`. " + DEATHS_EXTRACT
        )
    return Markdown("\n\n".join(parts))
