"""The Fingertips API client (jsna.io.fingertips_api).

The client is tested against a local HTTP server (pytest-httpserver) that
serves the real CSVs, not against a mock of the client, and what it returns is
compared with what the reader makes of the same files.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

from jsna import columns as S
from jsna.exceptions import SourceError
from jsna.io import FileEntry
from jsna.io.fingertips import ROLE, read_fingertips
from jsna.io.fingertips_api import URL_ENV, FingertipsClient
from jsna.io.neighbours import read_neighbour_list

LA = "la_hospital_admissions_2324.csv"
REGION = "region_hospital_admissions_2324.csv"
LEGACY = "indicators-CountyUA.data.csv"


@pytest.fixture(scope="module")
def ft_dir(shared_data: Path) -> Path:
    return shared_data / "fingertips"


@pytest.fixture(scope="module")
def exports(ft_dir: Path) -> dict[str, pd.DataFrame]:
    """What the reader makes of each real export, by file name."""
    return {
        name: read_fingertips(FileEntry(ROLE, (ft_dir / name,))) for name in (LA, REGION, LEGACY)
    }


@pytest.fixture()
def la(exports):
    return exports[LA]


@pytest.fixture()
def region(exports):
    return exports[REGION]


@pytest.fixture()
def legacy(exports):
    return exports[LEGACY]


@pytest.fixture()
def httpserver():
    """A server of our own, so a test can stop it (the plugin's one is shared)."""
    server = HTTPServer()
    server.start()
    yield server
    if server.is_running():
        server.stop()


@pytest.fixture()
def server(httpserver, ft_dir):
    """A local Fingertips: the real CSVs, metadata, area types and a neighbour list."""
    la_text = (ft_dir / LA).read_text(encoding="utf-8")
    region_text = (ft_dir / REGION).read_text(encoding="utf-8")
    csv_type = "text/csv; charset=utf-8"
    httpserver.expect_request(
        "/api/all_data/csv/by_indicator_id",
        query_string={
            "indicator_ids": "90284",
            "child_area_type_id": "502",
            "parent_area_type_id": "15",
        },
    ).respond_with_data(la_text, content_type=csv_type)
    httpserver.expect_request(
        "/api/all_data/csv/by_indicator_id",
        query_string={
            "indicator_ids": "90284",
            "child_area_type_id": "502",
            "parent_area_type_id": "6",
        },
    ).respond_with_data(region_text, content_type=csv_type)
    httpserver.expect_request(
        "/api/all_data/csv/by_indicator_id",
        query_string={
            "indicator_ids": "93356",
            "child_area_type_id": "502",
            "parent_area_type_id": "15",
        },
    ).respond_with_data((ft_dir / LEGACY).read_bytes(), content_type=csv_type)
    httpserver.expect_request(
        "/api/indicator_metadata/by_indicator_id", query_string={"indicator_ids": "90284"}
    ).respond_with_json(
        {
            "90284": {
                "IID": 90284,
                "Descriptive": {
                    "Name": "Hospital admissions caused by unintentional and deliberate "
                    "injuries in children (aged 0 to 14 years)",
                    "Definition": "Crude rate per 10,000",
                },
                "Unit": {"Label": "per 10,000"},
                "ValueType": {"Name": "Crude rate"},
                "ConfidenceIntervalMethod": {"Name": "Byar's method"},
            }
        }
    )
    httpserver.expect_request("/api/area_types").respond_with_json(
        [
            {"Id": 15, "Name": "England", "Short": "England"},
            {"Id": 6, "Name": "Regions (statistical)", "Short": "Regions"},
            {"Id": 502, "Name": "Counties & UAs (from Apr 2023)", "Short": "Counties & UAs"},
        ]
    )
    httpserver.expect_request(
        "/api/areas/by_parent_area_code",
        query_string={"area_type_id": "502", "parent_area_code": "nn-1-E08000014"},
    ).respond_with_json(
        [
            {"Code": "E08000015", "Name": "Wirral"},
            {"Code": "E08000013", "Name": "St Helens"},
            {"Code": "E08000010", "Name": "Wigan"},
        ]
    )
    return httpserver


def make_client(server, cache: Path, **kwargs) -> FingertipsClient:
    return FingertipsClient(
        server.url_for("/api"), cache_dir=cache, retries=0, backoff_factor=0, timeout=5, **kwargs
    )


def test_client_fetches_caches_then_works_with_server_stopped(server, tmp_path, la, region):
    cache = tmp_path / "cache"
    client = make_client(server, cache)
    frame = client.all_data(90284, child_area_type_id=502, parent_area_type_id=15)
    pd.testing.assert_frame_equal(frame, la)
    two = client.all_data([90284], 502, 6, polarity="low is good")
    pd.testing.assert_frame_equal(two.drop(columns=S.POLARITY), region.drop(columns=S.POLARITY))
    meta = client.indicator_metadata(90284)
    assert meta.loc[0, "unit"] == "per 10,000" and meta.loc[0, "indicator_id"] == 90284
    types = client.area_types()
    assert types.set_index("area_type_id").loc[6, "area_type_name"] == "Regions (statistical)"
    nn = client.neighbours("E08000014", area_type_id=502, neighbour_type_id=1, model="CIPFA")
    assert nn["neighbour_code"].tolist() == ["E08000015", "E08000013", "E08000010"]
    assert nn["rank"].tolist() == [1, 2, 3]
    assert len(list(cache.glob("*.csv"))) == 2
    assert len(server.log) == 5

    server.stop()  # offline from here on
    again = make_client(server, cache)
    pd.testing.assert_frame_equal(again.all_data(90284, 502, 15), la)
    assert again.area_types().shape == (3, 3)
    assert again.neighbours("E08000014", 502, 1)["neighbour_name"].tolist() == [
        "Wirral",
        "St Helens",
        "Wigan",
    ]
    # not cached, server gone: a clear error naming the URL and what to do
    with pytest.raises(
        SourceError, match=r"cannot reach http://.*indicator_ids=90285.*cached data pack.*proxy"
    ):
        again.all_data(90285, 502, 15)
    offline = FingertipsClient("http://127.0.0.1:9/api", cache_dir=cache, offline=True)
    assert len(offline.all_data(90284, 502, 6)) == len(region)
    with pytest.raises(SourceError, match="not in the cache.*offline"):
        offline.all_data(90285, 502, 6)


def test_client_multi_indicator_pull_with_progress_bar(server, tmp_path, la, legacy, capsys):
    client = make_client(server, tmp_path / "cache", progress=True)
    frame = client.all_data([90284, 93356], 502, 15)
    assert frame[S.INDICATOR_ID].value_counts().to_dict() == {90284: len(la), 93356: len(legacy)}
    assert "Fingertips indicators" in capsys.readouterr().err
    assert len(client.fetched) == 2


def test_client_offline_error_when_nothing_listens(tmp_path):
    client = FingertipsClient(
        "http://127.0.0.1:9/api", cache_dir=tmp_path, retries=1, backoff_factor=0, timeout=2
    )
    with pytest.raises(SourceError, match=r"cannot reach http://127\.0\.0\.1:9/api/area_types"):
        client.area_types()


def test_base_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(URL_ENV, "http://example.invalid/ft/api/")
    client = FingertipsClient(cache_dir=tmp_path)
    assert client.url("area_types") == "http://example.invalid/ft/api/area_types"
    proxied = FingertipsClient(
        "http://x/api", cache_dir=tmp_path, proxies={"https": "http://proxy:3128"}
    )
    assert proxied.session.proxies["https"] == "http://proxy:3128"


def test_partial_or_corrupt_response_is_not_cached(httpserver, ft_dir, tmp_path):
    text = (ft_dir / LA).read_text(encoding="utf-8")
    query = {"indicator_ids": "90284", "child_area_type_id": "502", "parent_area_type_id": "15"}
    path = "/api/all_data/csv/by_indicator_id"
    httpserver.expect_ordered_request(path, query_string=query).respond_with_data(
        text[: len(text) // 2]
    )
    httpserver.expect_ordered_request(path, query_string=query).respond_with_data(
        "<html>Fingertips is down for maintenance</html>"
    )
    httpserver.expect_ordered_request(path, query_string=query).respond_with_data(text)
    cache = tmp_path / "cache"
    client = FingertipsClient(
        httpserver.url_for("/api"), cache_dir=cache, retries=0, progress=False
    )
    with pytest.raises(SourceError, match="truncated"):
        client.all_data(90284, 502)
    assert not list(cache.glob("*")) or not list(cache.glob("*.csv"))
    with pytest.raises(SourceError, match="no column 'Indicator ID'"):
        client.all_data(90284, 502)
    assert not list(cache.glob("*.csv"))
    assert len(client.all_data(90284, 502)) == 7208
    assert len(list(cache.glob("*.csv"))) == 1


def test_corrupt_cache_file_is_never_used(server, tmp_path, la):
    cache = tmp_path / "cache"
    client = make_client(server, cache)
    client.all_data(90284, 502, 15)
    cached = next(cache.glob("*.csv"))
    cached.write_text(cached.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    pd.testing.assert_frame_equal(client.all_data(90284, 502, 15), la)  # fetched again
    assert len(server.log) == 2


def test_http_error_and_retries(httpserver, tmp_path):
    httpserver.expect_request("/api/area_types").respond_with_data("busy", status=503)
    client = FingertipsClient(
        httpserver.url_for("/api"), cache_dir=tmp_path, retries=2, backoff_factor=0
    )
    with pytest.raises(SourceError, match="kept failing after retries"):
        client.area_types()
    assert len(httpserver.log) == 3  # the first try and two retries
    httpserver.clear()
    httpserver.expect_request("/api/indicator_metadata/by_indicator_id").respond_with_data(
        "no", status=404
    )
    with pytest.raises(SourceError, match="HTTP 404"):
        client.indicator_metadata(1)


def test_write_pack_then_read_offline(server, tmp_path, la, region):
    client = make_client(server, tmp_path / "cache")
    client.all_data([90284], 502, 15)
    client.all_data(90284, 502, 6)
    client.neighbours("E08000014", 502, 1, model="CIPFA nearest neighbours")
    manifest = client.write_pack(tmp_path / "pack", polarity={90284: "low is good"})
    server.stop()
    config = tomllib.loads(manifest.read_text(encoding="utf-8"))
    assert config["pack"]["synthetic"] is False
    files = config["file"]
    assert [f["role"] for f in files] == [ROLE, ROLE, "neighbours.list"]
    assert files[0]["indicator_ids"] == 90284 and files[1]["parent_area_type_id"] == 6
    assert files[0]["polarity"] == "low is good"
    root = manifest.parent
    for item, expected in zip(files[:2], (la, region), strict=True):
        paths = tuple(sorted(root.glob(item["path"])))
        frame = read_fingertips(
            FileEntry(ROLE, paths, {k: v for k, v in item.items() if k not in ("role", "path")})
        )
        pd.testing.assert_frame_equal(
            frame.drop(columns=S.POLARITY), expected.drop(columns=S.POLARITY)
        )
        assert set(frame[S.POLARITY]) == {"low is good"}
    nn = read_neighbour_list(
        FileEntry(
            "neighbours.list", tuple(root.glob(files[2]["path"])), {"model": files[2]["model"]}
        )
    )
    assert nn["neighbour_code"].tolist() == ["E08000015", "E08000013", "E08000010"]
    assert set(nn["model"]) == {"CIPFA nearest neighbours"}
    with pytest.raises(SourceError, match="exists; pass overwrite=True"):
        client.write_pack(tmp_path / "pack")
