"""Chapter 01, population and deprivation: what each section computes, draws, saves and shows.

Each function takes the :class:`~jsna.publish.chapter.Chapter`, saves its figures and
tables through it, and returns what the notebook displays (Markdown, tables), with any
warnings raised on the way turned into notes (:mod:`jsna.publish.notes`). Figures are
shown by :meth:`~jsna.publish.chapter.Chapter.figure` where they are saved.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown

from jsna.analysis.deprivation import area_deprivation
from jsna.analysis.population import age_profile as age_bands
from jsna.analysis.population import lsoa_population, ward_population
from jsna.columns import AGE, LSOA21_CODE, POPULATION, code_column
from jsna.meta import meta, note
from jsna.plots import STYLE_PATH, age_profile, population_pyramid, ranked_bars, ward_map
from jsna.publish.chapter import Chapter, fmt_number, fmt_pct
from jsna.publish.escape import markdown_text
from jsna.publish.findings import Finding, listed
from jsna.publish.labels import labelled
from jsna.publish.notes import collect_notes, notes_markdown
from jsna.publish.prose import count_text

__all__ = [
    "ROLES",
    "header",
    "sources",
    "with_notes",
    "population_by_age",
    "population_summary",
    "population_by_ward",
    "deprivation_by_ward",
    "oldest_residents",
    "key_messages",
]


#: The pack roles this chapter can use (a tuple: any one of them will do).
ROLES = [
    "population.lsoa",
    "imd",
    "lookup.lsoa_ward_lad",
    "boundaries.ward",
    "boundaries.lsoa",
]


def with_notes(outputs: list, notes: list[str]) -> list:
    """The outputs, then the warnings as a Markdown note (when there were any).

    Examples
    --------
    >>> with_notes(["table"], []), with_notes([], ["2 LSOAs did not match"])[0].data
    (['table'], '*Note: 2 LSOAs did not match*')
    """
    return [*outputs, Markdown(notes_markdown(notes))] if notes else outputs


def header(chapter: Chapter) -> Markdown:
    """Use the house plot style; the area, the data pack, and whether the data are synthetic."""
    plt.style.use(STYLE_PATH)
    return Markdown(
        f"**Area:** {markdown_text(chapter.area_name)} ({markdown_text(chapter.area)}). "
        f"**Data pack:** {markdown_text(chapter.pack.name)}."
        + (" **Synthetic data**: not real figures for any place." if chapter.synthetic else "")
    )


def sources(chapter: Chapter) -> Markdown:
    """The pack's attribution as a closing paragraph."""
    return Markdown("**Sources.** " + markdown_text(chapter.source))


def population_by_age(chapter: Chapter) -> tuple[pd.DataFrame, list]:
    """Population pyramid (age profile for a persons-only file); the LSOA population, outputs."""
    pop, notes = collect_notes(lsoa_population, chapter.pack, chapter.area)
    bands = age_bands(pop)
    total = pop[POPULATION].sum()
    persons_only = meta(pop, "persons_only")
    name = chapter.area_name
    if persons_only:
        profile = bands.pivot_table(index="age_band", values=POPULATION, sort=False).reset_index()
        ax = age_profile(
            profile, age="age_band", value=POPULATION, value_label="Share of residents (%)"
        )
        title = f"Residents by age, {name}"
        alt = (
            f"Column chart of the share of {name}'s {fmt_number(total)} residents in each "
            "five-year age band, persons only."
        )
    else:
        profile = bands.pivot_table(
            index="age_band", columns="sex", values=POPULATION, sort=False
        ).reset_index()
        ax = population_pyramid(profile, age="age_band", male="Male", female="Female")
        title = f"Population pyramid, {name}"
        alt = (
            f"Population pyramid of {name}'s {fmt_number(total)} residents by five-year age "
            "band, males on the left and females on the right, as a share of all residents."
        )
    ax.set_title(title)
    chapter.figure(
        ax.figure,
        "population_age",
        title=title,
        alt_text=alt,
        data=profile,
        safe_columns=list(profile.columns),  # ONS population estimates for the whole area
    )
    outputs = []
    if persons_only:
        outputs.append(
            Markdown(
                "*The population file in this data pack has persons only, so an age profile is "
                "shown instead of a pyramid by sex.*"
            )
        )
    if note(pop):
        outputs.append(Markdown(f"*{markdown_text(note(pop))}*"))
    return pop, with_notes(outputs, notes)


def _shares(pop: pd.DataFrame) -> dict[str, float]:
    total = pop[POPULATION].sum()
    ages = pop[AGE]
    return {
        "total": total,
        "under18": 100 * pop.loc[ages < 18, POPULATION].sum() / total,
        "over65": 100 * pop.loc[ages >= 65, POPULATION].sum() / total,
        "over85": 100 * pop.loc[ages >= 85, POPULATION].sum() / total,
    }


