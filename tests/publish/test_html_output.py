"""The demo build's HTML shows every saved figure and table, readably (issue 13 item 5).

Reads the session's demo build (``builds`` in ``tests/publish/conftest.py``) and parses
each chapter's HTML: every figure in the
figures manifest is there once with the manifest's alt text; tables have a
caption, readable headers, and no "nan"/"None". The Word and Excel versions place
every figure and table where the HTML shows them (no "Other figures and tables").
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

AREA = "E06999001"


@pytest.fixture(scope="module")
def demo_build(builds):
    assert not builds.failed[AREA], builds.failed[AREA]
    return builds.out


def _pages(out: Path) -> list[Path]:
    pages = sorted((out / "reports" / AREA).glob("[0-9][0-9]_*.html"))
    assert len(pages) == 6
    return pages


def _soup(page: Path):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    return soup


def test_every_saved_figure_is_in_the_html_with_its_alt_text(demo_build):
    manifest = pd.read_csv(demo_build / "figures" / AREA / "manifest.csv", dtype=str)
    for page in _pages(demo_build):
        saved = manifest[manifest["file"].str.startswith(page.name[:3])]
        assert len(saved), page.name
        alts = [img.get("alt") for img in _soup(page).find_all("img")]
        assert sorted(alts) == sorted(saved["alt_text"]), page.name  # each once, nothing else


def test_tables_are_readable(demo_build):
    snake = re.compile(r"[a-z0-9]_[a-z0-9]|^[a-z]+$")
    for page in _pages(demo_build):
        soup = _soup(page)
        text = soup.get_text(" ")
        assert not re.search(r"\b(nan|NaN|None)\b", text), page.name
        for table in soup.find_all("table"):
            assert table.find("caption").get_text().strip(), page.name
            headers = [th.get_text().strip() for th in table.find_all("th")]
            assert headers and not [h for h in headers if snake.search(h)], (page.name, headers)
            assert all(th.get("scope") == "col" for th in table.find_all("th"))
            for cell in table.find_all("td"):
                value = cell.get_text().strip()
                # numbers rounded to their unit: at most 3 decimal places
                assert not re.fullmatch(r"-?[\d,]*\.\d{4,}", value), (page.name, value)


def test_counts_of_people_are_whole(demo_build):
    soup = _soup(_pages(demo_build)[2])  # 03: expected and undiagnosed people
    table = soup.find("table", id="jsna-table-condition_gaps")
    headers = [th.get_text() for th in table.find_all("th")]
    column = headers.index("Expected")
    values = [row.find_all("td")[column].get_text() for row in table.find("tbody").find_all("tr")]
    assert values and all(re.fullmatch(r"[\d,]+|\[c\]|\[x\]", v) for v in values), values


def test_word_and_excel_place_everything_where_the_html_shows_it(demo_build):
    import docx
    import openpyxl

    reports = demo_build / "reports" / AREA
    manifest = pd.read_csv(demo_build / "figures" / AREA / "manifest.csv", dtype=str)
    for page in _pages(demo_build):
        stem = page.name.removesuffix(".html")
        document = docx.Document(reports / f"{stem}.docx")
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert "Other figures and tables" not in headings, stem
        pictures = document.inline_shapes
        assert len(pictures) == (manifest["file"].str.startswith(stem[:3])).sum(), stem
        shown = [t.get("id").removeprefix("jsna-table-") for t in _soup(page).find_all("table")]
        sheets = openpyxl.load_workbook(reports / f"{stem}.xlsx", read_only=True).sheetnames[3:]
        listing = reports / "tables" / stem / "tables.csv"
        listed = pd.read_csv(listing, dtype=str)["file"] if listing.exists() else []
        assert sorted(shown) == sorted(f.removesuffix(".csv") for f in listed), stem
        assert sheets == [s[:31] for s in shown], stem
