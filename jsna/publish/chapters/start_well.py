"""Chapter 02, "Start Well": what each section of the children's chapter shows.

The notebook ``02_start_well.ipynb`` calls these in order: :func:`area_line`,
:func:`benchmarked` (the Fingertips-style benchmark of the children's indicators,
once), then one function per section. Tables and figures come back with their
titles and alt text; the notebook saves them with ``chapter.table`` and
``chapter.figure`` so the Word document places them where the notebook shows them.

Examples
--------
>>> import tempfile
>>> from jsna.publish.chapter import Chapter
>>> out = tempfile.mkdtemp()
>>> chapter = Chapter.start("02_start_well", None, None, out + "/figures", out + "/reports")
>>> view = benchmarked(chapter)
>>> coverage(view).startswith("The data pack has **")
True
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from jsna import columns as S
from jsna.analysis.benchmark import (
    CHILDREN_INDICATORS,
    Comparators,
    area_and_neighbours,
    benchmark,
    headline,
    neighbour_coverage,
    series,
)
from jsna.exceptions import SourceError
from jsna.meta import note
from jsna.plots.spine import spine_chart, tartan_rug
from jsna.plots.trends import neighbour_bars, trend_chart
from jsna.publish.escape import markdown_text
from jsna.publish.findings import Ambition, Finding, listed, worse_than_england
from jsna.publish.notes import collect_notes, notes_markdown
from jsna.publish.prose import count_text, ordinal, sentence, units_label

__all__ = [
    "ROLES",
    "LABEL_NOTE_START",
    "SUMMARY_NOTE",
    "indicator_sentences",
    "charts_informative",
    "single_indicator_text",
    "ambitions",
    "StartWell",
    "FigureParts",
    "area_line",
    "benchmarked",
    "coverage",
    "neighbours_title",
    "summary_table",
    "summary_title",
    "key_messages",
    "spine_figure",
    "indicator_figures",
    "rug_figure",
    "NEIGHBOUR_ROLES",
    "roles",
]

#: The pack roles this chapter can use (a tuple: any one of them will do).
ROLES = ["indicators.fingertips", ("neighbours.dfe", "neighbours.list")]

#: The note under the summary table.
SUMMARY_NOTE = (
    "Comparisons with England and the region and recent trends are the publisher's own "
    "labels (Fingertips) where its file gives them, otherwise jsna's recomputation by the "
    "Fingertips method at 95% confidence; the trend source column says which. Neighbour "
    "rank 1 is the best value."
)

#: Column roles of the statistical neighbours table: ranks and numbers of indicators and rows.
#: The data pack roles of every Start Well output (their sources are cited under it).
SOURCES = ("indicators.fingertips", "neighbours.dfe", "neighbours.list")

NEIGHBOUR_ROLES = {
    "safe_columns": ["rank", "indicators_with_data", "rows_with_data"],
    "sources": SOURCES,
}

# Benchmarks, ranks and spreads of published values of whole authorities: safe to publish.
_SAFE = (
    "period",  # labels such as 2017 or 2023/24
    "model_rank",
    "england_value",
    "region_value",
    "neighbour_mean",
    "neighbour_min",
    "neighbour_max",
    "neighbour_rank",
    "neighbour_rank_of",
    "type_quartile",
    "type_min",
    "type_q25",
    "type_q75",
    "type_max",
)


def roles(frame: pd.DataFrame) -> dict:
    """Column roles of a Start Well figure's data or summary table, for the disclosure gate.

    ``count`` is the count of events (Fingertips), ``value`` and its limits are derived
    from it, and the benchmark, rank and spread columns listed in this module are safe.
    The rows (periods, authorities, indicators) add up to nothing published.
    ``sources`` names the data pack roles cited under the output.

    Examples
    --------
    >>> roles(pd.DataFrame({"count": [3], "value": [1.0], "england_value": [2.0]}))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'count_columns': ['count'], 'derived_columns': ['value'],
     'safe_columns': ['england_value'], 'totals_published': False,
     'sources': ('indicators.fingertips', 'neighbours.dfe', 'neighbours.list')}
    """
    derived = [c for c in (S.VALUE, S.LOWER_CI95, S.UPPER_CI95) if c in frame.columns]
    return {
        "count_columns": [S.COUNT],
        "derived_columns": derived,
        "safe_columns": [c for c in _SAFE if c in frame.columns],
        "totals_published": False,
        "sources": SOURCES,
    }


_SUMMARY_COLUMNS = [
    S.INDICATOR_NAME,
    S.SEX,
    S.PERIOD,
    S.VALUE,
    S.LOWER_CI95,
    S.UPPER_CI95,
    S.COUNT,
    "england_value",
    "compared_to_england",
    "region_value",
    "compared_to_region",
    "neighbour_model",
    "neighbour_mean",
    "neighbour_rank",
    "neighbour_rank_of",
    "type_quartile",
    "recent_trend",
    "trend_source",
]
_SPINE_COLUMNS = [
    S.INDICATOR_NAME,
    "units",
    S.PERIOD,
    S.VALUE,
    S.COUNT,
    "england_value",
    "type_min",
    "type_q25",
    "type_q75",
    "type_max",
    "compared_to_england",
]
_TREND_COLUMNS = [
    S.PERIOD,
    S.VALUE,
    S.LOWER_CI95,
    S.UPPER_CI95,
    S.COUNT,
    "england_value",
    "neighbour_mean",
    "neighbour_min",
    "neighbour_max",
    "compared_to_england",
]
_BAR_COLUMNS = [
    S.AREA_NAME,
    "model_rank",
    S.VALUE,
    S.LOWER_CI95,
    S.UPPER_CI95,
    S.COUNT,
    "england_value",
    "compared_to_england",
]
_RUG_COLUMNS = [
    S.AREA_NAME,
    S.INDICATOR_NAME,
    S.PERIOD,
    S.VALUE,
    S.COUNT,
    "compared_to_england",
]


#: How the benchmark's note on the publisher's labels begins
#: (:func:`jsna.analysis.benchmark.disagreement_note`).
LABEL_NOTE_START = "The publisher's own labels are shown."


@dataclass
class StartWell:
    """The children's indicators of one area, benchmarked (made by :func:`benchmarked`).

    ``indicators`` holds the pack's rows of :data:`CHILDREN_INDICATORS`;
    ``neighbours`` the neighbour list with coverage; ``result`` the benchmark;
    ``summary`` its headline row of each indicator; ``peers`` the benchmark of
    the area and its neighbours with data; ``notes`` the warnings
    raised on the way, as text for the reader.
    """

    area: str
    area_name: str
    indicators: pd.DataFrame
    comparators: Comparators
    neighbours: pd.DataFrame
    model: str
    result: pd.DataFrame
    summary: pd.DataFrame
    peers: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def region(self) -> str:
        """The region's name, or "no region"."""
        names = self.summary["region_name"].dropna()
        return names.iloc[0] if len(names) else "no region"