def population_summary(chapter: Chapter, pop: pd.DataFrame) -> Markdown:
    """Residents, and the shares of children, of those 65 and over and of those 85 and over."""
    s = _shares(pop)
    period = meta(pop, "period") or "the latest estimates in the data pack"
    return Markdown(
        f"{markdown_text(chapter.area_name)} has **{fmt_number(s['total'])} residents** "
        f"({markdown_text(period)}): "
        f"{fmt_pct(s['under18'])} are children under 18, {fmt_pct(s['over65'])} are 65 or over "
        f"and {fmt_pct(s['over85'])} are 85 or over."
    )


def population_by_ward(chapter: Chapter) -> tuple[pd.DataFrame, list]:
    """Residents by ward: bar chart and table; the wards (with boundaries) and what to show."""
    wards, notes = collect_notes(ward_population, chapter.pack, chapter.area)
    name = chapter.area_name
    ranked = wards.dropna(subset=[POPULATION]).sort_values(POPULATION, ascending=False)
    ax = ranked_bars(ranked, label="ward_name", value=POPULATION, value_label="Residents (number)")
    ax.set_title(f"Residents by ward, {name}")
    chapter.figure(
        ax.figure,
        "ward_population",
        title=f"Residents by ward, {name}",
        alt_text=(
            f"Bar chart of residents in each of {len(ranked)} wards of {name}, from "
            f"{fmt_number(ranked[POPULATION].min())} to {fmt_number(ranked[POPULATION].max())}."
        ),
        data=ranked.drop(columns="geometry"),
        safe_columns=["n_lsoas", POPULATION],  # ONS population estimates of wards
    )
    outputs = []
    no_lsoa = wards.loc[wards["no_lsoa"], "ward_name"].tolist()
    if no_lsoa:
        outputs.append(
            Markdown(
                f"*{markdown_text(', '.join(no_lsoa))}: no LSOA is best-fitted to this ward in "
                "the ONS lookup, "
                "so it has no population figure here and shows as 'no data' on the maps.*"
            )
        )
    table = labelled(wards, columns=["ward_code", "ward_name", "n_lsoas", POPULATION])
    outputs.append(
        chapter.table(
            table,
            "ward_population",
            title=f"Residents by ward, {name}",
            safe_columns=list(table.columns),  # ONS population estimates of wards
        )
    )
    return wards, with_notes(outputs, notes)


def _ward_map(chapter: Chapter, mapped, column: str, **kwargs):
    return ward_map(
        mapped,
        column,
        labels="ward_name",
        label_style="auto",
        attribution=chapter.pack.attribution,
        synthetic=chapter.synthetic,
        **kwargs,
    )


def deprivation_by_ward(chapter: Chapter, wards: pd.DataFrame) -> tuple[dict, list]:
    """Maps of ward IMD score and Core20 share, and the ward deprivation table.

    Returns the :func:`jsna.analysis.deprivation.area_deprivation` result and what to show.
    """
    dep, notes = collect_notes(area_deprivation, chapter.pack, chapter.area)
    edition = meta(dep["area"], "imd_edition")
    ward_dep = dep["ward"]
    ward_code = code_column(ward_dep, "wd")
    ward_name = ward_code.replace("_code", "_name")
    names = [c for c in ward_dep.columns if c.endswith("_name")]
    mapped = wards.merge(
        ward_dep.drop(columns=[*names, POPULATION]),
        left_on="ward_code",
        right_on=ward_code,
        how="left",
    )
    name = chapter.area_name
    ax = _ward_map(
        chapter,
        mapped,
        "imd_score",
        legend_title="IMD score (population-weighted)",
        scheme="quantiles",
        k=5,
    )
    ax.set_title(f"Deprivation by ward ({edition}), {name}")
    chapter.figure(
        ax.figure,
        "ward_imd_score",
        title=f"Population-weighted IMD score by ward, {name}",
        alt_text=(
            f"Map of {len(mapped)} wards of {name} shaded by population-weighted "
            f"{edition} IMD score in five quantile groups; higher scores are more deprived."
        ),
        data=mapped.drop(columns="geometry"),
        # residents (ONS estimates), LSOA counts, shares and scores: all published already
        safe_columns=[c for c in mapped.columns if c != "geometry"],
    )
    ax = _ward_map(
        chapter,
        mapped,
        "core20_population_share",
        legend_title="Residents in Core20 LSOAs (%)",
        scheme="user_defined",
        bins=[0, 20, 40, 60, 80, 100],
    )
    ax.set_title(f"Share of residents in the most deprived 20% nationally, {name}")
    chapter.figure(
        ax.figure,
        "ward_core20_share",
        title=f"Residents living in Core20 neighbourhoods by ward, {name}",
        alt_text=(
            f"Map of {len(mapped)} wards of {name} shaded by the percentage of residents "
            f"living in LSOAs in the most deprived 20% in England ({edition}), in 20-point bands."
        ),
        data=mapped.drop(columns="geometry"),
        # residents (ONS estimates), LSOA counts, shares and scores: all published already
        safe_columns=[c for c in mapped.columns if c != "geometry"],
    )
    columns = [
        ward_code,
        ward_name,
        POPULATION,
        "n_lsoas",
        "core20_lsoas",
        "core20_lsoa_share",
        "core20_population_share",
        "imd_score",
    ]
    table = labelled(ward_dep, {ward_code: "Ward code", ward_name: "Ward"}, columns=columns)
    shown = chapter.table(
        table.round(1),
        "ward_deprivation",
        safe_columns=list(table.columns),  # residents, LSOAs, shares and scores
        title=f"Deprivation by ward ({edition}), {name}",
        note=(
            "IMD scores are population-weighted averages of LSOA scores. "
            "Core20: national IMD deciles 1-2."
        ),
    )
    return dep, with_notes([shown], notes)


