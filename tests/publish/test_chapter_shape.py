"""Chapters read as a JSNA: key messages first (HTML and Word), draft recommendations,
ambitions with their sources, local-only key messages and counts in words.

Reads the session's builds of the demo and of Wirral (E08000015, from the real pack in
../shared/data), made once by the ``builds`` fixture of tests/publish/conftest.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document

WIRRAL = "E08000015"
PLACEHOLDER = "The key messages are written once every section has been computed."
BAD_GRAMMAR = re.compile(
    r"\b0 (worse|better|similar|wards?|indicators?|practices?)\b|\b1 (indicators|wards|practices"
    r"|authorities|neighbours)\b|\bOf the 1\b|indicator\(s\)"
)


@pytest.fixture(scope="module")
def demo(builds) -> Path:
    """The demo's reports, from the session's builds (tests/publish/conftest.py)."""
    return builds.reports(builds.demo)


@pytest.fixture(scope="module")
def wirral(builds) -> Path:
    """Wirral's reports from the real pack, from the session's builds."""
    return builds.reports(WIRRAL)


def _html(reports: Path, chapter: str) -> BeautifulSoup:
    (path,) = reports.glob(f"{chapter}_*.html")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _docx(reports: Path, chapter: str):
    (path,) = reports.glob(f"{chapter}_*.docx")
    return Document(path)


def _title(heading) -> str:
    """A heading's text without nbconvert's anchor link."""
    return heading.get_text(strip=True).rstrip("¶").strip()


def _section(soup: BeautifulSoup, heading: str) -> str:
    """The text from an ``<h2>`` to the next ``<h2>``."""
    start = next(h for h in soup.find_all("h2") if _title(h).startswith(heading))
    parts = []
    for element in start.find_all_next(["h2", "p", "li", "caption"]):
        if element.name == "h2":
            break
        parts.append(element.get_text(" ", strip=True))
    return "\n".join(parts)


def _key_messages_html(soup: BeautifulSoup) -> list[str]:
    heading = next(h for h in soup.find_all("h2") if _title(h) == "Key messages")
    return [li.get_text(" ", strip=True) for li in heading.find_next("ul").find_all("li")]


def _check_shape(reports: Path, chapter: str) -> BeautifulSoup:
    soup = _html(reports, chapter)
    headings = [_title(h) for h in soup.find_all(["h1", "h2"])]
    assert headings[0] and headings[1] == "Key messages", headings[:3]
    for later in (
        "Why it matters",
        "Position against national ambitions",
        "Draft recommendations",
        "Data, methods and caveats",
    ):
        assert later in headings, (chapter, later, headings)
    assert headings.index("Draft recommendations") < headings.index("Data, methods and caveats")
    messages = _key_messages_html(soup)
    assert messages and all("Why it matters here:" in m for m in messages[:1])
    text = soup.get_text(" ")
    assert PLACEHOLDER not in text
    assert "Draft for local review" in _section(soup, "Draft recommendations")
    # counts in words in what the chapter writes (table notes come from the analysis layer)
    written = "\n".join(messages) + "".join(
        _section(soup, h) for h in ("Position against national ambitions", "Draft recommendations")
    )
    assert not BAD_GRAMMAR.search(written), BAD_GRAMMAR.search(written).group(0)
    # Word: the key messages are the first section after the title, as bullets
    paragraphs = [p for p in _docx(reports, chapter).paragraphs if p.text.strip()]
    first_heading = next(p for p in paragraphs if p.style.name == "Heading 1")
    assert first_heading.text == "Key messages"
    after = paragraphs[paragraphs.index(first_heading) + 1]
    assert after.style.name == "List Bullet" and after.text.startswith(messages[0][:40])
    words = "\n".join(p.text for p in paragraphs)
    assert PLACEHOLDER not in words and "Draft for local review" in words
    return soup


@pytest.mark.parametrize("chapter", ["02", "03", "04", "05"])
def test_demo_chapters_have_the_jsna_shape(demo, chapter):
    _check_shape(demo, chapter)


@pytest.mark.parametrize("chapter", ["02", "03", "05"])
def test_wirral_chapters_have_the_jsna_shape(wirral, chapter):
    _check_shape(wirral, chapter)


def test_wirral_hypertension_against_the_80_percent_ambition(wirral):
    soup = _html(wirral, "03")
    messages = _key_messages_html(soup)
    assert messages[0].startswith(
        "Wirral's share of expected high blood pressure that is diagnosed is 64.4% "
        "(95% CI 63.9% to 65.0%) in QOF 2019/20, below the national ambition of 80% by 2029."
    )
    position = _section(soup, "Position against national ambitions")
    assert "64.4%" in position and "Source: Public Health England and NHS England" in position
    drafted = _section(soup, "Draft recommendations")
    assert "Agree a hypertension case-finding plan for Wirral" in drafted
    # the pack has no patients by LSOA: the chapter says which role would name the places
    methods = _section(soup, "Data, methods and caveats")
    assert "gp.lsoa_patients" in methods


def test_wirral_inequalities_key_messages_are_local(wirral, shared_data):
    from jsna.io.datapack import DataPack

    soup = _html(wirral, "05")
    messages = "\n".join(_key_messages_html(soup))
    # no national decile gradient among the area's key messages
    for national in ("Campylobacter", "England's areas", "decile"):
        assert national not in messages
    lookup = DataPack.open(shared_data).read("lookup.lsoa_ward_lad")
    others = set(lookup.loc[lookup["lad24_code"] != WIRRAL, "lad24_name"])
    assert not [name for name in others if re.search(rf"\b{re.escape(name)}\b", messages)]
    # the IoD rank among all authorities, from the LSOA file: 49 of 209 LSOAs, 28th of 296
    assert "49 of Wirral's 209 neighbourhoods (LSOAs, 23.4%)" in messages
    assert "the 28th highest share of 296 local authorities" in messages
    # England's gradient is labelled national context, and its table is not captioned Wirral's
    assert "National context (England, not Wirral)" in soup.get_text(" ")
    caption = next(c for c in soup.find_all("caption") if "by deprivation across" in c.text)
    assert caption.get_text().startswith("National context")
    # ambitions computed per clinical area, each with its source
    position = _section(soup, "Position against national ambitions")
    assert position.count("Source:") == 11
    assert re.search(
        r"Share of expected high blood pressure that is diagnosed\s*:\s*64\.4%", position
    )


def test_wirral_single_indicator_gets_a_sentence_not_a_chart(wirral):
    figures = wirral.parent.parent / "figures" / wirral.name
    assert not list(figures.glob("02_spine_chart.*")) and not list(figures.glob("02_tartan_rug.*"))
    text = _html(wirral, "02").get_text(" ")
    assert "With one children's indicator in the data pack" in text
    assert "ranks 2nd of 11 with its statistical neighbours" in text
