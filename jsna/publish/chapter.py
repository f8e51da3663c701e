"""What chapter notebooks share: opening the pack, figures, tables, key messages.

A chapter notebook starts with a parameters cell (``PACK``, ``AREA``,
``FIGURES``, ``REPORTS``; all ``None`` by default, meaning the synthetic demo
pack and the project's ``figures/<area>`` and ``reports/<area>``), then::

    chapter = Chapter.start("01_population_and_deprivation", PACK, AREA, FIGURES, REPORTS)

and uses :meth:`Chapter.figure`, :meth:`Chapter.table` and
:meth:`Chapter.messages`. Every table and every figure's data passes the
disclosure gate (:func:`jsna.analysis.suppression.protect`) before it is written: the
caller declares the role of every numeric column (``count_columns``,
``derived_columns``, ``safe_columns``) and which cells add up (``by``, ``total``,
``row_sums``); a numeric column without a role is refused. The structure protected is
written beside each CSV as ``<name>.disclosure.json``. Tables are saved as CSV under
``REPORTS/tables/<chapter>/`` with a row in ``tables.csv`` (title, source, note) for the
Word and Excel exports.
"""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jsna.config import project_paths
from jsna.io.atomic import neutralise_cell, restore_cell, write_atomic, write_csv_atomic
from jsna.io.datapack import DataPack
from jsna.publish.escape import html_text
from jsna.publish.saved import table_html
from jsna.reference.sources import source_line

__all__ = [
    "Chapter",
    "TableView",
    "show_figure",
    "figure_bundle",
    "fmt_number",
    "fmt_pct",
    "data_used_markdown",
]


def fmt_number(value: float, digits: int = 0) -> str:
    """A number with thousands separators.

    Examples
    --------
    >>> fmt_number(275899.0), fmt_number(12.345, 1)
    ('275,899', '12.3')
    """
    return f"{value:,.{digits}f}"


def fmt_pct(value: float, digits: int = 1) -> str:
    """A percentage for prose.

    Examples
    --------
    >>> fmt_pct(27.2251)
    '27.2%'
    """
    return f"{value:.{digits}f}%"


