"""jsna fetch: ArcGIS pages, workbooks, county councils, whole practices, kept entries.

Small files in the publishers' layouts are served by a local HTTP server; each
test names the behaviour it pins down.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from werkzeug import Response

from jsna.io.catalogue import find_header, load_catalogue
from jsna.io.datapack import DataPack
from jsna.io.download import Downloader
from jsna.io.fetch import fetch_pack

COUNTY = "E10000017"
DISTRICTS = ["E07000117", "E07000118"]
UNITARY = "E06000008"
LOOKUP = pd.DataFrame(
    {
        "LSOA21CD": ["E01000001", "E01000002", "E01000003", "E01000004", "E01000005"],
        "LSOA21NM": ["Burnley 001A", "Burnley 001B", "Chorley 001A", "Chorley 002A", "BwD 001A"],
        "WD24CD": ["E05000001", "E05000001", "E05000002", "E05000003", "E05000004"],
        "WD24NM": ["W1", "W1", "W2", "W3", "W4"],
        "LAD24CD": [*DISTRICTS[:1] * 2, *DISTRICTS[1:] * 2, UNITARY],
        "LAD24NM": ["Burnley", "Burnley", "Chorley", "Chorley", "BwD"],
    }
)
LTLA = pd.DataFrame(
    {
        "LTLA23CD": [*DISTRICTS, UNITARY],
        "LTLA23NM": ["Burnley", "Chorley", "BwD"],
        "UTLA23CD": [COUNTY, COUNTY, UNITARY],
        "UTLA23NM": ["Lancashire", "Lancashire", "BwD"],
    }
)
PATIENTS = pd.DataFrame(
    {
        "PRACTICE_CODE": ["P1", "P1", "P2", "P3"],
        "LSOA_CODE": ["E01000001", "E09999999", "E01000005", "E09999999"],
        "SEX": "ALL",
        "NUMBER_OF_PATIENTS": [10, 20, 30, 40],
    }
)


def _arcgis(records: list[dict], calls: list[int]):
    def answer(request):
        offset = int(request.args.get("resultOffset", 0))
        size = int(request.args.get("resultRecordCount", 1000))
        calls.append(offset)
        body = {
            "features": [{"attributes": r} for r in records[offset : offset + size]],
            "exceededTransferLimit": offset + size < len(records),
        }
        return Response(json.dumps(body), content_type="application/json")

    return answer


def _workbook() -> bytes:
    frame = LOOKUP[["LAD24CD", "LSOA21CD"]].rename(
        columns={"LAD24CD": "LAD 2021 Code", "LSOA21CD": "LSOA 2021 Code"}
    )
    frame["Total"] = [100, 200, 300, 400, 500]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame([["A title"], ["A note"]]).to_excel(
            writer, sheet_name="Mid-2022 LSOA 2021", index=False, header=False
        )
        frame.to_excel(writer, sheet_name="Mid-2022 LSOA 2021", index=False, startrow=3)
    return buffer.getvalue()


@pytest.fixture
def served(httpserver):
    calls: list[int] = []
    httpserver.expect_request("/ltla").respond_with_handler(_arcgis(LTLA.to_dict("records"), []))
    httpserver.expect_request("/lookup").respond_with_handler(
        _arcgis(LOOKUP.to_dict("records"), calls)
    )
    httpserver.expect_request("/pop.xlsx").respond_with_data(_workbook())
    httpserver.expect_request("/patients.csv").respond_with_data(
        PATIENTS.to_csv(index=False).encode()
    )
    return httpserver, calls


def _catalogue(tmp_path, server) -> str:
    base = server.url_for("")
    path = tmp_path / "catalogue.toml"
    path.write_text(
        f"""
[[source]]
id = "ltla"
role = "lookup.ltla_utla"
use = "fetch"
format = "arcgis"
page_size = 2
url = "{base}ltla?f=json"
path = "lookups/ltla.csv"
columns = ["LTLA23CD", "UTLA23CD"]

[[source]]
id = "lookup"
role = "lookup.lsoa_ward_lad"
format = "arcgis"
page_size = 2
url = "{base}lookup?f=json"
path = "lookups/lookup.csv"
columns = ["LSOA21CD", "WD24CD", "LAD24CD"]
subset = "area"
subset_column = "LAD24CD"

[[source]]
id = "pop"
role = "population.lsoa"
format = "xlsx"
sheet = "Mid-2022 LSOA 2021"
url = "{base}pop.xlsx"
path = "population/pop.csv"
columns = ["LSOA 2021 Code", "Total"]
subset = "lsoa"
subset_column = "LSOA 2021 Code"

