"""A chapter as a Word document: narrative, figures with alt text, tables, sources and caveats.

:func:`chapter_docx` writes an executed chapter notebook as ``NN_name.docx``:
the narrative (Markdown cells and the Markdown the code displayed, code
hidden), headings in Word's Heading styles (so the navigation pane and the
accessibility checker work), the key messages as a bulleted list, every
figure the chapter saved (the 300 dpi PNG at full text width, with its alt
text on the picture and a caption), every table it saved (a Word table whose
header row repeats on each page, with a caption, source and notes), and a
closing "Sources and caveats" section. Where figures and tables go is decided
by :func:`jsna.publish.notebook.layout`. The bytes are the same on every run
(:mod:`jsna.publish.stable`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from jsna.analysis.suppression import CONFIDENTIAL_MARKER, DEFAULT_RULE
from jsna.io.atomic import write_bytes_atomic
from jsna.publish.markdown import HEADING, blocks, inline, plain
from jsna.publish.notebook import chapter_title, layout, read_notebook
from jsna.publish.saved import (
    NOT_AVAILABLE_MARKER,
    SYNTHETIC_NOTICE,
    ChapterFigure,
    ChapterTable,
    cell_text,
    column_decimals,
    display_header,
    read_chapter_figures,
    read_chapter_tables,
    split_note,
    table_cells,
    thousands_columns,
    without_label,
)
from jsna.publish.stable import document_date, stable_zip
from jsna.reference.sources import source_items

__all__ = ["MAX_DOCX_ROWS", "chapter_docx"]

#: Rows of a table shown in the Word document; longer tables are cut with a
#: note pointing to the workbook, which always has every row.
MAX_DOCX_ROWS = 200

# Links in Word only to the web or e-mail: never javascript:, file: or data: targets.
_SAFE_SCHEMES = ("https://", "http://", "mailto:")
_WIDE_TABLE = 9  # tables with more columns go on a landscape page in Word
_CELL_MARGIN = 57  # left and right cell margins in Word tables, twips (1 mm)


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
            notice.add_run(SYNTHETIC_NOTICE).bold = True

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
        for text, bold, italic, url in inline(markdown):
            if url and url.lower().startswith(_SAFE_SCHEMES):
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
        for kind, level, text in [*blocks(source), ("end", 0, "")]:
            if kind != "row" and rows:
                self._markdown_table(rows)
                rows = []
            if kind == "heading":
                self.heading(plain(text), heading_for(level), state)
            elif kind == "paragraph":
                if plain(text).strip().rstrip(":").lower() == "key messages" and "**" in text:
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
            [plain(c) for c in cells[0]],
            [[plain(c) for c in r] for r in cells[1:]],
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
        # text from data: never read as Markdown; its own "Source:" is not repeated
        paragraph.add_run(without_label(text, label)).font.size = Pt(9)

    def figure(self, figure: ChapterFigure) -> None:
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
        drawing = shape._inline
        drawing.docPr.set("descr", figure.alt_text)  # the alt text screen readers and Word show
        drawing.docPr.set("name", figure.path.name)
        drawing.graphic.graphicData.pic.nvPicPr.cNvPr.set("descr", figure.alt_text)
        self.small("Source", figure.source)

    def table(self, table: ChapterTable) -> None:
        from docx.enum.section import WD_ORIENT, WD_SECTION

        header, rows, numeric = table_cells(table.frame)
        header = [display_header(h) for h in header]  # as the HTML shows them
        thousands = thousands_columns(table.frame)
        decimals = column_decimals(table.frame)
        wide = len(header) > _WIDE_TABLE
        if wide:
            self._section(WD_SECTION.NEW_PAGE, WD_ORIENT.LANDSCAPE)
        self.table_number += 1
        self.caption("Table", self.table_number, table.title)
        cut = len(rows) > MAX_DOCX_ROWS
        text_rows = [
            [cell_text(v, t, d) for v, t, d in zip(row, thousands, decimals, strict=True)]
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
        notes = " ".join(split_note(table.note))
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
        """Column widths: short columns (numbers, codes) unwrapped.

        Long text columns share the rest of the page and wrap.
        """
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
        when = document_date().replace(tzinfo=None)
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
        write_bytes_atomic(out, stable_zip(buffer.getvalue(), when))
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
    ...     nbformat.v4.new_markdown_cell("# Example chapter\\n\\n## Findings\\n\\nSome text.")])
    >>> nbformat.write(notebook, folder / "01_example.ipynb")
    >>> path = chapter_docx(folder / "01_example.ipynb", figures=folder, tables=folder / "tables",
    ...                     out=folder / "01_example.docx", synthetic=True)
    >>> import docx
    >>> [(p.style.name, p.text[:15]) for p in docx.Document(path).paragraphs][:3]
    [('Title', 'Example chapter'), ('Normal', 'Synthetic data:'), ('Heading 1', 'Findings')]
    """
    executed_notebook = Path(executed_notebook)
    notebook = read_notebook(executed_notebook)
    stem = executed_notebook.name.removesuffix(".ipynb")
    found_title, heading_one, title_is_heading = chapter_title(notebook, stem.replace("_", " "))
    title = title or found_title
    prefix = f"{stem[:2]}_" if stem[:2].isdigit() else f"{stem}_"
    chapter_figures = read_chapter_figures(Path(figures), prefix)
    chapter_tables = read_chapter_tables(Path(tables))
    word = _Word(title, synthetic)
    state: dict = {}
    skip_title = title_is_heading

    def heading_for(level: int) -> int:
        return level - heading_one + 1

    for kind, item in layout(notebook, chapter_figures, chapter_tables):
        if kind == "markdown":
            source = item
            if skip_title:  # the first heading is the document title
                lines = source.splitlines()
                first = next((i for i, line in enumerate(lines) if line.strip()), None)
                if first is not None and HEADING.match(lines[first].strip()):
                    source = "\n".join(lines[first + 1 :])
                    skip_title = False
            word.markdown(source, heading_for, state)
        elif kind == "figure":
            word.figure(item)
        else:
            word.table(item)
    word.heading("Sources and caveats", 1, state)
    # each source once, however many figures and tables cite it
    listed = source_items(
        [*sources, *(f.source for f in chapter_figures), *(t.source for t in chapter_tables)]
    )
    if listed:
        word.heading("Sources", 2, state)
        for source in listed:
            word.doc.add_paragraph(style="List Bullet").add_run(source)  # text from data
    word.heading("Caveats", 2, state)
    caveats = [SYNTHETIC_NOTICE] if synthetic else []
    caveats += [
        "Small numbers: tables and the data behind figures passed small-number suppression "
        f"before they were written. {DEFAULT_RULE.describe()}; values calculated from them are "
        "hidden too.",
        f"Symbols: {CONFIDENTIAL_MARKER} confidential (suppressed), "
        f"{NOT_AVAILABLE_MARKER} not available.",
        "Each figure's data are in a CSV file beside its image, and every table is in the "
        "chapter's Excel workbook.",
    ]
    for caveat in caveats:
        word.runs(word.doc.add_paragraph(style="List Bullet"), caveat)
    return word.save(Path(out), title, "Joint Strategic Needs Assessment chapter")
