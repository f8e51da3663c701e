"""Reading an executed chapter notebook: headings, title, and where figures and tables go.

Figures and tables are placed where the notebook showed them: the calls
``chapter.figure(fig, "name", ...)`` and ``chapter.table(df, "name", ...)`` in
each code cell (names may be f-strings) say which saved files belong to that
cell, found by parsing the cell's code with :mod:`ast`; each is put at the
cell's next image (or HTML table) output, or at the end of the cell. Anything
saved that no cell names is added at the end, in manifest (file name) order.
Images or HTML tables that a notebook only displayed are left out, and so is
printed text.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

from jsna.exceptions import SourceError
from jsna.publish.markdown import HEADING, plain
from jsna.publish.saved import ChapterFigure, ChapterTable

__all__ = ["read_notebook", "headings", "chapter_title", "saved_names", "layout"]

_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.S)


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


def _name_pattern(node: ast.expr) -> tuple[re.Pattern, str | None] | None:
    """A regex for the name argument of a ``.figure``/``.table`` call, and the name if literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.compile(re.escape(node.value)), node.value
    if isinstance(node, ast.JoinedStr):
        parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+?" for v in node.values]
        return re.compile("".join(parts)), None
    return None


def saved_names(source: str) -> list[tuple[str, re.Pattern, str | None]]:
    """``("figure"|"table", name pattern, literal name)`` for each save call in a code cell.

    A save call is ``<anything>.figure(...)`` or ``<anything>.table(...)`` with
    a ``title=`` keyword (so ``plt.figure(figsize=...)`` is not one); its name
    is the second positional argument or ``name=``. An f-string name gives a
    pattern (``f"alpha_{sex}"`` matches ``alpha_female``) and no literal name.
    IPython magics and shell lines are ignored; code that does not parse has
    no save calls.

    Parameters
    ----------
    source : str
        The code of one cell.

    Returns
    -------
    list of tuple
        In the order the calls appear in the code.

    Examples
    --------
    >>> code = 'for s in sexes:\\n    chapter.figure(fig, f"alpha_{s}", title="A")\\n'
    >>> code += 'plt.figure(figsize=(4, 3))\\nchapter.table(df, "wards", title="Wards")'
    >>> [(kind, pattern.pattern, name) for kind, pattern, name in saved_names(code)]
    [('figure', 'alpha_.+?', None), ('table', 'wards', 'wards')]
    """
    clean = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
    try:
        tree = ast.parse(clean)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("figure", "table")
        ):
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if "title" not in keywords:  # plt.figure(...) and the like
            continue
        name = keywords.get("name", node.args[1] if len(node.args) > 1 else None)
        found = _name_pattern(name) if name is not None else None
        if found is not None:
            calls.append(((node.lineno, node.col_offset), node.func.attr, *found))
    return [
        (kind, pattern, literal) for _, kind, pattern, literal in sorted(calls, key=lambda c: c[0])
    ]


def layout(
    notebook, figures: list[ChapterFigure], tables: list[ChapterTable]
) -> list[tuple[str, object]]:
    """The document as ``(kind, item)`` blocks in notebook order: markdown, figure, table.

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
        ``("markdown", text)`` for Markdown cells and displayed Markdown,
        ``("figure", ChapterFigure)`` and ``("table", ChapterTable)`` where
        the notebook showed them (see the module docstring); saved items no
        cell names follow under "## Other figures and tables".

    Examples
    --------
    >>> import nbformat
    >>> from jsna.publish.saved import ChapterFigure
    >>> figure = ChapterFigure(Path("01_ages.png"), "ages", "Ages", "Bar chart.", "ONS")
    >>> code = nbformat.v4.new_code_cell('chapter.figure(fig, "ages", title="Ages")')
    >>> notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Ages"), code])
    >>> [(kind, getattr(item, "stem", item)) for kind, item in layout(notebook, [figure], [])]
    [('markdown', '## Ages'), ('figure', 'ages')]
    """
    blocks: list[tuple[str, object]] = []
    placed: set[int] = set()
    # A name given literally anywhere belongs to that call, never to an f-string elsewhere.
    literal = {
        (kind, name)
        for cell in notebook.cells
        if cell.cell_type == "code"
        for kind, _, name in saved_names(cell.source)
        if name is not None
    }

    def claim(items, kind, names, key):
        out = []
        for pattern, name in names:
            for item in items:
                if (
                    id(item) in placed
                    or not pattern.fullmatch(key(item))
                    or (name is None and (kind, key(item)) in literal)
                ):
                    continue
                placed.add(id(item))
                out.append(item)
        return out

    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            blocks.append(("markdown", cell.source))
            continue
        if cell.cell_type != "code":
            continue
        names = saved_names(cell.source)
        cell_figures = claim(
            figures, "figure", [(p, n) for k, p, n in names if k == "figure"], lambda f: f.stem
        )
        cell_tables = claim(
            tables, "table", [(p, n) for k, p, n in names if k == "table"], lambda t: t.name
        )
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                blocks.append(("markdown", data["text/markdown"]))
            elif ("image/png" in data or "image/svg+xml" in data) and cell_figures:
                blocks.append(("figure", cell_figures.pop(0)))
            elif "<table" in data.get("text/html", "") and cell_tables:
                caption = _CAPTION.search(data["text/html"])
                title = html.unescape(caption.group(1)).strip() if caption else None
                index = next((i for i, t in enumerate(cell_tables) if t.title == title), 0)
                blocks.append(("table", cell_tables.pop(index)))
        blocks += [("figure", f) for f in cell_figures] + [("table", t) for t in cell_tables]
    rest = [("figure", f) for f in figures if id(f) not in placed]
    rest += [("table", t) for t in tables if id(t) not in placed]
    if rest:
        blocks.append(("markdown", "## Other figures and tables"))
        blocks += rest
    return blocks
