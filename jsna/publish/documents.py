"""Each chapter as a Word document and its tables as an accessible Excel workbook.

After ``jsna build`` has run a chapter notebook, :func:`write_documents`
writes, next to the executed ``NN_name.ipynb`` and its HTML:

* ``NN_name.docx`` (:func:`chapter_docx`): the narrative (Markdown cells and
  the Markdown the code displayed, code hidden), headings in Word's Heading
  styles (so the navigation pane and the accessibility checker work), the key
  messages as a bulleted list, every figure the chapter saved (the 300 dpi PNG
  at full text width, with its alt text on the picture and a caption), every
  table it saved (a Word table whose header row repeats on each page, with a
  caption, source and notes), and a closing "Sources and caveats" section;
* ``NN_name.xlsx`` (:func:`chapter_workbook`): a Cover sheet, a Contents sheet
  linking to every table, a Notes sheet, and one sheet per table, laid out as
  the Government Analysis Function asks for accessible spreadsheets.

Only what the chapter *saved* is published: figures come from the figures
folder's ``manifest.csv`` (they have alt text) and tables from
``tables/<chapter>/tables.csv`` (they passed small-number suppression).
Images or HTML tables that a notebook only displayed are left out, and so is
printed text.

Figures and tables are placed where the notebook showed them: the calls
``chapter.figure(fig, "name", ...)`` and ``chapter.table(df, "name", ...)`` in
each code cell (names may be f-strings) say which saved files belong to that
cell; each is put at the cell's next image (or HTML table) output, or at the
end of the cell. Anything saved that no cell names is added at the end, in
manifest (file name) order.

Bytes are the same on every run: fixed document dates (``SOURCE_DATE_EPOCH``
if set, else :data:`FIXED_DATE`) and a fixed timestamp on every member of the
zip container.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.analysis.suppression import CONFIDENTIAL_MARKER, DEFAULT_RULE, MARKER_COLUMN
from jsna.exceptions import SourceError, first_values

__all__ = [
    "FIXED_DATE",
    "NOT_AVAILABLE_MARKER",
    "MAX_DOCX_ROWS",
    "chapter_docx",
    "chapter_workbook",
    "write_documents",
]

#: Document dates when ``SOURCE_DATE_EPOCH`` is not set (1 January 1980, the
#: earliest date a zip file can hold), so that rebuilding gives the same bytes.
FIXED_DATE = datetime(1980, 1, 1, tzinfo=UTC)

# "[x] = not available": Government Analysis Function, "Using symbols and
# shorthand in tables" (https://analysisfunction.civilservice.gov.uk/
# policy-store/symbols-in-tables-definitions-and-help/). Suppressed cells are
# "[c]" (jsna.analysis.suppression.CONFIDENTIAL_MARKER, same guidance).
NOT_AVAILABLE_MARKER = "[x]"

#: Rows of a table shown in the Word document; longer tables are cut with a
#: note pointing to the workbook, which always has every row.
MAX_DOCX_ROWS = 200

_SYNTHETIC_NOTICE = (
    "Synthetic data: this chapter was built from a synthetic data pack. "
    "The figures are not real statistics for any place."
)
_RULE_TEXT = DEFAULT_RULE.describe()
_SYMBOLS_NOTE = (
    f"{CONFIDENTIAL_MARKER} = confidential: {_RULE_TEXT[0].lower()}{_RULE_TEXT[1:]}, and values "
    f"calculated from those counts are hidden too. {NOT_AVAILABLE_MARKER} = not available."
)
_SUPPRESSION_NOTE = re.compile(r"Counts of [^:]*? are shown as .*?\.(?=\s|$)")
_WIDE_TABLE = 9  # tables with more columns go on a landscape page in Word
_CELL_MARGIN = 57  # left and right cell margins in Word tables, twips (1 mm)


# --------------------------------------------------------------------------- shared inputs


def _fixed_date() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(max(int(epoch), 315532800), tz=UTC)  # not before 1980
    return FIXED_DATE


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _stable_zip(data: bytes, when: datetime) -> bytes:
    """The same zip with every member dated ``when`` (python-docx stamps the current time)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(member))
    return out.getvalue()


@dataclass(frozen=True)
class _Figure:
    path: Path
    stem: str  # without the chapter prefix
    title: str
    alt_text: str
    source: str


@dataclass(frozen=True)
class _Table:
    name: str  # file stem
    title: str
    source: str
    note: str
    frame: pd.DataFrame  # as read from the CSV, marker column kept


def _read_csv(path: Path, columns: Sequence[str], what: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read {what} {path}: {exc}; rebuild the chapter") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(
            f"{what} {path} lacks columns {first_values(missing)}; it needs {', '.join(columns)} - "
            "rebuild the chapter with jsna build"
        )
    return frame


