"""The Excel workbook of a chapter's tables (jsna.publish.excel)."""

from __future__ import annotations

from jsna.publish.excel import chapter_workbook, sheet_names
from jsna.publish.stable import FIXED_DATE


def test_workbook_sheets_notes_and_markers(small_chapter, tmp_path):
    import openpyxl

    path = chapter_workbook(
        small_chapter["tables"],
        tmp_path / "tables.xlsx",
        title="Small example: tables",
        synthetic=True,
        sources=["Office for National Statistics"],
        order=["ward_counts", "a_england_values"],
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Cover", "Contents", "Notes", "ward_counts", "a_england_values"]
    assert book.properties.created == FIXED_DATE.replace(tzinfo=None)
    assert book.properties.title == "Small example: tables"
    cover = [row[0] for row in book["Cover"].iter_rows(values_only=True)]
    assert cover[0] == "Small example: tables"
    assert "Synthetic data" in cover and "Office for National Statistics" in cover
    assert any(str(v).startswith("[Contact details") for v in cover)

    contents = book["Contents"]
    assert list(contents.tables) == ["Table_of_contents"]
    links = {
        contents.cell(row, 1).value: (
            contents.cell(row, 1).hyperlink.location,
            contents.cell(row, 2).value,
        )
        for row in (5, 6)
    }
    assert links == {
        "ward_counts": ("'ward_counts'!A1", "Admissions by ward, 2024"),
        "a_england_values": ("'a_england_values'!A1", "England values"),
    }

    notes = {
        row[0]: row[1] for row in book["Notes"].iter_rows(min_row=5, values_only=True) if row[0]
    }
    assert list(notes) == ["note 1", "note 2", "note 3", "note 4"]
    assert (
        notes["note 1"].startswith("[c] = confidential")
        and "[x] = not available" in notes["note 1"]
    )
    assert notes["note 2"].startswith("Synthetic data")
    assert notes["note 3"] == "Rates are crude, per 100 people."
    assert (
        notes["note 4"].startswith("Counts of 1 to 4 are shown as [c]")
        and "1 count here" in notes["note 4"]
    )

    sheet = book["ward_counts"]
    assert sheet["A1"].value == "Admissions by ward, 2024 [note 1] [note 2] [note 3] [note 4]"
    assert sheet["A1"].font.b
    assert sheet["A3"].value.startswith("Source: ")
    (table,) = sheet.tables.values()
    assert table.ref == "A5:E10" and table.headerRowCount == 1
    values = [list(row) for row in sheet.iter_rows(min_row=5, max_row=10, values_only=True)]
    assert values[0] == ["Ward", "Count", "Denominator", "Period", "Value"]  # as the HTML
    assert values[1] == ["Amet Hill", "[c]", 1000, 2024, "[c]"]
    assert values[2][:2] == ["Bogus Bridge", "[c]"]
    assert values[3][:4] == ["Copyton", 40, 3900, 2024]
    # rounded to the unit the web page shows (2 places for values from 1 to 10), still numbers
    assert values[3][4] == 1.03 and sheet["E8"].number_format == "0.00"
    assert values[5][0] == "NA"
    assert book["a_england_values"]["B7"].value == "[x]"
    # no formulas or links sneak in from text
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_workbook_infinite_and_boolean_cells(tmp_path):
    import openpyxl

    (tmp_path / "t.csv").write_text("area,ratio,flag\nA,inf,True\nB,1.5,False\n", encoding="utf-8")
    (tmp_path / "tables.csv").write_text("file,title,source,note\nt.csv,T,S,\n", encoding="utf-8")
    book = openpyxl.load_workbook(
        chapter_workbook(tmp_path, tmp_path / "t.xlsx", title="T", synthetic=False, sources=[])
    )
    assert [list(r) for r in book["t"].iter_rows(min_row=6, values_only=True)] == [
        ["A", "[x]", True],
        ["B", 1.5, False],
    ]


def test_workbook_is_byte_identical_and_handles_no_tables(small_chapter, tmp_path):
    import openpyxl

    args = {"title": "T", "synthetic": False, "sources": []}
    first = chapter_workbook(small_chapter["tables"], tmp_path / "a.xlsx", **args).read_bytes()
    second = chapter_workbook(small_chapter["tables"], tmp_path / "b.xlsx", **args).read_bytes()
    assert first == second
    empty = chapter_workbook(tmp_path / "no_tables_here", tmp_path / "c.xlsx", **args)
    book = openpyxl.load_workbook(empty)
    assert book.sheetnames == ["Cover", "Contents", "Notes"]
    assert book["Contents"]["A4"].value == "This chapter has no tables."


def test_sheet_names_are_short_unique_and_valid():
    names = sheet_names(["Cover", "ward/rates: 2024?", "x" * 40, "X" * 40, "notes"])
    assert names == ["Cover_table", "ward_rates_ 2024", "x" * 31, "X" * 29 + "_2", "notes_table"]
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)


def test_workbook_cover_lists_the_key_messages_first(small_chapter, tmp_path):
    import openpyxl

    messages = ["Rates are high. Why it matters here: need.", "Gaps are wide."]
    path = chapter_workbook(
        small_chapter["tables"],
        tmp_path / "k.xlsx",
        title="T",
        synthetic=True,
        sources=[],
        key_messages=messages,
    )
    cover = [r[0] for r in openpyxl.load_workbook(path)["Cover"].iter_rows(values_only=True)]
    start = cover.index("Key messages")
    assert cover[start + 1 : start + 3] == [f"- {m}" for m in messages]
    assert start < cover.index("About these tables") < cover.index("Sources")