@dataclass
class FigureParts:
    """A figure drawn for the chapter, with what ``chapter.figure`` saves beside it."""

    figure: object
    key: str
    title: str
    alt_text: str
    data: pd.DataFrame


def area_line(chapter) -> str:
    """The line under the chapter title: area, data pack, and whether the data are synthetic.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> pack = SimpleNamespace(name="Open data")
    >>> area_line(SimpleNamespace(area_name="Sefton", area="E08000014", pack=pack,
    ...                           synthetic=False))
    '**Area:** Sefton (E08000014). **Data pack:** Open data.'
    """
    synthetic = " **Synthetic data**: not real figures for any place." if chapter.synthetic else ""
    return (
        f"**Area:** {markdown_text(chapter.area_name)} ({markdown_text(chapter.area)}). "
        f"**Data pack:** {markdown_text(chapter.pack.name)}." + synthetic
    )


def _benchmarked(chapter) -> StartWell:
    pack, area = chapter.pack, chapter.area
    indicators = pack.read("indicators.fingertips")
    children = indicators[indicators[S.INDICATOR_ID].isin(CHILDREN_INDICATORS)]
    comparators = Comparators.from_pack(pack)
    neighbours = neighbour_coverage(children, area, comparators)
    model = neighbours["model"].iloc[0] if len(neighbours) else "no neighbour model"
    result = benchmark(children, area, comparators)
    summary = headline(result)
    if summary.empty:
        raise SourceError(
            f"data pack {pack.name!r} has none of the children's indicators "
            f"{list(CHILDREN_INDICATORS)} for this area; add their Fingertips all_data CSVs "
            "to the pack"
        )
    peers = area_and_neighbours(children, area, comparators)
    return StartWell(
        area, chapter.area_name, children, comparators, neighbours, model, result, summary, peers
    )