@dataclass
class Chapter:
    """One chapter being built: the pack, the area and where outputs go.

    Examples
    --------
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> ch = Chapter.start("00_example", None, None, out + "/figures", out + "/reports")
    >>> ch.synthetic, ch.area == ch.pack.areas[0]
    (True, True)
    """

    name: str
    pack: DataPack
    area: str
    area_name: str
    figures: Path
    reports: Path
    last_table: pd.DataFrame | None = None
    last_report: object = None

    @classmethod
    def start(cls, name: str, pack=None, area=None, figures=None, reports=None) -> Chapter:
        """Open the pack and resolve the output folders (see the module docstring)."""
        paths = project_paths()
        if pack:
            pack_dir = Path(pack)
        else:
            from jsna.demo.pack import ensure_demo_pack

            pack_dir = ensure_demo_pack(paths.demo_pack)
        data = DataPack.open(pack_dir)
        if area is None:
            area = data.areas[0] if data.areas else None
        data.check_area(area)
        figures = Path(figures) if figures else paths.figures / area
        reports = Path(reports) if reports else paths.reports / area
        figures.mkdir(parents=True, exist_ok=True)
        (reports / "tables" / name).mkdir(parents=True, exist_ok=True)
        return cls(
            name=name,
            pack=data,
            area=area,
            area_name=_area_name(data, area),
            figures=figures,
            reports=reports,
        )

    @property
    def synthetic(self) -> bool:
        """Whether the pack is synthetic (outputs then say so)."""
        return self.pack.synthetic

    @property
    def source(self) -> str:
        """The sources of every role the chapter has read so far, as one source text.

        See :meth:`jsna.io.datapack.DataPack.sources` (the pack's own attribution
        lines if nothing has been read) and :func:`jsna.reference.sources.source_line`.
        """
        return source_line(self.pack.sources())

    def sources(self, *roles: str) -> str:
        """The source text of the data of ``roles`` (what ``sources=`` of a figure prints).

        Examples
        --------
        >>> import tempfile
        >>> out = tempfile.mkdtemp()
        >>> ch = Chapter.start("00_example", None, None, out + "/figures", out + "/reports")
        >>> ch.sources("imd")
        'Synthetic data in the layout of Ministry of Housing, Communities and Local Government, English Indices of Deprivation (IoD2025).'
        """  # noqa: E501
        return source_line(self.pack.sources(*roles))

    def _source(self, source: str | None, sources) -> str:
        if source:
            return source
        if sources:
            roles = (sources,) if isinstance(sources, str) else tuple(sources)
            return self.sources(*roles)
        return self.source

    def figure(
        self,
        fig,
        name: str,
        *,
        title: str,
        alt_text: str,
        data: pd.DataFrame,
        sources=None,
        source: str | None = None,
        count_columns=(),
        derived_columns=(),
        safe_columns=(),
        by=None,
        total: str | None = None,
        row_sums=None,
        hidden=None,
        totals_published: bool = True,
        rule=None,
    ):
        """Save a figure (PNG, SVG, data CSV, manifest row) after its data pass the gate.

        ``sources`` names the data pack roles whose data the figure shows (a role or a
        list); its source line cites those files only (:meth:`sources`), once each,
        and must agree with any footer drawn on the figure (a map's ``attribution=
        chapter.pack.sources(...)`` of the same roles). ``source`` gives the text
        instead; with neither, every role the chapter has read is cited.
        The column roles and sums are those of :class:`jsna.analysis.suppression.ColumnRoles`;
        ``rule`` defaults to :data:`jsna.analysis.suppression.DEFAULT_RULE`.
        The saved figure is shown here, where it is made (see :func:`show_figure`),
        and closed, so the notebook does not show it a second time; it returns None.
        """
        import matplotlib.pyplot as plt

        from jsna.plots import save_figure

        file = f"{self.name[:2]}_{name}"
        source = self._source(source, sources)
        save_figure(
            fig,
            file,
            title=title,
            alt_text=alt_text,
            data=data,
            source=source,
            folder=self.figures,
            synthetic=self.synthetic,
            roles=_roles(
                count_columns,
                derived_columns,
                safe_columns,
                by,
                total,
                row_sums,
                hidden,
                totals_published,
            ),
            rule=rule,
        )
        figure = getattr(fig, "figure", fig)  # an Axes stands for its figure
        show_figure(figure, file, alt_text, source=source)
        plt.close(figure)

    def table(
        self,
        df: pd.DataFrame,
        name: str,
        *,
        title: str,
        sources=None,
        source: str | None = None,
        count_columns=(),
        derived_columns=(),
        safe_columns=(),
        by=None,
        total: str | None = None,
        row_sums=None,
        hidden=None,
        totals_published: bool = True,
        rule=None,
        note: str = "",
    ):
        """Pass the gate, save (CSV, structure JSON, a row in ``tables.csv``), return for display.

        The column roles and sums (``count_columns`` ... ``hidden``) are those of
        :class:`jsna.analysis.suppression.ColumnRoles` (``total`` names a True/False column
        marking each group's total row); every numeric column needs a role.
        ``sources`` names the data pack roles whose data the table holds, as for
        :meth:`figure`.
        The published frame is kept as ``self.last_table`` and the suppression report as
        ``self.last_report`` (its ``mask`` gives ``hidden=`` to figures of the same numbers).
        Returns a :class:`TableView`: displayed, it is the saved table as escaped HTML
        with readable headers, rounded numbers and ``[c]``/``[x]`` markers, tagged
        with its name so the Word and Excel versions place it where it is shown.
        """
        from jsna.analysis.suppression import (
            DEFAULT_RULE,
            SIDECAR_SUFFIX,
            protect,
            structure_json,
        )

        roles = _roles(
            count_columns,
            derived_columns,
            safe_columns,
            by,
            total,
            row_sums,
            hidden,
            totals_published,
        )
        protected = protect(df, roles, rule=rule or DEFAULT_RULE)
        out, report = protected.frame, protected.report
        self.last_table, self.last_report = out, report
        folder = self.reports / "tables" / self.name
        folder.mkdir(parents=True, exist_ok=True)
        path = write_csv_atomic(folder / f"{name}.csv", out, float_format="%.6g")
        write_atomic(
            folder / f"{name}{SIDECAR_SUFFIX}",
            lambda tmp: tmp.write_text(structure_json(protected.structure), encoding="utf-8"),
        )
        notes = " ".join(
            x
            for x in (
                note,
                report.note if report else "",
                "Synthetic data." if self.synthetic else "",
            )
            if x
        )
        source = self._source(source, sources)
        _upsert(
            folder / "tables.csv",
            {"file": path.name, "title": title, "source": source, "note": notes},
        )
        return TableView(name, title, out, source, notes)

    def reserve_messages(self) -> None:
        """Keep the key messages' place at the top of the chapter (call it under the title).

        Displays a placeholder with an IPython ``display_id``; :meth:`messages`, called once
        every section has run, replaces it, so the executed notebook (and its HTML, Word and
        Excel versions) carry the key messages first although they are written last.
        Outside IPython nothing is shown and :meth:`messages` returns the Markdown.
        """
        from IPython import get_ipython
        from IPython.display import Markdown, display

        if get_ipython() is None:
            return
        self._messages_slot = display(
            Markdown("*The key messages are written once every section has been computed.*"),
            display_id=True,
        )

    def messages(self, findings):
        """Key messages (:class:`~jsna.publish.findings.Finding` or text) as Markdown bullets.

        Each finding's "so what" follows its message. When :meth:`reserve_messages`
        kept a place for them, that place is filled and None returned (nothing is shown
        a second time); otherwise the Markdown is returned for display.
        """
        from IPython.display import Markdown

        from jsna.publish.findings import key_messages_markdown

        shown = Markdown(key_messages_markdown(list(findings), synthetic=self.synthetic))
        slot = getattr(self, "_messages_slot", None)
        if slot is None:
            return shown
        slot.update(shown)
        return None

    def ambitions(self, findings, unmeasured=()):
        """The area's position against national ambitions, each with its source (Markdown).

        ``unmeasured``: ambitions with no local measure in the pack (see
        :func:`jsna.publish.findings.ambitions_markdown`).
        """
        from IPython.display import Markdown

        from jsna.publish.findings import ambitions_markdown

        return Markdown(ambitions_markdown(list(findings), unmeasured=unmeasured))

    def recommendations(self, findings):
        """The draft recommendations generated from the findings, marked for local review."""
        from IPython.display import Markdown

        from jsna.publish.findings import recommendations_markdown

        return Markdown(recommendations_markdown(list(findings)))

    def data_used(self, wanted=()):
        """Which pack roles this chapter read, and how to add the ones it could use but lacks.

        ``wanted`` lists the roles the chapter can use; an entry may be a tuple of
        alternatives (any one will do). A lacking role gets the ``jsna fetch`` command
        that adds it when jsna's catalogue can fetch it, else where to get it.
        """
        from IPython.display import Markdown

        return Markdown(data_used_markdown(self.pack, self.area, wanted))


