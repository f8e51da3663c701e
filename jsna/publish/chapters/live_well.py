"""Live Well: prevalence gaps, what each section of chapter 03 shows.

Each function takes the :class:`~jsna.publish.chapter.Chapter`, draws and saves
its figures and tables, and returns a :class:`Section`: what to display (in
order), the key messages it adds and the data later sections use. A section the
pack cannot give returns what the reader should be told instead (or nothing).

Examples
--------
>>> import tempfile
>>> from jsna.publish.chapter import Chapter
>>> out = tempfile.mkdtemp()
>>> chapter = Chapter.start("03_live_well_prevalence_gaps", None, None, out + "/f", out + "/r")
>>> section = condition_gaps(chapter)
>>> sorted(section.data), len(section.messages)
(['area', 'cells', 'gradient', 'pcn', 'practice', 'quintile', 'ward'], 2)
>>> import matplotlib.pyplot as plt; plt.close("all")
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from IPython.display import Markdown

from jsna.analysis import prevalence as prev
from jsna.analysis.benchmark import Comparators
from jsna.analysis.funnel import funnel
from jsna.analysis.geography import area_wards
from jsna.meta import copy_meta, meta, note
from jsna.plots import bars_by_quintile, ranked_bars, ward_map
from jsna.plots.prevalence import funnel_plot
from jsna.publish.chapter import Chapter, fmt_number, fmt_pct
from jsna.publish.escape import markdown_text
from jsna.publish.findings import (
    Ambition,
    AmbitionPosition,
    Finding,
    ambition_finding,
    listed,
)
from jsna.publish.labels import labelled
from jsna.publish.notes import collect_notes, notes_markdown
from jsna.publish.prose import ordinal

__all__ = [
    "ROLES",
    "Section",
    "intro",
    "hypertension_ambition",
    "formatted",
    "condition_gaps",
    "practice_funnel",
    "ward_maps",
    "deprivation",
    "reading_deprivation",
    "authorities",
    "comparator_areas",
    "comparators_text",
    "missing_practice_roles",
    "recorded_funnel",
    "placement_text",
]

#: The pack roles this chapter can use (a tuple: any one of them will do).
ROLES = [
    "prevalence.recorded",
    "prevalence.model",
    "gp.lsoa_patients",
    "population.lsoa",
    "imd",
    "lookup.lsoa_ward_lad",
    "boundaries.ward",
    "gp.practice_map",
]

#: Table headers of this chapter that differ from :data:`jsna.publish.labels.LABELS`.
RATIO_HEADERS = {"value": "Diagnosis ratio (O/E)"}
AUTHORITY_HEADERS = {**RATIO_HEADERS, "area_name": "Authority", "rank": "Rank (1 = lowest ratio)"}


@dataclass
class Section:
    """What a section shows: ``outputs`` to display in order, key ``messages``, ``data``."""

    outputs: list[Any] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    data: Any = None


#: The data pack roles behind each kind of output (their sources are cited under it).
PRACTICE_GAPS = (
    "prevalence.recorded[level=practice]",
    "prevalence.model",
    "gp.lsoa_patients",
)
WARD_GAPS = (*PRACTICE_GAPS, "lookup.lsoa_ward_lad", "boundaries.ward")
DEPRIVATION_GAPS = (*PRACTICE_GAPS, "imd")
AUTHORITY_GAPS = ("prevalence.recorded[level=lad]", "prevalence.model", "population.lsoa")
PRACTICE_REGISTERS = ("prevalence.recorded[level=practice]",)


def intro(chapter: Chapter) -> Markdown:
    """The line under a chapter's title: area, data pack and, for the demo, "synthetic"."""
    return Markdown(
        f"**Area:** {markdown_text(chapter.area_name)} ({markdown_text(chapter.area)}). "
        f"**Data pack:** {markdown_text(chapter.pack.name)}."
        + (" **Synthetic data**: not real figures for any place." if chapter.synthetic else "")
    )


def formatted(table):
    """A table for display, as :meth:`Chapter.table` returns it.

    :class:`~jsna.publish.chapter.TableView` already shows readable headers,
    numbers rounded to their unit and ``[c]``/``[x]`` markers, so this returns
    ``table`` unchanged; it stays for callers written before that.
    """
    return table


def _focus(gaps: dict) -> str:
    """The condition the practice, ward and deprivation sections show (hypertension if there)."""
    conditions = list(dict.fromkeys(gaps["area"]["condition"]))
    return "HYP" if "HYP" in conditions else conditions[0]


#: What each role behind the practice gaps is, for the sentence saying what a pack lacks.
_PRACTICE_NEEDS = {
    "prevalence.recorded": "QOF registers by practice (NHS England, *Quality and Outcomes "
    "Framework*, prevalence file)",
    "gp.lsoa_patients": "where each practice's patients live (NHS England, *Patients "
    "registered at a GP practice*, LSOA file)",
    "population.lsoa": "the population by LSOA, age and sex (ONS mid-year estimates)",
    "prevalence.model": "modelled prevalence rates by age and sex (e.g. the Health Survey "
    "for England)",
}


