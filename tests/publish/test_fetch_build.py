"""End to end: ``jsna fetch`` from (local stand-ins for) the publishers, then ``jsna build``.

A local HTTP server replays the catalogue's URLs (``fetch_replay.Publishers``: the
real files of ``../shared/data`` where we hold them, files written in the
publishers' layouts otherwise). It is reached as a proxy (``HTTP_PROXY``), so the
shipped catalogue is used with only ``https`` changed to ``http``.

Three authorities:

* **Sefton (E08000014)**, a lower-tier authority (a metropolitan district, an
  LTLA that is its own UTLA): chapters 03 (practices placed by where their
  patients live, QOF, modelled prevalence) and 04 (Fingertips against England,
  region and neighbours, dementia diagnosis) and 05 (Core20 shares for both IMD
  editions: IoD2019 is on LSOA 2011 beside an LSOA 2021 population, so it gives
  shares of LSOAs only, never residents moved back to 2011 LSOAs) are built.
  Chapters 01 and 02 build from fetched packs too (checked by hand; 01 is built
  below for the other two areas).
* **Liverpool (E08000012)**, affected by a boundary change: its wards were redrawn
  in May 2023, so the 2024 best-fit lookup leaves one ward (E05015332 Waterfront
  North) with no LSOA, and IoD2019 is on LSOA 2011, bridged to LSOA 2021 by the
  LSOA 2011 to 2021 lookup (split and merged LSOAs). Chapter 01 only (time).
* **Demoshire County (E10999001)**, an upper-tier county council (the synthetic
  demo area recoded as a county of two districts; no real county is in
  ``../shared``): the LTLA to UTLA lookup gives its districts and the pack covers
  both. Chapter 01 only (time).

Building three chapters for one pack and chapter 01 for the others keeps the wall
time near 90 s (50 to 65 s measured on a shared two-core machine with two chapters,
chapter 05 adds about 20 s; each chapter
build takes 10 to 40 s there, so all five for all three would take minutes). The packs are
built offline: the second fetch makes no request and the build runs with the server
stopped.
"""

from __future__ import annotations

import re

import pytest
from fetch_replay import COUNTY, DISTRICTS, Publishers

from jsna.io.catalogue import CATALOGUE, load_catalogue
from jsna.io.datapack import DataPack
from jsna.io.download import Downloader
from jsna.io.fetch import fetch_pack
from jsna.publish.build import build

SEFTON, LIVERPOOL = "E08000014", "E08000012"
AREAS = [SEFTON, LIVERPOOL]
# The chapters that use what only fetch brings (practices, QOF, modelled prevalence,
# Fingertips comparators) and chapter 05 (Core20 by IMD edition on mixed LSOA vintages).
SEFTON_CHAPTERS = ["03", "04", "05"]


@pytest.fixture(scope="module")
def publishers(shared_data, demo_pack):
    return Publishers(shared_data, demo_pack, AREAS)


@pytest.fixture
def proxied(tmp_path, httpserver, monkeypatch, publishers):
    httpserver.expect_request(re.compile(".*")).respond_with_handler(publishers.handler)
    monkeypatch.setenv("HTTP_PROXY", httpserver.url_for("/").rstrip("/"))
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "JSNA_FINGERTIPS_URL"):
        monkeypatch.delenv(name, raising=False)
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(CATALOGUE.read_text(encoding="utf-8").replace("https://", "http://"))
    return catalogue


def _fetch(area, pack, catalogue, cache):
    downloader = Downloader(cache, progress=False, retries=0, timeout=20)
    return fetch_pack(area, pack, catalogue=catalogue, downloader=downloader)


@pytest.mark.slow
def test_fetch_three_areas_and_build(tmp_path, proxied, publishers, httpserver):
    cache = tmp_path / "cache"
    roles = {s.role for s in load_catalogue(proxied) if s.use == "pack"}
    packs = {}
    for area in (SEFTON, LIVERPOOL, COUNTY):
        pack = tmp_path / area
        report = _fetch(area, pack, proxied, cache)
        assert report.failed == [], report.failed
        packs[area] = DataPack.open(pack)
        assert {e.role for e in packs[area].entries} == roles
    # upper tier: both districts' LSOAs, the county in the LAD column
    lookup = packs[COUNTY].read("lookup.lsoa_ward_lad")
    assert set(lookup["lad24_code"]) == {COUNTY}
    assert set(lookup["ltla24_code"]) == set(DISTRICTS)
    assert len(lookup) == len(publishers.lookup[publishers.lookup["LAD24CD"].isin(DISTRICTS)])
    # Local Health, laid out as its exports, for the MSOAs of each area
    for area in (SEFTON, COUNTY):
        local = packs[area].read("indicators.local_health")
        msoas = packs[area].read("boundaries.msoa")
        assert set(local["area_code"]) == set(msoas["msoa21_code"])
    # boundary change: Liverpool's IoD2019 is on LSOA 2011, cut by the bridge lookup
    imd19 = packs[LIVERPOOL].read("imd", edition="IoD2019")
    bridge = packs[LIVERPOOL].read("lookup.lsoa11_lsoa21")
    assert set(imd19["lsoa11_code"]) == set(bridge["lsoa11_code"])
    # a second fetch makes no request; then build with the server gone
    before = len(publishers.log)
    again = _fetch(SEFTON, tmp_path / SEFTON, proxied, cache)
    assert again.failed == [] and again.requests == 0 and len(publishers.log) == before
    httpserver.stop()
    for area, chapters in ((SEFTON, SEFTON_CHAPTERS), (LIVERPOOL, ["01"]), (COUNTY, ["01"])):
        out = tmp_path / f"out-{area}"
        result = build(pack=tmp_path / area, area=area, out=out, chapters=chapters)
        assert result.ok, sorted(result.failed)
        text = "\n".join(
            p.read_text(encoding="utf-8") for p in (out / "reports" / area).glob("*.html")
        )
        assert "not available in this data pack" not in text.lower()
        for role in roles:
            assert f"(role `{role}`)" not in text and f"role {role} " not in text
    # chapter 05: IoD2019's LSOA shares beside IoD2025's, residents' shares for IoD2025 only
    core20 = _table_rows(tmp_path / f"out-{SEFTON}" / "reports" / SEFTON, "05_")
    assert "Core20 LSOAs (%) (IoD2019)" in core20[0] and "Residents (IoD2025)" in core20[0]
    assert not any("IoD2019" in h and "Residents" in h for h in core20[0]), core20[0]
    assert [row[0] for row in core20[1:]] == ["Sefton"]
    httpserver.start()


def _table_rows(reports, prefix):
    """Header and rows of the chapter's Core20-by-authority table in its web page."""
    from bs4 import BeautifulSoup

    page = next(reports.glob(f"{prefix}*.html"))
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for table in soup.find_all("table"):
        header = [th.get_text(" ", strip=True) for th in table.find("tr").find_all("th")]
        if any(h.startswith("Core20 LSOAs (%)") for h in header) and "Area" in header:
            rows = [
                [td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])]
                for tr in table.find_all("tr")[1:]
            ]
            return [header, *rows]
    raise AssertionError(f"no Core20 table in {page.name}")