def data_used_markdown(pack, area: str, wanted=()) -> str:
    """The roles a chapter read (``pack.roles_read``) and the wanted roles the pack lacks.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> pack = SimpleNamespace(roles_read={"imd"}, has=lambda role: role == "imd")
    >>> print(data_used_markdown(pack, "E08000015", ["imd", "census.lsoa", "deaths.lsoa"]))
    ... # doctest: +NORMALIZE_WHITESPACE
    **Data used** (pack roles read by this chapter): `imd`.
    <BLANKLINE>
    **Data this chapter could use but the pack lacks:**
    <BLANKLINE>
    - `census.lsoa`: `jsna fetch --area E08000015 --only census.lsoa`
    - `deaths.lsoa`: not in jsna fetch's catalogue; add the publisher's file to the pack's
      `datapack.toml` (see the README's list of roles)
    """
    if hasattr(pack, "roles_read"):
        read = sorted(pack.roles_read)
        used = ", ".join(f"`{r}`" for r in read) or "none"
        lines = [f"**Data used** (pack roles read by this chapter): {used}."]
    else:  # a pack reader that does not record reads: the wanted roles the pack has
        have = [r for e in wanted for r in (e if isinstance(e, tuple) else (e,)) if pack.has(r)]
        used = ", ".join(f"`{r}`" for r in dict.fromkeys(have)) or "none"
        lines = [f"**Data available to this chapter** (pack roles): {used}."]
    try:
        from jsna.io.fetch import load_catalogue

        fetchable = {s.role for s in load_catalogue()}
    except Exception:  # noqa: BLE001 - advice only
        fetchable = set()
    lacking = []
    for entry in wanted:
        options = entry if isinstance(entry, tuple) else (entry,)
        if not any(pack.has(role) for role in options):
            lacking.append(options)
    if lacking:
        lines.append("**Data this chapter could use but the pack lacks:**")
        items = []
        for options in lacking:
            name = " or ".join(f"`{r}`" for r in options)
            can = [r for r in options if r in fetchable]
            how = (
                f"`jsna fetch --area {area} --only {can[0]}`"
                if can
                else "not in jsna fetch's catalogue; add the publisher's file to the pack's "
                "`datapack.toml` (see the README's list of roles)"
            )
            items.append(f"- {name}: {how}")
        lines.append("\n".join(items))
    return "\n\n".join(lines)