def missing_practice_roles(pack) -> list[str]:
    """The roles the practice diagnosis gaps need that ``pack`` lacks (empty when it has all).

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> missing_practice_roles(DataPack.open(ensure_demo_pack(project_paths().demo_pack)))
    []
    """
    have = {
        "prevalence.recorded": bool(pack.entries_for("prevalence.recorded", level="practice")),
        "gp.lsoa_patients": pack.has("gp.lsoa_patients"),
        "population.lsoa": pack.has("population.lsoa"),
        "prevalence.model": bool(prev.modelled_conditions(pack)),
    }
    return [role for role, present in have.items() if not present]


def _fetch_hint(chapter: Chapter, roles: list[str]) -> str:
    only = "--only " + " ".join(roles)
    return f"`jsna fetch --area {markdown_text(chapter.area)} {only}` adds " + (
        "it." if len(roles) == 1 else "them."
    )


def _missing_practice_text(chapter: Chapter) -> str:
    """What the pack lacks for diagnosis gaps by practice, and the fetch command that adds it."""
    missing = missing_practice_roles(chapter.pack) or ["prevalence.model"]
    lacks = "; ".join(f"{_PRACTICE_NEEDS[r]} (role `{r}`)" for r in missing)
    text = (
        "**Diagnosis gaps by practice are not modelled here.** They need QOF registers by "
        "practice, where each practice's patients live, the population by LSOA and modelled "
        f"prevalence rates; this data pack lacks {lacks}. "
    )
    if "prevalence.model" in missing:
        text += (
            "Without modelled rates no expected number of cases can be worked out, so "
            "recorded prevalence is all that can be shown. "
        )
    if "gp.lsoa_patients" in missing:
        text += (
            "Without the LSOA file registers cannot be placed in wards or deprivation "
            "quintiles, and practices cannot be placed in an authority. "
        )
    return text + _fetch_hint(chapter, missing) + " What the pack does allow is shown below."


def _missing_model_text(chapter: Chapter, condition: str) -> str:
    """Why the authority gap is not shown when the pack has no modelled rates."""
    return (
        f"**{condition.capitalize()} gap by authority.** The data pack has registers summed to "
        f"authorities but no modelled prevalence rates by age and sex (role "
        "`prevalence.model`, e.g. the Health Survey for England), so the expected number of "
        f"cases in {markdown_text(chapter.area_name)} cannot be worked out. "
        + _fetch_hint(chapter, ["prevalence.model"])
    )


def condition_gaps(chapter: Chapter) -> Section:
    """Recorded against expected prevalence for every condition: a table and a chart.

    ``data`` is :func:`jsna.analysis.prevalence.practice_gaps` of the area (``None``
    when the pack has no practice registers and patients by LSOA).
    """
    if not prev.supports_practice_gaps(chapter.pack):
        return Section([Markdown(_missing_practice_text(chapter))])
    gaps, notes = collect_notes(prev.practice_gaps, chapter.pack, chapter.area)
    outputs: list[Any] = [Markdown(notes_markdown(notes))] if notes else []
    summary = gaps["area"].assign(condition_name=lambda d: d["condition"].map(prev.CONDITIONS))
    columns = [
        "condition_name",
        "observed",
        "expected",
        "recorded_pct",
        "expected_pct",
        "value",
        "lower_ci95",
        "upper_ci95",
        "undiagnosed",
        "undiagnosed_lower_ci95",
        "undiagnosed_upper_ci95",
    ]
    digits = {"expected": 0, "recorded_pct": 2, "expected_pct": 2, "value": 3}
    digits |= {"lower_ci95": 3, "upper_ci95": 3, "undiagnosed": 0}
    digits |= {"undiagnosed_lower_ci95": 0, "undiagnosed_upper_ci95": 0}
    shown = labelled(summary[columns].round(digits), RATIO_HEADERS)
    table = chapter.table(
        shown,
        "condition_gaps",
        title=f"Recorded against expected prevalence, {chapter.area_name}",
        sources=PRACTICE_GAPS,
        count_columns=["Recorded (register)"],
        derived_columns=[
            "Recorded %",
            "Diagnosis ratio (O/E)",
            "Lower 95% CI",
            "Upper 95% CI",
            "Estimated undiagnosed",
            "Undiagnosed, lower 95% CI",
            "Undiagnosed, upper 95% CI",
        ],
        safe_columns=["Expected", "Expected %"],  # modelled from published rates and lists
        totals_published=False,  # registers of different conditions add up to nothing
        note=note(gaps["area"]),
    )
    outputs.append(formatted(table))
    ax = ranked_bars(
        summary,
        label="condition_name",
        value="value",
        lower="lower_ci95",
        upper="upper_ci95",
        value_label="Diagnosis ratio (observed / expected)",
        reference=1.0,
        reference_label="All expected cases diagnosed",
        sort="ascending",
    )
    ax.set_title(f"Diagnosis ratio by condition, {chapter.area_name}")
    chapter.figure(
        ax.figure,
        "diagnosis_ratio_by_condition",
        title=f"Diagnosis ratio by condition, {chapter.area_name}",
        alt_text=(
            "Bar chart of the ratio of recorded to expected cases for "
            f"{len(summary)} conditions in {chapter.area_name}, with 95% confidence intervals."
        ),
        data=summary[["condition", "observed", "expected", "value", "lower_ci95", "upper_ci95"]],
        sources=PRACTICE_GAPS,
        count_columns=["observed"],
        derived_columns=["value", "lower_ci95", "upper_ci95"],
        safe_columns=["expected"],
        totals_published=False,
    )
    worst = summary.sort_values("undiagnosed", ascending=False).iloc[0]
    low = summary.sort_values("value").iloc[0]
    messages = [
        Finding(
            f"Across {len(summary)} conditions an estimated "
            f"{fmt_number(summary['undiagnosed'].sum())} cases in {chapter.area_name} are not on "
            f"GP registers; the largest number is for {worst['condition_name'].lower()} "
            f"({fmt_number(worst['undiagnosed'])}, 95% CI "
            f"{fmt_number(worst['undiagnosed_lower_ci95'])} to "
            f"{fmt_number(worst['undiagnosed_upper_ci95'])}).",
            "People who are not on a register are not offered the checks and treatment that "
            "prevent complications, such as heart attacks and strokes.",
        ),
        Finding(
            f"The lowest diagnosis ratio is for {low['condition_name'].lower()}: "
            f"{low['value']:.2f} (95% CI {low['lower_ci95']:.2f} to {low['upper_ci95']:.2f}), "
            f"about {fmt_pct(100 * (1 - low['value']), 0)} of expected cases unrecorded.",
            f"This is where case finding would find most people per expected case in "
            f"{chapter.area_name}.",
        ),
    ]
    outputs.append(Markdown(markdown_text(note(gaps["area"]))))
    return Section(outputs, messages, gaps)


