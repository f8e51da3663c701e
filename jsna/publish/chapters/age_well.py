"""Age Well: dementia diagnosis and life expectancy, what each section of chapter 04 shows.

Each function takes the :class:`~jsna.publish.chapter.Chapter`, draws and saves
its figures, and returns a :class:`~jsna.publish.chapters.live_well.Section`.

Examples
--------
>>> import tempfile
>>> from jsna.publish.chapter import Chapter
>>> out = tempfile.mkdtemp()
>>> chapter = Chapter.start("04_age_well", None, None, out + "/f", out + "/r")
>>> section = life_expectancy(chapter)
>>> len(section.messages)  # the range across wards and the gap across deciles, by sex
4
>>> import matplotlib.pyplot as plt; plt.close("all")
"""

from __future__ import annotations

from IPython.display import Markdown

from jsna.analysis import prevalence as prev
from jsna.analysis.geography import area_wards
from jsna.analysis.mortality import area_life_expectancy
from jsna.meta import copy_meta, meta, note
from jsna.plots import bars_by_quintile, ranked_bars, ward_map
from jsna.publish.chapter import Chapter, fmt_number, fmt_pct
from jsna.publish.chapters.live_well import (
    Section,
    comparator_areas,
    comparators_text,
    intro,
    placement_text,
    recorded_funnel,
)
from jsna.publish.escape import markdown_text
from jsna.publish.findings import Ambition, AmbitionPosition, Finding, ambition_finding, listed
from jsna.publish.notes import collect_notes, notes_markdown
from jsna.reference.ambitions import DEMENTIA_AMBITION

__all__ = ["ROLES", "intro", "dementia", "life_expectancy", "NO_MESSAGES"]

#: The pack roles this chapter can use (a tuple: any one of them will do).
ROLES = [
    "prevalence.recorded",
    "prevalence.model",
    "gp.lsoa_patients",
    "deaths.lsoa",
    "population.lsoa",
    "imd",
    "lookup.lsoa_ward_lad",
    "boundaries.ward",
]

#: The key message of a pack that can give neither section.
NO_MESSAGES = "This data pack has neither dementia models nor deaths by LSOA."

_PERCENT = {"rate": "value", "lo": "lower_ci95", "hi": "upper_ci95"}


#: The data pack roles behind each kind of output (their sources are cited under it).
DEMENTIA_GAPS = ("prevalence.recorded[level=practice]", "prevalence.model", "gp.lsoa_patients")
WARD_LIFE_EXPECTANCY = ("deaths.lsoa", "population.lsoa", "lookup.lsoa_ward_lad", "boundaries.ward")


def _as_percent(frame):
    return frame.assign(**{new: 100 * frame[old] for new, old in _PERCENT.items()})


