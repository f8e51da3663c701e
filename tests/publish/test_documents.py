"""Word and Excel versions of a chapter (jsna.publish.documents).

A small chapter is made with the real :class:`jsna.publish.chapter.Chapter` against the
demo pack (figures through save_figure, tables through suppression) and an
executed notebook is put together with nbformat, with the outputs a run would
have produced. The real chapter 01 is then built and exported end to end.
"""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from jsna.exceptions import SourceError
from jsna.publish.documents import (
    FIXED_DATE,
    MAX_DOCX_ROWS,
    _blocks,
    _inline,
    _sheet_names,
    chapter_docx,
    chapter_workbook,
    write_documents,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
PNG_1PX = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


def _figure(text: str):
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["a", "b"], [1, 2])
    ax.set_title(text)
    ax.set_ylabel("Count (people)")
    return fig


def _code(source: str, outputs: list) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = outputs
    return cell


def _markdown_output(text: str, kind: str = "display_data"):
    if kind == "execute_result":
        return nbformat.v4.new_output(
            "execute_result",
            data={"text/markdown": text, "text/plain": "<Markdown>"},
            execution_count=1,
        )
    return nbformat.v4.new_output(
        "display_data", data={"text/markdown": text, "text/plain": "<Markdown>"}
    )


def _image_output():
    return nbformat.v4.new_output(
        "display_data", data={"image/png": PNG_1PX, "text/plain": "<Figure>"}
    )


def _html_table(title: str):
    html = f"<table id='T_1'><caption>{title}</caption><thead><tr><th>x</th></tr></thead></table>"
    return nbformat.v4.new_output(
        "execute_result", data={"text/html": html, "text/plain": "<Styler>"}, execution_count=2
    )