def placement_text(practices: pd.DataFrame, area_name: str) -> str:
    """How the practices shown were chosen: by where their patients live, with the shares.

    Examples
    --------
    >>> placement_text(pd.DataFrame({"practice_code": ["P1", "P2"], "share": [0.62, 0.97]}),
    ...                "Aton")  # doctest: +ELLIPSIS
    'The 2 practices shown are those with more of their registered patients living in Aton ...'
    """
    share = practices.drop_duplicates("practice_code")["share"].dropna()
    if share.empty:
        return ""
    shares = (
        "all of each list living there"
        if share.min() == 1
        else f"{fmt_pct(100 * share.min(), 0)} to {fmt_pct(100 * share.max(), 0)} of each "
        f"list, median {fmt_pct(100 * share.median(), 0)}"
    )
    return (
        f"The {share.size} practices shown are those with more of their registered patients "
        f"living in {markdown_text(area_name)} than in any other authority ({shares}). "
        "Practices elsewhere that register some of its residents count in its ward and "
        "authority figures, not here."
    )


def _tiny_lists(chapter: Chapter, shape, name: str, label: str, count: str, sources) -> list:
    """The table (and a sentence) of the practices a funnel set aside for their tiny lists."""
    tiny = shape.tiny
    if not len(tiny):
        return []
    columns = ["practice_code", "practice_name", "list_size", count]
    shown = labelled(tiny[columns], {count: "On the register", "list_size": "List size"})
    table = chapter.table(
        shown,
        f"{name}_small_lists",
        title=f"Practices with lists of {shape.min_size:,.0f} or fewer, not drawn: {label}",
        sources=sources,
        count_columns=["On the register"],
        safe_columns=["List size"],  # list sizes are published monthly by NHS England
    )
    text = (
        f"{len(tiny)} practice(s) with a list of {shape.min_size:,.0f} patients or fewer are "
        "listed below and left out of the chart and its average: a list that small (a new, "
        "closing or specialist practice) says little about diagnosis, and it would stretch the "
        "limits. The threshold is Public Health England's for its National General Practice "
        "Profiles (lists over 900)."
    )
    return [Markdown(text), table]


def practice_funnel(chapter: Chapter, gaps: dict | None) -> Section:
    """Funnel plot of the focus condition's diagnosis ratio by practice (nothing without gaps).

    The practices are those placed in the area by where their patients live
    (:func:`jsna.analysis.prevalence.area_practices`); lists of
    :data:`jsna.analysis.funnel.TINY_LIST` or fewer are tabled, not drawn.
    """
    if gaps is None:
        return Section()
    focus = _focus(gaps)
    name = prev.CONDITIONS[focus].lower()
    practice = gaps["practice"][gaps["practice"]["condition"] == focus]
    if not len(practice):
        return Section(
            [
                Markdown(
                    f"No practice has most of its registered patients living in "
                    f"{markdown_text(chapter.area_name)}, so there is no practice funnel."
                )
            ]
        )
    period = meta(gaps["practice"], "register_period") or "period not stated"
    shape = funnel(practice, "observed", "expected", statistic="ratio", size="list_size")
    place = f"{chapter.area_name}, QOF {period}"
    drawn = shape.points
    ax = funnel_plot(
        drawn,
        shape.limits,
        centre=shape.centre,
        label="practice_name",
        value_label="Diagnosis ratio (observed / expected)",
        x_label="Expected cases (number of patients)",
        units="practices",
        title=f"{prev.CONDITIONS[focus]}: diagnosis ratio by GP practice\n{place}",
    )
    chapter.figure(
        ax.figure,
        f"funnel_{focus.lower()}",
        title=f"{prev.CONDITIONS[focus]} diagnosis ratio by practice (funnel plot), {place}",
        alt_text=(
            f"Funnel plot of {len(drawn)} GP practices: diagnosis ratio for {name} against "
            "expected cases, with 95% and 99.8% control limits around the practices' average."
        ),
        data=drawn[["practice_code", "practice_name", "observed", "expected", "value", "share"]],
        sources=PRACTICE_GAPS,
        count_columns=["observed"],  # practices add up to the area's register
        derived_columns=["value"],
        safe_columns=["expected", "share"],  # modelled; share of a published list
    )
    outputs: list = [Markdown(placement_text(practice, chapter.area_name))]
    outputs += _tiny_lists(
        chapter, shape, f"funnel_{focus.lower()}", place, "observed", PRACTICE_GAPS
    )
    message = (
        f"{shape.count('Low')} of {len(drawn)} practices with most of their patients in "
        f"{chapter.area_name} record {name} significantly less often than their average given "
        "their patients' age and sex (below the 95% funnel limit): candidates for case finding."
    )
    return Section(outputs, [message])