[[source]]
id = "patients"
role = "gp.lsoa_patients"
url = "{base}patients.csv"
path = "gp/patients.csv"
columns = ["PRACTICE_CODE", "LSOA_CODE"]
subset = "lsoa"
subset_column = "LSOA_CODE"
keep_whole = "PRACTICE_CODE"
[source.settings]
vintage = "LSOA21"
""",
        encoding="utf-8",
    )
    return str(path)


def _fetch(tmp_path, server, area, **kw):
    downloader = Downloader(tmp_path / "cache", progress=False, retries=0, timeout=5)
    return fetch_pack(
        area, tmp_path / area, catalogue=_catalogue(tmp_path, server), downloader=downloader, **kw
    )


def test_county_gets_all_its_districts_and_arcgis_pages_are_followed(tmp_path, served):
    server, calls = served
    report = _fetch(tmp_path, server, COUNTY)
    assert report.failed == [] and report.districts == DISTRICTS
    assert calls == [0, 2, 4]  # 5 records in pages of 2
    lookup = pd.read_csv(tmp_path / COUNTY / "lookups" / "lookup.csv", dtype=str)
    assert lookup["LAD24CD"].tolist() == [COUNTY] * 4
    assert lookup["LAD24NM"].unique().tolist() == ["Lancashire"]
    assert lookup["LTLA24CD"].tolist() == [*DISTRICTS[:1] * 2, *DISTRICTS[1:] * 2]
    pack = DataPack.open(tmp_path / COUNTY)
    assert pack.areas == [COUNTY]
    read = pack.read("lookup.lsoa_ward_lad")
    assert set(read["lad24_code"]) == {COUNTY} and set(read["ltla24_code"]) == set(DISTRICTS)
    population = pd.read_csv(tmp_path / COUNTY / "population" / "pop.csv", dtype=str)
    assert population["Total"].tolist() == ["100", "200", "300", "400"]


def test_practices_with_patients_in_the_area_are_kept_whole(tmp_path, served):
    server, _ = served
    report = _fetch(tmp_path, server, DISTRICTS[0])
    assert report.failed == [] and report.districts == [DISTRICTS[0]]
    patients = pd.read_csv(tmp_path / DISTRICTS[0] / "gp" / "patients.csv", dtype=str)
    # P1 has one patient LSOA in Burnley: both its rows are kept; P2 and P3 are not
    assert patients["PRACTICE_CODE"].tolist() == ["P1", "P1"]
    assert patients["NUMBER_OF_PATIENTS"].tolist() == ["10", "20"]


def test_unknown_area_is_one_line_and_the_rest_still_written(tmp_path, served):
    server, _ = served
    report = _fetch(tmp_path, server, "E10999999")
    assert any("neither an upper- nor a lower-tier authority" in f for f in report.failed)
    assert all("\n" not in f for f in report.failed)


def test_only_keeps_the_other_entries_of_an_earlier_fetch(tmp_path, served):
    server, _ = served
    _fetch(tmp_path, server, UNITARY)
    before = {e.role for e in DataPack.open(tmp_path / UNITARY).entries}
    again = _fetch(tmp_path, server, UNITARY, only=["population.lsoa"])
    # the lookup whose LSOAs cut the population is read again too, from the cache
    assert again.written == ["lookups/lookup.csv", "population/pop.csv"] and again.requests == 0
    assert {e.role for e in DataPack.open(tmp_path / UNITARY).entries} == before


def test_workbook_header_row_is_found_below_notes():
    raw = pd.DataFrame([["Title", None], [None, None], ["LSOA 2021 Code", "Total"]])
    assert find_header(raw, "lsoa 2021 code") == 2


def test_shipped_catalogue_covers_the_brief():
    sources = load_catalogue()
    roles = {s.role for s in sources}
    assert {
        "boundaries.ward", "boundaries.lsoa", "boundaries.msoa", "lookup.lsoa_ward_lad",
        "lookup.ward_lad", "lookup.lsoa11_lsoa21", "lookup.lsoa_icb", "lookup.ltla_utla",
        "population.lsoa", "imd", "gp.lsoa_patients", "gp.practice_map",
        "prevalence.recorded", "neighbours.dfe", "neighbours.list", "indicators.fingertips",
        "census.lsoa", "indicators.local_health", "prevalence.model",
    } <= roles  # fmt: skip
    tables = {s.settings.get("table") for s in sources if s.role == "census.lsoa"}
    assert tables == {"TS007A", "TS011", "TS021", "TS029", "TS037", "TS038", "TS039"}
    editions = {s.settings.get("edition") for s in sources if s.role == "imd"}
    assert editions == {"IoD2025", "IoD2019"}
    fingertips = next(s for s in sources if s.role == "indicators.fingertips")
    assert 92949 in fingertips.indicators  # dementia diagnosis rate
    assert all(s.documented.startswith("https://") and s.licence for s in sources)