def _chapter_figures(figures: Path, prefix: str) -> list[_Figure]:
    """Figures of one chapter (file names starting ``prefix``) from ``manifest.csv``, in its order."""
    manifest = Path(figures) / "manifest.csv"
    if not manifest.exists():
        return []
    rows = _read_csv(manifest, ("file", "title", "alt_text", "source"), "figure manifest")
    rows = rows[rows["file"].str.startswith(prefix) & rows["file"].str.lower().str.endswith(".png")]
    found = []
    for file, title, alt, source in rows[["file", "title", "alt_text", "source"]].itertuples(
        index=False
    ):
        path = Path(figures) / file
        if not path.is_file():
            raise SourceError(
                f"figure {file!r} is in {manifest} but {path} is missing; rebuild the chapter"
            )
        if not alt.strip():
            raise SourceError(
                f"figure {file!r} has no alt text in {manifest}; save it again with alt_text="
            )
        found.append(_Figure(path, Path(file).stem[len(prefix) :], title, alt, source))
    return found


def _chapter_tables(tables: Path) -> list[_Table]:
    """Tables listed in ``tables.csv`` in ``tables`` (none when the folder or list is absent)."""
    listing = Path(tables) / "tables.csv"
    if not listing.exists():
        return []
    rows = _read_csv(listing, ("file", "title", "source", "note"), "table list")
    found = []
    for file, title, source, note in rows[["file", "title", "source", "note"]].itertuples(
        index=False
    ):
        path = Path(tables) / file
        if not path.is_file():
            raise SourceError(
                f"table {file!r} is in {listing} but {path} is missing; rebuild the chapter"
            )
        # Only empty cells are missing values: a ward called "NA" stays a ward.
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
        found.append(_Table(Path(file).stem, title, source, note, frame))
    return found


def _cells(frame: pd.DataFrame) -> tuple[list[str], list[list[object]], list[bool]]:
    """Header, rows (Python values, markers for missing cells) and which columns are numeric.

    A missing cell in a row the suppression column marks is confidential
    ("[c]"); any other missing cell is not available ("[x]"). The marker column
    itself is dropped: the markers are in the cells.
    """
    suppressed = (
        frame[MARKER_COLUMN].astype("string").fillna("").str.strip() == CONFIDENTIAL_MARKER
        if MARKER_COLUMN in frame.columns
        else pd.Series(False, index=frame.index)
    ).to_numpy()
    shown = frame.drop(columns=[MARKER_COLUMN], errors="ignore")
    columns, numeric = [], []
    marker = np.where(suppressed, CONFIDENTIAL_MARKER, NOT_AVAILABLE_MARKER)
    for name in shown.columns:
        column = shown[name]
        missing = column.isna().to_numpy().copy()
        if pd.api.types.is_float_dtype(
            column
        ):  # infinities (a division by zero) are not values either
            missing |= ~np.isfinite(column.to_numpy(dtype=float, na_value=np.nan))
        values = np.asarray(column.astype(object).tolist(), dtype=object)
        values[missing] = marker[missing]
        columns.append(values)
        numeric.append(
            pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        )
    rows = np.column_stack(columns).tolist() if columns and len(shown) else []
    return [str(c) for c in shown.columns], rows, numeric


def _thousands(frame: pd.DataFrame) -> list[bool]:
    """Columns shown with thousands separators: whole numbers reaching 10,000 (so years are left alone)."""
    shown = frame.drop(columns=[MARKER_COLUMN], errors="ignore")
    out = []
    for name in shown.columns:
        column = shown[name]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            out.append(False)
            continue
        values = column.dropna().to_numpy(dtype=float)
        out.append(
            bool(len(values))
            and bool(np.all(values == np.round(values)))
            and float(np.abs(values).max()) >= 10_000
        )
    return out


def _text(value: object, thousands: bool) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            return f"{int(value):,}" if thousands else str(int(value))
        return np.format_float_positional(float(value), trim="-")
    return str(value)


def _split_note(note: str) -> list[str]:
    """A table's note as separate notes: the analyst's, the suppression sentence, synthetic flag dropped."""
    text = note.strip()
    if text.endswith("Synthetic data."):
        text = text[: -len("Synthetic data.")].strip()
    parts = []
    match = _SUPPRESSION_NOTE.search(text)
    if match:
        before, after = text[: match.start()].strip(), text[match.end() :].strip()
        parts = [p for p in (before, after) if p] + [match.group(0)]
    elif text:
        parts = [text]
    return parts


def _unique(items: Iterable[str]) -> list[str]:
    """Distinct source lines; a line made only of lines already listed (joined) is left out.

    Examples
    --------
    >>> _unique(["ONS", "MHCLG", "ONS MHCLG", "ONS", "NHS England"])
    ['ONS', 'MHCLG', 'NHS England']
    """
    seen: list[str] = []
    for item in items:
        item = item.strip()
        rest = item
        for known in sorted(seen, key=len, reverse=True):
            rest = rest.replace(known, "")
        if item and rest.strip(" .;,"):
            seen.append(item)
    return seen


# --------------------------------------------------------------------------- the notebook


def _notebook(path: Path):
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


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _headings(notebook) -> list[tuple[int, str]]:
    found = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            fence = False
            for line in cell.source.splitlines():
                if line.lstrip().startswith("```"):
                    fence = not fence
                match = None if fence else _HEADING.match(line)
                if match:
                    found.append((len(match.group(1)), match.group(2)))
    return found


def _plain(markdown: str) -> str:
    """Inline Markdown reduced to its text."""
    return "".join(text for text, _, _, _ in _inline(markdown))


