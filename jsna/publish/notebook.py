"""Reading an executed chapter notebook: headings, title, and where figures and tables go.

Figures and tables are placed where the notebook showed them, found by the
output metadata that :meth:`jsna.publish.chapter.Chapter.figure` and
:class:`jsna.publish.chapter.TableView` attach to what they display (the saved
figure's file stem, the saved table's name), so it does not matter whether the
call is written in the notebook or in a chapter module. Anything saved that was
never shown is added at the end, in manifest (file name) order. Images or HTML
that a notebook only displayed are left out, and so is printed text.
"""

from __future__ import annotations

from pathlib import Path

from jsna.exceptions import SourceError
from jsna.publish.markdown import HEADING, plain
from jsna.publish.saved import ChapterFigure, ChapterTable

__all__ = ["read_notebook", "headings", "chapter_title", "layout"]


def read_notebook(path: Path):
    """The executed notebook at ``path`` (an ``nbformat`` notebook, version 4).

    Parameters
    ----------
    path : path
        The notebook as run by ``jsna build``.

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    SourceError
        The notebook is missing or cannot be read.

    Examples
    --------
    >>> read_notebook(Path("missing.ipynb"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jsna.exceptions.SourceError: executed notebook missing.ipynb does not exist; run the chapter...
    """
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise SourceError(
            f"executed notebook {path} does not exist; run the chapter first (jsna build)"
        )
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises several kinds
        raise SourceError(f"cannot read notebook {path}: {exc}; rebuild the chapter") from exc


def headings(notebook) -> list[tuple[int, str]]:
    """``(level, text)`` of every Markdown heading in the notebook's Markdown cells, in order.

    Headings inside fenced code blocks are not headings.

    Parameters
    ----------
    notebook : nbformat.NotebookNode

    Returns
    -------
    list of tuple

    Examples
    --------
    >>> import nbformat
    >>> notebook = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# Title\\n\\n## Part one\\n```\\n# no heading\\n```")])
    >>> headings(notebook)
    [(1, 'Title'), (2, 'Part one')]
    """
    found = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            fence = False
            for line in cell.source.splitlines():
                if line.lstrip().startswith("```"):
                    fence = not fence
                match = None if fence else HEADING.match(line)
                if match:
                    found.append((len(match.group(1)), match.group(2)))
    return found


def chapter_title(notebook, fallback: str) -> tuple[str, int, bool]:
    """The title, the Markdown level that maps to Heading 1, and whether the first heading is it.

    When the first heading is the notebook's only top-level heading it is the
    title, and the next level down is Heading 1; otherwise the title is
    ``fallback`` and the top level is Heading 1.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
    fallback : str
        The title when the notebook has no single top-level heading (e.g. from its file name).

    Returns
    -------
    tuple
        ``(title, heading_one_level, title_is_first_heading)``.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_markdown_cell("# **Start** well\\n\\n## Births")
    >>> chapter_title(nbformat.v4.new_notebook(cells=[cell]), "02 start well")
    ('Start well', 2, True)
    >>> chapter_title(nbformat.v4.new_notebook(), "02 start well")
    ('02 start well', 1, False)
    """
    found = headings(notebook)
    if not found:
        return fallback, 1, False
    top = min(level for level, _ in found)
    if found[0][0] == top and sum(level == top for level, _ in found) == 1:
        return plain(found[0][1]), top + 1, True
    return fallback, top, False


def layout(
    notebook, figures: list[ChapterFigure], tables: list[ChapterTable]
) -> list[tuple[str, object]]:
    """The document as ``(kind, item)`` blocks in notebook order: markdown, figure, table.

    Follows the executed notebook's outputs in order: Markdown cells and
    displayed Markdown; an output whose metadata names a saved figure
    (``{"text/html": {"jsna": {"figure": "01_ages"}}}``, displayed by
    :meth:`jsna.publish.chapter.Chapter.figure`) or a saved table
    (``{"text/html": {"jsna": {"table": "wards"}}}``, from
    :class:`jsna.publish.chapter.TableView`). Where the call that made them is
    written (notebook or module) does not matter.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The executed notebook (with outputs).
    figures : list of ChapterFigure
        The chapter's saved figures (:func:`jsna.publish.saved.read_chapter_figures`).
    tables : list of ChapterTable
        The chapter's saved tables (:func:`jsna.publish.saved.read_chapter_tables`).

    Returns
    -------
    list of tuple
        ``("markdown", text)``, ``("figure", ChapterFigure)`` and
        ``("table", ChapterTable)`` in the order shown; each saved item once
        (where it is first shown). Saved items never shown follow under
        "## Other figures and tables".

    Examples
    --------
    >>> import nbformat
    >>> from jsna.publish.saved import ChapterFigure
    >>> figure = ChapterFigure(Path("01_ages.png"), "ages", "Ages", "Bar chart.", "ONS")
    >>> shown = nbformat.v4.new_output("display_data", data={"text/html": "<img>"},
    ...     metadata={"text/html": {"jsna": {"figure": "01_ages"}}})
    >>> code = nbformat.v4.new_code_cell("ages(chapter)", outputs=[shown])
    >>> notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Ages"), code])
    >>> [(kind, getattr(item, "stem", item)) for kind, item in layout(notebook, [figure], [])]
    [('markdown', '## Ages'), ('figure', 'ages')]
    """
    by_figure = {f.path.stem: f for f in figures}
    by_table = {t.name: t for t in tables}
    blocks: list[tuple[str, object]] = []
    placed: set[int] = set()

    def place(kind: str, item) -> None:
        if item is not None and id(item) not in placed:
            placed.add(id(item))
            blocks.append((kind, item))

    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            blocks.append(("markdown", cell.source))
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data, metadata = output.get("data", {}), output.get("metadata", {})
            tag = (metadata.get("text/html") or {}).get("jsna") or {}
            if "text/markdown" in data:
                blocks.append(("markdown", data["text/markdown"]))
            elif isinstance(tag, dict) and "figure" in tag:
                place("figure", by_figure.get(tag["figure"]))
            elif isinstance(tag, dict) and "table" in tag:
                place("table", by_table.get(tag["table"]))
    rest = [("figure", f) for f in figures if id(f) not in placed]
    rest += [("table", t) for t in tables if id(t) not in placed]
    if rest:
        blocks.append(("markdown", "## Other figures and tables"))
        blocks += rest
    return blocks