def dementia(chapter: Chapter) -> Section:
    """The estimated dementia diagnosis rate by practice and by quintile, against the ambition.

    Without practice registers, patients by LSOA and modelled dementia rates,
    recorded dementia prevalence by authority (when the pack has it) and, when
    practices can be placed (patients by LSOA), by practice. Practices are those
    with most of their registered patients living in the area.
    """
    if not prev.supports_practice_gaps(chapter.pack, "DEM"):
        section = _recorded_dementia(chapter)
        if prev.can_place_practices(chapter.pack):
            practices = recorded_funnel(chapter, "DEM")
            return Section(
                section.outputs + practices.outputs, section.messages + practices.messages
            )
        return section
    ambition = DEMENTIA_AMBITION
    dem, notes = collect_notes(prev.practice_gaps, chapter.pack, chapter.area, ["DEM"])
    outputs = [Markdown(notes_markdown(notes))] if notes else []
    whole = dem["area"].iloc[0]
    rate, lo, hi = 100 * whole["value"], 100 * whole["lower_ci95"], 100 * whole["upper_ci95"]
    practice = _as_percent(dem["practice"])
    ax = ranked_bars(
        practice,
        label="practice_name",
        value="rate",
        lower="lo",
        upper="hi",
        value_label="Estimated dementia diagnosis rate (%)",
        reference=ambition,
        reference_label="National ambition",
        sort="ascending",
    )
    ax.set_title(f"Estimated dementia diagnosis rate by GP practice, {chapter.area_name}")
    chapter.figure(
        ax.figure,
        "dementia_practices",
        title=f"Estimated dementia diagnosis rate by GP practice, {chapter.area_name}",
        alt_text=(
            f"Bar chart of the dementia diagnosis rate of {len(practice)} practices with 95% "
            f"intervals and a line at the national ambition of {ambition}%."
        ),
        data=practice[
            ["practice_code", "practice_name", "observed", "expected", "rate", "lo", "hi"]
        ],
        sources=DEMENTIA_GAPS,
        count_columns=["observed"],  # practices add up to the area's register
        derived_columns=["rate", "lo", "hi"],
        safe_columns=["expected"],
    )
    position = AmbitionPosition(
        "estimated dementia diagnosis rate", rate, lo, hi, Ambition.dementia()
    )
    short = practice.assign(gap=practice["expected"] * ambition / 100 - practice["observed"])
    below = int((practice["hi"] < ambition).sum())
    short = short[short["gap"] > 0].nlargest(3, "gap")
    found = ambition_finding(
        position,
        chapter.area_name,
        shortfall=whole["expected"] * ambition / 100 - whole["observed"],
        people="people living with dementia",
        action="Work with practices and memory assessment services to raise dementia diagnosis",
        places=[f"{r.practice_name} (about {fmt_number(r.gap)})" for r in short.itertuples()],
        place_kind="practices furthest from the ambition (people short of it)",
    )
    messages = [
        Finding(
            found.message + f" About {fmt_number(whole['undiagnosed'])} people (95% CI "
            f"{fmt_number(whole['undiagnosed_lower_ci95'])} to "
            f"{fmt_number(whole['undiagnosed_upper_ci95'])}) are living with dementia without a "
            "diagnosis.",
            found.so_what,
            found.recommendation,
            found.ambition,
        ),
        Finding(
            (
                f"No practice of the {len(practice)} is"
                if not below
                else f"{below} of {len(practice)} practices " + ("is" if below == 1 else "are")
            )
            + " significantly below the ambition.",
            "A diagnosis opens the way to treatment, support and planning ahead; where practices "
            "fall short, people and their carers go without.",
        ),
    ]
    grad = dem["gradient"]
    by_q = _as_percent(grad[grad["imd_quintile"] != "5 minus 1"]).assign(
        q=lambda d: d["imd_quintile"].astype(int)
    )
    ax = bars_by_quintile(
        by_q,
        quintile="q",
        value="rate",
        lower="lo",
        upper="hi",
        value_label="Estimated dementia diagnosis rate (%), modelled by where patients live",
        benchmark=ambition,
        benchmark_label="National ambition",
    )
    ax.set_title(f"Dementia diagnosis rate by deprivation quintile, {chapter.area_name}")
    chapter.figure(
        ax.figure,
        "dementia_quintile",
        title=(
            "Estimated dementia diagnosis rate by IMD quintile of residence (modelled), "
            f"{chapter.area_name}"
        ),
        alt_text=(
            "Bar chart of the modelled dementia diagnosis rate in each IMD quintile with 95% "
            "intervals."
        ),
        data=by_q[["q", "rate", "lo", "hi"]],
        sources=(*DEMENTIA_GAPS, "imd"),
        # modelled rates of whole quintiles of patients, with no count or denominator beside
        safe_columns=["q", "rate", "lo", "hi"],
    )
    q1, q5 = by_q.set_index("q").loc[1], by_q.set_index("q").loc[5]
    messages.append(
        Finding(
            f"Modelled by where patients live, the dementia diagnosis rate is "
            f"{fmt_pct(q1['rate'])} in the most deprived quintile and {fmt_pct(q5['rate'])} in "
            "the least deprived.",
            (
                "Lower diagnosis in the most deprived neighbourhoods: people there are less "
                "likely to get the support a diagnosis brings."
                if q1["rate"] < q5["rate"]
                else "Diagnosis is no lower in the most deprived neighbourhoods."
            ),
        )
    )
    outputs.append(Markdown(placement_text(dem["practice"], chapter.area_name)))
    outputs.append(
        Markdown(
            "The expected number uses the pack's modelled dementia prevalence rates by age and "
            "sex applied to each practice's patients through the LSOAs they live in (see the Live "
            "Well chapter for the method). The official measure counts people aged 65 and over "
            "with CFAS II rates; the rates in this pack may differ. "
            + markdown_text(note(dem["area"]))
        )
    )
    return Section(outputs, messages, dem)


#: A QOF file by authority with at least this many English authorities covers England
#: (296 since April 2023; more before the mergers since 2019).
_ENGLAND_MIN_AUTHORITIES = 296