def _oldest_table(pop: pd.DataFrame, lsoas: pd.DataFrame, ward_code: str) -> pd.DataFrame:
    """Residents aged 90+ per LSOA (whole people) with a total row per ward."""
    ward_name = ward_code.replace("_code", "_name")
    old = pop[pop[AGE] >= 90].groupby(LSOA21_CODE, as_index=False)[POPULATION].sum()
    old = lsoas[[LSOA21_CODE, ward_code, ward_name]].merge(old, on=LSOA21_CODE, how="left")
    old = old.fillna({POPULATION: 0.0})
    # Bridged or apportioned estimates can be fractional: published as whole people.
    old["residents_90_plus"] = np.round(old[POPULATION]).astype(int)
    cells = old.assign(is_total=False).drop(columns=POPULATION)
    totals = cells.groupby([ward_code, ward_name], as_index=False)["residents_90_plus"].sum()
    totals = totals.assign(**{LSOA21_CODE: "Ward total", "is_total": True})
    return pd.concat([cells, totals], ignore_index=True).sort_values(
        [ward_code, "is_total", LSOA21_CODE]
    )


def oldest_residents(chapter: Chapter, pop: pd.DataFrame, wards: pd.DataFrame, dep: dict) -> list:
    """Residents aged 90 and over by LSOA: suppressed table and map, and a summary."""
    ward_code = code_column(dep["ward"], "wd")
    oldest = _oldest_table(pop, dep["lsoa"], ward_code)
    name = chapter.area_name
    table = labelled(oldest, {ward_code: "Ward code", ward_code.replace("_code", "_name"): "Ward"})
    view = chapter.table(
        table,
        "residents_90_plus",
        title=f"Residents aged 90 and over by LSOA and ward, {name}",
        count_columns="Residents aged 90+",
        by="Ward code",
        total="Ward total",
        note="Bridged estimates rounded to whole people.",
    )
    published = chapter.last_table.rename(
        columns={"LSOA": LSOA21_CODE, "Residents aged 90+": "residents_90_plus"}
    )
    hidden = chapter.last_report.mask["Residents aged 90+"].to_numpy()
    published = published.assign(hidden=hidden)
    lsoa_map = chapter.pack.read("boundaries.lsoa")
    cells = oldest[~oldest["is_total"]]
    lsoa_map = lsoa_map[lsoa_map[LSOA21_CODE].isin(cells[LSOA21_CODE])]
    shown = published[~published["Ward total"]][[LSOA21_CODE, "residents_90_plus", "hidden"]]
    lsoa_map = lsoa_map.merge(shown, on=LSOA21_CODE, how="left")
    lsoa_map["suppressed"] = lsoa_map["hidden"].eq(True)
    n_suppressed = int(lsoa_map["suppressed"].sum())
    ax = ward_map(
        lsoa_map,
        "residents_90_plus",
        legend_title="Residents aged 90+ (number)",
        scheme="quantiles",
        k=5,
        suppressed_column="suppressed",
        outline=wards,
        attribution=chapter.pack.attribution,
        synthetic=chapter.synthetic,
    )
    ax.set_title(f"Residents aged 90 and over by LSOA, {name}")
    figure_data = (
        lsoa_map.drop(columns=["geometry", "residents_90_plus", "hidden"])
        .merge(cells[[LSOA21_CODE, ward_code, "residents_90_plus"]], on=LSOA21_CODE, how="left")
        .loc[
            :,
            [
                *[c for c in (LSOA21_CODE, "lsoa21_name") if c in lsoa_map.columns],
                ward_code,
                "residents_90_plus",
                "suppressed",
            ],
        ]
    )
    chapter.figure(
        ax.figure,
        "lsoa_residents_90_plus",
        title=f"Residents aged 90 and over by LSOA, {name}",
        alt_text=(
            f"Map of {len(lsoa_map)} LSOAs of {name} shaded by the number of residents aged "
            f"90 and over in five quantile groups; {n_suppressed} LSOAs are suppressed for "
            "small numbers."
        ),
        # the unsuppressed cells through the gate again, keeping the table's hidden cells
        data=figure_data,
        count_columns="residents_90_plus",
        by=ward_code,
        hidden={"residents_90_plus": figure_data["suppressed"].to_numpy()},
        # the ward totals are published only in the table, which protects (or hides) them;
        # the map's cells are the table's, with the table's hidden cells
        totals_published=False,
    )
    return [
        Markdown(
            f"{fmt_number(cells['residents_90_plus'].sum())} residents are aged 90 or over. "
            f"{n_suppressed} of {len(lsoa_map)} LSOAs are suppressed on the map and in the table "
            "(small numbers, or to stop a small number being worked out from its ward total)."
        ),
        view,
    ]


