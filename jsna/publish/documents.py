"""Each chapter as a Word document and its tables as an accessible Excel workbook.

After ``jsna build`` has run a chapter notebook, :func:`write_documents`
writes, next to the executed ``NN_name.ipynb`` and its HTML:

* ``NN_name.docx`` (:func:`jsna.publish.word.chapter_docx`): the narrative
  (Markdown cells and the Markdown the code displayed, code hidden), headings
  in Word's Heading styles (so the navigation pane and the accessibility
  checker work), the key messages as a bulleted list, every figure the chapter
  saved (the 300 dpi PNG at full text width, with its alt text on the picture
  and a caption), every table it saved (a Word table whose header row repeats
  on each page, with a caption, source and notes), and a closing "Sources and
  caveats" section;
* ``NN_name.xlsx`` (:func:`jsna.publish.excel.chapter_workbook`): a Cover
  sheet, a Contents sheet linking to every table, a Notes sheet, and one sheet
  per table, laid out as the Government Analysis Function asks for accessible
  spreadsheets.

Only what the chapter *saved* is published: figures come from the figures
folder's ``manifest.csv`` (they have alt text) and tables from
``tables/<chapter>/tables.csv`` (they passed small-number suppression); see
:mod:`jsna.publish.saved`. Images or HTML tables that a notebook only displayed
are left out, and so is printed text. Figures and tables are placed where the
notebook showed them (:func:`jsna.publish.notebook.layout`).

Bytes are the same on every run: fixed document dates (``SOURCE_DATE_EPOCH``
if set, else :data:`FIXED_DATE`) and a fixed timestamp on every member of the
zip container (:mod:`jsna.publish.stable`).

The parts live in their own modules: :mod:`jsna.publish.markdown` (Markdown
parsing), :mod:`jsna.publish.notebook` (reading executed notebooks),
:mod:`jsna.publish.saved` (the saved figures and tables), :mod:`jsna.publish.word`,
:mod:`jsna.publish.excel` and :mod:`jsna.publish.stable`. This module keeps the
build step and the names callers have always imported from it.
"""

from __future__ import annotations

from pathlib import Path

from jsna.publish.excel import chapter_workbook
from jsna.publish.findings import notebook_key_messages
from jsna.publish.notebook import chapter_title, layout, read_notebook
from jsna.publish.saved import NOT_AVAILABLE_MARKER, read_chapter_tables
from jsna.publish.stable import FIXED_DATE
from jsna.publish.word import MAX_DOCX_ROWS, chapter_docx

__all__ = [
    "FIXED_DATE",
    "NOT_AVAILABLE_MARKER",
    "MAX_DOCX_ROWS",
    "chapter_docx",
    "chapter_workbook",
    "write_documents",
]


def write_documents(
    reports_dir: Path, figures_dir: Path, *, synthetic: bool, sources: list[str]
) -> list[Path]:
    """Write ``NN_name.docx`` and ``NN_name.xlsx`` beside every executed chapter notebook.

    Parameters
    ----------
    reports_dir : path
        The reports folder of one area, holding the executed ``NN_name.ipynb``
        (``*.FAILED.ipynb`` are skipped) and ``tables/NN_name/``.
    figures_dir : path
        The figures folder of the same area (``manifest.csv`` and the PNGs).
    synthetic : bool
        The data pack is synthetic.
    sources : list of str
        Attribution lines listed in both documents before the sources of the
        chapter's own figures and tables (``jsna build`` gives none: each output
        cites the data it used).

    Returns
    -------
    list of Path
        The files written, a ``.docx`` then a ``.xlsx`` for each chapter.

    Examples
    --------
    >>> import tempfile
    >>> reports, figures = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    >>> write_documents(reports, figures, synthetic=True, sources=[])
    []
    """
    reports_dir, figures_dir = Path(reports_dir), Path(figures_dir)
    written = []
    for notebook in sorted(reports_dir.glob("[0-9][0-9]_*.ipynb")):
        if notebook.name.endswith(".FAILED.ipynb"):
            continue
        stem = notebook.name.removesuffix(".ipynb")
        tables = reports_dir / "tables" / stem
        docx_path = chapter_docx(
            notebook,
            figures=figures_dir,
            tables=tables,
            out=reports_dir / f"{stem}.docx",
            synthetic=synthetic,
            sources=sources,
        )
        executed = read_notebook(notebook)
        title, _, _ = chapter_title(executed, stem.replace("_", " "))
        shown = [
            item.name
            for kind, item in layout(executed, [], read_chapter_tables(tables))
            if kind == "table"
        ]
        xlsx_path = chapter_workbook(
            tables,
            reports_dir / f"{stem}.xlsx",
            title=f"{title}: tables",
            synthetic=synthetic,
            sources=sources,
            order=shown,
            key_messages=notebook_key_messages(executed),
        )
        written += [docx_path, xlsx_path]
    return written
