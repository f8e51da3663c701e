"""What chapter notebooks share: opening the pack, figures, tables, key messages.

A chapter notebook starts with a parameters cell (``PACK``, ``AREA``,
``FIGURES``, ``REPORTS``; all ``None`` by default, meaning the synthetic demo
pack and the project's ``figures/<area>`` and ``reports/<area>``), then::

    chapter = Chapter.start("01_population_and_deprivation", PACK, AREA, FIGURES, REPORTS)

and uses :meth:`Chapter.figure`, :meth:`Chapter.table` and
:meth:`Chapter.messages`. Every table and every figure's data passes
small-number suppression (:func:`jsna.analysis.suppression.suppress`) before it is
written. Tables are saved as CSV under ``REPORTS/tables/<chapter>/`` with a
row in ``tables.csv`` (title, source, note) for the Word and Excel exports.
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
        count_columns=None,
        by=None,
    ):
        """Save a figure (PNG, SVG, data CSV, manifest row) after suppressing its data.

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
            count_columns=count_columns,
            by=by,
        )
        return fig

    def table(
        self,
        df: pd.DataFrame,
        name: str,
        *,
        title: str,
        source: str | None = None,
        count_columns=None,
        by=None,
        total: str | None = None,
        note: str = "",
    ):
        """Suppress, save (CSV plus a row in ``tables.csv``) and return a table for display.

        ``count_columns``, ``by`` and ``total`` go to :func:`jsna.analysis.suppression.suppress`
        (``total`` names a True/False column marking each group's total row).
        The suppressed frame is kept as ``self.last_table`` for figures drawn from it.
        """
        out, report = (
            self._suppressed(df, count_columns, by, total) if count_columns else (df, None)
        )
        self.last_table = out
        folder = self.reports / "tables" / self.name
        folder.mkdir(parents=True, exist_ok=True)
        path = write_atomic(
            folder / f"{name}.csv",
            lambda tmp: out.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n"),
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

    def _suppressed(self, df, count_columns, by, total=None):
        from jsna.analysis.suppression import suppress

        return suppress(df, count_columns=count_columns, by=by, total=total)

    def messages(self, lines: list[str]):
        """Key messages as a Markdown bullet list (written from the numbers by the caller)."""
        from IPython.display import Markdown

        stamp = (
            "\n\n*Synthetic data: these are not real figures for any place.*"
            if self.synthetic
            else ""
        )
        return Markdown("**Key messages**\n\n" + "\n".join(f"- {line}" for line in lines) + stamp)


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
