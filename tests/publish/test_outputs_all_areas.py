"""Acceptance tests of issue 13 over real builds: the demo and every authority of the pack.

The builds are made once per session (``builds`` in ``tests/publish/conftest.py``). For every
chapter of every area and each format (the web page, the Word document, the Excel workbook):

- nothing reads "nan", "None", "NaT" or "<NA>", and no table header is a raw column name
  (snake_case or a bare lower-case identifier); no table cell is left blank (missing cells
  are ``[x]``, suppressed ones ``[c]``); numbers are rounded to their unit and counts of
  people are whole;
- every figure the chapter saved is in its web page and its Word document once, with the
  alt text of the figures manifest;
- no authority of the pack other than the built area and its comparators (statistical
  neighbours, region, England) is named, outside quoted source lines;
- the area's ``index.html`` links every chapter's web page, Word document and workbook.

The rules are tested, not today's wording: chapters change, the rules stay.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest

_MISSING = re.compile(r"(?<![\w<-])(nan|NaN|NaT|None|<NA>)(?![\w>-])")
_ALLOWED_NONE = re.compile(r"^None (of|were|was|is|are|here|in)\b")
_RAW_HEADER = re.compile(r"[A-Za-z0-9]_[A-Za-z0-9]|^[a-z][a-z0-9]*$")
_TOO_PRECISE = re.compile(r"-?[\d,]*\.\d{4,}")
_PEOPLE_HEADER = re.compile(
    r"^(Residents|Registered patients|Recorded \(register\)|Expected|Estimated undiagnosed|"
    r"Deaths|Births|Patients|People|Persons)\b(?!.*(%|rate|ratio|per|share))",
    re.I,
)
_WHOLE = re.compile(r"-?[\d,]+|\[c\]|\[x\]")


# --- what a reader sees, per format --------------------------------------------------------


def _soup(page: Path):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    return soup


def _is_source(text: str) -> bool:
    return text.strip().startswith(("Source:", "Sources:", "Source ", "Sources "))


@functools.lru_cache(maxsize=64)
def _html(page: Path) -> dict:
    soup = _soup(page)
    for note in soup.find_all(class_="jsna-table-note"):
        if _is_source(note.get_text()):
            note.decompose()
    tables = []
    for table in soup.find_all("table"):
        header = [th.get_text(" ", strip=True) for th in table.find_all("th")]
        rows = [
            [td.get_text(" ", strip=True) for td in row.find_all("td")]
            for row in table.find_all("tr")
            if row.find("td")
        ]
        tables.append((header, rows))
        caption = table.find("caption")
        table.replace_with(caption.get_text(" ", strip=True) if caption else "")
    lines = [
        line.strip()
        for line in soup.get_text("\n").splitlines()
        if line.strip() and not _is_source(line)
    ]
    alts = [img.get("alt") for img in soup.find_all("img")]
    return {"lines": lines, "tables": tables, "alts": alts}


@functools.lru_cache(maxsize=64)
def _word(path: Path) -> dict:
    import docx

    document = docx.Document(path)
    lines = [p.text for p in document.paragraphs if p.text.strip() and not _is_source(p.text)]
    tables = []
    for table in document.tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        tables.append((rows[0] if rows else [], rows[1:]))
    alts = [
        shape._inline.docPr.get("descr")
        for shape in document.inline_shapes  # noqa: SLF001
    ]
    return {"lines": lines, "tables": tables, "alts": alts}


@functools.lru_cache(maxsize=64)
def _excel(path: Path) -> dict:
    import openpyxl

    book = openpyxl.load_workbook(path)
    lines, tables = [], []
    for sheet in book.worksheets:
        inside = set()
        for table in sheet.tables.values():
            cells = sheet[table.ref]
            inside |= {c.coordinate for row in cells for c in row}
            header = [str(c.value) for c in cells[0]]
            tables.append((header, [[c.value for c in row] for row in cells[1:]]))
        for row in sheet.iter_rows():
            lines += [
                str(c.value)
                for c in row
                if c.coordinate not in inside
                and isinstance(c.value, str)
                and c.value.strip()
                and not _is_source(c.value)
            ]
    return {"lines": lines, "tables": tables, "alts": []}


def _formats(reports: Path, stem: str) -> dict[str, dict]:
    return {
        "html": _html(reports / f"{stem}.html"),
        "docx": _word(reports / f"{stem}.docx"),
        "xlsx": _excel(reports / f"{stem}.xlsx"),
    }


def _missing_words(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        for match in _MISSING.finditer(line):
            if match.group(1) == "None" and _ALLOWED_NONE.match(line[match.start() :]):
                continue
            found.append(line[:200])
    return found


# --- the tests --------------------------------------------------------------------------


def test_every_chapter_builds(builds, built_area):
    area = built_area
    builds.require(area)
    assert not builds.failed[area], builds.failed[area]
    assert builds.built[area], f"no chapter of {area} was built"


def test_no_missing_values_or_raw_names(builds, built_area):
    area = built_area
    reports = builds.reports(area)
    problems = []
    for stem in builds.chapters(area):
        for kind, seen in _formats(reports, stem).items():
            where = f"{stem}.{kind}"
            cells = [str(v) for _, rows in seen["tables"] for row in rows for v in row if v]
            problems += [f"{where}: {line!r}" for line in _missing_words([*seen["lines"], *cells])]
            for header, rows in seen["tables"]:
                raw = [h for h in header if _RAW_HEADER.search(h or "")]
                if raw:
                    problems.append(f"{where}: raw column names {raw}")
                blank = sum(1 for row in rows for v in row if v is None or str(v).strip() == "")
                if blank and kind != "docx":  # Word's merged cells repeat, never blank
                    problems.append(f"{where}: {blank} blank cells under {header}")
    assert not problems, "\n".join(problems[:40])


def test_numbers_are_rounded_and_people_whole(builds, built_area):
    area = built_area
    reports = builds.reports(area)
    problems = []
    for stem in builds.chapters(area):
        for kind in ("html", "docx"):
            for header, rows in _formats(reports, stem)[kind]["tables"]:
                for index, name in enumerate(header):
                    cells = [str(row[index]) for row in rows if index < len(row)]
                    precise = [v for v in cells if _TOO_PRECISE.fullmatch(v)]
                    if precise:
                        problems.append(f"{stem}.{kind} {name!r}: {precise[:3]}")
                    if _PEOPLE_HEADER.search(name):
                        parts = [v for v in cells if not _WHOLE.fullmatch(v)]
                        if parts:
                            problems.append(f"{stem}.{kind} {name!r} (people): {parts[:3]}")
    assert not problems, "\n".join(problems[:40])


def test_every_saved_figure_is_shown_with_its_alt_text(builds, built_area):
    area = built_area
    reports, figures = builds.reports(area), builds.figures(area)
    manifest = pd.read_csv(figures / "manifest.csv", dtype=str, keep_default_na=False)
    manifest = manifest[manifest["file"].str.lower().str.endswith(".png")]
    problems = []
    for stem in builds.chapters(area):
        saved = sorted(manifest.loc[manifest["file"].str.startswith(stem[:3]), "alt_text"])
        for kind in ("html", "docx"):
            shown = sorted(_formats(reports, stem)[kind]["alts"])
            if shown != saved:
                problems.append(
                    f"{stem}.{kind}: saved {len(saved)} figures, shows {len(shown)}; "
                    f"not shown {sorted(set(saved) - set(shown))[:3]}, "
                    f"not saved {sorted(set(shown) - set(saved))[:3]}"
                )
    assert not problems, "\n".join(problems)


@functools.lru_cache(maxsize=4)
def _authorities(pack_dir: str) -> dict[str, str]:
    """Code -> name of the authorities of the shared pack, from its LSOA lookup."""
    from jsna.io.datapack import DataPack

    pack = DataPack.open(pack_dir)
    lookup = pack.read("lookup.lsoa_ward_lad")
    code = next(c for c in lookup.columns if c.startswith("lad") and c.endswith("_code"))
    names = lookup[[code, code.replace("_code", "_name")]].drop_duplicates(code)
    names = names[names[code].isin(pack.areas)]
    return dict(zip(names.iloc[:, 0], names.iloc[:, 1], strict=True))


@functools.lru_cache(maxsize=16)
def _comparators(pack_dir: str, area: str) -> frozenset[str]:
    """Names a chapter of ``area`` may use: the area, its wards, its statistical neighbours."""
    from jsna.io.datapack import DataPack
    from jsna.publish.build import area_title

    pack = DataPack.open(pack_dir)
    names = {area_title(pack, area), "England"}
    for role in ("neighbours.dfe", "neighbours.list"):
        if pack.has(role):
            frame = pack.read(role)
            names |= set(frame.loc[frame["area_code"] == area, "neighbour_name"].dropna())
    lookup = pack.read("lookup.lsoa_ward_lad")
    code = next(c for c in lookup.columns if c.startswith("lad") and c.endswith("_code"))
    ward = next(c for c in lookup.columns if c.startswith("wd") and c.endswith("_name"))
    names |= set(lookup.loc[lookup[code] == area, ward].dropna())
    return frozenset(str(n) for n in names)


def _name_pattern(name: str) -> re.Pattern:
    text = re.escape(name).replace(r"St\.\ ", r"St\.?\ ")
    return re.compile(rf"(?<![\w-]){text}(?![\w-])")


def test_no_other_authority_is_named(builds, built_area):
    """Prose, captions, alt text and tables name no authority but the area's comparators.

    Comparisons are with the area's statistical neighbours, the region and England (issue
    13), never with every authority of the pack.
    """
    area = built_area
    pack = builds.pack
    if pack is None:
        pytest.skip("the shared data pack is absent: no other authorities to look for")
    reports = builds.reports(area)
    own_pack = str(pack) if area != builds.demo else None
    allowed = _comparators(own_pack, area) if own_pack else frozenset()
    names = _authorities(str(pack))
    others = {
        name: _name_pattern(name)
        for code, name in names.items()
        if code != area and not any(_name_pattern(name).search(a) for a in allowed)
    }

    def named(text: object) -> list[str]:
        return [n for n, pattern in others.items() if pattern.search(str(text or ""))]

    problems = []
    for stem in builds.chapters(area):
        for kind, seen in _formats(reports, stem).items():
            for line in [*seen["lines"], *seen["alts"]]:
                if named(line):
                    problems.append(f"{stem}.{kind} names {named(line)}: {str(line)[:200]!r}")
            for header, rows in seen["tables"]:
                found = sorted({n for row in rows for v in row for n in named(v)})
                if found:
                    problems.append(f"{stem}.{kind} table {header[:3]}... names {found}")
    assert not problems, "\n".join(problems[:40])


def test_index_links_every_chapter(builds, built_area):
    area = built_area
    reports = builds.reports(area)
    page = reports / "index.html"
    assert page.is_file()
    assert oct(page.stat().st_mode & 0o777) == "0o644"
    soup = _soup(page)
    assert soup.find("html").get("lang") == "en" and soup.find("title").get_text().strip()
    links = {unquote(a["href"]) for a in soup.find_all("a")}
    for stem in builds.chapters(area):
        for suffix in (".html", ".docx", ".xlsx"):
            assert f"{stem}{suffix}" in links, (stem, suffix)
    assert all((reports / link).is_file() for link in links), links
    # the chapter's title, as its page's heading says it; each page titled after its
    # chapter, linking back to the index, loading no third-party script
    for stem in builds.chapters(area):
        text = (reports / f"{stem}.html").read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*\ssrc=", text), stem
        chapter = _soup(reports / f"{stem}.html")
        heading = chapter.find("h1").get_text(" ", strip=True).rstrip("¶").strip()
        assert heading in soup.get_text(" "), (stem, heading)
        assert chapter.find("title").get_text().startswith(heading), stem
        assert chapter.find("nav").find("a", href="index.html"), stem


def test_the_detectors_find_what_they_look_for():
    """The rules above can fail: each detector on text that breaks it, and on text that does not."""
    assert _missing_words(["Rate nan per 1,000", "<NA>", "value None", "2024 NaT"]) == [
        "Rate nan per 1,000",
        "<NA>",
        "value None",
        "2024 NaT",
    ]
    assert _missing_words(["None of the 12 wards", "Nantwich", "Financial year"]) == []
    assert [h for h in ("lower_ci95", "value", "Lower 95% CI", "IMD") if _RAW_HEADER.search(h)] == [
        "lower_ci95",
        "value",
    ]
    assert _PEOPLE_HEADER.search("Estimated undiagnosed") and not _PEOPLE_HEADER.search(
        "Expected %"
    )
    assert _name_pattern("St. Helens").search("in St Helens,") and not _name_pattern(
        "Halton"
    ).search("Haltonshire")