def _chapter_title(notebook, fallback: str) -> tuple[str, int, bool]:
    """The title, the Markdown level that maps to Heading 1, and whether the first heading is the title."""
    headings = _headings(notebook)
    if not headings:
        return fallback, 1, False
    top = min(level for level, _ in headings)
    if headings[0][0] == top and sum(level == top for level, _ in headings) == 1:
        return _plain(headings[0][1]), top + 1, True
    return fallback, top, False


def _name_pattern(node: ast.expr) -> tuple[re.Pattern, str | None] | None:
    """A regex for the name argument of a ``.figure``/``.table`` call, and the name if it is literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.compile(re.escape(node.value)), node.value
    if isinstance(node, ast.JoinedStr):
        parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+?" for v in node.values]
        return re.compile("".join(parts)), None
    return None


def _saved_names(source: str) -> list[tuple[str, re.Pattern, str | None]]:
    """``("figure"|"table", name pattern, literal name)`` for each save call in a code cell, in order."""
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


_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.S)


def _layout(notebook, figures: list[_Figure], tables: list[_Table]) -> list[tuple[str, object]]:
    """The document as ``(kind, item)`` blocks in notebook order: markdown, figure, table."""
    import html

    blocks: list[tuple[str, object]] = []
    placed: set[int] = set()
    # A name given literally anywhere belongs to that call, never to an f-string elsewhere.
    literal = {
        (kind, name)
        for cell in notebook.cells
        if cell.cell_type == "code"
        for kind, _, name in _saved_names(cell.source)
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
        names = _saved_names(cell.source)
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


# --------------------------------------------------------------------------- Markdown


_INLINE = re.compile(
    r"\*\*(?P<b1>.+?)\*\*|__(?P<b2>.+?)__"
    r"|(?<![\w*])\*(?P<i1>[^\s*](?:.*?[^\s\\*])??)\*(?!\*)|(?<![\w_])_(?P<i2>[^\s_](?:.*?[^\s_])??)_(?![\w_])"
    r"|`(?P<code>[^`]+)`|!\[[^\]]*\]\([^)]*\)|\[(?P<link>[^\]]+)\]\((?P<url>[^)\s]+)[^)]*\)"
    r"|<[^>]+>"
)


def _inline(text: str) -> list[tuple[str, bool, bool, str | None]]:
    """Inline Markdown as runs ``(text, bold, italic, url)``; images and HTML tags are dropped."""

    def runs(source: str, bold: bool, italic: bool) -> list:
        out, at = [], 0
        for match in _INLINE.finditer(source):
            if match.start() > at:
                out.append((source[at : match.start()], bold, italic, None))
            groups = match.groupdict()
            if groups["b1"] or groups["b2"]:
                out += runs(groups["b1"] or groups["b2"], True, italic)
            elif groups["i1"] or groups["i2"]:
                out += runs(groups["i1"] or groups["i2"], bold, True)
            elif groups["code"]:
                out.append((groups["code"], bold, italic, None))
            elif groups["link"]:
                out.append((_plain(groups["link"]), bold, italic, groups["url"]))
            at = match.end()
        if at < len(source):
            out.append((source[at:], bold, italic, None))
        return out

    text = re.sub(
        r"\\([\\`*_{}\[\]()#+\-.!|])", lambda m: "\x00" + str(ord(m.group(1))) + "\x01", text
    )
    restore = re.compile("\x00(\\d+)\x01")
    return [
        (restore.sub(lambda m: chr(int(m.group(1))), t), b, i, u)
        for t, b, i, u in runs(text, False, False)
    ]


_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)\d+[.)]\s+(.*)$")


def _blocks(markdown: str) -> list[tuple[str, int, str]]:
    """Markdown as ``(kind, level, text)``: heading, paragraph, bullet, number, code, table rows."""
    out: list[tuple[str, int, str]] = []
    current: list | None = None  # the open paragraph or list item
    fence = False
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fence, current = not fence, None
            continue
        if fence:
            out.append(("code", 0, line))
            continue
        if not stripped or re.fullmatch(r"[-*_]{3,}", stripped):
            current = None
            continue
        heading = _HEADING.match(stripped)
        bullet, number = _BULLET.match(line), _NUMBERED.match(line)
        if heading:
            out.append(("heading", len(heading.group(1)), heading.group(2)))
            current = None
        elif stripped.startswith("|"):
            if not re.fullmatch(r"\|?[\s:|-]+\|?", stripped):
                out.append(("row", 0, stripped))
            current = None
        elif bullet or number:
            match = bullet or number
            current = [
                "bullet" if bullet else "number",
                min(len(match.group(1).expandtabs(4)) // 2, 2),
                match.group(2),
            ]
            out.append(current)
        elif current is not None:
            current[2] += " " + stripped
        else:
            current = ["paragraph", 0, stripped.lstrip("> ").strip()]
            out.append(current)
    return [tuple(block) for block in out]


# --------------------------------------------------------------------------- Word


class _Word:
    """A python-docx document being written, with the bits python-docx does not do itself."""

    def __init__(self, title: str, synthetic: bool):
        from docx import Document
        from docx.enum.section import WD_ORIENT
        from docx.shared import Cm, Pt, RGBColor

        self.doc = Document()
        self.figure_number = self.table_number = 0
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        styles = self.doc.styles
        styles["Normal"].font.name = "Arial"
        styles["Normal"].font.size = Pt(11)
        caption = styles["Caption"]
        caption.font.size, caption.font.bold, caption.font.italic = Pt(11), True, False
        caption.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        caption.paragraph_format.keep_with_next = True
        for level in range(1, 4):
            styles[f"Heading {level}"].font.color.rgb = RGBColor(0x12, 0x43, 0x6D)  # AF dark blue
        styles["Title"].font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        self._language("en-GB")
        self.doc.add_heading(title, level=0)
        if synthetic:
            notice = self.doc.add_paragraph()
            notice.add_run(_SYNTHETIC_NOTICE).bold = True

    def _language(self, tag: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            r_pr.append(lang)
        for attribute in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attribute), tag)

    @property
    def text_width(self):
        section = self.doc.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    @property
    def text_height(self):
        section = self.doc.sections[-1]
        return section.page_height - section.top_margin - section.bottom_margin

    def runs(self, paragraph, markdown: str, *, size=None) -> None:
        for text, bold, italic, url in _inline(markdown):
            if url:
                self._hyperlink(paragraph, text, url)
                continue
            run = paragraph.add_run(text)
            run.bold, run.italic = bold or None, italic or None
            if size is not None:
                run.font.size = size

    def _hyperlink(self, paragraph, text: str, url: str) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        link = OxmlElement("w:hyperlink")
        link.set(
            qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        )
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        color, underline = OxmlElement("w:color"), OxmlElement("w:u")
        color.set(qn("w:val"), "1D70B8")
        underline.set(qn("w:val"), "single")
        properties.extend([color, underline])
        run.append(properties)
        text_element = OxmlElement("w:t")
        text_element.text = text
        text_element.set(qn("xml:space"), "preserve")
        run.append(text_element)
        link.append(run)
        paragraph._p.append(link)

    def markdown(self, source: str, heading_for, state: dict) -> None:
        from docx.shared import Pt

        rows: list[str] = []
        for kind, level, text in [*_blocks(source), ("end", 0, "")]:
            if kind != "row" and rows:
                self._markdown_table(rows)
                rows = []
            if kind == "heading":
                self.heading(_plain(text), heading_for(level), state)
            elif kind == "paragraph":
                if _plain(text).strip().rstrip(":").lower() == "key messages" and "**" in text:
                    # chapter.messages(): a heading unless the notebook has just given one
                    if state.get("last_heading", "").lower() != "key messages":
                        self.heading("Key messages", max(state.get("level", 0), 1), state)
                    continue
                self.runs(self.doc.add_paragraph(), text)
                state["last_heading"] = ""
            elif kind in ("bullet", "number"):
                style = "List Bullet" if kind == "bullet" else "List Number"
                self.runs(
                    self.doc.add_paragraph(style=style + (f" {level + 1}" if level else "")), text
                )
            elif kind == "code":
                run = self.doc.add_paragraph().add_run(text)
                run.font.name, run.font.size = "Courier New", Pt(9)
            elif kind == "row":
                rows.append(text)

    def _markdown_table(self, rows: list[str]) -> None:
        cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
        width = max(len(r) for r in cells)
        cells = [r + [""] * (width - len(r)) for r in cells]
        self._word_table(
            [_plain(c) for c in cells[0]],
            [[_plain(c) for c in r] for r in cells[1:]],
            [False] * width,
            title=None,
        )

    def heading(self, text: str, level: int, state: dict) -> None:
        self.doc.add_heading(text, level=min(max(level, 1), 9))
        state["last_heading"], state["level"] = text.strip(), level

    def caption(self, kind: str, number: int, title: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        paragraph = self.doc.add_paragraph(style="Caption")
        paragraph.add_run(f"{kind} ")
        field = OxmlElement(
            "w:fldSimple"
        )  # a real caption number: Word can list figures and tables
        field.set(qn("w:instr"), f" SEQ {kind} \\* ARABIC ")
        run, text = OxmlElement("w:r"), OxmlElement("w:t")
        text.text = str(number)
        run.append(text)
        field.append(run)
        paragraph._p.append(field)
        paragraph.add_run(f": {title}")

    def small(self, label: str, text: str) -> None:
        from docx.shared import Pt

        paragraph = self.doc.add_paragraph()
        bold = paragraph.add_run(f"{label}: ")
        bold.bold, bold.font.size = True, Pt(9)
        self.runs(paragraph, text, size=Pt(9))

    def figure(self, figure: _Figure) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        self.figure_number += 1
        self.caption("Figure", self.figure_number, figure.title)
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        shape = paragraph.add_run().add_picture(str(figure.path), width=self.text_width)
        tallest = int(self.text_height * 0.85)
        if shape.height > tallest:
            shape.width, shape.height = int(shape.width * tallest / shape.height), tallest
        inline = shape._inline
        inline.docPr.set("descr", figure.alt_text)  # the alt text screen readers and Word show
        inline.docPr.set("name", figure.path.name)
        inline.graphic.graphicData.pic.nvPicPr.cNvPr.set("descr", figure.alt_text)
        self.small("Source", figure.source)

    def table(self, table: _Table) -> None:
        from docx.enum.section import WD_ORIENT, WD_SECTION

        header, rows, numeric = _cells(table.frame)
        thousands = _thousands(table.frame)
        wide = len(header) > _WIDE_TABLE
        if wide:
            self._section(WD_SECTION.NEW_PAGE, WD_ORIENT.LANDSCAPE)
        self.table_number += 1
        self.caption("Table", self.table_number, table.title)
        cut = len(rows) > MAX_DOCX_ROWS
        text_rows = [
            [_text(v, t) for v, t in zip(row, thousands, strict=True)]
            for row in rows[:MAX_DOCX_ROWS]
        ]
        self._word_table(
            header,
            text_rows,
            numeric,
            title=table.title,
            description=table.note,
            small=len(header) > 6,
        )
        self.small("Source", table.source)
        notes = " ".join(_split_note(table.note))
        if cut:
            notes = (
                f"The first {MAX_DOCX_ROWS:,} of {len(rows):,} rows are shown; every row is in the "
                f"chapter's Excel workbook. {notes}"
            )
        if notes:
            self.small("Notes", notes)
        if wide:
            self._section(WD_SECTION.NEW_PAGE, WD_ORIENT.PORTRAIT)

    def _section(self, start, orientation) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Cm

        section = self.doc.add_section(start)
        section.orientation = orientation
        long, short = Cm(29.7), Cm(21)
        landscape = orientation == WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = (long, short) if landscape else (short, long)

    def _word_table(self, header, rows, numeric, *, title, description="", small=False) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        size = Pt(7) if len(header) > 14 else Pt(8) if small else Pt(9.5)
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header_row = table.rows[0]
        repeat = OxmlElement("w:tblHeader")  # header row repeats on every page; read as headers
        header_row._tr.get_or_add_trPr().append(repeat)
        for cell, text, is_number in zip(header_row.cells, header, numeric, strict=True):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(text)
            run.bold, run.font.size = True, size
            if is_number:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for values in rows:
            row = table.add_row()
            no_split = OxmlElement("w:cantSplit")
            row._tr.get_or_add_trPr().append(no_split)
            for cell, text, is_number in zip(row.cells, values, numeric, strict=True):
                paragraph = cell.paragraphs[0]
                paragraph.add_run(text).font.size = size
                if is_number:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._widths(table, header, rows, size)
        properties = table._tbl.tblPr
        for tag, value in (("w:tblCaption", title), ("w:tblDescription", description)):
            if value:  # the table's alt text (Word: Table Properties > Alt Text); last in tblPr
                element = OxmlElement(tag)
                element.set(qn("w:val"), value)
                properties.append(element)

    def _widths(self, table, header, rows, size) -> None:
        """Column widths: short columns (numbers, codes) unwrapped, long text sharing the rest of the page."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        needs = []  # characters each column wants on one line
        for index, name in enumerate(header):
            longest_word = max((len(w) for w in str(name).split()), default=1)
            longest_text = max((len(r[index]) for r in rows), default=1)
            needs.append(min(max(longest_text, min(longest_word, 7), 3), 40) + 1)
        padding = 2 * _CELL_MARGIN * 635  # both sides, twips to EMU
        spare = max(self.text_width - padding * len(needs), 0)
        char = int(size * 0.55)  # an average character of a sans-serif font, in EMU
        short = [n <= 12 for n in needs]
        fixed = sum(n * char for n, s in zip(needs, short, strict=True) if s)
        long_chars = sum(n for n, s in zip(needs, short, strict=True) if not s)
        if sum(needs) * char <= spare or fixed + 8 * char * sum(not s for s in short) > spare:
            shares = [spare * n // sum(needs) for n in needs]  # all fits, or nothing sensible does
        else:  # short columns whole, long ones share what is left and wrap
            shares = [
                n * char if s else (spare - fixed) * n // long_chars
                for n, s in zip(needs, short, strict=True)
            ]
        widths = [padding + share for share in shares]
        table.autofit = False
        margins = OxmlElement("w:tblCellMar")  # narrow cell margins leave room for the text
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(_CELL_MARGIN))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        table._tbl.tblPr.find(qn("w:tblLook")).addprevious(margins)
        width = table._tbl.tblPr.find(qn("w:tblW"))
        width.set(qn("w:type"), "pct")
        width.set(qn("w:w"), "5000")  # the full text width
        for column, value in zip(table.columns, widths, strict=True):
            column.width = value
            for cell in column.cells:
                cell.width = value

    def save(self, out: Path, title: str, subject: str) -> Path:
        when = _fixed_date().replace(tzinfo=None)
        properties = self.doc.core_properties
        properties.title, properties.subject = title, subject
        properties.author = properties.last_modified_by = "jsna"
        properties.language, properties.keywords = "en-GB", "JSNA"
        properties.comments = "Built by jsna from the executed chapter notebook."
        properties.created = properties.modified = when
        properties.last_printed = when
        properties.revision = 1
        buffer = io.BytesIO()
        self.doc.save(buffer)
        _write_atomic(out, _stable_zip(buffer.getvalue(), when))
        return out


