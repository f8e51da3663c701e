"""Chapter 05, Core20PLUS5 and inequalities: what each section computes, draws, saves and shows.

Each function takes the :class:`~jsna.publish.chapter.Chapter`, saves its figures and
tables through it, and returns what the notebook displays, with any warnings raised on
the way turned into notes (:mod:`jsna.publish.notes`). Figures are
shown by :meth:`~jsna.publish.chapter.Chapter.figure` where they are saved.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from IPython.display import Markdown

from jsna.analysis.benchmark import KNOWN_POLARITY
from jsna.analysis.core20plus5 import load_registry, summary
from jsna.analysis.deprivation import (
    area_deprivation,
    core20_shares,
    fingertips_deprivation_deciles,
    inequality_summary,
    ward_indicators_by_deprivation,
)
from jsna.analysis.geography import area_wards
from jsna.columns import POPULATION, code_column
from jsna.exceptions import JSNAError
from jsna.meta import copy_meta, meta, note
from jsna.plots import bars_by_quintile, ranked_bars, ward_map
from jsna.publish.chapter import Chapter, fmt_number, fmt_pct
from jsna.publish.chapters import population
from jsna.publish.chapters.live_well import comparator_areas, comparators_text
from jsna.publish.chapters.population import with_notes
from jsna.publish.escape import markdown_text
from jsna.publish.findings import (
    Ambition,
    AmbitionPosition,
    Finding,
    ambition_finding,
    listed,
)
from jsna.publish.labels import labelled
from jsna.publish.notes import collect_notes
from jsna.publish.prose import count_text, rank_sentence

__all__ = [
    "ROLES",
    "header",
    "authority_rank",
    "national_context",
    "ambition_positions",
    "core20_by_ward",
    "core20_by_authority",
    "indicators_by_quintile",
    "inequality_table",
    "core20plus5_areas",
    "key_messages",
]

#: The pack roles this chapter can use (a tuple: any one of them will do).
ROLES = [
    "imd",
    "population.lsoa",
    "lookup.lsoa_ward_lad",
    "boundaries.ward",
    "indicators.fingertips",
    "indicators.local_health",
]

SII_COLUMNS = [
    "indicator_name",
    "sex",
    "period",
    "most_value",
    "least_value",
    "absolute_gap",
    "absolute_lower_ci95",
    "absolute_upper_ci95",
    "relative_gap",
    "sii",
    "sii_lower_ci95",
    "sii_upper_ci95",
    "rii",
    "rii_lower_ci95",
    "rii_upper_ci95",
]
SUMMARY_COLUMNS = [
    "programme",
    "clinical_area",
    "indicator_name",
    "role",
    "sex",
    "period",
    "value",
    "lower_ci95",
    "upper_ci95",
    "recent_trend",
    "trend_source",  # "publisher" (Fingertips' own label) or "jsna" (recomputed)
    "core20_value",
    "rest_value",
    "absolute_gap",
    "sii",
    "ambition_value",
    "ambition_date",
    "distance_to_ambition",
    "note",
]


#: The source of the Core20PLUS5 registry's table (no data pack file: jsna's registry).
REGISTRY_SOURCE = (
    "NHS England, Core20PLUS5 (adults; children and young people), as recorded in jsna's "
    "Core20PLUS5 registry (jsna/reference/core20plus5.toml), which cites each ambition's source"
)


def header(chapter: Chapter) -> Markdown:
    """House plot style, tables to one decimal place; the area and the data pack."""
    pd.set_option("styler.format.precision", 1)
    return population.header(chapter)


def core20_by_ward(chapter: Chapter) -> tuple[dict, list]:
    """Map and table of the share of residents in Core20 LSOAs by ward.

    Returns the :func:`jsna.analysis.deprivation.area_deprivation` result and what to show.
    """
    dep, notes = collect_notes(area_deprivation, chapter.pack, chapter.area)
    edition = meta(dep["area"], "imd_edition")
    whole = dep["area"].iloc[0]
    ward_dep = dep["ward"]
    ward_code = code_column(ward_dep, "wd")
    ward_name = ward_code.replace("_code", "_name")
    name = chapter.area_name
    wards = area_wards(chapter.pack, chapter.area)[["ward_code", "geometry"]]
    mapped = wards.merge(ward_dep, left_on="ward_code", right_on=ward_code, how="left")
    ax = ward_map(
        mapped,
        "core20_population_share",
        legend_title="Residents in Core20 LSOAs (%)",
        scheme="user_defined",
        bins=[0, 20, 40, 60, 80, 100],
        labels=ward_name,
        attribution=chapter.pack.sources(*population.WARD_DEPRIVATION_MAP),
        synthetic=chapter.synthetic,
    )
    title = f"Share of residents living in Core20 neighbourhoods by ward ({edition}), {name}"
    ax.set_title(textwrap.fill(title, 60))
    chapter.figure(
        ax.figure,
        "ward_core20_population_share",
        title=title,
        alt_text=(
            f"Map of the {len(mapped)} wards of {name} shaded by the percentage of residents "
            f"living in LSOAs in the most deprived 20% in England ({edition}), in 20-point "
            f"bands; {fmt_pct(whole['core20_population_share'])} of all residents live in "
            "Core20 LSOAs."
        ),
        data=mapped.drop(columns="geometry"),
        sources=population.WARD_DEPRIVATION_MAP,
        # residents (ONS estimates), LSOA counts, shares and scores: all published already
        safe_columns=[c for c in mapped.columns if c != "geometry"],
    )
    outputs = []
    no_data = ward_dep.loc[ward_dep["no_lsoa"], ward_name].tolist()
    if no_data:
        outputs.append(
            Markdown(
                f"*{markdown_text(', '.join(no_data))}: no LSOA is best-fitted to this ward in "
                "the ONS lookup, "
                "so it has no deprivation figures and shows as 'no data'.*"
            )
        )
    columns = [
        ward_code,
        ward_name,
        "n_lsoas",
        "core20_lsoas",
        "core20_lsoa_share",
        POPULATION,
        "core20_population_share",
        "imd_score",
        "local_quintile",
    ]
    table = labelled(ward_dep, {ward_code: "Ward code", ward_name: "Ward"}, columns=columns)
    shown = chapter.table(
        table.round(1),
        "ward_core20",
        safe_columns=list(table.columns),  # residents, LSOAs, shares and scores
        sources=population.WARD_DEPRIVATION,
        title=f"Core20 LSOAs and residents by ward ({edition}), {name}",
        note=(
            "Core20: national IMD deciles 1-2. Local quintiles rank the area's wards by "
            "population-weighted IMD score. " + note(dep["ward"])
        ),
    )
    outputs.append(shown)
    return dep, with_notes(outputs, notes)


def core20_by_authority(chapter: Chapter) -> list:
    """Core20 shares of LSOAs and residents for the area and its neighbours, per IMD edition.

    Only the area and the statistical neighbours the pack covers are shown
    (:func:`jsna.publish.chapters.live_well.comparator_areas`); a sentence says which.
    An edition whose LSOAs the pack cannot place (IoD2019 without the LSOA 2011 to 2021
    lookup, or an area missing from its lookup) is left out with a note; residents'
    shares of an edition on another LSOA vintage than the population are not given.
    """
    pack = chapter.pack
    editions = sorted(
        {e.get("edition") for e in pack.entries_for("imd") if e.get("edition")}, reverse=True
    )
    codes, model, absent = comparator_areas(pack, chapter.area)
    frames, notes, used = [], [], []
    for edition in editions or [None]:
        if edition == "IoD2019" and not pack.has("lookup.lsoa11_lsoa21"):
            notes.append(
                "IoD2019 is on 2011 LSOAs and the pack has no LSOA 2011 to 2021 lookup "
                f"(role lookup.lsoa11_lsoa21) to place them in authorities: `jsna fetch --area "
                f"{chapter.area} --only lookup.lsoa11_lsoa21` adds it."
            )
            continue
        frame, caught = collect_notes(core20_shares, pack, edition)
        notes += caught
        if chapter.area not in set(frame["area_code"]):
            notes.append(
                f"{meta(frame, 'edition')}: {chapter.area_name} is not an authority of the "
                "lookup that places the edition's LSOAs, so the edition is left out."
            )
            continue
        kept = frame.set_index("area_code").loc[[c for c in codes if c in set(frame["area_code"])]]
        frames.append(copy_meta(kept.reset_index(), frame))
        used.append(meta(frame, "edition"))
    if not frames:
        return with_notes([Markdown(markdown_text(" ".join(notes)))], [])
    shares = frames[0]
    for frame, edition in zip(frames[1:], used[1:], strict=True):
        shares = shares.merge(
            frame, on=["area_code", "area_name"], how="left", suffixes=("", f" {edition}")
        )
    if len(frames) > 1:
        first = [c for c in frames[0].columns if c not in ("area_code", "area_name")]
        shares = shares.rename(columns={c: f"{c} {used[0]}" for c in first})
    wanted = ("area_", "core20_lsoa_share", "core20_population_share", "n_lsoas", POPULATION)
    keep = [c for c in shares.columns if c.startswith(wanted) and shares[c].notna().any()]
    keep = [c for c in keep if c != "area_code"]
    shown = shares.loc[shares["area_code"] != chapter.area, "area_name"].tolist()
    chosen = comparators_text(chapter.area_name, shown, model, absent)
    place = chapter.area_name if len(shares) == 1 else f"{chapter.area_name} and neighbours"
    table = chapter.table(
        shares[keep].round(1),
        "authority_core20_shares",
        safe_columns=keep,  # residents, LSOAs and shares of whole authorities
        sources=(
            "imd",
            "population.lsoa",
            "lookup.lsoa_ward_lad",
            *(["lookup.lsoa11_lsoa21"] if "IoD2019" in used else []),
        ),
        title=f"Share of LSOAs and of residents in Core20, {place} ({', '.join(used)})",
        note=" ".join([*(note(f) for f in frames), chosen]),
    )
    return with_notes([table], notes)


def _indicators(chapter: Chapter) -> pd.DataFrame | None:
    pack = chapter.pack
    return pack.read("indicators.fingertips") if pack.has("indicators.fingertips") else None


def indicators_by_quintile(chapter: Chapter, dep: dict) -> tuple[pd.DataFrame | None, list]:
    """Bar charts of ward indicators by local deprivation quintile (or why there are none).

    Returns the :func:`jsna.analysis.deprivation.ward_indicators_by_deprivation` table
    (``None`` without indicators) and what to show.
    """
    indicators = _indicators(chapter)
    notes = []
    by_quintile = None
    if indicators is not None:
        by_quintile, notes = collect_notes(ward_indicators_by_deprivation, indicators, dep["ward"])
    name = chapter.area_name
    if by_quintile is None or by_quintile.empty:
        text = (
            f"**This data pack has no indicator values for {markdown_text(name)}'s wards**, "
            "so the gradient by "
            "deprivation within the area cannot be shown here. Download ward-level (Local Health, "
            "area type 8) Fingertips data into the pack to add it. The national gradient across "
            "England's areas, where the pack's Fingertips files give it, is shown below."
        )
        return by_quintile, with_notes([Markdown(text)], notes)
    for key, part in by_quintile.groupby(["indicator_id", "sex"], sort=True):
        label = part["indicator_name"].iloc[0]
        period = part["period"].iloc[0]
        ax = bars_by_quintile(
            part,
            quintile="local_quintile",
            value="value",
            lower="lower_ci95",
            upper="upper_ci95",
            value_label=f"{part['statistic'].iloc[0]} ({period}, {key[1]})",
            quintile_label="Local ward deprivation quintile",
        )
        ax.set_title(textwrap.fill(f"{label}, {key[1]}, by ward deprivation quintile", 60))
        chapter.figure(
            ax.figure,
            f"quintile_{key[0]}_{key[1].lower()}",
            title=f"{label} ({key[1]}) by local ward deprivation quintile, {name}",
            alt_text=(
                f"Bar chart of {label} ({key[1]}, {period}) in five groups of "
                f"{name}'s wards from most to least deprived: "
                + ", ".join(f"{v:,.1f}" for v in part["value"])
                + "."
            ),
            data=part,
            sources=(*population.WARD_DEPRIVATION, "indicators.fingertips"),
            count_columns=["count"],  # quintiles add up to the area's count (published)
            derived_columns=["value", "lower_ci95", "upper_ci95"],
            safe_columns=["indicator_id", "age", "period", "local_quintile", "denominator"],
        )
    return by_quintile, with_notes([], notes)


def _decile_figures(chapter: Chapter, deciles: pd.DataFrame) -> None:
    """England by deprivation decile of areas, one bar chart per indicator and sex."""
    for key, part in deciles.groupby(["indicator_id", "sex"], sort=True):
        ends = {1: " (most deprived)", 10: " (least deprived)"}
        part = part.assign(group=[f"Decile {d}" + ends.get(d, "") for d in part["decile"]])
        label = part["indicator_name"].iloc[0]
        period = part["period"].iloc[0]
        ax = ranked_bars(
            part,
            label="group",
            value="value",
            lower="lower_ci95",
            upper="upper_ci95",
            value_label=f"{part['statistic'].iloc[0]} ({period}, {key[1]})",
            sort=None,
        )
        ax.set_title(textwrap.fill(f"{label}: England by deprivation decile of areas", 60))
        chapter.figure(
            ax.figure,
            f"england_deciles_{key[0]}_{key[1].lower()}",
            title=f"{label} ({key[1]}), England by deprivation decile of areas",
            alt_text=(
                f"Bar chart of {label} for England's areas grouped into ten deprivation "
                f"deciles ({part['category_type'].iloc[0]}), {period}."
            ),
            data=part,
            sources="indicators.fingertips",  # Fingertips' own decile rows
            count_columns=["count"],  # deciles add up to England's count (published)
            derived_columns=["value", "lower_ci95", "upper_ci95"],
            safe_columns=["indicator_id", "age", "period", "decile", "denominator"],
        )


def inequality_table(
    chapter: Chapter, by_quintile: pd.DataFrame | None
) -> tuple[pd.DataFrame | None, list]:
    """Gap, SII and RII per indicator: within the area's wards, else England's decile gradient.

    Returns the :func:`jsna.analysis.deprivation.inequality_summary` table (``None``
    when nothing can be broken down by deprivation) and what to show.
    """
    has_wards = by_quintile is not None and not by_quintile.empty
    if has_wards:
        sii_table, notes = collect_notes(inequality_summary, by_quintile)
        source_note = "Wards grouped into local deprivation quintiles."
    else:
        indicators = _indicators(chapter)
        sii_table, notes = None, []
        if indicators is not None:
            deciles, notes = collect_notes(fingertips_deprivation_deciles, indicators)
            if not deciles.empty:
                sii_table, more = collect_notes(inequality_summary, deciles, group="decile")
                notes += more
                _decile_figures(chapter, deciles)
        source_note = (
            "England, areas grouped by their IMD decile (Fingertips category rows): "
            "a national gradient."
        )
    if sii_table is None or sii_table.empty:
        shown = [Markdown("*No indicator in this pack can be broken down by deprivation.*")]
        return sii_table, with_notes(shown, notes)
    table = chapter.table(
        labelled(sii_table, columns=SII_COLUMNS).round(2),
        "sii_rii",
        # gaps and slopes of published rates of whole quintiles or deciles
        safe_columns=list(labelled(sii_table, columns=SII_COLUMNS).columns),
        sources=(
            (*population.WARD_DEPRIVATION, "indicators.fingertips")
            if has_wards
            else "indicators.fingertips"
        ),
        title=(
            f"Inequality by deprivation within {chapter.area_name}'s wards"
            if has_wards
            else "National context: inequality by deprivation across England's areas (not "
            f"{chapter.area_name}'s own figures)"
        ),
        note=(
            source_note + " Gap: most minus least deprived. SII: fitted difference from the "
            "most to the least deprived end (negative = higher in the most deprived); RII: "
            "their ratio. Limits simulated (10,000 draws, seeded)."
        ),
    )
    return sii_table, with_notes([table], notes)


def core20plus5_areas(chapter: Chapter) -> tuple[pd.DataFrame, list]:
    """The Core20PLUS5 indicators of the pack and the registry's clinical areas and ambitions.

    Returns the :func:`jsna.analysis.core20plus5.summary` table and what to show.
    """
    c20, notes = collect_notes(summary, chapter.pack, chapter.area)
    outputs = [Markdown(f"*{markdown_text(note(c20))}*")]
    if not c20.empty:
        outputs.append(
            chapter.table(
                c20[SUMMARY_COLUMNS].round(2),
                "core20plus5_summary",
                safe_columns=SUMMARY_COLUMNS,  # published indicator values, gaps and slopes
                sources=(*population.WARD_DEPRIVATION, "indicators.fingertips"),
                title=f"Core20PLUS5 indicators, {chapter.area_name}",
                note=(
                    "Recent trend: the publisher's own label where its file gives one, "
                    "otherwise jsna's recomputation (trend source). "
                    "Core20 wards: at least half the residents in Core20 LSOAs. Gap: local "
                    "quintile 1 minus 5. Distance to ambition: how far short of the national "
                    "ambition, in its units, where the indicator measures it."
                ),
            )
        )
    return c20, with_notes(outputs, notes)


def _clear(sii_table: pd.DataFrame) -> pd.DataFrame:
    return sii_table[(sii_table["sii_lower_ci95"] > 0) | (sii_table["sii_upper_ci95"] < 0)]


def national_context(chapter: Chapter, sii_table: pd.DataFrame | None, by_quintile) -> list:
    """The England decile gradients, labelled as national context (never the area's messages).

    Shown only when the pack has no ward indicators for the area, so the
    inequality table holds England's areas grouped by deprivation decile.
    """
    has_wards = by_quintile is not None and not by_quintile.empty
    if has_wards or sii_table is None or sii_table.empty:
        return []
    clear = _clear(sii_table)
    lines = []
    for _, row in clear.iterrows():
        direction = "higher" if row["sii"] < 0 else "lower"
        lines.append(
            f"- {markdown_text(row['indicator_name'])} ({markdown_text(row['sex'])}, "
            f"{markdown_text(row['period'])}) is {direction} in England's more deprived areas: "
            f"{row['most_value']:,.1f} in the most deprived decile against "
            f"{row['least_value']:,.1f} in the least."
        )
    unclear = len(sii_table) - len(clear)
    if unclear:
        lines.append(
            f"- For {count_text(unclear, 'indicator')} the national gradient is not "
            "statistically clear."
        )
    return [
        Markdown(
            f"**National context (England, not {markdown_text(chapter.area_name)}).** These "
            "gradients group all of England's areas by deprivation decile; they say how an "
            f"indicator tends to vary with deprivation nationally, not how it varies within "
            f"{markdown_text(chapter.area_name)}.\n\n" + "\n".join(lines)
        )
    ]


def authority_rank(chapter: Chapter) -> tuple[Finding | None, list]:
    """How deprived the area is among all authorities in England (IoD summary measures).

    Computed from the pack's IMD LSOA file with
    :func:`jsna.analysis.deprivation.authority_summaries` and written by
    :func:`jsna.publish.prose.rank_sentence`; nothing when the file is not the whole of
    England (then a note says why).
    """
    from jsna.analysis.deprivation import authority_summaries

    pack = chapter.pack
    try:
        lookup = pack.read("lookup.lsoa_ward_lad") if pack.has("lookup.lsoa_ward_lad") else None
        summaries, _ = collect_notes(authority_summaries, pack.read("imd"), lad=lookup)
        text = rank_sentence(summaries, chapter.area)
    except JSNAError as exc:
        reason = str(exc).split(";")[0]
        return None, [
            Markdown(
                "*The area cannot be ranked among all authorities in England from this data "
                f"pack's IMD file ({markdown_text(reason)}).*"
            )
        ]
    mine = summaries.loc[summaries[code_column(summaries, "lad")] == chapter.area].iloc[0]
    ranked = int(summaries["rank_of_proportion_most_deprived_10"].notna().sum())
    higher = int(mine["rank_of_proportion_most_deprived_10"]) - 1
    finding = Finding(
        text.split(" The ranks of average score")[0],
        f"Only {count_text(higher, 'authority', 'authorities', zero='no')} of {ranked} in "
        f"England {'has' if higher == 1 else 'have'} a larger share of the most deprived "
        "neighbourhoods; deprivation on this scale shapes health needs in every chapter of "
        "this assessment.",
    )
    return finding, [Markdown(markdown_text(text))]


#: Draft actions for a clinical area whose national ambition the area has not reached.
_ACTIONS = {
    "hypertension": "Agree a hypertension case-finding and treatment plan",
    "smoking": "Size stop smoking support to the gap, reaching the Core20 population first",
    "smi": "Increase annual physical health checks for people with severe mental illness",
    "cancer": "Work with the cancer alliance on earlier diagnosis",
}


def _hypertension(chapter: Chapter) -> Finding | None:
    """The hypertension detection ambition, as chapter 03 (Live Well) computes it."""
    from jsna.analysis import prevalence as prev
    from jsna.publish.chapters.live_well import hypertension_ambition

    pack = chapter.pack
    gaps = auth = None
    try:
        if prev.supports_practice_gaps(pack):
            gaps, _ = collect_notes(prev.practice_gaps, pack, chapter.area, ["HYP"])
        elif prev.supports_authority_gaps(pack):
            auth, _ = collect_notes(prev.authority_gaps, pack, "HYP")
    except JSNAError:
        return None
    found = hypertension_ambition(chapter, gaps, auth).messages
    return found[0] if found else None


def ambition_positions(chapter: Chapter, c20: pd.DataFrame) -> tuple[list[Finding], list]:
    """The area's position against each Core20PLUS5 national ambition (computed).

    A clinical area whose ambition the pack measures gets the area's latest value
    against it (:func:`jsna.publish.findings.ambition_finding`); the others are listed
    with their ambition and source as not measured here.
    """
    registry = load_registry()
    measured = c20[c20["distance_to_ambition"].notna()] if "distance_to_ambition" in c20 else c20
    findings, done = [], set()
    for _, row in measured.iterrows():
        area = next(a for a in registry["area"] if a["name"] == row["clinical_area"])
        ambition = Ambition.from_registry(area["key"], registry)
        position = AmbitionPosition(
            str(row.get("metric") or row["indicator_name"]),
            float(row["value"]),
            float(row["lower_ci95"]) if pd.notna(row["lower_ci95"]) else None,
            float(row["upper_ci95"]) if pd.notna(row["upper_ci95"]) else None,
            ambition,
            polarity=str(row["polarity"]),
            period=str(row["period"]),
        )
        finding = ambition_finding(
            position,
            chapter.area_name,
            action=_ACTIONS.get(area["key"], f"Plan how to reach the {area['name']} ambition"),
        )
        findings.append(finding)
        done.add(area["key"])
    if "hypertension" not in done:
        hypertension = _hypertension(chapter)
        if hypertension is not None:
            findings.append(hypertension)
            done.add("hypertension")
    unmeasured = [
        (a["name"], Ambition.from_registry(a["key"], registry))
        for a in registry["area"]
        if a["key"] not in done
    ]
    return findings, [chapter.ambitions(findings, unmeasured=unmeasured)]


def key_messages(
    chapter: Chapter,
    dep: dict,
    by_quintile: pd.DataFrame | None,
    sii_table: pd.DataFrame | None,
    c20: pd.DataFrame,
    rank: Finding | None = None,
    ambitions=(),
) -> list[Finding]:
    """The chapter's key messages, written from the area's own numbers only.

    England's decile gradients are never key messages (see :func:`national_context`).
    ``rank`` (:func:`authority_rank`) comes first, the ``ambitions``
    (:func:`ambition_positions`) after the Core20 and gradient findings.
    """
    name = chapter.area_name
    edition = meta(dep["area"], "imd_edition")
    whole = dep["area"].iloc[0]
    ward_dep = dep["ward"]
    ward_name = code_column(ward_dep, "wd").replace("_code", "_name")
    has_wards = by_quintile is not None and not by_quintile.empty
    core_wards = ward_dep[ward_dep["core20_ward"].fillna(False).astype(bool)]
    leading = core_wards.sort_values("core20_population_share", ascending=False)[ward_name]
    findings = [rank] if rank is not None else []
    findings += [
        Finding(
            f"{fmt_pct(whole['core20_population_share'])} of {name}'s residents "
            f"({fmt_number(whole['core20_population'])}) live in the most deprived 20% of "
            f"neighbourhoods in England ({int(whole['core20_lsoas'])} of "
            f"{int(whole['lsoas_with_imd'])} LSOAs, {fmt_pct(whole['core20_lsoa_share'])}; "
            f"{edition}).",
            f"These {fmt_number(whole['core20_population'])} residents are {name}'s Core20 "
            "population, on whom NHS England's Core20PLUS5 asks the NHS to focus action on "
            "healthcare inequalities (by definition, 20% of England's population lives in "
            "Core20 neighbourhoods).",
        )
    ]
    if len(core_wards):
        wards_with_data = int((~ward_dep["no_lsoa"]).sum())
        findings.append(
            Finding(
                f"{len(core_wards)} of {count_text(wards_with_data, 'ward')} "
                + ("has" if len(core_wards) == 1 else "have")
                + " at least half their residents in Core20 neighbourhoods"
                + (", led by " if len(core_wards) > 1 else ": ")
                + listed(leading.head(3).tolist())
                + ".",
                "Services placed in and designed with these wards reach most of the Core20 "
                "population.",
            )
        )
    if has_wards and sii_table is not None and not sii_table.empty:
        clear = _clear(sii_table)
        given = (
            by_quintile.dropna(subset=["polarity"])
            .drop_duplicates("indicator_id")
            .set_index("indicator_id")["polarity"]
            .to_dict()
            if "polarity" in by_quintile.columns
            else {}
        )
        worse_rows, better_rows, other_rows = [], [], []
        for _, row in clear.iterrows():
            key = row.get("indicator_id")
            polarity = given.get(key) or KNOWN_POLARITY.get(int(key) if pd.notna(key) else -1)
            higher_in_deprived = row["sii"] < 0
            if polarity not in ("low is good", "high is good"):
                other_rows.append(row)
            elif higher_in_deprived == (polarity == "low is good"):
                worse_rows.append(row)
            else:
                better_rows.append(row)

        def label(row) -> str:
            return f"{row['indicator_name']} ({str(row['sex']).lower()}, {row['period']})"

        if worse_rows:
            worst = sorted(
                worse_rows,
                key=lambda r: (
                    -abs(r["most_value"] - r["least_value"]) / max(abs(r["least_value"]), 1e-9)
                ),
            )
            shown = "; ".join(
                f"{label(r)}: {r['most_value']:,.1f} against {r['least_value']:,.1f}"
                for r in worst[:3]
            )
            findings.append(
                Finding(
                    (
                        f"All {len(worse_rows)} indicators with ward data are"
                        if len(worse_rows) == len(sii_table) > 1
                        else f"{len(worse_rows)} of {count_text(len(sii_table), 'indicator')} "
                        f"with ward data {'is' if len(worse_rows) == 1 else 'are'}"
                    )
                    + " significantly worse in "
                    f"{name}'s most deprived wards than in its least deprived; the widest "
                    f"relative gaps: {shown} (most against least deprived fifth of wards).",
                    f"Residents of {name}'s most deprived wards fare significantly worse: "
                    "health inequalities that proportionate universalism asks services to "
                    "narrow.",
                    "Target action on "
                    + listed([str(r["indicator_name"]) for r in worst[:3]]).lower()
                    + " at the most deprived communities"
                    + (
                        f", starting with the Core20 wards: {listed(leading.head(3).tolist())}."
                        if len(leading)
                        else "."
                    ),
                )
            )
        if better_rows:
            findings.append(
                Finding(
                    f"{listed([label(r) for r in better_rows])} "
                    f"{'is' if len(better_rows) == 1 else 'are'} significantly better in "
                    f"{name}'s most deprived wards.",
                    "An unusual pattern: check the data, and learn from what works there.",
                )
            )
        if other_rows:
            findings.append(
                Finding(
                    f"{listed([label(r) for r in other_rows])} "
                    f"{'varies' if len(other_rows) == 1 else 'vary'} clearly with deprivation "
                    f"across {name}'s wards.",
                    "Whether higher is better is not recorded for "
                    + ("this indicator" if len(other_rows) == 1 else "these indicators")
                    + "; see the table of gaps.",
                )
            )
        unclear = len(sii_table) - len(clear)
        if unclear:
            findings.append(
                Finding(
                    f"For {count_text(unclear, 'indicator')} the gradient across {name}'s wards "
                    "is not statistically clear.",
                    "Small ward numbers make differences uncertain; this is not evidence that "
                    "there is no inequality.",
                )
            )
    if not has_wards:
        findings.append(
            Finding(
                f"This data pack has no ward-level indicators for {name}, so inequalities "
                f"within {name} by deprivation cannot yet be measured here.",
                "Without them the JSNA cannot show which communities fare worst, or track "
                "whether gaps are narrowing.",
                "Add ward-level Local Health indicators (role indicators.local_health, or "
                "Fingertips area type 8) to the data pack so that gaps within the area can be "
                "measured and tracked.",
            )
        )
    return findings + list(ambitions)