@dataclass(frozen=True)
class TableView:
    """A saved table as a notebook shows it (what :meth:`Chapter.table` returns).

    Displayed, it is HTML (:func:`jsna.publish.saved.table_html`) whose output
    metadata ``{"text/html": {"jsna": {"table": name}}}`` names the saved table, so
    :func:`jsna.publish.notebook.layout` places the Word and Excel versions where
    the notebook shows it, whatever code displayed it. ``data`` is the saved
    (suppressed) frame.

    Examples
    --------
    >>> view = TableView("wards", "Wards", pd.DataFrame({"ward_name": ["<A>"]}), "ONS", "")
    >>> data, metadata = view._repr_mimebundle_()
    >>> metadata, ">&lt;A&gt;</td>" in data["text/html"], data["text/plain"]
    ({'text/html': {'jsna': {'table': 'wards'}}}, True, 'Table: Wards')
    """

    name: str
    title: str
    data: pd.DataFrame
    source: str = ""
    note: str = ""

    def _repr_mimebundle_(self, include=None, exclude=None):
        page = table_html(
            self.data, title=self.title, name=self.name, source=self.source, note=self.note
        )
        return (
            {"text/html": page, "text/plain": f"Table: {self.title}"},
            _tag("table", self.name),
        )


def show_figure(fig, file: str, alt_text: str, dpi: int = 110, source: str = "") -> None:
    """Display a saved figure in the running notebook, with its alt text, source and file stem.

    The output is HTML, an ``<img>`` holding the PNG with ``alt`` set to the
    figure's alt text (nbconvert's default HTML template writes a placeholder
    alt for ``image/png`` outputs, but keeps an HTML ``<img>`` as it is); its
    metadata ``{"text/html": {"jsna": {"figure": file}}}`` names the saved
    figure (the file stem in the figures manifest), so
    :func:`jsna.publish.notebook.layout` puts the Word version where the
    notebook shows it. Outside IPython nothing is shown.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> show_figure(fig, "01_example", "An empty chart.")  # no notebook here: nothing shown
    >>> plt.close(fig)
    """
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is None:
        return
    display(
        figure_bundle(fig, file, alt_text, dpi, source=source),
        raw=True,
        metadata=_tag("figure", file),
    )


def figure_bundle(
    fig, file: str, alt_text: str, dpi: int = 110, source: str = ""
) -> dict[str, str]:
    """What :func:`show_figure` displays: an ``<img>`` with escaped alt text, and plain text.

    With a ``source``, a "Source: ..." line follows the image, the text the
    Word and Excel versions print (:func:`jsna.reference.sources.source_line`).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> bundle = figure_bundle(fig, "01_example", 'A "chart" <b>')
    >>> bundle["text/html"][:32], 'alt="A &quot;chart&quot; &lt;b&gt;"' in bundle["text/html"]
    ('<img src="data:image/png;base64,', True)
    >>> figure_bundle(fig, "01_example", "Chart.", source="Source: ONS & NHS")["text/html"][-39:]
    'jsna-source">Source: ONS &amp; NHS.</p>'
    >>> plt.close(fig)
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    width = int(fig.get_figwidth() * dpi)
    text = source_line(source)
    caption = f'<p class="jsna-source">Source: {html_text(text)}</p>' if text else ""
    return {
        "text/html": (
            f'<img src="data:image/png;base64,{data}" alt="{html_text(alt_text)}" '
            f'style="max-width: 100%; width: {width}px">' + caption
        ),
        "text/plain": f"Figure: {alt_text}",
    }


def _tag(kind: str, name: str) -> dict:
    return {"text/html": {"jsna": {kind: name}}}


def _roles(
    count_columns, derived_columns, safe_columns, by, total, row_sums, hidden, totals_published
):
    from jsna.analysis.suppression import ColumnRoles

    return ColumnRoles(
        count_columns=count_columns or (),
        derived_columns=derived_columns or (),
        safe_columns=safe_columns or (),
        by=by,
        total=total,
        row_sums=row_sums,
        hidden=hidden,
        totals_published=totals_published,
    )


def _area_name(pack: DataPack, area: str) -> str:
    try:
        lookup = pack.read("lookup.lsoa_ward_lad")
    except Exception:  # noqa: BLE001 - a name is a nicety
        return area
    lad = [c for c in lookup.columns if c.startswith("lad") and c.endswith("_code")]
    if not lad:
        return area
    names = lookup.loc[lookup[lad[0]] == area, lad[0].replace("_code", "_name")]
    return str(names.iloc[0]) if len(names) else area


def _upsert(path: Path, row: dict[str, str]) -> None:
    rows = []
    if path.exists():
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [
                {k: restore_cell(v) for k, v in r.items()}
                for r in csv.DictReader(handle)
                if r["file"] != row["file"]
            ]
    rows.append(row)
    rows.sort(key=lambda r: r["file"])

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
            # formula-safe, as every CSV jsna writes (jsna.io.atomic.neutralise_cell)
            writer.writerows({k: neutralise_cell(v) for k, v in r.items()} for r in rows)

    write_atomic(path, write)