def chapter_docx(
    executed_notebook: Path,
    *,
    figures: Path,
    tables: Path,
    out: Path,
    synthetic: bool,
    title: str | None = None,
    sources: Sequence[str] = (),
) -> Path:
    """Write an executed chapter notebook as a Word document.

    Parameters
    ----------
    executed_notebook : path
        The notebook as run by ``jsna build`` (with outputs).
    figures : path
        The figures folder holding ``manifest.csv`` and the PNGs; the
        chapter's figures are the files starting with its number (``01_``).
    tables : path
        The chapter's tables folder (``reports/<area>/tables/<chapter>``)
        holding ``tables.csv``; may be absent when the chapter has no tables.
    out : path
        The ``.docx`` file to write.
    synthetic : bool
        Say under the title that the data are synthetic.
    title : str, optional
        Document title; the notebook's single top-level heading by default
        (then not repeated as a heading), else the notebook's file name.
    sources : list of str, optional
        Sources listed first under "Sources and caveats", before those of the
        chapter's figures and tables.

    Returns
    -------
    Path
        ``out``.

    Notes
    -----
    Markdown headings become Word's Heading styles: when the first heading is
    the notebook's only top-level one it is the title, and the next level
    down (``##``) is Heading 1. Figures get their manifest alt text as the
    picture's description (``wp:docPr/@descr``), a numbered caption above
    and the source below; tables get a header row that repeats on every page
    and is marked as a header for screen readers, the title as caption and
    table alt text, and the source and notes below. Tables of more than
    nine columns go on a landscape page. Suppressed cells show ``[c]`` and
    other missing cells ``[x]``.

    Examples
    --------
    >>> import tempfile, nbformat
    >>> folder = Path(tempfile.mkdtemp())
    >>> notebook = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# Example chapter\\n\\n## Findings\\n\\nSome **bold** text.")])
    >>> nbformat.write(notebook, folder / "01_example.ipynb")
    >>> path = chapter_docx(folder / "01_example.ipynb", figures=folder, tables=folder / "tables",
    ...                     out=folder / "01_example.docx", synthetic=True)
    >>> import docx
    >>> [(p.style.name, p.text) for p in docx.Document(path).paragraphs][:3]
    [('Title', 'Example chapter'), ('Normal', 'Synthetic data: this chapter was built from a synthetic data pack. The figures are not real statistics for any place.'), ('Heading 1', 'Findings')]
    """
    executed_notebook = Path(executed_notebook)
    notebook = _notebook(executed_notebook)
    stem = executed_notebook.name.removesuffix(".ipynb")
    found_title, heading_one, title_is_heading = _chapter_title(notebook, stem.replace("_", " "))
    title = title or found_title
    prefix = f"{stem[:2]}_" if stem[:2].isdigit() else f"{stem}_"
    chapter_figures = _chapter_figures(Path(figures), prefix)
    chapter_tables = _chapter_tables(Path(tables))
    word = _Word(title, synthetic)
    state: dict = {}
    skip_title = title_is_heading

    def heading_for(level: int) -> int:
        return level - heading_one + 1

    for kind, item in _layout(notebook, chapter_figures, chapter_tables):
        if kind == "markdown":
            source = item
            if skip_title:  # the first heading is the document title
                lines = source.splitlines()
                first = next((i for i, line in enumerate(lines) if line.strip()), None)
                if first is not None and _HEADING.match(lines[first].strip()):
                    source = "\n".join(lines[first + 1 :])
                    skip_title = False
            word.markdown(source, heading_for, state)
        elif kind == "figure":
            word.figure(item)
        else:
            word.table(item)
    word.heading("Sources and caveats", 1, state)
    listed = _unique(
        [*sources, *(f.source for f in chapter_figures), *(t.source for t in chapter_tables)]
    )
    if listed:
        word.heading("Sources", 2, state)
        for source in listed:
            word.runs(word.doc.add_paragraph(style="List Bullet"), source)
    word.heading("Caveats", 2, state)
    caveats = [_SYNTHETIC_NOTICE] if synthetic else []
    caveats += [
        "Small numbers: tables and the data behind figures passed small-number suppression before they "
        f"were written. {DEFAULT_RULE.describe()}; values calculated from them are hidden too.",
        f"Symbols: {CONFIDENTIAL_MARKER} confidential (suppressed), {NOT_AVAILABLE_MARKER} not available.",
        "Each figure's data are in a CSV file beside its image, and every table is in the chapter's "
        "Excel workbook.",
    ]
    for caveat in caveats:
        word.runs(word.doc.add_paragraph(style="List Bullet"), caveat)
    return word.save(Path(out), title, "Joint Strategic Needs Assessment chapter")