def benchmarked(chapter) -> StartWell:
    """Benchmark the pack's children's indicators for the chapter's area.

    England, the region and the statistical neighbours of the pack
    (:meth:`Comparators.from_pack`); warnings become ``notes``. The comparisons and
    trends shown are the publisher's labels where its file gives them (the
    benchmark's ``compared_to_england``, ``compared_to_region`` and
    ``recent_trend``); the notes end with the benchmark's note of where jsna's
    recomputation differs (:func:`jsna.analysis.benchmark.disagreement_note`).

    Raises
    ------
    SourceError
        The pack has none of :data:`CHILDREN_INDICATORS` for the area.

    Examples
    --------
    >>> import tempfile
    >>> from jsna.publish.chapter import Chapter
    >>> out = tempfile.mkdtemp()
    >>> chapter = Chapter.start("02_start_well", None, None, out + "/f", out + "/r")
    >>> view = benchmarked(chapter)
    >>> len(view.summary) <= len(CHILDREN_INDICATORS), view.notes
    (True, [])
    """
    view, notes = collect_notes(_benchmarked, chapter)
    # the publisher's labels are shown; where jsna's recomputation differs, the benchmark's
    # note says so once (its warnings repeat it, for the neighbours' rows too)
    labels = note(view.result)
    view.notes = [n for n in notes if not n.startswith(LABEL_NOTE_START)] + (
        [labels] if labels else []
    )
    return view


def coverage(view: StartWell) -> str:
    """Which children's indicators the pack has, and the comparators (Markdown), with any notes.

    Examples
    --------
    >>> view = StartWell("A", "Area", None, None, pd.DataFrame({"model": ["list"]}), "list",
    ...     None, pd.DataFrame({"indicator_id": [90284], "region_name": ["North West"]}))
    >>> print(coverage(view))  # doctest: +NORMALIZE_WHITESPACE
    The data pack has **1** of the chapter's 8 children's indicators; 7 are not in it
    (Fingertips indicator ids 20401, 20601, 20602, 90285, 90631, 93085, 93563).
    Comparators: England, the North West, and 1 statistical neighbours from the **list**.
    """
    summary = view.summary
    missing = sorted(set(CHILDREN_INDICATORS) - set(summary[S.INDICATOR_ID]))
    text = (
        f"The data pack has **{len(summary)}** of the chapter's {len(CHILDREN_INDICATORS)} "
        f"children's indicators; {len(missing)} are not in it (Fingertips indicator ids "
        f"{', '.join(map(str, missing)) or 'none'}). Comparators: England, the "
        f"{markdown_text(view.region)}, and {len(view.neighbours)} statistical neighbours from "
        f"the **{markdown_text(view.model)}**."
    )
    notes = notes_markdown(view.notes)
    return f"{text}\n\n{notes}" if notes else text


def neighbours_title(view: StartWell) -> str:
    """The title of the statistical neighbours table.

    Examples
    --------
    >>> view = StartWell("A", "Sefton", None, None, None, "DfE 2025 model", None, None)
    >>> neighbours_title(view)
    'Statistical neighbours of Sefton (DfE 2025 model)'
    """
    return f"Statistical neighbours of {view.area_name} ({view.model})"


def summary_table(view: StartWell) -> pd.DataFrame:
    """The latest period of each indicator, with its comparisons and units.

    Examples
    --------
    >>> import numpy as np
    >>> summary = pd.DataFrame({c: [np.nan] for c in _SUMMARY_COLUMNS}).assign(indicator_id=108)
    >>> view = StartWell("A", "Area", None, None, None, "list", None, summary)
    >>> summary_table(view)["units"].tolist()
    ['Directly standardised rate per 100,000']
    """
    summary = view.summary
    return summary[_SUMMARY_COLUMNS].assign(units=summary[S.INDICATOR_ID].map(units_label))


def summary_title(view: StartWell) -> str:
    """The title of the summary table.

    Examples
    --------
    >>> summary_title(StartWell("A", "Sefton", None, None, None, "list", None, None))
    ... # doctest: +NORMALIZE_WHITESPACE
    "Children's indicators, Sefton, compared with England, the region and statistical
    neighbours (list)"
    """
    return (
        f"Children's indicators, {view.area_name}, compared with England, the region and "
        f"statistical neighbours ({view.model})"
    )


