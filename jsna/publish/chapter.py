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

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jsna.config import project_paths
from jsna.io.atomic import write_atomic
from jsna.io.datapack import DataPack

__all__ = ["Chapter", "fmt_number", "fmt_pct"]


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
        Returns the figure so the notebook displays it.
        """
        from jsna.plots import save_figure

        save_figure(
            fig,
            f"{self.name[:2]}_{name}",
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
        return fig

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
        path = write_atomic(
            folder / f"{name}.csv",
            lambda tmp: out.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n"),
        )
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
        _upsert(
            folder / "tables.csv",
            {"file": path.name, "title": title, "source": source or self.source, "note": notes},
        )
        return out.style.hide(axis="index").set_caption(title) if len(out) < 200 else out

    def messages(self, lines: list[str]):
        """Key messages as a Markdown bullet list (written from the numbers by the caller)."""
        from IPython.display import Markdown

        stamp = (
            "\n\n*Synthetic data: these are not real figures for any place.*"
            if self.synthetic
            else ""
        )
        return Markdown("**Key messages**\n\n" + "\n".join(f"- {line}" for line in lines) + stamp)


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
            rows = [r for r in csv.DictReader(handle) if r["file"] != row["file"]]
    rows.append(row)
    rows.sort(key=lambda r: r["file"])

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    write_atomic(path, write)
