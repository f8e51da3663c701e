"""`jsna build` and the command line: real builds into temporary folders."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jsna.publish.build import build
from jsna.publish.cli import main

NOTEBOOK_OK = {
    "cells": [
        {
            "id": "params",
            "cell_type": "code",
            "metadata": {"tags": ["parameters"]},
            "source": "PACK = None\nAREA = None\nFIGURES = None\nREPORTS = None",
            "outputs": [],
            "execution_count": None,
        },
        {
            "id": "work",
            "cell_type": "code",
            "metadata": {},
            "source": "import pathlib, time\nSLEEP = 0\ntime.sleep(SLEEP)\n"
            "pathlib.Path(FIGURES, 'x.csv').write_text('a\\n1\\n')",
            "outputs": [],
            "execution_count": None,
        },
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def write_notebooks(folder: Path, *, fail: bool = False, sleep: float = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    ok = json.loads(json.dumps(NOTEBOOK_OK))
    ok["cells"][1]["source"] = ok["cells"][1]["source"].replace("SLEEP = 0", f"SLEEP = {sleep}")
    (folder / "01_ok.ipynb").write_text(json.dumps(ok))
    if fail:
        bad = json.loads(json.dumps(NOTEBOOK_OK))
        bad["cells"][1]["source"] = "raise ValueError('chapter broke on purpose')"
        (folder / "02_bad.ipynb").write_text(json.dumps(bad))
    return folder


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["build", "--pack", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("jsna: error: no datapack.toml in")
    assert "jsna demo" in err and "\n" not in err


def test_cli_unknown_area(shared_data, capsys):
    assert (
        main(["build", "--pack", str(shared_data), "--area", "E08000099", "--chapters", "01"]) == 2
    )
    err = capsys.readouterr().err.strip()
    assert "unknown area code 'E08000099'" in err and "\n" not in err


def test_cli_needs_area_for_multi_area_pack(shared_data, capsys):
    assert main(["build", "--pack", str(shared_data), "--chapters", "01"]) == 2
    assert "choose one with --area" in capsys.readouterr().err


def test_failed_chapter_reported_and_others_built(tmp_path, monkeypatch, demo_pack):
    monkeypatch.setenv("JSNA_NOTEBOOKS", str(write_notebooks(tmp_path / "nb", fail=True)))
    lines = []
    result = build(demo_pack, None, tmp_path / "out", progress=lines.append)
    assert result.built == ["01_ok"]
    assert (
        list(result.failed) == ["02_bad"] and "chapter broke on purpose" in result.failed["02_bad"]
    )
    assert (result.reports / "01_ok.html").is_file()
    assert (result.reports / "02_bad.FAILED.ipynb").is_file()
    assert not (result.reports / "02_bad.html").exists()
    assert any("FAILED" in line for line in lines)
    assert not list((tmp_path / "out").glob(".jsna-build-*"))  # staging removed


def test_killed_build_leaves_previous_outputs(tmp_path, demo_pack):
    notebooks = write_notebooks(tmp_path / "nb", sleep=60)
    out = tmp_path / "out"
    previous = out / "reports" / "E06999001"
    previous.mkdir(parents=True)
    (previous / "01_ok.html").write_text("previous build")
    env = {**os.environ, "JSNA_NOTEBOOKS": str(notebooks)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jsna.publish.cli",
            "build",
            "--pack",
            str(demo_pack),
            "--out",
            str(out),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob(".jsna-build-*/*/reports/*")):
        time.sleep(0.2)
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert (previous / "01_ok.html").read_text() == "previous build"
    assert not list(out.glob(".jsna-build-*"))


@pytest.mark.parametrize(("area", "n_wards"), [("E08000014", 22), ("E08000012", 64)])
def test_real_first_chapter(shared_data, tmp_path, area, n_wards):
    result = build(shared_data, area, tmp_path, chapters=["01"], progress=lambda _: None)
    assert result.ok, result.failed
    html = (result.reports / "01_population_and_deprivation.html").read_text()
    assert "Key messages" in html and "def " not in html  # code hidden
    assert (result.reports / "01_population_and_deprivation.docx").is_file()
    assert (result.reports / "01_population_and_deprivation.xlsx").is_file()
    manifest = (result.figures / "manifest.csv").read_text()
    assert "01_ward_imd_score" in manifest and "01_lsoa_imd_decile" in manifest
    table = (
        result.reports / "tables" / "01_population_and_deprivation" / "ward_deprivation.csv"
    ).read_text()
    assert len(table.strip().splitlines()) == n_wards + 1  # every ward, header included


def test_demo_build(demo_pack, tmp_path):
    result = build(demo_pack, None, tmp_path, chapters=["01"], progress=lambda _: None)
    assert result.ok, result.failed
    assert (result.reports / "01_population_and_deprivation.html").read_text().count(
        "ynthetic data"
    ) >= 1
    assert "True" in (result.figures / "manifest.csv").read_text()


def test_rebuild_is_byte_identical(demo_pack, tmp_path):
    first = build(demo_pack, None, tmp_path / "a", chapters=["01"], progress=lambda _: None)
    second = build(demo_pack, None, tmp_path / "b", chapters=["01"], progress=lambda _: None)
    assert first.ok and second.ok
    names = sorted(p.name for p in first.figures.iterdir())
    assert names == sorted(p.name for p in second.figures.iterdir())
    assert {n.rsplit(".", 1)[-1] for n in names} >= {"png", "svg", "csv"}
    for name in names:
        assert (first.figures / name).read_bytes() == (second.figures / name).read_bytes(), name
    for table in (first.reports / "tables").rglob("*.csv"):
        twin = second.reports / table.relative_to(first.reports)
        assert table.read_bytes() == twin.read_bytes(), table.name


def test_real_sefton_oldest_residents_suppressed_and_not_recoverable(shared_data, tmp_path):
    """Issue 7 acceptance: the real Sefton ward table and map suppress cells; none recoverable."""
    import pandas as pd

    result = build(shared_data, "E08000014", tmp_path, chapters=["01"], progress=lambda _: None)
    assert result.ok, result.failed
    table = pd.read_csv(
        result.reports / "tables" / "01_population_and_deprivation" / "residents_90_plus.csv",
        keep_default_na=False,
        na_values=[""],
    )
    hidden = table["suppression"].eq("[c]") & table["Residents aged 90+"].isna()
    assert hidden.sum() >= 2
    figure = pd.read_csv(
        result.figures / "01_lsoa_residents_90_plus.csv", keep_default_na=False, na_values=[""]
    )
    assert figure["suppressed"].sum() == hidden[~table["Ward total"]].sum()
    for ward, group in table.groupby("Ward code"):
        total = group[group["Ward total"]]["Residents aged 90+"]
        cells = group[~group["Ward total"]]
        k = int(cells["Residents aged 90+"].isna().sum())
        if k == 0 or total.isna().all():
            continue
        # What a reader can work out: the suppressed cells sum to S; with each at least 1
        # (zeros are shown), one cell lies between 1 and S - (k - 1). It is recoverable
        # only when that range is a single value.
        s = float(total.iloc[0]) - cells["Residents aged 90+"].sum()
        low, high = 1.0, s - (k - 1)
        assert high > low, f"ward {ward}: suppressed cells recoverable (k={k}, sum={s})"


def test_two_areas_build_at_once_into_one_folder(shared_data, tmp_path):
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jsna.publish.cli",
                "build",
                "--pack",
                str(shared_data),
                "--area",
                area,
                "--chapters",
                "01",
                "--out",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for area in ("E08000014", "E08000012")
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    for area in ("E08000014", "E08000012"):
        assert (tmp_path / "reports" / area / "01_population_and_deprivation.html").is_file()
        manifest = (tmp_path / "figures" / area / "manifest.csv").read_text()
        assert manifest.count("\n01_") >= 5
    assert not list(tmp_path.glob(".jsna-build-*"))