def key_messages(
    chapter: Chapter, pop: pd.DataFrame, wards: pd.DataFrame, dep: dict
) -> list[Finding]:
    """The chapter's key messages with their so-what, written from the area's numbers."""
    s = _shares(pop)
    edition = meta(dep["area"], "imd_edition")
    whole = dep["area"].iloc[0]
    ward_dep = dep["ward"]
    name_col = code_column(ward_dep, "wd").replace("_code", "_name")
    top = ward_dep.sort_values("core20_population_share", ascending=False).iloc[0]
    none = int((ward_dep["core20_population_share"] == 0).sum())
    largest = wards.sort_values(POPULATION, ascending=False).iloc[0]
    name = chapter.area_name
    core20_people = whole["core20_population_share"] * whole[POPULATION] / 100
    over65 = s["over65"] * s["total"] / 100
    over85 = s["over85"] * s["total"] / 100
    core_wards = ward_dep.sort_values("core20_population_share", ascending=False)
    core_wards = core_wards[core_wards["core20_population_share"] >= 50][name_col].tolist()
    findings = [
        Finding(
            f"{name} has {fmt_number(s['total'])} residents; {fmt_pct(s['over65'])} are aged 65 "
            f"or over and {fmt_pct(s['under18'])} are under 18.",
            f"{fmt_number(over65)} residents aged 65 or over, {fmt_number(over85)} of them 85 or "
            "over, shape the demand for health and social care that the later chapters describe.",
        ),
        Finding(
            f"{fmt_pct(whole['core20_population_share'])} of residents "
            f"({fmt_number(core20_people)}) live in the most deprived 20% of neighbourhoods in "
            "England "
            f"({int(whole['core20_lsoas'])} of {count_text(int(whole['n_lsoas']), 'LSOA')}, "
            f"{fmt_pct(whole['core20_lsoa_share'])}; {edition}).",
            f"These {fmt_number(core20_people)} residents are {name}'s Core20 population, the "
            "focus of NHS England's Core20PLUS5 approach to healthcare inequalities"
            + (f"; they are concentrated in {listed(core_wards[:3])}." if core_wards else "."),
        ),
        Finding(
            f"The share is highest in {top[name_col]} "
            f"({fmt_pct(top['core20_population_share'])} of residents); "
            + (
                f"{none} of {count_text(len(ward_dep), 'ward')} "
                + ("has" if none == 1 else "have")
                + " no Core20 neighbourhood."
                if none
                else f"every one of the {len(ward_dep)} wards has at least one Core20 "
                "neighbourhood."
            ),
            "Deprivation is not spread evenly: ward profiles show where to focus services.",
        ),
        Finding(
            f"The largest ward by population is {largest['ward_name']} "
            f"({fmt_number(largest[POPULATION])} residents).",
            "Ward populations are the denominators of every ward rate in this assessment.",
        ),
    ]
    if ward_dep["imd_score"].notna().any():
        most = ward_dep.sort_values("imd_score", ascending=False).iloc[0]
        findings.append(
            Finding(
                f"The most deprived ward by population-weighted IMD score is {most[name_col]} "
                f"(score {most['imd_score']:.1f}, against {whole['imd_score']:.1f} for {name} "
                "as a whole).",
                f"Its residents face deprivation {most['imd_score'] / whole['imd_score']:.1f} "
                f"times the level of {name} as a whole, on average.",
            )
        )
    return findings
