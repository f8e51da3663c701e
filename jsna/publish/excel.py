"""A chapter's tables as an accessible Excel workbook.

:func:`chapter_workbook` writes ``NN_name.xlsx``: a Cover sheet, a Contents
sheet linking to every table, a Notes sheet, and one sheet per table, laid out
as the Government Analysis Function asks for accessible spreadsheets (see the
comment below). The bytes are the same on every run (:mod:`jsna.publish.stable`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

from jsna.analysis.suppression import CONFIDENTIAL_MARKER, DEFAULT_RULE
from jsna.io.atomic import write_bytes_atomic
from jsna.publish.saved import (
    NOT_AVAILABLE_MARKER,
    SYNTHETIC_NOTICE,
    ChapterTable,
    cell_text,
    column_decimals,
    display_header,
    read_chapter_tables,
    split_note,
    table_cells,
    thousands_columns,
    without_label,
)
from jsna.publish.stable import document_date, stable_zip
from jsna.reference.sources import source_items

__all__ = ["sheet_names", "chapter_workbook"]

_RULE_TEXT = DEFAULT_RULE.describe()
_SYMBOLS_NOTE = (
    f"{CONFIDENTIAL_MARKER} = confidential: {_RULE_TEXT[0].lower()}{_RULE_TEXT[1:]}, and values "
    f"calculated from those counts are hidden too. {NOT_AVAILABLE_MARKER} = not available."
)

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


def sheet_names(stems: Sequence[str]) -> list[str]:
    """Sheet names from table names: at most 31 characters, no ``[]:*?/\\``, unique ignoring case.

    Names of the fixed sheets (Cover, Contents, Notes, History) get ``_table``
    added; names too long are cut, and a repeat gets ``_2``, ``_3``, ...

    Parameters
    ----------
    stems : list of str
        Table names (file stems), in sheet order.

    Returns
    -------
    list of str
        One sheet name per stem.

    Examples
    --------
    >>> sheet_names(["ward_population", "notes", "a" * 40, "a" * 40])
    ... # doctest: +NORMALIZE_WHITESPACE
    ['ward_population', 'notes_table',
     'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa_2']
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
    key_messages: Sequence[str] = (),
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
    key_messages : list of str, optional
        The chapter's key messages, listed on the cover so that a reader of the
        workbook alone sees them first.

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

    chapter_tables = read_chapter_tables(Path(tables))
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
            "created": document_date().replace(tzinfo=None),
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
    notes = [_SYMBOLS_NOTE] + ([SYNTHETIC_NOTICE] if synthetic else [])
    table_notes = []
    for table in chapter_tables:
        refs = [1] + ([2] if synthetic else [])
        for text in split_note(table.note):
            if text not in notes:
                notes.append(text)
            refs.append(notes.index(text) + 1)
        table_notes.append(sorted(set(refs)))
    names = sheet_names([t.name for t in chapter_tables])

    cover = book.add_worksheet("Cover")
    cover.set_column(0, 0, 100, wrap)
    lines: list[tuple[str, object]] = [(title, heading)]
    if synthetic:
        lines += [("Synthetic data", subheading), (SYNTHETIC_NOTICE, wrap)]
    if key_messages:
        lines += [("Key messages", subheading), *[(f"- {m}", wrap) for m in key_messages]]
    lines += [
        ("About these tables", subheading),
        (
            f"This workbook holds the {len(chapter_tables)} "
            f"table{'s' if len(chapter_tables) != 1 else ''} "
            "of this chapter of the Joint Strategic Needs Assessment, one table per worksheet. "
            "The Contents worksheet links to each table; the Notes worksheet explains the notes "
            "referred to in table titles as [note 1], [note 2] and so on.",
            wrap,
        ),
        ("Symbols", subheading),
        (
            f"{CONFIDENTIAL_MARKER} = confidential: "
            "small counts suppressed to protect confidentiality.",
            wrap,
        ),
        (f"{NOT_AVAILABLE_MARKER} = not available.", wrap),
        ("Sources", subheading),
        *[(s, wrap) for s in source_items([*sources, *(t.source for t in chapter_tables)])],
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
            {
                "heading": heading,
                "right": right,
                "grouped": grouped,
                "bold": bold,
                **{
                    (places, comma): book.add_format(
                        {
                            "align": "right",
                            "num_format": ("#,##0" if comma else "0")
                            + ("." + "0" * places if places else ""),
                        }
                    )
                    for places in range(4)
                    for comma in (False, True)
                },
            },
        )
    book.close()
    write_bytes_atomic(out, stable_zip(buffer.getvalue(), document_date()))
    return out


def _table_sheet(sheet, number: int, table: ChapterTable, refs: list[int], formats: dict) -> None:
    header, rows, numeric = table_cells(table.frame)
    thousands = thousands_columns(table.frame)
    decimals = column_decimals(table.frame)
    # as the web page and the Word document show it: readable headers, numbers rounded
    # to their unit (whole people), kept as numbers so they can be worked with
    header = [display_header(h) for h in header]
    rows = [
        [
            round(float(v), d) if d is not None and _is_number(v) else v
            for v, d in zip(row, decimals, strict=True)
        ]
        for row in rows
    ]
    title = table.title + "".join(f" [note {n}]" for n in refs)
    sheet.write_string(0, 0, title, formats["heading"])
    sheet.write_string(
        1,
        0,
        f"This worksheet contains one table of {len(rows)} rows. "
        "Some cells have shorthand: [c] confidential, [x] not available.",
    )
    sheet.write_string(2, 0, f"Source: {without_label(table.source)}")
    first = 4
    columns = []
    for name, is_number, grouped, places in zip(header, numeric, thousands, decimals, strict=True):
        column = {"header": name}
        if is_number and places is not None:
            column["format"] = formats[(places, grouped)]
        elif is_number:
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
            max([len(name), *(len(cell_text(r[index], False)) for r in rows[:500])])
            if rows
            else len(name)
        )
        sheet.set_column(index, index, min(max(widest + 2, 8 if is_number else 12), 60))
    sheet.set_row(0, 20)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