def ward_maps(chapter: Chapter, gaps: dict | None) -> Section:
    """Maps of the focus condition's estimated undiagnosed and diagnosis ratio by ward."""
    if gaps is None:
        return Section()
    focus = _focus(gaps)
    condition, name = prev.CONDITIONS[focus], prev.CONDITIONS[focus].lower()
    ward = gaps["ward"][gaps["ward"]["condition"] == focus]
    mapped = area_wards(chapter.pack, chapter.area).merge(
        ward.drop(columns=["ward_name"]), on="ward_code", how="left"
    )
    maps = {
        "undiagnosed": (
            "Estimated undiagnosed (number)",
            f"{condition}: estimated undiagnosed by ward",
            f"ward_undiagnosed_{focus.lower()}",
            f"Estimated undiagnosed {name} by ward, {chapter.area_name}",
            f"Map of {len(mapped)} wards shaded by the estimated number of people with "
            f"undiagnosed {name}.",
            ["ward_code", "ward_name", "observed", "expected", "undiagnosed"],
        ),
        "value": (
            "Diagnosis ratio (O/E)",
            f"{condition}: diagnosis ratio by ward",
            f"ward_ratio_{focus.lower()}",
            f"{condition} diagnosis ratio by ward, {chapter.area_name}",
            f"Map of {len(mapped)} wards shaded by the ratio of recorded to expected {name}.",
            ["ward_code", "ward_name", "observed", "expected", "value", "lower_ci95", "upper_ci95"],
        ),
    }
    for column, (legend, heading, file, title, alt_text, data) in maps.items():
        ax = ward_map(
            mapped,
            column,
            legend_title=legend,
            scheme="quantiles",
            k=5,
            labels="ward_name",
            attribution=chapter.pack.sources(*WARD_GAPS),
            synthetic=chapter.synthetic,
        )
        ax.set_title(f"{heading}, {chapter.area_name}")
        chapter.figure(
            ax.figure,
            file,
            title=title,
            alt_text=alt_text,
            data=ward[data],
            sources=WARD_GAPS,
            count_columns=["observed"],  # wards add up to the area's register
            derived_columns=[c for c in data if c in ("value", "lower_ci95", "upper_ci95")]
            + (["undiagnosed"] if "undiagnosed" in data else []),
            safe_columns=["expected"],
        )
    top = ward.sort_values("undiagnosed", ascending=False).head(3)
    message = Finding(
        f"The wards with most estimated undiagnosed {name} are "
        + ", ".join(f"{r.ward_name} ({fmt_number(r.undiagnosed)})" for r in top.itertuples())
        + ".",
        f"Together they hold {fmt_number(top['undiagnosed'].sum())} of the "
        f"{fmt_number(ward['undiagnosed'].clip(lower=0).sum())} people estimated to be "
        f"undiagnosed across {chapter.area_name}'s wards: a place to start community case "
        "finding.",
    )
    return Section(messages=[message])