def _names(summary: pd.DataFrame, mask) -> list[str]:
    return summary[mask][S.INDICATOR_NAME].tolist()


def _judged(judged: pd.Series) -> str:
    """ "2 are worse than England, none similar and 1 better" in words."""
    worse, similar, better = (int(judged.get(k, 0)) for k in ("Worse", "Similar", "Better"))

    def n(count: int) -> str:
        return "none" if count == 0 else str(count)

    verb = "is" if worse == 1 else "are"
    if worse == 0:
        verb = "is" if similar + better == 1 else "are"
    return f"{n(worse)} {verb} worse than England, {n(similar)} similar and {n(better)} better"


def key_messages(view: StartWell) -> list[Finding]:
    """The key messages: comparisons with England, neighbour ranks and trends, with their so-what.

    Indicators significantly worse than England give a draft recommendation
    (:func:`jsna.publish.findings.worse_than_england`). The indicator-by-indicator
    sentences are in :func:`indicator_sentences`.

    Examples
    --------
    >>> summary = pd.DataFrame({"indicator_id": [1], "indicator_name": ["Admissions"],
    ...     "area_name": ["Area"], "sex": ["Persons"], "period": ["2024"], "value": [5.0],
    ...     "compared_to_england": ["Worse"], "recent_trend": [None],
    ...     "neighbour_rank": [pd.NA], "neighbour_rank_of": [pd.NA]})
    >>> view = StartWell("A", "Area", None, None, pd.DataFrame(), "list", None, summary)
    >>> print(key_messages(view)[0].message)  # doctest: +NORMALIZE_WHITESPACE
    The data pack has 1 children's indicator for Area (latest period, 95% confidence): it is
    worse than England (Admissions).
    """
    summary = view.summary
    name = view.area_name
    england = summary["compared_to_england"]  # the label shown (the publisher's where given)
    judged = england.value_counts()
    worse = _names(summary, england == "Worse")
    better = _names(summary, england == "Better")
    trends = summary["recent_trend"].fillna("")
    improving = _names(summary, trends.str.endswith("getting better"))
    worsening = _names(summary, trends.str.endswith("getting worse"))
    ranked = summary[summary["neighbour_rank"].notna()]
    top_half = ranked[ranked["neighbour_rank"] <= ranked["neighbour_rank_of"] / 2]
    bottom_half = ranked[ranked["neighbour_rank"] > (ranked["neighbour_rank_of"] + 1) / 2]
    what = "children" + chr(39) + "s indicator"
    if len(summary) == 1:
        word = {"Worse": "worse than", "Better": "better than", "Similar": "similar to"}.get(
            england.iloc[0], "not compared with"
        )
        headline_text = (
            f"The data pack has 1 {what} for {name} (latest period, 95% confidence): it is "
            f"{word} England ({summary[S.INDICATOR_NAME].iloc[0]})."
        )
    else:
        headline_text = (
            f"Of the {count_text(len(summary), what)} in the data pack for {name}, "
            f"{_judged(judged)} (latest period, 95% confidence)"
            + (f"; worse: {'; '.join(worse)}" if worse else "")
            + (f"; better: {'; '.join(better)}" if better else "")
            + "."
        )
    so_what = (
        f"Children in {name} fare worse than children across England on "
        f"{count_text(len(worse), 'indicator')}: these are the first to look at."
        if worse
        else f"No children's indicator in the pack shows {name} significantly worse than England."
    )
    review = worse_than_england(summary, name, what)
    findings = [
        Finding(headline_text, so_what, review.recommendation if review is not None else None)
    ]
    if len(ranked) == 1:
        row = ranked.iloc[0]
        findings.append(
            Finding(
                f"{name} ranks {ordinal(row['neighbour_rank'])} of "
                f"{int(row['neighbour_rank_of'])} with its "
                f"{count_text(len(view.neighbours), 'statistical neighbour')} ({view.model}) on "
                f"{row[S.INDICATOR_NAME]} (1 = best).",
                f"Areas like {name} do better: improvement is achievable."
                if len(bottom_half)
                else f"{name} does at least as well as most areas like it.",
            )
        )
    elif len(ranked):
        laggards = listed(bottom_half[S.INDICATOR_NAME].tolist())
        findings.append(
            Finding(
                f"Against its {count_text(len(view.neighbours), 'statistical neighbour')} "
                f"({view.model}), {name} ranks in the better half on {len(top_half)} and in "
                f"the worse half on {len(bottom_half)} of the "
                f"{count_text(len(ranked), 'indicator')} (the rest in the middle).",
                f"Areas like {name} do better on {laggards}: improvement there is achievable."
                if len(bottom_half)
                else f"{name} does at least as well as most areas like it on every indicator.",
            )
        )
    findings.append(
        Finding(
            f"Recent trends in {name}: improving on "
            + (f"{len(improving)} ({'; '.join(improving)})" if improving else "none")
            + " and worsening on "
            + (f"{len(worsening)} ({'; '.join(worsening)})" if worsening else "none")
            + (
                "; the rest show no significant change or have too few points to test."
                if len(improving) + len(worsening) < len(summary)
                else "."
            ),
            f"Worsening trends ({'; '.join(worsening)}) will widen any gap unless they turn."
            if worsening
            else "No indicator is getting significantly worse.",
        )
    )
    return findings


