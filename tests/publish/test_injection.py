"""Text from data is never markup or a formula in what jsna publishes (issue 12, "Injection").

A copy of the demo pack whose area, ward and Fingertips names, pack name and
attribution hold script tags, event handlers, Markdown links and formula
prefixes is built (chapters 01 and 02); the HTML, every CSV, the figures
manifest and the Word file are checked. Unit cases of the two escaping rules
follow (:mod:`jsna.publish.escape`, :func:`jsna.io.atomic.neutralise_cell`).
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from jsna.io.atomic import FORMULA_TRIGGERS, csv_safe, neutralise_cell, restore_cell
from jsna.publish.escape import html_text, markdown_text
from jsna.publish.markdown import inline, plain

AREA = "Demo<script>alert(1)</script>shire"
ENGLAND = "England <b onmouseover=alert(4)>x</b>"
WARDS = {
    "Amet Hill": "=1+2 Amet Hill",
    "Bogus Bridge": "<img src=x onerror=alert(2)>Bogus",
    "Fauxfield": "@SUM(1) Fauxfield",
    "Foobar Green": "-2+3 Foobar [a](javascript:alert(7))",
}
INDICATOR = "Hospital admissions caused by unintentional"
PACK_NAME = "Demo <iframe src=javascript:alert(5)></iframe> pack"
ATTRIBUTION = (
    '=HYPERLINK("http://evil.example") <iframe src=x></iframe> [click](javascript:alert(6))'
)


def _poisoned_pack(demo_pack: Path, folder: Path) -> Path:
    pack = folder / "pack"
    shutil.copytree(demo_pack, pack)
    replacements = {
        "Demoshire (synthetic)": AREA,
        "England (synthetic)": ENGLAND,
        INDICATOR: "<script>alert(3)</script>" + INDICATOR,
        **WARDS,
    }
    for path in pack.rglob("*"):
        if path.suffix.lower() in (".csv", ".geojson"):
            text = path.read_text(encoding="utf-8-sig")
            for old, new in replacements.items():
                new = new.replace('"', '\\"') if path.suffix == ".geojson" else new
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
    manifest = pack / "datapack.toml"
    text = manifest.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^name = ".*"$', f"name = '{PACK_NAME}'", text, count=1)
    text = text.replace("attribution = [", f"attribution = [\n  '{ATTRIBUTION}',", 1)
    # each file's own attribution line too: outputs cite the files they used
    text = re.sub(r'(?m)^attribution = ".*"$', f"attribution = '{ATTRIBUTION}'", text)
    manifest.write_text(text, encoding="utf-8")
    return pack


@pytest.fixture(scope="module")
def poisoned_build(demo_pack, tmp_path_factory):
    from jsna.publish.build import build

    folder = tmp_path_factory.mktemp("poisoned")
    pack = _poisoned_pack(demo_pack, folder)
    result = build(pack, None, folder / "out", chapters=["01", "02"], progress=lambda _: None)
    assert not result.failed, result.failed
    return folder / "out"


def _html_pages(out: Path) -> list[Path]:
    pages = sorted((out / "reports" / "E06999001").glob("0[12]_*.html"))
    assert len(pages) == 2
    return pages


def test_names_from_data_are_text_in_the_html(poisoned_build):
    from bs4 import BeautifulSoup

    for page in _html_pages(poisoned_build):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        scripts = [s.get_text() for s in soup.find_all("script")]
        assert not [s for s in scripts if "alert(" in s], page.name
        assert not soup.find_all("iframe"), page.name
        handlers = [
            (tag.name, attribute)
            for tag in soup.find_all(True)
            for attribute in tag.attrs
            if attribute.lower().startswith("on")
        ]
        assert handlers == [], page.name
        links = [a.get("href", "") for a in soup.find_all("a")]
        assert not [h for h in links if h.strip().lower().startswith("javascript:")], page.name
        # the names are shown, as text
        text = soup.get_text(" ")
        assert AREA in text, page.name
    chapter_01 = BeautifulSoup(_html_pages(poisoned_build)[0].read_text(), "html.parser")
    text = chapter_01.get_text(" ")
    assert PACK_NAME in text and "<img src=x onerror=alert(2)>Bogus" in text
    assert "[click](javascript:alert(6))" in text  # the attribution line, as written


def _csv_cells(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_no_csv_cell_starts_a_formula(poisoned_build):
    files = list(poisoned_build.rglob("*.csv"))
    assert any(f.name == "manifest.csv" for f in files)
    assert any(f.name == "tables.csv" for f in files)
    assert len(files) > 20
    number = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
    for path in files:
        for cell in _csv_cells(path):
            if cell and cell[0] in FORMULA_TRIGGERS:
                assert number.fullmatch(cell), (path.name, cell)
    cells = {cell for path in files for cell in _csv_cells(path)}
    assert "'=1+2 Amet Hill" in cells and "'@SUM(1) Fauxfield" in cells
    manifest = poisoned_build / "figures" / "E06999001" / "manifest.csv"
    sources = set(pd.read_csv(manifest, dtype=str)["source"])
    assert all(ATTRIBUTION in s for s in sources)  # the line is inside, not at the start


def test_word_and_excel_show_names_as_written(poisoned_build):
    import docx
    import openpyxl

    reports = poisoned_build / "reports" / "E06999001"
    document = docx.Document(reports / "01_population_and_deprivation.docx")
    targets = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert not [t for t in targets if not t.startswith(("https://", "http://", "mailto:"))]
    text = "\n".join(p.text for p in document.paragraphs)
    table_text = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert ATTRIBUTION in text
    assert "=1+2 Amet Hill" in table_text and "'=1+2" not in table_text
    book = openpyxl.load_workbook(reports / "01_population_and_deprivation.xlsx")
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert "=1+2 Amet Hill" in values  # stored as text: the workbook writes no formulas
    assert not [c for s in book for r in s.iter_rows() for c in r if c.data_type == "f"]


# --- unit cases of the two rules -------------------------------------------------------------

MARKDOWN_CASES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<style>body{display:none}</style>",
    "<iframe src='https://evil.example'></iframe>",
    "[click](javascript:alert(1))",
    "![tracker](https://evil.example/pixel.png)",
    "<https://evil.example>",
    "<a href='javascript:alert(1)'>x</a>",
    "**bold** _it_ `code`",
    "# Heading\n- list item\n1. numbered",
    "| a | b |\n|---|---|",
    "&lt;script&gt; &amp; &#60;",
    "$x^2$ and $$y$$",
    "<svg onload=alert(1)>",
    "St Helen's & Knowsley (North) 1.5% [c]",
]


@pytest.mark.parametrize("text", MARKDOWN_CASES)
def test_markdown_text_renders_as_the_same_text_in_html_and_word(text):
    from bs4 import BeautifulSoup
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    escaped = markdown_text(text)
    rendered = BeautifulSoup(markdown2html_mistune(escaped), "html.parser")
    one_line = re.sub(r"\s*\n\s*", " ", text)
    assert [t.name for t in rendered.find_all(True)] == ["p"]  # no tag but the paragraph
    assert rendered.get_text().strip() == one_line
    runs = inline(escaped)
    assert plain(escaped) == one_line
    assert all(not bold and not italic and url is None for _, bold, italic, url in runs)


@pytest.mark.parametrize("text", MARKDOWN_CASES)
def test_html_text_is_never_markup(text):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(f"<td>{html_text(text)}</td>", "html.parser")
    assert [t.name for t in soup.find_all(True)] == ["td"]
    assert soup.get_text() == text


def test_full_width_look_alikes_are_text():
    """U+FF1C/U+FF1E are not markup (left as they are); U+FF1D is neutralised in CSV."""
    assert markdown_text("＜script＞") == "＜script＞"
    assert html_text("＜script＞") == "＜script＞"
    assert neutralise_cell("＝1+1") == "'＝1+1"
    assert neutralise_cell("\u22121") == "'\u22121"  # the minus sign U+2212 is not a number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-1.5", "-1.5"),
        ("+44", "+44"),
        ("-2.5e-05", "-2.5e-05"),
        ("-", "'-"),
        ("A=1", "A=1"),
        (" =1+1", " =1+1"),
        (-3.0, -3.0),
        (None, None),
    ],
)
def test_neutralise_cell_follows_owasp(value, expected):
    assert neutralise_cell(value) == expected
    assert restore_cell(neutralise_cell(value)) == value


def test_a_quoted_formula_field_is_neutralised_inside_its_quotes(tmp_path):
    """pandas quotes a field with a comma; the quote does not stop Excel, the apostrophe does."""
    from jsna.io.atomic import write_csv_atomic

    path = write_csv_atomic(
        tmp_path / "t.csv", pd.DataFrame({"name": ['=HYPERLINK("http://x","y")'], "v": [-1.5]})
    )
    assert path.read_text() == 'name,v\n"\'=HYPERLINK(""http://x"",""y"")",-1.5\n'
    assert _csv_cells(path)[2] == '\'=HYPERLINK("http://x","y")'


def test_csv_safe_leaves_numbers_and_neutralises_headers():
    frame = pd.DataFrame({"=bad header": ["=x", "ok"], "n": [-1, 2]})
    safe = csv_safe(frame)
    assert list(safe.columns) == ["'=bad header", "n"]
    assert safe["'=bad header"].tolist() == ["'=x", "ok"]
    assert safe["n"].tolist() == [-1, 2]
    assert frame["=bad header"].tolist() == ["=x", "ok"]  # the caller's frame is untouched