def deprivation(chapter: Chapter, gaps: dict | None) -> Section:
    """The focus condition's ratio by IMD quintile (shared, and modelled by residence)."""
    if gaps is None:
        return Section()
    focus = _focus(gaps)
    condition, name = prev.CONDITIONS[focus], prev.CONDITIONS[focus].lower()
    quint = gaps["quintile"][gaps["quintile"]["condition"] == focus]
    ax = bars_by_quintile(
        quint,
        quintile="imd_quintile",
        value="value",
        lower="lower_ci95",
        upper="upper_ci95",
        value_label="Diagnosis ratio (observed / expected), registers shared by practice",
        benchmark=float(gaps["area"].set_index("condition").loc[focus, "value"]),
        benchmark_label=chapter.area_name,
    )
    ax.set_title(
        f"{condition}: diagnosis ratio by deprivation quintile (practice registers shared)"
    )
    chapter.figure(
        ax.figure,
        f"quintile_ratio_{focus.lower()}",
        title=f"{condition} diagnosis ratio by IMD quintile (apportioned), {chapter.area_name}",
        alt_text=(
            f"Bar chart of the {name} diagnosis ratio in each national IMD quintile, "
            "with 95% intervals."
        ),
        data=quint[["imd_quintile", "observed", "expected", "value", "lower_ci95", "upper_ci95"]],
        sources=DEPRIVATION_GAPS,
        count_columns=["observed"],  # quintiles add up to the area's register
        derived_columns=["value", "lower_ci95", "upper_ci95"],
        safe_columns=["imd_quintile", "expected"],
    )
    grad = gaps["gradient"][gaps["gradient"]["condition"] == focus]
    by_q = grad[grad["imd_quintile"] != "5 minus 1"].assign(
        q=lambda d: d["imd_quintile"].astype(int)
    )
    ax = bars_by_quintile(
        by_q,
        quintile="q",
        value="value",
        lower="lower_ci95",
        upper="upper_ci95",
        value_label="Diagnosis ratio (observed / expected), modelled by where patients live",
    )
    ax.set_title(f"{condition}: diagnosis ratio by quintile of residence (modelled)")
    chapter.figure(
        ax.figure,
        f"quintile_gradient_{focus.lower()}",
        title=(
            f"{condition} diagnosis ratio by IMD quintile of residence (modelled), "
            f"{chapter.area_name}"
        ),
        alt_text=(
            f"Bar chart of the modelled {name} diagnosis ratio in each IMD quintile, "
            "with 95% intervals."
        ),
        data=by_q[["q", "value", "lower_ci95", "upper_ci95"]],
        sources=DEPRIVATION_GAPS,
        # modelled ratios of whole quintiles of patients, with no count or denominator beside
        safe_columns=["q", "value", "lower_ci95", "upper_ci95"],
    )
    diff = grad[grad["imd_quintile"] == "5 minus 1"].iloc[0]
    q1, q5 = by_q.set_index("q").loc[1], by_q.set_index("q").loc[5]
    significant = diff["lower_ci95"] > 0 or diff["upper_ci95"] < 0
    text = (
        f"Modelled by where patients live, the {name} diagnosis ratio is {q1['value']:.2f} in the "
        f"most deprived quintile and {q5['value']:.2f} in the least deprived (difference "
        f"{diff['value']:.2f}, 95% CI {diff['lower_ci95']:.2f} to {diff['upper_ci95']:.2f}; "
        + (
            "a significant gradient)."
            if significant
            else "not significantly different from no gradient)."
        )
    )
    if significant and q1["value"] < q5["value"]:
        message = Finding(
            text,
            "People in the most deprived neighbourhoods, who are most at risk, are the least "
            "likely to be diagnosed: an inequality Core20PLUS5 asks the NHS to close.",
            f"Target {name} case-finding at residents of the most deprived (Core20) "
            f"neighbourhoods of {chapter.area_name}, for example through community checks.",
        )
    elif significant:
        message = Finding(
            text,
            "Diagnosis is higher in the most deprived neighbourhoods, where need is highest.",
        )
    else:
        message = Finding(
            text,
            "No clear difference in diagnosis by deprivation was found; the gap is area-wide.",
        )
    gradients = gaps["gradient"][gaps["gradient"]["imd_quintile"] == "5 minus 1"].assign(
        condition_name=lambda d: d["condition"].map(prev.CONDITIONS)
    )
    columns = ["condition_name", "value", "lower_ci95", "upper_ci95", "practices"]
    table = chapter.table(
        labelled(gradients[columns].round(3), RATIO_HEADERS),
        "deprivation_gradient",
        title="Difference in diagnosis ratio, least minus most deprived quintile (modelled)",
        sources=DEPRIVATION_GAPS,
        # modelled differences of whole quintiles; "Practices" counts practices, not people
        safe_columns=["Diagnosis ratio (O/E)", "Lower 95% CI", "Upper 95% CI", "Practices"],
    )
    return Section([formatted(table)], [message])


def hypertension_ambition(
    chapter: Chapter, gaps: dict | None, auth: pd.DataFrame | None = None
) -> Section:
    """The hypertension diagnosis ratio against the national 80% detection ambition.

    The ambition (80% of expected cases diagnosed by 2029) and its source come from
    jsna's Core20PLUS5 registry. The area's ratio is from the practice gaps when the
    pack gives them (then the practices and wards with the largest numbers undiagnosed
    are named), else from the authority gaps (``auth``, :func:`authorities` data).
    """
    ambition = Ambition.from_registry("hypertension")
    ambition = Ambition(
        "80% of the expected number of people with high blood pressure diagnosed",
        ambition.value,
        ambition.unit,
        ambition.date,
        ambition.source,
        ambition.status,
    )
    places, kind = [], "places"
    if gaps is not None and "HYP" in set(gaps["area"]["condition"]):
        row = gaps["area"].set_index("condition").loc["HYP"]
        practice = gaps["practice"][gaps["practice"]["condition"] == "HYP"]
        ward = gaps["ward"][gaps["ward"]["condition"] == "HYP"]
        places = [
            f"{r.practice_name} ({fmt_number(r.undiagnosed)})"
            for r in practice.nlargest(3, "undiagnosed").itertuples()
        ]
        kind = "practices with most people estimated undiagnosed"
        wards = [
            f"{r.ward_name} ({fmt_number(r.undiagnosed)})"
            for r in ward.nlargest(3, "undiagnosed").itertuples()
        ]
        missing = ""
    elif auth is not None and chapter.area in set(auth["area_code"]):
        row = auth.set_index("area_code").loc[chapter.area]
        wards = []
        missing = (
            "Adding patients registered by LSOA (role gp.lsoa_patients) to the data pack would "
            "name the practices and wards with the largest gaps."
        )
    else:
        return Section()
    position = AmbitionPosition(
        "share of expected high blood pressure that is diagnosed",
        100 * row["value"],
        100 * row["lower_ci95"],
        100 * row["upper_ci95"],
        ambition,
        period=f"QOF {meta(auth, 'register_period')}" if auth is not None else "",
    )
    shortfall = ambition.value / 100 * row["expected"] - row["observed"]
    finding = ambition_finding(
        position,
        chapter.area_name,
        shortfall=shortfall,
        people="people with high blood pressure",
        action=f"Agree a hypertension case-finding plan for {chapter.area_name}",
        places=places,
        place_kind=kind,
        missing=missing,
    )
    if wards and finding.recommendation:
        finding = Finding(
            finding.message,
            finding.so_what,
            finding.recommendation + f" In the community, the wards with most: {listed(wards)}.",
            finding.ambition,
        )
    return Section([], [finding], position)


