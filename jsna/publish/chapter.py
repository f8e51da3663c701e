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
from jsna.publish.escape import html_text, markdown_text
from jsna.publish.saved import table_html

__all__ = ["Chapter", "TableView", "show_figure", "figure_bundle", "fmt_number", "fmt_pct"]


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
        """The pack's attribution line(s), for figure and table sources."""
        return self.pack.attribution_text()

    def figure(
        self,
        fig,
        name: str,
        *,
        title: str,
        alt_text: str,
        data: pd.DataFrame,
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

        The column roles and sums are those of :class:`jsna.analysis.suppression.ColumnRoles`;
        ``rule`` defaults to :data:`jsna.analysis.suppression.DEFAULT_RULE`.
        The saved figure is shown here, where it is made (see :func:`show_figure`),
        and closed, so the notebook does not show it a second time; it returns None.
        """
        import matplotlib.pyplot as plt

        from jsna.plots import save_figure

        file = f"{self.name[:2]}_{name}"
        save_figure(
            fig,
            file,
            title=title,
            alt_text=alt_text,
            data=data,
            source=source or self.source,
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
        show_figure(figure, file, alt_text)
        plt.close(figure)

    def table(
        self,
        df: pd.DataFrame,
        name: str,
        *,
        title: str,
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
        source = source or self.source
        _upsert(
            folder / "tables.csv",
            {"file": path.name, "title": title, "source": source, "note": notes},
        )
        return TableView(name, title, out, source, notes)

    def messages(self, lines: list[str]):
        """Key messages as a Markdown bullet list (written from the numbers by the caller)."""
        from IPython.display import Markdown

        stamp = (
            "\n\n*Synthetic data: these are not real figures for any place.*"
            if self.synthetic
            else ""
        )
        # the lines hold names from data: each is literal text, never Markdown or HTML
        bullets = "\n".join(f"- {markdown_text(line)}" for line in lines)
        return Markdown("**Key messages**\n\n" + bullets + stamp)


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


def show_figure(fig, file: str, alt_text: str, dpi: int = 110) -> None:
    """Display a saved figure in the running notebook, with its alt text and file stem.

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
    display(figure_bundle(fig, file, alt_text, dpi), raw=True, metadata=_tag("figure", file))


def figure_bundle(fig, file: str, alt_text: str, dpi: int = 110) -> dict[str, str]:
    """What :func:`show_figure` displays: an ``<img>`` with escaped alt text, and plain text.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> bundle = figure_bundle(fig, "01_example", 'A "chart" <b>')
    >>> bundle["text/html"][:32], 'alt="A &quot;chart&quot; &lt;b&gt;"' in bundle["text/html"]
    ('<img src="data:image/png;base64,', True)
    >>> plt.close(fig)
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    width = int(fig.get_figwidth() * dpi)
    return {
        "text/html": (
            f'<img src="data:image/png;base64,{data}" alt="{html_text(alt_text)}" '
            f'style="max-width: 100%; width: {width}px">'
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