@pytest.fixture(scope="module")
def small_chapter(demo_pack, tmp_path_factory):
    """A two-figure, two-table chapter saved through Chapter, and its executed notebook."""
    from jsna.publish.chapter import Chapter

    root = tmp_path_factory.mktemp("chapter")
    figures, reports = root / "figures", root / "reports"
    chapter = Chapter.start("07_small_example", demo_pack, None, figures, reports)
    # Saved in the opposite order to their names, so notebook order differs from manifest order.
    fig = _figure("Zeta")
    chapter.figure(
        fig,
        "zeta_bars",
        title="Zeta: people by group",
        alt_text="Bar chart: group b has twice group a.",
        data=pd.DataFrame({"group": ["a", "b"], "people": [10, 20]}),
        count_columns="people",
    )
    plt.close(fig)
    for sex in ("Female", "Male"):
        fig = _figure(sex)
        chapter.figure(
            fig,
            f"alpha_{sex.lower()}",
            title=f"Alpha for {sex.lower()}s",
            alt_text=f"Bar chart of alpha for {sex.lower()}s: b is higher.",
            data=pd.DataFrame({"group": ["a", "b"], "value": [1.5, 2.5]}),
        )
        plt.close(fig)
    other = Chapter.start("02_other_chapter", demo_pack, None, figures, reports)
    fig = _figure("Other")
    other.figure(
        fig,
        "zzz_not_mine",
        title="Another chapter's figure",
        alt_text="Not in this chapter.",
        data=pd.DataFrame({"x": [1]}),
    )
    plt.close(fig)
    counts = pd.DataFrame(
        {
            "ward": ["Amet Hill", "Bogus Bridge", "Copyton", "Dolor Bank", "NA"],
            "count": [3, 12, 40, 25, 18],
            "denominator": [1000, 1200, 3900, 2600, 1500],
            "period": [2024] * 5,
        }
    )
    counts["value"] = 100 * counts["count"] / counts["denominator"]
    chapter.table(
        counts,
        "ward_counts",
        title="Admissions by ward, 2024",
        count_columns="count",
        note="Rates are crude, per 100 people.",
    )
    chapter.table(
        pd.DataFrame({"indicator": ["Smoking", "Obesity"], "england": [11.6, None]}),
        "a_england_values",
        title="England values",
    )
    tables = reports / "tables" / chapter.name

    cells = [
        nbformat.v4.new_markdown_cell(
            "# Small example chapter\n\nAn introduction with **bold**, *italic* and a "
            "[link to the ONS](https://www.ons.gov.uk).\n\n- first point\n- second point\n  continues here"
        ),
        _code("PACK = None", []),
        nbformat.v4.new_markdown_cell(
            "## People by group\n\n### Detail\n\nText under the detail heading."
        ),
        _code(
            'chapter.figure(fig, "zeta_bars", title="Zeta: people by group", alt_text="...", data=d)\n'
            "plt.show()\n"
            'display(Markdown("The groups **differ**."))',
            [_image_output(), _markdown_output("The groups **differ**.")],
        ),
        _code(
            "plt.plot([1, 2])\nplt.show()  # shown, never saved: not published", [_image_output()]
        ),
        nbformat.v4.new_markdown_cell("## By sex"),
        _code(
            'for sex in ("Female", "Male"):\n'
            '    chapter.figure(ax.figure, f"alpha_{sex.lower()}", title=f"Alpha {sex}", alt_text="...",\n'
            "                   data=d)\n"
            "    plt.show()\n"
            'chapter.table(df[["ward", "count"]], "ward_counts", title="Admissions by ward, 2024",\n'
            '              count_columns="count")',
            [_image_output(), _image_output(), _html_table("Admissions by ward, 2024")],
        ),
        nbformat.v4.new_markdown_cell("## Key messages"),
        _code(
            "chapter.messages(lines)",
            [
                _markdown_output(
                    chapter.messages(["Group b has 20 people.", "Alpha is higher in b."]).data,
                    "execute_result",
                )
            ],
        ),
        _code('chapter.table(england, "a_england_values", title="England values")', []),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    executed = reports / "07_small_example.ipynb"
    nbformat.write(notebook, executed)
    return {
        "root": root,
        "figures": figures,
        "reports": reports,
        "tables": tables,
        "notebook": executed,
    }


def _docx(chapter: dict, out: Path, **kwargs) -> Path:
    return chapter_docx(
        chapter["notebook"],
        figures=chapter["figures"],
        tables=chapter["tables"],
        out=out,
        synthetic=True,
        **kwargs,
    )


def _pictures(document) -> list[dict]:
    return [dict(element.attrib) for element in document.element.body.iter(WP_DOCPR)]


def _body_order(document) -> list[str]:
    """Headings, captions and pictures in document order, as short labels."""
    labels = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name
        if style.startswith("Heading") or style in ("Title", "Caption"):
            # the caption number is a SEQ field, which python-docx's .text leaves out
            text = "".join(t.text or "" for t in paragraph._p.iter(qn("w:t")))
            labels.append(f"{style}: {text}")
        for element in paragraph._p.iter(WP_DOCPR):
            labels.append(f"picture: {element.get('name')}")
    return labels


def test_docx_headings_figures_and_alt_text(small_chapter, tmp_path):
    path = _docx(
        small_chapter, tmp_path / "chapter.docx", sources=["Office for National Statistics"]
    )
    document = Document(path)
    order = _body_order(document)
    assert order == [
        "Title: Small example chapter",
        "Heading 1: People by group",
        "Heading 2: Detail",
        "Caption: Figure 1: Zeta: people by group",
        "picture: 07_zeta_bars.png",
        "Heading 1: By sex",
        "Caption: Figure 2: Alpha for females",
        "picture: 07_alpha_female.png",
        "Caption: Figure 3: Alpha for males",
        "picture: 07_alpha_male.png",
        "Caption: Table 1: Admissions by ward, 2024",
        "Heading 1: Key messages",
        "Caption: Table 2: England values",
        "Heading 1: Sources and caveats",
        "Heading 2: Sources",
        "Heading 2: Caveats",
    ]
    manifest = pd.read_csv(small_chapter["figures"] / "manifest.csv")
    alt = dict(zip(manifest["file"], manifest["alt_text"], strict=True))
    pictures = _pictures(document)
    # every figure of chapter 07 is there once, with the manifest's alt text; the unsaved image
    # and chapter 02's figure are not
    assert sorted(p["name"] for p in pictures) == [
        "07_alpha_female.png",
        "07_alpha_male.png",
        "07_zeta_bars.png",
    ]
    for picture in pictures:
        assert picture["descr"] == alt[picture["name"]]
        assert picture["descr"].startswith("Bar chart")
    # pictures fill the text width (17 cm on A4 with 2 cm margins) and are the saved 300 dpi PNGs
    for shape in document.inline_shapes:
        assert abs(shape.width.cm - 17.0) < 0.01
    media = [n for n in zipfile.ZipFile(path).namelist() if n.startswith("word/media/")]
    saved = {p.read_bytes() for p in small_chapter["figures"].glob("07_*.png")}
    assert {zipfile.ZipFile(path).read(n) for n in media} == saved
    texts = [p.text for p in document.paragraphs]
    assert texts[1].startswith("Synthetic data:")
    assert "Office for National Statistics" in texts
    assert not any("plt.show" in t or "chapter.figure" in t for t in texts)  # no code


def test_docx_narrative_and_key_messages(small_chapter, tmp_path):
    document = Document(_docx(small_chapter, tmp_path / "chapter.docx"))
    paragraphs = document.paragraphs
    intro = next(p for p in paragraphs if p.text.startswith("An introduction"))
    assert [r.text for r in intro.runs if r.bold] == ["bold"]
    assert [r.text for r in intro.runs if r.italic] == ["italic"]
    assert "link to the ONS" in intro.text  # the hyperlink's text
    assert "w:hyperlink" in intro._p.xml and "https://www.ons.gov.uk" in {
        r.target_ref for r in document.part.rels.values() if r.is_external
    }
    bullets = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    assert bullets[:4] == [
        "first point",
        "second point continues here",
        "Group b has 20 people.",
        "Alpha is higher in b.",
    ]
    differ = next(p for p in paragraphs if p.text == "The groups differ.")
    assert [r.text for r in differ.runs if r.bold] == ["differ"]
    # "**Key messages**" is not repeated under the notebook's own Key messages heading
    assert [p.text for p in paragraphs].count("Key messages") == 1
    assert any(p.text.startswith("Synthetic data: these are not real figures") for p in paragraphs)


def test_docx_tables(small_chapter, tmp_path):
    document = Document(_docx(small_chapter, tmp_path / "chapter.docx"))
    assert len(document.tables) == 2
    wards, england = document.tables
    header = wards.rows[0]
    assert (
        header._tr.trPr.find(qn("w:tblHeader")) is not None
    )  # repeats on each page, marked as header
    assert all(
        r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in wards.rows[1:]
    )
    assert [c.text for c in header.cells] == ["ward", "count", "denominator", "period", "value"]
    rows = [[c.text for c in r.cells] for r in wards.rows[1:]]
    # 3 is suppressed, and so is the next smallest count (12) so that it cannot be worked out from the
    # total; their rates too. The ward called "NA" stays a ward; the years have no thousands separator.
    assert rows[0] == ["Amet Hill", "[c]", "1000", "2024", "[c]"]
    assert rows[1][:2] == ["Bogus Bridge", "[c]"]
    assert rows[2] == [
        "Copyton",
        "40",
        "3900",
        "2024",
        "1.02564",
    ]  # the CSV keeps 6 significant figures
    assert rows[4][0] == "NA"
    assert [c.text for c in england.rows[2].cells] == ["Obesity", "[x]"]
    caption = wards._tbl.tblPr.find(qn("w:tblCaption"))
    assert caption.get(qn("w:val")) == "Admissions by ward, 2024"
    texts = [p.text for p in document.paragraphs]
    note = next(t for t in texts if t.startswith("Notes:") and "crude" in t)
    assert (
        "Rates are crude, per 100 people." in note and "Counts of 1 to 4 are shown as [c]" in note
    )
    assert sum(t.startswith("Source:") for t in texts) == 5  # three figures, two tables


def test_docx_long_and_wide_tables(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    long = pd.DataFrame({"lsoa": [f"E01{i:06d}" for i in range(MAX_DOCX_ROWS + 50)], "people": 100})
    long.to_csv(tables / "long.csv", index=False)
    wide = pd.DataFrame({f"column {i}": [i] for i in range(12)})
    wide.to_csv(tables / "wide.csv", index=False)
    pd.DataFrame(
        {"file": ["long.csv", "wide.csv"], "title": ["Long", "Wide"], "source": "S", "note": ""}
    ).to_csv(tables / "tables.csv", index=False)
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Long")]),
        tmp_path / "09_long.ipynb",
    )
    path = chapter_docx(
        tmp_path / "09_long.ipynb",
        figures=tmp_path,
        tables=tables,
        out=tmp_path / "a.docx",
        synthetic=False,
    )
    document = Document(path)
    long_table, wide_table = document.tables
    assert len(long_table.rows) == MAX_DOCX_ROWS + 1
    assert any(
        f"The first {MAX_DOCX_ROWS} of {MAX_DOCX_ROWS + 50} rows" in p.text
        for p in document.paragraphs
    )
    assert not any(p.text.startswith("Synthetic data") for p in document.paragraphs)
    # the twelve-column table is on its own landscape page, then the document returns to portrait
    orientations = [s.page_width > s.page_height for s in document.sections]
    assert orientations == [False, True, False]
    assert len(wide_table.columns) == 12


def test_docx_is_byte_identical(small_chapter, tmp_path):
    first = _docx(small_chapter, tmp_path / "a.docx").read_bytes()
    second = _docx(small_chapter, tmp_path / "b.docx").read_bytes()
    assert first == second
    document = Document(io.BytesIO(first))
    assert document.core_properties.created == FIXED_DATE
    assert document.core_properties.title == "Small example chapter"


def test_docx_date_from_source_date_epoch(small_chapter, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    document = Document(_docx(small_chapter, tmp_path / "a.docx"))
    assert document.core_properties.modified.year == 2026
    assert {i.date_time[:3] for i in zipfile.ZipFile(tmp_path / "a.docx").infolist()} == {
        (2026, 1, 1)
    }


def test_docx_errors(small_chapter, tmp_path):
    with pytest.raises(SourceError, match="does not exist; run the chapter first"):
        chapter_docx(
            tmp_path / "missing.ipynb",
            figures=tmp_path,
            tables=tmp_path,
            out=tmp_path / "x.docx",
            synthetic=False,
        )
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "manifest.csv").write_text(
        "file,title,alt_text,source,synthetic\n07_gone.png,Gone,Alt,Src,False\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="07_gone.png.*is missing; rebuild the chapter"):
        chapter_docx(
            small_chapter["notebook"],
            figures=figures,
            tables=tmp_path,
            out=tmp_path / "x.docx",
            synthetic=False,
        )
    (figures / "manifest.csv").write_text("file,title\n07_gone.png,Gone\n", encoding="utf-8")
    with pytest.raises(SourceError, match="lacks columns 'alt_text', 'source'"):
        chapter_docx(
            small_chapter["notebook"],
            figures=figures,
            tables=tmp_path,
            out=tmp_path / "x.docx",
            synthetic=False,
        )
    assert not (tmp_path / "x.docx").exists()


def test_markdown_parsing():
    assert _inline("a **b** *c* `d` [e](http://f) <br> _g_ snake_case 2*3*4") == [
        ("a ", False, False, None),
        ("b", True, False, None),
        (" ", False, False, None),
        ("c", False, True, None),
        (" ", False, False, None),
        ("d", False, False, None),
        (" ", False, False, None),
        ("e", False, False, "http://f"),
        (" ", False, False, None),
        (" ", False, False, None),
        ("g", False, True, None),
        (" snake_case 2*3*4", False, False, None),
    ]
    assert _inline(r"\*not italic\*") == [("*not italic*", False, False, None)]
    assert _blocks(
        "## Head\ntext\nmore\n\n- one\n  - two\n1. first\n| a | b |\n|---|---|\n| 1 | 2 |"
    ) == [
        ("heading", 2, "Head"),
        ("paragraph", 0, "text more"),
        ("bullet", 0, "one"),
        ("bullet", 1, "two"),
        ("number", 0, "first"),
        ("row", 0, "| a | b |"),
        ("row", 0, "| 1 | 2 |"),
    ]


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
    assert values[0] == ["ward", "count", "denominator", "period", "value"]
    assert values[1] == ["Amet Hill", "[c]", 1000, 2024, "[c]"]
    assert values[2][:2] == ["Bogus Bridge", "[c]"]
    assert values[3][:4] == ["Copyton", 40, 3900, 2024]
    assert values[3][4] == pytest.approx(1.02564)
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
    names = _sheet_names(["Cover", "ward/rates: 2024?", "x" * 40, "X" * 40, "notes"])
    assert names == ["Cover_table", "ward_rates_ 2024", "x" * 31, "X" * 29 + "_2", "notes_table"]
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)


def test_write_documents_skips_failed(small_chapter, tmp_path):
    import shutil

    reports = tmp_path / "reports"
    shutil.copytree(small_chapter["reports"], reports)
    shutil.copy(small_chapter["notebook"], reports / "08_broken.FAILED.ipynb")
    written = write_documents(reports, small_chapter["figures"], synthetic=True, sources=["Src"])
    assert [p.name for p in written] == ["07_small_example.docx", "07_small_example.xlsx"]
    import openpyxl

    # the workbook has the tables in the order the chapter shows them
    assert openpyxl.load_workbook(written[1]).sheetnames[3:] == ["ward_counts", "a_england_values"]


@pytest.mark.slow
def test_real_chapter_01_from_build(demo_pack, tmp_path):
    import openpyxl

    from jsna.publish.build import build

    result = build(demo_pack, None, tmp_path, chapters=["01"], progress=lambda *_: None)
    assert result.ok, result.failed
    written = write_documents(result.reports, result.figures, synthetic=True, sources=["Demo pack"])
    docx_path, xlsx_path = written
    assert docx_path.name == "01_population_and_deprivation.docx"
    document = Document(docx_path)
    manifest = pd.read_csv(result.figures / "manifest.csv")
    ours = manifest[manifest["file"].str.startswith("01_")]
    pictures = _pictures(document)
    assert len(pictures) == len(ours) >= 4
    assert {p["name"]: p["descr"] for p in pictures} == dict(
        zip(ours["file"], ours["alt_text"], strict=True)
    )
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["Population by age and sex", "Population by ward", "Deprivation"]
    assert "Key messages" in headings and headings[-1] == "Sources and caveats"
    listed = pd.read_csv(result.reports / "tables" / "01_population_and_deprivation" / "tables.csv")
    assert len(document.tables) == len(listed)
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    book = openpyxl.load_workbook(xlsx_path)
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert sorted(book.sheetnames[3:]) == sorted(Path(f).stem for f in listed["file"])
    for name in book.sheetnames[3:]:
        assert len(book[name].tables) == 1