def reading_deprivation(chapter: Chapter, gaps: dict | None) -> Section:
    """How to read the two deprivation charts (or why they are missing)."""
    if gaps is None:
        return Section(
            [
                Markdown(
                    "Diagnosis by deprivation needs the modelled practice gaps, which this data "
                    "pack cannot give (see above and the data used, at the end)."
                )
            ]
        )
    text = (
        "**Reading the two deprivation charts.** QOF registers are counted per practice, so "
        "sharing a practice's register among the LSOAs its patients live in (the first chart) "
        "can only show differences *between practices*: every LSOA gets its practice's ratio. "
        "The second chart separates where patients live from the practice they are registered "
        "with: each practice's register is modelled as the sum over its patients' LSOAs of "
        "expected cases times a diagnosis ratio that changes linearly across deprivation "
        "quintiles (a Poisson regression on the practices, identity link; Wald limits). It "
        "assumes a linear trend and that practices differ only through where their patients live."
    )
    return Section([Markdown(text)])


def _ages_text(band_map: pd.DataFrame, condition: str) -> str:
    """ "Model band -> ages" for each band, and the ages outside the model."""
    oldest = band_map["age"].iloc[-1]
    inside = band_map[band_map["in_model"]]
    bands = inside.groupby("age_band", sort=False)["age"].agg(
        lambda a: f"{a.iloc[0]}-{a.iloc[-1]}" if a.iloc[-1] != oldest else f"{a.iloc[0]}-{oldest}+"
    )
    text = "**Age bands.** Model band -> population single years of age: " + "; ".join(
        f"{b} -> {ages}" for b, ages in bands.items()
    )
    outside = band_map.loc[~band_map["in_model"], "age"]
    if len(outside):
        text += (
            f". Ages {outside.iloc[0]}-{outside.iloc[-1]} are outside the survey (adults "
            f"{inside['age'].iloc[0]}+) and count as having no {condition}"
        )
    return text + "."


def comparator_areas(
    pack, area: str, within: Iterable[str] | None = None
) -> tuple[list[str], str, list[str]]:
    """The area and its statistical neighbours that the pack covers, for comparison tables.

    Neighbours come from the pack's ``neighbours.dfe`` model (else ``neighbours.list``),
    as :meth:`jsna.analysis.benchmark.Comparators.from_pack` finds them; only those
    ``within`` (by default the pack's ``areas``, whose data it has) are kept, in the
    model's order.

    Returns
    -------
    codes : list of str
        The area first, then the neighbours covered.
    model : str
        The neighbour model's name ("" when the pack has none).
    absent : list of str
        Names (or codes) of the model's neighbours the pack does not cover.

    Examples
    --------
    >>> from jsna.demo.pack import ensure_demo_pack, DEMO_AREA_CODE
    >>> from jsna.io.datapack import DataPack
    >>> from jsna.config import project_paths
    >>> pack = DataPack.open(ensure_demo_pack(project_paths().demo_pack))
    >>> codes, model, absent = comparator_areas(pack, DEMO_AREA_CODE)
    >>> codes, bool(model), absent[:2]
    (['E06999001'], True, ['E06999002', 'E06999003'])
    """
    with warnings.catch_warnings():
        # the neighbour model's changed authorities are kept with a note; its warning is
        # about the whole model, not the area's neighbours shown here
        warnings.simplefilter("ignore", UserWarning)
        frame = Comparators.from_pack(pack).neighbour_frame()
    frame = frame[frame["area_code"] == area]
    covered = set(within) if within is not None else set(pack.areas or [area])
    codes = [area] + [c for c in frame["neighbour_code"] if c in covered and c != area]
    named = frame["neighbour_name"].notna() & ~frame["neighbour_name"].isin(["nan", ""])
    names = frame["neighbour_name"].where(named, frame["neighbour_code"]).astype(str)
    absent = [n for c, n in zip(frame["neighbour_code"], names, strict=True) if c not in covered]
    model = str(frame["model"].iloc[0]) if len(frame) else ""
    return codes, model, absent


