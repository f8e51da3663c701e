"""``save_figure``: the only way a figure leaves the process.

Each figure is written as ``<name>.png`` (300 dpi), ``<name>.svg`` and
``<name>.csv`` (the plotted data), and gets a row in ``manifest.csv`` in the
same folder (file, title, alt_text, source, synthetic), which the document
builders read for captions and alt text. Bytes are stable from run to run: no
dates or software versions in the PNG, no date and a fixed hash salt in the
SVG, a fixed float format in the CSVs. Every file is written atomically
(:func:`jsna.io.atomic.write_atomic`: a temporary name in the folder, then moved
into place), so a reader never sees half a file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from jsna.exceptions import DataValidationError, SourceError, first_values
from jsna.io.atomic import restore_frame, write_atomic, write_csv_atomic
from jsna.plots.style import add_synthetic_stamp, has_synthetic_stamp, use_style

__all__ = ["MANIFEST", "MANIFEST_COLUMNS", "FLOAT_FORMAT", "PNG_DPI", "SavedFigure", "save_figure"]

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("file", "title", "alt_text", "source", "synthetic")
#: Float format of every CSV written: 10 significant figures, the same bytes on every run.
FLOAT_FORMAT = "%.10g"
PNG_DPI = 300
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class SavedFigure:
    """Paths written by :func:`save_figure`."""

    png: Path
    svg: Path
    csv: Path
    manifest: Path


def _apply_gate(data: pd.DataFrame, roles, rule) -> tuple[pd.DataFrame, dict]:
    """Disclosure control of the figure's data, before it is written: the one gate.

    :func:`jsna.analysis.suppression.protect` checks that every numeric column has a
    declared role (``roles``) and suppresses small counts, their complements and the
    values derived from them; it returns the frame to write and the structure it
    protected (written beside the CSV as ``<name>.disclosure.json``).
    """
    from jsna.analysis.suppression import protect

    protected = protect(data, roles, rule=rule)
    return protected.frame, protected.structure


def _required_text(value, argument: str, example: str) -> str:
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        text = " ".join(
            v.strip() if v.strip().endswith((".", ";")) else v.strip() + ";"
            for v in value
            if v.strip()
        ).rstrip(";")
    else:
        text = ""
    if not text:
        raise DataValidationError(
            f"{argument} is empty; every published figure needs it, e.g. {example}"
        )
    return text


def _plotted_data(data) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(
            f"data is a {type(data).__name__}; give the plotted values as a pandas DataFrame"
        )
    geometry = [
        c
        for c in data.columns
        if isinstance(data[c].dtype, pd.api.extensions.ExtensionDtype)
        and data[c].dtype.name == "geometry"
    ]
    table = pd.DataFrame(data.drop(columns=geometry))
    if any(name is not None for name in table.index.names):
        table = table.reset_index()
    return table.reset_index(drop=True)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    # formula-safe (OWASP CSV injection rule): see jsna.io.atomic.write_csv_atomic
    write_csv_atomic(path, table, float_format=FLOAT_FORMAT)


def _update_manifest(path: Path, row: dict[str, str]) -> None:
    if path.exists():
        manifest = restore_frame(pd.read_csv(path, dtype=str, keep_default_na=False))
        if tuple(manifest.columns) != MANIFEST_COLUMNS:
            raise SourceError(
                f"{path} has columns {first_values(manifest.columns)}, "
                f"not {', '.join(MANIFEST_COLUMNS)}; move it aside and save the figures again"
            )
        manifest = manifest[manifest["file"] != row["file"]]
    else:
        manifest = pd.DataFrame(columns=list(MANIFEST_COLUMNS), dtype=str)
    manifest = pd.concat([manifest, pd.DataFrame([row], dtype=str)], ignore_index=True)
    manifest = manifest.sort_values("file", kind="stable").reset_index(drop=True)
    _write_csv(manifest, path)


def save_figure(
    fig,
    name: str,
    *,
    title: str,
    alt_text: str,
    data: pd.DataFrame,
    source: str | Sequence[str],
    folder: str | os.PathLike[str],
    synthetic: bool = False,
    roles=None,
    rule=None,
) -> SavedFigure:
    """Write a figure as PNG (300 dpi) and SVG, its data as CSV, and its row in ``manifest.csv``.

    The data pass the disclosure gate first (:func:`jsna.analysis.suppression.protect`);
    the structure it protected is written beside the CSV as ``<name>.disclosure.json``.

    Parameters
    ----------
    fig : Figure or Axes
        The figure (an Axes stands for its figure).
    name : str
        File stem: letters, digits, ``-`` and ``_``, e.g. ``"ward_admissions_map"``.
    title : str
        Caption of the figure in the documents (required).
    alt_text : str
        Alternative text for screen readers: what the figure shows and its
        main message (required). Also written into the PNG and SVG metadata.
    data : DataFrame
        The plotted values, written to ``<name>.csv`` (geometry columns dropped).
    source : str or list of str
        Source and attribution lines (required).
    folder : path
        Output folder, e.g. ``figures/<area>``; created if missing.
    synthetic : bool
        The figure shows synthetic data: the manifest says so, and the figure
        is stamped "Synthetic data" if it is not already.
    roles : jsna.analysis.suppression.ColumnRoles, optional
        The role of every numeric column of ``data`` (counts, derived values, safe
        numbers) and which cells add up. Data with an undeclared numeric column are
        refused.
    rule : jsna.analysis.suppression.SuppressionRule, optional
        The suppression rule (default 1-4 suppressed, zeros shown).

    Returns
    -------
    SavedFigure
        Paths of the PNG, SVG, CSV and manifest.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> folder = tempfile.mkdtemp()
    >>> from jsna.analysis.suppression import ColumnRoles
    >>> saved = save_figure(fig, "empty", title="An empty figure", alt_text="Nothing is drawn.",
    ...                     data=pd.DataFrame({"x": [1.5]}), source="Example", folder=folder,
    ...                     roles=ColumnRoles(safe_columns="x"))
    >>> saved.png.name, saved.csv.read_text()
    ('empty.png', 'x\\n1.5\\n')
    >>> print(saved.manifest.read_text(), end="")
    file,title,alt_text,source,synthetic
    empty.png,An empty figure,Nothing is drawn.,Example,False
    >>> plt.close(fig)
    """
    if isinstance(fig, Axes):
        fig = fig.figure
    if not isinstance(fig, Figure):
        raise DataValidationError(
            f"fig is a {type(fig).__name__}; give a matplotlib Figure or Axes"
        )
    if not isinstance(name, str) or not _NAME.match(name):
        raise DataValidationError(
            f"name={name!r} is not a file stem; use letters, digits, '-' and '_' only, "
            "with no extension"
        )
    title = _required_text(title, "title", "'Emergency admissions by ward, Sefton, 2024/25'")
    alt_text = _required_text(
        alt_text, "alt_text", "'Map of Sefton wards: admissions are highest in Linacre and Derby.'"
    )
    source = _required_text(source, "source", "'Source: Office for National Statistics (OGL v3.0)'")
    from jsna.analysis.suppression import DEFAULT_RULE, SIDECAR_SUFFIX, structure_json

    table, structure = _apply_gate(_plotted_data(data), roles, rule or DEFAULT_RULE)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = SavedFigure(
        folder / f"{name}.png", folder / f"{name}.svg", folder / f"{name}.csv", folder / MANIFEST
    )
    if synthetic and not has_synthetic_stamp(fig):
        add_synthetic_stamp(fig)
    with use_style():
        write_atomic(
            paths.png,
            lambda tmp: fig.savefig(
                tmp,
                format="png",
                dpi=PNG_DPI,
                metadata={"Software": None, "Title": title, "Description": alt_text},
            ),
        )
        write_atomic(
            paths.svg,
            lambda tmp: fig.savefig(
                tmp, format="svg", metadata={"Date": None, "Title": title, "Description": alt_text}
            ),
        )
    _write_csv(table, paths.csv)
    write_atomic(
        folder / f"{name}{SIDECAR_SUFFIX}",
        lambda tmp: tmp.write_text(structure_json(structure), encoding="utf-8"),
    )
    _update_manifest(
        paths.manifest,
        {
            "file": paths.png.name,
            "title": title,
            "alt_text": alt_text,
            "source": source,
            "synthetic": str(bool(synthetic)),
        },
    )
    return paths