# --------------------------------------------------------------------------- Excel

# Layout follows the Government Analysis Function guidance "Releasing statistics
# in spreadsheets" (https://analysisfunction.civilservice.gov.uk/policy-store/
# releasing-statistics-in-spreadsheets/): a cover sheet, a contents sheet with
# links, a notes sheet with numbered notes referred to as "[note N]" in table
# titles; one table per sheet, marked up as an Excel table with one header row,
# starting in column A with no blank rows or columns inside it; the sheet title
# in cell A1 and the lines above the table saying what the sheet holds;
# shorthand in cells ("[c]" confidential, "[x]" not available: "Using symbols
# and shorthand in tables", same site); short unique sheet names without spaces.

_RESERVED_SHEETS = {"cover", "contents", "notes", "history"}


def _sheet_names(stems: Sequence[str]) -> list[str]:
    """Sheet names from table names: at most 31 characters, no ``[]:*?/\\``, unique ignoring case.

    Examples
    --------
    >>> _sheet_names(["ward_population", "notes", "a" * 40, "a" * 40])
    ['ward_population', 'notes_table', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa_2']
    """
    taken = set(_RESERVED_SHEETS)
    names = []
    for stem in stems:
        base = re.sub(r"[\[\]:*?/\\']+", "_", stem).strip("_ ") or "table"
        if base.lower() in taken:
            base = f"{base}_table"
        name, n = base[:31], 1
        while name.lower() in taken:
            n += 1
            name = f"{base[: 31 - len(str(n)) - 1]}_{n}"
        taken.add(name.lower())
        names.append(name)
    return names