def comparators_text(
    area_name: str,
    shown: list[str],
    model: str,
    absent: list[str],
    national: str = "The region and England are not shown: the data pack does not cover them "
    "for this measure.",
) -> str:
    """A sentence saying which comparators a table shows and which it cannot.

    ``national`` says what is shown of the region and England (by default that neither is).

    Examples
    --------
    >>> text = comparators_text("A", ["B"], "DfE 2025 model", ["C", "D"])
    >>> for sentence in text.split(". ")[:2]:
    ...     print(sentence)
    Shown: A and its statistical neighbours (DfE 2025 model) in this data pack: B
    Not in the pack: C, D
    """
    if not model:
        text = f"Shown: {area_name} only (the data pack has no statistical neighbours)."
    elif shown:
        text = (
            f"Shown: {area_name} and its statistical neighbours ({model}) in this data pack: "
            f"{', '.join(shown)}."
        )
    else:
        text = (
            f"Shown: {area_name} only: none of its statistical neighbours ({model}) is in "
            "this data pack."
        )
    if absent:
        text += f" Not in the pack: {', '.join(absent)}."
    return f"{text} {national}".strip()


def authorities(chapter: Chapter, condition: str = "HYP") -> Section:
    """The area's gap against its statistical neighbours', from registers summed to authorities.

    Only the area and the neighbours the pack covers are shown (:func:`comparator_areas`);
    ``rank`` is among them. Without modelled rates (``prevalence.model``) a sentence says
    what is missing and how to add it.
    """
    if not prev.supports_authority_gaps(chapter.pack):
        return Section()
    name = prev.CONDITIONS[condition]
    if not prev.modelled_conditions(chapter.pack):
        return Section([Markdown(_missing_model_text(chapter, name.lower()))])
    codes, model, absent = comparator_areas(chapter.pack, chapter.area)
    gaps = prev.authority_gaps(chapter.pack, condition, areas=codes)
    auth = gaps.set_index("area_code").loc[codes].reset_index()
    auth["rank"] = auth["value"].rank(method="min").astype("int64")
    auth = copy_meta(auth, gaps)
    place = chapter.area_name if len(auth) == 1 else f"{chapter.area_name} and neighbours"
    period = meta(auth, "register_period")
    shown_names = [
        n for c, n in zip(auth["area_code"], auth["area_name"], strict=True) if c != chapter.area
    ]
    chosen = comparators_text(chapter.area_name, shown_names, model, absent)
    columns = [
        "area_name",
        "resident_population",
        "list_size",
        "observed",
        "expected",
        "recorded_pct",
        "expected_pct",
        "value",
        "lower_ci95",
        "upper_ci95",
        "undiagnosed",
        "rank",
    ]
    digits = {"resident_population": 0, "list_size": 0, "observed": 0, "expected": 0}
    digits |= {"recorded_pct": 2, "expected_pct": 2, "value": 3, "lower_ci95": 3}
    digits |= {"upper_ci95": 3, "undiagnosed": 0}
    headers = {**AUTHORITY_HEADERS, "rank": f"Rank of {len(auth)} (1 = lowest ratio)"}
    table = chapter.table(
        labelled(auth[columns].round(digits), headers),
        f"{name.lower()}_authorities",
        title=f"{name}: recorded against expected, {place}, QOF {period}",
        sources=AUTHORITY_GAPS,
        # registers apportioned to whole authorities: published by NHS England (QOF) at this
        # level, and summed from practices so not whole people
        safe_columns=list(labelled(auth[columns], headers).columns),
        note=note(auth) + " " + chosen,
    )
    outputs: list[Any] = [formatted(table)]
    if len(auth) > 1:
        ax = ranked_bars(
            auth,
            label="area_name",
            value="value",
            lower="lower_ci95",
            upper="upper_ci95",
            value_label=f"{name} diagnosis ratio (observed / expected)",
            highlight=chapter.area_name,
            sort="ascending",
        )
        ax.set_title(f"{name} diagnosis ratio, {place}, QOF {period}")
        chapter.figure(
            ax.figure,
            f"{name.lower()}_authorities",
            title=f"{name} diagnosis ratio, {place}, QOF {period}",
            alt_text=(
                f"Bar chart of the {name.lower()} diagnosis ratio for {chapter.area_name} and "
                f"{len(auth) - 1} statistical neighbours, {chapter.area_name} highlighted."
            ),
            data=auth[
                [
                    "area_code",
                    "area_name",
                    "observed",
                    "expected",
                    "value",
                    "lower_ci95",
                    "upper_ci95",
                ]
            ],
            sources=AUTHORITY_GAPS,
            # authority registers, published by NHS England (QOF) at this level (see the table)
            safe_columns=["observed", "expected", "value", "lower_ci95", "upper_ci95"],
        )
    mine = auth.set_index("area_code").loc[chapter.area]
    standing = (
        f"{chapter.area_name} ranks {ordinal(mine['rank'])} of {len(auth)} with its "
        "statistical neighbours in the pack (1 = lowest ratio); "
        if len(auth) > 1
        else ""
    )
    message = Finding(
        f"In {chapter.area_name} {fmt_pct(mine['recorded_pct'])} of registered patients were on "
        f"the {name.lower()} register ({period}) against an expected "
        f"{fmt_pct(mine['expected_pct'])}: a diagnosis ratio of {mine['value']:.2f} (95% CI "
        f"{mine['lower_ci95']:.2f} to {mine['upper_ci95']:.2f}) and an estimated "
        f"{fmt_number(mine['undiagnosed'])} adults with undiagnosed high blood pressure.",
        standing + "undiagnosed high blood pressure is a leading, treatable cause of "
        "heart attack and stroke.",
    )
    band_map = pd.DataFrame(meta(auth, "band_map")[condition])
    caveats = (
        "**Caveats.** The registers are QOF "
        + markdown_text(period)
        + " (summed to authorities by sharing practice registers among LSOAs), the prevalence "
        "rates are from the "
        + markdown_text(meta(auth, "survey") or "pack's model")
        + " and the population is the ONS "
        + markdown_text(meta(auth, "population_period"))
        + " estimate: three different years. "
        + "Survey hypertension includes everyone whose measured blood pressure is high or who is "
        "treated for it; some of the gap is people who would not yet meet the diagnostic "
        "threshold on repeat measurement (the sources and their years are in the note under "
        "the table)."
    )
    text = _ages_text(band_map, name.lower()) + "\n\n" + caveats
    return Section([*outputs, Markdown(text)], [message], auth)


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def recorded_funnel(chapter: Chapter, condition: str = "HYP") -> Section:
    """Recorded prevalence by practice (funnel), where diagnosis ratios cannot be modelled.

    Practices are placed in the area by where their registered patients live
    (``gp.lsoa_patients``); a pack without that file gets a sentence saying
    so (a whole sub-ICB location is never used, as it may cover other
    authorities). Nothing when the pack models diagnosis ratios by practice
    (see :func:`practice_funnel`) or has no practice registers.
    """
    pack = chapter.pack
    if prev.supports_practice_gaps(pack, condition) or not pack.entries_for(
        "prevalence.recorded", level="practice"
    ):
        return Section()
    name = prev.CONDITIONS[condition].lower()
    if not prev.can_place_practices(pack):
        shared = prev.shared_sub_icb_locations(pack, chapter.area)
        text = (
            f"**Practices.** This data pack has QOF registers by practice but not where each "
            f"practice's patients live (NHS England, *Patients registered at a GP practice*, "
            f"LSOA file; role `gp.lsoa_patients`), so no practice can be placed in "
            f"{markdown_text(chapter.area_name)} and recorded {name} by practice is not shown. "
            "Practices are not taken from the sub-ICB location instead: a location can cover "
            "several authorities and its practices' patients cross authority boundaries."
            + "".join(
                f" Here {markdown_text(_names(row.authorities))} share one sub-ICB location "
                f"({markdown_text(row.sicbl_ods)})."
                for row in shared.itertuples()
            )
            + f" `jsna fetch --area {markdown_text(chapter.area)} --only gp.lsoa_patients` "
            "adds the file."
        )
        return Section([Markdown(text)])
    local = prev.practice_recorded(pack, chapter.area, condition)
    if not len(local):
        return Section()
    period = meta(local, "period") or "period not stated"
    shape = funnel(local, "register", "list_size", statistic="proportion")
    drawn = shape.points
    place = f"{chapter.area_name}, QOF {period}"
    ax = funnel_plot(
        drawn,
        shape.limits,
        centre=shape.centre,
        label="practice_name",
        value_label="Recorded prevalence (% of list)",
        x_label="Registered patients (number)",
        units="practices",
        suffix="%",
        title=f"Recorded {name} prevalence by GP practice\n{place}",
    )
    chapter.figure(
        ax.figure,
        f"funnel_recorded_{condition.lower()}",
        title=f"Recorded {name} prevalence by practice (funnel plot), {place}",
        alt_text=(
            f"Funnel plot of recorded {name} prevalence for {len(drawn)} practices against "
            "list size, with 95% and 99.8% control limits around the practices' average."
        ),
        data=drawn[["practice_code", "practice_name", "register", "list_size", "share"]],
        sources=PRACTICE_REGISTERS,
        count_columns=["register"],  # practices add up to the area's register
        safe_columns=["list_size", "share"],  # list sizes are published monthly by NHS England
    )
    text = (
        f"The {len(drawn)} practices drawn recorded {name} for "
        f"{fmt_pct(100 * drawn['register'].sum() / drawn['list_size'].sum())} of their patients "
        f"(QOF {markdown_text(period)}). The pack has no modelled {name} prevalence by age and "
        "sex (or no population by LSOA) from which to expect cases, so differences between "
        "practices mix under-diagnosis with older or younger lists: this chart shows recorded "
        "prevalence only. " + placement_text(local, chapter.area_name)
    )
    outputs = [Markdown(text)]
    outputs += _tiny_lists(
        chapter,
        shape,
        f"funnel_recorded_{condition.lower()}",
        place,
        "register",
        PRACTICE_REGISTERS,
    )
    message = (
        f"{shape.count('Low')} of {len(drawn)} practices with most of their patients in "
        f"{chapter.area_name} record {name} significantly less often than their average (not "
        "adjusted for age)."
    )
    return Section(outputs, [message])