def _recorded_dementia(chapter: Chapter) -> Section:
    outputs = [
        Markdown(
            "This data pack cannot give a dementia diagnosis rate: it needs GP dementia registers "
            "by practice, patients registered by LSOA and modelled dementia prevalence rates by "
            "age and sex (for example CFAS II, as role `prevalence.model` with condition `DEM`)."
        )
    ]
    if not prev.supports_authority_gaps(chapter.pack):
        return Section(outputs)
    registers = chapter.pack.read("prevalence.recorded", level="lad")
    codes, model, absent = comparator_areas(chapter.pack, chapter.area, registers["lad_code"])
    mine = prev.authority_recorded(chapter.pack, "DEM", codes)
    if not len(mine):
        return Section(outputs)
    found = [c for c in codes if c in set(mine["lad_code"])]
    mine = copy_meta(mine.set_index("lad_code").loc[found].reset_index(), mine)
    period = meta(mine, "period")
    place = chapter.area_name if len(mine) == 1 else f"{chapter.area_name} and neighbours"
    shown = mine.loc[mine["lad_code"] != chapter.area, "lad_name"].tolist()
    english = registers[
        registers["lad_code"].str.startswith("E") & (registers["condition"] == "DEM")
    ]
    england = None
    if english["lad_code"].nunique() >= _ENGLAND_MIN_AUTHORITIES:  # the whole of England
        england = 100 * english["register"].sum() / english["list_size"].sum()
        national = (
            f"England ({fmt_pct(england, 2)}, the sum of the file's "
            f"{english['lad_code'].nunique()} English authorities) is the dashed line; the "
            "region is not shown."
        )
    else:
        national = "The region and England are not shown: the file does not cover England."
    outputs.append(
        Markdown(markdown_text(comparators_text(chapter.area_name, shown, model, absent, national)))
    )
    ax = ranked_bars(
        mine,
        label="lad_name",
        value="recorded_pct",
        highlight=chapter.area_name,
        value_label="Recorded dementia prevalence (% of registered patients)",
        reference=england,
        reference_label="England",
    )
    ax.set_title(f"Recorded dementia prevalence, {place}, QOF {period}")
    chapter.figure(
        ax.figure,
        "dementia_recorded_authorities",
        title=f"Recorded dementia prevalence, {place} (QOF {period})",
        alt_text=(
            f"Bar chart of recorded dementia prevalence for {chapter.area_name} and "
            f"{len(mine) - 1} statistical neighbours, {chapter.area_name} highlighted."
        ),
        data=mine[["lad_code", "lad_name", "register", "list_size", "recorded_pct"]],
        sources="prevalence.recorded[level=lad]",
        # authority registers (apportioned, not whole people), published by NHS England (QOF)
        safe_columns=["register", "list_size", "recorded_pct"],
    )
    row = mine[mine["lad_code"] == chapter.area]
    if not len(row):
        return Section(outputs)
    message = Finding(
        f"{fmt_pct(row['recorded_pct'].iloc[0], 2)} of {chapter.area_name}'s registered patients "
        f"had a recorded dementia diagnosis (QOF {period}); a diagnosis rate against the "
        f"{DEMENTIA_AMBITION}% ambition needs modelled dementia prevalence, which this pack does "
        "not have.",
        "Without a diagnosis rate the JSNA cannot say how many people live with dementia "
        "undiagnosed.",
        "Add modelled dementia prevalence (role prevalence.model, condition DEM) and patients "
        "registered by LSOA (role gp.lsoa_patients) to the data pack to measure the diagnosis "
        "rate against the national ambition.",
    )
    return Section(outputs, [message])