def chapter_workbook(
    tables: Path,
    out: Path,
    *,
    title: str,
    synthetic: bool,
    sources: list[str],
    order: Sequence[str] | None = None,
) -> Path:
    """Write a chapter's tables as an accessible Excel workbook.

    Parameters
    ----------
    tables : path
        The chapter's tables folder holding ``tables.csv`` and one CSV per
        table (as written by :meth:`jsna.publish.chapter.Chapter.table`); may be absent.
    out : path
        The ``.xlsx`` file to write.
    title : str
        Workbook title (cover sheet and document properties).
    synthetic : bool
        Say on the cover and in the notes that the data are synthetic.
    sources : list of str
        Sources listed on the cover, before the tables' own sources.
    order : list of str, optional
        Table names (file stems) in the order wanted, e.g. as the chapter
        shows them; others follow in ``tables.csv`` order.

    Returns
    -------
    Path
        ``out``.

    Notes
    -----
    Sheets: Cover (title, contents, synthetic notice, sources, contact
    placeholder), Contents (a link to each table's sheet and its title),
    Notes (numbered; tables refer to them as ``[note N]`` in their titles),
    then one sheet per table: its title in A1, a line on what the sheet
    holds, the source, and the table from row 5 as an Excel table with a
    header row. Suppressed cells show ``[c]``, other missing cells ``[x]``
    (Government Analysis Function spreadsheet and symbols guidance; see the
    comment above this function). The created date is fixed, so rebuilding
    gives the same bytes.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "rates.csv").write_text("area,count,suppression\\nA,,[c]\\nB,10,\\n")
    >>> _ = (folder / "tables.csv").write_text("file,title,source,note\\nrates.csv,Rates,ONS,\\n")
    >>> path = chapter_workbook(folder, folder / "tables.xlsx", title="Example", synthetic=False,
    ...                         sources=["ONS"])
    >>> import openpyxl
    >>> book = openpyxl.load_workbook(path)
    >>> book.sheetnames, book["rates"]["B6"].value
    (['Cover', 'Contents', 'Notes', 'rates'], '[c]')
    """
    import xlsxwriter

    chapter_tables = _chapter_tables(Path(tables))
    if order:
        rank = {name: i for i, name in enumerate(order)}
        chapter_tables.sort(key=lambda t: rank.get(t.name, len(rank)))
    out = Path(out)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties(
        {
            "title": title,
            "subject": "Joint Strategic Needs Assessment tables",
            "author": "jsna",
            "keywords": "JSNA",
            "created": _fixed_date().replace(tzinfo=None),
        }
    )
    heading = book.add_format({"bold": True, "font_size": 15})
    subheading = book.add_format({"bold": True, "font_size": 12})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True})
    link = book.add_format({"font_color": "#1D70B8", "underline": 1})
    right = book.add_format({"align": "right"})
    grouped = book.add_format({"align": "right", "num_format": "#,##0"})

    # Notes: symbols, synthetic, then each distinct table note in order of appearance.
    notes = [_SYMBOLS_NOTE] + ([_SYNTHETIC_NOTICE] if synthetic else [])
    table_notes = []
    for table in chapter_tables:
        refs = [1] + ([2] if synthetic else [])
        for text in _split_note(table.note):
            if text not in notes:
                notes.append(text)
            refs.append(notes.index(text) + 1)
        table_notes.append(sorted(set(refs)))
    names = _sheet_names([t.name for t in chapter_tables])

    cover = book.add_worksheet("Cover")
    cover.set_column(0, 0, 100, wrap)
    lines: list[tuple[str, object]] = [(title, heading)]
    if synthetic:
        lines += [("Synthetic data", subheading), (_SYNTHETIC_NOTICE, wrap)]
    lines += [
        ("About these tables", subheading),
        (
            f"This workbook holds the {len(chapter_tables)} table{'s' if len(chapter_tables) != 1 else ''} "
            "of this chapter of the Joint Strategic Needs Assessment, one table per worksheet. The Contents "
            "worksheet links to each table; the Notes worksheet explains the notes referred to in table "
            "titles as [note 1], [note 2] and so on.",
            wrap,
        ),
        ("Symbols", subheading),
        (
            f"{CONFIDENTIAL_MARKER} = confidential: small counts suppressed to protect confidentiality.",
            wrap,
        ),
        (f"{NOT_AVAILABLE_MARKER} = not available.", wrap),
        ("Sources", subheading),
        *[(s, wrap) for s in _unique([*sources, *(t.source for t in chapter_tables)])],
        ("Contact", subheading),
        ("[Contact details: add the public health intelligence team's email address.]", wrap),
    ]
    for row, (text, style) in enumerate(lines):
        cover.write_string(row, 0, text, style)

    contents = book.add_worksheet("Contents")
    contents.write_string(0, 0, "Table of contents", heading)
    contents.write_string(
        1,
        0,
        f"This worksheet contains one table, of {len(chapter_tables)} rows. "
        "Select a sheet name to go to that table.",
    )
    contents.set_column(0, 0, 34)
    contents.set_column(1, 1, 100, wrap)
    if chapter_tables:
        contents.add_table(
            3,
            0,
            3 + len(chapter_tables),
            1,
            {
                "name": "Table_of_contents",
                "style": "Table Style Light 1",
                "autofilter": False,
                "columns": [{"header": "Sheet name"}, {"header": "Table title"}],
            },
        )
        for i, (table, name) in enumerate(zip(chapter_tables, names, strict=True), start=4):
            contents.write_url(i, 0, f"internal:'{name}'!A1", link, name)
            contents.write_string(i, 1, table.title, wrap)
    else:
        contents.write_string(3, 0, "This chapter has no tables.")

    sheet = book.add_worksheet("Notes")
    sheet.write_string(0, 0, "Notes", heading)
    sheet.write_string(
        1,
        0,
        f"This worksheet contains one table, of {len(notes)} notes. "
        "Tables refer to these notes in their titles.",
    )
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 110, wrap)
    sheet.add_table(
        3,
        0,
        3 + len(notes),
        1,
        {
            "name": "Notes_table",
            "style": "Table Style Light 1",
            "autofilter": False,
            "columns": [{"header": "Note number"}, {"header": "Note text"}],
        },
    )
    for i, text in enumerate(notes, start=1):
        sheet.write_string(3 + i, 0, f"note {i}")
        sheet.write_string(3 + i, 1, text, wrap)

    for number, (table, name, refs) in enumerate(
        zip(chapter_tables, names, table_notes, strict=True), 1
    ):
        _table_sheet(
            book.add_worksheet(name),
            number,
            table,
            refs,
            {"heading": heading, "right": right, "grouped": grouped, "bold": bold},
        )
    book.close()
    _write_atomic(out, _stable_zip(buffer.getvalue(), _fixed_date()))
    return out


