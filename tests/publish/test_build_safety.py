"""Issue 12, "builds never lose good outputs": partial, failed, killed and concurrent builds.

Small chapter notebooks written here use the real :class:`jsna.publish.chapter.Chapter`
(a table, a figure with its manifest row, key messages), so every build also writes the
Word and Excel versions. Each test builds into its own temporary ``--out`` folder.
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from jsna.exceptions import JSNAError
from jsna.publish.build import build
from jsna.publish.cli import main

AREA = "E06999001"

CHAPTER = """\
import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from pathlib import Path
from jsna.publish.chapter import Chapter
chapter = Chapter.start(NAME, PACK, AREA, FIGURES, REPORTS)
frame = pd.DataFrame({{"ward": ["a", "b"], "value": [{version}, {version}]}})
chapter.table(frame, "values", title="Values, version {version}", safe_columns=["value"])
fig, ax = plt.subplots()
ax.bar(frame["ward"], frame["value"])
chapter.figure(
    fig, "{figure}", title="Values", alt_text="Bar chart of values.", data=frame,
    safe_columns=["value"],
)
{extra}
chapter.messages(["Version {version}."])
"""


def notebook(name: str, code: str) -> dict:
    """A chapter notebook: a parameters cell, then ``code``."""
    return {
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
                "id": "name",
                "cell_type": "markdown",
                "metadata": {},
                "source": f"# Chapter {name}",
            },
            {
                "id": "work",
                "cell_type": "code",
                "metadata": {},
                "source": f"NAME = {name!r}\n" + code,
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


def write_chapter(
    folder: Path, name: str, *, version: int = 1, figure: str = "values", extra: str = ""
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    code = CHAPTER.format(version=version, figure=figure, extra=extra)
    (folder / f"{name}.ipynb").write_text(json.dumps(notebook(name, code)))


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    folder = tmp_path / "nb"
    write_chapter(folder, "01_first")
    write_chapter(folder, "02_second")
    monkeypatch.setenv("JSNA_NOTEBOOKS", str(folder))
    return folder


def quiet(_line: str) -> None:
    pass


def published(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` (relative name -> content)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """Hidden working files a build must not leave: staging, temporaries, ``.old`` folders."""
    return sorted(
        str(p.relative_to(out))
        for p in out.rglob(".*")
        if not re.fullmatch(r"\.jsna-\w+\.lock", p.name)
    )


def run_cli(
    *args: str, env: dict | None = None, capture: bool = False, **kwargs
) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "jsna.publish.cli", "build", *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if capture else subprocess.DEVNULL,
        text=True,
        **kwargs,
    )


# --- the examples of issue 12 -------------------------------------------------------------


def test_building_one_chapter_keeps_the_others(notebooks, demo_pack, tmp_path):
    out = tmp_path / "out"
    assert build(demo_pack, None, out, progress=quiet).ok
    before = published(out)
    write_chapter(notebooks, "01_first", version=2)
    result = build(demo_pack, None, out, chapters=["01"], progress=quiet)
    assert result.ok and result.built == ["01_first"]
    after = published(out)
    for name, content in before.items():
        if "02_second" in name or name.startswith(f"figures/{AREA}/02_"):
            assert after.get(name) == content, name
    manifest = pd.read_csv(out / "figures" / AREA / "manifest.csv")
    assert list(manifest["file"]) == ["01_values.png", "02_values.png"]
    tables = out / "reports" / AREA / "tables"
    assert "version 2" in (tables / "01_first" / "tables.csv").read_text()
    assert "version 1" in (tables / "02_second" / "tables.csv").read_text()
    assert leftovers(out) == []


def test_failed_rebuild_keeps_the_previous_good_version(notebooks, demo_pack, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--pack", str(demo_pack), "--out", str(out)]) == 0
    reports = out / "reports" / AREA
    good = {
        ext: (reports / f"02_second{ext}").read_bytes()
        for ext in (".html", ".docx", ".xlsx", ".ipynb")
    }
    write_chapter(notebooks, "01_first", version=2)
    (notebooks / "02_second.ipynb").write_text(
        json.dumps(notebook("02_second", "raise ValueError('chapter broke on purpose')"))
    )
    capsys.readouterr()
    assert main(["build", "--pack", str(demo_pack), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    for ext, content in good.items():
        assert (reports / f"02_second{ext}").read_bytes() == content, ext
    assert "Version 2" in (reports / "01_first.html").read_text()
    assert (reports / "02_second.FAILED.ipynb").is_file()  # kept for debugging
    assert "previous version of 02_second was kept" in captured.out
    err = captured.err.strip()
    assert "\n" not in err and "02_second" in err and "chapter broke on purpose" in err
    assert "previous version kept" in err
    assert leftovers(out) == []


def test_half_outputs_of_a_failing_chapter_are_not_published(notebooks, demo_pack, tmp_path):
    write_chapter(notebooks, "02_second", extra="raise RuntimeError('after the outputs')")
    out = tmp_path / "out"
    result = build(demo_pack, None, out, progress=quiet)
    assert result.built == ["01_first"] and list(result.failed) == ["02_second"]
    assert "after the outputs" in result.failed["02_second"]
    files = published(out)
    assert not [name for name in files if "02_second" in name and "FAILED" not in name]
    assert not [name for name in files if name.startswith(f"figures/{AREA}/02_")]
    manifest = pd.read_csv(out / "figures" / AREA / "manifest.csv")
    assert list(manifest["file"]) == ["01_values.png"]
    assert leftovers(out) == []


def test_killed_build_is_cleaned_up_by_the_next(notebooks, demo_pack, tmp_path):
    write_chapter(notebooks, "01_first", extra="import time; time.sleep(120)")
    out = tmp_path / "out"
    proc = run_cli("--pack", str(demo_pack), "--out", str(out), start_new_session=True)
    sockets = Path(tempfile.gettempdir())
    deadline = time.monotonic() + 90
    # wait until the chapter's kernel runs (its staging notebook and socket folder exist)
    while time.monotonic() < deadline and not (
        list(out.glob(".jsna-build-*/*/reports/*.ipynb"))
        and list(sockets.glob(f"jsna-{proc.pid}-*"))
    ):
        time.sleep(0.2)
    time.sleep(1)
    os.killpg(proc.pid, signal.SIGKILL)  # kill -9: no clean-up code runs
    proc.wait(timeout=30)
    # The kernel runs in a session of its own, so it survives the kill, notices within a
    # second that its build is gone and exits; until then it may still write into staging.
    time.sleep(3)
    assert list(out.glob(f".jsna-build-{AREA}-{proc.pid}-*"))
    assert list(sockets.glob(f"jsna-{proc.pid}-*"))
    write_chapter(notebooks, "01_first")
    assert build(demo_pack, None, out, chapters=["01"], progress=quiet).ok
    assert not list(out.glob(".jsna-build-*"))
    assert not list(sockets.glob(f"jsna-{proc.pid}-*"))


def test_unknown_chapter_is_an_error_naming_the_chapters(notebooks, demo_pack, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--pack", str(demo_pack), "--out", str(out), "--chapters", "99"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "'99'" in err and "01_first" in err and "02_second" in err
    assert not out.exists() or leftovers(out) == []


def test_chapter_zero_does_not_build_everything(notebooks, demo_pack, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", "--pack", str(demo_pack), "--out", str(out), "--chapters", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert "'0'" in err and "01_first" in err and "\n" not in err
    assert not (out / "reports").exists()


def test_concurrent_publishes_of_one_area(tmp_path, demo_pack):
    """Four builds of one area finish together and publish at once: all succeed, none leaks."""
    folder = tmp_path / "nb"
    go = tmp_path / "go"
    wait = f"import time, pathlib\nwhile not pathlib.Path({str(go)!r}).exists(): time.sleep(0.01)"
    write_chapter(folder, "01_first", extra=wait)
    write_chapter(folder, "02_second", extra=wait)
    out = tmp_path / "out"
    env = {"JSNA_NOTEBOOKS": str(folder)}
    procs = [
        run_cli(
            "--pack",
            str(demo_pack),
            "--out",
            str(out),
            "--chapters",
            chapter,
            env=env,
            capture=True,
        )
        for chapter in ("01", "02", "01", "02")
    ]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob(".jsna-build-*/*/reports/*"))) < 4:
        time.sleep(0.1)
    go.write_text("go")
    results = []
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        results.append((proc.returncode, err))
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    reports = out / "reports" / AREA
    for name in ("01_first", "02_second"):
        for ext in (".html", ".docx", ".xlsx", ".ipynb"):
            assert (reports / f"{name}{ext}").is_file()
    manifest = pd.read_csv(out / "figures" / AREA / "manifest.csv")
    assert list(manifest["file"]) == ["01_values.png", "02_values.png"]
    assert leftovers(out) == []
    assert not list((out / "reports").glob("*old*")) and not list((out / "figures").glob("*old*"))


def test_out_pointing_at_a_file_is_one_line(demo_pack, tmp_path, capsys):
    target = tmp_path / "a-file.txt"
    target.write_text("not a folder")
    assert main(["build", "--pack", str(demo_pack), "--out", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("jsna: error: --out") and "not a folder" in err and "\n" not in err
    assert target.read_text() == "not a folder"


def test_out_unwritable_is_one_line(demo_pack, tmp_path, capsys):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys")):  # root ignores permissions; /sys refuses even root
        try:
            (candidate / "probe").mkdir()
        except OSError:
            folder = candidate
            break
        (candidate / "probe").rmdir()
    else:
        pytest.skip("no unwritable folder available")
    assert main(["build", "--pack", str(demo_pack), "--out", str(folder / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("jsna: error: cannot write to --out") and "\n" not in err


def test_area_with_spaces_is_stripped(notebooks, demo_pack, tmp_path):
    out = tmp_path / "out"
    result = build(demo_pack, f" {AREA} ", out, chapters=["01"], progress=quiet)
    assert result.ok and result.area == AREA
    assert sorted(p.name for p in (out / "reports").iterdir()) == [AREA]
    assert sorted(p.name for p in (out / "figures").iterdir()) == [AREA]


# --- more cases of the same classes -------------------------------------------------------


@pytest.mark.parametrize("area", ["E0699900", "e06999001", "E06 99900", "", "../E06999001"])
def test_area_not_in_code_form_is_an_error(notebooks, demo_pack, tmp_path, capsys, area):
    out = tmp_path / "out"
    assert main(["build", "--pack", str(demo_pack), "--out", str(out), "--area", area]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and repr(area) in err and "E08000014" in err  # shows the form
    assert not out.exists()


@pytest.mark.parametrize("chapter", ["01/../02", "../01", "01_first.ipynb", "", "1x", "001"])
def test_chapter_names_are_numbers_or_notebook_names(notebooks, demo_pack, tmp_path, chapter):
    with pytest.raises(JSNAError, match=r"chapter .* 01_first, 02_second"):
        build(demo_pack, None, tmp_path / "out", chapters=[chapter], progress=quiet)
    assert not (tmp_path / "out").exists()


def test_repeated_chapter_is_built_once(notebooks, demo_pack, tmp_path):
    lines = []
    result = build(
        demo_pack, None, tmp_path, chapters=["01", "01", "01_first"], progress=lines.append
    )
    assert result.built == ["01_first"]
    assert [line for line in lines if line.startswith("[")] == ["[1/1] 01_first ..."]


def test_chapter_by_full_name_or_single_digit(notebooks, demo_pack, tmp_path):
    assert build(demo_pack, None, tmp_path, chapters=["02_second"], progress=quiet).built == [
        "02_second"
    ]
    assert build(demo_pack, None, tmp_path, chapters=["1"], progress=quiet).built == ["01_first"]


def test_two_notebooks_with_one_number_are_an_error(notebooks, demo_pack, tmp_path):
    write_chapter(notebooks, "01_again")
    with pytest.raises(JSNAError, match="01_again.*01_first|01_first.*01_again"):
        build(demo_pack, None, tmp_path / "out", progress=quiet)


def test_out_inside_the_pack_is_an_error(notebooks, demo_pack, tmp_path, capsys):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(demo_pack, pack)
    assert main(["build", "--pack", str(pack), "--out", str(pack / "outputs")]) == 2
    err = capsys.readouterr().err.strip()
    assert "inside the data pack" in err and "\n" not in err
    assert not (pack / "outputs").exists()


def test_user_files_and_other_figures_are_kept(notebooks, demo_pack, tmp_path):
    out = tmp_path / "out"
    assert build(demo_pack, None, out, progress=quiet).ok
    figures, reports = out / "figures" / AREA, out / "reports" / AREA
    (figures / "README.txt").write_text("my notes")
    (reports / "cover.docx").write_bytes(b"my cover")
    manifest = figures / "manifest.csv"
    extra = "logo.png,Logo,The council logo.,The council,False\n"
    manifest.write_text(manifest.read_text() + extra)
    assert build(demo_pack, None, out, progress=quiet).ok
    assert (figures / "README.txt").read_text() == "my notes"
    assert (reports / "cover.docx").read_bytes() == b"my cover"
    assert list(pd.read_csv(manifest)["file"]) == ["01_values.png", "02_values.png", "logo.png"]


def test_a_figure_a_chapter_no_longer_draws_is_removed(notebooks, demo_pack, tmp_path):
    out = tmp_path / "out"
    assert build(demo_pack, None, out, progress=quiet).ok
    write_chapter(notebooks, "02_second", figure="renamed")
    assert build(demo_pack, None, out, chapters=["02"], progress=quiet).ok
    figures = out / "figures" / AREA
    names = sorted(p.name for p in figures.iterdir())
    assert [n for n in names if n.startswith("02_")] == [
        "02_renamed.csv",
        "02_renamed.disclosure.json",
        "02_renamed.png",
        "02_renamed.svg",
    ]
    assert [n for n in names if n.startswith("01_")] == [
        "01_values.csv",
        "01_values.disclosure.json",
        "01_values.png",
        "01_values.svg",
    ]
    assert list(pd.read_csv(figures / "manifest.csv")["file"]) == [
        "01_values.png",
        "02_renamed.png",
    ]


def test_success_after_failure_removes_the_failed_notebook(notebooks, demo_pack, tmp_path):
    out = tmp_path / "out"
    write_chapter(notebooks, "02_second", extra="raise RuntimeError('first try fails')")
    assert not build(demo_pack, None, out, progress=quiet).ok
    assert (out / "reports" / AREA / "02_second.FAILED.ipynb").is_file()
    write_chapter(notebooks, "02_second")
    assert build(demo_pack, None, out, chapters=["02"], progress=quiet).ok
    assert not (out / "reports" / AREA / "02_second.FAILED.ipynb").exists()
    assert (out / "reports" / AREA / "02_second.html").is_file()


def test_published_files_are_0644_and_folders_0755(notebooks, demo_pack, tmp_path):
    out = tmp_path / "out"
    old = os.umask(0o077)  # a private umask must not make reports unreadable to the web server
    try:
        assert build(demo_pack, None, out, progress=quiet).ok
    finally:
        os.umask(old)
    for path in (out / "reports").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
    for path in (out / "figures").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_read_only_previous_file_is_replaced(notebooks, demo_pack, tmp_path):
    out = tmp_path / "out"
    assert build(demo_pack, None, out, chapters=["01"], progress=quiet).ok
    html = out / "reports" / AREA / "01_first.html"
    html.chmod(0o444)
    write_chapter(notebooks, "01_first", version=2)
    assert build(demo_pack, None, out, chapters=["01"], progress=quiet).ok
    assert "Version 2" in html.read_text()
    assert stat.S_IMODE(html.stat().st_mode) == 0o644


def test_stale_leftovers_of_dead_builds_are_cleaned_and_live_ones_kept(
    notebooks, demo_pack, tmp_path
):
    out = tmp_path / "out"
    assert build(demo_pack, None, out, chapters=["01"], progress=quiet).ok
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    stale = out / f".jsna-build-{AREA}-{dead_pid}-abcdef"
    (stale / "01_first" / "reports").mkdir(parents=True)
    live = out / f".jsna-build-{AREA}-{os.getpid()}-abcdef"  # this test's own process
    live.mkdir()
    reports = out / "reports" / AREA
    part = reports / f".01_first.html.jsna-{dead_pid}-0123abcd.part"
    part.write_text("half")
    legacy = out / "reports" / f".{AREA}.old-0123abcd"  # left by earlier versions of jsna
    legacy.mkdir()
    socket_dir = Path(tempfile.mkdtemp(prefix=f"jsna-{dead_pid}-"))
    assert build(demo_pack, None, out, chapters=["01"], progress=quiet).ok
    assert not stale.exists() and not part.exists() and not legacy.exists()
    assert not socket_dir.exists()
    assert live.is_dir()
    live.rmdir()


def test_sigterm_while_publishing_finishes_the_publication(notebooks, demo_pack, tmp_path):
    """SIGTERM arriving while chapters are moved into place waits until they all are."""
    out = tmp_path / "out"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from jsna.publish.cli import main
        from jsna.publish import build as module

        original = module.build

        def progress(line):
            print(line, flush=True)
            if line.startswith("publishing"):
                os.kill(os.getpid(), signal.SIGTERM)

        def patched(*args, **kwargs):
            kwargs["progress"] = progress
            return original(*args, **kwargs)

        module.build = patched
        sys.exit(main(["build", "--pack", {str(demo_pack)!r}, "--out", {str(out)!r}]))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "JSNA_NOTEBOOKS": str(notebooks)},
    )
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    reports = out / "reports" / AREA
    for name in ("01_first", "02_second"):
        for ext in (".html", ".docx", ".xlsx", ".ipynb"):
            assert (reports / f"{name}{ext}").is_file()
    assert leftovers(out) == []


@pytest.mark.parametrize("fail_at", [0, 1, 3, 5, 7])
def test_disk_full_while_publishing_keeps_the_previous_version(
    notebooks, demo_pack, tmp_path, monkeypatch, fail_at
):
    out = tmp_path / "out"
    assert build(demo_pack, None, out, chapters=["02"], progress=quiet).ok
    before = published(out)
    write_chapter(notebooks, "02_second", version=2)
    real_copy = os.replace
    final = (str(out / "reports"), str(out / "figures"))
    calls = []

    def replace(src, dst, **kwargs):  # "copy" into the published folders
        if str(dst).startswith(final) and not str(src).startswith(final):
            calls.append(dst)
            if len(calls) > fail_at:
                raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_copy(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    lines = []
    result = build(demo_pack, None, out, chapters=["02"], progress=lines.append)
    monkeypatch.undo()
    assert calls, "the publication never moved a file"
    assert list(result.failed) == ["02_second"]
    assert "No space left on device" in result.failed["02_second"]
    assert published(out) == before
    assert leftovers(out) == []
    assert any("previous version of 02_second was kept" in line for line in lines)


def test_disk_full_while_writing_word_keeps_the_previous_version(
    notebooks, demo_pack, tmp_path, monkeypatch
):
    from jsna.publish import documents

    out = tmp_path / "out"
    assert build(demo_pack, None, out, progress=quiet).ok
    before = published(out)
    write_chapter(notebooks, "01_first", version=2)
    write_chapter(notebooks, "02_second", version=2)
    real = documents.chapter_workbook

    def workbook(tables, path, **kwargs):
        if "02_second" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(tables, path, **kwargs)

    monkeypatch.setattr(documents, "chapter_workbook", workbook)
    result = build(demo_pack, None, out, progress=quiet)
    assert result.built == ["01_first"] and list(result.failed) == ["02_second"]
    assert "No space left on device" in result.failed["02_second"]
    after = published(out)
    assert {k: v for k, v in after.items() if "02_" in k} == {
        k: v for k, v in before.items() if "02_" in k
    }
    assert "Version 2" in (out / "reports" / AREA / "01_first.html").read_text()