def indicator_sentences(view: StartWell) -> str:
    """One sentence for each indicator (Markdown bullets): values, comparisons, rank, trend.

    Examples
    --------
    >>> summary = pd.DataFrame({"indicator_id": [1], "indicator_name": ["Admissions"],
    ...     "area_name": ["Area"], "sex": ["Persons"], "period": ["2024"], "value": [5.0]})
    >>> print(indicator_sentences(StartWell("A", "Area", None, None, None, "list", None, summary)))
    - Admissions\\, 2024\\: Area 5\\.0\\.
    """
    return "\n".join(f"- {markdown_text(sentence(row))}" for _, row in view.summary.iterrows())


def charts_informative(view: StartWell) -> bool:
    """Whether a spine chart and tartan rug add anything: not for a single indicator.

    Examples
    --------
    >>> one = pd.DataFrame({"indicator_id": [1]})
    >>> charts_informative(StartWell("A", "Area", None, None, None, "list", None, one))
    False
    """
    return view.summary[S.INDICATOR_ID].nunique() > 1


def single_indicator_text(view: StartWell) -> str:
    """What replaces the spine chart and tartan rug when the pack has one indicator (Markdown).

    Examples
    --------
    >>> one = pd.DataFrame({"indicator_id": [1], "indicator_name": ["Admissions"],
    ...     "compared_to_england": ["Worse"], "neighbour_rank": [3],
    ...     "neighbour_rank_of": [11]})
    >>> print(single_indicator_text(StartWell("A", "Ayton", None, None, None, "list", None, one)))
    ... # doctest: +NORMALIZE_WHITESPACE
    With one children's indicator in the data pack (Admissions), a spine chart or a grid of
    indicators would show a single row: Ayton is worse than England and ranks 3rd of 11 with
    its statistical neighbours (1 = best). The trend and neighbours charts below show it in full.
    """
    row = view.summary.iloc[0]
    word = {"Worse": "worse than", "Better": "better than", "Similar": "similar to"}.get(
        row.get("compared_to_england"), "not compared with"
    )
    rank = (
        f" and ranks {ordinal(row['neighbour_rank'])} of {int(row['neighbour_rank_of'])} with "
        "its statistical neighbours (1 = best)"
        if pd.notna(row.get("neighbour_rank"))
        else ""
    )
    return (
        f"With one children's indicator in the data pack ({markdown_text(row[S.INDICATOR_NAME])}), "
        "a spine chart or a grid of indicators would show a single row: "
        f"{markdown_text(view.area_name)} is {word} England{rank}. The trend and neighbours "
        "charts below show it in full."
    )


def ambitions(chapter) -> str:
    """The children and young people's Core20PLUS5 ambitions, with sources (Markdown).

    None has a numeric national target, so each is listed with its wording and source.
    """
    from jsna.analysis.core20plus5 import load_registry
    from jsna.publish.findings import ambitions_markdown

    registry = load_registry()
    unmeasured = [
        (area["name"], Ambition.from_registry(area["key"], registry))
        for area in registry["area"]
        if area["programme"] == "children and young people"
    ]
    return (
        "NHS England's Core20PLUS5 approach for children and young people names five clinical "
        "areas; none has a numeric national target, so the area is not scored against them "
        "here.\n\n" + ambitions_markdown([], unmeasured=unmeasured)
    )


