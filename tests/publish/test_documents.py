"""Word and Excel versions of every built chapter (jsna.publish.documents.write_documents).

The small chapter of ``conftest.py`` is exported beside a failed one; then the real
chapter 01 is built and exported end to end.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from jsna.publish import documents
from jsna.publish.documents import write_documents

WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def test_documents_keeps_its_public_names():
    from jsna.publish import excel, saved, stable, word

    assert documents.FIXED_DATE is stable.FIXED_DATE
    assert documents.NOT_AVAILABLE_MARKER == saved.NOT_AVAILABLE_MARKER == "[x]"
    assert documents.MAX_DOCX_ROWS == word.MAX_DOCX_ROWS == 200
    assert documents.chapter_docx is word.chapter_docx
    assert documents.chapter_workbook is excel.chapter_workbook


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
    pictures = [dict(e.attrib) for e in document.element.body.iter(WP_DOCPR)]
    assert len(pictures) == len(ours) >= 4
    assert {p["name"]: p["descr"] for p in pictures} == dict(
        zip(ours["file"], ours["alt_text"], strict=True)
    )
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == [
        "Key messages",  # first: reserved at the top and filled when the chapter has run
        "Population by age and sex",
        "Population by ward",
        "Census 2021: who lives here",
    ]
    assert headings[-1] == "Sources and caveats"
    listed = pd.read_csv(result.reports / "tables" / "01_population_and_deprivation" / "tables.csv")
    assert len(document.tables) == len(listed)
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    book = openpyxl.load_workbook(xlsx_path)
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert sorted(book.sheetnames[3:]) == sorted(Path(f).stem for f in listed["file"])
    for name in book.sheetnames[3:]:
        assert len(book[name].tables) == 1
