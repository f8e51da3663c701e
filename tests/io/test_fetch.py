"""jsna fetch against a local HTTP server replaying real-format files."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
import requests
from werkzeug import Response

from jsna.exceptions import SourceError
from jsna.io.datapack import DataPack
from jsna.io.fetch import Downloader, fetch_pack, load_catalogue

AREA = "E08000014"  # Sefton


def _lookup(shared_data: Path) -> bytes:
    text = (shared_data / "lookups" / "LSOA21_WD24_LAD24_EW_LU.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    return ("\n".join([lines[0]] + [x for x in lines[1:] if AREA in x]) + "\n").encode()


def _census_zip(shared_data: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(
            shared_data / "census2021" / "census2021-ts038-lsoa_CheshireMerseyside_3of7cols.csv",
            "census2021-ts038-lsoa.csv",
        )
    return buffer.getvalue()


def _catalogue(tmp_path: Path, server, **extra: str) -> Path:
    base = server.url_for("")
    text = f'''
[[source]]
id = "lookup"
role = "lookup.lsoa_ward_lad"
url = "{base}lookup?area={{area}}"
path = "lookups/lookup.csv"
columns = ["LSOA21CD", "WD24CD", "LAD24CD"]
attribution = "Source: Office for National Statistics, OGL v3.0."
[source.settings]
vintage = "LSOA21_WD24_LAD24"

[[source]]
id = "map"
role = "gp.practice_map"
url = "{base}gp-reg-pat-prac-map.csv"
path = "gp/gp-reg-pat-prac-map.csv"
columns = ["PRACTICE_CODE", "PCN_CODE"]
attribution = "Contains information from NHS England."

[[source]]
id = "ts038"
role = "census.lsoa"
url = "{base}census2021-ts038.zip"
format = "zip"
member = "census2021-ts038-lsoa.csv"
columns = ["geography code"]
subset = "lsoa"
subset_column = "geography code"
path = "census/census2021-ts038-lsoa.csv"
[source.settings]
table = "TS038"
'''
    path = tmp_path / "catalogue.toml"
    path.write_text(text)
    return path


@pytest.fixture
def files(shared_data):
    practice_map = shared_data / "gp_registrations" / "2025-10" / "gp-reg-pat-prac-map.csv"
    return {
        "/lookup": _lookup(shared_data),
        "/gp-reg-pat-prac-map.csv": practice_map.read_bytes(),
        "/census2021-ts038.zip": _census_zip(shared_data),
    }


def _serve(server, files, skip=()):
    for name, body in files.items():
        if name not in skip:
            server.expect_request(name).respond_with_data(body)


def _downloader(tmp_path, **kw):
    kw.setdefault("retries", 2)
    kw.setdefault("backoff", 0.01)
    kw.setdefault("timeout", 5)
    return Downloader(tmp_path / "cache", progress=False, **kw)


def test_shipped_catalogue_cites_every_url():
    sources = load_catalogue()
    assert all(s.documented.startswith("https://") and s.licence and s.attribution for s in sources)
    assert {"census.lsoa", "imd", "gp.practice_map", "lookup.lsoa_ward_lad"} <= {
        s.role for s in sources
    }


def test_fetch_writes_a_pack_that_reads_and_reruns_offline(tmp_path, httpserver, files):
    _serve(httpserver, files)
    catalogue = _catalogue(tmp_path, httpserver)
    report = fetch_pack(AREA, tmp_path / "pack", catalogue=catalogue,
                        downloader=_downloader(tmp_path))  # fmt: skip
    assert report.failed == [] and report.requests == 3
    pack = DataPack.open(tmp_path / "pack")
    assert pack.areas == [AREA] and len(pack.attribution) == 2
    lookup = pack.read("lookup.lsoa_ward_lad")
    assert set(lookup["lad24_code"]) == {AREA} and len(lookup) == 191
    census = pack.read("census.lsoa", table="TS038")
    assert set(census["lsoa21_code"]) == set(lookup["lsoa21_code"])  # cut to Sefton's LSOAs
    assert len(pack.read("gp.practice_map")) == 6202
    entry = pack.entry("census.lsoa")
    assert (
        entry.get("source_url").endswith("census2021-ts038.zip") and len(entry.get("sha256")) == 64
    )
    # a second run makes no requests (the server would fail them now)
    httpserver.clear()
    again = fetch_pack(AREA, tmp_path / "pack", catalogue=catalogue,
                       downloader=_downloader(tmp_path))  # fmt: skip
    assert again.failed == [] and again.requests == 0


def test_404_names_file_and_url_and_the_rest_is_written(tmp_path, httpserver, files):
    _serve(httpserver, files, skip=("/gp-reg-pat-prac-map.csv",))
    httpserver.expect_request("/gp-reg-pat-prac-map.csv").respond_with_data("gone", status=404)
    report = fetch_pack(AREA, tmp_path / "pack", catalogue=_catalogue(tmp_path, httpserver),
                        downloader=_downloader(tmp_path))  # fmt: skip
    assert len(report.failed) == 1
    line = report.failed[0]
    assert "\n" not in line and "gp/gp-reg-pat-prac-map.csv" in line and "HTTP 404" in line
    assert httpserver.url_for("/gp-reg-pat-prac-map.csv") in line
    pack = DataPack.open(tmp_path / "pack")
    assert pack.has("census.lsoa") and not pack.has("gp.practice_map")
    assert not list((tmp_path / "cache").glob("*map*"))


def test_500_then_success_is_retried(tmp_path, httpserver, files):
    httpserver.expect_ordered_request("/gp-reg-pat-prac-map.csv").respond_with_data(
        "busy", status=500
    )
    httpserver.expect_ordered_request("/gp-reg-pat-prac-map.csv").respond_with_data(
        files["/gp-reg-pat-prac-map.csv"]
    )
    get = _downloader(tmp_path)
    path = get.get(httpserver.url_for("/gp-reg-pat-prac-map.csv"))
    assert path.read_bytes() == files["/gp-reg-pat-prac-map.csv"] and get.requests_made == 2


def test_truncated_download_resumes_and_cache_never_holds_a_partial(tmp_path, httpserver, files):
    body = files["/gp-reg-pat-prac-map.csv"]
    half = len(body) // 2

    def cut(request):  # claims the whole length, sends half, then drops the connection
        return Response(iter([body[:half]]), headers={"Content-Length": str(len(body))})

    starts = []

    def rest(request):
        start = int(request.headers["Range"].removeprefix("bytes=").rstrip("-"))
        starts.append(start)
        return Response(
            body[start:],
            status=206,
            headers={"Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"},
        )

    httpserver.expect_ordered_request("/map.csv").respond_with_handler(cut)
    httpserver.expect_ordered_request("/map.csv").respond_with_handler(rest)
    get = _downloader(tmp_path)
    path = get.get(httpserver.url_for("/map.csv"))
    assert path.read_bytes() == body and get.requests_made == 2
    assert 0 < starts[0] <= half  # resumed, not started again
    # only verified files in the cache folder itself
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.is_file()] == [path.name]


def test_truncated_for_good_fails_without_caching(tmp_path, httpserver, files):
    body = files["/gp-reg-pat-prac-map.csv"]
    httpserver.expect_request("/map.csv").respond_with_handler(
        lambda r: (
            Response(iter([body[:1000]]), headers={"Content-Length": str(len(body))})
            if "Range" not in r.headers
            else Response(b"", status=206, headers={"Content-Length": "0"})
        )
    )
    get = _downloader(tmp_path, retries=1)
    with pytest.raises(SourceError, match=r"could not download .* after 2 attempts"):
        get.get(httpserver.url_for("/map.csv"))
    assert get.cached(httpserver.url_for("/map.csv")) is None


def test_changed_header_is_one_line_and_not_cached(tmp_path, httpserver, files):
    changed = files["/gp-reg-pat-prac-map.csv"].replace(b"PCN_CODE", b"PCN_ODS_CODE", 1)
    _serve(httpserver, {**files, "/gp-reg-pat-prac-map.csv": changed})
    report = fetch_pack(AREA, tmp_path / "pack", catalogue=_catalogue(tmp_path, httpserver),
                        downloader=_downloader(tmp_path))  # fmt: skip
    assert len(report.failed) == 1
    assert "has no column 'PCN_CODE'" in report.failed[0]
    assert "the publisher changed the layout" in report.failed[0]
    assert sorted(report.written) == ["census/census2021-ts038-lsoa.csv", "lookups/lookup.csv"]
    assert not list((tmp_path / "cache" / "partial").iterdir())


def test_slow_server_times_out_then_reports(tmp_path, httpserver):
    def slow(request):
        time.sleep(1.5)
        return Response(b"late")

    httpserver.expect_request("/slow.csv").respond_with_handler(slow)
    get = _downloader(tmp_path, timeout=0.3, retries=1)
    with pytest.raises(SourceError, match=r"after 2 attempts \(timed out\)"):
        get.get(httpserver.url_for("/slow.csv"))


def test_proxy_variable_is_used(tmp_path, httpserver, monkeypatch, files):
    # The 'proxy' is the local server: a request for another host goes to it.
    httpserver.expect_request("/gp-reg-pat-prac-map.csv").respond_with_data(
        files["/gp-reg-pat-prac-map.csv"]
    )
    monkeypatch.setenv("HTTP_PROXY", httpserver.url_for("/").rstrip("/"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    get = Downloader(tmp_path / "cache", progress=False, retries=0, session=requests.Session())
    path = get.get("http://publisher.invalid/gp-reg-pat-prac-map.csv")
    assert path.read_bytes() == files["/gp-reg-pat-prac-map.csv"]
    # '.invalid' never resolves (RFC 2606): the request reached the server only via the proxy
    assert "publisher.invalid" in str(httpserver.log[-1][0].url)


def test_only_unknown_role_is_an_error(tmp_path, httpserver):
    with pytest.raises(SourceError, match=r"--only 'nonsense' .*is not a role or source"):
        fetch_pack(AREA, tmp_path / "pack", only=["nonsense"],
                   catalogue=_catalogue(tmp_path, httpserver))  # fmt: skip


def test_command_line_prints_one_line_per_failure_and_exits_1(
    tmp_path, httpserver, files, capsys, monkeypatch
):
    from jsna.publish.cli import main

    _serve(httpserver, files, skip=("/gp-reg-pat-prac-map.csv",))
    httpserver.expect_request("/gp-reg-pat-prac-map.csv").respond_with_data("gone", status=404)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    catalogue = _catalogue(tmp_path, httpserver)
    pack = tmp_path / "pack"
    status = main(["fetch", "--area", AREA, "--pack", str(pack), "--catalogue", str(catalogue)])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    failed = [line for line in out if line.startswith("FAILED ")]
    assert len(failed) == 1 and "HTTP 404" in failed[0] and "gp-reg-pat-prac-map.csv" in failed[0]
    assert "wrote census/census2021-ts038-lsoa.csv" in out
    assert out[-1].startswith("2 file(s) in ") and out[-1].endswith("3 request(s)")
    # offline rerun from the cache: the lookup and census need no request
    httpserver.clear()
    status = main(["fetch", "--area", AREA, "--pack", str(pack), "--catalogue", str(catalogue),
                   "--only", "census.lsoa"])  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert status == 0 and out[-1].endswith("0 request(s)")