def spine_figure(view: StartWell) -> FigureParts:
    """The spine chart of every indicator, centred on England, with its title and alt text."""
    spine = view.summary.assign(units=view.summary[S.INDICATOR_ID].map(units_label))
    ax = spine_chart(spine, units="units", area_label=view.area_name)
    title = (
        f"Children's indicators: {view.area_name} compared with England and all areas of its type"
    )
    ax.set_title(textwrap.fill(title, 75))
    worse = view.summary.loc[
        view.summary["compared_to_england"] == "Worse", S.INDICATOR_NAME
    ].tolist()
    alt_text = (
        f"Spine chart of {len(spine)} children's indicators for {view.area_name}, each "
        f"centred on England with the range of all areas; worse than England: "
        f"{', '.join(worse) or 'none'}."
    )
    return FigureParts(ax.figure, "spine_chart", title, alt_text, spine[_SPINE_COLUMNS])


def _who(row: pd.Series) -> str:
    return "" if row[S.SEX] == S.PERSONS else f", {row[S.SEX].lower()}"


def _trend(view: StartWell, row: pd.Series) -> FigureParts:
    units = units_label(row[S.INDICATOR_ID])
    line = series(view.result, row)
    ax = trend_chart(line, value_label=units)
    title = (
        f"{row[S.INDICATOR_NAME]}{_who(row)}: {view.area_name}, England and statistical neighbours"
    )
    ax.set_title(textwrap.fill(title, 75), loc="left")
    alt_text = (
        f"Line chart of {row[S.INDICATOR_NAME]} in {view.area_name} from "
        f"{line[S.PERIOD].iloc[0]} to {line[S.PERIOD].iloc[-1]} with England and the "
        f"{view.model} neighbours; latest {row[S.VALUE]:.1f}, England "
        f"{row['england_value']:.1f}, recent trend: {row['recent_trend']}."
    )
    return FigureParts(ax.figure, str(row[S.INDICATOR_ID]), title, alt_text, line[_TREND_COLUMNS])


def _bars(view: StartWell, peers: pd.DataFrame, row: pd.Series) -> FigureParts:
    bars = series(peers, row, across_areas=True)
    units = units_label(row[S.INDICATOR_ID])
    ax = neighbour_bars(bars, value_label=units, highlight=row[S.AREA_NAME])
    title = (
        f"{row[S.INDICATOR_NAME]}{_who(row)}, {row[S.PERIOD]}: {view.area_name} and its "
        f"statistical neighbours ({view.model})"
    )
    ax.set_title(textwrap.fill(title, 60), loc="left")
    alt_text = (
        f"Bar chart ranking {view.area_name} ({row[S.VALUE]:.1f}) among {len(bars) - 1} "
        f"statistical neighbours with data, with 95% confidence intervals and England "
        f"({row['england_value']:.1f})."
    )
    return FigureParts(ax.figure, str(row[S.INDICATOR_ID]), title, alt_text, bars[_BAR_COLUMNS])


def indicator_figures(view: StartWell) -> Iterator[tuple[FigureParts, FigureParts]]:
    """For each indicator: its trend chart, then its neighbours' bar chart (``key`` is its id).

    The trend shows the 95% band against England and the neighbours' mean and
    range; the bars rank the area among its neighbours in the latest period.
    """
    for _, row in view.summary.iterrows():
        trend = _trend(view, row)
        yield trend, _bars(view, view.peers, row)


def rug_figure(view: StartWell) -> FigureParts:
    """The tartan rug of the area and its neighbours, each cell compared with England."""
    rug = headline(view.peers).sort_values(["model_rank", S.INDICATOR_ID], kind="stable")
    rug = rug.assign(
        indicator_name=rug[S.INDICATOR_NAME]
        + rug[S.SEX].map(lambda s: "" if s == S.PERSONS else f" ({s.lower()})")
        + " ("
        + rug[S.INDICATOR_ID].map(units_label)
        + ")"
    )
    ax = tartan_rug(rug, highlight=view.area_name)
    title = (
        f"Children's indicators compared with England: {view.area_name} and its statistical "
        f"neighbours ({view.model})"
    )
    ax.set_title(textwrap.fill(title, 90), loc="left")
    alt_text = (
        f"Grid of {rug[S.INDICATOR_ID].nunique()} indicators by {rug[S.AREA_CODE].nunique()} "
        f"areas ({view.area_name} and its neighbours), each cell coloured better, similar or "
        "worse than England and labelled with its value."
    )
    return FigureParts(ax.figure, "tartan_rug", title, alt_text, rug[_RUG_COLUMNS])
