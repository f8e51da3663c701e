"""Chapter 01, population and deprivation: what each section computes, draws, saves and shows.

Each function takes the :class:`~jsna.publish.chapter.Chapter`, saves its figures and
tables through it, and returns what the notebook displays (Markdown, tables), with any
warnings raised on the way turned into notes (:mod:`jsna.publish.notes`). Figures are
shown by :meth:`~jsna.publish.chapter.Chapter.figure` where they are saved.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown

from jsna.analysis.census import CensusResult, census_tables, census_topic
from jsna.analysis.deprivation import (
    area_deprivation,
    authority_summaries,
    lsoa_population_totals,
)
from jsna.analysis.population import age_profile as age_bands
from jsna.analysis.population import lsoa_population, ward_population
from jsna.columns import AGE, LSOA21_CODE, POPULATION, code_column
from jsna.exceptions import JSNAError
from jsna.meta import copy_meta, meta, note
from jsna.plots import STYLE_PATH, age_profile, population_pyramid, ranked_bars, ward_map
from jsna.plots.classes import national_decile_breaks
from jsna.plots.maps import deprivation_map
from jsna.publish.chapter import Chapter, fmt_number, fmt_pct
from jsna.publish.escape import markdown_text
from jsna.publish.findings import Finding, listed
from jsna.publish.labels import labelled
from jsna.publish.notes import collect_notes, notes_markdown
from jsna.publish.prose import count_text, rank_sentence

__all__ = [
    "ROLES",
    "header",
    "sources",
    "with_notes",
    "population_by_age",
    "population_summary",
    "population_by_ward",
    "census_by_ward",
    "deprivation_among_authorities",
    "deprivation_by_ward",
    "oldest_residents",
    "key_messages",
]


#: The data pack roles behind each kind of output (their sources are cited under it).
WARD_POPULATION = ("population.lsoa", "lookup.lsoa_ward_lad")
WARD_DEPRIVATION = ("imd", "population.lsoa", "lookup.lsoa_ward_lad")
WARD_DEPRIVATION_MAP = (*WARD_DEPRIVATION, "boundaries.ward")
OLDEST_MAP = (*WARD_POPULATION, "boundaries.lsoa", "boundaries.ward")
LSOA_DEPRIVATION_MAP = ("imd", "lookup.lsoa_ward_lad", "boundaries.lsoa", "boundaries.ward")

#: The pack roles this chapter can use (a tuple: any one of them will do).
ROLES = [
    "population.lsoa",
    "imd",
    "lookup.lsoa_ward_lad",
    "boundaries.ward",
    "boundaries.lsoa",
    "census.lsoa",
    "census.msoa",
    "boundaries.msoa",
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
    when = f", {meta(pop, 'period')}" if meta(pop, "period") else ""
    if persons_only:
        profile = bands.pivot_table(index="age_band", values=POPULATION, sort=False).reset_index()
        ax = age_profile(
            profile, age="age_band", value=POPULATION, value_label="Share of residents (%)"
        )
        title = f"Residents by age, {name}{when}"
        alt = (
            f"Column chart of the share of {name}'s {fmt_number(total)} residents in each "
            "five-year age band, persons only."
        )
    else:
        profile = bands.pivot_table(
            index="age_band", columns="sex", values=POPULATION, sort=False
        ).reset_index()
        ax = population_pyramid(profile, age="age_band", male="Male", female="Female")
        title = f"Population pyramid, {name}{when}"
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
        sources="population.lsoa",
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
    when = f", {meta(wards, 'period')}" if meta(wards, "period") else ""
    ax.set_title(f"Residents by ward, {name}{when}")
    chapter.figure(
        ax.figure,
        "ward_population",
        title=f"Residents by ward, {name}{when}",
        alt_text=(
            f"Bar chart of residents in each of {len(ranked)} wards of {name}, from "
            f"{fmt_number(ranked[POPULATION].min())} to {fmt_number(ranked[POPULATION].max())}."
        ),
        data=ranked.drop(columns="geometry"),
        sources=WARD_POPULATION,
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
            title=f"Residents by ward, {name}{when}",
            sources=WARD_POPULATION,
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
        attribution=chapter.pack.sources(*WARD_DEPRIVATION_MAP),
        synthetic=chapter.synthetic,
        **kwargs,
    )


def _decile_breaks(chapter: Chapter, edition: str):
    """The national IMD score breaks of the edition, or None (with the reason) if not known."""
    imd = chapter.pack.read("imd", edition=edition or None)
    if "imd_score" not in imd.columns or imd["imd_score"].isna().all():
        return None, f"the {edition} file in this data pack has no IMD scores"
    try:
        return national_decile_breaks(imd["imd_score"], imd["imd_decile"]), ""
    except JSNAError as error:
        return None, str(error)


def deprivation_by_ward(chapter: Chapter, wards: pd.DataFrame) -> tuple[dict, list]:
    """Maps of deprivation by national decile (LSOAs; wards' scores) and the ward table.

    Deprivation is classed by **national** deciles (1 = most deprived 10% of
    neighbourhoods in England), never local quantiles, so an affluent ward does not
    look deprived because its neighbours are more affluent. The Core20 ward map is
    chapter 05's; this chapter points to it.

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
    outputs: list = []
    # LSOAs by national decile, ward boundaries over them
    lsoa_dep = dep["lsoa"]
    lsoa_map = chapter.pack.read("boundaries.lsoa")
    lsoa_map = lsoa_map[lsoa_map[LSOA21_CODE].isin(lsoa_dep[LSOA21_CODE])].merge(
        lsoa_dep[[LSOA21_CODE, ward_code, "imd_decile", "imd_rank", "imd_score"]],
        on=LSOA21_CODE,
        how="left",
    )
    counts = lsoa_map["imd_decile"].value_counts()
    in_1 = int(counts.get(1, 0))
    ax = deprivation_map(
        lsoa_map,
        "imd_decile",
        edition=edition,
        outline=wards,
        attribution=chapter.pack.sources(*LSOA_DEPRIVATION_MAP),
        synthetic=chapter.synthetic,
    )
    title = f"Neighbourhoods (LSOAs) by national IMD decile ({edition}), {name}"
    ax.set_title(textwrap.fill(title, 60))
    chapter.figure(
        ax.figure,
        "lsoa_imd_decile",
        title=title,
        alt_text=(
            f"Map of the {len(lsoa_map)} neighbourhoods (LSOAs) of {name} shaded by their "
            f"national {edition} IMD decile, from decile 1 (the most deprived 10% in England, "
            f"darkest) to decile 10 (least deprived); {in_1} are in decile 1 and "
            f"{int(counts.get(10, 0))} in decile 10. Ward boundaries are drawn over them."
        ),
        data=lsoa_map.drop(columns="geometry"),
        sources=LSOA_DEPRIVATION_MAP,
        # national ranks, deciles and scores of LSOAs: published by MHCLG
        safe_columns=["imd_decile", "imd_rank", "imd_score"],
    )
    outputs.append(
        Markdown(
            f"{in_1} of {markdown_text(name)}'s {len(lsoa_map)} neighbourhoods are among the most "
            f"deprived 10% in England and {int(counts.get(10, 0))} among the least deprived 10% "
            f"({markdown_text(edition)}). The maps use England's deciles, not the area's own "
            "ranking, so a ward is only shown as deprived if it is deprived by national standards."
        )
    )
    breaks, why = _decile_breaks(chapter, edition)
    if breaks is not None and mapped["imd_score"].notna().any():
        ax = deprivation_map(
            mapped,
            "imd_score",
            breaks=breaks,
            edition=edition,
            labels="ward_name",
            label_style="auto",
            attribution=chapter.pack.sources(*WARD_DEPRIVATION_MAP),
            synthetic=chapter.synthetic,
        )
        title = f"Deprivation by ward, national IMD decile bands ({edition}), {name}"
        ax.set_title(textwrap.fill(title, 60))
        ward_deciles = 10 - np.searchsorted(np.asarray(breaks), mapped["imd_score"], side="left")
        n_top = int(((ward_deciles == 1) & mapped["imd_score"].notna()).sum())
        chapter.figure(
            ax.figure,
            "ward_imd_score",
            title=title,
            alt_text=(
                f"Map of {len(mapped)} wards of {name} shaded by the national {edition} IMD "
                "decile whose neighbourhood scores match the ward's population-weighted score, "
                f"from decile 1 (most deprived 10% in England, darkest) to 10; {n_top} wards "
                "score as high as the most deprived 10% of neighbourhoods in England."
            ),
            data=mapped.drop(columns="geometry"),
            sources=WARD_DEPRIVATION_MAP,
            # residents (ONS estimates), LSOA counts, shares and scores: all published already
            safe_columns=[c for c in mapped.columns if c != "geometry"],
        )
    else:
        outputs.append(
            Markdown(
                f"*Wards are not mapped by IMD score: {markdown_text(why or 'no ward has a score')}"
                ".*"
            )
        )
    outputs.append(
        Markdown(
            "The share of each ward's residents living in Core20 neighbourhoods (the most "
            "deprived 20% in England) is mapped in chapter 05, Core20PLUS5 and inequalities; "
            "the table below gives it for every ward."
        )
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
    outputs.append(
        chapter.table(
            table.round(1),
            "ward_deprivation",
            sources=WARD_DEPRIVATION,
            safe_columns=list(table.columns),  # residents, LSOAs, shares and scores
            title=f"Deprivation by ward ({edition}), {name}",
            note=(
                "IMD scores are population-weighted averages of LSOA scores. "
                "Core20: national IMD deciles 1-2."
            ),
        )
    )
    return dep, with_notes(outputs, notes)


# ------------------------------------------------------------------ Census 2021


_CENSUS_TABLES = (
    "TS011 household deprivation, TS021 ethnic group, TS029 proficiency in English, TS037 "
    "general health, TS038 disability and TS039 unpaid care"
)


def _census_roles(result: CensusResult, mapped: bool) -> tuple[str, ...]:
    """The pack roles behind a Census table by ward (LSOA tables) or by MSOA, or its map."""
    if result.level == "ward":
        roles = (f"census.lsoa[table={result.table}]", "lookup.lsoa_ward_lad")
        return (*roles, "boundaries.ward") if mapped else roles
    table = f"census.msoa[table={result.table}]"
    return (table, "boundaries.msoa", "boundaries.ward") if mapped else (table,)


def _census_map(chapter: Chapter, result: CensusResult, wards) -> None:
    """Map of a table's key share by ward (or by MSOA, ward boundaries over them)."""
    name = chapter.area_name
    small = result.areas
    if result.level == "ward":
        mapped = wards[["ward_code", "ward_name", "geometry"]].merge(
            small.drop(columns="ward_name"), on="ward_code", how="left"
        )
        labels, outline, unit_name = "ward_name", None, "ward"
    else:
        bounds = chapter.pack.read("boundaries.msoa")
        code = "msoa21_code"
        mapped = bounds[[code, "geometry"]].merge(small, on=code, how="inner")
        labels, outline, unit_name = None, wards, "MSOA"
    values = mapped["key_share"].dropna()
    k = int(min(5, values.nunique()))
    scheme = "quantiles" if k >= 2 else "user_defined"
    extra = {"k": k} if k >= 2 else {"bins": [float(values.max()) if len(values) else 1.0]}
    ax = ward_map(
        mapped,
        "key_share",
        legend_title=f"{result.key} ({result.unit})",
        scheme=scheme,
        labels=labels,
        label_style="auto",
        outline=outline,
        attribution=chapter.pack.sources(*_census_roles(result, mapped=True)),
        synthetic=chapter.synthetic,
        **extra,
    )
    title = f"{result.key} by {unit_name}, Census 2021, {name}"
    ax.set_title(textwrap.fill(title, 60))
    low = small.loc[small["key_share"].idxmin()] if len(values) else None
    high = small.loc[small["key_share"].idxmax()] if len(values) else None
    name_col = "ward_name" if result.level == "ward" else "msoa21_name"
    span = (
        f" from {fmt_pct(low['key_share'])} in {low[name_col]} to "
        f"{fmt_pct(high['key_share'])} in {high[name_col]}"
        if low is not None
        else ""
    )
    chapter.figure(
        ax.figure,
        f"census_{result.table.lower()}_{result.level}",
        sources=_census_roles(result, mapped=True),
        title=title,
        alt_text=(
            f"Map of the {len(mapped)} {unit_name}s of {name} shaded by "
            f"{result.key.lower()} ({result.unit}, Census 2021) in {k} quantile groups,"
            f"{span}; {fmt_pct(result.key_share)} for {name} as a whole."
        ),
        data=mapped.drop(columns="geometry"),
        # Census 2021 counts and shares, published by ONS (already perturbed for disclosure)
        safe_columns=[c for c in mapped.columns if c != "geometry"],
    )


_MAX_SUBCATEGORIES = 4


def _area_shares(result: CensusResult, column: str) -> dict:
    """The area's (or England's) share of each category, keyed as the ward columns."""
    rows = result.area[result.area["level"].isin([1, 2])]
    keys = np.where(
        rows["level"] == 1,
        "share: " + rows["category"].astype(str),
        "share: " + rows["parent_category"].astype(str) + ": " + rows["category"].astype(str),
    )
    return dict(zip(keys, rows[column], strict=True))


def _census_table(chapter: Chapter, result: CensusResult):
    """The table's categories (and a few sub-categories) by ward or MSOA, with the area and
    England."""
    name = chapter.area_name
    small = result.areas
    code, label = (
        ("ward_code", "ward_name") if result.level == "ward" else ("msoa21_code", "msoa21_name")
    )
    level1 = [c for c in small.columns if c.startswith("share: ") and c.count(": ") == 1]
    level2 = [c for c in small.columns if c.startswith("share: ") and c.count(": ") > 1]
    # sub-categories too when there are few (proficiency in English), not 19 ethnic groups
    shares = level1 + (level2 if len(level2) <= _MAX_SUBCATEGORIES else [])
    rows = small[[code, label, "total", "key_share", *shares]].copy()
    whole = result.area[result.area["level"] == 1].set_index("category")
    area_row = {code: chapter.area, label: f"{name} (all)", "total": whole["total"].iloc[0]}
    area_row["key_share"] = result.key_share
    area_row.update({k: v for k, v in _area_shares(result, "share").items() if k in shares})
    frames = [rows, pd.DataFrame([area_row])]
    if np.isfinite(result.england_key_share):
        england = {code: "E92000001", label: "England", "total": np.nan}
        england["key_share"] = result.england_key_share
        england.update(
            {k: v for k, v in _area_shares(result, "england_share").items() if k in shares}
        )
        frames.append(pd.DataFrame([england]))
    table = pd.concat(frames, ignore_index=True)
    table["total"] = table["total"].round()
    headers = {
        code: "Ward code" if result.level == "ward" else "MSOA code",
        label: "Ward" if result.level == "ward" else "MSOA",
        "total": result.universe.removeprefix("All ").capitalize() + " (number)",
        "key_share": f"{result.key} (%)",
        **{c: f"{c.split(': ')[-1]} (%)" for c in shares},
    }
    if not result.key or len(result.key_categories) == 1:
        table = table.drop(columns="key_share")  # no key, or the key is one category
        headers.pop("key_share")
    table = table.rename(columns=headers)
    by = "ward" if result.level == "ward" else "MSOA"
    return chapter.table(
        table.round(1),
        f"census_{result.table.lower()}",
        sources=_census_roles(result, mapped=False),
        title=f"{result.title} by {by} ({result.table}), Census 2021, {name}",
        # Census 2021 counts and shares, published by ONS (already perturbed for disclosure)
        safe_columns=list(table.columns),
        note=(
            f"Shares are {result.unit}, from table {result.table}'s own total: ONS perturbs "
            "each Census table separately, so totals differ slightly between tables. "
            + (
                "Wards from LSOAs with the ONS best-fit lookup."
                if result.level == "ward"
                else "Published for MSOAs, which do not nest in wards."
            )
        ),
    )


def _census_fact(chapter: Chapter, result: CensusResult) -> dict:
    """A key fact: a plain sentence with the numbers it quotes."""
    small = result.areas.dropna(subset=["key_share"])
    name_col = "ward_name" if result.level == "ward" else "msoa21_name"
    where = "wards" if result.level == "ward" else "neighbourhoods (MSOAs)"
    england = result.england_key_share
    message = (
        f"{fmt_pct(result.key_share)} of {chapter.area_name}'s "
        f"{result.unit.removeprefix('% of ')} {result.phrase} (Census 2021"
        + (f"; England {fmt_pct(england)}" if np.isfinite(england) else "")
        + ")"
    )
    high = small.loc[small["key_share"].idxmax()] if len(small) else None
    low = small.loc[small["key_share"].idxmin()] if len(small) else None
    message += (
        f"; across {where} this ranges from {fmt_pct(low['key_share'])} in {low[name_col]} "
        f"to {fmt_pct(high['key_share'])} in {high[name_col]}."
        if len(small)
        else "."
    )
    if np.isfinite(result.also_share):
        message += (
            f" {fmt_pct(result.also_share)} of all {result.unit.removeprefix('% of ')} "
            f"{result.also_phrase}."
        )
    return {
        "message": message,
        "table": result.table,
        "topic": result.title,
        "measure": result.key,
        "unit": result.unit,
        "value": result.key_share,
        "england": england,
        "highest": None if high is None else (str(high[name_col]), float(high["key_share"])),
        "lowest": None if low is None else (str(low[name_col]), float(low["key_share"])),
        "also": result.also_share,
        "period": "2021",
    }


def _show(*objects) -> None:
    """Display now, in the running notebook (nothing outside IPython), like a figure."""
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is not None:
        display(*objects)


def census_by_ward(chapter: Chapter, wards: pd.DataFrame) -> tuple[list, list[dict], list]:
    """Census 2021 topics by ward: a map of each table's key share, a table per topic.

    Each share uses its own table's total (ONS perturbs every table separately).
    Tables published for MSOAs are mapped by MSOA with ward boundaries over them.
    Each topic is shown as it is made - heading, map, sentence, table - since a
    figure is shown where it is made; what is returned to show is what follows
    them (notes), or, without Census tables, a sentence saying what a pack with
    them would show.

    Returns
    -------
    (list of CensusResult, list of dict, list)
        The results, the key facts (``message`` - a plain sentence - and the numbers
        it quotes: ``value``, ``england``, ``highest``, ``lowest`` ...), and what is
        left to show.
    """
    tables = census_tables(chapter.pack)
    if not tables:
        return (
            [],
            [],
            [
                Markdown(
                    "*This data pack has no Census 2021 tables. With the Nomis Census 2021 "
                    f"tables for LSOAs ({_CENSUS_TABLES}) listed in datapack.toml as role "
                    '`census.lsoa` (one entry per table, with `table = "TS038"`), this section '
                    "maps the key share of each table by ward, tabulates every category by ward "
                    "against the area (and England, where the file covers it), and adds the "
                    "figures to the key messages. `jsna fetch --area CODE --only census.lsoa` "
                    "downloads them.*"
                )
            ],
        )
    results, facts, notes = [], [], []
    for role, table in tables:
        result, caught = collect_notes(census_topic, chapter.pack, chapter.area, table, role)
        notes += caught
        results.append(result)
        _show(Markdown(f"### {markdown_text(result.title)} ({result.table})"))
        if result.key and (result.level == "ward" or chapter.pack.has("boundaries.msoa")):
            _, caught = collect_notes(_census_map, chapter, result, wards)  # boundary repairs
            notes += caught
        elif result.key:
            _show(
                Markdown(f"*Not mapped: the data pack has no MSOA boundaries for {result.table}.*")
            )
        if result.key:
            fact = _census_fact(chapter, result)
            facts.append(fact)
            _show(Markdown(markdown_text(fact["message"])))
        _show(_census_table(chapter, result))
    england = "England's share is not shown"
    shown = sorted({n for r in results for n in r.notes if not n.startswith(england)})
    without = [r.table for r in results if r.key and not np.isfinite(r.england_key_share)]
    if without:
        shown.append(
            f"England's shares are not shown: the pack's Census files ({', '.join(without)}) do "
            "not cover every area of England (the Nomis bulk files do)."
        )
    outputs = [Markdown(" ".join(f"*{markdown_text(n)}*" for n in shown))] if shown else []
    return results, facts, with_notes(outputs, notes)


# ------------------------------------------------------------------ IoD summaries

#: LSOAs in England in each IoD edition (MHCLG, IoD2025 and IoD2019 technical reports).
_N_LSOAS = {"IoD2025": 33_755, "IoD2019": 32_844}

_MEASURES = (
    ("average_score", "Average score", "{:.1f}"),
    ("average_rank", "Average rank (higher = more deprived)", "{:,.0f}"),
    ("proportion_most_deprived_10", "LSOAs in the most deprived 10% nationally (%)", "pct"),
    ("extent", "Extent (%)", "pct"),
    ("local_concentration", "Local concentration", "{:,.0f}"),
)


def deprivation_among_authorities(chapter: Chapter) -> tuple[dict, list]:
    """The IoD local-authority summary measures of the area: a sentence and a table.

    Average score, average rank, the share of LSOAs in the most deprived 10%
    nationally, extent and local concentration, each with the area's rank among
    England's authorities (1 = most deprived), computed from the pack's LSOA file
    as MHCLG's File 10 (:func:`jsna.analysis.deprivation.authority_summaries`).
    Ranks need the file for the whole of England; with part of it the measures are
    shown without ranks, saying so.

    Returns
    -------
    (dict, list)
        Key facts (``message`` and the numbers) and what to show.
    """
    pack = chapter.pack
    imd = pack.read("imd")
    edition = meta(imd, "edition", "")
    lsoa = next(c for c in imd.columns if c.startswith("lsoa") and c.endswith("_code"))
    own_lad = code_column(imd, "lad", required=False)  # IoD File 7 names each LSOA's authority
    lookup = None if own_lad else pack.read("lookup.lsoa_ward_lad")
    notes: list[str] = []
    if lookup is not None:
        if lsoa not in lookup.columns:
            return {}, [
                Markdown(
                    f"*The {markdown_text(edition)} summary measures are not shown: the IMD file "
                    "and the LSOA lookup of this data pack are on different LSOA vintages.*"
                )
            ]
        covered = imd[lsoa].isin(lookup[lsoa])
        if not covered.all():
            # the lookup holds part of England: the area's measures, without national ranks
            imd = copy_meta(imd[covered.to_numpy()].reset_index(drop=True), imd)
    lad = own_lad or code_column(lookup, "lad")
    n = _N_LSOAS.get(edition) or int(pd.to_numeric(imd["imd_rank"]).max())
    part = len(imd) < n
    # Weights: the release's own denominators if the file has them; else the pack's
    # population where it covers every LSOA of the file; else equal (said in a note).
    population = None
    if POPULATION not in imd.columns and pack.has("population.lsoa"):
        totals, caught = collect_notes(lsoa_population_totals, pack, edition or None)
        if totals.index.name == lsoa and imd[lsoa].isin(totals.index).all():
            population, notes = totals, caught
    try:
        summary, caught = collect_notes(
            authority_summaries, imd, population, lad=lookup, n_national=n if part else None
        )
    except JSNAError as error:
        return {}, [
            Markdown(
                f"*The {markdown_text(edition)} summary measures are not shown: "
                f"{markdown_text(str(error))}*"
            )
        ]
    # equal weights and missing ranks are said in the table's note and in the sentence
    said = ("authority_summaries: no population given", "authority_summaries: the IMD frame")
    notes += [c for c in caught if not c.startswith(said)]
    row = summary.loc[summary[lad] == chapter.area]
    if row.empty:
        return {}, [Markdown(f"*No {markdown_text(edition)} LSOAs of this area in the pack.*")]
    row = row.iloc[0]
    name = chapter.area_name
    ranked = not part and pd.notna(row["rank_of_average_score"])
    if ranked:
        sentence = rank_sentence(
            summary.assign(**{lad.replace("_code", "_name"): name}), chapter.area
        )
    else:
        sentence = (
            f"{name}'s average IMD score is {row['average_score']:.1f} ({edition}); "
            f"{int(row['n_most_deprived_10'])} of its {int(row['n_lsoas'])} neighbourhoods "
            f"(LSOAs, {100 * row['proportion_most_deprived_10']:.1f}%) are among the most "
            "deprived 10% in England. Its rank among England's local authorities needs the "
            "IoD file and the LSOA lookup for every LSOA in England; this data pack has them "
            "for part of England only."
        )
    n_authorities = int(summary["rank_of_average_score"].notna().sum()) if ranked else None
    weighted = not (population is None and POPULATION not in imd.columns)
    values, ranks = [], []
    for measure, _, fmt in _MEASURES:
        value = row[measure]
        values.append(np.nan if pd.isna(value) else 100 * value if fmt == "pct" else float(value))
        rank = row[f"rank_of_{measure}"]
        # without LSOA populations only the share of LSOAs ranks as MHCLG's File 10 does
        comparable = weighted or measure == "proportion_most_deprived_10"
        ranks.append(
            f"{int(rank)} of {n_authorities}" if ranked and comparable and pd.notna(rank) else "[x]"
        )
    table = pd.DataFrame(
        {
            "Measure": [label for _, label, _ in _MEASURES],
            "Value": np.round(values, 1),
            "Rank among authorities (1 = most deprived)": ranks,
        }
    )
    shown = chapter.table(
        table,
        "iod_summary",
        sources=("imd", "lookup.lsoa_ward_lad"),
        title=f"Index of Multiple Deprivation summary measures ({edition}), {name}",
        # summary measures of a whole authority from MHCLG's published LSOA file
        safe_columns=["Value"],
        note=(
            "Computed from the IoD LSOA file as MHCLG's local authority summaries (File 10). "
            "Extent: the share of residents in the most deprived 30% of LSOAs, weighted towards "
            "the most deprived 10%. Local concentration: the average rank of the most deprived "
            "LSOAs holding 10% of the residents. "
            + note(summary)
            + (
                " The IoD file in this data pack has no population denominators, so measures "
                "other than the share of LSOAs in the most deprived 10% can differ a little from "
                "MHCLG's published summaries."
                if population is None and POPULATION not in imd.columns
                else ""
            )
        ),
    )
    fact = {
        "message": sentence,
        "edition": edition,
        "average_score": float(row["average_score"]),
        "rank_of_average_score": int(row["rank_of_average_score"]) if ranked else None,
        "n_authorities": n_authorities,
        "proportion_most_deprived_10": 100 * float(row["proportion_most_deprived_10"]),
        "extent": 100 * float(row["extent"]) if pd.notna(row["extent"]) else None,
    }
    return fact, with_notes([Markdown(markdown_text(sentence)), shown], notes)


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
        sources=WARD_POPULATION,
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
        attribution=chapter.pack.sources(*OLDEST_MAP),
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
        sources=OLDEST_MAP,
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


#: Why each Census topic matters locally (the "so what" of its key fact).
CENSUS_SO_WHAT = {
    "TS011": "Households deprived in several dimensions (employment, education, health, housing) "
    "are where joined-up council and NHS services can do most.",
    "TS021": "Services, health messages and engagement have to reach every community; ethnic "
    "group also shapes the risk of conditions such as diabetes and high blood pressure.",
    "TS029": "Residents who do not speak English well need interpreting and translated "
    "information to use services, screening and vaccination.",
    "TS037": "Self-reported bad health is a strong marker of need for health and care services.",
    "TS038": "Disabled residents need services they can reach and use; disability is also a "
    "marker of need for care and support.",
    "TS039": "Unpaid carers keep much of the care system going and have poorer health "
    "themselves; they need identifying and supporting.",
}


def key_messages(
    chapter: Chapter,
    pop: pd.DataFrame,
    wards: pd.DataFrame,
    dep: dict,
    census_facts: list[dict] | None = None,
    iod_facts: dict | None = None,
) -> list[Finding]:
    """The chapter's key messages with their so-what, written from the area's numbers.

    ``census_facts`` and ``iod_facts`` are the key facts returned by :func:`census_by_ward`
    and :func:`deprivation_among_authorities` (each with its ``message``).
    """
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
                "Services and funding targeted by deprivation should look first at the wards "
                "with the highest scores.",
            )
        )
    if iod_facts and iod_facts.get("message"):
        findings.insert(
            2,
            Finding(
                iod_facts["message"],
                "Where the area stands among England's authorities bears on national funding "
                "formulas and on how much of its population the NHS's Core20 focus covers.",
            ),
        )
    for fact in census_facts or []:
        findings.append(Finding(fact["message"], CENSUS_SO_WHAT.get(fact.get("table"), "")))
    return findings
