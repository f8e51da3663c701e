"""The Word version of a chapter (jsna.publish.word.chapter_docx)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from jsna.exceptions import SourceError
from jsna.publish.stable import FIXED_DATE
from jsna.publish.word import MAX_DOCX_ROWS, chapter_docx

WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


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
    assert [c.text for c in header.cells] == ["Ward", "Count", "Denominator", "Period", "Value"]
    rows = [[c.text for c in r.cells] for r in wards.rows[1:]]
    # 3 is suppressed, and so is the next smallest count (12) so that it cannot be worked out from
    # the total; their rates too. The ward called "NA" stays a ward; the years have no thousands
    # separator.
    assert rows[0] == ["Amet Hill", "[c]", "1000", "2024", "[c]"]
    assert rows[1][:2] == ["Bogus Bridge", "[c]"]
    assert rows[2] == [
        "Copyton",
        "40",
        "3900",
        "2024",
        "1.03",
    ]  # the CSV keeps 6 significant figures (1.02564); Word shows them rounded to their unit
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