def _table_sheet(sheet, number: int, table: _Table, refs: list[int], formats: dict) -> None:
    header, rows, numeric = _cells(table.frame)
    thousands = _thousands(table.frame)
    title = table.title + "".join(f" [note {n}]" for n in refs)
    sheet.write_string(0, 0, title, formats["heading"])
    sheet.write_string(
        1,
        0,
        f"This worksheet contains one table of {len(rows)} rows. "
        "Some cells have shorthand: [c] confidential, [x] not available.",
    )
    sheet.write_string(2, 0, f"Source: {table.source}")
    first = 4
    columns = []
    for name, is_number, grouped in zip(header, numeric, thousands, strict=True):
        column = {"header": name}
        if is_number:
            column["format"] = formats["grouped"] if grouped else formats["right"]
        columns.append(column)
    if not header:
        sheet.write_string(first, 0, "This table has no columns.")
        return
    options = {
        "name": f"Table_{number}_{re.sub(r'[^A-Za-z0-9_]', '_', table.name)}"[:250],
        "style": "Table Style Light 1",
        "columns": columns,
    }
    if rows:
        options["data"] = rows
    sheet.add_table(first, 0, first + max(len(rows), 1), len(header) - 1, options)
    for index, (name, is_number) in enumerate(zip(header, numeric, strict=True)):
        widest = (
            max([len(name), *(len(_text(r[index], False)) for r in rows[:500])])
            if rows
            else len(name)
        )
        sheet.set_column(index, index, min(max(widest + 2, 8 if is_number else 12), 60))
    sheet.set_row(0, 20)


# --------------------------------------------------------------------------- build step


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
        The pack's attribution lines, listed in both documents.

    Returns
    -------
    list of Path
        The files written, a ``.docx`` then a ``.xlsx`` for each chapter.

    Examples
    --------
    >>> import tempfile
    >>> write_documents(Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp()), synthetic=True, sources=[])
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
        executed = _notebook(notebook)
        title, _, _ = _chapter_title(executed, stem.replace("_", " "))
        shown = [
            item.name
            for kind, item in _layout(executed, [], _chapter_tables(tables))
            if kind == "table"
        ]
        xlsx_path = chapter_workbook(
            tables,
            reports_dir / f"{stem}.xlsx",
            title=f"{title}: tables",
            synthetic=synthetic,
            sources=sources,
            order=shown,
        )
        written += [docx_path, xlsx_path]
    return written