def life_expectancy(chapter: Chapter) -> Section:
    """Life expectancy at birth by ward (maps) and by national IMD decile (bars), by sex."""
    pack, area = chapter.pack, chapter.area
    if not pack.has("deaths.lsoa"):
        return Section(
            [
                Markdown(
                    "This data pack has no deaths by LSOA (role `deaths.lsoa`), so life expectancy "
                    "by ward and by deprivation cannot be calculated here. ONS registered deaths "
                    "by LSOA, sex and five-year age band (from the local Primary Care Mortality "
                    "Database or ONS) added to the pack would give it."
                )
            ]
        )
    by_ward, ward_notes = collect_notes(area_life_expectancy, pack, area, by="ward")
    by_decile, decile_notes = collect_notes(area_life_expectancy, pack, area, by="imd_decile")
    notes = ward_notes + decile_notes
    outputs = [Markdown(notes_markdown(notes))] if notes else []
    messages = []
    lowest: dict[str, list] = {}
    wards = area_wards(pack, area)
    for sex in ("Female", "Male"):
        part = by_ward[by_ward["sex"] == sex]
        mapped = wards.merge(
            part.rename(columns={"group": "ward_code"}).drop(columns="group_name"),
            on="ward_code",
            how="left",
        )
        ax = ward_map(
            mapped,
            "value",
            legend_title=f"{sex} life expectancy at birth (years)",
            scheme="quantiles",
            k=5,
            labels="ward_name",
            attribution=pack.sources(*WARD_LIFE_EXPECTANCY),
            synthetic=chapter.synthetic,
        )
        ax.set_title(f"{sex} life expectancy at birth by ward, {chapter.area_name}")
        columns = ["group", "group_name", "deaths", "person_years", "value"]
        chapter.figure(
            ax.figure,
            f"le_ward_{sex.lower()}",
            title=f"{sex} life expectancy at birth by ward, {chapter.area_name}",
            alt_text=(
                f"Map of {len(mapped)} wards shaded by {sex.lower()} life expectancy at birth."
            ),
            data=part[[*columns, "lower_ci95", "upper_ci95"]],
            sources=WARD_LIFE_EXPECTANCY,
            count_columns=["deaths"],  # wards add up to the authority's deaths (published)
            derived_columns=["value", "lower_ci95", "upper_ci95"],
            safe_columns=["person_years"],  # population estimates
        )
        low, high = part.nsmallest(1, "value").iloc[0], part.nlargest(1, "value").iloc[0]
        lowest[sex] = part.nsmallest(3, "value")["group_name"].tolist()
        messages.append(
            Finding(
                f"{sex} life expectancy at birth ranges from {low['value']:.1f} years in "
                f"{low['group_name']} to {high['value']:.1f} years in {high['group_name']}.",
                f"A gap of {high['value'] - low['value']:.1f} years between wards of "
                f"{chapter.area_name}.",
            )
        )
    deciles = by_decile.assign(
        label=lambda d: d["group_name"].where(d["group"] != 1, "Decile 1 (most deprived)")
    )
    deciles["label"] = deciles["label"].where(deciles["group"] != 10, "Decile 10 (least deprived)")
    for sex in ("Female", "Male"):
        part = deciles[deciles["sex"] == sex].sort_values("group")
        ax = ranked_bars(
            part,
            label="label",
            value="value",
            lower="lower_ci95",
            upper="upper_ci95",
            sort=None,
            value_label=f"{sex} life expectancy at birth (years)",
        )
        ax.set_title(f"{sex} life expectancy by national IMD decile, {chapter.area_name}")
        columns = ["group", "sex", "deaths", "person_years", "value", "lower_ci95", "upper_ci95"]
        chapter.figure(
            ax.figure,
            f"le_decile_{sex.lower()}",
            title=f"{sex} life expectancy at birth by IMD decile, {chapter.area_name}",
            alt_text=(
                f"Bar chart of {sex.lower()} life expectancy at birth in each national IMD decile."
            ),
            data=part[columns],
            sources=("deaths.lsoa", "population.lsoa", "imd"),
            count_columns=["deaths"],  # deciles add up to the authority's deaths (published)
            derived_columns=["value", "lower_ci95", "upper_ci95"],
            safe_columns=["group", "person_years"],
        )
    for row in meta(by_decile, "gap"):
        places = lowest.get(row["sex"], [])
        wider = row["gap_years"] > 0
        messages.append(
            Finding(
                f"{row['sex']}s in the most deprived neighbourhoods (decile "
                f"{row['most_deprived_decile']}) can expect to live {row['gap_years']:.1f} years "
                f"less than those in the least deprived (decile "
                f"{row['least_deprived_decile']}): {row['most_deprived_le']:.1f} against "
                f"{row['least_deprived_le']:.1f} years.",
                "Deprivation costs years of life here; the gap is the inequality a JSNA is "
                "asked to narrow.",
                (
                    "Target the causes of early death at the most deprived neighbourhoods, "
                    "starting with the wards where life expectancy is lowest: "
                    f"{listed(list(dict.fromkeys(w for ws in lowest.values() for w in ws)))}."
                )
                if wider and places
                else None,
            )
        )
    outputs.append(
        Markdown(
            markdown_text(note(by_decile))
            + " Life expectancy by the Chiang II abridged life table "
            "(jsna.stats.life_expectancy); groups of 5,000 person-years or fewer are not shown."
        )
    )
    return Section(outputs, messages)
